"""A person changes their own password (/account/password): current password checked, the new
one twice, CSRF-protected, audit-logged, wrong tries throttled; token and local users have none."""

from __future__ import annotations


import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.store import accounts as store_accounts  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402

from .test_web_accounts import PASSWORD, _log_in  # noqa: E402
from tests.web_support import csrf_token  # noqa: E402

NEW = "a brand new passphrase"


@pytest.fixture
def app(tmp_path):
    made = create_app(str(tmp_path / "web.db"))
    with made.state.store.store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "reviewer")
    return made


def _csrf(client) -> str:
    return csrf_token(client, "/account/password")


def _change(client: TestClient, current: str, new: str, again: str | None = None, csrf: str | None = None):
    return client.post("/account/password", follow_redirects=False, data={
        "current": current, "new": new, "again": new if again is None else again,
        "csrf_token": _csrf(client) if csrf is None else csrf})


def _logged_in(app) -> TestClient:
    client = TestClient(app)
    assert _log_in(client, "张三").status_code == 303
    return client


def test_the_owner_changes_the_password_and_the_change_is_logged(app):
    client = _logged_in(app)
    assert 'href="/account/password"' in client.get("/").text  # under the account menu
    done = _change(client, PASSWORD, NEW)
    assert done.status_code == 303 and done.headers["location"] == "/account/password?changed=1"
    assert "密码已修改" in client.get(done.headers["location"]).text
    assert _log_in(TestClient(app), "张三", PASSWORD).status_code != 303
    assert _log_in(TestClient(app), "张三", NEW).status_code == 303
    with app.state.store.store.session() as session:
        entry = store_accounts.audit_entries(session, 1)[0]
        assert (entry.action, entry.author, entry.target) == ("account.passwd", "张三", "张三")
        assert store_accounts.find_account(session, "张三").password_hash.startswith("$argon2")


@pytest.mark.parametrize("current, new, again, words, status", [
    ("wrong password!", NEW, None, "当前密码不正确", 400),
    (PASSWORD, NEW, "something else entirely", "两次输入的新密码不一致", 400),
    (PASSWORD, "short", None, "密码至少", 400),
    (PASSWORD, PASSWORD, None, "不能与当前密码相同", 400),
])
def test_refused_changes_say_why_and_change_nothing(app, current, new, again, words, status):
    client = _logged_in(app)
    answer = _change(client, current, new, again)
    assert answer.status_code == status and words in answer.text and "Traceback" not in answer.text
    assert _log_in(TestClient(app), "张三", PASSWORD).status_code == 303


def test_without_the_form_token_nothing_changes(app):
    client = _logged_in(app)
    assert _change(client, PASSWORD, NEW, csrf="forged").status_code == 403
    assert _log_in(TestClient(app), "张三", PASSWORD).status_code == 303


def test_wrong_current_passwords_are_throttled_like_logins(app):
    client = _logged_in(app)
    answers = [_change(client, f"guess number {n}", NEW).status_code for n in range(12)]
    assert answers[0] == 400 and 429 in answers
    assert "尝试次数过多" in _change(client, PASSWORD, NEW).text


def test_a_token_user_and_an_anonymous_visitor_have_no_password_here(tmp_path):
    token_app = create_app(str(tmp_path / "token.db"), auth_token="s3cret-token")
    client = TestClient(token_app)
    client.post("/login", data={"user": "王五", "token": "s3cret-token", "csrf_token": _csrf(client)})
    page = client.get("/account/password").text
    assert "只有以账户登录时才能修改自己的密码" in page and 'name="current"' not in page
    assert _change(client, "x", NEW).status_code == 403
    with_accounts = create_app(str(tmp_path / "accounts.db"))
    with with_accounts.state.store.store.session() as session, session.begin():
        store_accounts.add_account(session, "张三", PASSWORD, "viewer")
    anonymous = TestClient(with_accounts).get("/account/password", follow_redirects=False,
                                               headers={"accept": "text/html"})
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
