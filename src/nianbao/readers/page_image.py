"""Page-image clean-up and geometry for the OCR reader (OpenCV, no recognition here).

A scanned page becomes: a deskewed grey image with red seals removed, the ink of its ruling
lines as `pdf.Segment`s (so the PDF reader's grid code finds tables in a scan exactly as in a
text PDF), and the text ink with the rules taken out, cut into text lines for recognition.

Sizes are calibrated in inches (or points) and converted with the page's dpi, so 150 and
300 dpi scans behave alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from nianbao.readers.pdf import Segment

# Skew is searched within ±MAX_SKEW degrees (scanners and photocopies stay within 2–3°) in
# steps of SKEW_STEP, which keeps a ruling line across an A4 table within one pixel at 150 dpi.
MAX_SKEW = 3.0
SKEW_STEP = 0.05
# Deskewing is measured on a copy this wide: enough to see rules and text lines, and fast.
SKEW_PROBE_WIDTH = 800
# A red seal pixel: hue within this distance of red, saturated, and light enough that it is not
# black ink under the seal (which stays, so a digit printed under a seal is still read).
RED_HUE_DISTANCE = 12  # OpenCV hue runs 0–179
RED_MIN_SATURATION = 70
RED_MIN_VALUE = 110
# A horizontal rule is ink at least this long (inches): wider than any character stroke
# (一 at 12 pt is ≈0.15 in, and 一二 touching at 150 dpi ≈0.28 in) and narrower than the
# narrowest column of the statistics tables (≈0.4 in).
MIN_RULE_LENGTH_H = 0.3
# A vertical rule piece must be at least this tall and run into a horizontal rule at both ends
# (within RULE_END_TOLERANCE, which covers a one-pixel break from thresholding): a single-line
# row of a dense table is ≈0.11 in, and characters in it stop about 0.015 in short of its rules.
MIN_RULE_LENGTH_V = 0.07
RULE_END_TOLERANCE = 0.007
# Specks smaller than this (square inches) are scanner noise, not ink; a printed decimal point
# at 10 pt is ≈4e-4 in².
MIN_INK_AREA = 1.5e-4
# Text lines: runs of inked pixel rows; two runs whose union is no taller than this share of
# the usual line height (about a digit's height, see usual_line_height) are one line: the
# strokes of 二 or 三, a dot over a letter.  A CJK character is ≈1.3 digit heights; two lines
# are more than 2.
LINE_MERGE_SHARE = 1.6
# Margin kept around text when it is cut out for recognition, as a share of its height.
CROP_PAD_SHARE = 0.25


@dataclass
class CleanPage:
    grey: np.ndarray  # deskewed, seals and rules removed, uint8, 255 = paper
    ink: np.ndarray  # bool: text ink (rules and specks removed)
    segments: list[Segment]  # ruling lines, in points from the top-left corner
    dpi: float
    skew: float  # degrees the page was turned back by


def clean_page(rgb: np.ndarray, dpi: float) -> CleanPage:
    grey = remove_red(rgb)
    skew = estimate_skew(grey)
    if abs(skew) >= SKEW_STEP:
        grey = rotate(grey, skew)
    binary = binarise(grey)
    horizontal, vertical = ruling_masks(binary, dpi)
    segments, rules = table_rules(horizontal, vertical, dpi)
    # Rule pixels are taken out of the text ink with a little room: anti-aliased edges of a
    # rule next to a digit would otherwise read as a "1" or "|".
    grown = cv2.dilate(rules.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    ink = remove_specks(binary & ~grown, dpi)
    grey[grown] = 255
    return CleanPage(grey, ink, segments, dpi, skew)


def remove_red(rgb: np.ndarray) -> np.ndarray:
    """Grey image with red (seal) pixels turned to paper."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[..., 0].astype(int), hsv[..., 1], hsv[..., 2]
    red = ((hue <= RED_HUE_DISTANCE) | (hue >= 180 - RED_HUE_DISTANCE)) & (saturation >= RED_MIN_SATURATION) \
        & (value >= RED_MIN_VALUE)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grey[red] = 255
    return grey


def binarise(grey: np.ndarray) -> np.ndarray:
    """Ink as True.  Otsu's threshold: scans have paper and ink far apart, with a grey cast
    that varies per scanner (a fixed level fails on photocopies)."""
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary.astype(bool)


