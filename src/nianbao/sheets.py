"""How every list sheet nianbao writes looks in Excel or WPS: a bold, wrapped header row that
stays in view (frozen) with filter buttons, columns as wide as what they hold, long text wrapped,
and severities in Chinese.  Used by the inspection workbook (checks/workbook.py), `nianbao
export` (store/export.py) and the web exports; the fill-in template has its own official layout.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .labels import cell_name
from .rules_data import SEVERITY_NAMES
from .widths import display_width

# Column widths in Excel's units (about one Latin character; a Chinese character takes two).
MIN_WIDTH = 6
MAX_WIDTH = 60  # wider text wraps inside the column instead of running across the screen
SAMPLE_ROWS = 500  # widths are judged on the first rows: enough to see a column's kind of content
HEADER_FONT = Font(bold=True)
WRAPPED_HEADER = Alignment(wrap_text=True, vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")


def severity_name(severity: str) -> str:
    return SEVERITY_NAMES.get(severity, severity)


# A cell as a finding names it in a sheet: (printed text, value, location) or None when not read.
CellLookup = Callable[[str], "tuple[str | None, float | int | None, dict[str, Any] | None] | None"]


def describe_cells(paths: Sequence[str], lookup: CellLookup) -> tuple[str | None, str | None, str | None]:
    """The cells a finding names, one line each: their 表/行/列 labels, the values as printed and
    where they were read.  None three times when the finding names no cell."""
    if not paths:
        return None, None, None
    names, printed, where = [], [], []
    for path in paths:
        found = lookup(path)
        names.append(_label(path))
        printed.append(printed_value(found[0], found[1]) if found else "（未读到）")
        where.append(where_read(found[2]) if found else "位置不详")
    return "\n".join(names), "\n".join(printed), "\n".join(where)


def _label(path: str) -> str:
    try:
        return cell_name(path)
    except ValueError:  # not a table.row.column path: shown as given
        return path


def printed_value(raw: str | None, value: float | int | None) -> str:
    if raw is not None and raw.strip():
        return raw.strip()
    if value is None:
        return "空白"
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def where_read(location: dict[str, Any] | None) -> str:
    """第 3 页，原文第 1204–1207 字: the page (PDFs, scans) and the characters of the read text."""
    if not location:
        return "位置不详"
    parts = []
    if isinstance(location.get("page"), int):
        parts.append(f"第 {location['page']} 页")
    start, end = location.get("start"), location.get("end")
    if isinstance(start, int) and isinstance(end, int):
        parts.append(f"原文第 {start + 1} 字" if end - start <= 1 else f"原文第 {start + 1}–{end} 字")
    return "，".join(parts) or "位置不详"


def text_width(value: Any) -> int:
    """Display width of a value: full-width (Chinese) characters count two."""
    if value is None:
        return 0
    text = str(value)
    longest_line = max(text.splitlines() or [""], key=len)
    return display_width(longest_line)


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


class StreamedListSheet:
    """A list sheet of a write-only workbook (rows go to disk as they come, memory stays flat)
    with the finish of finish_list_sheet.  A write-only sheet takes its widths and frozen pane
    before its first row and cannot restyle a row once written, so the first SAMPLE_ROWS rows
    wait here: the widths are judged on them, as finish_list_sheet judges them, and then every
    row is written with its cells' wrapping decided."""

    def __init__(self, ws, headers: Sequence[str]):
        self.ws, self.headers = ws, [str(h) for h in headers]
        self._waiting: list[Sequence[Any]] | None = []
        self._wide: set[int] = set()
        self.rows = 0

    def append(self, row: Sequence[Any]) -> None:
        self.rows += 1
        if self._waiting is None:
            self._write(row)
            return
        self._waiting.append(row)
        if len(self._waiting) >= SAMPLE_ROWS:
            self._start()

    def close(self) -> None:
        """After the last row: the filter over the header and every row."""
        if self._waiting is not None:
            self._start()
        finish_streamed_sheet(self.ws, len(self.headers), 1, self.rows)

    def _start(self) -> None:
        waiting, self._waiting = self._waiting or [], None
        widths = column_widths(self.headers, waiting)
        self._wide = {i for i, width in enumerate(widths) if width >= MAX_WIDTH}
        header = start_streamed_sheet(self.ws, [self.headers])[0]
        set_widths(self.ws, widths)  # from the rows, over the headers' widths start_streamed_sheet set
        self.ws.append(header)  # widths and pane are written with the first row: set before it
        for row in waiting:
            self._write(row)

    def _write(self, row: Sequence[Any]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells: list[Any] = []
        for i, value in enumerate(row):
            # Text wider than its column, or of several lines (the cells of one finding), wraps.
            if i in self._wide or (isinstance(value, str) and "\n" in value):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.alignment = WRAPPED
                cells.append(cell)
            else:
                cells.append(value)
        self.ws.append(cells)
