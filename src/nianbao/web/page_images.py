"""PDF pages and scanned images as PNG images for the report page, bounded and cached on disk.

The size of a page is the file's to declare (a 14400 x 14400 pt page is legal PDF), so the
scale is the server's choice: the preferred scale, lowered until the bitmap fits the pixel
budget.  A rendered page is kept under its content hash, page number and the two settings that
decide the image, so a page is drawn once per file, whoever asks, and a change of settings
never serves a stale image.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from ..files import write_atomic
from ..readers.pdf import open_pdf

# 1.4 x 72 dpi ~ 100 dpi: an A4 page at 833 x 1179 px, sharp enough to read table digits.
PREFERRED_SCALE = 1.4
# At most 4 million pixels per page (12 MB as RGB): twice an A4 page at the preferred scale,
# so real pages keep their scale and only oversized ones are drawn smaller.
MAX_PIXELS = 4_000_000
CACHE_FOLDER = "page-images"


class NoSuchPage(LookupError):
    pass


def render_scale(width_pt: float, height_pt: float, max_pixels: int = MAX_PIXELS) -> float:
    """The preferred scale, or less so that the bitmap holds at most `max_pixels`."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    return min(PREFERRED_SCALE, math.sqrt(max_pixels / area))


def render_page_png(data: bytes, number: int, max_pixels: int = MAX_PIXELS) -> bytes:
    """Page `number` (1-based) as PNG; page and bitmap are closed inside the PDFium lock (readers.pdf)."""
    with open_pdf(data) as pdf:
        if not 1 <= number <= len(pdf):
            raise NoSuchPage(number)
        page = pdf[number - 1]
        try:
            width, height = page.get_size()
            bitmap = page.render(scale=render_scale(width, height, max_pixels))
            try:
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG", optimize=True)
            finally:
                bitmap.close()
        finally:
            page.close()
    return buffer.getvalue()


def render_image_page_png(data: bytes, number: int, max_pixels: int = MAX_PIXELS) -> bytes:
    """Page `number` (1-based: a TIFF's frame) of a scanned image as PNG, at the scale PDF pages get."""
    from ..readers.ocr import image_frames

    for index, frame, size_pt in image_frames(data):
        if index + 1 == number:
            scale = render_scale(*size_pt, max_pixels=max_pixels) * size_pt[0] / frame.width
            image = frame.convert("RGB")
            if scale < 1:  # never enlarged: a scan has no more detail to give
                image = image.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            return buffer.getvalue()
    raise NoSuchPage(number)


def cache_path(folder: Path, sha256: str, number: int, max_pixels: int = MAX_PIXELS) -> Path:
    return folder / CACHE_FOLDER / f"{sha256}.p{number}.s{PREFERRED_SCALE}.max{max_pixels}.png"


def cached_page_png(folder: Path, sha256: str, data_of, number: int, max_pixels: int = MAX_PIXELS,
                    render=render_page_png) -> bytes:
    """The page from the cache, else rendered (by `render` from `data_of()`, the file's bytes) and stored atomically."""
    path = cache_path(folder, sha256, number, max_pixels)
    if path.exists():
        return path.read_bytes()
    png = render(data_of(), number, max_pixels)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, png)
    return png
