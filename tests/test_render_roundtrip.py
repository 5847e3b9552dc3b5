"""Render → parse gives back the canonical values, for every output format."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from nianbao import editions
from nianbao.inputs import validate
from nianbao.parser import parse_bytes
from nianbao.render import render

from .conftest import CORPUS
from .render_data import reports

SUFFIX = {"docx": "docx", "html": "html", "md": "md", "text": "txt"}
META = ("edition", "year", "agency", "published")


def canonical_values(data: dict) -> dict:
    return {key: data.get(key) for key in (*META, *editions.TABLE_KEYS)}


def parsed_back(data: dict, fmt: str) -> dict:
    report = parse_bytes(render(data, fmt), f"report.{SUFFIX[fmt]}")
    return canonical_values(report.canonical())


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=reports())
def test_random_reports_round_trip(fmt, data):
    valid = validate(data)
    assert parsed_back(valid, fmt) == canonical_values(valid)


GOLD = sorted((CORPUS / "gold").glob("*.json"))


@pytest.mark.parametrize("path", GOLD, ids=[p.stem for p in GOLD])
def test_gold_renders_to_docx_and_parses_back(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    valid = validate(data)
    assert parsed_back(valid, "docx") == canonical_values(data)


@pytest.mark.parametrize("fmt", ["html", "md", "text"])
@pytest.mark.parametrize("path", GOLD, ids=[p.stem for p in GOLD])
def test_gold_round_trip_other_formats(path, fmt):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert parsed_back(validate(data), fmt) == canonical_values(data)
