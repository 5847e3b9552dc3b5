"""Numbers stated in the text that contradict the tables, with scope in mind.

The text is read sentence by sentence (tables printed inside a section are cut out,
lines broken inside a sentence joined).  Each claim of `rules_data.NARRATIVE_CLAIMS`
names the cells a stated count must equal; table-二 counts are compared with the
column their verb names (废止 → 本年废止件数).  Sentences on a whole region or on
several bodies are skipped: their figures need not be this body's tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Sequence

from .. import editions
from .. import rules_data as data
from ..model import Report
from .finding import Finding
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

_SENTENCE_END = re.compile(r"[。；;！!？?]")
# A table printed inside a section (its caption or header) runs to the next full stop:
# its numbers are the tables', not statements.
_TABLE_DUMP = re.compile(r"(?:第二十条第|[（(]本列数据|行政复议\s*\|?\s*行政诉讼|#+\s*表[二三四])[^。]*")
# A table row as the readers print one ("行政许可 | 0 | 0"), wherever its caption went.
_PIPE_ROW = re.compile(r"(?m)^[^\n]*\|[^\n]*$")
_LINE_BREAK = re.compile(r"[ \t\u3000]*\n\s*")
_CLAUSE_BREAK = re.compile(r"[，,、：:（(]")


@dataclass(frozen=True)
class Statement:
    """A count the text states and the cells it should equal (any one sum of `alternatives`)."""

    sentence: str
    name: str
    name_en: str
    value: int
    alternatives: tuple[tuple[str, ...], ...]
    share: float | None = None  # a percentage stated right after the count


def check(report: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    if not report.sections or report.edition is None:
        return []
    findings, seen = [], set()
    for statement in read(report):
        for finding in _compare(report, statement, thresholds.narrative_share_tolerance):
            key = (finding.cells[0] if finding.cells else "", finding.found)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings


def read(report: Report) -> list[Statement]:
    """Every count the report's text states about its own tables."""
    if not report.sections or report.edition is None:
        return []
    return [st for sentence in statements(report) for st in _claims(sentence) + _proactive(report, sentence)]


# --------------------------------------------------------------------------- sentences
def sentences(text: str) -> list[str]:
    """The sentences of a section's text: tables cut out, line wraps joined."""
    return [s for s in (join_lines(part) for part in raw_sentences(text)) if s]


def raw_sentences(text: str) -> list[str]:
    """The sentences of a section's text as printed (line breaks kept), tables cut out."""
    return _SENTENCE_END.split(_PIPE_ROW.sub("。", _TABLE_DUMP.sub("。", text)))


def join_lines(text: str) -> str:
    # A PDF or crawled page breaks lines anywhere ("共受理政府信息公开申请\n302\n件"); two
    # numbers on either side of a break stay apart.
    text = text.strip()
    return _LINE_BREAK.sub(lambda m: " " if _digits_around(text, m) else "", text)


def _digits_around(text: str, match: re.Match[str]) -> bool:
    before, after = match.start() - 1, match.end()
    return before >= 0 and after < len(text) and text[before].isdigit() and text[after].isdigit()


def statements(report: Report) -> Iterator[str]:
    """Sentences of the report that may state its own tables' figures."""
    for section in report.sections:
        for sentence in sentences(section.text):
            if not data.REGION_SCOPE.search(sentence):
                yield sentence


