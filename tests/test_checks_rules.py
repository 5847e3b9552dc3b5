"""One triggering and one quiet real (or minimally edited real) report per rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .checks_helpers import SOURCES, codes, gold_report, parsed, parsed_copy
from nianbao.checks import check
from nianbao.checks.agency import level
from nianbao.parser import parse


def _set(path: str, value):
    table, row, column = path.split(".")

    def edit(data):
        data[table][row][column] = value
    return edit


def _fires(code, report, history=()):
    return code in codes(check(report, history))


# ------------------------------------------------------------------ cells
def test_not_integer():
    assert _fires("CELL.NOT_INTEGER", gold_report("pingtan-2022.json", _set("t3.granted.natural_person", 21.5)))
    assert not _fires("CELL.NOT_INTEGER", gold_report("pingtan-2022.json"))


def test_negative_except_signed_columns():
    assert _fires("CELL.NEGATIVE", gold_report("pingtan-2022.json", _set("t4.review.pending", -1)))
    transport = gold_report("pingtan-transport-2020.json")
    assert transport.value("t2.administrative_licensing.change") == -72
    assert not _fires("CELL.NEGATIVE", transport)


def test_blank_cells_counted_and_located():
    finding = next(f for f in check(parsed("002_785ebbaa410aaa3a.txt")) if f.code == "CELL.BLANK")
    assert "“无” 9 格" in finding.message and "表三“（一）予以公开”行 7 格" in finding.message
    assert len(finding.cells) == int(re.search(r"共 (\d+) 个", finding.message).group(1))
    assert not _fires("CELL.BLANK", parsed("000_05b7538ffe1c510c.txt"))


def test_single_row_other_handling_sub_rows_are_not_blanks():
    assert not _fires("CELL.BLANK", gold_report("hongze-2023.json"))


def test_uncertain_is_info():
    finding = next(f for f in check(parsed("pingtan-2019.txt")) if f.code == "CELL.UNCERTAIN")
    assert finding.severity == "info" and "t2.centralized_procurement.amount" in finding.cells
    assert not _fires("CELL.UNCERTAIN", parsed("pingtan-2022.txt"))


# ------------------------------------------------------------------ structure
def test_edition_outdated():
    assert _fires("EDITION.OUTDATED", parsed("pingtan-haitan-2021.txt"))
    assert not _fires("EDITION.OUTDATED", parsed("pingtan-transport-2020.txt"))


def test_edition_unknown():
    assert _fires("EDITION.UNKNOWN", gold_report("pingtan-2022.json", lambda d: d.update(edition=None, t2={}, t3={}, t4={})))
    assert not _fires("EDITION.UNKNOWN", gold_report("pingtan-2022.json"))


def test_table_missing():
    findings = check(gold_report("pingtan-2022.json", lambda d: d.update(t4={})))
    assert [f.message for f in findings if f.code == "TABLE.MISSING"] == ["表四缺失"]
    assert not _fires("TABLE.MISSING", gold_report("pingtan-2022.json"))


def test_table_unreadable_scan():
    scan = parse(Path(__file__).parent / "fixtures" / "pdf" / "scanned.pdf")
    assert codes(check(scan)).count("TABLE.UNREADABLE") == 3
    assert "EDITION.UNKNOWN" not in codes(check(scan))
    assert not _fires("TABLE.UNREADABLE", parsed("hongze-2023.pdf"))


def _seed_000() -> str:
    return next(p for p in SOURCES if p.name.startswith("000_")).read_text(encoding="utf-8")


def _replace_section_five(text: str, body: str | None) -> str:
    start = text.index("五、存在的主要问题及改进情况")
    end = text.index("六、其他需要报告的事项")
    return text[:start] + ("" if body is None else "五、存在的主要问题及改进情况\n" + body + "\n") + text[end:]


def _parse_text(tmp_path, text: str):
    path = tmp_path / "edited.txt"
    path.write_text(text, encoding="utf-8")
    return parse(path)


def test_section_missing(tmp_path):
    assert _fires("SECTION.MISSING", _parse_text(tmp_path, _replace_section_five(_seed_000(), None)))
    assert not _fires("SECTION.MISSING", parsed("000_05b7538ffe1c510c.txt"))


def test_lost_heading_with_problem_content_is_not_missing():
    # 上海市科委 2024: the heading of 五 was lost in conversion, its （一）主要问题 …（二）改进情况 remain.
    report = parsed("shanghai-stcsm-2024.md")
    assert "problems" not in [s.key for s in report.sections]
    assert not _fires("SECTION.MISSING", report)


def test_section_six_missing_is_a_warning():
    finding = next(f for f in check(parsed("004_74ac7cc249356a73.txt")) if f.code == "SECTION.OTHER_MISSING")
    assert finding.severity == "warning"
    assert not _fires("SECTION.OTHER_MISSING", parsed("000_05b7538ffe1c510c.txt"))


def test_problems_section_empty(tmp_path):
    assert _fires("SECTION.PROBLEMS_EMPTY", _parse_text(tmp_path, _replace_section_five(_seed_000(), "无。")))
    assert not _fires("SECTION.PROBLEMS_EMPTY", parsed("000_05b7538ffe1c510c.txt"))


def test_problems_section_boilerplate(tmp_path):
    body = "下一步，我们将继续加强政府信息公开工作，进一步提高公开质量，更好地服务人民群众，推动各项工作再上新台阶。"
    report = _parse_text(tmp_path, _replace_section_five(_seed_000(), body))
    assert _fires("SECTION.PROBLEMS_BOILERPLATE", report)
    assert not _fires("SECTION.PROBLEMS_BOILERPLATE", parsed("000_05b7538ffe1c510c.txt"))


# ------------------------------------------------------------------ across years
def _last_year(data):
    data["year"] -= 1
    data["t3"]["carried_forward"] = dict(data["t3"]["carried_over"])
    docs = data["t2"]["normative_documents"]
    docs["in_force"] = docs["in_force"] - docs["issued"] + docs["repealed"]


def test_carry_over_across_years():
    now = gold_report("pingtan-2022.json")
    consistent = gold_report("pingtan-2022.json", _last_year)
    assert not _fires("CROSS.CARRY_OVER", now, [consistent])

    def broken(data):
        _last_year(data)
        data["t3"]["carried_forward"]["natural_person"] = 3

    finding = next(f for f in check(now, [gold_report("pingtan-2022.json", broken)]) if f.code == "CROSS.CARRY_OVER")
    assert finding.cells == ["t3.carried_over.natural_person"] and (finding.expected, finding.found) == (3, 1)


def test_carry_over_needs_the_same_agency_and_the_previous_year():
    def other_agency(data):
        _last_year(data)
        data["agency"] = "平潭综合实验区农业农村局"
        data["t3"]["carried_forward"]["natural_person"] = 3

    assert not _fires("CROSS.CARRY_OVER", gold_report("pingtan-2022.json"), [gold_report("pingtan-2022.json", other_agency)])


def test_in_force_continuity():
    now = gold_report("pingtan-2022.json")
    assert not _fires("CROSS.IN_FORCE", now, [gold_report("pingtan-2022.json", _last_year)])

    def drifted(data):
        _last_year(data)
        data["t2"]["normative_documents"]["in_force"] = 600

    finding = next(f for f in check(now, [gold_report("pingtan-2022.json", drifted)]) if f.code == "CROSS.IN_FORCE")
    assert (finding.expected, finding.found) == (633, 698) and "t2.normative_documents.in_force" in finding.cells


def _next_year_on_the_2019_form(data):
    data["year"] += 1
    for row in data["t2"].values():
        if "change" in row:
            row["previous_year"] += row["change"]


def test_item_count_continuity_on_the_2019_form():
    # 交通与建设局 2020 prints 行政许可 88 / -72, 行政处罚 26 / -26, 收费 15 / -15: the next
    # report's 上一年项目数量 is 16, 0 and 0.
    then = gold_report("pingtan-transport-2020.json")
    following = gold_report("pingtan-transport-2020.json", _next_year_on_the_2019_form)
    assert following.value("t2.administrative_licensing.previous_year") == 16
    assert not _fires("CROSS.ITEM_COUNT", following, [then])

    def unchanged(data):
        data["year"] += 1  # last year's counts printed again, the changes ignored

    finding = next(f for f in check(gold_report("pingtan-transport-2020.json", unchanged), [then])
                   if f.code == "CROSS.ITEM_COUNT" and "administrative_licensing" in f.cells[0])
    assert (finding.expected, finding.found) == (16, 88)
    assert finding.cells == ["t2.administrative_licensing.previous_year"]
    assert "行政许可上一年项目数量为 88" in finding.message and "2020 年度报告" in finding.message


def test_item_count_needs_the_2019_form_on_both_years():
    then = gold_report("pingtan-transport-2020.json")

    def on_the_2021_form(data):
        data["year"] += 1
        data["edition"] = "2021"

    assert not _fires("CROSS.ITEM_COUNT", gold_report("pingtan-transport-2020.json", on_the_2021_form), [then])


def test_copied_text():
    now = parsed_copy("pingtan-2022.txt")
    copied = parsed_copy("pingtan-2022.txt")
    copied.year = 2021
    finding = next(f for f in check(now, [copied]) if f.code == "COPY.PREVIOUS_YEAR")
    assert finding.found == 1.0 and "100%" in finding.message
    different = parsed_copy("pingtan-2019.txt")
    different.year = 2021
    assert not _fires("COPY.PREVIOUS_YEAR", now, [different])


# ------------------------------------------------------------------ narrative
def test_narrative_received_contradicts_table():
    finding = next(f for f in check(parsed("pingtan-agriculture-2024.txt")) if f.code == "NARRATIVE.MISMATCH")
    assert (finding.found, finding.expected) == (3, 0) and finding.cells == ["t3.new_received.total"]
    assert not _fires("NARRATIVE.MISMATCH", parsed("pingtan-2022.txt"))
    assert not _fires("NARRATIVE.MISMATCH", parsed("shanghai-stcsm-2024.md"))


def _edited_source(tmp_path, name, old, new):
    source = next(p for p in SOURCES if p.name == name)
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return parse(path)


def test_narrative_proactive_count(tmp_path):
    report = _edited_source(tmp_path, "pingtan-agriculture-2024.txt", "行政许可信息1323条", "行政许可信息1400条")
    finding = next(f for f in check(report) if f.code == "NARRATIVE.MISMATCH" and f.found == 1400)
    assert finding.cells == ["t2.administrative_licensing.decisions"]


def test_narrative_region_wide_figures_of_a_government_are_not_contradictions(tmp_path):
    report = _edited_source(tmp_path, "pingtan-2022.txt", "全区收到政府信息公开申请75件", "全区收到政府信息公开申请90件")
    assert level(report.agency) == "government"
    assert not _fires("NARRATIVE.MISMATCH", report)


def test_narrative_department_figures_are_compared(tmp_path):
    report = _edited_source(tmp_path, "shanghai-stcsm-2024.md", "全年收到政府信息公开申请 34 件", "全年收到政府信息公开申请 40 件")
    report.agency = "上海市科学技术委员会"  # the parser misses this report's agency
    assert _fires("NARRATIVE.MISMATCH", report)


# ------------------------------------------------------------------ plausibility
def test_regulations_from_a_county_department():
    finding = next(f for f in check(parsed("003_133ea6e3b8938548.txt")) if f.code == "PLAUS.REGULATIONS")
    assert "t2.regulations.new_made" in finding.cells and "县级政府部门" in finding.message
    assert not _fires("PLAUS.REGULATIONS", parsed("shanghai-gov-office-2019.html"))  # 上海市: may make 规章
    assert not _fires("PLAUS.REGULATIONS", parsed("000_05b7538ffe1c510c.txt"))  # a street office reporting none


@pytest.mark.parametrize("name, expected", [
    ("张店区人民政府科苑街道办事处", "township"), ("东柳街道", "township"), ("洪泽区人民政府", "county_government"),
    ("淄博市张店区机关事务服务中心", "county_department"), ("平潭综合实验区", "government"),
    ("平潭综合实验区农业农村局", "department"), ("上海市人民政府办公厅", "department"),
    ("某某县住房和城乡建设局", "county_department"),
])
def test_agency_level_from_name(name, expected):
    assert level(name) == expected


def test_fee_unit():
    assert _fires("PLAUS.FEE_UNIT", gold_report("pingtan-2022.json", _set("t2.administrative_fees.amount", 91163600)))
    assert not _fires("PLAUS.FEE_UNIT", gold_report("pingtan-2022.json"))


def test_fee_unit_yuan_suffix():
    report = parsed_copy("pingtan-2022.txt")
    report.cell("t2.administrative_fees.amount").raw = "9116.36元"
    assert _fires("PLAUS.FEE_UNIT", report)


def test_deadline():
    late = gold_report("pingtan-transport-2020.json", lambda d: d.update(published="2021-02-20"))
    finding = next(f for f in check(late) if f.code == "DEADLINE.LATE")
    assert "2021-01-31" in finding.message and "20 天" in finding.message
    assert not _fires("DEADLINE.LATE", gold_report("pingtan-transport-2020.json"))
    # A government has until 31 March; a street office follows local deadlines (not checked).
    assert not _fires("DEADLINE.LATE", gold_report("pingtan-2022.json"))
    assert not _fires("DEADLINE.LATE", gold_report("000_05b7538ffe1c510c.json", lambda d: d.update(published="2021-05-01")))


@pytest.mark.parametrize("name, expected", [
    ("平潭综合实验区海坛片区管理局", "area"), ("中国(福建)自由贸易试验区福州片区管理委员会", "area"),
    ("某某县某某镇人民政府", "township"),
])
def test_agency_level_of_areas_and_townships(name, expected):
    assert level(name) == expected


def test_deadline_unknown_date_is_info_not_silence():
    finding = next(f for f in check(parsed("shanghai-stcsm-2024.md")) if f.code == "DEADLINE.DATE_UNKNOWN")
    assert finding.severity == "info" and "2025-01-31" in finding.message
    assert not _fires("DEADLINE.DATE_UNKNOWN", gold_report("pingtan-transport-2020.json"))  # date known
    # a street office has no national deadline: nothing to skip, nothing said
    assert not _fires("DEADLINE.DATE_UNKNOWN", gold_report("000_05b7538ffe1c510c.json", lambda d: d.update(published=None)))


def test_area_is_not_held_to_the_county_departments_deadline():
    # 海坛片区管理局 published 2022-03-01 on 2021: late for a county department, not for a 片区.
    report = gold_report("pingtan-haitan-2021.json", lambda d: d.update(published="2022-03-01"))
    assert not _fires("DEADLINE.LATE", report)


def test_pre_2019_reports_use_the_2008_deadline():
    late = gold_report("pingtan-transport-2020.json", lambda d: d.update(year=2017, edition=None, published="2018-04-02"))
    finding = next(f for f in check(late) if f.code == "DEADLINE.LATE")
    assert "2018-03-31" in finding.message


# ------------------------------------------------------------------ statistics period and stale text
def _with_opening(name: str, opening: str):
    report = parsed_copy(name)
    report.opening = opening
    return report


_PERIOD_2022 = "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"


def test_period_of_the_reported_year_is_quiet():
    assert not {"PERIOD.MISSING", "PERIOD.WRONG"} & set(codes(check(_with_opening("pingtan-2022.txt", _PERIOD_2022))))


def test_period_on_another_year_is_an_error():
    report = _with_opening("hongze-2023.pdf", _PERIOD_2022)  # a 2023 report whose PDF title says 2023
    assert report.meta_source.get("year") in ("title", "page_meta")
    finding = next(f for f in check(report) if f.code == "PERIOD.WRONG")
    assert finding.severity == "error" and "2022年1月1日至2022年12月31日" in finding.message


def test_partial_year_period_is_an_error():
    report = _with_opening("pingtan-2022.txt", "本报告所列数据统计期限为2022年1月1日至2022年6月30日。")
    finding = next(f for f in check(report) if f.code == "PERIOD.WRONG")
    assert finding.severity == "error" and "不是一个完整的自然年度" in finding.message


def _opening_of(name: str) -> str:
    """The text before the first heading, as the parser would keep it."""
    text = next(p for p in SOURCES if p.name == name).read_text(encoding="utf-8")
    return text[:text.index("一、总体情况")]


def test_period_missing_only_when_the_opening_is_known():
    # 平潭交通与建设局 2020 states no 统计期限 in its opening; 平潭 2022 does.
    assert _fires("PERIOD.MISSING", _with_opening("pingtan-transport-2020.txt", _opening_of("pingtan-transport-2020.txt")))
    assert not _fires("PERIOD.MISSING", _with_opening("pingtan-2022.txt", _opening_of("pingtan-2022.txt")))
    assert not _fires("PERIOD.MISSING", _with_opening("pingtan-transport-2020.txt", None))  # opening not known: no accusation
    assert _fires("PERIOD.MISSING", parsed_copy("pingtan-transport-2020.txt"))  # the parser keeps the opening
    assert not _fires("PERIOD.MISSING", parsed_copy("pingtan-2022.txt"))
    # a title alone (or an introduction the reader lost, as on the 莆田 HTML page) is not accused
    assert not _fires("PERIOD.MISSING", _with_opening("pingtan-transport-2020.txt", "平潭综合实验区交通与建设局2020年政府信息公开工作年度报告"))
    stated_otherwise = _opening_of("pingtan-transport-2020.txt") + "本报告统计时间截至2020年底。"
    assert not _fires("PERIOD.MISSING", _with_opening("pingtan-transport-2020.txt", stated_otherwise))


def test_stale_year_in_the_opening():
    stale = _with_opening("hongze-2023.pdf", "现将洪泽区人民政府2022年政府信息公开工作年度报告公布如下。")
    finding = next(f for f in check(stale) if f.code == "TEXT.STALE_YEAR")
    assert "2022年政府信息公开工作年度报告" in finding.message
    quiet = ("根据《关于做好2022年政府信息公开工作年度报告编制发布工作的通知》要求，"
             "现公布洪泽区人民政府2023年政府信息公开工作年度报告。主动公开信息较2022年度增长。")
    assert not _fires("TEXT.STALE_YEAR", _with_opening("hongze-2023.pdf", quiet))


# ------------------------------------------------------------------ pairing through aliases
def _previous_named(agency: str, carried_forward_natural_person: int = 3):
    def edit(data):
        _last_year(data)
        data["agency"] = agency
        data["t3"]["carried_forward"]["natural_person"] = carried_forward_natural_person
    return edit


def test_pairing_through_the_parent_region_says_which_names_it_joined():
    now = gold_report("hongze-2023.json")
    assert now.agency == "洪泽区人民政府"
    previous = gold_report("hongze-2023.json", _previous_named("淮安市洪泽区人民政府", 99))
    finding = next(f for f in check(now, [previous]) if f.code == "CROSS.CARRY_OVER")
    assert "“洪泽区人民政府”与“淮安市洪泽区人民政府”" in finding.message


def test_pairing_through_abbreviations():
    now = gold_report("pingtan-2022.json", lambda d: d.update(agency="上海市科委"))
    previous = gold_report("pingtan-2022.json", _previous_named("上海市科学技术委员会"))
    finding = next(f for f in check(now, [previous]) if f.code == "CROSS.CARRY_OVER")
    assert "上海市科学技术委员会" in finding.message and "上海市科委" in finding.message


def test_names_that_merely_end_alike_are_not_paired():
    now = gold_report("pingtan-2022.json", lambda d: d.update(agency="北京市社区服务中心"))
    previous = gold_report("pingtan-2022.json", _previous_named("上海市社区服务中心"))
    assert not _fires("CROSS.CARRY_OVER", now, [previous])


def test_the_exactly_named_report_wins_over_an_alias():
    from nianbao.checks import History

    now = gold_report("pingtan-2022.json")
    exact = gold_report("pingtan-2022.json", _last_year)
    alias = gold_report("pingtan-2022.json", _previous_named("福建省平潭综合实验区"))
    assert History([alias, exact, now]).previous(now) is exact
    assert not _fires("CROSS.CARRY_OVER", now, [alias, exact])


def test_period_against_a_guessed_year_is_only_a_warning():
    report = _with_opening("hongze-2023.pdf", _PERIOD_2022)
    report.meta_source["year"] = "mentions"  # the year the text speaks of most: the parser's guess
    assert next(f for f in check(report) if f.code == "PERIOD.WRONG").severity == "warning"


def test_a_township_office_keeps_the_township_level():
    assert level("某某县某某镇人民政府党政办公室") == "township"
    assert level("某某县住房和城乡建设局") == "county_department"  # 城乡 is not a 乡


def test_a_folder_is_paired_through_the_index_not_report_by_report(monkeypatch):
    from nianbao.checks import check_all, crossyear

    calls = []
    real = crossyear.normalised_name
    monkeypatch.setattr(crossyear, "normalised_name", lambda name: calls.append(name) or real(name))
    reports = [
        gold_report("pingtan-2022.json", lambda d, n=n, y=y: d.update(agency=f"某某县第{n}局", year=y))
        for n in range(40) for y in (2021, 2022)
    ]
    check_all(reports)
    # Each report looks only at candidates under its own key and year (a report against every
    # other of the year before would compare names 40 × 40 times).
    assert len(calls) <= 3 * len(reports)
    history = crossyear.History(reports)
    assert all(history.previous(r).agency == r.agency for r in reports if r.year == 2022)


@pytest.mark.parametrize("one, other, same", [
    ("平潭综合实验区管委会", "平潭综合实验区管理委员会", True),
    ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府", True),
    ("沭阳县发改局", "宿迁市沭阳县发展和改革局", True),
    ("上海市科学技术委员会", "科学技术委员会", False),
    ("淮安市洪泽区人民政府", "宿迁市洪泽区人民政府", False),
    # A city whose name ends in 州: the parent region is 福州市, not 福州.
    ("福建省福州市鼓楼区人民政府", "鼓楼区人民政府", True),
    ("福州市鼓楼区人民政府", "南京市鼓楼区人民政府", False),
    ("苏州市市场监督管理局", "杭州市市场监督管理局", False),
])
def test_same_body(one, other, same):
    from nianbao.checks.agency import same_body

    assert same_body(one, other) is same and same_body(other, one) is same


def test_stale_year_at_the_start_of_the_overview():
    # A 2023 report whose 总体情况 still opens on 2022: last year's summary not rewritten.
    report = parsed_copy("hongze-2023.pdf")
    overview = next(s for s in report.sections if s.key == "overview")
    overview.text = overview.text.replace("2023年,", "2022年,", 1)
    finding = next(f for f in check(report) if f.code == "TEXT.STALE_YEAR")
    assert "2022年" in finding.message and "2023 年度报告" in finding.message
    assert not _fires("TEXT.STALE_YEAR", parsed_copy("hongze-2023.pdf"))
    report.meta_source["year"] = "mentions"  # a year the parser guessed may be the wrong one
    assert not _fires("TEXT.STALE_YEAR", report)


def test_no_stale_year_in_the_corpus():
    for source in SOURCES:
        assert not _fires("TEXT.STALE_YEAR", parsed(source.name)), source.name
