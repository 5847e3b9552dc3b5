"""Two rows' labels printed in one cell, with their two rows of values below each other (a
scan whose ruling between the two label cells was lost, a merged cell in an editor): the
first label takes the cell's row of values and the next label the unlabelled row below, by
printed order.  The arithmetic cannot tell 一 from 二 (both only add up to the same column
totals), so the two rows are flagged for a person to check, never silently swapped."""

from __future__ import annotations

import json

from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read
from nianbao.render import render

from .conftest import CORPUS

NEW = "一、本年新收政府信息公开申请数量"
CARRIED = "二、上年结转政府信息公开申请数量"


def _gold() -> dict:
    return json.loads((CORPUS / "gold" / "sanming-2023.json").read_text(encoding="utf-8"))


def _markdown(gold: dict) -> str:
    text = render(gold, "md")
    return text.decode("utf-8") if isinstance(text, bytes) else text


def _parse(text: str) -> tuple[dict, set[str]]:
    """The canonical report and the codes of its warnings."""
    report = parse_document(build_document(read(text.encode("utf-8"), "report.md")))
    return report.canonical(), {warning.code for warning in report.warnings}


def test_stacked_labels_keep_their_rows_in_printed_order_and_are_flagged():
    gold = _gold()
    text = _markdown(gold)
    assert f"| {NEW} |" in text and f"| {CARRIED} |" in text
    stacked = text.replace(f"| {NEW} |", f"| {NEW}{CARRIED} |").replace(f"| {CARRIED} |", "|  |")
    report, codes = _parse(stacked)
    for row in ("new_received", "carried_over"):
        assert report["t3"][row] == gold["t3"][row]
        assert {f"t3.{row}.{column}" for column in gold["t3"][row]} <= set(report["uncertain"])
    assert "PARSE.LABELS_STACKED" in codes
    # Nothing else in the table is in doubt or changed.
    assert report["t3"] == gold["t3"]
    assert not [p for p in report["uncertain"] if p.startswith("t3.") and ".new_received." not in p
                and ".carried_over." not in p]


def test_a_group_name_before_its_sub_row_in_one_cell_is_no_stack():
    """（六）其他处理 (a row of the 2019 edition, the group of three rows in 2021) in the cell of
    its first sub-row's label gives way to it, as before: no doubt, every value in its row."""
    gold = _gold()
    group, first = "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    text = _markdown(gold)
    assert f"| {group} | {first} |" in text
    report, codes = _parse(text.replace(f"| {group} | {first} |", f"| {group}{first} |"))
    assert "PARSE.LABELS_STACKED" not in codes
    assert report["t3"] == gold["t3"]
    assert not [p for p in report["uncertain"] if p.startswith("t3.")]
