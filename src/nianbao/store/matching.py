"""Conditions a typed search word puts on report rows, the same wherever reports are chosen
(the overview's filters in store/selection.py, review's bulk selections in store/review.py)."""

from __future__ import annotations

from sqlalchemy import CTE, ColumnElement, Select, or_, select

from .models import Agency, AgencyMerge, StoredReport


def region_matches(text: str) -> ColumnElement[bool]:
    """Part of a province, city, county or township name, or the start of a 行政区划代码."""
    like = f"%{text}%"
    return or_(StoredReport.province.like(like), StoredReport.city.like(like), StoredReport.county.like(like),
               StoredReport.township.like(like), StoredReport.region_code.like(f"{text}%"))


def name_matches(text: str) -> ColumnElement[bool]:
    """Part of the agency's name (as the report printed it, the agency's, or that of an agency merged
    into it: any name of a merged agency finds all its reports) or of the file name."""
    like = f"%{text}%"
    named = select(Agency.id).where(Agency.name.like(like))
    return or_(StoredReport.agency.like(like), StoredReport.source.like(like),
               StoredReport.agency_id.in_(select(_filed_under(named).c.id)))


def _filed_under(agencies: Select) -> CTE:
    """`agencies` and every agency they are merged into along chains of merges in force
    (B into A, then A into C: B's name finds C's reports).  A recursive query; the agencies and
    merges tables are small.  UNION (not UNION ALL) drops ids already reached, so a loop in a
    damaged database ends."""
    reached = agencies.cte("reached", recursive=True)
    onward = select(AgencyMerge.agency_id).join(reached, AgencyMerge.merged_id == reached.c.id).where(
        AgencyMerge.undone_at.is_(None))
    return reached.union(onward)