# --------------------------------------------------------------------------- claims
def stated(claim: data.Claim, sentence: str) -> list[tuple[int, re.Match[str]]]:
    """Every count the sentence states for the claim, once per place in the sentence."""
    out: list[tuple[int, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    for pattern in claim.patterns:
        for match in pattern.finditer(sentence):
            span = match.span(1) if pattern.groups else match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            value = data.stated_count(match.group(1)) if pattern.groups else 0
            if value is not None:
                taken.append(span)
                out.append((value, match))
    return out


def _sum(report: Report, paths: Sequence[str]) -> int | float | None:
    values = [report.value(p) for p in paths]
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def _claim_applies(claim: data.Claim, sentence: str) -> bool:
    if claim.context and not re.search(claim.context, sentence):
        return False
    on_requests = claim.alternatives[0][0].startswith("t3.")
    return not (on_requests and data.NOT_REQUESTS.search(sentence))


def _claims(sentence: str) -> list[Statement]:
    out = []
    for claim in data.NARRATIVE_CLAIMS:
        if not _claim_applies(claim, sentence):
            continue
        counts = stated(claim, sentence)
        if claim.additive and counts:
            counts = [(sum(value for value, _ in counts), counts[0][1])]
        for value, match in counts:
            share = data.SHARE.match(sentence[match.end():])
            out.append(Statement(sentence, claim.name, claim.name_en, value, claim.alternatives,
                                 float(share.group(1)) if share else None))
    return out


def _compare(report: Report, statement: Statement, tolerance: float) -> list[Finding]:
    known = [(paths, total) for paths in statement.alternatives if (total := _sum(report, paths)) is not None]
    if not known:
        return []
    if statement.value not in [total for _, total in known]:
        paths, printed = known[0]
        return [_mismatch(statement, printed, list(paths))]
    return [] if statement.share is None else _share(report, statement, list(known[0][0]), tolerance)


def _share(report: Report, statement: Statement, paths: list[str], tolerance: float) -> list[Finding]:
    """A share stated after the count: the count over the requests handled (or received),
    to within `tolerance` percentage points."""
    count = _sum(report, paths)
    shares = [100 * count / total for den in data.SHARE_DENOMINATORS
              if count is not None and (total := _sum(report, den))]
    percent = statement.share or 0.0
    if not shares or any(abs(percent - share) <= tolerance for share in shares):
        return []
    return [Finding(
        "NARRATIVE.MISMATCH",
        f"正文称{statement.name}占 {percent:g}%（“{_quote(statement)}”），按统计表应为 {shares[0]:.1f}%",
        f"the text states {statement.name_en} are {percent:g}%, the tables give {shares[0]:.1f}%",
        paths, expected=round(shares[0], 1), found=percent,
    )]


# --------------------------------------------------------------------------- table 二
@lru_cache(maxsize=None)
def _proactive_patterns(edition: str) -> tuple[tuple[editions.Row, re.Pattern[str], tuple[editions.Column, ...]], ...]:
    """Per table-二 row: the pattern of a count stated in the text, and its count columns."""
    table = editions.get(edition).table("t2")
    out = []
    for row in table.rows:
        labels = "|".join(re.escape(label) for label in sorted(row.labels, key=len, reverse=True))
        columns = tuple(c for c in table.columns_of(row) if not c.money and not c.signed)
        out.append((row, re.compile(data.PROACTIVE_COUNT.format(label=labels)), columns))
    return tuple(out)


def _columns_named(clause: str, columns: tuple[editions.Column, ...]) -> tuple[editions.Column, ...]:
    """The columns the verb before a label names; all count columns when no verb does."""
    for verb, labels in data.PROACTIVE_VERBS:
        if verb.search(clause):
            return tuple(c for c in columns if c.label in labels)
    return columns


def _proactive(report: Report, sentence: str) -> list[Statement]:
    if data.PROACTIVE_CATEGORIES.search(sentence):
        return []
    out = []
    for row, pattern, columns in _proactive_patterns(report.edition):
        for match in pattern.finditer(sentence):
            value = data.stated_count(match.group(1))
            clause = _CLAUSE_BREAK.split(sentence[:match.start()])[-1]
            if data.PROACTIVE_NOT_COUNTED.search(clause):
                continue
            named = _columns_named(clause, columns)
            if value is not None and named:
                alternatives = tuple((f"t2.{row.key}.{c.key}",) for c in named)
                out.append(Statement(sentence, f"{row.label}数", f"{row.key} count", value, alternatives))
    return out


def _quote(statement: Statement) -> str:
    return statement.sentence.strip()[:60]


def _mismatch(statement: Statement, printed, cells: list[str]) -> Finding:
    return Finding(
        "NARRATIVE.MISMATCH",
        f"正文称{statement.name}为 {statement.value}（“{_quote(statement)}”），与统计表 {printed} 不一致",
        f"the text states {statement.name_en} = {statement.value}, the tables {printed}",
        cells, expected=printed, found=statement.value,
    )
