"""Accounts and the audit log in the web app: who am I (/api/me), the accounts (administrators,
/api/accounts: add, remove, change a role or region, reset a password, disable and enable) and the log of writes
(administrators, /api/audit and the /audit page).

An administrator with a region scope manages only accounts inside that region (an account
outside it is not found) and cannot give one a wider scope; the audit log, which names writes
everywhere, is for administrators of the whole country.  Every operation is a call of the store's
account service (store/account_service.py), the one `nianbao user` makes: a handler turns the
request into the call and the service's refusals into HTTP answers (`_refused`)."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..store import accounts as store_accounts
from ..store.account_service import AccountSummary
from .accounts import (SESSION_ACCOUNT, Principal, accounts, author_name, current_principal, keep_signed_in,
                       require_admin)
from .security import CSRF_FIELD, client_address, require_signed_write, require_write

router = APIRouter()
AUDIT_PAGE_SIZE = 200


def require_write_access(request: Request) -> None:
    """The write checks every API write passes (cross-site, CSRF, login: security.require_write)."""
    require_write(request)


def principal_dict(principal: Principal) -> dict[str, Any]:
    scope = principal.scope
    return {"name": principal.name, "role": principal.role, "role_label": principal.role_label,
            "region": scope.label(), "province": scope.province, "city": scope.city, "county": scope.county,
            "authenticated": principal.authenticated, "can_write": principal.can_write, "can_admin": principal.can_admin}


def account_dict(account: AccountSummary) -> dict[str, Any]:
    """An account as the account list shows it: what /api/me says of it, and whether it is disabled."""
    disabled_at = account.disabled_at.isoformat() if account.disabled_at else None
    return {**principal_dict(Principal(account.name, account.role, account.scope)), "disabled": account.disabled,
            "disabled_at": disabled_at, "disabled_by": account.disabled_by}


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
        epoch = accounts(request).change_own_password(name, current, new)
    except store_accounts.AccountError as exc:
        if isinstance(exc, store_accounts.WrongPassword):
            throttle.failed(address, name)
        raise HTTPException(400, exc.message) from exc
    keep_signed_in(request, epoch)
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
    """The account service's refusal as an HTTP answer: an account not found (or outside the
    administrator's region) 404, a region beyond it 403, the last active administrator 409, any
    other refusal (name, role, password, region text) 422."""
    if not isinstance(exc, store_accounts.AccountError):
        return HTTPException(422, str(exc))
    for kind, status in ((store_accounts.NoSuchAccount, 404), (store_accounts.OutsideScope, 403),
                         (store_accounts.LastAdministrator, 409)):
        if isinstance(exc, kind):
            return HTTPException(status, exc.message)
    return HTTPException(422, exc.message)


def require_country_admin(request: Request) -> Principal:
    principal = require_admin(request)
    if not principal.scope.unrestricted:
        raise HTTPException(403, "审计日志只对不限地区的管理员开放 / the audit log is for administrators without a region scope")
    return principal


@router.get("/api/accounts", tags=["accounts"], summary="账户列表（管理员）/ accounts (administrators)")
def list_accounts(request: Request, admin: Principal = Depends(require_admin)) -> list[dict[str, Any]]:
    return [account_dict(account) for account in accounts(request).listed(admin.scope)]


@router.post("/api/accounts", tags=["accounts"], summary="添加账户（管理员）/ add an account (administrators)",
             dependencies=[Depends(require_write_access)], status_code=201)
def add_account(request: Request, body: AccountIn, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    return principal_dict(_add(request, admin, body.name, body.password, body.role, body.region))


def _add(request: Request, admin: Principal, name: str, password: str, role: str, region: str | None) -> Principal:
    """Add an account inside the administrator's region, audited; 403/422 when refused."""
    try:
        scope = store_accounts.RegionScope.parse(region)
        return accounts(request).add(name, password, role, scope, author=author_name(request), within=admin.scope)
    except (store_accounts.AccountError, ValueError) as exc:
        raise _refused(exc) from exc


@router.delete("/api/accounts/{name}", tags=["accounts"], summary="删除账户（管理员）/ remove an account (administrators)",
               dependencies=[Depends(require_write_access)])
