"""PDF reader: text layer → paragraphs and ruled tables.

The text layer is read with pypdfium2 (PDFium; Apache-2.0/BSD): per page we collect glyph
boxes and the axis-aligned ruling segments drawn by path objects.  Everything after that is
plain geometry in this module, so it does not depend on the library:

* ruling segments that touch each other form a table; its grid is the set of distinct
  segment positions, and elementary cells whose shared border is not drawn are merged
  (that is how rowspan/colspan come back);
* glyphs inside a table go to the cell containing their centre, the rest form text lines,
  which are cleaned of page furniture (page numbers, running headers) and joined into
  paragraphs;
* a table that ends a page and one that starts the next page with the same outer edges and
  compatible columns are one table printed across a page break.

docs/pdf.md explains why PDFium was chosen over pdfplumber and what was measured.
"""

from __future__ import annotations

import atexit
import ctypes
import re
import statistics
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any
from dataclasses import dataclass, field

from nianbao.document import RawCell, RawDocument, RawParagraph, RawTable
from nianbao.errors import MissingDependency, UnreadableInput
from nianbao.values import NUMBER, PAGE_NUMBER
from nianbao.readers.connected import connected

if TYPE_CHECKING:
    from nianbao.readers.ocr import RenderedPages

# --- Calibrated constants (PDF points, 1 pt = 1/72 inch) ------------------------------------

# Two ruling segments closer than this are the same border: a border drawn as a stroked line
# and as the edge of a shaded cell differ by half a line width (≈0.5 pt in the corpus).
SNAP_TOLERANCE = 2.0
# A filled rectangle thinner than this is a drawn rule, not a shaded area: Word and WPS draw
# borders as 0.5–2.25 pt filled rectangles; real shading is at least one text line high.
THIN_RULE = 2.5
# A border between two elementary cells counts as drawn when segments cover this share of it;
# below that it is a stub (e.g. a diagonal-header remnant) and the cells are one cell.
BORDER_COVERAGE = 0.5

# Points within which two glyphs' baselines are one: a run of text set on one line shares it exactly.
SAME_BASELINE = 0.05

# Glyphs of a line further apart than this share of its glyph size have a space between them.
# Boxes are the glyphs' ink: between two figures of one number the gap is wider, as a "1" inks
# a third of its advance (a Chinese font's 159 read as "1 59", 11 as "1 1"), so between figures
# a space takes DIGIT_GAP.  Values in two cells stand a cell's padding apart at least (over a
# character).
WORD_SPACE = 1 / 3
DIGIT_GAP = 0.6
_NUMBER_CHARS = frozenset("0123456789.,")
# Page furniture (page numbers, running headers) lives in these top/bottom page fractions;
# the corpus footer "- 1 -" sits at 5% from the bottom, Chinese government layouts use ≤10%.
MARGIN_BAND = 0.12
# An image covering this share of a text page probably hides content (a table as a picture);
# official seals and logos are far smaller.
LARGE_IMAGE_SHARE = 0.25
# An image on a text page covering this share of it may be a table printed as a picture (a
# small table 四 is ≈0.12 of an A4 page; a 42 mm seal 0.03): OCR reads that region, unless
# more than TEXT_OVER_IMAGE glyphs lie on it (a scan given a text layer is read already).
TABLE_IMAGE_SHARE = 0.1
TEXT_OVER_IMAGE = 2
# Share of undecodable glyphs above which a text layer is considered garbage (missing
# ToUnicode maps produce private-use or U+FFFD characters).
GARBAGE_SHARE = 0.3
# Colour channels at or above this (0–255) are white: invisible on paper, so not a rule.
WHITE_LEVEL = 240



# --- Page content, independent of the PDF library -------------------------------------------


@dataclass
class Glyph:
    """One character; coordinates top-down from the page's top-left corner."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float  # glyphs of one printed line share it, whatever their ink extents

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def size(self) -> float:
        """Glyph size for spacing decisions; ink boxes of non-embedded fonts can be 0 high."""
        return max(self.height, self.x1 - self.x0, 1.0)


@dataclass
class Segment:
    """An axis-aligned ruling segment: horizontal when top == bottom, else vertical."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    glyphs: list[Glyph]
    segments: list[Segment]
    image_area: float = 0.0  # page area covered by image objects, in pt²
    undecodable: int = 0  # glyphs without a usable Unicode value
    # Each image object's box (x0, top, x1, bottom in points from the page's top-left corner).
    image_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)


# --- Reading with PDFium --------------------------------------------------------------------

_FPDF_ERR_PASSWORD = 4
_FPDF_ERR_SECURITY = 6


# PDFium is thread-incompatible: no two threads may be inside it at once, not even on
# different documents, and that includes the finalizers that close pages and bitmaps when the
# garbage collector happens to run (pypdfium2 docs, "Thread incompatibility").  The web app
# parses uploads and draws page images on a thread pool, so every use of PDFium in nianbao
# goes through `open_pdf`, which holds this lock while a document is open and closes
# everything it opened before letting go.  Concurrent use corrupted the heap in CI.
_PDFIUM_LOCK = threading.RLock()
# At exit, pypdfium2 closes every object still open (weakref.finalize's atexit hook) and
# destroys the library (its own atexit hook).  A daemon thread (a web server's worker) may
# still be inside PDFium then: that crashed the interpreter at shutdown.  So, before those
# hooks run, ours takes the lock for good: teardown waits for the PDF work under way, and
# none can start after it.  It is registered after the first document exists, i.e. after
# both of those hooks, because atexit runs hooks last-in first-out.
_EXIT_WAIT_SECONDS = 30.0
_exit_guard_registered = False


