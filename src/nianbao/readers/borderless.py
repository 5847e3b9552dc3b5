"""Borderless tables: columns from the header's positions.

A table printed without rules (a text PDF, or a scan read as positioned words) comes out of the
line code as lines such as ``1.属于国家秘密 0 0``: a row with blank cells prints fewer values
than columns, and where the blanks were is lost.  Here the lines of a page are searched for a
borderless table (header lines whose words sit over columns, then rows whose value words align
under them) and such a table is given its column structure: each value goes to the column whose
x-range (the header words stacked over it, widened to the gaps between neighbours) holds it,
and a column with nothing under it in a row is a blank cell.

Only where the alignment is unambiguous: a value between two columns, two values in one cell,
a value beside no row label, or text in the value columns leave the lines as they are, and the
parser then flags what it cannot place, as before.  The header lines stay text; the table holds
the body rows, a label cell and one cell per value column each.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace

from nianbao.editions import T2_CAPTION_OPENING, T2_FIRST_CAPTIONS
from nianbao.readers.pdf import Glyph, _Cell, _group_lines, _join_lines, _Line, _Table
from nianbao.values import is_damaged_value, is_value_text

# Glyphs of one line further apart than this share of the line's glyph size are separate words:
# the columns of table 四's header ("结果 结果 其他 尚未") are ≈1.5 sizes apart, the characters of a
# word touch.  (The line code's pieces, at 2 sizes, join such header words.)
WORD_GAP = 0.6
# After a Chinese punctuation mark a character of the same text stands further off: the mark
# inks a corner of its square ("：" its left, "，" its lower left), so from its ink to the next
# character's is up to a character (a note over the label column, （本列数据的勾稽关系为：第一项…,
# read as three words, the last taken for a value column's header).  Only before a Chinese
# character: a value after a label's closing mark stays apart.
PUNCTUATION_GAP = 1.2
_CJK_PUNCTUATION = frozenset("，。、：；！？）》」』”’")
# Two lines of the line code whose boxes overlap vertically by at least this share of the lower
# one's height, side by side, are one printed line: a row number and its label ("5" / ".属于…")
# or a group label beside a row label may sit on slightly different baselines.
SAME_LINE_OVERLAP = 0.5
# Header lines above the first row at most.  Table 三's names set a character a line take six;
# its header broken over a page break, a column's name set from its cell's top and the page's
# rest from the next page's, lines of one character fall between the others' (ten in all).
MAX_HEADER_LINES = 12
# A header or body line is the table's only when its characters are about the table's size: a
# section heading above or below is printed larger (14.3 pt characters against 9.0 in table 二 of
# the scan set's prints, a ratio of 1.59).
SIZE_RATIO = 1.35
# A vertical gap wider than this many line heights ends a table.
MAX_ROW_GAP = 2.0
# A label may end this share of a character inside the first value column's range: the range
# starts half the gap between the first two header words before the first (`_columns`), where a
# label filling its cell ends too, and text converted to columns is placed to the nearest column
# (a 9 pt table's longest label in pdfplumber's layout text ended 0.03 characters inside it).
LABEL_REACH = 0.25
# A label line reaching within this share of a character of the label column's right edge is
# full: the label wraps onto the next line (a line 1.1 characters short was a row of its own).
FULL_LINE_SLACK = 0.5
# A label line without values is the first line of a wrapped label only when it reaches at
# least this share of the label column's width: a wrap that ends short still fills most of the
# line (要求行政机关确认或重新 / 出具已获取信息), while a short label alone (规章, its cells blank)
# above the next row's label is a row of its own.
WRAP_MIN_SHARE = 0.5
# The rows at the top of a page go on with the table the page before ended with when their
# innermost label column starts within this many points of that table's: the same columns,
# give or take how the pages lay on the scanner (a text PDF's agree exactly).
PAGE_SHIFT = 3.0
# A header word reaching past the narrower header words of the one column it is over by more than
# this many characters on each side names a group of columns (it is centred over them), not
# that column: a column's own header lines are wrapped to its width.
_GROUP_REACH = 1.0
# A value word shorter than this share of the table's usual character is a speck read as a
# figure (a digit is about 0.7 of a character high), not a printed value.
SPECK_SHARE = 0.3
# Row labels start with a list marker (1. / （三） / 四、): such a line starts a row, never
# continues one.
LIST_MARKER = re.compile(r"^(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)")


@dataclass
class _Word:
    glyphs: list[Glyph]

    @property
    def text(self) -> str:
        return _text(self.glyphs)

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def is_value(self) -> bool:
        """A value, a blank mark, or a misread figure (OCR "O", "l"); punctuation ending a
        sentence (】) is none of them."""
        text = self.text
        return is_value_text(text) or is_damaged_value(text) and any(char.isalnum() for char in text)


@dataclass
class _PrintedLine:
    """One printed line: the line code's lines side by side on it, cut into words."""

    lines: list[_Line]
    words: list[_Word] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def values(self) -> list[_Word]:
        return [w for w in self.words if w.is_value]

    @property
    def labels(self) -> list[_Word]:
        return [w for w in self.words if not w.is_value]

    @property
    def size(self) -> float:
        """The usual width of its Chinese characters (the height of its glyphs when it has
        none).  Widths, not heights: a box OCR detects may take in a little of the line above
        (a table's line measured 1.57 times its rows' height), while its width, shared among
        its characters, stays true.  Ideographs only: the ink of a bracket （ is a third as wide."""
        glyphs = [g for w in self.words for g in w.glyphs]
        chosen = [g.x1 - g.x0 for g in glyphs if _is_ideograph(g.text)] or [g.height for g in glyphs]
        return statistics.median(chosen) if chosen else 0.0


