"""Structure: edition, tables present and readable, sections present, section 五 content."""

from __future__ import annotations

from .. import editions
from .. import rules_data as data
from ..model import TABLE_MISSING, TABLE_PARTIAL, TABLE_UNREADABLE, Report
from .finding import Finding
from .labels import TABLE_NAMES


def check(report: Report) -> list[Finding]:
    findings = _edition(report) + _tables(report)
    if report.sections:  # section text is known only for parsed reports and full JSON
        findings += _sections(report) + _problems_section(report)
    return findings


def _edition(report: Report) -> list[Finding]:
    if report.edition is None:
        if all(status == TABLE_UNREADABLE for status in report.table_status.values()) and report.table_status:
            return []  # the unreadable tables say it
        return [Finding(
            "EDITION.UNKNOWN",
            "统计表不符合 2019 版或 2021 版国家格式（或统计表缺失），无法按格式核对",
            "the tables follow neither the 2019 nor the 2021 national format (or are missing)",
        )]
    if report.edition == editions.EDITION_2019 and report.year is not None and report.year >= 2021:
        return [Finding(
            "EDITION.OUTDATED",
            f"{report.year} 年度报告仍使用 2019 版格式（国办公开办函〔2019〕60号），"
            f"2021 年度起应使用 2021 版格式（国办公开办函〔2021〕30号）",
            f"a report on {report.year} uses the 2019 edition; reports on 2021 onwards must use the 2021 edition",
        )]
    return []


_STATUS_CODES = {TABLE_MISSING: "TABLE.MISSING", TABLE_UNREADABLE: "TABLE.UNREADABLE", TABLE_PARTIAL: "TABLE.PARTIAL"}
_STATUS_WORDS = {
    TABLE_MISSING: ("缺失", "is missing"),
    TABLE_UNREADABLE: ("不可机读（以图片或扫描件发布），未读取任何数值", "is not machine-readable (image or scan)"),
    TABLE_PARTIAL: ("部分单元格无法读取", "has cells that could not be read"),
}


def _tables(report: Report) -> list[Finding]:
    findings = []
    for key in editions.TABLE_KEYS:
        status = report.table_status.get(key, TABLE_MISSING if key not in report.tables else None)
        if status in _STATUS_CODES:
            zh, en = _STATUS_WORDS[status]
            findings.append(Finding(_STATUS_CODES[status], f"{TABLE_NAMES[key]}{zh}", f"table {key} {en}"))
    return findings


def _section_present(report: Report, section: editions.Section) -> bool:
    if any(found.key == section.key for found in report.sections):
        return True
    # A lost heading does not lose the content: a section's table, or for section
    # 五 its problem/improvement wording, shows that the section is there.
    for table in editions.get(report.edition or editions.EDITION_2021).tables:
        if table.number == section.number and report.table_status.get(table.key) not in (None, TABLE_MISSING):
            return True
    if section.key == _PROBLEMS:
        return any(all(p.search(found.text) for p in data.PROBLEMS_CONTENT) for found in report.sections)
    return False


_PROBLEMS = next(s.key for s in editions.SECTIONS if s.number == "五")


def _sections(report: Report) -> list[Finding]:
    findings = []
    for section in editions.SECTIONS:
        if not section.required or _section_present(report, section):
            continue
        code = "SECTION.OTHER_MISSING" if section.key in data.SECTIONS_OPTIONAL_IN_PRACTICE else "SECTION.MISSING"
        findings.append(Finding(
            code, f"缺少第{section.number}部分“{section.title}”", f"section {section.number} ({section.key}) is missing",
        ))
    return findings


def _problems_section(report: Report) -> list[Finding]:
    found = next((s for s in report.sections if s.key == _PROBLEMS), None)
    if found is None:
        return []
    text = "".join(found.text.split())
    if len(text) < data.PROBLEMS_MIN_CHARS or data.NO_PROBLEM.match(text):
        return [Finding(
            "SECTION.PROBLEMS_EMPTY", f"第五部分“存在的主要问题及改进情况”为空或仅称无问题（“{text[:30]}”）",
            "section 五 (problems and improvements) is empty or says there are none",
        )]
    if not data.PROBLEM_WORDS.search(text):
        return [Finding(
            "SECTION.PROBLEMS_BOILERPLATE", f"第五部分未写明任何具体问题或不足，只有套话（“{text[:40]}…”）",
            "section 五 names no problem or shortcoming: boilerplate only",
        )]
    return []