def _hold_pdfium_at_exit() -> None:
    _PDFIUM_LOCK.acquire(timeout=_EXIT_WAIT_SECONDS)


def _register_exit_guard() -> None:
    global _exit_guard_registered
    if not _exit_guard_registered:
        atexit.register(_hold_pdfium_at_exit)
        _exit_guard_registered = True


@contextmanager
def open_pdf(data: bytes, *, source: str | None = None) -> Iterator:
    """A pypdfium2 document for `data`, used under the process-wide PDFium lock.

    Raises UnreadableInput for bytes that are not a PDF, a corrupt PDF, or one that needs a
    password.  Pages taken from the document must be closed inside the block.
    """
    pdfium = _import_pdfium()
    with _PDFIUM_LOCK:
        document = _open(pdfium, data, source)
        _register_exit_guard()
        try:
            yield document
        except pdfium.PdfiumError as error:
            raise _corrupt(source) from error
        finally:
            document.close()


def read(data: bytes, *, source: str | None = None) -> RawDocument:
    """Read a PDF's text layer into paragraphs and tables.

    Raises UnreadableInput for bytes that are not a PDF, a corrupt PDF, or one that needs a
    password; returns machine_readable=False with a warning when no page has a text layer.
    """
    with open_pdf(data, source=source) as document:
        meta = _metadata(document)
        pages = [_page_content(document, index) for index in range(len(document))]
    scans = _scanned_pages(pages, data, source)
    if not scans:
        raw = layout_document(pages, meta)
    elif not any(page.glyphs for page in pages):
        from nianbao.readers import ocr

        raw = ocr.read_pages(scans, "pdf", meta)
    else:
        raw = _text_and_scanned(pages, scans, meta)
    if b"%%EOF" not in data[-2048:]:
        raw.warnings.append("PDF 文件可能不完整（缺少文件结尾）/ the PDF may be truncated (no %%EOF marker)")
    return raw


def _scanned_pages(pages: list[PageContent], data: bytes, source: str | None = None) -> RenderedPages:
    """Page images to read by OCR, when the OCR extra is installed: every page of a scan (no
    page has a text layer, some carry images), or the pages of a text PDF that are only an
    image (a table printed, scanned and slipped in among the text pages).  Each is drawn from
    `data` when the reader comes to it."""
    from nianbao.readers import ocr

    render = partial(_page_image, data, source, pages)
    if not any(page.image_area for page in pages) or not ocr.available():
        return ocr.RenderedPages([], render)
    if any(page.glyphs for page in pages):
        wanted = [page.number for page in pages if not page.glyphs and page.image_area > 0]
        # A huge page (a poster, a crafted file) is not rendered for its images: 200 dpi of a
        # 14,400 pt page is 1.6 Gpx.
        scale = ocr.PDF_RENDER_DPI / 72
        with_images = [page.number for page in pages
                       if table_images(page) and page.width * page.height * scale * scale <= ocr.MAX_PIXELS]
        if len(wanted) + len(with_images) <= ocr.MAX_PAGES:  # else the images keep their warning
            wanted = sorted(wanted + with_images)
    else:
        wanted = [page.number for page in pages]
    if len(wanted) > ocr.MAX_PAGES:
        raise UnreadableInput(f"扫描件超过 {ocr.MAX_PAGES} 页，未读取", f"a scan of more than {ocr.MAX_PAGES} pages is not read")
    return ocr.RenderedPages(wanted, render)


def _page_image(data: bytes, source: str | None, pages: list[PageContent], number: int):
    """Page `number` drawn for OCR, at PDF_RENDER_DPI, only its table images where it has text.
    The document is opened for the page alone: PDFium's lock is not held while OCR reads."""
    from nianbao.readers import ocr

    with open_pdf(data, source=source) as document:
        page = document[number - 1]
        try:
            bitmap = page.render(scale=ocr.PDF_RENDER_DPI / 72, rev_byteorder=True)
            rgb = _only_within(bitmap.to_numpy()[..., :3].copy(), table_images(pages[number - 1]), ocr.PDF_RENDER_DPI)
            bitmap.close()
        finally:
            page.close()
    return ocr.PageImage(number, rgb, ocr.PDF_RENDER_DPI)


def table_images(page: PageContent) -> list[tuple[float, float, float, float]]:
    """Boxes of the images on a text page that may be tables printed as pictures: large
    (TABLE_IMAGE_SHARE of the page), with no text layer over them."""
    if not page.glyphs:
        return []
    least = TABLE_IMAGE_SHARE * page.width * page.height
    return [box for box in page.image_boxes
            if (box[2] - box[0]) * (box[3] - box[1]) >= least and _glyphs_over(page, box) <= TEXT_OVER_IMAGE]


def _glyphs_over(page: PageContent, box: tuple[float, float, float, float]) -> int:
    x0, top, x1, bottom = box
    return sum(1 for g in page.glyphs if x0 <= (g.x0 + g.x1) / 2 <= x1 and top <= (g.top + g.bottom) / 2 <= bottom)


