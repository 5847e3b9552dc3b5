"""OCR reader: scanned pages (image-only PDFs, PNG/JPEG/TIFF) → paragraphs and ruled tables.

Tables are read from the image, not from free text: the ruling lines give the grid (with the
PDF reader's grid code, so spans come back the same way), and each cell's text lines are
recognised on their own (recognition only, no text detection).  So an empty cell stays empty,
a lone 0 is not lost among its neighbours, and every value keeps the cell it was printed in.
Text outside ruled tables, borderless tables included, is found by the engine's text detector
and laid out by the PDF reader's line code (readers/ocr_words.py).

Recognition uses RapidOCR (PP-OCR models on ONNX Runtime, shipped inside the wheel: nothing is
downloaded at run time).  It is an optional extra: `pip install 'nianbao[ocr]'`.  docs/ocr.md
compares the candidates and gives the measured accuracy and speed.

Every OCR cell keeps its page, its box on the page (PDF points) and the recogniser's
confidence; `flag_doubtful_cells` marks the values read from low-confidence cells uncertain,
so an OCR confusion never passes for a printed value.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from io import BytesIO
from typing import TYPE_CHECKING, Any, Callable, Iterator

from nianbao.document import PlacedText, RawCell, RawDocument, RawParagraph, RawTable, grid_place
from nianbao.errors import MissingDependency, UnreadableInput
from nianbao.readers.borderless import LIST_MARKER
from nianbao.readers.ocr_confusions import settle_agency_name, settle_confusions
from nianbao.readers.ocr_words import BLANK_INSET, ScanGrid, ScanText, ScanWord, detect_words, paragraphs
from nianbao.readers.pdf import append_rows, SNAP_TOLERANCE, PageContent, _build_table, _join_lines, _rule_groups
from nianbao.readers.pdf import _emit as pdf_emit
from nianbao.tables import WHY_LABEL_ONLY, WHY_NOT_PRINTED
from nianbao.values import is_value_text

if TYPE_CHECKING:
    import numpy as np

    from nianbao.model import Report
    from nianbao.readers.page_image import CleanPage

# A cell or line read with less confidence than this is doubtful: values from it are uncertain.
# Calibrated on the generated scan set (docs/ocr.md): every misread digit there scored below
# it, while clean digits score ≥ 0.98.
DOUBT_BELOW = 0.9
# Why a row the table seems not to print stays doubtful on a scan (_doubt_rows_not_printed).
WHY_NOT_READ_ON_SCAN = "扫描件上未读到此行，可能被印章或污损遮盖 / row not read on the scan; a seal or stain may hide it"
WHY_VALUES_NOT_READ_ON_SCAN = ("扫描件上此行未读到数值，可能被印章或污损遮盖 / no value of the row read on the scan; a seal "
                               "or stain may hide them")
# What a piece of a cell border left in the cell reads as.  No statistics-table cell prints
# them, so a cell reading one is doubtful whatever the recogniser's confidence: a border the
# grid missed may have made "0" read as "10".
BORDER_LOOKALIKES = frozenset("|丨│ⅠIl")
# Digits with a space between them in one cell: two cells read as one (a border the grid missed).
_SPLIT_NUMBER = re.compile(r"\d\s+\d")
# A piece of ink at least half on a seal's stroke is the seal's, or hidden by it: the cell is
# doubtful (an arc of the seal that survived its removal read as "1" at 0.9).
SEAL_RESIDUE_SHARE = 0.5
# Resolution used when a PDF page is a scan: the statistics tables' digits are ≈10 pt, which
# at 200 dpi are ≈28 px high, the recogniser's sweet spot (its input is 48 px high).
PDF_RENDER_DPI = 200
# Image files without a resolution tag are assumed to be A4 pages; a page this many pixels wide
# is 8.27 in.
A4_WIDTH_INCHES = 8.27
A4_HEIGHT_INCHES = 11.69
# Pages of more pixels than an A4 page at PDF_RENDER_DPI (3.9 Mpx) are scaled down to that
# before cleaning and recognition, as a scanned PDF's pages are rendered: digits stay ≈28 px
# high at A4, and a 300 dpi A4 image (8.7 Mpx) took the worker past its 1 GB address-space
# budget (budget.py) in cleaning the page.
# The cap stands PAGE_PIXEL_SLACK above that page, so that an A4 page rendered at 200 dpi (whole
# pixels, rounded up) or scanned a little large is never resampled: scaling by 0.9996 blurs every
# stroke, and the OCR of a two-page A4 scan then found not one heading.
PAGE_PIXEL_SLACK = 1.01
MAX_PAGE_PIXELS = round(A4_WIDTH_INCHES * A4_HEIGHT_INCHES * PDF_RENDER_DPI ** 2 * PAGE_PIXEL_SLACK)
# Two table parts on consecutive pages are one table when their column edges, measured from
# the table's left edge, agree within this share of the page width (scans shift pages a little).
PAGE_JOIN_TOLERANCE = 0.015
# Images larger than this many pixels are refused (a 600 dpi A3 scan is ≈70 Mpx): decoding a
# crafted image must not take the machine's memory.
MAX_PIXELS = 80_000_000
# Pages per file: a long multi-page TIFF is refused rather than read for minutes.
MAX_PAGES = 200


# Crops narrower than this many heights are padded to it: the recogniser needs a few time
# steps (its width stride is 8 px at 48 px high) even for one digit.
MIN_WIDTH_RATIO = 1.5
# Crops per recognition batch: larger batches pad more, smaller ones call the model more often.
BATCH_SIZE = 16
# A batch's crops, padded to its widest, add up to at most this many heights of width.  The
# recogniser's memory grows with the padded width of the batch (it attends along the line):
# one page-wide text line (75 heights) padded into a batch of 16 took the process over 1 GB of
# address space, the parsing budget (budget.py), and failed the upload; at 80 a table page peaks
# at ≈0.93 GB (about what that one line costs alone), and is no slower: 16 digit cells (≤ 5
# heights) still share a batch.  At 80 a 300 dpi A4 page (scaled to 200 dpi) still peaked at
# 0.91-0.93 GB and failed at times in a budgeted worker; at 40 it peaks ≈0.1 GB lower and is no
# slower.  The readings depend on the padding: on the 150 dpi scan set 40 reads 95.94% of cells
# right against 96.03% (4 of 4,235, all in `worst`), flags the same and leaves none wrong.
MAX_BATCH_WIDTH = 40

# A text box the detector finds is kept when its mean text probability reaches this.  RapidOCR's
# 0.5 dropped most lone "0" cells of a borderless table (a row of 7 kept 1, one of 15 kept 10,
# on the scan set's 150 dpi clean page); at 0.3 all were found.  Empty boxes are dropped anyway
# (no ink in them).
DETECT_BOX_THRESHOLD = 0.3

# --- Recognition ----------------------------------------------------------------------------

_ENGINE: Any = None
_ENGINE_LOCK = threading.Lock()


def available() -> bool:
    """Whether the OCR extra is installed."""
    try:
        import cv2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def _engine():
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as error:
                raise MissingDependency(
                    "识别扫描件需要安装 OCR 组件：pip install 'nianbao[ocr]'",
                    "reading scans needs the OCR extra: pip install 'nianbao[ocr]'",
                ) from error
            # One thread per process: ingest parallelises across processes (and Dask workers).
            _ENGINE = RapidOCR(params={
                "Global.log_level": "error",
                "Det.box_thresh": DETECT_BOX_THRESHOLD,
                # The detector gets the strips `ocr_words.detect_words` cuts, as they are:
                # RapidOCR's default scales every input up to 736 px on its short side.
                "Det.limit_type": "max",
                "Det.limit_side_len": 10_000,
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
        return _ENGINE


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and confidence for each single-line crop (recognition only).  The confidence is
    that of the least sure character, not the line's average: one doubtful digit in "120"
    makes the number doubtful.

    Crops are batched by width and each batch is padded only to its widest crop.  RapidOCR's
    own batching pads every crop to at least 320 px (6.7 × its height), so a lone digit cost as
    much as a line of text: this is ≈4× faster on a statistics table.
    """
    if not crops:
        return []
    import numpy as np

    recogniser = _engine()._load_rec_model()
    ratios = [max(MIN_WIDTH_RATIO, crop.shape[1] / crop.shape[0]) for crop in crops]
    order = sorted(range(len(crops)), key=ratios.__getitem__)
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for batch in _batches(order, ratios):
        widest = max(ratios[i] for i in batch)
        tensor = np.stack([recogniser.resize_norm_img(crops[i], widest) for i in batch]).astype(np.float32)
        scores = recogniser.session(tensor)
        for i, (text, confidence) in zip(batch, _ctc_decode(scores, recogniser.postprocess_op.character)):
            out[i] = (text.strip(), confidence)
    return out