@dataclass
class _Columns:
    """The value columns: each one's core (the header words over it) and its range."""

    label_edge: float | None  # right edge of the label column's header, None when it has none
    cores: list[tuple[float, float]]
    ranges: list[tuple[float, float]]
    size: float = 0.0  # the usual height of the table's characters
    inner: float | None = None  # where its innermost label column starts (None: no labels)
    starts: tuple[float, ...] = ()  # where its label pieces start: row labels, group labels, outer labels
    # Per column: its header words end in characters narrower than the header's others, squeezed
    # against the next column's by a converter's layout text (`_off_header`).
    cut_short: tuple[bool, ...] = ()
    # Where the rows read so far (the page before's, for a table running on) print values, by
    # column: a page laid out anew puts them elsewhere (`_moved`).
    values_at: dict[int, list[tuple[float, float]]] = field(default_factory=dict)

    @property
    def left(self) -> float:
        return self.ranges[0][0]

    def column_of(self, word: _Word) -> int | None:
        """The column whose range holds the whole word; None when it lies across the middle of
        the gap between two columns' header words, or outside them all.  The last column has no
        neighbour on its right: a value starting in it may reach past its header's mirrored edge
        (a value right-aligned under a narrower header, "18" under 总计); nor has the first on
        its left but the label column's header: a value may start before its header's mirrored
        edge (left-aligned under a centred header)."""
        last = len(self.ranges) - 1
        for k, (lo, hi) in enumerate(self.ranges):
            if k == 0 and self.label_edge is not None:
                lo = min(lo, self.label_edge)
            if lo <= word.x0 and (word.x1 <= hi or k == last and word.x0 < hi):
                return k
        return None


@dataclass
class _Row:
    pieces: list[list[_Word]]  # the row label and its wrapped lines
    lines: list[_PrintedLine]
    fragments: list[_Word] = field(default_factory=list)  # group labels beside it
    values: dict[int, _Word] = field(default_factory=dict)

    @property
    def top(self) -> float:
        return min(w.top for piece in self.pieces for w in piece) if self.pieces else self.lines[0].top

    @property
    def bottom(self) -> float:
        return max(w.bottom for piece in self.pieces for w in piece) if self.pieces else self.lines[-1].bottom


@dataclass
class BorderlessTable:
    """A table found among a page's lines: the pdf reader's table, and the lines it took."""

    table: _Table
    lines: list[_Line]


@dataclass
class _Orphan:
    """A table's header ending a page whose rows start the next: its glyphs, and its bottom."""
    glyphs: list[Glyph]
    bottom: float


@dataclass
class PageTables:
    """A page's borderless tables, the lines left as text, and the columns of a table that runs
    on to the next page (its rows reach the page's last line)."""

    tables: list[BorderlessTable]
    text: list[_Line]
    running: _Columns | _Orphan | None = None


def find_tables(lines: list[_Line], page: int, running: _Columns | _Orphan | None = None,
                laid_out_anew: bool = False) -> PageTables:
    """The borderless tables among a page's text lines (top down), and the lines left as text.
    `running`, from the page before: the columns of a table it ended with, for the rows at the
    top of this page (a table across a page break repeats no header), or the header it ended
    with, for a table whose rows start this page.  `laid_out_anew`: positions are a converter's
    layout text's, so a row placed by the header alone is in doubt (`_placed_by_header_alone`)."""
    orphan = running if isinstance(running, _Orphan) else None
    columns_before = running if isinstance(running, _Columns) else None
    printed = _printed_lines(lines)
    again = _printed_again(orphan, printed) if orphan else []
    if orphan and not again:  # unless the page prints the header itself (its copy left out of the text)
        again = _first_header_again(printed)
        repeated = {id(line) for p in again for line in p.lines}
        rest = [line for line in lines if id(line) not in repeated]
        printed = _printed_lines(_orphan_lines(orphan, rest) + rest)
    found: list[BorderlessTable] = []
    i, free_from, columns = 0, 0, None
    while i < len(printed):
        built = _continued_at(printed, columns_before, page, laid_out_anew) if i == 0 and columns_before else None
        built = built or _table_at(printed, i, free_from, page, laid_out_anew)
        if built is None:
            i += 1
            continue
        table, start, end, columns = built
        found.append(BorderlessTable(table, [line for p in printed[start:end] for line in p.lines]))
        i = free_from = end
    taken = {id(line) for t in found for line in t.lines}
    runs_on = bool(found) and found[-1].lines[-1] is printed[-1].lines[-1]
    after = found[-1].lines[-1] if found else None
    ending = columns if runs_on else _orphan_header(printed, after)
    taken.update(id(line) for p in again for line in p.lines)
    return PageTables(found, [line for line in lines if id(line) not in taken], ending)


def _printed_again(orphan: _Orphan, printed: list[_PrintedLine]) -> list[_PrintedLine]:
    """The page's first lines when they print the header the page before ended with again
    (Word's 重复标题行 with the rows moved on): its characters, no more, no fewer."""
    wanted = sorted(g.text for g in orphan.glyphs)
    seen: list[str] = []
    for k, line in enumerate(printed[:2 * MAX_HEADER_LINES]):
        seen += [g.text for w in line.words for g in w.glyphs]
        if len(seen) >= len(wanted):
            return printed[:k + 1] if sorted(seen) == wanted else []
    return []


def _first_header_again(printed: list[_PrintedLine]) -> list[_PrintedLine]:
    """The page's first lines when, the page before having ended with a header, they print
    another header before the rows: Word's 重复标题行 repeats a table's first rows, which in
    table 二 printed as one table of sections are its first section's header, under its article
    (第二十条第（一）项 / 本年制发件数 …), not the header of the rows that follow.  (Other
    lines atop the page go on with the header the page before ended with.)"""
    first = next((k for k, line in enumerate(printed) if line.values), 0)
    block = printed[:first]
    return block if block and _is_article_caption(block[0]) and _is_header_block(block) else []


def _is_header_block(block: list[_PrintedLine]) -> bool:
    """Whether lines without values are a table's header: none a section's heading or ending a
    sentence, one of them with three words or more apart (column names)."""
    return (not any(_ends_a_sentence(line) or _is_heading(line) for line in block)
            and any(len(line.words) >= 3 for line in block))


