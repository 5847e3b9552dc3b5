"""Disabling an account: an administrator disables and enables one (REST API, the accounts page,
`nianbao accounts disable/enable`); a disabled account cannot log in (账户已停用), its open sessions
end at their next request and stay ended once it is enabled again; the last active administrator
cannot be disabled; every disable and enable is in the audit log with its author.  On SQLite and
PostgreSQL (NIANBAO_TEST_PG).  The browser side: tests/test_account_disabling_e2e.py."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from nianbao.cli import app as cli  # noqa: E402
from nianbao.store.account_service import AccountService  # noqa: E402
from nianbao.store.accounts import LastAdministrator, NoSuchAccount, RegionScope  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402

from .store_support import database_target, drop_pg_database, store_fixture  # noqa: E402,F401
from tests.web_support import csrf_token  # noqa: E402

PASSWORD, TOKEN = "correct horse battery", "s3cret-token"
ADMIN, REVIEWER, FUJIAN_ADMIN = "管理员甲", "审核乙", "福建管理"
DISABLED = "账户已停用"
TOKEN_HEADER = {"Authorization": f"Bearer {TOKEN}", "X-Nianbao-User": "ops-desk"}


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    """The web app (with --auth) on an empty database: an administrator, a reviewer, an
    administrator of 福建省."""
    target = database_target(request.param, tmp_path)
    made = create_app(target, auth_token=TOKEN)
    accounts = made.state.store.accounts
    accounts.add(ADMIN, PASSWORD, "admin", author="测试")
    accounts.add(REVIEWER, PASSWORD, "reviewer", author="测试")
    accounts.add(FUJIAN_ADMIN, PASSWORD, "admin", RegionScope.parse("福建省"), author="测试")
    yield made
    made.state.store.close()
    if request.param == "postgresql":
        drop_pg_database(target)


def _csrf(client) -> str:
    return csrf_token(client, "/login")


def _log_in(app, name: str):
    client = TestClient(app)
    answer = client.post("/login", data={"user": name, "token": PASSWORD, "csrf_token": _csrf(client)},
                         follow_redirects=False)
    return client, answer


def _logged_in(app, name: str) -> TestClient:
    client, answer = _log_in(app, name)
    assert answer.status_code == 303, answer.text
    client.headers["X-CSRF-Token"] = _csrf(client)
    return client


def _listed(app) -> dict[str, dict]:
    answer = TestClient(app).get("/api/accounts", headers=TOKEN_HEADER)
    return {item["name"]: item for item in answer.json()}


# ------------------------------------------------------------------ the store
def test_migration_0018_matches_the_model_and_downgrades(store):  # noqa: F811  (fixture)
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from nianbao.store.db import alembic_config
    from nianbao.store.models import Base

    new = {"disabled_at", "disabled_by", "epoch_reason"}
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if any(column in str(d) for column in new)] == []
    config = alembic_config()
    for revision, present in (("0017", False), ("head", True)):
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if revision == "0017" else command.upgrade)(config, revision)
        columns = {column["name"] for column in inspect(store.engine).get_columns("accounts")}
        assert (new & columns == new) is present and (not new & columns) is not present


def test_someone_who_can_enable_it_again_must_remain(store):  # noqa: F811  (fixture)
    accounts = AccountService(store)
    accounts.add(FUJIAN_ADMIN, PASSWORD, "admin", RegionScope.parse("福建省"), author="测试")
    accounts.add(ADMIN, PASSWORD, "admin", author="测试")
    # The administrator of the whole country: no one else could enable it again.
    with pytest.raises(LastAdministrator):
        accounts.disable(ADMIN, author=FUJIAN_ADMIN)
    assert accounts.disable(FUJIAN_ADMIN, author=ADMIN)  # another administrator's region holds 福建省
    assert not accounts.disable(FUJIAN_ADMIN, author=ADMIN)  # disabled already: nothing changes
    with pytest.raises(NoSuchAccount):
        accounts.disable("无此人", author=ADMIN)
    with pytest.raises(NoSuchAccount):  # an account outside the asking administrator's region is "not found"
        accounts.enable(ADMIN, author=FUJIAN_ADMIN, within=RegionScope.parse("福建省"))
    assert accounts.enable(FUJIAN_ADMIN, author=ADMIN) and not accounts.enable(FUJIAN_ADMIN, author=ADMIN)
    log = [(e["author"], e["action"], e["target"]) for e in accounts.audit_log(2)]
    assert log == [(ADMIN, "account.enable", FUJIAN_ADMIN), (ADMIN, "account.disable", FUJIAN_ADMIN)]


# ------------------------------------------------------------------ the web app
def test_a_disabled_account_is_signed_out_at_once_and_cannot_log_in(app):
    browser, script = _logged_in(app, REVIEWER), _logged_in(app, REVIEWER)
    assert browser.get("/api/me").json()["name"] == REVIEWER
    done = _logged_in(app, ADMIN).post(f"/api/accounts/{REVIEWER}/disable")
    assert done.status_code == 200 and done.json() == {"disabled": REVIEWER, "changed": True}

    page = browser.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/&signed_out=disabled"
    assert DISABLED in browser.get(page.headers["location"]).text
    assert browser.get("/api/me").status_code == 401  # the cookie now holds no login
    api = script.get("/api/me")
    assert api.status_code == 401 and DISABLED in api.json()["detail"]

    _, again = _log_in(app, REVIEWER)
    assert again.status_code == 401 and DISABLED in again.text
    client = TestClient(app)
    wrong = client.post("/login", data={"user": REVIEWER, "token": "not the password", "csrf_token": _csrf(client)})
    assert wrong.status_code == 401 and DISABLED not in wrong.text  # only the right password learns it is disabled

    listed = _listed(app)[REVIEWER]
    assert listed["disabled"] and listed["disabled_by"] == ADMIN and listed["disabled_at"]
    assert not _listed(app)[ADMIN]["disabled"]


def test_enabling_lets_it_log_in_again_but_old_sessions_stay_ended(app):
    reviewer = _logged_in(app, REVIEWER)
    tokens = TestClient(app)
    assert tokens.post(f"/api/accounts/{REVIEWER}/disable", headers=TOKEN_HEADER).status_code == 200
    enabled = tokens.post(f"/api/accounts/{REVIEWER}/enable", headers=TOKEN_HEADER)
    assert enabled.status_code == 200 and enabled.json() == {"enabled": REVIEWER, "changed": True}
    # The session from before never made a request while the account was disabled: it ended all the same.
    stale = reviewer.get("/api/me")
    assert stale.status_code == 401 and DISABLED in stale.json()["detail"]
    assert _logged_in(app, REVIEWER).get("/api/me").json()["name"] == REVIEWER
    assert not _listed(app)[REVIEWER]["disabled"]
    log = TestClient(app).get("/api/audit", headers=TOKEN_HEADER).json()["items"]
    assert [(e["author"], e["action_label"], e["target"]) for e in log[:2]] == [
        ("ops-desk", "启用账户", REVIEWER), ("ops-desk", "停用账户", REVIEWER)]


def test_who_may_disable_whom(app):
    tokens = TestClient(app)
    last = tokens.post(f"/api/accounts/{ADMIN}/disable", headers=TOKEN_HEADER)
    assert last.status_code == 409 and "最后一个" in last.json()["detail"]
    assert tokens.post("/api/accounts/无此人/disable", headers=TOKEN_HEADER).status_code == 404
    reviewer = _logged_in(app, REVIEWER)
    assert reviewer.post(f"/api/accounts/{FUJIAN_ADMIN}/disable").status_code == 403  # not an administrator
    fujian = _logged_in(app, FUJIAN_ADMIN)
    assert fujian.post(f"/api/accounts/{REVIEWER}/disable").status_code == 404  # outside 福建省: not found
    assert fujian.post(f"/api/accounts/{ADMIN}/disable").status_code == 404
    session_only = _logged_in(app, ADMIN)  # without its CSRF token, refused as every API write is
    del session_only.headers["X-CSRF-Token"]
    assert session_only.post(f"/api/accounts/{REVIEWER}/disable").status_code == 403
    assert not any(item["disabled"] for item in _listed(app).values())  # none of these disabled anyone


def test_the_accounts_page_disables_and_enables(app):
    admin = _logged_in(app, ADMIN)
    page = admin.get("/accounts").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert f'action="/accounts/{_quoted(REVIEWER)}/disable"' in page
    assert f'action="/accounts/{_quoted(ADMIN)}/disable"' not in page  # not one's own row
    done = admin.post(f"/accounts/{REVIEWER}/disable", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    page = admin.get("/accounts").text
    row = re.search(rf'<tr data-account="{REVIEWER}" class="disabled">.*?</tr>', page, re.S).group(0)
    assert "已停用" in row and ADMIN in row and "/enable" in row
    assert admin.post(f"/accounts/{REVIEWER}/enable", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert 'class="disabled"' not in admin.get("/accounts").text


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# ------------------------------------------------------------------ the command line
def cli_accounts(tmp_path) -> tuple[CliRunner, str]:
    """A runner and a new database holding an administrator (ADMIN) and a reviewer, added by the CLI."""
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    for name, role in ((ADMIN, "admin"), (REVIEWER, "reviewer")):
        added = runner.invoke(cli, ["accounts", "add", name, "--role", role, "--password-stdin", "--db", db],
                              input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
    return runner, db


def test_cli_disables_and_enables_with_its_author(tmp_path):
    runner, db = cli_accounts(tmp_path)
    done = runner.invoke(cli, ["accounts", "disable", REVIEWER, "--db", db, "--by", "值班员"])
    assert done.exit_code == 0 and "已停用" in done.output
    listed = {item["name"]: item for item in json.loads(runner.invoke(cli, ["user", "list", "--db", db, "--json"]).output)}
    assert listed[REVIEWER]["disabled"] and listed[REVIEWER]["disabled_by"] == "值班员"
    assert "已停用" in runner.invoke(cli, ["user", "list", "--db", db]).output
    last = runner.invoke(cli, ["accounts", "disable", ADMIN, "--db", db])
    assert last.exit_code == 2 and "最后一个" in last.output and "Traceback" not in last.output
    missing = runner.invoke(cli, ["accounts", "enable", "无此人", "--db", db])
    assert missing.exit_code == 2 and "无此人" in missing.output
    assert runner.invoke(cli, ["accounts", "enable", REVIEWER, "--db", db, "--by", "值班员"]).exit_code == 0
    log = json.loads(runner.invoke(cli, ["audit", "--db", db, "--json", "--limit", "2"]).output)
    assert [(e["author"], e["action"], e["target"]) for e in log] == [
        ("值班员", "account.enable", REVIEWER), ("值班员", "account.disable", REVIEWER)]


# ------------------------------------------------------------------ review assignments
def test_a_disabled_reviewer_is_offered_and_given_no_reports(store):  # noqa: F811  (fixture)
    import random

    from nianbao.store import review
    from nianbao.store.synth import report_data

    from .store_support import write_report

    report_id = write_report(store, report_data(random.Random(5), "福建省平潭综合实验区管理委员会", 2023))
    accounts = AccountService(store)
    accounts.add(ADMIN, PASSWORD, "admin", author="测试")
    accounts.add(REVIEWER, PASSWORD, "reviewer", author="测试")
    with review.reviewing(store, write=False) as session:
        assert set(review.assignable(session, report_id)) == {REVIEWER, ADMIN}
    accounts.disable(REVIEWER, author=ADMIN)
    with review.reviewing(store, write=False) as session:
        assert review.assignable(session, report_id) == [ADMIN]
    with pytest.raises(review.ReviewError, match="已停用"):
        with review.reviewing(store, write=True) as session:
            review.assign(session, report_id, REVIEWER, ADMIN)


@pytest.mark.parametrize("action", ["disable", "remove"])
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_administrators_disabling_or_removing_each_other_at_once_leave_one_active(kind, action, tmp_path):
    """The accounts' write lock: each of two administrators, the only two, disables (removes) the
    other from its own process (its own store) at the same moment; one is refused, one administrator stays."""
    from concurrent.futures import ThreadPoolExecutor

    from nianbao.store import open_store

    target = database_target(kind, tmp_path)
    stores = [open_store(target), open_store(target)]
    try:
        first, second = (AccountService(store) for store in stores)

        def act(pair) -> bool:
            service, name, by = pair
            try:
                getattr(service, action)(name, author=by)
            except LastAdministrator:
                return False
            return True

        for _ in range(3):
            for name in ("甲", "乙"):  # both active administrators again
                if not first.exists(name):
                    first.add(name, PASSWORD, "admin", author="测试")
                first.enable(name, author="测试")
            with ThreadPoolExecutor(2) as pool:
                outcomes = list(pool.map(act, [(first, "乙", "甲"), (second, "甲", "乙")]))
            assert sorted(outcomes) == [False, True]
            assert len([a.name for a in first.listed() if not a.disabled]) == 1
    finally:
        for store in stores:
            store.close()
        if kind == "postgresql":
            drop_pg_database(target)
