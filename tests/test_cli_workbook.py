"""`nianbao parse` and `check` read nianbao's own fill-in workbook; other spreadsheets are refused clearly."""

from __future__ import annotations

import json
import shutil

import openpyxl

from .conftest import CORPUS, gold

GOLD = CORPUS / "gold" / "pingtan-2022.json"


def _clean(result):
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def _book(run_cli, tmp_path, name="book.xlsx"):
    book = tmp_path / name
    result = run_cli("template", "--edition", "2021", "--from", GOLD, "-o", book)
    assert result.returncode == 0, result.stderr
    return book


def test_parse_reads_the_fill_in_workbook(run_cli, tmp_path):
    book = _book(run_cli, tmp_path)
    result = run_cli("parse", book, "--canonical")
    _clean(result)
    assert result.returncode == 0, result.stderr
    data, expected = json.loads(result.stdout), gold("pingtan-2022.json")
    for key in ("edition", "year", "agency", "t2", "t3", "t4"):
        assert data[key] == expected[key], key
    assert data["source"] == "book.xlsx" and data["uncertain"] == []
    full = json.loads(run_cli("parse", book).stdout)
    assert full["format"] == "xlsx" and full["complete"] is True and len(full["sha256"]) == 64


def test_the_workbook_is_known_by_its_content_and_in_folders(run_cli, tmp_path):
    book = _book(run_cli, tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(book, folder / "填报表.bin")
    shutil.copy(CORPUS / "dev" / "pingtan-2019.txt", folder / "p.txt")
    result = run_cli("parse", folder)
    _clean(result)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["format"] for line in result.stdout.splitlines()] == ["text", "xlsx"]


def test_check_reads_the_fill_in_workbook(run_cli, tmp_path):
    book = _book(run_cli, tmp_path)
    result = run_cli("check", book, "--format", "json")
    _clean(result)
    assert result.returncode == 0, result.stderr
    [record] = json.loads(result.stdout)
    assert record["source"] == "book.xlsx" and record["year"] == 2022 and record["findings"] == []
    # a total the writer typed over the formula is read as typed, and the check says it does not add up
    wb = openpyxl.load_workbook(book)
    sheet = wb["表四"]
    sheet["E6"] = 99
    wb.save(book)
    result = run_cli("check", book, "--format", "json")
    _clean(result)
    assert result.returncode == 1, result.stdout
    [record] = json.loads(result.stdout)
    assert any(f["severity"] == "error" for f in record["findings"])


def test_other_spreadsheets_are_refused_clearly(run_cli, tmp_path):
    other = tmp_path / "data.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "申请数"
    wb.active["B1"] = 12
    wb.save(other)
    for command in ("parse", "check"):
        result = run_cli(command, other)
        _clean(result)
        assert result.returncode == 2
        assert "不读取电子表格" in result.stderr and "spreadsheets are not read" in result.stderr
        assert "zip" not in result.stderr
