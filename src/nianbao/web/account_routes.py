"""Accounts and the audit log in the web app: who am I (/api/me), the accounts (administrators,
/api/accounts) and the log of writes (administrators, /api/audit and the /audit page).

An administrator with a region scope manages only accounts inside that region (an account
outside it is not found) and cannot give one a wider scope; the audit log, which names writes
everywhere, is for administrators of the whole country."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..store import accounts as store_accounts
from .accounts import SESSION_ACCOUNT, Principal, audit, current_principal, keep_signed_in, require_admin
from .security import CSRF_FIELD, client_address, require_signed_write, require_write

router = APIRouter()
AUDIT_PAGE_SIZE = 200


def require_write_access(request: Request) -> None:
    """The write checks every API write passes (cross-site, CSRF, login: security.require_write)."""
    require_write(request)


def _session(request: Request):
    return request.app.state.store.store.session()


def principal_dict(principal: Principal) -> dict[str, Any]:
    scope = principal.scope
    return {"name": principal.name, "role": principal.role, "role_label": principal.role_label,
            "region": scope.label(), "province": scope.province, "city": scope.city, "county": scope.county,
            "authenticated": principal.authenticated, "can_write": principal.can_write, "can_admin": principal.can_admin}


@router.get("/api/me", tags=["accounts"], summary="当前身份、角色与地区范围 / who am I")
def me(principal: Principal = Depends(current_principal)) -> dict[str, Any]:
    return principal_dict(principal)


# ------------------------------------------------------------------ one's own password
NO_ACCOUNT = ("只有以账户登录时才能修改自己的密码（使用访问令牌或本机使用时没有个人密码）。"
              "/ Only a person logged in with an account has a password to change.")


class PasswordChangeIn(BaseModel):
    current: str = Field(..., max_length=1000, description="当前密码 / the current password")
    new: str = Field(..., max_length=1000, description=f"新密码，至少 {store_accounts.MIN_PASSWORD} 个字符 / the new one")


def own_account(request: Request) -> str | None:
    """The name of the account this browser session is logged in with, None for a token or local user."""
    principal = current_principal(request)
    name = request.session.get(SESSION_ACCOUNT)
    return principal.name if principal.authenticated and name == principal.name else None


def change_own_password(request: Request, current: str, new: str) -> str:
    """The logged-in person's password changes (403 without an account of one's own, 400 when the
    store refuses, 429 after too many wrong tries): audit-logged, every other session of the
    account signed out, this one kept.  Returns the account's name.  The caller has checked the
    write (require_signed_write)."""
    name = own_account(request)
    if name is None:
        raise HTTPException(403, NO_ACCOUNT)
    throttle, address = request.app.state.login_throttle, client_address(request)
    throttle.check(address, name)  # a stolen session cannot guess the password faster than a login could
    try:
        with _session(request) as session, session.begin():
            epoch = store_accounts.change_own_password(session, name, current, new)
    except store_accounts.AccountError as exc:
        if isinstance(exc, store_accounts.WrongPassword):
            throttle.failed(address, name)
        raise HTTPException(400, exc.message) from exc
    keep_signed_in(request, epoch)
    audit(request, "account.passwd", name, "本人修改 / changed by the account's owner")
    return name


@router.post("/api/account/password", tags=["accounts"],
             summary="修改本人密码（其他已登录的会话随之退出）/ change your own password (signs out your other sessions)")
def change_password(request: Request, body: PasswordChangeIn) -> dict[str, Any]:
    require_signed_write(request)
    return {"changed": change_own_password(request, body.current, body.new), "other_sessions_signed_out": True}


# ------------------------------------------------------------------ accounts (administrators)
class AccountIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=store_accounts.MAX_NAME)
    password: str = Field(..., min_length=store_accounts.MIN_PASSWORD, max_length=1000)
    role: str = Field(..., description="admin | reviewer | viewer")
    region: Optional[str] = Field(None, max_length=200, description="福建省/莆田市/荔城区")


def _refused(exc: Exception) -> HTTPException:
    message = exc.message if isinstance(exc, store_accounts.AccountError) else str(exc)
    return HTTPException(422, message)


def require_country_admin(request: Request) -> Principal:
    principal = require_admin(request)
    if not principal.scope.unrestricted:
        raise HTTPException(403, "审计日志只对不限地区的管理员开放 / the audit log is for administrators without a region scope")
    return principal


@router.get("/api/accounts", tags=["accounts"], summary="账户列表（管理员）/ accounts (administrators)")
def list_accounts(request: Request, admin: Principal = Depends(require_admin)) -> list[dict[str, Any]]:
    with _session(request) as session:
        accounts = [store_accounts.principal_of(a) for a in store_accounts.list_accounts(session)]
    return [principal_dict(p) for p in accounts if p.scope.within(admin.scope)]


@router.post("/api/accounts", tags=["accounts"], summary="添加账户（管理员）/ add an account (administrators)",
             dependencies=[Depends(require_write_access)], status_code=201)
def add_account(request: Request, body: AccountIn, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    return principal_dict(_add(request, admin, body.name, body.password, body.role, body.region))


def _add(request: Request, admin: Principal, name: str, password: str, role: str, region: str | None) -> Principal:
    """Add an account inside the administrator's region, audited; 403/422 when refused."""
    try:
        scope = store_accounts.RegionScope.parse(region)
        if not scope.within(admin.scope):
            raise HTTPException(403, f"只能添加本地区（{admin.scope.label()}）以内的账户 / only accounts inside your region")
        with _session(request) as session, session.begin():
            principal = store_accounts.principal_of(store_accounts.add_account(session, name, password, role, scope))
    except (store_accounts.AccountError, ValueError) as exc:
        raise _refused(exc) from exc
    audit(request, "account.add", principal.name, f"{principal.role_label}，{scope.label() or '全部地区'}")
    return principal


