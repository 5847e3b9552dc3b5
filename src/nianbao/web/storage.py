"""The web app's one door to storage.

Everything the web app reads or writes goes through `WebStore`.  It uses the
project's store (`nianbao.store`: database URL handling, migrations, the SQLAlchemy
models) and adds only what the web app needs on top: keeping the original bytes
under a generated name, re-parsing it for what the store does not keep, and
re-running the checks (stored rows become Reports through `nianbao.store.reports`,
as in ingest's linking pass).  When `nianbao.store` grows its own
ingest / corrections / export functions, this module is the single place to
switch over to them.

Design choices:
- Cells are stored as parsed (with provenance); corrections are separate rows
  keyed by the document hash (as the store intends) and are applied on read.
  Stored findings are those of the corrected report, so counts in the overview
  match what the report page shows.
- The original file is kept as `<files>/<sha256>`: the client's file name is only
  ever data (shown escaped), never part of a path.
"""

from __future__ import annotations

import builtins

import hashlib
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError

from .. import readers
from ..budget import Budget, Failed, Runner
from ..checks import Finding, check
from ..checks import crossyear
from ..checks.config import DEFAULT as NATIONAL_RULES
from ..checks.config import RuleConfig
from ..checks.finding import SEVERITY_ORDER
from ..errors import NianbaoError, UnreadableInput
from ..normalise import build_document
from ..model import TABLE_OK, Report
from ..parser import parse_bytes
from ..readers.ocr import image_frames
from ..readers.pdf import open_pdf
from .page_images import NoSuchPage, cached_page_png, render_image_page_png, render_page_png
from ..store import corrections as store_corrections
from ..store import hand_entry
from ..store.ingest import PARSER_VERSION, Item, Writer, parse_item
from ..store.db import Store, database_url
from ..store import linking, outcomes
from ..store.accounts import Principal, scope_filter
from ..store.rows import finding_cells
from ..store.models import Agency, Correction, StoredFinding, StoredReport
from ..store.stats import error_rates, outcomes_by_year
from . import listing
from ..store.reports import HAND_ENTERED, load_reports, number as _number
from ..store import versions as store_versions
from ..store import review as store_review
from ..store.review import has_dismissals, recount_findings
from ..store.versions import COUNTED

SEVERITIES = ("error", "warning", "info")
# How long the filter menus' values are kept: an upload or deletion here refreshes them at once; a
# change made elsewhere (another worker, the CLI) shows within this many seconds.
FACETS_TTL = 60.0


class NotFound(LookupError):
    pass


class BadInput(ValueError):
    """A request the store refuses; message is Chinese / English."""


@dataclass
class Filters:
    """The filters of the overview, the exports and the stats (all optional)."""

    region: str | None = None  # matches province, city or county
    year: int | None = None
    level: str | None = None
    # error: some error · warning: no error, but warnings or guessed cells to verify ·
    # clean: no error, no warning, no guessed cell · uncertain: some guessed cell (any errors)
    severity: str | None = None
    edition: str | None = None
    q: str | None = None  # search in agency and file name
    review: str | None = None  # unreviewed / in_review / reviewed (store/review.py)
    mine: bool | None = None  # True: only the reports assigned to whoever asks

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "Filters":
        def text(key: str) -> str | None:
            value = params.get(key)
            return str(value).strip() or None if value is not None else None

        year = text("year")
        return cls(
            region=text("region"), year=int(year) if year and year.isdigit() else None, level=text("level"),
            severity=text("severity"), edition=text("edition"), q=text("q"), review=_review_status(text("review")),
            mine=True if text("mine") in ("1", "true", "True", "on") else None,
        )

    def as_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def files_dir_for(db_url: str) -> Path:
    """Where originals live by default: beside a SQLite file, else ./nianbao-files."""
    url = database_url(db_url)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        db_path = Path(url[len("sqlite:///"):])
        return db_path.with_name(db_path.name + ".files")
    return Path("nianbao-files").resolve()


