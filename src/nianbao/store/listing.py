"""Sorting and keyset pagination of the report list (the overview, /api/reports).

A sort is a column of the overview, ascending or descending (`-errors`: most errors first);
ties are broken by id in the same direction, so every row has one place.  Sort keys never
hold NULL (coalesced to '' or 0 here and in the matching indexes of revision 0009), so the
comparisons of keyset pagination are plain: the next page is the rows after the last one
shown, found through an index, however deep the page — not by counting past `offset` rows.

The position of a row travels as `after`: its sort key values as URL-safe JSON.

`score` sorts by the stored total (store/stored_scores.py) of the rubric the caller names
(`scores_by`, a rubric key; the built-in rubric's by default), failed files (a row without a
score) last in either direction: a first key (scored or not), then the total with NULL read as
0.0, then id.  Its keys read `report_scores` joined to the reports (`joined`,
which every query ordered by keys starts from), the expressions of the indexes
models.SCORE_SORTS, so the database walks an index.  It is an inner join: a report without a
row for the rubric is not in that order, so the caller first scores what is missing
(stored_scores.fill; the web app's scores_by does).  A correlated subquery took 3–6 s a page at
100,000 reports, an outer join and a sort of every report 0.5–1.0 s.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, literal_column, or_, tuple_

from sqlalchemy.orm import InstrumentedAttribute, aliased

from .models import StoredReport, StoredScore
from .stored_scores import built_in_key


@dataclass(frozen=True)
class SortKey:
    expression: ColumnElement | InstrumentedAttribute
    descending: bool = False
    kind: type = int  # the Python type of its values: a position handed back is checked against it
    # A table the expression reads beside `reports` and how it is joined (outer): see `joined`.
    join: tuple[Any, ColumnElement] | None = None


# Constants written into the SQL, not bound: the database matches an expression index only
# against the same expression, and a bound parameter is not the constant the index holds.
def _text(column) -> ColumnElement:
    return func.coalesce(column, literal_column("''"))


def _number(column) -> ColumnElement:
    return func.coalesce(column, literal_column("0"))


TEXT_COLUMNS = {"agency", "region", "level", "edition", "status", "file"}


# Column name (as the overview's headers and ?sort= say it) → its sort expression.  The same
# expressions are indexed in revision 0009 (`ix_reports_sort_*`; the agency's in revision 0017).
COLUMNS: dict[str, ColumnElement] = {
    # The agency's name (the kept one after a merge), the printed name for a report without one.
    "agency": _text(func.coalesce(StoredReport.agency_name, StoredReport.agency)),
    "year": _number(StoredReport.year),
    "region": _text(func.coalesce(StoredReport.province, StoredReport.city, StoredReport.county)),
    "level": _text(StoredReport.level),
    "edition": _text(StoredReport.edition),
    "status": _text(StoredReport.status),
    "errors": _number(StoredReport.n_errors),
    "warnings": _number(StoredReport.n_warnings),
    "uncertain": _number(StoredReport.n_uncertain),
    "file": _text(StoredReport.source),
}
DEFAULT = ""  # by agency, its newest year first: the order the overview has always had
SCORE = "score"  # by the stored total of a rubric (the module's docstring)


def sort_keys(sort: str | None, scores_by: str | None = None) -> tuple[SortKey, ...]:
    """`sort` is a column name, `-name` for descending; anything else is the default order.
    `scores_by`: the rubric key a `score` sort reads (the built-in rubric's when None)."""
    name = (sort or "").lstrip("-")
    if name == SCORE:
        return score_keys((sort or "").startswith("-"), scores_by or built_in_key())
    if name not in COLUMNS:
        return (SortKey(COLUMNS["agency"], kind=str), SortKey(COLUMNS["year"], True), SortKey(StoredReport.id, True))
    descending = (sort or "").startswith("-")
    return (SortKey(COLUMNS[name], descending, str if name in TEXT_COLUMNS else int),
            SortKey(StoredReport.id, descending))


def score_keys(descending: bool, rubric: str) -> tuple[SortKey, ...]:
    """The expressions of models.SCORE_SORTS, over `report_scores` rows of `rubric`.  The first
    key puts failed files last: 1 for them ascending, 0 for them descending, so that every key
    runs in one direction (one row-value comparison per page, one index walked either way)."""
    score = aliased(StoredScore, name="sort_score")
    join = (score, and_(score.report_id == StoredReport.id, score.rubric == literal(rubric)))
    failed, scored = ("0", "1") if descending else ("1", "0")
    failed_last = case((score.total.is_(None), literal_column(failed)), else_=literal_column(scored))
    return (SortKey(failed_last, descending, join=join),
            SortKey(func.coalesce(score.total, literal_column("0.0")), descending, float, join),
            SortKey(score.report_id, descending, join=join))


def joined(query: Select, keys: Sequence[SortKey]) -> Select:
    """`query` (of reports) with the tables its sort keys read joined: every query that orders,
    pages or positions by `keys` starts from it."""
    done: list[Any] = []
    for key in keys:
        if key.join is not None and key.join[0] not in done:
            query = query.join(*key.join)
            done.append(key.join[0])
    return query


def valid_sort(sort: str | None) -> str:
    """The sort as the overview links say it: a known column, else the default ("")."""
    return sort if sort and (sort.lstrip("-") in COLUMNS or sort.lstrip("-") == SCORE) else DEFAULT


def ordered(query: Select, keys: Sequence[SortKey]) -> Select:
    return query.order_by(*(k.expression.desc() if k.descending else k.expression.asc() for k in keys))


def reversed_keys(keys: Sequence[SortKey]) -> tuple[SortKey, ...]:
    return tuple(SortKey(k.expression, not k.descending, k.kind) for k in keys)


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement:
    """Rows strictly after the row whose sort values are `values`, in the order of `keys`:
    (a > x) or (a = x and (b > y or (b = y and …))), each comparison in its key's direction.
    Keys all in one direction compare as one row value, (a, b, c) > (x, y, z): the same rows,
    and PostgreSQL starts an index scan there rather than filtering the OR form row by row
    (the score sort's next page: 0.3–0.6 s with the OR form at 100,000 reports)."""
    if len({key.descending for key in keys}) == 1:
        row, position = tuple_(*(key.expression for key in keys)), tuple_(*(literal(v) for v in values))
        return row < position if keys[0].descending else row > position
    condition: ColumnElement | None = None
    for key, value in reversed(list(zip(keys, values))):
        beyond = key.expression < value if key.descending else key.expression > value
        condition = beyond if condition is None else or_(beyond, and_(key.expression == value, condition))
    assert condition is not None
    return condition


def key_columns(keys: Sequence[SortKey]) -> list[ColumnElement]:
    """The sort values of each row, selected beside it so its position can be handed on."""
    return [k.expression.label(f"sort_{n}") for n, k in enumerate(keys)]


def encode(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), ensure_ascii=False).encode("utf-8")).decode("ascii")


def decode(token: str | None, keys: Sequence[SortKey]) -> list[Any] | None:
    """The position `token` names, or None when it is missing or not one of ours (the first page)."""
    if not token:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    if not all(isinstance(v, k.kind) and not isinstance(v, bool) for v, k in zip(values, keys)):
        return None
    return values
