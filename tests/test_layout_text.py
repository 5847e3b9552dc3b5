"""A PDF converted to text with its layout kept (`pdftotext -layout`, pdfplumber's
`extract_text(layout=True)`): each row a line, but a row's values may land a line above or
below its label when the label's cell is taller than one line.  A label alone between two
unlabelled value rows could take either: which is a guess, flagged, never passed off as read."""

from __future__ import annotations

import json

import pdfplumber

from nianbao import editions
from nianbao.evaluate import score
from nianbao.extract import read_rows
from nianbao.normalise import build_document
from nianbao.readers import read

from .conftest import CORPUS

T3 = editions.get("2021").table("t3")


def _readings(text: str):
    document = build_document(read(text.encode("utf-8"), "table.txt"))
    widths = {row.key: len(T3.columns) for row in T3.rows}
    return {r.row: r for r in read_rows(document, (0, len(document.text)), T3.rows, widths) if r.row}


def test_a_label_between_two_unlabelled_value_rows_is_marked():
    text = "\n".join([
        "      8.属于行政查询事项          0    0   0  0   0   0   0",
        "                              10    0   0  0   0   0   10",
        "      1.本机关不掌握相关政府信息",
        "   （四）无法提供",
        "                              3    0   0  0   0   0   3",
        "      2.没有现成信息需要另行制作",
    ])
    readings = _readings(text)
    taken = readings["unavailable_not_held"]
    assert [t.text for t in taken.tokens] == ["3", "0", "0", "0", "0", "0", "3"] and taken.either_side
    assert not readings["withheld_administrative_query"].either_side


def test_a_page_number_before_a_label_is_no_rival_row():
    text = "\n".join([
        "      8.属于行政查询事项          0    0   0  0   0   0   0",
        "                        — 1 —",
        "      1.本机关不掌握相关政府信息",
        "                              3    0   0  0   0   0   3",
    ])
    assert not _readings(text)["unavailable_not_held"].either_side


def test_the_corpus_pdf_as_layout_text_has_no_silent_wrong_value(tmp_path):
    source = CORPUS / "seeds" / "hongze-2023.pdf"
    if not source.exists():
        source = CORPUS / "dev" / "hongze-2023.pdf"
    gold = json.loads((CORPUS / "gold" / "hongze-2023.json").read_text(encoding="utf-8"))
    with pdfplumber.open(source) as pdf:
        text = "\n".join(page.extract_text(layout=True) or "" for page in pdf.pages)
    path = tmp_path / "hongze-2023.txt"
    path.write_text(text, encoding="utf-8")
    result = score(path, gold)
    assert result.wrong == []
    assert result.right >= 191  # what it reads today; raise it as the reading improves