def _only_within(rgb, boxes: list[tuple[float, float, float, float]], dpi: float):
    """The rendered page with everything outside `boxes` (points) painted white, so OCR reads
    a text page's table images and not its text, which the text layer gives; all of it when
    there are no boxes (a page that is only an image)."""
    if not boxes:
        return rgb
    import numpy as np

    scale = dpi / 72
    keep = np.zeros(rgb.shape[:2], dtype=bool)
    for x0, top, x1, bottom in boxes:
        keep[max(0, int(top * scale)):int(np.ceil(bottom * scale)), max(0, int(x0 * scale)):int(np.ceil(x1 * scale))] = True
    rgb[~keep] = 255
    return rgb


def _text_and_scanned(pages: list[PageContent], scans: RenderedPages, meta: dict[str, str]) -> RawDocument:
    """A text PDF with image-only pages or table images: the text from the text layer, the
    images by OCR, merged in page order (a table running from a text page onto a scanned one is
    two tables); on a page with a table image, the text above the image comes before what OCR
    read in it and the text below after.  An image OCR reads nothing on keeps its warning."""
    from nianbao.readers import ocr

    text_pages = [page for page in pages if page.glyphs]
    image_tops = {page.number: min(box[1] for box in boxes) for page in text_pages if (boxes := table_images(page))}
    scanned = ocr.read_pages(scans, "pdf", meta)
    # An image on a text page with no table in it (a photo) is left as it was: a ruled table,
    # or a borderless one (a row of numbers among the lines OCR read).
    with_tables = {_block_page(block) for block in scanned.blocks if isinstance(block, RawTable) or ocr.reads_as_table_row(block)}
    scanned.blocks = [block for block in scanned.blocks if _block_page(block) not in image_tops.keys() - with_tables]
    read = {_block_page(block) for block in scanned.blocks}
    # Sorted stably: blocks keep their reading order within a page, except around a table image.
    keyed = [((block.page, block.top if block.page in image_tops else 0.0), _emit(block)) for block in _laid_out(text_pages)]
    keyed += [((_block_page(block), image_tops.get(_block_page(block), 0.0)), block) for block in scanned.blocks]
    blocks = [block for _, block in sorted(keyed, key=lambda pair: pair[0])]
    warnings = _page_warnings(text_pages, images_read=read & image_tops.keys())
    if read:
        warnings.extend(scanned.warnings)
    warnings.extend(f"第 {number} 页只有图像，没有文字层，文字识别（OCR）也未识别出文字 / page {number} "
                    f"is an image without a text layer, and OCR read nothing on it"
                    for number in scans.numbers if number not in read and number not in image_tops)
    return RawDocument(blocks, "pdf", meta=dict(meta or {}), warnings=warnings)


def _block_page(block: RawParagraph | RawTable) -> int:
    if isinstance(block, RawParagraph):
        return block.page or 0
    return next((cell.page for row in block.rows for cell in row if cell.page), 0)


def _import_pdfium():
    try:
        import pypdfium2
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise MissingDependency(
            "读取 PDF 需要安装 pypdfium2", "reading PDF needs the pypdfium2 package"
        ) from error
    return pypdfium2


def _label(source: str | None) -> str:
    return f"{source}: " if source else ""


def _corrupt(source: str | None) -> UnreadableInput:
    return UnreadableInput(
        f"{_label(source)}PDF 文件已损坏或不完整，无法读取",
        f"{_label(source)}the PDF is corrupt or truncated and cannot be read",
    )


def _open(pdfium, data: bytes, source: str | None):
    if not data or b"%PDF" not in data[:1024]:
        raise UnreadableInput(f"{_label(source)}不是 PDF 文件", f"{_label(source)}the input is not a PDF file")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code in (_FPDF_ERR_PASSWORD, _FPDF_ERR_SECURITY):
            raise UnreadableInput(
                f"{_label(source)}PDF 已加密，无法读取", f"{_label(source)}the PDF is password-protected"
            ) from error
        raise _corrupt(source) from error


def _metadata(document) -> dict[str, str]:
    keys = {"Title": "title", "Author": "author", "Creator": "creator", "Producer": "producer",
            "CreationDate": "creation_date", "ModDate": "mod_date"}
    found = document.get_metadata_dict(skip_empty=True)
    meta = {ours: found[theirs].strip() for theirs, ours in keys.items() if found.get(theirs, "").strip()}
    meta["page_count"] = str(len(document))
    return meta


def _page_content(document, index: int) -> PageContent:
    page = document[index]
    try:
        width, height = page.get_size()
        glyphs, undecodable = _glyphs(page, height)
        segments: list[Segment] = []
        image_boxes: list[tuple[float, float, float, float]] = []
        _collect_graphics(page, height, segments, image_boxes)
    finally:
        page.close()
    image_area = sum((x1 - x0) * (bottom - top) for x0, top, x1, bottom in image_boxes)
    return PageContent(index + 1, width, height, glyphs, segments, image_area, undecodable, image_boxes)


def _glyphs(page, height: float) -> tuple[list[Glyph], int]:
    textpage = page.get_textpage()
    try:
        return _textpage_glyphs(textpage, height)
    finally:
        textpage.close()


