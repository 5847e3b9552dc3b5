"""REST API (/api): everything the pages do, for scripts and other tools.  Docs at /docs."""

from __future__ import annotations

import io
import json
import os
from typing import Any, Optional

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from .. import editions
from ..checks.workbook import write_workbook
from ..errors import NianbaoError
from ..render.complete import completeness
from . import streaming, views
from .exports import MEDIA, data_export, list_workbook
from .accounts import audit, author_name, current_principal, require_admin
from .export_headers import HEADER_PATTERN, header_rows
from .params import AgencyId, CellValue, Offset, PageNumber, ReportId
from .scores import scores_by
from .security import MAX_FILES_PER_REQUEST, UploadRejected, display_name, require_write, sniff
from .storage import BadInput, Filters, NotFound, WebStore, finding_objects, report_summary

router = APIRouter(prefix="/api", tags=["api"])


def store(request: Request) -> WebStore:
    return request.app.state.store


# Declares the bearer scheme in the OpenAPI document, so /docs has an "Authorize" button for the
# token; checking it is require_write's (auto_error off: a logged-in session needs no header).
bearer_scheme = HTTPBearer(auto_error=False, description="--auth 设置的访问令牌 / the token given to --auth")


def writer(request: Request, _credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer_scheme)) -> None:
    require_write(request)


def filters(
    region: Optional[str] = Query(None, max_length=100, description="省/市/县名称的一部分 / part of a province, city or county name"),
    year: Optional[str] = Query(None, max_length=4, description="年度，如 2023 / year"),
    level: Optional[str] = Query(None, max_length=10, description="省 / 市 / 县 / 乡镇街道 / 部门"),
    severity: Optional[str] = Query(
        None, description="error | warning（无错误，有警告或推测值 / warnings or guessed cells）| clean（无错误、警告、推测值）"
                          "| uncertain（含推测值 / has guessed cells）"),
    edition: Optional[str] = Query(None, description="2019 | 2021"),
    q: Optional[str] = Query(None, max_length=200, description="机关名称或文件名 / agency or file name"),
    review: Optional[str] = Query(None, max_length=12, description="审核状态 未审 | 审核中 | 已审（或 unreviewed | in_review | reviewed）"),
    mine: Optional[str] = Query(None, max_length=5, description="1：只看分配给我的 / only the reports assigned to me"),
) -> Filters:
    # Lenient on purpose: the overview form submits every field, empty ones as "".
    return Filters.from_params({
        "region": region, "year": year, "level": level, "q": q, "review": review, "mine": mine,
        "severity": severity if severity in ("error", "warning", "clean", "uncertain") else None,
        "edition": edition if edition in editions.EDITIONS else None,
    })


def delete_audited(request: Request, s: WebStore, row) -> None:
    s.delete(row.id)
    audit(request, "report.delete", f"report {row.id}", row.agency or row.source)


def _row(store_: WebStore, report_id: int):
    try:
        return store_.get(report_id)
    except NotFound:
        raise HTTPException(404, f"找不到报告 {report_id} / report not found")


def author_of(request: Request, given: str | None = None) -> str:
    return author_name(request, given)


# ------------------------------------------------------------------ meta
# /api/health: web/health.py (answered without a login).


@router.get("/editions", summary="格式版本列表 / editions")
def list_editions() -> list[dict[str, str]]:
    return [{"key": e.key, "notice": e.notice, "title": e.title} for e in editions.EDITIONS.values()]


@router.get("/editions/{key}", summary="某版本的表格定义与勾稽关系 / tables and relations of an edition")
def edition_layout(key: str, single_other_handling: bool = False) -> dict[str, Any]:
    if key not in editions.EDITIONS:
        raise HTTPException(404, f"没有 {key} 版格式 / no such edition")
    return views.layout(key, single_other_handling)


# ------------------------------------------------------------------ reports
@router.get("/reports", summary="报告列表（可筛选）/ list reports")
def list_reports(
    request: Request, f: Filters = Depends(filters),
    limit: int = Query(100, ge=1, le=1000), offset: Offset = 0,
    sort: Optional[str] = Query(None, max_length=20, description="列名，前加 - 为降序，如 -errors / column, - for descending"),
    after: Optional[str] = Query(None, max_length=2000, description="上一页返回的 next / the `next` of the previous page"),
) -> dict[str, Any]:
    s, who = store(request), current_principal(request)
    by = scores_by(request, sort)  # the app's rubric, for ?sort=score
    if after or not offset:  # keyset pagination (web/listing.py); offset stays for old scripts
        rows, following = s.page(f, limit, sort=sort, after=after, principal=who, scores_by=by)
    else:
        rows, following = s.list(f, limit, offset, sort=sort, principal=who, scores_by=by), None
    return {"total": s.count(f, who), "items": [report_summary(r) for r in rows], "next": following}


