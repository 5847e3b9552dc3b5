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
# A red seal pixel: hue within this distance of red, and saturated.
RED_HUE_DISTANCE = 12  # OpenCV hue runs 0–179
RED_MIN_SATURATION = 70
# Fewer red pixels than this are no seal (a red heading letter, a logo's dot): left as they are.
SEAL_MIN_PIXELS = 500
# Ink within this many inches of a seal's stroke is doubtful (JPEG smears colour over ≈8 px).
SEAL_HALO = 0.03
# Most of a seal's area is paper under seal ink: this percentile of its greys is that paper.
SEAL_PAPER_PERCENTILE = 90
# A horizontal rule is ink at least this long (inches): wider than any character stroke
# (一 at 12 pt is ≈0.15 in, and 一二 touching at 150 dpi ≈0.28 in) and narrower than the
# narrowest column of the statistics tables (≈0.4 in).
MIN_RULE_LENGTH_H = 0.3
# A vertical rule piece must be at least this tall and run into a horizontal rule at both ends,
# within RULE_END_TOLERANCE: borders overshoot or stop short of the rule they join by a pixel
# or two after anti-aliasing and resampling (2 px at 200 dpi seen), while the characters of a
# dense table's single-line row (≈0.11 in) stop 0.015–0.02 in short of its rules.
MIN_RULE_LENGTH_V = 0.07
RULE_END_TOLERANCE = 0.015
# Pieces of one rule up to this far apart (inches) are closed into one: noise and JPEG break thin
# rules by a pixel or two.  No more: a character starting 3 px below a rule's end would become
# part of the rule and carry it through a row it does not cross.
RULE_GAP = 0.008
# Pieces of one rule further apart than that, up to RULE_BRIDGE inches, are joined when they lie
# on one axis (a seal or dirt across a rule); 0.05 in is less than the gap between two words.
RULE_BRIDGE = 0.05
# Only pieces this long (inches) are joined so: longer than a character's stroke.
RULE_PIECE_TO_JOIN = 0.18
# Where a seal's stroke crosses the gap between two pieces of one rule, they are joined across
# up to this many inches: under a seal on a faded, noisy copy a rule breaks into pieces over a
# whole row or more (gaps of 0.06–0.22 in measured at 150 dpi), while its table's other rules
# show where it runs.  Less than the seal's diameter (≈1.65 in), more than two table rows.
SEAL_BRIDGE = 0.6
# Faint horizontal hairlines (`faint_rules`) are looked for in the grey averaged over RULE_SMOOTH
# inches along them, with paper HAIRLINE_CLEARANCE inches above and below (a cell's margin; a
# 1.5 pt border and blur are thinner); only pieces HAIRLINE_MIN_LENGTH inches long count (the
# statistics tables' row rules run ≥ 2 in).
RULE_SMOOTH = 0.1
HAIRLINE_CLEARANCE = 0.02
HAIRLINE_MIN_LENGTH = 1.0
# A rule is thin: at most this many inches thick (a 1.5 pt border is 0.02 in), plus what a
# residual skew adds; a blurred blob of dense characters passes the openings but is thicker.
RULE_MAX_THICKNESS = 0.03
# A vertical piece this long (inches) needs to meet a rule at one end only: no character
# stroke is that long, and a table cut by a page break has no rule at its open end.
LONG_RULE = 0.4
# ...and must not have ink beside it (within TEXT_BESIDE_BAND inches) along more than
# TEXT_BESIDE_SHARE of its length, as a character's stroke has (its other strokes) while a
# border has the cells' blank margins.
TEXT_BESIDE_BAND = 0.015
TEXT_BESIDE_SHARE = 0.4
# ...nor ink on both sides (within TEXT_AROUND_BAND inches, about a character gap) along more
# than TEXT_AROUND_SHARE of it: a stroke inside a word.
TEXT_AROUND_BAND = 0.04
TEXT_AROUND_SHARE = 0.3
# A row's stretch of a vertical piece is a character's stroke when, along at least this share
# of its rows, ink runs through it both ways for a short stretch: the horizontal stroke of 十
# (≈3 of 20 rows at 200 dpi); a border has blank cell margins beside it.
STROKE_CROSSING_SHARE = 0.1
# Specks smaller than this (square inches) are scanner noise, not ink; a printed decimal point
# at 10 pt is ≈4e-4 in².
MIN_INK_AREA = 1.5e-4
# Text lines: runs of inked pixel rows; two runs whose union is no taller than this share of
# the usual line height (about a digit's height, see usual_line_height) are one line: the
# strokes of 二 or 三, a dot over a letter.  A CJK character is ≈1.3 digit heights; two lines
# are more than 2.
LINE_MERGE_SHARE = 1.6
# Ink no taller than this (inches) holds no text, for measuring the usual line height: a digit of
# 6 pt type stands ≈0.058 in; the specks a photocopied, noisy page leaves in its empty cells are
# ≤0.025 in (2–5 px at 200 dpi), and a page of mostly empty cells made them the median, so
# every label was cut into slivers of that height and read as nonsense.
MIN_TEXT_HEIGHT = 0.04
# A run of inked rows taller than this many digit heights holds two lines that touch.
SPLIT_SHARE = 2.3
# A piece of ink at most REMNANT_WIDTH inches thick on average, and across, spanning REMNANT_SPAN of
# a cell's height (or width) is what is left of its border, not text.  Across too: the 亻 of 件
# (0.04 in wide, 0.017 in thick on average) spans a dense row's cell and was dropped as one.
REMNANT_WIDTH = 0.03
REMNANT_SPAN = 0.85
# Stray specks in a cell (drop_stray_specks), in inches: ink within STRAY_REACH of other ink
# belongs with it (half a digit's height at 10 pt); a group of ink at most STRAY_SIZE across
# both ways and of at most STRAY_INK square inches of ink is a speck.  A digit at 9 pt is
# ≈0.09 in high, a minus sign at 10 pt ≈0.07 in wide, a "0" ≈0.004 in² of ink, a printed "."
# ≈4e-4 in² (and it sits beside digits).
STRAY_REACH = 0.05
STRAY_SIZE = 0.045
STRAY_INK = 0.001
# Margin kept around text when it is cut out for recognition, as a share of its height.
CROP_PAD_SHARE = 0.25
# A crop's ink level is this percentile of its greys (a line is mostly paper, its median).
INK_PERCENTILE = 2
# Crops whose ink and paper levels are closer than this are left as they are: no text to level.
MIN_CONTRAST = 20


