"""How many columns a text takes where Chinese characters take two: a spreadsheet's column
(sheets) and a text browser's or converter's table drawn in characters (readers)."""

from __future__ import annotations

import unicodedata


def char_width(char: str, wide: int = 2, ambiguous: int = 1) -> int:
    """Columns of one character: `wide` for an East Asian wide or full-width one, `ambiguous`
    for one of ambiguous width (box-drawing characters, curly quotes: one column to most tools,
    two in a CJK locale), else one."""
    kind = unicodedata.east_asian_width(char)
    return wide if kind in "WF" else ambiguous if kind == "A" else 1


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal or in a spreadsheet: a wide character two."""
    return sum(map(char_width, text))
