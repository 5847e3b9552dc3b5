"""PDF reader: the real 洪泽区 2023 report against its gold values, and generated fixtures
(tests/fixtures/pdf/build_fixtures.py) for page-split tables, stacked labels, scans,
encryption and damaged files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nianbao import editions
from nianbao.document import RawCell, RawParagraph, RawTable
from nianbao.evaluate import has_label, t3_rows
from nianbao.tables import T3_OTHER_SUB_ROWS
from nianbao.errors import UnreadableInput
from nianbao.readers.pdf import read
from tests.conftest import CORPUS

HONGZE_PDF = CORPUS / "dev" / "hongze-2023.pdf"
HONGZE_GOLD = CORPUS / "gold" / "hongze-2023.json"
FIXTURES = Path(__file__).parent / "fixtures" / "pdf"

T3_COLUMNS = [c.key for c in editions.T3_COLUMNS]
# The table-三 rows the 洪泽 report prints (2019-style one-row （六）), recognised as the parser does.
T3_ROWS = {key: row for key, row in t3_rows().items() if key not in T3_OTHER_SUB_ROWS}
T4_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
T4_KEYS = ["upheld", "corrected", "other", "pending", "total"]

needs_corpus = pytest.mark.skipif(not HONGZE_PDF.exists(), reason="shared corpus not available")


def _tables(doc) -> list[RawTable]:
    return [b for b in doc.blocks if isinstance(b, RawTable)]


def _paragraphs(doc) -> list[RawParagraph]:
    return [b for b in doc.blocks if isinstance(b, RawParagraph)]


def _table_containing(doc, text: str) -> RawTable:
    return next(t for t in _tables(doc) if any(text in c.text for row in t.rows for c in row))


def _row_with(table: RawTable, label: editions.Row) -> list[RawCell]:
    """The grid row with a cell carrying the row's label."""
    return next(row for row in table.rows if any(has_label(c.text, label) for c in row))


def _numbers_right_of_label(row: list[RawCell], label: editions.Row) -> list[str]:
    label_cell = next(c for c in row if has_label(c.text, label))
    return [c.text for c in sorted(row, key=lambda c: c.col) if c.col > label_cell.col]


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _check_grid(table: RawTable) -> None:
    """Every grid position is covered by exactly one physical cell."""
    covered: dict[tuple[int, int], RawCell] = {}
    for row in table.rows:
        for cell in row:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert (r, c) not in covered, f"cell at {(r, c)} covered twice"
                    covered[(r, c)] = cell
    rows = max(r for r, _ in covered) + 1
    cols = max(c for _, c in covered) + 1
    assert len(covered) == rows * cols, "grid has holes"


# --- The real report ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hongze():
    return read(HONGZE_PDF.read_bytes(), source="hongze-2023.pdf")


@pytest.fixture(scope="module")
def gold():
    return json.loads(HONGZE_GOLD.read_text(encoding="utf-8"))


@needs_corpus
def test_table_three_rows_carry_the_gold_numbers_in_column_order(hongze, gold):
    table = _table_containing(hongze, "本年新收")
    for key, row in T3_ROWS.items():
        expected = [_as_text(gold["t3"][key][column]) for column in T3_COLUMNS]
        got = _numbers_right_of_label(_row_with(table, row), row)
        assert got == expected, f"{key}: {got} != {expected}"


@needs_corpus
def test_table_three_is_one_table_across_the_page_break(hongze):
    table = _table_containing(hongze, "本年新收")
    pages = {cell.page for row in table.rows for cell in row}
    assert pages == {3, 4}
    assert any("结转下年度" in c.text for c in table.rows[-1])
    _check_grid(table)


@needs_corpus
def test_table_three_header_keeps_spans_and_vertical_label(hongze):
    table = _table_containing(hongze, "本年新收")
    cells = {c.text: c for row in table.rows for c in row}
    assert cells["申请人情况"].colspan == 7
    assert cells["法人或其他组织"].colspan == 5
    assert cells["自然人"].rowspan == 2
    # Printed one character per line down a merged cell on page 3.
    assert cells["三、本年度办理结果"].rowspan == 12
    assert "社会公益组织" in cells and "法律服务机构" in cells


