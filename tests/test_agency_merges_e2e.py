"""Merging two agencies on the agency page in a real headless Chromium (as tests/test_web_e2e.py):
an administrator joins 淮安市洪泽区人民政府 into 洪泽区政府 with the page's form; the page then shows
one agency whose years carry both printed names; the unmerge button on the joined agency's page
parts them again.  Skipped when Debian's chromium or Playwright is absent."""

from __future__ import annotations

import pytest

from tests.e2e_support import CHROMIUM, serving, watched_page
from tests.test_agency_merges import LONG, PASSWORD, SHORT, _split, parsed  # noqa: F401  (fixture)
from tests.test_web_e2e import browser  # noqa: F401  (fixture)

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); e2e browser tests skipped", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")


@pytest.fixture
def site(tmp_path, parsed):  # noqa: F811  (the parsed fixture imported above)
    from nianbao.store.accounts import add_account
    from nianbao.web.app import create_app

    app = create_app(str(tmp_path / "e2e.db"), files_dir=tmp_path / "files")
    ids = _split(app.state.store.store, parsed)
    with app.state.store.store.session() as session, session.begin():
        add_account(session, "管理员甲", PASSWORD, "admin")
    with serving(app) as url:
        yield url, ids
    app.state.store.close()


def _printed_names(page) -> list[str]:
    return sorted(page.locator("#years .printed-name").all_inner_texts())


def test_an_administrator_merges_and_unmerges_on_the_agency_page(site, browser):  # noqa: F811
    base, (short, long) = site
    with watched_page(browser, viewport={"width": 1366, "height": 900}) as page:
        page.goto(base + "/login")
        page.fill("input[name=user]", "管理员甲")
        page.fill("input[name=token]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(base + "/")

        page.goto(f"{base}/agencies/{short}")
        assert _printed_names(page) == [SHORT]
        page.fill(".merge-form input[name=agency]", LONG)
        page.fill(".merge-form input[name=note]", "同一区政府")
        page.click(".merge-form button")
        page.wait_for_url(f"{base}/agencies/{short}#merges")
        assert SHORT in page.inner_text("h1")
        assert _printed_names(page) == sorted([SHORT, LONG])  # one agency, both names, both years
        history = page.inner_text("#merge-history")
        assert LONG in history and "管理员甲" in history and "同一区政府" in history

        page.goto(f"{base}/agencies/{long}")
        assert "本机关已并入" in page.inner_text("#merges ~ p.notice")
        assert _printed_names(page) == []  # its reports count under the kept agency
        page.click(".unmerge-form button")
        page.wait_for_url(f"{base}/agencies/{long}#merges")
        assert _printed_names(page) == [LONG]
        assert page.locator(".merge-form").count() == 1  # no longer joined: it may be merged again
        page.goto(f"{base}/agencies/{short}")
        assert _printed_names(page) == [SHORT]