def _orphan_header(printed: list[_PrintedLine], after: _Line | None) -> _Orphan | None:
    """The page's last lines when they may be a table's header whose rows the page break put on
    the next page: after its last table and the section's heading, no values, of one size and
    close together, holding no sentence's end, one of them with three words or more apart (column
    names), or two under an article's caption (第二十条第（八）项 / 信息内容 本年收费金额…)."""
    start = len(printed)
    while start > 0 and len(printed) - start < 2 * MAX_HEADER_LINES:
        line = printed[start - 1]
        if (after is not None and after in line.lines) or line.values or _ends_a_sentence(line) or _is_heading(line):
            break
        if start < len(printed):
            below = printed[start]
            if not _similar_size(line.size, below.size) or below.top - line.bottom > MAX_ROW_GAP * line.size:
                break
        start -= 1
    block = printed[start:]
    if not block or not any(len(line.words) >= (2 if _is_article_caption(block[0]) else 3) for line in block):
        return None
    return _Orphan([g for line in block for w in line.words for g in w.glyphs], max(line.bottom for line in block))


def _orphan_lines(orphan: _Orphan, lines: list[_Line]) -> list[_Line]:
    """The header the page before ended with, moved to stand right above this page's first
    line, as one page would print it."""
    if not lines:
        return []
    shift = min(line.top for line in lines) - orphan.bottom - (lines[0].bottom - lines[0].top) * 0.3
    return _group_lines([replace(g, top=g.top + shift, bottom=g.bottom + shift, baseline=g.baseline + shift)
                         for g in orphan.glyphs])


def _continued_at(printed: list[_PrintedLine], columns: _Columns, page: int,
                  laid_out_anew: bool = False) -> tuple[_Table, int, int, _Columns] | None:
    """The rows at the top of a page that go on with the table the page before ended with, after
    its header printed again (taken with them, not read as text)."""
    skip = _repeated_header(printed, columns)
    header, printed = printed[:skip], printed[skip:]
    if not printed:
        return None
    first = printed[0]
    if first.labels and _past_labels(first.labels, columns, columns.size):
        return None
    end = _body_end(printed, 0, columns, columns.size)
    inner = _inner_of(printed[:end])
    if inner is None or columns.inner is None:
        return None
    # The rows may also go on with a row whose label starts where another of the table's labels
    # starts, of the table's size (not a heading): one of its outermost labels (table 三's 四、结转
    # 下年度继续办理 after the grouped rows (一)–(七)), or a row in the group labels' column ((七)总计).
    # Or with rows whose labels start right of all the table's label columns, in a column none
    # of the page before's rows used (sub-rows 1.属于国家秘密… under a group whose first rows
    # printed no values), every other label starting where one of the table's does, when some
    # of them print values in the table's columns.  (A page whose labels all start elsewhere is
    # laid out anew: pdftotext moved a page's columns three characters.)
    similar = _similar_size(first.size, columns.size)
    known = _near(inner, columns.starts) and similar
    starts = [piece[0].x0 for line in printed[:end] for piece in _pieces(line.labels)]
    # Label starts agree within half a character there: a text PDF sets a label opening with a
    # bracket half a bracket right ((二)部分公开 four points right of its own wrapped line), and
    # a group label set a character a line centres each character in its narrow column.  Where
    # some labels start where the table's did, others may start in a label column of this page's
    # own, which two labels or more share (the page before held only a row of the outermost
    # column: 一、本年新收…, then （一）予以公开 and 1.属于国家秘密 here).  Not in layout text,
    # whose converter may have laid the page out anew, its values moved with its labels.
    loose = max(PAGE_SHIFT, columns.size / 2)
    anchored = not laid_out_anew and any(_near(start, columns.starts, loose) for start in starts)
    deeper = similar and bool(columns.starts) and inner > max(columns.starts) + PAGE_SHIFT and all(
        abs(start - inner) <= loose or _near(start, columns.starts, loose)
        or (anchored and sum(abs(other - start) <= loose for other in starts) > 1) for start in starts)
    if abs(inner - columns.inner) > PAGE_SHIFT and not known and not deeper:
        return None
    own = _own_columns(header, printed[:end], columns)
    rows = _rows(printed[:end], own)
    if rows is None or (abs(inner - columns.inner) > PAGE_SHIFT and not known and not any(row.values for row in rows)):
        return None
    unsure = _placed_by_header_alone(rows, own, own is columns and _moved(rows, columns)) if laid_out_anew else []
    return _as_table(rows, columns, page, unsure), 0, len(header) + end, _going_on(columns, rows, laid_out_anew)


def _going_on(columns: _Columns, rows: list[_Row], laid_out_anew: bool) -> _Columns:
    """The columns the next page's rows go on from; in layout text with where these rows' values
    stand (`_moved`), on a copy, as each width's reading of a page starts from the same columns."""
    return replace(columns, values_at=_values_at(rows)) if laid_out_anew else columns


def _values_at(rows: list[_Row]) -> dict[int, list[tuple[float, float]]]:
    out: dict[int, list[tuple[float, float]]] = {}
    for row in rows:
        for k, word in row.values.items():
            out.setdefault(k, []).append((word.x0, word.x1))
    return out


def _moved(rows: list[_Row], columns: _Columns) -> bool:
    """Whether a value stands under none of the values the page before printed in its column:
    the page was laid out anew (pdftotext put 规章's values in columns 20 and 27 of one page,
    规范性文件's in 29 and 40 of the next).  In a column the page before printed none in, a
    value not even under its header's words, on the page before, is no better placed (a lone 0
    of （七）总计 stood past the end of 商业企业's header, where 自然人's stood on its page)."""
    return any(not any(_overlaps(word, at) for at in columns.values_at[k]) if k in columns.values_at
               else not _overlaps(word, columns.cores[k])
               for row in rows for k, word in row.values.items())


def _overlaps(word: _Word, span: tuple[float, float]) -> bool:
    return word.x0 < span[1] and span[0] < word.x1


# Why a layout text's row placed by its header alone is in doubt.
WHY_PLACED_BY_HEADER = ("转换文本中此行数值仅凭表头位置定列，归属存疑 / the converter's text places this row's values "
                        "by the header alone: which column each is in is not sure")


def _placed_by_header_alone(rows: list[_Row], columns: _Columns, moved: bool) -> list[_Row]:
    """In a converter's layout text, the rows printing some of their values but not all whose
    place the header does not settle (`_off_header`), unless rows filling every column show where
    each column's values stand and theirs stand there.  Rows placed by the page before's header
    on a page laid out anew (`moved`) are all unsettled."""
    width = len(columns.cores)
    full = [row for row in rows if len(row.values) == width]
    return [row for row in rows if row.values and len(row.values) < width
            and not (full and all(_under_own(word, k, full) for k, word in row.values.items()))
            and (moved or any(_off_header(word, k, row, columns) for k, word in row.values.items()))]


