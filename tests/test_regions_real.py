"""Region resolution on real agency names (benchmarks/regions_real.py): 204 bodies that published an
annual report on the web, placed by hand from their pages.  The figures of docs/regions.md are held
here, and the cheap fixes the measurement led to: an ethnic township written without its peoples, a
prefecture department's branch named by its county's short name."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from nianbao.regions import resolve

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import regions_bulk as bulk  # noqa: E402
import regions_real as real  # noqa: E402


@pytest.fixture(scope="module")
def cases():
    return real.cases()


def test_every_name_has_its_source_and_a_place_in_the_division_list(cases):
    rows = real.rows()
    assert len(rows) == len(cases) >= 160
    assert all(row["source"].startswith("http") for row in rows)
    assert len({row["name"] for row in rows}) == len(rows)
    assert all(case.expected["code"] and len(case.expected["code"]) == 6 for case in cases)


def test_real_names_are_placed_and_almost_never_wrongly(cases):
    outcomes = Counter(bulk.score(case)[0] for case in cases if not case.ambiguous)
    assert outcomes["wrong"] <= 1  # 广东从化经济开发区: a zone named by its county's short name
    assert outcomes["right"] >= 198


def test_a_name_that_fits_several_divisions_stays_undecided(cases):
    ambiguous = [case for case in cases if case.ambiguous]
    assert ambiguous and all(bulk.score(case)[0] == "undecided" for case in ambiguous)
    assert resolve("北京街道办事处").province is None  # 越秀区 or 西岗区, not 北京市


def test_an_ethnic_township_written_without_its_peoples():
    region = resolve("隆阳区杨柳乡人民政府")  # the list: 杨柳白族彝族乡
    assert (region.county, region.township, region.code) == ("隆阳区", "杨柳白族彝族乡", "530502")
    assert resolve("隆阳区水寨乡人民政府").township == "水寨乡"  # a township naming no people is unchanged


def test_a_branch_named_by_its_county_short_name():
    region = resolve("十堰市生态环境局郧阳分局")
    assert (region.city, region.county, region.code, region.level) == ("十堰市", "郧阳区", "420304", "部门")
    assert resolve("荆州市公安局").county is None  # 公安县 is in 荆州市, but no 分局 names it here
    assert resolve("十堰市生态环境局经济开发区分局").county is None  # no county of that name
    assert resolve("杭州市公安局滨江区分局").county == "滨江区"  # the county's full name
