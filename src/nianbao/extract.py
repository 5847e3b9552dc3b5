"""Extract: turn the located table regions into cells keyed by the edition definitions.

Every layout is reduced to *row readings*: a row label found in the text and the
value tokens printed after it (grid cells, or a run of flowing text up to the next
label).  Value rows printed without a label (PDF converters separate labels from
numbers) are *orphans*; they fill the rows left without values, in printed order,
within the stretch between the labelled rows around them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import editions
from .document import Document, Grid, Paragraph, Span
from .locate import NOTE, ROW_NUMBER_ALONE, ROW_NUMBER_BEFORE, LabelHit, find_labels, loose_pattern
from .model import Cell
from .normalise import normalise_text
from .split import MAX_JOINS, Token
from .values import PAGE_NUMBER, is_damaged_value, is_page_footer, is_value_text, parse_value, too_long

# A printed value inside flowing text: a (possibly fused) number with optional
# unit, or a mark meaning zero/blank.  "-" alone is a blank mark only when it
# stands apart; glued to digits it is a sign.
# 无, / and — count only where they stand apart from other Han characters, so
# that 无法提供 or 本年增/减 in a header is not read as a value; nor does a 无 that
# starts a label word printed letter-spaced ("（四）无 法 提 供").
_HAN_NOT_WU = "\u4e00-\u65df\u65e1-\u9fff"


def _label_texts() -> set[str]:
    """Every row label and group name of every edition, as printed (numbers included)."""
    return {label for edition in editions.EDITIONS.values() for table in edition.tables
            for row in table.rows for label in (*row.labels, row.group or "")}


def _after_wu(length: int) -> set[str]:
    """The `length` characters after 无 wherever a label holds it with that many after it."""
    return {text[i + 1:i + 1 + length] for text in _label_texts() for i, ch in enumerate(text[:-length]) if ch == "无"}


def _after_wu_in_labels() -> str:
    return "".join(sorted(_after_wu(1)))


def _numbers_before_wu_in_labels() -> str:
    """A look-behind for 无 opening a numbered label (（四）无法提供): a group cell wrapped after 无
    (`(四)无` / `法提供`) leaves it standing alone, and it is no value there."""
    numbers = sorted({m.group(1) for text in _label_texts() if (m := re.match(r"[(（]([一二三四五六七八九十]+)[)）]无", text))})
    return "".join(rf"(?<!\({number}\)无)(?<!\({number}\)\s无)" for number in numbers)


def _wu_words_across_lines() -> re.Pattern[str]:
    """The two characters after 无 in each label word it opens (无法提供, 无正当理由), a character a
    line or apart: a 无 ending its line before them is that word's first character (a group cell
    set a character a line: `(` / `四` / `)` / `无` / `法` / `提` / `供`), no value."""
    return re.compile("|".join(rf"\s*{word[0]}\s*{word[1]}" for word in sorted(_after_wu(2))))


_WU_WORD_GOES_ON = _wu_words_across_lines()
_AFTER_WU = frozenset(_after_wu(1))


_FLOW_TOKEN = re.compile(
    # A unit glued to its amount (万元 perhaps broken over a cell's two lines), or a space apart as
    # pdftotext prints it (909.76 万元).
    r"[+-]?\d[\d,]*(?:\.\d+)?(?:万\s?元|元|[ \t](?:万元|元)(?![\u4e00-\u9fff]))?"
    # 无 tested first and its left neighbour after, so other characters cost no look-behind;
    # glued to the next heading number (无三、本年度办理结果) it is a value too.
    rf"|无(?<![{_HAN_NOT_WU}]无){_numbers_before_wu_in_labels()}(?:(?![{_HAN_NOT_WU}])(?!\s*[{_after_wu_in_labels()}])|(?=[一二三四五六七八九十]、))"
    r"|(?<![\u4e00-\u9fff])(?:不适用|—+|/)(?![\u4e00-\u9fff])"
    r"|(?<!\S)-(?!\S)"
)
# A table-二 block's caption (第二十条第（九）项), from the part every edition's captions share: the
# values after it are its block's.  A text that orders a block's label after its values (pdftotext
# puts a table's last row so) must not give them to the row above the caption.
_CAPTION = re.compile(loose_pattern(editions.T2_CAPTION_OPENING))


# The words table 三 prints over its columns and beside its groups of rows (自然人 … 申请人情况,
# （三）不予公开, 三、本年度办理结果) that no row's label holds.  A bare label whose first values come
# after one of these took them past the table's header: a converter flowing a borderless table
# column by column (pdftotext's default mode) prints there a column's values, which may be
# another row's.
@lru_cache(maxsize=1)
def _t3_headings() -> frozenset[str]:
    words: set[str] = set()
    labels: list[str] = []
    for edition in editions.EDITIONS.values():
        table = edition.table("t3")
        words |= {column.label for column in table.columns} | {column.group or "" for column in table.columns}
        words |= {row.group or "" for row in table.rows} | {text for role, text in table.headers if role != "identity_note"}
        labels += [_compact(row.number + label) for row in table.rows for label in row.labels]
    compact = {re.sub(r"^[一二三四五六七八九十]", "", _compact(word)) for word in words}
    return frozenset(word for word in compact if word and not any(word in label for label in labels))


@lru_cache(maxsize=1)
def _t3_rows() -> frozenset[str]:
    return frozenset(row.key for edition in editions.EDITIONS.values() for row in edition.table("t3").rows)


# Several values in one grid cell, separated by spaces ("0 0 0").
_MULTI_VALUE = re.compile(r"\s*+(?:[+-]?\d[\d,.]*+(?:万元|元)?\s++)+[+-]?\d[\d,.]*+(?:万元|元)?\s*+")


@dataclass(slots=True)
class Reading:
    """What was printed for one row: value tokens in order, and whether they are grid cells."""

    row: str | None  # None for an orphan value row
    tokens: list[Token]
    from_grid: bool
    order: int  # position in the document, for orphan placement
    spans: dict[int, Span] = field(default_factory=dict)  # token index -> grid span (for provenance)
    # A label printed apart from its values whose values may be the line before it as well as
    # the line after (a PDF converted to text may print a row's values a line above or below its
    # label): which line is its is not known.
    either_side: bool = False
    # The label was printed in one cell with another row's label, and no values between them
    # (a merged label cell: a scan whose ruling between two rows was lost): the first label
    # takes the cell's row of values and the next the value row below, by printed order only.
    stacked: bool = False
    # The row printed right after another row's label, with nothing between them, that read no
    # values and no value row below to stack (`tables`): the values may be that row's.
    beside_bare: str | None = None
    # A bare label whose first values were printed after table 三's column or group headings
    # (`_t3_headings`): they may be a column a converter flowed in, another row's.
    past_headings: bool = False
    # The grid row (table index, row) the label was printed in, for a label read from a grid.
    grid_row: tuple[int, int] | None = None
    # The row opens with empty cells that may be its label cell's slots or its first blank cells,
    # and closes with empty cells past its last column that may be either (`_drop_spanned_slots`).
    slots_unsure: bool = False
    # A row of values without a label holding a cell of text among them (a scan's garbled cell):
    # kept in its place as a cell whose value is not known.
    unreadable_cell: bool = False


@dataclass(slots=True)
class Unit:
    """A grid row or a stretch of flowing text inside a table region."""

    spans: list[Span]
    flowing: bool


def units_in(document: Document, region: tuple[int, int]) -> list[Unit]:
    start, end = region
    units: list[Unit] = []
    for block in _blocks_between(document, start, end):
        if isinstance(block, Paragraph):
            span = block.span
            if span.end <= start or span.start >= end:
                continue
            if start <= span.start and span.end <= end:  # most paragraphs: the whole of it
                units.append(Unit([span], True))
                continue
            a, b = max(span.start, start), min(span.end, end)
            units.append(Unit([Span(document.text[a:b], a, b, span.page)], True))
        elif isinstance(block, Grid):
            for row in block.rows:
                # A row may run past the region (a whole page flattened onto one row of
                # cells): only its cells within the region belong to this table.
                if not row or row[0].start >= end or row[-1].end <= start:
                    continue
                inside = row[0].start >= start and row[-1].end <= end
                cells = row if inside else [_clipped(c, start, end) for c in row if c.start < end and c.end > start]
                if cells:
                    units.append(Unit(cells, False))
    return units


def _clipped(cell: Span, start: int, end: int) -> Span:
    """The part of a cell within [start, end): a cell running in from the page before the
    table (its heading and running text in the same cell) contributes only the table's part."""
    a, b = max(cell.start, start), min(cell.end, end)
    return replace(cell, text=cell.text[a - cell.start: b - cell.start], start=a, end=b)