def estimate_skew(grey: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise positive as OpenCV) that makes text lines and
    rules horizontal: the angle whose row profile of ink is sharpest."""
    scale = min(1.0, SKEW_PROBE_WIDTH / grey.shape[1])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = binarise(small).astype(np.uint8) * 255
    best, best_score = 0.0, -1.0
    for angle in _angles(-MAX_SKEW, MAX_SKEW, 0.25):
        score = _sharpness(ink, angle)
        if score > best_score:
            best, best_score = angle, score
    for angle in _angles(best - 0.25, best + 0.25, SKEW_STEP):
        score = _sharpness(ink, angle)
        if score > best_score:
            best, best_score = angle, score
    return best


def _angles(low: float, high: float, step: float) -> list[float]:
    count = int(round((high - low) / step))
    return [round(low + i * step, 4) for i in range(count + 1)]


def _sharpness(ink: np.ndarray, angle: float) -> float:
    profile = rotate(ink, angle, background=0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def rotate(image: np.ndarray, angle: float, background: int = 255) -> np.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=background)


def ruling_masks(binary: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rule pixels, by morphological opening with long thin kernels.
    No closing first: it would bridge the strokes of neighbouring characters (一二三) into a
    "rule"; a rule broken by noise comes back as pieces, which the grid code joins."""
    ink = binary.astype(np.uint8)
    h_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(MIN_RULE_LENGTH_H * dpi)), 1))
    v_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(6, int(MIN_RULE_LENGTH_V * dpi))))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, h_kernel).astype(bool)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, v_kernel).astype(bool)
    return horizontal, vertical


def table_rules(horizontal: np.ndarray, vertical: np.ndarray, dpi: float) -> tuple[list[Segment], np.ndarray]:
    """Rules as segments in points, and the mask of their pixels.  A vertical piece counts only
    when both its ends run into a horizontal rule (a table border crosses or meets the rules it
    joins); a character's vertical stroke in a tight row stops short of them, so it neither
    makes a column nor gets erased from the text."""
    to_pt = 72.0 / dpi
    count, labels, stats, _ = cv2.connectedComponentsWithStats(vertical.astype(np.uint8), connectivity=8)
    flats = _components(horizontal)
    out = [Segment(x * to_pt, (y + (h - 1) / 2) * to_pt, (x + w - 1) * to_pt, (y + (h - 1) / 2) * to_pt)
           for x, y, w, h in flats]
    reach = max(1, int(RULE_END_TOLERANCE * dpi))
    keep = np.zeros(count, dtype=bool)
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label, :4])
        cx = x + (w - 1) / 2
        if all(_meets_rule(cx, end, flats, reach) for end in (y, y + h - 1)):
            keep[label] = True
            out.append(Segment(cx * to_pt, y * to_pt, cx * to_pt, (y + h - 1) * to_pt))
    return out, horizontal | keep[labels]


def _meets_rule(x: float, y: int, flats: list[tuple[int, int, int, int]], reach: int) -> bool:
    return any(fx - reach <= x <= fx + fw - 1 + reach and fy - reach <= y <= fy + fh - 1 + reach
               for fx, fy, fw, fh in flats)


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count)]  # type: ignore[misc]


def remove_specks(ink: np.ndarray, dpi: float) -> np.ndarray:
    min_area = max(2, int(MIN_INK_AREA * dpi * dpi))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    return keep[labels]


def text_lines(ink: np.ndarray, line_height: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, top, x1, bottom; exclusive ends) of the text lines in an ink mask, top down."""
    merged: list[tuple[int, int]] = []
    for top, bottom in _row_runs(ink):
        if merged and bottom - merged[-1][0] <= LINE_MERGE_SHARE * line_height:
            merged[-1] = (merged[-1][0], bottom)
        else:
            merged.append((top, bottom))
    boxes = []
    for top, bottom in merged:
        cols = np.flatnonzero(ink[top:bottom].any(axis=0))
        boxes.append((int(cols[0]), top, int(cols[-1]) + 1, bottom))
    return boxes


def usual_line_height(inks: list[np.ndarray]) -> float:
    """Height of one printed line, from pieces of ink that each hold text (table cells, or the
    page): the median over pieces of their tallest run of inked rows.  Most cells hold one line
    of digits, so this is about a digit's height; LINE_MERGE_SHARE of it still holds a whole
    CJK character, and never two lines."""
    tallest = [max(bottom - top for top, bottom in runs) for runs in map(_row_runs, inks) if runs]
    return float(np.median(tallest)) if tallest else 0.0


def _row_runs(ink: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of pixel rows holding ink, as (top, bottom) with bottom exclusive."""
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    return [(int(rows[s]), int(rows[e]) + 1) for s, e in zip(np.r_[0, breaks + 1], np.r_[breaks, rows.size - 1])]


def crop_for_recognition(grey: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The text in `box` on a white margin, as a 3-channel image (what the recogniser takes).
    The margin is painted, not cut from the page, so no rule or neighbour leaks in."""
    x0, top, x1, bottom = box
    piece = grey[top:bottom, x0:x1]
    pad = max(2, int(CROP_PAD_SHARE * (bottom - top)))
    framed = cv2.copyMakeBorder(piece, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(framed, cv2.COLOR_GRAY2BGR)
