"""The scores page in a real headless Chromium (see test_web_e2e.py for the browser setup): the
ranking is shown, a reviewer scoped to one city sees only its reports (page, API and workbook),
the evaluation workbook downloads and opens with openpyxl."""

from __future__ import annotations

import openpyxl
import pytest

# The browser fixture and the skips (no Chromium, no Playwright) are test_web_e2e's.
from tests.test_web_e2e import browser, uvicorn  # noqa: F401

from .test_scores import _reports
from .test_web_review_e2e import PASSWORD, logged_in


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server over three reports of two cities and two accounts: an administrator, and a
    reviewer who may see 福建省莆田市 only."""
    import socket
    import threading
    import time

    from nianbao.scores import default_rubric
    from nianbao.store import open_store
    from nianbao.store.accounts import RegionScope, add_account
    from nianbao.store.scoring import rank_reports, score_store
    from nianbao.web.app import create_app

    folder = tmp_path_factory.mktemp("scores-e2e")
    target = str(folder / "scores.db")
    store = open_store(target)
    _reports(store)
    with store.session() as session, session.begin():
        add_account(session, "管理员甲", PASSWORD, "admin")
        add_account(session, "审核乙", PASSWORD, "reviewer", RegionScope("福建省", "莆田市"))
    scored = score_store(store, default_rubric())
    expected = {by: [(str(r.group[0]), r.group[1], str(r.rank), r.entry.agency, f"{r.entry.score.total:g}")
                     for r in rank_reports(scored, by)] for by in ("region", "level")}
    store.close()
    app = create_app(target, files_dir=folder / "files")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "expected": expected}
    server.should_exit = True
    thread.join(10)


def _ranking(page) -> list[tuple[str, ...]]:
    rows = page.locator("#scores tbody tr")
    return [tuple(cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()[:5]) for i in range(rows.count())]


def _download(page, tmp_path, name: str):
    with page.expect_download() as caught:
        page.click("a[href^='/api/scores.xlsx']")
    target = tmp_path / name
    caught.value.save_as(target)
    return openpyxl.load_workbook(target)


def test_the_ranking_the_scoped_view_and_the_workbook(browser, site, tmp_path):  # noqa: F811 — the fixture
    url = site["url"]
    context, admin, errors = logged_in(browser, site, "管理员甲")
    admin.goto(f"{url}/scores")
    shown = _ranking(admin)
    assert shown == site["expected"]["region"]
    # Within 福建省莆田市, best first: 财政局 loses 4 of 数据准确, 统计局 10 for 44 days late.
    assert shown[1:] == [("2023", "福建省莆田市", "1", "莆田市财政局", "96"), ("2023", "福建省莆田市", "2", "莆田市统计局", "90")]
    admin.select_option("select[name=by]", "level")
    admin.click("form.filters button[type=submit]")
    admin.wait_for_url(f"{url}/scores?by=level*")
    assert _ranking(admin) == site["expected"]["level"]
    book = _download(admin, tmp_path, "admin.xlsx")
    assert book.sheetnames[:5] == ["汇总", "时效性", "格式规范", "数据准确", "内容完整"]
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[0][2] == "分组（层级）" and len(summary) == 4
    assert book["汇总"].freeze_panes == "A2" and book["汇总"].auto_filter.ref == f"A1:{_last_column(book['汇总'])}4"
    assert not errors
    context.close()

    context, reviewer, errors = logged_in(browser, site, "审核乙")
    reviewer.goto(f"{url}/scores")
    agencies = {row[3] for row in _ranking(reviewer)}
    assert agencies == {"莆田市财政局", "莆田市统计局"}
    assert "洪泽区" not in reviewer.locator("main").inner_text()
    answer = reviewer.request.get(f"{url}/api/scores").json()
    assert answer["count"] == 2 and {item["agency"] for item in answer["items"]} == agencies
    summary = list(_download(reviewer, tmp_path, "reviewer.xlsx")["汇总"].iter_rows(values_only=True))
    assert {row[3] for row in summary[1:]} == agencies
    assert not errors
    context.close()


def _last_column(ws) -> str:
    return openpyxl.utils.get_column_letter(ws.max_column)
