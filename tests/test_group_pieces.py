"""A group label set a few characters a line in a narrow merged cell ((六)其他处理 beside its three
sub-rows), in the text of a converter that reads a PDF a line at a time (pdfplumber's
`extract_text`): each piece of the group label opens a line, between the lines of the wrapped
labels beside it, and sometimes before a row's values (`处 0 0 0 0 0 0 0`).  The pieces are looked
past when, in order, they make the group label whole; the labels then read across their lines.
A group label printed whole on lines of its own is left as it is (in the 2019 format （六）其他处理
is a row).  The generated layouts are in `metamorphic.pdfplumber_plain_text`."""

from __future__ import annotations

import json

import pytest

from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read

from . import metamorphic
from .conftest import CORPUS

# 三明's （六） rows as pdfplumber gives them from a PDF whose group cell is one character wide.
_OTHER_HANDLING_IN_PIECES = """1.申请人无正当
理由逾期不补正
、行政机关不再 2 0 0 0 0 0 2
（
处理其政府信息
六
公开申请
）
2.申请人逾期未
其
按收费通知要求
他
缴纳费用、行政
处 0 0 0 0 0 0 0
机关不再处理其
理
政府信息公开申
请
3.其他 2 0 0 0 0 0 2"""
_OTHER_HANDLING = ("other_overdue_correction", "other_unpaid_fee", "other_other")


def _parse(text: str):
    return parse_document(build_document(read(text.encode("utf-8"), "report.txt")))


def _gold(stem: str) -> dict:
    return json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))


def test_pieces_between_a_wrapped_labels_lines_are_looked_past():
    lines = (CORPUS / "dev" / "sanming-2023.txt").read_text(encoding="utf-8").split("\n")
    start, end = lines.index("（六）其他处理"), lines.index("（七）总计")
    report = _parse("\n".join([*lines[:start], _OTHER_HANDLING_IN_PIECES, *lines[end:]]))
    canonical, gold = report.canonical(), _gold("sanming-2023")
    assert {key: canonical["t3"][key] for key in _OTHER_HANDLING} == {key: gold["t3"][key] for key in _OTHER_HANDLING}
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]
    # Each label was found across its lines, not its values placed as a row without a label.
    assert not [w for w in report.warnings if w.code == "PARSE.ORPHANS_PLACED"]


@pytest.mark.parametrize("stem", ["sanming-2023", "putian-statistics-2022-crawl"])
def test_pdfplumber_text_of_narrow_group_cells_reads_without_doubt(stem, tmp_path):
    """Both group labels of table 三 in pieces among the rows (三、本年度办理结果 over (四)无法提供
    over its sub-rows), as pdfplumber extracts a ruled PDF of the report."""
    source = next(s for s, _ in metamorphic.text_pairs(CORPUS) if s.stem == stem)
    gold = _gold(stem)
    text = metamorphic.pdfplumber_plain_text(source.read_text(encoding="utf-8"), gold)
    assert isinstance(text, str)
    canonical = _parse(text).canonical()
    assert canonical["t3"] == gold["t3"]
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]


def test_a_group_label_on_lines_of_its_own_is_still_read():
    """A 2019 report crawled one cell a line, （六）其他处理 (a row there) broken over two lines:
    its pieces follow each other with no sub-row between, so they stay its label."""
    source = next(s for s, _ in metamorphic.text_pairs(CORPUS) if s.stem == "pingtan-2019")
    gold = _gold("pingtan-2019")
    text = metamorphic.crawled_cells(source.read_text(encoding="utf-8"), gold)
    assert text is not None and "\n（六）其他处理\n" in text
    report = _parse(text.replace("\n（六）其他处理\n", "\n（六）\n其他处理\n", 1))
    canonical = report.canonical()
    assert canonical["t3"] == gold["t3"]
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.other")]