def _off_header(word: _Word, column: int, row: _Row, columns: _Columns) -> bool:
    """Whether a value's column is not settled by its header in layout text, where a header's
    characters are no known width (pdftotext counts a Chinese character one column wide) and
    the converter rounds every place to a column: its middle lies more than a character outside
    its header words (a lone value left-aligned under 总计 stood nearer 其他's header), or within
    half a character of their start where the column before, blank in the row, has a header cut
    short, whose printed end is not known (a value under 本年增/减 at the edge of 上一年项目数量's,
    squeezed against it)."""
    lo, hi = columns.cores[column]
    char = columns.size
    middle = (word.x0 + word.x1) / 2
    if middle < lo - char or middle > hi + char:
        return True
    before_cut = column > 0 and column - 1 not in row.values and bool(columns.cut_short) and columns.cut_short[column - 1]
    return before_cut and middle - lo < char / 2


def _under_own(word: _Word, column: int, full: list[_Row]) -> bool:
    """Whether a value lies under the values full rows print in its column, and under none of
    theirs in another."""
    return all(word.x0 < row.values[column].x1 and row.values[column].x0 < word.x1
               and not any(word.x0 < w.x1 and w.x0 < word.x1 for k, w in row.values.items() if k != column)
               for row in full)


def _own_columns(header: list[_PrintedLine], body: list[_PrintedLine], columns: _Columns) -> _Columns:
    """The columns a page's rows stand in: those of the header the page prints again, when it
    names as many columns as the table has, else the table's.  A PDF prints the header again
    where it stood; a converter's layout text lays each page out anew (pdftotext moved a page's
    columns by three characters), and placed by the page before's header, a lone value under
    自然人 on the next page read as 商业企业's."""
    if not header:
        return columns
    labels = [w for line in body for w in line.labels]
    own = _columns([w for line in header for w in line.words], labels)
    if own is None or len(own.cores) != len(columns.cores):
        return columns
    own.size, own.inner, own.starts = columns.size, columns.inner, columns.starts
    return own


def _repeated_header(printed: list[_PrintedLine], columns: _Columns) -> int:
    """How many lines at the top of a page print the running table's header again (Word's
    重复标题行): lines without values, each with a word over a value column's header or all in
    the label column's, up to the last with a word over a value column's header.  A section's
    heading ends them: the next table's heading and header (table 四's, atop the page after
    table 三's last row) are no copy of this one's, though their words stand over its columns.
    So does a caption naming an article after them: table 二's first header printed again,
    the next of its tables follows (第二十条第（九）项 / 信息内容 采购项目数量 …).  And a page
    opening with another caption than the first of table 二's prints no header again (Word
    repeats a table's first rows): the next of its tables starts there."""
    if printed and _is_article_caption(printed[0]) and not _is_first_caption(printed[0]):
        return 0
    count = 0
    for k, line in enumerate(printed):
        over = any(_overlaps(w, core) for w in line.words for core in columns.cores)
        in_labels = columns.label_edge is not None and all(w.x1 <= columns.label_edge for w in line.words)
        if line.values or _is_heading(line) or not (over or in_labels) or (count and _is_article_caption(line)):
            break
        if over:
            count = k + 1
    return count


def _caption_text(line: _PrintedLine) -> str:
    """A line of one word as a caption is compared: without spaces, its brackets full-width."""
    if len(line.words) != 1:
        return ""
    return "".join(_text(line.words[0].glyphs).split()).replace("(", "（").replace(")", "）")


def _is_article_caption(line: _PrintedLine) -> bool:
    """Whether the line is one word naming an article: a header of table 二's own, opening the
    next of its tables (after the first's header printed again atop a page)."""
    return _caption_text(line).startswith(T2_CAPTION_OPENING)


def _is_first_caption(line: _PrintedLine) -> bool:
    """Whether the line is table 二's first caption, which Word prints again atop a page."""
    return _caption_text(line) in T2_FIRST_CAPTIONS


# --- Printed lines and words ----------------------------------------------------------------


def _printed_lines(lines: list[_Line]) -> list[_PrintedLine]:
    out: list[_PrintedLine] = []
    for line in sorted(lines, key=lambda line: line.top):
        last = out[-1] if out else None
        if last is not None and _same_printed_line(last, line):
            last.lines.append(line)
        else:
            out.append(_PrintedLine([line]))
    for p in out:
        p.words = _words([g for line in p.lines for g in line.glyphs])
    return out


def _same_printed_line(printed: _PrintedLine, line: _Line) -> bool:
    overlap = min(printed.bottom, line.bottom) - max(printed.top, line.top)
    height = max(1e-6, min(line.bottom - line.top, printed.bottom - printed.top))
    beside = all(line.x0 >= other.x1 or line.x1 <= other.x0 for other in printed.lines)
    return beside and overlap >= SAME_LINE_OVERLAP * height


def _words(glyphs: list[Glyph]) -> list[_Word]:
    if not glyphs:
        return []
    glyphs = sorted(glyphs, key=lambda g: g.x0)
    size = statistics.median(g.size for g in glyphs)
    words = [_Word([glyphs[0]])]
    for previous, glyph in zip(glyphs, glyphs[1:]):
        gap = PUNCTUATION_GAP if previous.text in _CJK_PUNCTUATION and _is_ideograph(glyph.text) else WORD_GAP
        if glyph.x0 - previous.x1 > gap * size or _fused_after(words[-1], glyph):
            words.append(_Word([glyph]))
        else:
            words[-1].glyphs.append(glyph)
    return words


def _fused_after(word: _Word, glyph: Glyph) -> bool:
    """Whether a digit after a word of zeros alone starts a value of its own: no value prints a
    leading zero, so `00` or `012` are values set against each other (a converter's layout text
    squeezing two columns' cells together: `0  0  00  2` for a row of seven)."""
    return glyph.text.isdigit() and all(g.text == "0" for g in word.glyphs)


