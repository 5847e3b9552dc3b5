"""Moving through the overview for a day's work: its pages in any column's order, and from a
report page to the previous and next report of the same list (same filters, same order).

The overview's links carry its filters and sort (`nav_query`); a report page opened from it
reads them back and asks the store for its neighbours (WebStore.neighbours: two keyset
queries), so j / k on a report page walk the list the reviewer was looking at.
"""

from __future__ import annotations

from typing import Annotated, Any, Iterable, Optional
from urllib.parse import urlencode

from fastapi import Query

from ..labels import cell_name
from ..store import listing
from .storage import Filters, WebStore

OVERVIEW_ROWS = 200  # rows per overview page: a day's batch without a page turn, still a quick page

Sort = Annotated[Optional[str], Query(max_length=20, description="列名，前加 - 为降序 / column, - for descending")]
After = Annotated[Optional[str], Query(max_length=2000, description="上一页末行的位置 / position of the last row shown")]

# The overview's sortable columns: sort key → header (Chinese first).
HEADERS: tuple[tuple[str, str], ...] = (
    ("agency", "机关 Agency"), ("year", "年度 Year"), ("region", "地区 Region"), ("level", "层级 Level"),
    ("edition", "格式 Edition"), ("status", "状态 Status"),
)
COUNT_HEADERS: tuple[tuple[str, str], ...] = (
    ("errors", "错误 Errors"), ("warnings", "警告 Warnings"), ("uncertain", "待核对 To verify"),
)
# Count columns sort most first on the first click: the reports needing work on top.
FIRST_DESCENDING = {"errors", "warnings", "uncertain", "year"}


def nav_query(filters: Filters, sort: str | None) -> str:
    """The query string that reproduces this list (filters and order), for links out of it."""
    params = filters.as_params()
    if listing.valid_sort(sort):
        params["sort"] = sort
    return urlencode(params)


def sort_links(filters: Filters, sort: str | None) -> dict[str, dict[str, Any]]:
    """Per sortable column: the link that sorts by it (again: the other way) and its state."""
    current = listing.valid_sort(sort)
    out = {}
    # The score sorts lowest first on the first click, as the counts sort most first: the reports
    # needing work on top (unscored ones stay last either way: store/listing.py).
    for key, _ in HEADERS + COUNT_HEADERS + (("file", ""), (listing.SCORE, "")):
        if current.lstrip("-") == key:
            state = "descending" if current.startswith("-") else "ascending"
            target = key if current.startswith("-") else f"-{key}"
        else:
            state, target = "none", f"-{key}" if key in FIRST_DESCENDING else key
        out[key] = {"href": "/?" + nav_query(filters, target), "state": state}
    return out


def neighbours(store: WebStore, row, filters: Filters, sort: str | None, principal,
               scores_by: str | None = None) -> dict[str, str | None]:
    """Links of a report page: the previous and next report of the list it was opened from, and the
    list (`scores_by`: the rubric key of a list sorted by score)."""
    before, following = store.neighbours(row, filters, sort=sort, principal=principal, scores_by=scores_by)
    query = nav_query(filters, sort)
    suffix = f"?{query}" if query else ""
    return {"previous": f"/reports/{before}{suffix}" if before else None,
            "next": f"/reports/{following}{suffix}" if following else None,
            "list": f"/{suffix}"}


def cell_names(paths: Iterable[str]) -> dict[str, str]:
    """Chinese names of the cells findings point at (labels.py), for the finding list."""
    out = {}
    for path in paths:
        try:
            out[path] = cell_name(path)
        except ValueError:  # not a table.row.column path: shown as it is
            out[path] = path
    return out
