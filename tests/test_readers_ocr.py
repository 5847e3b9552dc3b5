"""The OCR reader on scans: tables from ruling lines, each cell recognised on its own, seals
and skew handled, every OCR value keeping its page box, and doubt flagged, never a wrong
number passed off as read.

Fixtures (tests/fixtures/scans, rebuilt by build.py there) are the gold report sanming-2023
printed by nianbao's renderer and LibreOffice, scanned at 150 dpi: a colour PNG of tables 三
and 四 with a red seal over table 三 and a 1.5° skew; the whole report as an image-only PDF of
black-and-white pages; table 四 as a two-page TIFF.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("cv2", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")
pytest.importorskip("rapidocr", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")

import cv2  # noqa: E402

from nianbao import readers  # noqa: E402
from nianbao.document import RawDocument, RawTable  # noqa: E402
from nianbao.evaluate import gold_cells  # noqa: E402
from nianbao.normalise import build_document  # noqa: E402
from nianbao.parser import parse_document  # noqa: E402
from nianbao.readers import ocr, page_image  # noqa: E402
from nianbao.readers.ocr_confusions import WHY_BORNE_OUT  # noqa: E402

SCANS = Path(__file__).parent / "fixtures" / "scans"
GOLD = json.loads((SCANS / "sanming-gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sealed_png() -> RawDocument:
    return readers.read((SCANS / "sanming-p2-seal-skew.png").read_bytes(), "sanming-p2-seal-skew.png")


@pytest.fixture(scope="module")
def scanned_pdf() -> RawDocument:
    return readers.read((SCANS / "sanming-scan.pdf").read_bytes(), "sanming-scan.pdf")


def _parse(raw: RawDocument) -> dict:
    report = parse_document(build_document(raw))
    ocr.flag_doubtful_cells(report, raw)
    return report.canonical()


def _rows(raw: RawDocument) -> list[list[str]]:
    return [[cell.text for cell in row] for block in raw.blocks if isinstance(block, RawTable) for row in block.rows]


def _row_values(raw: RawDocument, label: str) -> list[str]:
    row = next(r for r in _rows(raw) if any(label in text for text in r))
    return [text for text in row if text and text[0].isdigit()]


def _score(canonical: dict, tables: tuple[str, ...]) -> tuple[int, int, list[str]]:
    expected = {p: v for p, v in gold_cells(GOLD).items() if p.split(".")[0] in tables}
    got, uncertain = gold_cells(canonical), set(canonical["uncertain"])
    right = sum(1 for p, v in expected.items() if got.get(p) == v)
    wrong = [f"{p}: got {got.get(p)!r}, gold {v!r}" for p, v in expected.items() if got.get(p) != v and p not in uncertain]
    return right, len(expected), wrong


# --- A colour scan with a seal over the table and a skew -------------------------------------


def test_table_cells_under_a_seal_on_a_skewed_scan_are_read_one_by_one(sealed_png):
    assert sealed_png.format == "image" and sealed_png.machine_readable
    assert _row_values(sealed_png, "本年新收") == ["269", "3", "2", "1", "0", "27", "302"]
    assert _row_values(sealed_png, "七")[:7] == ["270", "3", "2", "1", "0", "27", "303"]
    # Table 四's value row: lone zeros are kept as zeros, in their own cells.
    assert ["1", "0", "1", "4", "6", "5", "0", "0", "2", "7", "1", "0", "0", "0", "1"] in _rows(sealed_png)


def test_every_ocr_cell_keeps_its_page_box_and_confidence(sealed_png):
    cells = [cell for block in sealed_png.blocks if isinstance(block, RawTable) for row in block.rows for cell in row]
    assert len(cells) > 200
    for cell in cells:
        assert cell.page == 1 and cell.confidence is not None and 0.0 <= cell.confidence <= 1.0
        x0, top, x1, bottom = cell.box
        assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 842  # points on an A4-wide page


def test_sealed_scan_parses_with_no_wrong_unflagged_value(sealed_png):
    right, total, wrong = _score(_parse(sealed_png), ("t3", "t4"))
    assert wrong == []
    assert right >= 0.95 * total, (right, total)


# --- An image-only PDF through the PDF reader ------------------------------------------------


def test_image_only_pdf_is_read_by_ocr_end_to_end(scanned_pdf):
    assert scanned_pdf.format == "pdf" and scanned_pdf.machine_readable
    assert any("OCR" in w and "扫描" in w for w in scanned_pdf.warnings)
    canonical = _parse(scanned_pdf)
    assert canonical["edition"] == GOLD["edition"]
    right, total, wrong = _score(canonical, ("t2", "t3", "t4"))
    assert wrong == []
    assert right >= 0.97 * total, (right, total)


def test_values_read_from_a_doubtful_cell_are_uncertain_and_carry_their_box(scanned_pdf):
    canonical = _parse(scanned_pdf)
    path = "t3.new_received.natural_person"
    assert canonical["t3"]["new_received"]["natural_person"] == GOLD["t3"]["new_received"]["natural_person"]
    assert path not in canonical["uncertain"]
    report = parse_document(build_document(scanned_pdf))
    cell = report.cell(path)
    table, row, col = cell.location["table"], cell.location["row"], cell.location["col"]
    source = next(c for c in [b for b in scanned_pdf.blocks if isinstance(b, RawTable)][table].rows[row] if c.col == col)
    kept = source.confidence
    # The row's total placed by a guess: the arithmetic cannot vouch for the doubtful value.
    report.cell("t3.new_received.total").uncertain = True
    try:
        source.confidence = ocr.DOUBT_BELOW / 3
        assert ocr.flag_doubtful_cells(report, scanned_pdf) >= 1
    finally:
        source.confidence = kept
    assert cell.uncertain and "OCR" in cell.inferred
    assert cell.location["box"] == list(source.box) and cell.location["page"] == source.page
    # With every cell of its sums sure, the arithmetic bears the value out; its box stays.
    report = parse_document(build_document(scanned_pdf))
    try:
        source.confidence = ocr.DOUBT_BELOW / 3
        ocr.flag_doubtful_cells(report, scanned_pdf)
    finally:
        source.confidence = kept
    cell = report.cell(path)
    assert not cell.uncertain and cell.inferred == WHY_BORNE_OUT
    assert cell.location["box"] == list(source.box)


# --- Multi-page TIFF -------------------------------------------------------------------------


def test_multi_page_tiff_reads_every_page():
    raw = readers.read((SCANS / "t4-two-pages.tif").read_bytes(), "t4-two-pages.tif")
    values = ["1", "0", "1", "4", "6", "5", "0", "0", "2", "7", "1", "0", "0", "0", "1"]
    rows = [row for block in raw.blocks if isinstance(block, RawTable) for row in block.rows]
    read = [row for row in rows if [c.text for c in row] == values]
    assert len(read) == 2 and {row[0].page for row in read} == {1, 2}


# --- Page clean-up, without recognition ------------------------------------------------------


def _ruled_page(width: int = 900, height: int = 500) -> np.ndarray:
    page = np.full((height, width, 3), 255, np.uint8)
    for y in range(50, 451, 40):
        cv2.line(page, (50, y), (850, y), (0, 0, 0), 2)
    for x in (50, 300, 450, 600, 850):
        cv2.line(page, (x, 50), (x, 450), (0, 0, 0), 2)
    return page


def test_skew_is_measured_and_turned_back():
    page = _ruled_page()
    turned = page_image.rotate(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY), 1.2)
    assert abs(page_image.estimate_skew(turned) + 1.2) <= 0.1
    clean = page_image.clean_page(np.dstack([turned] * 3), 150)
    assert abs(clean.skew + 1.2) <= 0.1
    # Each of the 5 columns' rules (found row by row) runs the table's height, 400 px = 192 pt.
    columns: list[list[float]] = []  # [x, length] per column, its rows' pieces within 3 pt
    for s in sorted((s for s in clean.segments if not s.horizontal), key=lambda s: s.x0):
        if columns and s.x0 - columns[-1][0] <= 3:
            columns[-1][1] += s.bottom - s.top
        else:
            columns.append([s.x0, s.bottom - s.top])
    assert len(columns) == 5 and all(length > 150 for _, length in columns), columns


def test_a_red_seal_turns_to_paper_and_ink_under_it_stays():
    page = _ruled_page()
    seal = page.copy()
    cv2.circle(seal, (450, 250), 120, (215, 40, 45), 12)
    cv2.circle(seal, (450, 250), 60, (215, 40, 45), -1)
    under = np.minimum(page, seal)  # seal ink over the print: toner stays dark
    grey = page_image.remove_red(under)
    ink = page_image.binarise(grey)
    assert not ink[230, 420:440].any()  # the seal's disc, away from rules: paper
    assert ink[248:253, 450].any() and ink[200:300, 449:452].all(axis=1).mean() > 0.9  # the rule under it


def test_character_strokes_are_not_rules_and_stay_in_the_text():
    page = _ruled_page()
    # A tall narrow glyph (like 丨 or 1) in a cell, close to both rules of its row.
    cv2.line(page, (370, 95), (370, 126), (0, 0, 0), 2)
    cv2.line(page, (360, 100), (380, 100), (0, 0, 0), 2)
    clean = page_image.clean_page(page, 150)
    xs = sorted({round(s.x0) for s in clean.segments if not s.horizontal})
    assert all(abs(x - 370 * 72 / 150) > 3 for x in xs)
    assert clean.ink[98:124, 369:372].any()


def test_an_empty_cell_stays_empty_and_ink_that_reads_as_nothing_is_doubtful():
    assert ocr._settle([]) == ("", 1.0)
    assert ocr._settle([("", 0.99)]) == ("", 0.0)
    assert ocr._settle([("0", 0.99)]) == ("0", 0.99)
    assert ocr._settle([("1|0", 0.99)])[1] < ocr.DOUBT_BELOW  # a border read as a digit
    assert ocr._settle([("6 0", 0.99)])[1] < ocr.DOUBT_BELOW  # two cells read as one


# --- Offline, and optional -------------------------------------------------------------------


def test_recognition_works_with_the_network_blocked(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(ocr, "_ENGINE", None)  # the model is loaded again, offline
    crop = np.full((40, 60), 255, np.uint8)
    cv2.putText(crop, "27", (8, 30), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    [(text, confidence)] = ocr.recognise([page_image.crop_for_recognition(crop, (0, 0, 60, 40))])
    assert text == "27" and confidence > ocr.DOUBT_BELOW


def test_without_the_ocr_extra_an_image_is_reported_not_read(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    raw = readers.read((SCANS / "t4-two-pages.tif").read_bytes(), "t4.tif")
    assert raw.machine_readable is False and raw.blocks == []
    assert any("nianbao[ocr]" in w for w in raw.warnings)


def test_damaged_image_is_refused_with_a_clear_message():
    from nianbao.errors import UnreadableInput

    data = (SCANS / "sanming-p2-seal-skew.png").read_bytes()[:3000]
    with pytest.raises(UnreadableInput) as caught:
        readers.read(data, "broken.png")
    assert "图像" in caught.value.message and "broken.png" in caught.value.message


def test_flagging_leaves_reports_not_read_by_ocr_alone():
    from nianbao.evaluate import corpus_pairs, default_corpus

    source, _ = next(pair for pair in corpus_pairs(default_corpus()) if pair[0].suffix == ".txt")
    raw = readers.read(source.read_bytes(), source.name)
    report = parse_document(build_document(raw))
    before = report.canonical()
    assert ocr.flag_doubtful_cells(report, raw) == 0
    assert report.canonical() == before


def test_the_library_and_cli_path_flags_ocr_doubt_and_keeps_boxes():
    """`nianbao.parse` (the path of the CLI, ingest and the web) runs the OCR doubt pass."""
    import nianbao

    report = nianbao.parse(SCANS / "sanming-scan.pdf")
    boxes = [cell.location["box"] for _, cell in report.cells() if cell.location and "box" in cell.location]
    assert boxes and all(len(box) == 4 for box in boxes)