def _text(glyphs: list[Glyph]) -> str:
    """Text as the line code writes it (a space between digits apart: "4 0 0" is no value)."""
    return _join_lines([line.text for line in _group_lines(glyphs)])


# --- A table from its first row ---------------------------------------------------------------


def _table_at(printed: list[_PrintedLine], first: int, free_from: int, page: int,
              laid_out_anew: bool = False) -> tuple[_Table, int, int, _Columns] | None:
    """The table whose first row of values is printed[first], with the indexes of its first line
    and past its last."""
    seed = printed[first]
    if not _is_row(seed):
        return None
    header = _header_above(printed, first, free_from)
    opening = _opening_lines(header, seed, printed[first + 1] if first + 1 < len(printed) else None)
    rows_above = header[len(header) - opening:]
    header = header[:len(header) - opening]
    if not header:
        return None
    labels = seed.labels or [w for line in rows_above for w in line.labels]
    header = _without_caption(header, labels)
    words = [w for line in header for w in line.words]
    columns = _columns(words, labels)
    if columns is None:
        return None
    end = _body_end(printed, first, columns, seed.size)
    # The body's longer labels may lie under more of the header's left columns than the first
    # row's: those columns are the labels' too.
    labels = [w for line in printed[first:end] for w in line.labels]
    widened = _columns(words, labels)
    if widened is None:
        return None
    if widened.left != columns.left:
        columns, end = widened, _body_end(printed, first, widened, seed.size)
    start = first - opening if opening else _label_lines_above(printed, first, len(header), columns)
    columns.size, columns.inner = seed.size, _inner_of(printed[start:end])
    starts = [piece[0].x0 for line in printed[start:end] for piece in _pieces(line.labels)]
    columns.starts = tuple(starts)
    rows = _rows(printed[start:end], columns)
    if rows is None:
        return None
    unsure = _placed_by_header_alone(rows, columns, moved=False) if laid_out_anew else []
    return _as_table(rows, columns, page, unsure), start, end, _going_on(columns, rows, laid_out_anew)


def _without_caption(header: list[_PrintedLine], labels: list[_Word]) -> list[_PrintedLine]:
    """The header less the table's caption above it: a line of one word, starting right of where
    the labels start and over no word of the header's lines below, which name the label column
    and the value columns (第二十条第（五）项 over 信息内容 | 本年处理决定数量).  Taken into the
    header it made a value column of its own, with nothing under it.  So is such a line set
    across the label and value columns' boundary: starting a character or more before every
    word below but the label column's, and reaching over them (a value column's name wrapped,
    本年收费金额（单 / 位：万元）, with 信息内容 centred between on a line of its own)."""
    if not labels:
        return header
    start = min(w.x0 for w in labels)
    while len(header) > 1 and len(header[0].words) == 1:
        word = header[0].words[0]
        width = _char_width([word])
        below = [w for line in header[1:] for w in line.words]
        if word.x0 <= start + width:
            break
        if (any(word.x0 < w.x1 and w.x0 < word.x1 for w in below) or not any(len(line.words) > 1 for line in header[1:])) \
                and not _across_columns(word, [w for w in below if w.x0 > start + width], width):
            break
        header = header[1:]
    return header


def _across_columns(word: _Word, named: list[_Word], width: float) -> bool:
    """Whether a header word starts a character or more before each of the value columns' names
    (`named`) and reaches over the first of them."""
    first = min((w.x0 for w in named), default=None)
    return first is not None and word.x0 <= first - width < first < word.x1


def _opening_lines(header: list[_PrintedLine], seed: _PrintedLine, below: _PrintedLine | None) -> int:
    """How many of the header's last lines are the table's first rows: a first row whose values
    are printed alone, between its label's lines (a label over two lines, its values in the
    cell's middle: 一、本年新收政府信息公开申请数 / 0 … / 量), and rows above it printing their
    label alone (规章, its cells blank).  Each is one piece starting where the row's label starts,
    ending before a word of the header above starts; the row's first line opens with a list
    marker or its label goes on under the values, where it starts."""
    if seed.labels or len(header) < 2:
        return 0
    piece = _single_piece(header[-1])
    if piece is None:
        return 0
    start, width = piece[0].x0, _char_width(piece)
    goes_on = below is not None and not below.values and bool(below.words) and abs(below.words[0].x0 - start) <= width
    if not (goes_on or _opens_with_marker(piece)):
        return 0
    count = 0
    while count < len(header) - 1:
        line = header[-1 - count]
        piece = _single_piece(line)
        if piece is None or abs(piece[0].x0 - start) > width:
            break
        if not any(w.x0 > piece[-1].x1 for above in header[:-1 - count] for w in above.words):
            break
        count += 1
    return count


def _single_piece(line: _PrintedLine) -> list[_Word] | None:
    pieces = _pieces(line.words)
    return pieces[0] if len(pieces) == 1 else None


def _label_lines_above(printed: list[_PrintedLine], first: int, header: int, columns: _Columns) -> int:
    """Where the first row starts: a label wrapped over lines, its values by a later one, has
    its first lines among the header's (text left of the value columns, starting where the row's
    label starts, which opens with no list marker); they are the row's."""
    label = printed[first].labels
    if not label or _opens_with_marker(label):
        return first
    start = first
    while start > first - header:
        words = printed[start - 1].words
        if max(w.x1 for w in words) > columns.left or abs(words[0].x0 - label[0].x0) > _char_width(label):
            break
        start -= 1
    return start


def _is_row(line: _PrintedLine) -> bool:
    """A line that may be a table's row: values, after any label text."""
    values = line.values
    return bool(values) and all(w.x1 <= min(v.x0 for v in values) for w in line.labels)


def _header_above(printed: list[_PrintedLine], first: int, free_from: int) -> list[_PrintedLine]:
    """The lines above the first row with no values in them, of the table's size and close
    together: the header."""
    header: list[_PrintedLine] = []
    below = printed[first]
    for j in range(first - 1, max(free_from, first - MAX_HEADER_LINES) - 1, -1):
        line = printed[j]
        size = header[0].size if header else below.size
        if (line.values or not _similar_size(line.size, size) or below.top - line.bottom > MAX_ROW_GAP * line.size
                or _ends_a_sentence(line)):
            break
        header.insert(0, line)
        below = line
    return header


