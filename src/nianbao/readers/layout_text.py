"""Layout text: a PDF converted to text with its layout kept.

`pdftotext -layout` and pdfplumber's `extract_text(layout=True)` print each row of a table on
its line, the label and then each value at its column's position; a blank cell is only spaces,
so a row with blank cells prints fewer values than columns and which ones are missing is told
only by where the others stand.  Such text is turned into positioned glyphs (x from the
character's place in its line, y from the line's number, every glyph one height) and searched
for tables with the same code that reads borderless tables in PDFs and scans
(`borderless.find_tables`), so a blank cell comes back as an empty cell in its column.  Lines
outside the tables it finds are read by the text reader as before.

Where a run of characters starts is its column in the line, not its display width: converters
place each word at its position on the page divided by a fixed pitch and write it one string
column a character, Chinese or not (measured on pdfplumber's output of the gold reports printed
by LibreOffice: a header word and the values under it start within a column of each other by
index, and drift apart by up to 15 columns when Chinese characters are counted two wide).
Within a run each character takes its printed width (`_HALF_WIDTH`; the font's size is not in
the text, so two are tried, `_HALF_WIDTHS`).

A row whose label cell is taller than one line has its values printed on the line nearest the
cell's middle, which may be a line of its own between the label's lines: the borderless code
places such a line only inside one row's label (between two of its lines, the first filled to
the label column's edge), and leaves the table as text where the values lie between two rows.

Where the header alone places a row that prints some of its values but not all, and the place is
not sure (a header's characters are no known width here, a value's place in its cell is unknown,
and each page is laid out anew), the row's cells carry a doubt the parser passes on as uncertain
(`borderless._placed_by_header_alone`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Callable
from typing import Any

from ..document import RawParagraph, RawTable
from ..values import is_page_footer, is_value_text
from .borderless import WORD_GAP, PageTables, find_tables
from .pdf import Glyph, _continues, _emit, _group_lines, _Line, _Table, append_rows

# x is in tenths of a string column.  A run of characters starts where the converter put it (its
# column), and each character then takes the width it has on paper: the converter writes one
# column a character, but its column is a fixed pitch (pdfplumber: 7.25 pt) while a Chinese
# character of a 10.5 pt font is 10.5 pt wide and a digit half that.  Without this a header word
# is narrower than its column and a value wider, and a three-digit value under a two-character
# header (859 under 总计) reaches past the column's range.  Half-width characters take this share
# of a column, full-width ones twice it.
_HALF_WIDTH = 7.2
# The widths tried on each page, the one whose tables take the most lines kept (ties: the first).
# 7.2 is a 10.5 pt font at pdfplumber's pitch, 6.2 a 9 pt one: a table set in 9 pt has labels
# that, measured at 10.5 pt, reach into its first value column and end the table (a gold report
# printed by LibreOffice: table 三 lost to the text reading, 161 cells flagged; read as 9 pt, the
# whole table in its columns).  Wider fonts gave no more (8.6, 10.0 tried on the printed gold
# reports, with pdfplumber and pdftotext: the same cells right and flagged); an 8 pt one (5.4)
# read a table one column off where 10.5 pt read it right (`_widest_agreeing`), and then nothing.
_HALF_WIDTHS = (_HALF_WIDTH, 6.2)
# Rows of values remembered (across pages) for where a row after a blank line may start: table
# 三 has about thirty, and its last row (四、结转…) starts where its first ones do.
_SQUEEZE_LOOKBACK = 40
# Every glyph is this high (a full-width character's width): one size for all, so the borderless
# code's size comparisons (a heading is larger than its table) never split a table.
_GLYPH = 2 * _HALF_WIDTH
# Words a space apart are apart: a converter writes a space only between two words, at least one
# however close they stand, so a word ends at least this far before the next starts (narrowed
# to), which the borderless code's word gap (`WORD_GAP` sizes) tells apart.  Two headers one
# character apart in a 9 pt table (结果 结果), their columns rounded, read as one word over
# two columns without it.  The next word's start stays at its column: a row's label after a
# group label's piece (不予处 3.要求…) starts where the other rows' labels do.
_APART = (WORD_GAP + 0.05) * _GLYPH
_WORD = re.compile(r"\S+")
_COLUMN = 10.0
# Lines are this far apart: rows on consecutive lines stay in one table (a gap of 9.6 units,
# within the borderless code's 2 sizes, 28.8), a blank line ends it (a gap of 33.6): a converter
# prints a table's rows line after line, and its blank lines fall between a table and the heading
# after it, which here is of the rows' size and would otherwise be read as a row without values.
# A blank line inside a table (a taller cell above) is squeezed out first (`_line_slots`).
_LINE_PITCH = 24.0
# Two words at least this many spaces apart are in different columns.
_COLUMN_GAP = re.compile(r"\S {3,}\S")
# Layout text when at least this share of its non-blank lines have such a gap, and at least
# MIN_LAYOUT_LINES of them.  Measured: pdfplumber's layout text of the gold reports printed by
# LibreOffice and of the corpus PDF 0.35-0.56 (the lowest, report 002, has most cells blank);
# the corpus's text and Markdown reports, its crawls, and every metamorphic rewrite of them 0.00,
# but the space-aligned rewrite (0.54: tables as converters print them, read here the same way);
# the corpus README, a plain-text note with aligned columns, 0.23.  Where it fires on other text
# nothing is lost: only lines under a header whose words stand over the values become a table.
MIN_LAYOUT_SHARE = 0.3
MIN_LAYOUT_LINES = 10
# Or when some TABLE_WINDOW consecutive non-blank lines have at least this share gapped: a
# table's rows, in a report whose running text is long (a PDF of ten pages of text and one of
# tables is 0.1-0.25 gapped in all, but its table half and more).  Measured on the suite's
# rewrites: the PDF layout ones 18-24 of 30; of the rest only the space-aligned rewrite reaches
# 15 (12-26), whose tables are read here the same way.
TABLE_WINDOW = 30
TABLE_WINDOW_SHARE = 0.5
# Bounded work (hostile files): the table search costs ~0.1 ms a line on real reports (a few
# hundred lines) and 0.5 ms on lines made to look like rows, so text of more non-blank lines
# than this (~2.5 s) is read by lines, as before.
MAX_LAYOUT_LINES = 5000
# A line longer than this is no table row: a landscape A3 page is 164 columns at pdfplumber's
# pitch.  Longer lines stay text, unsearched (a line of 2 million characters made the search
# build and sort its glyphs again and again: minutes).
MAX_ROW_COLUMNS = 400


def looks_like_layout_text(text: str) -> bool:
    """Whether enough lines of `text` hold a column gap to be a PDF's layout text (the text
    reader looks for three spaces in a row in the whole text before it asks).  Only lines
    holding three spaces are searched for a gap: a pattern over every line of the text, or
    over the whole text, tried each of its characters."""
    if text.count("   ") < MIN_LAYOUT_LINES:  # every gapped line holds three spaces of its own
        return False
    filled = [line for line in text.split("\n") if line and not line.isspace()]
    gaps = [bool("   " in line and _COLUMN_GAP.search(line)) for line in filled]
    gapped = sum(gaps)
    if gapped < MIN_LAYOUT_LINES or len(filled) > MAX_LAYOUT_LINES:
        return False
    return gapped >= MIN_LAYOUT_SHARE * len(filled) or _densest(gaps, TABLE_WINDOW) >= TABLE_WINDOW_SHARE * TABLE_WINDOW


def _densest(flags: list[bool], window: int) -> int:
    """The most flags set among `window` consecutive ones."""
    best = count = sum(flags[:window])
    for k in range(window, len(flags)):
        count += flags[k] - flags[k - window]
        best = max(best, count)
    return best


Blocks = list[RawParagraph | RawTable]


def read_layout(lines: list[str], rest: Callable[[list[str]], Blocks]) -> Blocks:
    """Paragraphs and tables of layout text, in order: tables where `find_tables` finds columns
    under a header, and the lines between them read by `rest` (the text reader's line layout)."""
    out: list[_Table | list[str]] = []
    running = None
    rows_above: deque[set[int]] = deque(maxlen=_SQUEEZE_LOOKBACK)
    for number, page in enumerate(_pages(lines), start=1):
        running = _read_page(page, number, running, out, rows_above)
    blocks: Blocks = []
    for block in out:
        blocks.extend([_without_boxes(_emit(block))] if isinstance(block, _Table) else rest(block))
    return blocks


def _without_boxes(block: RawParagraph | RawTable) -> RawParagraph | RawTable:
    """A cell's box is where it lies on a page image; text has none (the glyphs' units are
    columns and lines), so the web viewer must not draw one.  The page (form feeds) stays."""
    for row in block.rows if isinstance(block, RawTable) else []:
        for cell in row:
            cell.box = None
    return block


def _pages(lines: list[str]) -> list[list[str]]:
    """The lines page by page: a form feed starts a page (converters put it before the next
    page's first line)."""
    pages: list[list[str]] = [[]]
    for line in lines:
        parts = line.split("\f")
        pages[-1].append(parts[0])
        for part in parts[1:]:
            pages.append([part])
    return pages


def _read_page(page: list[str], number: int, running: Any, out: list[_Table | list[str]], rows_above: deque[set[int]]) -> Any:
    """Append the page's tables and runs of other lines to `out`; what the next page's tables go
    on from (`PageTables.running`)."""
    slots, value_lines = _line_slots(page, rows_above)
    readings: list[tuple[int, PageTables, dict[int, int]]] = []
    for half in _HALF_WIDTHS:
        lines = {index: _glyph_line(page[index], slot, half) for index, slot in slots.items()}
        index_of = {id(line): index for index, line in lines.items() if line is not None}
        found = find_tables([line for line in lines.values() if line is not None], number, running, laid_out_anew=True)
        readings.append((sum(len(table.lines) for table in found.tables), found, index_of))
        if value_lines <= _indices([line for table in found.tables for line in table.lines], index_of):
            break  # every row of values is in a table: another width has nothing to add
    _, found, index_of = _widest_agreeing(readings)
    first_of: dict[int, _Table] = {}
    for table in found.tables:
        first_of[min(_indices(table.lines, index_of))] = table.table
    shown = {id(line) for line in found.text}
    # Left out: the tables' lines, and a header printed again that the page before ended with.
    left_out = {index for key, index in index_of.items() if key not in shown}
    for index, text in enumerate(page):
        if index in first_of:
            _add_table(first_of[index], out)
        elif index not in left_out:
            run = out[-1] if out else None
            if not isinstance(run, list):
                run = []
                out.append(run)
            run.append(text)
    return found.running


def _indices(lines: list[_Line], index_of: dict[int, int]) -> set[int]:
    """The page's line numbers of `lines`; a header the page before ended with, set above them,
    has none."""
    return {index_of[id(line)] for line in lines if id(line) in index_of}


def _widest_agreeing(readings: list[tuple[int, PageTables, dict[int, int]]]) -> tuple[int, PageTables, dict[int, int]]:
    """The reading whose tables take the most lines, the first on ties, and another width's only
    where every cell the first reading also placed is in the same column there: a width that
    moves a value to another column reads the header another way, and which is right is not
    known (9 pt against 8 pt on pdftotext's text of a printed report put three of table 二's
    values one column over), so the first width's reading stands."""
    first = readings[0]
    placed = _placements(first[1])
    best = first
    for reading in readings[1:]:
        if reading[0] > best[0] and all(placed.get(key, column) == column for key, column in _placements(reading[1]).items()):
            best = reading
    return best


def _placements(found: PageTables) -> dict[tuple[float, float], int]:
    """Where each cell's first character stands (its line, and its run's column, which no width
    changes) → the cell's column in its table."""
    return {(cell.glyphs[0].top, cell.glyphs[0].x0): table.table.xs.index(cell.left)
            for table in found.tables for cell in table.table.cells if cell.glyphs}


def _line_slots(page: list[str], rows_above: deque[set[int]]) -> tuple[dict[int, int], set[int]]:
    """Each content line's vertical place, in lines: its index, less one for every single blank
    line before it when one of its runs starts where a run of the line above it starts, or of one
    of the last rows of values (`rows_above`, kept across pages), or when it holds values and the
    line above is a header's (words apart, no values).  A converter prints a blank line inside a
    table where a cell above is taller than its text (a group of rows, a page's top, a header's
    cells set at their tops); a heading after a table starts where no row's label or value does,
    and stays apart.  Also the lines that are rows of values."""
    slots: dict[int, int] = {}
    value_lines: set[int] = set()
    squeezed = 0
    previous: int | None = None
    previous_starts: set[int] = set()
    after_header = False  # the line before is a header's: words apart, no values
    for index, text in enumerate(page):
        if not _is_content(text):
            continue
        starts = _run_starts(text)
        values = _holds_values(text)
        if previous is not None and index - previous == 2 and (
                starts & previous_starts or any(starts & row for row in rows_above) or (after_header and values)):
            squeezed += 1
        slots[index] = index - squeezed
        previous, previous_starts = index, starts
        after_header = len(starts) > 1 and not values
        if values:
            rows_above.append(starts)
            value_lines.add(index)
    return slots, value_lines


# A run of characters starts a line or follows two spaces (one space stays inside a run: "2 0").
_RUN = re.compile(r"(?:^|(?<=  ))\S")


def _run_starts(text: str) -> set[int]:
    return {match.start() for match in _RUN.finditer(text)}


def _holds_values(text: str) -> bool:
    """A line ending in a value a column gap away from the text before it: a table's row."""
    words = text.split()
    return len(words) > 1 and is_value_text(words[-1]) and _COLUMN_GAP.search(text) is not None


def _is_content(text: str) -> bool:
    """A line the table search sees: not blank, not longer than a page is wide, not a page
    number (in a table's way across a page break)."""
    return bool(text.strip()) and len(text) <= MAX_ROW_COLUMNS and not is_page_footer(text)


def _glyph_line(text: str, slot: int, half: float) -> _Line | None:
    """The line's characters as glyphs: each run at its column, its characters as wide as
    printed, but narrower where that would bring it within a word's gap of the run after it."""
    top = slot * _LINE_PITCH
    runs = [(match.start(), match.group()) for match in _WORD.finditer(text)]
    glyphs: list[Glyph] = []
    for k, (column, run) in enumerate(runs):
        x = column * _COLUMN
        widths = [2 * half if unicodedata.east_asian_width(char) in "WFA" else half for char in run]
        room = runs[k + 1][0] * _COLUMN - _APART - x if k + 1 < len(runs) else sum(widths)
        scale = min(1.0, room / sum(widths))
        for char, width in zip(run, widths):
            glyphs.append(Glyph(char, x, top, x + width * scale, top + _GLYPH, top + _GLYPH))
            x += width * scale
    lines = _group_lines(glyphs)
    return lines[0] if lines else None


def _add_table(table: _Table, out: list[_Table | list[str]]) -> None:
    """A table goes on from the one before it across a page break when nothing but blank
    lines and page numbers stands between them and their columns agree."""
    last = out[-1] if out else None
    between = last if isinstance(last, list) else []
    if between:
        out.pop()
    previous = out[-1] if out else None
    if (isinstance(previous, _Table) and previous.page < table.page and _continues(previous, table)
            and all(is_page_footer(text) or not text.strip() for text in between)):
        append_rows(previous, table)
        out.append(between)  # its page numbers after the table, where the parser skips them
    else:
        out.extend([between, table] if between else [table])
