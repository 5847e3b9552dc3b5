"""Stored roster matches: the roster entry each distinct agency name and place matches.

Matching a report to the roster (store/roster.py `Matcher`: the cross-year pairing rule, then the
report's place) depends only on its agency name, province, city and county and on the roster.
So it is done once per distinct (agency, province, city, county) and kept in `roster_matches`;
the status of a year is then one query joining the reports, their matches and people's links.

- A request first matches the names no row covers yet (new reports since the last request, or an
  agency or region a person corrected: a corrected name is a new key), usually none.
- Importing a roster empties the table (store/roster.py `import_roster`): every name is matched
  again against the new roster at the next request.
- NULLs are stored as '' so that the join compares plain values.
"""

from __future__ import annotations

import json
from typing import Any, Sequence, cast

from sqlalchemy import Table, and_, delete, func, insert, literal_column, select
from sqlalchemy.exc import IntegrityError

from .accounts import Principal, scope_filter
from .models import RosterLink, RosterMatch, StoredReport
from .versions import COUNTED

_REPORTS = cast(Table, StoredReport.__table__)
_MATCHES = cast(Table, RosterMatch.__table__)
_LINKS = cast(Table, RosterLink.__table__)
_PLACE = ("agency", "province", "city", "county")
# Rows per INSERT: far below SQLite's and PostgreSQL's parameter limits.
_INSERT_BATCH = 500


def _blank(column) -> Any:
    # '' written into the SQL, not bound: the same expression on both sides of the join.
    return func.coalesce(column, literal_column("''"))


# A report's match row: the same four values, NULL read as ''.
_JOIN = and_(*(_MATCHES.c[name] == _blank(_REPORTS.c[name]) for name in _PLACE))


def forget(connection) -> None:
    """Empty the stored matches (the roster changed): the next request matches every name again."""
    connection.execute(delete(_MATCHES))


def reports_with_matches(connection, year: int | None, principal: Principal | None, matcher_of) -> Sequence[Any]:
    """`matched_reports`, after matching the names no stored match covers yet (new reports, a
    corrected agency or region): usually there are none, and this is the one query."""
    rows = matched_reports(connection, year, principal)
    if any(row.agency is not None and row.match_id is None for row in rows):
        refresh(connection, matcher_of)
        rows = matched_reports(connection, year, principal)
    return rows


def refresh(connection, matcher_of) -> int:
    """Match the (agency, place) keys of current reports that no row covers yet; how many.
    `matcher_of()` builds the matcher, only when some key is new."""
    query = (select(*(_blank(_REPORTS.c[name]).label(name) for name in _PLACE))
             .select_from(_REPORTS.outerjoin(_MATCHES, _JOIN))
             .where(_REPORTS.c.current.is_(True), _REPORTS.c.agency.is_not(None), _MATCHES.c.id.is_(None))
             .distinct())
    keys = [tuple(row) for row in connection.execute(query)]
    if not keys:
        return 0
    matcher = matcher_of()
    rows = [_match_row(matcher, key) for key in keys]
    for start in range(0, len(rows), _INSERT_BATCH):
        try:
            with connection.begin_nested():
                connection.execute(insert(_MATCHES), rows[start:start + _INSERT_BATCH])
        except IntegrityError:
            # Another request matched some of these names at the same moment: theirs stand.
            _insert_missing(connection, rows[start:start + _INSERT_BATCH])
    return len(rows)


def _insert_missing(connection, rows: Sequence[dict[str, Any]]) -> None:
    for row in rows:
        try:
            with connection.begin_nested():
                connection.execute(insert(_MATCHES), [row])
        except IntegrityError:
            continue


def _match_row(matcher, key: tuple[str, str, str, str]) -> dict[str, Any]:
    from .roster import ReportRef  # the matcher's input; roster.py imports this module

    agency, province, city, county = key
    ref = ReportRef(0, "", None, agency, None, None, province or None, city or None, county or None)
    entry, candidates = matcher.match(ref)
    return {"agency": agency, "province": province, "city": city, "county": county,
            "entry_id": entry.id if entry is not None else None,
            "candidates": json.dumps([c.name for c in candidates], ensure_ascii=False) if candidates else None}


# What the status of a year needs of each report, its match and its manual link.
REPORT_COLUMNS = (
    _REPORTS.c.id, _REPORTS.c.sha256, _REPORTS.c.year, _REPORTS.c.agency, _REPORTS.c.published,
    _REPORTS.c.source, _REPORTS.c.province, _REPORTS.c.city, _REPORTS.c.county,
)


def matched_reports(connection, year: int | None, principal: Principal | None = None) -> Sequence[Any]:
    """The reports that count (of `year`, or all, within `principal`'s scope), each with
    `match_id` (None: its name is not matched yet), `match_entry`, `candidates`, `linked` (a
    person linked it) and `link_entry` — one query."""
    query = (
        select(*REPORT_COLUMNS, _MATCHES.c.id.label("match_id"), _MATCHES.c.entry_id.label("match_entry"),
               _MATCHES.c.candidates,
               _LINKS.c.id.is_not(None).label("linked"), _LINKS.c.entry_id.label("link_entry"))
        .select_from(_REPORTS.outerjoin(_MATCHES, _JOIN).outerjoin(_LINKS, _LINKS.c.sha256 == _REPORTS.c.sha256))
        .where(COUNTED)
    )
    if year is not None:
        query = query.where(_REPORTS.c.year == year)
    return connection.execute(scope_filter(query, principal).order_by(_REPORTS.c.id)).all()


def candidate_names(value: str | None) -> list[str]:
    return [str(name) for name in json.loads(value)] if value else []