@dataclass
class CleanPage:
    grey: np.ndarray  # deskewed, seals and rules removed, uint8, 255 = paper
    ink: np.ndarray  # bool: text ink (rules and specks removed)
    segments: list[Segment]  # ruling lines, in points from the top-left corner
    dpi: float
    skew: float  # degrees the page was turned back by
    seal: np.ndarray  # bool: where a red seal's strokes ran (and a little around them)


def clean_page(rgb: np.ndarray, dpi: float) -> CleanPage:
    red = seal_strokes(rgb)
    grey = remove_red(rgb, red)
    skew = estimate_skew(grey)
    if abs(skew) >= SKEW_STEP:
        grey = rotate(grey, skew)
        red = rotate(red.astype(np.uint8) * 255, skew, background=0) > 127
    binary = binarise(grey)
    horizontal, vertical = ruling_masks(binary, dpi)
    segments, rules = table_rules(horizontal, vertical, binary, dpi, seal=red, faint=faint_rules(grey, dpi))
    # Rule pixels are taken out of the text ink with a little room: anti-aliased edges of a
    # rule next to a digit would otherwise read as a "1" or "|".
    grown = cv2.dilate(rules.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    ink = remove_specks(binary & ~grown, dpi)
    grey[grown | _speck_pixels(binary & ~grown, ink)] = 255
    # Where a seal's stroke ran, with JPEG's colour smear around it: ink left there may be the
    # seal's (an arc reads as "1"), or text the seal hid in part.
    halo = max(3, int(SEAL_HALO * dpi)) | 1
    seal = cv2.dilate(red.astype(np.uint8), np.ones((halo, halo), np.uint8)).astype(bool)
    return CleanPage(grey, ink, segments, dpi, skew, seal)


def seal_strokes(rgb: np.ndarray) -> np.ndarray:
    """Red pixels (hue, saturation), when there are enough of them to be a seal."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, saturation = hsv[..., 0], hsv[..., 1]
    red = ((hue <= RED_HUE_DISTANCE) | (hue >= 180 - RED_HUE_DISTANCE)) & (saturation >= RED_MIN_SATURATION)
    return red if red.sum() >= SEAL_MIN_PIXELS else np.zeros_like(red)


def remove_red(rgb: np.ndarray, red: np.ndarray | None = None) -> np.ndarray:
    """Grey image without red seals.

    Seal ink darkens what lies under it by about the same factor everywhere, so on red pixels
    the grey is brightened by that factor (measured as the seal's brightest grey, which is bare
    paper under the seal): the seal turns to paper and black toner under it stays dark, so a
    rule or digit printed under a seal is still read.  The luminance is used, not the red
    channel, because JPEG keeps colour at half resolution: next to a seal's stroke, black text
    gets a red tint and a bright red channel.
    """
    red = seal_strokes(rgb) if red is None else red
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if not red.any():
        return grey
    under_seal = grey[red].astype(np.float32)
    paper = float(np.percentile(under_seal, SEAL_PAPER_PERCENTILE))
    if paper > 0:
        grey[red] = np.clip(under_seal * (255.0 / paper), 0, 255).astype(np.uint8)
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
    """Horizontal and vertical rule pixels, by morphological opening with long thin kernels,
    then closing along the rule to rejoin pieces of a rule broken by noise or JPEG.  (Closing
    the ink before the opening would bridge the strokes of neighbouring characters, 一二三.)"""
    ink = binary.astype(np.uint8)
    gap = max(2, int(RULE_GAP * dpi))
    h_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(MIN_RULE_LENGTH_H * dpi)), 1))
    v_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(6, int(MIN_RULE_LENGTH_V * dpi))))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, h_kernel)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, v_kernel)
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    return horizontal.astype(bool), vertical.astype(bool)


def faint_rules(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Pixels of faint horizontal hairlines, as uint8 0/1, opened like rules (ruling_masks):
    dark once the grey is averaged over RULE_SMOOTH along the row (noise averages out, a line
    stays as dark as it is), with paper HAIRLINE_CLEARANCE above and below (averaged the same
    way, a line of text stays dark across its height).  On a noisy photocopy a hairline is only
    partly darker than the page's threshold pixel by pixel: the opening found it in pieces, or
    not at all, and the table's rows merged.  Not for columns: averaged down a column, the
    strokes of a column of "0"s, one per row, read as a hairline."""
    threshold, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    side = max(2, int(round(HAIRLINE_CLEARANCE * dpi)))
    paper = cv2.blur(grey, (max(3, int(RULE_SMOOTH * dpi)), 1)) > threshold
    above, below = np.zeros_like(paper), np.zeros_like(paper)
    above[side:], below[:-side] = paper[:-side], paper[side:]
    lines = (~paper & above & below).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(MIN_RULE_LENGTH_H * dpi)), 1))
    return cv2.morphologyEx(lines, cv2.MORPH_OPEN, kernel)


