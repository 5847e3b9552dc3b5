"""Page clean-up before OCR (readers/page_image.py): rules a seal broke are joined, noise
specks do not reach the recogniser, and crops are levelled to black ink on white paper.
Synthetic pages only: fast, no recognition."""

from __future__ import annotations

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from nianbao.readers import page_image  # noqa: E402

DPI = 150
COLUMN_X = 450  # pixels; the rule the tests break
GAP = (150, 230)  # rows where that rule is lost: 80 px, 0.53 in at 150 dpi


def _broken_rule_page() -> np.ndarray:
    """A ruled grey page whose rule at COLUMN_X is lost over GAP (as under a seal)."""
    page = np.full((500, 900), 255, np.uint8)
    for y in range(50, 451, 40):
        cv2.line(page, (50, y), (850, y), 0, 2)
    for x in (50, 300, COLUMN_X, 600, 850):
        cv2.line(page, (x, 50), (x, 450), 0, 2)
    page[GAP[0]:GAP[1], COLUMN_X - 3:COLUMN_X + 4] = 255
    # Horizontal rules are cut there too, so the two pieces do not meet any rule at their
    # broken ends (as in a seal's white fringe).
    page[GAP[0] - 3:GAP[1] + 3, COLUMN_X - 12:COLUMN_X + 13] = 255
    return page


def _column_spans(seal: np.ndarray | None) -> list[tuple[float, float]]:
    binary = page_image.binarise(_broken_rule_page())
    horizontal, vertical = page_image.ruling_masks(binary, DPI)
    segments, _ = page_image.table_rules(horizontal, vertical, binary, DPI, seal=seal)
    x_pt = COLUMN_X * 72 / DPI
    return [(s.top * DPI / 72, s.bottom * DPI / 72) for s in segments if not s.horizontal and abs(s.x0 - x_pt) < 2]


def _covers_gap(spans: list[tuple[float, float]]) -> bool:
    return any(top < GAP[0] and bottom > GAP[1] for top, bottom in spans)


def test_a_rule_broken_where_a_seal_crosses_it_is_joined_across_the_gap():
    seal = np.zeros((500, 900), bool)
    seal[185:190, 380:520] = True  # a seal's arc across the lost stretch
    assert _covers_gap(_column_spans(seal))


def test_a_long_gap_with_no_seal_in_it_stays_a_gap():
    assert not _covers_gap(_column_spans(None))
    seal_elsewhere = np.zeros((500, 900), bool)
    seal_elsewhere[185:190, 620:760] = True  # a seal, but not across this rule
    assert not _covers_gap(_column_spans(seal_elsewhere))


def test_noise_specks_are_painted_paper_in_the_grey_the_recogniser_reads():
    page = np.full((300, 400, 3), 255, np.uint8)
    page[100:102, 100] = 0  # a scanner speck (2 px, under MIN_INK_AREA at 150 dpi)
    cv2.putText(page, "0", (200, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 0), 3)
    clean = page_image.clean_page(page, DPI)
    assert (clean.grey[99:103, 99:103] == 255).all() and not clean.ink[99:103, 99:103].any()
    assert clean.grey[110:160, 195:240].min() < 60  # the digit stays as it was


def test_crops_are_levelled_to_black_ink_on_white_paper():
    rng = np.random.default_rng(1)
    crop = np.full((30, 60), 200, np.float32)
    crop[8:22, 20:24] = 60  # faded toner on grey paper
    noisy = np.clip(crop + rng.normal(0, 10, crop.shape), 0, 255).astype(np.uint8)
    levelled = page_image.levelled(noisy)
    assert levelled[10:20, 21:23].mean() < 40 and np.median(levelled[:, 35:]) > 240
    flat = np.full((30, 60), 230, np.uint8)
    assert page_image.levelled(flat) is flat  # no ink to level: left as it is


def test_a_border_sliver_in_a_cell_is_dropped_and_a_tall_narrow_character_kept():
    window = np.zeros((29, 280), bool)  # a dense row's cell at 200 dpi
    window[1:28, 2:5] = True  # a sliver of the cell's left border
    # 亻 of 件, as printed at 200 dpi: a diagonal over an upright stroke, 8 px across, 25 px tall.
    window[3:28, 103:106] = True
    for step in range(8):
        window[3 + step, 106 - step:108 - step] = True
    window[12:18, 140:170] = True  # the rest of the text
    kept = page_image.drop_rule_remnants(window, 200)
    assert not kept[:, 2:5].any()
    assert kept[3:28, 103:106].all()


