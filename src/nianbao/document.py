"""The intermediate document every reader produces and the parser consumes.

Readers (text, HTML, Word, PDF) turn bytes into a `RawDocument`: paragraphs and
tables (grids of cells in printed order, each physical cell once).  `normalise`
turns that into a `Document` whose blocks carry normalised text and offsets into
one linear normalised text, so that every value can point back to where it was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawCell:
    text: str
    row: int | None = None
    col: int | None = None
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    # Cells read from a page image (OCR): where on the page (x0, top, x1, bottom in PDF points
    # from the page's top-left corner) and how sure the recogniser was (0–1; 1.0 for a cell
    # with no ink).  None for cells read from a text layer or markup.
    box: tuple[float, float, float, float] | None = None
    confidence: float | None = None


@dataclass
class RawParagraph:
    text: str
    page: int | None = None


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


@dataclass
class Span:
    """A piece of normalised text with where it came from."""

    text: str
    start: int  # offset into Document.text
    end: int
    page: int | None = None
    grid: tuple[int, int, int] | None = None  # (table index, row, column) for grid cells

    @property
    def location(self) -> dict:
        out: dict = {"start": self.start, "end": self.end}
        if self.page is not None:
            out["page"] = self.page
        if self.grid is not None:
            out["table"], out["row"], out["col"] = self.grid
        return out


@dataclass
class Paragraph:
    span: Span


@dataclass
class Grid:
    index: int
    rows: list[list[Span]]


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
