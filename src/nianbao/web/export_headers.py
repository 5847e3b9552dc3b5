"""Headers of the web's list exports (/api/export.csv, /api/export.xlsx) in the words of the
shared export builder (store/export.py: its Chinese labels of report fields, cell-list fields and
cells), so a column is named alike from every door; one row of keys, of Chinese labels, or both
(Chinese over keys), as `nianbao export --header` writes them."""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from ..store.export import LONG, META, cell_columns

HEADERS = ("key", "zh", "both")
HEADER_PATTERN = "^(key|zh|both)$"
# The web's own columns, which the builder names otherwise (its report id, the cell list's table/column).
_WEB_LABELS = {"id": "报告编号", "report_id": "报告编号", "format": "文件格式", "table": "表", "column": "列"}


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    return {**_WEB_LABELS, **dict(META), **dict(LONG), **{c.key: c.label for c in cell_columns()}}


def label(key: str) -> str:
    """The Chinese header of a column key (the key itself where the builder has no label)."""
    return _labels().get(key, key)


def header_rows(fields: Sequence[str], header: str) -> list[list[str]]:
    keys = list(fields)
    labels = [label(key) for key in keys]
    return {"key": [keys], "zh": [labels], "both": [labels, keys]}[header]
