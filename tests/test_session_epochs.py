"""A changed password signs out everywhere else: the account's session epoch moves on with every
password change or reset, a browser session carries the epoch it logged in at and is signed out
once they differ (web/accounts.py); the session that made the change stays.  Also the JSON API
for the change (POST /api/account/password).  On SQLite and PostgreSQL (NIANBAO_TEST_PG)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.store import accounts as store_accounts  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402

from .store_support import database_target, drop_pg_database, store_fixture  # noqa: E402,F401
from tests.web_support import csrf_token  # noqa: E402

PASSWORD, NEW, TOKEN = "correct horse battery", "a brand new passphrase", "s3cret-token"
CHANGED_ELSEWHERE = "密码已更改，请重新登录"
API = "/api/account/password"


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    """The web app on an empty database with the reviewer 张三 and the read-only 李四."""
    target = database_target(request.param, tmp_path)
    made = create_app(target, auth_token=TOKEN)
    with made.state.store.store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "reviewer")
        store_accounts.add_account(session, "李四", PASSWORD, "viewer")
    yield made
    made.state.store.close()
    if request.param == "postgresql":
        drop_pg_database(target)


def _csrf(client) -> str:
    return csrf_token(client, "/login")


def _logged_in(app, name: str = "张三", password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    answer = client.post("/login", data={"user": name, "token": password, "csrf_token": _csrf(client)},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def _change_by_form(client: TestClient, current: str, new: str):
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/account/password").text).group(1)
    return client.post("/account/password", follow_redirects=False,
                       data={"current": current, "new": new, "again": new, "csrf_token": csrf})


def _change_by_api(client: TestClient, current: str, new: str, **headers: str):
    return client.post(API, json={"current": current, "new": new}, headers={"X-CSRF-Token": _csrf(client), **headers})


def _me(client: TestClient):
    return client.get("/api/me")


# ------------------------------------------------------------------ store
def test_every_password_change_or_reset_moves_the_epoch_on(store):  # noqa: F811  (fixture)
    with store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "reviewer")
    with store.session() as session, session.begin():
        assert store_accounts.session_epoch(session, "张三") == 0
        assert store_accounts.change_own_password(session, "张三", PASSWORD, NEW) == 1
        assert store_accounts.set_password(session, "张三", PASSWORD) == 2
        with pytest.raises(store_accounts.WrongPassword):
            store_accounts.change_own_password(session, "张三", "not the password", NEW)
    with store.session() as session:
        assert store_accounts.session_epoch(session, "张三") == 2  # a refused change moves nothing
        assert store_accounts.session_epoch(session, "无此人") is None


def test_migration_0016_matches_the_model_and_downgrades(store):  # noqa: F811  (fixture)
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from nianbao.store.db import alembic_config
    from nianbao.store.models import Base

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "session_epoch" in str(d)] == []
    config = alembic_config()
    for revision, present in (("0015", False), ("head", True)):
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if revision == "0015" else command.upgrade)(config, revision)
        columns = {column["name"] for column in inspect(store.engine).get_columns("accounts")}
        assert ("session_epoch" in columns) is present


# ------------------------------------------------------------------ the web app
def test_a_changed_password_signs_out_the_other_sessions_only(app):
    here, elsewhere, someone_else = _logged_in(app), _logged_in(app), _logged_in(app, "李四")
    assert _change_by_form(here, PASSWORD, NEW).status_code == 303
    assert _me(here).json()["name"] == "张三"  # the session that changed it stays
    assert _me(someone_else).json()["name"] == "李四"  # another account is untouched
    page = elsewhere.get("/reports/1", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/reports/1&signed_out=password"
    assert CHANGED_ELSEWHERE in elsewhere.get(page.headers["location"]).text
    assert _me(elsewhere).status_code == 401  # the cookie now holds no login
    assert _me(_logged_in(app, "张三", NEW)).json()["name"] == "张三"


def test_an_api_request_of_a_stale_session_is_told_why(app):
    here, elsewhere = _logged_in(app), _logged_in(app)
    assert _change_by_api(here, PASSWORD, NEW).status_code == 200
    stale = _me(elsewhere)
    assert stale.status_code == 401 and CHANGED_ELSEWHERE in stale.json()["detail"]
    refused = elsewhere.post("/api/reports/1/recheck", headers={"X-CSRF-Token": _csrf(elsewhere)})
    assert refused.status_code == 401


def test_an_administrators_reset_signs_out_every_session_of_the_account(tmp_path):
    from typer.testing import CliRunner

    from nianbao.cli import app as cli

    db = str(tmp_path / "reset.db")
    app = create_app(db)
    with app.state.store.store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "reviewer")
    first, second = _logged_in(app), _logged_in(app)
    reset = CliRunner().invoke(cli, ["user", "passwd", "张三", "--password-stdin", "--db", db], input=NEW + "\n")
    assert reset.exit_code == 0 and "已退出" in reset.output
    for client in (first, second):
        assert CHANGED_ELSEWHERE in _me(client).json()["detail"]
    assert _me(_logged_in(app, "张三", NEW)).json()["name"] == "张三"


def test_a_removed_account_is_signed_out_with_a_reason(app):
    client = _logged_in(app)
    admin = {"Authorization": f"Bearer {TOKEN}"}
    assert TestClient(app).delete("/api/accounts/张三", headers=admin).status_code == 200
    page = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.headers["location"].endswith("signed_out=removed")
    assert "账户已被删除" in client.get(page.headers["location"]).text


def test_an_unknown_reason_on_the_login_page_says_nothing(app):
    assert 'id="signed-out"' not in TestClient(app).get("/login?signed_out=anything").text


# ------------------------------------------------------------------ the JSON API
def test_the_api_changes_the_password_and_logs_it(app):
    client = _logged_in(app)
    answer = _change_by_api(client, PASSWORD, NEW)
    assert answer.status_code == 200
    assert answer.json() == {"changed": "张三", "other_sessions_signed_out": True}
    with app.state.store.store.session() as session:
        entry = store_accounts.audit_entries(session, 1)[0]
        assert (entry.author, entry.action, entry.target) == ("张三", "account.passwd", "张三")
    assert _logged_in(app, "张三", NEW)


def test_a_read_only_account_changes_its_own_password_too(app):
    assert _change_by_api(_logged_in(app, "李四"), PASSWORD, NEW).status_code == 200
    assert _change_by_form(_logged_in(app, "李四", NEW), NEW, PASSWORD).status_code == 303


@pytest.mark.parametrize("current, new, words", [
    ("wrong password!", NEW, "当前密码不正确"),
    (PASSWORD, "short", "密码至少"),
    (PASSWORD, PASSWORD, "不能与当前密码相同"),
])
def test_refused_api_changes_say_why_in_chinese_and_change_nothing(app, current, new, words):
    client = _logged_in(app)
    answer = _change_by_api(client, current, new)
    assert answer.status_code == 400 and words in answer.json()["detail"]
    assert _me(client).json()["name"] == "张三"  # still signed in: nothing changed
    assert _logged_in(app, "张三", PASSWORD)


def test_wrong_current_passwords_through_the_api_are_throttled(app):
    client = _logged_in(app)
    answers = [_change_by_api(client, f"guess number {n}", NEW).status_code for n in range(12)]
    assert answers[0] == 400 and 429 in answers


def test_the_api_keeps_the_write_rules(app):
    client = _logged_in(app)
    no_csrf = client.post(API, json={"current": PASSWORD, "new": NEW})
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["detail"]
    cross_site = _change_by_api(client, PASSWORD, NEW, Origin="https://elsewhere.example")
    assert cross_site.status_code == 403 and "跨站" in cross_site.json()["detail"]
    assert TestClient(app).post(API, json={"current": PASSWORD, "new": NEW}).status_code == 401
    token = TestClient(app).post(API, json={"current": PASSWORD, "new": NEW},
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    assert token.status_code == 403 and "只有以账户登录时才能修改自己的密码" in token.json()["detail"]
    assert _logged_in(app, "张三", PASSWORD)  # none of these changed it


# ------------------------------------------------------------------ an administrator's reset in the web app
def test_an_administrator_resets_a_password_through_the_api_and_the_page(app):
    admin = {"Authorization": f"Bearer {TOKEN}"}
    reviewer = _logged_in(app)
    short = TestClient(app).put("/api/accounts/张三/password", json={"password": "short"}, headers=admin)
    assert short.status_code == 422 and "密码至少" in short.json()["detail"]
    assert TestClient(app).put("/api/accounts/无此人/password", json={"password": NEW}, headers=admin).status_code == 404
    refused = reviewer.put("/api/accounts/李四/password", json={"password": NEW}, headers={"X-CSRF-Token": _csrf(reviewer)})
    assert refused.status_code == 403  # a reviewer manages no accounts
    assert _me(reviewer).json()["name"] == "张三"  # nothing reset so far
    done = TestClient(app).put("/api/accounts/张三/password", json={"password": NEW}, headers=admin)
    assert done.status_code == 200 and done.json() == {"reset": "张三", "sessions_signed_out": True}
    assert CHANGED_ELSEWHERE in _me(reviewer).json()["detail"]
    with app.state.store.store.session() as session:
        entry = store_accounts.audit_entries(session, 1)[0]
        assert (entry.author, entry.action, entry.target) == ("令牌", "account.passwd", "张三")
    viewer = _logged_in(app, "李四")
    page = TestClient(app)
    page.post("/login", data={"user": "管理员", "token": TOKEN, "csrf_token": _csrf(page)})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.get("/accounts").text).group(1)
    form = page.post("/accounts/李四/password", data={"password": NEW, "csrf_token": csrf}, follow_redirects=False)
    assert form.status_code == 303 and _me(viewer).status_code == 401
    assert _me(_logged_in(app, "李四", NEW)).json()["name"] == "李四"
