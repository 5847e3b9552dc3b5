"""The inspection workbook: one sheet of reports, one of findings (openpyxl).

Guessed cells travel here too: the reports sheet counts them (待核对 to verify), a report
holding any is not 通过 passed, and findings that rest on them are the checks' warnings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO, Callable, Optional, Sequence

from ..formula_guard import escape_row
from ..model import Report
from ..sheets import describe_cells, finish_list_sheet, severity_name
from .finding import Finding

REPORT_HEADERS = ("来源 source", "机关 agency", "年度 year", "格式 edition", "发布日期 published",
                  "错误 errors", "警告 warnings", "提示 info", "结论 status", "推测单元格数 uncertain cells")
FINDING_HEADERS = ("来源 source", "机关 agency", "年度 year", "级别 severity", "代码 code", "说明 message",
                   "message_en", "单元格 cells", "应为 expected", "实为 found", "原文数值 printed", "读取位置 where read")
VERDICT_HEADER = "审核意见 verdict"
# A reviewer's verdict on a finding, where the caller has them (the web app: store/review.py): the
# label to show (待核 / 确认 / 驳回) and whether the finding still counts (a dismissed one does not).
VerdictOf = Callable[[Report, Finding], Optional[tuple[str, bool]]]


def _count(findings: Sequence[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


def _status(report: Report, findings: Sequence[Finding]) -> str:
    if _count(findings, "error"):
        return "有错误 errors"
    if _count(findings, "warning"):
        return "有警告 warnings"
    return "待核对 to verify" if report.uncertain else "通过 passed"


def write_workbook(path: Path | BinaryIO, results: Sequence[tuple[Report, list[Finding]]], unreadable: Sequence = (),
                   verdict_of: VerdictOf | None = None) -> None:
    """`verdict_of`: the findings sheet gains a verdict column, and the reports sheet's counts and
    conclusion leave out the findings that no longer count (they stay listed)."""
    from openpyxl import Workbook

    book = Workbook()
    reports = book.active
    reports.title = "报告 reports"
    reports.append(REPORT_HEADERS)
    findings_sheet = book.create_sheet("问题 findings")
    findings_sheet.append(FINDING_HEADERS + ((VERDICT_HEADER,) if verdict_of else ()))
    for report, findings in results:
        verdicts = [verdict_of(report, f) if verdict_of else None for f in findings]
        counted = [f for f, verdict in zip(findings, verdicts) if verdict is None or verdict[1]]
        # File and agency names come from outside: escape_row keeps them from running as formulas.
        reports.append(escape_row((report.source, report.agency, report.year, report.edition, report.published,
                                   _count(counted, "error"), _count(counted, "warning"), _count(counted, "info"),
                                   _status(report, counted), len(report.uncertain))))
        for f, verdict in zip(findings, verdicts):
            names, printed, where = describe_cells(f.cells, lambda path: _read(report, path))
            row = (report.source, report.agency, report.year, severity_name(f.severity), f.code, f.message,
                   f.message_en, names, _cell_value(f.expected), _cell_value(f.found), printed, where)
            findings_sheet.append(escape_row(row + ((verdict[0] if verdict else "",) if verdict_of else ())))
    for item in unreadable:
        reports.append(escape_row((item.source, None, None, None, None, None, None, None, f"无法读取 unreadable: {item.message}")))
    for sheet in (reports, findings_sheet):
        finish_list_sheet(sheet)
    book.save(path)


def _read(report: Report, path: str):
    cell = report.cell(path)
    return (cell.raw, cell.value, cell.location) if cell is not None else None


def _cell_value(value):
    return value if value is None or isinstance(value, (int, float)) else json.dumps(value, ensure_ascii=False)
