"""Review in the web app (web/review.py) through FastAPI's TestClient: verdict buttons and
endpoints, a re-check keeping verdicts, status, assignment, the queue, bulk actions, and who
may do what (accounts: viewer, scoped reviewer)."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.store import open_store  # noqa: E402
from nianbao.store.accounts import RegionScope, add_account  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402

from .test_review import two_counties  # noqa: E402
from tests.web_support import csrf_token  # noqa: E402


@pytest.fixture
def database(tmp_path):
    """Two reports of two counties, three errors each; the database path and their ids by county."""
    target = tmp_path / "web.db"
    return str(target), two_counties(target)


def _csrf(client) -> str:
    return csrf_token(client, "/fill")


def browser(target: str, tmp_path) -> TestClient:
    """A client holding a session, as a browser does: its scripts' writes carry the CSRF header."""
    client = TestClient(create_app(target, files_dir=tmp_path / "files"))
    client.headers["x-csrf-token"] = _csrf(client)
    return client


def findings(client, report_id: int) -> dict[str, dict]:
    response = client.get(f"/api/reports/{report_id}")
    assert response.status_code == 200, response.text
    return {f["code"]: f for f in response.json()["findings"]}


def errors(client, report_id: int) -> int:
    return client.get(f"/api/reports/{report_id}").json()["report"]["n_errors"]


def test_verdicts_from_the_api_and_the_buttons_and_a_recheck_keeps_them(database, tmp_path):
    target, ids = database
    client = browser(target, tmp_path)
    report_id = ids["甲县"]
    before = findings(client, report_id)
    assert {f["verdict_label"] for f in before.values()} == {"待核"}
    count = errors(client, report_id)
    page = client.get(f"/reports/{report_id}").text
    assert f'/reports/{report_id}/findings/{before["T4.TOTAL"]["key"]}/verdict' in page and "驳回 Dismiss" in page
    answer = client.post(f"/api/reports/{report_id}/findings/{before['T4.TOTAL']['key']}/verdict",
                         json={"verdict": "驳回", "note": "印刷如此"})
    assert answer.status_code == 200 and answer.json()["verdict"] == "dismissed"
    assert answer.json()["reviewer"] == "本机用户"  # local single-user use (web/accounts.py)
    form = client.post(f"/reports/{report_id}/findings/{before['T3.IDENTITY']['key']}/verdict",
                       data={"verdict": "confirmed", "csrf_token": _csrf(client)}, follow_redirects=False)
    assert form.status_code == 303
    assert errors(client, report_id) == count - 1
    page = client.get(f"/reports/{report_id}").text
    assert "已驳回" in page and "已确认" in page and "印刷如此" in page
    # A correction re-checks the report: findings are rewritten, verdicts and counts stay.
    corrected = client.post(f"/api/reports/{report_id}/corrections",
                            json={"cell": "t2.regulations.issued", "value": 0, "note": "核对"})
    assert corrected.status_code in (200, 201), corrected.text
    after = findings(client, report_id)
    assert after["T4.TOTAL"]["verdict"] == "dismissed" and after["T3.IDENTITY"]["verdict"] == "confirmed"
    assert errors(client, report_id) == count - 1
    # Exports: the counts leave the dismissed finding out; the inspection workbook still lists it, marked.
    frame = pd.read_csv(io.BytesIO(client.get("/api/export.csv", params={"region": "甲县"}).content), encoding="utf-8-sig")
    assert frame.filter(like="n_errors").iloc[0, 0] == count - 1
    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/export/workbook.xlsx", params={"region": "甲县"}).content))
    reports_sheet, findings_sheet = book.worksheets[:2]
    header = [c.value for c in reports_sheet[1]]
    assert reports_sheet.cell(2, header.index("错误 errors") + 1).value == count - 1
    rows = [[c.value for c in row] for row in findings_sheet.iter_rows()]
    verdict_column, code_column = rows[0].index("审核意见 verdict"), rows[0].index("代码 code")
    assert {row[code_column]: row[verdict_column] for row in rows[1:]}["T4.TOTAL"] == "驳回"
    assert sum(row[verdict_column] == "驳回" for row in rows[1:]) == 1
    bad = client.post(f"/api/reports/{report_id}/findings/{before['T4.TOTAL']['key']}/verdict", json={"verdict": "ok"})
    assert bad.status_code == 422 and "未知审核意见" in bad.json()["detail"]
    missing = client.post(f"/api/reports/{ids['乙县']}/findings/{before['T4.TOTAL']['key']}/verdict",
                          json={"verdict": "驳回"})
    assert missing.status_code == 404  # that key names a finding of another report


