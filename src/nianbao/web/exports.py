"""The web app's data exports, written by the store's one export builder (store/export.py), the one
`nianbao export` uses: the same columns, headers, doubt marks and bytes from every door.

The filtered view is handed to the builder as a query (the overview's), never as a list of reports
loaded first, so an export of 100,000 reports starts at once and holds one batch at a time:
CSV is streamed as it is written; XLSX and Parquet are written batch by batch to a temporary file
(a zip and a columnar file are complete only at their end), sent from disk, then removed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from ..store.accounts import Principal
from ..store.export import csv_chunks, export
from .storage import Filters, WebStore, overview_query

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


def data_export(store: WebStore, filters: Filters, principal: Principal | None, fmt: str, *, long: bool = False,
                header: str | None = None, name: str = "nianbao") -> StreamingResponse | FileResponse:
    """The export of `nianbao export` over the filtered view (only what `principal` may see)."""
    query = overview_query(filters, principal)
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        body = csv_chunks(store.store, long=long, header=header or "key", query=query)
        return StreamingResponse(body, media_type=MEDIA[fmt], headers=disposition)
    handle, path = tempfile.mkstemp(prefix="nianbao-export-", suffix="." + fmt)
    os.close(handle)
    try:
        export(store.store, Path(path), long=long, header=header, query=query)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type=MEDIA[fmt], headers=disposition, background=BackgroundTask(os.unlink, path))
