"""End-to-end in headless Chromium: logging in with an account's name and password, seeing only
the reports of the account's region, logging out.  Set up as tests/test_web_e2e.py (Debian's
chromium through Playwright's `executable_path`; skipped with a reason when absent)."""

from __future__ import annotations


import pytest

from tests.conftest import CORPUS
from tests.e2e_support import ARGS, CHROMIUM, serving

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); e2e browser tests skipped", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")
from fastapi.testclient import TestClient  # noqa: E402

DEV = CORPUS / "dev"
pytestmark = pytest.mark.skipif(not DEV.exists(), reason="corpus not found (set NIANBAO_CORPUS)")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from nianbao.store.accounts import RegionScope, add_account
    from nianbao.web.app import create_app

    app = create_app(str(tmp_path_factory.mktemp("accounts-e2e") / "e2e.db"))
    local = TestClient(app)  # uploads by the local user, before any account exists
    ids = {}
    for name in ("pingtan-2019.txt", "putian-statistics-2022.html"):
        ids[name] = local.post("/api/reports", files={"files": (name, (DEV / name).read_bytes())}).json()["results"][0]["id"]
    with app.state.store.store.session() as session, session.begin():
        add_account(session, "平潭审核", PASSWORD, "reviewer", RegionScope.parse("福建省/福州市/平潭县"))
    with serving(app) as url:
        yield url, ids


def test_log_in_with_name_and_password_in_chromium(site):
    base, ids = site
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(base + "/")
            assert "/login" in page.url  # accounts exist: reading needs a login
            page.fill("input[name=user]", "平潭审核")
            page.fill("input[name=token]", "wrong password")
            page.click("button[type=submit]")
            assert "姓名或密码不正确" in page.inner_text(".error-box")
            page.fill("input[name=user]", "平潭审核")
            page.fill("input[name=token]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            who = page.inner_text(".who")
            assert "平潭审核" in who and "审核人" in who and "平潭县" in who
            listing = page.inner_text("main")
            assert "平潭综合实验区" in listing and "莆田市统计局" not in listing
            response = page.goto(f"{base}/reports/{ids['putian-statistics-2022.html']}")
            assert response is not None and response.status == 404
            page.goto(base + "/")
            page.click(".who button")  # 退出 Log out
            page.goto(base + "/")
            assert "/login" in page.url
        finally:
            browser.close()
