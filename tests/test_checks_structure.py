"""Structure rules on real reports and on fixtures built from their patterns: the outline
found by content (headings worded or numbered otherwise are a warning, never a missing
section), pre-2019 reports, table layout, and the government content of 条例 art. 50."""

from __future__ import annotations

import json

from nianbao.checks import check
from nianbao.parser import parse

from .checks_helpers import SOURCES, codes, errors, parsed, parsed_copy


def _seed(name: str) -> str:
    return next(p for p in SOURCES if p.name == name).read_text(encoding="utf-8")


def _parse_text(tmp_path, text: str, name: str = "edited.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse(path)


def _edit(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _heading_finding(report):
    return next(f for f in check(report) if f.code == "SECTION.HEADING_NONSTANDARD")


# ------------------------------------------------------------------ outline (false alarm: headings)
def test_renamed_problems_section_is_a_heading_warning_not_a_missing_section(tmp_path):
    text = _edit(_seed("000_05b7538ffe1c510c.txt"), ("五、存在的主要问题及改进情况", "五、工作中的不足和下一步打算"))
    report = _parse_text(tmp_path, text)
    assert "SECTION.MISSING" not in codes(check(report))
    finding = _heading_finding(report)
    assert finding.severity == "warning" and "五、工作中的不足和下一步打算" in finding.message


def test_arabic_numbering_is_a_warning(tmp_path):
    # 000 prints "1、 总体情况" and "3、 收到和处理…": numbered unlike the format, found all the same.
    finding = _heading_finding(parsed("000_05b7538ffe1c510c.txt"))
    assert "1、 总体情况" in finding.message and "3、 收到和处理政府信息公开申请情况" in finding.message
    assert not errors(check(parsed("000_05b7538ffe1c510c.txt")))


def test_fee_section_inserted_as_six_and_other_matters_as_seven(tmp_path):
    text = _edit(
        _seed("000_05b7538ffe1c510c.txt"),
        ("六、其他需要报告的事项", "六、政府信息公开收费情况\n本年度未收取信息处理费。\n七、其他需要报告的事项"),
    )
    findings = check(_parse_text(tmp_path, text))
    assert not {"SECTION.MISSING", "SECTION.OTHER_MISSING"} & set(codes(findings))
    heading = next(f for f in findings if f.code == "SECTION.HEADING_NONSTANDARD")
    assert "七、其他需要报告的事项" in heading.message


def test_unrecognised_overview_heading_with_text_before_the_next(tmp_path):
    text = _edit(_seed("000_05b7538ffe1c510c.txt"), ("1、 总体情况", "第一部分 年度工作回顾"))
    report = _parse_text(tmp_path, text)
    assert "overview" not in [s.key for s in report.sections]
    assert "SECTION.MISSING" not in codes(check(report))
    assert "第一部分" in _heading_finding(report).message


def test_traditional_script_headings_are_standard():
    # 001 is a page converted to traditional characters with pinyin: its headings are the format's.
    assert "SECTION.HEADING_NONSTANDARD" not in codes(check(parsed("001_4d1df608bebf6125.txt")))


def test_a_section_with_neither_heading_nor_content_is_still_missing(tmp_path):
    text = _seed("000_05b7538ffe1c510c.txt")
    start, end = text.index("五、存在的主要问题及改进情况"), text.index("六、其他需要报告的事项")
    report = _parse_text(tmp_path, text[:start] + text[end:])
    finding = next(f for f in check(report) if f.code == "SECTION.MISSING")
    assert finding.severity == "error" and "第五部分" in finding.message


# ------------------------------------------------------------------ pre-2019 (false alarm)
_OLD_REPORT = """某某县人民政府2017年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》要求编制，统计期限自2017年1月1日起至2017年12月31日止。
一、概述
2017年，我县认真贯彻落实《条例》，政府信息公开工作稳步推进，全年主动公开政府信息1200条。
二、主动公开政府信息的情况
全年主动公开政府信息1200条，其中机构职能类120条、规范性文件类35条。
三、依申请公开政府信息和不予公开政府信息的情况
全年受理政府信息公开申请25件，已全部答复，其中同意公开20件，不予公开2件，信息不存在3件。
四、政府信息公开的收费及减免情况
全年未收取任何费用。
五、因政府信息公开申请提起行政复议、提起行政诉讼的情况
全年无相关行政复议和行政诉讼。
六、政府信息公开工作存在的主要问题和改进措施
政府信息公开的及时性还不够，下一步将加强培训、完善制度。
七、其他需要报告的事项
无。
"""


def test_pre_2019_report_is_one_info_not_five_errors(tmp_path):
    report = _parse_text(tmp_path, _OLD_REPORT, "old-2017.txt")
    assert report.edition is None and report.year == 2017
    findings = check(report)
    assert not errors(findings)
    old = [f for f in findings if f.code == "EDITION.PRE_2019"]
    assert len(old) == 1 and old[0].severity == "info" and "2019 年以前的旧格式，不适用现行格式的检查" in old[0].message
    assert not {"EDITION.UNKNOWN", "TABLE.MISSING", "SECTION.MISSING"} & set(codes(findings))


def test_a_current_report_without_tables_is_not_taken_for_an_old_one(tmp_path):
    text = _OLD_REPORT.replace("2017", "2022").replace("三、依申请公开政府信息和不予公开政府信息的情况", "三、收到和处理政府信息公开申请情况")
    text = text.replace("四、政府信息公开的收费及减免情况\n全年未收取任何费用。\n", "")
    findings = check(_parse_text(tmp_path, text, "no-tables-2022.txt"))
    assert "EDITION.PRE_2019" not in codes(findings) and "EDITION.UNKNOWN" in codes(findings)


# ------------------------------------------------------------------ table layout
def test_row_not_printed_is_one_finding_not_blank_cells():
    findings = check(parsed("pingtan-agriculture-2024.txt"))  # table 二 prints no 规章 row
    layout = [f for f in findings if f.code == "LAYOUT.ROW_NOT_PRINTED"]
    assert len(layout) == 1 and "未按格式列出规章行" in layout[0].message and layout[0].severity == "warning"
    assert "CELL.BLANK" not in codes(findings)
    assert "LAYOUT.ROW_NOT_PRINTED" not in codes(check(parsed("pingtan-2022.txt")))


def test_row_not_printed_survives_the_parse_json():
    from nianbao.checks import report_from_json

    data = json.loads(json.dumps(parsed("pingtan-agriculture-2024.txt").to_dict()))
    assert "LAYOUT.ROW_NOT_PRINTED" in codes(check(report_from_json(data)))


def test_single_other_handling_in_a_2021_report():
    finding = next(f for f in check(parsed("hongze-2023.pdf")) if f.code == "LAYOUT.SINGLE_OTHER_HANDLING")
    assert finding.severity == "warning" and "未按 2021 版格式细分其他处理" in finding.message
    assert "LAYOUT.SINGLE_OTHER_HANDLING" not in codes(check(parsed("pingtan-2022.txt")))


# ------------------------------------------------------------------ government reports (条例 art. 50)
def test_government_report_without_assessment_results():
    # 洪泽区人民政府 2023 says nothing of 考核, 社会评议 or 责任追究.
    finding = next(f for f in check(parsed("hongze-2023.pdf")) if f.code == "SECTION.GOV_ASSESSMENT_MISSING")
    assert "第五十条" in finding.message
    assert "SECTION.GOV_ASSESSMENT_MISSING" not in codes(check(parsed("sanming-2023.txt")))  # 三明市人民政府 reports them


def test_assessment_rule_is_for_governments_only():
    department = parsed_copy("pingtan-agriculture-2024.txt")
    for section in department.sections:
        section.text = section.text.replace("考核", "").replace("评议", "").replace("追究", "")
    assert "SECTION.GOV_ASSESSMENT_MISSING" not in codes(check(department))


def test_number_on_the_line_before_its_title_is_standard():
    # 三明 2023 is crawled one cell per line: “六、” ends one line, “其他需要报告的事项” starts the next.
    assert "SECTION.HEADING_NONSTANDARD" not in codes(check(parsed("sanming-2023.txt")))


def test_old_outline_words_do_not_excuse_a_current_report_without_tables(tmp_path):
    # A 2022 report still printing the 2008 outline, tables missing: not excused as pre-2019.
    findings = check(_parse_text(tmp_path, _OLD_REPORT.replace("2017", "2022"), "old-words-2022.txt"))
    assert "EDITION.PRE_2019" not in codes(findings) and "EDITION.UNKNOWN" in codes(findings)


def test_old_outline_words_tell_a_report_whose_year_is_unknown():
    report = parsed_copy("pingtan-2022.txt")
    report.year, report.edition, report.tables = None, None, {}
    report.table_status = {key: "missing" for key in report.table_status}
    report.sections[2].text = "三、依申请公开政府信息和不予公开政府信息的情况\n" + report.sections[2].text
    assert codes(check(report)) == ["EDITION.PRE_2019"]


def test_2019_row_label_in_a_2021_table():
    # 上海市科委 2024 and 平潭农业农村局 2024 print “规范性文件” where the 2021 table says “行政规范性文件”.
    for name in ("shanghai-stcsm-2024.md", "pingtan-agriculture-2024.txt"):
        finding = next(f for f in check(parsed(name)) if f.code == "LAYOUT.OLD_LABEL")
        assert "“规范性文件”" in finding.message and "“行政规范性文件”" in finding.message
    for name in ("pingtan-2022.txt", "hongze-2023.pdf", "sanming-2023.txt", "pingtan-transport-2020.txt"):
        assert "LAYOUT.OLD_LABEL" not in codes(check(parsed(name))), name


def test_old_label_in_a_sentence_is_not_a_table_row():
    report = parsed_copy("pingtan-2022.txt")
    proactive = next(s for s in report.sections if s.key == "proactive")
    proactive.text = "全年制发规范性文件 3 件。\n" + proactive.text
    assert "LAYOUT.OLD_LABEL" not in codes(check(report))
