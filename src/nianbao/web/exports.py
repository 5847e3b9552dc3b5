"""The web app's data exports, written by the store's one export builder (store/export.py), the one
`nianbao export` uses: the same columns, headers, doubt marks and bytes from every door.

The filtered view is handed to the builder as a query (the overview's, through the service layer:
ReportService.export_csv / export_to / export_rows, which `nianbao export` calls too), never as a list
of reports loaded first, so an export of 100,000 reports starts at once and holds one batch at a time:
CSV is streamed as it is written; XLSX and Parquet are written batch by batch to a temporary file
(a zip and a columnar file are complete only at their end), sent from disk, then removed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from ..store.accounts import Principal
from ..store.export import SEPARATOR, columns, wide_doubt, write_legend, write_sheet
from .export_headers import header_rows
from ..store.selection import Filters
from .storage import WebStore

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


def data_export(store: WebStore, filters: Filters, principal: Principal | None, fmt: str, *, long: bool = False,
                header: str | None = None, name: str = "nianbao") -> StreamingResponse | FileResponse:
    """The export of `nianbao export` over the filtered view (only what `principal` may see)."""
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        body = store.export_csv(filters, long=long, header=header or "key", principal=principal)
        return StreamingResponse(body, media_type=MEDIA[fmt], headers=disposition)
    return _sent_from_disk(fmt, disposition, lambda path: store.export_to(path, filters, long=long, header=header,
                                                                          principal=principal))


def list_workbook(store: WebStore, filters: Filters, principal: Principal | None, header: str,
                  cell_fields: Sequence[str]) -> FileResponse:
    """/api/export.xlsx: the builder's wide sheet of the filtered view, then its cells one a row (the
    web's cell list, `cell_fields`), then the legend; written row by row to disk."""
    from openpyxl import Workbook

    from . import streaming

    def write(path: Path) -> None:
        book = Workbook(write_only=True)
        wide = columns(long=False)
        write_sheet(book, "报告 reports", store.export_rows(filters, principal),
                    [key for key, _ in wide], header_rows([key for key, _ in wide], header), wide_doubt)
        items = (item for batch in streaming.report_batches(store, filters, principal, streaming.CELL_BATCH)
                 for item in streaming.cell_items(store, batch))
        write_sheet(book, "单元格 cells", items, list(cell_fields), header_rows(cell_fields, header), _cell_doubt)
        write_legend(book)
        book.save(path)

    return _sent_from_disk("xlsx", {"Content-Disposition": 'attachment; filename="nianbao-reports.xlsx"'}, write)


def _cell_doubt(item: dict[str, Any]) -> dict[str, list]:
    """The web cell list's guessed value: its other readings, as `nianbao export` notes them."""
    return {"value": item["alternatives"].split(SEPARATOR) if item["alternatives"] else []} if item["uncertain"] else {}


def _sent_from_disk(fmt: str, disposition: dict[str, str], write: Callable[[Path], Any]) -> FileResponse:
    """A file `write` makes in a temporary place, sent from there and removed once sent (or failed)."""
    handle, name = tempfile.mkstemp(prefix="nianbao-export-", suffix="." + fmt)
    os.close(handle)
    try:
        write(Path(name))
    except BaseException:
        os.unlink(name)
        raise
    return FileResponse(name, media_type=MEDIA[fmt], headers=disposition, background=BackgroundTask(os.unlink, name))
