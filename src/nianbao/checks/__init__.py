"""Checks of a parsed report: arithmetic, cells, structure, narrative, plausibility,
deadline, copying and cross-year rules.  Rule codes and severities are in
`nianbao.rules_data`; docs/checks.md explains each.

    check(report, history, config)  -> findings for one report, given other reports that may
                                       hold earlier years of the same agency (a list or a History)
    check_all(reports, config)      -> findings for many reports, each checked against the others

`config` (checks/config.py) carries the deadlines and thresholds a locality may override
with a rules file; the default is the national rules.
"""

from __future__ import annotations

from typing import Iterable

from ..model import Report
from . import arithmetic, cells, content, copying, crossyear, deadline, narrative, period, plausibility, structure
from .config import DEFAULT, RuleConfig
from .crossyear import History, HistoryLike, as_history
from .doubt import temper
from .finding import SEVERITY_ORDER, Finding
from .load import report_from_json
from .thresholds import Thresholds


def check(report: Report, history: HistoryLike = (), config: RuleConfig = DEFAULT) -> list[Finding]:
    if structure.is_pre_2019(report):
        # The current format's rules would only list what the old format lacks.
        return structure.pre_2019(report) + deadline.check(report, config)
    # A finding on a guessed value is a warning naming it, never an error (checks/doubt.py).
    findings = [temper(report, f) for f in _families(report, config.thresholds)]
    findings.extend(deadline.check(report, config))
    previous = as_history(history).previous(report)
    if previous is not None:
        findings.extend(crossyear.check(report, previous))
        findings.extend(copying.check(report, previous, config.thresholds))
        findings.extend(content.check_previous(report, previous, config.thresholds))
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def _families(report: Report, thresholds: Thresholds) -> list[Finding]:
    return (structure.check(report, thresholds) + arithmetic.check(report) + cells.check(report)
            + narrative.check(report, thresholds) + content.check(report, thresholds)
            + plausibility.check(report, thresholds) + period.check(report, thresholds))


def check_all(reports: Iterable[Report], config: RuleConfig = DEFAULT) -> list[tuple[Report, list[Finding]]]:
    """Each report checked against the others: indexed by agency and year, so the work
    grows with the number of reports, not with its square."""
    reports = list(reports)
    history = History(reports)
    return [(report, check(report, history, config)) for report in reports]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


__all__ = ["Finding", "History", "RuleConfig", "check", "check_all", "has_errors", "report_from_json"]
