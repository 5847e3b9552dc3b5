"""Changes to a report's tables that keep every sum equal, and whether its text exposes them.

Swapping two whole outcome rows of table 三, the 行政复议 and 未经复议直接起诉 rows of table
四, or two applicant columns of table 三 leaves every relation of the format true: only the
narrative can tell.  Used by tests/test_checks_narrative.py and benchmarks/narrative.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterator

from nianbao import editions
from nianbao.checks import narrative
from nianbao.model import Report

OUTCOME_ROWS = "outcome rows"
REVIEW_LITIGATION = "复议↔诉讼"
APPLICANT_COLUMNS = "applicant columns"


@dataclass(frozen=True)
class Swap:
    kind: str
    first: str
    second: str
    pairs: tuple[tuple[str, str], ...]  # cell paths exchanged


def _row_swap(kind: str, table: str, a: str, b: str, columns) -> Swap:
    return Swap(kind, a, b, tuple((f"{table}.{a}.{c}", f"{table}.{b}.{c}") for c in columns))


def swaps(report: Report) -> Iterator[Swap]:
    t3 = editions.get(report.edition).table("t3")
    outcomes = [row.key for row in t3.rows if row.key not in ("new_received", "carried_over", "total_handled", "carried_forward")]
    t3_columns = [c.key for c in t3.columns]
    for a, b in combinations(outcomes, 2):
        yield _row_swap(OUTCOME_ROWS, "t3", a, b, t3_columns)
    yield _row_swap(REVIEW_LITIGATION, "t4", "review", "litigation_direct", [c.key for c in editions.T4_COLUMNS])
    for a, b in combinations(editions.T3_APPLICANT_COLUMNS, 2):
        yield Swap(APPLICANT_COLUMNS, a, b, tuple((f"t3.{row.key}.{a}", f"t3.{row.key}.{b}") for row in t3.rows))


def changes_values(report: Report, swap: Swap) -> bool:
    """Every swapped cell is printed (a blank moved is another blank relation) and some differ."""
    values = [(report.value(a), report.value(b)) for a, b in swap.pairs]
    return all(x is not None and y is not None for x, y in values) and any(x != y for x, y in values)


def apply(report: Report, swap: Swap) -> Callable[[], None]:
    """Exchange the cells' values; returns the undo."""
    cells = [(report.cell(a), report.cell(b)) for a, b in swap.pairs]
    for x, y in cells:
        if x is not None and y is not None:
            x.value, y.value = y.value, x.value

    def undo() -> None:
        for x, y in cells:
            if x is not None and y is not None:
                x.value, y.value = y.value, x.value
    return undo


def stated(report: Report, swap: Swap) -> bool:
    """The text states a figure the swap changes: a count that agreed with a sum of cells
    (one of its alternatives) whose value the swap changes."""
    agreeing = [paths for s in narrative.read(report) for paths in s.alternatives if _sum(report, paths) == s.value]
    before = [_sum(report, paths) for paths in agreeing]
    undo = apply(report, swap)
    try:
        after = [_sum(report, paths) for paths in agreeing]
    finally:
        undo()
    return before != after


def _sum(report: Report, paths: tuple[str, ...]) -> float | None:
    values = [report.value(p) for p in paths]
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def caught(report: Report, swap: Swap) -> bool:
    """The narrative rule reports the swapped report and not the original."""
    baseline = {(f.cells[0], f.found) for f in narrative.check(report)}
    undo = apply(report, swap)
    try:
        return any((f.cells[0], f.found) not in baseline for f in narrative.check(report))
    finally:
        undo()
