"""Sections 五 and 六: the 信息处理费 statement and a section 五 of substance, each rule kept
and broken on real corpus reports (or the same report with one passage edited)."""

from __future__ import annotations

import json

import pytest

from nianbao.checks import content, report_from_json
from nianbao.rules_data import MEASURES_MIN_SPECIFIC

from .checks_helpers import codes, parsed, with_text


def _codes(report) -> list[str]:
    return codes(content.check(report))


def _copy(name: str):
    return report_from_json(json.loads(json.dumps(parsed(name).to_dict())))


# ------------------------------------------------------------------ 信息处理费
def test_fee_stated_in_section_six():
    # 洪泽区 2023: "全年收取政府信息公开信息处理费0元" in 六.
    assert "FEE.NOT_STATED" not in _codes(parsed("hongze-2023.pdf"))


def test_fee_stated_under_another_heading():
    # 莆田统计局 2022 puts "（一）信息处理费收取情况" after its 五 (no heading 六 of its own);
    # 上海市科委 2024 numbers its 其他需要报告的事项 五.
    for name in ("putian-statistics-2022.html", "shanghai-stcsm-2024.md"):
        assert "FEE.NOT_STATED" not in _codes(parsed(name)), name


def test_fee_stated_as_no_charge_to_applicants():
    report = with_text("pingtan-2022.txt", "无收取信息处理费情况", "本机关未向申请人收取任何费用")
    assert "FEE.NOT_STATED" not in _codes(report)
    report.cell("t3.other_unpaid_fee.total").value = 1
    assert "FEE.CONTRADICTS_TABLE" in _codes(report)


def test_fee_not_stated():
    # 平潭农业农村局 2024 has no section 六 and says nothing of fees; 收费 in its tables
    # (行政事业性收费, the （六）2 label 收费通知) is no statement.
    finding = next(f for f in content.check(parsed("pingtan-agriculture-2024.txt")) if f.code == "FEE.NOT_STATED")
    assert finding.severity == "warning" and "109号" in finding.message


def test_fee_rule_starts_with_the_2021_reports():
    assert "FEE.NOT_STATED" not in _codes(parsed("000_05b7538ffe1c510c.txt"))  # a 2020 report


def test_no_fee_statement_contradicts_unpaid_fee_requests():
    # 平潭 2022: "2022年，无收取信息处理费情况" and （六）2 = 0.
    report = _copy("pingtan-2022.txt")
    assert not _codes(report) or "FEE.CONTRADICTS_TABLE" not in _codes(report)
    report.cell("t3.other_unpaid_fee.total").value = 2
    finding = next(f for f in content.check(report) if f.code == "FEE.CONTRADICTS_TABLE")
    assert finding.cells == ["t3.other_unpaid_fee.total"] and finding.found == 2


def test_fees_charged_agree_with_unpaid_fee_requests():
    report = with_text("pingtan-2022.txt", "无收取信息处理费情况", "发出收费通知2件，申请人均未缴纳，收取信息处理费0.02万元")
    report.cell("t3.other_unpaid_fee.total").value = 2
    assert not {"FEE.CONTRADICTS_TABLE", "FEE.NOT_STATED"} & set(_codes(report))


def test_missing_fee_statement_names_the_unpaid_fee_requests():
    report = with_text("pingtan-2022.txt", "2022年，无收取信息处理费情况", "无")
    report.cell("t3.other_unpaid_fee.total").value = 1
    finding = next(f for f in content.check(report) if f.code == "FEE.NOT_STATED")
    assert finding.cells == ["t3.other_unpaid_fee.total"] and "收费通知" in finding.message


# ------------------------------------------------------------------ section 五
def test_stock_phrases_alone_name_no_problem():
    # 平湖街道 2020: "…仍然有一定的差距" and then only what it will do.
    assert "PROBLEMS.NOT_CONCRETE" in _codes(parsed("004_74ac7cc249356a73.txt"))
    # 洪泽区 2023 starts the same way ("仍存在一定差距") but goes on: "如依申请公开工作规范性还有待提高…".
    assert "PROBLEMS.NOT_CONCRETE" not in _codes(parsed("hongze-2023.pdf"))


