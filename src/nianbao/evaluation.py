"""The evaluation workbook (评估结果) an assessor hands in: scores and rankings, one sheet per
rubric dimension with every deduction and why, the findings no rule scores, and the rubric.

Cells are named by their table, row and column labels with the value as printed and where it
was read (page, characters of the read text); severities and verdicts are in Chinese.  Every
sheet gets the finish of sheets.finish_list_sheet (sheets.StreamedListSheet: the same, streamed),
as the inspection workbook does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable

from openpyxl import Workbook

from .formula_guard import escape_row
from .rules_data import RULES_BY_CODE
from .scores import VERDICT_NAMES, Item, Rubric, points, rank
from .sheets import StreamedListSheet, describe_cells, severity_name
from .store.scoring import ScoredFinding, ScoredReport, group_name

GROUP_NAMES = {"region": "地区", "level": "层级"}
SUMMARY_SHEET = "汇总"
UNSCORED_SHEET = "未计分问题"
RUBRIC_SHEET = "评分细则"
DEDUCTION_HEADERS = ("年度", "机关", "地区", "层级", "规则代码", "问题", "级别", "扣分", "扣分说明", "审核结论",
                     "审核人", "审核备注", "单元格", "原文数值", "读取位置", "本维度得分")
UNSCORED_HEADERS = ("年度", "机关", "地区", "规则代码", "问题", "级别", "审核结论", "单元格", "原文数值", "读取位置")
RUBRIC_HEADERS = ("维度", "满分", "扣分上限", "规则代码", "规则", "扣分方法")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31  # Excel's limit


def write_evaluation(target: Path | BinaryIO, rubric: Rubric, reports: Iterable[ScoredReport], by: str = "region") -> None:
    """Written in openpyxl's write-only mode: each report's rows go to disk as it comes, so
    `reports` may be a stream (store.scoring.iter_scored) and memory stays flat but for one
    summary line per report, which waits for the ranking."""
    book = Workbook(write_only=True)
    summary = StreamedListSheet(book.create_sheet(SUMMARY_SHEET), _summary_headers(rubric, by))
    names = {SUMMARY_SHEET, UNSCORED_SHEET, RUBRIC_SHEET}
    dimension_sheets = []
    for dimension in rubric.dimensions:
        name = _sheet_name(dimension.name, names)
        names.add(name)
        dimension_sheets.append(StreamedListSheet(book.create_sheet(name), DEDUCTION_HEADERS))
    unscored = StreamedListSheet(book.create_sheet(UNSCORED_SHEET), UNSCORED_HEADERS)
    lines: list[_SummaryLine] = []
    for report in reports:
        for index, sheet in enumerate(dimension_sheets):
            _dimension_rows(sheet, report, index)
        _unscored_rows(unscored, report)
        lines.append(_summary_line(report, by))
    _summary_rows(summary, lines)
    rubric_sheet = StreamedListSheet(book.create_sheet(RUBRIC_SHEET), RUBRIC_HEADERS)
    _rubric_rows(rubric_sheet, rubric)
    for sheet in (summary, *dimension_sheets, unscored, rubric_sheet):
        sheet.close()
    book.save(target)


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub("_", wanted)[:_SHEET_NAME_MAX] or "维度"
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: _SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    return name


def _summary_headers(rubric: Rubric, by: str) -> tuple[str, ...]:
    return ("名次", "年度", f"分组（{GROUP_NAMES[by]}）", "机关", "地区", "层级", "发布日期",
            f"总分（满分 {points(rubric.full_mark)}）", *(f"{d.name}（满分 {points(d.full_mark)}）" for d in rubric.dimensions),
            "扣分问题数", "驳回或存疑未扣分", "来源文件")


@dataclass(frozen=True)
class _SummaryLine:
    """A report's line of the summary, without its rank (known once every report is scored)."""

    year: int | None
    group: str
    total: float
    values: tuple


def _summary_line(report: ScoredReport, by: str) -> _SummaryLine:
    items = [item for d in report.score.dimensions for item in d.items]
    total = round(report.score.total, 2)
    group = group_name(report, by)
    return _SummaryLine(report.year, group, total, (
        report.year, group, report.agency, report.region, report.level, report.published, total,
        *(round(d.score, 2) for d in report.score.dimensions),
        sum(1 for i in items if i.points > 0), sum(1 for i in items if i.points == 0), report.source))


def _summary_rows(sheet: StreamedListSheet, lines: list[_SummaryLine]) -> None:
    for ranked in rank(lines, lambda line: (line.year, line.group), lambda line: line.total):
        sheet.append(escape_row((ranked.rank, *ranked.entry.values)))


def _dimension_rows(sheet: StreamedListSheet, report: ScoredReport, index: int) -> None:
    scored = report.score.dimensions[index]
    for item in scored.items:
        sheet.append(escape_row(_deduction_row(report, item, scored.score)))


def _deduction_row(report: ScoredReport, item: Item, dimension_score: float) -> tuple:
    finding: ScoredFinding = item.finding
    names, printed, where = _cells(report, finding)
    return (report.year, report.agency, report.region, report.level, finding.code, finding.message,
            severity_name(finding.severity), round(item.points, 2), item.reason, VERDICT_NAMES.get(finding.verdict, finding.verdict),
            finding.reviewer, finding.note, names, printed, where, round(dimension_score, 2))


def _cells(report: ScoredReport, finding: ScoredFinding) -> tuple[str | None, str | None, str | None]:
    def lookup(path: str):
        source = report.cells.get(path)
        return (source.raw, source.value, source.location) if source else None

    return describe_cells(finding.cells, lookup)


def _unscored_rows(sheet: StreamedListSheet, report: ScoredReport) -> None:
    for finding in report.score.unscored:
        names, printed, where = _cells(report, finding)
        sheet.append(escape_row((report.year, report.agency, report.region, finding.code, finding.message,
                                 severity_name(finding.severity), VERDICT_NAMES.get(finding.verdict, finding.verdict),
                                 names, printed, where)))


def _rubric_rows(sheet: StreamedListSheet, rubric: Rubric) -> None:
    for dimension in rubric.dimensions:
        for code, rule in dimension.deductions.items():
            sheet.append(escape_row((dimension.name, dimension.full_mark, dimension.cap, code,
                                     RULES_BY_CODE[code].title, rule.describe())))
    sheet.append((None, None, None, None, "依据解析推测值（请核对原文）的问题",
                  f"审核确认前按 {points(rubric.doubtful * 100)}% 扣分，确认后照扣"))
    sheet.append((None, None, None, None, "审核驳回的问题", "不扣分"))
