"""Mutations of real reports and the judgement of one parse, shared by tests/test_fuzz.py
(hypothesis draws the random choices) and benchmarks/fuzz.py (a seeded `random.Random`).

Every mutation takes the report's bytes, its format and a `random.Random` and returns the
mutated bytes.  `judge` parses them and says what went wrong, if anything:

- an exception other than the library's own clear refusals (`NianbaoError`) escaping
  `parse_bytes`, the checks or the JSON writer;
- JSON output that standard parsers reject (NaN, Infinity);
- a cell whose value differs from the unmutated report's with no flag: not uncertain,
  not blank, not named by a check finding.  A cell the edit itself rewrote may take the
  new number: its old value was printed within a number of the edited stretch of text and
  its new value is printed within one there now (within: a run of fused cells is one number).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from nianbao import checks
from nianbao.errors import NianbaoError
from nianbao.model import Report
from nianbao.output import report_json
from nianbao.parser import parse_bytes

TEXT_FORMATS = ("text", "html")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_TAG = re.compile(r"<[^>]*>|<(script|style)\b.*?</\1\s*>", re.S | re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
WHITESPACE = (" ", "\t", "\u3000", "\xa0", "\n", " \n")
# The checks' findings that name cells whose value is in doubt.
_FLAGGING_SEVERITIES = ("error", "warning")


# --- mutations ------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _editable_positions(text: str, fmt: str) -> list[tuple[int, int]]:
    """Stretches of text an edit may touch: all of it, or for HTML the text between tags."""
    if fmt != "html":
        return [(0, len(text))]
    spans, start = [], 0
    for tag in _TAG.finditer(text):
        if tag.start() > start:
            spans.append((start, tag.start()))
        start = tag.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def edit_position(text: str, fmt: str, rng: random.Random) -> int:
    spans = _editable_positions(text, fmt)
    start, end = spans[rng.randrange(len(spans))]
    return rng.randint(start, end)


def _matches(pattern: re.Pattern, text: str, fmt: str) -> list[re.Match]:
    spans = _editable_positions(text, fmt)
    return [m for s, e in spans for m in pattern.finditer(text, s, e)]


def byte_flips(data: bytes, fmt: str, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncation(data: bytes, fmt: str, rng: random.Random) -> bytes:
    return data[: rng.randint(1, max(1, len(data) - 1))]


def _text_mutation(edit: Callable[[str, str, random.Random], str]) -> Callable[[bytes, str, random.Random], bytes]:
    def mutate(data: bytes, fmt: str, rng: random.Random) -> bytes:
        return edit(_decode(data), fmt, rng).encode("utf-8")

    mutate.__name__ = edit.__name__
    mutate.__doc__ = edit.__doc__
    return mutate


@_text_mutation
def digit_insertion(text: str, fmt: str, rng: random.Random) -> str:
    digits = _matches(re.compile(r"\d"), text, fmt)
    at = rng.choice(digits).start() + rng.randint(0, 1) if digits else edit_position(text, fmt, rng)
    return text[:at] + str(rng.randrange(10)) + text[at:]


@_text_mutation
def digit_deletion(text: str, fmt: str, rng: random.Random) -> str:
    """One digit, or a whole printed number (a cell left out of its row)."""
    numbers = _matches(_NUMBER, text, fmt)
    if not numbers:
        return text
    number = rng.choice(numbers)
    if rng.random() < 0.5:
        return text[:number.start()] + text[number.end():]
    at = rng.randrange(number.start(), number.end())
    return text[:at] + text[at + 1:]


@_text_mutation
def whitespace_flood(text: str, fmt: str, rng: random.Random) -> str:
    at = edit_position(text, fmt, rng)
    return text[:at] + rng.choice(WHITESPACE) * rng.choice((2, 10, 200, 2000)) + text[at:]


@_text_mutation
def line_join(text: str, fmt: str, rng: random.Random) -> str:
    breaks = _matches(re.compile(r"\n"), text, fmt)
    if not breaks:
        return text
    at = rng.choice(breaks).start()
    return text[:at] + rng.choice(("", " ")) + text[at + 1:]


@_text_mutation
def line_split(text: str, fmt: str, rng: random.Random) -> str:
    at = edit_position(text, fmt, rng)
    return text[:at] + "\n" + text[at:]


@_text_mutation
def label_edit(text: str, fmt: str, rng: random.Random) -> str:
    """One Chinese character deleted, doubled or replaced by another common one."""
    characters = _matches(_CJK, text, fmt)
    if not characters:
        return text
    at = rng.choice(characters).start()
    replacement = rng.choice(("", text[at] * 2, rng.choice("的一是在不了有和人这中大为上个国我以要他"), "a", "1"))
    return text[:at] + replacement + text[at + 1:]


def encoding(data: bytes, fmt: str, rng: random.Random) -> bytes:
    """The same text in another encoding Chinese reports are saved in."""
    text = _decode(data)
    name = rng.choice(("gb18030", "utf-16", "utf-8-sig", "gbk"))
    return text.encode(name, errors="replace")


TEXT_MUTATIONS: dict[str, Callable[[bytes, str, random.Random], bytes]] = {
    "byte_flips": byte_flips, "digit_insertion": digit_insertion, "digit_deletion": digit_deletion,
    "whitespace_flood": whitespace_flood, "line_join": line_join, "line_split": line_split,
    "truncation": truncation, "label_edit": label_edit, "encoding": encoding,
}
BINARY_MUTATIONS: dict[str, Callable[[bytes, str, random.Random], bytes]] = {
    "byte_flips": byte_flips, "truncation": truncation,
}


def mutations_for(fmt: str) -> dict[str, Callable[[bytes, str, random.Random], bytes]]:
    return TEXT_MUTATIONS if fmt in TEXT_FORMATS else BINARY_MUTATIONS


# --- the CLI, measured -----------------------------------------------------------------


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float  # user + system time of the child alone
    peak_rss_mb: float


# Started from a small launcher: Linux counts the address space a process had before exec in its
# peak RSS, so a child forked straight from this test process (grown to ~1 GB once OCR tests have
# run in it) reported that peak for every file.  The launcher is small; it measures its one child.
_LAUNCHER = """
import json, os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024], f)
"""


def run_measured(args: list[str], folder: Path) -> Measured:
    """Run `python -m nianbao ARGS` and measure that one child (os.wait4), not the machine's clock."""
    out, err, measured = folder / "stdout.txt", folder / "stderr.txt", folder / "measured.json"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        subprocess.run([sys.executable, "-c", _LAUNCHER, str(measured), sys.executable, "-m", "nianbao", *args],
                       stdout=stdout, stderr=stderr, env={**os.environ, "COLUMNS": "200"}, check=True)
    returncode, cpu_seconds, peak_rss_mb = json.loads(measured.read_text())
    return Measured(returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"), cpu_seconds, peak_rss_mb)


# --- judging one parse -------------------------------------------------------------------


def strict_json(text: str) -> object:
    """json.loads that refuses NaN and Infinity, as JavaScript's JSON.parse does."""
    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def edited_numbers(before: bytes, after: bytes) -> tuple[set[str], set[str]]:
    """The printed numbers in the stretch an edit changed: (before, after).  The stretch is
    what lies between the common prefix and suffix, widened to whole numbers."""
    old, new = _decode(before).translate(_FULL_WIDTH_DIGITS), _decode(after).translate(_FULL_WIDTH_DIGITS)
    if old == new:
        return set(), set()
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return _numbers_touching(old, prefix, len(old) - suffix), _numbers_touching(new, prefix, len(new) - suffix)


def _numbers_touching(text: str, start: int, end: int) -> set[str]:
    lo, hi = max(0, start - 200), min(len(text), end + 200)
    return {m.group() for m in _NUMBER.finditer(text, lo, hi) if m.start() <= end and m.end() >= start}


def _printed_within(value: object, numbers: set[str]) -> bool:
    if not isinstance(value, (int, float)):
        return False
    value = abs(value)  # the sign is printed before the digits, outside the number pattern
    printed = str(int(value)) if isinstance(value, int) or value.is_integer() else str(value)
    return any(printed in number for number in numbers)


@dataclass
class Verdict:
    outcome: str  # "parsed" | "refused" (a clear NianbaoError) | "crash"
    detail: str = ""
    wrong_unflagged: list[str] = field(default_factory=list)  # "path: was X, now Y"
    flagged_by_check_only: int = 0  # changed cells only a check finding names

    @property
    def ok(self) -> bool:
        return self.outcome != "crash" and not self.wrong_unflagged


UNSURE = object()  # a baseline cell the unmutated report only guessed: nothing to compare with


def baseline_cells(report: Report) -> dict[str, object]:
    """The unmutated report's values by cell path (blank cells as None, guesses as UNSURE)."""
    return {path: UNSURE if cell.uncertain else cell.value for path, cell in report.cells()}


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-6
    return a == b


def judge(data: bytes, baseline: dict[str, object] | None, original: bytes | None = None, *, name: str = "") -> Verdict:
    stage = "parse"
    try:
        report = parse_bytes(data, name=name)
        stage = "check"
        findings = checks.check(report)
        stage = "json"
        strict_json(report_json(report))
    except NianbaoError as exc:
        return Verdict("refused", exc.message)
    except Exception as exc:  # the one outcome a fuzzer looks for
        return Verdict("crash", f"{stage}: {type(exc).__name__}: {exc}"[:300])
    verdict = Verdict("parsed")
    if baseline is None:
        return verdict
    named = {path for f in findings if f.severity in _FLAGGING_SEVERITIES for path in f.cells}
    was, now = edited_numbers(original, data) if original is not None else (set(), set())
    for path, cell in report.cells():
        before = baseline.get(path, UNSURE)  # a cell the baseline lacks was not read there: no reference
        if before is UNSURE or cell.value is None or cell.uncertain or _same(cell.value, before):
            continue
        if _printed_within(cell.value, now) and (before is None or _printed_within(before, was)):
            continue  # the edit rewrote (or wrote) this cell's printed number
        if path in named:
            verdict.flagged_by_check_only += 1
            continue
        verdict.wrong_unflagged.append(f"{path}: was {before!r}, now {cell.value!r}")
    return verdict
