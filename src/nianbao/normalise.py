"""Normalisation: make printed text comparable with the official labels.

Applied to every piece of text a reader produces, before anything is matched:
Unicode compatibility folding (full-width digits, brackets, colons and spaces
become ASCII), inline pinyin removed (``主動(dòng)公開(kāi)``), traditional characters
converted to simplified (OpenCC), and the text of every block laid end to end in
one linear string that provenance offsets point into.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import accumulate

from .document import Document, Grid, Paragraph, RawDocument, RawParagraph, RawTable, Reprint, Span
from .values import is_value_text

# Pinyin with tone marks in parentheses right after a Han character; some sites
# annotate every character this way.  Plain ASCII words in parentheses are kept.
# The Han character is checked behind the bracket, not before it: a pattern that starts
# with the literal "(" lets the regex engine skip ahead to each bracket (seven times
# faster on long paragraphs than trying the look-behind at every character).
_PINYIN = re.compile(
    r"\((?<=[\u4e00-\u9fff]\()(?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)"
)
# Characters NFKC leaves alone but that stand for something plain.
_EXTRA = str.maketrans({
    "\u00a0": " ", "\u3000": " ", "\u200b": "", "\ufeff": "", "\u2002": " ", "\u2003": " ",
    "－": "-", "–": "-", "﹣": "-", "\u2212": "-",
    "【": "[", "】": "]",
})
# Searching for them is far cheaper than translate(), which looks up every character.
_EXTRA_CHARS = re.compile("[" + "".join(map(re.escape, map(chr, _EXTRA))) + "]")


def _ascii_folds() -> dict[str, str]:
    """Characters whose compatibility decomposition is plain ASCII, with that decomposition:
    full-width forms (，：（）０-９), special spaces, ①, ….

    unicodedata.normalize("NFKC") costs ~200 ns a character on Chinese text (CPython's
    composition step scans a table for every character), and a Chinese paragraph is never
    already normal: each full-width comma or bracket is a compatibility character.
    Replacing these characters by their decomposition first does not change the NFKC
    result (NFKC composes the decomposition, and the pieces decompose identically), and
    what is left is then usually normal already, which normalize() sees in a fast quick
    check.  The blocks below hold nearly all compatibility characters found in reports;
    any other one is still folded by normalize() itself.
    """
    blocks = ((0x00A0, 0x00A1), (0x2000, 0x2070), (0x2460, 0x2500), (0x3000, 0x3001), (0xFF01, 0xFF5F))
    folds = {}
    for start, end in blocks:
        for code in range(start, end):
            decomposed = unicodedata.normalize("NFKD", chr(code))
            if decomposed and decomposed.isascii():
                folds[chr(code)] = decomposed
    return folds


_ASCII_FOLDS = _ascii_folds()
_ASCII_FOLDABLE = re.compile("[" + "".join(map(re.escape, _ASCII_FOLDS)) + "]")
# Common characters that exist only in traditional script.  A few of them in a
# document mean it is traditional; simplified documents have none.
_TRADITIONAL_HINT = re.compile(r"[們這個來時為說國會對經過還開關與實業當發體點學資訊報導處請領據樣總計權務]")
_TRADITIONAL_MIN_HITS = 3


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def is_traditional(text: str) -> bool:
    """Whether a document is written in traditional characters (decided once per document,
    since a single table cell such as 規章 may carry no telltale character)."""
    return len(_TRADITIONAL_HINT.findall(text)) >= _TRADITIONAL_MIN_HITS


def normalise_text(text: str, traditional: bool | None = None) -> str:
    if len(text) <= _CACHED_CELL:
        return _normalise_cell(text, traditional)
    return _normalise(text, traditional)


# Table cells ("0", "规章", "自然人") recur in every report; short texts are cached.
_CACHED_CELL = 48


@lru_cache(maxsize=8192)
def _normalise_cell(text: str, traditional: bool | None) -> str:
    return _normalise(text, traditional)


def _normalise(text: str, traditional: bool | None) -> str:
    text = unicodedata.normalize("NFKC", _fold_to_ascii(text))
    if _EXTRA_CHARS.search(text):
        text = text.translate(_EXTRA)
    text = _PINYIN.sub("", text)
    if traditional if traditional is not None else is_traditional(text):
        text = _converter().convert(text)
    return text


def pinyin_alignment(text: str, printed: str) -> list[tuple[str, int, int, int, int]] | None:
    """Where `printed` is the normalised `text` with pinyin after its characters and otherwise
    one character for one (a site's pinyin plug-in on traditional script), the two aligned as
    difflib's opcodes; None otherwise.  Aligning such a paragraph character by character took
    difflib a tenth of the report's parse."""
    opcodes = []
    a = b = 0
    for match in _PINYIN.finditer(printed):
        if match.start() > b:  # one for one: "equal" in position, if not in script
            opcodes.append(("equal", a, a + match.start() - b, b, match.start()))
            a += match.start() - b
        b = match.end()
    if len(printed) > b:
        opcodes.append(("equal", a, a + len(printed) - b, b, len(printed)))
        a += len(printed) - b
    return opcodes if a == len(text) else None


def _fold_to_ascii(text: str) -> str:
    # A paragraph holds only a handful of distinct foldable characters, each many times:
    # one replace() per distinct character beats a substitution per occurrence.
    for char in set(_ASCII_FOLDABLE.findall(text)):
        text = text.replace(char, _ASCII_FOLDS[char])
    return text


def build_document(raw: RawDocument) -> Document:
    """Normalise every block of `raw` and index it into one linear text.

    The text is laid out as pieces with a running length, which is each span's start:
    a paragraph and a newline, or a table row as its cells between " | " and a newline.
    The printed text is laid out alike from the unnormalised pieces (`Document.printed`).
    """
    traditional = is_traditional("".join(_raw_texts(raw)))
    # The normalised pieces and the printed ones, side by side (one list each, no call a
    # piece: a report of 400 one-value lines spent as long laying out as reading its tables).
    parts: list[str] = []
    printed: list[str] = []
    length = 0
    blocks: list[Paragraph | Grid] = []
    tables = 0
    merged: dict[tuple[int, int], list[Span]] = {}
    for block in raw.blocks:
        if isinstance(block, RawParagraph):
            text = normalise_text(block.text, traditional)
            blocks.append(Paragraph(Span(text, length, length + len(text), block.page)))
            parts += (text, "\n")
            printed += (block.text, "\n")
            length += len(text) + 1
        elif isinstance(block, RawTable):
            rows = []
            for r, raw_row in enumerate(block.rows):
                row = []
                for c, cell in enumerate(raw_row):
                    if c:
                        parts.append(" | ")
                        printed.append(" | ")
                        length += 3
                    text = normalise_text(cell.text, traditional)
                    grid_pos = (tables, cell.row if cell.row is not None else r, cell.col if cell.col is not None else c)
                    row.append(Span(text, length, length + len(text), cell.page, grid_pos, cell.box))
                    if cell.rowspan > 1 and text.strip() and is_value_text(text):
                        for k in range(1, cell.rowspan):
                            merged.setdefault((tables, grid_pos[1] + k), []).append(row[-1])
                    parts.append(text)
                    printed.append(cell.text)
                    length += len(text)
                parts.append("\n")
                printed.append("\n")
                length += 1
                rows.append(row)
            blocks.append(Grid(tables, rows))
            tables += 1
    meta = {key: normalise_text(value, traditional) for key, value in raw.meta.items()}
    document = Document("".join(parts), blocks, raw.format, meta, list(raw.warnings), raw.machine_readable)
    document.printed, document.reprints = "".join(printed), _reprints(parts, printed)
    document.merged_rows = merged
    return document


def _reprints(parts: list[str], printed: list[str]) -> list[Reprint]:
    """The pieces whose printed form has another length than the normalised one, with the
    offsets of both (most reports have none: normalising keeps a text's length)."""
    sizes, printed_sizes = list(map(len, parts)), list(map(len, printed))
    if sizes == printed_sizes:
        return []
    starts, printed_starts = list(accumulate(sizes, initial=0)), list(accumulate(printed_sizes, initial=0))
    return [Reprint(starts[i], parts[i], printed_starts[i], printed[i])
            for i, (size, printed_size) in enumerate(zip(sizes, printed_sizes)) if size != printed_size]


def _raw_texts(raw: RawDocument):
    for block in raw.blocks:
        if isinstance(block, RawParagraph):
            yield block.text
        else:
            for row in block.rows:
                for cell in row:
                    yield cell.text
