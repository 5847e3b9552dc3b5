"""How every list sheet nianbao writes looks in Excel or WPS: a bold, wrapped header row that
stays in view (frozen) with filter buttons, columns as wide as what they hold, long text wrapped,
and severities in Chinese.  Used by the inspection workbook (checks/workbook.py), `nianbao
export` (store/export.py) and the web exports; the fill-in template has its own official layout.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Iterable, Sequence

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .rules_data import SEVERITY_NAMES

# Column widths in Excel's units (about one Latin character; a Chinese character takes two).
MIN_WIDTH = 6
MAX_WIDTH = 60  # wider text wraps inside the column instead of running across the screen
SAMPLE_ROWS = 500  # widths are judged on the first rows: enough to see a column's kind of content
HEADER_FONT = Font(bold=True)
WRAPPED_HEADER = Alignment(wrap_text=True, vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")


def severity_name(severity: str) -> str:
    return SEVERITY_NAMES.get(severity, severity)


def text_width(value: Any) -> int:
    """Display width of a value: full-width (Chinese) characters count two."""
    if value is None:
        return 0
    text = str(value)
    longest_line = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest_line)


def header_width(header: str) -> float:
    # A "机关 agency" header may wrap after its Chinese: its longest word, not the whole, sets the floor.
    return max(text_width(word) for word in str(header).split()) + 2 if str(header).strip() else MIN_WIDTH


def column_widths(headers: Sequence[str], rows: Iterable[Sequence[Any]] = ()) -> list[float]:
    widths = [header_width(h) for h in headers]
    for n, row in enumerate(rows):
        if n >= SAMPLE_ROWS:
            break
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], text_width(value) + 2)
    return [min(MAX_WIDTH, max(MIN_WIDTH, w)) for w in widths]


def set_widths(ws, widths: Sequence[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def finish_list_sheet(ws, header_rows: int = 1) -> None:
    """A sheet written in full (not streamed): header bold and frozen, filter, widths, long text wrapped."""
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return
    headers = [str(v or "") for v in rows[header_rows - 1]]
    widths = column_widths(headers, rows[header_rows:])
    set_widths(ws, widths)
    for row in ws.iter_rows(min_row=1, max_row=header_rows):
        for cell in row:
            cell.font = HEADER_FONT
            cell.alignment = WRAPPED_HEADER
    wide = {i + 1 for i, w in enumerate(widths) if w >= MAX_WIDTH}
    for row in ws.iter_rows(min_row=header_rows + 1):
        for cell in row:
            # Text wider than its column, or of several lines (the cells of one finding), wraps.
            if cell.column in wide or (isinstance(cell.value, str) and "\n" in cell.value):
                cell.alignment = WRAPPED
    ws.freeze_panes = ws.cell(header_rows + 1, 1).coordinate
    ws.auto_filter.ref = f"A{header_rows}:{get_column_letter(ws.max_column)}{ws.max_row}"


def start_streamed_sheet(ws, header_lines: Sequence[Sequence[str]]) -> list:
    """A write-only sheet, before its first row: widths from the headers (the rows are not known yet),
    frozen header.  Returns the header lines as styled cells to append."""
    from openpyxl.cell import WriteOnlyCell

    set_widths(ws, column_widths(header_lines[-1]) if header_lines else [])
    ws.freeze_panes = f"A{len(header_lines) + 1}"
    styled = []
    for line in header_lines:
        cells = []
        for value in line:
            cell = WriteOnlyCell(ws, value=value)
            cell.font, cell.alignment = HEADER_FONT, WRAPPED_HEADER
            cells.append(cell)
        styled.append(cells)
    return styled


def finish_streamed_sheet(ws, n_columns: int, header_rows: int, n_rows: int) -> None:
    """Filter buttons over the header and every row written (written when the sheet is saved)."""
    if n_columns:
        ws.auto_filter.ref = f"A{header_rows}:{get_column_letter(n_columns)}{header_rows + n_rows}"
