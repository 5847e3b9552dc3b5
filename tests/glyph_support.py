"""Text as a PDF page's positioned glyphs, for the borderless-table tests (no PDF needed)."""

from __future__ import annotations

from nianbao.readers.pdf import Glyph

SIZE = 9.0  # points: a Chinese character SIZE wide, a digit or letter half that


def glyphs(text: str, x0: float, top: float) -> list[Glyph]:
    """`text` on one line from `x0`, its top at `top`."""
    out, x = [], x0
    for char in text:
        width = SIZE if ord(char) > 0x2E80 else SIZE / 2
        out.append(Glyph(char, x, top, x + width, top + SIZE, top + SIZE))
        x += width
    return out