class WebStore:
    def __init__(self, db_url: str, files_dir: str | Path | None = None, budget: Budget | None = None,
                 rules: RuleConfig = NATIONAL_RULES):
        self.store = Store(db_url)
        self.rules = rules  # deadlines and thresholds of the checks (a local rules file: serve --rules)
        self.url = self.store.url
        self.files = Path(files_dir) if files_dir else files_dir_for(db_url)
        self.files.mkdir(parents=True, exist_ok=True)
        self._parsed: OrderedDict[str, Report] = OrderedDict()
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()  # guards the in-memory caches
        self._write_lock = threading.RLock()
        self._facets: dict[str, tuple[float, dict[str, builtins.list]]] = {}  # region scope → (time, facets)
        self._budget = budget or Budget()  # what parsing one upload may cost (budget.py)
        self._runner: Runner | None = None  # uploads' parser process, started by the first upload

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
        self.store.close()

    def _parse_upload(self, item: Item):
        """An upload parsed in a worker process within the default budget (budget.py): one
        hostile file costs the server at most that, and never holds the interpreter lock here."""
        with self._lock:
            if self._runner is None:
                self._runner = Runner(self._budget, warm=(parse_item.__module__,))
            runner = self._runner
        outcome = runner.call(parse_item, item)
        if isinstance(outcome, Failed):
            raise UnreadableInput(outcome.reason, outcome.reason)
        return outcome

    # ------------------------------------------------------------------ originals
    def original_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound(sha256)  # never let a stored value become a path outside files/
        return self.files / sha256

    def original_bytes(self, row: StoredReport) -> bytes | None:
        path = self.original_path(row.sha256)
        return path.read_bytes() if path.exists() else None

    def parsed(self, row: StoredReport) -> Report | None:
        """The parsed report of the original (cached: parsing a PDF takes a moment)."""
        with self._lock:
            if row.sha256 in self._parsed:
                self._parsed.move_to_end(row.sha256)
                return self._parsed[row.sha256]
        data = self.original_bytes(row)
        if data is None:
            return None
        try:
            report = parse_bytes(data, row.source or "")
        except NianbaoError:
            return None
        report.source = row.source
        with self._lock:
            self._parsed[row.sha256] = report
            while len(self._parsed) > 32:
                self._parsed.popitem(last=False)
        return report

    def document_text(self, row: StoredReport) -> str | None:
        """The printed text that cell locations (start/end offsets) point into."""
        cache = self._texts
        with self._lock:
            if row.sha256 in cache:
                return cache[row.sha256]
        data = self.original_bytes(row)
        if data is None:
            return None
        try:
            text = build_document(readers.read(data, row.source or "")).printed
        except NianbaoError:
            return None
        with self._lock:
            cache[row.sha256] = text
            while len(cache) > 32:
                cache.popitem(last=False)
        return text

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
        if row.format not in ("pdf", "image") or not self.original_path(row.sha256).exists():
            raise NotFound(number)
        render = render_image_page_png if row.format == "image" else render_page_png
        try:
            return cached_page_png(self.files, row.sha256, lambda: self.original_bytes(row) or b"", number, render=render)
        except NoSuchPage:
            raise NotFound(number) from None

    # ------------------------------------------------------------------ ingest
    def ingest(self, data: bytes, name: str, author: str | None = None) -> tuple[int, bool]:
        """Parse, check and store one file with the store's own parse/write path.

        Returns (report id, already stored).  Raises UnreadableInput when the file cannot
        be read as a report: the web app refuses it instead of storing a failed row.
        """
        sha = hashlib.sha256(data).hexdigest()
        existing = self._current_id(sha)
        if existing is not None:
            return existing, True
        parsed = self._parse_upload(Item(name=name, path="", sha256=sha, data=data, rules=self.rules))
        if parsed.error:
            raise UnreadableInput(parsed.error, parsed.error)
        path = self.original_path(sha)
        if not path.exists():
            tmp = path.with_name(f"{sha}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a concurrent reader never sees half a file
        # One writer at a time in this process: the store's writer is built for a single
        # writing process (SQLite has one writer anyway), and a new agency seen by two
        # uploads at once must be created once.  Another process (a second worker on
        # PostgreSQL) can still race us: then the unique constraint fires and we retry.
        for attempt in range(3):
            try:
                with self._write_lock:
                    stored = self._current_id(sha)
                    if stored is not None:
                        return stored, True
                    # A fresh Writer per upload: its agency cache must not outlive a rollback.
                    Writer(self.store, PARSER_VERSION).write(parsed)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        report_id = self._current_id(sha)
        assert report_id is not None  # just written, under the write lock
        self._forget_facets()
        # The store checks each report alone; here the agency's other years and any
        # corrections already made to this document are taken into account too.
        self.recheck(report_id)
        self._relink()  # the following year, if stored, is now compared with this one
        return report_id, False

    def _relink(self) -> None:
        """Run the store's linking pass over the agencies queued by the last write, so
        the other years' cross-year findings follow an upload, correction or deletion."""
        with self._write_lock:
            linking.link(self.store, rules=self.rules)

    def _current_id(self, sha: str) -> int | None:
        with self.store.session() as session:
            return session.scalar(
                select(StoredReport.id).where(StoredReport.sha256 == sha, StoredReport.parser_version == PARSER_VERSION)
                .order_by(StoredReport.id.desc()).limit(1)
            )

    # ------------------------------------------------------------------ reports
    def get(self, report_id: int) -> StoredReport:
        with self.store.session() as session:
            row = session.get(StoredReport, report_id)
            if row is None:
                raise NotFound(report_id)
            return row

    def report(self, row: StoredReport, corrected: bool = True) -> Report:
        """The report as stored (cells from the database), with corrections applied."""
        with self.store.session() as session:
            return self._report(session, row, corrected)

    def _report(self, session, row: StoredReport, corrected: bool = True) -> Report:
        return self._reports(session, [row], corrected)[0]

    def _reports(self, session, rows: Sequence[StoredReport], corrected: bool = True) -> list[Report]:
        """Reports as the store loads them (store/reports.py: cells, stored sections,
        corrections).  When the original is here, its parse adds what the store does not
        keep — table states and parser warnings — and gives the sections, the same as the
        stored ones; for rows stored before sections were (revision 0003) it is the only
        source of them."""
        reports = load_reports(session, rows, corrected=corrected)
        for row, report in zip(rows, reports):
            parsed = self.parsed(row)
            if parsed is not None:
                report.sections, report.table_status, report.warnings = parsed.sections, parsed.table_status, parsed.warnings
                _typed_tables_read(report)
        return reports

    def findings(self, report_id: int) -> list[dict[str, Any]]:
        with self.store.session() as session:
            rows = session.scalars(select(StoredFinding).where(StoredFinding.report_id == report_id).order_by(StoredFinding.id))
            return [_finding_dict(f) for f in rows]

    def corrections(self, row: StoredReport) -> list[dict[str, Any]]:
        with self.store.session() as session:
            items = session.scalars(select(Correction).where(Correction.sha256 == row.sha256).order_by(Correction.id))
            return [
                {"id": c.id, "cell": c.cell, "value": _number(c.value), "author": c.author, "note": c.note,
                 "created_at": c.created_at.isoformat() if c.created_at else None}
                for c in items
            ]

    def correct(self, report_id: int, path: str, value: int | float | None, author: str | None, note: str | None) -> None:
        row = self.get(report_id)
        try:  # any cell of the report's edition, typed in by hand where the parser read none
            hand_entry.check_entry(row.edition, path, row.single_other_handling)
        except hand_entry.BadFact as exc:
            raise BadInput(str(exc)) from exc
        store_corrections.add_correction(self.store, row.sha256, path, value, note or "", author or "")
        self.recheck(report_id)
        self._relink()

    def set_fact(self, report_id: int, field: str, value: str | None, author: str | None, note: str | None) -> None:
        """Agency, year, publication date or edition set by a person (store/hand_entry.py), re-checked."""
        row = self.get(report_id)
        try:
            hand_entry.set_fact(self.store, row.sha256, field, value, author or "", note or "")
        except hand_entry.BadFact as exc:
            raise BadInput(str(exc)) from exc
        self.recheck(report_id)
        self._relink()

    def enter(self, report_id: int, values: dict[str, int | float | None], author: str | None, note: str | None) -> None:
        """Many cells typed in at once (the empty grid of an unreadable scan): every one is
        checked before any is stored, and the report is re-checked once."""
        row = self.get(report_id)
        try:
            for path in values:
                hand_entry.check_entry(row.edition, path, row.single_other_handling)
        except hand_entry.BadFact as exc:
            raise BadInput(str(exc)) from exc
        for path, value in values.items():
            store_corrections.add_correction(self.store, row.sha256, path, value, note or "", author or "")
        self.recheck(report_id)
        self._relink()

    def fact_history(self, row: StoredReport) -> list[dict[str, Any]]:
        return hand_entry.fact_history(self.store, row.sha256)

    def recheck(self, report_id: int) -> list[Finding]:
        with self._write_lock, self.store.session() as session, session.begin():
            row = session.get(StoredReport, report_id)
            if row is None:
                raise NotFound(report_id)
            report = self._report(session, row)
            findings = self._check(session, row, report)
            session.execute(delete(StoredFinding).where(StoredFinding.report_id == row.id))
            self._write_findings(session, row, findings)
            if has_dismissals(session.connection(), row.sha256):
                # Findings people dismissed (store/review.py) stay listed but do not count.
                session.flush()
                recount_findings(session.connection(), StoredReport.id == row.id)
            # Guessed cells a person has since corrected no longer count (store/reports.py).
            row.n_uncertain = len(report.uncertain)
            session.flush()
            outcomes.refresh(session.connection(), [row.id])  # the totals /api/stats adds up
            return findings

    def _check(self, session, row: StoredReport, report: Report) -> list[Finding]:
        """The report's own checks, and the cross-year ones against the same previous-year
        report as ingest's linking pass picks (store/linking.py), loaded the same way, so
        a recheck here and a re-run of ingest agree."""
        findings = check(report, config=self.rules)
        previous_row = linking.previous_row(session, row)
        if previous_row is not None:
            previous = load_reports(session, [previous_row], locations=False)[0]
            findings = sorted(findings + linking.cross_year_findings(report, previous, self.rules),
                              key=lambda f: SEVERITY_ORDER[f.severity])
        return findings

    @staticmethod
    def _write_findings(session, row: StoredReport, findings: Sequence[Finding]) -> None:
        for f in findings:
            session.add(StoredFinding(
                report_id=row.id, code=f.code, severity=f.severity, message=f.message, message_en=f.message_en,
                # Same encoding as the store's ingest: a JSON list in a text column.
                cells=json.dumps(list(f.cells), ensure_ascii=False), expected=_float(f.expected), found=_float(f.found),
            ))
        row.n_errors = sum(1 for f in findings if f.severity == "error")
        row.n_warnings = sum(1 for f in findings if f.severity == "warning")

    def delete(self, report_id: int) -> None:
        with self.store.session() as session, session.begin():
            row = session.get(StoredReport, report_id)
            if row is None:
                raise NotFound(report_id)
            sha, identity = row.sha256, (row.agency_id, row.year)
            if row.agency_id is not None:
                linking.queue(session.connection(), [row.agency_id])
            session.execute(delete(StoredFinding).where(StoredFinding.report_id == report_id))
            session.delete(row)
            session.flush()
            # Another version of the same agency and year may count now.
            store_versions.assign(session.connection(), [identity])
            still_used = session.scalar(select(func.count()).select_from(StoredReport).where(StoredReport.sha256 == sha))
        self._relink()
        self._forget_facets()
        if not still_used:
            with self._lock:
                self._parsed.pop(sha, None)
            self.original_path(sha).unlink(missing_ok=True)
            for page in self.files.glob(f"{sha}.page*.png"):
                page.unlink(missing_ok=True)

    # ------------------------------------------------------------------ listing
    def _query(self, filters: Filters, principal: Principal | None = None):
        return overview_query(filters, principal)

    def list(self, filters: Filters | None = None, limit: int | None = None, offset: int = 0, *,
             sort: str | None = None, principal: Principal | None = None) -> list[StoredReport]:
        query = listing.ordered(overview_query(filters or Filters(), principal), listing.sort_keys(sort)).offset(offset)
        if limit:
            query = query.limit(limit)
        with self.store.session() as session:
            return list(session.scalars(query))

    def page(self, filters: Filters | None, limit: int, *, sort: str | None = None, after: str | None = None,
             principal: Principal | None = None) -> tuple[builtins.list[StoredReport], str | None]:
        """One page of the list in `sort` order, from the position `after` (listing.py: keyset
        pagination); returns the rows and the position after the last, None on the last page."""
        keys = listing.sort_keys(sort)
        query = overview_query(filters or Filters(), principal).add_columns(*listing.key_columns(keys))
        position = listing.decode(after, keys)
        if position is not None:
            query = query.where(listing.after(keys, position))
        with self.store.session() as session:
            found = session.execute(listing.ordered(query, keys).limit(limit + 1)).all()
        rows = [item[0] for item in found[:limit]]
        more = len(found) > limit
        return rows, listing.encode(tuple(found[limit - 1][1:])) if more and rows else None

    def neighbours(self, row: StoredReport, filters: Filters | None = None, *, sort: str | None = None,
                   principal: Principal | None = None) -> tuple[int | None, int | None]:
        """The ids of the reports before and after `row` in the overview's order (same filters and
        sort), for a report page's previous / next; None at either end or when `row` is not listed."""
        keys = listing.sort_keys(sort)
        base = overview_query(filters or Filters(), principal)
        with self.store.session() as session:
            position = session.execute(base.with_only_columns(*listing.key_columns(keys))
                                       .where(StoredReport.id == row.id)).first()
            if position is None:
                return None, None
            backwards = listing.reversed_keys(keys)
            before = session.scalar(listing.ordered(base.with_only_columns(StoredReport.id)
                                                    .where(listing.after(backwards, tuple(position))), backwards).limit(1))
            following = session.scalar(listing.ordered(base.with_only_columns(StoredReport.id)
                                                       .where(listing.after(keys, tuple(position))), keys).limit(1))
        return before, following

    def count(self, filters: Filters | None = None, principal: Principal | None = None) -> int:
        query = overview_query(filters or Filters(), principal).with_only_columns(func.count()).order_by(None)
        with self.store.session() as session:
            return session.scalar(query) or 0

    def facets(self, principal: Principal | None) -> dict[str, builtins.list]:
        """Values the overview filters offer (only those present in the store), kept FACETS_TTL
        seconds per region scope: every overview shows them, and they cost a pass over every report."""
        scope = principal.scope.label() if principal is not None else ""
        with self._lock:
            kept = self._facets.get(scope)
        if kept is not None and time.monotonic() - kept[0] < FACETS_TTL:
            return kept[1]
        facets = self._present_values(principal)
        with self._lock:
            self._facets[scope] = (time.monotonic(), facets)
        return facets

    def _present_values(self, principal: Principal | None) -> dict[str, builtins.list]:
        """The distinct combinations in one pass of the database, split into the lists here."""
        query = scope_filter(select(StoredReport.province, StoredReport.city, StoredReport.county, StoredReport.year,
                                    StoredReport.level, StoredReport.edition)
                             .where(StoredReport.current).distinct(), principal)
        with self.store.session() as session:
            combinations = session.execute(query).all()

        def present(*positions: int) -> builtins.list:
            return sorted({c[p] for c in combinations for p in positions if c[p] is not None})

        return {"years": present(3), "levels": present(4), "editions": present(5), "regions": present(0, 1, 2)}

    def _forget_facets(self) -> None:
        with self._lock:
            self._facets.clear()

    def versions(self, report_id: int) -> Sequence[StoredReport]:
        """Every version of this report's agency and year, the one that counts first."""
        with self.store.session() as session:
            return store_versions.versions_of(session, report_id)

    def numbers(self, rows: Iterable[StoredReport]) -> dict[int, dict[str, Any]]:
        """Report id → its cell values as `nianbao export` writes them (wide form, corrections applied)."""
        from ..store.export import plain, wide_rows

        by_sha = {row.sha256: row.id for row in rows}
        return {by_sha[item["sha256"]]: {k: plain(v) for k, v in item.items()}
                for item in wide_rows(self.store, ids=list(by_sha.values()))}

    def export_file(self, filters: Filters | None, suffix: str, *, long: bool = False,
                    header: str | None = None, principal: Principal | None = None) -> bytes:
        """The filtered view written by the store's export builder, the one `nianbao export` uses:
        the same columns, headers and doubt marks from every door; only what `principal` may see."""
        import tempfile

        from ..store.export import export

        ids = [row.id for row in self.list(filters, principal=principal)]
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / f"nianbao{suffix}"
            export(self.store, target, long=long, header=header, ids=ids)
            return target.read_bytes()

    def reports(self, rows: Iterable[StoredReport]) -> builtins.list[Report]:
        with self.store.session() as session:
            return self._reports(session, list(rows))

    # ------------------------------------------------------------------ agencies
    def agency(self, agency_id: int) -> dict[str, Any]:
        with self.store.session() as session:
            agency = session.get(Agency, agency_id)
            if agency is None:
                raise NotFound(agency_id)
            rows = list(session.scalars(select(StoredReport).where(
                StoredReport.agency_id == agency_id, StoredReport.current.is_(True))
                # By id within a year: the newest report of a year is the one linked, as in ingest.
                .order_by(StoredReport.year, StoredReport.id)))
            reports = self._reports(session, rows)
        years = []
        by_year = {r.year: r for r in reports if r.year is not None}
        for row, report in zip(rows, reports):
            previous = by_year.get(report.year - 1) if report.year else None
            links = []
            if previous is not None and report.edition:
                links = [_finding_dict_obj(f) for f in crossyear.check(report, previous)]
            years.append({
                "id": row.id, "year": row.year, "edition": row.edition, "source": row.source,
                "n_errors": row.n_errors, "n_warnings": row.n_warnings, "n_uncertain": row.n_uncertain,
                "carried_over": report.value("t3.carried_over.total"),
                "new_received": report.value("t3.new_received.total"),
                "total_handled": report.value("t3.total_handled.total"),
                "carried_forward": report.value("t3.carried_forward.total"),
                "previous_year_found": previous is not None, "cross_year": links,
            })
        return {"id": agency.id, "name": agency.name, "key": agency.key, "level": agency.level,
                "province": agency.province, "city": agency.city, "county": agency.county, "years": years}

    # ------------------------------------------------------------------ stats
    def stats(self, filters: Filters | None = None, principal: Principal | None = None) -> dict[str, Any]:
        """Requests by outcome group and year; error rates by region, with the reports holding
        guessed cells (the same stored counts `nianbao stats` reads).  SQL aggregates over the
        filtered view (store/stats.py), whatever the number of reports."""
        reports = overview_query(filters or Filters(), principal).order_by(None)
        with self.store.session() as session:
            return {**outcomes_by_year(session, reports), "error_rates": error_rates(session, reports)}


def _typed_tables_read(report: Report) -> None:
    """A table the parser could not read (a scan, an image) that a person has typed cells into
    is read now, by hand: the checks then take it as any other table."""
    for key, rows in report.tables.items():
        if any(cell.inferred == HAND_ENTERED for cells in rows.values() for cell in cells.values()):
            report.table_status[key] = TABLE_OK


def _review_status(text: str | None) -> str | None:
    """A review status code from the code or its label; anything else is no filter (the form is lenient)."""
    try:
        return store_review.status_code(text) if text else None
    except store_review.ReviewError:
        return None


def overview_query(filters: Filters, principal: Principal | None = None) -> Select:
    """The reports the overview lists, and the exports and stats of its view: a select of
    StoredReport, every filter a WHERE clause (indexed in revision 0009), restricted to what
    `principal` may see.  The one place the list's rows are chosen: extend it here."""
    # The reports that count, as in `nianbao stats` and `nianbao export`: one version per agency and
    # year (store/versions.py); `versions()` lists the others of a report.
    query = select(StoredReport).where(COUNTED)
    if filters.region:
        like = f"%{filters.region}%"
        query = query.where(StoredReport.province.like(like) | StoredReport.city.like(like)
                            | StoredReport.county.like(like) | StoredReport.township.like(like)
                            | StoredReport.region_code.like(f"{filters.region}%"))
    if filters.year:
        query = query.where(StoredReport.year == filters.year)
    if filters.level:
        query = query.where(StoredReport.level == filters.level)
    if filters.edition:
        query = query.where(StoredReport.edition == filters.edition)
    if filters.severity == "error":
        query = query.where(StoredReport.n_errors > 0)
    elif filters.severity == "warning":
        # A report whose only doubt is guessed cells still needs a look: not clean, so here.
        query = query.where(StoredReport.n_errors == 0, (StoredReport.n_warnings > 0) | (StoredReport.n_uncertain > 0))
    elif filters.severity == "clean":
        # A report with guessed cells is not clean, however its arithmetic came out.
        query = query.where(StoredReport.n_errors == 0, StoredReport.n_warnings == 0, StoredReport.n_uncertain == 0)
    elif filters.severity == "uncertain":
        query = query.where(StoredReport.n_uncertain > 0)
    if filters.q:
        like = f"%{filters.q}%"
        query = query.where(StoredReport.agency.like(like) | StoredReport.source.like(like))
    me = principal.name if principal is not None and principal.authenticated else None
    query = store_review.with_review_filter(query, filters.review, me, mine=bool(filters.mine))
    return scope_filter(query, principal)


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _finding_dict(f: StoredFinding) -> dict[str, Any]:
    return {"code": f.code, "severity": f.severity, "message": f.message, "message_en": f.message_en,
            "cells": finding_cells(f.cells), "expected": _number(f.expected), "found": _number(f.found)}


def _finding_dict_obj(f: Finding) -> dict[str, Any]:
    return f.to_dict()


def finding_objects(items: Iterable[dict[str, Any]]) -> list[Finding]:
    return [Finding(i["code"], i["message"], i.get("message_en") or "", list(i.get("cells") or []),
                    i.get("expected"), i.get("found"), i["severity"]) for i in items]


def report_summary(row: StoredReport) -> dict[str, Any]:
    return {
        "id": row.id, "source": row.source, "sha256": row.sha256, "agency": row.agency, "agency_id": row.agency_id,
        "year": row.year, "edition": row.edition, "format": row.format, "status": row.status, "level": row.level,
        "province": row.province, "city": row.city, "county": row.county, "published": row.published,
        "township": row.township, "region_code": row.region_code, "gov_level": row.gov_level,
        "version_of": row.version_of, "version_kind": row.version_kind,
        "n_errors": row.n_errors, "n_warnings": row.n_warnings, "n_uncertain": row.n_uncertain, "size": row.size,
        "ingested_at": row.ingested_at.isoformat() if row.ingested_at else None,
    }
