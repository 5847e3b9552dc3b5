"""GET /api/health: whether the app is up and its database answers, for monitors and load balancers.

It answers without a login even once accounts exist (web/accounts.py OPEN_PATHS), so a monitor
needs no password; what an anonymous caller learns is only the status, the version and whether
the database is reachable.  A caller who may read anyway (logged in, the `--auth` token, or a
local app without accounts) also gets what scripts have always read here: the number of
reports it may see, whether a token is set, and the upload limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import __version__
from .accounts import current_principal, login_required

router = APIRouter(prefix="/api", tags=["api"])
PATH = "/api/health"


def database_reachable(request: Request) -> bool:
    """Whether the database accepts connections and answers (store/db.py `Store.answers`)."""
    return request.app.state.store.answers()


@router.get("/health", summary="运行状态（无需登录）/ health: status, version, database reachable (no login needed)")
def health(request: Request) -> JSONResponse:
    reachable = database_reachable(request)
    body: dict[str, Any] = {
        "ok": reachable, "status": "正常 ok" if reachable else "数据库不可达 database unreachable",
        "version": __version__, "database": reachable,
    }
    if reachable and not login_required(request):
        state = request.app.state
        body.update(reports=state.store.count(principal=current_principal(request)),
                    auth=bool(state.auth_token), max_upload=state.max_upload)
    # 503: a load balancer takes a worker whose database is gone out of service.
    return JSONResponse(body, status_code=200 if reachable else 503)