def _batches(order: list[int], ratios: list[float]) -> Iterator[list[int]]:
    """Crops in order of width, cut into batches of at most BATCH_SIZE whose padded width
    (count × widest) stays within MAX_BATCH_WIDTH; a crop wider than that goes alone."""
    batch: list[int] = []
    for index in order:
        if batch and (len(batch) == BATCH_SIZE or (len(batch) + 1) * ratios[index] > MAX_BATCH_WIDTH):
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


def _ctc_decode(scores: np.ndarray, alphabet: list[str]) -> list[tuple[str, float]]:
    """Greedy CTC decoding (index 0 is the blank), keeping each character's probability."""
    best, probability = scores.argmax(axis=2), scores.max(axis=2)
    out = []
    for indices, probs in zip(best, probability):
        keep = indices != 0
        keep[1:] &= indices[1:] != indices[:-1]
        text = "".join(alphabet[k] for k in indices[keep])
        out.append((text, float(probs[keep].min()) if keep.any() else 0.0))
    return out


# --- Reading --------------------------------------------------------------------------------


@dataclass
class PageImage:
    number: int  # 1-based
    rgb: np.ndarray
    dpi: float


@dataclass
class RenderedPages:
    """Pages drawn one at a time, as the reader comes to them: a scan's pages held as pictures
    all at once (11.6 MB an A4 page at 200 dpi) took a 15-page scan past a worker's 1 GB
    budget.  `render(number)` draws page `number`."""

    numbers: list[int]
    render: Callable[[int], PageImage]

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self) -> Iterator[PageImage]:
        return (self.render(number) for number in self.numbers)