async def _read_upload(file: UploadFile, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        chunk = await file.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise UploadRejected(413, f"文件超过大小上限 {limit // (1024 * 1024)} MB / file larger than the limit")
        chunks.append(chunk)
    return b"".join(chunks)


async def ingest_files(request: Request, files: list[UploadFile]) -> tuple[int, list[dict[str, Any]]]:
    """Store every file; per-file results. Status: 201 if any stored, else the first failure's."""
    if len(files) > MAX_FILES_PER_REQUEST:
        raise HTTPException(413, f"一次最多上传 {MAX_FILES_PER_REQUEST} 个文件，本次 {len(files)} 个 / "
                                 f"at most {MAX_FILES_PER_REQUEST} files per request")
    s = store(request)
    author = author_of(request)
    results, first_error = [], None
    for file in files:
        name = display_name(file.filename)
        try:
            data = await _read_upload(file, request.app.state.max_upload)
            fmt = sniff(data, name)
            try:
                report_id, duplicate = await run_in_threadpool(s.ingest, data, name, author)
            except NianbaoError as exc:
                raise UploadRejected(422, f"无法解析：{exc.message}")
            except Exception as exc:  # noqa: BLE001 — one bad file must not fail the batch
                if os.environ.get("NIANBAO_DEBUG"):
                    raise
                raise UploadRejected(500, f"内部错误 {type(exc).__name__} / internal error")
            row = s.get(report_id)
            if not duplicate:
                audit(request, "report.upload", f"report {report_id}", name)
            results.append({"name": name, "ok": True, "id": report_id, "duplicate": duplicate, "format": fmt,
                            "url": f"/reports/{report_id}",
                            **{k: getattr(row, k) for k in ("agency", "year", "edition", "n_errors", "n_warnings", "n_uncertain")}})
        except UploadRejected as exc:
            first_error = first_error or exc.status
            results.append({"name": name, "ok": False, "status": exc.status, "error": exc.message})
        finally:
            await file.close()
    status = 201 if any(r["ok"] for r in results) else (first_error or 400)
    return status, results


@router.post("/reports", summary="上传报告（可多个）/ upload one or many files", dependencies=[Depends(writer)],
             status_code=201)
async def upload(request: Request, files: list[UploadFile] = File(..., description="PDF / DOCX / DOC / HTML / TXT / PNG / JPEG / TIFF")):
    if not files:
        raise HTTPException(400, "没有文件 / no file")
    status, results = await ingest_files(request, files)
    return JSONResponse({"results": results}, status_code=status)


def report_detail(s: WebStore, row) -> dict[str, Any]:
    report = s.report(row)
    original = s.report(row, corrected=False)
    corrections = s.corrections(row)
    corrected_paths = {c["cell"] for c in corrections}
    cells = {}
    for path, cell in report.cells():
        item = cell.to_dict()
        if path in corrected_paths:
            before = original.cell(path)
            item["corrected"] = True
            item["original_value"] = before.value if before else None
        cells[path] = item
    return {
        "report": report_summary(row),
        "edition_reason": row.edition_reason,
        "single_other_handling": row.single_other_handling,
        "tables": report.table_status,
        "cells": cells,
        "findings": s.findings(row.id),
        "corrections": corrections,
        "facts": s.fact_history(row),  # agency, year, … set by hand (store/hand_entry.py)
        "warnings": [w.to_dict() for w in report.warnings],
    }


@router.get("/reports/{report_id}", summary="报告详情：单元格、问题、更正 / report with cells, findings, corrections")
def get_report(request: Request, report_id: ReportId) -> dict[str, Any]:
    s = store(request)
    detail = report_detail(s, _row(s, report_id))
    from .review import report_findings  # web/review.py imports this module

    detail["findings"] = report_findings(request, report_id)  # with their keys and verdicts
    return detail


@router.delete("/reports/{report_id}", summary="删除报告（管理员）/ delete a report (administrators)",
               dependencies=[Depends(writer), Depends(require_admin)])
def delete_report(request: Request, report_id: ReportId) -> dict[str, Any]:
    s = store(request)
    delete_audited(request, s, _row(s, report_id))
    return {"deleted": report_id}


_ORIGINAL_TYPES = {"pdf": "application/pdf", "html": "text/html", "text": "text/plain", "docx":
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "doc": "application/msword"}
# Served originals may be hostile: the CSP `sandbox` makes the browser treat the page as
# a unique origin with scripts, forms and plugins off, even if opened outside our iframe.
_ORIGINAL_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@router.get("/reports/{report_id}/original", summary="原始文件 / the original file")
def original(request: Request, report_id: ReportId, inline: bool = False) -> Response:
    s = store(request)
    row = _row(s, report_id)
    data = s.original_bytes(row)
    if data is None:
        raise HTTPException(404, "原始文件不在服务器上 / original not kept")
    media = _ORIGINAL_TYPES.get(row.format or "", "application/octet-stream")
    if row.format in ("html", "text"):
        charset = _charset(data)
        media += f"; charset={charset.replace('_', '-')}" if charset else ""
    # The download name is built from our own data (id and format), never the client's.
    ext = {"text": "txt"}.get(row.format or "", row.format or "bin")
    disposition = "inline" if inline else "attachment"
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'{disposition}; filename="report-{row.id}.{ext}"',
        "Content-Security-Policy": _ORIGINAL_CSP, "X-Content-Type-Options": "nosniff",
    })


