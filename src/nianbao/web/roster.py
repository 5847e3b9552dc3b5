"""The roster in the web app: the 名单 page (/roster) and its API (/api/roster…).

Reads follow the account's region scope; importing a roster is for administrators, linking a
report for anyone who may write.  Every read and write is a call of the service layer (store/service.py),
the same `nianbao roster` makes; the exports are the CLI's builder (store/roster_sheet.py).
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile as FormFile

from ..store import roster
from ..store.roster_file import RosterFileError, read_roster
from ..store.roster_sheet import DATE_UNKNOWN, write_csv, write_xlsx
from .accounts import Principal, require_admin, require_reader, require_writer
from .api import store, writer
from .params import ReportId

api_router = APIRouter(prefix="/api/roster", tags=["roster 名单"])
page_router = APIRouter(include_in_schema=False)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A roster of every body of a province is a few thousand rows: far below this.
MAX_ROSTER_BYTES = 2 * 1024 * 1024
# What a form post did, shown once by the page it redirects to (kept in the signed session, so a
# link cannot put words on the page).
MESSAGE_KEY = "roster_message"
# Rows a page lists; a province's whole roster is for the filters or the export.
PAGE_ROWS = 1000


class RosterQuery:
    """The year and filters of a status request (query string, page and API alike)."""

    def __init__(
        self,
        year: Optional[int] = Query(None, ge=1990, le=2100, description="年度（默认：最新）/ year (default: newest)"),
        status: Optional[str] = Query(None, max_length=10, description="未发布 | 逾期发布 | 已发布"),
        level: Optional[str] = Query(None, max_length=20, description="层级 / level as written in the roster"),
        region: Optional[str] = Query(None, max_length=100, description="地区或名称的一部分 / part of region or name"),
        q: Optional[str] = Query(None, max_length=200, description="机关名称或别名的一部分 / part of a name"),
    ):
        self.year = year
        # Lenient on purpose: the page's form submits every field, empty ones as "".
        self.status = status if status in roster.STATUSES else None
        self.level, self.region, self.q = level or None, region or None, q or None

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


def _year(request: Request, wanted: int | None) -> int | None:
    if wanted is not None:
        return wanted
    found = store(request).roster_years()
    return found[0] if found else None


class YearView:
    """What a request about one year shows: every entry's status, the filtered ones, the counts over
    every entry and the unmatched reports."""

    def __init__(self, request: Request, query: RosterQuery, principal: Principal):
        self.year = _year(request, query.year)
        rows, self.unmatched = store(request).roster_year(self.year, principal) if self.year else ([], [])
        self.total = len(rows)
        self.counts = roster.counts(rows)
        self.levels = sorted({r.entry.level for r in rows if r.entry.level})
        self.shown = roster.filter_statuses(rows, status=query.status, level=query.level, region=query.region, q=query.q)


def _status_dict(row: roster.EntryStatus) -> dict[str, Any]:
    return {
        "name": row.entry.name, "level": row.entry.level, "region": row.entry.region, "aliases": list(row.entry.aliases),
        "status": row.status, "published": row.published.isoformat() if row.published else None,
        "published_unknown": row.date_unknown, "deadline": row.deadline.isoformat() if row.deadline else None,
        "days_late": row.days_late, "matched": row.matched,
        "reports": [{"id": r.id, "agency": r.agency, "source": r.source, "published": r.published} for r in row.reports],
    }


def _unmatched_dict(item: roster.Unmatched) -> dict[str, Any]:
    r = item.report
    return {"id": r.id, "year": r.year, "agency": r.agency, "published": r.published, "source": r.source,
            "candidates": item.candidates}


# ------------------------------------------------------------------ API
@api_router.get("", summary="名单各机关某年度的发布状态 / who published for a year")
def roster_status(request: Request, query: RosterQuery = Depends(),
                  principal: Principal = Depends(require_reader)) -> JSONResponse:
    view = YearView(request, query, principal)
    # Plain JSON types already: a JSONResponse skips FastAPI's generic encoder, which took most of
    # the request's time over a province's 5,000 entries (docs/roster.md "At volume").
    return JSONResponse({"year": view.year, "counts": view.counts, "total": view.total, "shown": len(view.shown),
                         "items": [_status_dict(r) for r in view.shown]})


@api_router.get("/unmatched", summary="未匹配名单的报告 / reports no roster entry matches")
def roster_unmatched(request: Request, year: Optional[int] = Query(None, ge=1990, le=2100),
                     principal: Principal = Depends(require_reader)) -> list[dict[str, Any]]:
    return [_unmatched_dict(u) for u in store(request).roster_unmatched(year, principal)]


@api_router.get("/status.{fmt}", summary="导出发布状态（CSV / XLSX，与 nianbao roster status 同一构建器）/ export")
def roster_export(request: Request, fmt: str, query: RosterQuery = Depends(),
                  principal: Principal = Depends(require_reader)) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404, "仅支持 csv 或 xlsx / csv or xlsx only")
    view = YearView(request, query, principal)
    if view.year is None:
        raise HTTPException(404, "没有带年度的报告 / no report with a year")
    disposition = {"Content-Disposition": f'attachment; filename="roster-{view.year}.{fmt}"'}
    if fmt == "csv":
        return Response(write_csv(view.shown), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(write_xlsx(view.year, view.shown, view.counts, view.unmatched), media_type=XLSX_TYPE,
                    headers=disposition)


async def _imported(request: Request, file: FormFile, replace: bool, principal: Principal) -> roster.ImportSummary:
    data = await file.read(MAX_ROSTER_BYTES + 1)
    if len(data) > MAX_ROSTER_BYTES:
        raise HTTPException(413, f"名单文件超过 {MAX_ROSTER_BYTES // (1024 * 1024)} MB / roster file too large")
    try:
        rows = read_roster(data, file.filename or "")
    except RosterFileError as exc:
        raise HTTPException(422, exc.message)
    return await run_in_threadpool(store(request).import_roster, rows, replace=replace, author=principal.name,
                                   source=file.filename)


@api_router.post("", summary="导入名单（CSV / XLSX，管理员）/ import a roster (administrators)", dependencies=[Depends(writer)])
async def roster_import(request: Request, file: UploadFile = File(...), replace: bool = Query(False),
                        principal: Principal = Depends(require_admin)) -> dict[str, int]:
    return vars(await _imported(request, file, replace, principal))


class Link(BaseModel):
    report_id: int = Field(..., ge=1)
    name: Optional[str] = Field(..., min_length=1, max_length=200,
                                description="名单中的名称或别名；null：不在名单中 / roster name or alias; null: on no entry")


@api_router.post("/links", summary="人工关联报告与名单机关 / link a report to a roster entry", dependencies=[Depends(writer)])
def roster_link(request: Request, body: Link, principal: Principal = Depends(require_writer)) -> dict[str, str]:
    try:
        return {"message": store(request).roster_link(body.report_id, body.name, principal.name)}
    except roster.RosterError as exc:
        raise HTTPException(404, exc.message)


@api_router.delete("/links/{report_id}", summary="取消人工关联 / remove a manual link", dependencies=[Depends(writer)])
def roster_unlink(request: Request, report_id: ReportId, principal: Principal = Depends(require_writer)) -> dict[str, str]:
    try:
        return {"message": store(request).roster_unlink(report_id, principal.name)}
    except roster.RosterError as exc:
        raise HTTPException(404, exc.message)


# ------------------------------------------------------------------ page
@page_router.get("/roster", response_class=HTMLResponse)
def roster_page(request: Request, query: RosterQuery = Depends(),
                principal: Principal = Depends(require_reader)) -> HTMLResponse:
    from .pages import page

    view = YearView(request, query, principal)
    return page(
        request, "roster.html", year=view.year, years=store(request).roster_years(), rows=view.shown[:PAGE_ROWS],
        shown=len(view.shown), total=view.total, counts=view.counts, statuses=roster.STATUSES, levels=view.levels,
        filters=query, query=urlencode({**query.params(), "year": view.year or ""}), unmatched=view.unmatched[:PAGE_ROWS],
        n_unmatched=len(view.unmatched), page_rows=PAGE_ROWS,
        # Without a year there is no status to show, but the roster may well be imported.
        n_entries=view.total if view.year else len(store(request).roster_entries(principal)),
        date_unknown=DATE_UNKNOWN, can_import=principal.can_admin, can_link=principal.can_write,
        message=request.session.pop(MESSAGE_KEY, None),
    )


@page_router.post("/roster/import")
async def roster_import_form(request: Request):
    from .pages import form_write

    form = await form_write(request)
    principal = require_admin(request)
    file = form.get("file")
    if not isinstance(file, FormFile) or not file.filename:
        raise HTTPException(400, "请选择名单文件 / choose a roster file")
    summary = await _imported(request, file, bool(form.get("replace")), principal)
    message = (f"已导入：新增 {summary.added}，更新 {summary.updated}，未变 {summary.unchanged}，删除 {summary.removed}"
               " / roster imported")
    request.session[MESSAGE_KEY] = message
    return RedirectResponse("/roster", status_code=303)


@page_router.post("/roster/link")
async def roster_link_form(request: Request):
    from .pages import form_write

    form = await form_write(request)
    principal = require_writer(request)
    raw_id = str(form.get("report_id") or "")
    if not raw_id.isdigit():
        raise HTTPException(422, "报告编号无效 / bad report id")
    name = None if form.get("not_listed") else str(form.get("name") or "")[:200]
    try:
        message = store(request).roster_link(int(raw_id), name, principal.name)
    except roster.RosterError as exc:
        raise HTTPException(404, exc.message)
    request.session[MESSAGE_KEY] = message
    year = str(form.get("year") or "")
    return RedirectResponse("/roster" + (f"?year={year}" if year.isdigit() else ""), status_code=303)


