"""The one service layer over a report database, used by the CLI and the web app alike.

Every operation a person starts — store an upload, correct a cell, set a fact, type cells
in, re-check, delete, list and count the reports of a view, an agency's years, the view's
statistics and exports, and the inspection season's scores, roster, agency regions and merges
and review (store/inspection_service.py) — is a method of `ReportService`; `nianbao correct` /
`nianbao facts` and the web app's routes call the same methods, so a correction re-checks the report and
relinks its agency whichever door it came through.  The web app adds only web concerns on
top (web/storage.py: page images, the read-text pane, a short-lived cache of filter menus).

Design choices:
- Cells are stored as parsed (with provenance); corrections are separate rows keyed by the
  document hash and are applied on read (store/reports.py).  Stored findings are those of the
  corrected report, so the counts of a list match what a report's own page shows.
- Originals are kept as `<files>/<sha256>`: a client's file name is only ever data, never part
  of a path.  A report ingested from the command line is read from the path it was ingested
  from, as long as that file still has the stored hash.
"""

from __future__ import annotations

import builtins
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..budget import Budget, Failed, Runner
from ..checks import Finding, check, crossyear
from ..checks.config import DEFAULT as NATIONAL_RULES
from ..checks.config import RuleConfig
from ..checks.finding import SEVERITY_ORDER
from ..errors import NianbaoError, UnreadableInput
from ..model import TABLE_OK, Report
from ..parser import parse_bytes
from . import corrections as store_corrections
from . import hand_entry, linking, listing, outcomes, readings
from . import versions as store_versions
from .account_service import AccountService
from .accounts import Principal, scope_filter
from .db import Store, database_url, write_lock
from .inspection_service import InspectionOperations
from .ingest import PARSER_VERSION, Item, Writer, parse_item
from .models import Agency, Correction, StoredFinding, StoredReport
from .reports import HAND_ENTERED, latest_corrections, load_reports, number
from .review import has_dismissals, recount_findings
from .rows import finding_cells, finding_row
from .selection import Filters, overview_query
from .stats import error_rates, outcomes_by_year

# Parsed originals kept in memory: a report page and its re-checks reuse one parse (a PDF
# takes a moment), a day's worth of open reports fits, and memory stays bounded.
PARSED_CACHE_SIZE = 32
# Writing one upload is retried this many times when another process wrote the same document
# or agency at once (the unique constraint fires; the second try finds what the other wrote).
WRITE_ATTEMPTS = 3


class NotFound(LookupError):
    pass


class BadInput(ValueError):
    """A request the store refuses; message is Chinese / English."""


def files_dir_for(db_url: str) -> Path:
    """Where originals live by default: beside a SQLite file, else ./nianbao-files."""
    url = database_url(db_url)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        db_path = Path(url[len("sqlite:///"):])
        return db_path.with_name(db_path.name + ".files")
    return Path("nianbao-files").resolve()


