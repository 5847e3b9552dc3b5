"""A value read from an OCR table cell's text, but not as that cell's value, keeps the cell's
doubt: a photocopied, stamped scan read table 二's 行政事业性收费 cell as "1EEES19 7730.28日"
(confidence 0.10), the row's reading took the "1" glued to the damaged text as the amount,
and with no grid position on the value the low confidence was never looked up (wrong and
unflagged).  No OCR engine is needed: the OCR cells are built by hand."""

from __future__ import annotations

from nianbao.document import RawCell, RawDocument, RawParagraph, RawTable
from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import ocr


def _row(r: int, *cells: tuple[str, float], page: int = 1) -> list[RawCell]:
    top = 100.0 + 30 * r
    return [RawCell(text, r, c, page=page, box=(100.0 + 150 * c, top, 250.0 + 150 * c, top + 30), confidence=conf)
            for c, (text, conf) in enumerate(cells)]


def _scan(fees: tuple[str, float]) -> RawDocument:
    rows = [
        _row(0, ("第二十条第（一）项", 0.99)),
        _row(1, ("信息内容", 0.99), ("本年制发件数", 0.99), ("本年废止件数", 0.99), ("现行有效件数", 0.99)),
        _row(2, ("规章", 0.99), ("0", 0.99), ("0", 0.99), ("0", 0.99)),
        _row(3, ("行政规范性文件", 0.99), ("0", 0.99), ("5", 0.99), ("5", 0.99)),
        _row(4, ("第二十条第（五）项", 0.99)),
        _row(5, ("信息内容", 0.99), ("本年处理决定数量", 0.99)),
        _row(6, ("行政许可", 0.99), ("550", 0.99)),
        _row(7, ("第二十条第（六）项", 0.99)),
        _row(8, ("信息内容", 0.99), ("本年处理决定数量", 0.99)),
        _row(9, ("行政处罚", 0.99), ("4119", 0.99)),
        _row(10, ("行政强制", 0.99), ("195", 0.99)),
        _row(11, ("第二十条第（八）项", 0.99)),
        _row(12, ("信息内容", 0.99), ("本年收费金额（单位：万元）", 0.99)),
        _row(13, ("行政事业性收费", 0.99), fees),
    ]
    blocks: list[RawParagraph | RawTable] = [
        RawParagraph("一、总体情况", page=1), RawParagraph("二、主动公开政府信息情况", page=1),
        RawTable(rows), RawParagraph("三、收到和处理政府信息公开申请情况", page=1)]
    return RawDocument(blocks, "pdf", machine_readable=True)


def _fees(raw: RawDocument):
    report = parse_document(build_document(raw))
    ocr.flag_doubtful_cells(report, raw)
    return report.cell("t2.administrative_fees.amount")


def test_a_value_glued_to_damaged_text_in_a_doubtful_ocr_cell_is_uncertain():
    cell = _fees(_scan(("1EEES19 7730.28日", 0.10)))
    # Whatever the reading took from the cell, it is not taken on trust.
    assert cell.value != 7730.28 and cell.uncertain
    assert "置信度" in (cell.inferred or "")
    # It points at the cell it was read from, as a value read as the cell does.
    assert cell.location["page"] == 1 and cell.location["box"] == [250.0, 490.0, 400.0, 520.0]


def test_a_value_from_an_ocr_cell_holding_digits_it_was_not_read_from_is_uncertain():
    """However sure the recogniser was, a cell whose other digits no value took was read only in part."""
    cell = _fees(_scan(("1EEES19 7730.28日", 0.95)))
    assert cell.value != 7730.28 and cell.uncertain
    assert cell.inferred == ocr.WHY_UNREAD_DIGITS


def test_values_printed_in_an_ocr_label_cell_are_not_doubted_when_every_digit_is_read():
    raw = _scan(("7730.28", 0.99))
    table = next(b for b in raw.blocks if isinstance(b, RawTable))
    table.rows[6] = [RawCell("行政许可 550", 6, 0, page=1, box=(100.0, 280.0, 400.0, 310.0), confidence=0.99)]
    report = parse_document(build_document(raw))
    ocr.flag_doubtful_cells(report, raw)
    cell = report.cell("t2.administrative_licensing.decisions")
    assert (cell.value, cell.uncertain) == (550, False)


def test_the_same_cell_read_cleanly_is_not_flagged():
    cell = _fees(_scan(("7730.28", 0.99)))
    assert (cell.value, cell.uncertain) == (7730.28, False)


def test_ocr_cells_and_words_are_placed_over_their_printed_text():
    """Each OCR cell lies over its text in the printed document (cells between " | ", a newline
    after each row), and a paragraph's words after the table still lie over theirs."""
    from nianbao.document import PlacedText

    raw = _scan(("7730.28", 0.99))
    raw.blocks.append(RawParagraph("共收到申请 12 件", page=2, placed=[PlacedText(6, 8, (1.0, 2.0, 3.0, 4.0), 0.5)]))
    printed = build_document(raw).printed
    placed = [p for p, _ in ocr._placed_in_print(raw)]
    table = next(b for b in raw.blocks if isinstance(b, RawTable))
    assert [printed[p.start:p.end] for p in placed] == [c.text for row in table.rows for c in row] + ["12"]


def test_a_garbled_ocr_cell_read_as_blank_keeps_its_doubt():
    """A stamped "0" recognised as "石K" (0.12) is no value: the row's reading takes it as the
    blank cell it looks like, and that blank must carry the cell's doubt and box, not pass as
    a cell the report left empty."""
    raw = _scan(("7730.28", 0.99))
    table = next(b for b in raw.blocks if isinstance(b, RawTable))
    table.rows[2] = _row(2, ("规章", 0.99), ("0", 0.99), ("石K", 0.12), ("0", 0.99))
    report = parse_document(build_document(raw))
    ocr.flag_doubtful_cells(report, raw)
    cell = report.cell("t2.regulations.repealed")
    assert cell.value is None and cell.uncertain
    assert cell.location["box"] == [400.0, 160.0, 550.0, 190.0]
    assert [report.value(f"t2.regulations.{c}") for c in ("issued", "in_force")] == [0, 0]
