"""A changed password signs out the person's other browsers, in a real headless Chromium (as
tests/test_web_e2e.py): two browser contexts log in as the same account, one changes the
password, the other is sent to the login page with 密码已更改，请重新登录 and the first stays.

Uses Debian's chromium through Playwright's `executable_path`; skipped when it is absent."""

from __future__ import annotations

import pytest

from tests.e2e_support import CHROMIUM, serving, watched_page
from tests.test_web_e2e import browser  # noqa: F401  (fixture)

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); e2e browser tests skipped", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")

NAME, OLD, NEW = "王审核", "correct horse battery", "a brand new passphrase"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from nianbao.store.accounts import add_account
    from nianbao.web.app import create_app

    app = create_app(str(tmp_path_factory.mktemp("epochs-e2e") / "e2e.db"))
    with app.state.store.store.session() as session, session.begin():
        add_account(session, NAME, OLD, "reviewer")
    with serving(app) as url:
        yield url
    app.state.store.close()


def _log_in(page, base: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=user]", NAME)
    page.fill("input[name=token]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")


def test_a_password_changed_in_one_browser_signs_out_the_other(server, browser):  # noqa: F811
    viewport = {"width": 1366, "height": 768}
    with watched_page(browser, viewport=viewport) as here, watched_page(browser, viewport=viewport) as elsewhere:
        _log_in(here, server, OLD)
        _log_in(elsewhere, server, OLD)
        here.goto(server + "/account/password")
        here.fill("input[name=current]", OLD)
        here.fill("input[name=new]", NEW)
        here.fill("input[name=again]", NEW)
        here.click("#password-form button[type=submit]")
        here.wait_for_url(server + "/account/password?changed=1")
        elsewhere.reload()
        elsewhere.wait_for_url(server + "/login?next=/&signed_out=password")
        assert "密码已更改，请重新登录" in elsewhere.inner_text("#signed-out")
        here.goto(server + "/")
        assert NAME in here.inner_text(".who")  # the browser that changed it stays logged in
        _log_in(elsewhere, server, NEW)
        assert NAME in elsewhere.inner_text(".who")