def read(data: bytes, *, source: str | None = None) -> RawDocument:
    """Read an image file (PNG, JPEG, TIFF incl. multi-page, BMP, GIF) as scanned pages."""
    return read_pages(_image_pages(data, source), "image")


# Told (pages read, pages in all) after each page: the CLI's per-page progress bar (page_progress).
_PAGE_PROGRESS: ContextVar[Callable[[int, int], None] | None] = ContextVar("ocr_page_progress", default=None)


@contextmanager
def page_progress(callback: Callable[[int, int], None]) -> Iterator[None]:
    """Within the block, `callback(done, total)` is called after OCR reads each page."""
    token = _PAGE_PROGRESS.set(callback)
    try:
        yield
    finally:
        _PAGE_PROGRESS.reset(token)


# Told the number of pages OCR is about to read, before it reads the first: a budgeted worker
# (budget.py) gives a scan more time by its pages, and stops here to ask for it.
_PAGES_AHEAD: ContextVar[Callable[[int], None] | None] = ContextVar("ocr_pages_ahead", default=None)


@contextmanager
def pages_ahead(callback: Callable[[int], None]) -> Iterator[None]:
    """Within the block, `callback(pages)` is called each time OCR is about to read `pages`
    pages; what it raises ends the reading."""
    token = _PAGES_AHEAD.set(callback)
    try:
        yield
    finally:
        _PAGES_AHEAD.reset(token)


def about_to_read(pages: int) -> None:
    """Tell the `pages_ahead` callback, if any, that OCR is about to read `pages` pages."""
    ahead = _PAGES_AHEAD.get()
    if ahead is not None:
        ahead(pages)


def read_pages(pages: list[PageImage] | RenderedPages, fmt: str, meta: dict[str, str] | None = None) -> RawDocument:
    about_to_read(len(pages))
    progress = _PAGE_PROGRESS.get()
    layouts = []
    numbers = []
    running = None  # what a borderless table goes on from over the page break (find_tables)
    for done, page in enumerate(pages, 1):
        blocks, running = _read_page(page, running)
        layouts.append(blocks)
        numbers.append(page.number)
        if progress is not None:
            progress(done, len(pages))
    blocks = _join_pages(layouts)
    raw_blocks = [_emit(block) for block in blocks]
    if not any(_has_text(block) for block in raw_blocks):
        return RawDocument([], fmt, meta=dict(meta or {}), machine_readable=False, warnings=[
            "没有文字层（扫描件或图片），文字识别（OCR）也未识别出文字 / no text layer, and OCR recognised no text"])
    pages_read = "、".join(map(str, numbers))
    warnings = [f"第 {pages_read} 页为扫描图像，已用文字识别（OCR）读取，低置信度的数值标为存疑 / "
                f"page(s) {pages_read} are scanned images, read by OCR; low-confidence values are flagged uncertain"]
    return RawDocument(raw_blocks, fmt, meta=dict(meta or {}), warnings=warnings)


def _has_text(block: RawParagraph | RawTable) -> bool:
    if isinstance(block, RawParagraph):
        return bool(block.text.strip())
    return any(cell.text.strip() for row in block.rows for cell in row)


def _image_pages(data: bytes, source: str | None) -> list[PageImage]:
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    label = f"{source}: " if source else ""
    try:
        pages = []
        for index, frame, _ in image_frames(data, label):
            rgb = np.array(frame.convert("RGB"))
            pages.append(within_pixel_cap(PageImage(index + 1, rgb, _dpi(frame.info.get("dpi"), rgb.shape[1]))))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableInput(f"{label}图像文件已损坏或格式不支持，无法读取",
                              f"{label}the image is damaged or of an unsupported kind: {error}") from error
    return pages


def image_frames(data: bytes, label: str = "") -> Iterator[tuple[int, Any, tuple[float, float]]]:
    """(index, frame, (width, height) in points) for each page of an image file, in the points
    the OCR reader gives cell boxes in, so a box drawn on the page lands on its cell."""
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(BytesIO(data)) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= MAX_PAGES:
                raise UnreadableInput(f"{label}图像页数超过 {MAX_PAGES} 页，未读取",
                                      f"{label}more than {MAX_PAGES} pages in the image; not read")
            to_pt = 72.0 / _dpi(frame.info.get("dpi"), frame.width)
            yield index, frame, (frame.width * to_pt, frame.height * to_pt)