def _textpage_glyphs(textpage, height: float) -> tuple[list[Glyph], int]:
    import pypdfium2.raw as pdfium_c

    glyphs: list[Glyph] = []
    undecodable = 0
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, index):
            continue  # PDFium's guessed spaces/newlines; spacing is recomputed from positions
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
        if char.isspace() or not char.isprintable():
            undecodable += char not in " \t\r\n\u3000\xa0"
            continue
        if char == "\ufffd" or "\ue000" <= char <= "\uf8ff":
            undecodable += 1
        # Ink (tight) boxes plus the baseline: PDFium's loose boxes and font sizes come from the
        # font matrix and are absurd in some WPS exports (199 pt glyphs in the corpus PDF).
        x0, bottom, x1, top = textpage.get_charbox(index)
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(origin_x), ctypes.byref(origin_y))
        glyphs.append(Glyph(char, x0, height - top, x1, height - bottom, height - origin_y.value))
    return glyphs, undecodable


def _collect_graphics(page, height: float, segments: list[Segment], image_boxes: list[tuple[float, float, float, float]]) -> None:
    import pypdfium2.raw as pdfium_c

    stack = [(pdfium_c.FPDFPage_GetObject(page.raw, i), _IDENTITY)
             for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))]
    while stack:
        obj, parent = stack.pop()
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        matrix = _compose(_object_matrix(obj), parent)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            stack.extend((pdfium_c.FPDFFormObj_GetObject(obj, i), matrix)
                         for i in range(pdfium_c.FPDFFormObj_CountObjects(obj)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            segments.extend(_path_segments(obj, matrix, height))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            box = _image_box(obj, parent, height)
            if box is not None:
                image_boxes.append(box)


_IDENTITY: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _object_matrix(obj) -> tuple[float, ...]:
    import pypdfium2.raw as pdfium_c

    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying `inner` first, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _image_box(obj, parent: tuple[float, ...], height: float) -> tuple[float, float, float, float] | None:
    """An image object's box, in points from the page's top-left corner."""
    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top))):
        return None
    (x0, y0), (x1, y1) = _apply(parent, left.value, bottom.value), _apply(parent, right.value, top.value)
    return min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1)


def _is_white(obj, getter) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, *(ctypes.byref(v) for v in (r, g, b, a))):
        return False
    return a.value == 0 or min(r.value, g.value, b.value) >= WHITE_LEVEL


def _path_segments(obj, matrix: tuple[float, ...], height: float) -> list[Segment]:
    import pypdfium2.raw as pdfium_c

    fill_mode, stroked = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroked))
    stroke_visible = bool(stroked.value) and not _is_white(obj, pdfium_c.FPDFPageObj_GetStrokeColor)
    fill_visible = fill_mode.value != 0 and not _is_white(obj, pdfium_c.FPDFPageObj_GetFillColor)
    if not (stroke_visible or fill_visible):
        return []
    out: list[Segment] = []
    for points in _subpaths(obj, matrix, height):
        if stroke_visible:
            out.extend(_straight_edges(points))
        if fill_visible:
            rule = _thin_box(points)
            if rule is not None:
                out.append(rule)
    return out


def _subpaths(obj, matrix: tuple[float, ...], height: float) -> list[list[tuple[float, float]]]:
    """Polylines of the path in top-down page coordinates; curves are dropped (never rules)."""
    import pypdfium2.raw as pdfium_c

    subpaths: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        px, py = _apply(matrix, x.value, y.value)
        point = (px, height - py)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            subpaths[-1].append(point)
        else:
            subpaths.append([point])  # a curve breaks the polyline
        if pdfium_c.FPDFPathSegment_GetClose(segment) and len(subpaths[-1]) > 1:
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def _straight_edges(points: list[tuple[float, float]]) -> list[Segment]:
    edges = []
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        if abs(ya - yb) <= SNAP_TOLERANCE / 2 or abs(xa - xb) <= SNAP_TOLERANCE / 2:
            if abs(xa - xb) + abs(ya - yb) > SNAP_TOLERANCE:
                edges.append(_segment_between(xa, ya, xb, yb))
    return edges


def _segment_between(xa: float, ya: float, xb: float, yb: float) -> Segment:
    if abs(ya - yb) <= abs(xa - xb):
        y = (ya + yb) / 2
        return Segment(min(xa, xb), y, max(xa, xb), y)
    x = (xa + xb) / 2
    return Segment(x, min(ya, yb), x, max(ya, yb))


def _thin_box(points: list[tuple[float, float]]) -> Segment | None:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    if max(x1 - x0, bottom - top) <= SNAP_TOLERANCE:
        return None  # a dot
    if bottom - top <= THIN_RULE:
        return _segment_between(x0, (top + bottom) / 2, x1, (top + bottom) / 2)
    if x1 - x0 <= THIN_RULE:
        return _segment_between((x0 + x1) / 2, top, (x0 + x1) / 2, bottom)
    return None


# --- Layout: library-independent from here on ----------------------------------------------


@dataclass
class _Cell:
    text: str
    left: float  # x boundaries, used to re-grid tables merged across pages
    right: float
    row: int
    rowspan: int
    page: int
    top: float  # y boundaries, for the cell's box on its page
    bottom: float
    glyphs: list[Glyph] = field(default_factory=list)  # a borderless table's cells: what they hold
    confidence: float | None = None  # read by OCR: how sure the recogniser was (RawCell.confidence)
    doubt: str | None = None  # why its placement is not sure (RawCell.doubt)


