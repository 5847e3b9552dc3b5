"""Rules across consecutive years of one agency.

Two reports are one agency's when their names are the same once abbreviations are
written out, or one is the other with its parent region in front (agency.same_body);
a finding on such a pair says which names were joined.  `History` indexes reports by
agency and year, so pairing a folder costs one look-up per report.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator, Sequence, Union

from .. import editions
from .. import rules_data as data
from ..model import Report
from .agency import joined_names, normalised_name, pairing_key, same_body
from .doubt import temper
from .finding import Finding
from .labels import cell_name


class History:
    """Reports by (agency pairing key, year)."""

    def __init__(self, reports: Iterable[Report] = ()) -> None:
        self._reports: dict[tuple[str, int], list[Report]] = defaultdict(list)
        for report in reports:
            key = pairing_key(report.agency)
            if key and report.year is not None:
                self._reports[(key, report.year)].append(report)

    def previous(self, report: Report) -> Report | None:
        """The same agency's report on the year before: an exactly matching name first."""
        key = pairing_key(report.agency)
        if not key or report.year is None:
            return None
        candidates = [r for r in self._reports.get((key, report.year - 1), ()) if r is not report]
        name = normalised_name(report.agency)
        exact = next((r for r in candidates if normalised_name(r.agency) == name), None)
        return exact or next((r for r in candidates if same_body(report.agency, r.agency)), None)


HistoryLike = Union[History, Sequence[Report]]


def as_history(history: HistoryLike) -> History:
    return history if isinstance(history, History) else History(history)


def previous_report(report: Report, history: HistoryLike) -> Report | None:
    return as_history(history).previous(report)


def pairing_note(report: Report, previous: Report) -> tuple[str, str]:
    """The clause a cross-year finding ends with when the two printed names differ."""
    joined = joined_names(report.agency, previous.agency)
    if joined is None:
        return "", ""
    return (f"（按机关名称将{joined}视为同一机关）",
            f" (paired by name: '{report.agency}' = '{previous.agency}')")


def with_pairing_note(findings: list[Finding], report: Report, previous: Report) -> list[Finding]:
    note, note_en = pairing_note(report, previous)
    for finding in findings:
        finding.message += note
        finding.message_en += note_en
    return findings


def check(report: Report, previous: Report) -> list[Finding]:
    # Tempered here, not by checks.check: the store's linking pass calls this directly.
    findings = _carry_over(report, previous) + _in_force(report, previous) + _item_count(report, previous)
    findings = with_pairing_note(findings, report, previous)
    return [temper(report, f) for f in findings]


def _carry_over(report: Report, previous: Report) -> list[Finding]:
    if report.year is None or report.year < data.CARRY_OVER_FROM_YEAR:
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


def _role_columns(table: editions.Table, row: editions.Row, roles: dict[str, str]) -> dict[str, str] | None:
    """The keys of the row's columns by role, found by their official labels; None if the row
    lacks one of them."""
    by_label = {column.label: column.key for column in table.columns_of(row)}
    if not all(label in by_label for label in roles.values()):
        return None
    return {role: by_label[label] for role, label in roles.items()}


_IN_FORCE_ROLES = {"in_force": data.LABEL_IN_FORCE, "issued": data.LABEL_ISSUED, "repealed": data.LABEL_REPEALED}
_ITEM_COUNT_ROLES = {"count": data.LABEL_PREVIOUS_COUNT, "change": data.LABEL_CHANGE}


def _rows_with(edition: str, roles: dict[str, str]) -> Iterator[tuple[editions.Row, dict[str, str]]]:
    """The table-二 rows of `edition` that have a column for every role, with the cell paths by role."""
    table = editions.get(edition).table("t2")
    for row in table.rows:
        keys = _role_columns(table, row, roles)
        if keys is not None:
            yield row, {role: f"t2.{row.key}.{key}" for role, key in keys.items()}


def _in_force(report: Report, previous: Report) -> list[Finding]:
    if report.edition != editions.EDITION_2021 or previous.edition != editions.EDITION_2021:
        return []  # no link between a 2019-edition and a 2021-edition report (DOMAIN §6)
    findings = []
    for row, path in _rows_with(editions.EDITION_2021, _IN_FORCE_ROLES):
        then = previous.value(path["in_force"])
        now, issued, repealed = (report.value(path[r]) for r in ("in_force", "issued", "repealed"))
        if then is None or now is None or issued is None or repealed is None:
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


def _item_count(report: Report, previous: Report) -> list[Finding]:
    """2019 edition: last year's report counted 上一年项目数量 and its 本年增/减, so this report's
    上一年项目数量 is their sum."""
    if report.edition != editions.EDITION_2019 or previous.edition != editions.EDITION_2019:
        return []
    findings = []
    for row, path in _rows_with(editions.EDITION_2019, _ITEM_COUNT_ROLES):
        now, then, change = report.value(path["count"]), previous.value(path["count"]), previous.value(path["change"])
        if now is None or then is None or change is None:
            continue
        expected = then + change
        if expected == now:
            continue
        findings.append(Finding(
            "CROSS.ITEM_COUNT",
            f"{row.label}上一年项目数量为 {now}，但 {previous.year} 年度报告的上一年项目数量 {then} ＋ 本年增/减 {change} ＝ {expected}",
            f"{row.key}: previous-year items {now}, but the {previous.year} report's {then} + change {change} = {expected}",
            [path["count"]], expected=expected, found=now,
        ))
    return findings