def _long_faint_pieces(faint: np.ndarray | None, binary: np.ndarray, dpi: float) -> list["_Piece"]:
    """The faint hairlines at least HAIRLINE_MIN_LENGTH long with blank paper along them: a line
    of text's strokes, averaged along it, passed as short ones (0.35-0.45 in seen) and cut
    through characters; a line of characters whose strokes line up (EEE) is long, but has their
    other strokes just above or below along much of it."""
    if faint is None:
        return []
    # Averaging along the line carried its darkness half the run past each end: trimmed back,
    # or the rule overshoots the table's border and makes a sliver of a column there.
    half = max(3, int(RULE_SMOOTH * dpi)) // 2
    band = max(2, int(TEXT_BESIDE_BAND * dpi))
    pieces = [_Piece(p.x + half, p.y, p.w - 2 * half, p.h, p.axis, p.thickness)
              for p in _pieces(faint, True) if p.w >= HAIRLINE_MIN_LENGTH * dpi]
    return [p for p in pieces if _ink_along(binary, p, band) <= TEXT_BESIDE_SHARE / 2]


def _ink_along(binary: np.ndarray, piece: "_Piece", band: int) -> float:
    """Share of a horizontal piece's columns with ink in the `band` rows just above or below
    its line."""
    half = piece.thickness / 2 + 1
    top, bottom = int(piece.axis - half), int(np.ceil(piece.axis + half)) + 1
    columns = slice(piece.x, piece.x + piece.w)
    above = binary[max(0, top - band):max(0, top), columns]
    below = binary[bottom:bottom + band, columns]
    beside = np.zeros(piece.w, dtype=bool)
    for side in (above, below):
        if side.size:
            beside |= side.any(axis=0)
    return float(beside.mean()) if beside.size else 0.0


