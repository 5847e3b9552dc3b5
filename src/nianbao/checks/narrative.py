"""Numbers stated in the text that contradict the tables, with scope in mind."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import editions
from .. import rules_data as data
from ..model import Report
from . import agency
from .finding import Finding

_SENTENCE = re.compile(r"[^。；;！!？?\n]+")


def check(report: Report) -> list[Finding]:
    if not report.sections or report.edition is None:
        return []
    government = agency.is_government(agency.level(report.agency))
    findings, seen = [], set()
    for sentence in (s.group(0) for section in report.sections for s in _SENTENCE.finditer(section.text)):
        if government and data.REGION_SCOPE.search(sentence):
            continue  # a government's text may quote region-wide figures: not its tables
        for finding in _claims(report, sentence) + _proactive(report, sentence):
            key = (finding.cells[0] if finding.cells else "", finding.found)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _sum(report: Report, paths: tuple[str, ...]) -> int | float | None:
    values = [report.value(p) for p in paths]
    return None if any(v is None for v in values) else sum(values)


def _claims(report: Report, sentence: str) -> list[Finding]:
    findings = []
    for claim in data.CLAIMS:
        for match in claim.pattern.finditer(sentence):
            stated = _number(match.group(1))
            sums = [_sum(report, paths) for paths in claim.alternatives]
            if any(s is None for s in sums[:1]) or stated in sums:
                continue
            findings.append(_mismatch(claim.name, claim.name_en, sentence, stated, sums[0], list(claim.alternatives[0])))
    return findings


@lru_cache(maxsize=None)
def _proactive_patterns(edition: str) -> tuple[tuple[editions.Row, re.Pattern[str], tuple[str, ...]], ...]:
    """Per table-二 row: the pattern of a count stated in the text, and the cells it may equal."""
    table = editions.get(edition).table("t2")
    out = []
    for row in table.rows:
        labels = "|".join(re.escape(label) for label in sorted(row.labels, key=len, reverse=True))
        paths = tuple(f"t2.{row.key}.{c.key}" for c in table.columns_of(row) if not c.money and not c.signed)
        out.append((row, re.compile(data.PROACTIVE_COUNT.format(label=labels)), paths))
    return tuple(out)


def _proactive(report: Report, sentence: str) -> list[Finding]:
    findings = []
    for row, pattern, paths in _proactive_patterns(report.edition):
        for match in pattern.finditer(sentence):
            stated = _number(match.group(1))
            values = [report.value(p) for p in paths]
            if not any(v is not None for v in values) or stated in values:
                continue
            printed = next(v for v in values if v is not None)
            findings.append(_mismatch(f"{row.label}数", f"{row.key} count", sentence, stated, printed, list(paths)))
    return findings


def _mismatch(name: str, name_en: str, sentence: str, stated, printed, cells: list[str]) -> Finding:
    quote = sentence.strip()[:60]
    return Finding(
        "NARRATIVE.MISMATCH",
        f"正文称{name}为 {stated}（“{quote}”），与统计表 {printed} 不一致",
        f"the text states {name_en} = {stated}, the tables {printed}",
        cells, expected=printed, found=stated,
    )
