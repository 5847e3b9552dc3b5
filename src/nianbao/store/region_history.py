"""An agency's region corrected by a person, with history (table `region_corrections`).

`nianbao.regions` places most bodies from their names; where it cannot (a name without its
places, a new district) or places one wrongly, a person sets the province, city, county,
township, 行政区划代码 or level.  Each changed field is one history row (who, when, old → new);
the latest row of a field is in force.  It is written onto the agency and all its report rows
at once (stats, exports and filters read the report rows), and the writer copies it again onto
every later parse of the agency's reports (`apply_in_force`), so a correction survives re-parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, cast

from sqlalchemy import Table, select, update

from .. import regions
from .agencies import LEVELS
from .agencies import normalise as agency_key
from .db import Store
from .models import Agency, RegionCorrection, StoredReport

# Field → what users read (the column names of exports and stats).
FIELD_NAMES = {"province": "省", "city": "市", "county": "县", "township": "乡镇街道",
               "region_code": "行政区划代码", "level": "层级"}
FIELDS = tuple(FIELD_NAMES)
_NAME_FIELDS = ("province", "city", "county")
_CODE = re.compile(r"^\d{6}$")
_LONGEST = 40  # the columns' width

_AGENCIES = cast(Table, Agency.__table__)
_REPORTS = cast(Table, StoredReport.__table__)
_HISTORY = cast(Table, RegionCorrection.__table__)


class BadRegion(ValueError):
    """A correction the store cannot take; the message (Chinese first) names the field."""


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None


def find_agency(store: Store, agency: str) -> tuple[int, str]:
    """(id, name) of the agency given by id or by name (any of its spellings the key joins)."""
    text = agency.strip()
    with store.session() as session:
        if text.isdigit():
            row = session.execute(select(Agency.id, Agency.name).where(Agency.id == int(text))).first()
        else:
            row = session.execute(select(Agency.id, Agency.name).where(
                (Agency.key == agency_key(text)) | (Agency.name == text)).order_by(Agency.id)).first()
    if row is None:
        raise LookupError(f"未找到机关“{agency}”（可用机关编号或名称）/ no such agency")
    return row.id, row.name


def validated(changes: Mapping[str, Any]) -> dict[str, str | None]:
    """The changes with their values checked; a region code alone also gives its division's names."""
    unknown = [f for f in changes if f not in FIELD_NAMES]
    if unknown:
        raise BadRegion(f"未知字段 {', '.join(unknown)}（可用：{', '.join(FIELDS)}）/ unknown field(s)")
    if not changes:
        raise BadRegion("未给出要更正的字段 / nothing to correct")
    out = {field: _value(field, value) for field, value in changes.items()}
    code = out.get("region_code")
    named = regions.of_code(code) if code else None
    if named is not None:
        for field in _NAME_FIELDS:
            out.setdefault(field, getattr(named, field))
    return out


def _value(field: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # clears the field: not known
    text = str(value).strip()
    name = FIELD_NAMES[field]
    if field == "region_code" and not _CODE.match(text):
        raise BadRegion(f"{name}应为 6 位数字（如 320813），而不是“{text}” / region_code must be 6 digits")
    if field == "level" and text not in LEVELS:
        raise BadRegion(f"{name}应为 {'、'.join(LEVELS)} 之一，而不是“{text}” / level must be one of {', '.join(LEVELS)}")
    if len(text) > _LONGEST:
        raise BadRegion(f"{name}“{text[:20]}…”过长（至多 {_LONGEST} 字）/ {field} is too long")
    return text


def correct_region(store: Store, agency_id: int, changes: Mapping[str, Any], author: str = "",
                   note: str = "") -> list[Change]:
    """Apply the changes to the agency and its reports, one history row per changed field."""
    wanted = validated(changes)
    with store.engine.begin() as connection:
        current = connection.execute(
            select(*(_AGENCIES.c[f] for f in FIELDS)).where(_AGENCIES.c.id == agency_id)).first()
        if current is None:
            raise LookupError(f"未找到机关编号 {agency_id} / no such agency")
        done = [Change(f, getattr(current, f), v) for f, v in wanted.items() if getattr(current, f) != v]
        for change in done:
            connection.execute(_HISTORY.insert().values(
                agency_id=agency_id, field=change.field, old_value=change.old, new_value=change.new,
                author=author.strip() or None, note=note.strip() or None))
        if done:
            values = {change.field: change.new for change in done}
            connection.execute(update(_AGENCIES).where(_AGENCIES.c.id == agency_id).values(**values))
            connection.execute(update(_REPORTS).where(_REPORTS.c.agency_id == agency_id).values(**values))
    return done


def in_force(connection, agency_id: int) -> dict[str, str | None]:
    """Field → the value a person set last, for the fields ever corrected."""
    rows = connection.execute(
        select(_HISTORY.c.field, _HISTORY.c.new_value).where(_HISTORY.c.agency_id == agency_id)
        .order_by(_HISTORY.c.id)).all()
    return {row.field: row.new_value for row in rows}


def apply_in_force(connection, agency_id: int | None, report_id: int) -> None:
    """Copy the agency's corrected region onto a report row just written (a re-parse)."""
    if agency_id is None:
        return
    values = in_force(connection, agency_id)
    if values:
        connection.execute(update(_REPORTS).where(_REPORTS.c.id == report_id).values(**values))


def current(store: Store, agency_id: int) -> dict[str, Any] | None:
    """The agency's region as stored now (field → value), None when there is no such agency."""
    with store.session() as session:
        agency = session.get(Agency, agency_id)
        return None if agency is None else {field: getattr(agency, field) for field in FIELDS}


def history(store: Store, agency_id: int) -> list[dict[str, Any]]:
    """Every change of the agency's region, oldest first."""
    with store.engine.connect() as connection:
        rows = connection.execute(select(_HISTORY).where(_HISTORY.c.agency_id == agency_id).order_by(_HISTORY.c.id)).all()
    return [{"field": row.field, "field_name": FIELD_NAMES.get(row.field, row.field), "old": row.old_value,
             "new": row.new_value, "author": row.author, "note": row.note,
             "at": row.created_at.isoformat(timespec="seconds") if row.created_at else None} for row in rows]