def test_status_assignment_queue_and_bulk(database, tmp_path):
    target, ids = database
    client = browser(target, tmp_path)
    token = _csrf(client)
    assert client.post(f"/reports/{ids['甲县']}/review", data={"assignee": "本机用户", "csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert client.post(f"/api/reports/{ids['乙县']}/assign", json={"assignee": "本机用户"}).status_code == 200
    # 甲县 gets one error dismissed: 乙县 now has more errors and comes first in the queue.
    key = findings(client, ids["甲县"])["T4.TOTAL"]["key"]
    client.post(f"/api/reports/{ids['甲县']}/findings/{key}/verdict", json={"verdict": "dismissed"})
    queue = client.get("/api/review/queue").json()["items"]
    assert [item["id"] for item in queue] == [ids["乙县"], ids["甲县"]]
    overview = client.get("/").text
    assert "我的待审" in overview and "审核 Review" in overview and "未审" in overview
    status = client.post(f"/api/reports/{ids['乙县']}/status", json={"status": "已审", "note": "无误"})
    assert status.status_code == 200 and status.json()["review_status_label"] == "已审"
    assert [item["id"] for item in client.get("/api/review/queue").json()["items"]] == [ids["甲县"]]
    bulk = client.post("/api/review/bulk", json={"action": "verdict", "value": "驳回", "rule": "T3.ROW_TOTAL",
                                                 "region": "乙县", "note": "口径"})
    assert bulk.status_code == 200 and bulk.json()["count"] == 1
    assert findings(client, ids["乙县"])["T3.ROW_TOTAL"]["verdict_label"] == "驳回"
    assert findings(client, ids["甲县"])["T3.ROW_TOTAL"]["verdict_label"] == "待核"
    form = client.post("/review/bulk", data={"action": "status", "value": "审核中", "region": "甲县", "csrf_token": token},
                       follow_redirects=False)
    assert form.status_code == 303
    listed = client.get("/api/review/reports", params={"status": "审核中"}).json()
    assert [item["id"] for item in listed["items"]] == [ids["甲县"]]
    page = client.get("/review").text
    assert "我的待审" in page and "甲县人民政府" in page
    assert client.post("/api/review/bulk", json={"action": "status", "value": "finished"}).status_code == 422
    # Hostile values: refused by name or not found, never a database error.
    assert client.post("/api/review/bulk", json={"action": "status", "value": "已审", "year": 10**12}).status_code == 422
    assert client.post("/api/review/bulk", json={"action": "status", "value": "已审",
                                                 "report_ids": [2**40]}).status_code == 422
    assert client.post(f"/api/reports/{ids['甲县']}/findings/{'9' * 30}/verdict", json={"verdict": "确认"}).status_code == 404
    long_name = client.post(f"/reports/{ids['甲县']}/review", data={"assignee": "名" * 101, "csrf_token": token})
    assert long_name.status_code == 422 and "姓名过长" in long_name.text
    odd_form = client.post("/review/bulk", data={"action": "status", "value": "已审", "year": "9" * 30, "csrf_token": token},
                           follow_redirects=False)
    assert odd_form.status_code == 303


def _logged_in(target: str, tmp_path, name: str) -> TestClient:
    client = TestClient(create_app(target, files_dir=tmp_path / "files"))
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"user": name, "password": "pass-word-1", "csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def test_a_viewer_cannot_write_and_a_scoped_reviewer_cannot_reach_another_district(database, tmp_path):
    target, ids = database
    store = open_store(target)
    with store.session() as session, session.begin():
        add_account(session, "管理员甲", "pass-word-1", "admin")
        add_account(session, "只读乙", "pass-word-1", "viewer")
        add_account(session, "审核丙", "pass-word-1", "reviewer", RegionScope(county="甲县"))
    store.close()
    admin = _logged_in(target, tmp_path, "管理员甲")
    # The page offers the names that may take each report: reviewers and administrators whose region holds it.
    offered = re.compile(r'<datalist id="assignable">(.*?)</datalist>', re.S)
    assert "审核丙" in offered.search(admin.get(f"/reports/{ids['甲县']}").text).group(1)
    other_county = offered.search(admin.get(f"/reports/{ids['乙县']}").text).group(1)
    assert "审核丙" not in other_county and "管理员甲" in other_county and "只读乙" not in other_county
    assert admin.post(f"/api/reports/{ids['甲县']}/assign", json={"assignee": "审核丙"},
                      headers={"x-csrf-token": _csrf(admin)}).status_code == 200
    viewer = _logged_in(target, tmp_path, "只读乙")
    key = findings(viewer, ids["甲县"])["T4.TOTAL"]["key"]
    assert "驳回 Dismiss" not in viewer.get(f"/reports/{ids['甲县']}").text
    refused = viewer.post(f"/api/reports/{ids['甲县']}/findings/{key}/verdict", json={"verdict": "驳回"},
                          headers={"x-csrf-token": _csrf(viewer)})
    assert refused.status_code == 403
    reviewer = _logged_in(target, tmp_path, "审核丙")
    csrf = {"x-csrf-token": _csrf(reviewer)}
    assert [item["id"] for item in reviewer.get("/api/review/queue").json()["items"]] == [ids["甲县"]]
    assert "乙县" in admin.get("/review").text and "乙县" not in reviewer.get("/review").text  # not even in a filter menu
    assert reviewer.post(f"/api/reports/{ids['甲县']}/findings/{key}/verdict", json={"verdict": "驳回"},
                         headers=csrf).status_code == 200
    assert reviewer.post(f"/api/reports/{ids['乙县']}/assign", json={"assignee": "审核丙"},
                         headers=csrf).status_code in (403, 404)
    other = findings(admin, ids["乙县"])["T4.TOTAL"]["key"]
    assert reviewer.get(f"/api/reports/{ids['乙县']}/review").status_code == 404
    assert reviewer.post(f"/api/reports/{ids['乙县']}/findings/{other}/verdict", json={"verdict": "驳回"},
                         headers=csrf).status_code == 404
    assert reviewer.post("/api/review/bulk", json={"action": "status", "value": "已审"}, headers=csrf).json()["count"] == 1
    assert findings(admin, ids["乙县"])["T4.TOTAL"]["verdict"] == "pending"
    assert reviewer.post("/api/review/bulk", json={"action": "assign", "value": "审核丙"}, headers=csrf).status_code == 403


def test_two_reviewers_judging_one_finding_at_once_the_second_is_told_to_retry(database, tmp_path, monkeypatch):
    from nianbao.store import review

    target, ids = database
    client = browser(target, tmp_path)
    key = findings(client, ids["甲县"])["T4.TOTAL"]["key"]
    assert client.post(f"/api/reports/{ids['甲县']}/findings/{key}/verdict", json={"verdict": "确认"}).status_code == 200
    # The second reviewer looked before the first one's verdict was stored: its insert meets the unique key.
    monkeypatch.setattr(review, "_stored_verdict", lambda session, key: None)
    late = client.post(f"/api/reports/{ids['甲县']}/findings/{key}/verdict", json={"verdict": "驳回"})
    assert late.status_code == 409 and "他人修改" in late.json()["detail"]
    monkeypatch.undo()
    assert findings(client, ids["甲县"])["T4.TOTAL"]["verdict"] == "confirmed"  # the first verdict stands



def test_a_deleted_report_uploaded_again_comes_back_with_its_verdicts(tmp_path):
    from .conftest import CORPUS

    client = browser(str(tmp_path / "web.db"), tmp_path)
    data = (CORPUS / "dev" / "pingtan-haitan-2021.txt").read_bytes()

    def upload() -> int:
        answer = client.post("/api/reports", files={"files": ("haitan.txt", data, "text/plain")})
        assert answer.status_code == 201, answer.text
        return answer.json()["results"][0]["id"]

    first = upload()
    finding = next(f for f in findings(client, first).values() if f["severity"] == "error")
    count = errors(client, first)
    client.post(f"/api/reports/{first}/findings/{finding['key']}/verdict", json={"verdict": "驳回", "note": "版式"})
    assert client.delete(f"/api/reports/{first}").status_code in (200, 204)
    again = upload()
    assert findings(client, again)[finding["code"]]["verdict"] == "dismissed"
    assert errors(client, again) == count - 1