@needs_corpus
def test_table_four_has_all_fifteen_gold_values(hongze, gold):
    table = _table_containing(hongze, "复议后起诉")
    expected = [_as_text(gold["t4"][group][key]) for group in T4_GROUPS for key in T4_KEYS]
    value_row = table.rows[-1]
    assert [c.text for c in sorted(value_row, key=lambda c: c.col)] == expected
    assert [c.col for c in value_row] == list(range(15))
    headers = [c.text for row in table.rows for c in row]
    assert headers.count("总计") == 3  # printed letter-spaced as "总 计"


@needs_corpus
def test_table_two_continues_onto_the_next_page(hongze, gold):
    table = _table_containing(hongze, "本年制发件数")
    assert {c.page for row in table.rows for c in row} == {2, 3}
    fees = editions.get("2021").table("t2").row("administrative_fees")
    fee_row = _row_with(table, fees)
    assert _numbers_right_of_label(fee_row, fees) == [str(gold["t2"]["administrative_fees"]["amount"])]
    _check_grid(table)


@needs_corpus
def test_page_numbers_are_gone_and_text_is_joined(hongze):
    texts = [p.text for p in _paragraphs(hongze)]
    assert not any(re.fullmatch(r"-\s*\d+\s*-", t.strip()) for t in texts)
    assert not any(re.search(r"- \d -", t) for t in texts)
    # A paragraph wrapped over pages 1 and 2 is one paragraph, read without layout spaces.
    assert any("严格执行“分级审核、先审后发”程序" in t for t in texts)
    assert any("受理政府信息公开申请21件" in t for t in texts)
    assert [p.page for p in _paragraphs(hongze)][0] == 1


@needs_corpus
def test_threads_reading_at_once_get_what_one_thread_gets(hongze):
    # PDFium is thread-incompatible; the web app reads uploads on a thread pool.  Without
    # the reader's lock this interleaves PDFium calls (heap corruption, seen once in CI).
    from concurrent.futures import ThreadPoolExecutor

    data = HONGZE_PDF.read_bytes()
    with ThreadPoolExecutor(4) as pool:
        documents = list(pool.map(lambda _: read(data, source="hongze-2023.pdf"), range(8)))
    assert all(doc.blocks == hongze.blocks for doc in documents)


_EXIT_WHILE_READING = """
import sys, threading, time
from pathlib import Path
from nianbao.readers.pdf import read
data = Path(sys.argv[1]).read_bytes()
read(data)
def work():
    while True:
        read(data)
for _ in range(2):
    threading.Thread(target=work, daemon=True).start()
time.sleep(0.3)
"""


