"""The overview's review filters (审核状态, 分配给我) on the page, the list API and the exports."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")

from .test_review import two_counties  # noqa: E402
from .test_web_review import browser  # noqa: E402


def listed(client, **params) -> set[int]:
    answer = client.get("/api/reports", params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def report_list(page: str) -> list[str]:
    """The agencies of the overview's main table (not of the 我的待审 box above it)."""
    table = page.split('id="report-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/reports/\d+[^"]*">([^<]+)</a>', table)


def test_the_overview_filters_by_review_status_and_by_what_is_assigned_to_me(tmp_path):
    target = str(tmp_path / "web.db")
    ids = two_counties(target)
    client = browser(target, tmp_path)
    assert client.post(f"/api/reports/{ids['甲县']}/assign", json={"assignee": "本机用户"}).status_code == 200
    assert client.post(f"/api/reports/{ids['乙县']}/status", json={"status": "已审"}).status_code == 200

    assert listed(client, review="未审") == {ids["甲县"]}  # assigned but not begun
    assert listed(client, review="reviewed") == {ids["乙县"]}
    assert listed(client, review="审核中") == set()
    assert listed(client, mine="1") == {ids["甲县"]}
    assert listed(client, mine="1", review="已审") == set()
    assert listed(client, review="whatever") == set(ids.values())  # an unknown value is no filter, as elsewhere

    page = client.get("/", params={"review": "reviewed"}).text
    assert report_list(page) == ["乙县人民政府"]
    assert '<option value="reviewed" selected>已审</option>' in page and "（已筛选 filtered）" in page
    mine = client.get("/", params={"mine": "1"}).text
    assert report_list(mine) == ["甲县人民政府"] and 'name="mine" value="1" checked' in mine
    # The export links of the filtered view keep the filter.
    assert "/api/export.csv?review=reviewed" in page
    frame = pd.read_csv(io.BytesIO(client.get("/api/export.csv", params={"review": "reviewed"}).content),
                        encoding="utf-8-sig")
    assert len(frame) == 1


def test_mine_matches_nothing_for_a_visitor_nobody_can_assign_to(tmp_path):
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    target = str(tmp_path / "web.db")
    ids = two_counties(target)
    local = browser(target, tmp_path)
    assert local.post(f"/api/reports/{ids['甲县']}/assign", json={"assignee": "本机用户"}).status_code == 200
    # With --auth, a visitor without the token reads as 匿名: nothing is assigned to it.
    guarded = TestClient(create_app(target, files_dir=tmp_path / "files", auth_token="secret-token-123"))
    assert listed(guarded) == set(ids.values())  # reading is open to visitors …
    assert listed(guarded, mine="1") == set()  # … but nothing is theirs