def paragraphs_in(document: Document, region: tuple[int, int]) -> list[Span]:
    """The whole paragraphs that overlap a region, uncut."""
    start, end = region
    return [block.span for block in _blocks_between(document, start, end)
            if isinstance(block, Paragraph) and block.span.end > start]


def _blocks_between(document: Document, start: int, end: int) -> list[Paragraph | Grid]:
    """The blocks that may overlap [start, end), found by bisection."""
    if document.block_ends is None:
        _index_blocks(document)
    assert document.block_ends is not None and document.block_starts is not None
    first = bisect.bisect_right(document.block_ends, start)
    last = bisect.bisect_left(document.block_starts, end)
    return document.blocks[first:last]


def _index_blocks(document: Document) -> None:
    """Where each block starts and ends, as running extremes, so bisection finds a
    region's blocks; done once per document, which is read by region several times."""
    starts: list[int] = []
    ends: list[int] = []
    reach = begin = 0
    for block in document.blocks:
        if isinstance(block, Paragraph):
            first, last = block.span.start, block.span.end
        else:  # cells run left to right within a row, rows top to bottom
            opening: int | None = None
            last = reach
            for row in block.rows:
                if row:
                    if opening is None:
                        opening = row[0].start
                    if row[-1].end > last:
                        last = row[-1].end
            first = reach if opening is None else opening
        if last > reach:
            reach = last
        if first > begin:
            begin = first
        starts.append(begin)
        ends.append(reach)
    document.block_starts, document.block_ends = starts, ends


# "3、收到和处理…": a digit right before 、 or "." and then words numbers the heading that
# follows; glued to the values before it, it is not one of them.  A PDF may put the digit and
# its "." on different lines (different fonts, different baselines).  Before a digit ("0、0、12",
# cells joined with 、) it is a value; so it is before a Chinese numeral, which opens no heading
# or row label there: the characters of group labels set a character a line (三、本年度… and
# （四）无法提供 stacked beside a row: `37、四关政府信息` is 37, then 、 and 四, then the label's rest).
_HEADING_NUMBER = re.compile(r"\s*[、.](?=\s*[\u4e00-\u9fff])(?!\s*[一二三四五六七八九十])")
# A number in brackets before words ("（4）保护第三方…", normalised to "(4)"): a row's number.
_BRACKETED_NUMBER_END = re.compile(r"\)\s*[\u4e00-\u9fff]")
# Values printed apart: a row's run of values, not a note's number.
_VALUES_APART = re.compile(r"\d\s+[+-]?\d")


# A crawl of one text node a line breaks "2023年" after the year ("2023" / "年，全市…").
_DATE_WORD = re.compile(r"[ \t]*(?:\n[ \t]*){0,2}[年月日]")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _dates_nothing(value: str, text: str, after_word: int) -> bool:
    """Whether a number before 年, 月 or 日 cannot be part of a date: nought (no year, month or day
    is 0), or a number that is no year before 年度 (the words of a label: a narrow group cell
    wraps 三、本年度办理结果 as 三、本 / 年度办 / 理结果, and a value before its second piece reads `0年度办`)."""
    if not value.strip("0"):
        return True
    return text.startswith("度", after_word) and not _YEAR.fullmatch(value)


# Fused digits ending in a year: a table's last values glued to the text after it when the heading
# between them is printed elsewhere or not at all (…总计000000000000000 + 2024年我局…).
_VALUES_THEN_YEAR = re.compile(r"(\d+?)((?:19|20)\d\d)")


def flow_tokens(text: str, offset: int, after: str = "", *, in_notes: bool = False) -> list[Token]:
    """Value tokens in flowing text; `after` is the text that follows, looked at only to
    tell a heading number or a date at the very end from a value.  With `in_notes`, numbers
    inside a note in brackets count too (what a table prints that might be values)."""
    tokens = []
    probe = text + after
    brackets = not in_notes and ("(" in text or "（" in text)
    for match in _FLOW_TOKEN.finditer(text):
        value = match.group()
        start, end = match.span()
        if value == "无" and (after and not text[end:].strip() and _WU_WORD_GOES_ON.match(after)
                             or _stacked_below(probe, start)):
            continue
        if brackets and _in_note(text, start):
            continue  # "…（减用负值表示，如-8）", "22（其中修订16件）": a number in a note is not a value
        if value[-1].isdigit():
            date_word = _DATE_WORD.match(probe, end)
            if date_word and (_dates_nothing(value, probe, date_word.end())
                              or "\n" in date_word.group() and date_word.group().endswith("年") and not _YEAR.fullmatch(value)):
                # A value before a label's piece: "0" | "年度办" (三、本年度办理结果 wrapped); or a row's last
                # value before the next line's 年 of that label set a character a line ("6" / "年   法").
                # Across a line break only a year goes with 年.
                date_word = None
            if date_word:
                glued = _VALUES_THEN_YEAR.fullmatch(value) if date_word.group().endswith("年") else None
                if glued is None:
                    continue  # "2020年", "12月31日": a date in the text running on after a table
                value = glued.group(1)  # the year is text
            mark = _HEADING_NUMBER.match(probe, end) if value[-1].isdigit() else None
            if mark is not None:
                # A number glued to the values before it shares their line: a value run that ends
                # its line before a mark on the next ("37" / "、本…", a group label's pieces
                # printed apart) is whole.  One digit there may be the next row's number ("5" /
                # ".属于…"), but no row is numbered 0 ("0" / "、行政机关…", a label's rest wrapped).
                broken = "\n" in mark.group()
                if len(value) == 1 and not (broken and value == "0"):
                    continue
                if not broken:
                    value = value[:-1]
        if start and text[start - 1] == "(" and _BRACKETED_NUMBER_END.match(probe, end):
            continue  # "(4)属于…": the number of a row whose label was not recognised (misprinted)
        tokens.append(Token(value, start + offset, start + offset + len(value)))
    return tokens


def _stacked_below(text: str, position: int) -> bool:
    """Whether the character at `position` has, right under it on the next line and standing
    alone there, the character a label word goes on with after 无 (无法提供's 法): a group cell
    printed a character a line beside its rows in a PDF's layout text (`本   无   信息需要另    6 …`
    / `年   法   行制作`).  `法人…` under it is a word of its own."""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    if line_end < 0:
        return False
    below_end = text.find("\n", line_end + 1)
    below = text[line_end + 1:below_end if below_end >= 0 else len(text)]
    column = position - line_start
    return (column < len(below) and below[column] in _AFTER_WU
            and (column + 1 == len(below) or below[column + 1].isspace()))


def _in_note(text: str, position: int) -> bool:
    """Whether text[position] lies inside a note in brackets (`locate.NOTE`).  Not in one holding a
    run of values apart: a scan's row prints its values beside its label's wrapped note
    ("（区分处理的，只计这0 0 0 0 0 0 0一情形，不计其他情形）")."""
    opened = max(text.rfind("(", 0, position), text.rfind("（", 0, position))
    if opened < 0 or opened < max(text.rfind(")", 0, position), text.rfind("）", 0, position)):
        return False
    note = NOTE.match(text, opened)
    return note is not None and position < note.end() and _VALUES_APART.search(text, opened, note.end()) is None


def cell_tokens(span: Span) -> list[Token]:
    """One grid cell → its value token(s): a blank cell is one empty token."""
    if span.text.isdigit():  # most cells ("0", "12"): one value, nothing to strip
        return [Token(span.text, span.start, span.start + len(span.text))]
    text = span.text.strip()
    if not text.isdigit() and _MULTI_VALUE.fullmatch(span.text):  # digits alone ("0", "12") are one value
        return flow_tokens(span.text, span.start)
    lead = len(span.text) - len(span.text.lstrip())
    return [Token(text, span.start + lead, span.start + lead + len(text))]


