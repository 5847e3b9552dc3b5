"""Table 二 has no arithmetic: a fused row with several splits keeps the most plausible one, every
cell that differs between splits flagged.  For 政府集中采购 a split whose amount a project lies far
outside what procurement projects cost is less plausible."""

from __future__ import annotations

import nianbao

from .conftest import corpus_file

CRAWL = corpus_file("dev/pingtan-2019.txt")  # …采购项目数量采购总金额政府集中采购13575394432.52元三、…
PRINTED = "采购项目数量采购总金额政府集中采购13575394432.52元"


def _procurement(row: str) -> dict[str, tuple[object, bool, object]]:
    text = CRAWL.read_text(encoding="utf-8")
    assert PRINTED in text
    report = nianbao.parse_bytes(text.replace(PRINTED, row).encode("utf-8"), "variant.txt")
    return {path.split(".")[-1]: (cell.value, cell.uncertain, cell.unit)
            for path, cell in report.cells() if path.startswith("t2.centralized_procurement.")}


def test_one_project_of_billions_is_less_plausible_than_135_of_half_a_million():
    cells = _procurement(PRINTED)
    assert cells["projects"][:2] == (135, True)
    assert cells["amount"][:2] == (75394432.52, True)


def test_within_the_usual_range_no_split_is_preferred_for_its_size():
    # 3 projects of 9.4 million yuan or 32 of 260,000: both usual, the first split is kept, in doubt.
    cells = _procurement("采购项目数量采购总金额政府集中采购328291965元")
    assert cells["projects"][:2] == (3, True) and cells["amount"][:2] == (28291965, True)


def test_the_amount_is_weighed_in_the_unit_its_header_names():
    # 15909.76 under a 万元 header: 15 projects of 606,000 yuan, not 1 of 59 million (nor, were
    # the amount taken as yuan, 1 project of 5,909.76).
    cells = _procurement("采购项目数量采购总金额（万元）政府集中采购15909.76")
    assert cells["projects"][:2] == (15, True)
    assert cells["amount"] == (909.76, True, "万元")
