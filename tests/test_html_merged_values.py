"""Value cells merged across two rows of a web page's table (<td rowspan="2">0</td>): the lower
row prints its label and only its other cells.  A merged 0 is 0 in both rows; a merged non-zero
value may count for either row or for both, so the lower row is in doubt, never blank."""

from __future__ import annotations

import json
import re

from nianbao.evaluate import default_corpus, gold_cells
from nianbao.parser import parse_bytes
from tests import metamorphic

CORPUS = default_corpus()
SEED = "000_05b7538ffe1c510c"


def _page_and_gold() -> tuple[bytes, dict]:
    source = CORPUS / "seeds" / f"{SEED}.txt"
    gold = json.loads((CORPUS / "gold" / f"{SEED}.json").read_text(encoding="utf-8"))
    page = metamorphic.html_merged_values(source.read_text(encoding="utf-8"), gold)
    assert page is not None and b'rowspan="2">0<' in page
    return page, gold


def test_a_merged_nought_is_nought_in_both_rows():
    page, gold = _page_and_gold()
    report = parse_bytes(page, "merged.html")
    expected = gold_cells(gold)
    assert not report.uncertain
    for path, value in expected.items():
        if path.startswith("t3."):
            assert report.value(path) == value, path


def test_a_merged_value_other_than_nought_leaves_the_lower_row_in_doubt():
    page, _ = _page_and_gold()
    # The first merged cell holds 7 instead of 0: the row above prints 7 there; the row below has
    # no cell of its own in that column, and 7 may be its count too, or the two rows' together.
    page = re.sub(rb'rowspan="2">0<', b'rowspan="2">7<', page, count=1)
    report = parse_bytes(page, "merged.html")
    merged = [w for w in report.warnings if w.code == "PARSE.MERGED_VALUES"]
    assert len(merged) == 1 and merged[0].cells
    assert all(path in report.uncertain for path in merged[0].cells)
    assert "请核对原文" in merged[0].message