def read_rows(
    document: Document, region: tuple[int, int], rows: tuple[editions.Row, ...], widths: dict[str, int],
) -> list[Reading]:
    """Row readings in document order for the given row definitions.

    Flowing text is read as a stream: labels are found across line breaks (a row
    number on its own line, "1." / "属于国家秘密"; a label wrapped over two lines), and
    the values after a label belong to it whatever the line layout.  `widths` gives
    each row's number of value columns: a table printed one cell per line (Word text
    without tabs, a web page of <p>s) has its label alone on a line and then one value
    per line, which belong to that label up to the next label — more lines than
    columns when a value was broken over two lines, fewer when a crawler collapsed a
    run of equal lines (the arithmetic sorts those out later).  A label that ends its
    line likewise takes the values that open the next line (a PDF row whose values sit
    beside the second line of a wrapped label).
    """
    by_key = {row.key: row for row in rows}
    readings: list[Reading] = []
    units = _without_group_pieces(units_in(document, region), rows)
    units = _labels_wrapped_into_grid_rows(document, _values_after_wrapped_labels(units, rows), rows)
    i = 0
    while i < len(units):
        if not units[i].flowing:
            number = _row_number_before(units, i)
            readings.extend(_grid_readings(units[i].spans, rows, widths, len(readings), number))
            i += 1
            continue
        j = i
        while j < len(units) and units[j].flowing:
            j += 1
        grid_follows = j < len(units)
        _read_stretch(document, [u.spans[0] for u in units[i:j]], rows, by_key, widths, readings, grid_follows)
        i = j
    _drop_spanned_slots(document, readings, widths, rows)
    return readings


# Lines a group label's pieces may run over: its cell spans its sub-rows, whose labels wrap.
_PIECE_LINES = 24


@lru_cache(maxsize=64)
def _group_names(rows: tuple[editions.Row, ...]) -> tuple[str, ...]:
    """The group labels printed beside the rows ((六)其他处理; table 三's 三、本年度办理结果 over
    its outcome rows), normalised, without spaces."""
    names = {row.group for row in rows if row.group}
    if any(row.key in _t3_rows() for row in rows):
        names |= {edition.table("t3").header("outcomes") for edition in editions.EDITIONS.values()}
    return tuple(sorted({"".join(normalise_text(name).split()) for name in names}))


@lru_cache(maxsize=64)
def _piece_openings(rows: tuple[editions.Row, ...]) -> frozenset[str]:
    """What a line holding a piece of a group label opens with (looked at before the pattern)."""
    return frozenset(" \t" + "".join(_group_names(rows)))


@lru_cache(maxsize=64)
def _piece_pattern(rows: tuple[editions.Row, ...]) -> re.Pattern[str]:
    """A line's first word when it may be a piece of one of the rows' group labels: up to four
    characters, the first from a group label, no digit, before a space or the line's end."""
    first = re.escape("".join(sorted(set("".join(_group_names(rows))))))
    return re.compile(rf"[ \t]*+([{first}][^\s\d]{{0,3}})(?:[ \t]+|$)")


def _without_group_pieces(units: list[Unit], rows: tuple[editions.Row, ...]) -> list[Unit]:
    """The units without the pieces of a group label that a narrow merged cell set a few
    characters a line beside its sub-rows, where a converter reading a line at a time
    (pdfplumber's `extract_text`) put each piece at the head of a line, between the lines of the
    wrapped labels and before values (`1.申请人无正当` / `(` / `处理其政府信息` / `六` / … /
    `处 0 0 0 0 0 0 0`): without them the labels read across their lines and the values stand
    alone.  A group label counts only when its pieces, in order, make it whole, with lines of
    its sub-rows between them (a group label alone on its lines is read as a label)."""
    piece, opening = _piece_pattern(rows), _piece_openings(rows)
    # (unit index, the piece's match) for each flowing line opening with a word that may be one
    pieces = [(n, m) for n, unit in enumerate(units)
              if unit.flowing and unit.spans[0].text[:1] in opening and (m := piece.match(unit.spans[0].text))]
    if len(pieces) < 2:
        return units
    cut: dict[int, int] = {}  # unit index -> characters its piece takes
    for name in _group_names(rows):
        for first, (line, match) in enumerate(pieces):
            made, used = match.group(1), [(line, match)]
            if not name.startswith(made) or made == name:
                continue
            for later_line, later in pieces[first + 1:]:
                if later_line - line > _PIECE_LINES or made == name:
                    break
                if name.startswith(made + later.group(1)):
                    made += later.group(1)
                    used.append((later_line, later))
            if made == name and used[-1][0] - used[0][0] >= len(used):  # lines of sub-rows between
                cut.update((n, taken.end()) for n, taken in used)
                break
    if not cut:
        return units
    out = []
    for n, unit in enumerate(units):
        if n not in cut:
            out.append(unit)
        elif cut[n] < len(unit.spans[0].text):
            span = unit.spans[0]
            out.append(Unit([_clipped(span, span.start + cut[n], span.end)], True))
    return out


def _values_after_wrapped_labels(units: list[Unit], rows: tuple[editions.Row, ...]) -> list[Unit]:
    """The units with each row of values printed inside a wrapped label moved after the label's
    last line ("1.申请人无正当理由" / "2 0 0 0 0 0 2" / "逾期不补正、…": a PDF's text puts a row's
    values, centred beside its label, between the label's lines), whether the values are a line
    of text, a grid row, or the end of a line of the label's words (`确认或重新出具 0 0 0 0 0 0 0`,
    where a converter joins a line of the label and the values beside it).  Only where the lines
    of words around the values (up to _LABEL_LINES each side) hold a label across them that they
    do not hold apart; the stream reading then reads the label across its lines."""
    out = list(units)
    words = [_holds_words(unit) for unit in out]  # asked of each unit once, moved with it
    i = 1
    while i + 1 < len(out):
        if not (words[i - 1] and words[i + 1]):
            i += 1
            continue
        whole = _values_only(out[i])
        # A line of words ending in values splits a label whose line before holds no values.
        split = None if whole or out[i - 1].spans[-1].text.rstrip()[-1:].isdigit() else _words_then_values(out[i], rows)
        if not whole and split is None:
            i += 1
            continue
        before, after = _word_lines(words, i - 1, -1), _word_lines(words, i + 1, 1)
        opened = "".join(out[k].spans[0].text.strip() for k in reversed(before))
        head = opened + (split[0].spans[0].text.strip() if split else "")
        tail = [out[k].spans[0].text.strip() for k in after]
        # A label opened on a line before the values and going on after them.
        hit = next((h for h in find_labels(head + "".join(tail), rows) if h.start < len(opened) and len(head) < h.end), None)
        if hit is None:
            i += 1
            continue
        ends, reach = after[0], len(head)
        for k, text in zip(after, tail):
            ends, reach = k, reach + len(text)
            if reach >= hit.end:
                break
        if split is None:
            out.insert(ends, out.pop(i))  # after the label's last line, which moved up by one
            words.insert(ends, words.pop(i))
            i = ends + 1
        else:
            out[i] = split[0]
            out.insert(ends + 1, split[1])
            words.insert(ends + 1, False)
            i = ends + 2
    return out


# What a line ending in values ends with: a digit, a mark for none or nought, a note's bracket.
_VALUE_LAST_CHARACTERS = frozenset("0123456789无—-/)）")


def _words_then_values(unit: Unit, rows: tuple[editions.Row, ...]) -> tuple[Unit, Unit] | None:
    """A line of words ending in a row's values, as its words and its values, two units; None
    when the words end in a whole label (a row printed on its line)."""
    if not unit.flowing or unit.spans[0].text.rstrip()[-1:] not in _VALUE_LAST_CHARACTERS:
        return None
    span = unit.spans[0]
    values = _trailing_values(span)
    if len(values) < 2:
        return None
    printed = span.text[:values[0].start - span.start].rstrip()
    if not printed.strip() or any(hit.end == len(printed) for hit in find_labels(printed, rows)):
        return None
    cut = values[0].start
    return Unit([_clipped(span, span.start, cut)], True), Unit([_clipped(span, cut, span.end)], True)


# Characters a piece of a wrapped label holds at most: the longest row label has 36.
_LABEL_PIECE = 40


