"""Who may write, from where, how often, and what an upload may be.

- Host: every request must name one of the served hosts (`Host` header checked by Starlette's
  TrustedHostMiddleware against `served_hosts`): a page on an attacker's name that resolves to
  127.0.0.1 (DNS rebinding) gets 400, so the origin checks below can trust `Host`.
- Who acts is web/accounts.py's `current_principal`: the `--auth` token (bearer or a session that
  logged in with it) is an administrator; named accounts log in with a password and have a role
  (管理员 admin, 审核人 reviewer, 只读 viewer).  A write needs a principal that may write (else 401
  for nobody, 403 for a read-only account).  With neither token nor accounts, the one local user
  may do everything.  Without accounts reads stay open (reports are published documents); once
  accounts exist, reading needs a login too.  Failed logins and wrong bearer tokens are throttled
  per client address and per account, counted in the database so that every worker process sees
  the same count (`LoginThrottle`).
- Cross-site writes are refused outright: an `Origin` that is not this server, or a browser's
  `Sec-Fetch-Site: cross-site / same-site`.  Browser writes are then either
  HTML forms, which always carry the per-session CSRF token, or script requests (our pages,
  Swagger's "Try it out" at /docs) that the browser itself marks as same-origin (`Origin` equal to
  the checked Host, or `Sec-Fetch-Site: same-origin`; scripts cannot forge either header) or that
  carry the token in `X-CSRF-Token`.  A cookie-carrying request with neither is refused.
- Uploads: checked for permission before the body is read, size capped while it streams
  (web/gate.py), type decided by sniffing the bytes (nianbao.readers.detect_format), never by
  name; the name is only stored as data.
"""

from __future__ import annotations

import hmac
import math
import secrets
import socket
from dataclasses import dataclass
from typing import Iterable

from datetime import datetime, timedelta, timezone

from fastapi import HTTPException, Request
from limits import parse_many

from ..readers import detect_format
from ..store.account_service import AccountService
from .accounts import SESSION_ACCOUNT, accounts_exist, bearer_matches, current_principal

# "image": PNG, JPEG, TIFF (multi-page too), BMP, GIF scans, read by OCR (readers/ocr.py).
ALLOWED_FORMATS = ("pdf", "docx", "doc", "html", "text", "image")
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
MAX_FILES_PER_REQUEST = 50
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
# Names a browser on this machine uses for a locally served app.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Starlette's TestClient sends `Host: testserver`; it resolves nowhere, so allowing it gives
# DNS rebinding nothing to aim at, and library users and tests need no extra setting.
TEST_CLIENT_HOST = "testserver"
WILDCARD_BINDS = ("0.0.0.0", "::", "")
# Writes that need no login: pure computations on the posted data, and the login itself.
OPEN_WRITE_PATHS = frozenset({"/login", "/api/fill/render", "/api/fill/complete"})


