"""Every command and page does what it says: the small promises users meet first."""

from __future__ import annotations

import csv
import io
import json

import pytest

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

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
    assert status["complete"] is False and status["blank_tables"] == ["表四"] and status["n_blank"] == 0
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


# ------------------------------------------------------------------ spreadsheets people open
def _assert_list_sheet(ws, header_rows: int = 1) -> None:
    """Header frozen, filter buttons over the table, columns sized to their content (not Excel's default)."""
    assert ws.freeze_panes == f"A{header_rows + 1}", ws.title
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{header_rows}:"), ws.title
    widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)]
    assert all(w and w >= 6 for w in widths), (ws.title, widths)
    assert all(cell.font.bold for cell in ws[header_rows] if cell.value is not None), ws.title


def test_check_workbook_has_chinese_severities_and_a_usable_layout(run_cli, tmp_path):
    book_path = tmp_path / "w.xlsx"
    run_cli("check", CORPUS / "dev" / "hongze-2023.pdf", "--xlsx", book_path)
    book = load_workbook(book_path)
    for ws in book.worksheets:
        _assert_list_sheet(ws)
    findings = book["问题 findings"]
    severities = {row[3] for row in findings.iter_rows(min_row=2, values_only=True)}
    assert severities and severities <= {"错误", "警告", "提示"}
    message = [c for c in findings[1] if c.value == "说明 message"][0].column
    assert any(row[message - 1].alignment.wrap_text for row in findings.iter_rows(min_row=2))


def test_store_export_and_web_exports_share_the_layout(run_cli, client, tmp_path):
    db, target = tmp_path / "s.db", tmp_path / "e.xlsx"
    assert run_cli("ingest", CORPUS / "dev" / "pingtan-2022.txt", "--db", db).returncode == 0
    assert run_cli("export", "--db", db, "--to", target).returncode == 0
    exported = load_workbook(target)
    _assert_list_sheet(exported["reports"], header_rows=2)  # Chinese names over keys

    upload = client.post("/api/reports", files={"files": ("p.txt", (CORPUS / "dev" / "pingtan-2022.txt").read_bytes())})
    assert upload.status_code == 201
    book = load_workbook(io.BytesIO(client.get("/api/export.xlsx").content))
    for ws in book.worksheets:  # the lists: Chinese headers over keys, as `nianbao export`
        _assert_list_sheet(ws, header_rows=1 if ws.title == "说明 legend" else 2)
    for ws in load_workbook(io.BytesIO(client.get("/api/export/workbook.xlsx").content)).worksheets:
        _assert_list_sheet(ws)


def test_fill_in_template_prints_each_table_on_one_page(run_cli, tmp_path):
    book_path = tmp_path / "t.xlsx"
    assert run_cli("template", "-o", book_path).returncode == 0
    book = load_workbook(book_path)
    for name in ("表二", "表三", "表四"):
        ws = book[name]
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1), name
    assert book["表四"].page_setup.orientation == "landscape"  # 15 columns across