def _labels_wrapped_into_grid_rows(document: Document, units: list[Unit], rows: tuple[editions.Row, ...]) -> list[Unit]:
    """A label cell that wrapped, copied with its line break kept, leaves the label's start at the
    end of a line (alone, or after its row's group cells) and the rest opening the next, before
    the row's values ("其他对外管" / "理服务事项\t0\t0\t0"; "\t\t2.其他法律行政" / "法规禁止公开\t…").
    Where the two pieces make a row's label only together, they are joined into one cell and the
    two lines into one grid row."""
    joined: dict[int, Unit] = {}  # index of a grid row -> the line before and it, as one row
    pairs = _label_pairs(rows)
    for i in range(1, len(units)):
        unit, before = units[i], units[i - 1]
        if unit.flowing or not unit.spans or not before.spans or (before.flowing and len(before.spans) > 1) \
                or i - 1 in joined:
            continue
        head, first = before.spans[-1], unit.spans[0]
        if len(head.text) <= _LABEL_PIECE and len(first.text) <= _LABEL_PIECE and first.start > head.end \
                and _joins_words_of_a_label(head.text, first.text, pairs) \
                and not find_labels(head.text, rows) and not find_labels(first.text, rows):
            text = document.text[head.start:first.end]
            if any(h.start < head.end <= first.start < h.end for h in find_labels(text, rows, head.start)):
                cell = Span(text, head.start, first.end, first.page, first.grid, first.box)
                joined[i] = Unit([*before.spans[:-1], cell, *unit.spans[1:]], False)
    if not joined:
        return units
    return [joined.get(i, unit) for i, unit in enumerate(units) if i + 1 not in joined]


def _joins_words_of_a_label(head: str, tail: str, pairs: frozenset[str]) -> bool:
    """Whether the last character of `head` and the first of `tail`, punctuation aside, stand side
    by side in some row's label (管|理 in 其他对外管理服务事项; 项|信 in no label): a cheap test first."""
    return head.rstrip(_LABEL_PUNCTUATION)[-1:] + tail.lstrip(_LABEL_PUNCTUATION)[:1] in pairs


# What a label may be broken next to that is not among its words (`_label_pairs` keeps only those).
_LABEL_PUNCTUATION = " \t\n\u3000，,、。（）()“”\"：:"


def _word_lines(words: list[bool], start: int, step: int) -> list[int]:
    """Indices of the flowing lines holding words (`words`, by unit) from `start` on, one way, up
    to _LABEL_LINES."""
    found: list[int] = []
    k = start
    while 0 <= k < len(words) and len(found) < _LABEL_LINES and words[k]:
        found.append(k)
        k += step
    return found


def _holds_words(unit: Unit) -> bool:
    return unit.flowing and _WORDS.search(unit.spans[0].text) is not None


# Characters a line of values alone is made of (a cheap test before reading its values).
_VALUE_LINE_CHARACTERS = re.compile(r"[\s\d.,+\-—―/\\×无万元]*")


def _values_only(unit: Unit) -> bool:
    """A line or grid row of values and nothing else."""
    if not unit.flowing:
        return all(is_value_text(span.text) for span in unit.spans) and any(span.text.strip() for span in unit.spans)
    text = unit.spans[0].text
    if not _VALUE_LINE_CHARACTERS.fullmatch(text):
        return False
    tokens = flow_tokens(text, 0)
    return bool(tokens) and "".join(t.text for t in tokens) == "".join(text.split())


def _read_stretch(
    document: Document, lines: list[Span], rows: tuple[editions.Row, ...], by_key: dict[str, editions.Row],
    widths: dict[str, int], readings: list[Reading], grid_follows: bool = False,
) -> None:
    collecting: Reading | None = None  # a bare label taking the value lines after it

    def width_of(reading: Reading) -> int:
        return widths[reading.row or ""]

    taken: list[Reading] = []  # value lines the bare label took
    single_lines: list[Reading] = []  # one-value lines collected beyond the row's width
    # A label that took the value lines after it shows the stretch printed row by row (a
    # crawl's one cell a line), not its labels listed apart from their numbers.
    row_by_row = False
    closed: Reading | None = None  # a bare label the next block's caption followed: it takes nothing after it
    gap = ""  # what lines without a reading printed between the bare label and its first values
    for span, found in zip(lines, _stretch_line_readings(document, lines, rows)):
        if collecting is not None and _CAPTION.search(span.text):
            _settle_surplus(collecting, single_lines, width_of(collecting), readings)
            closed, collecting, taken, single_lines = collecting, None, [], []
        lead = found[0] if found and found[0].row is None else None
        if row_by_row and lead is not None and len(found) == 1 and footer_reading(document, lead):
            continue  # printed one cell a line, a line "— 2 —" is the page's number, not three cells
        if collecting is not None and lead is not None:
            width = width_of(collecting)
            if len(collecting.tokens) + len(lead.tokens) <= width and not single_lines:
                if not collecting.tokens and len(lead.tokens) >= width and _orphan_row_before(document, readings, collecting, by_key, width):
                    collecting.either_side = True
                if not collecting.tokens and collecting.row in _t3_rows():
                    collecting.past_headings = any(word in _compact(gap) for word in _t3_headings())
                collecting.tokens.extend(lead.tokens)
                row_by_row = True
                taken.append(lead)
                found = found[1:]
                if not found:
                    continue  # one value per line: the next line may hold the next value
            elif len(found) == 1 and len(lead.tokens) == 1 and alone_on_line(document, lead.tokens[0]):
                single_lines.append(lead)
                continue
        if collecting is not None:
            _settle_surplus(collecting, single_lines, width_of(collecting), readings)
            single_lines = []
        for reading in found:
            reading.order = len(readings)
            readings.append(reading)
        before = collecting
        collecting, taken = label_alone(readings, by_key, row_by_row), []
        if collecting is closed:
            collecting = None
        gap = gap + span.text if collecting is not None and collecting is before else ""
    if collecting is None:
        return
    if grid_follows and taken and not single_lines and len(collecting.tokens) < width_of(collecting):
        # A bare label whose stretch ends in a few loose numbers before a grid of
        # value rows: its values are the grid row; the loose numbers are strays.
        collecting.tokens = []
        for line in taken:
            line.order = len(readings)
            readings.append(line)
        return
    _settle_surplus(collecting, single_lines, width_of(collecting), readings)


def _settle_surplus(collecting: Reading, single_lines: list[Reading], width: int, readings: list[Reading]) -> None:
    """Lines of one value each after a row's full width: up to MAX_JOINS are parts of
    values broken over two lines ("1" / "35" for 135) and stay with the row; more are
    value rows of their own."""
    if not single_lines:
        return
    if len(collecting.tokens) + len(single_lines) <= width + MAX_JOINS:
        for line in single_lines:
            collecting.tokens.extend(line.tokens)
        return
    if len(single_lines) % width == 0:
        # Whole rows more: value rows whose labels were left out, one value a line.
        for n in range(0, len(single_lines), width):
            group = single_lines[n:n + width]
            readings.append(Reading(None, [t for line in group for t in line.tokens], False, len(readings)))
        return
    for line in single_lines:
        line.order = len(readings)
        readings.append(line)


def _orphan_row_before(
    document: Document, readings: list[Reading], label: Reading, by_key: dict[str, editions.Row], width: int,
) -> bool:
    """A whole row of values without a label stands right before the bare `label` (group
    headings alone in between): the label's values may be that row as well as the next one."""
    reading = _reading_before(readings, label, by_key)
    if reading is None or reading.row is not None or reading.from_grid or len(reading.tokens) != width:
        return False
    # A page number between the pages a table runs over (— 1 —) is not a row of values.
    printed = document.text[reading.tokens[0].start: reading.tokens[-1].end]
    return not PAGE_NUMBER.match(printed.strip())


def bare_label_before(readings: list[Reading], label: Reading, by_key: dict[str, editions.Row]) -> bool:
    """The row label printed before `label` (its group's heading looked past) has no value."""
    reading = _reading_before(readings, label, by_key)
    return reading is not None and reading.row in by_key and not reading.tokens


def _position(readings: list[Reading], reading: Reading) -> int | None:
    """Where `reading` (itself, not an equal one) stands in `readings`, looked for from the end."""
    return next((i for i in range(len(readings) - 1, -1, -1) if readings[i] is reading), None)


