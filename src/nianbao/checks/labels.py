"""Chinese names of cells, rows and tables for messages, read from the editions."""

from __future__ import annotations

from ..model import Report

from ..labels import TABLE_NAMES, cell_name, definition, row_name, short_cell_name

__all__ = ["TABLE_NAMES", "cell_name", "definition", "row_name", "short_cell_name", "doubtful", "reading", "uncertain_note"]


def _number(value) -> str:
    if value is None:
        return "空白"
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def doubtful(report: Report, paths) -> list[str]:
    """The cells among `paths` whose value the parser only guessed, each once, in order."""
    return [p for p in dict.fromkeys(paths) if (cell := report.cell(p)) is not None and cell.uncertain]


def reading(report: Report, path: str) -> str:
    """'一、本年新收…/自然人 读作 15（另一可能读法：0）': the guess and what else the source allows."""
    cell = report.cell(path)
    value = cell.value if cell else None
    text = f"{short_cell_name(path)} 读作 {_number(value)}"
    others = [_number(v) for v in (cell.alternatives if cell else ()) if v != value]
    if others:
        text += f"（另一可能读法：{'、'.join(others)}）"
    return text


def _or_else(report: Report, path: str) -> str:
    cell = report.cell(path)
    return f" (or {', '.join(map(str, cell.alternatives))})" if cell and cell.alternatives else ""


def uncertain_note(report: Report, paths, limit: int = 6) -> tuple[str, str]:
    """A clause asking to check the source, naming the cells in `paths` the parser only
    guessed with their readings; empty when every cell of `paths` is certain."""
    guessed = doubtful(report, paths)
    if not guessed:
        return "", ""
    names = "；".join(reading(report, p) for p in guessed[:limit])
    if len(guessed) > limit:
        names += f"；等 {len(guessed)} 格"
    english = ", ".join(f"{p} = {report.value(p)}" + _or_else(report, p) for p in guessed[:limit])
    return (
        f"（请核对原文：{names}，为解析推测值，可能是解析误差而非报告错误）",
        f" (check against the source: {english} guessed by the parser; may be a parsing error)",
    )
