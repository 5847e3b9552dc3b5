"""Named accounts, roles, region scopes and the audit log: the store, the CLI and the web app
(TestClient), with reports of three places (平潭 in 福州市, 莆田市, 三明市)."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from nianbao.cli import app as cli  # noqa: E402
from nianbao.store import accounts as store_accounts  # noqa: E402
from nianbao.store import open_store  # noqa: E402
from nianbao.store.accounts import Principal, RegionScope, scope_filter  # noqa: E402
from nianbao.store.models import StoredReport  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402

from .store_support import store_fixture, tables_leave_and_return  # noqa: E402,F401 — the `store` fixture: SQLite and PostgreSQL
from tests.web_support import csrf_token  # noqa: E402

DEV = CORPUS / "dev"
needs_corpus = pytest.mark.skipif(not DEV.exists(), reason="corpus not found (set NIANBAO_CORPUS)")
PASSWORD = "correct horse battery"
TOKEN = "s3cret-token"
PINGTAN, PUTIAN, SANMING = "pingtan-2019.txt", "putian-statistics-2022.html", "sanming-2023.txt"
PINGTAN_SCOPE = "福建省/福州市/平潭县"


# ------------------------------------------------------------------ store
def test_region_scope_parsing():
    assert RegionScope.parse("福建省/莆田市") == RegionScope("福建省", "莆田市")
    assert RegionScope.parse(" 福建省／莆田市／荔城区 ") == RegionScope("福建省", "莆田市", "荔城区")
    # A municipality's district may skip the repeated city, as regions fills it in.
    assert RegionScope.parse("北京市/朝阳区") == RegionScope("北京市", "北京市", "朝阳区")
    assert RegionScope.parse("北京市/朝阳区").label() == "北京市/朝阳区"
    assert RegionScope.parse(None).unrestricted and RegionScope.parse("").label() == ""
    with pytest.raises(ValueError):
        RegionScope.parse("a/b/c/d")


def test_scope_contains_and_filter(store):
    scope = RegionScope("福建省", "莆田市")
    assert scope.contains("福建省", "莆田市", "荔城区") and not scope.contains("福建省", "三明市", None)
    assert not scope.contains(None, None, None)  # a report placed nowhere is outside every scope
    with store.session() as session, session.begin():
        for province, city in (("福建省", "莆田市"), ("福建省", "三明市"), (None, None)):
            session.add(StoredReport(sha256=f"{city}", parser_version="t", status="ok", province=province, city=city))
    principal = Principal("张三", "reviewer", scope)
    with store.session() as session:
        cities = session.scalars(scope_filter(select(StoredReport.city), principal)).all()
        everything = session.scalars(scope_filter(select(StoredReport.city), Principal("管理", "admin"))).all()
    assert cities == ["莆田市"] and len(everything) == 3


def test_accounts_passwords_are_hashed_and_checked(store):
    with store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "reviewer", RegionScope.parse("福建省/莆田市"))
    with store.session() as session, session.begin():
        stored = store_accounts.find_account(session, "张三")
        assert stored.password_hash.startswith("$argon2") and PASSWORD not in stored.password_hash
        principal = store_accounts.verify_login(session, "张三", PASSWORD)
        assert principal == Principal("张三", "reviewer", RegionScope("福建省", "莆田市"))
        assert principal.can_write and not principal.can_admin
        assert store_accounts.verify_login(session, "张三", "wrong password") is None
        assert store_accounts.verify_login(session, "无此人", PASSWORD) is None
        with pytest.raises(store_accounts.AccountError, match="已存在"):
            store_accounts.add_account(session, "张三", PASSWORD, "viewer")
        with pytest.raises(store_accounts.AccountError, match="角色"):
            store_accounts.add_account(session, "李四", PASSWORD, "boss")
        with pytest.raises(store_accounts.AccountError, match="至少"):
            store_accounts.add_account(session, "李四", "short", "viewer")
        with pytest.raises(store_accounts.AccountError, match="保留"):  # the token's name cannot be borrowed
            store_accounts.add_account(session, "令牌", PASSWORD, "viewer")


# ------------------------------------------------------------------ CLI
def test_cli_user_commands_and_audit(tmp_path):
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "张三", "--role", "审核人", "--region", "福建省/莆田市",
                                "--password-stdin", "--db", db, "--by", "管理员甲"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["user", "list", "--db", db, "--json"])
    assert '"region": "福建省/莆田市"' in listed.output and '"role": "reviewer"' in listed.output
    bad_role = runner.invoke(cli, ["user", "add", "李四", "--role", "boss", "--password-stdin", "--db", db],
                             input=PASSWORD + "\n")
    assert bad_role.exit_code == 2 and "角色" in bad_role.output and "Traceback" not in bad_role.output
    short = runner.invoke(cli, ["user", "passwd", "张三", "--password-stdin", "--db", db], input="short\n")
    assert short.exit_code == 2 and "至少" in short.output
    changed = runner.invoke(cli, ["user", "passwd", "张三", "--password-stdin", "--db", db, "--by", "管理员甲"],
                            input="another long password\n")
    assert changed.exit_code == 0
    changed = runner.invoke(cli, ["user", "change", "张三", "--role", "viewer", "--region", "", "--db", db, "--by", "管理员甲"])
    assert changed.exit_code == 0 and "只读" in changed.output and "全部地区" in changed.output
    listed = runner.invoke(cli, ["user", "list", "--db", db, "--json"])
    assert '"role": "viewer"' in listed.output and '"region": ""' in listed.output
    missing = runner.invoke(cli, ["user", "remove", "王五", "--db", db])
    assert missing.exit_code == 2 and "王五" in missing.output
    assert runner.invoke(cli, ["user", "remove", "张三", "--db", db, "--by", "管理员甲"]).exit_code == 0
    log = runner.invoke(cli, ["audit", "--db", db, "--json"])
    actions = re.findall(r'"action": "([^"]+)"', log.output)
    assert actions == ["account.remove", "account.change", "account.passwd", "account.add"]  # newest first
    assert "管理员甲" in log.output and "another long password" not in log.output


# ------------------------------------------------------------------ web
def _csrf(client) -> str:
    return csrf_token(client, "/login")


def _log_in(client: TestClient, name: str, password: str = PASSWORD):
    return client.post("/login", data={"user": name, "token": password, "csrf_token": _csrf(client)},
                       follow_redirects=False)


def _client(app, name: str | None = None) -> TestClient:
    client = TestClient(app)
    if name:
        assert _log_in(client, name).status_code == 303
    return client


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Three reports uploaded by the local user (no accounts yet), then a team of accounts."""
    folder = tmp_path_factory.mktemp("accounts")
    db = str(folder / "web.db")
    app = create_app(db)
    local = TestClient(app)
    ids = {}
    for name in (PINGTAN, PUTIAN, SANMING):
        r = local.post("/api/reports", files={"files": (name, (DEV / name).read_bytes())})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["results"][0]["id"]
    store = app.state.store.store
    with store.session() as session, session.begin():
        store_accounts.add_account(session, "管理员甲", PASSWORD, "admin")
        store_accounts.add_account(session, "平潭审核", PASSWORD, "reviewer", RegionScope.parse(PINGTAN_SCOPE))
        store_accounts.add_account(session, "莆田审核", PASSWORD, "reviewer", RegionScope.parse("福建省/莆田市"))
        store_accounts.add_account(session, "只读乙", PASSWORD, "viewer")
    return app, ids, db


