"""Accuracy against hand-checked gold files (corpus/gold/*.json).

A cell is *right* when the parser's value equals the gold value, *flagged* when
the parser listed it in `uncertain` (right or not), or when it is absent from a table the
report says it did not find or could not read, and *wrong* when it differs without a flag — the
outcome that must never happen.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import editions
from .errors import NianbaoError
from .locate import find_labels
from .model import TABLE_MISSING, TABLE_UNREADABLE
from .normalise import normalise_text
from .parser import parse

TABLES = ("t2", "t3", "t4")


def default_corpus() -> Path:
    """The gold corpus: $NIANBAO_CORPUS, else `shared/corpus` beside the repository checkout."""
    checkout = Path(__file__).resolve().parents[2]  # src/nianbao/evaluate.py → the repository
    return Path(os.environ.get("NIANBAO_CORPUS", checkout.parent / "shared" / "corpus"))


@dataclass
class FileScore:
    source: str
    cells: int = 0
    right: int = 0
    flagged: int = 0
    wrong: list[str] = field(default_factory=list)  # "path: got X, gold Y"
    flagged_wrong: int = 0
    meta_mismatch: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def accuracy(self) -> float:
        return self.right / self.cells if self.cells else 0.0


def gold_cells(gold: dict) -> dict[str, object]:
    return {
        f"{table}.{row}.{column}": value
        for table in TABLES
        for row, columns in gold.get(table, {}).items()
        for column, value in columns.items()
    }


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-6
    return a == b


def score(source: Path, gold: dict) -> FileScore:
    result = FileScore(source.name)
    expected = gold_cells(gold)
    result.cells = len(expected)
    try:
        parsed = parse(source)
        report = parsed.canonical()
    except NianbaoError as exc:
        result.error = exc.message
        result.wrong = [f"{path}: not parsed" for path in expected]
        return result
    got = gold_cells(report)
    uncertain = set(report["uncertain"])
    # A table the report says it did not find leaves every cell of it unknown, those of rows the
    # report could not know it prints too (the single （六）其他处理 row of a 2021 report whose
    # table 三 was not found): absent, not wrong.
    unread = {table for table, status in parsed.table_status.items() if status in (TABLE_MISSING, TABLE_UNREADABLE)}
    for path, value in expected.items():
        ok = path in got and _same(got[path], value)
        result.right += ok
        if path in uncertain or (path not in got and path.split(".", 1)[0] in unread):
            result.flagged += 1
            result.flagged_wrong += not ok
        elif not ok:
            result.wrong.append(f"{path}: got {got.get(path, 'missing')!r}, gold {value!r}")
    for key in ("edition", "year", "agency", "published"):
        if report.get(key) != gold.get(key):
            result.meta_mismatch.append(f"{key}: got {report.get(key)!r}, gold {gold.get(key)!r}")
    return result


def corpus_pairs(corpus: Path) -> list[tuple[Path, dict]]:
    """(source file, gold) for every gold file whose source is in seeds/ or dev/."""
    pairs = []
    sources = {p.name: p for folder in ("seeds", "dev") for p in sorted((corpus / folder).glob("*"))}
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        source = sources.get(gold.get("source", ""))
        if source is not None:
            pairs.append((source, gold))
    return pairs


def t3_rows() -> dict[str, editions.Row]:
    """Every table-三 row of both editions by key (for scoring readers against gold rows)."""
    return {row.key: row for edition in editions.EDITIONS.values() for row in edition.table("t3").rows}


def has_label(text: str, row: editions.Row) -> bool:
    """Whether printed `text` carries `row`'s label, as the parser would recognise it."""
    return bool(find_labels(normalise_text(text), (row,)))
