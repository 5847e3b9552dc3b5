"""Who is behind a request: `current_principal(request) -> Principal` (a FastAPI dependency).

In order:
1. `Authorization: Bearer TOKEN` with the server's `--auth` token: an administrator named 令牌
   (scripts).
2. A browser session logged in with a name and password: that account, as it is now in the
   database (a removed account or a changed role takes effect at the next request).  The session
   carries the account's session epoch from its login; a password changed or reset since (the
   epoch moved on), a disabled account or a removed one signs the session out, and the login page
   says why.
3. A browser session logged in with the `--auth` token: an administrator, named by what the
   login form's name field said (else 令牌).
4. No account in the database and no `--auth`: local single-user use, an administrator named
   本机用户, as before accounts existed.
5. Anyone else: an anonymous read-only visitor (`authenticated` False).  Once accounts exist,
   anonymous visitors must log in to read as well (`require_reader`).

The principal is worked out once per request and kept on `request.state`.  The database is read
and written through the store's account service (store/account_service.py, `app.state.store.accounts`),
the same methods `nianbao user` calls: no module of the web app opens a session itself.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

from fastapi import HTTPException, Request

from ..store import accounts as store_accounts
from ..store.account_service import ENDED_REMOVED, AccountService
from ..store.accounts import (
    ANONYMOUS_NAME, EPOCH_DISABLED, EPOCH_PASSWORD, LOCAL_NAME, ROLE_ADMIN, ROLE_VIEWER, TOKEN_NAME, Principal,
    RegionScope,
)

__all__ = ["Principal", "RegionScope", "current_principal", "require_reader", "require_admin",
           "require_writer", "log_in", "guard", "audit", "author_name", "audit_writes", "bearer_matches", "TOKEN_NAME", "LOCAL_NAME", "SESSION_ACCOUNT",
           "keep_signed_in", "signed_out_notice"]

# Session key of a name-and-password login (the token login keeps its "logged_in" flag).
SESSION_ACCOUNT = "account"
# Session key of the account's session epoch at login (store.accounts.session_epoch).  A session
# from before epochs existed has none and counts as 0, the epoch every account started with.
SESSION_EPOCH = "epoch"
# Why a session was signed out (store/account_service.py SessionCheck.ended), as the login page's
# `signed_out` parameter, and what it then says.
SIGNED_OUT_NOTICES = {
    EPOCH_PASSWORD: "密码已更改，请重新登录 / your password was changed, please log in again",
    ENDED_REMOVED: "账户已被删除，已退出登录 / your account was removed, you have been logged out",
    EPOCH_DISABLED: "账户已停用，已退出登录 / your account was disabled, you have been logged out",
}


def signed_out_notice(reason: str | None) -> str | None:
    """What the login page tells someone whose session was signed out for `reason`."""
    return SIGNED_OUT_NOTICES.get(reason or "")


def bearer_matches(request: Request, token: str | None) -> bool:
    """`Authorization: Bearer TOKEN` with the server's token (compared in constant time)."""
    header = request.headers.get("authorization", "")
    if not token or not header.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), token.encode())


def accounts(request: Request) -> AccountService:
    """The store's account service (store/account_service.py): every account read and write goes through it."""
    return request.app.state.store.accounts


def accounts_exist(request: Request) -> bool:
    return accounts(request).any()


def _session_account(request: Request, name: str) -> Principal | None:
    """The account this session logged in as, or None after signing the session out: the
    account was removed or disabled, or its password changed since this session logged in."""
    check = accounts(request).session_check(name, request.session.get(SESSION_EPOCH, 0))
    if check.principal is not None:
        return check.principal
    _sign_out(request, check.ended or ENDED_REMOVED)
    return None


def _sign_out(request: Request, reason: str) -> None:
    """Forget the login of this session (its CSRF token stays, as at login) and remember why for
    the answer to this request (require_reader)."""
    _clear_session(request)
    request.state.signed_out = reason


def _clear_session(request: Request) -> None:
    """Empty the session but for its CSRF token, which the page that posted still holds."""
    csrf = request.session.get("csrf")
    request.session.clear()
    if csrf:
        request.session["csrf"] = csrf


def keep_signed_in(request: Request, epoch: int) -> None:
    """The session that changed its own password stays signed in: it takes on the new epoch."""
    request.session[SESSION_EPOCH] = epoch


def _work_out(request: Request) -> Principal:
    token = request.app.state.auth_token
    if bearer_matches(request, token):
        return Principal(TOKEN_NAME, ROLE_ADMIN)
    name = request.session.get(SESSION_ACCOUNT)
    if name:
        principal = _session_account(request, name)
        if principal is not None:
            return principal
    if token and request.session.get("logged_in"):
        return Principal(request.session.get("user") or TOKEN_NAME, ROLE_ADMIN)
    if not token and not accounts_exist(request):
        return Principal(request.session.get("user") or LOCAL_NAME, ROLE_ADMIN)
    return Principal(ANONYMOUS_NAME, ROLE_VIEWER, authenticated=False)