def within_pixel_cap(page: PageImage) -> PageImage:
    """The page scaled down to at most MAX_PAGE_PIXELS (area averaging, as a scanner's lower
    resolution would), its resolution scaled with it so boxes stay in the same points."""
    height, width = page.rgb.shape[:2]
    if height * width <= MAX_PAGE_PIXELS:
        return page
    import cv2

    scale = (MAX_PAGE_PIXELS / (height * width)) ** 0.5
    size = (max(1, int(width * scale)), max(1, int(height * scale)))
    rgb = cv2.resize(page.rgb, size, interpolation=cv2.INTER_AREA)
    return PageImage(page.number, rgb, page.dpi * rgb.shape[1] / width)


def _dpi(tagged: Any, width_px: int) -> float:
    """The scan's resolution: its tag when plausible, else that of an A4 page this wide."""
    try:
        value = float(tagged[0])
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if 72 <= value <= 1200:
        return value
    return width_px / A4_WIDTH_INCHES


# --- One page -------------------------------------------------------------------------------


@dataclass
class _OcrCell:
    top_edge: int  # elementary grid row the cell starts in, then its table row
    bottom_edge: int
    left: float  # points, from the table's left edge (pages of a scan shift)
    right: float
    box: tuple[float, float, float, float]  # points on the page
    page: int
    lines: list[tuple[int, int, int, int]] = field(default_factory=list)  # pixel boxes
    under_seal: bool = False  # a piece of its ink lies on a seal's stroke
    specks_only: bool = False  # its only ink is specks (noise in an empty cell, or a faded character)
    text: str = ""
    confidence: float = 1.0
    row: int = 0
    rowspan: int = 1


@dataclass
class _ScanTable:
    page: int
    top: float
    xs: list[float]  # column edges from the table's left edge, points
    rows: int
    cells: list[_OcrCell]


def _read_page(page: PageImage, running: Any = None) -> tuple[list[_ScanTable | ScanText | ScanGrid], Any]:
    """The page's ruled tables, read cell by cell, and its other text as borderless tables and
    paragraphs of detected words, top down; with the columns of a borderless table running on
    to the next page (`running`: from the page before)."""
    from nianbao.readers.page_image import clean_page

    page = within_pixel_cap(page)  # pages rendered from a PDF too (a large-format page)
    clean = clean_page(page.rgb, page.dpi)
    tables = _tables(clean, page.number)
    to_px = clean.dpi / 72.0
    words = detect_words(clean, [tuple(int(round(v * to_px)) for v in cell.box)  # type: ignore[misc]
                                 for table in tables for cell in table.cells])
    jobs: list[tuple[int, tuple[int, int, int, int]]] = []
    for table in tables:
        jobs.extend((id(cell), box) for cell in table.cells for box in cell.lines)
    jobs.extend((id(word), word.box) for word in words)
    pieces = _recognised(jobs, clean)
    for table in tables:
        split = [part for cell in table.cells for part in _split_stacked_labels(table, cell, pieces.get(id(cell), []), to_px)]
        table.cells = [cell for cell, _ in split]
        for cell, lines_read in split:
            cell.text, cell.confidence = _settle(lines_read)
            if cell.under_seal or cell.specks_only and cell.text:
                cell.confidence = min(cell.confidence, DOUBT_BELOW / 2)
    for word in words:
        _settle_word(word, pieces.get(id(word), []), clean)
    size = (page.rgb.shape[1] * 72.0 / page.dpi, page.rgb.shape[0] * 72.0 / page.dpi)
    texts, running = paragraphs(words, clean.dpi, page.number, size, [table.top for table in tables],
                                lambda box: _inked(clean, box), running)
    _reread_inked_blanks([block for block in texts if isinstance(block, ScanGrid)], clean)
    blocks: list[_ScanTable | ScanText | ScanGrid] = [*tables, *texts]
    return sorted(blocks, key=lambda block: block.top), running


def _recognised(jobs: list[tuple[int, tuple[int, int, int, int]]], clean: CleanPage) -> dict[int, list[tuple[str, float]]]:
    """Each (owner key, line box on the page) recognised, in one batch: the readings of each
    owner's lines, in the order of `jobs`."""
    from nianbao.readers.page_image import crop_for_recognition

    readings = recognise([crop_for_recognition(clean.grey, box) for _, box in jobs])
    pieces: dict[int, list[tuple[str, float]]] = {}
    for (key, _), reading in zip(jobs, readings):
        pieces.setdefault(key, []).append(reading)
    return pieces


