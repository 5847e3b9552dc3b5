"""A person changes their own password: /account/password, under the account menu.

Only someone logged in with an account has a password of their own; with the `--auth` token or
a local app without accounts the page says so.  The form asks for the current password (checked
with Argon2 as at login, wrong tries throttled like logins) and the new one twice; it carries the
CSRF token every form write does, and the change is written to the audit log.  Other browsers
logged in as the same person stay logged in: sessions are signed cookies, not stored.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..store import accounts as store_accounts
from .accounts import SESSION_ACCOUNT, audit, current_principal
from .security import CSRF_FIELD, client_address, require_write

router = APIRouter(include_in_schema=False)
PATH = "/account/password"
CHANGED = "密码已修改，下次登录请使用新密码。/ Your password has been changed."
NO_ACCOUNT = ("只有以账户登录时才能修改自己的密码（使用访问令牌或本机使用时没有个人密码）。"
              "/ Only a person logged in with an account has a password to change.")
MISMATCH = "两次输入的新密码不一致 / the two new passwords differ"


def own_account(request: Request) -> str | None:
    """The name of the account this browser session is logged in with, None for a token or local user."""
    principal = current_principal(request)
    name = request.session.get(SESSION_ACCOUNT)
    return principal.name if principal.authenticated and name == principal.name else None


def _page(request: Request, *, error: str | None = None, notice: str | None = None, status: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "password.html", {"account": own_account(request), "error": error, "notice": notice,
                                   "no_account": NO_ACCOUNT, "min_password": store_accounts.MIN_PASSWORD},
        status_code=status,
    )


@router.get(PATH, response_class=HTMLResponse)
def password_page(request: Request, changed: bool = False) -> HTMLResponse:
    return _page(request, notice=CHANGED if changed else None)


@router.post(PATH)
async def change_password(request: Request):
    form = await request.form()
    require_write(request, str(form.get(CSRF_FIELD) or "") or "-")
    name = own_account(request)
    if name is None:
        return _page(request, error=NO_ACCOUNT, status=403)
    current, new, again = (str(form.get(field) or "") for field in ("current", "new", "again"))
    if new != again:
        return _page(request, error=MISMATCH, status=400)
    throttle, address = request.app.state.login_throttle, client_address(request)
    try:
        throttle.check(address, name)  # a stolen session cannot guess the password faster than a login could
        with request.app.state.store.store.session() as session, session.begin():
            store_accounts.change_own_password(session, name, current, new)
    except HTTPException as exc:
        return _page(request, error=str(exc.detail), status=exc.status_code)
    except store_accounts.AccountError as exc:
        if exc.message_zh == "当前密码不正确":
            throttle.failed(address, name)
        return _page(request, error=exc.message, status=400)
    audit(request, "account.passwd", name, "本人修改 / changed by the account's owner")
    return RedirectResponse(f"{PATH}?changed=1", status_code=303)
