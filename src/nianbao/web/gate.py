"""Two ASGI gates: the Host check (HostGate) and the one every write passes before its body is read.

1. Permission first: another site's request, a write without login or with a wrong bearer
   token is answered from the headers alone (security.check_before_body), so an anonymous
   client cannot make the server spool gigabytes only to be told 401.
2. Then the body is counted while it streams and cut off at the limit with 413, chunked bodies
   without `Content-Length` included (Starlette's RequestBodyLimitMiddleware).  Uploads may
   carry `MAX_FILES_PER_REQUEST` files of the per-file limit; every other write is a small
   form or JSON document.

It runs inside the session middleware (it needs the login) and outside the routes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from .security import MAX_FILES_PER_REQUEST, check_before_body, served_hosts

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UPLOAD_PATHS = frozenset({"/api/reports", "/upload"})
# Room for the multipart framing (boundaries, part headers) of a full request of files.
MULTIPART_OVERHEAD = 1024 * 1024
# Forms and JSON: a filled-in report with its prose sections is a few tens of kilobytes.
FORM_BODY_LIMIT = 2 * 1024 * 1024


def upload_request_limit(max_upload: int) -> int:
    return max_upload * MAX_FILES_PER_REQUEST + MULTIPART_OVERHEAD


def too_large_message(limit: int) -> str:
    return f"请求过大（上限 {limit / (1024 * 1024):.0f} MB）/ request too large (limit {limit} bytes)"


def error_response(request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    """An error as JSON for the API and scripts, as the error page for browsers."""
    if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "detail": detail}, status_code=status, headers=headers,
    )


class WriteGate:
    def __init__(self, app: ASGIApp, *, max_upload: int) -> None:
        self.app = app
        self.upload_limit = upload_request_limit(max_upload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            check_before_body(request)
        except HTTPException as exc:
            await error_response(request, exc.status_code, exc.detail, exc.headers)(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] in UPLOAD_PATHS else FORM_BODY_LIMIT
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:  # refused unread, in our words
            await error_response(request, 413, too_large_message(limit))(scope, receive, send)
            return
        scope.setdefault("state", {})["body_limit"] = limit
        await RequestBodyLimitMiddleware(self.app, limit)(scope, receive, send)


class HostGate:
    """Starlette's TrustedHostMiddleware decides whether the `Host` header names a served host;
    a refused request is answered here, in Chinese and English, with the option that adds a name."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Sequence[str] | None = None) -> None:
        self.app = app
        self.checker = TrustedHostMiddleware(self._accept, allowed_hosts=list(allowed_hosts or served_hosts()),
                                             www_redirect=False)

    @staticmethod
    async def _accept(scope: Scope, receive: Receive, send: Send) -> None:
        scope["nianbao.host_ok"] = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def discard(message) -> None:  # the checker's own English 400 is replaced below
            pass

        await self.checker(scope, receive, discard)
        if scope.pop("nianbao.host_ok", False):
            await self.app(scope, receive, send)
            return
        host = Request(scope).headers.get("host", "")[:100]
        response = JSONResponse({"detail": f"本服务不接受主机名“{host}”（可用 nianbao serve --allowed-host 添加）/ "
                                           "host name not served here (see --allowed-host)"}, status_code=400)
        await response(scope, receive, send)
