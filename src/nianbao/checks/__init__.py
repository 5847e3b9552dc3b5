"""Checks of a parsed report (issue 4): arithmetic, cells, structure, narrative,
plausibility, copying and cross-year rules.  Rule codes and severities are in
`nianbao.rules_data`; docs/checks.md explains each.

    check(report, history)  -> findings for one report, given other reports that may
                               hold earlier years of the same agency
    check_all(reports)      -> findings for many reports, each checked against the others
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..model import Report
from . import arithmetic, cells, content, copying, crossyear, narrative, plausibility, structure
from .doubt import temper
from .finding import SEVERITY_ORDER, Finding
from .load import report_from_json

_FAMILIES = (structure, arithmetic, cells, narrative, content, plausibility)


def check(report: Report, history: Sequence[Report] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for family in _FAMILIES:
        # A finding on a guessed value is a warning naming it, never an error (checks/doubt.py).
        findings.extend(temper(report, f) for f in family.check(report))
    previous = crossyear.previous_report(report, history)
    if previous is not None:
        findings.extend(crossyear.check(report, previous))
        findings.extend(copying.check(report, previous))
        findings.extend(content.check_previous(report, previous))
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def check_all(reports: Iterable[Report]) -> list[tuple[Report, list[Finding]]]:
    reports = list(reports)
    return [(report, check(report, [other for other in reports if other is not report])) for report in reports]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


__all__ = ["Finding", "check", "check_all", "has_errors", "report_from_json"]