@dataclass
class _Table:
    page: int
    top: float
    bottom: float
    xs: list[float]  # column boundaries, left to right
    rows: int
    cells: list[_Cell]


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    char_width: float
    pieces: list[str]  # text runs separated by wide gaps, e.g. "— 3 —" and "第 3 页" on one line
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass
class _TextBlock:
    lines: list[_Line]
    page: int
    starts_indented: bool = False
    ends_short: bool = False

    @property
    def top(self) -> float:
        return self.lines[0].top


@dataclass
class _PageLayout:
    number: int
    blocks: list[_TextBlock | _Table] = field(default_factory=list)
    running: Any = None  # what the next page's borderless tables go on from (`PageTables.running`)


def layout_document(pages: list[PageContent], meta: dict[str, str] | None = None) -> RawDocument:
    """Turn per-page glyphs and rules into a RawDocument (paragraphs, tables, warnings)."""
    warnings = _page_warnings(pages)
    machine_readable = any(page.glyphs for page in pages)
    if not machine_readable:
        warnings.insert(0, "PDF 没有文字层（可能是扫描件），内容无法读取 / "
                           "the PDF has no text layer (probably scanned); its content cannot be read")
    blocks = _laid_out(pages)
    return RawDocument(blocks=[_emit(block) for block in blocks], format="pdf", meta=dict(meta or {}),
                       warnings=warnings, machine_readable=machine_readable)


def _laid_out(pages: list[PageContent]) -> list[_TextBlock | _Table]:
    """The pages' paragraphs and tables in reading order, with their page and top; a paragraph
    or table running over a page break is one block."""
    layouts: list[_PageLayout] = []
    for page in pages:
        layouts.append(_layout_page(page, layouts[-1].running if layouts else None))
    _drop_running_headers(layouts, pages)
    return _join_pages(layouts)


def _page_warnings(pages: list[PageContent], images_read: set[int] | None = None) -> list[str]:
    """Warnings about what the text layer misses; `images_read`: pages whose table images OCR
    has read (no warning that their large image cannot be read)."""
    warnings = []
    has_text = any(page.glyphs for page in pages)
    for page in pages:
        area = page.width * page.height
        if not page.glyphs and page.image_area > 0 and has_text:
            warnings.append(f"第 {page.number} 页只有图像，没有文字层 / page {page.number} is an image without a text layer")
        elif page.glyphs and page.image_area > LARGE_IMAGE_SHARE * area and page.number not in (images_read or set()):
            warnings.append(f"第 {page.number} 页有大幅图像，其中内容（如表格）无法读取 / "
                            f"page {page.number} has a large image whose content (e.g. a table) cannot be read")
        total = len(page.glyphs) + page.undecodable
        if total and page.undecodable > GARBAGE_SHARE * total:
            warnings.append(f"第 {page.number} 页文字层编码缺失，文字可能是乱码 / "
                            f"page {page.number} has a text layer without character mapping; text may be garbled")
    return warnings


def _layout_page(page: PageContent, running: Any = None) -> _PageLayout:
    """The page's ruled tables, borderless tables and paragraphs, top down; `running`: the
    columns of a borderless table the page before ended with (borderless.find_tables)."""
    from nianbao.readers.borderless import find_tables

    tables = [t for t in (_build_table(group, page) for group in _rule_groups(page.segments)) if t]
    free: list[Glyph] = []
    claimed: dict[int, list[Glyph]] = {id(t): [] for t, _, _ in tables}
    for glyph in page.glyphs:
        owner = next((t for t, box, _ in tables if _inside(glyph, box)), None)
        (claimed[id(owner)] if owner else free).append(glyph)
    blocks: list[_TextBlock | _Table] = []
    for table, _, grid in tables:
        _fill_cells(table, grid, claimed[id(table)])
        blocks.append(table)
    lines = lines_without_page_numbers(free, page)
    borderless = find_tables(lines, page.number, running)
    blocks.extend(found.table for found in borderless.tables)
    table_tops = [box[1] for _, box, _ in tables] + [found.table.top for found in borderless.tables]
    blocks.extend(_paragraphs(borderless.text, page.number, table_tops, measure=lines))
    blocks.sort(key=lambda block: block.top)
    return _PageLayout(page.number, blocks, borderless.running)


