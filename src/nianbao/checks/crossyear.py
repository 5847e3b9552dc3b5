"""Rules across consecutive years of one agency (matched by normalised name)."""

from __future__ import annotations

from typing import Sequence

from .. import editions
from .. import rules_data as data
from ..model import Report
from .agency import normalised_name
from .doubt import temper
from .finding import Finding
from .labels import cell_name


def previous_report(report: Report, history: Sequence[Report]) -> Report | None:
    name = normalised_name(report.agency)
    if not name or report.year is None:
        return None
    for other in history:
        if other.year == report.year - 1 and normalised_name(other.agency) == name:
            return other
    return None


def check(report: Report, previous: Report) -> list[Finding]:
    # Tempered here, not by checks.check: the store's linking pass calls this directly.
    return [temper(report, f) for f in _carry_over(report, previous) + _in_force(report, previous)]


def _carry_over(report: Report, previous: Report) -> list[Finding]:
    if report.year < data.CARRY_OVER_FROM_YEAR:
        return []
    findings = []
    for column in editions.get(report.edition or editions.EDITION_2021).table("t3").columns:
        now_path = f"{data.CARRY_OVER_ROW}.{column.key}"
        then_path = f"{data.CARRY_FORWARD_ROW}.{column.key}"
        now, then = report.value(now_path), previous.value(then_path)
        if now is None or then is None or now == then:
            continue
        findings.append(Finding(
            "CROSS.CARRY_OVER",
            f"{cell_name(now_path)}为 {now}，而 {previous.year} 年度报告的“结转下年度继续办理”（{column.label}）为 {then}",
            f"{now_path} = {now} but the {previous.year} report's {then_path} = {then}",
            [now_path], expected=then, found=now,
        ))
    return findings


def _role_columns(table: editions.Table, row: editions.Row) -> dict[str, str] | None:
    by_label = {column.label: column.key for column in table.columns_of(row)}
    roles = {"in_force": data.LABEL_IN_FORCE, "issued": data.LABEL_ISSUED, "repealed": data.LABEL_REPEALED}
    if not all(label in by_label for label in roles.values()):
        return None
    return {role: by_label[label] for role, label in roles.items()}


def _in_force(report: Report, previous: Report) -> list[Finding]:
    if report.edition != editions.EDITION_2021 or previous.edition != editions.EDITION_2021:
        return []  # no link between a 2019-edition and a 2021-edition report (DOMAIN §6)
    findings = []
    table = editions.get(editions.EDITION_2021).table("t2")
    for row in table.rows:
        roles = _role_columns(table, row)
        if roles is None:
            continue
        path = {role: f"t2.{row.key}.{key}" for role, key in roles.items()}
        then = previous.value(path["in_force"])
        now, issued, repealed = (report.value(path[r]) for r in ("in_force", "issued", "repealed"))
        if None in (then, now, issued, repealed):
            continue
        expected = then + issued - repealed
        if expected == now:
            continue
        findings.append(Finding(
            "CROSS.IN_FORCE",
            f"{row.label}现行有效件数为 {now}，但上年 {then} ＋ 本年制发 {issued} － 本年废止 {repealed} ＝ {expected}"
            "（修订等情形可能造成差异）",
            f"{row.key}: in force {now}, but last year's {then} + issued {issued} - repealed {repealed} = {expected}",
            [path["in_force"], path["issued"], path["repealed"]], expected=expected, found=now,
        ))
    return findings
