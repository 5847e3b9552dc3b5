"""Region resolution measured on hundreds of agency names (nianbao.regions), by name alone.

Two lists:
- **Corpus**: the bodies the corpus reports name in their text (offices, departments, governments,
  streets), cleaned of the words around them and placed by hand (where each is, known from the
  report it comes from); national bodies must stay unplaced.
- **Generated** from the division list itself, with a fixed seed: for random counties, their
  government (with and without the prefecture in front), a common department (full name or the
  usual abbreviation) and one of their townships; for random prefectures, their government and a
  department; every province's 办公厅.  Where the list holds a county name more than once
  (four 鼓楼区), the name alone cannot decide: the right outcome is *undecided*, never a guess.

Each name is scored on province, city, county and code (and level): right, undecided (nothing
given where a value is expected) or wrong (a value that is not the expected one).

    python benchmarks/regions_bulk.py            # summary and every wrong placement
    python benchmarks/regions_bulk.py --counties 400 --seed 7
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from dataclasses import dataclass

from nianbao import regions

FIELDS = ("province", "city", "county", "code")


@dataclass(frozen=True)
class Case:
    name: str
    expected: dict[str, str | None]  # FIELDS (+ township, level where known)
    origin: str  # corpus / county / prefecture / province / township
    ambiguous: bool = False  # the name alone fits several divisions: undecided is right


def _where(province, city, county, code, township=None, level=None) -> dict[str, str | None]:
    return {"province": province, "city": city, "county": county, "code": code, "township": township, "level": level}


PINGTAN = ("福建省", "福州市", "平潭县", "350128")
HONGZE = ("江苏省", "淮安市", "洪泽区", "320813")
ZHANGDIAN = ("山东省", "淄博市", "张店区", "370303")
YINZHOU = ("浙江省", "宁波市", "鄞州区", "330212")
SHANGHAI = ("上海市", "上海市", None, "310000")
FUJIAN = ("福建省", None, None, "350000")
PUTIAN = ("福建省", "莆田市", None, "350300")
SANMING = ("福建省", "三明市", None, "350400")
NATIONAL = (None, None, None, None)

# Bodies named in the corpus reports' text, placed by hand from the report they appear in.
CORPUS: list[tuple[str, tuple, str | None, str | None]] = [
    ("莆田市统计局", PUTIAN, None, "部门"),
    ("莆田市人民政府", PUTIAN, None, "市"),
    ("三明市人民政府", SANMING, None, "市"),
    ("三明市人民政府办公室", SANMING, None, "部门"),
    ("福建省人民政府办公厅", FUJIAN, None, "部门"),
    ("福建省农业农村厅", FUJIAN, None, "部门"),
    ("上海市人民政府", SHANGHAI, None, "省"),
    ("上海市人民政府办公厅", SHANGHAI, None, "部门"),
    ("上海市科委", SHANGHAI, None, "部门"),
    ("上海市科学技术委员会", SHANGHAI, None, "部门"),
    ("平潭综合实验区管委会", PINGTAN, None, "市"),
    ("平潭综合实验区管理委员会", PINGTAN, None, "市"),
    ("平潭综合实验区交通与建设局", PINGTAN, None, "部门"),
    ("平潭综合实验区教育局", PINGTAN, None, "部门"),
    ("平潭综合实验区农业农村局", PINGTAN, None, "部门"),
    ("平潭综合实验区海坛片区管理局", PINGTAN, None, None),
    ("平潭综合实验区北厝金井湾片区管委会", PINGTAN, None, None),
    ("平潭综合实验区金井湾商务营运中心", PINGTAN, None, "部门"),
    ("平潭综合实验区政府信息公开工作领导小组办公室", PINGTAN, None, "部门"),
    ("海坛片区管理局", PINGTAN, None, None),
    ("平潭城乡交建中心", PINGTAN, None, "部门"),
    ("洪泽区人民政府", HONGZE, None, "县"),
    ("淮安市洪泽区人民政府办公室", HONGZE, None, "部门"),
    ("张店区人民政府", ZHANGDIAN, None, "县"),
    ("淄博市张店区人民政府", ZHANGDIAN, None, "县"),
    ("张店区机关事务服务中心", ZHANGDIAN, None, "部门"),
    ("淄博市张店区机关事务服务中心", ZHANGDIAN, None, "部门"),
    ("张店区科苑街道办事处", ZHANGDIAN, "科苑街道", "乡镇街道"),
    ("科苑街道办事处", ZHANGDIAN, "科苑街道", "乡镇街道"),
    ("宁波市鄞州区人民政府办公室", YINZHOU, None, "部门"),
    ("鄞州区东柳街道办事处", YINZHOU, "东柳街道", "乡镇街道"),
    ("东柳街道办事处", YINZHOU, "东柳街道", "乡镇街道"),
    ("国务院", NATIONAL, None, None),
    ("国务院办公厅", NATIONAL, None, None),
]

# Departments of a county or prefecture government, as printed (full names and the usual short forms).
DEPARTMENTS = (
    "发展和改革局", "发改局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "人社局", "自然资源局", "生态环境局", "住房和城乡建设局", "住建局", "交通运输局",
    "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局",
    "市场监督管理局", "市场监管局", "统计局", "医疗保障局", "人民政府办公室", "政府办", "信访局", "林业局",
)


def corpus_cases() -> list[Case]:
    return [Case(name, _where(*where, township=township, level=level), "corpus") for name, where, township, level in CORPUS]


# Not sampled: Taiwan, Hong Kong and Macao (no annual reports under the 条例; the list's codes
# there are not unique) and the list's "no county" entries (市直辖行政区划).
_SKIPPED_CODES = ("71", "81", "82")
_SKIPPED_NAMES = ("市直辖行政区划",)


def _divisions(depth: int) -> list[regions.Division]:
    g = regions.gazetteer()
    seen: dict[int, regions.Division] = {}
    for d in g.by_id.values():
        if d.depth == depth and d.name and not d.chain()[0].code.startswith(_SKIPPED_CODES) and d.name not in _SKIPPED_NAMES:
            seen.setdefault(id(d), d)
    return sorted(seen.values(), key=lambda d: (d.code, d.name))


def _expected(d: regions.Division, level: str, township: str | None = None) -> dict[str, str | None]:
    r = regions.of_code(d.code) if d.depth < 4 else None
    if d.depth == 4 and d.parent is not None:
        r = regions.of_code(d.parent.code)
    assert r is not None
    return _where(r.province, r.city, r.county, r.code, township=township, level=level)


def _ambiguous(name: str) -> bool:
    return len({id(d) for d in regions.gazetteer().by_name.get(name, []) if d.depth <= 3}) > 1


def generated_cases(counties: int, prefectures: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    towns_of: dict[str, list[regions.Division]] = {}
    for town in _divisions(4):
        if town.parent is not None:
            towns_of.setdefault(town.parent.code, []).append(town)
    for county in rng.sample(_divisions(3), counties):
        parent = county.parent
        above = parent.name if parent is not None and parent.name else (county.chain()[0].name)
        ambiguous = _ambiguous(county.name)
        dept = rng.choice(DEPARTMENTS)
        out += [
            Case(f"{county.name}人民政府", _expected(county, "县"), "county", ambiguous),
            Case(f"{above}{county.name}人民政府", _expected(county, "县"), "county"),
            Case(f"{county.name}{dept}", _expected(county, "部门"), "county", ambiguous),
            Case(f"{above}{county.name}{dept}", _expected(county, "部门"), "county"),
        ]
        towns = towns_of.get(county.code)
        if towns:
            town = rng.choice(towns)
            body = "办事处" if town.name.endswith("街道") else "人民政府"
            out.append(Case(f"{county.name}{town.name}{body}", _expected(town, "乡镇街道", town.name), "township", ambiguous))
    for city in rng.sample([d for d in _divisions(2) if d.name], prefectures):
        dept = rng.choice(DEPARTMENTS)
        out += [Case(f"{city.name}人民政府", _expected(city, "市"), "prefecture"),
                Case(f"{city.name}{dept}", _expected(city, "部门"), "prefecture")]
    for province in _divisions(1):
        out.append(Case(f"{province.name}人民政府办公厅", _expected(province, "部门"), "province"))
    return out


def score(case: Case) -> tuple[str, list[str]]:
    """right / undecided / wrong, and the fields that are wrong."""
    r = regions.resolve(case.name)
    got = {"province": r.province, "city": r.city, "county": r.county, "code": r.code}
    wrong = [f for f in FIELDS if got[f] is not None and got[f] != case.expected[f]]
    if wrong:
        return "wrong", wrong
    if all(got[f] == case.expected[f] for f in FIELDS):
        return "right", []
    return "undecided", [f for f in FIELDS if got[f] != case.expected[f]]


def level_right(case: Case) -> bool | None:
    if case.expected.get("level") is None:
        return None
    return regions.resolve(case.name).level == case.expected["level"]


def report(cases: list[Case]) -> dict[str, Counter]:
    tally: dict[str, Counter] = {}
    for case in cases:
        group = "ambiguous" if case.ambiguous else case.origin
        outcome, fields = score(case)
        t = tally.setdefault(group, Counter())
        t["names"] += 1
        t[outcome] += 1
        for f in FIELDS:
            r = regions.resolve(case.name)
            if getattr(r, f) == case.expected[f]:
                t[f"{f}_right"] += 1
        levelled = level_right(case)
        if levelled is not None:
            t["level_scored"] += 1
            t["level_right"] += levelled
        if outcome == "wrong" or (outcome == "undecided" and not case.ambiguous):
            print(f"{outcome}: ", end="")
            print(f"{case.name} → {fields}: {[getattr(regions.resolve(case.name), f) for f in fields]}"
                  f"（应为 expected {[case.expected[f] for f in fields]}）")
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=150)
    parser.add_argument("--prefectures", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    cases = corpus_cases() + generated_cases(args.counties, args.prefectures, args.seed)
    started = time.perf_counter()
    tally = report(cases)
    elapsed = time.perf_counter() - started
    print(f"{len(cases)} names, {elapsed:.1f} s")
    for group, t in tally.items():
        n = t["names"]
        fields = ", ".join(f"{f} {t[f + '_right'] / n:.1%}" for f in FIELDS)
        level = f", level {t['level_right']}/{t['level_scored']}" if t["level_scored"] else ""
        print(f"{group:10} {n:4}: right {t['right']} ({t['right'] / n:.1%}), undecided {t['undecided']}, "
              f"wrong {t['wrong']} | {fields}{level}")


if __name__ == "__main__":
    main()
