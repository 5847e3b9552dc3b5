"""Text largely copied from the same agency's previous-year report."""

from __future__ import annotations

import re

from .. import rules_data as data
from ..model import Report
from .crossyear import with_pairing_note
from .finding import Finding
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

_NOISE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def _text(report: Report) -> str:
    # Years and counts change every year even in a copied report: compare the words.
    return _DIGITS.sub("#", _NOISE.sub("", "".join(section.text for section in report.sections)))


def _shingles(text: str) -> set[str]:
    n = data.COPY_SHINGLE
    return {text[i:i + n] for i in range(max(0, len(text) - n + 1))}


def similarity(report: Report, previous: Report, min_chars: int = data.COPY_MIN_CHARS) -> float | None:
    now, then = _text(report), _text(previous)
    if len(now) < min_chars or len(then) < min_chars:
        return None
    mine = _shingles(now)
    return len(mine & _shingles(then)) / len(mine)


def check(report: Report, previous: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """COPY.PREVIOUS_YEAR when `thresholds.copy_similarity` or more of the text is last
    year's (a rules file may set it)."""
    threshold = thresholds.copy_similarity
    share = similarity(report, previous, thresholds.copy_min_chars)
    if share is None or share < threshold:
        return []
    finding = Finding(
        "COPY.PREVIOUS_YEAR",
        f"正文与本机关 {previous.year} 年度报告相似度 {share:.0%}（数字除外，阈值 {threshold:.0%}），疑似照抄上年报告",
        f"text is {share:.0%} the same as the agency's {previous.year} report (digits ignored; threshold {threshold:.0%})",
        found=round(share, 3),
    )
    return with_pairing_note([finding], report, previous)
