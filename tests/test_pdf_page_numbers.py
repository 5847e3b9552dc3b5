"""Page numbers in a PDF page's margins are dropped; a table's row near the page's foot is not one.

A line in the top or bottom 12 % of the page whose pieces each read as a page number was dropped,
and a bare number reads as one: the last row of a table near the foot of the page, 0 0 0 0 0 0 0,
vanished, and its row read blank, unflagged (found by the suite's `pdf_borderless` rewrite).
"""

from __future__ import annotations

from nianbao.readers.pdf import Glyph, PageContent, _group_lines, _is_page_number

A4 = (595.0, 842.0)


def _line_glyphs(text: str, x: float, top: float, space: float = 0.5, size: float = 10.5) -> list[Glyph]:
    """`text` set from `x` at `top`: a Chinese character as wide as the size, any other half as
    wide, a space `space` sizes (a table's columns: several)."""
    glyphs = []
    for char in text:
        width = size * (space if char == " " else 1.0 if ord(char) > 0x2E80 else 0.5)
        if char != " ":
            glyphs.append(Glyph(char, x, top, x + width, top + size, top + size * 0.88))
        x += width
    return glyphs


def _dropped(glyphs: list[Glyph]) -> list[str]:
    page = PageContent(1, *A4, glyphs, [])
    lines = _group_lines(glyphs)
    return [line.text for line in lines if _is_page_number(line, page, lines)]


def test_the_page_number_under_a_row_of_values_is_dropped_and_the_row_kept():
    row = _line_glyphs("0 0 0 0 0 0 0", 300, 752, space=4)  # the bottom band starts at 741
    number = _line_glyphs("3", 295, 800)
    assert _dropped(row + number) == ["3"]


def test_a_bare_number_with_a_line_below_it_is_a_value_not_a_page_number():
    value = _line_glyphs("7", 500, 760)  # a row's one value (its total), the page number below
    assert _dropped(value + _line_glyphs("— 3 —", 280, 800)) == ["—3—"]


def test_decorated_page_numbers_go_wherever_they_stand_in_the_margin():
    assert _dropped(_line_glyphs("第3页", 280, 30) + _line_glyphs("— 3 —", 280, 800)) == ["第3页", "—3—"]