def bare_label_after(readings: list[Reading], label: Reading, by_key: dict[str, editions.Row]) -> bool:
    """The reading printed after `label` is a row label with no value, not a group's heading
    (（六）其他处理 alone above its sub-rows is one)."""
    at = _position(readings, label)
    after = readings[at + 1] if at is not None and at + 1 < len(readings) else None
    if after is None or after.row not in by_key or after.tokens:
        return False
    row = by_key[after.row]
    return not any(other.group and _heads_group(row, other.group) for other in by_key.values())


def _reading_before(readings: list[Reading], label: Reading, by_key: dict[str, editions.Row]) -> Reading | None:
    """The reading printed before `label`, its group's heading alone on its line looked past."""
    group = by_key[label.row].group if label.row in by_key else None
    at = _position(readings, label) or 0
    for reading in reversed(readings[:at]):
        row = by_key.get(reading.row or "")
        if row is not None and not reading.tokens and group and _heads_group(row, group):
            continue
        return reading
    return None


def footer_reading(document: Document, reading: Reading) -> bool:
    """The reading's values are printed as a page's number in its footer, or are all its line
    holds besides the footer's words ("第 2 页 共 4 页")."""
    text, first, last = document.text, reading.tokens[0], reading.tokens[-1]
    printed = text[first.start:last.end]
    if is_page_footer(printed):
        return True
    start, end = _line_around(text, first.start, last.end)
    line = text[start:end]
    # A line holding nothing but the values was answered above.
    return len(line) > len(printed) and is_page_footer(line)


# Blanks and a table cell's rule: what a line holding a cell alone prints besides the cell's text
# (`| 35`: a Markdown table written one cell a line, as trafilatura writes a web page's).
CELL_RULE = " \t\r\f\v|"


def alone_on_line(document: Document, token: Token, *, unit: bool = False) -> bool:
    """The token is the only thing printed on its line, a table cell's rule aside (and with
    `unit`, the unit a cell prints after its count: `2件`)."""
    text = document.text
    start, end = _line_around(text, token.start, token.end)
    after = text[token.end:end].strip(CELL_RULE)
    return not text[start:token.start].strip(CELL_RULE) and (not after or unit and counted_cell(token.text + after))


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the line (or lines) holding text[start:end] begins and ends."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def label_alone(readings: list[Reading], by_key: dict[str, editions.Row], row_by_row: bool = False) -> Reading | None:
    """The last reading, when it is a label printed without values that may take the
    value lines after it.  Not when the label before it is also bare: labels listed
    apart from their numbers (PDF converters) leave the numbers to orphan placement,
    unless the text is known to be printed row by row (`row_by_row`: a label took the
    value lines after it), where a bare label before is a row of blank cells a crawl
    of one cell a line left without lines.  A bare label that heads this row's group
    ("（六）其他处理" alone above its three sub-rows) is a group heading, not a row
    listed apart, and is looked past."""
    last = readings[-1] if readings else None
    if last is None or last.row is None or last.tokens:
        return None
    if row_by_row:
        return last
    group = by_key[last.row].group if last.row in by_key else None
    previous = None
    for reading in reversed(readings[:-1]):
        if reading.row is None:
            break
        row = by_key.get(reading.row)
        if not reading.tokens and row is not None and group and _heads_group(row, group):
            continue
        previous = reading
        break
    if previous is not None and not previous.tokens:
        return None
    return last


@lru_cache(maxsize=None)
def _heads_group(row: editions.Row, group: str) -> bool:
    return _compact(row.number + row.label) == _compact(group)


def _compact(text: str) -> str:
    return re.sub(r"[\s()（）、.]", "", text)


# Characters after a stretch looked at for a heading number split from its "." or a year from its
# 年 (see above), a blank line and indentation between (inscriptis: `  2023` / `` / `  年，…`).
_LOOKAHEAD = 8


def _stretch_line_readings(document: Document, lines: list[Span], rows: tuple[editions.Row, ...]) -> list[list[Reading]]:
    """Per line of a stretch of flowing text, its readings as `_flowing_readings` gives
    them for one line; around lines whose words may be part of a label broken over lines,
    with labels found across the lines (a label that runs over a line break counts on
    the line where it ends)."""
    per_line = [_flowing_readings(span, rows, 0, document.text[span.end: span.end + _LOOKAHEAD]) for span in lines]
    unsettled = sorted({*_note_lines(document, lines), *(
        i for i, (span, found) in enumerate(zip(lines, per_line)) if not _line_settled(span, found, rows))})
    if len(lines) == 1 or not unsettled:
        return per_line  # no line holds words that might be part of a label broken over lines
    # Read again, as one stream, the lines around each line of words without a label.
    windows: list[list[int]] = []
    for i in unsettled:
        low, high = max(0, i - _LABEL_LINES), min(len(lines), i + _LABEL_LINES + 1)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = high
        else:
            windows.append([low, high])
    for low, high in windows:
        per_line[low:high] = _stream_readings(document, lines[low:high], rows)
    return per_line


# Lines a label may run over: "1." / "申请人无正当理由逾" / "期不补正、行政机关不" / "再处理…".
_LABEL_LINES = 4


def _note_lines(document: Document, lines: list[Span]) -> list[int]:
    """The lines of each note in brackets that runs over lines (a label's note wrapped in its
    cell).  Read alone, such a line may name other rows (`其他对外管理服务事项（指行政许可以外的…`
    / `…行政处罚、行政强制…）`); read as one text with its label, the note is the label's."""
    out: list[int] = []
    i = 0
    while i < len(lines):
        text = lines[i].text
        opened = text.rfind("(") if "(" in text else -1
        note = NOTE.match(document.text, lines[i].start + opened) if opened > text.rfind(")") else None
        if note is None:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and lines[j + 1].start < note.end():
            j += 1
        out.extend(range(i, j + 1))
        i = j + 1
    return out


def _stream_readings(document: Document, lines: list[Span], rows: tuple[editions.Row, ...]) -> list[list[Reading]]:
    """Per line, its readings with labels found in the lines taken as one text, in the order
    given (a line of values may have been moved after the wrapped label it was printed inside:
    `_values_after_wrapped_labels`)."""
    text, spans = _as_one_text(document, lines)
    start, end = spans[0].start, spans[-1].end
    # A hit ends at its last printed character (a loose pattern may take the line break after it).
    hits = [LabelHit(h.row, h.start, _printed_end(text, h.start, h.end), h.approximate)
            for h in find_labels(text[start:end], rows, start)]
    out: list[list[Reading]] = []
    h = 0
    for line, span in zip(lines, spans):
        while h < len(hits) and hits[h].end <= span.start:
            h += 1
        line_hits = []
        k = h
        while k < len(hits) and hits[k].end <= span.end:
            line_hits.append(hits[k])
            k += 1
        # A hit that starts on this line and ends on a later one covers this line's tail.
        cover_end = hits[k].start if k < len(hits) and hits[k].start < span.end else span.end
        found: list[Reading] = []
        lead_start = span.start
        lead_end = line_hits[0].start if line_hits else cover_end
        lead_end = max(lead_start, min(lead_end, cover_end))
        after = text[lead_end: lead_end + _LOOKAHEAD]
        lead = flow_tokens(text[lead_start:lead_end], lead_start, after) if lead_end > lead_start else []
        if lead:
            found.append(Reading(None, lead, False, 0))
        for n, hit in enumerate(line_hits):
            stop = line_hits[n + 1].start if n + 1 < len(line_hits) else cover_end
            stop = max(stop, hit.end)
            found += _after_label(hit.row, text[hit.end:stop], hit.end, text[stop: stop + _LOOKAHEAD], 0)
        shift = line.start - span.start  # every token found for a line lies in it
        for reading in found if shift else ():
            reading.tokens = [Token(t.text, t.start + shift, t.end + shift) for t in reading.tokens]
        out.append(found)
        h = k
    return out


def _as_one_text(document: Document, lines: list[Span]) -> tuple[str, list[Span]]:
    """The lines joined by line breaks, as the document prints them when they follow each other,
    and each line's place in that text; the document's characters after the last line follow,
    for the look-ahead at its end.  Lines that follow each other are the document's own text."""
    if all(b.start == a.end + 1 for a, b in zip(lines, lines[1:])):
        return document.text, lines
    spans, parts, position = [], [], 0
    for line in lines:
        spans.append(Span(line.text, position, position + len(line.text)))
        parts.append(line.text)
        position += len(line.text) + 1
    last = lines[-1].end
    return "\n".join(parts) + document.text[last: last + _LOOKAHEAD], spans


