"""Scores in the web app: the ranking page (/scores), the ranking as JSON (/api/scores) and the
evaluation workbook (/api/scores.xlsx), all by the rubric the app was given (the built-in one
unless `app.state.rubric` says otherwise) and within the region the visitor may see.  Rankings
and the overview's totals read the stored scores through the service layer (store/service.py), as
`nianbao score` does."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.background import BackgroundTask

from ..scores import Rubric, default_rubric, points
from ..store import listing, stored_scores
from .accounts import current_principal

api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)

GROUPINGS = {"region": "region", "地区": "region", "level": "level", "层级": "level"}
GROUP_NAMES = {"region": "地区", "level": "层级"}
BY_HELP = "排名分组：地区 region 或 层级 level / rank within each region or level"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_ROWS = 100  # rows of a ranking per page or API answer unless `limit` says otherwise
MAX_PAGE_ROWS = 1000


def rubric_of(request: Request) -> Rubric:
    return getattr(request.app.state, "rubric", None) or default_rubric()


def _grouping(by: str) -> str:
    try:
        return GROUPINGS[by.strip()]
    except KeyError:
        raise HTTPException(400, f"by 应为 地区（region）或 层级（level），而不是 {by!r} / by must be region or level") from None


def _year(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise HTTPException(400, f"年度应为四位数字，如 2023，而不是 {text!r} / year must be a number")
    return int(text)


def scores_by(request: Request, sort: str | None) -> str:
    """The rubric key a list sorted by score reads (store/listing.py).  Before such a sort the
    reports the app's rubric has not scored yet are scored, or they would sort as unscored."""
    rubric = rubric_of(request)
    if (sort or "").lstrip("-") == listing.SCORE:
        request.app.state.store.fill_scores(rubric)
    return stored_scores.rubric_key(rubric)


def with_scores(request: Request, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each report of a list with its total ("score"; None for a report that does not count: an
    older version, a failed file)."""
    found = request.app.state.store.score_totals(rubric_of(request), [r["id"] for r in reports])
    for report in reports:
        report["score"] = found.get(report["id"])
    return reports


def ranking(request: Request, by: str, year: int | None, offset: int = 0, limit: int = PAGE_ROWS) -> dict[str, Any]:
    """One page of the ranking (groups in sorted order, best first within each)."""
    rubric = rubric_of(request)
    grouping = _grouping(by)
    count, rows = request.app.state.store.score_ranking(rubric, grouping, year, current_principal(request),
                                                        offset, limit)
    return {
        "rubric": rubric.name, "full_mark": rubric.full_mark, "by": grouping,
        "dimensions": [{"key": d.key, "name": d.name, "full_mark": d.full_mark} for d in rubric.dimensions],
        "count": count, "offset": offset, "limit": limit,
        "next_offset": offset + limit if offset + limit < count else None,
        "items": [_item(rubric, r) for r in rows],
    }


def _item(rubric: Rubric, line: stored_scores.RankedScore) -> dict[str, Any]:
    return {
        "year": line.year, "group": line.group, "rank": line.rank, "id": line.id, "agency": line.agency,
        "region": line.region, "level": line.level, "total": line.total,
        "scores": {d.key: score for d, score in zip(rubric.dimensions, line.dimensions)},
        "deductions": line.deductions,
    }


OFFSET_HELP = "跳过的行数 / rows to skip (paging)"
LIMIT_HELP = f"每页行数，至多 {MAX_PAGE_ROWS} / rows per page"


@api_router.get("/scores", summary="评分与排名 / scores and rankings by region or level, a page at a time")
def scores_api(request: Request, by: str = Query("region", max_length=10, description=BY_HELP),
               year: Optional[str] = Query(None, max_length=4, description="年度 / year"),
               offset: int = Query(0, ge=0, description=OFFSET_HELP),
               limit: int = Query(PAGE_ROWS, ge=1, le=MAX_PAGE_ROWS, description=LIMIT_HELP)) -> dict[str, Any]:
    return ranking(request, by, _year(year), offset, limit)


@api_router.get("/scores.xlsx", summary="评估结果工作簿 / the evaluation workbook")
def scores_workbook(request: Request, by: str = Query("region", max_length=10, description=BY_HELP),
                    year: Optional[str] = Query(None, max_length=4, description="年度 / year")) -> FileResponse:
    from ..evaluation import write_evaluation

    grouping = _grouping(by)
    reports = request.app.state.store.scored_reports(rubric_of(request), year=_year(year), with_cells=True,
                                                     principal=current_principal(request))
    # Written to a temporary file, not to memory: at volume the workbook is tens of megabytes.
    handle, name = tempfile.mkstemp(prefix="nianbao-evaluation-", suffix=".xlsx")
    os.close(handle)
    try:
        write_evaluation(Path(name), rubric_of(request), reports, grouping)
    except BaseException:
        os.unlink(name)
        raise
    return FileResponse(name, media_type=XLSX, filename="nianbao-evaluation.xlsx", background=BackgroundTask(os.unlink, name))


@page_router.get("/scores", response_class=HTMLResponse)
def scores_page(request: Request, by: str = Query("region", max_length=10), year: Optional[str] = Query(None, max_length=4),
                offset: int = Query(0, ge=0)):
    from .pages import page as render

    data = ranking(request, by, _year(year), offset)
    return render(request, "scores.html", data=data, group_name=GROUP_NAMES[data["by"]], year=year or "",
                  points=points, previous_offset=max(0, offset - PAGE_ROWS) if offset else None)