def test_problems_listed_in_other_words_are_concrete():
    body = "2022年工作取得一定成效，但仍存在一定差距，主要表现在：一是政策解读形式单调；二是信息更新慢。下一步，我局将开展业务培训两次，更新公开目录，解读采用图解和视频。"
    report = _copy("pingtan-2022.txt")
    next(s for s in report.sections if s.key == "problems").text = body
    assert not {"PROBLEMS.NOT_CONCRETE", "PROBLEMS.NO_MEASURES"} & set(_codes(report))


def test_concrete_problems_are_what_the_stock_phrases_leave():
    assert content.concrete_problems("但仍存在一定差距，针对存在的问题，我们将加强学习。") == []
    assert content.concrete_problems("仍存在一些不足：政策解读形式单一。") == ["单一"]


def test_generic_measures_are_not_measures():
    # 平潭农业农村局 2024: "我们将进一步完善工作机制，提高公开质量，优化公开平台，提高服务水平…".
    assert "PROBLEMS.NO_MEASURES" in _codes(parsed("pingtan-agriculture-2024.txt"))
    # 平潭交建局 2020, the tersest real measures of the corpus ("拓宽政务公开渠道，多形式、多平台推进…").
    assert "PROBLEMS.NO_MEASURES" not in _codes(parsed("pingtan-transport-2020.txt"))


@pytest.mark.parametrize("measures, specific", [
    ("下一步，将开展一次业务培训。", True),
    ("下一步，我局将更新公开目录，政策解读采用图解和视频。", True),
    ("下一步，我们将进一步加强组织领导，强化责任落实，提升工作人员业务能力，推动工作再上新台阶。", False),
])
def test_terse_measures_count_generic_ones_do_not(measures, specific):
    assert (len(content.specific_measures(measures)) >= MEASURES_MIN_SPECIFIC) == specific


def test_problems_without_any_measure(tmp_path):
    report = with_text("pingtan-2022.txt", "2023年，我区将采取以下措施加以改进", "以上问题")
    five = next(s for s in report.sections if s.key == "problems")
    cut = five.text.index("以上问题")
    five.text = five.text[:cut]
    assert "PROBLEMS.NO_MEASURES" in _codes(report)


def _last_year(name: str):
    report = _copy(name)
    report.year -= 1
    return report


def test_follow_up_of_last_years_problems():
    # Last year's report named concrete problems (平潭 2022's 五 as the 2021 report's).
    now, last = _copy("pingtan-2022.txt"), _last_year("pingtan-2022.txt")
    finding = next(f for f in content.check_previous(now, last) if f.code == "PROBLEMS.NO_FOLLOW_UP")
    assert finding.severity == "info" and "2021" in finding.message
    kept = with_text("pingtan-2022.txt", "但还存在一些问题和不足", "针对2021年度报告指出的问题，均已整改，但还存在一些问题和不足")
    assert "PROBLEMS.NO_FOLLOW_UP" not in codes(content.check_previous(kept, last))
    # Without last year's report there is nothing to follow up.
    assert "PROBLEMS.NO_FOLLOW_UP" not in _codes(now)


def test_last_years_section_five_copied():
    now, last = _copy("pingtan-2022.txt"), _last_year("pingtan-2022.txt")
    finding = next(f for f in content.check_previous(now, last) if f.code == "PROBLEMS.COPIED")
    assert finding.found == 1.0 and "2021" in finding.message
    other = _copy("pingtan-2019.txt")
    other.year = 2021
    assert "PROBLEMS.COPIED" not in codes(content.check_previous(now, other))


def test_a_section_naming_no_problem_is_left_to_the_structure_rules():
    body = "下一步，我们将继续加强政府信息公开工作，进一步提高公开质量，更好地服务人民群众，推动各项工作再上新台阶。"
    report = _copy("000_05b7538ffe1c510c.txt")
    next(s for s in report.sections if s.key == "problems").text = body
    assert not [c for c in _codes(report) if c.startswith("PROBLEMS.")]
