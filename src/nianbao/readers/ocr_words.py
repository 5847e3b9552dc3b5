"""Text outside ruled tables on a scanned page, read as positioned words.

A borderless table has no ruling lines, so the grid path (`ocr._tables`) finds nothing and
its rows would be read as whole lines, the gaps between columns lost.  Here the OCR engine's
text detector finds each text box on the page's free ink (ruled tables painted out); each box
is recognised on its own (by `ocr.recognise`, with the rest), then turned into the positioned
glyphs a PDF's text layer gives (`pdf.Glyph`, in points), so the PDF reader's own line
assembly (`pdf._group_lines`: wide gaps become separate pieces) and paragraph building
(`pdf._paragraphs`) apply, and the parser reads the rows as it reads a borderless table of a
text PDF.  Every recognised box keeps its place in the paragraph's text, its box on the page
and its confidence (`document.PlacedText`), so a value read from it keeps both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from nianbao.document import PlacedText
from nianbao.readers.borderless import find_tables
from nianbao.readers.pdf import (Glyph, PageContent, _is_cjk, _join_lines, _Line, _paragraphs, lines_without_page_numbers,
                                 _Table, _TextBlock)

if TYPE_CHECKING:
    import numpy as np

    from nianbao.readers.page_image import CleanPage

# Text is detected on a copy of the page at this resolution: the detector finds the same boxes
# as at 200 dpi (247 of 248 on a borderless table page) in an eighth of the time (0.4 s against
# 3 s of CPU); boxes are tightened to the full-resolution ink afterwards.
DETECT_DPI = 100
# The detector reads the page in horizontal strips this many inches high (at DETECT_DPI),
# overlapping by DETECT_OVERLAP inches, more than two lines of a heading: its memory grows with
# the input, and a whole A4 page at 100 dpi took a worker ≈0.2–0.3 GB of address space more,
# past the 1 GB parsing budget (budget.py) with the recogniser's own.  A line cut by a strip's
# edge is whole in the next strip; the cut copy is dropped as a duplicate.
DETECT_STRIP = 2.56
DETECT_OVERLAP = 0.64
# A CJK character is about twice as wide as a digit or Latin letter: a recognised box's width is
# shared among its characters in these proportions, to give each its own glyph.
CJK_WIDTH_SHARE = 2.0
# A detected box is cut where its ink leaves a gap at least this many times the box's height:
# the detector at times joins the cells of a borderless row into one box ("1 0 1 0 2 0 0 0 0"),
# which the recogniser then reads with little confidence.  Columns of the statistics tables are
# 1.5–3.5 heights apart; characters of a word, and words of a line, less than one.
SPLIT_GAP = 1.0
# A blank cell of a borderless table is looked at for ink this far (points) inside its box:
# its box runs to the middle of the gaps to its neighbours, whose ink it must not catch.
BLANK_INSET = 1.0
# Two detected boxes whose tightened boxes overlap by more than this share of the smaller one
# are the same text found twice: the smaller is dropped.
DUPLICATE_OVERLAP = 0.5


@dataclass
class ScanWord:
    """One detected text box: its pixel box tightened to the ink, and what it reads."""

    box: tuple[int, int, int, int]  # x0, top, x1, bottom; exclusive ends
    text: str = ""
    confidence: float = 1.0


@dataclass
class ScanText:
    """A paragraph of free text on a scanned page and where each box of it lies."""

    page: int
    block: _TextBlock
    placed: list[PlacedText]

    @property
    def top(self) -> float:
        return self.block.top

    @property
    def text(self) -> str:
        return _join_lines([line.text for line in self.block.lines])


def detect_words(clean: CleanPage, taken: list[tuple[int, int, int, int]]) -> list[ScanWord]:
    """The text boxes on the page's ink outside the `taken` pixel boxes (ruled tables' cells),
    each tightened to one line of its ink, top down."""
    import cv2
    import numpy as np

    from nianbao.readers.ocr import _engine

    free_ink, free_grey = clean.ink.copy(), clean.grey.copy()
    for x0, top, x1, bottom in taken:
        free_ink[max(0, top - 2):bottom + 3, max(0, x0 - 2):x1 + 3] = False
        free_grey[max(0, top - 2):bottom + 3, max(0, x0 - 2):x1 + 3] = 255
    if not free_ink.any():
        return []
    scale = min(1.0, DETECT_DPI / clean.dpi)
    small = cv2.resize(free_grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else free_grey
    detector = _engine()._load_det_model()
    words: list[ScanWord] = []
    for top, strip in _strips(small, scale * clean.dpi):
        if not free_ink[int(top / scale):int((top + strip.shape[0]) / scale) + 1].any():
            continue  # all table, or blank: a ruled table page is mostly this
        found = detector(cv2.cvtColor(strip, cv2.COLOR_GRAY2BGR))
        for quad in [] if found.boxes is None else found.boxes:
            corners = (np.asarray(quad, dtype=np.float64) + (0, top)) / scale
            box = _tightened(free_ink, corners)
            if box is not None:
                words.extend(ScanWord(piece) for piece in _split_at_gaps(free_ink, box))
    return sorted(_without_duplicates(words), key=lambda word: (word.box[1], word.box[0]))


def _strips(image: np.ndarray, dpi: float) -> Iterator[tuple[int, np.ndarray]]:
    """(top, strip) for overlapping horizontal strips of the image (DETECT_STRIP high)."""
    height = int(DETECT_STRIP * dpi)
    step = height - int(DETECT_OVERLAP * dpi)
    for top in range(0, max(1, image.shape[0] - height + step), step):
        yield top, image[top:top + height]


def _tightened(ink: np.ndarray, corners: np.ndarray) -> tuple[int, int, int, int] | None:
    """The detected box cut to the line of ink through its middle.  The detector widens its
    boxes by about half a line height on every side, so a box reaches into the rows above and
    below in a tight table; the line it found is the one at its centre."""
    from nianbao.readers.page_image import text_lines, usual_line_height

    height, width = ink.shape
    x0, top = (max(0, int(v)) for v in corners.min(axis=0))
    x1, bottom = int(min(width, corners[:, 0].max() + 1)), int(min(height, corners[:, 1].max() + 1))
    window = ink[top:bottom, x0:x1]
    if not window.any():
        return None
    lines = text_lines(window, usual_line_height([window]))
    middle = (bottom - top) / 2
    a, b, c, d = min(lines, key=lambda line: 0 if line[1] <= middle < line[3] else min(abs(line[1] - middle), abs(line[3] - middle)))
    return x0 + a, top + b, x0 + c, top + d


def _split_at_gaps(ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The box cut at each run of ink-free columns at least SPLIT_GAP × its height wide, each
    piece tightened to its ink."""
    import numpy as np

    x0, top, x1, bottom = box
    window = ink[top:bottom, x0:x1]
    inked = np.flatnonzero(window.any(axis=0))
    if inked.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(inked) > SPLIT_GAP * (bottom - top))
    pieces = []
    for first, last in zip(np.r_[0, cuts + 1], np.r_[cuts, inked.size - 1]):
        left, right = x0 + int(inked[first]), x0 + int(inked[last]) + 1
        rows = np.flatnonzero(ink[top:bottom, left:right].any(axis=1))
        pieces.append((left, top + int(rows[0]), right, top + int(rows[-1]) + 1))
    return pieces