def _split_stacked_labels(table: _ScanTable, cell: _OcrCell, readings: list[tuple[str, float]],
                          to_px: float) -> list[tuple[_OcrCell, list[tuple[str, float]]]]:
    """A cell over several table rows whose lines fall in those rows one numbered label each
    (一、本年新收… in the first, 二、上年结转… in the second): the rule between the rows was lost
    in the label column alone (faint on a photocopy), and each row's label is the text printed
    in it, by position.  A group label over its sub-rows (（三）不予公开, its lines 不予公 / 开 not
    numbered) or a label wrapped within its row is left whole.  `readings` are the cell's lines'
    (text, confidence), in the order of `cell.lines`; each part comes with its own."""
    whole = [(cell, readings)]
    if cell.rowspan < 2 or len(cell.lines) < 2 or len(readings) != len(cell.lines):
        return whole
    tops = {c.row: c.box[1] for c in sorted(table.cells, key=lambda c: -c.box[1])}
    edges = [tops.get(row, 0.0) for row in range(cell.row, cell.row + cell.rowspan)] + [cell.box[3]]
    if any(b <= a for a, b in zip(edges, edges[1:])):
        return whole
    bands: list[list[int]] = [[] for _ in range(cell.rowspan)]
    for index, (_, top, _, bottom) in enumerate(cell.lines):
        middle = (top + bottom) / 2 / to_px
        band = next((b for b in range(cell.rowspan) if edges[b] <= middle < edges[b + 1]), None)
        if band is None:
            return whole
        bands[band].append(index)
    texts = [_join_lines([readings[i][0] for i in band if readings[i][0]]) for band in bands]
    if not all(band for band in bands) or not all(LIST_MARKER.match(text.lstrip()) for text in texts):
        return whole
    x0, _, x1, _ = cell.box
    return [(replace(cell, box=(x0, edges[offset], x1, edges[offset + 1]), lines=[cell.lines[i] for i in band],
                     row=cell.row + offset, rowspan=1), [readings[i] for i in band])
            for offset, band in enumerate(bands)]


def _reread_inked_blanks(grids: list[ScanGrid], clean: CleanPage) -> None:
    """A borderless table's cell with ink in it but no detected word (a lone "0" the text
    detector passed over: the detector is the weak link on a faded, noisy copy) is recognised on
    its own, as a ruled table's cell is: its ink cut into lines, each line's crop read.  What it
    reads is taken only when it is a value read surely (confidence ≥ DOUBT_BELOW, no border
    look-alike or split digits) from ink that is neither mere specks nor on a seal's stroke: on a
    stamped, noisy copy such cells of a mostly blank table read "8", "1", "日" at 0.2–0.45, noise
    a blank cell holds.  Anything else stays a doubtful blank (confidence 0), as before."""

    to_px = clean.dpi / 72.0
    cells = [cell for grid in grids for cell in grid.table.cells if not cell.text and cell.confidence == 0.0]
    if not cells:
        return
    windows, inks = [], []
    for cell in cells:
        x0, top, x1, bottom = (int(round(v * to_px)) for v in (cell.left + BLANK_INSET, cell.top + BLANK_INSET,
                                                                 cell.right - BLANK_INSET, cell.bottom - BLANK_INSET))
        x0, top = max(0, x0), max(0, top)
        x1, bottom = max(x0, x1), max(top, bottom)
        windows.append((x0, top, x1, bottom))
        inks.append(clean.ink[top:bottom, x0:x1])
    jobs: list[tuple[int, tuple[int, int, int, int]]] = []
    doubtful: set[int] = set()
    for k, ((x0, top, x1, bottom), ink, (lines, specks_only, _)) in enumerate(zip(windows, inks, _ink_lines(windows, inks, clean))):
        if specks_only or _seal_residue(ink, clean.seal[top:bottom, x0:x1]):
            doubtful.add(k)
        jobs.extend((k, box) for box in lines)
    pieces = _recognised(jobs, clean)
    for k, cell in enumerate(cells):
        text, confidence = _settle(pieces.get(k, []))
        if k in doubtful or confidence < DOUBT_BELOW or not is_value_text(text):
            continue  # noise, a seal's remains, or ink read as nothing or unsure: a doubtful blank, as it was
        cell.text, cell.confidence = text, confidence


def _inked(clean: CleanPage, box: tuple[float, float, float, float]) -> bool:
    """Whether the cleaned page has text ink in a box (points)."""
    to_px = clean.dpi / 72.0
    x0, top, x1, bottom = (int(round(v * to_px)) for v in box)
    return bool(clean.ink[max(0, top):max(0, bottom), max(0, x0):max(0, x1)].any())


def _settle_word(word: ScanWord, readings: list[tuple[str, float]], clean: CleanPage) -> None:
    """A detected word's text and confidence; a border look-alike (a rule the grid did not
    take) or ink lying on a seal's stroke makes it doubtful, as in a cell."""
    word.text, word.confidence = readings[0] if readings else ("", 0.0)
    x0, top, x1, bottom = word.box
    if any(char in BORDER_LOOKALIKES for char in word.text) or _seal_residue(clean.ink[top:bottom, x0:x1], clean.seal[top:bottom, x0:x1]):
        word.confidence = min(word.confidence, DOUBT_BELOW / 2)


def _settle(readings: list[tuple[str, float]]) -> tuple[str, float]:
    """A cell's text from its lines, and its confidence: the least sure line's.  Ink that reads
    as nothing is not an empty cell: confidence 0."""
    if not readings:
        return "", 1.0
    text = _join_lines([text for text, _ in readings if text])
    confidence = min(score if text else 0.0 for text, score in readings)
    if any(char in BORDER_LOOKALIKES for char in text) or _SPLIT_NUMBER.search(text):
        confidence = min(confidence, DOUBT_BELOW / 2)
    return text, confidence


