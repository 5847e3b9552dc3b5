"""Hand entry in the web app (store/hand_entry.py): a report the OCR could not read, or whose
tables are missing, gets its agency, year, publication date and edition set, and the empty
grid of its edition typed in, beside its page images.  API under /api, form posts for pages."""

from __future__ import annotations

import math
from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from ..store.hand_entry import FACTS
from . import api
from .pages import form_write
from .params import MAX_EXACT_VALUE, CellValue, ReportId
from .storage import BadInput

router = APIRouter(tags=["api"])
# Cells one hand-entry post may carry: the largest edition has fewer than 300.
MAX_CELLS_PER_ENTRY = 400


class FactIn(BaseModel):
    field: str = Field(..., max_length=20, description="agency | year | published | edition")
    value: Optional[str] = Field(None, max_length=200, description="新值；空或 null 表示清除 / new value; empty clears it")
    note: Optional[str] = Field(None, max_length=2000)
    author: Optional[str] = Field(None, max_length=100)


class EntryIn(BaseModel):
    cells: dict[str, Optional[CellValue]] = Field(
        ..., max_length=MAX_CELLS_PER_ENTRY, description='{"t3.granted.total": 12, …}；null 表示未填报 / null = not reported')
    note: Optional[str] = Field(None, max_length=2000)
    author: Optional[str] = Field(None, max_length=100)


@router.get("/api/reports/{report_id}/facts", summary="人工设定的报告信息及其历史 / facts set by hand, with history")
def list_facts(request: Request, report_id: ReportId) -> list[dict[str, Any]]:
    s = api.store(request)
    return s.fact_history(api._row(s, report_id))


@router.post("/api/reports/{report_id}/facts", dependencies=[Depends(api.writer)], status_code=201,
             summary="设定机关、年度、发布日期或格式版本并重新检查 / set agency, year, publication date or edition")
def set_fact(request: Request, report_id: ReportId, body: FactIn) -> dict[str, Any]:
    s = api.store(request)
    api._row(s, report_id)
    try:
        s.set_fact(report_id, body.field, body.value, api.author_of(request, body.author), body.note)
    except BadInput as exc:
        raise HTTPException(422, str(exc))
    return api.report_detail(s, s.get(report_id))


@router.post("/api/reports/{report_id}/entries", dependencies=[Depends(api.writer)], status_code=201,
             summary="手工录入多个单元格并重新检查 / type many cells in by hand, re-run checks")
def enter_cells(request: Request, report_id: ReportId, body: EntryIn) -> dict[str, Any]:
    s = api.store(request)
    api._row(s, report_id)
    values = {path: _exact(value) for path, value in body.cells.items()}
    try:
        s.enter(report_id, values, api.author_of(request, body.author), body.note)
    except BadInput as exc:
        raise HTTPException(422, str(exc))
    return api.report_detail(s, s.get(report_id))


# ------------------------------------------------------------------ form posts of the report page
@router.post("/reports/{report_id}/facts", include_in_schema=False)
async def fact_form(request: Request, report_id: ReportId):
    form = await form_write(request)
    s = api.store(request)
    api._row(s, report_id)
    author = _remember_author(request, form)
    changed = {field: str(form.get(field) or "") for field in FACTS
               if field in form and str(form.get(field) or "").strip() != str(form.get(f"was_{field}") or "")}
    try:
        s.set_facts(report_id, changed, author, str(form.get("note") or "")[:2000] or None)
    except BadInput as exc:
        raise HTTPException(422, str(exc))
    return RedirectResponse(f"/reports/{report_id}#facts", status_code=303)


@router.post("/reports/{report_id}/enter", include_in_schema=False)
async def entry_form(request: Request, report_id: ReportId):
    """The empty grid posted: every cell with something typed in (blank inputs are left alone,
    never stored as zero)."""
    form = await form_write(request)
    s = api.store(request)
    api._row(s, report_id)
    author = _remember_author(request, form)
    values = {}
    for key, raw in form.multi_items():
        if key.count(".") == 2 and isinstance(raw, str) and raw.strip() and not key.endswith("_unit"):
            values[key] = typed_value(raw, key)
    if not values:
        raise HTTPException(422, "没有录入任何数值 / no value typed in")
    try:
        s.enter(report_id, values, author, str(form.get("note") or "")[:2000] or None)
    except BadInput as exc:
        raise HTTPException(422, str(exc))
    return RedirectResponse(f"/reports/{report_id}#history", status_code=303)


def typed_value(raw: str, where: str = "") -> int | float | None:
    """A value typed into a form: a number (thousands separators allowed), blank for none."""
    raw = raw.strip()
    if raw == "":
        return None
    try:
        value = float(raw.replace(",", "").replace("，", ""))
    except ValueError:
        raise HTTPException(422, f"数值无效{('：' + where) if where else ''}“{raw}” / not a number") from None
    if not (math.isfinite(value) and abs(value) <= MAX_EXACT_VALUE):
        raise HTTPException(422, f"数值超出范围（绝对值不超过 {MAX_EXACT_VALUE}）/ value out of range")
    return _exact(value)


def _exact(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _remember_author(request: Request, form) -> str:
    author = str(form.get("author") or "").strip()[:100] or None
    if author:
        request.session["user"] = author
    return api.author_of(request, author)
