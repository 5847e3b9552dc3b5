"""What the web app adds to the store's service layer (store/service.py): web concerns only.

Every operation on reports — uploads, corrections, facts, hand entry, re-checks, deletions,
the list and its pages, stats and exports — is `ReportService`'s, the same methods the CLI
calls.  `WebStore` adds what only pages need: the page images of a PDF or a scan, the printed
text the read-text pane shows, a short-lived cache of the filter menus, and the JSON shapes
of a report row and of findings.
"""

from __future__ import annotations

import builtins
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..budget import Budget
from ..checks import Finding
from ..checks.config import DEFAULT as NATIONAL_RULES
from ..checks.config import RuleConfig
from ..readers.ocr import image_frames
from ..readers.pdf import open_pdf
from ..store.accounts import Principal
from ..store.db import Store
from ..store.selection import Filters, overview_query
from ..store.service import BadInput, NotFound, ReportService, files_dir_for
from .page_images import NoSuchPage, cached_page_png, render_image_page_png, render_page_png

if TYPE_CHECKING:  # annotations only: the rows come from the service, the web never queries them
    from ..store.models import StoredReport

__all__ = ["BadInput", "Filters", "NotFound", "WebStore", "files_dir_for", "finding_objects", "overview_query",
           "report_summary"]

# How long the filter menus' values are kept: an upload or deletion here refreshes them at once; a
# change made elsewhere (another worker, the CLI) shows within this many seconds.
FACETS_TTL = 60.0


class WebStore(ReportService):
    def __init__(self, db_url: str, files_dir: str | Path | None = None, budget: Budget | None = None,
                 rules: RuleConfig = NATIONAL_RULES):
        super().__init__(Store(db_url), files_dir or files_dir_for(db_url), budget, rules)
        self.files.mkdir(parents=True, exist_ok=True)  # page images are cached beside the originals
        self._facets: dict[str, tuple[float, dict[str, builtins.list]]] = {}  # region scope → (time, facets)
        self._facets_lock = threading.Lock()

    def changed(self) -> None:
        with self._facets_lock:
            self._facets.clear()

    def facets(self, principal: Principal | None) -> dict[str, builtins.list]:
        """Values the overview filters offer (only those present in the store), kept FACETS_TTL
        seconds per region scope: every overview shows them, and they cost a pass over every report."""
        scope = principal.scope.label() if principal is not None else ""
        with self._facets_lock:
            kept = self._facets.get(scope)
        if kept is not None and time.monotonic() - kept[0] < FACETS_TTL:
            return kept[1]
        facets = self.present_values(principal)
        with self._facets_lock:
            self._facets[scope] = (time.monotonic(), facets)
        return facets

    def document_text(self, row: StoredReport) -> str | None:
        """The printed text that cell locations (start/end offsets) point into."""
        parsed = self.parsed(row)
        return parsed.printed if parsed is not None else None

    def pdf_page_sizes(self, row: StoredReport) -> list[list[float]]:
        """Each page's [width, height] in PDF points, the unit of cell boxes: the browser scales
        a box to the page image by these (the image's scale is the server's choice)."""
        data = self.original_bytes(row) if row.format in ("pdf", "image") else None
        if not data:
            return []
        if row.format == "image":  # a scan uploaded as PNG/JPEG/TIFF: its frames are the pages
            return [[round(v, 2) for v in size] for _, _, size in image_frames(data)]
        with open_pdf(data) as pdf:
            return [[round(v, 2) for v in pdf.get_page_size(index)] for index in range(len(pdf))]

    def pdf_page_png(self, row: StoredReport, number: int) -> bytes:
        """Page `number` (1-based, as in cell locations) as PNG of bounded size, cached beside the originals."""
        if row.format not in ("pdf", "image") or not self.has_original(row):
            raise NotFound(number)
        render = render_image_page_png if row.format == "image" else render_page_png
        try:
            return cached_page_png(self.files, row.sha256, lambda: self.original_bytes(row) or b"", number, render=render)
        except NoSuchPage:
            raise NotFound(number) from None


def finding_objects(items: Iterable[dict[str, Any]]) -> list[Finding]:
    return [Finding(i["code"], i["message"], i.get("message_en") or "", list(i.get("cells") or []),
                    i.get("expected"), i.get("found"), i["severity"]) for i in items]


def report_summary(row: StoredReport) -> dict[str, Any]:
    return {
        "id": row.id, "source": row.source, "sha256": row.sha256, "agency": row.agency, "agency_id": row.agency_id,
        "agency_name": row.agency_name,  # the agency's (the kept one after a merge); `agency` as printed
        "year": row.year, "edition": row.edition, "format": row.format, "status": row.status, "level": row.level,
        "province": row.province, "city": row.city, "county": row.county, "published": row.published,
        "township": row.township, "region_code": row.region_code, "gov_level": row.gov_level,
        "version_of": row.version_of, "version_kind": row.version_kind,
        "n_errors": row.n_errors, "n_warnings": row.n_warnings, "n_uncertain": row.n_uncertain, "size": row.size,
        "ingested_at": row.ingested_at.isoformat() if row.ingested_at else None,
    }