@dataclass
class _Piece:
    """A connected piece of a rule mask: its box (pixels), and the line through it: where its
    axis lies and how thick it is, from the pixel rows (or columns) that run most of its length.
    Characters or a seal touching a rule widen its box, not its line."""

    x: int
    y: int
    w: int
    h: int
    axis: float
    thickness: float


def _pieces(mask: np.ndarray, horizontal: bool) -> list[_Piece]:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    pieces = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        inside = labels[y:y + h, x:x + w] == i
        length, start = (w, y) if horizontal else (h, x)
        counts = inside.sum(axis=1 if horizontal else 0)
        core = np.flatnonzero(counts >= 0.5 * length)
        if core.size == 0:
            continue  # no line runs through it: a blob
        weights = counts[core].astype(np.float64)
        pieces.append(_Piece(x, y, w, h, start + float((core * weights).sum() / weights.sum()), float(core.size)))
    return pieces


def table_rules(horizontal: np.ndarray, vertical: np.ndarray, binary: np.ndarray, dpi: float,
                seal: np.ndarray | None = None, faint: np.ndarray | None = None) -> tuple[list[Segment], np.ndarray]:
    """Rules as segments in points, and the mask of their pixels.  A rule is thin (a blurred
    blob of dense characters passes the openings but is not); a vertical piece counts only
    when both its ends run into a horizontal rule (a table border crosses or meets the rules
    it joins) and it has no text beside it: a character's vertical stroke fails one or the
    other, so it neither makes a column nor gets erased from the text.  `seal` marks a seal's
    strokes: pieces of a rule broken where they cross it are joined across longer gaps.
    `faint` (faint_rules) adds the long faint hairlines the binarised page lost."""
    to_pt = 72.0 / dpi
    thick = max(3.0, RULE_MAX_THICKNESS * dpi)
    gaps = _Gaps(max(3, int(RULE_BRIDGE * dpi)), int(SEAL_BRIDGE * dpi), seal, max(2, int(SEAL_HALO * dpi)))
    least = int(RULE_PIECE_TO_JOIN * dpi)
    flats = _join_collinear([p for p in [*_pieces(horizontal, True), *_long_faint_pieces(faint, binary, dpi)] if p.thickness <= thick],
                            True, gaps, least)
    reach = max(2, int(RULE_END_TOLERANCE * dpi))
    candidates = _join_collinear([p for p in _pieces(vertical, False) if p.thickness <= thick], False, gaps, least)
    long_rule = LONG_RULE * dpi
    uprights = [span for p in candidates if _joins_rules(p, flats, reach, long_rule) and not _inside_text(binary, p, reach, dpi)
                for span in _row_spans(p, flats, reach)
                if _near_seal(span, seal, gaps.halo)
                or not (_inside_text(binary, span, reach, dpi) or _crossed_by_strokes(binary, span, reach, dpi))]
    segments = [Segment(p.x * to_pt, p.axis * to_pt, (p.x + p.w - 1) * to_pt, p.axis * to_pt) for p in flats]
    segments += [Segment(p.axis * to_pt, p.y * to_pt, p.axis * to_pt, (p.y + p.h - 1) * to_pt) for p in uprights]
    return segments, _rule_mask(horizontal.shape, flats, uprights)