def _charset(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None


@router.get("/reports/{report_id}/text", summary="识别出的文本（单元格位置的参照）/ the read text cell locations point into")
def text(request: Request, report_id: ReportId) -> dict[str, Any]:
    s = store(request)
    row = _row(s, report_id)
    sizes = s.pdf_page_sizes(row)  # [width, height] in points per page: cell boxes are in points
    return {"text": s.document_text(row), "format": row.format, "pages": len(sizes), "page_sizes": sizes}


@router.get("/reports/{report_id}/pages/{number}.png", summary="PDF 页面图像 / a PDF page as PNG")
def page(request: Request, report_id: ReportId, number: PageNumber) -> Response:
    s = store(request)
    row = _row(s, report_id)
    try:
        png = s.pdf_page_png(row, number)
    except NotFound:
        raise HTTPException(404, "没有该页 / no such page")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


def canonical_of(s: WebStore, row) -> dict[str, Any]:
    report = s.report(row)
    data = report.canonical()
    data["sections"] = {sec.key: sec.printed or sec.text for sec in report.sections if sec.key in views.TEXT_SECTIONS}
    return data


@router.get("/reports/{report_id}/canonical", summary="标准 JSON（含更正）/ canonical JSON with corrections")
def canonical(request: Request, report_id: ReportId, download: bool = False) -> Response:
    s = store(request)
    row = _row(s, report_id)
    body = json.dumps(canonical_of(s, row), ensure_ascii=False, indent=2)
    headers = {"Content-Disposition": f'attachment; filename="report-{row.id}.json"'} if download else {}
    return Response(body, media_type="application/json", headers=headers)


@router.get("/reports/{report_id}/render.{fmt}", summary="生成正式报告（DOCX/HTML）/ the report in the official layout")
def render_report(request: Request, report_id: ReportId, fmt: str) -> Response:
    s = store(request)
    row = _row(s, report_id)
    if row.edition is None:
        raise HTTPException(422, "未识别格式版本，无法生成 / no edition, cannot render")
    return rendered(canonical_of(s, row), fmt, f"report-{row.id}")


def rendered(data: dict[str, Any], fmt: str, stem: str) -> Response:
    if fmt == "json":
        return Response(json.dumps(data, ensure_ascii=False, indent=2), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.json"'})
    if fmt not in ("docx", "html"):
        raise HTTPException(404, "格式应为 docx、html 或 json / format must be docx, html or json")
    from ..render import render  # python-docx loads only when a report is rendered

    try:
        body = render(data, fmt)
    except (KeyError, ValueError, TypeError) as exc:
        raise HTTPException(422, f"数据不完整，无法生成：{exc} / cannot render")
    media = {"docx": _ORIGINAL_TYPES["docx"], "html": "text/html; charset=utf-8"}[fmt]
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


# ------------------------------------------------------------------ corrections
class CorrectionIn(BaseModel):
    cell: str = Field(..., max_length=120, description="t3.granted.total")
    value: Optional[CellValue] = Field(None, description="新值；null 表示未填报 / new value; null = not reported")
    note: Optional[str] = Field(None, max_length=2000)
    author: Optional[str] = Field(None, max_length=100)


@router.get("/reports/{report_id}/corrections", summary="更正历史 / correction history")
def list_corrections(request: Request, report_id: ReportId) -> list[dict[str, Any]]:
    s = store(request)
    return s.corrections(_row(s, report_id))


@router.post("/reports/{report_id}/corrections", summary="更正一个单元格并重新检查 / correct a cell, re-run checks",
             dependencies=[Depends(writer)], status_code=201)
def add_correction(request: Request, report_id: ReportId, body: CorrectionIn) -> dict[str, Any]:
    s = store(request)
    _row(s, report_id)
    value = body.value
    if value is not None and float(value).is_integer():
        value = int(value)
    if body.author and body.author.strip() and request.cookies:  # a browser: remember the name for its next correction
        request.session["user"] = body.author.strip()[:100]
    try:
        s.correct(report_id, body.cell, value, author_of(request, body.author), body.note)
    except BadInput as exc:
        raise HTTPException(422, str(exc))
    audit(request, "report.correct", f"report {report_id} {body.cell}", f"{value}" + (f"：{body.note}" if body.note else ""))
    return report_detail(s, s.get(report_id))


@router.post("/reports/{report_id}/recheck", summary="重新检查 / re-run the checks", dependencies=[Depends(writer)])
def recheck(request: Request, report_id: ReportId) -> dict[str, Any]:
    s = store(request)
    _row(s, report_id)
    s.recheck(report_id)
    audit(request, "report.recheck", f"report {report_id}")
    return {"findings": s.findings(report_id)}


# ------------------------------------------------------------------ agencies, stats
@router.get("/agencies/{agency_id}", summary="机关各年度报告与跨年度衔接 / one agency across years")
def agency(request: Request, agency_id: AgencyId) -> dict[str, Any]:
    try:
        return store(request).agency(agency_id)
    except NotFound:
        raise HTTPException(404, "找不到该机关 / agency not found")


@router.get("/stats", summary="统计：各年度办理结果、各地区错误率 / outcomes by year, error rates by region")
def stats(request: Request, f: Filters = Depends(filters)) -> dict[str, Any]:
    return store(request).stats(f, current_principal(request))


@router.get("/facets", summary="筛选可选值 / values for the filters")
def facets(request: Request) -> dict[str, Any]:
    return store(request).facets(current_principal(request))


# ------------------------------------------------------------------ exports
# The report list (/api/export.csv, the first sheet of /api/export.xlsx) is the builder's wide form.
# The cell list, one row per cell:
# `uncertain`: the value is the parser's guess (a corrected one is a person's, never a guess);
# `alternatives`: the other readings the source allows, ";"-joined as in `nianbao export`.
# `label`: the cell's Chinese name in the report's edition; `parsed_value`: the parser's value under a correction.
# `agency`: the report's agency (the kept one after a merge); `agency_printed`: the name it printed.
CELL_FIELDS = ("report_id", "source", "agency", "agency_printed", "year", "edition", "n_uncertain", "table", "row",
               "column", "value", "parsed_value", "raw", "corrected", "uncertain", "alternatives", "inferred", "label")


# Header rows as `nianbao export --header`: CSV keys by default (as the CLI's), XLSX Chinese over keys.
HEADER_HELP = "表头：key 键名 | zh 中文 | both 中文在上、键名在下 / header rows"


@router.get("/export.csv", summary="导出 CSV（报告或单元格）/ export the filtered view as CSV")
def export_csv(request: Request, f: Filters = Depends(filters),
               kind: str = Query("reports", pattern="^(reports|cells)$"),
               header: str = Query("key", pattern=HEADER_PATTERN, description=HEADER_HELP)) -> Response:
    s = store(request)
    who = current_principal(request)
    if kind == "reports":  # the wide form of `nianbao export`, byte for byte
        return data_export(s, f, who, "csv", header=header, name="nianbao-reports")
    body = streaming.csv_stream(CELL_FIELDS, streaming.report_batches(s, f, who, streaming.CELL_BATCH),
                                lambda rows: streaming.cell_items(s, rows), header_rows(CELL_FIELDS, header))
    return StreamingResponse(body, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="nianbao-{kind}.csv"'})


@router.get("/export.xlsx", summary="导出 XLSX（报告与单元格两个工作表）/ export the filtered view as XLSX")
def export_xlsx(request: Request, f: Filters = Depends(filters),
                header: str = Query("both", pattern=HEADER_PATTERN, description=HEADER_HELP)) -> Response:
    return list_workbook(store(request), f, current_principal(request), header, CELL_FIELDS)


# The store's export builder (`nianbao export`) over the filtered view: wide or long, CSV (BOM) /
# XLSX / Parquet, key, Chinese or both headers, doubt and region codes, current versions only.
EXPORT_MEDIA = MEDIA


@router.get("/export/data.{fmt}", summary="导出数据（与 nianbao export 同一构建器）/ the export of `nianbao export`, filtered")
def export_data(request: Request, fmt: str, f: Filters = Depends(filters),
                form: str = Query("wide", pattern="^(wide|long)$"),
                header: Optional[str] = Query(None, pattern="^(key|zh|both)$")) -> Response:
    if fmt not in EXPORT_MEDIA:
        raise HTTPException(404, f"不支持的导出格式 {fmt}（可用 csv、xlsx、parquet）/ unsupported export format")
    return data_export(store(request), f, current_principal(request), fmt, long=form == "long", header=header,
                       name=f"nianbao-{form}")


@router.get("/reports/{report_id}/versions", summary="同一机关同一年度的各版本 / every version of this agency and year")
def report_versions(request: Request, report_id: int) -> dict[str, Any]:
    rows = store(request).versions(report_id)
    if not rows:
        raise HTTPException(404, "未找到该报告 / no such report")
    return {"current": rows[0].id, "items": [report_summary(r) for r in rows]}


@router.get("/export/workbook.xlsx", summary="检查工作簿（报告表与问题表）/ the inspection workbook")
def export_workbook(request: Request, f: Filters = Depends(filters)) -> Response:
    s = store(request)
    rows = s.list(f, principal=current_principal(request))
    results = [(report, finding_objects(s.findings(row.id))) for row, report in zip(rows, s.reports(rows))]
    buffer = io.BytesIO()
    from .review import workbook_verdicts  # web/review.py imports this module

    write_workbook(buffer, results, verdict_of=workbook_verdicts(request, rows))
    return _xlsx(buffer.getvalue(), "nianbao-inspection.xlsx")


def _xlsx(body: bytes, name: str) -> Response:
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ------------------------------------------------------------------ fill-in
class FillIn(BaseModel):
    edition: str = Field(..., pattern="^(2019|2021)$")
    year: Optional[int] = Field(None, ge=2000, le=2100)
    agency: Optional[str] = Field(None, max_length=200)
    published: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    cells: dict[str, Optional[CellValue]] = Field(default_factory=dict, description='{"t3.granted.total": 3, …}')
    units: dict[str, Optional[str]] = Field(default_factory=dict)
    sections: dict[str, str] = Field(default_factory=dict, description="overview / problems / other")


def fill_data(body: FillIn) -> dict[str, Any]:
    """Canonical data from a filled form; only cells of the edition are taken."""
    paths = views.cell_paths(body.edition)
    units = views.unit_paths(body.edition)
    data: dict[str, Any] = {"source": None, "edition": body.edition, "year": body.year, "agency": body.agency,
                            "published": body.published, "t2": {}, "t3": {}, "t4": {}, "uncertain": []}
    for path in paths:
        table, row, column = path.split(".")
        value = body.cells.get(path)
        if value is not None and float(value).is_integer():
            value = int(value)
        data[table].setdefault(row, {})[column] = value
        if path in units:
            unit = body.units.get(path)
            data[table][row][units[path].split(".")[-1]] = unit if unit in ("元", "万元") else None
    data["sections"] = {k: v for k, v in body.sections.items() if k in views.TEXT_SECTIONS}
    return data


@router.post("/fill/complete", summary="填报是否完整（与 nianbao render 同一规则）/ is a filled-in report complete")
def fill_complete(body: FillIn) -> dict[str, Any]:
    # Pure computation on the posted data, as /fill/render: the form's status bar asks this as the user types.
    return completeness(fill_data(body)).to_dict()


def rendered_fill(body: FillIn, fmt: str) -> Response:
    """A filled-in report, written only when complete by the rule `nianbao render` applies
    (the JSON is the form's data, not a report: a half-filled form may be saved as JSON)."""
    data = fill_data(body)
    gaps = completeness(data)
    if fmt != "json" and not gaps.complete:
        raise HTTPException(422, "未生成：" + "；".join(gaps.messages()))
    # The download name is ASCII from validated fields: headers are Latin-1 and the agency name is not ours.
    return rendered(data, fmt, f"nianbao-report-{body.year or 'draft'}")


@router.post("/fill/render", summary="由填报数据生成报告（docx/html/json）/ render a filled-in report")
def fill_render(body: FillIn, format: str = Query("docx", pattern="^(docx|html|json)$")) -> Response:
    # Pure computation on the posted data: nothing is stored, so no write permission is needed.
    return rendered_fill(body, format)
