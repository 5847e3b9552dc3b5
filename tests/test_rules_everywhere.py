"""A local rules file (`--rules`) applies wherever reports are checked: `nianbao check`,
`nianbao ingest` (workers and the linking pass) and the web app (`nianbao serve --rules`)."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from nianbao.checks.config import load
from nianbao.cli import app
from nianbao.store.db import Store
from nianbao.store.ingest import ingest
from nianbao.store.linking import cross_year_findings
from nianbao.store.models import StoredFinding

from .checks_helpers import SOURCES, codes, parsed_copy

runner = CliRunner()
TERSE = "pingtan-agriculture-2024.txt"  # its section 五 names no specific measure: PROBLEMS.NO_MEASURES
LENIENT = "thresholds:\n  measures_min_specific: 0\n"


def _rules(tmp_path, text: str):
    path = tmp_path / "本地规则.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _source(name: str):
    return next(p for p in SOURCES if p.name == name)


def _stored_codes(db) -> list[str]:
    store = Store(str(db))
    try:
        with store.session() as session:
            return list(session.scalars(select(StoredFinding.code)))
    finally:
        store.close()


def test_ingest_checks_under_the_rules_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(_source(TERSE), folder)
    national, local = tmp_path / "national.db", tmp_path / "local.db"
    assert runner.invoke(app, ["ingest", str(folder), "--db", str(national)]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(local), "--rules", str(_rules(tmp_path, LENIENT))])
    assert result.exit_code == 0, result.output
    assert "PROBLEMS.NO_MEASURES" in _stored_codes(national)
    assert "PROBLEMS.NO_MEASURES" not in _stored_codes(local)


def test_ingest_refuses_a_bad_rules_file_before_reading(tmp_path):
    bad = _rules(tmp_path, "thresholds:\n  measures_min_specific: -3\n")
    result = runner.invoke(app, ["ingest", str(_source(TERSE)), "--db", str(tmp_path / "x.db"), "--rules", str(bad)])
    assert result.exit_code == 2 and "thresholds.measures_min_specific" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.db").exists()


def test_library_ingest_with_workers_uses_the_rules(tmp_path):
    store = Store(str(tmp_path / "w.db"))
    try:
        ingest(store, [_source(TERSE)], workers=2, rules=load(_rules(tmp_path, LENIENT)))
    finally:
        store.close()
    assert "PROBLEMS.NO_MEASURES" not in _stored_codes(tmp_path / "w.db")


def test_linking_pass_uses_the_rules_thresholds(tmp_path):
    now, last = parsed_copy("pingtan-2022.txt"), parsed_copy("pingtan-2022.txt")
    last.year = 2021
    assert "COPY.PREVIOUS_YEAR" in codes(cross_year_findings(now, last))
    rules = load(_rules(tmp_path, "thresholds:\n  copy_similarity: 1\n  copy_min_chars: 1000000\n"))
    assert "COPY.PREVIOUS_YEAR" not in codes(cross_year_findings(now, last, rules))


# ------------------------------------------------------------------ the web app
fastapi = pytest.importorskip("fastapi", reason="web dependencies not installed")


def _uploaded_codes(web_app) -> list[str]:
    from fastapi.testclient import TestClient

    client = TestClient(web_app)
    response = client.post("/api/reports", files={"files": (TERSE, _source(TERSE).read_bytes())})
    assert response.status_code == 201, response.text
    report_id = response.json()["results"][0]["id"]
    return [f["code"] for f in client.get(f"/api/reports/{report_id}").json()["findings"]]


def test_web_app_checks_uploads_under_the_rules(tmp_path):
    from nianbao.web.app import create_app

    national = create_app(str(tmp_path / "n.db"))
    local = create_app(str(tmp_path / "l.db"), rules=load(_rules(tmp_path, LENIENT)))
    try:
        assert "PROBLEMS.NO_MEASURES" in _uploaded_codes(national)
        assert "PROBLEMS.NO_MEASURES" not in _uploaded_codes(local)
    finally:
        national.state.store.close()
        local.state.store.close()


def test_serve_refuses_a_bad_rules_file(tmp_path):
    pytest.importorskip("uvicorn")
    bad = _rules(tmp_path, "thresholds:\n  copy_similarity: 5\n")
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "s.db"), "--rules", str(bad)])
    assert result.exit_code == 2 and "thresholds.copy_similarity" in result.output and "Traceback" not in result.output


def test_serve_workers_read_the_rules_file(tmp_path, monkeypatch):
    from nianbao.cli.web import app_from_env

    monkeypatch.setenv("NIANBAO_WEB_DB", str(tmp_path / "f.db"))
    monkeypatch.setenv("NIANBAO_WEB_FILES", str(tmp_path / "files"))
    monkeypatch.setenv("NIANBAO_WEB_RULES", str(_rules(tmp_path, LENIENT)))
    web_app = app_from_env()
    try:
        assert web_app.state.store.rules.thresholds.measures_min_specific == 0
    finally:
        web_app.state.store.close()