def _row_spans(piece: _Piece, flats: list[_Piece], reach: int) -> list[_Piece]:
    """A vertical piece cut where it crosses horizontal rules, one piece per row it runs
    through, so that each row's stretch is judged on its own: on a blurred copy a character's
    stroke that lines up with a column rule above it (the 十 of 第二十条, the 其 of 其他处理)
    touches the rules of its row and continues the column rule through the row, and seen
    along the whole rule the text beside it is too short a share to tell."""
    cuts = sorted({int(round(f.axis)) for f in flats
                   if f.x - reach <= piece.axis <= f.x + f.w - 1 + reach and piece.y + reach < f.axis < piece.y + piece.h - 1 - reach})
    if not cuts:
        return [piece]
    edges = [piece.y, *cuts, piece.y + piece.h - 1]
    # A stub past the outer rule (a border overshooting it by a pixel or two) is no row.
    return [_Piece(piece.x, top, piece.w, bottom - top + 1, piece.axis, piece.thickness)
            for top, bottom in zip(edges, edges[1:]) if bottom - top > 2 * reach]


@dataclass
class _Gaps:
    """Which gaps between two pieces of one rule are bridged: any up to `bridge` pixels, and
    up to `seal_bridge` where a seal's stroke runs through the gap (within `halo` of its axis)."""

    bridge: int
    seal_bridge: int
    seal: np.ndarray | None
    halo: int

    def bridged(self, axis: float, start: int, end: int, horizontal: bool) -> bool:
        if end - start <= self.bridge:
            return True
        if self.seal is None or end - start > self.seal_bridge:
            return False
        low, high = max(0, int(axis) - self.halo), int(axis) + self.halo + 1
        band = self.seal[low:high, start:end] if horizontal else self.seal[start:end, low:high]
        return bool(band.any())


def _join_collinear(pieces: list[_Piece], horizontal: bool, gaps: _Gaps, least: int) -> list[_Piece]:
    """The pieces, plus each run of pieces of one rule (same axis within 2 px, across the gaps
    that `gaps` bridges) joined into one: a seal, a speck of dirt or a fold breaks a rule into
    pieces whose ends do not meet the rules they join.  Only pieces at least `least` pixels
    long are joined, so a column of characters' strokes is not chained into a rule."""
    def span(p: _Piece) -> tuple[int, int]:
        return (p.x, p.x + p.w) if horizontal else (p.y, p.y + p.h)

    runs: list[list[_Piece]] = []
    long_pieces = [p for p in pieces if span(p)[1] - span(p)[0] >= least]
    for piece in sorted(long_pieces, key=lambda p: (round(p.axis / 3), span(p)[0])):
        last = runs[-1][-1] if runs else None
        if (last is not None and abs(last.axis - piece.axis) <= 2 and span(piece)[0] >= span(last)[1]
                and gaps.bridged(piece.axis, span(last)[1], span(piece)[0], horizontal)):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return pieces + [_joined(run, span) for run in runs if len(run) > 1]


def _joined(run: list[_Piece], span) -> _Piece:
    x0, y0 = min(p.x for p in run), min(p.y for p in run)
    x1, y1 = max(p.x + p.w for p in run), max(p.y + p.h for p in run)
    lengths = [span(p)[1] - span(p)[0] for p in run]
    axis = sum(p.axis * n for p, n in zip(run, lengths)) / sum(lengths)
    return _Piece(x0, y0, x1 - x0, y1 - y0, axis, max(p.thickness for p in run))


