"""The intermediate document every reader produces and the parser consumes.

Readers (text, HTML, Word, PDF) turn bytes into a `RawDocument`: paragraphs and
tables (grids of cells in printed order, each physical cell once).  `normalise`
turns that into a `Document` whose blocks carry normalised text and offsets into
one linear normalised text, so that every value can point back to where it was read.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Sequence


@dataclass
class RawCell:
    text: str
    row: int | None = None
    col: int | None = None
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    # Where on the page (x0, top, x1, bottom in PDF points from the page's top-left corner),
    # for PDF cells (text layer or OCR); None for markup.  How sure the recogniser was (0–1;
    # 1.0 for a cell with no ink): OCR cells only.
    box: tuple[float, float, float, float] | None = None
    confidence: float | None = None
    # Why the reader is not sure a value belongs in this cell, or that the cell is blank (a row of
    # a converter's layout text placed by its header alone): the parser marks what it reads from
    # it uncertain.
    doubt: str | None = None


@dataclass
class PlacedText:
    """A stretch of a paragraph read by OCR from one text box on a scanned page: its offsets in
    the paragraph's text, its box (as RawCell.box) and how sure the recogniser was (0–1)."""

    start: int
    end: int
    box: tuple[float, float, float, float]
    confidence: float


@dataclass
class RawParagraph:
    text: str
    page: int | None = None
    # OCR paragraphs only: where each recognised text box lies in `text`, so a value read from
    # the paragraph keeps its box and its doubt (readers.ocr.flag_doubtful_cells).
    placed: Sequence[PlacedText] = ()  # a tuple by default: made for every paragraph of every report


@dataclass
class RawTable:
    rows: list[list[RawCell]]


@dataclass
class RawDocument:
    blocks: list[RawParagraph | RawTable]
    format: str  # "text", "html", "docx", "pdf", …
    # Reader-level facts: crawl header fields (标题/发布时间/发布机构), PDF metadata, …
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # True when the source has no text layer to read (scans, images).
    machine_readable: bool = True

    def grid_cells(self, keep: Callable[[RawCell], object] = bool) -> dict[tuple[int, int, int], RawCell]:
        """The table cells `keep` keeps by (table index, row, column), as values' locations name them."""
        out: dict[tuple[int, int, int], RawCell] = {}
        tables = [block for block in self.blocks if isinstance(block, RawTable)]
        for index, table in enumerate(tables):
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row):
                    if keep(cell):
                        out[(index, cell.row if cell.row is not None else r, cell.col if cell.col is not None else c)] = cell
        return out

    def cell_doubts(self) -> dict[tuple[int, int, int], str]:
        """Why the reader doubts a table cell (`RawCell.doubt`), by its place."""
        return {where: cell.doubt for where, cell in self.grid_cells(lambda cell: cell.doubt).items() if cell.doubt}


def grid_place(location: dict | None) -> tuple[int, int, int] | None:
    """A value's grid cell (table index, row, column) from its location, as `grid_cells` keys it;
    None for a value read from running text."""
    where = location or {}
    return (where["table"], where.get("row", -1), where.get("col", -1)) if "table" in where else None


@dataclass(slots=True)
class Span:
    """A piece of normalised text with where it came from."""

    text: str
    start: int  # offset into Document.text
    end: int
    page: int | None = None
    grid: tuple[int, int, int] | None = None  # (table index, row, column) for grid cells
    box: tuple[float, float, float, float] | None = None  # the grid cell's box on its page (RawCell.box)

    @property
    def location(self) -> dict:
        out: dict = {"start": self.start, "end": self.end}
        if self.page is not None:
            out["page"] = self.page
        if self.grid is not None:
            out["table"], out["row"], out["col"] = self.grid
        if self.box is not None:
            out["box"] = list(self.box)
        return out


@dataclass(slots=True)
class Paragraph:
    span: Span


@dataclass(slots=True)
class Grid:
    index: int
    rows: list[list[Span]]


@dataclass
class Reprint:
    """A piece of the normalised text whose printed form has another length (``…`` became
    ``...``, pinyin was dropped): offsets inside it are mapped by aligning the two."""

    start: int  # offset of the piece in Document.text
    text: str  # normalised
    printed_start: int  # offset of the piece in Document.printed
    printed: str

    @property
    def shift_after(self) -> int:
        """What to add to a normalised offset past this piece (before the next reprint)."""
        return self.printed_start + len(self.printed) - self.start - len(self.text)

    @cached_property
    def _alignment(self) -> Sequence[tuple[str, int, int, int, int]]:
        from difflib import SequenceMatcher

        from .normalise import pinyin_alignment  # normalise builds documents: imported when first needed

        return (pinyin_alignment(self.text, self.printed)
                or SequenceMatcher(None, self.text, self.printed, autojunk=False).get_opcodes())

    @cached_property
    def _alignment_ends(self) -> list[int]:
        return [a1 for _, _, a1, _, _ in self._alignment]

    def offset(self, k: int) -> int:
        """Printed offset, within the piece, of normalised offset `k` within it."""
        alignment = self._alignment
        # The opcodes tile the normalised text in order: the first ending past k holds it (an
        # insertion, empty there, never does).  A piece of pinyin-dropped text has hundreds.
        i = bisect_right(self._alignment_ends, k)
        candidates = alignment[i:i + 1] if i < len(alignment) else alignment
        for tag, a0, a1, b0, b1 in candidates:
            if a0 <= k < a1 or (k == a1 == len(self.text)):
                return b0 + (k - a0 if tag == "equal" else min(k - a0, max(0, b1 - b0)))
        return len(self.printed)


@dataclass
class Document:
    text: str  # the whole normalised text; spans index into it
    blocks: list[Paragraph | Grid]
    format: str
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    machine_readable: bool = True
    # Where each block starts and ends (running maximum), for finding a region's blocks
    # by bisection; filled in when first needed.
    block_starts: list[int] | None = field(default=None, repr=False, compare=False)
    block_ends: list[int] | None = field(default=None, repr=False, compare=False)
    # The same layout with each block's text as the reader found it (Chinese punctuation,
    # traditional characters): what is shown and stored.  Normalised text is for matching.
    printed: str = ""
    reprints: list[Reprint] = field(default_factory=list, repr=False)
    # Grid rows (table index, row) whose value slots a value cell of a row above spans (a web
    # page's <td rowspan="2">0</td> over two rows printing the same number), with those cells:
    # the rows print no cell of their own there.
    merged_rows: dict[tuple[int, int], list[Span]] = field(default_factory=dict, repr=False)

    def printed_offset(self, offset: int) -> int:
        """Where normalised offset `offset` falls in `printed`.  Pieces of equal length
        map one to one, so only the pieces listed in `reprints` need aligning."""
        if not self.reprints or offset < self.reprints[0].start:
            return offset
        starts, ends, shifts = self._reprint_bounds
        i = bisect_right(starts, offset) - 1
        if offset < ends[i]:
            piece = self.reprints[i]
            return piece.printed_start + piece.offset(offset - piece.start)
        return offset + shifts[i]

    @cached_property
    def _reprint_bounds(self) -> tuple[list[int], list[int], list[int]]:
        """Each reprinted piece's start and end in the text, and the shift past it (asked for
        each cell's offsets: a pinyin-annotated page has a hundred such pieces)."""
        return ([r.start for r in self.reprints], [r.start + len(r.text) for r in self.reprints],
                [r.shift_after for r in self.reprints])

    def printed_slice(self, start: int, end: int) -> str:
        return self.printed[self.printed_offset(start):self.printed_offset(end)]
