"""What sections 五 and 六 say: the 信息处理费 statement, and a section 五 of substance.

These read the section texts (parsed reports and full `nianbao parse` JSON); a report
known only by its tables is not checked.  Phrase lists and thresholds are data in
`rules_data` (calibration explained there).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import editions
from .. import rules_data as data
from ..model import Report
from . import copying
from .crossyear import with_pairing_note
from .finding import Finding
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

_PROBLEMS = next(s.key for s in editions.SECTIONS if s.number == "五")
_WHITESPACE = re.compile(r"\s+")
_NOT_CHINESE = re.compile(r"[^\u4e00-\u9fff]")


def check(report: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    if not report.sections:
        return []
    return _fee(report) + _problems(report, thresholds)


def _plain(text: str) -> str:
    return _WHITESPACE.sub("", text)


# --------------------------------------------------------------------------- 信息处理费
def _fee_applies(report: Report) -> bool:
    if report.year is not None:
        return report.year >= data.FEE_FROM_YEAR
    return report.edition == editions.EDITION_2021


def fee_statement(report: Report) -> str | None:
    """The sentence saying whether fees were charged, wherever the report puts it."""
    for section in report.sections:
        for sentence in re.split(r"[。；;\n]", _plain_lines(section.text)):
            if data.FEE_STATEMENT.search(sentence) and not _is_table_text(sentence):
                return sentence.strip()
    return None


def _plain_lines(text: str) -> str:
    # Keep line ends (they separate a printed table's rows) but drop the spaces inside lines.
    return re.sub(r"[ \t\u3000]+", "", text)


def _is_table_text(sentence: str) -> bool:
    """A printed table cell, or table 三's row （六）2 (申请人逾期未按收费通知要求缴纳费用)."""
    return "|" in sentence or "按收费通知要求" in sentence


def _fee(report: Report) -> list[Finding]:
    if not _fee_applies(report):
        return []
    statement = fee_statement(report)
    unpaid = report.value(data.FEE_UNPAID_ROW)
    if statement is None:
        notices = f"；表三（六）2 有 {unpaid:g} 件申请因逾期未缴费不再处理，说明发出过收费通知" if unpaid else ""
        return [Finding(
            "FEE.NOT_STATED",
            f"报告未说明本年度是否收取信息处理费（国办函〔2020〕109号，一般在第六部分“其他需要报告的事项”中说明）{notices}",
            "the report does not say whether disclosure fees (信息处理费) were charged (国办函〔2020〕109号)",
            [data.FEE_UNPAID_ROW] if unpaid else [],
        )]
    if unpaid and data.FEE_NONE.search(statement):
        return [Finding(
            "FEE.CONTRADICTS_TABLE",
            f"正文称未产生信息处理费（“{statement[:50]}”），但表三（六）2“申请人逾期未按收费通知要求缴纳费用”为 "
            f"{unpaid:g} 件：本年发出过收费通知，应如实说明收费情况",
            f"the text says no disclosure fee arose, but table 三 （六）2 closes {unpaid:g} requests for unpaid fees",
            [data.FEE_UNPAID_ROW], expected=0, found=unpaid,
        )]
    return []


# --------------------------------------------------------------------------- section 五
def _problems(report: Report, thresholds: Thresholds) -> list[Finding]:
    section = next((found for found in report.sections if found.key == _PROBLEMS), None)
    if section is None:
        return []
    text = _plain(section.text)
    if len(text) < thresholds.problems_min_chars or data.NO_PROBLEM.match(text) or not data.PROBLEM_WORDS.search(text):
        return []  # empty or naming no problem at all: the structure rules say so
    findings = []
    if not concrete_problems(text) and not _lists_problems(text):
        findings.append(Finding(
            "PROBLEMS.NOT_CONCRETE",
            f"第五部分只有“仍存在一定差距”一类套话，未写明具体问题（“{text[:40]}…”）",
            "section 五 names no concrete problem: only stock phrases such as 仍存在一定差距",
        ))
    specific = specific_measures(text)
    if len(specific) < thresholds.measures_min_specific:
        findings.append(Finding(
            "PROBLEMS.NO_MEASURES",
            "第五部分未写明具体改进措施" + ("（只有“进一步加强…、提高…水平”一类套话）" if _measures_start(text) else ""),
            "section 五 names no concrete measure" + (" (stock phrases only)" if _measures_start(text) else ""),
            found=len(specific),
        ))
    return findings


def _problems_text(report: Report) -> str | None:
    section = next((found for found in report.sections if found.key == _PROBLEMS), None)
    return None if section is None else _plain(section.text)


def check_previous(report: Report, previous: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Section 五 against the same agency's previous-year report: last year's problems
    followed up, this year's 五 not a copy of last year's."""
    now, then = _problems_text(report), _problems_text(previous)
    if not now or not then:
        return []
    findings = []
    if concrete_problems(then) and not _follows_up(now, previous.year):
        findings.append(Finding(
            "PROBLEMS.NO_FOLLOW_UP",
            f"第五部分未说明 {previous.year} 年度报告所列问题（“{then[:30]}…”）的整改情况",
            f"section 五 does not say how the problems of the {previous.year} report were dealt with",
        ))
    share = _shared_shingles(now, then, thresholds.problems_copy_min_chars)
    if share is not None and share >= thresholds.copy_similarity:
        findings.append(Finding(
            "PROBLEMS.COPIED",
            f"第五部分与本机关 {previous.year} 年度报告的第五部分相似度 {share:.0%}（数字除外），问题和措施疑似照抄上年",
            f"section 五 is {share:.0%} the same as in the agency's {previous.year} report (digits ignored)",
            found=round(share, 3),
        ))
    return with_pairing_note(findings, report, previous)  # which names were joined, as the other cross-year rules


def _follows_up(text: str, previous_year: int | None) -> bool:
    if data.PROBLEMS_FOLLOW_UP.search(text):
        return True
    # "针对2023年度报告指出的问题，已…": the previous year by number.
    year = f"{previous_year}年" if previous_year else None
    return bool(year) and any(
        year in clause and re.search(r"问题|不足", clause) and re.search(r"整改|改进|解决", clause)
        for clause in re.split(r"[。；;]", text)
    )


def _shared_shingles(now: str, then: str, min_chars: int) -> float | None:
    """Share of this year's 五 (digits ignored) found in last year's, as copying measures a whole report."""
    now, then = re.sub(r"\d+", "#", now), re.sub(r"\d+", "#", then)
    if len(now) < min_chars or len(then) < min_chars:
        return None
    mine = copying._shingles(now)
    return len(mine & copying._shingles(then)) / len(mine)


def _lists_problems(text: str) -> bool:
    """The part before the measures lists or illustrates its problems (一是…, 如…)."""
    start = _measures_start(text)
    problems = data.PROBLEMS_STOCK.sub("", text if start is None else text[:start])
    return bool(data.PROBLEMS_LISTED.search(problems))


def concrete_problems(text: str) -> list[str]:
    """Problem words outside the stock phrases: the problems the section actually names."""
    return data.PROBLEM_WORDS.findall(data.PROBLEMS_STOCK.sub("", text))


def _measures_start(text: str) -> int | None:
    match = data.MEASURES_START.search(text)
    return match.start() if match else None


@lru_cache(maxsize=1)
def _generic() -> re.Pattern[str]:
    words = sorted(data.MEASURES_GENERIC, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def specific_measures(text: str) -> str:
    """The measures' Chinese characters once the generic words are taken out."""
    start = _measures_start(text)
    if start is None:
        return ""
    return _NOT_CHINESE.sub("", _generic().sub("", text[start:]))