def _inside(glyph: Glyph, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    return x0 <= glyph.cx <= x1 and top <= glyph.cy <= bottom


# --- Tables from rules ----------------------------------------------------------------------


def _merge_collinear(segments: list[Segment]) -> list[Segment]:
    """Join pieces of the same border (split by cell corners or drawn as several strokes)."""
    merged: list[Segment] = []
    for horizontal in (True, False):
        chosen = [s for s in segments if s.horizontal == horizontal]
        key = (lambda s: (round(s.top / SNAP_TOLERANCE), s.x0)) if horizontal else \
              (lambda s: (round(s.x0 / SNAP_TOLERANCE), s.top))
        for seg in sorted(chosen, key=key):
            last = merged[-1] if merged and merged[-1].horizontal == horizontal else None
            # Pieces join only where they meet: two tables' borders a point or two apart (their
            # positions rounded to neighbouring keys, so sorted apart) are not one border.
            if last and horizontal and abs(last.top - seg.top) <= SNAP_TOLERANCE \
                    and seg.x0 <= last.x1 + SNAP_TOLERANCE and last.x0 <= seg.x1 + SNAP_TOLERANCE:
                last.x0, last.x1 = min(last.x0, seg.x0), max(last.x1, seg.x1)
            elif last and not horizontal and abs(last.x0 - seg.x0) <= SNAP_TOLERANCE \
                    and seg.top <= last.bottom + SNAP_TOLERANCE and last.top <= seg.bottom + SNAP_TOLERANCE:
                last.top, last.bottom = min(last.top, seg.top), max(last.bottom, seg.bottom)
            else:
                merged.append(Segment(seg.x0, seg.top, seg.x1, seg.bottom))
    return merged


def _rule_groups(segments: list[Segment]) -> list[list[Segment]]:
    """Connected sets of rules that contain both directions: candidate tables."""
    rules = _merge_collinear(segments)
    horizontals = [i for i, s in enumerate(rules) if s.horizontal]
    verticals = [i for i, s in enumerate(rules) if not s.horizontal]
    t = SNAP_TOLERANCE
    meeting = ((v, h) for h in horizontals for v in verticals
               if rules[h].x0 - t <= rules[v].x0 <= rules[h].x1 + t and rules[v].top - t <= rules[h].top <= rules[v].bottom + t)
    groups = connected(rules, meeting)
    return [g for g in groups if any(s.horizontal for s in g) and any(not s.horizontal for s in g)]


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if out and value - out[-1] <= SNAP_TOLERANCE:
            continue
        out.append(value)
    return out


@dataclass
class _Grid:
    xs: list[float]
    ys: list[float]
    owner: list[list[int]]  # elementary cell → physical cell id


def _build_table(rules: list[Segment], page: PageContent):
    horizontals = [s for s in rules if s.horizontal]
    verticals = [s for s in rules if not s.horizontal]
    # Outer edges are implied by the rules' extent, so tables without a drawn frame still work.
    xs = _cluster([s.x0 for s in verticals] + [min(s.x0 for s in horizontals), max(s.x1 for s in horizontals)])
    ys = _cluster([s.top for s in horizontals] + [min(s.top for s in verticals), max(s.bottom for s in verticals)])
    if len(xs) < 2 or len(ys) < 2 or (len(xs) - 1) * (len(ys) - 1) < 2:
        return None
    owner = _merge_elementary_cells(xs, ys, horizontals, verticals)
    if len({cell for row in owner for cell in row}) < 2:
        return None  # a framed box of text, not a table
    grid = _Grid(xs, ys, owner)
    table = _Table(page.number, ys[0], ys[-1], xs, 0, [])
    return table, (xs[0] - SNAP_TOLERANCE, ys[0] - SNAP_TOLERANCE, xs[-1] + SNAP_TOLERANCE, ys[-1] + SNAP_TOLERANCE), grid


def _coverage(rules: list[Segment], at: float, start: float, end: float, horizontal: bool) -> float:
    """Share of the border at `at` from `start` to `end` that the rules actually draw."""
    covered: list[tuple[float, float]] = []
    for s in rules:
        position, lo, hi = (s.top, s.x0, s.x1) if horizontal else (s.x0, s.top, s.bottom)
        if abs(position - at) <= SNAP_TOLERANCE and hi > start and lo < end:
            covered.append((max(lo, start), min(hi, end)))
    total, reach = 0.0, start
    for lo, hi in sorted(covered):
        lo = max(lo, reach)
        if hi > lo:
            total, reach = total + hi - lo, hi
    return total / (end - start) if end > start else 1.0


def _merge_elementary_cells(xs, ys, horizontals, verticals) -> list[list[int]]:
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and _coverage(verticals, xs[c + 1], ys[r], ys[r + 1], False) < BORDER_COVERAGE:
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and _coverage(horizontals, ys[r + 1], xs[c], xs[c + 1], True) < BORDER_COVERAGE:
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    return [[find(r * cols + c) for c in range(cols)] for r in range(rows)]


def _fill_cells(table: _Table, grid: _Grid, glyphs: list[Glyph]) -> None:
    extents: dict[int, list[int]] = {}  # cell id → [r0, c0, r1, c1] in elementary cells
    for r, row in enumerate(grid.owner):
        for c, cell in enumerate(row):
            e = extents.setdefault(cell, [r, c, r, c])
            e[0], e[1], e[2], e[3] = min(e[0], r), min(e[1], c), max(e[2], r), max(e[3], c)
    contents: dict[int, list[Glyph]] = {cell: [] for cell in extents}
    for glyph in glyphs:
        r = min(max(bisect_right(grid.ys, glyph.cy) - 1, 0), len(grid.ys) - 2)
        c = min(max(bisect_right(grid.xs, glyph.cx) - 1, 0), len(grid.xs) - 2)
        contents[grid.owner[r][c]].append(glyph)
    # Rows are renumbered over the distinct top edges actually used, so a stray rule that starts
    # no cell does not leave an empty grid row behind.
    tops = sorted({e[0] for e in extents.values()})
    for cell, (r0, c0, r1, c1) in sorted(extents.items(), key=lambda kv: (kv[1][0], kv[1][1])):
        top_row = tops.index(r0)
        span = bisect_right(tops, r1) - top_row
        text = _join_lines([line.text for line in _group_lines(contents[cell])])
        table.cells.append(_Cell(text, grid.xs[c0], grid.xs[c1 + 1], top_row, span, table.page,
                                 grid.ys[r0], grid.ys[r1 + 1]))
    table.rows = len(tops)


# --- Text lines and paragraphs --------------------------------------------------------------


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x3000 <= code <= 0x303F or 0x2000 <= code <= 0x206F or 0x20000 <= code <= 0x2FFFF)


