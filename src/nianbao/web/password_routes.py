"""A person changes their own password: /account/password, under the account menu.

Only someone logged in with an account has a password of their own; with the `--auth` token or
a local app without accounts the page says so.  The form asks for the current password (checked
with Argon2 as at login, wrong tries throttled like logins) and the new one twice; it carries the
CSRF token every form write does, and the change is written to the audit log.  A read-only
account may change its password too.  Other browsers logged in as the same person are signed out
at their next request; this one stays logged in (account_routes.change_own_password, which the
JSON API `POST /api/account/password` shares).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ..store import accounts as store_accounts
from .account_routes import NO_ACCOUNT, change_own_password, own_account
from .security import CSRF_FIELD, require_signed_write

router = APIRouter(include_in_schema=False)
PATH = "/account/password"
CHANGED = ("密码已修改，其他浏览器中的登录已退出；下次登录请使用新密码。"
           "/ Your password has been changed and your other sessions signed out.")
MISMATCH = "两次输入的新密码不一致 / the two new passwords differ"


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
    require_signed_write(request, str(form.get(CSRF_FIELD) or "") or "-")
    if own_account(request) is None:
        return _page(request, error=NO_ACCOUNT, status=403)
    current, new, again = (str(form.get(field) or "") for field in ("current", "new", "again"))
    if new != again:
        return _page(request, error=MISMATCH, status=400)
    try:
        # Argon2 costs a deliberate fraction of a second: not on the event loop.
        await run_in_threadpool(change_own_password, request, current, new)
    except HTTPException as exc:
        return _page(request, error=str(exc.detail), status=exc.status_code)
    return RedirectResponse(f"{PATH}?changed=1", status_code=303)
