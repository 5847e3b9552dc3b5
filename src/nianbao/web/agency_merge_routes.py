"""Merging agencies stored apart, in the web app (store/merges.py), for administrators:
`GET /api/agencies/{id}/merges`, `POST /api/agencies/{id}/merges` (join another agency into this
one), `POST /api/agencies/{id}/unmerge`, and the forms on the agency page.  Every merge and unmerge
is written to the audit log.  Each is a call of the service layer (store/service.py), as `nianbao agency`'s."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from ..store import merges
from . import api
from .accounts import audit, current_principal, require_admin
from .params import AgencyId

router = APIRouter(tags=["api"])


class MergeIn(BaseModel):
    agency: str = Field(..., min_length=1, max_length=200,
                        description="并入本机关的机关：编号或名称 / the agency joined into this one: id or name")
    note: Optional[str] = Field(None, max_length=2000)


def merges_of(request: Request, agency_id: int) -> dict[str, Any]:
    """The agency's merges: the one it is joined into (if any), those joined into it, the history."""
    service = api.store(request)
    try:
        kept = service.merged_into(agency_id)
    except LookupError:
        raise HTTPException(404, "未找到该机关 / agency not found") from None
    rows = service.merge_history(agency_id)
    return {
        "agency_id": agency_id,
        "merged_into": {"id": kept[0], "name": kept[1]} if kept else None,
        "joined": [r for r in rows if r["in_force"] and r["kept_id"] == agency_id],
        "history": rows,
    }


def _within_scope(request: Request, *agency_ids: int) -> None:
    """403 unless the caller's region holds every agency named: an administrator of one region
    does not join or part the bodies of another."""
    scope = current_principal(request).scope
    if scope.unrestricted:
        return
    if not all(scope.contains(*place) for place in api.store(request).agency_places(agency_ids)):
        raise HTTPException(403, f"机关不在本账户的地区范围（{scope.label()}）内 / agency outside your region")


def _merge(request: Request, agency_id: int, other: str, note: str) -> merges.Merged:
    service = api.store(request)
    try:
        joined_id = service.find_agency(other)[0]
        _within_scope(request, agency_id, joined_id)
        done = service.merge_agencies(agency_id, joined_id, api.author_of(request), note)
    except LookupError as exc:
        raise HTTPException(404, str(exc))
    except merges.MergeRefused as exc:
        raise HTTPException(422, str(exc))
    audit(request, "agency.merge", f"agency {done.kept_id}",
          f"“{done.merged_name}”（{done.merged_id}）→ “{done.kept_name}”（{done.kept_id}），{done.reports} 份报告")
    return done


def _unmerge(request: Request, agency_id: int) -> merges.Merged:
    _within_scope(request, agency_id)
    try:
        done = api.store(request).unmerge_agency(agency_id, api.author_of(request))
    except LookupError as exc:
        raise HTTPException(404, str(exc))
    except merges.MergeRefused as exc:
        raise HTTPException(422, str(exc))
    audit(request, "agency.unmerge", f"agency {done.merged_id}",
          f"“{done.merged_name}”（{done.merged_id}）从“{done.kept_name}”（{done.kept_id}）分出，{done.reports} 份报告")
    return done


@router.get("/api/agencies/{agency_id}/merges", summary="机关的合并记录 / an agency's merges")
def get_merges(request: Request, agency_id: AgencyId) -> dict[str, Any]:
    return merges_of(request, agency_id)


@router.post("/api/agencies/{agency_id}/merges", summary="把另一机关并入本机关 / join another agency into this one",
             dependencies=[Depends(api.writer), Depends(require_admin)])
def post_merge(request: Request, agency_id: AgencyId, body: MergeIn) -> dict[str, Any]:
    merges_of(request, agency_id)  # 404 before anything else
    _merge(request, agency_id, body.agency, body.note or "")
    return merges_of(request, agency_id)


@router.post("/api/agencies/{agency_id}/unmerge", summary="撤销本机关的合并 / undo this agency's merge",
             dependencies=[Depends(api.writer), Depends(require_admin)])
def post_unmerge(request: Request, agency_id: AgencyId) -> dict[str, Any]:
    _unmerge(request, agency_id)
    return merges_of(request, agency_id)


@router.post("/agencies/{agency_id}/merge", include_in_schema=False)
async def merge_form(request: Request, agency_id: AgencyId):
    from .pages import form_write

    form = await form_write(request)
    require_admin(request)
    other = str(form.get("agency") or "").strip()[:200]
    if not other:
        raise HTTPException(422, "请填写要并入的机关编号或名称 / name the agency to join")
    merges_of(request, agency_id)
    _merge(request, agency_id, other, str(form.get("note") or "")[:2000])
    return RedirectResponse(f"/agencies/{agency_id}#merges", status_code=303)


@router.post("/agencies/{agency_id}/unmerge", include_in_schema=False)
async def unmerge_form(request: Request, agency_id: AgencyId):
    from .pages import form_write

    await form_write(request)
    require_admin(request)
    done = _unmerge(request, agency_id)
    return RedirectResponse(f"/agencies/{done.merged_id}#merges", status_code=303)
