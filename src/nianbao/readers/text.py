"""Plain-text and Markdown reports: decoding and layout.

Text reaches us in five layouts, all turned into paragraphs and cell grids:
- Word exports with one table cell per line, each cell line starting with a tab,
  rows separated by blank lines, and long cells wrapped onto untabbed lines;
- pipe rows (``a | b | c |``): Markdown tables (a PDF converter's in pieces, a web page
  converter's with ``<br>`` in cells), html2text's (pipes between cells only), antiword's
  (cells padded, long labels wrapped onto lines of their own);
- tables drawn with box characters or ASCII rules (`box_text`): text browsers' dumps, grid tables;
- flowing text, e.g. crawled pages with the whole report on one line;
- layout text, a PDF converted with its layout kept (`layout_text`): tables by their columns'
  positions.
Character references a crawl kept (``&nbsp;``) are read as their characters first.
"""

from __future__ import annotations

import codecs
import html
import math
import operator
import re
from collections import Counter
from itertools import compress, repeat

from ..document import RawCell, RawDocument, RawParagraph, RawTable
from ..errors import UnreadableInput
from ..values import is_value_text
from ..widths import display_width
from .box_text import OPENS_A_ROW, has_box_table, read_box_text, unwrapped
from .layout_text import looks_like_layout_text, read_layout

# A crawler's header block ("标题: …", "发布时间: …") ending in a rule line.
_CRAWL_FIELD = re.compile(r"^(标题|发布时间|文号|发布机构|栏目|原文链接)\s*[:：]\s*(.*)$")
_CRAWL_BODY = re.compile(r"^=+\s*正文\s*=+\s*$")
_CRAWL_META_KEYS = {"标题": "title", "发布时间": "published", "发布机构": "publisher", "文号": "doc_number"}
_MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Share of control characters above which bytes are not text.  Real reports have
# tabs and newlines only; 1% leaves room for a stray form feed or two.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
REPLACEMENT = "\ufffd"
# A run of spaces (any kind, tabs included; not line breaks, which carry the layout) longer
# than this is cut to it.  No report needs more: column gaps in text exports are a few dozen
# spaces, and more tabs than columns only repeat empty cells.  The parser's label and value
# patterns try a whitespace run several ways, so a hostile run costs them its length squared
# or cubed (a cell "1", 2,000 ideographic spaces, "x": 11 s); bounded runs keep that work
# linear in the size of the file.
MAX_SPACE_RUN = 64
_LONG_SPACE_RUN = re.compile(rf"[^\S\n]{{{MAX_SPACE_RUN + 1},}}")


# A run longer than MAX_SPACE_RUN covers at least one whole block of this many characters
# starting at a multiple of it (a run of 2 × size − 1 characters does, wherever it starts).
_SPACE_BLOCK = (MAX_SPACE_RUN + 2) // 2


def bound_space_runs(text: str) -> str:
    if len(text) <= MAX_SPACE_RUN or not _may_hold_long_space_run(text):
        return text
    return _LONG_SPACE_RUN.sub(lambda run: run.group()[:MAX_SPACE_RUN], text)


def _may_hold_long_space_run(text: str) -> bool:
    """False when no block of _SPACE_BLOCK characters is all spaces, so that no run is too long.
    A few string tests a page: the pattern itself tries every position of the text, and cost
    a twentieth of a text report's parse."""
    starts = compress(range(0, len(text) - _SPACE_BLOCK + 1, _SPACE_BLOCK), map(str.isspace, text[::_SPACE_BLOCK]))
    return any(text[i:i + _SPACE_BLOCK].isspace() for i in starts)  # blocks that open with a space


def damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a flipped bit, a cut character), each shown as U+FFFD;
    None when the damage passes _MAX_CONTROL_SHARE.  UTF-8 is strict enough that text in any
    other encoding fails on most of its non-ASCII characters, far above that share, so a
    GB18030 file is never read as damaged UTF-8 (GB18030 itself accepts almost any bytes and
    is never decoded leniently)."""
    text = data.decode("utf-8", errors="replace")
    return text if text.count(REPLACEMENT) <= _MAX_CONTROL_SHARE * len(text) else None


def damage_warning(text: str) -> list[str]:
    damaged = text.count(REPLACEMENT)
    if not damaged:
        return []
    return [f"{damaged} 处字节无法解码（文件可能已损坏），以 \ufffd 代替 / "
            f"{damaged} damaged byte sequence(s) could not be decoded and were replaced by \ufffd"]


def decode(data: bytes) -> str:
    """Bytes → text: BOM first, then strict UTF-8, then GB18030, then UTF-8 with a few
    damaged bytes, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if _looks_utf16(data):
        return data.decode("utf-16-le" if data[1] == 0 else "utf-16-be", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            # A file cut off in the middle of a multi-byte character is still that encoding.
            if exc.start >= len(data) - 3:
                return data[: exc.start].decode(encoding, errors="replace")
    if (text := damaged_utf8(data)) is not None:
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableInput("无法识别文件编码，不是文本文件", "cannot detect the text encoding; not a text file")
    return str(best)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:400]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4)


def _check_is_text(text: str) -> None:
    if not text.strip():
        raise UnreadableInput("文件为空", "the file is empty")
    controls = len(_CONTROL.findall(text))
    replaced = text.count("\ufffd")
    if (controls + replaced) / len(text) > _MAX_CONTROL_SHARE:
        raise UnreadableInput("文件不是可读的文本（疑似二进制或损坏）", "the file is not readable text (binary or corrupt)")


# The reader cuts long space runs itself (`read` below): the readers' shared pass over every
# paragraph and cell (`readers.read`) would only repeat it.
BOUNDS_SPACE_RUNS = True


def read(data: bytes, *, source: str | None = None) -> RawDocument:
    text = _unescaped(decode(data).replace("\r\n", "\n").replace("\r", "\n"))
    if "<" in text and _BREAK_TAG.search(text):
        text = _broken_at_tags(text)
    bounded = bound_space_runs(text)
    _check_is_text(bounded)
    meta, body = _split_crawl_header(bounded)
    return RawDocument(_blocks(text, body, len(body) != len(bounded)), "text", meta, damage_warning(text))


# A character reference a crawl kept from the page's markup (`&nbsp;`, `&ldquo;`, `&#12288;`),
# with its semicolon: a report's own "&" (a company's name) is no such reference.
_CHARACTER_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


# A backslash a Markdown writer (trafilatura, markdownify, html2text) puts before punctuation that
# would otherwise mark the line up: `1\.` for a row number (a numbered list), `\-8`, `\*`.  The
# character is the text's; read with its backslash, `2\.` was a value 2.  An escaped pipe stays:
# in a Markdown table it is a cell's character, not a rule between cells.
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~])")


def _unescaped(text: str) -> str:
    if "\\" in text:
        text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    if "&" not in text:
        return text
    return _CHARACTER_REFERENCE.sub(lambda ref: html.unescape(ref.group()), text)


def _blocks(text: str, body: str, has_header: bool) -> list[RawParagraph | RawTable]:
    """Layout text (a PDF converted with its layout kept) by its columns' positions, read from
    the text as it came, before long space runs are cut (a value 70 spaces from the margin would
    move to another column); any other text by its lines."""
    drawn = has_box_table(text)
    if "   " not in text and not drawn:  # no column gap anywhere (most text): no layout text
        return _layout(body.split("\n"))
    unbounded = _split_crawl_header(text)[1] if has_header else text
    if drawn:  # tables drawn with box characters (a text browser's dump), by their rules
        return bound_block_space_runs(read_box_text(unbounded.split("\n"), _undrawn_blocks))
    if not looks_like_layout_text(unbounded):
        return _layout(body.split("\n"))
    return _layout_text_blocks(unbounded.split("\n"))


def _layout_text_blocks(lines: list[str]) -> list[RawParagraph | RawTable]:
    return bound_block_space_runs(read_layout(lines, lambda run: _layout(bound_space_runs("\n".join(run)).split("\n"))))


def _undrawn_blocks(lines: list[str]) -> list[RawParagraph | RawTable]:
    """The lines around drawn tables: layout text when they are, else by the line layout."""
    text = "\n".join(lines)
    return _layout_text_blocks(lines) if looks_like_layout_text(text) else _layout(bound_space_runs(text).split("\n"))


