"""Server-rendered pages.  Every page works without JavaScript; the scripts in
static/ add drag-and-drop, live totals, cell highlighting and charts on top."""

from __future__ import annotations

import hmac
import math
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from .. import editions, rules_data
from ..store.agencies import LEVELS
from ..store import review as store_review
from . import accounts as web_accounts
from . import api, navigation, views
from . import review as review_web
from . import scores as scores_web
from .params import MAX_EXACT_VALUE, AgencyId, Offset, ReportId
from .security import CSRF_FIELD, require_form_csrf, require_write
from .storage import BadInput, Filters, report_summary

router = APIRouter(include_in_schema=False)

SEVERITY_NAMES = {key: f"{name} {key}" for key, name in rules_data.SEVERITY_NAMES.items()}
LEVEL_NAMES = {level: level for level in LEVELS}
FORMAT_NAMES = {"pdf": "PDF", "html": "HTML", "text": "文本 text", "docx": "Word (DOCX)", "doc": "Word (DOC)",
                "image": "扫描图片 image"}


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, template,
        {"severity_names": SEVERITY_NAMES, "auth": bool(request.app.state.auth_token),
         "user": request.session.get("user"), **context},
        status_code=status_code,
    )


async def form_write(request: Request):
    """Form posts: parse the form, then demand its CSRF token (and login with --auth)."""
    form = await request.form()
    require_write(request, str(form.get(CSRF_FIELD) or "") or "-")
    return form


# ------------------------------------------------------------------ overview
@router.get("/", response_class=HTMLResponse)
def overview(request: Request, f: Filters = Depends(api.filters), offset: Offset = 0,
             sort: navigation.Sort = None, after: navigation.After = None) -> HTMLResponse:
    s, who = api.store(request), web_accounts.current_principal(request)
    limit = navigation.OVERVIEW_ROWS
    if offset and not after:  # an old ?offset= link
        rows, following = s.list(f, limit, offset, sort=sort, principal=who,
                                 scores_by=scores_web.scores_by(request, sort)), None
    else:  # keyset pages (web/listing.py): as quick deep in the list as at its top
        rows, following = s.page(f, limit, sort=sort, after=after, principal=who,
                                 scores_by=scores_web.scores_by(request, sort))
    query = urlencode(f.as_params())
    return page(
        request, "overview.html", reports=scores_web.with_scores(request, review_web.with_review(request, [report_summary(r) for r in rows])), total=s.count(f, who), filters=f,
        queue=review_web.queue_of(request),
        facets=s.facets(who), levels=LEVELS, query=query, offset=offset, limit=limit,
        edition_keys=list(editions.EDITIONS), following=following, paged=bool(after or offset),
        nav=navigation.nav_query(f, sort), sorts=navigation.sort_links(f, sort),
        headers=navigation.HEADERS, review_statuses=store_review.STATUS_LABELS,
    )


# ------------------------------------------------------------------ upload
@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    return page(request, "upload.html", max_upload=request.app.state.max_upload, results=None)


@router.post("/upload", response_class=HTMLResponse)
async def upload_form(request: Request) -> HTMLResponse:
    form = await form_write(request)
    files = [f for f in form.getlist("files") if hasattr(f, "read")]
    if not files:
        raise HTTPException(400, "请选择文件 / choose a file")
    status, results = await api.ingest_files(request, files)
    return page(request, "upload.html", status_code=200 if status == 201 else status,
                max_upload=request.app.state.max_upload, results=results)


# ------------------------------------------------------------------ report
@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: ReportId, f: Filters = Depends(api.filters),
                sort: navigation.Sort = None) -> HTMLResponse:
    s = api.store(request)
    row = api._row(s, report_id)
    detail = api.report_detail(s, row)
    detail["findings"] = review_web.report_findings(request, report_id)  # with their keys and verdicts
    layout = views.layout(row.edition, row.single_other_handling) if row.edition else None
    marks: dict[str, str] = {}
    rank = {"error": 0, "warning": 1, "info": 2}
    for finding in detail["findings"]:
        if finding["verdict"] == "dismissed":
            continue  # listed, marked 已驳回, but no longer marks its cells
        for path in finding["cells"]:
            if path not in marks or rank[finding["severity"]] < rank[marks[path]]:
                marks[path] = finding["severity"]
    page_sizes = s.pdf_page_sizes(row)
    return page(
        request, "report.html", row=detail["report"], detail=detail, layout=layout, marks=marks,
        # Previous / next in the list this page was opened from, and the findings' cells by name.
        nav=navigation.neighbours(s, row, f, sort, web_accounts.current_principal(request),
                                  scores_web.scores_by(request, sort)),
        cell_names=navigation.cell_names(p for finding in detail["findings"] for p in finding["cells"]),
        review=review_web.report_state(request, report_id),
        pages=len(page_sizes), page_sizes=page_sizes, format_name=FORMAT_NAMES.get(row.format or "", row.format),
        has_original=s.original_bytes(row) is not None, text=s.document_text(row),
        # Tables with any cell, read or typed; the others get the empty grid to type in (web/hand_entry.py).
        typed_tables={path.split(".")[0] for path in detail["cells"]}, edition_keys=list(editions.EDITIONS),
    )


