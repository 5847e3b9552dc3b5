"""Review in the web app: verdicts on findings, review status and assignment of reports,
the reviewer's queue (我的待审) and bulk actions — REST endpoints under /api and the form
posts and page behind the buttons.  The logic is store/review.py's, called through the service
layer (store/service.py) as `nianbao review` calls it; this module only says who acts
(`reviewer_of`), checks what they may do, and turns errors into HTTP answers.

Who may do what: a reviewer (审核人) or administrator sets verdicts and statuses, singly or
in bulk; assigning reports is an administrator's; a viewer (只读) only reads.  Everyone acts
inside their region scope: a report outside it is not found.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Any, Callable, Iterator, Literal, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from .. import rules_data
from ..store import review as store_review
from ..store.accounts import Principal
from . import api
from .accounts import current_principal
from .params import MAX_ROW_ID, ReportId
from .security import require_write
from .storage import Filters

router = APIRouter(tags=["review"])
# How many reports of the queue the overview shows above its list (the review page shows all).
# Few, so the overview's own list keeps its dense screenful below it.
QUEUE_ON_OVERVIEW = 5
NOTE_LIMIT = 2000


def reviewer_of(request: Request) -> Principal:
    """Who acts: the logged-in account, the token's administrator, or the local user (web/accounts.py)."""
    return current_principal(request)


def _writer(request: Request) -> Principal:
    require_write(request)
    return reviewer_of(request)


def _admin(principal: Principal) -> None:
    if not principal.can_admin:
        raise HTTPException(403, f"分派报告需要管理员权限（当前：{principal.name}，{principal.role_label}）"
                                 " / assigning reports is for administrators")


@contextmanager
def _refusals() -> Iterator[None]:
    """The store's refusals as HTTP answers: 404 (not found or out of scope), 422, 409."""
    try:
        yield
    except store_review.ReviewError as exc:
        raise HTTPException(422, str(exc)) from None
    except store_review.ConcurrentChange as exc:
        raise HTTPException(409, str(exc)) from None
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


def _note(text: Any) -> str | None:
    return str(text or "").strip()[:NOTE_LIMIT] or None


# ------------------------------------------------------------------ what pages show

def report_findings(request: Request, report_id: int) -> list[dict[str, Any]]:
    """The report's findings with their verdicts and keys (the report page and /api/reports/{id})."""
    with _refusals():
        return api.store(request).review_findings(report_id, reviewer_of(request))


def report_state(request: Request, report_id: int) -> dict[str, Any]:
    """The report's review state, with the names it may be assigned to (the page offers them)."""
    with _refusals():
        return api.store(request).review_state(report_id, reviewer_of(request))


