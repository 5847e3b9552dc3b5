"""End-to-end review flow in a real headless Chromium (see test_web_e2e.py for the browser setup):
an administrator assigns a report to a reviewer; the reviewer finds it in 我的待审, confirms one
finding and dismisses another; a re-check and a re-parse keep both verdicts; a viewer sees no
buttons and the API refuses its write; a reviewer scoped to one county cannot reach a report of
another, neither as a page nor through the API."""

from __future__ import annotations

import pytest

# The browser fixture and the skips (no Chromium, no Playwright) are test_web_e2e's.
from tests.test_web_e2e import browser  # noqa: F401

from .e2e_support import serving
from .store_support import write_report
from .test_review import broken, two_counties

PASSWORD = "pass-word-1"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server over a database with two counties' reports and three accounts."""
    from nianbao.store import open_store
    from nianbao.store.accounts import RegionScope, add_account
    from nianbao.web.app import create_app

    folder = tmp_path_factory.mktemp("review-e2e")
    target = str(folder / "review.db")
    ids = two_counties(target, parser_version="0.1.0")
    store = open_store(target)
    with store.session() as session, session.begin():
        add_account(session, "管理员甲", PASSWORD, "admin")
        add_account(session, "审核丙", PASSWORD, "reviewer", RegionScope(county="甲县"))
        add_account(session, "只读乙", PASSWORD, "viewer")
    store.close()
    with serving(create_app(target, files_dir=folder / "files")) as url:
        yield {"url": url, "db": target, "ids": ids}


def logged_in(chromium, site, name: str):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{site['url']}/login")
    page.fill("input[name=user]", name)
    page.fill("input[name=token]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{site['url']}/")
    assert name in page.locator(".who").inner_text()
    return context, page, errors


def api_post(page, site, path: str, body: dict):
    """A write from the page's own session, as its scripts send one (CSRF header from the page)."""
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    return page.request.post(f"{site['url']}{path}", data=body, headers={"X-CSRF-Token": token})


def finding_item(page, code: str):
    return page.locator("#findings li", has=page.locator(f"code:text-is('{code}')"))


def errors_badge(page) -> int:
    return int(page.locator(".headline .badge.error").inner_text().split()[-1])


def test_assign_review_recheck_reparse_and_who_may_do_what(browser, site):  # noqa: F811 — the fixture
    url, ids = site["url"], site["ids"]
    mine, other = ids["甲县"], ids["乙县"]

    # The administrator assigns 甲县's report to the reviewer.
    admin_context, admin, admin_errors = logged_in(browser, site, "管理员甲")
    admin.goto(f"{url}/reports/{mine}")
    admin.fill("#assign-form input[name=assignee]", "审核丙")
    admin.click("#assign-form button")
    admin.wait_for_url(f"{url}/reports/{mine}#review")
    assert admin.locator("#review-assignee").inner_text() == "审核丙"

    # The reviewer finds it in 我的待审 on the overview and opens it.
    reviewer_context, reviewer, reviewer_errors = logged_in(browser, site, "审核丙")
    queue = reviewer.locator("#my-queue")
    assert queue.locator("tbody tr").count() == 1 and "甲县人民政府" in queue.inner_text()
    queue.locator("a", has_text="甲县人民政府").click()
    reviewer.wait_for_url(f"{url}/reports/{mine}")
    before = errors_badge(reviewer)
    finding_item(reviewer, "T3.IDENTITY").locator("button[data-verdict=confirmed]").click()
    reviewer.wait_for_load_state()
    dismissed = finding_item(reviewer, "T4.TOTAL")
    dismissed.locator("input[name=note]").click()  # typing a note does not jump to the finding's cells
    assert reviewer.locator("#where").is_hidden()
    dismissed.locator("input[name=note]").fill("表四印刷如此")
    dismissed.locator("button[data-verdict=dismissed]").click()
    reviewer.wait_for_load_state()
    assert "已确认" in finding_item(reviewer, "T3.IDENTITY").inner_text()
    assert "已驳回" in finding_item(reviewer, "T4.TOTAL").inner_text()
    assert "表四印刷如此" in finding_item(reviewer, "T4.TOTAL").inner_text()
    assert errors_badge(reviewer) == before - 1  # the dismissed one no longer counts
    reviewer.locator('td.cell[data-path="t4.review.total"]').click()
    assert "（已驳回）" in reviewer.locator("#where").inner_text()  # named under its cell, marked

    # A re-check (the administrator's) rewrites the findings: both verdicts stay.
    assert api_post(admin, site, f"/api/reports/{mine}/recheck", {}).status == 200
    reviewer.reload()
    assert "已确认" in finding_item(reviewer, "T3.IDENTITY").inner_text()
    assert "已驳回" in finding_item(reviewer, "T4.TOTAL").inner_text()
    assert errors_badge(reviewer) == before - 1

    # A re-parse by a newer parser makes a new report row of the same file: verdicts and assignment follow.
    from nianbao.store import open_store

    store = open_store(site["db"])
    reparsed = write_report(store, broken(agency="甲县人民政府", county="甲县"), name="甲县.txt", parser_version="0.2.0")
    store.close()
    assert reparsed != mine
    reviewer.goto(f"{url}/reports/{reparsed}")
    assert "已确认" in finding_item(reviewer, "T3.IDENTITY").inner_text()
    assert "已驳回" in finding_item(reviewer, "T4.TOTAL").inner_text()
    assert errors_badge(reviewer) == before - 1
    assert reviewer.locator("#review-assignee").inner_text() == "审核丙"

    # The reviewer scoped to 甲县 cannot reach 乙县's report: not as a page, not through the API.
    assert reviewer.goto(f"{url}/reports/{other}").status == 404
    assert "乙县人民政府" not in reviewer.request.get(f"{url}/api/review/reports").text()
    reviewer.goto(f"{url}/")
    assert "甲县人民政府" in reviewer.locator("#report-list").inner_text()
    assert "乙县人民政府" not in reviewer.locator("main").inner_text()
    assert reviewer.request.get(f"{url}/api/reports/{other}").status == 404
    assert reviewer.request.get(f"{url}/api/reports/{other}/review").status == 404
    key = admin.request.get(f"{url}/api/reports/{other}/review").json()["findings"][0]["key"]
    assert api_post(reviewer, site, f"/api/reports/{other}/findings/{key}/verdict", {"verdict": "驳回"}).status == 404

    # A viewer reads but cannot write: no buttons, and the API refuses.
    viewer_context, viewer, viewer_errors = logged_in(browser, site, "只读乙")
    viewer.goto(f"{url}/reports/{other}")
    assert viewer.locator("#findings li").count() >= 3
    assert viewer.locator("#findings button[data-verdict]").count() == 0
    assert viewer.locator("#status-form, #assign-form").count() == 0
    assert api_post(viewer, site, f"/api/reports/{other}/findings/{key}/verdict", {"verdict": "驳回"}).status == 403
    assert api_post(viewer, site, f"/api/reports/{other}/status", {"status": "已审"}).status == 403

    for context in (admin_context, reviewer_context, viewer_context):
        context.close()
    assert not (admin_errors or reviewer_errors or viewer_errors)