_WORDS = re.compile(r"[\u4e00-\u9fff]+")
# Spaces between two Han characters: a letter-spaced word ("总　　计") is one word.
_LETTER_SPACING = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])")


def _line_settled(span: Span, found: list[Reading], rows: tuple[editions.Row, ...]) -> bool:
    """A line reads the same alone as within its stretch when it has a label, or when
    its words neither start nor end like part of a label ("自然人", or values only)."""
    if any(reading.row for reading in found):
        return True
    words = _WORDS.findall(_LETTER_SPACING.sub("", span.text) if " " in span.text or "\t" in span.text else span.text)
    if not words:
        return True
    pairs = _label_pairs(rows)
    first, last = words[0], words[-1]
    return first[:2] not in pairs and last[-2:] not in pairs


@lru_cache(maxsize=64)
def _label_pairs(rows: tuple[editions.Row, ...]) -> frozenset[str]:
    """Every two-character piece of the rows' labels."""
    pairs: set[str] = set()
    for row in rows:
        for label in (*row.labels, row.label + row.tail):
            core = "".join(_WORDS.findall(normalise_text(label)))
            pairs.update(core[i:i + 2] for i in range(len(core) - 1))
    return frozenset(pairs)


def _printed_end(text: str, start: int, end: int) -> int:
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return end


def _flowing_readings(span: Span, rows: tuple[editions.Row, ...], order: int, after: str = "") -> list[Reading]:
    """The readings of a line of flowing text.  Two rows' labels side by side with nothing
    between them ("1.属于国家秘密2.其他法律…") are marked `stacked`, a stack in the making: they
    are one only if an unlabelled value row follows the second one's values (`tables`)."""
    hits = find_labels(span.text, rows, span.start)
    out: list[Reading] = []
    lead_end = hits[0].start if hits else span.end
    lead = flow_tokens(span.text[: lead_end - span.start], span.start, "" if hits else after)
    if lead:
        out.append(Reading(None, lead, False, order))
    for n, hit in enumerate(hits):
        last = n + 1 == len(hits)
        stop = span.end if last else hits[n + 1].start
        text = span.text[hit.end - span.start: stop - span.start]
        following = after if last else span.text[stop - span.start: stop - span.start + _LOOKAHEAD]
        side_by_side = not last and not text.strip() and _stacked(hit.row, hits[n + 1].row, rows)
        out += _after_label(hit.row, text, hit.end, following, order + len(out), side_by_side)
    return out


def _after_label(row: str, text: str, start: int, following: str, order: int, stacked: bool = False) -> list[Reading]:
    """The reading of `row` from the `text` after its label (at `start` in the document).  Values
    past the next block's caption (第二十条第（九）项) are that block's: a reading without a label."""
    caption = _CAPTION.search(text)
    if caption is None:
        return [Reading(row, flow_tokens(text, start, following), False, order, stacked=stacked)]
    out = [Reading(row, flow_tokens(text[:caption.start()], start), False, order, stacked=stacked)]
    beyond = flow_tokens(text[caption.end():], start + caption.end(), following)
    if beyond:
        out.append(Reading(None, beyond, False, order + 1))
    return out


# A cell ending in a row number ("02.", "13、", "无2.", "0(七)"): a value and the number of the row
# after it, glued together.  Rows of the national tables are numbered 1-8 within their group.
_NUMBER_AT_END = r"([1-9]\s*[、.]|\(\s*[一二三四五六七八九十]{1,2}\s*\))\s*"
_VALUE_THEN_NUMBER = re.compile(r"\s*(\d*?|无)\s*" + _NUMBER_AT_END)
# A page's footer flattened in between a row's blank last cell and the next row's number ("- 4 - 5.").
_FOOTER_THEN_NUMBER = re.compile(r"\s*(.+?)\s*" + _NUMBER_AT_END)
_NUMBER_ENDS = frozenset(".、)")


def _value_then_number(span: Span, following: Span | None, rows: tuple[editions.Row, ...]) -> tuple[Token, str] | None:
    """(the value, the row number) of a cell holding a value, or nothing (an empty token), glued
    to the number of the row whose label fills the next cell; None when the next cell holds no
    label (the cell is then read as it stands).  Words that are no row's label (a group's name, a
    label misread) take the number only where what stands before it cannot be one value with it:
    无, or digits opening with 0 ("04.").  A page's footer before the number is no value."""
    offset = span.start
    match = _VALUE_THEN_NUMBER.fullmatch(span.text)
    if match is None and (footer := _FOOTER_THEN_NUMBER.fullmatch(span.text)) and is_page_footer(footer.group(1)):
        offset += footer.start(2)
        match = _VALUE_THEN_NUMBER.fullmatch(footer.group(2))
    if match is None or following is None:
        return None
    value, number = match.group(1), match.group(2)
    labelled = bool(find_labels(following.text, rows, following.start) or find_labels(number + following.text, rows, 0))
    words = bool(_WORDS.search(following.text)) and not is_value_text(following.text)
    if not (labelled or words and (value == "无" or value[:1] == "0")):
        return None
    start = offset + match.start(1)
    return Token(value, start, start + len(value)), number


def _number_ending(text: str) -> str:
    """The row number a cell holds alone ("3.") or ends with, glued after other text (a label's
    second part printed after its values: "…政府信息公开申请3." before "其他"); "" if none."""
    if ROW_NUMBER_ALONE.fullmatch(text):
        return text.strip()
    ending = ROW_NUMBER_BEFORE.search(text)
    return ending.group().strip() if ending else ""


def _row_number_before(units: list[Unit], i: int) -> str:
    """The row number printed alone on the line before grid row `i` ("3." / "其他\t0\t2…")."""
    if i and units[i - 1].flowing and ROW_NUMBER_ALONE.fullmatch(units[i - 1].spans[0].text):
        return units[i - 1].spans[0].text.strip()
    return ""


