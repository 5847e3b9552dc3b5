"""The whole corpus: no false alarms; `nianbao check` on the command line."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from nianbao.checks import check_all
from nianbao.cli import app

from .checks_helpers import GOLD, GOLD_BROKEN, SOURCES, errors, gold_json, parsed

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus_results():
    return {report.source: findings for report, findings in check_all([parsed(p.name) for p in SOURCES])}


def test_no_error_on_a_report_whose_gold_arithmetic_holds(corpus_results):
    for source, findings in corpus_results.items():
        if source in GOLD_BROKEN:
            continue
        assert not errors(findings), (source, [f.message for f in errors(findings)])


def test_every_report_with_broken_printed_arithmetic_has_errors(corpus_results):
    for source in GOLD_BROKEN:
        assert errors(corpus_results[source])


def test_corpus_has_the_expected_warnings(corpus_results):
    assert "ARITH.UNVERIFIABLE" in [f.code for f in corpus_results["shanghai-gov-office-2019.html"]]
    assert "EDITION.OUTDATED" in [f.code for f in corpus_results["pingtan-haitan-2021.txt"]]


# ------------------------------------------------------------------ CLI
def _source(name):
    return next(p for p in SOURCES if p.name == name)


def test_exit_0_without_errors():
    result = runner.invoke(app, ["check", str(_source("001_4d1df608bebf6125.txt"))])
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output


def test_exit_1_with_errors_and_chinese_messages():
    result = runner.invoke(app, ["check", str(_source("pingtan-haitan-2021.txt"))])
    assert result.exit_code == 1
    assert "EDITION.OUTDATED" in result.output and "勾稽关系不成立" in result.output


def test_exit_2_when_input_cannot_be_read(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert runner.invoke(app, ["check", str(empty)]).exit_code == 2
    assert runner.invoke(app, ["check", str(tmp_path / "nowhere.pdf")]).exit_code == 2


def test_json_for_a_folder_mixing_reports_and_canonical_json(tmp_path):
    shutil.copy(_source("pingtan-haitan-2021.txt"), tmp_path)
    shutil.copy(GOLD / "hongze-2023.json", tmp_path / "hongze-gold.json")
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    records = {r["source"]: r for r in json.loads(result.stdout)}
    assert set(records) == {"pingtan-haitan-2021.txt", "hongze-2023.pdf"}
    hongze = records["hongze-2023.pdf"]
    assert hongze["edition"] == "2021"
    review = next(f for f in hongze["findings"] if f["code"] == "T4.TOTAL" and "t4.review.total" in f["cells"])
    assert review["severity"] == "error" and (review["expected"], review["found"]) == (11, 0)
    assert review["message"] and review["message_en"]


def test_parse_output_checks_the_same_as_the_source(tmp_path):
    parsed_json = tmp_path / "parsed.json"
    parsed_json.write_text(json.dumps(parsed("pingtan-agriculture-2024.txt").to_dict(), ensure_ascii=False), encoding="utf-8")
    from_json = json.loads(runner.invoke(app, ["check", str(parsed_json), "-f", "json"]).stdout)[0]["findings"]
    from_source = json.loads(runner.invoke(app, ["check", str(_source("pingtan-agriculture-2024.txt")), "-f", "json"]).stdout)[0]["findings"]
    assert [f["code"] for f in from_json] == [f["code"] for f in from_source]


def test_consecutive_years_in_one_run_are_compared(tmp_path):
    data = gold_json("pingtan-2022.json")
    previous = dict(data, year=2021, t3=dict(data["t3"], carried_forward=dict(data["t3"]["carried_over"], natural_person=5)))
    (tmp_path / "2022.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "2021.json").write_text(json.dumps(previous, ensure_ascii=False), encoding="utf-8")
    records = json.loads(runner.invoke(app, ["check", str(tmp_path), "-f", "json"]).stdout)
    codes = {r["year"]: [f["code"] for f in r["findings"]] for r in records}
    assert "CROSS.CARRY_OVER" in codes[2022] and "CROSS.CARRY_OVER" not in codes[2021]


def test_xlsx_workbook(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "inspection.xlsx"
    for name in ("pingtan-haitan-2021.txt", "001_4d1df608bebf6125.txt"):
        shutil.copy(_source(name), tmp_path)
    result = runner.invoke(app, ["check", str(tmp_path), "--xlsx", str(out)])
    assert result.exit_code == 1 and out.exists()
    book = load_workbook(out)
    reports, findings = book["报告 reports"], book["问题 findings"]
    rows = {row[0]: row for row in reports.iter_rows(min_row=2, values_only=True)}
    assert rows["pingtan-haitan-2021.txt"][5] == 4 and rows["001_4d1df608bebf6125.txt"][8] == "通过 passed"
    codes = [row[4] for row in findings.iter_rows(min_row=2, values_only=True)]
    assert "EDITION.OUTDATED" in codes and "T3.IDENTITY" in codes
