"""The roster in the web app: the 名单 page, its API, the exports and who may import or link."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from nianbao.store.accounts import ROLE_REVIEWER, ROLE_VIEWER, add_account  # noqa: E402
from nianbao.store.roster_sheet import HEADERS  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402

from .test_roster import ROSTER_CSV, report  # noqa: E402
from tests.web_support import csrf_token  # noqa: E402

PASSWORD = "long enough pw"


@pytest.fixture
def app(tmp_path):
    return create_app(str(tmp_path / "web.db"))


@pytest.fixture
def client(app):
    return TestClient(app)


@pytest.fixture
def stored(app):
    """Reports of 2023: one by alias, one late, one nobody's."""
    store = app.state.store.store
    return {
        "alias": report(store, "宿迁市沭阳县发改委", 2023, "2024-01-20", seed=1),
        "late": report(store, "沭阳县人民政府", 2023, "2024-04-02", seed=2),
        "stray": report(store, "沭阳县融媒体中心", 2023, "2024-01-10", seed=5),
    }


def _csrf(client, path: str = "/roster") -> str:
    return csrf_token(client, path)


def _import(client, text: str = ROSTER_CSV, **kw):
    return client.post("/api/roster", files={"file": ("名单.csv", text.encode("utf-8"), "text/csv")}, **kw)


def test_import_status_api_and_page(client, stored):
    response = _import(client)
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 5

    data = client.get("/api/roster", params={"year": 2023}).json()
    assert data["counts"] == {"未发布": 3, "逾期发布": 1, "已发布": 1}
    by_name = {item["name"]: item for item in data["items"]}
    assert by_name["沭阳县人民政府"]["days_late"] == 2 and by_name["沭阳县人民政府"]["deadline"] == "2024-03-31"
    assert [r["id"] for r in by_name["沭阳县发展和改革局"]["reports"]] == [stored["alias"]]
    only_late = client.get("/api/roster", params={"year": 2023, "status": "逾期发布"}).json()
    assert [i["name"] for i in only_late["items"]] == ["沭阳县人民政府"] and only_late["total"] == 5

    page = client.get("/roster", params={"year": 2023}).text
    assert "未发布 3" in page and "逾期发布 1" in page and "沭阳县融媒体中心" in page
    assert 'action="/roster/import"' in page  # local single-user use: an administrator
    assert [u["id"] for u in client.get("/api/roster/unmatched", params={"year": 2023}).json()] == [stored["stray"]]


def test_link_form_moves_a_report_onto_the_roster(client, stored):
    _import(client)
    response = client.post("/roster/link", data={"csrf_token": _csrf(client), "report_id": str(stored["stray"]),
                                                 "name": "沭阳县卫生健康局", "year": "2023"}, follow_redirects=False)
    assert response.status_code == 303
    data = client.get("/api/roster", params={"year": 2023}).json()
    linked = {i["name"]: i for i in data["items"]}["沭阳县卫生健康局"]
    assert linked["status"] == "已发布" and linked["matched"] == "人工"
    assert client.get("/api/roster/unmatched", params={"year": 2023}).json() == []
    # A browser session (cookie) needs its CSRF token for script writes too.
    assert client.delete(f"/api/roster/links/{stored['stray']}").status_code == 403
    assert client.delete(f"/api/roster/links/{stored['stray']}", headers={"X-CSRF-Token": _csrf(client)}).status_code == 200
    assert [u["id"] for u in client.get("/api/roster/unmatched", params={"year": 2023}).json()] == [stored["stray"]]