# A sentence's end: a line holding one is a paragraph's, never a table header's.  A converter
# that keeps no blank line between a paragraph and the table under it (pdftotext -layout) puts
# the paragraph's lines right above the header, as close as the header's own lines; taken into
# the header, a short last line ("政复议 0 件。") made a column left of the label column's
# header, which then read as a value column (every value one column to the right).
_SENTENCE_END = re.compile(r"[。；！？]")


def _ends_a_sentence(line: _PrintedLine) -> bool:
    return any(_SENTENCE_END.search(g.text) for w in line.words for g in w.glyphs)


def _similar_size(a: float, b: float) -> bool:
    return a > 0 and b > 0 and max(a, b) <= SIZE_RATIO * min(a, b)


def _columns(words: list[_Word], labels: list[_Word]) -> _Columns | None:
    """Columns from the header words: words stacked over one another are one column's; a word
    over two columns (法人或其他组织, 行政诉讼) names a group and is left out.  With row labels,
    the leftmost column is theirs, and so is every column over or left of a label's text (a
    wrapped label's last line, 项, above the header of the next table)."""
    stacks: list[list[float]] = []
    centred: list[tuple[_Word, list[float]]] = []
    # Narrowest first; of words as wide, the lowest first: a column's own header words stand under
    # a group's name (行政诉讼, as wide as 结果维持 and set over the gap between two columns).
    for word in sorted(words, key=lambda w: (w.x1 - w.x0, -w.top)):
        over = [s for s in stacks if word.x0 < s[1] and s[0] < word.x1]
        if not over:
            stacks.append([word.x0, word.x1])
        elif len(over) == 1 and _centred_over(word, over[0]):
            centred.append((word, over[0]))
        elif len(over) == 1:
            over[0][0], over[0][1] = min(over[0][0], word.x0), max(over[0][1], word.x1)
    stacks.sort()
    _own_wrapped_lines(centred, stacks)
    label_edge = None
    if labels:
        if not stacks:
            return None
        label_edge = stacks.pop(0)[1]
        reach = max(w.x1 for w in labels)
        while stacks and stacks[0][0] < reach:
            label_edge = max(label_edge, stacks.pop(0)[1])
    if len(stacks) < 2:
        return None
    cores = [(s[0], s[1]) for s in stacks]
    gaps = [(a[1] + b[0]) / 2 for a, b in zip(cores, cores[1:])]
    first_reach = cores[0][0] - (gaps[0] - cores[0][1])
    left = max(label_edge, first_reach) if label_edge is not None else first_reach
    right = cores[-1][1] + (cores[-1][0] - gaps[-1])
    edges = [left, *gaps, right]
    return _Columns(label_edge, cores, list(zip(edges, edges[1:])), cut_short=_cut_short(words, cores))


# A header's characters this much narrower than the header's usual ones were squeezed.
_SQUEEZED = 0.9


def _cut_short(words: list[_Word], cores: list[tuple[float, float]]) -> tuple[bool, ...]:
    """For each core, whether the header word ending it has characters narrower than the
    header's usual ones: its right end is not where the printed word ends."""
    usual = _char_width(words) if words else 0.0
    return tuple(any(abs(w.x1 - hi) < 1e-6 and lo <= w.x0 and _char_width([w]) < _SQUEEZED * usual for w in words)
                 for lo, hi in cores)


def _own_wrapped_lines(centred: list[tuple[_Word, list[float]]], stacks: list[list[float]]) -> None:
    """Widen a column by a word centred over it that stays within half the gaps to the columns
    beside it: the first line of its own wrapped header (本年增/ over 减 in a narrow column),
    not a group's name, which reaches over the columns beside it."""
    if len(stacks) < 2:
        return
    bounds = {}
    for k, stack in enumerate(stacks):  # an outer column's half gap outward mirrors its inner one
        left = (stack[0] - stacks[k - 1][1]) / 2 if k else (stacks[1][0] - stack[1]) / 2
        right = (stacks[k + 1][0] - stack[1]) / 2 if k + 1 < len(stacks) else left
        bounds[id(stack)] = (stack[0] - left, stack[1] + right)
    for word, stack in centred:
        lower, upper = bounds[id(stack)]
        if lower <= word.x0 and word.x1 <= upper:
            stack[0], stack[1] = min(stack[0], word.x0), max(stack[1], word.x1)


def _centred_over(word: _Word, stack: list[float]) -> bool:
    """Whether a header word over one column's narrower words reaches past them by more than a
    character on both sides: a group's name centred over it (申请人情况 over table 三's seven
    columns falls on the middle one, 社会公益组织), not a line of that column's own header.
    Taken into the column it widened it into the gaps beside it, and a value under the column
    next to it then lay across the columns' boundary: the table was not found."""
    reach = _GROUP_REACH * _char_width([word])
    return word.x0 < stack[0] - reach and word.x1 > stack[1] + reach


def _body_end(printed: list[_PrintedLine], first: int, columns: _Columns, size: float) -> int:
    """Index past the table's last line: lines go on while their text stays left of the value
    columns, close below the line before and of the table's size."""
    end = first + 1
    while end < len(printed):
        line, above = printed[end], printed[end - 1]
        if line.labels and _past_labels(line.labels, columns, size):
            break
        if line.top - above.bottom > MAX_ROW_GAP * max(size, above.size):
            break
        # Only a line with a Chinese character has a size to compare: a group label stacked a
        # character a line has lines of one mark (、 （), whose ink is a fraction of a character.
        if line.labels and _has_ideograph(line) and not _similar_size(line.size, size):
            break
        end += 1
    return end


def _has_ideograph(line: _PrintedLine) -> bool:
    return any(_is_ideograph(g.text) for w in line.words for g in w.glyphs)


_TOP_LEVEL = re.compile(r"^[一二三四五六七八九十]+、")


def _is_heading(line: _PrintedLine) -> bool:
    """A line of one label without values opening with a section's number (四、政府信息公开行政
    复议、行政诉讼情况, set in the table's size above table 四's header)."""
    return not line.values and len(_pieces(line.labels)) == 1 and bool(_TOP_LEVEL.match(_text(
        [g for w in line.labels for g in w.glyphs])))


