"""The web's list exports (/api/export.csv, /api/export.xlsx) name their columns in the shared
export builder's words (store/export.py): Chinese labels like `nianbao export --header zh`, keys,
or both rows; XLSX writes Chinese over keys by default, as the CLI does."""

from __future__ import annotations

import csv
import io

import pytest

from nianbao.store.export import columns

from .checks_helpers import SOURCES

fastapi = pytest.importorskip("fastapi", reason="web dependencies not installed")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    folder = tmp_path_factory.mktemp("headers")
    web_app = create_app(str(folder / "h.db"), files_dir=folder / "files")
    client = TestClient(web_app)
    for name in ("pingtan-2022.txt", "shanghai-gov-office-2019.html"):
        data = next(p for p in SOURCES if p.name == name).read_bytes()
        assert client.post("/api/reports", files={"files": (name, data)}).status_code == 201
    yield client
    web_app.state.store.close()


def _rows(client, **params) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get("/api/export.csv", params=params).content.decode("utf-8-sig"))))


def test_csv_headers_are_the_builders_labels(client):
    chinese, keys = _rows(client, header="both")[:2]
    builder = dict(columns(long=False)) | dict(columns(long=True))
    named = dict(zip(keys, chinese))
    shared = [key for key in keys if key in builder]
    assert len(shared) > 200  # the report fields and every cell column of both editions
    assert all(named[key] == builder[key] for key in shared)
    assert named["agency"] == "机关" and named["t3.granted.total"] == builder["t3.granted.total"]
    assert all(label != key for label, key in zip(chinese, keys))  # every column has a Chinese name
    assert _rows(client, header="zh")[0] == chinese and _rows(client)[0] == keys  # keys by default, as the CLI's CSV
    assert len(_rows(client, header="zh")) == 1 + 2


def test_cell_list_headers_in_chinese(client):
    rows = _rows(client, kind="cells", header="zh")
    assert rows[0][:5] == ["报告编号", "文件", "机关", "原文机关名称", "年度"] and "数值" in rows[0] and "解析值" in rows[0]
    assert len(rows) > 100


def test_xlsx_writes_chinese_over_keys(client):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/api/export.xlsx").content))
    reports = book["报告 reports"]
    assert reports["A1"].value == "报告编号" and reports["A2"].value == "id" and reports.freeze_panes == "A3"
    assert book["单元格 cells"]["C1"].value == "机关" and book["单元格 cells"]["C2"].value == "agency"
    keys_only = load_workbook(io.BytesIO(client.get("/api/export.xlsx", params={"header": "key"}).content))
    assert keys_only["报告 reports"]["A1"].value == "id"


def test_unknown_header_is_refused(client):
    assert client.get("/api/export.csv", params={"header": "fr"}).status_code == 422