def remove_account(request: Request, name: str, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    _remove(request, admin, name)
    return {"removed": name}


def _remove(request: Request, admin: Principal, name: str) -> None:
    """Remove an account inside the administrator's region, audited; 404 otherwise."""
    try:
        accounts(request).remove(name, author=author_name(request), within=admin.scope)
    except store_accounts.AccountError as exc:
        raise _refused(exc) from exc


class AccountChangeIn(BaseModel):
    role: Optional[str] = Field(None, description="admin | reviewer | viewer；不给则不变 / unchanged when absent")
    region: Optional[str] = Field(None, max_length=200,
                                  description="福建省/莆田市/荔城区；空字符串为全部地区，不给则不变 / \"\" for all, absent: unchanged")


@router.patch("/api/accounts/{name}", tags=["accounts"],
              summary="修改账户的角色或地区（管理员）/ change an account's role or region (administrators)",
              dependencies=[Depends(require_write_access)])
def change_account(request: Request, name: str, body: AccountChangeIn,
                   admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    """As `nianbao user change`: inside the administrator's region; the last active administrator
    keeps its role (409)."""
    try:
        scope = store_accounts.RegionScope.parse(body.region) if body.region is not None else None
        changed = accounts(request).change(name, role=body.role, scope=scope, author=author_name(request),
                                           within=admin.scope)
    except (store_accounts.AccountError, ValueError) as exc:
        raise _refused(exc) from exc
    return principal_dict(changed)


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
        epoch = accounts(request).reset_password(name, password, author=author_name(request), within=admin.scope)
    except store_accounts.AccountError as exc:
        raise _refused(exc) from exc
    if own_account(request) == name:
        keep_signed_in(request, epoch)


@router.post("/api/accounts/{name}/disable", tags=["accounts"],
             summary="停用账户（管理员；不能登录，已登录的会话立即失效）/ disable an account (administrators; "
                     "it cannot log in, its sessions end at once)",
             dependencies=[Depends(require_write_access)])
def disable_account(request: Request, name: str, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    return {"disabled": name, "changed": _disable(request, admin, name)}


@router.post("/api/accounts/{name}/enable", tags=["accounts"],
             summary="重新启用账户（管理员；旧会话不恢复）/ enable an account again (administrators; old sessions stay ended)",
             dependencies=[Depends(require_write_access)])
def enable_account(request: Request, name: str, admin: Principal = Depends(require_admin)) -> dict[str, Any]:
    return {"enabled": name, "changed": _enable(request, admin, name)}


def _disable(request: Request, admin: Principal, name: str) -> bool:
    """Disable an account inside the administrator's region, audited: 404 outside it, 409 for the
    last active administrator.  False when it was disabled already."""
    try:
        return accounts(request).disable(name, author=author_name(request), within=admin.scope)
    except store_accounts.AccountError as exc:
        raise _refused(exc) from exc


def _enable(request: Request, admin: Principal, name: str) -> bool:
    try:
        return accounts(request).enable(name, author=author_name(request), within=admin.scope)
    except store_accounts.AccountError as exc:
        raise _refused(exc) from exc


# ------------------------------------------------------------------ accounts page (administrators)
def _accounts_page(request: Request, admin: Principal, error: str | None = None, status: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "accounts.html", {"accounts": accounts(request).listed(admin.scope),
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
    return await _switch_form(request, name, _remove)


@router.post("/accounts/{name}/disable", include_in_schema=False)
async def disable_account_form(request: Request, name: str):
    return await _switch_form(request, name, _disable)


@router.post("/accounts/{name}/enable", include_in_schema=False)
async def enable_account_form(request: Request, name: str):
    return await _switch_form(request, name, _enable)


async def _switch_form(request: Request, name: str, switch) -> HTMLResponse | RedirectResponse:
    """The 停用 / 启用 / 删除 buttons of the accounts page: back to the page, or the page with the refusal."""
    _, admin = await _admin_form(request)
    try:
        switch(request, admin, name)
    except HTTPException as exc:
        return _accounts_page(request, admin, str(exc.detail), exc.status_code)
    return RedirectResponse("/accounts", status_code=303)


# ------------------------------------------------------------------ audit log (administrators)
def _entries(request: Request, limit: int, offset: int, author: str | None, action: str | None) -> list[dict[str, Any]]:
    return accounts(request).audit_log(limit, offset, author=author, action=action)


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