class UploadRejected(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


# ------------------------------------------------------------------ hosts
def served_hosts(bind: str = "127.0.0.1", allowed: Iterable[str] = ()) -> list[str]:
    """Host names requests may carry: the local names, the listening address, the `--allowed-host` list.
    Listening on every interface (0.0.0.0) adds this machine's own names; other names
    (a DNS name, a public address) must be listed, as Django's ALLOWED_HOSTS asks."""
    names = [*LOCAL_HOSTS, TEST_CLIENT_HOST, *(name.strip().lower() for name in allowed if name.strip())]
    if bind in WILDCARD_BINDS:
        names += [socket.gethostname().lower(), socket.getfqdn().lower()]
    else:
        names.append(bind.lower())
    # Starlette compares IPv6 literals as written in the Host header, brackets included.
    names += [f"[{name}]" for name in names if ":" in name and not name.startswith("[")]
    return list(dict.fromkeys(names))


# ------------------------------------------------------------------ origin and CSRF
def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def cross_site(request: Request) -> bool:
    """A browser request sent by a page of another site (or an opaque origin such as a sandboxed frame)."""
    if request.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not a browser, or a browser that sends no Origin: the CSRF token decides
    return origin in ("", "null") or origin.split("://", 1)[-1] != request.headers.get("host", "")


def same_origin_confirmed(request: Request) -> bool:
    """The browser says the request comes from one of our own pages (headers scripts cannot set)."""
    if request.headers.get("sec-fetch-site") == "same-origin":
        return True
    return request.headers.get("origin") is not None and not cross_site(request)


def bearer_given(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


def _csrf_ok(request: Request, form_token: str | None = None) -> bool:
    expected = request.session.get("csrf")
    given = form_token or request.headers.get(CSRF_HEADER)
    return bool(expected and given and hmac.compare_digest(expected.encode(), given.encode()))


def refuse_cross_site(request: Request) -> None:
    if cross_site(request):
        raise HTTPException(403, "跨站请求被拒绝 / cross-origin request refused")


def require_write(request: Request, form_token: str | None = None) -> None:
    """Raise 401/403 unless this request may change data.  `form_token`: an HTML form's CSRF field
    (forms always need it); None for script and API requests."""
    require_signed_write(request, form_token)
    principal = current_principal(request)
    if not principal.can_write:
        raise HTTPException(403, f"{principal.name}（{principal.role_label}）是只读账户，不能修改 / read-only account")


def require_signed_write(request: Request, form_token: str | None = None) -> None:
    """Every check of `require_write` but the role: from this site, with the CSRF token where a
    session cookie is used, by someone logged in.  Enough for changing one's own account (the
    password), which a read-only account may do too."""
    refuse_cross_site(request)
    token = request.app.state.auth_token
    if bearer_matches(request, token):
        return
    if form_token is not None:
        csrf_ok = _csrf_ok(request, form_token)
    else:
        uses_session = bool(request.cookies) or CSRF_HEADER.lower() in request.headers
        csrf_ok = not uses_session or _csrf_ok(request) or same_origin_confirmed(request)
    if not csrf_ok:
        raise HTTPException(403, "CSRF 令牌无效，请刷新页面后重试 / invalid CSRF token, reload the page")
    principal = current_principal(request)
    if not principal.authenticated:
        raise HTTPException(401, "需要登录或提供访问令牌 / authentication required", headers={"WWW-Authenticate": "Bearer"})


def require_form_csrf(request: Request, form_token: str | None) -> None:
    """A form that changes only its own session (logging out): from this site, with its CSRF
    token; any principal may, a read-only account too."""
    refuse_cross_site(request)
    if not _csrf_ok(request, form_token):
        raise HTTPException(403, "CSRF 令牌无效，请刷新页面后重试 / invalid CSRF token, reload the page")


def check_before_body(request: Request) -> None:
    """What can be decided from the headers alone, before a byte of the body is read: another
    site's request, or a write without login or a valid bearer token (wrong tokens throttled)."""
    refuse_cross_site(request)
    token = request.app.state.auth_token
    if request.url.path in OPEN_WRITE_PATHS or not (token or accounts_exist(request)):
        return
    if bearer_given(request):
        throttle: LoginThrottle = request.app.state.login_throttle
        throttle.check(client_address(request))
        if bearer_matches(request, token):
            return
        throttle.failed(client_address(request))
        raise HTTPException(401, "访问令牌不正确 / wrong token", headers={"WWW-Authenticate": "Bearer"})
    if not current_principal(request).authenticated:
        raise HTTPException(401, "需要登录或提供访问令牌 / authentication required", headers={"WWW-Authenticate": "Bearer"})


def can_write(request: Request) -> bool:
    return current_principal(request).can_write


def logged_in(request: Request) -> bool:
    """A session that logged in (with the token or an account): it may log out."""
    return bool(request.session.get("logged_in") or request.session.get(SESSION_ACCOUNT))


# ------------------------------------------------------------------ throttling
def client_address(request: Request) -> str:
    # Behind a reverse proxy this is the proxy unless uvicorn's --forwarded-allow-ips names it.
    return request.client.host if request.client else "unknown"


class LoginThrottle:
    """Failed logins and wrong bearer tokens, counted in moving windows in the database
    (store/login_failures.py, through the account service), so that every worker process of one server
    counts the same failures.

    Per address: a person mistyping gets 10 tries a minute; a guesser at most 100 an hour.
    Per account (a named account, or the one shared token): at most 300 failures an hour from all
    addresses together, enough to stop guessing from many addresses while a single address
    cannot lock others out (it stops at 100).  Once a limit is reached every attempt is refused,
    the right password too, until the window moves on: otherwise the limit would only slow an
    attacker down while still confirming hits."""

    PER_ADDRESS = parse_many("10/minute;100/hour")
    PER_ACCOUNT = parse_many("300/hour")
    ACCOUNT = "token"

    def __init__(self, accounts: AccountService) -> None:
        self.accounts = accounts

    def _limits(self, address: str, account: str | None):
        return [(limit, f"address:{address}") for limit in self.PER_ADDRESS] + \
               [(limit, f"account:{account or self.ACCOUNT}") for limit in self.PER_ACCOUNT]

    def retry_after(self, address: str, account: str | None = None) -> int | None:
        """Seconds until another attempt may be made; None if one may be made now."""
        now = datetime.now(timezone.utc)
        limits = [(limit, key, timedelta(seconds=limit.get_expiry())) for limit, key in self._limits(address, account)]
        counted = self.accounts.failures_since([(key, now - window) for _, key, window in limits])
        waits = [(oldest + window - now).total_seconds()
                 for (limit, _, window), (count, oldest) in zip(limits, counted)
                 if count >= limit.amount and oldest is not None]
        return max(1, math.ceil(max(waits))) if waits else None

    def check(self, address: str, account: str | None = None) -> None:
        wait = self.retry_after(address, account)
        if wait is not None:
            raise HTTPException(429, f"尝试次数过多，请 {wait} 秒后再试 / too many failed attempts, retry in {wait} s",
                                headers={"Retry-After": str(wait)})

    def failed(self, address: str, account: str | None = None) -> None:
        limits = self._limits(address, account)
        keep = timedelta(seconds=max(limit.get_expiry() for limit, _ in limits))  # the longest window counted
        now = datetime.now(timezone.utc)
        self.accounts.record_failure([key for _, key in limits], now, keep)


@dataclass
class Upload:
    name: str
    data: bytes
    format: str


def display_name(name: str | None) -> str:
    """The client's file name as a label: last path part, no control characters, bounded."""
    text = (name or "").replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip().lstrip(".")
    return text[:200] or "upload"


def sniff(data: bytes, name: str) -> str:
    if not data.strip():
        raise UploadRejected(400, "文件为空 / the file is empty")
    fmt = detect_format(data, "")  # content decides; the name is not trusted
    if fmt == "text" and (b"\x00" in data[:8192] or _mostly_binary(data[:8192])):
        fmt = "binary"
    if fmt not in ALLOWED_FORMATS:
        raise UploadRejected(415, f"不支持的文件类型（{fmt}），请上传 PDF、Word、HTML、文本文件或扫描图片（PNG、JPEG、TIFF）/ unsupported type {fmt}")
    return fmt


def _mostly_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05
