"""The roster page in a real headless Chromium (browser setup and skips: test_web_e2e.py): an
administrator imports a roster file, sees the 未发布 / 逾期发布 / 已发布 counts, links a report
no entry matched, and exports the status as XLSX (opened with openpyxl)."""

from __future__ import annotations

import openpyxl
import pytest

# The browser fixture and the skips (no Chromium, no Playwright) are test_web_e2e's.
from tests.test_web_e2e import browser  # noqa: F401

from .e2e_support import serving
from .test_roster import ROSTER_CSV, report
from .test_web_review_e2e import PASSWORD, logged_in

SUQIAN = {"province": "江苏省", "city": "宿迁市", "county": "沭阳县"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server over four reports of 2023 and an administrator; no roster yet."""
    from nianbao.store import open_store
    from nianbao.store.accounts import add_account
    from nianbao.web.app import create_app

    folder = tmp_path_factory.mktemp("roster-e2e")
    target = str(folder / "roster.db")
    store = open_store(target)
    ids = {
        "on_time": report(store, "沭阳县发改局", 2023, "2024-01-12", seed=1, **SUQIAN),
        "late": report(store, "沭阳县卫健局", 2023, "2024-05-02", seed=2, **SUQIAN),  # departments: 31 January
        "unmatched": report(store, "沭阳县政府信息公开办", 2023, "2024-03-01", seed=3, **SUQIAN),
    }
    with store.session() as session, session.begin():
        add_account(session, "管理员甲", PASSWORD, "admin")
    store.close()
    with serving(create_app(target, files_dir=folder / "files")) as url:
        yield {"url": url, "ids": ids, "folder": folder}


def counts(page) -> dict[str, int]:
    badges = page.locator(".roster-counts a").all_inner_texts()
    return {text.rsplit(" ", 1)[0]: int(text.rsplit(" ", 1)[1]) for text in (b.strip() for b in badges)}


def status_of(page, name: str) -> str:
    row = page.locator("#roster-list tbody tr", has=page.locator(f"td:text-is('{name}')"))
    return row.locator("td .badge").inner_text().strip()


def test_import_counts_link_and_export(browser, site, tmp_path):  # noqa: F811 — the fixture
    url = site["url"]
    context, admin, errors = logged_in(browser, site, "管理员甲")
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text(ROSTER_CSV, encoding="utf-8")
    admin.goto(f"{url}/roster")
    assert "名单为空" in admin.locator("main").inner_text()
    admin.set_input_files("form[action='/roster/import'] input[type=file]", str(roster_file))
    admin.click("form[action='/roster/import'] button[type=submit]")
    admin.wait_for_url(f"{url}/roster*")
    assert "新增 5" in admin.locator("[role=status]").inner_text()
    # 发改局 on time, 卫健局 late; 县政府 signed its report with a name no entry matches.
    assert counts(admin) == {"未发布": 3, "逾期发布": 1, "已发布": 1}
    assert status_of(admin, "沭阳县卫生健康局") == "逾期发布" and status_of(admin, "沭阳县人民政府") == "未发布"
    unmatched = admin.locator("#unmatched-list tbody tr")
    assert unmatched.count() == 1 and "沭阳县政府信息公开办" in unmatched.inner_text()

    unmatched.locator("input[name=name]").fill("沭阳县人民政府")
    unmatched.locator("button:text('关联 Link')").click()
    admin.wait_for_load_state()
    assert counts(admin) == {"未发布": 2, "逾期发布": 1, "已发布": 2}
    assert status_of(admin, "沭阳县人民政府") == "已发布"  # 1 March: within the governments' 31 March
    assert admin.locator("#unmatched-list").count() == 0

    with admin.expect_download() as caught:
        admin.click("a[href^='/api/roster/status.xlsx']")
    saved = tmp_path / "roster.xlsx"
    caught.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    sheet = book["2023年度名单状态"]
    header = [cell.value for cell in sheet[1]]
    table = {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert table["沭阳县人民政府"]["状态 status"] == "已发布" and table["沭阳县人民政府"]["匹配方式 matched"] == "人工"
    assert table["沭阳县人民政府"]["报告编号 report id"] == str(site["ids"]["unmatched"])
    assert table["沭阳县卫生健康局"]["逾期天数 days late"] == 92  # 31 January → 2 May 2024
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary == {"未发布 not published": 2, "逾期发布 published late": 1, "已发布 published": 2, "合计 total": 5}
    context.close()
    assert not errors, errors
