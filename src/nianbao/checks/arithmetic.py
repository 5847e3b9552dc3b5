"""The 勾稽关系 of tables 三 and 四, taken from the edition's Relations.

A blank cell is not a zero.  A relation with blanks is an error only when no
non-negative values in the blanks could make it hold (its blank-free side is
already smaller than the known part of the other side); otherwise it cannot be
verified and becomes one warning per rule naming the blanks.

A broken relation is an error only when every one of its cells is certain.  One that
involves a cell the parser only guessed (Cell.uncertain) is a warning that asks to
check the source and names the guessed cells with their readings (checks/doubt.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .. import rules_data
from ..editions import Relation
from ..model import Report
from ..values import exact, plain
from .finding import Finding
from .labels import cell_name, definition, row_name, short_cell_name, uncertain_note


@dataclass
class _Side:
    known: Decimal  # exact: printed decimals that add up are equal, as on paper (0.1 + 0.2 = 0.3)
    blanks: list[str]


def _side(report: Report, paths: tuple[str, ...]) -> _Side:
    known, blanks = Decimal(0), []
    for path in paths:
        value = report.value(path)
        if value is None:
            blanks.append(path)
        else:
            known += exact(value)
    return _Side(known, blanks)


def _not_a_number(report: Report, relation: Relation) -> bool:
    """A cell no decimal sum can take (non-finite), so the relation cannot be checked."""
    return any(isinstance(value, float) and not math.isfinite(value) for value in map(report.value, relation.cells))


def _tables_present(report: Report, relation: Relation) -> bool:
    return all(path.split(".")[0] in report.tables for path in relation.cells)


def check(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    unverifiable: dict[str, list[tuple[Relation, list[str]]]] = {}
    for relation in report.relations:
        if not _tables_present(report, relation):
            continue  # the table's absence is a structure finding
        if _not_a_number(report, relation):
            continue  # NaN/Infinity (JSON input; the parser makes none): the cell rules flag the cell
        left, right = _side(report, relation.left), _side(report, relation.right)
        blanks = left.blanks + right.blanks
        if len(blanks) == len(relation.cells):
            continue  # nothing printed at all: the blank-cell rule reports it
        if _broken(left, right):
            findings.append(_broken_finding(report, relation, left, right))
        elif blanks:
            unverifiable.setdefault(relation.code, []).append((relation, blanks))
    findings.extend(_unverifiable_finding(code, items) for code, items in unverifiable.items())
    return findings


def _broken(left: _Side, right: _Side) -> bool:
    if not left.blanks and not right.blanks:
        return left.known != right.known
    # Blanks can only add (counts are non-negative): a side without blanks that
    # is already smaller than the other side's printed part cannot be rescued.
    return (not left.blanks and left.known < right.known) or (not right.blanks and right.known < left.known)


def _names(paths, relation: Relation) -> str:
    """Cells named by what differs between them: rows for a column rule, columns for a row rule."""
    if len(paths) > 6:
        return f"{_names(paths[:1], relation)}＋…＋{_names(paths[-1:], relation)}（共 {len(paths)} 项）"
    rows = {p.split(".")[1] for p in relation.cells}
    columns = {p.split(".")[2] for p in relation.cells}
    if len(columns) == 1:
        return "＋".join(row_name(p.split(".")[0], p.split(".")[1]) for p in paths)
    if len(rows) == 1:
        return "＋".join(_column_label(p) for p in paths)
    return "＋".join(short_cell_name(p) for p in paths)


def _broken_finding(report: Report, relation: Relation, left: _Side, right: _Side) -> Finding:
    expected, found = plain(left.known), plain(right.known)
    note, note_en = uncertain_note(report, relation.cells)
    blank_note = blank_note_en = ""
    if left.blanks or right.blanks:
        blank_note = f"（空白单元格 {'、'.join(short_cell_name(p) for p in left.blanks + right.blanks)} 无论填何非负数都无法平衡）"
        blank_note_en = " (no non-negative value in the blank cells can balance it)"
    message = (
        f"{relation.subject}勾稽关系不成立：{_names(relation.left, relation)} ＝ {expected}，"
        f"而 {_names(relation.right, relation)} ＝ {found}，相差 {plain(abs(left.known - right.known))}{blank_note}{note}"
    )
    message_en = (
        f"{relation.code} fails for {relation.subject}: {' + '.join(relation.left)} = {expected} "
        f"but {' + '.join(relation.right)} = {found}{blank_note_en}{note_en}"
    )
    # A guessed cell may be why the relation fails: then the report is not shown to be wrong.
    severity = "warning" if note else "error"
    return Finding(relation.code, message, message_en, list(relation.cells), expected, found, severity=severity)


def _unverifiable_finding(code: str, items: list[tuple[Relation, list[str]]]) -> Finding:
    subjects = "、".join(relation.subject for relation, _ in items[:8]) + ("等" if len(items) > 8 else "")
    blanks = list(dict.fromkeys(path for _, paths in items for path in paths))
    shown = "、".join(cell_name(p) for p in blanks[:6]) + (f"等 {len(blanks)} 格" if len(blanks) > 6 else "")
    cells = list(dict.fromkeys(path for relation, _ in items for path in relation.cells))
    return Finding(
        "ARITH.UNVERIFIABLE",
        f"{len(items)} 项勾稽关系含空白单元格，无法核对（{rules_data.RULES_BY_CODE[code].title}：{subjects}）；空白单元格：{shown}",
        f"{code}: {len(items)} relation(s) involve blank cells and cannot be verified; blank: {', '.join(blanks[:12])}"
        + (" …" if len(blanks) > 12 else ""),
        cells,
    )


def _column_label(path: str) -> str:
    column = definition(path)[1]
    return column.label if column is not None else path.split(".")[2]