def _join_pieces(left: str, right: str, separator: str = " ") -> str:
    """Chinese text has no spaces: letter-spacing and line breaks between CJK characters are
    layout, not content.  Between Latin letters or digits they are word breaks."""
    if not left or not right:
        return left + right
    if _is_cjk(left[-1]) or _is_cjk(right[0]):
        return left + right
    return left + separator + right


def _join_lines(lines: list[str]) -> str:
    text = ""
    for line in lines:
        text = _join_pieces(text, line)
    return text


def _group_lines(glyphs: list[Glyph]) -> list[_Line]:
    """Glyphs on (nearly) the same baseline are a line; within a line, gaps wider than a third
    of the line's glyph size become spaces (unless CJK is involved, see `_join_pieces`)."""
    bands: list[list[Glyph]] = []
    band_baseline = 0.0
    for glyph in sorted(glyphs, key=lambda g: (g.baseline, g.x0)):
        # Baselines, not boxes: a label stacked one character per line has boxes that nearly
        # touch, but baselines a full line pitch apart; 0.4 of a glyph allows sub/superscripts.
        # A glyph on the baseline of the one before shares its line: a full stop's box, a point
        # high, is no measure of how far its line may stand from another (1.本… had been cut
        # after the 1, which joined a group label's line a point above).
        if bands and (glyph.baseline - band_baseline < 0.4 * glyph.size
                      or glyph.baseline - bands[-1][-1].baseline < SAME_BASELINE):
            bands[-1].append(glyph)
        else:
            bands.append([glyph])
            band_baseline = glyph.baseline
    lines = []
    for band in bands:
        band.sort(key=lambda g: g.x0)
        size = statistics.median(g.size for g in band)
        pieces = [band[0].text]
        for previous, glyph in zip(band, band[1:]):
            gap = glyph.x0 - previous.x1
            if gap > 2 * size:  # a separate run on the same baseline
                pieces.append(glyph.text)
            elif gap > (DIGIT_GAP if _in_number(previous, glyph) else WORD_SPACE) * size:
                pieces[-1] = _join_pieces(pieces[-1], glyph.text, " ")
            else:
                pieces[-1] += glyph.text
        widths = [g.x1 - g.x0 for g in band if _is_cjk(g.text)] or [size / 2]
        lines.append(_Line(_join_lines(pieces), band[0].x0, max(g.x1 for g in band), min(g.top for g in band),
                           max(g.bottom for g in band), statistics.median(widths), pieces, band))
    return lines


def _in_number(previous: Glyph, glyph: Glyph) -> bool:
    return previous.text in _NUMBER_CHARS and glyph.text in _NUMBER_CHARS


def lines_without_page_numbers(glyphs: list[Glyph], page: PageContent) -> list[_Line]:
    """The page's glyphs as lines (`_group_lines`), less the page numbers in its margins."""
    lines = _group_lines(glyphs)
    return [line for line in lines if not _is_page_number(line, page, lines)]


def _is_page_number(line: _Line, page: PageContent, lines: Sequence[_Line]) -> bool:
    """A line in the page's top or bottom margin band holding only page numbers (— 3 —, 第3页).
    A bare number (3) is one only alone on its line, not nought (pages count from 1), and with no
    line reaching beyond it towards the page's edge: a table's row near the page's foot prints
    bare numbers too (0 0 0 0 0 0 0, or a row's one value), above the page's number, and a row at
    a page's top may print its one value between its label's two lines, the first starting above
    it; dropped as one, the row read blank, unflagged."""
    top_band, bottom_band = line.bottom < MARGIN_BAND * page.height, line.top > (1 - MARGIN_BAND) * page.height
    pieces = [piece.strip() for piece in line.pieces]
    if not (top_band or bottom_band) or not all(PAGE_NUMBER.match(piece) for piece in pieces):
        return False
    if not any(NUMBER.fullmatch(piece) for piece in pieces):
        return True
    half = (line.bottom - line.top) / 2  # a line beside it on its baseline reaches no further
    beyond = any(other.bottom > line.bottom + half if bottom_band else other.top < line.top - half
                 for other in lines if other is not line)
    return len(pieces) == 1 and not beyond and bool(pieces[0].strip("0"))


