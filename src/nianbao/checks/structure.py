"""Structure: edition, tables present, readable and laid out as the format prints them,
the report's outline (sections found by heading or by what they say), section 五
content, and the government-only content of 条例 art. 50."""

from __future__ import annotations

import re

from .. import editions
from .. import rules_data as data
from ..normalise import normalise_text
from ..model import TABLE_MISSING, TABLE_PARTIAL, TABLE_UNREADABLE, Report
from . import agency
from .finding import Finding
from .labels import TABLE_NAMES, row_name
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

ROW_NOT_PRINTED = "PARSE.ROW_NOT_PRINTED"  # the parser's warning for a row the table does not print


def check(report: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    findings = _edition(report) + _tables(report) + _layout(report)
    if report.sections:  # section text is known only for parsed reports and full JSON
        findings += (_outline(report, thresholds.unheaded_min_chars)
                     + _problems_section(report, thresholds.problems_min_chars) + _government_assessment(report))
    return findings


# --------------------------------------------------------------------------- the pre-2019 format
def is_pre_2019(report: Report) -> bool:
    """Tables of neither edition, in a report on 2018 or before or printing the old outline."""
    if report.edition is not None:
        return False
    if report.year is not None:  # a report on 2019 or later without tables is not excused
        return report.year <= data.LAST_YEAR_UNDER_OLD_REGULATION
    return bool(data.PRE_2019_WORDS.search(_all_text(report)))


def pre_2019(report: Report) -> list[Finding]:
    year = f"{report.year} 年度" if report.year else "本"
    return [Finding(
        "EDITION.PRE_2019",
        f"2019 年以前的旧格式，不适用现行格式的检查（{year}报告按 2008 年《条例》及其统计表编制，"
        "现行 2019 版、2021 版格式的章节、统计表和勾稽关系检查均未进行）",
        "pre-2019 format: the checks of the current formats (sections, tables, arithmetic) do not apply",
    )]


def _all_text(report: Report) -> str:
    return (report.opening or "") + "".join(s.heading + s.text for s in report.sections)


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


# --------------------------------------------------------------------------- table layout
def rows_not_printed(report: Report) -> list[tuple[str, list[str]]]:
    """(row path 't2.regulations', its cells) for each row of the edition the report does not
    print, as the parser reports them."""
    out = []
    for warning in report.warnings:
        if warning.code == ROW_NOT_PRINTED and warning.cells:
            table_key, row_key, _ = warning.cells[0].split(".")
            out.append((f"{table_key}.{row_key}", list(warning.cells)))
    return out


def _layout(report: Report) -> list[Finding]:
    findings = []
    for row_path, _ in rows_not_printed(report):
        table_key, row_key = row_path.split(".")
        label = row_name(table_key, row_key)
        findings.append(Finding(
            "LAYOUT.ROW_NOT_PRINTED",
            f"{TABLE_NAMES.get(table_key, table_key)}未按格式列出{label}行（该行数值记为空白，非零）",
            f"table {table_key} does not print the row {row_key} of its format (left blank, not zero)",
        ))
    findings += _old_labels(report)
    if report.single_other_handling and (report.year is None or report.year >= 2021):
        findings.append(Finding(
            "LAYOUT.SINGLE_OTHER_HANDLING",
            "未按 2021 版格式细分其他处理：表三“（六）其他处理”印为一行，2021 版格式分为"
            "“申请人无正当理由逾期不补正”“申请人逾期未按收费通知要求缴纳费用”“其他”三行",
            "（六）其他处理 is printed as one row; the 2021 format splits it into three",
        ))
    return findings


def _table_row(label: str) -> re.Pattern[str]:
    """`label` printed as a table row: the label, then its numbers (not "13 件" in a sentence)."""
    return re.compile(rf"(?<!行政){re.escape(label)}\s*[|｜]?\s*\d+(?![\d.]*\s*[件条个项份篇])")


def _old_labels(report: Report) -> list[Finding]:
    if report.edition != editions.EDITION_2021 or not report.sections:
        return []
    proactive = [s.text for s in report.sections if s.key == "proactive"]
    text = "\n".join(proactive or [s.text for s in report.sections])
    return [
        Finding(
            "LAYOUT.OLD_LABEL",
            f"表二仍使用 2019 版行名“{old}”，2021 版格式为“{new}”",
            f"table 二 prints the 2019 row label '{old}'; the 2021 format says '{new}'",
        )
        for old, new in data.OLD_ROW_LABELS_2021
        if _table_row(old).search(text) and not _table_row(new).search(text)
    ]


# --------------------------------------------------------------------------- outline
_PROBLEMS = next(s.key for s in editions.SECTIONS if s.number == "五")
_NUMBER_MARK = r"\s*[、.．]\s*"


def _compact(text: str) -> str:
    """Without spaces, in the parser's normal form (traditional characters and pinyin
    annotations of a converted page read as the simplified text they stand for)."""
    return re.sub(r"\s+", "", normalise_text(text, traditional=True))


def _standard_heading(section: editions.Section) -> re.Pattern[str]:
    """一、总体情况 as the format prints it (a longer title containing it, such as
    政府信息公开工作存在的主要问题及改进情况, still counts)."""
    return re.compile(rf"{section.number}{_NUMBER_MARK}[^\n。]{{0,12}}?{re.escape(section.title)}")


def _printed_as_standard(compact_text: str, section: editions.Section) -> bool:
    return bool(_standard_heading(section).search(compact_text))


def _heading_like_line(report: Report, section: editions.Section) -> str | None:
    """A numbered heading line that speaks of this section's subject, found inside the
    text of another section: the section is there under another heading."""
    words = data.SECTION_CONTENT[section.key]
    for found in report.sections:
        for match in data.HEADING_LINE.finditer(found.text):
            if words.search(match.group(1)):
                return match.group(0).strip()
    return None


def _table_found(report: Report, section: editions.Section) -> bool:
    return any(
        table.number == section.number and report.table_status.get(table.key) not in (None, TABLE_MISSING)
        for table in editions.get(report.edition or editions.EDITION_2021).tables
    )


def _unheaded_text_before(report: Report, min_chars: int) -> bool:
    """Text before the first heading found, at least `min_chars` long: a section (一 under a
    heading the parser did not recognise)."""
    if report.opening is not None:
        return len(_compact(report.opening)) >= min_chars
    return min(s.start for s in report.sections) >= min_chars


def _stand_in(report: Report, section: editions.Section, unheaded_min_chars: int) -> str | None:
    """Where a section whose heading was not found shows itself, or None."""
    if _table_found(report, section):
        return "按统计表判断该部分存在"
    line = _heading_like_line(report, section)
    if line:
        return f"标题印为“{line}”"
    if section.key == _PROBLEMS and any(all(p.search(s.text) for p in data.PROBLEMS_CONTENT) for s in report.sections):
        return "按问题与改进的内容判断该部分存在"
    if section.number == "一" and _unheaded_text_before(report, unheaded_min_chars):
        return "首个标题之前有正文，按位置判断该部分存在"
    return None


def _outline(report: Report, unheaded_min_chars: int) -> list[Finding]:
    missing: list[editions.Section] = []
    nonstandard: list[str] = []
    # One text in print order: a number printed on the line before its title ends the previous
    # section's text (三明 2023: “六、” / “其他需要报告的事项”).
    compact_text = _compact("\n".join(s.heading + "\n" + s.text for s in report.sections))
    for section in editions.SECTIONS:
        found = next((s for s in report.sections if s.key == section.key), None)
        official = f"{section.number}、{section.title}"
        if found is not None:
            if not _printed_as_standard(compact_text, section):
                nonstandard.append(f"第{section.number}部分标题印为“{found.heading}”（格式为“{official}”）")
            continue
        stand_in = _stand_in(report, section, unheaded_min_chars)
        if stand_in:
            nonstandard.append(f"未找到第{section.number}部分标题“{official}”，{stand_in}")
        elif section.required:
            missing.append(section)
    findings = [_missing(section) for section in missing]
    if nonstandard:
        findings.append(Finding(
            "SECTION.HEADING_NONSTANDARD",
            "章节标题或编号与国家格式不同（或在转换中丢失），按内容核对：" + "；".join(nonstandard),
            f"{len(nonstandard)} section heading(s) worded or numbered unlike the format; sections located by content",
        ))
    return findings


def _missing(section: editions.Section) -> Finding:
    code = "SECTION.OTHER_MISSING" if section.key in data.SECTIONS_OPTIONAL_IN_PRACTICE else "SECTION.MISSING"
    return Finding(
        code, f"缺少第{section.number}部分“{section.title}”（标题与内容均未找到）",
        f"section {section.number} ({section.key}) is missing: neither heading nor content found",
    )


# --------------------------------------------------------------------------- government content
def _government_assessment(report: Report) -> list[Finding]:
    """条例 art. 50: a people's government's report also gives its assessment, public
    appraisal and accountability results."""
    name = agency.normalised_name(report.agency)
    if not data.GOVERNMENT_BODY.search(name) and agency.level(report.agency) not in (
            data.LEVEL_GOVERNMENT, data.LEVEL_COUNTY_GOVERNMENT):
        return []
    if data.GOV_ASSESSMENT_WORDS.search(_all_text(report)):
        return []
    return [Finding(
        "SECTION.GOV_ASSESSMENT_MISSING",
        f"“{report.agency}”为人民政府，年报未见工作考核、社会评议和责任追究结果情况（《条例》第五十条）",
        "a government's report says nothing of assessment, public appraisal and accountability results (art. 50)",
    )]


def _problems_section(report: Report, min_chars: int) -> list[Finding]:
    found = next((s for s in report.sections if s.key == _PROBLEMS), None)
    if found is None:
        return []
    text = "".join(found.text.split())
    if len(text) < min_chars or data.NO_PROBLEM.match(text):
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
