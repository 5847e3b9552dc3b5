"""Tables drawn with box-drawing characters, as text browsers (`w3m -dump`, `links -dump`) and
table printers write a web page's or a document's tables:

    ┌────────────┬──────────┬──────────┐
    │信息内容    │本年制发件数│现行有效件数│
    ├────────────┼──────────┼──────────┤
    │            │1.属于国家 │2         │
    │（三）不    │秘密       │          │
    │予公开      ├──────────┼──────────┤
    │            │2.其他…    │1         │

A cell is a region the rules enclose: a wrapped cell spans several lines, a merged one several
rows or columns (its text centred in it, as `（三）不 / 予公开` above), and the rules between
rows may stop at a merged cell.  The cells are found as such regions on the grid of display
columns (a CJK character takes two), and laid on the table's rows and columns as the HTML
reader lays a table's cells: each cell once, at its first row and column, with its spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..document import RawCell, RawParagraph, RawTable
from ..values import is_value_text
from ..widths import char_width
from .connected import connected

Blocks = list[RawParagraph | RawTable]

# Unicode's box-drawing block (U+2500–U+257F): rules, corners and junctions alike bound cells.
_BOX_CHAR = re.compile("[\u2500-\u257f]")
# The plain vertical rules (no junction): between two of them with nothing between is a cell.
_BARS = frozenset("│┃║╎╏┆┇┊┋")
# The rules running only left-right: the others (bars, corners, junctions) mark a column's edge.
_HORIZONTAL = frozenset("─━═┄┅┈┉╌╍╴╶╸╺")
# A drawn table has rules across at least this many lines (a top, a row, a bottom); fewer box
# characters in a text are decoration, read as text.
_MIN_TABLE_LINES = 3
# As the HTML reader's bound on a table's grid: broken or hostile drawings (a line of a million
# rules) are read as text, not as a table of a million cells.
_MAX_CELLS = 20_000
# Lines wider than this many display columns are not a table's (a report's widest, table 三
# with its long labels, is under 400 in `w3m -dump -cols 400`).
_MAX_WIDTH = 2_000
# Nor is a drawing of more lines than this (table 三 with every label wrapped at five characters
# is under 200): a hostile file of rules is read as text, in the text reader's bounds.
_MAX_LINES = 2_000


# The same drawn in ASCII, as Markdown's grid tables (pandoc's for a Word table) and table
# printers draw them: rules of `+`, `-` and `=` between rows of cells between `|`.
_ASCII_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_ASCII_RULE_ANYWHERE = re.compile(r"^\s*\+[-=:]+\+", re.MULTILINE)
_ASCII_PARTIAL_RULE = re.compile(r"\+(?:[-=:]+\+)+")
_ASCII_RULE_PIECE = re.compile(r"\+*[-=:][-=:+]*")
_ASCII_AS_BOX = str.maketrans("+-=:|", "┼─═─│")


def has_box_table(text: str) -> bool:
    """Whether `text` may hold a drawn table: a vertical rule, or an ASCII grid's rule.  Tested
    by substring first: a pattern over every text the reader reads cost a fortieth of its time."""
    if "│" in text or "║" in text:  # a light rule (text browsers draw those) or a double one
        return True
    return "+" in text and ("+-" in text or "+=" in text) and _ASCII_RULE_ANYWHERE.search(text) is not None


def read_box_text(lines: list[str], rest: Callable[[list[str]], Blocks]) -> Blocks:
    """Paragraphs and tables of text holding drawn tables, in order: each run of lines holding
    box characters read as a table, the lines between them by `rest` (the text reader)."""
    lines = _ascii_grids_as_box(lines)
    blocks: Blocks = []
    as_text: list[str] = []  # lines for the text reader since the last table
    start = 0
    for first, end in _drawn_runs(lines):
        as_text.extend(lines[start:first])
        start = end
        table = read_drawn_table([line for line in lines[first:end] if line.strip()])
        if table is None:
            as_text.extend(_as_text_rows(_units_rejoined(lines[first:end])))
            continue
        if as_text:
            blocks.extend(rest(as_text))
        blocks.append(table)
        as_text = []
    as_text.extend(lines[start:])
    if as_text:
        blocks.extend(rest(as_text))
    return blocks


# A unit a narrow cell wrapped onto its own line, below its number.
_UNIT_ALONE = re.compile(r"\s*(?:万\s*)?元\s*")


def _units_rejoined(lines: list[str]) -> list[str]:
    """The lines of a drawing read as text, a value's unit that its narrow cell wrapped onto the
    cell's next line (`│政府集中采│135 │75394432.52│` / `│购 │ │元 │`) put back after the value:
    the next line of cells, as many as the line's, holds the unit alone where the line holds a
    number."""
    out = list(lines)
    drawn = [n for n, line in enumerate(out) if line.strip()]  # a blank line between is no line of the drawing
    for m, n in zip(drawn, drawn[1:]):
        above, here = out[m].split("│"), out[n].split("│")
        if len(above) != len(here) or not _cells_only(out[m]) or not _cells_only(out[n]):
            continue
        for c, cell in enumerate(here):
            if cell.strip() and _UNIT_ALONE.fullmatch(cell) and above[c].strip()[-1:].isdigit():
                above[c], here[c] = above[c].rstrip() + cell.strip(), ""
        out[m], out[n] = "│".join(above), "│".join(here)
    return out


def _as_text_rows(lines: list[str]) -> list[str]:
    """The lines of a drawing read as text, as the text reader reads a table's rows: the lines of
    cells between two rules joined cell by cell into one where they are one row wrapped (a label
    over three lines, its values on the second), and each line of cells ending in values (table
    四's fifteen, `│1 │0 │1 │…│`, or a row's after its label) written with the values parted by
    tabs, a blank cell among them an empty one, no bar glued to them."""
    out: list[str] = []
    band: list[list[str]] = []  # the lines of cells since the last rule, split at their bars
    for line in [*lines, "└"]:  # a closing rule ends the last band
        if not line.strip():
            continue  # a blank line after each of a page's paragraphs (see _drawn_runs)
        if _cells_only(line) and not _BOX_CHAR.search(line.replace("│", "")):
            band.append(line.split("│"))
            continue
        out.extend(_values_apart(cells) for cells in _one_row(band))
        band = []
        out.append(line)
    return out[:-1]


# A row's label opening with its number (1. （三） 一、) or a caption naming an article
# (第二十条第（六）项) starts a row; it continues none.
OPENS_A_ROW = re.compile(r"\s*(?:\d+\s*[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+\s*、|第[一二三四五六七八九十百\d]+条)")


def _one_row(band: list[list[str]]) -> list[list[str]]:
    """The lines of cells between two rules as one line where they are one row wrapped: as many
    cells on each line, no column printing a value on two lines, and none opening a row with its
    number below text of its own (a drawing with no rule between its rows prints a row a line; a
    tool that kept each line once dropped the rules between rows alike; a merged group's label
    centred beside a row opens in a column empty above it)."""
    if len(band) < 2 or any(len(cells) != len(band[0]) for cells in band):
        return band
    for n, cells in enumerate(band[1:], 1):
        if any(OPENS_A_ROW.match(cell.strip()) and any(line[k].strip() for line in band[:n])
               for k, cell in enumerate(cells)):
            return band
    columns = list(zip(*band))
    if any(sum(1 for cell in column if cell.strip() and is_value_text(cell)) > 1 for column in columns):
        return band
    return [["".join(cell.strip() for cell in column) for column in columns]]


def _values_apart(cells: list[str]) -> str:
    """A line of cells (split at its bars) as a row for the text reader: where it ends in values,
    its label cells' text, then each value cell after a tab; otherwise as it was drawn."""
    line = "│".join(cells)
    inner = [cell.strip() for cell in (cells[1:-1] if len(cells) > 2 else cells)]
    first = len(inner)
    while first and (not inner[first - 1] or is_value_text(inner[first - 1])):
        first -= 1
    if not any(inner[first:]):
        return line
    label = " ".join(cell for cell in inner[:first] if cell)
    return "\t".join([label, *inner[first:]] if label else inner[first:])


