"""Conditions a typed search word puts on report rows, the same wherever reports are chosen
(the overview's filters in store/selection.py, review's bulk selections in store/review.py)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from .models import StoredReport


def region_matches(text: str) -> ColumnElement[bool]:
    """Part of a province, city, county or township name, or the start of a 行政区划代码."""
    like = f"%{text}%"
    return or_(StoredReport.province.like(like), StoredReport.city.like(like), StoredReport.county.like(like),
               StoredReport.township.like(like), StoredReport.region_code.like(f"{text}%"))


def name_matches(text: str) -> ColumnElement[bool]:
    """Part of the agency's name or of the file name."""
    like = f"%{text}%"
    return or_(StoredReport.agency.like(like), StoredReport.source.like(like))