@router.delete("/api/accounts/{name}", tags=["accounts"], summary="删除账户（管理员）/ remove an account (administrators)",
               dependencies=[Depends(require_write_access)])
def remove_account(request: Request, name: str, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    _remove(request, admin, name)
    return {"removed": name}


def _remove(request: Request, admin: Principal, name: str) -> None:
    """Remove an account inside the administrator's region, audited; 404 otherwise."""
    with _session(request) as session, session.begin():
        _managed(session, admin, name)
        store_accounts.remove_account(session, name)
    audit(request, "account.remove", name)


def _managed(session, admin: Principal, name: str) -> None:
    """404 unless the account exists inside the administrator's region (one outside is "not found")."""
    account = store_accounts.find_account(session, name)
    if account is None or not store_accounts.principal_of(account).scope.within(admin.scope):
        raise HTTPException(404, f"没有名为“{name}”的账户 / no account named {name!r}")


class PasswordResetIn(BaseModel):
    password: str = Field(..., max_length=1000, description=f"新密码，至少 {store_accounts.MIN_PASSWORD} 个字符 / the new one")


@router.put("/api/accounts/{name}/password", tags=["accounts"],
            summary="重设账户密码（管理员；该账户已登录的会话均退出）/ reset a password (administrators; signs the account out)",
            dependencies=[Depends(require_write_access)])
def reset_password(request: Request, name: str, body: PasswordResetIn,
                   admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    _reset(request, admin, name, body.password)
    return {"reset": name, "sessions_signed_out": True}


def _reset(request: Request, admin: Principal, name: str, password: str) -> None:
    """Set a new password for an account inside the administrator's region, audited: every session
    of that account is signed out (the administrator's own stays when it resets its own)."""
    try:
        with _session(request) as session, session.begin():
            _managed(session, admin, name)
            epoch = store_accounts.set_password(session, name, password)
    except store_accounts.AccountError as exc:
        raise _refused(exc) from exc
    if own_account(request) == name:
        keep_signed_in(request, epoch)
    audit(request, "account.passwd", name, "管理员重设 / reset by an administrator")


# ------------------------------------------------------------------ accounts page (administrators)
def _accounts_page(request: Request, admin: Principal, error: str | None = None, status: int = 200) -> HTMLResponse:
    with _session(request) as session:
        accounts = [store_accounts.principal_of(a) for a in store_accounts.list_accounts(session)]
    return request.app.state.templates.TemplateResponse(
        request, "accounts.html", {"accounts": [p for p in accounts if p.scope.within(admin.scope)],
                                   "roles": store_accounts.ROLE_LABELS, "error": error,
                                   "min_password": store_accounts.MIN_PASSWORD}, status_code=status,
    )


@router.get("/accounts", response_class=HTMLResponse, include_in_schema=False)
def accounts_page(request: Request, admin: Principal = Depends(require_admin)) -> HTMLResponse:
    return _accounts_page(request, admin)


async def _admin_form(request: Request):
    form = await request.form()
    require_write(request, str(form.get(CSRF_FIELD) or "") or "-")
    return form, require_admin(request)


@router.post("/accounts", include_in_schema=False)
async def add_account_form(request: Request):
    form, admin = await _admin_form(request)
    try:
        _add(request, admin, str(form.get("name") or ""), str(form.get("password") or ""),
             str(form.get("role") or ""), str(form.get("region") or "") or None)
    except HTTPException as exc:
        return _accounts_page(request, admin, str(exc.detail), exc.status_code)
    return RedirectResponse("/accounts", status_code=303)


@router.post("/accounts/{name}/password", include_in_schema=False)
async def reset_password_form(request: Request, name: str):
    form, admin = await _admin_form(request)
    try:
        # Argon2 costs a deliberate fraction of a second: not on the event loop.
        await run_in_threadpool(_reset, request, admin, name, str(form.get("password") or ""))
    except HTTPException as exc:
        return _accounts_page(request, admin, str(exc.detail), exc.status_code)
    return RedirectResponse("/accounts", status_code=303)


@router.post("/accounts/{name}/remove", include_in_schema=False)
async def remove_account_form(request: Request, name: str):
    _, admin = await _admin_form(request)
    _remove(request, admin, name)
    return RedirectResponse("/accounts", status_code=303)


# ------------------------------------------------------------------ audit log (administrators)
def _entries(request: Request, limit: int, offset: int, author: str | None, action: str | None) -> list[dict[str, Any]]:
    with _session(request) as session:
        return [store_accounts.entry_dict(e)
                for e in store_accounts.audit_entries(session, limit, offset, author=author, action=action)]


@router.get("/api/audit", tags=["accounts"], summary="审计日志（管理员，最新在前）/ the audit log, newest first (administrators)",
            dependencies=[Depends(require_country_admin)])
def audit_log(request: Request, limit: int = Query(AUDIT_PAGE_SIZE, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9),
              author: Optional[str] = Query(None, max_length=100),
              action: Optional[str] = Query(None, max_length=40)) -> dict[str, Any]:
    return {"items": _entries(request, limit, offset, author, action)}


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(require_country_admin)])
def audit_page(request: Request, offset: int = Query(0, ge=0, le=10**9), author: Optional[str] = Query(None, max_length=100),
               action: Optional[str] = Query(None, max_length=40)) -> HTMLResponse:
    items = _entries(request, AUDIT_PAGE_SIZE, offset, author, action)
    return request.app.state.templates.TemplateResponse(
        request, "audit.html", {"items": items, "offset": offset, "limit": AUDIT_PAGE_SIZE, "author": author or "",
                                "action": action or "", "actions": store_accounts.ACTION_LABELS},
    )
