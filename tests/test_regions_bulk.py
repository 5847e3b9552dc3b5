"""Region resolution on hundreds of names (benchmarks/regions_bulk.py, fixed seed), and the cheap
fixes that measurement led to: Taiwan/Hong Kong/Macao districts no longer leave a mainland name
undecided, and the list's "no county" entry (市直辖行政区划) is never given as a county."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from nianbao.regions import resolve

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import regions_bulk as bulk  # noqa: E402


def _outcomes(cases) -> Counter:
    return Counter(bulk.score(case)[0] for case in cases)


def test_corpus_names_are_never_placed_wrongly():
    outcomes = _outcomes(bulk.corpus_cases())
    assert outcomes["wrong"] == 0 and outcomes["right"] >= 31


def test_generated_names_from_the_division_list():
    cases = [c for c in bulk.generated_cases(150, 50, 2026) if not c.ambiguous]
    outcomes = _outcomes(cases)
    assert len(cases) > 800 and outcomes["wrong"] == 0
    assert outcomes["right"] / len(cases) >= 0.99


def test_a_mainland_county_sharing_its_name_with_a_taiwan_one():
    region = resolve("连江县人民政府")  # also 连江县 (马祖) in the list's 台湾省
    assert (region.province, region.city, region.county, region.code) == ("福建省", "福州市", "连江县", "350122")


def test_towns_of_a_prefecture_without_counties():
    region = resolve("东莞市石龙镇人民政府")
    assert (region.city, region.county, region.township, region.code) == ("东莞市", None, "石龙镇", "441900")