# --- Rows -----------------------------------------------------------------------------------


def _rows(body: list[_PrintedLine], columns: _Columns) -> list[_Row] | None:
    """The body's rows, each value in its column; None when a value cannot be placed without
    doubt (between columns, beside no row or two, in a cell taken)."""
    pieces = [(line, piece) for line in body for piece in _pieces(line.labels)]
    if not pieces:
        return _unlabelled_rows(body, columns)
    inner = _inner_label_edge([piece for _, piece in pieces])
    right = max(piece[-1].x1 for _, piece in pieces)
    rows: list[_Row] = []
    fragments: list[tuple[_PrintedLine, list[_Word]]] = []
    after_row = False  # the piece before is a row's (not a group label's)
    for n, (line, piece) in enumerate(pieces):
        wraps = bool(rows) and _continues(rows[-1], piece, right, inner) and not (
            line.values and any(r.values for r in rows[-1].lines))
        # Left of the innermost label column: a group label's piece (三、本年 / 度办理结 / 果), but
        # the wrapped end of the row label just above (一、本年新收…申请数 / 量), or a short row.
        # So is a group label's character set a character a line with a row's label after it on
        # its line, wherever the innermost column was put (a page holding one sub-row, `三` /
        # `（一）予以公开`, shares no start).
        before_another = n + 1 < len(pieces) and pieces[n + 1][0] is line and _one_ideograph(piece)
        if before_another or piece[-1].x1 <= inner and not (wraps and after_row) and not _short_row(line, piece, rows, right, inner):
            fragments.append((line, piece))
            after_row = False
            continue
        if wraps:
            rows[-1].pieces.append(piece)
            rows[-1].lines.append(line)
        else:
            rows.append(_Row([piece], [line]))
        after_row = True
    if not rows:
        return None
    for line, piece in fragments:
        _nearest_row(rows, piece).fragments.extend(piece)
    for line in body:
        for word in _printed_values(line, columns):
            if not _place(word, line, rows, columns):
                return None
    return _wraps_joined(rows, inner, right)


def _one_ideograph(piece: list[_Word]) -> bool:
    glyphs = [g for w in piece for g in w.glyphs]
    return len(glyphs) == 1 and _is_ideograph(glyphs[0].text)


def _short_row(line: _PrintedLine, piece: list[_Word], rows: list[_Row], right: float, inner: float) -> bool:
    """Whether a piece ending left of the innermost label column is a row's whole label, not a
    group label's piece: it opens with a list marker and is alone on a line of values, which is
    not inside a wrapped label above ((七)总计 under the last sub-row of （六）, in a table whose
    sub-row labels start right of its end)."""
    if not line.values or len(_pieces(line.labels)) != 1 or not _opens_with_marker(piece):
        return False
    return not rows or not _ends_full(rows[-1].pieces[-1], right, inner)


def _printed_values(line: _PrintedLine, columns: _Columns) -> list[_Word]:
    """The line's values, less specks read as figures: a word far shorter than the table's
    characters (a 1 pt dot between two rows of a noisy scan, read as "8") is no printed value,
    and beside no row it would leave the whole table as text.  Its ink stays on the page: the
    cell it lies in, if any, is not a sure blank (ocr_words, BLANK_INSET)."""
    return [w for w in line.values if not columns.size or w.bottom - w.top >= SPECK_SHARE * columns.size]


def _wraps_joined(rows: list[_Row], inner: float, right: float) -> list[_Row]:
    """A row without values and the next one, starting where it starts with no list marker
    and holding values, are one row: a label wrapped although its first line ended short of the
    column's edge (but not far short: WRAP_MIN_SHARE), its values printed by its second line.
    Apart, the label would have blank cells and its values no label."""
    out: list[_Row] = []
    for row in rows:
        last = out[-1] if out else None
        if last is not None and not last.values and row.values and _starts_alike(last.pieces[-1], row.pieces[0], inner) \
                and _mostly_full(last.pieces[-1], inner, right) \
                and not _opens_with_marker(_in_inner_column(row.pieces[0], inner)):
            last.pieces += row.pieces
            last.lines += row.lines
            last.fragments += row.fragments
            last.values = row.values
        else:
            out.append(row)
    return out


def _mostly_full(piece: list[_Word], inner: float, right: float) -> bool:
    """Whether a label line reaches WRAP_MIN_SHARE of the way across the label column."""
    line = _in_inner_column(piece, inner)
    start = line[0].x0
    return line[-1].x1 - start >= WRAP_MIN_SHARE * (right - start)


def _unlabelled_rows(body: list[_PrintedLine], columns: _Columns) -> list[_Row] | None:
    """Rows of a table without row labels (table 四): each line of values is a row."""
    rows = [_Row([], [line]) for line in body if _printed_values(line, columns)]
    placed = all(_place(word, row.lines[0], rows, columns) for row in rows for word in _printed_values(row.lines[0], columns))
    return rows if placed else None


def _inner_of(body: list[_PrintedLine]) -> float | None:
    pieces = [piece for line in body for piece in _pieces(line.labels)]
    return _inner_label_edge(pieces) if pieces else None


def _pieces(words: list[_Word]) -> list[list[_Word]]:
    """Label words in runs, cut where the gap is as wide as the line code's separate runs."""
    out: list[list[_Word]] = []
    for word in words:
        size = statistics.median(g.size for g in word.glyphs)
        if out and word.x0 - out[-1][-1].x1 <= 2 * size:
            out[-1].append(word)
        else:
            out.append([word])
    return out


def _inner_label_edge(pieces: list[list[_Word]]) -> float:
    """Where the innermost label column starts: the rightmost start shared by two label pieces
    or more (row labels), left of which only group labels end."""
    starts = sorted(piece[0].x0 for piece in pieces)
    tolerance = statistics.median(g.height for piece in pieces for w in piece for g in w.glyphs)
    shared = [a for a, b in zip(starts, starts[1:]) if b - a <= tolerance]
    return max(shared) if shared else starts[0]


def _near(x: float, starts: tuple[float, ...], tolerance: float = PAGE_SHIFT) -> bool:
    return any(abs(x - start) <= tolerance for start in starts)