class ReportService(InspectionOperations):
    """Operations on the reports of one database (see the module's docstring); the inspection
    season's (scores, roster, regions, merges, review) come from store/inspection_service.py."""

    def __init__(self, store: Store, files_dir: str | Path | None = None, budget: Budget | None = None,
                 rules: RuleConfig = NATIONAL_RULES):
        self.store = store
        self.rules = rules  # deadlines and thresholds of the checks (a local rules file: --rules)
        self.url = store.url
        self.files = Path(files_dir) if files_dir else files_dir_for(store.url)
        self._parsed: OrderedDict[str, Report] = OrderedDict()
        self._lock = threading.Lock()  # guards the in-memory caches
        self._write_lock = threading.RLock()
        self._budget = budget or Budget()  # what parsing one upload may cost (budget.py)
        self._runner: Runner | None = None  # uploads' parser process, started by the first upload
        self.accounts = AccountService(store)  # who logs in, account administration, the audit log

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
        self.store.close()

    def answers(self) -> bool:
        """Whether the database answers a trivial query now (the health check)."""
        return bool(self.store.answers())

    def changed(self) -> None:
        """Called after reports were added or removed: a door keeping views of the store refreshes them."""

    # ------------------------------------------------------------------ originals
    def original_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound(sha256)  # never let a stored value become a path outside files/
        return self.files / sha256

    def original_bytes(self, row: StoredReport) -> bytes | None:
        """The original file: kept under its hash, else where the CLI ingested it from (if unchanged)."""
        path = self.original_path(row.sha256)
        if path.exists():
            return path.read_bytes()
        return _unchanged_file(row.path, row.sha256)

    def has_original(self, row: StoredReport) -> bool:
        return self.original_path(row.sha256).exists() or _unchanged_file(row.path, row.sha256) is not None

    def parsed(self, row: StoredReport) -> Report | None:
        """What a parse of the original knows beyond the stored cells: its printed text, tables'
        states, warnings and sections (store/readings.py).  From memory, else from the reading kept
        beside the original, else from a new parse, which is kept in turn: a scan is read by OCR
        once, not on every page view and re-check."""
        with self._lock:
            if row.sha256 in self._parsed:
                self._parsed.move_to_end(row.sha256)
                return self._parsed[row.sha256]
        report = (readings.load(self.files, row.sha256, row.parser_version or PARSER_VERSION)
                  or readings.load(self.files, row.sha256, PARSER_VERSION))
        if report is None:
            data = self.original_bytes(row)
            if data is None:
                return None
            try:
                report = parse_bytes(data, row.source or "")
            except NianbaoError:
                return None
            readings.save(self.files, row.sha256, PARSER_VERSION, readings.reading_of(report))
        self._remember(row.sha256, report)
        return report

    def _remember(self, sha: str, report: Report) -> None:
        with self._lock:
            self._parsed[sha] = report
            while len(self._parsed) > PARSED_CACHE_SIZE:
                self._parsed.popitem(last=False)

    # ------------------------------------------------------------------ ingest
    def ingest(self, data: bytes, name: str, author: str | None = None) -> tuple[int, bool]:
        """Parse, check and store one file with the store's own parse/write path.

        Returns (report id, already stored).  Raises UnreadableInput when the file cannot
        be read as a report: it is refused instead of stored as a failed row.
        """
        sha = hashlib.sha256(data).hexdigest()
        existing = self._current_id(sha)
        if existing is not None:
            return existing, True
        parsed = self._parse_upload(Item(name=name, path="", sha256=sha, data=data, rules=self.rules, keep_reading=True))
        if parsed.error:
            raise UnreadableInput(parsed.error, parsed.error)
        self._keep_original(sha, data)
        if parsed.reading is not None:
            readings.save(self.files, sha, PARSER_VERSION, parsed.reading)
            self._remember(sha, readings.report_of(parsed.reading))
        report_id, already = self._write_upload(sha, parsed)
        if already:
            return report_id, True
        self.changed()
        # The store checks each report alone; here the agency's other years and any
        # corrections already made to this document are taken into account too.
        self.recheck(report_id)
        self._relink()  # the following year, if stored, is now compared with this one
        return report_id, False

    def ingest_paths(self, paths: Iterable[Path], **options: Any):
        """Files and folders stored in bulk (`nianbao ingest`: store/ingest.py's resumable, parallel
        path, by this service's rules); its summary.  `options`: ingest's (root, workers, dask, ...)."""
        from .ingest import ingest

        return ingest(self.store, paths, rules=self.rules, **options)

    def _parse_upload(self, item: Item):
        """An upload parsed in a worker process within the budget (budget.py): one hostile
        file costs the server at most that, and never holds the interpreter lock here."""
        with self._lock:
            if self._runner is None:
                self._runner = Runner(self._budget, warm=(parse_item.__module__,))
            runner = self._runner
        outcome = runner.call(parse_item, item)
        if isinstance(outcome, Failed):
            raise UnreadableInput(outcome.reason)  # already Chinese first, English after a slash
        return outcome

    def _keep_original(self, sha: str, data: bytes) -> None:
        path = self.original_path(sha)
        if not path.exists():
            self.files.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{sha}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a concurrent reader never sees half a file

    def _write_upload(self, sha: str, parsed) -> tuple[int, bool]:
        """Write one parsed upload; (report id, whether it was there already).

        One writer at a time in this process: the store's writer is built for a single
        writing process (SQLite has one writer anyway), and a new agency seen by two uploads
        at once must be created once.  Another process (a second worker on PostgreSQL) can
        still race us: then the unique constraint fires and we retry."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self._write_lock:
                    stored = self._current_id(sha)
                    if stored is not None:
                        return stored, True
                    # A fresh Writer per upload: its agency cache must not outlive a rollback.
                    Writer(self.store, PARSER_VERSION).write(parsed)
                break
            except IntegrityError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
        report_id = self._current_id(sha)
        assert report_id is not None  # just written, under the write lock
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

    def report_of_document(self, document: str) -> int:
        """The current report of a document named by its hash (or a unique prefix) or file name,
        as the command line names documents."""
        sha = store_corrections.find_document(self.store, document)
        with self.store.session() as session:
            report_id = session.scalar(select(StoredReport.id).where(
                StoredReport.sha256 == sha, StoredReport.current.is_(True)).order_by(StoredReport.id.desc()).limit(1))
        if report_id is None:
            raise NotFound(f"找不到文档 {sha[:12]} / no such document")
        return report_id

    def visible(self, principal: Principal, *, report_id: int | None = None, agency_id: int | None = None) -> bool:
        """Whether the report, or some report of the agency, lies inside `principal`'s region scope."""
        query = select(StoredReport.id).limit(1)
        if report_id is not None:
            query = query.where(StoredReport.id == report_id)
        if agency_id is not None:
            query = query.where(StoredReport.agency_id == agency_id)
        with self.store.session() as session:
            return session.scalar(scope_filter(query, principal)) is not None

    def report(self, row: StoredReport, corrected: bool = True) -> Report:
        """The report as stored (cells from the database), with corrections applied."""
        with self.store.session() as session:
            return self._reports(session, [row], corrected)[0]

    def reports(self, rows: Iterable[StoredReport]) -> builtins.list[Report]:
        with self.store.session() as session:
            return self._reports(session, list(rows))

    def parsed_with_corrections(
        self, rows: Sequence[StoredReport],
    ) -> builtins.list[tuple[Report, dict[str, float | None]]]:
        """Each report's cells as the parser read them (no corrections applied, no cell locations)
        with the latest correction of each corrected cell: a cell list shows both side by side."""
        with self.store.session() as session:
            reports = load_reports(session, rows, corrected=False, locations=False)
            fixes = latest_corrections(session, [row.sha256 for row in rows])
        return [(report, fixes.get(row.sha256, {})) for row, report in zip(rows, reports)]

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
                {"id": c.id, "cell": c.cell, "value": number(c.value), "author": c.author, "note": c.note,
                 "created_at": c.created_at.isoformat() if c.created_at else None}
                for c in items
            ]

    def versions(self, report_id: int) -> Sequence[StoredReport]:
        """Every version of this report's agency and year, the one that counts first."""
        with self.store.session() as session:
            return store_versions.versions_of(session, report_id)

    # ------------------------------------------------------------------ what people change
    def correct(self, report_id: int, path: str, value: int | float | None, author: str | None,
                note: str | None) -> str:
        """One cell corrected by a person, the report re-checked and its agency relinked;
        returns the message to show."""
        return self.enter(report_id, {path: value}, author, note)[0]

    def enter(self, report_id: int, values: Mapping[str, int | float | None], author: str | None,
              note: str | None) -> list[str]:
        """Cells typed in at once (the empty grid of an unreadable scan): every one is checked
        before any is stored — any cell of the report's edition, typed where the parser read
        none too — and the report is re-checked once.  Returns a message per cell."""
        row = self.get(report_id)
        try:
            for path in values:
                hand_entry.check_entry(row.edition, path, row.single_other_handling)
        except hand_entry.BadFact as exc:
            raise BadInput(str(exc)) from exc
        messages = [store_corrections.add_correction(self.store, row.sha256, path, value, note or "", author or "")
                    for path, value in values.items()]
        self._after_change(report_id)
        return messages

    def set_facts(self, report_id: int, values: Mapping[str, str | None], author: str | None,
                  note: str | None) -> list[str]:
        """Agency, year, publication date or edition set by a person (store/hand_entry.py):
        every value checked before any is stored, then the report re-checked once.  Returns
        a message per fact."""
        if not values:
            return []  # nothing changed: no re-check either
        row = self.get(report_id)
        try:
            for field, value in values.items():
                hand_entry.fact_value(field, value)
            messages = [hand_entry.set_fact(self.store, row.sha256, field, value, author or "", note or "")
                        for field, value in values.items()]
        except hand_entry.BadFact as exc:
            raise BadInput(str(exc)) from exc
        self._after_change(report_id)
        return messages

    def set_fact(self, report_id: int, field: str, value: str | None, author: str | None, note: str | None) -> str:
        return self.set_facts(report_id, {field: value}, author, note)[0]

    def fact_history(self, row: StoredReport) -> list[dict[str, Any]]:
        return hand_entry.fact_history(self.store, row.sha256)

    def _after_change(self, report_id: int) -> None:
        self.recheck(report_id)
        self._relink()

    def recheck(self, report_id: int) -> list[Finding]:
        """The report's findings worked out again and stored in place of the old ones.

        One re-check of a report at a time across processes (the web app's workers and the CLI):
        on PostgreSQL two at once each deleted the old findings and inserted theirs, leaving them
        twice over (on SQLite the lock is the file's one write lock, taken at BEGIN).  The original
        is parsed before the lock is taken, so the lock is held for the database work only."""
        self.parsed(self.get(report_id))
        with self._write_lock, self.store.session() as session, session.begin():
            write_lock(session.connection(), f"nianbao recheck {report_id}")
            row = session.get(StoredReport, report_id)
            if row is None:
                raise NotFound(report_id)
            report = self._reports(session, [row])[0]
            findings = self._check(session, row, report)
            session.execute(delete(StoredFinding).where(StoredFinding.report_id == row.id))
            _write_findings(session, row, findings)
            if has_dismissals(session.connection(), row.sha256):
                # Findings people dismissed (store/review.py) stay listed but do not count.
                session.flush()
                recount_findings(session.connection(), StoredReport.id == row.id)
            # Guessed cells a person has since corrected no longer count (store/reports.py).
            row.n_uncertain = len(report.uncertain)
            session.flush()
            outcomes.refresh(session.connection(), [row.id])  # the totals the statistics add up
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
        self.changed()
        if not still_used:
            self._forget_original(sha)

    def _forget_original(self, sha: str) -> None:
        with self._lock:
            self._parsed.pop(sha, None)
        self.original_path(sha).unlink(missing_ok=True)
        # What was derived from it lives in subfolders under its hash: page images, readings.
        for derived in self.files.glob(f"*/{sha}.*"):
            derived.unlink(missing_ok=True)

    # ------------------------------------------------------------------ listing
    def list(self, filters: Filters | None = None, limit: int | None = None, offset: int = 0, *,
             sort: str | None = None, principal: Principal | None = None,
             scores_by: str | None = None) -> builtins.list[StoredReport]:
        """`scores_by`: the rubric key a sort by score reads (listing.sort_keys), as in page and neighbours."""
        keys = listing.sort_keys(sort, scores_by)
        query = listing.ordered(listing.joined(overview_query(filters or Filters(), principal), keys), keys).offset(offset)
        if limit:
            query = query.limit(limit)
        with self.store.session() as session:
            return builtins.list(session.scalars(query))

    def page(self, filters: Filters | None, limit: int, *, sort: str | None = None, after: str | None = None,
             principal: Principal | None = None, scores_by: str | None = None,
             ) -> tuple[builtins.list[StoredReport], str | None]:
        """One page of the list in `sort` order, from the position `after` (listing.py: keyset
        pagination); returns the rows and the position after the last, None on the last page."""
        keys = listing.sort_keys(sort, scores_by)
        query = listing.joined(overview_query(filters or Filters(), principal), keys).add_columns(*listing.key_columns(keys))
        position = listing.decode(after, keys)
        if position is not None:
            query = query.where(listing.after(keys, position))
        with self.store.session() as session:
            found = session.execute(listing.ordered(query, keys).limit(limit + 1)).all()
        rows = [item[0] for item in found[:limit]]
        more = len(found) > limit
        return rows, listing.encode(tuple(found[limit - 1][1:])) if more and rows else None

    def neighbours(self, row: StoredReport, filters: Filters | None = None, *, sort: str | None = None,
                   principal: Principal | None = None, scores_by: str | None = None) -> tuple[int | None, int | None]:
        """The ids of the reports before and after `row` in the list's order (same filters and
        sort), for a report's previous / next; None at either end or when `row` is not listed."""
        keys = listing.sort_keys(sort, scores_by)
        base = listing.joined(overview_query(filters or Filters(), principal), keys)
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

    def present_values(self, principal: Principal | None) -> dict[str, builtins.list]:
        """Values the list's filters can take (only those present in the store): the distinct
        combinations in one pass of the database, split into the lists here."""
        query = scope_filter(select(StoredReport.province, StoredReport.city, StoredReport.county, StoredReport.year,
                                    StoredReport.level, StoredReport.edition)
                             .where(StoredReport.current).distinct(), principal)
        with self.store.session() as session:
            combinations = session.execute(query).all()

        def present(*positions: int) -> builtins.list:
            return sorted({c[p] for c in combinations for p in positions if c[p] is not None})

        return {"years": present(3), "levels": present(4), "editions": present(5), "regions": present(0, 1, 2)}

    # ------------------------------------------------------------------ exports and stats
    # Every export of every door is written by the store's one export builder (store/export.py) over
    # the overview's selection of a view (`filters`, only what `principal` may see; the whole store by
    # default): the same columns, headers, doubt marks and bytes from `nianbao export` and the web app.
    def export_to(self, target: Path, filters: Filters | None = None, *, long: bool = False,
                  header: str | None = None, harmonised: bool = False, principal: Principal | None = None) -> int:
        """The view written to `target` (.csv, .parquet, .xlsx: the suffix decides); the number of rows."""
        from .export import export

        return export(self.store, target, long=long, header=header, harmonised=harmonised,
                      query=overview_query(filters or Filters(), principal))

    def export_csv(self, filters: Filters | None = None, *, long: bool = False, header: str = "key",
                   principal: Principal | None = None) -> Iterator[bytes]:
        """The view's CSV export in pieces as the database hands the reports over (a streamed download)."""
        from .export import csv_chunks

        return csv_chunks(self.store, long=long, header=header, query=overview_query(filters or Filters(), principal))

    def export_rows(self, filters: Filters | None = None, principal: Principal | None = None,
                    ) -> Iterator[dict[str, Any]]:
        """The view's wide rows (one a report, the builder's `columns(long=False)`), batch by batch."""
        from .export import wide_rows

        return wide_rows(self.store, query=overview_query(filters or Filters(), principal))

    def stats_table(self, by: Sequence[str] = ("year",), metrics: Sequence[str] | None = None, *,
                    include_errors: bool = False):
        """Sums and rates of the whole store by dimension (store/stats.py compute: a pandas DataFrame),
        as `nianbao stats` prints, writes and plots it."""
        from .stats import compute

        return compute(self.store, by, metrics, include_errors=include_errors)

    def stats(self, filters: Filters | None = None, principal: Principal | None = None) -> dict[str, Any]:
        """Requests by outcome group and year; error rates by region, with the reports holding
        guessed cells (the same stored counts `nianbao stats` reads).  SQL aggregates over the
        filtered view (store/stats.py), whatever the number of reports."""
        reports = overview_query(filters or Filters(), principal).order_by(None)
        with self.store.session() as session:
            return {**outcomes_by_year(session, reports), "error_rates": error_rates(session, reports)}

    # ------------------------------------------------------------------ agencies
    def agency(self, agency_id: int) -> dict[str, Any]:
        with self.store.session() as session:
            agency = session.get(Agency, agency_id)
            if agency is None:
                raise NotFound(agency_id)
            rows = builtins.list(session.scalars(select(StoredReport).where(
                StoredReport.agency_id == agency_id, StoredReport.current.is_(True))
                # By id within a year: the newest report of a year is the one linked, as in ingest.
                .order_by(StoredReport.year, StoredReport.id)))
            reports = self._reports(session, rows)
        by_year = {r.year: r for r in reports if r.year is not None}
        years = [_agency_year(row, report, by_year.get(report.year - 1) if report.year else None)
                 for row, report in zip(rows, reports)]
        return {"id": agency.id, "name": agency.name, "key": agency.key, "level": agency.level,
                "province": agency.province, "city": agency.city, "county": agency.county, "years": years}


