"""The coarse level of an agency, inferred from its name (DOMAIN.md §1, §6)."""

from __future__ import annotations

import re

from .. import rules_data as data


def normalised_name(name: str | None) -> str:
    """For matching the same agency across years: no spaces, punctuation or brackets."""
    return re.sub(r"[^\w]", "", name or "").replace("_", "")


def level(name: str | None) -> str | None:
    if not name:
        return data.LEVEL_UNKNOWN
    name = normalised_name(name)
    if data.TOWNSHIP_NAME.search(name):
        return data.LEVEL_TOWNSHIP
    county = bool(data.COUNTY_UNIT.search(name)) and not data.ZONE_NAME.search(name)
    if data.GOVERNMENT_NAME.search(name):
        return data.LEVEL_COUNTY_GOVERNMENT if county else data.LEVEL_GOVERNMENT
    return data.LEVEL_COUNTY_DEPARTMENT if county else data.LEVEL_DEPARTMENT


def is_government(level_: str | None) -> bool:
    return level_ in (data.LEVEL_GOVERNMENT, data.LEVEL_COUNTY_GOVERNMENT, data.LEVEL_UNKNOWN)