@needs_corpus
def test_local_use_without_accounts_writes_as_before(site):
    app, ids, _ = site
    # The uploads of the fixture were made before any account existed, signed by the local user.
    admin = _client(app, "管理员甲")
    uploads = admin.get("/api/audit", params={"action": "report.upload"}).json()["items"]
    assert {item["author"] for item in uploads} == {"本机用户"} and len(uploads) == 3


@needs_corpus
def test_anonymous_must_log_in_once_accounts_exist(site):
    app, ids, _ = site
    anonymous = TestClient(app)
    assert anonymous.get("/api/reports").status_code == 401
    page = anonymous.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert anonymous.get("/login").status_code == 200
    wrong = _log_in(anonymous, "平潭审核", "not the password")
    assert wrong.status_code == 401 and "姓名或密码不正确" in wrong.text
    assert anonymous.get("/api/me").status_code == 401


@needs_corpus
def test_scoped_reviewer_sees_only_their_county(site):
    app, ids, _ = site
    client = _client(app, "平潭审核")
    me = client.get("/api/me").json()
    assert me["region"] == PINGTAN_SCOPE and me["role_label"] == "审核人"
    listed = client.get("/api/reports").json()
    assert [item["id"] for item in listed["items"]] == [ids[PINGTAN]] and listed["total"] == 1
    other = ids[PUTIAN]
    for url in (f"/api/reports/{other}", f"/reports/{other}", f"/api/reports/{other}/original",
                f"/api/reports/{other}/canonical", f"/api/reports/{other}/corrections",
                f"/api/reports/{other}/versions", f"/api/reports/{other}/text"):
        response = client.get(url)
        assert response.status_code == 404, url  # as for an id that does not exist: nothing leaks
    assert client.get(f"/api/reports/{ids[PINGTAN]}").status_code == 200
    overview = client.get("/").text
    assert "平潭综合实验区" in overview and "莆田市统计局" not in overview and "三明市人民政府" not in overview
    facets = client.get("/api/facets").json()
    assert "莆田市" not in facets["regions"] and "三明市" not in facets["regions"]
    stats = client.get("/api/stats").json()
    assert sum(rate["reports"] for rate in stats["error_rates"]) == 1


