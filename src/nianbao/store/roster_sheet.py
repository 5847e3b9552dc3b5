"""The roster status of a year as a table: one builder for the terminal, CSV and the XLSX workbook
(`nianbao roster status`, the web page's exports).  Names from outside are escaped so no cell
runs as a formula (formula_guard); the XLSX gets the list-sheet finish of sheets.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Sequence

from ..formula_guard import escape_row
from ..sheets import finish_list_sheet
from .roster import STATUS_EN, STATUSES, EntryStatus, Unmatched

HEADERS = (
    "名称 name", "层级 level", "地区 region", "状态 status", "发布日期 published", "截止日期 deadline",
    "逾期天数 days late", "匹配方式 matched", "报告编号 report id", "报告署名 agency as printed", "文件 file",
)
UNMATCHED_HEADERS = ("报告编号 report id", "年度 year", "报告署名 agency as printed", "发布日期 published",
                     "文件 file", "可能对应 candidates")
SUMMARY_HEADERS = ("状态 status", "数量 count")
DATE_UNKNOWN = "不详 unknown"
NO_DEADLINE = "无统一期限 none"  # townships and 片区 without a deadline in the roster (checks/deadline.py)
LIST_SEPARATOR = "、"
DATE_FORMAT = "yyyy-mm-dd"


def status_rows(rows: Sequence[EntryStatus]) -> list[list[Any]]:
    """One list per entry, in HEADERS order; dates as dates (text where there is none)."""
    return [_status_row(row) for row in rows]


def _status_row(row: EntryStatus) -> list[Any]:
    entry = row.entry
    if row.published is not None:
        published: Any = row.published
    else:
        published = DATE_UNKNOWN if row.date_unknown else None
    return [
        entry.name, entry.level, entry.region, row.status, published,
        row.deadline if row.deadline is not None else NO_DEADLINE, row.days_late, row.matched,
        LIST_SEPARATOR.join(str(r.id) for r in row.reports) or None,
        LIST_SEPARATOR.join(dict.fromkeys(r.agency or "" for r in row.reports if r.agency)) or None,
        LIST_SEPARATOR.join(dict.fromkeys(r.source or "" for r in row.reports if r.source)) or None,
    ]


def unmatched_rows(items: Sequence[Unmatched]) -> list[list[Any]]:
    return [[u.report.id, u.report.year, u.report.agency, u.report.published_date or u.report.published,
             u.report.source, LIST_SEPARATOR.join(u.candidates) or None] for u in items]


def summary_rows(counts: dict[str, int]) -> list[list[Any]]:
    rows: list[list[Any]] = [[f"{s} {STATUS_EN[s]}", counts.get(s, 0)] for s in STATUSES]
    rows.append(["合计 total", sum(counts.values())])
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def write_csv(rows: Sequence[EntryStatus]) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it without mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for values in status_rows(rows):
        writer.writerow(escape_row(_text(v) for v in values))
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(year: int, rows: Sequence[EntryStatus], counts: dict[str, int], unmatched: Sequence[Unmatched]) -> bytes:
    """Sheets 名单状态 (every entry), 汇总 (counts per status) and 未匹配报告 (reports to link by hand)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年度名单状态"
    _fill(sheet, HEADERS, status_rows(rows))
    _fill(workbook.create_sheet("汇总"), SUMMARY_HEADERS, summary_rows(counts))
    _fill(workbook.create_sheet("未匹配报告"), UNMATCHED_HEADERS, unmatched_rows(unmatched))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, headers: Sequence[str], rows: list[list[Any]]) -> None:
    sheet.append(list(headers))
    for values in rows:
        sheet.append(escape_row(values))
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = DATE_FORMAT
    finish_list_sheet(sheet)
