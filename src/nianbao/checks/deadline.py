"""The publication deadline (条例 art. 49), per level and locality (checks/config.py).

Departments publish by 31 January, governments by 31 March of the next year; townships,
street offices and 片区 follow local deadlines, checked only when a rules file gives
them.  Reports on 2018 and before fall under the 2008 条例 (31 March for every body).
A report whose publication date is unknown gets an info finding instead of silence,
so an inspector knows the deadline was not checked.
"""

from __future__ import annotations

import datetime as dt

from .. import rules_data as data
from ..model import Report
from . import agency
from .config import DEFAULT, RuleConfig
from .finding import Finding


def limit(report: Report, config: RuleConfig = DEFAULT) -> dt.date | None:
    """The last day the report could be published on time, or None when none is checked."""
    if report.year is None:
        return None
    if report.year <= data.LAST_YEAR_UNDER_OLD_REGULATION:
        month_day: tuple[int, int] | None = data.OLD_DEADLINE
    else:
        month_day = config.deadline(report.agency, agency.level(report.agency))
    if month_day is None:
        return None
    month, day = month_day
    return dt.date(report.year + 1, month, day)


def _published(report: Report) -> dt.date | None:
    try:
        return dt.date.fromisoformat(report.published) if report.published else None
    except ValueError:
        return None


def check(report: Report, config: RuleConfig = DEFAULT) -> list[Finding]:
    last_day = limit(report, config)
    if last_day is None:
        return []
    published = _published(report)
    level = agency.level(report.agency)
    level_name = agency.LEVEL_NAMES.get(level, "") if level else ""
    if published is None:
        return [Finding(
            "DEADLINE.DATE_UNKNOWN",
            f"未能确定发布日期，未核对发布期限（{level_name}应于 {last_day} 前发布，《条例》第四十九条）",
            f"publication date unknown: the deadline {last_day} (art. 49) was not checked",
        )]
    if published <= last_day:
        return []
    days = (published - last_day).days
    source = f"，依规则文件 {config.source}" if config.source and config is not DEFAULT else ""
    return [Finding(
        "DEADLINE.LATE",
        f"发布日期 {published} 晚于发布期限 {last_day}（《条例》第四十九条，{level_name}{source}）{days} 天",
        f"published {published}, {days} day(s) after the deadline {last_day} (art. 49)",
    )]
