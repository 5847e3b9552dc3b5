"""/api/health answers without a login once accounts exist, and then says nothing but status,
version and whether the database is reachable; 503 when it is not."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from nianbao import __version__  # noqa: E402
from nianbao.store import accounts as store_accounts  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402

from .test_web_accounts import PASSWORD, _log_in  # noqa: E402

ANONYMOUS_FIELDS = {"ok", "status", "version", "database"}


@pytest.fixture
def app(tmp_path):
    return create_app(str(tmp_path / "web.db"))


def _add_reviewer(app) -> None:
    with app.state.store.store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "reviewer")


def test_without_accounts_health_says_what_scripts_read(app):
    data = TestClient(app).get("/api/health").json()
    assert data["ok"] is True and data["database"] is True and data["version"] == __version__
    assert data["reports"] == 0 and data["auth"] is False and data["max_upload"] > 0


def test_with_accounts_an_anonymous_caller_gets_status_version_and_database_only(app):
    _add_reviewer(app)
    anonymous = TestClient(app)
    answer = anonymous.get("/api/health")
    assert answer.status_code == 200 and set(answer.json()) == ANONYMOUS_FIELDS and answer.json()["ok"] is True
    assert anonymous.get("/api/reports").status_code == 401  # the rest still asks for a login
    reviewer = TestClient(app)
    assert _log_in(reviewer, "张三").status_code == 303
    assert reviewer.get("/api/health").json()["reports"] == 0


def test_a_database_that_does_not_answer_is_503_without_a_traceback(app, tmp_path):
    _add_reviewer(app)
    store = app.state.store.store
    store.engine = create_engine(f"sqlite:///{tmp_path / 'no such folder' / 'gone.db'}")
    answer = TestClient(app, raise_server_exceptions=False).get("/api/health")
    assert answer.status_code == 503
    assert answer.json() == {"ok": False, "status": "数据库不可达 database unreachable", "version": __version__,
                             "database": False}


def test_the_host_check_still_applies(app):
    assert TestClient(app).get("/api/health", headers={"host": "evil.example"}).status_code == 400