def _grid_readings(
    cells: list[Span], rows: tuple[editions.Row, ...], widths: dict[str, int], order: int, number: str = "",
) -> list[Reading]:
    """The readings of one grid row: a label and the values after it up to the next label.

    Most grid rows hold one label, but a page flattened onto one line with its cell tabs
    kept is one long row of every label and value ("规章\t0\t0 规范性文件\t1…"), and a
    PDF may print a label and its values in one cell ("规章 0 0 0").  Values before the
    row's first label belong to no row; a label with no values before the next label
    (a group name in a merged cell before its sub-row's label) gives way to that label.
    Flattened, a row's last cell and the next row's label share a cell ("0 规范性文件"),
    so the text before a label in a later cell is that cell, blank or not, while the
    row has fewer values than columns.
    """
    segments: list[Reading] = []
    current: Reading | None = None  # the segment values are added to; None before a label or after prose
    stacked: list[Reading] = []  # labels printed in the current label's cell after it, waiting for their values
    text_since_values = False  # a text cell came after the current row's values: it held their last cell

    def add(tokens: list[Token], span: Span | None) -> None:
        nonlocal text_since_values, current
        if current is None or not tokens:
            return
        text_since_values = False
        for token in tokens:
            if stacked and current.stacked and len(current.tokens) >= widths[current.row or ""]:
                # Stacked labels whose value rows run on in this grid row (a page flattened onto
                # one line): the next label takes the values after the first one's row.
                current = stacked.pop(0)
                segments.append(current)
            if span is not None:
                current.spans[len(current.tokens)] = span
            current.tokens.append(token)

    def glued_blank(span: Span, before: str) -> list[Token]:
        """The blank last cell of a row short of values, glued to the text after it: the first
        cell of text after the values, with nothing before that text that might be a value."""
        if (current is None or not current.tokens or text_since_values or _MAY_BE_VALUE.match(before)
                or len(current.tokens) >= widths[current.row or ""]):
            return []
        return [Token("", span.start, span.start)]

    def open_segment(hit: LabelHit, same_cell: bool, stack_ok: bool) -> Reading:
        bare = segments[-1] if segments and not segments[-1].tokens and segments[-1] is current else None
        if bare is not None and same_cell and stack_ok and _stacked(bare.row, hit.row, rows):
            # Two rows' labels in one cell: the first takes the values that follow.
            bare.stacked = True
            stacked.append(Reading(hit.row, [], True, 0, stacked=True))
            return bare
        if bare is not None and not (same_cell and _stacked(bare.row, hit.row, rows)):
            # A bare label (a group name) followed by another label gives way to it; in a run of
            # labels in one cell, another row's label is a row of its own (blank cells flattened away).
            segments.pop()
        segments.extend(stacked)
        stacked.clear()
        segments.append(Reading(hit.row, [], True, 0))
        return segments[-1]

    number_cell = ""  # the cell before was, or ended with, a row's number ("（七）" | "总计", "…申请3." | "其他")
    # Values opening the grid row before any label, and no running text before them (a row whose
    # label cell was left empty, or whose label was not read: wrapped onto the line before,
    # misread beyond recognition): a row of values without a label, never dropped.  Values
    # after a row, or past running text, belong to what follows.
    loose: Reading | None = None
    words_before: list[str] = []  # text cells before the row's first label
    blanks_before: list[Span] = []  # blank (or unreadable) cells before them and any value
    for n, span in enumerate(cells):
        if current is not None and span.text.rstrip()[-1:] in _NUMBER_ENDS:
            glued = _value_then_number(span, cells[n + 1] if n + 1 < len(cells) else None, rows)
            # The next row's number in a cell of its own, a page flattened onto one line: glued to
            # the row's last cell with nothing between the rows ("0" and "2." as "02.", a blank cell
            # and "2." as "2." when the row lacks one), or after a space.  Never a value itself.
            if glued is not None and (not glued[0].text or len(current.tokens) < widths[current.row or ""]
                                      + _opening_empty(current)):
                add([glued[0]] if glued[0].text else glued_blank(span, ""), span)
                number_cell = glued[1]
                continue
        if is_value_text(span.text):
            if current is not None:
                add(cell_tokens(span), span)
            elif not segments and loose is not None:
                _take(loose, span)
            elif not segments and span.text.strip() and not any(map(_is_prose, words_before)):
                # Empty cells between a label not read and its values may be slots of the label's
                # merged cell or the row's blank cells.
                loose = Reading(None, [], True, 0, slots_unsure=bool(words_before and blanks_before))
                for empty in blanks_before:
                    _take(loose, empty)
                _take(loose, span)
            elif not segments:
                blanks_before.append(span)  # a blank cell: read only if a value follows
            number_cell = ""
            continue
        hits = find_labels(span.text, rows, span.start)
        before_label = number_cell or (number if not segments else "")
        if not hits and before_label:
            # The row's number stands in the cell before or on the line before: read the label
            # with it, so a short label that needs its number ("3.其他") is recognised.
            hits = [LabelHit(h.row, span.start, span.start + max(0, h.end - len(before_label)), h.approximate)
                    for h in find_labels(before_label + span.text, rows, 0)]
        number_cell = "" if hits else _number_ending(span.text)
        if hits:
            if current is not None:
                before = span.text[: hits[0].start - span.start]
                if is_page_footer(before):
                    before = ""  # a page's footer flattened in between the rows ("- 4 -5.属于…")
                add((flow_tokens(before, span.start) if before.strip() else []) or glued_blank(span, before), None)
            for n, hit in enumerate(hits):
                stop = hits[n + 1].start if n + 1 < len(hits) else span.end
                # Two rows' labels (and their group's name) in one cell are a stack; more are a
                # run of rows flattened onto one line, each a row of its own.
                current = open_segment(hit, same_cell=n > 0, stack_ok=len(hits) <= _MAX_STACKED_HITS)
                if current.grid_row is None and span.grid is not None:
                    current.grid_row = span.grid[:2]
                # Values printed in the label cell itself ("规章 0 0 0" from a PDF).
                add(flow_tokens(span.text[hit.end - span.start: stop - span.start], hit.end), None)
        elif is_damaged_value(span.text):
            if current is None and not segments:  # a cell of a row of values without a label
                if loose is not None:
                    _take(loose, span)
                else:
                    blanks_before.append(span)
            else:
                add(cell_tokens(span), span)
        elif not segments and loose is not None:
            # Text among the values of a row without a label (a scan's garbled cell, "石K"): a cell
            # whose value is not known, kept in its place; the row stays in doubt.
            _add_token(loose, Token("", span.start, span.start), span)
            loose.unreadable_cell = True
        elif not segments:
            words_before.append(span.text)
            continue  # text before the row's label (a group name, a header cell)
        else:
            # Values glued to the heading or text after them ("0 三、本年度办理结果"): the
            # row's last cells, as many as it lacks.
            lead = _leading_values(span)
            # A blank inferred from the cell keeps the cell as its source (a scan's garbled
            # cell, "石K", is a blank whose doubt the reader can still attach).
            blank = [] if lead else glued_blank(span, span.text)
            # Empty cells opening the row may be slots of its label's merged cell, set aside
            # later (_drop_spanned_slots): they leave room for the values glued after the row.
            room = widths[current.row or ""] - len(current.tokens) + (_opening_empty(current) if lead else 0) \
                if current is not None else 0
            if current is not None and len(lead or blank) <= room:
                if lead:
                    add(lead, None)
                else:
                    add(blank, span)
            text_since_values = True
            if _is_prose(span.text) or current is not None and len(current.tokens) >= widths[current.row or ""]:
                current = None  # the row or the table ended: cells further on belong to what follows
    segments.extend(stacked)
    if loose is not None:
        segments.insert(0, loose)
    for n, reading in enumerate(segments):
        reading.order = order + n
    return segments


def _take(reading: Reading, span: Span) -> None:
    """The cell's value token(s) added to the reading, with the cell as their source."""
    for token in cell_tokens(span):
        _add_token(reading, token, span)


def _add_token(reading: Reading, token: Token, span: Span) -> None:
    reading.spans[len(reading.tokens)] = span
    reading.tokens.append(token)


def _opening_empty(reading: Reading) -> int:
    """How many empty cells open the reading's values."""
    return next((i for i, token in enumerate(reading.tokens) if token.text), len(reading.tokens))


def _drop_spanned_slots(document: Document, readings: list[Reading], widths: dict[str, int],
                        rows: tuple[editions.Row, ...]) -> None:
    """A label cell spanning several columns, with its table saved slot by slot (a spreadsheet's
    text, a crawl writing every slot of a merged cell), leaves empty cells between the label and
    the row's values.  A grid row of more cells than columns that opens with empty cells opens
    with slots of its label's cell, not with blank cells, when the empty cells past its last
    column (`tables._row_tokens` sets them aside) do not make up its surplus; such a row shows
    its table saved so.  Where they do make it up, the row's opening empty cells are slots when
    another row of the table shows it saved so, in any of the table's grids (a label broken over
    two lines splits a table saved as text in two; and which are slots is not known, `slots_unsure`,
    when a value stands among as many opening cells as the surplus); else, when they stand in
    columns that hold other rows' labels and no value anywhere in the table, which side holds
    the row's blank cells is not known (`slots_unsure`); else they are its first blank cells,
    as read."""
    slotted = False  # a row shows the table saved slot by slot
    ambiguous: list[tuple[Reading, int]] = []
    for reading in readings:
        tokens = reading.tokens
        width = widths.get(reading.row or "", 0)
        surplus = len(tokens) - width
        if not reading.from_grid or reading.row is None or surplus <= 0 or tokens[0].text or 0 not in reading.spans:
            continue
        end = end_of_cells(tokens, width)
        if end > width:
            if _drop_opening(reading, end - width) and reading.spans[0].grid is not None:
                slotted = True
        else:
            ambiguous.append((reading, surplus))
    columns: dict[int, set[int]] = {}
    for reading, surplus in ambiguous:
        grid = reading.spans[0].grid
        if grid is None:
            continue
        if slotted:
            # Slots, as other rows show, unless a value stands among them: then the row's cells
            # are not where the others' are, and which are its slots is not known.
            reading.slots_unsure = not _drop_opening(reading, surplus)
            continue
        if grid[0] not in columns:
            columns[grid[0]] = _slot_columns(document, grid[0], rows)
        reading.slots_unsure = grid[2] in columns[grid[0]]


def end_of_cells(tokens: list[Token], width: int) -> int:
    """Where a grid row's cells end, the empty cells past its `width` columns set aside (a
    converter appends them to rows shorter than the table's widest)."""
    end = len(tokens)
    while end > width and not tokens[end - 1].text:
        end -= 1
    return end