def with_review(request: Request, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Report summaries (each with `sha256`) with their review status and assignee added."""
    with _refusals():
        states = api.store(request).review_states([r["sha256"] for r in reports])
    return [{**r, **states[r["sha256"]]} for r in reports]


def queue_of(request: Request, limit: int | None = QUEUE_ON_OVERVIEW) -> list[dict[str, Any]]:
    """我的待审 of whoever asks: assigned to them, not 已审, most errors first (empty for anonymous visitors)."""
    principal = reviewer_of(request)
    if not principal.authenticated:
        return []
    with _refusals():
        return api.store(request).review_queue(principal.name, limit, principal)


def workbook_verdicts(request: Request, rows: list[Any]) -> Callable[[Any, Any], tuple[str, bool] | None]:
    """For the inspection workbook (checks/workbook.py `verdict_of`): each finding's verdict label and
    whether it still counts, looked up by document, rule and cells; 待核 for findings without one."""
    with _refusals():
        known = api.store(request).verdicts_by_finding([row.sha256 for row in rows])
    pending = (store_review.VERDICT_LABELS[store_review.PENDING], True)
    return lambda report, finding: known.get((report.sha256, finding.code, tuple(finding.cells)), pending)


# ------------------------------------------------------------------ REST API

class VerdictBody(BaseModel):
    verdict: str = Field(..., max_length=20, description="待核 / 确认 / 驳回（或 pending / confirmed / dismissed）")
    note: Optional[str] = Field(None, max_length=NOTE_LIMIT, description="说明 / note")


class StatusBody(BaseModel):
    status: str = Field(..., max_length=20, description="未审 / 审核中 / 已审（或 unreviewed / in_review / reviewed）")
    note: Optional[str] = Field(None, max_length=NOTE_LIMIT)


class AssignBody(BaseModel):
    assignee: Optional[str] = Field(None, max_length=100, description="审核人账号名；空为收回 / account name, empty to unassign")


class BulkBody(BaseModel):
    action: Literal["status", "assign", "verdict"] = Field(..., description="status 设状态 · assign 分派 · verdict 审核意见")
    value: str = Field("", max_length=100, description="状态、审核人或审核意见 / the status, assignee or verdict")
    note: Optional[str] = Field(None, max_length=NOTE_LIMIT)
    rule: Optional[str] = Field(None, max_length=60, description="只处理此规则的问题（verdict）/ one rule's findings")
    severity: Optional[Literal["error", "warning", "info"]] = None
    report_ids: Optional[list[Annotated[int, Field(ge=1, le=MAX_ROW_ID)]]] = Field(
        None, max_length=10000, description="只处理这些报告 / only these reports")
    region: Optional[str] = Field(None, max_length=100)
    year: Optional[int] = Field(None, ge=1900, le=2100)
    level: Optional[str] = Field(None, max_length=10)
    q: Optional[str] = Field(None, max_length=200, description="机关名称或文件名 / agency or file name")
    status: Optional[str] = Field(None, max_length=20, description="只处理此审核状态的报告 / reports of this status")
    assignee: Optional[str] = Field(None, max_length=100, description="只处理分派给此人的报告 / reports assigned to")


def _selection(principal: Principal, f: Filters | None = None, *, status: str | None = None,
               assignee: str | None = None, report_ids: list[int] | None = None) -> store_review.Selection:
    f = f or Filters()
    return store_review.Selection(
        report_ids=report_ids, region=f.region, year=f.year, level=f.level, agency=f.q, status=status or None,
        assignee=assignee or None, with_errors=f.severity == "error", principal=principal)


@router.get("/api/reports/{report_id}/review", summary="报告审核状态与问题审核意见 / review state and verdicts")
def get_review(request: Request, report_id: ReportId) -> dict[str, Any]:
    return {"review": report_state(request, report_id), "findings": report_findings(request, report_id)}


@router.post("/api/reports/{report_id}/findings/{finding}/verdict",
             summary="给问题审核意见（确认/驳回/待核）/ confirm, dismiss or reopen a finding")
def post_verdict(request: Request, report_id: ReportId, finding: str, body: VerdictBody) -> dict[str, Any]:
    """`finding`: the finding's key (stable across re-checks) or its row id."""
    principal = _writer(request)
    with _refusals():
        return api.store(request).set_verdict(finding, body.verdict, principal.name, _note(body.note),
                                              report_id=report_id, principal=principal)


@router.post("/api/reports/{report_id}/status", summary="设置报告审核状态 / set a report's review status")
def post_status(request: Request, report_id: ReportId, body: StatusBody) -> dict[str, Any]:
    principal = _writer(request)
    with _refusals():
        return api.store(request).review_report(report_id, principal.name, status=body.status,
                                                note=_note(body.note), principal=principal)


@router.post("/api/reports/{report_id}/assign", summary="分派报告给审核人（管理员）/ assign a report (administrators)")
def post_assign(request: Request, report_id: ReportId, body: AssignBody) -> dict[str, Any]:
    principal = _writer(request)
    _admin(principal)
    with _refusals():
        return api.store(request).assign_reports([report_id], body.assignee, principal.name, principal)[0]


@router.get("/api/review/queue", summary="我的待审：分派给我、未审完，错误多的在前 / my review queue")
def get_queue(request: Request, limit: int = Query(100, ge=1, le=1000)) -> dict[str, Any]:
    return {"reviewer": reviewer_of(request).name, "items": queue_of(request, limit)}


@router.get("/api/review/reports", summary="报告及审核状态（可筛选）/ reports with their review state")
def get_review_reports(
    request: Request, f: Filters = Depends(api.filters),
    status: Optional[str] = Query(None, max_length=20, description="未审 / 审核中 / 已审"),
    assignee: Optional[str] = Query(None, max_length=100),
    limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    selection = _selection(reviewer_of(request), f, status=status, assignee=assignee)
    service = api.store(request)
    with _refusals():
        return {"total": service.review_count(selection), "items": service.review_list(selection, limit, offset)}


@router.get("/api/review/findings", summary="问题及审核意见（可按规则、审核意见筛选）/ findings with verdicts")
def get_review_findings(
    request: Request, f: Filters = Depends(api.filters),
    rule: Optional[str] = Query(None, max_length=60), verdict: Optional[str] = Query(None, max_length=20),
    status: Optional[str] = Query(None, max_length=20), assignee: Optional[str] = Query(None, max_length=100),
    limit: int = Query(200, ge=1, le=5000),
) -> dict[str, Any]:
    selection = _selection(reviewer_of(request), f, status=status, assignee=assignee)
    with _refusals():
        return {"items": api.store(request).review_findings_list(selection, rule=rule, verdict=verdict, limit=limit)}


@router.post("/api/review/bulk", summary="批量：对筛选出的报告设状态、分派或给问题审核意见 / bulk actions")
def post_bulk(request: Request, body: BulkBody) -> dict[str, Any]:
    principal = _writer(request)
    f = Filters(region=body.region, year=body.year, level=body.level, q=body.q)
    selection = _selection(principal, f, status=body.status, assignee=body.assignee, report_ids=body.report_ids)
    return {"action": body.action, "count": _bulk(request, principal, selection, body.action, body.value,
                                                   _note(body.note), body.rule, body.severity)}


def _bulk(request: Request, principal: Principal, selection: store_review.Selection, action: str, value: str,
          note: str | None, rule: str | None, severity: str | None) -> int:
    if action == "assign":
        _admin(principal)
    with _refusals():
        return api.store(request).bulk_review(selection, action, value, principal.name, note, rule=rule or None,
                                              severity=severity)


# ------------------------------------------------------------------ pages and form posts

async def _form(request: Request):
    from .pages import form_write

    return await form_write(request)


@router.post("/reports/{report_id}/findings/{finding}/verdict", include_in_schema=False)
async def verdict_form(request: Request, report_id: ReportId, finding: str):
    form = await _form(request)
    principal = reviewer_of(request)
    with _refusals():
        item = api.store(request).set_verdict(finding, str(form.get("verdict") or ""), principal.name,
                                              _note(form.get("note")), report_id=report_id, principal=principal)
    return RedirectResponse(f"/reports/{report_id}#finding-{item['key']}", status_code=303)


@router.post("/reports/{report_id}/review", include_in_schema=False)
async def review_form(request: Request, report_id: ReportId):
    """The report page's review box: a status, an assignee (administrators), or both."""
    form = await _form(request)
    principal = reviewer_of(request)
    status, assignee = form.get("status"), form.get("assignee")
    if assignee is not None:
        _admin(principal)
    with _refusals():
        api.store(request).review_report(report_id, principal.name, status=str(status or "") or None,
                                         note=_note(form.get("note")),
                                         assignee=None if assignee is None else str(assignee), principal=principal)
    return RedirectResponse(f"/reports/{report_id}#review", status_code=303)


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, f: Filters = Depends(api.filters),
                status: Optional[str] = Query(None, max_length=20), assignee: Optional[str] = Query(None, max_length=100),
                rule: Optional[str] = Query(None, max_length=60), done: Optional[int] = None) -> HTMLResponse:
    """我的待审 and the review list with its filters and bulk actions."""
    from .pages import page

    principal = reviewer_of(request)
    selection = _selection(principal, f, status=status, assignee=assignee)
    service = api.store(request)
    with _refusals():
        listed = service.review_list(selection, limit=200, most_errors_first=True)
        total = service.review_count(selection)
        names = service.assignable()
    query = urlencode({**f.as_params(), **{k: v for k, v in (("status", status), ("assignee", assignee)) if v}})
    return page(request, "review.html", queue=queue_of(request, None), reports=listed, total=total, filters=f,
                assignable=names,
                status=status or "", assignee=assignee or "", rule=rule or "", query=query, done=done,
                facets=service.facets(principal), status_labels=store_review.STATUS_LABELS,
                verdict_labels=store_review.VERDICT_LABELS, rules=rules_data.RULES)


@router.post("/review/bulk", include_in_schema=False)
async def bulk_form(request: Request):
    form = await _form(request)
    principal = reviewer_of(request)
    # Bounded as the API's filters are (api.filters): a form field is whatever the client sends.
    limits = {"region": 100, "year": 4, "level": 10, "q": 200, "severity": 10}
    f = Filters.from_params({k: str(form.get(k) or "")[:n] for k, n in limits.items()})
    selection = _selection(principal, f, status=str(form.get("status") or "")[:20],
                           assignee=str(form.get("assignee") or "")[:100])
    action = str(form.get("action") or "")
    if action not in ("status", "assign", "verdict"):
        raise HTTPException(422, "请选择批量操作 / choose a bulk action")
    count = _bulk(request, principal, selection, action, str(form.get("value") or "")[:100], _note(form.get("note")),
                  str(form.get("rule") or "")[:60] or None, None)
    back = urlencode({**f.as_params(), "done": count,
                      **{k: str(form.get(k)) for k in ("status", "assignee") if form.get(k)}})
    return RedirectResponse(f"/review?{back}", status_code=303)