def _ascii_grids_as_box(lines: list[str]) -> list[str]:
    """ASCII grid tables drawn again in box characters: from a rule, the rules and the rows
    opening with `|` that follow, through the last rule (a cell's text keeps its `+`, `-`)."""
    out = list(lines)
    n = 0
    while n < len(lines):
        if not _ASCII_RULE.match(lines[n]):
            n += 1
            continue
        end = last_rule = n
        while end < len(lines) and (_ASCII_RULE.match(lines[end]) or lines[end].lstrip().startswith("|")):
            if _ASCII_RULE.match(lines[end]):
                last_rule = end
            end += 1
        for k in range(n, last_rule + 1):
            out[k] = lines[k].translate(_ASCII_AS_BOX) if _ASCII_RULE.match(lines[k]) else _ascii_row_as_box(lines[k])
        n = last_rule + 1
    return out


def _ascii_row_as_box(line: str) -> str:
    """A grid table's row line: its bars, and the rules it holds where a cell spanning rows
    stops the rule between them (`|      +------+---+`, links's `|      |------+---|`)."""
    pieces = [piece.translate(_ASCII_AS_BOX) if _ASCII_RULE_PIECE.fullmatch(piece)
              else _ASCII_PARTIAL_RULE.sub(lambda rule: rule.group().translate(_ASCII_AS_BOX), piece)
              for piece in line.split("|")]
    return "│".join(pieces)


