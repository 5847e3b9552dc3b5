"""Correcting an agency's region in the web app, with history (store/region_history.py):
`GET/POST /api/agencies/{id}/region` and the form on the agency page, through the service layer
(store/service.py) as `nianbao region`."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from ..store import region_history
from . import api
from .accounts import audit
from .params import AgencyId

router = APIRouter(tags=["api"])


class RegionIn(BaseModel):
    """Only the fields given change; "" clears a field.  A code alone fills province/city/county."""

    province: Optional[str] = Field(None, max_length=40)
    city: Optional[str] = Field(None, max_length=40)
    county: Optional[str] = Field(None, max_length=40)
    township: Optional[str] = Field(None, max_length=40)
    region_code: Optional[str] = Field(None, max_length=6, description="6 位行政区划代码 / 6-digit code")
    level: Optional[str] = Field(None, max_length=10, description="省/市/县/乡镇街道/部门")
    author: Optional[str] = Field(None, max_length=100)
    note: Optional[str] = Field(None, max_length=2000)


def region_of(request: Request, agency_id: int) -> dict[str, Any]:
    """The agency's region as stored now, and the history of its corrections."""
    service = api.store(request)
    current = service.agency_region(agency_id)
    if current is None:
        raise HTTPException(404, "未找到该机关 / agency not found")
    return {"agency_id": agency_id, "region": current, "field_names": region_history.FIELD_NAMES,
            "history": service.region_history(agency_id)}


def _correct(request: Request, agency_id: int, changes: dict[str, Any], author: str | None, note: str | None) -> None:
    region_of(request, agency_id)  # 404 before anything else
    try:
        done = api.store(request).correct_region(agency_id, changes, api.author_of(request, author), note or "")
    except region_history.BadRegion as exc:
        raise HTTPException(422, str(exc))
    for change in done:
        audit(request, "agency.region", f"agency {agency_id} {change.field}", f"{change.old} → {change.new}")


@router.get("/api/agencies/{agency_id}/region", summary="机关所属地区及更正历史 / an agency's region and its corrections")
def get_region(request: Request, agency_id: AgencyId) -> dict[str, Any]:
    return region_of(request, agency_id)


@router.post("/api/agencies/{agency_id}/region", summary="更正机关所属地区 / correct an agency's region",
             dependencies=[Depends(api.writer)])
def post_region(request: Request, agency_id: AgencyId, body: RegionIn) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, exclude={"author", "note"})
    _correct(request, agency_id, changes, body.author, body.note)
    return region_of(request, agency_id)


@router.post("/agencies/{agency_id}/region", include_in_schema=False)
async def region_form(request: Request, agency_id: AgencyId):
    from .pages import form_write

    form = await form_write(request)
    # The form sends every field: only those that differ from what is stored change (so a new
    # code alone still fills the names from the code list).
    stored = region_of(request, agency_id)["region"]
    changes = {field: str(form.get(field) or "").strip() for field in region_history.FIELDS
               if field in form and str(form.get(field) or "").strip() != (stored[field] or "")}
    if changes:
        _correct(request, agency_id, changes, str(form.get("author") or "")[:100] or None,
                 str(form.get("note") or "")[:2000])
    return RedirectResponse(f"/agencies/{agency_id}#region", status_code=303)