def _tables(clean: CleanPage, number: int) -> list[_ScanTable]:
    height, width = clean.ink.shape
    to_pt = 72.0 / clean.dpi
    probe = PageContent(number, width * to_pt, height * to_pt, [], [])
    tables = []
    for group in _rule_groups(clean.segments):
        built = _build_table(group, probe)
        if built is None:
            continue
        _, _, grid = built
        cells = _grid_cells(grid.xs, grid.ys, grid.owner, number)
        rows = _number_rows(cells)
        tables.append(_ScanTable(number, grid.ys[0], [x - grid.xs[0] for x in grid.xs], rows, cells))
    _find_cell_lines([cell for table in tables for cell in table.cells], clean)
    return tables


def _find_cell_lines(cells: list[_OcrCell], clean: CleanPage) -> None:
    """Each cell's text lines, as pixel boxes on the page."""
    from nianbao.readers.page_image import drop_rule_remnants

    to_px = clean.dpi / 72.0
    inset = max(1, int(0.01 * clean.dpi))
    windows = []
    for cell in cells:
        x0, top, x1, bottom = (int(round(v * to_px)) for v in cell.box)
        windows.append((x0 + inset, top + inset, max(x0 + inset, x1 - inset), max(top + inset, bottom - inset)))
    inks = [drop_rule_remnants(clean.ink[top:bottom, x0:x1], clean.dpi) for x0, top, x1, bottom in windows]
    for cell, (x0, top, x1, bottom), (lines, specks_only, kept) in zip(cells, windows, _ink_lines(windows, inks, clean)):
        cell.lines, cell.specks_only = lines, specks_only
        cell.under_seal = _seal_residue(kept, clean.seal[top:bottom, x0:x1])


def _ink_lines(windows: list[tuple[int, int, int, int]], inks: list[Any],
               clean: CleanPage) -> list[tuple[list[tuple[int, int, int, int]], bool, Any]]:
    """Per window of the page and its ink: its text lines as pixel boxes on the page (stray
    specks dropped, cut at the usual line height of all the windows), whether its only ink was
    specks, and the ink without them."""
    from nianbao.readers.page_image import drop_stray_specks, only_specks, text_lines, usual_line_height

    line_height = usual_line_height(inks, clean.dpi)
    out = []
    for (x0, top, _, _), ink in zip(windows, inks):
        kept = drop_stray_specks(ink, clean.dpi)
        lines = [(x0 + a, top + b, x0 + c, top + d) for a, b, c, d in text_lines(kept, line_height)]
        out.append((lines, only_specks(ink, clean.dpi), kept))
    return out


def _grid_cells(xs: list[float], ys: list[float], owner: list[list[int]], page: int) -> list[_OcrCell]:
    """Physical cells of a grid whose elementary cells were merged into `owner` ids."""
    units: dict[int, list[tuple[int, int]]] = {}
    for r, row in enumerate(owner):
        for c, cell in enumerate(row):
            units.setdefault(cell, []).append((r, c))
    return [_OcrCell(r0, r1, xs[c0] - xs[0], xs[c1 + 1] - xs[0], (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]), page)
            for r0, c0, r1, c1 in sorted(box for cell in units.values() for box in _rectangles(cell))]


