"""Doubt travels: a finding that rests on a value the parser only guessed is never an error.

A cell flagged `uncertain` holds the parser's best reading of text that allows another
(fused digits split two ways, a row with fewer values than columns).  A rule that fails on
such a cell may be failing on the parser, not on the report, so the finding becomes a
warning whose message asks to check the source and names the doubtful cells with both
readings (labels.uncertain_note).  Only findings whose cells are all certain stay errors.
"""

from __future__ import annotations

from .. import rules_data
from ..model import Report
from .finding import Finding
from .labels import uncertain_note

CHECK_SOURCE = "请核对原文"  # the words every doubtful finding carries
# Findings that list cells by kind rather than accuse them: no note, severity as catalogued.
_LISTS = {"CELL.UNCERTAIN", "CELL.BLANK", "ARITH.UNVERIFIABLE"}


def temper(report: Report, finding: Finding) -> Finding:
    """The finding, made a warning naming its guessed cells when it has any (in place)."""
    if finding.code in _LISTS or finding.severity == rules_data.INFO or not finding.cells:
        return finding
    note, note_en = uncertain_note(report, finding.cells)
    if not note:
        return finding
    if CHECK_SOURCE not in finding.message:
        finding.message += note
        finding.message_en += note_en
    if finding.severity == rules_data.ERROR:
        finding.severity = rules_data.WARNING
    return finding
