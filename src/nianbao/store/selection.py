"""Which reports a view covers: the overview's filters and the one query that applies them.

The overview, its exports and its statistics — and whatever else lists reports through
store/service.py — start from `overview_query`: extend the choice of rows there and every
view follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from . import review as store_review
from .accounts import Principal, scope_filter
from .matching import name_matches, region_matches
from .models import StoredReport
from .versions import COUNTED


@dataclass
class Filters:
    """The filters of the overview, the exports and the stats (all optional)."""

    region: str | None = None  # matches province, city or county
    year: int | None = None
    level: str | None = None
    # error: some error · warning: no error, but warnings or guessed cells to verify ·
    # clean: no error, no warning, no guessed cell · uncertain: some guessed cell (any errors)
    severity: str | None = None
    edition: str | None = None
    q: str | None = None  # search in agency and file name
    review: str | None = None  # unreviewed / in_review / reviewed (store/review.py)
    mine: bool | None = None  # True: only the reports assigned to whoever asks

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "Filters":
        def text(key: str) -> str | None:
            value = params.get(key)
            return str(value).strip() or None if value is not None else None

        year = text("year")
        return cls(
            region=text("region"), year=int(year) if year and year.isdigit() else None, level=text("level"),
            severity=text("severity"), edition=text("edition"), q=text("q"), review=_review_status(text("review")),
            mine=True if text("mine") in ("1", "true", "True", "on") else None,
        )

    def as_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def _review_status(text: str | None) -> str | None:
    """A review status code from the code or its label; anything else is no filter (the form is lenient)."""
    try:
        return store_review.status_code(text) if text else None
    except store_review.ReviewError:
        return None


def overview_query(filters: Filters, principal: Principal | None = None) -> Select:
    """The reports the overview lists, and the exports and stats of its view: a select of
    StoredReport, every filter a WHERE clause (indexed in revision 0009), restricted to what
    `principal` may see.  The one place the list's rows are chosen: extend it here."""
    # The reports that count, as in `nianbao stats` and `nianbao export`: one version per agency and
    # year (store/versions.py); `versions()` lists the others of a report.
    query = select(StoredReport).where(COUNTED)
    if filters.region:
        query = query.where(region_matches(filters.region))
    if filters.year:
        query = query.where(StoredReport.year == filters.year)
    if filters.level:
        query = query.where(StoredReport.level == filters.level)
    if filters.edition:
        query = query.where(StoredReport.edition == filters.edition)
    query = _by_severity(query, filters.severity)
    if filters.q:
        query = query.where(name_matches(filters.q))
    me = principal.name if principal is not None and principal.authenticated else None
    query = store_review.with_review_filter(query, filters.review, me, mine=bool(filters.mine))
    return scope_filter(query, principal)


def _by_severity(query: Select, severity: str | None) -> Select:
    if severity == "error":
        return query.where(StoredReport.n_errors > 0)
    if severity == "warning":
        # A report whose only doubt is guessed cells still needs a look: not clean, so here.
        return query.where(StoredReport.n_errors == 0, (StoredReport.n_warnings > 0) | (StoredReport.n_uncertain > 0))
    if severity == "clean":
        # A report with guessed cells is not clean, however its arithmetic came out.
        return query.where(StoredReport.n_errors == 0, StoredReport.n_warnings == 0, StoredReport.n_uncertain == 0)
    if severity == "uncertain":
        return query.where(StoredReport.n_uncertain > 0)
    return query