def _rectangles(units: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """A merged cell as rectangles (first row, first column, last row, last column).  Printed
    cells are rectangles: a merged cell that is not one lost a rule on the way (a faint rule
    under a row spanning two columns, above a group label spanning eight rows, merges the two
    into an L), and its bounding box would cover other cells and read their text too.  It is
    cut where its width changes: each run of rows with the same columns is one cell."""
    columns: dict[int, list[int]] = {}
    for r, c in units:
        columns.setdefault(r, []).append(c)
    boxes: list[list[int]] = []
    for r in sorted(columns):
        span = sorted(columns[r])
        runs = [[span[0], span[0]]]
        for c in span[1:]:
            if c == runs[-1][1] + 1:
                runs[-1][1] = c
            else:
                runs.append([c, c])
        for c0, c1 in runs:
            above = next((box for box in boxes if box[2] == r - 1 and box[1] == c0 and box[3] == c1), None)
            if above is not None:
                above[2] = r
            else:
                boxes.append([r, c0, r, c1])
    return [(r0, c0, r1, c1) for r0, c0, r1, c1 in boxes]


def _number_rows(cells: list[_OcrCell]) -> int:
    """Table rows over the top edges cells actually start at (a stray rule makes no empty row)."""
    tops = sorted({cell.top_edge for cell in cells})
    for cell in cells:
        cell.row = tops.index(cell.top_edge)
        cell.rowspan = bisect_right(tops, cell.bottom_edge) - cell.row
    return len(tops)


def _seal_residue(ink: np.ndarray, seal: np.ndarray) -> bool:
    """Whether a piece of the cell's ink lies mostly on a seal's stroke: a bit of the
    seal that survived its removal (an arc reads as "1"), or text the seal covers.  Text that a
    seal's stroke merely crosses is mostly off the stroke and stays trusted."""
    import cv2
    import numpy as np

    overlap = ink & seal
    if not overlap.any():
        return False
    count, labels = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    on_seal = np.bincount(labels[overlap], minlength=count)
    size = np.bincount(labels.ravel(), minlength=count)
    return bool((on_seal[1:] >= SEAL_RESIDUE_SHARE * size[1:]).any())


# --- Across pages and out -------------------------------------------------------------------


def _join_pages(layouts: list[list[_ScanTable | ScanText | ScanGrid]]) -> list[_ScanTable | ScanText | ScanGrid]:
    out: list[_ScanTable | ScanText | ScanGrid] = []
    for blocks in layouts:
        for index, block in enumerate(blocks):
            previous = out[-1] if out and index == 0 else None
            if isinstance(previous, _ScanTable) and isinstance(block, _ScanTable) and _continues(previous, block):
                append_rows(previous, block)
            else:
                out.append(block)
    return out


def _continues(first: _ScanTable, second: _ScanTable) -> bool:
    """Same width and one part's column edges a subset of the other's (measured from the left
    edge, within a tolerance that absorbs how differently the pages lie on the scanner)."""
    tolerance = PAGE_JOIN_TOLERANCE * 595  # A4 width in points
    if abs(first.xs[-1] - second.xs[-1]) > tolerance:
        return False
    small, large = sorted((first.xs, second.xs), key=len)
    return all(any(abs(x - y) <= tolerance for y in large) for x in small)




def _emit(block: _ScanTable | ScanText | ScanGrid) -> RawParagraph | RawTable:
    if isinstance(block, ScanText):
        return RawParagraph(block.text, page=block.page, placed=block.placed)
    if isinstance(block, ScanGrid):
        return pdf_emit(block.table)
    lefts = _snap([cell.left for cell in block.cells])
    rows: list[list[RawCell]] = [[] for _ in range(block.rows)]
    for cell in sorted(block.cells, key=lambda c: (c.row, c.left)):
        col = min(range(len(lefts)), key=lambda i: abs(lefts[i] - cell.left))
        colspan = max(1, sum(1 for x in lefts if x < cell.right - 2 * SNAP_TOLERANCE) - col)
        box = tuple(round(v, 1) for v in cell.box)
        rows[cell.row].append(RawCell(cell.text, cell.row, col, cell.rowspan, colspan, cell.page,
                                      box=box, confidence=round(cell.confidence, 3)))  # type: ignore[arg-type]
    return RawTable([row for row in rows if row])


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > 2 * SNAP_TOLERANCE:
            out.append(value)
    return out


# A line of at least three numbers with only spaces between them: a borderless table's row
# (in a statistics table, the value row of table 四 or a label's values); a photo's sign or a
# date (2023 年 5 月 1 日) has words between its numbers.
_TABLE_ROW = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:[ \t]+\d+(?:\.\d+)?){2,}(?![\d.])")


def reads_as_table_row(block: RawParagraph | RawTable) -> bool:
    """Whether OCR read a table's row in this paragraph: an image on a text page holding one
    is a table printed as a picture (a borderless one has no rules to tell it by)."""
    return isinstance(block, RawParagraph) and any(_TABLE_ROW.search(line) for line in block.text.splitlines())


# --- Doubt travels --------------------------------------------------------------------------


# The formats whose text may come from the recogniser (a scanned PDF, an image file).
_MAY_BE_OCR = ("pdf", "image")


def flag_doubtful_cells(report: Report, raw: RawDocument) -> int:
    """Mark uncertain every value read from an OCR cell, or from a word of an OCR paragraph (a
    borderless table's row), the recogniser was unsure of (its box on the page comes with the
    value's location, as for every grid cell); then correct the OCR confusions the table
    arithmetic settles (readers/ocr_confusions.py), which are no longer doubtful.  Returns how
    many were flagged."""
    if raw.format not in _MAY_BE_OCR:
        return 0  # text, web pages and Word files carry their text; only PDFs and images are recognised
    cells = _ocr_cells(raw)
    if not cells and not any(isinstance(block, RawParagraph) and block.placed for block in raw.blocks):
        return 0  # not read by OCR: nothing to do (cheap enough to call for every document)
    placed = _placed_in_print(raw)
    flagged = _doubt_rows_not_printed(report)
    read_by_ocr = set()
    doubted_before = {path for path, cell in report.cells() if cell.uncertain}
    for path, cell in report.cells():
        confidence = _read_with(cell.location, cells, placed)
        if confidence is None:
            continue
        read_by_ocr.add(path)
        if confidence < DOUBT_BELOW and not cell.uncertain:
            cell.uncertain = True
            cell.inferred = cell.inferred or f"文字识别置信度低（{confidence:.2f}）/ low OCR confidence"
            flagged += 1
    flagged += _flag_unread_digits(report, [(offset, item.text) for offset, item in _laid_out(raw)
                                            if isinstance(item, RawCell) and item.confidence is not None])
    doubted_by_ocr = {path for path, cell in report.cells() if cell.uncertain} - doubted_before
    settle_confusions(report, read_by_ocr, doubted_by_ocr)
    settle_agency_name(report)
    return flagged


