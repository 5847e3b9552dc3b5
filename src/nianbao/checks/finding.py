"""The finding: one thing an inspector should look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import rules_data

SEVERITY_ORDER = {rules_data.ERROR: 0, rules_data.WARNING: 1, rules_data.INFO: 2}


@dataclass
class Finding:
    code: str
    message: str  # Chinese, for inspectors
    message_en: str
    cells: list[str] = field(default_factory=list)  # "t3.granted.total"-style paths
    expected: int | float | None = None
    found: int | float | None = None
    severity: str = ""  # from the rule catalogue unless given

    def __post_init__(self) -> None:
        if not self.severity:
            self.severity = rules_data.severity(self.code)

    @property
    def summary(self) -> str:
        """The message's first line: what a list of findings shows before details are asked for."""
        return headline(self.message)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "summary": self.summary,
            "message": self.message,
            "message_en": self.message_en,
            "cells": self.cells,
        }
        if self.expected is not None or self.found is not None:
            out["expected"] = self.expected
            out["found"] = self.found
        return out


# A message this long or shorter is its own headline; a longer one is cut where its details
# begin.  60 characters fit one line of the CLI's table at 100 columns and of the web list.
HEADLINE_MAX = 60
# A cut this early would leave a label, not a sentence ("T4.TOTAL：…").
_HEADLINE_MIN = 8
_CHECK_SOURCE = "请核对原文"  # kept in every headline of a finding that rests on a guessed value


def headline(message: str) -> str:
    """`message` without its details: asides in "（…）" left out (the quoted sentence, the
    legal basis), then, if still too long, only what comes before the first "：" or "；" (the
    list of cells), else its first HEADLINE_MAX characters.  A finding that asks for the
    source to be checked says so in its headline too."""
    if len(message) <= HEADLINE_MAX:
        return message
    head = _without_asides(message)
    if len(head) > HEADLINE_MAX:
        cut = min((i for mark in "：；" if (i := _outside_quotes(head, mark)) >= _HEADLINE_MIN), default=-1)
        head = head[:cut] if 0 <= cut <= HEADLINE_MAX else head[:HEADLINE_MAX].rstrip() + "…"
    if _CHECK_SOURCE in message and _CHECK_SOURCE not in head:
        head += f"（{_CHECK_SOURCE}）"
    return head


def _without_asides(text: str) -> str:
    """`text` without its bracketed asides; brackets inside quotes (“（一）予以公开”) are labels, kept."""
    out, depth, quoted = [], 0, False
    for ch in text:
        if ch == "“" and depth == 0:
            quoted = True
        elif ch == "”" and depth == 0:
            quoted = False
        elif ch == "（" and not quoted:
            depth += 1
            continue
        elif ch == "）" and not quoted and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
    return "".join(out)


def _outside_quotes(text: str, mark: str) -> int:
    """Where `mark` first appears outside “…”, or -1."""
    quoted = False
    for i, ch in enumerate(text):
        if ch in "“”":
            quoted = ch == "“"
        elif ch == mark and not quoted:
            return i
    return -1
