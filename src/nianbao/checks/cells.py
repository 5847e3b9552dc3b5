"""Cell-level rules: counts are non-negative integers; blanks, “/” and “无” are reported."""

from __future__ import annotations

from collections import Counter

from .. import editions
from ..model import Report
from .finding import Finding
from .labels import TABLE_NAMES, cell_name, definition, row_name
from .structure import rows_not_printed

_DASHES = {"/", "-", "--", "—", "——", "―", "\\", "不适用", "×"}


def check(report: Report) -> list[Finding]:
    findings = [f for path, cell in report.cells() if cell.value is not None for f in _value_findings(path, cell.value)]
    findings.extend(_blank_findings(report))
    uncertain = report.uncertain
    if uncertain:
        findings.append(Finding(
            "CELL.UNCERTAIN",
            f"{len(uncertain)} 个单元格的数值为解析推测（如数字粘连无法唯一拆分），请对照原文核实：{_where(uncertain)}",
            f"{len(uncertain)} cell value(s) were guessed by the parser; check them against the source",
            uncertain,
        ))
    return findings


def _value_findings(path: str, value: int | float) -> list[Finding]:
    _, column = definition(path)
    if column is None or column.money:
        return []
    out = []
    if isinstance(value, float) and not value.is_integer():
        out.append(Finding(
            "CELL.NOT_INTEGER", f"{cell_name(path)}为 {value}，件数应为整数", f"{path} = {value}: counts are integers",
            [path], found=value,
        ))
    if value < 0 and not column.signed:
        out.append(Finding(
            "CELL.NEGATIVE", f"{cell_name(path)}为 {value}，件数不能为负", f"{path} = {value}: counts cannot be negative",
            [path], found=value,
        ))
    return out


def _not_printed_by_design(report: Report, path: str) -> bool:
    """The three 2021 （六） sub-rows of a report that prints （六） as one row."""
    table_key, row_key, _ = path.split(".")
    if not report.single_other_handling or table_key != "t3":
        return False
    row = next((r for r in editions.get(editions.EDITION_2021).table("t3").rows if r.key == row_key), None)
    return row is not None and row.group == editions.T3_OTHER_HANDLING_2019.group


def _kind(cell) -> str | None:
    if cell.value is None:
        raw = (cell.raw or "").strip()
        return "“/”" if raw in _DASHES else "空白"
    if (cell.raw or "").strip() == "无":
        return "“无”"
    return None


def _blank_findings(report: Report) -> list[Finding]:
    # A row the table does not print at all is one LAYOUT.ROW_NOT_PRINTED finding, not blanks.
    not_printed = {cell for _, cells in rows_not_printed(report) for cell in cells}
    marked = [(path, kind) for path, cell in report.cells()
              if (kind := _kind(cell)) and not _not_printed_by_design(report, path) and path not in not_printed]
    if not marked:
        return []
    paths = [path for path, _ in marked]
    kinds = Counter(kind for _, kind in marked)
    summary = "，".join(f"{kind} {count} 格" for kind, count in kinds.items())
    return [Finding(
        "CELL.BLANK",
        f"共 {len(paths)} 个单元格未填数字（{summary}），空白不等于零：{_where(paths)}",
        f"{len(paths)} cell(s) hold no number ({', '.join(f'{k} {n}' for k, n in kinds.items())}); a blank is not a zero",
        paths,
    )]


def _where(paths: list[str]) -> str:
    """'表三 予以公开行 3 格、…' grouped by table and row, in report order."""
    by_row: dict[tuple[str, str], int] = {}
    for path in paths:
        table_key, row_key, _ = path.split(".")
        by_row[(table_key, row_key)] = by_row.get((table_key, row_key), 0) + 1
    parts = [f"{TABLE_NAMES.get(t, t)}“{row_name(t, r)}”行 {n} 格" for (t, r), n in by_row.items()]
    return "；".join(parts[:10]) + (f"；等 {len(parts)} 行" if len(parts) > 10 else "")