def without_opening(reading: Reading, count: int) -> Reading | None:
    """The reading without its first `count` tokens, when they are all empty; else None."""
    if any(token.text for token in reading.tokens[:count]):
        return None
    spans = {i - count: span for i, span in reading.spans.items() if i >= count}
    return replace(reading, tokens=reading.tokens[count:], spans=spans)


def _drop_opening(reading: Reading, count: int) -> bool:
    """The reading, in place, without its first `count` tokens, if they are all empty grid cells."""
    shorter = without_opening(reading, count) if all(i in reading.spans for i in range(count)) else None
    if shorter is None:
        return False
    reading.tokens, reading.spans = shorter.tokens, shorter.spans
    return True


def _slot_columns(document: Document, table: int, rows: tuple[editions.Row, ...]) -> set[int]:
    """The columns of grid `table` that hold a row's label in some row and no value in any."""
    grid = next((block for block in document.blocks if isinstance(block, Grid) and block.index == table), None)
    if grid is None:
        return set()
    labels, values = set(), set()
    for row in grid.rows:
        for span in row:
            if span.grid is None or not span.text.strip():
                continue
            if is_value_text(span.text):
                values.add(span.grid[2])
            elif find_labels(span.text, rows):
                labels.add(span.grid[2])
    return labels - values


# Labels a cell may hold and still be two rows' labels stacked in it: the two and their group's name.
_MAX_STACKED_HITS = 3


def _stacked(first: str | None, second: str | None, rows: tuple[editions.Row, ...]) -> bool:
    """Two labels with nothing between them name two rows of values, not a group and its
    sub-row ("（六）其他处理" over "1.申请人无正当理由…") nor one row twice."""
    if first is None or second is None or first == second:
        return False
    by_key = {row.key: row for row in rows}
    group = by_key[second].group if second in by_key else None
    return not (first in by_key and group and _heads_group(by_key[first], group))


# Text that starts like a value or a blank/zero mark ("无三、本年度办理结果"): a value may be
# glued to what follows it, so no blank cell is inferred there.
_MAY_BE_VALUE = re.compile(r"\s*[\d+\-—―/\\×无]")
_MAY_END_IN_VALUE = re.compile(r"[\d\-—―/\\×无]\s*$")
# After a row of cells, a value alone on its line or glued to the next heading ("0五、存在的主要问题"):
# the row's last value, printed outside it.  A heading's own number ("5、存在…") is not one.
_VALUE_AFTER_ROW = re.compile(r"\s*(?:\d[\d,.]*|无)(?=[一二三四五六七八九十]+[、.．]|[ \t]*(?:\n|$))")


# What a run of values at the start of a text cell may hold: digits, marks, units, spaces.
_VALUE_PREFIX = re.compile(r"[\s\d.,+\-—―/\\×无万元]*")


def _leading_values(span: Span) -> list[Token]:
    """The values a text cell opens with, before any other text."""
    run: list[Token] = []
    position = span.start
    # The cell may be a page of running text: read only its opening, with a few characters
    # after it for the tokens' look-aheads.
    opening = _VALUE_PREFIX.match(span.text)  # always matches (perhaps nothing)
    end = (opening.end() if opening else 0) + _LOOKAHEAD
    for token in flow_tokens(span.text[:end], span.start, span.text[end: end + _LOOKAHEAD]):
        if span.text[position - span.start: token.start - span.start].strip():
            break
        run.append(token)
        position = token.end
    return run


def _trailing_values(span: Span) -> list[Token]:
    """The values a text cell ends with, after its last other text ("总计 1"), the last perhaps
    with its note ("总计 1（其中修订1件）")."""
    run: list[Token] = []
    position = span.end
    for token in reversed(flow_tokens(span.text, span.start)):
        gap = span.text[token.end - span.start: position - span.start].strip()
        if gap and not (not run and NOTE.fullmatch(gap)):
            break
        run.append(token)
        position = token.start
    return run[::-1]


# A cell that holds a sentence, or more text than any label continuation or unit note
# prints, is running text: a row flattened onto one line with the page around it.
_PROSE_CELL = re.compile(r"[。；]|[\u4e00-\u9fff][^\t]{40,}")


def _is_prose(text: str) -> bool:
    return _PROSE_CELL.search(text) is not None


def t4_tokens(document: Document, region: tuple[int, int], count: int) -> tuple[list[Token], dict[int, Span], bool]:
    """The value run of table 四: the first run of value tokens after its header."""
    tokens: list[Token] = []
    spans: dict[int, Span] = {}
    from_grid = False
    for unit in units_in(document, region):
        if unit.flowing:
            span = unit.spans[0]
            if is_page_footer(span.text):  # a page's number (—2—) between the values of a flowed table
                continue
            # What follows the line tells a year broken from its 年 ("2023" / "年，…": section 五's
            # opening, glued to table 四 when its heading is printed elsewhere) from a value.
            run = _first_value_run(span, document.text[span.end: span.end + _LOOKAHEAD])
            if run:
                tokens.extend(run)
        else:
            cells = unit.spans
            if not any(is_value_text(s.text) and s.text.strip() for s in cells):
                continue
            texts = [i for i, s in enumerate(cells) if not is_value_text(s.text) and not is_damaged_value(s.text)]
            if texts:
                if tokens:
                    break
                if texts[-1] == len(cells) - 1:
                    continue
                # The header and the values in one row (a page flattened onto one line with
                # its cell tabs kept): the values are the cells after the header's last one,
                # the first of them perhaps glued to it ("总计 1").
                header_end, cells = cells[texts[-1]], cells[texts[-1] + 1:]
                tokens.extend(_trailing_values(header_end))
                if (not tokens and len(cells) == count - 1 and not _MAY_END_IN_VALUE.search(header_end.text)
                        and not _VALUE_AFTER_ROW.match(document.text, cells[-1].end)):
                    # A blank first cell glued to the header; not where the row's last value may be glued
                    # to what follows the row ("0五、存在的主要问题…").
                    tokens.append(Token("", header_end.end, header_end.end))
            from_grid = True
            for span in cells:
                for token in cell_tokens(span):
                    spans[len(tokens)] = span
                    tokens.append(token)
        if _digit_count(tokens) >= count:
            break
    return tokens, spans, from_grid


def _digit_count(tokens: list[Token]) -> int:
    return sum(max(1, sum(ch.isdigit() for ch in t.text)) if t.text else 1 for t in tokens)


# A number followed by one of these is prose ("2020年", "3件"), not a table value; but a line that
# holds nothing else is a table's cell printed with its unit ("6件" / "0件", one cell a line).
_PROSE_COUNTER = re.compile(r"\s?[年月日件条个项次余多人份万家号]")
_COUNTED_CELL = re.compile(r"\s*\d+\s?[件个项次条]\s*")


def counted_cell(text: str) -> bool:
    """A line or cell holding one number and its unit, nothing else ("6件", "0 件")."""
    return _COUNTED_CELL.fullmatch(text) is not None


def _first_value_run(span: Span, after: str = "") -> list[Token]:
    """Value tokens separated only by whitespace or pipes, from the first one on; `after` is
    the text that follows the span (see flow_tokens)."""
    run: list[Token] = []
    for token in flow_tokens(span.text, span.start, after):
        if not run and _PROSE_COUNTER.match(span.text, token.end - span.start) and not counted_cell(span.text):
            continue
        if run:
            gap = span.text[run[-1].end - span.start: token.start - span.start]
            if gap.strip(" \t\n|"):
                break
        run.append(token)
    return run


WHY_DAMAGED = "单元格内容不是数值，未读取（请核对原文）/ the cell holds no readable number: not read"


def to_cell(token: Token, span: Span | None, document: Document) -> Cell:
    parsed = parse_value(token.text)
    location = span.location if span is not None else None  # a new dict, the cell's own
    if token.text:  # the value's own place within its cell
        location = location or {}
        location["start"], location["end"] = token.start, token.end
    raw = token.text if (token.text or span is not None) else None
    if not parsed.ok and too_long(token.text):
        return Cell(None, raw, location or None, None, "数字位数超过任何印刷数值，未读取 / more digits than any printed value: not read", uncertain=True)
    if not parsed.ok:
        return Cell(None, raw, location or None, None, WHY_DAMAGED, uncertain=True)
    return Cell(parsed.value, raw, location or None, parsed.unit)