def _without_duplicates(words: list[ScanWord]) -> list[ScanWord]:
    kept: list[ScanWord] = []
    for word in sorted(words, key=lambda w: -_area(w.box)):
        if all(_overlap(word.box, other.box) <= DUPLICATE_OVERLAP * _area(word.box) for other in kept):
            kept.append(word)
    return kept


def _area(box: tuple[int, int, int, int]) -> int:
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


# --- Words into the PDF reader's lines and paragraphs ----------------------------------------


@dataclass
class ScanGrid:
    """A borderless table on a scanned page, its columns from the header's positions
    (readers/borderless.py); each cell keeps its box and the confidence of what it holds."""

    page: int
    table: _Table

    @property
    def top(self) -> float:
        return self.table.top


def paragraphs(words: list[ScanWord], dpi: float, page: int, page_size: tuple[float, float],
               table_tops: list[float], inked: Callable[[tuple[float, float, float, float]], bool] | None = None,
               running: Any = None) -> tuple[list[ScanText | ScanGrid], Any]:
    """The page's recognised words as borderless tables and paragraphs, laid out by the PDF
    reader's line, table and paragraph code; page numbers in the margins are dropped.
    `inked(box)`: whether the page has ink in a box (points): a blank cell of a borderless table
    is trusted only where there is none (a value the detector missed is not a blank).
    `running`, and returned: what a borderless table goes on from over the page break, its columns
    or the header a page ended with (borderless.find_tables)."""
    to_pt = 72.0 / dpi
    read = [word for word in words if word.text]
    of_glyph: dict[int, ScanWord] = {}
    glyphs = []
    for word in read:
        for glyph in word_glyphs(word, to_pt):
            of_glyph[id(glyph)] = word
            glyphs.append(glyph)
    probe = PageContent(page, page_size[0], page_size[1], glyphs, [])
    lines = lines_without_page_numbers(glyphs, probe)
    found = find_tables(lines, page, running)
    grids = [ScanGrid(page, _with_confidence(t.table, of_glyph, inked)) for t in found.tables]
    tops = [*table_tops, *(grid.top for grid in grids)]
    texts = [ScanText(page, block, _placed(block, read, to_pt)) for block in _paragraphs(found.text, page, tops, measure=lines)]
    return sorted([*grids, *texts], key=lambda block: block.top), found.running