def test_import_form_on_the_page(client, stored):
    response = client.post("/roster/import", data={"csrf_token": _csrf(client)},
                           files={"file": ("名单.csv", ROSTER_CSV.encode("gb18030"), "text/csv")}, follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "新增 5" in page and "沭阳县卫生健康局" in page
    assert client.post("/roster/import", data={"csrf_token": "wrong"},
                       files={"file": ("名单.csv", b"x", "text/csv")}).status_code == 403


def test_page_before_any_report_and_before_any_roster(client):
    assert "名单为空" in client.get("/roster").text
    assert _import(client, headers={"X-CSRF-Token": _csrf(client)}).status_code == 200  # the page gave a session
    page = client.get("/roster").text
    assert "名单共 5 个机关" in page and "名单为空" not in page
    assert client.get("/api/roster").json() == {"year": None, "counts": {"未发布": 0, "逾期发布": 0, "已发布": 0},
                                                "total": 0, "shown": 0, "items": []}


def test_not_on_the_roster_button_and_api(client, stored):
    _import(client)
    response = client.post("/roster/link", data={"csrf_token": _csrf(client), "report_id": str(stored["stray"]),
                                                 "not_listed": "1", "year": "2023"}, follow_redirects=False)
    assert response.status_code == 303
    assert "不在名单中" in client.get(response.headers["location"]).text
    assert client.get("/api/roster/unmatched", params={"year": 2023}).json() == []
    assert client.delete(f"/api/roster/links/{stored['stray']}", headers={"X-CSRF-Token": _csrf(client)}).status_code == 200
    marked = client.post("/api/roster/links", json={"report_id": stored["stray"], "name": None},
                         headers={"X-CSRF-Token": _csrf(client)})
    assert marked.status_code == 200 and client.get("/api/roster/unmatched", params={"year": 2023}).json() == []


def test_bad_roster_file_is_a_clear_422(client):
    response = _import(client, "名称,截止日期\n甲局,明天\n")
    assert response.status_code == 422 and "第 2 行“截止日期”列" in response.json()["detail"]


def test_xlsx_export_is_the_cli_builder(client, stored):
    _import(client)
    response = client.get("/api/roster/status.xlsx", params={"year": 2023})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["2023年度名单状态"]
    assert [c.value for c in sheet[1]] == list(HEADERS) and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K6"
    statuses = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses["沭阳县人民政府"] == "逾期发布" and statuses["沭阳县卫生健康局"] == "未发布"
    csv_text = client.get("/api/roster/status.csv", params={"year": 2023, "status": "未发布"}).content.decode("utf-8-sig")
    assert csv_text.count("\n") == 4 and "沭阳县卫生健康局" in csv_text


def _log_in(client, name: str) -> None:
    response = client.post("/login", data={"csrf_token": _csrf(client, "/login"), "user": name, "password": PASSWORD},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def test_only_administrators_import_and_viewers_cannot_link(app, client, stored):
    _import(client)  # before any account: local use is an administrator
    with app.state.store.store.session() as session, session.begin():
        add_account(session, "审核员", PASSWORD, ROLE_REVIEWER)
        add_account(session, "访客", PASSWORD, ROLE_VIEWER)
    assert client.get("/api/roster", params={"year": 2023}).status_code == 401  # accounts exist: log in to read

    _log_in(client, "审核员")
    assert 'action="/roster/import"' not in client.get("/roster").text
    assert _import(client, headers={"X-CSRF-Token": _csrf(client)}).status_code == 403
    linked = client.post("/api/roster/links", json={"report_id": stored["stray"], "name": "沭阳县卫生健康局"},
                         headers={"X-CSRF-Token": _csrf(client)})
    assert linked.status_code == 200, linked.text

    viewer = TestClient(app)
    _log_in(viewer, "访客")
    refused = viewer.post("/api/roster/links", json={"report_id": stored["stray"], "name": "沭阳县人民政府"},
                          headers={"X-CSRF-Token": _csrf(viewer)})
    assert refused.status_code == 403
    assert viewer.get("/api/roster", params={"year": 2023}).json()["counts"]["已发布"] == 2


def test_a_scoped_reviewer_sees_only_the_district_on_the_page_and_through_the_api(app, client):
    from nianbao.store.accounts import RegionScope

    _import(client)
    store = app.state.store.store
    report(store, "沭阳县发改局", 2023, "2024-01-12", seed=1, province="江苏省", city="宿迁市", county="沭阳县")
    report(store, "鼓楼区融媒体中心", 2023, "2024-01-05", seed=5, province="福建省", city="福州市", county="鼓楼区")
    with store.session() as session, session.begin():
        add_account(session, "沭阳审核", PASSWORD, ROLE_REVIEWER, RegionScope("江苏省", "宿迁市", "沭阳县"))
    _log_in(client, "沭阳审核")
    names = {i["name"] for i in client.get("/api/roster", params={"year": 2023}).json()["items"]}
    assert names == {"沭阳县人民政府", "沭阳县发展和改革局", "沭阳县卫生健康局"}
    assert client.get("/api/roster/unmatched", params={"year": 2023}).json() == []
    page = client.get("/roster", params={"year": 2023}).text
    assert "鼓楼区" not in page and "沭阳县发展和改革局" in page
    workbook = load_workbook(io.BytesIO(client.get("/api/roster/status.xlsx", params={"year": 2023}).content))
    assert workbook["未匹配报告"].max_row == 1 and workbook["2023年度名单状态"].max_row == 4