@needs_corpus
def test_exiting_while_daemon_threads_read_pdfs_does_not_crash(tmp_path):
    # A web server's worker threads may be inside PDFium when the process exits; pypdfium2's
    # exit hooks then closed their documents under them (a segfault in 3 to 4 runs of 8
    # before the exit guard, so 8 runs).  The guard makes teardown wait for the PDF work.
    import subprocess
    import sys

    script = tmp_path / "exit_while_reading.py"
    script.write_text(_EXIT_WHILE_READING, encoding="utf-8")
    for _ in range(8):
        done = subprocess.run([sys.executable, "-X", "faulthandler", str(script), str(HONGZE_PDF)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "still open" not in done.stderr  # nothing closed behind a thread's back


@needs_corpus
def test_metadata_is_decoded(hongze):
    assert hongze.meta["title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert hongze.meta["creation_date"].startswith("D:20240226")
    assert hongze.machine_readable and hongze.warnings == []


# --- Generated fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def split():
    return read((FIXTURES / "split_table.pdf").read_bytes())


def test_split_table_is_joined_with_rows_in_order(split):
    tables = _tables(split)
    assert len(tables) == 1
    table = tables[0]
    labels = [row[0].text for row in table.rows[1:]]
    assert labels == [f"{i}.第{i}类申请事项" for i in range(1, 25)]
    assert [row[0].row for row in table.rows] == list(range(25))
    assert {row[0].page for row in table.rows} == {1, 2}
    assert all(len(row) == 8 for row in table.rows)
    _check_grid(table)


def test_stacked_and_letter_spaced_headers_are_joined(split):
    header = [c.text for c in _tables(split)[0].rows[0]]
    assert header == ["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def test_blank_cells_stay_blank_and_slashes_stay_slashes(split):
    for row in _tables(split)[0].rows[1:]:
        assert row[3].text == "" and row[3].col == 3
        assert row[4].text == "/"


def test_fixture_footers_are_removed(split):
    texts = [p.text for p in _paragraphs(split)]
    assert not any("页" in t and re.search(r"第\s*\d+\s*页", t) for t in texts)
    assert not any(re.search(r"—\s*\d+\s*—", t) for t in texts)
    assert texts[-1] == "四、政府信息公开行政复议、行政诉讼情况"


def test_image_only_pdf_is_not_machine_readable():
    doc = read((FIXTURES / "scanned.pdf").read_bytes())
    assert doc.machine_readable is False
    assert doc.blocks == []
    assert any("扫描" in w and "no text layer" in w for w in doc.warnings)


def test_scanned_page_in_a_text_pdf_is_reported():
    doc = read((FIXTURES / "mixed_scan.pdf").read_bytes())
    assert doc.machine_readable is True
    assert any("第 2 页" in w and "page 2" in w for w in doc.warnings)
    assert "45件" in _paragraphs(doc)[0].text


def test_password_protected_pdf_raises_a_clear_error():
    with pytest.raises(UnreadableInput) as caught:
        read((FIXTURES / "encrypted.pdf").read_bytes(), source="encrypted.pdf")
    assert "加密" in caught.value.message and "password" in caught.value.message
    assert "encrypted.pdf" in caught.value.message


def test_owner_password_only_pdf_is_read():
    doc = read((FIXTURES / "owner_only.pdf").read_bytes())
    assert "本报告根据" in _paragraphs(doc)[0].text


@pytest.mark.parametrize("name", ["truncated.pdf", "not_a_pdf.pdf"])
def test_damaged_input_raises_unreadable(name):
    with pytest.raises(UnreadableInput) as caught:
        read((FIXTURES / name).read_bytes())
    assert caught.value.message_zh and caught.value.message_en


def test_empty_and_garbage_bytes_raise_unreadable():
    for data in (b"", b"%PDF-1.7\n" + b"\x00garbage" * 50):
        with pytest.raises(UnreadableInput):
            read(data)


@needs_corpus
def test_table_cells_carry_their_box_on_the_page():
    """Every table cell of a text PDF knows its rectangle on its page (points from the top-left),
    and the page's text inside that rectangle is the number read from the cell."""
    import pypdfium2

    from nianbao.parser import parse_bytes

    data = HONGZE_PDF.read_bytes()
    report = parse_bytes(data, "hongze-2023.pdf")
    pdf = pypdfium2.PdfDocument(data)
    try:
        sizes = [pdf.get_page_size(i) for i in range(len(pdf))]
        boxed = [(path, cell) for path, cell in report.cells()
                 if path.startswith("t3.") and cell.location and "box" in cell.location]
        assert len(boxed) > 100  # table 三 of 2019-style editions has well over a hundred cells
        for path, cell in boxed:
            x0, top, x1, bottom = cell.location["box"]
            width, height = sizes[cell.location["page"] - 1]
            assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height, path
        path, cell = next((p, c) for p, c in boxed if c.value == 21)
        x0, top, x1, bottom = cell.location["box"]
        height = sizes[cell.location["page"] - 1][1]
        page = pdf[cell.location["page"] - 1]
        textpage = page.get_textpage()
        try:  # PDFium counts y up from the bottom of the page
            inside = textpage.get_text_bounded(x0, height - bottom, x1, height - top)
        finally:
            textpage.close()
            page.close()
        assert inside.strip() == "21", path
    finally:
        pdf.close()
