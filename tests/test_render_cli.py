"""`nianbao template` and `nianbao render` end to end, including --force."""

from __future__ import annotations

import copy
import json
import os

import openpyxl

from nianbao.parser import parse

from .conftest import CORPUS

GOLD = json.loads((CORPUS / "gold" / "pingtan-2022.json").read_text(encoding="utf-8"))
BROKEN = json.loads((CORPUS / "gold" / "hongze-2023.json").read_text(encoding="utf-8"))  # table 四 totals do not add up


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_template_fill_render(tmp_path, run_cli):
    book = tmp_path / "填报表.xlsx"
    result = run_cli("template", "--edition", "2021", "-o", book)
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(book)
    info = wb["基本信息"]
    info["B4"], info["B5"], info["B6"] = 2024, "某某市某某区人民政府办公室", "2025-01-20"
    t4 = wb["表四"]
    for col, value in zip("ABCD", (1, 0, 0, 0)):
        t4[f"{col}6"] = value
    wb.save(book)
    out = tmp_path / "2024年报.docx"
    # Tables 二 and 三 still blank: not a report yet (the rule the web fill-in form applies too).
    result = run_cli("render", book, "-o", out)
    assert result.returncode == 1 and "表二、表三未填写" in result.stderr and not out.exists()
    wb["表二"]["B5"] = 2  # 规章 · 本年制发
    wb["表三"]["D6"] = 0  # 一、本年新收 · 自然人
    wb.save(book)
    result = run_cli("render", book, "-o", out)
    assert result.returncode == 0, result.stderr
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())  # a normal file, not mkstemp's 0600
    report = parse(out)
    assert report.year == 2024 and report.agency == "某某市某某区人民政府办公室"
    assert report.value("t4.review.total") == 1  # the formula total, computed on reading


def test_render_formats_from_json(tmp_path, run_cli):
    source = tmp_path / "report.json"
    source.write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    for fmt, suffix in (("html", ".html"), ("md", ".md"), ("text", ".txt"), ("docx", ".docx")):
        result = run_cli("render", source, "--to", fmt, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"report{suffix}").exists()
        assert parse(tmp_path / f"report{suffix}").value("t3.new_received.total") == GOLD["t3"]["new_received"]["total"]


def test_errors_refuse_without_force(tmp_path, run_cli):
    source = tmp_path / "hongze.json"
    source.write_text(json.dumps(BROKEN, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.docx"
    result = run_cli("render", source, "-o", out)
    assert result.returncode == 1
    assert "T4.TOTAL" in result.stderr and "--force" in result.stderr
    assert not out.exists()
    result = run_cli("render", source, "-o", out, "--force")
    assert result.returncode == 0 and out.exists()
    assert "T4.TOTAL" in result.stderr


def test_template_prefilled_from_json(tmp_path, run_cli):
    source = tmp_path / "last.json"
    data = copy.deepcopy(GOLD)
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    book = tmp_path / "book.xlsx"
    assert run_cli("template", "--edition", "2021", "--from", source, "-o", book).returncode == 0
    result = run_cli("render", book, "-o", tmp_path / "r.md")
    assert result.returncode == 0, result.stderr
    assert parse(tmp_path / "r.md").value("t2.administrative_licensing.decisions") == 10690
    assert run_cli("template", "--edition", "2019", "--from", source, "-o", tmp_path / "x.xlsx").returncode == 2
    assert not (tmp_path / "x.xlsx").exists()
