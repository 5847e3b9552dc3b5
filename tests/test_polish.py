"""Every command and page does what it says: the small promises users meet first."""

from __future__ import annotations

import csv
import io
import json

import pytest

from nianbao import editions
from nianbao.render.complete import completeness
from nianbao.web import views

from .conftest import CORPUS

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.web.app import create_app  # noqa: E402

GOLD = json.loads((CORPUS / "gold" / "pingtan-2022.json").read_text(encoding="utf-8"))


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(str(tmp_path / "web.db")))


def _form_cells(blank_table: str) -> dict[str, float | None]:
    """What the fill-in form posts: the gold values, one table left blank."""
    cells: dict[str, float | None] = {}
    for path in views.cell_paths(GOLD["edition"]):
        table, row, column = path.split(".")
        cells[path] = None if table == blank_table else GOLD[table][row][column]
    return cells


# ------------------------------------------------------------------ one completeness rule for both doors
def test_a_blank_table_is_refused_by_the_form_and_by_render_alike(client, run_cli, tmp_path):
    body = {"edition": GOLD["edition"], "year": GOLD["year"], "agency": GOLD["agency"], "cells": _form_cells("t4")}
    status = client.post("/api/fill/complete", json=body).json()
    assert status["complete"] is False and status["blank_tables"] == ["表四"]
    assert any("表四未填写" in m for m in status["messages"])
    refused = client.post("/api/fill/render", params={"format": "docx"}, json=body)
    assert refused.status_code == 422 and "表四未填写" in refused.json()["detail"]

    # The same data, saved as the form's JSON, is refused by `nianbao render` for the same reason.
    draft = tmp_path / "draft.json"
    draft.write_bytes(client.post("/api/fill/render", params={"format": "json"}, json=body).content)
    out = tmp_path / "r.docx"
    result = run_cli("render", draft, "-o", out)
    assert result.returncode == 1 and "表四未填写" in result.stderr and "--force" in result.stderr
    assert not out.exists()
    assert run_cli("render", draft, "-o", out, "--force").returncode == 0 and out.exists()


def test_blank_cells_are_counted_and_named():
    data = json.loads(json.dumps(GOLD))
    data["t3"]["granted"]["natural_person"] = None
    data["t2"]["regulations"]["issued"] = None
    gaps = completeness(data)
    assert gaps.complete and gaps.n_blank == 2 and gaps.blank_cells == {"表二": 1, "表三": 1}
    assert "另有 2 个单元格空白" in gaps.messages()[0] and "表二 1 格" in gaps.messages()[0]
    full = completeness(GOLD)
    assert full.complete and full.n_blank == 0 and not full.messages()
    edition = editions.get(GOLD["edition"])
    assert full.n_cells == sum(len(t.columns_of(r)) for t in edition.tables for r in t.rows)


# ------------------------------------------------------------------ CSV for Excel
def test_parse_csv_opens_in_excel_and_says_whose_rows(run_cli, tmp_path):
    one, many = tmp_path / "one.csv", tmp_path / "many.csv"
    sources = [CORPUS / "dev" / "pingtan-2019.txt", CORPUS / "dev" / "pingtan-2022.txt"]
    assert run_cli("parse", sources[0], "--format", "csv", "-o", one).returncode == 0
    assert run_cli("parse", *sources, "--format", "csv", "-o", many).returncode == 0
    for path in (one, many):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows and all(row["agency"] and row["year"].isdigit() for row in rows)
    years = {row["year"] for row in csv.DictReader(io.StringIO(many.read_bytes().decode("utf-8-sig")))}
    assert years == {"2019", "2022"}
    # Standard output is for pipes: no mark there.
    assert not run_cli("parse", sources[0], "--format", "csv").stdout.startswith("\ufeff")


# ------------------------------------------------------------------ the command line's own errors
@pytest.mark.parametrize("args, chinese", [
    (["render"], "缺少参数 SOURCE"),
    (["render", "a.json", "--to", "pdf"], "只能是 docx、html、md、text 之一"),
    (["parse", "--bogus", "a.txt"], "没有选项 --bogus"),
    (["bogus"], "没有这个命令（可用命令：parse、check"),
    (["render", "a.json", "b.json"], "多余的参数：b.json"),
    (["render", "a.json", "--to"], "选项 --to 后面需要一个值"),
])
def test_usage_errors_are_said_in_chinese_first(run_cli, args, chinese):
    result = run_cli(*args)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("错误：") and chinese in first and "Traceback" not in result.stderr
    assert "╭" not in result.stderr  # one plain message, not click's English panel


def test_help_and_command_exit_codes_are_kept(run_cli, tmp_path):
    assert run_cli("--help").returncode == 0 and run_cli("render", "--help").returncode == 0
    missing = run_cli("render", tmp_path / "none.json")
    assert missing.returncode == 2 and missing.stderr.startswith("错误：找不到输入文件")


def test_correct_says_what_a_value_may_be(run_cli, tmp_path):
    db = tmp_path / "x.db"
    result = run_cli("correct", "abc", "t3.granted.total", "abc", "--db", db)
    assert result.returncode == 2
    assert "应为数字" in result.stderr and "null" in result.stderr and "could not convert" not in result.stderr
    assert not db.exists()  # refused before anything is opened