def bound_block_space_runs(blocks: list[RawParagraph | RawTable]) -> list[RawParagraph | RawTable]:
    """Every paragraph and cell of `blocks` with its space runs cut to MAX_SPACE_RUN."""
    for block in blocks:
        if isinstance(block, RawTable):
            for row in block.rows:
                for cell in row:
                    cell.text = bound_space_runs(cell.text)
        else:
            block.text = bound_space_runs(block.text)
    return blocks


def _split_crawl_header(text: str) -> tuple[dict[str, str], str]:
    lines = text.split("\n", 40)
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[:40]):
        if _CRAWL_BODY.match(line.strip()):
            return meta, "\n".join(lines[i + 1:])
        field = _CRAWL_FIELD.match(line.strip())
        if field and field.group(1) in _CRAWL_META_KEYS and field.group(2).strip():
            meta[_CRAWL_META_KEYS[field.group(1)]] = field.group(2).strip()
    return {}, text


# A crawl of a web page's table that writes each cell on its own line followed by a pipe
# ("0 |"), an empty cell as a pipe alone ("|"), and after a row shorter than the table (its
# spanning cells) the slots it lacks as pipes, on a line of their own or after the row's last
# cell ("||", "0 | |"); some open each row with a pipe alone too (a first column empty in every
# row, dropped):
#     一、本年新收政府信息公开申请数量 |
#     |            <- an empty cell (six of them, then the total)
#     0 |
#     ||           <- two slots the row's spanning label cell took
_SLOT_LINE = re.compile(r"^([^|]*?)\s*((?:\|\s*)+)$")
# Fewer cells than this are not read as such a crawl (a stray pipe or two in a report's text).
_MIN_CELL_LINES = 8
# No table of the report is this wide (table 三 is ten columns with its label columns): a longer
# line of pipes is not the slots a row lacks.
_MAX_TABLE_WIDTH = 40


def _cell_lines(lines: list[str], i: int) -> tuple[list[RawParagraph | RawTable], int] | None:
    """A crawl printing one cell a line (see above) from line `i` on, as its table, and where it
    ends (blank lines inside it are a cell's line breaks); None for other pipe text.

    Each line gives its slots (a cell, an empty cell, or the slots a short row lacks), and a
    line of two or more pipes ends a row.  The table's width is then the greatest common divisor
    of the slots between such lines (each stretch is whole rows), and the slots are dealt into
    rows of that width in order: a row printed in full needs no closing line.  With no such
    line the rows cannot be told apart: the cells are read as lines of their own, as a crawl of
    one text node a line (an empty cell has no text, and no line)."""
    slots: list[str] = []
    stretches: list[int] = []  # slot counts where a line of pipes ended a row
    cells = longest = 0
    end = j = i
    while j < len(lines):
        line = lines[j]
        j += 1
        if not line.strip():
            continue
        match = _SLOT_LINE.match(line)
        if match is None:
            break
        end = j
        text, pipes = match.group(1).strip(), match.group(2).count("|")
        if pipes > _MAX_TABLE_WIDTH:
            return None
        if text:
            slots.append(text)
            cells += 1
        slots.extend([""] * (pipes - 1 if text else pipes))
        if pipes > 1:
            stretches.append(len(slots))
            longest = max(longest, pipes - 1 if text else pipes)
    if cells < _MIN_CELL_LINES:
        return None
    width = math.gcd(*(b - a for a, b in zip([0, *stretches], stretches))) if stretches else 0
    if width < 2 or len(slots) % width or longest > width:
        return [RawParagraph(text) for text in slots if text], end
    rows = [slots[start:start + width] for start in range(0, len(slots), width)]
    if not any(row[0] for row in rows):
        rows = [row[1:] for row in rows]  # each row opened by a pipe alone: no column of the table
    return [RawTable([[RawCell(text, r, c) for c, text in enumerate(row)] for r, row in enumerate(rows)])], end


# A crawl that breaks a pipe row ("主动公开信息数 | 条 | 01 | | |") before each of its pipes:
#     主动公开信息数
#     | 条
#     | 01
#     |            <- an empty cell
#     |
#     |            <- the row's closing pipe


