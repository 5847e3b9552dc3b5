"""Labels listed apart from their numbers, one value a line (a PDF converted to text box by box:
`行政处罚 / 行政强制 / 4119 / 195`).  The value lines after the second label must not be joined
into one value broken over lines without a flag: they may be the two rows' values.  And a
table not found leaves every cell of it unknown in the scoring, those of rows the report could
not know it prints too."""

from __future__ import annotations

import json

from nianbao import editions
from nianbao.evaluate import score
from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read

from .conftest import CORPUS

OPENING = ["某某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容",
           "本年制发件数", "本年废止件数", "现行有效件数", "规章", "0", "0", "0", "行政规范性文件", "1", "0", "5",
           "第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "550", "第二十条第（六）项", "信息内容",
           "本年处理决定数量"]
CLOSING = ["第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费", "7730.28",
           "三、收到和处理政府信息公开申请情况", "无。"]


def _t2(lines: list[str]) -> tuple[dict, set[str]]:
    text = "\n".join(OPENING + lines + CLOSING) + "\n"
    canonical = parse_document(build_document(read(text.encode("utf-8"), "report.txt"))).canonical()
    return canonical["t2"], {path for path in canonical["uncertain"] if path.startswith("t2.")}


def test_value_lines_after_two_bare_labels_are_not_joined_silently():
    t2, uncertain = _t2(["行政处罚", "行政强制", "4119", "195"])
    coercion = t2["administrative_coercion"]["decisions"]
    assert coercion == 195 or "t2.administrative_coercion.decisions" in uncertain, (coercion, uncertain)


def test_the_corpus_pdf_as_text_tools_print_it_leaves_no_wrong_value_unflagged(tmp_path):
    """The corpus's real PDF through the PDF-to-text tools the test environment has (pdfminer's
    text boxes read 行政强制's 4119 and 195 as one value 4119195, unflagged, before)."""
    import pdfplumber
    import pypdfium2
    from pdfminer.high_level import extract_text

    pdf = next(CORPUS.glob("*/hongze-2023.pdf"))
    gold = json.loads((CORPUS / "gold" / "hongze-2023.json").read_text(encoding="utf-8"))
    with pdfplumber.open(pdf) as document:
        plumbed = "\n".join(page.extract_text() or "" for page in document.pages)
    pdfium = pypdfium2.PdfDocument(str(pdf))
    try:
        lines = "\n".join(pdfium[n].get_textpage().get_text_range() for n in range(len(pdfium)))
    finally:
        pdfium.close()
    for tool, text in (("pdfminer", extract_text(str(pdf))), ("pdfplumber", plumbed), ("pypdfium2", lines)):
        path = tmp_path / f"hongze-2023.{tool}.txt"
        path.write_text(text, encoding="utf-8")
        result = score(path, gold)
        assert result.wrong == [], f"{tool}: " + "; ".join(result.wrong[:5])


def test_cells_of_a_table_not_found_are_unknown_not_wrong(tmp_path):
    # A 2021 report whose table 三 prints the single （六）其他处理 row: with the table not found,
    # the report cannot know it, and the row's cells are absent, with the table marked missing.
    path = tmp_path / "report.txt"
    path.write_text("\n".join(OPENING + ["行政处罚", "3", "行政强制", "0"] + CLOSING) + "\n", encoding="utf-8")
    t3 = editions.get("2021").table("t3")
    gold = {"t3": {"other_handling": {column.key: 0 for column in t3.columns}}}
    result = score(path, json.loads(json.dumps(gold)))
    assert result.cells == len(t3.columns)
    assert result.wrong == []
    assert result.flagged == len(t3.columns)
