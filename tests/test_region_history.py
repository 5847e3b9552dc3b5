"""An agency's region corrected by hand, with history (store/region_history.py), from the CLI
(`nianbao region set/history`) and the web app; a correction survives re-parse."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.store.db import Store
from nianbao.store.ingest import ingest
from nianbao.store.models import Agency, StoredReport
from nianbao.store.region_history import BadRegion, correct_region, find_agency, history, validated

from .checks_helpers import SOURCES
from .store_support import database_target, drop_pg_database

runner = CliRunner()
SOURCE = "pingtan-transport-2020.txt"  # 平潭综合实验区交通与建设局: placed by its name in 平潭县 (350128)
AGENCY = "平潭综合实验区交通与建设局"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A store holding one ingested report, on SQLite and on PostgreSQL (skipped without NIANBAO_TEST_PG)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(p for p in SOURCES if p.name == SOURCE), folder)
    target = database_target(request.param, tmp_path)
    store = Store(target)
    try:
        ingest(store, [folder / SOURCE], root=folder, parser_version="v1")
    finally:
        store.close()
    yield target
    if request.param == "postgresql":
        drop_pg_database(target)


def _regions(path) -> tuple[tuple, list[tuple]]:
    store = Store(str(path))
    try:
        with store.session() as session:
            agency = session.execute(select(Agency.province, Agency.city, Agency.county, Agency.region_code,
                                            Agency.level)).one()
            reports = session.execute(select(StoredReport.parser_version, StoredReport.province, StoredReport.city,
                                             StoredReport.county, StoredReport.region_code, StoredReport.level)
                                      .order_by(StoredReport.id)).all()
        return tuple(agency), [tuple(r) for r in reports]
    finally:
        store.close()


def test_a_code_correction_fills_the_names_keeps_history_and_survives_reparse(db, tmp_path):
    before, _ = _regions(db)
    assert before[3] == "350128"
    store = Store(str(db))
    try:
        agency_id, _ = find_agency(store, AGENCY)
        done = correct_region(store, agency_id, {"region_code": "350102"}, "张三", "按单位地址更正")
        assert {c.field for c in done} == {"region_code", "county"}  # still 福建省 福州市
        rows = history(store, agency_id)
        assert [(r["field"], r["old"], r["new"], r["author"]) for r in rows] == [
            ("region_code", "350128", "350102", "张三"), ("county", "平潭县", "鼓楼区", "张三")]
        assert rows[0]["note"] == "按单位地址更正" and rows[0]["at"]
        # A re-parse by a newer parser writes a new report row: the correction is applied to it.
        folder = tmp_path / "in"
        ingest(store, [folder / SOURCE], root=folder, parser_version="v2")
    finally:
        store.close()
    agency, reports = _regions(db)
    assert agency[:4] == ("福建省", "福州市", "鼓楼区", "350102")
    assert [r[0] for r in reports] == ["v1", "v2"]
    assert all(r[1:5] == ("福建省", "福州市", "鼓楼区", "350102") for r in reports)


def test_clearing_a_field_and_correcting_the_level(db):
    store = Store(str(db))
    try:
        agency_id, _ = find_agency(store, AGENCY)
        correct_region(store, agency_id, {"county": "", "level": "部门"})
        assert correct_region(store, agency_id, {"county": None}) == []  # already clear: no history row
        assert [(r["field"], r["new"]) for r in history(store, agency_id)] == [("county", None)]
    finally:
        store.close()
    agency, reports = _regions(db)
    assert agency[2] is None and reports[0][3] is None


@pytest.mark.parametrize("changes, words", [
    ({"region_code": "35012"}, "行政区划代码应为 6 位数字"),
    ({"level": "村"}, "层级应为 省、市、县、乡镇街道、部门 之一"),
    ({"capital": "福州"}, "未知字段 capital"),
    ({}, "未给出要更正的字段"),
    ({"county": "县" * 41}, "过长"),
])
def test_bad_corrections_are_refused_by_field(changes, words):
    with pytest.raises(BadRegion) as caught:
        validated(changes)
    assert words in str(caught.value)


# ------------------------------------------------------------------ CLI
def test_cli_set_and_history(db):
    result = runner.invoke(app, ["region", "set", AGENCY, "--county", "平潭县（试验区）", "--author", "李四", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "县：平潭县 → 平潭县（试验区）" in result.output
    listed = runner.invoke(app, ["region", "history", AGENCY, "--db", str(db)])
    assert listed.exit_code == 0 and "李四" in listed.output and "平潭县 → 平潭县（试验区）" in listed.output
    again = runner.invoke(app, ["region", "set", AGENCY, "--county", "平潭县（试验区）", "--db", str(db)])
    assert again.exit_code == 0 and "未作更改" in again.output


def test_cli_refuses_clearly(db):
    unknown = runner.invoke(app, ["region", "set", "不存在的局", "--county", "某县", "--db", str(db)])
    assert unknown.exit_code == 2 and "未找到机关" in unknown.output and "Traceback" not in unknown.output
    bad = runner.invoke(app, ["region", "set", AGENCY, "--code", "abc", "--db", str(db)])
    assert bad.exit_code == 2 and "行政区划代码应为 6 位数字" in bad.output


# ------------------------------------------------------------------ web
fastapi = pytest.importorskip("fastapi", reason="web dependencies not installed")


@pytest.fixture
def client(db, tmp_path):
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    web_app = create_app(str(db), files_dir=tmp_path / "files")
    yield TestClient(web_app)
    web_app.state.store.close()


def _agency_id(db) -> int:
    store = Store(str(db))
    try:
        return find_agency(store, AGENCY)[0]
    finally:
        store.close()


def test_web_api_corrects_with_history(client, db):
    agency_id = _agency_id(db)
    response = client.post(f"/api/agencies/{agency_id}/region", json={"region_code": "350102", "author": "王五"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["region"]["county"] == "鼓楼区" and body["history"][0]["author"] == "王五"
    assert client.get(f"/api/agencies/{agency_id}/region").json()["history"] == body["history"]
    refused = client.post(f"/api/agencies/{agency_id}/region", json={"level": "村"})
    assert refused.status_code == 422 and "层级" in refused.json()["detail"]
    assert client.post("/api/agencies/999999/region", json={"county": "某县"}).status_code == 404


def test_web_form_on_the_agency_page(client, db):
    agency_id = _agency_id(db)
    page = client.get(f"/agencies/{agency_id}").text
    assert "所属地区" in page and "平潭县" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "province": "福建省", "city": "福州市", "county": "平潭县", "township": "",
            "region_code": "350128", "level": "部门", "author": "赵六", "note": "层级更正"}
    form["level"] = "县"
    response = client.post(f"/agencies/{agency_id}/region", data=form, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(f"/agencies/{agency_id}").text
    assert "赵六" in page and "层级更正" in page
    assert client.get(f"/api/agencies/{agency_id}/region").json()["region"]["level"] == "县"
    without_token = client.post(f"/agencies/{agency_id}/region", data={**form, "csrf_token": "x"}, follow_redirects=False)
    assert without_token.status_code in (400, 403)


def test_migration_0010_matches_the_model(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.store.models import Base

    store = Store(str(db))
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        store.close()
    assert [d for d in differences if "region_corrections" in str(d)] == []
