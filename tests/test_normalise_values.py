from __future__ import annotations

import pytest

from nianbao.normalise import normalise_text
from nianbao.values import is_value_text, parse_value


def test_pinyin_after_characters_is_removed_and_traditional_converted():
    assert normalise_text("主動(dòng)公開(kāi)政府信息", traditional=True) == "主动公开政府信息"


def test_plain_parentheses_are_kept():
    assert normalise_text("采购总金额（元）") == "采购总金额(元)"


def test_full_width_digits_and_spaces():
    assert normalise_text("１２３\u3000４") == "123 4"


@pytest.mark.parametrize("text,value,unit", [
    ("12", 12, None), ("无", 0, None), ("", None, None), ("/", None, None), ("—", None, None),
    ("不适用", None, None), ("-185", -185, None), ("+12", 12, None), ("22(其中修订16件)", 22, None),
    ("251000元", 251000, "元"), ("9116.36", 9116.36, None), ("1,234", 1234, None),
    ("909.76万\n元", 909.76, "万元"),  # 万元 broken over two lines of a narrow cell
])
def test_parse_value(text, value, unit):
    parsed = parse_value(text)
    assert parsed.value == value and parsed.unit == unit


@pytest.mark.parametrize("text", ["2.", "04.", "13、", " 7 . "])
def test_digits_ending_in_a_row_number_mark_are_no_value(text):
    # A row's number, or a value glued to the next row's number ("0" and "4." as "04."): read as
    # 4 or 13 it would be a wrong value without a flag.
    assert parse_value(text).ok is False


def test_blank_is_not_zero():
    assert parse_value(" ").value is None
    assert parse_value("0").value == 0


@pytest.mark.parametrize("text,expected", [
    ("0", True), ("2.其他法律行政法规禁止公开", False), ("0 0 0", True), ("规章", False),
    ("22(其中修订16件)", True),
    # a value and the next row's label, glued on a page flattened onto one line
    ("0 (二)部分公开(区分处理的,只计这一情形,不计其他情形)", False),
])
def test_value_or_label(text, expected):
    assert is_value_text(text) is expected