def _agency_year(row: StoredReport, report: Report, previous: Report | None) -> dict[str, Any]:
    links = [f.to_dict() for f in crossyear.check(report, previous)] if previous is not None and report.edition else []
    return {
        "id": row.id, "year": row.year, "edition": row.edition, "source": row.source,
        "printed_name": row.agency,  # as printed: after a merge, one agency's years carry several names
        "n_errors": row.n_errors, "n_warnings": row.n_warnings, "n_uncertain": row.n_uncertain,
        "carried_over": report.value("t3.carried_over.total"),
        "new_received": report.value("t3.new_received.total"),
        "total_handled": report.value("t3.total_handled.total"),
        "carried_forward": report.value("t3.carried_forward.total"),
        "previous_year_found": previous is not None, "cross_year": links,
    }


def _unchanged_file(path: str | None, sha256: str) -> bytes | None:
    """The file at `path` if it still holds the document `sha256` (a file edited since is another document)."""
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _typed_tables_read(report: Report) -> None:
    """A table the parser could not read (a scan, an image) that a person has typed cells into
    is read now, by hand: the checks then take it as any other table."""
    for key, rows in report.tables.items():
        if any(cell.inferred == HAND_ENTERED for cells in rows.values() for cell in cells.values()):
            report.table_status[key] = TABLE_OK


def _write_findings(session, row: StoredReport, findings: Sequence[Finding]) -> None:
    for f in findings:
        session.add(StoredFinding(report_id=row.id, **finding_row(f)))  # the encoding ingest's writer uses
    row.n_errors = sum(1 for f in findings if f.severity == "error")
    row.n_warnings = sum(1 for f in findings if f.severity == "warning")


def _finding_dict(f: StoredFinding) -> dict[str, Any]:
    return {"code": f.code, "severity": f.severity, "message": f.message, "message_en": f.message_en,
            "cells": finding_cells(f.cells), "expected": number(f.expected), "found": number(f.found)}