@needs_corpus
@pytest.mark.parametrize("url", ["/api/export.csv", "/api/export.csv?kind=cells", "/api/export/data.csv"])
def test_scoped_exports_hold_only_the_scope(site, url):
    app, ids, _ = site
    client = _client(app, "莆田审核")
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows
    names = {row.get("agency") or row.get("机关") or row.get("agency 机关") for row in rows}
    assert names == {"莆田市统计局"}, names


@needs_corpus
def test_scoped_xlsx_export_holds_only_the_scope(site):
    from openpyxl import load_workbook

    app, ids, _ = site
    client = _client(app, "莆田审核")
    book = load_workbook(io.BytesIO(client.get("/api/export.xlsx?header=key").content), read_only=True)
    sheet = book.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    agencies = {row[header.index("agency")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert agencies == {"莆田市统计局"}


@needs_corpus
def test_viewer_cannot_write(site):
    app, ids, _ = site
    client = _client(app, "只读乙")
    assert client.get(f"/api/reports/{ids[SANMING]}").status_code == 200  # unscoped: reads everything
    response = client.post(f"/api/reports/{ids[SANMING]}/recheck", headers={"origin": "http://testserver"})
    assert response.status_code == 403 and "只读" in response.json()["detail"]
    upload = client.post("/api/reports", files={"files": (PINGTAN, (DEV / PINGTAN).read_bytes())},
                         headers={"origin": "http://testserver"})
    assert upload.status_code == 403


@needs_corpus
def test_reviewer_reviews_but_does_not_delete_or_manage(site):
    app, ids, _ = site
    client = _client(app, "平潭审核")
    same_origin = {"origin": "http://testserver"}
    assert client.post(f"/api/reports/{ids[PINGTAN]}/recheck", headers=same_origin).status_code == 200
    # Outside the scope, a write finds nothing either.
    assert client.post(f"/api/reports/{ids[PUTIAN]}/recheck", headers=same_origin).status_code == 404
    deleted = client.delete(f"/api/reports/{ids[PINGTAN]}", headers=same_origin)
    assert deleted.status_code == 403 and "管理员" in deleted.json()["detail"]
    new_account = {"name": "新人", "password": PASSWORD, "role": "admin"}
    assert client.post("/api/accounts", json=new_account, headers=same_origin).status_code == 403
    assert client.get("/api/audit").status_code == 403
    assert client.get("/audit", headers={"accept": "text/html"}).status_code == 403


@needs_corpus
def test_admin_manages_accounts_and_reads_who_did_what(site):
    app, ids, _ = site
    reviewer = _client(app, "平潭审核")
    reviewer.post(f"/api/reports/{ids[PINGTAN]}/recheck", headers={"origin": "http://testserver"})
    admin = _client(app, "管理员甲")
    same_origin = {"origin": "http://testserver"}
    created = admin.post("/api/accounts", json={"name": "临时", "password": PASSWORD, "role": "viewer",
                                                "region": "福建省/三明市"}, headers=same_origin)
    assert created.status_code == 201 and created.json()["region"] == "福建省/三明市"
    refused = admin.post("/api/accounts", json={"name": "临时", "password": PASSWORD, "role": "viewer"},
                         headers=same_origin)
    assert refused.status_code == 422 and "已存在" in refused.json()["detail"]
    temporary = _client(app, "临时")
    assert [r["agency"] for r in temporary.get("/api/reports").json()["items"]] == ["三明市人民政府"]
    assert admin.delete("/api/accounts/临时", headers=same_origin).status_code == 200
    assert temporary.get("/api/reports").status_code == 401  # a removed account's session ends at once
    log = admin.get("/api/audit").json()["items"]
    rechecks = [item for item in log if item["action"] == "report.recheck"]
    assert rechecks and rechecks[0]["author"] == "平潭审核" and rechecks[0]["target"] == f"report {ids[PINGTAN]}"
    assert [item["action"] for item in log[:2]] == ["account.remove", "account.add"]
    assert log[0]["author"] == "管理员甲"
    page = admin.get("/audit").text
    assert "删除账户" in page and "平潭审核" in page


@needs_corpus
def test_token_still_works_beside_accounts(tmp_path):
    app = create_app(str(tmp_path / "t.db"), auth_token=TOKEN)
    with app.state.store.store.session() as session, session.begin():
        store_accounts.add_account(session, "只读乙", PASSWORD, "viewer")
    script = TestClient(app)
    bearer = {"authorization": f"Bearer {TOKEN}"}
    assert script.get("/api/me", headers=bearer).json()["role"] == "admin"
    r = script.post("/api/reports", files={"files": (SANMING, (DEV / SANMING).read_bytes())}, headers=bearer)
    assert r.status_code == 201
    browser = TestClient(app)
    assert _log_in(browser, "", TOKEN).status_code == 303  # the token login form, no name
    assert browser.get("/api/me").json()["name"] == "令牌"
    # A name that is an account cannot be borrowed with the token.
    assert _log_in(TestClient(app), "只读乙", TOKEN).status_code == 401


def test_failed_logins_are_counted_across_workers(store, tmp_path):
    """Two app instances on one database stand for two uvicorn workers: the guesses one sees
    count in the other."""
    first, second = (create_app(store.url, files_dir=tmp_path / "files") for _ in range(2))
    try:
        with first.state.store.store.session() as session, session.begin():
            store_accounts.add_account(session, "张三", PASSWORD, "reviewer")
        a, b = TestClient(first), TestClient(second)
        codes = [_log_in(a if i % 2 else b, "张三", f"guess{i}").status_code for i in range(10)]
        assert codes == [401] * 10
        blocked = _log_in(b, "张三", PASSWORD)  # the 11th attempt in a minute from this address, right or not
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert _log_in(a, "张三", PASSWORD).status_code == 429
    finally:
        first.state.store.close()
        second.state.store.close()


def test_serve_knows_when_accounts_protect_writes(tmp_path):
    from nianbao.cli.web import _has_accounts

    db = tmp_path / "serve.db"
    assert not _has_accounts(str(db)) and not db.exists()  # asking creates no database
    store = open_store(db)
    assert not _has_accounts(str(db))
    with store.session() as session, session.begin():
        store_accounts.add_account(session, "管理员甲", PASSWORD, "admin")
    assert _has_accounts(str(db))


@needs_corpus
def test_read_only_account_logs_out(site):
    app, ids, _ = site
    client = _client(app, "只读乙")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/reports").status_code == 401


@needs_corpus
def test_scoped_admin_manages_only_their_region(site):
    app, ids, _ = site
    with app.state.store.store.session() as session, session.begin():
        store_accounts.add_account(session, "莆田管理", PASSWORD, "admin", RegionScope.parse("福建省/莆田市"))
    client = _client(app, "莆田管理")
    same_origin = {"origin": "http://testserver"}
    wider = client.post("/api/accounts", json={"name": "全省", "password": PASSWORD, "role": "admin",
                                               "region": "福建省"}, headers=same_origin)
    assert wider.status_code == 403 and "本地区" in wider.json()["detail"]
    inside = client.post("/api/accounts", json={"name": "荔城", "password": PASSWORD, "role": "reviewer",
                                                "region": "福建省/莆田市/荔城区"}, headers=same_origin)
    assert inside.status_code == 201
    assert {a["name"] for a in client.get("/api/accounts").json()} == {"莆田管理", "莆田审核", "荔城"}
    assert client.delete("/api/accounts/平潭审核", headers=same_origin).status_code == 404  # outside: not found
    assert client.get("/api/audit").status_code == 403
    assert client.delete("/api/accounts/荔城", headers=same_origin).status_code == 200


@needs_corpus
def test_a_write_route_that_logs_nothing_itself_is_logged_for_it(site):
    """Hand entry of a fact records no audit entry of its own: the app logs the write for it."""
    app, ids, _ = site
    reviewer = _client(app, "莆田审核")
    r = reviewer.post(f"/api/reports/{ids[PUTIAN]}/facts", json={"field": "year", "value": "2022"},
                      headers={"origin": "http://testserver"})
    assert r.status_code == 201, r.text
    admin = _client(app, "管理员甲")
    newest = admin.get("/api/audit").json()["items"][0]
    assert newest["author"] == "莆田审核" and newest["action"] == "POST /api/reports/{report_id}/facts"
    assert newest["target"] == f"/api/reports/{ids[PUTIAN]}/facts"
    # A write that logged itself is not logged twice.
    admin.post(f"/api/reports/{ids[PUTIAN]}/recheck", headers={"origin": "http://testserver"})
    actions = [item["action"] for item in admin.get("/api/audit").json()["items"][:2]]
    assert actions == ["report.recheck", "POST /api/reports/{report_id}/facts"]


def test_migration_0006_creates_and_drops_the_account_tables(store):


    tables = {"accounts", "audit_log", "login_failures"}
    tables_leave_and_return(store, "0005", tables)
    with store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "viewer")
        store_accounts.record(session, "张三", "account.add", "张三")
    with store.session() as session:
        assert [e.action for e in store_accounts.audit_entries(session)] == ["account.add"]


@needs_corpus
def test_accounts_page_adds_and_removes(site):
    app, ids, _ = site
    admin = _client(app, "管理员甲")
    page = admin.get("/accounts").text
    assert "平潭审核" in page and "福建省/福州市/平潭县" in page and "审核人" in page
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    short = admin.post("/accounts", data={"csrf_token": csrf, "name": "页面", "password": "short", "role": "viewer"})
    assert short.status_code == 422 and "至少" in short.text
    added = admin.post("/accounts", data={"csrf_token": csrf, "name": "页面", "password": PASSWORD, "role": "viewer",
                                          "region": "福建省/三明市"}, follow_redirects=False)
    assert added.status_code == 303
    assert "福建省/三明市" in admin.get("/accounts").text
    assert _log_in(TestClient(app), "页面").status_code == 303
    removed = admin.post("/accounts/页面/remove", data={"csrf_token": csrf}, follow_redirects=False)
    assert removed.status_code == 303 and "页面" not in admin.get("/accounts").text
    assert _client(app, "平潭审核").get("/accounts").status_code == 403


def test_old_failures_are_forgotten(store):
    from datetime import datetime, timedelta, timezone

    from nianbao.store.models import LoginFailure

    now = datetime.now(timezone.utc)
    with store.session() as session, session.begin():
        store_accounts.add_failure(session, "address:10.0.0.1", now - timedelta(hours=2), timedelta(hours=1))
        store_accounts.add_failure(session, "address:10.0.0.2", now, timedelta(hours=1))
    with store.session() as session:
        assert session.scalars(select(LoginFailure.key)).all() == ["address:10.0.0.2"]
        assert store_accounts.count_failures(session, "address:10.0.0.2", now - timedelta(minutes=1))[0] == 1