def _with_confidence(table: _Table, of_glyph: dict[int, ScanWord],
                     inked: Callable[[tuple[float, float, float, float]], bool] | None) -> _Table:
    """Each cell's confidence: its least sure word's; a blank cell's 1.0 where the page is blank
    there, else 0 (ink the detector found no text in, or read as nothing)."""
    for cell in table.cells:
        words = {id(of_glyph[id(g)]): of_glyph[id(g)] for g in cell.glyphs if id(g) in of_glyph}
        if words:
            cell.confidence = min(word.confidence for word in words.values())
        else:
            box = (cell.left + BLANK_INSET, cell.top + BLANK_INSET, cell.right - BLANK_INSET, cell.bottom - BLANK_INSET)
            cell.confidence = 0.0 if inked is None or inked(box) else 1.0
    return table


def word_glyphs(word: ScanWord, to_pt: float) -> list[Glyph]:
    """One glyph per character, the box's width shared among them (a CJK character taking
    CJK_WIDTH_SHARE of a digit's); spaces the recogniser read leave their gap.  All share the
    box's bottom as baseline."""
    x0, top, x1, bottom = (v * to_pt for v in word.box)
    weights = [CJK_WIDTH_SHARE if _is_cjk(char) else 1.0 for char in word.text]
    unit = (x1 - x0) / sum(weights)
    glyphs, x = [], x0
    for char, weight in zip(word.text, weights):
        if not char.isspace():
            glyphs.append(Glyph(char, x, top, x + weight * unit, bottom, bottom))
        x += weight * unit
    return glyphs


def _placed(block: _TextBlock, words: list[ScanWord], to_pt: float) -> list[PlacedText]:
    """Where each word of the block lies in the block's text.  Should a word not be found
    where expected (the line code reordered its characters), the whole paragraph is one piece
    with its least sure word's confidence: doubt is never lost."""
    text = _join_lines([line.text for line in block.lines])
    ordered = [word for line in block.lines for word in _words_on(line, words, to_pt)]
    placed = _place_in_order(text, ordered, to_pt)
    if placed is not None:
        return placed
    inside = [word for word in words if any(_on_line(word, line, to_pt) for line in block.lines)] or words
    box = _points((min(w.box[0] for w in inside), min(w.box[1] for w in inside),
                   max(w.box[2] for w in inside), max(w.box[3] for w in inside)), to_pt)
    return [PlacedText(0, len(text), box, min(word.confidence for word in inside))]


def _words_on(line: _Line, words: list[ScanWord], to_pt: float) -> list[ScanWord]:
    return sorted((word for word in words if _on_line(word, line, to_pt)), key=lambda word: word.box[0])


def _on_line(word: ScanWord, line: _Line, to_pt: float) -> bool:
    """The line's extents are those of its glyphs: a word of the line lies within them."""
    x0, top, x1, bottom = (v * to_pt for v in word.box)
    slack = 0.01  # points: float rounding only
    return (line.x0 - slack <= x0 and x1 <= line.x1 + slack
            and line.top - slack <= top and bottom <= line.bottom + slack)


def _place_in_order(text: str, words: list[ScanWord], to_pt: float) -> list[PlacedText] | None:
    """Each word's characters found one after the other in `text` (spaces the line code put
    between pieces skipped), or None when the text is not the words in this order."""
    placed, cursor = [], 0
    for word in words:
        start = None
        for char in word.text:
            if char.isspace():
                continue
            while cursor < len(text) and text[cursor].isspace():
                cursor += 1
            if cursor >= len(text) or text[cursor] != char:
                return None
            start = cursor if start is None else start
            cursor += 1
        if start is not None:
            placed.append(PlacedText(start, cursor, _points(word.box, to_pt), word.confidence))
    return placed if not text[cursor:].strip() else None


def _points(box: tuple[int, int, int, int] | tuple[float, ...], to_pt: float) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = (round(v * to_pt, 1) for v in box)
    return x0, top, x1, bottom