# A drawn line that may close its table: a bottom corner, or an ASCII rule (drawn again as `┼…`),
# which pandoc's grid tables print between rows and at the bottom alike.
_CLOSING = ("└", "╚", "┗", "┼")


def _drawn_runs(lines: list[str]) -> list[tuple[int, int]]:
    """The runs of lines holding box characters, as (first, end).  Blank lines inside a table
    belong to it (a web page of a `<p>` a line, as a text browser drew it, comes out of most
    tools with a blank line after each), except after a line that may close the table, where
    they part it from the next."""
    runs: list[tuple[int, int]] = []
    first = last = None
    for n, line in enumerate([*lines, ""]):
        if _BOX_CHAR.search(line):
            first = n if first is None else first
            last = n
        elif first is not None and last is not None:
            if not line.strip() and n < len(lines) and not lines[last].lstrip().startswith(_CLOSING):
                continue
            if _drawn_lines(lines[first:last + 1]) >= _MIN_TABLE_LINES:
                runs.append((first, last + 1))
            first = last = None
    return runs


def _drawn_lines(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip())


def read_drawn_table(lines: list[str]) -> RawTable | None:
    """The table drawn in `lines`; None when they enclose no cell (rules only) or too many."""
    if len(lines) > _MAX_LINES:
        return None
    # Box characters are "ambiguous" in width: one column to most tools, two in a CJK locale;
    # some tools (links) give every character one column, CJK included.  The reading under
    # which the rules of one line meet the next line's is the file's.
    segments, _, (met, down) = max((_segments(lines, wide, ambiguous) for wide, ambiguous in _WIDTHS),
                                   key=lambda read: read[1])
    if not segments or len(segments) > _MAX_CELLS or met < _MIN_LINED_UP * down:
        return None
    return _table(_regions(segments))


# A stretch of one line between two box characters: (line, first column, end column, text).
_Segment = tuple[int, int, int, str]


# (columns of an East Asian wide character, of one of ambiguous width), by the tools that draw.
_WIDTHS = ((2, 1), (2, 2), (1, 1))

# The share of the bars on a drawing's lines of cells that meet one on the line of cells right
# above, at least, under the widths that line it up best, for its cells to be read as the regions
# the rules enclose.  Every report's tables as w3m draws them, narrow or wide, meet all of
# theirs; the same with each run of spaces cut to one (the drawing put in a web page's
# paragraphs, which a browser and the tools that read pages print so) 0.29–0.69, and their
# regions then join cells of different columns.  Such lines are read as text: rows of cells
# between bars, which the text reader reads as a table's rows.
_MIN_LINED_UP = 0.9