def _doubt_rows_not_printed(report: Report) -> int:
    """On a scan a row the table seems not to print may have been lost whole, label and values,
    under a seal or a stain, and a row that seems to print its label alone its values: their
    blanks are doubtful, not the publisher's for certain."""
    flagged = 0
    doubts = {WHY_NOT_PRINTED: WHY_NOT_READ_ON_SCAN, WHY_LABEL_ONLY: WHY_VALUES_NOT_READ_ON_SCAN}
    for _, cell in report.cells():
        if cell.inferred in doubts and not cell.uncertain:
            cell.inferred, cell.uncertain = doubts[cell.inferred], True
            flagged += 1
    return flagged


def _ocr_cells(raw: RawDocument) -> dict[tuple[int, int, int], RawCell]:
    """OCR table cells by (table index, row, column), as values' locations name them."""
    return raw.grid_cells(lambda cell: cell.confidence is not None)


def _placed_in_print(raw: RawDocument) -> list[tuple[PlacedText, int | None]]:
    """The OCR paragraphs' word boxes and the OCR table cells' boxes, with their page, at their
    offsets in the document's printed text (values' locations point into it).  A value read
    from a cell's text but not as that cell (digits glued to damaged text, "1EEES19 7730.28日"
    read as 1) was still read from that cell: it takes the cell's confidence, as a value read
    as the cell does."""
    out: list[tuple[PlacedText, int | None]] = []
    for offset, item in _laid_out(raw):
        if isinstance(item, RawParagraph):
            out.extend((PlacedText(offset + p.start, offset + p.end, p.box, p.confidence), item.page) for p in item.placed)
        elif item.confidence is not None and item.box is not None:
            out.append((PlacedText(offset, offset + len(item.text), item.box, item.confidence), item.page))
    return out


def _laid_out(raw: RawDocument) -> Iterator[tuple[int, RawParagraph | RawCell]]:
    """Each paragraph and each table cell at its offset in the document's printed text, which
    `normalise.build_document` lays out as each paragraph and a newline, each table row as its
    cells between " | " and a newline."""
    offset = 0
    for block in raw.blocks:
        if isinstance(block, RawParagraph):
            yield offset, block
            offset += len(block.text) + 1
            continue
        for row in block.rows:
            for c, cell in enumerate(row):
                offset += 3 if c else 0
                yield offset, cell
                offset += len(cell.text)
            offset += 1


WHY_UNREAD_DIGITS = "识别出的单元格内另有未读取的数字，取值存疑 / the OCR cell holds digits no value was read from"


def _flag_unread_digits(report: Report, cells: list[tuple[int, str]]) -> int:
    """Mark uncertain the values read from an OCR cell that holds digits none of them was read
    from: a cell damaged by a stamp or a photocopy ("1EEES19 7730.28日") gave up only part of
    its number, however sure the recogniser was.  Returns how many were flagged."""
    located = [(cell, cell.location["start"], cell.location["end"]) for _, cell in report.cells()
               if cell.value is not None and cell.location and "start" in cell.location and "end" in cell.location]
    if not located or not cells:
        return 0
    located.sort(key=lambda item: item[1])
    starts = [start for _, start, _ in located]
    flagged = 0
    for offset, text in cells:
        digits = {offset + i for i, ch in enumerate(text) if ch.isdigit()}
        if not digits:
            continue
        end = offset + len(text)
        inside = [(cell, s, e) for cell, s, e in located[bisect_right(starts, offset - 1):bisect_right(starts, end)]
                  if e <= end]
        if not inside or not digits - {k for _, s, e in inside for k in range(s, e)}:
            continue
        for cell, _, _ in inside:
            if not cell.uncertain:
                cell.uncertain, cell.inferred = True, cell.inferred or WHY_UNREAD_DIGITS
                flagged += 1
    return flagged


def _read_with(location: dict | None, cells: dict[tuple[int, int, int], RawCell],
               placed: list[tuple[PlacedText, int | None]]) -> float | None:
    """The OCR confidence of what a value was read from (None: not read by OCR).  A value read
    from paragraph text takes the page and box of the words it was read from."""
    where = location or {}
    if (place := grid_place(location)) is not None:
        source = cells.get(place)
        return None if source is None or source.confidence is None else source.confidence
    if "start" not in where:
        return None
    end = max(where["end"], where["start"] + 1)
    found = [(p, page) for p, page in placed if p.start < end and where["start"] < p.end]
    if not found or location is None:
        return None
    words = [p for p, _ in found]
    location.setdefault("box", [min(p.box[0] for p in words), min(p.box[1] for p in words),
                                max(p.box[2] for p in words), max(p.box[3] for p in words)])
    if found[0][1] is not None:
        location.setdefault("page", found[0][1])
    return min(p.confidence for p in words)
