"""The statistics period (统计期限) and text left over from last year's report.

A report covers one calendar year (条例 art. 49): its 统计期限 must run from 1 January
to 31 December of the year reported on.  The period is looked for in the opening (the
text before the first heading, `Report.opening`) and in the sections; it is called
missing only when the opening is known, since that is where reports state it.
"""

from __future__ import annotations

import re

from .. import rules_data as data
from ..model import Report
from .finding import Finding
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

# Where a report's year comes from its own title, page or header: a period on another year is
# then a contradiction inside the report (an error); a year guessed from the text is not.
_FIRM_YEAR_SOURCES = ("title", "crawl_header", "page_meta", "period")


def check(report: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    if report.year is None or (report.opening is None and not report.sections):
        return []
    text = (report.opening or "") + "\n" + "\n".join(s.text for s in report.sections)
    period = data.PERIOD.search(text)  # the opening first: where reports state it
    findings = _period(report, period, text, thresholds.period_opening_min_chars)
    stale = _stale_opening(report) if report.opening is not None else []
    return findings + (stale or _stale_overview(report))


def _period(report: Report, period: re.Match[str] | None, text: str, opening_min_chars: int) -> list[Finding]:
    year = report.year
    if period is None:
        opening = "".join((report.opening or "").split())
        if len(opening) < opening_min_chars or data.PERIOD_WORDS.search(text):
            return []  # not where we could see it, or stated in a form not read: no accusation
        return [Finding(
            "PERIOD.MISSING", f"报告未写明统计期限（应为“{year}年1月1日至{year}年12月31日”）",
            f"the statistics period is not stated (should be 1 January to 31 December {year})",
        )]
    y1, m1, d1 = int(period["y1"]), int(period["m1"]), int(period["d1"])
    y2 = int(period["y2"]) if period["y2"] else y1
    m2, d2 = int(period["m2"]), int(period["d2"])
    if (y1, m1, d1, y2, m2, d2) == (year, 1, 1, year, 12, 31):
        return []
    whole_year = (m1, d1, m2, d2) == (1, 1, 12, 31) and y1 == y2
    firm = report.meta_source.get("year") in _FIRM_YEAR_SOURCES
    why = f"报告年度为 {year} 年，统计期限却是另一年度" if whole_year else "不是一个完整的自然年度"
    return [Finding(
        "PERIOD.WRONG",
        f"统计期限为 {y1}年{m1}月{d1}日至{y2}年{m2}月{d2}日，{why}（应为 {year}年1月1日至{year}年12月31日）",
        f"the statistics period {y1}-{m1:02d}-{d1:02d} to {y2}-{m2:02d}-{d2:02d} is not the calendar year {year}",
        # A wrong year against a year the parser only inferred may be the parser's mistake.
        severity="" if firm or not whole_year else data.WARNING,
    )]


def _inside_title_marks(text: str, position: int) -> bool:
    """Whether `position` is inside 《…》 (the title of a notice or regulation)."""
    return text.rfind("《", 0, position) > text.rfind("》", 0, position)


def _stale_opening(report: Report) -> list[Finding]:
    opening, year = report.opening or "", report.year or 0
    for match in data.REPORT_TITLE_YEAR.finditer(opening):
        if int(match.group(1)) == year - 1 and not _inside_title_marks(opening, match.start()):
            return [Finding(
                "TEXT.STALE_YEAR",
                f"开头称“{match.group(0)}”，而本报告为 {report.year} 年度报告，疑沿用上年文字未改",
                f"the opening names the {match.group(1)} report although this is the {report.year} report: "
                "text reused from last year",
            )]
    return []


_LEADING_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年")


def _stale_overview(report: Report) -> list[Finding]:
    """Section 一 opening on the year before (“2022年，我局…” in a report on 2023): the year's
    summary taken over from last year's report.  Only against a year the report itself states
    (title, page, header), since a guessed year could be the one that is wrong."""
    overview = next((s for s in report.sections if s.key == "overview"), None)
    if overview is None or report.year is None or report.meta_source.get("year") not in _FIRM_YEAR_SOURCES:
        return []
    match = _LEADING_YEAR.match(overview.text)
    if match is None or int(match.group(1)) != report.year - 1:
        return []
    start = overview.text[:30].replace("\n", "")
    return [Finding(
        "TEXT.STALE_YEAR",
        f"第一部分“总体情况”开头为“{start}…”，而本报告为 {report.year} 年度报告，疑沿用上年文字未改",
        f"section 一 opens on {match.group(1)} although this is the {report.year} report: text reused from last year",
    )]