def _rule_mask(shape: tuple[int, ...], flats: list[_Piece], uprights: list[_Piece]) -> np.ndarray:
    """The pixels of the rules only, a band along each axis: text touching a rule is kept."""
    mask = np.zeros(shape[:2], dtype=np.uint8)
    for p in flats:
        half = p.thickness / 2 + 1
        cv2.rectangle(mask, (p.x, int(p.axis - half)), (p.x + p.w - 1, int(np.ceil(p.axis + half))), 1, -1)
    for p in uprights:
        half = p.thickness / 2 + 1
        cv2.rectangle(mask, (int(p.axis - half), p.y), (int(np.ceil(p.axis + half)), p.y + p.h - 1), 1, -1)
    return mask.astype(bool)


def _inside_text(binary: np.ndarray, piece: _Piece, reach: int, dpi: float) -> bool:
    """Whether a vertical piece has ink beside it along much of its length: a character's
    stroke has the character's other strokes next to it; a border has blank cell margins (the
    rows where it joins a horizontal rule are left out)."""
    top, bottom = piece.y + reach + 1, piece.y + piece.h - reach - 1
    if bottom <= top:
        return False
    band = max(2, int(TEXT_BESIDE_BAND * dpi))
    half = piece.thickness / 2 + 1
    left_end, right_start = max(0, int(piece.axis - half)), int(np.ceil(piece.axis + half)) + 1
    left = binary[top:bottom, max(0, left_end - band):left_end]
    right = binary[top:bottom, right_start:right_start + band]
    beside = np.zeros(bottom - top, dtype=bool)
    for side in (left, right):
        if side.size:
            beside |= side.any(axis=1)
    if float(beside.mean()) > TEXT_BESIDE_SHARE:
        return True
    # Within a word, the neighbouring characters are on both sides; a border has text on one
    # side at most where a cell's text runs up to it.
    wide = max(band + 1, int(TEXT_AROUND_BAND * dpi))
    left, right = binary[top:bottom, max(0, left_end - wide):left_end], binary[top:bottom, right_start:right_start + wide]
    if not (left.size and right.size):
        return False
    return float((left.any(axis=1) & right.any(axis=1)).mean()) > TEXT_AROUND_SHARE


def _near_seal(span: _Piece, seal: np.ndarray | None, halo: int) -> bool:
    """Whether a seal's stroke runs by a row's stretch of a rule: what is left of the seal
    beside or across the rule is not text, and the stretch is judged with its whole rule."""
    if seal is None:
        return False
    axis = int(round(span.axis))
    return bool(seal[span.y:span.y + span.h, max(0, axis - 2 * halo):axis + 2 * halo + 1].any())


def _crossed_by_strokes(binary: np.ndarray, span: _Piece, reach: int, dpi: float) -> bool:
    """Whether a row's stretch of a vertical piece is crossed by a character's horizontal
    strokes (the 十 of 计 or 第二十条): in at least STROKE_CROSSING_SHARE of its pixel rows, ink
    runs on through it on both sides, and stops short of a rule's length."""
    top, bottom = span.y + reach + 1, span.y + span.h - reach - 1
    if bottom - top < 2:
        return False
    band = max(2, int(TEXT_BESIDE_BAND * dpi))
    half = span.thickness / 2 + 1
    left_end, right_start = int(span.axis - half), int(np.ceil(span.axis + half)) + 1
    if left_end - band < 0 or right_start + band > binary.shape[1]:
        return False
    rows = binary[top:bottom]
    through = rows[:, left_end - band:left_end].all(axis=1) & rows[:, right_start:right_start + band].all(axis=1)
    longest = MIN_RULE_LENGTH_H * dpi
    crossing = sum(1 for y in np.flatnonzero(through) if _run_through(rows[y], left_end, right_start) < longest)
    return crossing >= max(2, STROKE_CROSSING_SHARE * (bottom - top))