def _paragraphs(lines: list[_Line], page: int, table_tops: Sequence[float] = (),
                measure: list[_Line] | None = None) -> list[_TextBlock]:
    """Join wrapped lines: a paragraph ends at a short line, an indented line, a wide gap
    or a table between the lines (a heading above a table and the next heading below it
    can look like one wrapped paragraph on a page with little free text).  The page's margins
    and usual line gap are measured on `measure` (all its text lines, borderless tables'
    included), else on `lines`."""
    if not lines:
        return []
    measure = measure or lines
    left = Counter(round(line.x0) for line in measure).most_common(1)[0][0]
    right = max(line.x1 for line in measure)
    gaps = [b.top - a.bottom for a, b in zip(measure, measure[1:]) if b.top > a.bottom]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    blocks: list[_TextBlock] = []
    previous: _Line | None = None
    for line in lines:
        # One character of indentation or slack is the unit: Chinese paragraphs indent two
        # characters and justified lines end within a fraction of one.
        indented = line.x0 > left + line.char_width * 0.8
        breaks = (previous is None or indented
                  or previous.x1 < right - previous.char_width * 1.5
                  or line.top - previous.bottom > usual_gap + line.char_width * 0.8
                  or any(previous.bottom <= top <= line.top for top in table_tops))
        if breaks:
            blocks.append(_TextBlock([line], page, starts_indented=indented))
        else:
            blocks[-1].lines.append(line)
        blocks[-1].ends_short = line.x1 < right - line.char_width * 1.5
        previous = line
    return blocks


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.replace(" ", ""))


def _drop_running_headers(layouts: list[_PageLayout], pages: list[PageContent]) -> None:
    """Remove one-line blocks in the page margins that repeat on most pages (running headers
    and footers such as the agency name), numbers ignored so "第3页" matches "第4页"."""
    if len(layouts) < 3:
        return
    counts: Counter[str] = Counter()
    for layout, page in zip(layouts, pages):
        counts.update({_furniture_key(b.lines[0].text) for b in _margin_blocks(layout, page)})
    repeated = {key for key, n in counts.items() if n >= max(3, len(layouts) // 2 + 1)}
    for layout, page in zip(layouts, pages):
        drop = [b for b in _margin_blocks(layout, page) if _furniture_key(b.lines[0].text) in repeated]
        layout.blocks = [b for b in layout.blocks if all(b is not d for d in drop)]


def _margin_blocks(layout: _PageLayout, page: PageContent) -> list[_TextBlock]:
    return [b for b in layout.blocks if isinstance(b, _TextBlock) and len(b.lines) == 1
            and (b.lines[0].bottom < MARGIN_BAND * page.height or b.lines[0].top > (1 - MARGIN_BAND) * page.height)]


# --- Across pages ---------------------------------------------------------------------------


def _join_pages(layouts: list[_PageLayout]) -> list[_TextBlock | _Table]:
    out: list[_TextBlock | _Table] = []
    for layout in layouts:
        for index, block in enumerate(layout.blocks):
            previous = out[-1] if out and index == 0 else None
            if isinstance(previous, _Table) and isinstance(block, _Table) and _continues(previous, block):
                _append_table(previous, block)
            elif (isinstance(previous, _TextBlock) and isinstance(block, _TextBlock)
                  and not previous.ends_short and not block.starts_indented):
                previous.lines.extend(block.lines)  # a paragraph running over the page break
                previous.ends_short = block.ends_short
            else:
                out.append(block)
    return out


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 2 * SNAP_TOLERANCE


def _continues(first: _Table, second: _Table) -> bool:
    """Same outer edges, and one table's column boundaries are a subset of the other's."""
    if not (_near(first.xs[0], second.xs[0]) and _near(first.xs[-1], second.xs[-1])):
        return False
    small, large = sorted((first.xs, second.xs), key=len)
    return all(any(_near(x, y) for y in large) for x in small)


def _append_table(first: _Table, second: _Table) -> None:
    append_rows(first, second)
    first.xs = _cluster(first.xs + second.xs)


def append_rows(first: Any, second: Any) -> None:
    """The rows of a table continued on the next page appended to its first part; a header
    row the second part repeats is dropped.  Both have `cells` (with `row`, `text`) and `rows`."""
    first_row = [c.text for c in first.cells if c.row == 0]
    repeated_header = [c.text for c in second.cells if c.row == 0] == first_row and any(first_row)
    offset = first.rows - (1 if repeated_header else 0)
    for cell in second.cells:
        if repeated_header and cell.row == 0:
            continue
        cell.row += offset
        first.cells.append(cell)
    first.rows = offset + second.rows


def _emit(block: _TextBlock | _Table) -> RawParagraph | RawTable:
    if isinstance(block, _TextBlock):
        return RawParagraph(_join_lines([line.text for line in block.lines]), page=block.page)
    # Columns are numbered over the left edges cells actually use (as rows are over top edges),
    # so a vertical stub that starts no cell does not create an empty column.
    lefts = _cluster([cell.left for cell in block.cells])
    rows: list[list[RawCell]] = [[] for _ in range(block.rows)]
    for cell in sorted(block.cells, key=lambda c: (c.row, c.left)):
        col = _nearest(lefts, cell.left)
        colspan = max(1, sum(1 for x in lefts if x < cell.right - SNAP_TOLERANCE) - col)
        box = (round(cell.left, 1), round(cell.top, 1), round(cell.right, 1), round(cell.bottom, 1))
        rows[cell.row].append(RawCell(cell.text, cell.row, col, cell.rowspan, colspan, cell.page, box=box,
                                      confidence=cell.confidence, doubt=cell.doubt))
    return RawTable([row for row in rows if row])


def _nearest(values: list[float], x: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - x))