def _rows_of_leading_pipes(lines: list[str]) -> list[str]:
    """The lines with each row so broken joined again into its pipe row: a line without a pipe
    (its first cell, blank when the cell is empty) followed by at least two lines that open with
    the only pipe they hold."""
    if not any(map(operator.contains, lines, repeat("|"))):  # most text has no pipe at all
        return lines
    leading = [line.count("|") == 1 and line.lstrip()[:1] == "|" for line in lines]
    if sum(leading) < 2:
        return lines
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and leading[j]:
            j += 1
        if j - i > 2 and "|" not in lines[i]:  # a blank first line: the row's first cell is empty
            out.append(" ".join(line.strip() for line in lines[i:j]))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def _is_pipe_row(line: str) -> bool:
    return line.count("|") >= 2 or (line.count("|") == 1 and line.rstrip().endswith("|"))


def _is_tsv_row(line: str) -> bool:
    """Tab-separated cells (a spreadsheet or a copied table).  Word's one-cell-per-line
    export puts a single tab before a cell; a tab after text, or two, separate cells (two
    before text: a row opening with empty cells, ending where a cell's text wrapped)."""
    return "\t" in line.lstrip("\t") and line.count("\t") >= 2 or line.startswith("\t\t") and not line.isspace()


def _layout(lines: list[str]) -> list[RawParagraph | RawTable]:
    blocks: list[RawParagraph | RawTable] = []
    lines = _rows_of_leading_pipes(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_tsv_row(line):
            table, i = _tsv_table(lines, i)
            blocks.append(table)
        elif line.startswith("\t"):
            table, i = _tab_table(lines, i)
            blocks.append(table)
        elif _is_pipe_row(line) or ("|" in line and _heads_markdown_table(lines, i)):
            crawled = _cell_lines(lines, i) if _SLOT_LINE.match(line) else None
            if crawled is not None:
                blocks.extend(crawled[0])
                i = crawled[1]
            else:
                table, i = _pipe_table(lines, i)
                blocks.append(table)
        else:
            if line.strip():
                blocks.append(RawParagraph(line))
            i += 1
    return blocks


def _tab_table(lines: list[str], i: int) -> tuple[RawTable, int]:
    """One cell per tab-led line; blank lines end rows; untabbed lines continue a cell."""
    rows: list[list[RawCell]] = [[]]
    after_blank = False
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            rows[-1].append(RawCell(line[1:].strip(), len(rows) - 1, len(rows[-1])))
            after_blank = False
        elif not line.strip():
            if rows[-1]:
                rows.append([])
            after_blank = True
        elif not after_blank and rows[-1]:
            cell = rows[-1][-1]
            cell.text = f"{cell.text}\n{line.strip()}"
        else:
            break
        i += 1
    return RawTable([row for row in rows if row]), i


def _tsv_table(lines: list[str], i: int) -> tuple[RawTable, int]:
    rows: list[list[RawCell]] = []
    while i < len(lines) and _is_tsv_row(lines[i]):
        parts = lines[i].rstrip("\n").split("\t")
        rows.append([RawCell(part.strip(), len(rows), c) for c, part in enumerate(parts)])
        i += 1
    return RawTable(rows), i


# A text followed by spaces up to a pipe: a cell padded to its column's width.
_PADDED_TEXT = re.compile(r"\S {2,}\|")


def _heads_markdown_table(lines: list[str], i: int) -> bool:
    """Whether lines[i] is a Markdown table's first row: a pipe in it, its rule (with pipes) next."""
    return ("|" in lines[i] and i + 1 < len(lines) and "|" in lines[i + 1]
            and bool(_MARKDOWN_RULE.match(lines[i + 1])))


# Blank lines a table's rows may stand apart by: html2text and some copy-pastes put one after every
# row, and a crawl that doubles line breaks two.
_BLANK_LINES_BETWEEN_ROWS = 2


def _row_after_blank_lines(lines: list[str], i: int) -> int:
    """Where the table goes on after the pipe row before lines[i]: past blank lines (at most
    _BLANK_LINES_BETWEEN_ROWS) to a pipe row of as many cells, so its rows are read together (a
    row of a table saved slot by slot shows the others where its label's slots are); else i."""
    j = i
    while j < len(lines) and j - i < _BLANK_LINES_BETWEEN_ROWS and not lines[j].strip():
        j += 1
    if j > i and j < len(lines) and _is_pipe_row(lines[j]) and lines[j].count("|") == lines[i - 1].count("|"):
        return j
    return i


def _pipe_table(lines: list[str], i: int) -> tuple[RawTable, int]:
    start = i
    # A Markdown table whose first row is followed by its rule (`---|---`) runs to its end,
    # rows of two cells (one pipe, as html2text writes a row of merged cells) included.
    markdown = _heads_markdown_table(lines, i)
    wrapped: set[int] = set()  # lines holding the rest of the row before, wrapped
    while i < len(lines):
        if _wrapped_row(lines, start, i, wrapped, markdown):
            wrapped.add(i)
        elif not (_is_pipe_row(lines[i]) or _MARKDOWN_RULE.match(lines[i]) or (markdown and "|" in lines[i])):
            break
        i += 1
        i = _row_after_blank_lines(lines, i)
    printed: list[str] = []
    for n in range(start, i):
        line = lines[n]
        if n in wrapped:
            printed[-1] += " " + line.strip()
        elif line.strip() and not _MARKDOWN_RULE.match(line):
            printed.append(line.rstrip())
    # A pipe closing every row closes its last cell (Markdown; Word's export and crawls that
    # write each cell followed by a pipe); a pipe opening most rows is Markdown's border.  Where
    # rows end in a value, pipes only separate cells (html2text): there a row opening or closing
    # with a pipe has an empty first or last cell (`| | 0| 0`, `规章| 0| `).
    closed = all(line.endswith("|") for line in printed)
    opened = closed and 2 * sum(line.lstrip().startswith("|") for line in printed) > len(printed)
    split = []
    for line in printed:
        parts = line.split("|")
        if opened and line.startswith("|"):
            parts = parts[1:]
        if closed:
            parts = parts[:-1]
        split.append(parts)
    # A padded table pads a text short of its column with spaces (most tables pad none or one).
    padded = any("  |" in line and _PADDED_TEXT.search(line) for line in printed)
    texts = _unwrapped_rows(split) if padded else [
        [part.strip() if "<" not in part else _cell_text(part) for part in parts] for parts in split]
    rows = [[RawCell(text, r, c) for c, text in enumerate(row)] for r, row in enumerate(texts)]
    return RawTable(rows), i


def _wrapped_row(lines: list[str], start: int, i: int, wrapped: set[int], markdown: bool) -> bool:
    """Whether lines[i] is the rest of the pipe row before it, wrapped where the row passed the
    converter's line width (html2text wraps at 78 columns, at the space after a pipe: `…| 0| 0|` /
    `0| 82`): it opens with a value after a row ending in a pipe, in a table whose other rows end
    in a value (where every row ends in a pipe, the pipe closes the row), or whose pipes the two
    lines' together make up to the table's full rows' (`…数量| 32| 2| 0| 0| 0| 0|` / `34|`, where
    every row closes with a pipe; in a Markdown table, whose rows of two cells are its own, only
    so, or where the rest has no pipe and ends the table's block: `…| 无| | | | |` / `无`)."""
    if i == start or not lines[i - 1].rstrip().endswith("|"):
        return False
    first = lines[i].split("|", 1)[0].strip()
    if not first or not is_value_text(first):
        return False
    rows = [line for n, line in enumerate(lines[start:i], start) if n not in wrapped and line.strip()]
    ends_in_value = any("|" in line and not line.rstrip().endswith("|") for line in rows[:-1])
    if not markdown and ends_in_value:
        return True
    if markdown and ends_in_value and "|" not in lines[i] and _closes_block(lines, i):
        # A Markdown table runs to a blank line (GitHub's tables: a line after a row, with or
        # without pipes, is the table's), so a value alone there is the last row's rest.
        return True
    around = [line for line in rows[:-1] + lines[i + 1:i + 1 + _WRAP_LOOKAHEAD] if "|" in line]
    full = max((line.count("|") for line in around), default=0)
    return lines[i - 1].count("|") < full == lines[i - 1].count("|") + lines[i].count("|")


# Rows after a line that may be a wrapped row's rest looked at for how many pipes a full row holds.
_WRAP_LOOKAHEAD = 4


def _closes_block(lines: list[str], i: int) -> bool:
    """Whether lines[i] is the last line of its block: a blank line or the text's end after it."""
    return i + 1 == len(lines) or not lines[i + 1].strip()


_HAS_DIGIT = re.compile(r"\d")


# What a line is wrapped before: a word or number whole, else one character with the pinyin a
# site's plug-in prints after it (開(kāi)).
_UNBROKEN = re.compile(r"[A-Za-z0-9\u00c0-\u024f.,]+|.(?:\([A-Za-z\u00c0-\u024f]+\))?")


def _wrapped_before(cell: str, next_line: str) -> bool:
    """Whether the text of a padded cell was wrapped before `next_line`: the first word or
    character of the next line does not fit in the room the cell leaves (a word also needs the
    space before it)."""
    room = display_width(cell) - display_width(cell.rstrip())
    first = _UNBROKEN.match(next_line)
    word = first.group() if first else ""
    return room < display_width(word) + (1 if word[:1].isascii() and word[:1].isalnum() else 0)


# A line break inside a Markdown table's cell, which converters of web pages (Jina Reader,
# Firecrawl, crawl4ai) write as the tag: the cell's text goes on over lines, as in a page.
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _broken_at_tags(text: str) -> str:
    """A `<br>` in running text is a line break; in a pipe row, the break inside a cell that
    `_cell_text` reads."""
    return "\n".join(line if "|" in line else _BREAK_TAG.sub("\n", line) for line in text.split("\n"))


def _cell_text(part: str) -> str:
    """A pipe row's cell as its text: stripped, its `<br>` tags line breaks."""
    if "<" not in part:
        return part.strip()
    text = ""
    for line in filter(None, (line.strip() for line in _BREAK_TAG.split(part))):
        # A number broken over the lines of a narrow cell is one number.
        text += line if _NUMBER_END.search(text) and _NUMBER_START.match(line) else "\n" + line if text else line
    return text


_NUMBER_END = re.compile(r"[\d.,]$")
_NUMBER_START = re.compile(r"[\d.,]")


def _padded(split: list[list[str]], widths: list[tuple[int, ...]]) -> bool:
    """Whether the table's cells are padded to their columns' widths: most lines' cells alike in
    width, and texts of different widths in cells of one (not merely rows printed alike)."""
    common, count = Counter(widths).most_common(1)[0]
    if 2 * count <= len(widths):
        return False
    texts = [{display_width(parts[c].strip()) for parts, w in zip(split, widths) if w == common and parts[c].strip()}
             for c in range(len(common))]
    return any(len(sizes) > 1 for sizes in texts)


def _unwrapped_rows(split: list[list[str]]) -> list[list[str]]:
    """The rows' cell texts, a row wrapped over lines joined again.  Word tables saved as text
    (antiword) pad every cell to its column's width and wrap a long label onto lines of its own
    below its row, the other cells empty there:

        |其他对外管理服务事|0            |
        |项                |             |

    A line continues the row above when the table is so padded (most lines' cells alike, this
    line of as many cells as the line above: not of the same widths, since a value wider than its
    padding, or a character the exporter counted narrower than it prints, puts a line's pipes out
    of line with the others), it holds no digit, and each of its texts
    lies under a text of the line above wrapped before it (its first word or character would
    not have fitted: a short label was not wrapped) and does not open with a row's number."""
    widths = [tuple(display_width(part) for part in parts) for parts in split]
    if not _padded(split, widths):
        return [[_cell_text(part) for part in parts] for parts in split]
    rows: list[list[str]] = []
    above: list[str] = []
    for n, parts in enumerate(split):
        texts = [_cell_text(part) for part in parts]
        filled = [c for c, text in enumerate(texts) if text]
        if (rows and filled and len(widths[n - 1]) == len(widths[n])
                and not any(_HAS_DIGIT.search(texts[c]) for c in filled)
                and all(above[c].strip() and _wrapped_before(above[c], texts[c]) for c in filled)
                and not OPENS_A_ROW.match(texts[filled[0]])):
            rows[-1] = [unwrapped([done, text]) for done, text in zip(rows[-1], texts)]
        else:
            rows.append(texts)
        above = parts
    return rows
