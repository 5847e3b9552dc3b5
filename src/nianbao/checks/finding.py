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

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "message_en": self.message_en,
            "cells": self.cells,
        }
        if self.expected is not None or self.found is not None:
            out["expected"] = self.expected
            out["found"] = self.found
        return out
