"""The last active administrator is kept whatever the change: it cannot be disabled, removed,
given another role or a narrower region (one rule, store/accounts.py keep_an_administrator; one message, 最后一个能管理该
账户的在用管理员): 409 in the API, exit code 2 in the CLI, nothing changed and nothing audited.  An
administrator another one's region holds may go; a disabled administrator manages no one and may
be removed.  On SQLite and PostgreSQL (NIANBAO_TEST_PG).  Two administrators removing each other at once:
tests/test_account_disabling.py (with disabling)."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.cli import app as cli  # noqa: E402
from nianbao.store.account_service import AccountService  # noqa: E402
from nianbao.store.accounts import LastAdministrator, RegionScope  # noqa: E402

from .store_support import store_fixture  # noqa: E402,F401
# The web app on an empty database with the same three accounts as the disabling tests: an administrator
# of the whole country (ADMIN), a reviewer, an administrator of 福建省.
from .test_account_disabling import (  # noqa: E402,F401
    ADMIN, FUJIAN_ADMIN, PASSWORD, REVIEWER, TOKEN_HEADER, app, cli_accounts,
)

LAST = "它是最后一个能管理该账户的在用管理员"


def _chinese(message: str) -> str:
    """The Chinese half of a message (Chinese / English)."""
    return message.split(" / ")[0]


def _roles(accounts: AccountService) -> dict[str, str]:
    return {a.name: a.role for a in accounts.listed()}


# ------------------------------------------------------------------ the store
def test_the_last_administrator_is_neither_removed_nor_given_another_role(store):  # noqa: F811  (fixture)
    accounts = AccountService(store)
    accounts.add(ADMIN, PASSWORD, "admin", author="测试")
    accounts.add(FUJIAN_ADMIN, PASSWORD, "admin", RegionScope.parse("福建省"), author="测试")
    before = accounts.audit_log()
    with pytest.raises(LastAdministrator) as removed:
        accounts.remove(ADMIN, author=FUJIAN_ADMIN)
    with pytest.raises(LastAdministrator) as demoted:
        accounts.change(ADMIN, role="reviewer", author=FUJIAN_ADMIN)
    with pytest.raises(LastAdministrator) as disabled:
        accounts.disable(ADMIN, author=FUJIAN_ADMIN)
    # One rule, one message: only the verb differs.
    assert [_chinese(e.message) for e in (removed.value, demoted.value, disabled.value)] == [
        f"不能删除“{ADMIN}”：{LAST}", f"不能将“{ADMIN}”改为审核人：{LAST}", f"不能停用“{ADMIN}”：{LAST}"]
    assert _roles(accounts) == {ADMIN: "admin", FUJIAN_ADMIN: "admin"}
    assert accounts.audit_log() == before  # a refusal records nothing
    # Nor given a narrower region: the accounts outside it would have no one to manage them.
    with pytest.raises(LastAdministrator) as narrowed:
        accounts.change(ADMIN, scope=RegionScope.parse("福建省"), author=FUJIAN_ADMIN)
    assert _chinese(narrowed.value.message) == f"不能缩小“{ADMIN}”的地区为“福建省”：{LAST}"
    assert accounts.audit_log() == before
    # Its region may be set again as wide (it stays an administrator) and it may stay an administrator.
    assert accounts.change(ADMIN, role="admin", scope=RegionScope.parse(""), author="测试").role == "admin"
    # The administrator of 福建省 may go, or be narrowed: the country's administrator holds its region.
    assert accounts.change(FUJIAN_ADMIN, scope=RegionScope.parse("福建省/福州市"), author=ADMIN).scope.label() == "福建省/福州市"
    assert accounts.change(FUJIAN_ADMIN, role="viewer", author=ADMIN).role == "viewer"
    accounts.change(FUJIAN_ADMIN, role="admin", author=ADMIN)
    accounts.remove(FUJIAN_ADMIN, author=ADMIN)
    assert _roles(accounts) == {ADMIN: "admin"}


def test_a_disabled_administrator_may_go_and_an_active_one_may_go_while_another_remains(store):  # noqa: F811
    accounts = AccountService(store)
    for name in ("甲", "乙"):
        accounts.add(name, PASSWORD, "admin", author="测试")
    assert accounts.disable("乙", author="甲")
    accounts.change("乙", role="reviewer", author="甲")  # disabled: it manages no one
    accounts.remove("乙", author="甲")
    with pytest.raises(LastAdministrator):
        accounts.remove("甲", author="甲")
    accounts.add("丙", PASSWORD, "admin", author="甲")
    accounts.remove("甲", author="丙")  # 丙 remains to manage the accounts
    assert _roles(accounts) == {"丙": "admin"}


# ------------------------------------------------------------------ the API and the accounts page
def test_the_api_refuses_to_remove_or_demote_the_last_administrator(app):  # noqa: F811  (fixture)
    client = TestClient(app)
    removed = client.delete(f"/api/accounts/{ADMIN}", headers=TOKEN_HEADER)
    assert removed.status_code == 409 and _chinese(removed.json()["detail"]) == f"不能删除“{ADMIN}”：{LAST}"
    demoted = client.patch(f"/api/accounts/{ADMIN}", json={"role": "viewer"}, headers=TOKEN_HEADER)
    assert demoted.status_code == 409 and _chinese(demoted.json()["detail"]) == f"不能将“{ADMIN}”改为只读：{LAST}"
    disabled = client.post(f"/api/accounts/{ADMIN}/disable", headers=TOKEN_HEADER)
    assert disabled.status_code == 409 and LAST in disabled.json()["detail"]
    narrowed = client.patch(f"/api/accounts/{ADMIN}", json={"region": "福建省"}, headers=TOKEN_HEADER)
    assert narrowed.status_code == 409 and _chinese(narrowed.json()["detail"]) == f"不能缩小“{ADMIN}”的地区为“福建省”：{LAST}"
    listed = {a["name"]: a for a in client.get("/api/accounts", headers=TOKEN_HEADER).json()}
    assert listed[ADMIN]["role"] == "admin" and not listed[ADMIN]["disabled"] and listed[ADMIN]["region"] == ""
    # Others change as before: the reviewer becomes a viewer of 福建省, the 福建省 administrator goes.
    changed = client.patch(f"/api/accounts/{REVIEWER}", json={"role": "viewer", "region": "福建省"},
                           headers=TOKEN_HEADER)
    assert changed.status_code == 200 and (changed.json()["role"], changed.json()["region"]) == ("viewer", "福建省")
    assert client.patch(f"/api/accounts/{REVIEWER}", json={"role": "boss"}, headers=TOKEN_HEADER).status_code == 422
    assert client.patch("/api/accounts/无此人", json={"role": "viewer"}, headers=TOKEN_HEADER).status_code == 404
    assert client.delete(f"/api/accounts/{FUJIAN_ADMIN}", headers=TOKEN_HEADER).status_code == 200
    log = client.get("/api/audit", headers=TOKEN_HEADER).json()["items"]
    assert [(e["action"], e["target"]) for e in log[:2]] == [("account.remove", FUJIAN_ADMIN),
                                                             ("account.change", REVIEWER)]


def test_the_accounts_page_shows_the_refusal_to_remove_the_last_administrator(app):  # noqa: F811  (fixture)
    client = TestClient(app)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)
    logged_in = client.post("/login", data={"user": ADMIN, "token": PASSWORD, "csrf_token": csrf},
                            follow_redirects=False)
    assert logged_in.status_code == 303
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/accounts").text).group(1)
    refused = client.post(f"/accounts/{ADMIN}/remove", data={"csrf_token": form_token}, follow_redirects=False)
    assert refused.status_code == 409 and LAST in refused.text and "<table" in refused.text  # the page, not JSON
    done = client.post(f"/accounts/{REVIEWER}/remove", data={"csrf_token": form_token}, follow_redirects=False)
    assert done.status_code == 303
    assert {a["name"] for a in client.get("/api/accounts").json()} == {ADMIN, FUJIAN_ADMIN}


# ------------------------------------------------------------------ the command line
def test_the_cli_refuses_to_remove_or_demote_the_last_administrator(tmp_path):
    runner, db = cli_accounts(tmp_path)
    for command in (["user", "remove", ADMIN], ["user", "change", ADMIN, "--role", "审核人"]):
        refused = runner.invoke(cli, [*command, "--db", db])
        assert refused.exit_code == 2 and LAST in refused.output and "Traceback" not in refused.output
    listed = {a["name"]: a for a in json.loads(runner.invoke(cli, ["user", "list", "--db", db, "--json"]).output)}
    assert listed[ADMIN]["role"] == "admin"
    assert runner.invoke(cli, ["user", "change", REVIEWER, "--role", "管理员", "--db", db]).exit_code == 0
    done = runner.invoke(cli, ["user", "change", ADMIN, "--role", "只读", "--db", db])  # another remains now
    assert done.exit_code == 0, done.output
    assert runner.invoke(cli, ["user", "remove", ADMIN, "--db", db]).exit_code == 0