def test_stray_specks_beside_a_digit_are_dropped_and_a_decimal_point_or_minus_kept():
    dpi = 200
    window = np.zeros((40, 200), bool)
    window[10:30, 150:162] = True  # a "0", 0.1 in high
    window[15:18, 20:23] = True  # noise specks that survived remove_specks, far to its left
    window[25:28, 60:62] = True
    kept = page_image.drop_stray_specks(window, dpi)
    assert not kept[:, :100].any() and (kept[:, 100:] == window[:, 100:]).all()
    # A decimal point beside digits and a minus sign are printed text, not specks.
    window[27:30, 165:168] = True  # "."
    window[19:21, 120:134] = True  # "-", 0.07 in wide
    kept = page_image.drop_stray_specks(window, dpi)
    assert kept[27:30, 165:168].all() and kept[19:21, 120:134].all()
    # A cell with nothing but specks keeps them: what they read as stays doubtful.
    only_specks = np.zeros((40, 200), bool)
    only_specks[15:18, 20:23] = True
    assert (page_image.drop_stray_specks(only_specks, dpi) == only_specks).all()
    assert page_image.only_specks(only_specks, dpi)
    assert not page_image.only_specks(window, dpi) and not page_image.only_specks(np.zeros((40, 200), bool), dpi)


def test_the_usual_line_height_is_measured_on_text_not_on_the_noise_of_empty_cells():
    """A page of mostly empty cells, each holding a speck or two of scanner noise, and a few
    cells of text 0.1 in high: the line height is the text's (the specks' 3 px made every label
    be cut into slivers and read as nonsense)."""
    dpi = 200
    noisy = [np.zeros((40, 80), bool) for _ in range(30)]
    for n, cell in enumerate(noisy):
        cell[10 + n % 20: 13 + n % 20, 30:33] = True
    text = [np.zeros((40, 80), bool) for _ in range(5)]
    for cell in text:
        cell[10:30, 20:60] = True
    assert page_image.usual_line_height(noisy + text) == 3  # without the resolution: as before
    assert page_image.usual_line_height(noisy + text, dpi) == 20
    assert page_image.usual_line_height(noisy, dpi) == 3  # nothing but noise: nothing better to go by


def _column_rule_over_a_character() -> np.ndarray:
    """Three ruled rows at 200 dpi; a column rule at x=300 runs through the first two, and in
    the third (one merged cell) the upright stroke of a 十 lines up with it and touches both
    rules, as blur makes it on a photocopy."""
    page = np.full((200, 600), 255, np.uint8)
    for y in (40, 80, 120, 146):
        cv2.line(page, (50, y), (550, y), 0, 2)
    for x in (50, 550):
        cv2.line(page, (x, 40), (x, 146), 0, 2)
    cv2.line(page, (300, 40), (300, 120), 0, 2)
    page[121:146, 299:302] = 0  # 十's upright, from rule to rule
    page[131:134, 288:313] = 0  # ...and its horizontal stroke across it
    page[124:143, 270:273] = 0  # the character before it (二's neighbour), a stroke's width away
    return page


def test_a_character_stroke_in_line_with_a_column_rule_does_not_carry_the_rule_through_its_row():
    dpi = 200
    binary = page_image.binarise(_column_rule_over_a_character())
    horizontal, vertical = page_image.ruling_masks(binary, dpi)
    segments, rules = page_image.table_rules(horizontal, vertical, binary, dpi)
    x_pt = 300 * 72 / dpi
    column = [(s.top * dpi / 72, s.bottom * dpi / 72) for s in segments if not s.horizontal and abs(s.x0 - x_pt) < 2]
    assert column and all(bottom <= 122 for _, bottom in column), column  # the rows above keep the rule
    assert any(top <= 42 for top, _ in column)
    assert not rules[125:142, 300].any()  # the stroke stays in the text


def _faint_hairline_page() -> np.ndarray:
    """At 200 dpi, on paper with scanner noise: a faint 4 in hairline at row 100 (grey 125,
    under the page's Otsu threshold ≈140 by only about one noise deviation), a dark rule at row
    200, and a line of text whose horizontal strokes line up (EEE) below it."""
    page = np.full((300, 900), 220, np.uint8)
    page[100:102, 50:850] = 125
    page[200:202, 50:850] = 40
    cv2.putText(page, "EIEIEIEIEIEIEIEIEIEIEIEIE", (60, 262), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 40, 2)
    noise = np.random.default_rng(3).normal(0, 14, page.shape)
    return np.clip(page + noise, 0, 255).astype(np.uint8)


def _flat_rows(grey: np.ndarray, faint: np.ndarray | None) -> list[tuple[int, int]]:
    dpi = 200
    binary = page_image.binarise(grey)
    horizontal, vertical = page_image.ruling_masks(binary, dpi)
    segments, _ = page_image.table_rules(horizontal, vertical, binary, dpi, faint=faint)
    return [(round(s.top * dpi / 72), round((s.x1 - s.x0) * dpi / 72)) for s in segments if s.horizontal]


def test_a_faint_noisy_hairline_is_found_once_averaged_along_it_and_lined_up_strokes_are_not():
    grey = _faint_hairline_page()
    assert not any(abs(row - 100) <= 2 for row, _ in _flat_rows(grey, None))  # lost pixel by pixel
    rows = _flat_rows(grey, page_image.faint_rules(grey, 200))
    assert any(abs(row - 100) <= 2 and length >= 700 for row, length in rows), rows
    assert all(row < 230 for row, _ in rows), rows  # the EEE line's strokes are not rules
    # Averaging carried the line past its ends: trimmed back, it does not overshoot them.
    assert all(length <= 802 for row, length in rows if abs(row - 100) <= 2)
