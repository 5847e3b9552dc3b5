"""The overview for a day's work, in a real headless Chromium (as tests/test_web_e2e.py): a dense
list (25 rows and more in sight at 1366×768), sortable columns, j/k and arrows between rows and,
on a report page, between reports of the same list; findings name their cells in Chinese; the
guessed-cell count shows and the 无问题 filter leaves such reports out.

Uses Debian's chromium through Playwright's `executable_path`; skipped when it is absent."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tests.e2e_support import CHROMIUM, serving, watched_page
from tests.test_web_e2e import browser  # noqa: F401  (fixture)


if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); e2e browser tests skipped", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")

REPORTS = 40  # more than a screen of rows


def _store(folder: Path) -> str:
    """Synthetic reports stored as ingest stores them: some wrong by one, some with a guessed cell."""
    from nianbao.store import open_store
    from nianbao.store.synth import report_data
    from tests.store_support import guessed_data, write_report

    url = str(folder / "overview.db")
    rng = random.Random(5)
    with open_store(url) as store:
        for n in range(REPORTS):
            data = report_data(rng, f"测试县第{n:02d}局", 2021 + n % 2)
            data["region"] = {"province": "江苏省", "city": "宿迁市", "county": "沭阳县", "level": "部门"}
            if n % 5 == 1:
                data["t3"]["granted"]["total"] += n  # an error-level finding, n off
            if n % 7 == 3:
                data = guessed_data(data, {"t3.new_received.total": (data["t3"]["new_received"]["total"], (1, 9))})
            write_report(store, data, name=f"report-{n:02d}.json")
    return url


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from nianbao.web.app import create_app

    folder = tmp_path_factory.mktemp("overview-e2e")
    app = create_app(_store(folder), files_dir=folder / "files")
    with serving(app) as url:
        yield url
    app.state.store.close()


@pytest.fixture
def page(browser):  # noqa: F811  (the browser fixture imported above)
    with watched_page(browser, viewport={"width": 1366, "height": 768}) as pg:
        yield pg


def _row_ids(page) -> list[int]:
    return [int(re.search(r"/reports/(\d+)", href).group(1))
            for href in page.locator("#report-list tbody tr").evaluate_all("rows => rows.map(r => r.dataset.href)")]


def test_dense_list_shows_25_rows_at_1366x768(server, page):
    page.goto(server + "/")
    fully_visible = page.locator("#report-list tbody tr").evaluate_all(
        "rows => rows.filter(r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; }).length")
    assert fully_visible >= 25, fully_visible


def test_sort_by_errors_then_walk_rows_and_reports_by_keyboard(server, page):
    page.goto(server + "/")
    page.locator("#report-list thead a", has_text="错误 Errors").click()
    page.wait_for_url(re.compile(r"sort=-errors"))
    errors = [int(t) for t in page.locator("#report-list tbody tr td:nth-child(8)").all_inner_texts()]
    assert errors == sorted(errors, reverse=True) and errors[0] > errors[-1] == 0
    assert page.locator('#report-list thead th[aria-sort="descending"]').count() == 1
    ids = _row_ids(page)

    # j/k and the arrows move the highlighted row; Enter opens it, keeping the list's order.
    for key in ("j", "j", "ArrowDown", "k"):
        page.keyboard.press(key)
    assert page.locator("#report-list tbody tr.current").count() == 1
    assert page.locator("#report-list tbody tr").nth(1).get_attribute("aria-current") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/reports/{ids[1]}\?.*sort=-errors"))

    # On the report page, j / k go to the next and previous report of that list.
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"/reports/{ids[2]}\?"))
    page.keyboard.press("k")
    page.wait_for_url(re.compile(rf"/reports/{ids[1]}\?"))
    page.keyboard.press("k")
    page.wait_for_url(re.compile(rf"/reports/{ids[0]}\?"))
    assert page.locator("#report-nav a[rel=prev]").count() == 0  # the first of the list
    page.keyboard.press("u")
    page.wait_for_url(re.compile(r"/\?sort=-errors"))


def test_findings_name_cells_in_chinese(server, page):
    page.goto(server + "/?sort=-errors")
    page.locator("#report-list tbody tr").first.locator("a").first.click()
    names = page.locator("#findings .finding-cells a").all_inner_texts()
    assert names and all("表" in n and "t3." not in n for n in names), names
    assert any("“（一）予以公开”行" in n for n in names), names


def test_guessed_cells_shown_and_clean_filter_leaves_them_out(server, page):
    page.goto(server + "/")
    assert page.locator("#report-list .badge.uncertain").count() >= 1  # 推测 n in the 待核对 column
    page.select_option("select[name=severity]", "clean")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"severity=clean"))
    assert page.locator("#report-list tbody tr").count() >= 1
    assert page.locator("#report-list .badge.uncertain").count() == 0
    assert page.locator("#report-list .badge.error").count() == 0