def _segments(lines: list[str], wide: int, ambiguous: int) -> tuple[list[_Segment], int, tuple[int, int]]:
    """Each line's stretches between box characters (text before a line's first one or after its
    last is outside the table), by display column: a character East Asian wide takes `wide`, one
    of ambiguous width (box characters, curly quotes) `ambiguous`.  With them, how well the
    drawing lines up so read: the rules running down (bars, junctions) that meet one on the next
    line (-1 for a line too wide to be a table's); and, of the bars on lines of cells right below
    another such line (no rule across between them), how many meet one above, of how many."""
    out: list[_Segment] = []
    met, above = 0, set[int]()
    cells_met = cells_down = 0
    for n, line in enumerate(lines):
        column, start, after_bar = 0, None, False
        text: list[str] = []
        here = set()
        for char in line.rstrip():
            if _BOX_CHAR.match(char):
                # A column empty in every row is drawn with no width (`││`): an empty cell.
                if start is not None and (column > start or (after_bar and char in _BARS)):
                    out.append((n, start, column, "".join(text)))
                if char not in _HORIZONTAL:
                    here.add(column)
                column += ambiguous
                start, text, after_bar = column, [], char in _BARS
            else:
                column += char_width(char, wide, ambiguous)
                text.append(char)
            if column > _MAX_WIDTH:
                return [], -1, (0, 0)
        met += len(here & above)
        if n and _cells_only(line) and _cells_only(lines[n - 1]):
            cells_met, cells_down = cells_met + len(here & above), cells_down + len(here)
        above = here
    return out, met, (cells_met, cells_down)


def _cells_only(line: str) -> bool:
    """Whether a drawn line holds cells only, no rule across."""
    return not any(char in _HORIZONTAL for char in line)


def _regions(segments: list[_Segment]) -> list[list[_Segment]]:
    """The segments joined into regions: two on neighbouring lines whose columns overlap lie in
    one cell (no rule between them)."""
    by_line: dict[int, list[int]] = {}
    for i, (line, *_rest) in enumerate(segments):
        by_line.setdefault(line, []).append(i)
    return connected(segments, ((i, j) for line, here in by_line.items() for i in here
                                for j in by_line.get(line + 1, ()) if _meet(segments[i], segments[j])))


def _meet(a: _Segment, b: _Segment) -> bool:
    """Whether two segments on neighbouring lines overlap in columns (or, both of no width, stand
    at one column)."""
    return (a[1] < b[2] and b[1] < a[2]) or (a[1] == b[1] and a[2] == b[2])


def unwrapped(lines: list[str]) -> str:
    """A cell's lines as the one text the drawing wrapped to the column's width: Chinese and
    numbers are wrapped anywhere and join with nothing between, words at a space."""
    text = ""
    for line in filter(None, lines):
        text += " " + line if _LATIN_END.search(text) and _LATIN_START.match(line) else line
    return text


_LATIN_END = re.compile(r"[A-Za-z,.;:]$")
_LATIN_START = re.compile(r"[A-Za-z]")


def _table(regions: list[list[_Segment]]) -> RawTable | None:
    boxes = []
    for region in regions:
        top, bottom = min(s[0] for s in region), max(s[0] for s in region)
        left, right = min(s[1] for s in region), max(s[2] for s in region)
        boxes.append((top, bottom, left, right, unwrapped([s[3].strip() for s in sorted(region)])))
    tops = sorted({box[0] for box in boxes})
    lefts = sorted({box[2] for box in boxes})
    if len(tops) < 2 or len(lefts) < 2:
        return None
    row_of = {top: r for r, top in enumerate(tops)}
    col_of = {left: c for c, left in enumerate(lefts)}
    rows: list[list[RawCell]] = [[] for _ in tops]
    for top, bottom, left, right, text in sorted(boxes):
        r, c = row_of[top], col_of[left]
        rowspan = sum(1 for t in tops[r:] if t <= bottom)
        colspan = max(1, sum(1 for x in lefts[c:] if x < right))  # a column of no width: one
        rows[r].append(RawCell(text, r, c, rowspan, colspan))
    for row in rows:
        row.sort(key=lambda cell: cell.col or 0)
    return RawTable([row for row in rows if row])

