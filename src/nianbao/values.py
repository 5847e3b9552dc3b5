"""Reading one printed cell into a value (DOMAIN.md §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

# Printed forms that mean "not reported": the cell is null, never zero.
NULL_MARKS = frozenset({"", "/", "-", "--", "—", "——", "―", "不适用", "\\", "×"})
ZERO_MARKS = frozenset({"无", "0件"})

NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")
# A page number as printed in a page's margin: — 3 —, - 3 -, ·3·, 第3页 共9页, 3 / 9, Page 3 of 9.
PAGE_NUMBER = re.compile(
    r"^(?:[-－—–─‒―~～·•]+\s*\d{1,4}\s*[-－—–─‒―~～·•]+"  # — 3 —, - 3 -, ·3·
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页, 第3页 共9页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3 / 9
    r"|(?:page\s*)?\d{1,4}(?:\s*of\s*\d{1,4})?)$",  # 3, Page 3 of 9
    re.IGNORECASE,
)


def is_page_footer(text: str) -> bool:
    """A page's number as its footer prints it (— 3 —, 第 3 页), not a number alone, which
    may as well be a cell's value on its own line."""
    text = text.strip()
    return not NUMBER.fullmatch(text) and bool(PAGE_NUMBER.match(text))  # the cheap test first


# 万元 may be broken over two lines of a narrow cell (`909.76万` / `元`).
_LEADING = re.compile(r"^\s*([+-]?)\s*(\d[\d,]*(?:\.\d+)?)\s*(万\s*元|元)?")
# Digits ending in a row number's mark ("2.", "14、") are a row's number, or a value glued to the
# next row's number (a table flattened onto one line: "0" and "4." as "04."): no value as they stand.
_NUMBERED = re.compile(r"\d+\s*[.、]")


@dataclass(frozen=True)
class Parsed:
    value: int | float | None
    unit: str | None = None
    ok: bool = True  # False when the text is neither a number nor a known mark


# No count or amount in these reports runs to more digits than this (the largest real
# figures are amounts in 元 of 11–13 digits); a longer run is not a number the report
# printed but digits glued together, and is never read as a value (a 400-digit run
# once became `inf`, and JSON output `Infinity`).
MAX_DIGITS = 15


def to_number(text: str) -> int | float:
    text = text.replace(",", "")
    if "." not in text:
        return int(text)
    return float(text)


def exact(value: int | float | Decimal) -> Decimal:
    """The decimal a value was printed as, for arithmetic that must not drift (sums of money).

    A value has at most MAX_DIGITS (15) significant digits, and a decimal of at most 15 digits
    survives the round trip through a binary double: the double rounded to 15 significant digits
    is that decimal (75394432.52, never 75394432.519999995…).  A double summed in binary before
    (0.1 + 0.2 = 0.30000000000000004) comes back as the decimal sum (0.3), as PostgreSQL casts one."""
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    return Decimal(value)


def plain(value: Decimal) -> int | float:
    """A decimal back to the parser's types: an int when whole (counts), else the float that
    prints as it (exact up to 15 significant digits, which every printed value has)."""
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    return float(value)


def too_long(digits: str) -> bool:
    """More digits than any printed value has."""
    return sum(ch.isdigit() for ch in digits) > MAX_DIGITS


@lru_cache(maxsize=4096)
def parse_value(text: str) -> Parsed:
    """`22（其中修订16件）` → 22; `无` → 0; `/` → None; `251000元` → 251000 with unit 元."""
    stripped = text.strip()
    if stripped in NULL_MARKS:
        return Parsed(None)
    if stripped in ZERO_MARKS:
        return Parsed(0)
    match = _LEADING.match(stripped)
    if not match or stripped[-1] in ".、" and _NUMBERED.fullmatch(stripped):
        return Parsed(None, ok=False)
    sign, digits, unit = match.groups()
    if too_long(digits):
        return Parsed(None, ok=False)
    number = to_number(digits)
    if number and sign == "-":
        number = -number
    return Parsed(number, "万元" if unit and unit[0] == "万" else unit)


# A whole cell that holds a value: a number with an optional unit or counter word
# and an optional annotation in one pair of brackets ("22（其中修订16件）": not "0 （二）部分公开（…）",
# a value and the next row's label on a page flattened onto one line), or several numbers
# separated by spaces.  "2.其他法律…" is a label, not the value 2.
# Possessive quantifiers (*+, ++): what follows each run never starts with what the run
# takes, so giving nothing back changes no match and keeps matching linear (three plain
# \s* around optional parts backtracked cubically on a long run of spaces).
_VALUE_CELL = re.compile(
    r"\s*+[+-]?\s*+\d[\d,]*+(?:\.\d+)?\s*+(?:万\s*+元|元|件|条|个|项|次|%)?\s*+(?:\([^()]*\))?\s*+"
    r"|\s*+(?:[+-]?\d[\d,.]*+(?:万元|元)?\s++)+[+-]?\d[\d,.]*+(?:万元|元)?\s*+",
    re.DOTALL,
)


@lru_cache(maxsize=4096)
def is_value_text(text: str) -> bool:
    """True when a cell's text is a value (or a blank/null mark), not a label."""
    stripped = text.strip()
    return stripped in NULL_MARKS or stripped in ZERO_MARKS or bool(_VALUE_CELL.fullmatch(stripped))


# A damaged value cell: a letter where a digit was printed ("x", "O", "l" from OCR or a
# typo), short and without any Chinese.  Inside a row of values it is that row's cell,
# unreadable, not a label and not a reason to drop the row or the table.  Longer text
# without Chinese is a note or a URL, not a cell; six characters covers the longest
# damaged figure seen ("1O,5OO").
MAX_DAMAGED_CHARS = 6
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=4096)
def is_damaged_value(text: str) -> bool:
    """True for a short non-Chinese cell text that is not a value ("x" in a row of numbers)."""
    stripped = text.strip()
    return (0 < len(stripped) <= MAX_DAMAGED_CHARS and not is_value_text(stripped)
            and not _CJK.search(stripped))
