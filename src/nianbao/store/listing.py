"""Sorting and keyset pagination of the report list (the overview, /api/reports).

A sort is a column of the overview, ascending or descending (`-errors`: most errors first);
ties are broken by id in the same direction, so every row has one place.  Sort keys never
hold NULL (coalesced to '' or 0 here and in the matching indexes of revision 0009), so the
comparisons of keyset pagination are plain: the next page is the rows after the last one
shown, found through an index, however deep the page — not by counting past `offset` rows.

The position of a row travels as `after`: its sort key values as URL-safe JSON.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_

from sqlalchemy.orm import InstrumentedAttribute

from .models import StoredReport


@dataclass(frozen=True)
class SortKey:
    expression: ColumnElement | InstrumentedAttribute
    descending: bool = False
    kind: type = int  # the Python type of its values: a position handed back is checked against it


# Constants written into the SQL, not bound: the database matches an expression index only
# against the same expression, and a bound parameter is not the constant the index holds.
def _text(column) -> ColumnElement:
    return func.coalesce(column, literal_column("''"))


def _number(column) -> ColumnElement:
    return func.coalesce(column, literal_column("0"))


TEXT_COLUMNS = {"agency", "region", "level", "edition", "status", "file"}


# Column name (as the overview's headers and ?sort= say it) → its sort expression.  The same
# expressions are indexed in revision 0009 (`ix_reports_sort_*`).
COLUMNS: dict[str, ColumnElement] = {
    "agency": _text(StoredReport.agency),
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


def sort_keys(sort: str | None) -> tuple[SortKey, ...]:
    """`sort` is a column name, `-name` for descending; anything else is the default order."""
    name = (sort or "").lstrip("-")
    if name not in COLUMNS:
        return (SortKey(COLUMNS["agency"], kind=str), SortKey(COLUMNS["year"], True), SortKey(StoredReport.id, True))
    descending = (sort or "").startswith("-")
    return (SortKey(COLUMNS[name], descending, str if name in TEXT_COLUMNS else int),
            SortKey(StoredReport.id, descending))


def valid_sort(sort: str | None) -> str:
    """The sort as the overview links say it: a known column, else the default ("")."""
    return sort if sort and sort.lstrip("-") in COLUMNS else DEFAULT


def ordered(query: Select, keys: Sequence[SortKey]) -> Select:
    return query.order_by(*(k.expression.desc() if k.descending else k.expression.asc() for k in keys))


def reversed_keys(keys: Sequence[SortKey]) -> tuple[SortKey, ...]:
    return tuple(SortKey(k.expression, not k.descending, k.kind) for k in keys)


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement:
    """Rows strictly after the row whose sort values are `values`, in the order of `keys`:
    (a > x) or (a = x and (b > y or (b = y and …))), each comparison in its key's direction."""
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