def current_principal(request: Request) -> Principal:
    """The principal of this request (FastAPI dependency: `Depends(current_principal)`)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        principal = _work_out(request)
        request.state.principal = principal
    return principal


def login_required(request: Request) -> bool:
    """Whether this request must log in before reading: accounts exist and it is anonymous."""
    principal = current_principal(request)
    return not principal.authenticated and accounts_exist(request)


def log_in(request: Request, name: str, secret: str) -> str | None:
    """Log this browser session in with an account's name and password, or with the `--auth`
    token (the name then only labels its writes).  None when logged in, else the message to show.
    Failures are throttled per address and per name (the token's when no name is given)."""
    from .security import client_address  # security imports this module

    token = request.app.state.auth_token
    with_accounts = accounts_exist(request)
    if not token and not with_accounts:  # local single-user use: nothing to check, a name to remember
        _start_session(request, user=name or None)
        return None
    throttle = request.app.state.login_throttle
    address = client_address(request)
    throttle.check(address, name or None)  # checked first: a blocked guesser learns nothing
    try:
        named = accounts(request).log_in(name, secret) if with_accounts and name else None
    except store_accounts.AccountDisabled as exc:  # the right password: no guess to count
        return exc.message
    if named is not None:
        _start_session(request, account=named[0].name, epoch=named[1])
        return None
    if token and not (name and accounts(request).exists(name)) and hmac.compare_digest(secret.encode(), token.encode()):
        _start_session(request, user=name or None)
        return None
    throttle.failed(address, name or None)
    return "姓名或密码不正确 / wrong name or password" if with_accounts else "令牌不正确 / wrong token"


def _start_session(request: Request, *, account: str | None = None, epoch: int = 0,
                   user: str | None = None) -> None:
    """A fresh session (nothing of the anonymous one carries over but its CSRF token, which the
    page that posted the form still holds)."""
    _clear_session(request)
    if account:
        request.session[SESSION_ACCOUNT] = account
        request.session[SESSION_EPOCH] = epoch
    else:
        request.session["logged_in"] = True
    if user:
        request.session["user"] = user
    request.state.principal = None  # worked out again from the new session


def require_reader(request: Request) -> Principal:
    """401 for an anonymous visitor once accounts exist (a browser asking for a page is sent to
    the login page instead)."""
    if login_required(request):
        path = request.url.path
        reason = getattr(request.state, "signed_out", None)
        if not path.startswith("/api") and "text/html" in request.headers.get("accept", ""):
            location = f"/login?next={quote(path)}" + (f"&signed_out={reason}" if reason else "")
            raise HTTPException(303, "请先登录 / please log in", headers={"Location": location})
        raise HTTPException(401, signed_out_notice(reason) or "请先登录 / please log in",
                            headers={"WWW-Authenticate": "Bearer"})
    return current_principal(request)


# Pages an anonymous visitor must reach to log in at all, and the health check monitors poll
# (it tells an anonymous caller nothing but status, version and database: web/health.py).
OPEN_PATHS = frozenset({"/login", "/logout", "/api/health"})


def guard(request: Request) -> None:
    """The app-wide dependency (create_app): every route first asks for a reader, and a route
    about one report (`{report_id}` in its path) or one agency (`{agency_id}`) answers 404 when
    that report, or every report of that agency, lies outside the principal's region: the same
    404 as for an id that does not exist, so a scope does not reveal what lies outside it."""
    if request.url.path in OPEN_PATHS:
        return
    principal = require_reader(request)
    if principal.scope.unrestricted:
        return
    params = request.path_params
    service = request.app.state.store
    if "report_id" in params and not service.visible(principal, report_id=_int(params["report_id"])):
        raise HTTPException(404, f"找不到报告 {params['report_id']} / report not found")
    if "agency_id" in params and not service.visible(principal, agency_id=_int(params["agency_id"])):
        raise HTTPException(404, "找不到该机关 / agency not found")


def _int(value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return -1  # matches no report
    return number if -2**63 <= number < 2**63 else -1  # beyond a database integer: no report either




def require_writer(request: Request) -> Principal:
    """403 unless the principal may upload, correct, relink or review."""
    principal = current_principal(request)
    if not principal.can_write:
        raise HTTPException(403, f"{principal.name}（{principal.role_label}）没有修改权限 / read-only account")
    return principal


def require_admin(request: Request) -> Principal:
    """403 unless the principal is an administrator (accounts, deletions, the audit log)."""
    principal = current_principal(request)
    if not principal.can_admin:
        raise HTTPException(403, f"此操作需要管理员权限（当前：{principal.name}，{principal.role_label}）"
                                 " / administrators only")
    return principal


def author_name(request: Request, given: str | None = None) -> str:
    """Whom a write is signed with: a named account always by its own name; the token and the
    local user by the name they give (a form field, `X-Nianbao-User`, the login form's name)."""
    principal = current_principal(request)
    if request.session.get(SESSION_ACCOUNT) and principal.authenticated and principal.name != TOKEN_NAME:
        return principal.name
    name = (given or request.headers.get("x-nianbao-user") or request.session.get("user") or "").strip()
    return name[:100] or principal.name


def audit(request: Request, action: str, target: str | None = None, detail: str | None = None) -> None:
    """Log a write done for this request, signed by `author_name` (store.accounts.record)."""
    accounts(request).record(author_name(request), action, target, detail)


# Writes that change nothing stored: the login itself, and pure computations on posted data.
UNSTORED_WRITES = frozenset({"/login", "/logout", "/api/fill/render", "/api/fill/complete", "/fill/download"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def audit_writes(request: Request, call_next):
    """HTTP middleware (create_app): a write that succeeded without logging anything itself is
    logged as its method and route (`POST /api/reports/{report_id}/facts`, target the path), so
    that every write of every route, new ones too, has an author and a time in the audit log."""
    if request.method in SAFE_METHODS or request.url.path in UNSTORED_WRITES:
        return await call_next(request)
    seen = store_accounts.watch_records()
    response = await call_next(request)
    principal = request.scope.get("state", {}).get("principal")
    if response.status_code < 400 and not seen and principal is not None:
        route = request.scope.get("route")
        action = f"{request.method} {getattr(route, 'path', request.url.path)}"
        accounts(request).record(principal.name, action[:40], request.url.path)
    return response
