"""Build tables 二/三/四 of a report from row readings (see `extract`).

Each builder returns the cells it could read, the warnings it raised, and a
status; nothing here invents a value: a cell that was not printed stays None,
a split of fused digits that the arithmetic does not settle is marked uncertain.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import combinations

from . import editions
from .document import Document, Span
from .extract import (
    CELL_RULE, Reading, alone_on_line, bare_label_after, bare_label_before, counted_cell, end_of_cells, flow_tokens, footer_reading, label_alone,
    paragraphs_in, read_rows, t4_tokens, to_cell, without_opening,
)
from .labels import TABLE_NAMES, cell_name, row_name
from .locate import NOTE, find_labels, loose_pattern, similar_labels
from .model import TABLE_MISSING, TABLE_OK, TABLE_PARTIAL, Cell, Warning
from .split import (
    Ambiguity, Hint, Piece, Token, joined_run_expansions, line_joins, relation_holds, row_candidates, run_expansions, solve,
)
from .values import is_page_footer, is_value_text, parse_value

Rows = dict[str, dict[str, Cell]]

# Why a value is not simply the printed cell (Cell.inferred): Chinese for the people who
# read the report, English beside it.
WHY_NOT_FOUND = "文中未找到此行 / not found in the document"
WHY_NOT_PRINTED = "表中未印出此行，记为空（非零） / the table does not print this row: blank, not zero"
WHY_LABEL_ONLY = "此行只印出行名，没有数值，记为空（非零） / the row prints its label and no value: blank, not zero"
WHY_MERGED = ("本行有单元格与上一行合并，数值所属行与列无法确定（请核对原文） / a value cell merged with the row above's: "
              "which row and column a value counts for is not known")
HOW_EXPANDED = "连续相同的行被合并，按相同值补全 / a run of equal cells printed once (consecutive identical lines collapsed) restored"
HOW_JOINED = "跨行断开的数字已合并 / a value broken over two lines joined"
HOW_BROKEN_RUNS = ("连续相同的行被合并，且表中有数值跨行断开：此行的数值可能断成两行后又被合并，按行读取（请核对原文） / runs of equal "
                   "lines collapsed and values broken over lines: a value of the row may have been broken and collapsed; "
                   "read line by line")
WHY_SPACED = "同一单元格内被空格隔开的数字已合并 / digits spaced apart inside one cell joined"
WHY_SPLIT_BY_SUMS = "粘连数字按表内算术关系拆分 / fused digits split by the table's arithmetic"
WHY_SPLIT_BY_COUNT = "粘连数字按位数拆分 / fused digits split by digit count"
WHY_ORPHAN = "数字行缺少行名，按印刷顺序对应 / value row printed without its label; placed by printed order"
WHY_BESIDE_UNPLACED = ("旁边有一行无行名的数字无法对应，此行数字可能属于相邻行 / an unlabelled value row beside this row "
                       "could not be placed; this row's values may belong to a neighbour")
WHY_ORPHAN_SWAP = ("数字行缺少行名，按印刷顺序对应，而与同段另一行对调后算术关系更相符，无法确定 / value row printed "
                   "without its label, placed by printed order; the sums fit better with it swapped, so in doubt")
WHY_STRAY = "空白单元格由表外游离数字按算术关系补入 / blank cell filled from a loose number that the arithmetic places here"
WHY_SPLIT_BY_TEXT = "粘连数字拆分，与正文所述数字一致 / fused digits split; confirmed by numbers stated in the report text"
WHY_SPLIT_BY_PLAUSIBILITY = "粘连数字按合理性拆分，表二无算术关系可核对 / fused digits split by plausibility; table 二 has no arithmetic to check it"
WHY_EXTRA = "数值多于列数，取前几个 / more values than columns; the first ones kept"
WHY_FEWER = "数值少于列数，从左到右放置 / fewer values than columns; placed left to right"
WHY_PLACED_BY_SUMS = "数值少于列数，按表内算术关系确定各值所在列 / fewer values than columns; the table's arithmetic places them"
WHY_FEWER_SAME_COUNTS = ("数值少于列数，放在哪些列合计都相同，所在列无法确定；暂按总计列放置 / fewer values than columns, "
                         "and every placement gives the same counts: their columns are not known; shown in the total column")
WHY_GAP_BLANK = "此格未印出数值，表内算术关系表明为空 / nothing printed here, and the arithmetic has it blank"
WHY_GAP_UNREAD = "此格未读到数值 / no value read here"
WHY_GAP_IMPLIED = "此格未读到数值，按表内算术关系推测 / no value read here; the value the arithmetic implies, a guess"
WHY_STACKED = ("行名与相邻行的行名印在同一单元格内，数字行按印刷顺序对应，无法确定 / the label shares its cell with "
               "the next row's label; value rows matched to them by printed order, which is not certain")
WHY_ORPHAN_UNREADABLE = ("数字行缺少行名，其中有单元格内容不是数值，按印刷顺序对应（请核对原文） / value row printed without "
                         "its label, a cell of it holding text: placed by printed order, in doubt")
WHY_LABEL_APART_UNREADABLE = ("行名下一行的数字行中有单元格内容不是数值（请核对原文） / the value row below the label holds "
                              "a cell of text among its values")
WHY_SLOTS = ("行名后和行末的空白单元格哪些属于行名的合并单元格、哪些是本行的空白数值，无法确定 / empty cells after the "
             "label and past the last column: which are the label's merged slots and which blank values is not known")
WHY_JOINED_AFTER_BARE = ("多行数字按断行的一个数值合并，也可能分属本行和上一行（请核对原文） / value lines joined as one "
                         "broken value; they may be this row's and the row before's")
WHY_PAST_HEADINGS = ("行名单独成行，其后先印出表头或分组文字，再印出数字，数字可能属于流入的另一列或另一行（请核对原文） / "
                     "the label stands alone and its values come after the table's headings: they may be "
                     "another row's, flowed in by a converter")
WHY_JOINED_BEFORE_BARE = ("多行数字按断行的一个数值合并，也可能分属本行和下一行（请核对原文） / value lines joined as one "
                          "broken value; they may be this row's and the row after's")
WHY_EITHER_SIDE = ("行名单独成行，其上下两行都是无行名的数字行，取下一行，无法确定 / the label stands alone between "
                   "two unlabelled value rows; the one after it taken, which is not certain")


@dataclass
class Built:
    rows: Rows = field(default_factory=dict)
    status: str = TABLE_MISSING
    warnings: list[Warning] = field(default_factory=list)
    edition: str | None = None  # what this table's own layout says
    evidence: str = ""
    # Rows printed as fewer values apart than columns, read as fused digits that no split fits
    # to the sums: the values as printed, for placing whole (blank cells dropped) instead.
    unsplit: dict[str, list[Cell]] = field(default_factory=dict)
    # Rows whose label the table prints with no value after it anywhere.
    bare: set[str] = field(default_factory=set)
    # A row of the table shows values broken over lines in a crawl that collapsed runs.
    values_broken: bool = False


# --------------------------------------------------------------------------- layout

@dataclass(frozen=True)
class Layout:
    """How a document prints its tables, as far as reading a row depends on it."""

    # One value per line (crawled pages of <p>s, Word text without tabs): a value alone
    # on its line is one whole value, never fused digits to split.
    one_per_line: bool = False
    # ...and the crawler collapsed consecutive identical lines, so one printed value
    # may stand for a run of equal cells.
    runs_collapsed: bool = False
    # ...or kept every line once (no value line repeats anywhere): a row printing fewer values
    # may have lost them, not collapsed them, so expanding a run is a guess.
    lines_kept_once: bool = False
    # ...and broke values over lines (a row of the table reads more lines than cells): a row
    # reading as many lines as cells may hold a value broken in two beside a run collapsed to one.
    values_broken: bool = False


# Lines holding one value each, in the table regions, before a document counts as
# printing its tables one value per line: a table 三 alone prints over a hundred such
# lines in that layout, and a row-per-line table prints next to none.
_MIN_VALUE_LINES = 20


def _one_value(line: str) -> bool:
    """Whether a line of values holds one: a value with its unit ("0 件") is one, space or not."""
    return " " not in line or counted_cell(line)


def layout_of(document: Document, regions: list[tuple[int, int]]) -> Layout:
    """Read the layout off the table regions' lines.

    A table printed one value per line repeats lines all the time (rows of zeros);
    when not one line of the tables equals the line before it, a crawler has
    collapsed the runs."""
    # Whole lines, not cut at a region's edge: "0五、存在的主要问题…" is not a second "0".
    spans = {span.start: span for region in regions for span in paragraphs_in(document, region)}
    lines = [spans[start].text.strip() for start in sorted(spans)]
    lines = [line for line in lines if line]
    single = multiple = 0
    for line in lines:
        if is_value_text(line):
            if _one_value(line):
                single += 1
            else:
                multiple += 1
    if single < _MIN_VALUE_LINES or multiple > single:
        return Layout()
    repeated = any(a == b for a, b in zip(lines, lines[1:]))
    return Layout(one_per_line=True, runs_collapsed=not repeated, lines_kept_once=_kept_once(lines))


def _with_breaks_seen(layout: Layout, document: Document, labelled: dict[str, Reading],
                      definition: editions.Table) -> Layout:
    """The layout of a crawl that collapsed runs, saying also whether this table shows values
    broken over lines: a row reading more value lines than it has cells, each alone on its
    line, joining into its cells (`政府集中采购` / `2` / `6` / `3042532元`), or a row whose own
    sum no reading of its lines as collapsed runs meets and a reading with a value joined does
    (`71` / `3` / `0` / `7` / `4` for 71, 3, 0, 0, 0, 0, 74)."""
    if not (layout.one_per_line and layout.runs_collapsed) or layout.values_broken:
        return layout
    widths = {row.key: len(definition.columns_of(row)) for row in definition.rows}
    whole = len(editions.T3_COLUMNS)  # a table-三 row of the other edition
    if any(_broken_over_lines(document, reading, widths.get(key, whole)) for key, reading in labelled.items()):
        return replace(layout, values_broken=True)
    rows = {row.key: row for row in definition.rows}
    if any(_broken_by_own_sum(document, reading, definition.key, key, definition.columns_of(rows[key]))
           for key, reading in labelled.items() if key in rows):
        return replace(layout, values_broken=True)
    return layout


def _broken_by_own_sum(document: Document, reading: Reading, table: str, key: str,
                       columns: tuple[editions.Column, ...]) -> bool:
    """Whether a row of lines alone, no more than its cells, meets its own sum only with two
    neighbouring lines joined into one value: read as collapsed runs alone, it never adds up.
    One join, as a value broken in two prints; more joins, or a first half `0`, would let a stray
    line (a page's number alone) make a wrong reading add up."""
    n = len(columns)
    tokens = _row_tokens(reading, n)
    if reading.from_grid or not tokens or len(tokens) > n or n > _MAX_JOINED_RUN_CELLS:
        return False
    if not all(t.text.isdigit() and alone_on_line(document, t) for t in tokens):
        return False
    equations = _row_equations(_cell_paths(table, key, columns))
    if not equations:
        return False

    def adds_up(pieces: list[Piece]) -> bool:
        values = [piece.value for piece in pieces]
        return None not in values and all(
            sum(c * v for c, v in zip(equation, values) if v is not None) == 0 for equation in equations)

    may_repeat = _may_repeat(document, tokens)
    if any(adds_up(pieces) for pieces in run_expansions(tokens, n, may_repeat)):
        return False
    return any(adds_up(pieces) and not any(len(p.text) > 1 and p.text.startswith("0") for p in pieces)
               for pieces in joined_run_expansions(tokens, n, may_repeat, max_joins=1))


def _broken_over_lines(document: Document, reading: Reading, width: int) -> bool:
    """Whether a row reads more values than its cells, each alone on its line (not numbers in a
    sentence the table's region took in), that join into as many as its cells."""
    tokens = _row_tokens(reading, width)
    return (not reading.from_grid and len(tokens) > width and all(alone_on_line(document, t) for t in tokens)
            and bool(line_joins(tokens, width)))


# --------------------------------------------------------------------------- shared

@lru_cache(maxsize=None)
def _union_rows(table: str) -> tuple[editions.Row, ...]:
    seen: dict[str, editions.Row] = {}
    for edition in editions.EDITIONS.values():
        for row in edition.table(table).rows:
            seen.setdefault(row.key, row)
    return tuple(seen.values())


@lru_cache(maxsize=None)
def _union_by_key(table: str) -> dict[str, editions.Row]:
    return {row.key: row for row in _union_rows(table)}


@lru_cache(maxsize=None)
def _row_widths(table: str) -> dict[str, int]:
    """Value columns per row key, the widest of the editions."""
    widths: dict[str, int] = {}
    for edition in editions.EDITIONS.values():
        definition = edition.table(table)
        for row in definition.rows:
            widths[row.key] = max(widths.get(row.key, 0), len(definition.columns_of(row)))
    return widths


def _read_rows(
    document: Document, region: tuple[int, int], table: str, notes: list[Warning] | None = None,
    expected: tuple[editions.Row, ...] | None = None,
) -> list[Reading]:
    """Row readings of a table region.  With `expected` (the rows the table should
    print), rows missing from it are also looked for in other words."""
    widths = _row_widths(table)
    rows = _union_rows(table)
    readings = read_rows(document, region, rows, widths)
    reworded = _reworded_labels(document.text[region[0]:region[1]], rows, expected, readings) if expected else {}
    if reworded:
        rows = tuple(_reworded_row(row, reworded[row.key]) if row.key in reworded else row for row in rows)
        readings = read_rows(document, region, rows, widths)
        for key, phrase in reworded.items():
            if notes is not None and any(r.row == key for r in readings):
                label = next(row.label for row in rows if row.key == key)
                notes.append(Warning(
                    "PARSE.LABEL_REWORDED", f"“{phrase}”按行名相近读作“{label}”行",
                    f"'{phrase}' read as the row {table}.{key} by its likeness to the label"))
    return _join_label_rows(readings, rows, widths)


@lru_cache(maxsize=256)  # one Row object per wording, so its compiled patterns are reused
def _reworded_row(row: editions.Row, phrase: str) -> editions.Row:
    return replace(row, variants=(*row.variants, phrase))


def _reworded_labels(
    text: str, rows: tuple[editions.Row, ...], expected: tuple[editions.Row, ...], readings: list[Reading],
) -> dict[str, str]:
    """Rows expected but not found by their label that the region prints in other words."""
    found = {r.row for r in readings if r.row}
    if not found:
        return {}
    expected_keys = {row.key for row in expected}
    # A row of the other edition is not missing: （六）其他处理 as one row (2019) when its
    # three sub-rows (2021) are printed, and the sub-rows when they are not.
    sub_rows = {row.key for row in editions.T3_OTHER_HANDLING_2021}
    other_edition = {editions.T3_OTHER_HANDLING_2019.key} if found & sub_rows else sub_rows
    missing = tuple(row for row in rows
                    if row.key in expected_keys and row.key not in found and row.key not in other_edition)
    if not missing:
        return {}
    return {key: phrase for key, phrase in similar_labels(text, missing, rows).items() if not find_labels(phrase, rows)}


def _join_label_rows(readings: list[Reading], rows: tuple[editions.Row, ...], widths: dict[str, int]) -> list[Reading]:
    """Grid rows whose label and values were printed apart: a value row whose label
    cell is empty gives up that cell, and a label with no values (a grid row of blank
    cells, or a line of its own) takes the value row right below it (PDF converters,
    editors and crawlers print all of these).  A bare label line takes it under the
    rule for bare labels taking value lines (`extract.label_alone`)."""
    orphan_width = max(widths.values())
    by_key = {row.key: row for row in rows}
    out: list[Reading] = []
    for reading in readings:
        if _stacked_in_flowing_text(out, reading, widths):
            # Two labels side by side, the second's values, then a value row with no label:
            # a stack, as in a grid cell; the first takes the values after the labels.
            first, second = out[-2], out[-1]
            first.tokens, first.spans = second.tokens, second.spans
            second.tokens, second.spans, second.stacked = reading.tokens, reading.spans, True
            continue
        if reading.row is None and reading.from_grid:
            previous = out[-1] if out else None
            width = widths[previous.row] if previous is not None and previous.row else orphan_width
            reading = _without_label_cell(reading, width)
            if (previous is not None and previous.row and len(reading.tokens) == width
                    and (previous.from_grid and previous.tokens and not any(t.text for t in previous.tokens)
                         or not previous.from_grid and label_alone(out, by_key) is previous)):
                previous.tokens, previous.spans, previous.from_grid = reading.tokens, reading.spans, True
                previous.unreadable_cell = reading.unreadable_cell
                continue
        out.append(reading)
    for reading, after in zip(out, [*out[1:], None]):
        if reading.stacked and not reading.from_grid and not reading.tokens:
            reading.stacked = False  # side by side, but no value row to stack: read as before
            if after is not None and after.row is not None and after.tokens:
                after.beside_bare = reading.row
    return out


def _stacked_in_flowing_text(out: list[Reading], reading: Reading, widths: dict[str, int]) -> bool:
    if reading.row is not None or reading.from_grid or len(out) < 2:
        return False
    first, second = out[-2], out[-1]
    return (first.stacked and not first.from_grid and not first.tokens and second.row is not None
            and not second.from_grid and len(second.tokens) == widths.get(second.row, 0) == len(reading.tokens))


def _without_label_cell(reading: Reading, width: int) -> Reading:
    """The value row without the empty cells of its label columns (a label cell, and the
    group-name cells a table prints before it), and without empty cells past its last column
    (a row closing with a pipe)."""
    end = end_of_cells(reading.tokens, width)
    if end < len(reading.tokens):
        reading = replace(reading, tokens=reading.tokens[:end], spans={i: s for i, s in reading.spans.items() if i < end})
    extra = len(reading.tokens) - width
    return (without_opening(reading, extra) or reading) if extra > 0 else reading


def _merged_away(document: Document, readings: list[Reading]) -> set[str]:
    """Rows whose label stands alone in a grid row whose value slots a merged value cell of a
    row above spans: their values are printed, but which row a merged value counts for is not
    known, so they are neither blank nor not printed."""
    if not document.merged_rows:
        return set()
    return {r.row for r in readings if r.row and not r.tokens and r.grid_row in document.merged_rows}


# Formats whose merged cells are the author's: a web page's rowspan, Word's vertical merge.  A
# PDF's cells are found from its rulings, and a scan's from the picture, where a lost line merges
# two rows: there a merged cell only puts the rows in doubt.
_MERGES_AS_PRINTED = ("html", "docx")


def _merged_zero_readings(document: Document, readings: list[Reading], width: int) -> dict[str, Reading]:
    """Readings of the rows whose only merged cells (spanning from a row above) are noughts, with
    those cells in their columns: a count of 0 over two rows is 0 in each, whether the page meant
    the same number twice or one for both.  The columns are the grid's, taken from a row of the
    same table that read one cell per column.  Rows with a merged non-zero value are left out."""
    out: dict[str, Reading] = {}
    if document.format not in _MERGES_AS_PRINTED:
        return out
    value_columns: dict[int, list[int] | None] = {}  # by grid
    for reading in readings:
        if reading.row is None or reading.grid_row is None:
            continue
        covering = document.merged_rows.get(reading.grid_row)
        if not covering or any(parse_value(span.text).value != 0 for span in covering):
            continue
        table = reading.grid_row[0]
        if table not in value_columns:
            value_columns[table] = _value_columns(readings, table, width)
        columns = value_columns[table]
        own = {span.grid[2]: (reading.tokens[i], span) for i, span in reading.spans.items()
               if span.grid is not None and i < len(reading.tokens)}
        merged = {span.grid[2]: span for span in covering if span.grid is not None}
        # The row's own cells and the merged ones must fill the value columns exactly: a grid whose
        # rows are not laid out alike (cells left out, a converter's) is not read by column.
        if columns is None or set(own) | set(merged) != set(columns) or set(own) & set(merged):
            continue
        tokens: list[Token] = []
        spans: dict[int, Span] = {}
        for col in columns:
            token, span = own[col] if col in own else (Token(merged[col].text.strip(), merged[col].start, merged[col].end), merged[col])
            spans[len(tokens)] = span
            tokens.append(token)
        out[reading.row] = Reading(reading.row, tokens, True, reading.order, spans, grid_row=reading.grid_row)
    return out


def _value_columns(readings: list[Reading], table: int, width: int) -> list[int] | None:
    """The grid columns of a table's values: those of a row of that grid read one cell per column."""
    for reading in readings:
        if (reading.row and reading.from_grid and len(reading.tokens) == width and len(reading.spans) == width
                and reading.grid_row is not None and reading.grid_row[0] == table):
            cols = [grid[2] for i in range(width) if (grid := reading.spans[i].grid) is not None]
            if len(cols) == width and len(set(cols)) == width:
                return cols
    return None


def _doubt_merged_rows(table: str, document: Document, readings: list[Reading], out: Built,
                       definition: editions.Table, settled: set[str]) -> None:
    """Rows printed in a grid row whose value slots a merged value cell of a row above spans, and
    short of cells for it: their cells, read in printed order, may stand in other columns, and a
    merged value may count for either row; every cell of such a row is in doubt, one warning
    names them."""
    if not document.merged_rows:
        return
    # A row that read a value for every column lacks none: a merged cell over it (a scan's table
    # whose ruling was lost, cells overlapping) took nothing from it.
    keys = {r.row for r in readings if r.row and r.grid_row in document.merged_rows and r.row in out.rows
            and sum(1 for t in r.tokens if t.text) < len(out.rows[r.row])} - settled
    for key in sorted(keys, key=[row.key for row in definition.rows].index):
        for cell in out.rows[key].values():
            cell.uncertain = True
            cell.inferred = cell.inferred or WHY_MERGED
        out.warnings.append(Warning(
            "PARSE.MERGED_VALUES",
            f"{_row_title(table, key)}有单元格与上一行合并，本行数值所属行与列无法确定（请核对原文）",
            f"{table}.{key}: value cells merged with the row above's; which row and column its values count for is not known",
            [_cell_path(table, key, c) for c in out.rows[key]]))


# Rows of table 三 with blank cells, at most, for a table that otherwise prints every value: more
# are a table that leaves cells blank (a reporter's habit, or a crawl that drops them).
_MERGED_BLANK_ROWS = 2
WHY_BLANK_UNDER_VALUE = ("本行有空白单元格，上一行同列有数值，而表中其他行都印全：可能有单元格与上一行合并（网页转成文字时合并单元格只印一次），"
                         "数值所在列无法确定（请核对原文） / blank cells under values, in a table that prints every other "
                         "value: perhaps cells merged with the row above's (a page's merged cell printed once in its text)")


def _doubt_blanks_under_values(out: Built, definition: editions.Table) -> None:
    """Blank cells of a table that prints every other value, each under a value of the row above:
    a web page's value cell merged over two rows (`<td rowspan="2">0</td>`) is printed once when
    the page is turned into text (trafilatura writes the lower row's slot empty), so the lower row
    shows a blank where the page had the value.  Read from the page itself, such cells are known
    (`_doubt_merged_rows`); from its text they are in doubt."""
    keys = [row.key for row in definition.rows]
    blanks_of = {}  # row -> its blank cells not yet in doubt
    for key in keys:
        if blanks := [c for c, cell in out.rows.get(key, {}).items() if cell.value is None and not cell.uncertain]:
            blanks_of[key] = blanks
            if len(blanks_of) > _MERGED_BLANK_ROWS:
                return
    for key, blanks in blanks_of.items():
        at = keys.index(key)
        above = out.rows.get(keys[at - 1], {}) if at else {}
        if not all(above.get(c) is not None and above[c].value is not None for c in blanks):
            continue
        # A converter that drops the merged cell's slot (markdownify) moves the row's other values
        # a column: all of the row is in doubt.
        _flag_row("t3", key, out, WHY_BLANK_UNDER_VALUE, "PARSE.BLANK_UNDER_VALUE",
                  "有空白单元格，上一行同列有数值，表中其他行都印全：可能有单元格与上一行合并，本行数值所在列无法确定，请核对原文",
                  "blank cells under values of the row above, in a table printing every other value: perhaps "
                  "cells merged with the row above's, and the row's values in other columns")


def _labelled(readings: list[Reading]) -> dict[str, Reading]:
    """Row key → the first reading of that row that carries values (a label may also
    appear in a header or the narrative without any)."""
    labelled: dict[str, Reading] = {}
    for reading in readings:
        if reading.row and reading.tokens and reading.row not in labelled:
            labelled[reading.row] = reading
    return labelled


def _bare(readings: list[Reading], labelled: dict[str, Reading]) -> set[str]:
    """Rows whose label is printed and no value after it anywhere (`Built.bare`)."""
    return {r.row for r in readings if r.row and not r.tokens} - labelled.keys()


def _piece_cell(piece: Piece, inferred: str) -> Cell:
    return Cell(piece.value, piece.text, {"start": piece.start, "end": piece.end}, piece.unit, inferred)


def unread_row(columns: tuple[editions.Column, ...]) -> dict[str, Cell]:
    """A row whose label was not found: its values are unknown, not blank, so they
    are listed as uncertain rather than passed off as printed nulls."""
    return {c.key: _unread_cell() for c in columns}


def _unread_cell() -> Cell:
    return Cell(None, None, inferred=WHY_NOT_FOUND, uncertain=True)


@dataclass
class _Pending:
    """Rows whose tokens are fused and need splitting."""

    rows: dict[str, Ambiguity] = field(default_factory=dict)
    columns: dict[str, tuple[editions.Column, ...]] = field(default_factory=dict)
    # Rows read as several runs apart: too few values may mean blank cells rather than
    # fused digits, so only the arithmetic can vouch for a split.
    separated: set[str] = field(default_factory=set)
    # How the candidate readings were made, when not by splitting fused digits.
    how: dict[str, str] = field(default_factory=dict)

    @property
    def apart(self) -> set[str]:
        """Rows of values printed apart and split into more (not a value broken over lines, nor
        runs a crawl collapsed): their own sums, which the split was cut to fit, do not vouch for
        it; a sum through other rows' cells must."""
        return self.separated - self.how.keys()


def _row_title(table: str, key: str) -> str:
    """表三“（一）予以公开”行; table 四 read as one run of fifteen is just 表四."""
    if key == "all":
        return TABLE_NAMES.get(table, table)
    return f"{TABLE_NAMES.get(table, table)}“{row_name(table, key)}”行"


def _cell_titles(paths) -> str:
    return "、".join(cell_name(path) for path in sorted(paths))


def _read_tokens(
    key: str, table: str, reading: Reading, columns: tuple[editions.Column, ...],
    out: Built, pending: _Pending, document: Document, layout: Layout = Layout(),
) -> None:
    """Turn one row reading into cells, or register it for the arithmetic to settle."""
    n = len(columns)
    tokens = _row_tokens(reading, n)
    joined = _join_spaced_cells(reading, tokens, n)
    if joined:
        out.rows[key] = {c.key: to_cell(t, span, document) for c, (t, span) in zip(columns, joined)}
        for (_, span), cell in zip(joined, out.rows[key].values()):
            if re.search(r"\s", span.text.strip()):
                # "41 19" may be one letter-spaced number or a damaged one ("7730. 8"): a
                # guess until the table's arithmetic confirms it (_confirm_joined).
                cell.inferred, cell.uncertain = WHY_SPACED, True
        return
    by_line = layout.one_per_line and not reading.from_grid
    # Lines that may be values broken in two and runs collapsed, in a row narrow enough to weigh
    # every such reading.
    broken = by_line and layout.values_broken and n <= _MAX_JOINED_RUN_CELLS
    if len(tokens) == n and not broken:
        out.rows[key] = {c.key: to_cell(t, reading.spans.get(i), document) for i, (c, t) in enumerate(zip(columns, tokens))}
        return
    # Most rows print their n values and end above; the paths are for the others' notes.
    path, paths = f"{table}.{key}", _cell_paths(table, key, columns)
    if len(tokens) > n:
        # A value broken over lines prints each piece alone on its line; a digit at the end
        # of a line of text (a damaged heading "申请情1") is a stray, not half of a value.
        joinable = by_line and all(alone_on_line(document, t) for t in tokens if t.text)
        joins = line_joins(tokens, n) if joinable else []
        if joins:
            _pend(key, paths, columns, joins, pending, HOW_JOINED, separated=len(joins) > 1)
            return
        # Which value is the stray one (a label's number, a note) is not known: the row is a guess.
        out.warnings.append(Warning(
            "PARSE.EXTRA_VALUES", f"{_row_title(table, key)}读到 {len(tokens)} 个值，应为 {n} 个；取前 {n} 个，标记为推测",
            f"{path}: {len(tokens)} values where {n} were expected; kept the first {n}, flagged uncertain",
            list(paths)))
        out.rows[key] = {c.key: to_cell(t, reading.spans.get(i), document) for i, (c, t) in enumerate(zip(columns, tokens))}
        for cell in out.rows[key].values():
            cell.inferred, cell.uncertain = WHY_EXTRA, True
        return
    fusable = [t for t in tokens if t.text and any(ch.isdigit() for ch in t.text)]
    if len(fusable) == len(tokens) and tokens:
        if by_line and layout.runs_collapsed:
            may_repeat = _may_repeat(document, tokens)
            expanded = run_expansions(tokens, n, may_repeat)
            if broken:
                readings = dict.fromkeys(tuple(reading) for reading in expanded + joined_run_expansions(tokens, n, may_repeat))
                expanded = [list(reading) for reading in readings]
            if expanded:
                # One printed value has one reading; more need the arithmetic's word.  Where values
                # were also broken over lines, a line may be half a value whose halves were equal
                # and collapsed (`8` for 88), which no reading of the lines shows: only the
                # narrative vouches.
                _pend(key, paths, columns, expanded, pending, HOW_BROKEN_RUNS if broken else HOW_EXPANDED,
                      separated=len(expanded) > 1 or layout.lines_kept_once or broken)
                return
        elif not by_line:
            equations = _row_equations(paths)
            candidates = row_candidates(tokens, n, [c.signed for c in columns], equations)
            if candidates:
                # Values in cells of their own, or in runs apart, may be values with blank
                # cells beside them rather than fused digits: only evidence vouches for a split.
                # So may a table-二 value alone on its line, whose row has no sum to vouch
                # (`行政事业性收费` / `35`: a converter that drops lines it has seen lost its `0`).
                separated = len(tokens) > 1 or reading.from_grid or (
                    table == "t2" and alone_on_line(document, tokens[0]))
                _pend(key, paths, columns, candidates, pending, None, separated=separated)
                whole = [to_cell(t, reading.spans.get(i), document) for i, t in enumerate(tokens)]
                if separated and all(cell.value is not None for cell in whole):
                    out.unsplit[key] = whole
                return
    # Fewer values than columns: which columns they belong to is a guess, so every
    # cell of the row is uncertain, the unread ones included.
    out.rows[key] = {c.key: to_cell(t, reading.spans.get(i), document) for i, (c, t) in enumerate(zip(columns, tokens))}
    for cell in out.rows[key].values():
        cell.inferred, cell.uncertain = WHY_FEWER, True
    for c in columns[len(tokens):]:
        out.rows[key][c.key] = _unread_cell()
    out.warnings.append(Warning(
        "PARSE.MISSING_VALUES",
        f"{_row_title(table, key)}只读到 {len(tokens)} 个值，应为 {n} 个；各值所属列无法确定，缺少的单元格记为空（非零）",
        f"{path}: only {len(tokens)} of {n} values could be read; their columns are a guess and the rest are left blank, not zero",
        list(paths)))


def _cell_paths(table: str, key: str, columns: tuple[editions.Column, ...]) -> tuple[str, ...]:
    """Cell paths of a row reading."""
    return tuple(_cell_path(table, key, c.key) for c in columns)


def _cell_path(table: str, key: str, column: str) -> str:
    """A cell's path; table 四 read as one run of fifteen has columns keyed "row.column"."""
    return f"{table}.{column}" if "." in column else f"{table}.{key}.{column}"


_ALL_RELATIONS = tuple({
    relation.cells: relation
    for edition in editions.EDITIONS.values()
    for relation in (*edition.relations, *edition.relations_single_other_handling)
}.values())


@lru_cache(maxsize=None)
def _row_equations(paths: tuple[str, ...]) -> tuple[tuple[int, ...], ...]:
    """The relations that lie wholly within one row reading, as coefficients per cell."""
    index = {path: i for i, path in enumerate(paths)}
    equations = []
    for relation in _ALL_RELATIONS:
        if all(path in index for path in relation.cells):
            coefficients = [0] * len(paths)
            for path in relation.left:
                coefficients[index[path]] += 1
            for path in relation.right:
                coefficients[index[path]] -= 1
            equations.append(tuple(coefficients))
    return tuple(equations)


# Cells of a row, at most, whose lines are also read as values broken over lines and then as runs:
# a row of table 二 or 三.  Table 四 read as one run of fifteen cells has tens of thousands of such
# readings (0.7 s a report to weigh them), and checks its own sums instead.
_MAX_JOINED_RUN_CELLS = len(editions.T3_COLUMNS)


def _may_repeat(document: Document, tokens: list[Token]) -> list[bool]:
    """Per pair of neighbouring tokens: could a crawler that collapses identical lines
    have printed both?  Only when their lines differ (one of them shares its line)."""
    return [not (alone_on_line(document, a) and alone_on_line(document, b)) for a, b in zip(tokens, tokens[1:])]


def _pend(
    key: str, paths: tuple[str, ...], columns: tuple[editions.Column, ...], candidates: list[list[Piece]],
    pending: _Pending, how: str | None, separated: bool,
) -> None:
    pending.rows[key] = Ambiguity(paths, candidates)
    pending.columns[key] = columns
    if how:
        pending.how[key] = how
    if separated:
        pending.separated.add(key)


def _row_tokens(reading: Reading, n: int) -> list[Token]:
    """The reading's tokens without the empty grid cells a converter appends past the last column."""
    return reading.tokens[:end_of_cells(reading.tokens, n)] if reading.from_grid else list(reading.tokens)


def _join_spaced_cells(reading: Reading, tokens: list[Token], n: int) -> list[tuple[Token, Span]] | None:
    """A grid row with exactly one cell per column but more numbers than columns
    printed a number letter-spaced ("41 19" in one PDF cell): one cell, one value."""
    if not reading.from_grid or len(tokens) <= n:
        return None
    spans: list[Span] = []
    for i in range(len(tokens)):
        span = reading.spans.get(i)
        if span is None:
            return None
        if not spans or spans[-1] is not span:
            spans.append(span)
    if len(spans) != n:
        return None
    return [(Token(re.sub(r"\s+", "", s.text), s.start, s.end), s) for s in spans]


def _apply_resolutions(
    table: str, pending: _Pending, out: Built, known: dict | None, relations: tuple[editions.Relation, ...],
    hints: Callable[[], Sequence[Hint]] | None = None,
) -> None:
    """Settle the rows whose digits were fused by the table's sums; `known` the other cells'
    values (None: the table's cells as read so far)."""
    if not pending.rows:
        return
    if known is None:
        known = _known_values(out.rows, table)
    resolutions = solve(known, pending.rows, relations, hints, pending.apart)
    for key, resolution in resolutions.items():
        amb = pending.rows[key]
        if resolution.satisfied:
            out.unsplit.pop(key, None)
        several = len(amb.candidates) > 1
        how = pending.how.get(key) or (
            WHY_SPLIT_BY_SUMS if several else WHY_SPLIT_BY_COUNT)
        if key in pending.separated:
            # Even a split forced by digit count is a guess unless the arithmetic confirms
            # it: runs printed apart may be values with blank cells between them.
            resolution.uncertain_paths |= set(amb.paths) - resolution.confirmed_paths
        elif not resolution.satisfied and any(len(piece.text.lstrip("+-")) > 1 for piece in resolution.chosen):
            # More digits than cells, and the one split the digits allow breaks the sums:
            # a stray digit (a row number glued on) is likelier than a report's error.
            resolution.uncertain_paths |= set(amb.paths)
        elif how == HOW_EXPANDED and _breaks_own_sum(amb.paths, resolution.chosen, relations):
            # Fewer values than cells, each standing for a run of equal cells a crawl collapsed,
            # and the row's own sum breaks: lines the crawl or a converter dropped are likelier
            # than a report's error (`5` alone for table 四: 5 in all fifteen cells).  Sums across
            # rows that break are the report's own, for the checks.
            resolution.uncertain_paths |= set(amb.paths)
        out.rows[key] = {}
        for column, path, piece in zip(pending.columns[key], amb.paths, resolution.chosen):
            cell = out.rows[key][column.key] = _piece_cell(piece, how)
            cell.uncertain = path in resolution.uncertain_paths
            if cell.uncertain:
                cell.alternatives = resolution.alternatives.get(path, ())
        if resolution.uncertain_paths:
            reason = "算术关系无法确定拆分" if resolution.satisfied else "没有任何拆分能满足表内算术关系"
            printed = "数值少于列数（连续相同的行可能被合并或丢失）" if how == HOW_EXPANDED else "数字粘连"
            out.warnings.append(Warning(
                "PARSE.FUSED_UNCERTAIN",
                f"{_row_title(table, key)}{printed}，{reason}，以下单元格为推测值：{_cell_titles(resolution.uncertain_paths)}",
                f"{table}.{key}: fused digits; {'the arithmetic does not settle the split' if resolution.satisfied else 'no split satisfies the arithmetic'}; these cells are guesses",
                sorted(resolution.uncertain_paths)))
        elif not resolution.satisfied:
            out.warnings.append(Warning(
                "PARSE.FUSED_ARITHMETIC",
                f"{_row_title(table, key)}数字粘连，唯一拆分不满足表内算术关系（按位数拆分）",
                f"{table}.{key}: the only possible split of the fused digits breaks the table's arithmetic",
                list(amb.paths)))


def _breaks_own_sum(paths: Sequence[str], pieces: Sequence[Piece], relations: Sequence[editions.Relation]) -> bool:
    """Whether a relation among the row's own cells (its total; table 四's group totals) fails
    with the values read."""
    values: dict[str, int | float | None] = {path: piece.value for path, piece in zip(paths, pieces)}
    return any(relation_holds(r, values) is False for r in relations if values.keys() >= {*r.left, *r.right})


def _confirm_joined(out: Built, table: str, relations: Sequence[editions.Relation]) -> None:
    """A number joined from pieces spaced apart in its cell is certain when every relation
    through it can be computed and holds, and there is at least one."""
    spaced = [(row, column, cell) for row, column, cell in _cells_inferred(out.rows, WHY_SPACED) if cell.uncertain]
    if not spaced:
        return
    values = _known_values(out.rows, table)
    for row, column, cell in spaced:
        path = _cell_path(table, row, column)
        through = [r for r in relations if path in r.cells]
        if through and all(relation_holds(r, values) for r in through):
            cell.uncertain = False


def _cells_of(rows: Rows) -> Iterator[tuple[str, str, Cell]]:
    """(row, column, cell) for every cell of the rows read so far."""
    return ((row, column, cell) for row, cells in rows.items() for column, cell in cells.items())


def _cells_inferred(rows: Rows, why: str) -> list[tuple[str, str, Cell]]:
    """(row, column, cell) for the cells read so far whose value was inferred for `why` (asked
    of every table, which seldom has any: one comprehension, no generator between)."""
    return [(row, column, cell) for row, cells in rows.items() for column, cell in cells.items() if cell.inferred == why]


def _known_values(rows: Rows, table: str) -> dict:
    return {_cell_path(table, r, c): cell.value for r, cols in rows.items() for c, cell in cols.items()}


def _sure_counts(rows: Rows, table: str, leave_out: set[str]) -> dict[str, int | float | None]:
    """The table's cells not in doubt, by path, a blank counting as nought (as in a sum); the
    rows in `leave_out` aside."""
    return {_cell_path(table, r, c): cell.value or 0 for r, cols in rows.items() if r not in leave_out
            for c, cell in cols.items() if not cell.uncertain}


# --------------------------------------------------------------------------- table 三

T3_OTHER_SUB_ROWS = tuple(row.key for row in editions.T3_OTHER_HANDLING_2021)


# Sentences with a number in them (digits or numerals: "行政复议两件"), and the words every
# table-三/四 claim opens with: most of a report's text is neither and is skipped before the
# claims' patterns run.
_COUNTED_SENTENCE = re.compile(r"[^。；;！!？?\n\d零〇一二两三四五六七八九十]*[\d零〇一二两三四五六七八九十][^。；;！!？?\n]*")
_CLAIM_WORDS = re.compile(r"收|受理|接收|结转|复议|诉讼")


def stated_numbers(narrative: str) -> list[Hint]:
    """Counts of table 三 and 四 the report's text states ("共受理政府信息公开申请302件",
    "行政复议两件"), as hints for readings the arithmetic alone cannot tell apart.  Sentences
    about a whole region ("全市…") are left out: they need not be this body's tables."""
    from . import rules_data  # its patterns are compiled only for the reports that need them

    hints: list[Hint] = []
    for sentence in _COUNTED_SENTENCE.findall(narrative):
        if not _CLAIM_WORDS.search(sentence) or rules_data.REGION_SCOPE.search(sentence):
            continue
        for claim in rules_data.CLAIMS:
            paths = claim.alternatives[0]
            if not all(path.startswith(("t3.", "t4.")) for path in paths):
                continue
            for pattern in claim.patterns:
                for match in pattern.finditer(sentence):
                    count = rules_data.stated_count(match.group(1)) if pattern.groups else 0
                    if count is not None:
                        hints.append((paths, float(count)))
    return hints


def build_t3(document: Document, region: tuple[int, int] | None, layout: Layout = Layout(),
             hints: Callable[[], Sequence[Hint]] | None = None) -> Built:
    out = Built()
    if region is None:
        return out
    readings = _read_rows(document, region, "t3", out.warnings, _union_rows("t3"))
    seen = {r.row for r in readings if r.row}
    labelled = _labelled(readings)
    out.bare = _bare(readings, labelled)
    merged_zeros = _merged_zero_readings(document, readings, len(editions.get(editions.EDITION_2021).table("t3").columns))
    labelled.update(merged_zeros)
    if not labelled and not any(r.row is None and len(r.tokens) >= 7 for r in readings):
        return out

    # The 2021 layout's sub-rows of （六）其他处理 printed, even without values, say the table is
    # laid out so: （六）其他处理 is then their group's name, and values after it are not its own
    # (a PDF's text boxes leave a run of values after whatever label precedes them).
    layout_2021 = bool(seen.intersection(T3_OTHER_SUB_ROWS))
    group_row = labelled.get("other_handling")
    if layout_2021 and group_row is not None and any(token.text for token in group_row.tokens):
        labelled.pop("other_handling").row = None  # an unlabelled row of values
    out.edition = editions.EDITION_2021 if layout_2021 else editions.EDITION_2019
    out.evidence = "（六）其他处理分三行" if layout_2021 else "（六）其他处理为一行"
    definition = editions.get(out.edition).table("t3")
    columns = definition.columns
    layout = _with_breaks_seen(layout, document, labelled, definition)
    out.values_broken = layout.values_broken

    placed, stretches, beside_unplaced = _place_orphans(document, readings, labelled, definition, out)
    pending = _Pending()
    for row in definition.rows:
        reading = labelled.get(row.key) or placed.get(row.key)
        if reading is None:
            out.rows[row.key] = unread_row(columns)
            continue
        _read_tokens(row.key, "t3", reading, columns, out, pending, document, layout)
        if row.key in placed:
            for cell in out.rows.get(row.key, {}).values():
                cell.inferred = WHY_ORPHAN
            if placed[row.key].slots_unsure:
                _flag_row("t3", row.key, out, WHY_SLOTS, "PARSE.SLOTS_UNSURE",
                          "的数字行缺少行名，行首的空白单元格属于行名的合并单元格还是本行的空白数值无法确定，请核对原文",
                          "its value row, printed without a readable label, opens with empty cells: whether they are "
                          "the label's merged slots or the row's blank cells is not known")
            if placed[row.key].unreadable_cell:
                _flag_row("t3", row.key, out, WHY_ORPHAN_UNREADABLE, "PARSE.ORPHAN_UNREADABLE",
                          "的数字行缺少行名，其中有单元格印出的内容不是数值，请核对原文",
                          "its value row, printed without a readable label, holds a cell of text among its values")
    relations = tuple(r for r in editions.get(out.edition).relations if r.code.startswith("T3"))
    _apply_resolutions("t3", pending, out, None, relations, hints)
    out.rows = {row.key: out.rows[row.key] for row in definition.rows}
    _confirm_joined(out, "t3", relations)
    _fill_from_strays(readings, placed, out, relations)
    _place_by_sums(out, "t3", relations)
    _note_orphans(stretches, definition, out, relations)
    for key in dict.fromkeys(beside_unplaced):
        _flag_row("t3", key, out, WHY_BESIDE_UNPLACED, "PARSE.BESIDE_UNPLACED_ROW",
                  "旁边有一行无行名的数字无法对应，此行的数字可能属于相邻行，请核对原文",
                  "an unlabelled value row beside it could not be placed; its values may be a neighbour's")
    _flag_by_order(readings, labelled, "t3", out)
    _doubt_lifted_labels(readings, labelled, placed, out)
    merged_away = _merged_away(document, readings) - set(labelled) - set(placed)
    blank = _rows_of_blanks(document, region, readings, labelled, placed, definition, out, relations, merged_away)
    _doubt_beside_unread(labelled, set(blank), out)
    _doubt_merged_rows("t3", document, readings, out, definition, set(merged_zeros))
    if not document.merged_rows:
        _doubt_blanks_under_values(out, definition)

    missing = [row.key for row in definition.rows
               if row.key not in labelled and row.key not in placed and row.key not in blank and row.key not in merged_away]
    if missing:
        out.warnings.append(Warning(
            "PARSE.ROWS_NOT_FOUND", f"表三未找到以下行：{'、'.join(row_name('t3', k) for k in missing)}（记为空，非零）",
            f"table 三: rows not found: {', '.join(missing)} (left blank, not zero)",
            [f"t3.{k}.{c.key}" for k in missing for c in columns]))
    out.status = TABLE_PARTIAL if missing or len(missing) == len(definition.rows) else TABLE_OK
    return out


def _rows_of_blanks(
    document: Document, region: tuple[int, int], readings: list[Reading], labelled: dict[str, Reading],
    placed: dict[str, Reading], definition: editions.Table, out: Built, relations: Sequence[editions.Relation],
    merged_away: set[str],
) -> list[str]:
    """Rows whose label is printed with no value after it are rows of blank cells (a crawl
    of one cell a line writes no line for a blank cell), blank for certain when everything
    else the table prints is accounted for: every value printed in the table was read into
    a row (a value printed between the lines of a wrapped label is not lost to it), no value
    stands without a row nor beyond its row's cells, a later row of the table has values
    (the table was not cut short), and no sum through the row fails with its cells blank, the
    other cells in doubt counting as unknown.  Returns the rows so settled."""
    keys = [row.key for row in definition.rows]
    last_read = max((keys.index(key) for key in [*labelled, *placed] if key in keys), default=-1)
    bare = [key for key in dict.fromkeys(r.row for r in readings if r.row and not r.tokens)
            if key in keys[:last_read] and key not in labelled and key not in placed and key not in merged_away]
    if not bare:
        return []
    placed_ids = {id(r) for r in placed.values()}
    if any(r.row is None and r.tokens and id(r) not in placed_ids for r in readings):
        return []
    if _rows_flowed_out(document, region, readings, definition, keys[:last_read], merged_away):
        return []
    # A row whose values may be another's (taken past the table's headings, or from either side
    # of its label) may hold a bare label's.
    if any(r.past_headings or r.either_side for r in labelled.values()):
        return []
    # Only a table that leaves cells blank elsewhere shows a row of blanks so: where every other
    # row prints all its values, a row printing its label alone may have had its cells merged
    # with the row above's (a web page's merged cells lose their spans in its text).
    width = len(definition.columns)
    if not any(len(r.tokens) < width or not all(t.text for t in r.tokens) for r in [*labelled.values(), *placed.values()]):
        return []
    # A row that read more values than it has cells holds values of other rows (labels listed
    # apart from their values, then flattened onto one line): a bare label may own some.
    if any(len(r.tokens) > len(definition.columns) for r in readings if r.row in labelled):
        return []
    if _values_not_read(document, region, readings, in_notes=True) or _lines_kept_once(document, region):
        return []
    # A table some of whose rows lost values (not left blank) may have lost a whole row's too.
    if _t3_values_lost(document, labelled.values()):
        return []
    # A bare row beside a row in doubt that may hold its values stays unknown, as does one whose
    # line of values a converter may have left out as written before, and one whose label shares
    # its cell with a row that took the cell's values (a drawing whose rule between the two a tool
    # kept once): the others are settled.
    stacked = {r.row for r in readings if r.stacked}
    bare = [key for key in bare if key not in _beside_a_row_in_doubt(readings, labelled, bare, out)
            and key not in stacked and not _may_have_lost_its_line(document, region, len(out.rows[key]))]
    if not bare:
        return []
    blank_paths = {_cell_path("t3", key, c) for key in bare for c in out.rows[key]}
    values = {**_sure_counts(out.rows, "t3", set(bare)), **dict.fromkeys(blank_paths, 0)}
    if any(relation_holds(r, values) is False for r in relations if blank_paths.intersection(r.cells)):
        return []
    for key in bare:
        for cell in out.rows[key].values():
            cell.inferred, cell.uncertain = WHY_LABEL_ONLY, False
    out.warnings.append(Warning(
        "PARSE.ROWS_LABEL_ONLY", f"表三以下行只印出行名，没有数值，记为空（非零）：{'、'.join(row_name('t3', k) for k in bare)}",
        f"table 三: rows printing their label and no value, left blank (not zero): {', '.join(bare)}",
        sorted(blank_paths)))
    return bare


def _beside_a_row_in_doubt(readings: list[Reading], labelled: dict[str, Reading], bare: list[str], out: Built) -> set[str]:
    """The labels printed alone that stand right beside a row in doubt that read more values
    than the row on the bare label's other side, both short of the table's cells: that row's
    values may be its own and the bare row's.  pdftotext prints a page's table with the columns
    it kept, and a block's last label after its values (`1.信访… 0 0 0 3 0 0 / 2.重复申请 / 3.要求…
    0 0 0` reads the second row's three values into the first), or two labels before their
    values (`（七）总计 / 四、结转… / 0 / 0`)."""
    width = len(next(iter(out.rows.values()), {}))
    printed = [r.row for r in readings if r.row]

    def holds_more(key: str | None, other: Reading | None) -> bool:
        reading = labelled.get(key) if key else None
        return (reading is not None and other is not None and len(other.tokens) < len(reading.tokens) < width
                and any(cell.uncertain for cell in out.rows[reading.row or ""].values()))

    beside = set()
    for key in bare:
        at = printed.index(key)
        before = next((labelled[k] for k in reversed(printed[:at]) if k in labelled), None)
        after = next((labelled[k] for k in printed[at + 1:] if k in labelled), None)
        if (holds_more(printed[at - 1] if at else None, after)
                or holds_more(printed[at + 1] if at + 1 < len(printed) else None, before)):
            beside.add(key)
    return beside


# How far past a table's end its rows flowed out of it are looked for: pdftotext's plain text puts
# the rest of a page's table after the page's other text, within the next table's region.
_FLOWED_OUT_REACH = 3000


def _rows_flowed_out(document: Document, region: tuple[int, int], readings: list[Reading],
                     definition: editions.Table, above: list[str], merged_away: set[str]) -> bool:
    """Whether a row above the last one read has its label printed not in the table but after
    it: the table's text flowed out of place, and a row printing its label alone may have had
    its values go with it."""
    printed = {r.row for r in readings} | merged_away
    missing = tuple(row for row in definition.rows if row.key in above and row.key not in printed)
    return bool(missing) and bool(find_labels(document.text[region[1]:region[1] + _FLOWED_OUT_REACH], missing))


# Value lines a table region prints, at least, before all of them being distinct says a converter
# kept each line once: table 三 printed one value a line repeats 0 and 1 from its first rows on.
_DISTINCT_VALUE_LINES = 4


def _lines_kept_once(document: Document, region: tuple[int, int]) -> bool:
    """Whether the region's lines of one value each are all distinct, as a converter that keeps
    a line of text once writes a page (trafilatura drops every `0` after the first): a row
    printing its label alone there may have had all its values dropped, not be a row of blanks."""
    return _kept_once(document.text[region[0]:region[1]].split("\n"))


def _kept_once(lines: Iterable[str]) -> bool:
    """Whether the lines of one value each (with its unit or not), a cell's rule aside, are enough
    and all distinct.  A line of cells between pipes counts each cell: the reader joins a label
    and the value lines after it, each opened by its cell's rule (`| 7` / `| 1`, trafilatura's
    Markdown), into one row."""
    values = [cell for line in lines for cell in _line_cells(line) if cell and is_value_text(cell) and _one_value(cell)]
    return len(values) >= _DISTINCT_VALUE_LINES and len(set(values)) == len(values)


def _may_have_lost_its_line(document: Document, region: tuple[int, int], width: int) -> bool:
    """Whether a row printing its label alone may have lost its values to a converter that
    writes a line of text once (trafilatura leaves out every line it has written before): the
    table prints a line of values alone as many as the row's cells (`规章` / `0 0 0`, the label on
    the line before), and no line of values repeats anywhere in the document.  A row whose `0 0 0`
    was the same as an earlier row's is not told from a row of blanks there."""
    if width not in (_values_on(cells) for _, cells in _value_lines(document.text[region[0]:region[1]])):
        return False
    # Whole lines, as a converter telling lines apart compares them (a layout text's `0    0   0`
    # and `0   0    0` are two lines to it).
    every = [line for line, _ in _value_lines(document.text)]
    return len(set(every)) == len(every)


def _t3_values_lost(document: Document, readings: Iterable[Reading]) -> bool:
    """Whether a table-三 row printing its values a line each read too few of them to add up
    with its other cells blank: `2` alone, where the row's applicant column and its total both
    print 2, lost one of them (a line written before, or the same as the line before it where
    labels were printed apart from their values), and was not left blank."""
    for reading in readings:
        if not reading.row or not 0 < len(reading.tokens) < len(editions.T3_COLUMNS):
            continue
        if not all(alone_on_line(document, token, unit=True) for token in reading.tokens):
            continue
        values = [value for token in reading.tokens if isinstance(value := parse_value(token.text).value, (int, float))]
        if len(values) == len(reading.tokens) and any(values) and sum(values[:-1]) != values[-1]:
            return True
    return False


@lru_cache(maxsize=16)
def _value_lines(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A text's lines holding values alone (a page's footer aside), each whole and as its cells: a
    grid's row prints its cells between pipes, a line of text its values between spaces."""
    out = []
    for line in text.split("\n"):
        cells = tuple(" ".join(cell.split()) for cell in _line_cells(line.strip()) if cell.strip())
        if cells and all(is_value_text(cell) for cell in cells) and not is_page_footer(line):
            out.append((line, cells))
    return tuple(out)


def _values_on(cells: tuple[str, ...]) -> int:
    return sum(1 if _one_value(cell) else len(cell.split()) for cell in cells)


def _line_cells(line: str) -> list[str]:
    """A line's cells between pipes, or the line as one, each without its cell's rule."""
    return [cell.strip(CELL_RULE) for cell in line.split("|")] if "|" in line else [line.strip(CELL_RULE)]


def _values_not_read(document: Document, region: tuple[int, int], readings: list[Reading], in_notes: bool) -> bool:
    """Whether a value printed in the table region was read into no reading (one printed
    between the lines of a wrapped label is lost to it; with `in_notes`, one fused into a label's
    note: "（区分处理的，只计这一情形0000000，不计其他情形）", for a table whose notes hold no number
    of their own); a page's footer number is no value."""
    read = {t.start for r in readings for t in r.tokens}
    start, end = region
    offset = start
    for line in document.text[start:end].split("\n"):
        if not is_page_footer(line):
            if any(t.start not in read for t in flow_tokens(line, offset, in_notes=in_notes)):
                return True
        offset += len(line) + 1
    return False


def _place_orphans(
    document: Document, readings: list[Reading], labelled: dict[str, Reading], definition: editions.Table, out: Built,
) -> tuple[dict[str, Reading], list[list[str]], list[str]]:
    """Give unlabelled value rows to the rows left without values, in printed order.

    Returns the placement, the stretches (runs of rows between two labelled rows) it was
    made in, and the labelled rows on either side of unlabelled value rows that could not be
    placed: a value row left over beside them may be theirs (two labels printed in one
    paragraph, the first one's values taken by the second).
    """
    n = len(definition.columns)
    order = [row.key for row in definition.rows]
    index = {key: i for i, key in enumerate(order)}
    anchors = sorted((labelled[k].order, index[k]) for k in labelled if k in index)
    groups: dict[tuple[int, int], list[Reading]] = {}
    strays: dict[tuple[int, int], int] = {}  # values in unlabelled readings of fewer than a row's
    for reading in readings:
        if reading.row is not None or not reading.tokens:
            continue
        before = max((i for o, i in anchors if o < reading.order), default=-1)
        after = min((i for o, i in anchors if o > reading.order), default=len(order))
        if len(_row_tokens(reading, n)) == n:
            groups.setdefault((before, after), []).append(reading)
        elif len(reading.tokens) < n and not footer_reading(document, reading):
            strays[before, after] = strays.get((before, after), 0) + len(reading.tokens)
    placed: dict[str, Reading] = {}
    stretches: list[list[str]] = []
    beside: list[str] = []
    # Values a line or a few at a time, a row's worth of them between two rows read: a row's values
    # printed apart from it (a PDF's text boxes put a label after its values), which no rule places.
    for (before, after), count in strays.items():
        if count >= n and (before, after) not in groups:
            beside += [order[i] for i in (before, after) if 0 <= i < len(order)]
    for (before, after), orphans in groups.items():
        gaps = [k for k in order[before + 1: after] if k not in labelled]
        if len(gaps) != len(orphans):
            out.warnings.append(Warning(
                "PARSE.ORPHAN_ROWS",
                f"表三有 {len(orphans)} 行数字缺少行名，而对应位置缺 {len(gaps)} 行，无法对应，未采用",
                f"table 三: {len(orphans)} unlabelled value rows for {len(gaps)} rows without values; not used"))
            beside += [order[i] for i in (before, after) if 0 <= i < len(order)]
            continue
        placed.update(zip(gaps, orphans))
        stretches.append(gaps)
    return placed, stretches, beside


WHY_LIFTED_LABELS = ("行名紧接在另一个没有数字的行名之后，表中另有无行名的数字行：行名可能与数字错开印出，本行的数字也可能属于"
                     "相邻行（请核对原文） / the label follows another printed without values, and the table has value "
                     "rows without labels: labels may be printed apart from their values")


def _doubt_lifted_labels(readings: list[Reading], labelled: dict[str, Reading], placed: dict[str, Reading],
                         out: Built) -> None:
    """Labels printed apart from their values, a row or more above them (a PDF converter's text
    of wrapped label cells: `5.属于三类内部事务信 / 息 / 1.本机关不掌握相关政 / 府信息 / 1 0 0 0 0 0 1`,
    and `4 0 0 0 0 0 4` without a label three rows on): a row whose label follows a row label
    printed without values took the values after it, and a value row without a label was placed
    by printed order, each as likely the neighbour's.  Where both show, those rows are in doubt.
    A grid's rows keep their cells together, and its labels' lines before them are placed as
    stacked labels, so only rows read from text are asked."""
    if not any(r.row is None and r.tokens and not r.from_grid for r in readings):
        return
    by_key = _union_by_key("t3")
    after_bare = [key for key, reading in labelled.items()
                  if reading.tokens and not reading.from_grid and bare_label_before(readings, reading, by_key)]
    if not after_bare:
        return
    for key in dict.fromkeys([*after_bare, *(key for key, reading in placed.items() if not reading.from_grid)]):
        _flag_row("t3", key, out, WHY_LIFTED_LABELS, "PARSE.LABELS_LIFTED",
                  "的行名紧接在另一个没有数字的行名之后，表中另有无行名的数字行：行名可能与数字错开印出，请核对原文",
                  "the label follows another printed without values, and the table has value rows without labels: "
                  "labels may be printed apart from their values")


WHY_BESIDE_UNREAD = ("行名紧接在另一行的行名之后印出，那一行未读到数字也未确定为空白：本行的数字也可能属于那一行（请核对原文） / "
                     "the label was printed right after another row's, which read no values and is not blank for "
                     "certain: the values may be that row's")


def _doubt_beside_unread(labelled: dict[str, Reading], blank: set[str], out: Built) -> None:
    """Two rows' labels side by side (`1.属于国家秘密2.其他法律…` / `2 0 0 0 0 0 2`) with no value row
    below to stack them: the second took the values, but a tool that ran the next row's values
    into other text (a one-cell Markdown table of the rest) leaves them the first's as likely.
    Unless the first is settled as a row of blanks, the second's values are in doubt."""
    for key, reading in labelled.items():
        first = reading.beside_bare
        if first is None or first in blank or first not in out.rows:
            continue
        _flag_row("t3", key, out, WHY_BESIDE_UNREAD, "PARSE.BESIDE_UNREAD_LABEL",
                  f"的行名紧接在“{row_name('t3', first)}”的行名之后，那一行未读到数字，本行的数字也可能属于那一行，请核对原文",
                  f"the label follows {first}'s, which read no values: the values may be that row's")


def _flag_by_order(readings: list[Reading], labelled: dict[str, Reading], table: str, out: Built) -> None:
    """Rows whose values were matched to their label by printed order alone, unless a person
    or the arithmetic settles it a guess: a label alone between two unlabelled value rows (the
    row after it taken by the reading rule, the row before fits as well), a row whose value lines
    were joined as a value broken over lines right after a label printed with no value (labels
    listed apart from their numbers: 行政处罚 / 行政强制 / 4119 / 195 read 行政强制 4119195), and
    labels printed in one cell (the first took the cell's row of values, the next the value row
    below)."""
    for key, reading in labelled.items():
        if reading.either_side:
            _flag_row(table, key, out, WHY_EITHER_SIDE, "PARSE.VALUES_EITHER_SIDE",
                      "的行名单独成行，上下两行都是无行名的数字行，取了下一行，请核对原文",
                      "the label stands alone between two unlabelled value rows; the row after it was taken")
        if reading.past_headings:
            _flag_row(table, key, out, WHY_PAST_HEADINGS, "PARSE.VALUES_PAST_HEADINGS",
                      "的行名单独成行，数字印在其后的表头或分组文字之后，可能属于另一行，请核对原文",
                      "the label stands alone and its values come after the table's headings; they may be another row's")
        cells = out.rows.get(key, {})
        # Only a row read with more values than cells had values joined (asked first: it is cheap).
        joined = len(reading.tokens) > len(cells) and any(cell.inferred == HOW_JOINED for cell in cells.values())
        if joined and bare_label_before(readings, reading, _union_by_key(table)):
            _flag_row(table, key, out, WHY_JOINED_AFTER_BARE, "PARSE.JOINED_AFTER_BARE",
                      "的数字分印在多行，按一个断行的数值合并；上一行的行名没有数值，这几行数字也可能分属两行，请核对原文",
                      "its value lines were joined as one value broken over lines, but the label before it has "
                      "no value: the lines may be the two rows' values")
        elif joined and bare_label_after(readings, reading, _union_by_key(table)):
            _flag_row(table, key, out, WHY_JOINED_BEFORE_BARE, "PARSE.JOINED_BEFORE_BARE",
                      "的数字分印在多行，按一个断行的数值合并；下一行的行名没有数值，这几行数字也可能分属两行，请核对原文",
                      "its value lines were joined as one value broken over lines, but the label after it has "
                      "no value: the lines may be the two rows' values (a converter prints a row's label after them)")
    for key in dict.fromkeys(r.row for r in readings if r.stacked and r.row):
        _flag_row(table, key, out, WHY_STACKED, "PARSE.LABELS_STACKED",
                  "的行名与相邻行的行名印在同一单元格内，数字行按印刷顺序对应，请核对原文",
                  "the label shares its cell with another row's label; its values were matched by printed order")
    for key, reading in labelled.items():
        if reading.unreadable_cell:
            _flag_row(table, key, out, WHY_LABEL_APART_UNREADABLE, "PARSE.ORPHAN_UNREADABLE",
                      "的数字行印在行名下一行，其中有单元格印出的内容不是数值，请核对原文",
                      "its value row, printed below its label, holds a cell of text among its values")
        if reading.slots_unsure:
            _flag_row(table, key, out, WHY_SLOTS, "PARSE.SLOTS_UNSURE",
                      "的行名后和行末都有空白单元格，空白格属于行名的合并单元格还是本行数值无法确定，请核对原文",
                      "empty cells both after the label and past the last column: which are the label's merged slots "
                      "and which the row's blank cells is not known")


# A table most of whose rows were not found or are in doubt of their place was printed in a layout its reading
# did not follow (a PDF's text flowed column by column, labels in one run and values in
# another): the rows it did read are as likely to hold another row's values.
MOSTLY_IN_DOUBT = 0.5
WHY_MOSTLY_IN_DOUBT = ("本表过半的行未找到或存疑，此行的数值也可能错位（请核对原文） / most of the table's rows were "
                       "not found or are in doubt: this row's values may be misplaced too")


_UNCERTAIN = operator.attrgetter("uncertain")
# The doubts that say a row's values may not be where the reading put them (not a fused number's
# split, which doubts a value in its place; rows not found count by where they lie).
_PLACE_DOUBTS = frozenset({
    "PARSE.MISSING_VALUES", "PARSE.EXTRA_VALUES", "PARSE.ORPHAN_ROWS", "PARSE.ORPHAN_ORDER",
    "PARSE.ORPHANS_PLACED", "PARSE.LABELS_STACKED", "PARSE.BESIDE_UNPLACED_ROW", "PARSE.VALUES_EITHER_SIDE",
    "PARSE.STRAY_VALUE", "PARSE.SLOTS_UNSURE", "PARSE.MERGED_VALUES", "PARSE.VALUES_PLACED",
    "PARSE.JOINED_AFTER_BARE", "PARSE.JOINED_BEFORE_BARE", "PARSE.JOINED_BESIDE_UNREAD", "PARSE.ORPHAN_UNREADABLE",
    "PARSE.KEPT_ONCE",
})


def doubt_mostly_unread(table: str, out: Built) -> None:
    """Every cell of a table most of whose rows are not found or in doubt of their place put in
    doubt too (see MOSTLY_IN_DOUBT)."""
    rows = [key for key, cells in out.rows.items() if cells]
    # Most tables have few rows in any doubt: counted first, without building a path.
    if sum(any(map(_UNCERTAIN, out.rows[key].values())) for key in rows) <= MOSTLY_IN_DOUBT * len(rows):
        return
    misplaced = {path for warning in out.warnings if warning.code in _PLACE_DOUBTS for path in warning.cells}
    lost = [not any(cell.inferred != WHY_NOT_FOUND for cell in out.rows[key].values()) for key in rows]
    # Rows not found before the first row read or after the last are a table cut short (a lost
    # page): no sign of misplaced values.  Between rows read, they are; and so, anywhere, is a
    # row whose label is printed without its values (labels in one run, values in another).
    read = [n for n, gone in enumerate(lost) if not gone]
    between = range(read[0], read[-1] + 1) if read else range(0)
    in_doubt = sum(1 for n, key in enumerate(rows) if (lost[n] and (n in between or key in out.bare)) or any(
        cell.uncertain and _cell_path(table, key, column) in misplaced for column, cell in out.rows[key].items()))
    if in_doubt <= MOSTLY_IN_DOUBT * len(rows):
        return
    _doubt_every_cell(table, out, WHY_MOSTLY_IN_DOUBT, "PARSE.MOSTLY_IN_DOUBT",
                      f"{TABLE_NAMES.get(table, table)}过半的行未找到或存疑（{in_doubt}/{len(rows)}），其余各行的数值也可能错位，一并标为请核对原文",
                      f"{table}: {in_doubt} of {len(rows)} rows not found or in doubt; the others' values may be misplaced too")


def _doubt_every_cell(table: str, out: Built, why: str, code: str, message: str, message_en: str) -> None:
    """Every cell of the table not yet in doubt put in doubt, for `why`, with one warning."""
    paths = []
    for key, cells in out.rows.items():
        for column, cell in cells.items():
            if not cell.uncertain:
                cell.inferred, cell.uncertain = why, True
                paths.append(_cell_path(table, key, column))
    if paths:
        out.warnings.append(Warning(code, message, message_en, paths))


WHY_OTHER_ORDER = ("本行数值之和不符，换一种列序则相符：转换可能打乱了列的顺序（请核对原文） / the row's values do not "
                   "add up as read but do in another column order: a conversion may have moved a column")


def _doubt_sums_in_another_order(out: Built, table: str, relations: Sequence[editions.Relation]) -> None:
    """Rows of text whose total fails as read and holds with the row's values in another order
    (one of them the sum of the rest, read in another column) are in doubt: pdftotext's layout
    text sets a column whose header spans two rows (总计) as a block of its own, and may print its
    value before its neighbours' (`5 7 0 0 2` for 5 0 0 2 7).  A publisher's slip seldom leaves
    the values so; the row's cells are asked of the source, not reported as its error."""
    values = _known_values(out.rows, table)
    for relation in relations:
        read = [value for value in (values.get(path) for path in relation.cells) if value is not None]
        if (len(relation.right) == 1 and len(read) == len(relation.cells) and relation_holds(relation, values) is False
                and 2 * max(read) == sum(read)):
            key = relation.right[0].split(".")[1]
            _flag_row(table, key, out, WHY_OTHER_ORDER, "PARSE.SUM_IN_ANOTHER_ORDER",
                      "的数值之和不符，换一种列序则相符：转换可能打乱了列的顺序，请核对原文",
                      "the values do not add up as read but do in another column order: a conversion may have "
                      "moved a column")


def _flag_row(table: str, key: str, out: Built, why: str, code: str, message: str, message_en: str) -> None:
    if key not in out.rows:
        return
    cells = [cell for cell in out.rows[key].values() if not cell.uncertain]
    for cell in cells:
        cell.inferred, cell.uncertain = why, True
    if cells:
        paths = [_cell_path(table, key, column) for column in out.rows[key]]
        out.warnings.append(Warning(code, f"{_row_title(table, key)}{message}", f"{table}.{key}: {message_en}", paths))


def _note_orphans(stretches: list[list[str]], definition: editions.Table, out: Built,
                  relations: Sequence[editions.Relation]) -> None:
    """Value rows printed without their labels take the rows a stretch lacks in the order the
    table prints them: a table prints its rows in the edition's order, and a converter that
    lifts wrapped labels out of their rows (上海科委 2024) keeps the value rows in it, so the
    labelled rows around a stretch and its printed order place them.  The placement is noted
    (the cells keep WHY_ORPHAN as their source).  Where the table's sums fail as placed and
    fail less with two of the stretch's rows swapped, the printed order is in question and the
    stretch's rows are guesses; sums that fail whatever the order are the report's own."""
    values = _known_values(out.rows, "t3") if any(len(stretch) > 1 for stretch in stretches) else {}
    for stretch in stretches:
        by_row = {key: _cell_paths("t3", key, definition.columns) for key in stretch}
        if len(stretch) > 1 and _a_swap_fits_better(by_row, values, relations):
            for key in stretch:
                _flag_row("t3", key, out, WHY_ORPHAN_SWAP, "PARSE.ORPHAN_ORDER",
                          "的数字行缺少行名，按印刷顺序对应，而与同段另一行对调后算术关系更相符，请核对原文",
                          "an unlabelled value row placed by printed order; the sums fit better with it swapped")
            continue
        names = "、".join(f"“{row_name('t3', key)}”" for key in stretch)
        out.warnings.append(Warning(
            "PARSE.ORPHANS_PLACED",
            f"表三{names}行的数字行缺少行名，按其在前后有行名的行之间的印刷顺序对应",
            f"table 三: unlabelled value rows placed in printed order between the labelled rows around them: {', '.join(stretch)}",
            [path for paths in by_row.values() for path in paths]))


def _a_swap_fits_better(paths: dict[str, tuple[str, ...]], values: dict, relations: Sequence[editions.Relation]) -> bool:
    """Whether two rows of a stretch (their cells' paths by row) swapped leave fewer of the
    table's sums failing."""
    stretch = list(paths)
    cells = {p for row in paths.values() for p in row}
    through = [r for r in relations if not cells.isdisjoint(r.cells)]

    def failing(overlay: dict) -> int:
        return sum(relation_holds(r, values, overlay) is False for r in through)

    as_placed = failing({})
    if not as_placed:
        return False
    for i, a in enumerate(stretch):
        for b in stretch[i + 1:]:
            row_a, row_b = [values[p] for p in paths[a]], [values[p] for p in paths[b]]
            if row_a == row_b:
                continue
            swapped = dict(zip(paths[a], row_b)) | dict(zip(paths[b], row_a))
            if failing(swapped) < as_placed:
                return True
    return False


def _place_by_sums(out: Built, table: str, relations: Sequence[editions.Relation]) -> None:
    """A row that printed fewer values than columns (blank cells a text converter dropped, a
    value lost under a seal) has its values put, in printed order, in the columns where no
    relation of the table fails and one holds.  The left-out cells are first taken as blanks
    (nought in the sums); when no choice fits then, as unknown (a value printed but not read).
    A cell is settled when every choice that fits puts the same printed value in it (one
    choice, or 18 / 18 whose second 18 is the total whichever applicant column the first is
    in); the rest stay in doubt.

    Rows are taken again while one gives the next something to go on: a row whose every choice
    comes to the same counts (six 0 for seven cells: one nought left out, blank or 0, no one
    knows where) stays in doubt itself, but its counts are known to the sums of the rows after
    it (a row short of the 1 a seal hid is placed by its columns' totals)."""
    counted: dict[str, int | float] = {}  # counts known for the sums, cells still in doubt
    done: set[str] = set()
    while True:
        progress = False
        for key, cells in out.rows.items():
            printed = [cell for cell in cells.values() if cell.inferred == WHY_FEWER] or out.unsplit.get(key, [])
            if key in done or not printed or any(cell.value is None for cell in printed) or len(printed) >= len(cells):
                continue
            paths = [_cell_path(table, key, column) for column in cells]
            through = [r for r in relations if any(p in r.cells for p in paths)]
            # A blank counts as nought in the sums, as the left-out cells first do.
            sure = _sure_counts(out.rows, table, {key})
            sure.update({path: count for path, count in counted.items() if path not in paths and path not in sure})
            values = [cell.value for cell in printed]
            for gap in (0, None):
                fits, shown = _placements(paths, values, gap, sure, through)
                if not fits:
                    continue
                # A nought left out is a blank only where the table writes noughts as blanks:
                # elsewhere a 0 was lost (a crawler's, a seal's), and which it was is not known.
                blank = gap == 0 and _writes_nought_blank(out)
                # A nought left out shows as 0 where the table prints its noughts so, else blank.
                if shown is not None and not _prints_noughts(out):
                    shown = tuple(None if value == 0 else value for value in shown)
                row = _placed_row(cells, printed, fits, blank, shown)
                if row is not None:
                    # Placed whole, a row read as fused digits may leave more in doubt than the
                    # split did (some cells of which a sum confirmed): it is then kept split.
                    if _doubted(row) <= _doubted(cells):
                        _put_placed_row(out, table, key, row)
                    done.add(key)
                    progress = True
                elif gap == 0 and (counts := _same_counts(paths, values, fits)):
                    counted.update(counts)
                    out.rows[key] = _shown_in_total_columns(cells, printed, fits)
                    done.add(key)
                    progress = True
                break
        if not progress:
            break
    _suggest_unread(out, table, relations, counted)


def _suggest_unread(out: Built, table: str, relations: Sequence[editions.Relation], counted: dict) -> None:
    """A cell left out of a short row and not a blank (a value printed but not read) shows the
    value the table's arithmetic implies, still in doubt, where it implies one."""
    unread = _cells_inferred(out.rows, WHY_GAP_UNREAD)
    if not unread:
        return
    values = {**_known_values(out.rows, table), **counted}
    noughts = _prints_noughts(out)
    for key, column, cell in unread:
        implied = _implied_value(_cell_path(table, key, column), values, relations)
        # A nought is shown only where the table prints noughts as 0: elsewhere it may be a blank.
        if implied is not None and (implied != 0 or noughts):
            cell.value, cell.inferred = implied, WHY_GAP_IMPLIED


def _doubted(cells: dict[str, Cell]) -> int:
    return sum(cell.uncertain for cell in cells.values())


def _shown_in_total_columns(cells: dict[str, Cell], printed: list[Cell], fits: list[tuple[int, ...]]) -> dict[str, Cell]:
    """A row whose every placement comes to the same counts (one 无 for seven blank-or-nought
    cells) stays in doubt, cell by cell; it is shown as the placement that fills the most total
    columns (总计, and each group's in table 四) puts it, the others left out: a publisher who
    writes nothing else in a row mostly writes its total (seed 002 prints 无 in 总计 in four such
    rows of six and in all three groups of table 四, under 自然人 in the other two)."""
    columns = list(cells)
    fit = max(fits, key=lambda f: sum(columns[i].endswith("total") for i in f))
    row: dict[str, Cell] = {}
    for index, column in enumerate(columns):
        cell = replace(printed[fit.index(index)]) if index in fit else Cell(None, None)
        cell.inferred, cell.uncertain = WHY_FEWER_SAME_COUNTS, True
        row[column] = cell
    return row


def _same_counts(paths: list[str], values: list, fits: list[tuple[int, ...]]) -> dict[str, int | float] | None:
    """Each cell's count when every choice in `fits` comes to the same (left-out cells nought)."""
    counts = [[0] * len(paths) for _ in fits]
    for row, fit in zip(counts, fits):
        for index, value in zip(fit, values):
            row[index] = value
    if any(row != counts[0] for row in counts):
        return None
    return dict(zip(paths, counts[0]))


def _writes_nought_blank(out: Built) -> bool:
    """Whether the table's sure cells hold blanks and no 0."""
    sure = _sure_printed(out)
    return any(cell.value is None for cell in sure) and not any(cell.value == 0 for cell in sure)


def _prints_noughts(out: Built) -> bool:
    """Whether the table prints its noughts as 0 (or 无): a 0 among the values it printed, sure
    or not, and no blank among its sure cells (a layout text of a table that leaves its noughts
    blank prints none)."""
    printed = [cell for cells in out.rows.values() for cell in cells.values()
               if cell.raw and cell.inferred in _READ_WHOLE]  # not a piece of fused digits
    return any(cell.value == 0 for cell in printed) and not any(cell.value is None for cell in _sure_printed(out))


_READ_WHOLE = (None, WHY_FEWER, WHY_PLACED_BY_SUMS, WHY_FEWER_SAME_COUNTS)


def _sure_printed(out: Built) -> list[Cell]:
    return [cell for cells in out.rows.values() for cell in cells.values() if not cell.uncertain and not cell.inferred]


def _placements(paths: list[str], values: list, gap: int | None, sure: dict,
                through: Sequence[editions.Relation]) -> tuple[list[tuple[int, ...]], tuple | None]:
    """The column choices for `values` (in order) under which no relation fails and one holds,
    the other cells of the row holding `gap`.  With the left-out cells unknown (`gap` None: a
    value printed but not read), a choice under which a relation would need one of them below
    nought does not fit: counts never are.  The likeliest choices come first (see
    `_likeliest_first`).  Also the whole row the first choice gives, the left-out cells at
    `gap` or, unknown, at the counts the relations imply."""
    fits = []
    completions = {}
    for columns in combinations(range(len(paths)), len(values)):
        overlay: dict[str, int | float | None] = dict.fromkeys(paths, gap)
        overlay.update({paths[i]: value for i, value in zip(columns, values)})
        outcomes = [relation_holds(r, sure, overlay) for r in through]
        if False in outcomes or True not in outcomes:
            continue
        fits.append(columns)
        if gap is not None:
            completions[columns] = tuple(overlay[path] for path in paths)
            continue
        known = {**sure, **{path: value for path, value in overlay.items() if value is not None}}
        implied = {i: _implied_count(path, known, through) for i, path in enumerate(paths) if i not in columns}
        if all(possible for _, possible in implied.values()):
            completions[columns] = tuple(implied[i][0] if i in implied else overlay[path] for i, path in enumerate(paths))
    if not completions:
        # No choice leaves the lost values counts (the report's own sums fail there): the
        # counts say nothing, every choice that fits stays.
        return fits, None
    fits = _likeliest_first([fit for fit in fits if fit in completions], completions)
    return fits, completions[fits[0]]


def _implied_count(path: str, values: dict, relations: Sequence[editions.Relation]) -> tuple[int | float | None, bool]:
    """The count `path` must hold for the relations through it whose other cells are known (None
    when no relation settles it), and whether a count can: not when they need it below nought or
    disagree."""
    implied = set()
    for relation in relations:
        if path not in relation.cells:
            continue
        others_left = _all_known([values.get(p) for p in relation.left if p != path])
        others_right = _all_known([values.get(p) for p in relation.right if p != path])
        if others_left is None or others_right is None:
            continue
        implied.add(sum(others_right) - sum(others_left) if path in relation.left else sum(others_left) - sum(others_right))
    if not implied:
        return None, True
    value = implied.pop()
    return (value, True) if not implied and value >= 0 else (None, False)


def _likeliest_first(fits: list[tuple[int, ...]], completions: dict) -> list[tuple[int, ...]]:
    """The choices ordered by how many of them give the same whole row (a lost 1 put before or
    after a printed 1 gives one row twice): with the lost value equally likely to have stood in
    any column, the row most choices give is the likeliest, and it is the one shown, in doubt."""
    counts: dict = {}
    for fit in fits:
        counts[completions[fit]] = counts.get(completions[fit], 0) + 1
    return sorted(fits, key=lambda fit: -counts[completions[fit]])


def _placed_row(cells: dict[str, Cell], printed: list[Cell], fits: list[tuple[int, ...]], blank: bool,
                shown: tuple | None = None) -> dict[str, Cell] | None:
    """The row as the choices `fits` place `printed` in its columns: a cell every choice gives
    the same printed value (or leaves out) is settled, the others keep the first choice's value,
    in doubt (a cell the first choice leaves out shows the count it implies, in `shown`).
    None when no cell is settled."""
    # Per column, which printed value each choice puts in it (None: left out).
    held = [{fit.index(index) if index in fit else None for fit in fits} for index in range(len(cells))]
    if not any(len(h) == 1 and None not in h for h in held):
        return None
    row: dict[str, Cell] = {}
    for index, column in enumerate(cells):
        if held[index] == {None}:
            cell = Cell(None, None, inferred=WHY_GAP_BLANK) if blank else Cell(None, None, inferred=WHY_GAP_UNREAD, uncertain=True)
        elif len(held[index]) == 1:
            (only,) = held[index]
            assert only is not None
            cell = replace(printed[only], inferred=WHY_PLACED_BY_SUMS, uncertain=False)
        else:
            first = fits[0].index(index) if index in fits[0] else None
            if first is not None:
                cell = replace(printed[first], inferred=WHY_FEWER)
            else:
                implied = shown[index] if shown else None
                cell = Cell(implied, None, inferred=WHY_FEWER if implied is None else WHY_GAP_IMPLIED)
            cell.uncertain = True
            cell.alternatives = tuple(dict.fromkeys(
                printed[i].value if i is not None else None for i in held[index] if i != first))
        row[column] = cell
    return row


def _put_placed_row(out: Built, table: str, key: str, row: dict[str, Cell]) -> None:
    """The placed row in place of the read one, its warning in place of the reading's."""
    out.rows[key] = row
    paths = {_cell_path(table, key, column) for column in row}
    out.warnings = [w for w in out.warnings if not (w.code in ("PARSE.MISSING_VALUES", "PARSE.FUSED_UNCERTAIN")
                                                    and w.cells and w.cells[0] in paths)]
    doubted = [_cell_path(table, key, column) for column, cell in row.items() if cell.uncertain]
    left_out = [_cell_path(table, key, column) for column, cell in row.items() if cell.inferred == WHY_GAP_BLANK]
    said = ([f"以下单元格为空白：{_cell_titles(left_out)}"] if left_out else []) + (
        [f"以下单元格无法确定，请核对原文：{_cell_titles(doubted)}"] if doubted else [])
    out.warnings.append(Warning(
        "PARSE.VALUES_PLACED", f"{_row_title(table, key)}数值少于列数，按表内算术关系确定各值所在列；{'；'.join(said)}",
        f"{table}.{key}: fewer values than columns, placed by the arithmetic; blank: {', '.join(left_out) or '-'}; "
        f"in doubt: {', '.join(doubted) or '-'}", doubted or left_out))


def _fill_from_strays(readings: list[Reading], placed: dict[str, Reading], out: Built, relations) -> None:
    """A blank cell that the arithmetic fixes, matched by a loose number printed
    nearby (a converter moved it out of its cell), takes that number, flagged uncertain."""
    used = {id(r) for r in placed.values()}
    strays = [t for r in readings if r.row is None and id(r) not in used and len(r.tokens) == 1 for t in r.tokens]
    if not strays:
        return
    values = _known_values(out.rows, "t3")
    for row, column, cell in _cells_of(out.rows):
        path = _cell_path("t3", row, column)
        if cell.value is not None or cell.raw not in ("", None) and cell.raw.strip():
            continue
        implied = _implied_value(path, values, relations)
        if implied is None:
            continue
        for token in strays:
            if token.text == str(implied):
                cell.value, cell.raw = implied, token.text
                cell.location = {"start": token.start, "end": token.end}
                cell.inferred = WHY_STRAY
                cell.uncertain = True
                values[path] = implied
                strays.remove(token)
                out.warnings.append(Warning(
                    "PARSE.STRAY_VALUE", f"{cell_name(path)}为空，表外游离数字 {implied} 符合算术关系，推测属于此格",
                    f"{path}: blank; a loose number {implied} nearby fits the arithmetic and was placed here (uncertain)", [path]))
                break


def _implied_value(path: str, values: dict, relations) -> int | float | None:
    """The value `path` must have for every relation through it that is otherwise known to agree."""
    return _implied_count(path, values, relations)[0]


def _all_known(values: list[int | float | None]) -> list[int | float] | None:
    known = [v for v in values if v is not None]
    return known if len(known) == len(values) else None


# --------------------------------------------------------------------------- table 四

_T4_RELATIONS = tuple(r for r in editions.get(editions.EDITION_2021).relations if r.code.startswith("T4"))


def build_t4(document: Document, region: tuple[int, int] | None, layout: Layout = Layout(),
             hints: Callable[[], Sequence[Hint]] | None = None) -> Built:
    out = Built()
    if region is None:
        return out
    by_row = _t4_labelled_rows(document, region)
    if by_row:
        return _build_t4_by_row(by_row, document, layout, hints)
    columns = editions.T4.columns
    n = len(editions.T4.rows) * len(columns)
    tokens, spans, from_grid = t4_tokens(document, region, n)
    if not tokens:
        return out
    flat_columns = tuple(
        editions.Column(f"{row.key}.{c.key}", c.label) for row in editions.T4.rows for c in columns
    )
    reading = Reading("all", tokens, from_grid, 0, spans)
    flat = Built()
    pending = _Pending()
    _read_tokens("all", "t4", reading, flat_columns, flat, pending, document, layout)
    if pending.rows:
        _apply_resolutions("t4", pending, flat, {}, _T4_RELATIONS, hints)
    _place_by_sums(flat, "t4", _T4_RELATIONS)  # a blank cell a crawl of one value a line dropped
    out.warnings.extend(w for w in flat.warnings)
    for column_key, cell in flat.rows.get("all", {}).items():
        row, column = column_key.split(".")
        out.rows.setdefault(row, {})[column] = cell
    _confirm_joined(out, "t4", _T4_RELATIONS)
    if from_grid and tokens[0].text == "" and 0 not in spans:
        _doubt_first_cell_taken_blank(out)
    if not from_grid:
        _doubt_sums_in_another_order(out, "t4", _T4_RELATIONS)
    if not from_grid and (_flowed_by_column(document, tokens, len(columns))
                          or _values_after_header(document, tokens, region, len(columns))
                          or _run_goes_on_past_a_footer(document, tokens, region)):
        _doubt_every_cell("t4", out, WHY_FLOWED_BY_COLUMN, "PARSE.T4_FLOWED",
                          "表四的数值与表头文字交错印出（按列排出的转换结果），各值所在列无法确定，请核对原文",
                          "table 四's values are printed among its header's words (a conversion that flowed the "
                          "table column by column): which column each value is in is not known")
    out.status = TABLE_OK if not any(w.code == "PARSE.MISSING_VALUES" for w in flat.warnings) else TABLE_PARTIAL
    return out


def _any_two_characters(names: list[str]) -> re.Pattern[str]:
    """Any two neighbouring characters of `names`: a narrow box prints a name two characters a
    line (结果 / 维持)."""
    return re.compile("|".join(sorted({name[n:n + 2] for name in names for n in range(len(name) - 1)})))


def _words_or_characters_a_line(names: list[str]) -> re.Pattern[str]:
    """Two neighbouring characters of `names`, or, in a box narrower still, two of their
    characters each alone on its line, one after the other (结 / 结 / 其 / 尚: pdftotext's text of
    the header's boxes side by side, a character of each a line)."""
    characters = "".join(sorted(set("".join(names))))
    alone = rf"^[ \t\f]*[{characters}][ \t]*\n\s*[{characters}][ \t]*$"
    return re.compile(f"{_any_two_characters(names).pattern}|(?m:{alone})")


WHY_FIRST_TAKEN_BLANK = ("表四印出的数值比格子少一个，按表头后的首格为空白读取（请核对原文） / table 四 printed one value "
                         "fewer than its cells: the first cell, after the header, was read as blank")


def _doubt_first_cell_taken_blank(out: Built) -> None:
    """Table 四 read from a row of one value fewer than its cells after its header, the first cell
    taken as blank: a guess.  Where its sums hold with that cell nought, only it is in doubt; else a
    value was lost elsewhere and every cell may be a column off."""
    row, column = editions.T4.rows[0].key, editions.T4.columns[0].key
    first = out.rows.get(row, {}).get(column)
    if first is None:
        return
    values = {path: value or 0 for path, value in _known_values(out.rows, "t4").items()}  # blanks count as nought in a sum
    if all(relation_holds(r, values) for r in _T4_RELATIONS):
        first.inferred, first.uncertain = WHY_FIRST_TAKEN_BLANK, True
        out.warnings.append(Warning("PARSE.T4_FIRST_BLANK", "表四印出的数值比格子少一个，首格按空白读取，请核对原文",
                                    "table 四 printed one value fewer than its cells; its first cell was read as blank",
                                    [_cell_path("t4", row, column)]))
        return
    _doubt_every_cell("t4", out, WHY_FIRST_TAKEN_BLANK, "PARSE.T4_FIRST_BLANK",
                      "表四印出的数值比格子少一个，且按首格空白读取后表内合计不符：可能有数值丢失，各值所在列无法确定，请核对原文",
                      "table 四 printed one value fewer than its cells, and read with its first cell blank its sums "
                      "fail: a value may have been lost, so which column each value is in is not known")


_T4_COLUMN_NAMES = [c.label for c in editions.T4.columns]
# Table 四's header: its columns', rows' and groups' names.
_T4_HEADER_WORDS = _words_or_characters_a_line(
    _T4_COLUMN_NAMES + [name for row in editions.T4.rows for name in (row.label, row.group) if name])
# Its columns' names alone (结果维持 … 总计).
_T4_COLUMN_WORDS = _any_two_characters(_T4_COLUMN_NAMES)
WHY_FLOWED_BY_COLUMN = ("数值与表头文字交错印出，所在列无法确定（请核对原文） / the values are printed among the "
                        "header's words: their columns are not known")


def _flowed_by_column(document: Document, tokens: list[Token], group: int) -> bool:
    """Whether the header's words stand between two values of one group of table 四's single row:
    a PDF converted to text box by box (pdfminer's default) prints each column's header and its
    values together, column after column, so the values read in printed order are not in the
    columns' order.  Between groups (行政复议 / 行政诉讼 printed each over its own five values) the
    header's words are the next group's."""
    text = document.text
    for n in range(1, len(tokens)):
        if n % group and _T4_HEADER_WORDS.search(text, tokens[n - 1].end, tokens[n].start):
            return True
    return False


def _values_after_header(document: Document, tokens: list[Token], region: tuple[int, int], group: int) -> bool:
    """Whether table 四's header goes on after the value run read, with a group's worth of values
    after it, each a line of its own: the run read may be another table's values flowed in before
    the header ended (pdftotext's plain text puts the rest of a page's table 三 after the page's
    other text, table 四's header among it)."""
    header = _T4_HEADER_WORDS.search(document.text, tokens[-1].end, region[1])
    if header is None:
        return False
    lines = document.text[header.end():region[1]].split("\n")
    return sum(1 for line in lines if line.strip() and is_value_text(line)) >= group


def _run_goes_on_past_a_footer(document: Document, tokens: list[Token], region: tuple[int, int]) -> bool:
    """Whether the value run read crosses a page's footer and goes on after the values table 四
    takes: the values after the footer are a longer run than the table's rest, another table's
    column flowed in after the page's other text (pdftotext's plain text of a borderless table
    over a page break), not the table's values going on over the page."""
    text = document.text
    crossed = any(is_page_footer(line) for line in text[tokens[0].start:tokens[-1].end].split("\n"))
    if not crossed:
        return False
    after = next((line for line in text[tokens[-1].end:region[1]].split("\n")[1:] if line.strip()), "")
    return bool(after.strip()) and is_value_text(after)


def _t4_labelled_rows(document: Document, region: tuple[int, int]) -> dict[str, Reading] | None:
    """Table 四 printed one group per row (行政复议 / 未经复议直接起诉 / 复议后起诉, each with its
    five values) instead of the official single row of fifteen: every group labelled with values."""
    by_row = _labelled(_read_rows(document, region, "t4"))
    # Each group with a printed value: the group names in the official header's rows sit over
    # blank cells, which is no row of values; nor is a page's number (— 5 —).
    printed = all(any(token.text for token in reading.tokens) and not footer_reading(document, reading)
                  for reading in by_row.values())
    if len(by_row) != len(editions.T4.rows) or not printed:
        return None
    # Retyped one row a group, the header row is above the first group: no column's name stands
    # between a group's name and its values.  The official header read by a converter that flows
    # it (pdftotext: 未经复议直接起诉 / 结 / 果 / 维 / 持 … / 1 / 0 / 1 …) has them there.
    end = region[0]
    for row in editions.T4.rows:
        tokens = by_row[row.key].tokens
        gap = document.text[end:tokens[0].start]
        named = [hit for hit in find_labels(gap, editions.T4.rows) if hit.row == row.key]
        if _T4_COLUMN_WORDS.search("".join(gap[named[-1].end if named else 0:].split())):
            return None
        end = tokens[-1].end
    return by_row


def _build_t4_by_row(
    by_row: dict[str, Reading], document: Document, layout: Layout, hints: Callable[[], Sequence[Hint]] | None,
) -> Built:
    out = Built()
    pending = _Pending()
    for row in editions.T4.rows:
        _read_tokens(row.key, "t4", by_row[row.key], editions.T4.columns, out, pending, document, layout)
    _apply_resolutions("t4", pending, out, None, _T4_RELATIONS, hints)
    _confirm_joined(out, "t4", _T4_RELATIONS)
    out.status = TABLE_OK if not any(w.code == "PARSE.MISSING_VALUES" for w in out.warnings) else TABLE_PARTIAL
    return out


# --------------------------------------------------------------------------- table 二

def detect_t2_edition(text: str) -> tuple[str | None, str]:
    scores = {}
    for key, edition in editions.EDITIONS.items():
        hits = [s for s in edition.signatures if re.search(loose_pattern(s), text)]
        scores[key] = hits
    best = max(scores, key=lambda k: len(scores[k]))
    if not scores[best] or len(scores[editions.EDITION_2019]) == len(scores[editions.EDITION_2021]):
        return None, ""
    return best, "、".join(scores[best])


def build_t2(document: Document, region: tuple[int, int] | None, narrative: str, layout: Layout = Layout()) -> Built:
    out = Built()
    if region is None:
        return out
    edition, evidence = detect_t2_edition(document.text[region[0]:region[1]])
    expected = editions.get(edition).table("t2").rows if edition else None
    readings = _read_rows(document, region, "t2", out.warnings, expected)
    labelled = _labelled(readings)
    out.bare = _bare(readings, labelled)
    if edition is None:
        if labelled:
            out.warnings.append(Warning(
                "PARSE.T2_EDITION", "表二的表头不属于任一版本格式，无法确定列", "table 二: header matches neither edition"))
        return out
    out.edition, out.evidence = edition, evidence
    definition = editions.get(edition).table("t2")
    layout = _with_breaks_seen(layout, document, labelled, definition)
    out.values_broken = layout.values_broken
    pending = _Pending()
    merged_away = _merged_away(document, readings)
    for row in definition.rows:
        columns = definition.columns_of(row)
        if row.key not in labelled:
            out.rows[row.key] = unread_row(columns)
            # Printed under a merged cell: PARSE.MERGED_VALUES says so; its label alone: see below.
            if row.key not in merged_away and row.key not in out.bare:
                out.warnings.append(Warning(
                    "PARSE.ROW_NOT_PRINTED", f"表二未印出“{row.label}”行（记为空，非零）",
                    f"table 二: row {row.key} is not printed (left blank, not zero)",
                    [f"t2.{row.key}.{c.key}" for c in columns]))
            continue
        _read_tokens(row.key, "t2", labelled[row.key], columns, out, pending, document, layout)
    header_units = _header_units(document.text[region[0]:region[1]], definition)
    for key, amb in pending.rows.items():
        _resolve_t2_row(key, amb, definition, narrative, out, pending.how.get(key), key in pending.separated,
                        money_unit=header_units.get("amount"))
    _units_from_headers(header_units, definition, out)
    _flag_by_order(readings, labelled, "t2", out)
    _flag_before_strays(document, readings, labelled, out)
    _settle_rows_not_printed(document, region, readings, labelled, definition, out, merged_away)
    _doubt_joined_beside_unread(labelled, definition, out)
    _doubt_rows_kept_once(document, region, labelled, out)
    if layout.one_per_line and layout.runs_collapsed:
        _doubt_items_below_nought(out)
    _warn_labels_alone(definition, out, merged_away)
    _doubt_merged_rows("t2", document, readings, out, definition, set())
    out.rows = {row.key: out.rows[row.key] for row in definition.rows}
    out.status = TABLE_OK if labelled else TABLE_MISSING
    return out


WHY_BELOW_NOUGHT = ("上一年项目数量加本年增/减小于零：连续相同的行被合并，断成两行的数值可能只剩一半（如 88 断成 8 / 8），请核对原文 / "
                    "last year's count plus this year's change is below nought: in a crawl that collapsed runs of "
                    "equal lines, a value broken into two equal halves may have lost one")


def _doubt_items_below_nought(out: Built) -> None:
    """A 2019 table-二 row whose 上一年项目数量 and 本年增/减 add up below nought (`行政许可` / `8` /
    `-72` / `0`) counts no items this year, which cannot be: in a crawl that collapses runs of equal
    lines, a value broken over two lines into equal halves (88 as `8` / `8`) prints one of them."""
    for key, cells in out.rows.items():
        previous, change = cells.get("previous_year"), cells.get("change")
        if previous is None or change is None or previous.value is None or change.value is None:
            continue
        if previous.value + change.value < 0:
            _flag_row("t2", key, out, WHY_BELOW_NOUGHT, "PARSE.ITEMS_BELOW_NOUGHT",
                      "的上一年项目数量加本年增/减小于零，数值可能在断行后被合并，请核对原文",
                      "last year's count plus this year's change is below nought: a value may have been broken and "
                      "collapsed")


def _settle_rows_not_printed(
    document: Document, region: tuple[int, int], readings: list[Reading], labelled: dict[str, Reading],
    definition: editions.Table, out: Built, merged_away: set[str],
) -> None:
    """A row the table does not print is blank for certain, not unknown, when everything the
    table prints is accounted for: no value stands without a label, every value printed was read
    (values fused into the words of a label cut in two, `000事项`, are a row not read), every
    printed row was read without doubt (a label misread beyond recognition leaves its values
    behind, or adds them to the row before, which then reads too many digits), and a later row of
    the table is printed (a table cut short by a lost page or heading is not a table without its
    last rows).  Agencies without rule-making power often leave out the 规章 row."""
    keys = [row.key for row in definition.rows]
    last_printed = max((keys.index(key) for key in labelled if key in keys), default=-1)
    unprinted = [key for key in keys[:last_printed] if key not in labelled and key not in merged_away]
    if not unprinted or any(r.row is None and r.tokens for r in readings):
        return
    if any(cell.uncertain for key in labelled if key in out.rows for cell in out.rows[key].values()):
        return
    if _values_not_read(document, region, readings, in_notes=False):  # table 二's notes print numbers ("如-8")
        return
    for key in unprinted:
        if key in out.bare and _may_have_lost_its_line(document, region, len(out.rows[key])):
            continue
        for cell in out.rows[key].values():
            cell.inferred, cell.uncertain = WHY_LABEL_ONLY if key in out.bare else WHY_NOT_PRINTED, False


WHY_JOINED_BESIDE_UNREAD = ("数值多于列数，按断行的数值合并；表中另有行未读到数值，多出的数字也可能是那一行的（请核对原文） / more "
                            "values than columns, joined as a value broken over lines; another row of the table was not "
                            "read, and the values may be partly its")


def _doubt_joined_beside_unread(labelled: dict[str, Reading], definition: editions.Table, out: Built) -> None:
    """A table-二 row that read more value lines than it has cells (joined as values broken over
    lines, or split where fused), while another row of the table has no value read, or fewer than
    its cells, and is not settled: the lines may be partly that row's (a converter that drops
    short lines, `1` / `6`, dropped the label of 行政规范性文件 too, and 规章 read its values;
    pdftotext put 行政事业性收费's last value after 政府集中采购's `3` / `28291965元`), so every
    cell of the row is in doubt.  Table 二 has no arithmetic to tell the two apart."""
    unread = [row.key for row in definition.rows
              if (row.key not in labelled or len(labelled[row.key].tokens) < len(out.rows.get(row.key, {})))
              and any(cell.uncertain for cell in out.rows.get(row.key, {}).values())]
    if not unread:
        return
    for key, reading in labelled.items():
        cells = out.rows.get(key, {})
        if len(reading.tokens) > len(cells):
            _flag_row("t2", key, out, WHY_JOINED_BESIDE_UNREAD, "PARSE.JOINED_BESIDE_UNREAD",
                      "的数值多于列数，按断行的数值合并；表中另有行未读到数值，多出的数字也可能属于那一行，请核对原文",
                      "more values than columns, joined as a broken value, while another row was not read: "
                      "the values may be partly that row's")


WHY_KEPT_ONCE = ("转换时每行文字只保留一次，表中已有行缺少数值；此行可能也丢了重复的一行，并被跨行断开的数值补足了个数（请核对原文） / "
                 "the converter kept each line once and rows of the table lost values: this row may have lost a "
                 "repeated line too, its count made up by a value broken over lines")


def _doubt_rows_kept_once(document: Document, region: tuple[int, int], labelled: dict[str, Reading], out: Built) -> None:
    """Where a converter kept each line of table 二 once (trafilatura drops every line it has
    written before; no value repeats in the table) and a row lost values to it (fewer than its
    cells, or its label printed alone), every row with values is in doubt, the rows reading all
    their cells too: a value broken over two lines (`8` / `8` for 88) lost its second piece as
    seen before, and a row then reads `8 / 55 / 698` for 88, 55, 698; `1069` alone was 10690, its
    `0` dropped.  Table 二 has no arithmetic to tell."""
    read = [key for key, reading in labelled.items() if reading.tokens]
    if not out.bare and not any(len(labelled[key].tokens) < len(out.rows.get(key, {})) for key in read):
        return
    if not _lines_kept_once(document, region):
        return
    for key in read:
        _flag_row("t2", key, out, WHY_KEPT_ONCE, "PARSE.KEPT_ONCE",
                  "：转换时重复的行只保留了一次，表中已有行缺少数值，此行也可能少了一行（由跨行断开的数值补足个数），请核对原文",
                  "lines were kept once and rows lost values: this row may have lost a line too")


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _flag_before_strays(document: Document, readings: list[Reading], labelled: dict[str, Reading], out: Built) -> None:
    """A table-二 row followed by values no row took, with nothing between but notes (not past
    the next block's caption or a heading, not a page's number): they may be the row's own, a
    value of it broken over lines or printed with a note, so the row is in doubt."""
    text = document.text
    for n, reading in enumerate(readings):
        if reading.row is not None or not reading.tokens or footer_reading(document, reading):
            continue
        before = next((r for r in reversed(readings[:n]) if r.row is not None), None)
        if before is None or before.row is None or labelled.get(before.row) is not before or not before.tokens:
            continue
        if _HAN.search(NOTE.sub("", text[before.tokens[-1].end:reading.tokens[0].start])):
            continue
        _flag_row("t2", before.row, out, WHY_BESIDE_UNPLACED, "PARSE.BESIDE_UNPLACED_ROW",
                  "之后有无行名的数字无法对应，可能属于此行，请核对原文",
                  "values after it that no row took may be this row's")


def _warn_labels_alone(definition: editions.Table, out: Built, merged_away: set[str]) -> None:
    """A table-二 row printing its label and no value is printed, not left out: blank when what
    the table prints is accounted for (`_settle_rows_not_printed`), else its values unknown."""
    for row in definition.rows:
        if row.key not in out.bare or row.key in merged_away or row.key not in out.rows:
            continue
        paths = [_cell_path("t2", row.key, column) for column in out.rows[row.key]]
        if any(cell.uncertain for cell in out.rows[row.key].values()):
            out.warnings.append(Warning(
                "PARSE.ROW_VALUES_NOT_READ", f"表二“{row.label}”行印出了行名，但未读到其数值（请核对原文）",
                f"table 二: row {row.key} prints its label but its values were not read", paths))
        else:
            out.warnings.append(Warning(
                "PARSE.ROWS_LABEL_ONLY", f"表二“{row.label}”行只印出行名，没有数值，记为空（非零）",
                f"table 二: row {row.key} prints its label and no value, left blank (not zero)", paths))


def _units_from_headers(header_units: dict[str, str], definition: editions.Table, out: Built) -> None:
    """A money cell printed without a unit takes the unit its column header names
    ("采购总金额（元）")."""
    for row in definition.rows:
        for column in definition.columns_of(row):
            unit = header_units.get(column.key)
            cell = out.rows.get(row.key, {}).get(column.key)
            if unit and cell is not None and cell.value is not None and cell.unit is None:
                cell.unit = unit


def _header_units(text: str, definition: editions.Table) -> dict[str, str]:
    """Column key → the unit its header names ("采购总金额（万元）"), for the money columns
    whose header names one."""
    units = {}
    for column in {c.key: c for row in definition.rows for c in definition.columns_of(row) if c.unit_key}.values():
        header = re.search(loose_pattern(column.label) + r"\s*\(\s*(万元|元)\s*\)", text)
        if header:
            units[column.key] = header.group(1)
    return units


# Words of narrative after a row label within which a number is taken to be about
# that row ("现行有效行政规范性文件698件，本年度制发88件" is 20 characters).
_NARRATIVE_REACH = 24


def _narrative_numbers(narrative: str, row: editions.Row) -> set[float]:
    numbers: set[float] = set()
    for label in row.labels:
        for match in re.finditer(loose_pattern(label), narrative):
            window = narrative[match.end(): match.end() + _NARRATIVE_REACH]
            numbers.update(float(n) for n in re.findall(r"\d+(?:\.\d+)?", window))
    return numbers


# Centralised procurement: the amount a project, in yuan, is 10^3.7 to 10^7.0 in the corpus's
# reports (4,600 to 9.4 million yuan).  A split of fused digits outside this band (one project of
# 3.6 billion yuan: 13575394432.52 read 1 | 3575394432.52 rather than 135 | 75394432.52) is less
# plausible by the orders of magnitude it lies outside; within it every split is as plausible
# (328291965元 is 3 projects of 9.4 million, not 32 of 260,000, though 32 is nearer the corpus's
# median, 10^5.4).
_LOG_YUAN_A_PROJECT = (3.5, 7.25)


def _t2_prior(columns: tuple[str, ...], pieces: list[Piece], money_unit: str | None = None) -> float:
    """Plausibility of a reading of a table-二 row, used only to order guesses.

    A lone `0` read as a zero cell counts for the reading: zero is by far the commonest
    value in these tables (89% of the corpus's gold cells) while a non-zero value ending
    in 0 is rare (under 1%), so `88-720` reads 88 / -72 / 0 before 88 / -7 / 20.  The
    amount's unit is its own (15909.76万元) or else its column header's (`money_unit`)."""
    values = [piece.value for piece in pieces]
    v = dict(zip(columns, values))
    score = float(sum(value == 0 for value in values))
    if "new_made" in v:
        score += 2 * (v["new_made"] == v["new_published"]) + (v["new_published"] <= v["total_published"])
    if "change" in v:
        score += 2 * (v["change"] == 0) + (v["previous_year"] + v["change"] >= 0)
    if "in_force" in v:
        score += v["in_force"] >= v["issued"]
    if "projects" in v:  # no projects, no money; some projects, some money
        score -= 3 * ((v["projects"] == 0) != (v["amount"] == 0))
        if v["projects"] > 0 and v["amount"] > 0:
            unit = pieces[columns.index("amount")].unit or money_unit
            yuan = v["amount"] * (10_000 if unit == "万元" else 1)
            low, high = _LOG_YUAN_A_PROJECT
            per_project = math.log10(yuan / v["projects"])
            score -= max(0.0, low - per_project, per_project - high)
    return score


def _warn_broken_runs(out: Built, key: str, row: editions.Row, printed: Sequence[Piece], doubted: Sequence[str]) -> None:
    out.warnings.append(Warning(
        "PARSE.BROKEN_RUNS", f"表二“{row.label}”行（{' '.join(p.text for p in printed)}）：连续相同的行被合并，"
        "且表中有数值跨行断开，此行的数值可能断开后又被合并，无从核对，标记为推测（请核对原文）",
        f"t2.{key}: runs of equal lines collapsed and values broken over lines; the row may hold a broken "
        "value collapsed, with nothing to confirm it: flagged uncertain", [f"t2.{key}.{c}" for c in doubted]))


def _resolve_t2_row(
    key: str, amb: Ambiguity, definition: editions.Table, narrative: str, out: Built, how: str | None = None,
    separated: bool = False, money_unit: str | None = None,
) -> None:
    row = definition.row(key)
    columns = tuple(c.key for c in definition.columns_of(row))
    candidates = amb.candidates
    stated = _narrative_numbers(narrative, row)
    if len(candidates) == 1:
        out.rows[key] = {c: _piece_cell(p, how or WHY_SPLIT_BY_COUNT) for c, p in zip(columns, candidates[0])}
        if separated and not {float(p.value) for p in candidates[0]} <= stated:
            # Fewer values printed apart than columns, split with nothing to confirm it:
            # "14 / 4" may be 1,4,4 or 14 and 4 with a blank cell.
            for cell in out.rows[key].values():
                cell.uncertain = True
            if how == HOW_BROKEN_RUNS:
                _warn_broken_runs(out, key, row, candidates[0], columns)
                return
            out.warnings.append(Warning(
                "PARSE.MISSING_VALUES",
                f"表二“{row.label}”行印出的数值少于列数（{' '.join(p.text for p in candidates[0])}），"
                "按位数拆分无从核对，标记为推测；也可能是空白单元格",
                f"t2.{key}: fewer values than columns, split by digit count with nothing to confirm it; flagged uncertain",
                [f"t2.{key}.{c}" for c in columns]))
        return
    # Distinct values only: one stated number cannot vouch for two cells of a reading.
    support = [len({float(p.value) for p in cand} & stated) for cand in candidates]
    top = max(support)
    settled = top >= len(columns) - 1 and support.count(top) == 1
    if settled:
        chosen = candidates[support.index(top)]
        out.rows[key] = {c: _piece_cell(p, WHY_SPLIT_BY_TEXT) for c, p in zip(columns, chosen)}
        if how == HOW_BROKEN_RUNS:
            # The narrative vouches for the numbers it states.  Any other line may be half of a value
            # broken into equal halves and collapsed (`5` for 55), which no candidate shows.
            unstated = [c for c, p in zip(columns, chosen) if float(p.value) not in stated]
            for c in unstated:
                out.rows[key][c].uncertain, out.rows[key][c].inferred = True, HOW_BROKEN_RUNS
            if unstated:
                _warn_broken_runs(out, key, row, chosen, unstated)
        return
    ranked = sorted(range(len(candidates)), key=lambda i: -(3 * support[i] + _t2_prior(columns, candidates[i], money_unit)))
    chosen = candidates[ranked[0]]
    out.rows[key] = {c: _piece_cell(p, WHY_SPLIT_BY_PLAUSIBILITY) for c, p in zip(columns, chosen)}
    uncertain = [c for j, c in enumerate(columns) if len({cand[j].value for cand in candidates}) > 1 or how == HOW_BROKEN_RUNS]
    for j, c in enumerate(columns):
        if c in uncertain:
            out.rows[key][c].uncertain = True
            out.rows[key][c].alternatives = tuple(sorted({cand[j].value for cand in candidates} - {chosen[j].value}))
    out.warnings.append(Warning(
        "PARSE.FUSED_UNCERTAIN",
        f"表二“{row.label}”行{'数字粘连' if how is None else '印出的数值个数与列数不符'}（{' '.join(p.text for p in chosen)}），"
        f"表二无算术关系可核对，{len(candidates)} 种读法均可能，取最合理者并标记为推测",
        f"t2.{key}: {'fused digits' if how is None else 'values printed do not match the columns'} with {len(candidates)} "
        "possible readings and no arithmetic to decide; the most plausible is kept and flagged uncertain",
        [f"t2.{key}.{c}" for c in uncertain]))
