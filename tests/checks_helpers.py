"""Shared helpers of the checks tests: real reports from the corpus, parsed once."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from nianbao.checks import report_from_json
from nianbao.parser import parse
from tests.conftest import CORPUS

GOLD = CORPUS / "gold"
SOURCES = sorted(p for folder in ("seeds", "dev") for p in (CORPUS / folder).iterdir())
# Reports whose printed arithmetic is wrong, per the `notes` of their gold files.
GOLD_BROKEN = {
    "hongze-2023.pdf": {("T4.TOTAL", "t4.review.total"), ("T4.TOTAL", "t4.litigation_after_review.total")},
    "pingtan-agriculture-2024.txt": {
        ("T3.ROW_TOTAL", "t3.new_received.total"), ("T3.ROW_TOTAL", "t3.granted.total"),
        ("T3.ROW_TOTAL", "t3.withheld_third_party_rights.total"), ("T3.ROW_TOTAL", "t3.total_handled.total"),
    },
    "pingtan-haitan-2021.txt": {
        ("T3.IDENTITY", "t3.new_received.natural_person"), ("T3.OUTCOME_TOTAL", "t3.total_handled.natural_person"),
        ("T3.ROW_TOTAL", "t3.total_handled.total"),
    },
}


def gold_json(name: str) -> dict:
    return json.loads((GOLD / name).read_text(encoding="utf-8"))


def gold_report(name: str, edit=None):
    data = copy.deepcopy(gold_json(name))
    if edit:
        edit(data)
    return report_from_json(data)


def gold_names() -> list[str]:
    return sorted(p.name for p in GOLD.glob("*.json"))


def source_of(gold_name: str) -> Path:
    source = gold_json(gold_name)["source"]
    return next(p for p in SOURCES if p.name == source)


@lru_cache(maxsize=None)
def parsed(name: str):
    return parse(next(p for p in SOURCES if p.name == name))


def parsed_copy(name: str):
    """A fresh Report from the parsed report's full JSON, safe to edit."""
    return report_from_json(json.loads(json.dumps(parsed(name).to_dict())))


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def errors(findings):
    return [f for f in findings if f.severity == "error"]


def with_text(name: str, old: str, new: str):
    """The parsed report (tables as read from the original) with one passage of its section
    text replaced: the parser reads the text too, so reparsing an edited source could
    change the tables under test."""
    record = parsed(name).to_dict()
    hits = [section for section in record["sections"] if old in section["text"]]
    assert len(hits) == 1, old
    hits[0]["text"] = hits[0]["text"].replace(old, new)
    return report_from_json(json.loads(json.dumps(record)))
