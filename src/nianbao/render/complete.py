"""Is a report complete enough to be written out? One rule for every door.

`nianbao render` and the web fill-in form (its status bar and its download) both ask
`completeness(data)`: a statistical table with no value at all has not been filled in,
and the report is not written until it is (the CLI writes anyway with --force).  Blank
cells in a filled table are allowed — blank means "not reported", never zero — but they
are counted and named, so nobody mistakes a half-filled form for a checked one.

The cells counted are the value cells the rendered tables print (content.GRIDS), so
a 2021 report printing （六）其他处理 as one row is not blamed for its absent sub-rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import editions
from .content import GRIDS, cell_value

# How many tables/cells a message names before it says “等”: enough to act on, short enough to read.
NAMED_IN_MESSAGE = 6


@dataclass(frozen=True)
class Completeness:
    blank_tables: tuple[str, ...]  # 表二 / 表三 / 表四 with no value at all
    blank_cells: dict[str, int]  # 表三 → how many of its cells are blank (filled tables only)
    n_cells: int

    @property
    def complete(self) -> bool:
        return not self.blank_tables

    @property
    def n_blank(self) -> int:
        return sum(self.blank_cells.values())

    def messages(self) -> list[str]:
        """What is missing, Chinese first: one line for the blank tables, one for the blank cells."""
        out = []
        if self.blank_tables:
            out.append(f"{'、'.join(self.blank_tables)}未填写：三张统计表都必须填写（未发生的填 0）"
                       f" / table(s) not filled in")
        if self.blank_cells:
            parts = [f"{name} {n} 格" for name, n in list(self.blank_cells.items())[:NAMED_IN_MESSAGE]]
            out.append(f"另有 {self.n_blank} 个单元格空白（{'、'.join(parts)}），空白不等于 0"
                       f" / {self.n_blank} blank cell(s); blank is not zero")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"complete": self.complete, "blank_tables": list(self.blank_tables), "blank_cells": self.blank_cells,
                "n_blank": self.n_blank, "n_cells": self.n_cells, "messages": self.messages()}


def completeness(data: dict[str, Any]) -> Completeness:
    """The completeness of canonical data (validated, or as the fill-in form builds it)."""
    edition = editions.get(data["edition"])
    blank_tables: list[str] = []
    blank_cells: dict[str, int] = {}
    n_cells = 0
    for table in edition.tables:
        paths = [cell.value_path for cell in GRIDS[table.key](edition, data).value_cells()]
        blank = sum(1 for path in paths if cell_value(data, path) is None)
        n_cells += len(paths)
        name = f"表{table.number}"
        if paths and blank == len(paths):
            blank_tables.append(name)
        elif blank:
            blank_cells[name] = blank
    return Completeness(tuple(blank_tables), blank_cells, n_cells)
