"""The web app: `create_app(db_url, auth_token=None)`.

FastAPI with server-rendered Jinja2 pages (autoescaped) and a little JavaScript,
every asset served from `static/` (no CDN).  The REST API lives under /api and is
documented at /docs.

Middleware, outermost first: security headers → Host check (gate.HostGate) → signed
sessions → the write gate (permission, then the streamed body size: web/gate.py) → routes.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from .. import __version__
from ..checks.config import DEFAULT as NATIONAL_RULES
from ..checks.config import RuleConfig
from ..checks.finding import headline
from .gate import HostGate, WriteGate, error_response, too_large_message
from .accounts import audit_writes, current_principal, guard
from .security import DEFAULT_MAX_UPLOAD, LoginThrottle, can_write, csrf_token, logged_in
from .storage import WebStore

HERE = Path(__file__).parent
# What Starlette's body limit says when a streamed body passes the limit: English only, so we say it again.
STARLETTE_TOO_LARGE = "Content Too Large"


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # Jinja2Templates turns autoescape on for .html; say it explicitly, it is a security property.
    templates.env.autoescape = True
    templates.env.globals.update(csrf_token=csrf_token, can_write=can_write, version=__version__,
                                 principal=current_principal, logged_in=logged_in)
    templates.env.filters["headline"] = headline  # a finding's first line; the whole message on demand
    return templates


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def create_app(
    db_url: str, auth_token: str | None = None, *, max_upload: int = DEFAULT_MAX_UPLOAD,
    files_dir: str | Path | None = None, secret_key: str | None = None,
    allowed_hosts: Sequence[str] | None = None, rules: RuleConfig = NATIONAL_RULES,
) -> FastAPI:
    """`allowed_hosts`: the names the `Host` header may carry (security.served_hosts); by default
    only this machine's local names, which is what a laptop app serving 127.0.0.1 needs.
    `rules`: the checks' deadlines and thresholds (a local rules file, `serve --rules`)."""
    app = FastAPI(
        title="nianbao 年报",
        version=__version__,
        description="政府信息公开工作年度报告：上传、检查、更正、导出 / upload, check, correct and export annual reports.",
        docs_url=None, redoc_url=None,  # served below from vendored Swagger UI: no CDN
        # Every route: a login to read once accounts exist, and a report or agency outside the
        # principal's region answers 404 (web/accounts.py).
        dependencies=[Depends(guard)],
    )
    app.state.store = WebStore(db_url, files_dir, rules=rules)
    app.state.auth_token = auth_token or None
    app.state.max_upload = max_upload
    app.state.templates = _templates()
    app.state.login_throttle = LoginThrottle(app.state.store.accounts)  # counted in the database: shared by workers
    # add_middleware wraps what was added before: the gate runs inside sessions, sessions inside the Host check.
    app.add_middleware(WriteGate, max_upload=max_upload)
    # Sessions are signed cookies. A team running several workers must share one key (NIANBAO_SECRET).
    app.add_middleware(
        SessionMiddleware, secret_key=secret_key or os.environ.get("NIANBAO_SECRET") or secrets.token_urlsafe(32),
        session_cookie="nianbao_session", same_site="strict", https_only=False,
    )
    app.add_middleware(HostGate, allowed_hosts=allowed_hosts)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path not in ("/docs", "/redoc"):
            # Our pages need only our own scripts; /docs keeps FastAPI's defaults (served locally below).
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
            )
        return response

    # Outermost: a write that logs nothing itself is logged for it, once the response says it succeeded.
    app.middleware("http")(audit_writes)

    from . import account_routes, api, hand_entry, health, pages

    app.include_router(health.router)  # /api/health, open to monitors without a login
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(hand_entry.router)  # facts and cells typed in by hand
    from . import region_routes  # an agency's region corrected by hand, with history

    app.include_router(region_routes.router)
    from . import agency_merge_routes  # agencies stored apart merged by an administrator

    app.include_router(agency_merge_routes.router)
    from . import roster  # the roster of who must publish: /roster and /api/roster

    app.include_router(roster.api_router)
    app.include_router(roster.page_router)
    from . import review  # verdicts, review status, 我的待审 (web/review.py)

    app.include_router(review.router)
    app.include_router(account_routes.router)  # /api/me, /api/accounts, /api/audit, /audit
    from . import password_routes  # a person's own password: /account/password

    app.include_router(password_routes.router)
    from . import scores as scores_web  # rankings and the evaluation workbook: /scores, /api/scores

    app.include_router(scores_web.api_router)
    app.include_router(scores_web.page_router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title="nianbao API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # FastAPI's own handler echoes the input, and an input of Infinity or NaN cannot be
        # written as JSON: the 422 became a 500.  Such values are echoed as text.
        return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail
        if exc.status_code == 413 and detail == STARLETTE_TOO_LARGE and "body_limit" in request.scope.get("state", {}):
            detail = too_large_message(request.scope["state"]["body_limit"])
        return error_response(request, exc.status_code, detail, getattr(exc, "headers", None))

    return app
