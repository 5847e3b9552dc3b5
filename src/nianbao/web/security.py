"""Who may write, CSRF, and what an upload may be.

- With `--auth TOKEN`, every write needs either `Authorization: Bearer TOKEN`
  (API clients) or a browser session that logged in with the token.  Reads stay
  open: reports are published documents.
- Browser writes (forms and the pages' fetch calls) carry a per-session CSRF token;
  a request that carries cookies but no valid token is refused.  Requests from
  another origin (Origin header not ours) are refused outright, so a web page
  elsewhere cannot make a local, token-less app ingest or correct anything.
- Uploads: size capped while reading, type decided by sniffing the bytes
  (nianbao.readers.detect_format), never by name; the name is only stored as data.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import HTTPException, Request

from ..readers import detect_format

ALLOWED_FORMATS = ("pdf", "docx", "doc", "html", "text")
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class UploadRejected(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def _bearer_ok(request: Request, token: str | None) -> bool:
    header = request.headers.get("authorization", "")
    if not token or not header.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), token.encode())


def _csrf_ok(request: Request, form_token: str | None = None) -> bool:
    expected = request.session.get("csrf")
    given = form_token or request.headers.get(CSRF_HEADER)
    return bool(expected and given and hmac.compare_digest(expected.encode(), given.encode()))


def require_write(request: Request, form_token: str | None = None) -> None:
    """Raise 401/403 unless this request may change data."""
    if not _same_origin(request):
        raise HTTPException(403, "跨站请求被拒绝 / cross-origin request refused")
    token = request.app.state.auth_token
    if _bearer_ok(request, token):
        return
    uses_session = bool(request.cookies) or form_token is not None or CSRF_HEADER.lower() in request.headers
    if uses_session and not _csrf_ok(request, form_token):
        raise HTTPException(403, "CSRF 令牌无效，请刷新页面后重试 / invalid CSRF token, reload the page")
    if token and not request.session.get("logged_in"):
        raise HTTPException(401, "需要登录或提供访问令牌 / authentication required", headers={"WWW-Authenticate": "Bearer"})


def can_write(request: Request) -> bool:
    return not request.app.state.auth_token or bool(request.session.get("logged_in"))


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
        raise UploadRejected(415, f"不支持的文件类型（{fmt}），请上传 PDF、Word、HTML 或文本文件 / unsupported type {fmt}")
    return fmt


def _mostly_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05
