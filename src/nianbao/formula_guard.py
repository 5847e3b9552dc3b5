"""Text in spreadsheets stays text: the one escape every CSV and XLSX writer uses.

An agency or file name such as `=HYPERLINK(...)` or `@SUM(...)` would otherwise become a live
formula when the export is opened in Excel or LibreOffice (CSV injection). Following OWASP's
guidance, a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
apostrophe, which spreadsheets show as text. What is left alone, on purpose:

- numbers (int/float values, and text that is just a number such as "-3" or "1,234.5"): a
  negative count is a number, not a formula, and must stay one;
- nianbao's own formulas in the fill-in template: they are written directly, not through here.

Every file nianbao writes it can read back, so `unescape_formula` undoes exactly this escape:
a value that already starts with apostrophes before a trigger character gets one more, and
reading removes one, so the round trip is exact for any text.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# A sign alone ("-" printed for a blank cell) or a plain number cannot run anything.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?%?")


def _needs_escape(text: str) -> bool:
    if _PLAIN_NUMBER.fullmatch(text):
        return False
    return text.lstrip(QUOTE)[:1] in FORMULA_TRIGGERS


def escape_formula(value: Any) -> Any:
    """The value as a spreadsheet cell may hold it: dangerous text prefixed with an apostrophe."""
    if isinstance(value, str) and _needs_escape(value):
        return QUOTE + value
    return value


def unescape_formula(value: Any) -> Any:
    """Undo `escape_formula` on a value read back from a file nianbao wrote."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_escape(value[1:]):
        return value[1:]
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    return [escape_formula(v) for v in values]


def escape_mapping(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: escape_formula(value) for key, value in row.items()}
