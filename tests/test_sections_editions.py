"""Section headings in their printed variants, and edition detection from the tables."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.locate import find_headings
from nianbao.normalise import normalise_text

from .conftest import corpus_file


def _keys(text: str) -> list[str]:
    return [h.section.key for h in find_headings(normalise_text(text))]


@pytest.mark.parametrize("heading", [
    "四、政府信息公开行政复议、行政诉讼情况",
    "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
    "四、政府信息公开行政复议和行政诉讼情况",
    "四、政府信息公开行政法复议、行政诉讼情况",
    "4、政府信息公开行政复议及行政诉讼情况",
])
def test_section_four_variants(heading):
    text = f"一、总体情况\n正文。\n{heading}\n正文。\n五、存在的主要问题及改进情况\n"
    assert _keys(text) == ["overview", "review_litigation", "problems"]


@pytest.mark.parametrize("heading", ["五、政府信息公开工作存在的主要问题及改进情况", "五、存在的主要问题及改进措施", "五、存在的主要问题及整改措施", "存在的主要问题及改进情况"])
def test_section_five_variants(heading):
    assert "problems" in _keys(f"一、总体情况\n文字。\n{heading}\n文字。")


def test_titles_quoted_in_a_sentence_are_not_headings():
    text = "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等部分组成。"
    assert _keys(text) == []


def test_sub_headings_of_section_one_do_not_steal_section_two():
    text = "一、总体情况\n（二）主动公开政府信息情况\n本年公开81条。\n二、主动公开政府信息情况\n表格\n"
    headings = find_headings(normalise_text(text))
    assert headings[1].printed.startswith("二、")


def test_parenthesised_numbering_when_it_is_all_there_is():
    text = "（一）总体情况\n文字\n（二）主动公开政府信息情况\n文字\n"
    assert _keys(text) == ["overview", "proactive"]


PRE_2019 = """某县人民政府2017年政府信息公开工作年度报告
一、概述
二、主动公开政府信息情况
（一）主动公开政府信息数 | 1234 | 条
其中：主动公开规范性文件数 | 12 | 条
三、依申请公开政府信息情况
（一）收到申请数 | 15 | 件
1.当面申请数 | 3 | 件
2.传真申请数 | 0 | 件
（二）申请办结数 | 15 | 件
1.按时办结数 | 15 | 件
四、政府信息公开的收费及减免情况
五、因政府信息公开申请行政复议、提起行政诉讼的情况
（一）维持具体行政行为数 | 0 | 件
六、存在的主要问题及改进情况
"""


def test_pre_2019_report_has_no_edition_and_says_why():
    report = nianbao.parse_bytes(PRE_2019.encode("utf-8"), "old.txt")
    assert report.edition is None
    assert "旧格式" in report.edition_reason
    assert report.tables == {}
    assert not report.complete


def test_edition_from_tables_not_year():
    """平潭海坛 2021: a 2021 report on the 2019 tables is edition 2019."""
    report = nianbao.parse(corpus_file("dev/pingtan-haitan-2021.txt"))
    assert report.year == 2021 and report.edition == "2019"
    assert "本年新制作数量" in report.edition_reason


def test_hybrid_2021_with_one_other_handling_row():
    report = nianbao.parse(corpus_file("dev/hongze-2023.pdf"))
    assert report.edition == "2021" and report.single_other_handling
    t3 = report.canonical()["t3"]
    assert t3["other_handling"]["total"] == 0 and t3["other_other"]["total"] is None