def _run_through(row: np.ndarray, left_end: int, right_start: int) -> int:
    """Length of the run of ink in `row` that reaches left_end from the left and right_start
    from the right (the rule's band between them counted in)."""
    gaps_left = np.flatnonzero(~row[:left_end])
    start = int(gaps_left[-1]) + 1 if gaps_left.size else 0
    gaps_right = np.flatnonzero(~row[right_start:])
    end = right_start + (int(gaps_right[0]) if gaps_right.size else row.size - right_start)
    return end - start


def _joins_rules(piece: _Piece, flats: list[_Piece], reach: int, long_rule: float) -> bool:
    """Both ends meet a horizontal rule; or one does and the piece is longer than any stroke
    of a character: a table cut by a page break has no rule at the open end."""
    meets = [_meets_rule(piece.axis, end, flats, reach) for end in (piece.y, piece.y + piece.h - 1)]
    return all(meets) or (any(meets) and piece.h >= long_rule)


def _meets_rule(x: float, y: int, flats: list[_Piece], reach: int) -> bool:
    return any(f.x - reach <= x <= f.x + f.w - 1 + reach and f.y - reach <= y <= f.y + f.h - 1 + reach for f in flats)


def _speck_pixels(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Where remove_specks took ink away, with the grey fringe around it, but not touching the
    ink kept: painted paper in the grey the recogniser reads, a speck next to a "0" made it a
    "6" (its crop is cut from the grey, not from the ink mask)."""
    square = np.ones((3, 3), np.uint8)
    specks = cv2.dilate((before & ~after).astype(np.uint8), square).astype(bool)
    return specks & ~cv2.dilate(after.astype(np.uint8), square).astype(bool)


def remove_specks(ink: np.ndarray, dpi: float) -> np.ndarray:
    min_area = max(2, int(MIN_INK_AREA * dpi * dpi))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    return keep[labels]


def drop_rule_remnants(window: np.ndarray, dpi: float) -> np.ndarray:
    """A cell's ink without slivers of its border: thin pieces spanning (nearly) the whole
    window, left where a skewed or blurred rule escaped the rule mask.  They would read as "1"
    or "|" beside the cell's text; a printed "1" is never as tall as its cell."""
    height, width = window.shape
    thin = max(2.0, REMNANT_WIDTH * dpi)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(window.astype(np.uint8), connectivity=8)
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    upright = (h >= REMNANT_SPAN * height) & (area <= thin * h) & (w <= thin)
    flat = (w >= REMNANT_SPAN * width) & (area <= thin * w) & (h <= thin)
    remnant = upright | flat
    remnant[0] = False
    return window & ~remnant[labels] if remnant.any() else window


def drop_stray_specks(window: np.ndarray, dpi: float) -> np.ndarray:
    """A cell's ink without stray specks: groups of ink (pieces within STRAY_REACH of each
    other) small both ways and in ink, when the cell holds other text.  Noise that survived
    remove_specks (JPEG grows a speck past its size) widened the cell's line and was read as
    letters or digits beside a plain "0"; a "." or "、" stays with the text it is printed
    beside, and a minus sign or a "1" is not that small.  A cell holding only specks keeps
    them (`only_specks`): what the recogniser makes of them is doubtful."""
    groups, stray = _stray_groups(window, dpi)
    if not stray.any() or stray[1:].all():
        return window
    return window & ~stray[groups]


def only_specks(window: np.ndarray, dpi: float) -> bool:
    """Whether a cell's ink is all stray specks: noise in an empty cell (a recogniser read one
    dot on a photocopied page as "8" at 0.91), or what is left of a faded character."""
    _, stray = _stray_groups(window, dpi)
    return len(stray) > 1 and bool(stray[1:].all())


def _stray_groups(window: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """The window's groups of ink (a label per pixel) and, per group, whether it is a speck;
    group 0 is the background."""
    if not window.any():
        return np.zeros(window.shape, np.int32), np.zeros(1, bool)
    reach = max(1, int(round(STRAY_REACH * dpi / 2)))
    grown = cv2.dilate(window.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    count, groups, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    ink = np.bincount(groups[window], minlength=count)
    width = stats[:, cv2.CC_STAT_WIDTH] - 2 * reach  # the group's ink, without the growth
    height = stats[:, cv2.CC_STAT_HEIGHT] - 2 * reach
    stray = (np.maximum(width, height) <= STRAY_SIZE * dpi) & (ink <= STRAY_INK * dpi * dpi)
    stray[0] = False
    return groups, stray


def text_lines(ink: np.ndarray, line_height: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, top, x1, bottom; exclusive ends) of the text lines in an ink mask, top down."""
    merged: list[tuple[int, int]] = []
    for top, bottom in _row_runs(ink):
        if merged and bottom - merged[-1][0] <= LINE_MERGE_SHARE * line_height:
            merged[-1] = (merged[-1][0], bottom)
        else:
            merged.append((top, bottom))
    profile = ink.sum(axis=1)
    boxes = []
    for top, bottom in (piece for run in merged for piece in _split_touching(profile, run, line_height)):
        cols = np.flatnonzero(ink[top:bottom].any(axis=0))
        boxes.append((int(cols[0]), top, int(cols[-1]) + 1, bottom))
    return boxes


def _split_touching(profile: np.ndarray, run: tuple[int, int], line_height: float) -> list[tuple[int, int]]:
    """A run taller than two lines is lines that touch (tight spacing, blur): cut it at the
    row with least ink, away from its ends, until each piece is one line high."""
    top, bottom = run
    if line_height <= 0 or bottom - top <= SPLIT_SHARE * line_height:
        return [run]
    margin = int(0.8 * line_height)
    cut = top + margin + int(np.argmin(profile[top + margin:bottom - margin]))
    return _split_touching(profile, (top, cut), line_height) + _split_touching(profile, (cut, bottom), line_height)


def usual_line_height(inks: list[np.ndarray], dpi: float | None = None) -> float:
    """Height of one printed line, from pieces of ink that each hold text (table cells, or the
    page): the median over pieces of their tallest run of inked rows.  Most cells hold one line
    of digits, so this is about a digit's height; LINE_MERGE_SHARE of it still holds a whole
    CJK character, and never two lines.  With `dpi`, pieces whose ink is no taller than
    MIN_TEXT_HEIGHT (noise in an empty cell) are left out, unless nothing else is left."""
    tallest = [max(bottom - top for top, bottom in runs) for runs in map(_row_runs, inks) if runs]
    if dpi:
        text = [height for height in tallest if height > MIN_TEXT_HEIGHT * dpi]
        tallest = text or tallest
    return float(np.median(tallest)) if tallest else 0.0


def _row_runs(ink: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of pixel rows holding ink, as (top, bottom) with bottom exclusive."""
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    return [(int(rows[s]), int(rows[e]) + 1) for s, e in zip(np.r_[0, breaks + 1], np.r_[breaks, rows.size - 1])]


def levelled(piece: np.ndarray) -> np.ndarray:
    """A crop's greys stretched so its ink is black and its paper white, then softened over
    3×3 pixels.  A photocopy's grey paper and faded toner, with scanner noise on both, made the
    recogniser unsure of plain digits; stretched alone, the noise grows with the contrast (two
    digits were misread with confidence on the 150 dpi scan set), hence the softening."""
    if piece.size == 0:
        return piece
    ink, paper = float(np.percentile(piece, INK_PERCENTILE)), float(np.median(piece))
    if paper - ink < MIN_CONTRAST:
        return piece
    stretched = np.clip((piece.astype(np.float32) - ink) * (255.0 / (paper - ink)), 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(stretched, (3, 3), 0)


def crop_for_recognition(grey: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The text in `box` on a white margin, as a 3-channel image (what the recogniser takes).
    The margin is painted, not cut from the page, so no rule or neighbour leaks in."""
    x0, top, x1, bottom = box
    piece = levelled(grey[top:bottom, x0:x1])
    pad = max(2, int(CROP_PAD_SHARE * (bottom - top)))
    framed = cv2.copyMakeBorder(piece, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(framed, cv2.COLOR_GRAY2BGR)