@router.post("/reports/{report_id}/correct")
async def correct_form(request: Request, report_id: ReportId):
    form = await form_write(request)
    s = api.store(request)
    api._row(s, report_id)
    raw = str(form.get("value") or "").strip()
    try:
        value = None if raw == "" else float(raw.replace(",", ""))
    except ValueError:
        raise HTTPException(422, "数值无效 / not a number")
    if value is not None and not (math.isfinite(value) and abs(value) <= MAX_EXACT_VALUE):
        raise HTTPException(422, f"数值超出范围（绝对值不超过 {MAX_EXACT_VALUE}）/ value out of range")
    if value is not None and value.is_integer():
        value = int(value)
    author = str(form.get("author") or "").strip()[:100] or None
    if author:
        request.session["user"] = author
    try:
        s.correct(report_id, str(form.get("cell") or ""), value, api.author_of(request, author),
                  str(form.get("note") or "")[:2000] or None)
    except BadInput as exc:
        raise HTTPException(422, str(exc))
    web_accounts.audit(request, "report.correct", f"report {report_id} {form.get('cell')}", f"{value}")
    return RedirectResponse(f"/reports/{report_id}#history", status_code=303)


@router.post("/reports/{report_id}/delete")
async def delete_form(request: Request, report_id: ReportId):
    await form_write(request)
    web_accounts.require_admin(request)
    s = api.store(request)
    api.delete_audited(request, s, api._row(s, report_id))
    return RedirectResponse("/", status_code=303)


# ------------------------------------------------------------------ agency
@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency_page(request: Request, agency_id: AgencyId) -> HTMLResponse:
    data = api.agency(request, agency_id)
    from .agency_merge_routes import merges_of  # merges with other agencies (web/agency_merge_routes.py)
    from .region_routes import region_of  # the region and its corrections (web/region_routes.py)

    return page(request, "agency.html", agency=data, region=region_of(request, agency_id),
                merges=merges_of(request, agency_id))


# ------------------------------------------------------------------ fill-in form
@router.get("/fill", response_class=HTMLResponse)
def fill_page(request: Request, edition: str = editions.EDITION_2021) -> HTMLResponse:
    if edition not in editions.EDITIONS:
        raise HTTPException(404, "没有该版本 / no such edition")
    return page(request, "fill.html", layout=views.layout(edition), edition=edition,
                edition_keys=list(editions.EDITIONS), text_sections=views.TEXT_SECTIONS)


@router.post("/fill/download")
async def fill_download(request: Request):
    form = await form_write(request)
    edition = str(form.get("edition") or "")
    if edition not in editions.EDITIONS:
        raise HTTPException(422, "版本无效 / bad edition")
    cells: dict[str, float | None] = {}
    for path in views.cell_paths(edition):
        raw = str(form.get(path) or "").strip().replace(",", "")
        try:
            cells[path] = float(raw) if raw else None
        except ValueError:
            raise HTTPException(422, f"{path} 不是数字 / not a number")
    units = {path: str(form.get(unit) or "") or None for path, unit in views.unit_paths(edition).items()}
    year = str(form.get("year") or "").strip()
    try:
        body = api.FillIn(
            edition=edition, year=int(year) if year.isdigit() else None, agency=str(form.get("agency") or "") or None,
            published=str(form.get("published") or "") or None, cells=cells, units=units,
            sections={k: str(form.get(f"section.{k}") or "") for k in views.TEXT_SECTIONS},
        )
    except ValueError as exc:
        raise HTTPException(422, f"填报数据无效 / invalid form: {exc}")
    fmt = str(form.get("format") or "docx")
    if fmt not in ("docx", "html", "json"):
        raise HTTPException(422, "格式无效 / bad format")
    return api.rendered_fill(body, fmt)


# ------------------------------------------------------------------ login
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", signed_out: str | None = None) -> HTMLResponse:
    # signed_out: why an earlier session ended (a changed password, a removed account).
    return page(request, "login.html", next=_safe_next(next), error=None,
                notice=web_accounts.signed_out_notice(signed_out))


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request):
    form = await request.form()
    # The login form carries the CSRF token too: no logging someone in from another site.
    expected = request.session.get("csrf") or ""
    given = str(form.get(CSRF_FIELD) or "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise HTTPException(403, "CSRF 令牌无效，请刷新页面后重试 / invalid CSRF token")
    next_url = _safe_next(str(form.get("next") or "/"))
    name = str(form.get("user") or "").strip()[:100]
    secret = str(form.get("password") or form.get("token") or "")
    # A password check costs a deliberate fraction of a second (Argon2): not on the event loop.
    outcome = await run_in_threadpool(web_accounts.log_in, request, name, secret)
    if outcome is not None:
        return page(request, "login.html", status_code=401, next=next_url, error=outcome)
    return RedirectResponse(next_url, status_code=303)


@router.post("/logout")
async def logout(request: Request):
    form = await request.form()
    require_form_csrf(request, str(form.get(CSRF_FIELD) or "") or "-")
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a link send users elsewhere after login.
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