def _past_labels(words: list[_Word], columns: _Columns, size: float) -> bool:
    """Whether label words reach into the value columns (`LABEL_REACH`)."""
    return max(w.x1 for w in words) > columns.left + LABEL_REACH * size


def _continues(row: _Row, piece: list[_Word], right: float, inner: float) -> bool:
    """A label piece wraps the row's label: it starts where the row's last line starts in the
    innermost label column (a group label may stand before it: 不予处4.无正当…), that line is
    full or left open, and it does not start with a list marker."""
    return (_starts_alike(row.pieces[-1], piece, inner)
            and (_ends_full(row.pieces[-1], right, inner) or _left_open(row))
            and not _opens_with_marker(_in_inner_column(piece, inner)))


def _left_open(row: _Row) -> bool:
    """Whether the row's label so far leaves a bracket open or ends on a comma: no label ends so,
    so it goes on, though its line stops short of the column's edge, where the next character
    would not have fit (（二）部分公开（区分处理的， / 只计这一情形，不计其他情形）)."""
    text = _text([g for piece in row.pieces for w in piece for g in w.glyphs])
    return text.endswith(("，", "、", ",")) or text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _ends_full(piece: list[_Word], right: float, inner: float) -> bool:
    """Whether a label piece's line reaches the label column's right edge (`FULL_LINE_SLACK`):
    the label wraps onto the next line."""
    last = _in_inner_column(piece, inner)
    return last[-1].x1 >= right - FULL_LINE_SLACK * _char_width(last)


def _opens_with_marker(words: list[_Word]) -> bool:
    """Whether label words open with a list marker (1. （一） 一、); given a piece's words in the
    innermost column, a group label's piece before them (（五）不 出版物) is not counted."""
    return bool(LIST_MARKER.match(_text([g for w in words for g in w.glyphs])))


def _starts_alike(above: list[_Word], piece: list[_Word], inner: float) -> bool:
    """Whether a label piece starts, within a character, where the piece above starts in the
    innermost label column."""
    last = _in_inner_column(above, inner)
    return abs(_in_inner_column(piece, inner)[0].x0 - last[0].x0) <= _char_width(last)


def _in_inner_column(piece: list[_Word], inner: float) -> list[_Word]:
    """The piece's words from the innermost label column on (a group label may stand before)."""
    return [w for w in piece if w.x1 > inner] or piece


def _char_width(words: list[_Word]) -> float:
    widths = [g.x1 - g.x0 for w in words for g in w.glyphs if _is_ideograph(g.text)]
    return statistics.median(widths) if widths else words[-1].bottom - words[-1].top


def _nearest_row(rows: list[_Row], piece: list[_Word]) -> _Row:
    middle = (min(w.top for w in piece) + max(w.bottom for w in piece)) / 2
    return min(rows, key=lambda row: 0.0 if row.top <= middle <= row.bottom else min(abs(row.top - middle), abs(row.bottom - middle)))


def _place(word: _Word, line: _PrintedLine, rows: list[_Row], columns: _Columns) -> bool:
    """Put a value word in its row's cell; False when where it goes is in doubt.  A mark read
    as a value but no figure (无, —) standing in the label columns is a label's character, not
    a value: a group label stacked a character a line ((四)无法提供's 无) is left out as its
    other characters are."""
    column = columns.column_of(word)
    if column is None:
        return word.x1 <= columns.left and not any(g.text.isdigit() for g in word.glyphs)
    beside = [row for row in rows if line in row.lines]
    if not beside:
        beside = [row for row in rows if row.top <= word.cy <= row.bottom]
    if len(beside) != 1 or column in beside[0].values:
        return False
    beside[0].values[column] = word
    return True


# --- Out ------------------------------------------------------------------------------------


def _as_table(rows: list[_Row], columns: _Columns, page: int, unsure: list[_Row]) -> _Table:
    """The rows as the pdf reader's table: a label cell (when the rows have labels) and one cell
    per value column, blank where nothing was printed, each with its box; the value cells of the
    `unsure` rows carry their doubt (`WHY_PLACED_BY_HEADER`)."""
    labels = [w for row in rows for piece in row.pieces for w in piece]
    left = min([w.x0 for w in labels] + [w.x0 for row in rows for w in row.fragments]) if labels else columns.left
    cells: list[_Cell] = []
    unsure_ids = {id(row) for row in unsure}
    for r, row in enumerate(rows):
        top = min([row.top, *(v.top for v in row.values.values())])
        bottom = max([row.bottom, *(v.bottom for v in row.values.values())])
        if labels:
            label = [w for piece in row.pieces for w in piece]
            glyphs = [g for w in label for g in w.glyphs]
            cells.append(_Cell(_label_text(label), left, columns.left, r, 1, page, top, bottom, glyphs))
        doubtful = id(row) in unsure_ids
        for k, (lo, hi) in enumerate(columns.ranges):
            value = row.values.get(k)
            cells.append(_Cell(value.text if value else "", lo, hi, r, 1, page, top, bottom,
                               list(value.glyphs) if value else [], doubt=WHY_PLACED_BY_HEADER if doubtful else None))
    xs = ([left] if labels else []) + [lo for lo, _ in columns.ranges] + [columns.ranges[-1][1]]
    return _Table(page, rows[0].top, rows[-1].bottom, xs, len(rows), cells)


def _label_text(words: list[_Word]) -> str:
    """A row's label as printed: its words line by line (words side by side on one printed
    line, whatever their baselines: "5" and ".属于…"), left to right."""
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: w.top):
        if lines and _overlap(lines[-1], word) >= SAME_LINE_OVERLAP * (word.bottom - word.top):
            lines[-1].append(word)
        else:
            lines.append([word])
    texts = []
    for line in lines:
        baseline = max(g.baseline for w in line for g in w.glyphs)
        texts.append(_text([replace(g, baseline=baseline) for w in line for g in w.glyphs]))
    return _join_lines(texts)


def _overlap(line: list[_Word], word: _Word) -> float:
    return min(max(w.bottom for w in line), word.bottom) - max(min(w.top for w in line), word.top)


def _is_ideograph(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
