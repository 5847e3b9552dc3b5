"""Table 四 as agencies retype it: one row per group (行政复议 / 未经复议直接起诉 / 复议后起诉)
with five values each, instead of the official single row of fifteen."""

from __future__ import annotations

import pytest

from nianbao.parser import parse_bytes

from .conftest import ROOT

EXAMPLE = (ROOT / "examples" / "2020-transport-bureau-2019-edition.txt").read_text(encoding="utf-8")
EXPECTED = {
    "review": {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2},
    "litigation_direct": {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1},
    "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
}
HEADING = "四、政府信息公开行政复议、行政诉讼情况\n"
LAYOUTS = {
    "pipes": (
        "| 类别 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
        "| 行政复议 | 1 | 0 | 1 | 0 | 2 |\n"
        "| 行政诉讼（未经复议直接起诉） | 0 | 1 | 0 | 0 | 1 |\n"
        "| 行政诉讼（复议后起诉） | 0 | 0 | 0 | 1 | 1 |\n"
    ),
    "flowing": (
        "类别 结果维持 结果纠正 其他结果 尚未审结 总计 行政复议 1 0 1 0 2 "
        "未经复议直接起诉 0 1 0 0 1 复议后起诉 0 0 0 1 1\n"
    ),
    "fused": "行政复议10102未经复议直接起诉01001复议后起诉00011\n",
}


def _with_t4(body: str) -> str:
    start, end = EXAMPLE.index("四、政府信息公开行政复议"), EXAMPLE.index("五、存在的主要问题")
    return EXAMPLE[:start] + HEADING + body + EXAMPLE[end:]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_one_row_per_group(layout):
    report = parse_bytes(_with_t4(LAYOUTS[layout]).encode("utf-8"), "report.txt")
    canonical = report.canonical()
    assert report.table_status["t4"] == "ok"
    for group, values in EXPECTED.items():
        for column, value in values.items():
            path = f"t4.{group}.{column}"
            assert canonical["t4"][group][column] == value or path in canonical["uncertain"], path


def test_the_official_single_row_still_reads():
    report = parse_bytes(EXAMPLE.encode("utf-8"), "report.txt")
    assert report.table_status["t4"] == "ok" and report.canonical()["t4"]["review"]["total"] == 0
