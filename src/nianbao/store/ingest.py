"""Ingest: parse report files (here, in worker processes or on a Dask cluster) and
store them, one transaction per report.

Why it is shaped this way:
- Identity is the SHA-256 of the bytes.  A file whose hash is already stored by this
  parser version is skipped, so re-running the same command is a no-op and an
  interrupted run resumes where it stopped.
- Parsing is pure and runs remotely on chunks of files; only the main process writes,
  so SQLite needs no cross-process locking and each report commits on its own — a
  crash loses at most the report being written, never one already committed.
- At most `window` chunks are in flight, so memory stays flat however big the corpus.
- With a Budget (the CLI always gives one) each file is parsed in a worker process within a
  time and memory limit (budget.py).  A file over its budget, or whose worker died, is
  counted as failed with its reason but not stored: the cause may be the machine's load or
  a kill, not the file, so the next run tries it again (with higher limits if need be).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from .. import __version__
from ..budget import Budget, Failed, run_each
from ..checks.config import DEFAULT as NATIONAL_RULES
from ..checks.config import RuleConfig
from .agencies import level as agency_level
from .agencies import normalise as agency_key
from .db import Store, advisory_lock, write_lock
from .models import (
    STATUS_FAILED, STATUS_OK, STATUS_PARTIAL, Agency, StoredCell, StoredFinding, StoredReport, _now,
)
from .batching import batched
from .hand_entry import facts_in_force
from .aliases import alias_of
from .linking import link, queue
from .merges import agency_name, kept_agency, record_name, region_of
from .outcomes import refresh as refresh_outcomes
from .region_history import apply_in_force as apply_corrected_region
from .reports import alternatives_to_json, recount_uncertain, sections_to_json
from .carry_over import carry_over
from .review import has_dismissals, recount_findings
from .rows import bulk_insert, finding_row
from .readings import reading_of
from .stored_scores import refresh_connection as refresh_scores
from .versions import refresh_for as refresh_versions

PARSER_VERSION = os.environ.get("NIANBAO_PARSER_VERSION", __version__)

# Outcomes reported per file.
NEW, REPARSED, SKIPPED, FAILED = "new", "reparsed", "skipped", "failed"


# --------------------------------------------------------------------------- worker side

@dataclass
class Item:
    """A file to parse: what a worker needs, bytes included (workers may not share our disk)."""

    name: str
    path: str
    sha256: str
    data: bytes
    # The checks' deadlines and thresholds (a local rules file); small plain data, pickled along.
    rules: RuleConfig = NATIONAL_RULES
    # Send back the parse's reading (store/readings.py) too: an upload keeps it beside its original.
    keep_reading: bool = False


@dataclass
class Parsed:
    """A worker's result: plain data only, cheap to pickle back."""

    name: str
    path: str
    sha256: str
    size: int
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    cells: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    # False when the budget stopped the parse: counted as failed, not written (module docstring).
    to_store: bool = True
    reading: dict[str, Any] | None = None  # when the item asked for it (keep_reading)


def parse_chunk(items: list[Item]) -> list[Parsed]:
    return [parse_item(item) for item in items]


def parse_item(item: Item) -> Parsed:
    from ..errors import NianbaoError, internal_error_message
    from ..parser import parse_bytes

    out = Parsed(item.name, item.path, item.sha256, len(item.data))
    try:
        report = parse_bytes(item.data, item.name)
    except NianbaoError as exc:
        out.error = exc.message
        return out
    except MemoryError:  # in a budgeted worker: reported by budget.py as over the memory limit
        raise
    except Exception as exc:  # noqa: BLE001 — one bad file must not stop a run of thousands
        out.error = internal_error_message(exc)
        return out
    out.meta = _meta(report)
    out.cells = [_cell_row(path, cell) for path, cell in report.cells()]
    out.findings = [finding_row(f) for f in _findings(report, item.rules)]
    if item.keep_reading:
        out.reading = reading_of(report)
    return out


def _findings(report, rules: RuleConfig) -> list:
    try:
        from ..checks import check
    except ImportError:  # checks library not installed in this build
        return []
    return check(report, config=rules)


def _meta(report) -> dict[str, Any]:
    return {
        "format": report.format, "edition": report.edition, "edition_reason": report.edition_reason,
        "year": report.year, "agency": report.agency, "published": report.published,
        "region": dict(report.region), "single_other_handling": report.single_other_handling,
        "status": STATUS_OK if report.complete else STATUS_PARTIAL,
        # For the cross-year copying rule, run later by the linking pass; encoded here, in
        # the worker, like cell locations.
        "sections": sections_to_json(report),
    }


def _cell_row(path: str, cell) -> dict[str, Any]:
    table, row, column = path.split(".")
    return {
        "tbl": table, "row": row, "col": column, "value": cell.value, "raw": cell.raw, "unit": cell.unit,
        "inferred": cell.inferred, "uncertain": bool(cell.uncertain), "alternatives": alternatives_to_json(cell),
        # Serialised here, in the worker: the single writer should not spend its time on it.
        "location": json.dumps(cell.location, ensure_ascii=False) if cell.location else None,
    }


def _region_columns(region: dict[str, str]) -> dict[str, str | None]:
    """The columns a report and its agency keep of the parser's region (nianbao.regions)."""
    return {"province": region.get("province"), "city": region.get("city"), "county": region.get("county"),
            "township": region.get("township"), "region_code": region.get("code"),
            "gov_level": region.get("gov_level")}


# --------------------------------------------------------------------------- writer side

_REPORTS = cast(Table, StoredReport.__table__)
_AGENCIES = cast(Table, Agency.__table__)
# Statements built once: the writer runs them for every report.
# The agency of the parse a re-parse retires: its cross-year links change too.
_CURRENT_OF = select(StoredReport.agency_id).where(
    StoredReport.sha256 == bindparam("sha"), StoredReport.current.is_(True))
_RETIRE = (
    update(_REPORTS).where(_REPORTS.c.sha256 == bindparam("sha"), _REPORTS.c.current.is_(True)).values(current=False)
)
_INSERT_REPORT = insert(_REPORTS).returning(_REPORTS.c.id)
# A parse this parser version has stored: a concurrent run may have written it since `known`.
_STORED_BY = select(StoredReport.id).where(
    StoredReport.sha256 == bindparam("sha"), StoredReport.parser_version == bindparam("version")).limit(1)
# Tries of one file's transaction; only what a concurrent writer causes is tried again (_concurrent).
_WRITE_ATTEMPTS = 3


def agency_id_of(connection, name: str, region: dict[str, str]) -> int:
    """The id of the agency of that name (its normalised key), added if new."""
    return filed_under(connection, name, region)[0]


def filed_under(connection, name: str, region: dict[str, str]) -> tuple[int, int | None]:
    """The agency a report printed under `name` is filed under (added if new), and the agency the
    name is of when that is another, joined into it (store/merges.py): its new reports go there."""
    key = agency_key(name)
    agency_id = connection.scalar(select(Agency.id).where(Agency.key == key)) or alias_of(connection, name, region)
    if agency_id is not None:
        kept_id = kept_agency(connection, agency_id)
        return kept_id, agency_id if kept_id != agency_id else None
    return connection.execute(
        insert(_AGENCIES).values(
            key=key, name=name, level=region.get("level") or agency_level(name), **_region_columns(region),
        ).returning(_AGENCIES.c.id)
    ).scalar_one(), None


@dataclass(frozen=True)
class _Filing:
    """Where the writer files a report printed under a name: the agency, the agency joined into it
    whose name it is (None when it is the agency's own), and the region it then takes of it."""

    agency_id: int
    joined_id: int | None
    region: dict[str, Any]
    name: str  # the agency's: the report's label and sort key on the overview (reports.agency_name)


class Writer:
    """Writes parse results; one transaction per report."""

    def __init__(self, store: Store, parser_version: str):
        self.store = store
        self.parser_version = parser_version
        self._agencies: dict[str, _Filing] = {}

    def known(self, hashes: list[str]) -> set[str]:
        """Hashes already stored by this parser version (successful or failed)."""
        with self.store.session() as session:
            rows = session.scalars(
                select(StoredReport.sha256).where(
                    StoredReport.parser_version == self.parser_version, StoredReport.sha256.in_(hashes)
                )
            )
            return set(rows)

    def write(self, parsed: Parsed) -> str:
        # Core statements, not the ORM unit of work: the writer is the one serial stage of a
        # parallel ingest, and the ORM's bookkeeping per cell would make it the bottleneck.
        with self.store.engine.begin() as connection:
            # One writer per file at a time (db.write_lock): a concurrent run writing the same
            # file waits here, then finds it stored and skips it.
            write_lock(connection, f"nianbao file {parsed.sha256}")
            if connection.scalar(_STORED_BY, {"sha": parsed.sha256, "version": self.parser_version}) is not None:
                return SKIPPED
            older = connection.scalars(_CURRENT_OF, {"sha": parsed.sha256}).all()
            values = self._report_values(connection, parsed)
            agencies = sorted({values["agency_id"], *older} - {None})
            # The agencies whose versions this write decides, one writer at a time (in order, so
            # two writers never wait on each other): two files of one agency and year written at
            # once must not both become the version that counts.
            for agency_id in agencies:
                advisory_lock(connection, f"nianbao agency {agency_id}")
            self._record_joined_name(connection, values.get("agency"))
            # Queued in this transaction: the report and its due linking are committed together.
            # Before any report row is touched, so a linking pass holding the queue row never
            # waits for us while we wait for it.
            self._queue_relink(connection, agencies)
            if older:
                # History: earlier parses stay, only the newest is current.
                connection.execute(_RETIRE, {"sha": parsed.sha256})
            report_id = connection.execute(_INSERT_REPORT, values).scalar_one()
            # A person's correction of the agency's region outlives the re-parse (store/region_history.py).
            apply_corrected_region(connection, values["agency_id"], report_id)
            if parsed.cells:
                bulk_insert(connection, StoredCell.__table__, [{**c, "report_id": report_id} for c in parsed.cells])
            # Its outcome totals for /api/stats (store/outcomes.py), corrections already made included.
            refresh_outcomes(connection, [report_id])
            if values["n_uncertain"]:
                # A person may already have corrected some of the guessed cells (a re-parse).
                recount_uncertain(connection, _REPORTS.c.id == report_id)
            if parsed.findings:
                bulk_insert(connection, StoredFinding.__table__, [{**f, "report_id": report_id} for f in parsed.findings])
                if has_dismissals(connection, parsed.sha256):
                    # A re-parse: findings people dismissed (store/review.py) do not count.
                    recount_findings(connection, _REPORTS.c.id == report_id)
            # One report per agency and year: which file counts, in the same transaction.
            refresh_versions(connection, parsed.sha256)
            # A republished file that now counts keeps people's verdicts and review status.
            carry_over(connection, parsed.sha256)
            # Its score by the built-in rubric (store/stored_scores.py), the carried verdicts counted.
            refresh_scores(connection, [report_id])
        if parsed.error:
            return FAILED
        return REPARSED if older else NEW

    def _report_values(self, connection, parsed: Parsed) -> dict[str, Any]:
        meta = dict(parsed.meta)
        # What a person set by hand (a scan's agency, year, edition) outlives the re-parse.
        meta.update(facts_in_force(connection, parsed.sha256))
        region = meta.pop("region", {}) or {}
        status = meta.pop("status", None)
        agency = meta.get("agency")
        # Info-level findings (CELL.UNCERTAIN) are neither: the same counts as the web app's
        # recheck and the inspection workbook, which lists them apart.
        errors = sum(f["severity"] == "error" for f in parsed.findings)
        warnings = sum(f["severity"] == "warning" for f in parsed.findings)
        filing = self._agency(connection, agency, region) if agency else None
        values = dict(
            sha256=parsed.sha256, source=parsed.name, path=parsed.path, size=parsed.size,
            parser_version=self.parser_version, current=True,
            status=STATUS_FAILED if parsed.error else status, error=parsed.error,
            **_region_columns(region),
            level=region.get("level") or (agency_level(agency) if agency else None),
            agency_id=filing.agency_id if filing else None,
            agency_name=filing.name if filing else None,
            n_errors=errors, n_warnings=warnings, n_uncertain=sum(bool(c["uncertain"]) for c in parsed.cells),
            ingested_at=_now(),
            single_other_handling=bool(meta.pop("single_other_handling", False)),
            **meta,
        )
        # Filed under the agency it was joined into: one body, one place, as the reports the merge
        # moved (the kept agency's region, corrections included), whatever its own text says.
        if filing:
            values.update(filing.region)
        return values

    def _agency(self, connection, name: str, region: dict[str, str]) -> _Filing:
        key = agency_key(name)
        if key not in self._agencies:
            agency_id, joined_id = filed_under(connection, name, region)
            self._agencies[key] = _Filing(agency_id, joined_id,
                                          region_of(connection, agency_id) if joined_id is not None else {},
                                          agency_name(connection, agency_id))
        return self._agencies[key]

    def _record_joined_name(self, connection, name: str | None) -> None:
        # After the agency locks are taken: an unmerge holds them while it reads the names.
        if not name:
            return
        filing = self._agencies.get(agency_key(name))
        if filing is not None and filing.joined_id is not None:
            record_name(connection, filing.joined_id, name)

    def _queue_relink(self, connection, agency_ids: list[int | None]) -> None:
        # With every report, not once per run: a concurrent linking pass may have taken the
        # agency off the queue since (store/linking.py).
        queue(connection, {a for a in agency_ids if a is not None})

    def forget_cache(self) -> None:
        # A rolled-back transaction may have created an agency id that no longer exists.
        self._agencies.clear()


# --------------------------------------------------------------------------- the run

@dataclass
class Summary:
    files: int = 0
    new: int = 0
    reparsed: int = 0
    skipped: int = 0
    failed: int = 0
    linked: int = 0  # reports whose cross-year findings the linking pass changed
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason) — first 100

    def add(self, outcome: str, parsed: Parsed | None = None) -> None:
        self.files += 1
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == FAILED and parsed is not None and len(self.failures) < 100:
            self.failures.append((parsed.name, parsed.error or ""))


Progress = Callable[[str, str], None]  # (file name, outcome)


def _items(paths: Iterable[Path], root: Path | None, rules: RuleConfig) -> Iterator[Item]:
    for path in paths:
        data = path.read_bytes()
        name = str(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
        yield Item(name, str(path), hashlib.sha256(data).hexdigest(), data, rules)


def _todo(chunks: Iterator[list[Item]], writer: Writer, on_skip: Callable[[Item], None]) -> Iterator[list[Item]]:
    """Drop files already stored (resume, idempotency) or seen earlier in this run."""
    seen: set[str] = set()
    for chunk in chunks:
        known = writer.known([item.sha256 for item in chunk])
        keep = []
        for item in chunk:
            if item.sha256 in known or item.sha256 in seen:
                on_skip(item)
            else:
                seen.add(item.sha256)
                keep.append(item)
        if keep:
            yield keep


def _windowed(submit, wait_first, chunks: Iterator[list[Item]], window: int) -> Iterator[Parsed]:
    pending: set = set()
    for chunk in chunks:
        pending.add(submit(chunk))
        while len(pending) >= window:
            done, pending = wait_first(pending)
            for future in done:
                yield from future.result()
    while pending:
        done, pending = wait_first(pending)
        for future in done:
            yield from future.result()


def _serial(chunks: Iterator[list[Item]]) -> Iterator[Parsed]:
    for chunk in chunks:
        yield from parse_chunk(chunk)


def _budgeted(chunks: Iterator[list[Item]], budget: Budget, workers: int) -> Iterator[Parsed]:
    # One file per task, not a chunk: the budget is per file, and a file that fails it must
    # not take its chunk-mates along.
    items = ((item,) for chunk in chunks for item in chunk)
    for (item,), outcome in run_each(parse_item, items, budget, workers):
        yield outcome_parsed(item, outcome)


def outcome_parsed(item: Item, outcome: Parsed | Failed) -> Parsed:
    """A budgeted parse's result; a file the budget stopped is failed and not stored."""
    if isinstance(outcome, Failed):
        return Parsed(item.name, item.path, item.sha256, len(item.data), error=outcome.reason, to_store=False)
    return outcome


def _dask(chunks: Iterator[list[Item]], address: str, budget: Budget) -> Iterator[Parsed]:
    from distributed import Client, wait

    from .dask_parse import parse_chunk_within  # each file within the budget on the Dask worker

    with Client(address) as client:
        window = max(2, 3 * sum(client.nthreads().values()))
        yield from _windowed(
            lambda chunk: client.submit(parse_chunk_within, chunk, budget, pure=False),
            lambda pending: wait(pending, return_when="FIRST_COMPLETED"),
            chunks, window=window,
        )


def ingest(
    store: Store,
    paths: Iterable[Path],
    *,
    root: Path | None = None,
    workers: int = 1,
    dask: str | None = None,
    parser_version: str = PARSER_VERSION,
    chunk_size: int = 8,
    progress: Progress | None = None,
    budget: Budget | None = None,
    rules: RuleConfig = NATIONAL_RULES,
) -> Summary:
    """Parse and store every file; returns counts.  See the module docstring for guarantees.
    On a Dask cluster (`dask`), each file is parsed within `budget` (default Budget()) too.
    `rules` (a local rules file, checks/config.py) applies to every check, the linking pass's too.

    Files are parsed in budgeted worker processes when a budget is given or `workers` > 1
    (then with the default Budget); otherwise here, one after another (library use, tests)."""
    writer = Writer(store, parser_version)
    summary = Summary()

    def record(name: str, outcome: str, parsed: Parsed | None = None) -> None:
        summary.add(outcome, parsed)
        if progress:
            progress(name, outcome)

    chunks = _todo(batched(_items(paths, root, rules), chunk_size), writer, lambda item: record(item.name, SKIPPED))
    if dask:
        results = _dask(chunks, dask, budget or Budget())
    elif budget is not None or workers > 1:
        results = _budgeted(chunks, budget or Budget(), workers)
    else:
        results = _serial(chunks)
    for parsed in results:
        record(parsed.name, _write(writer, parsed), parsed)
    # After the writes, not during them: a later file of this run may be the previous
    # year of an earlier one.  The queue also holds agencies an interrupted run left.
    summary.linked = link(store, rules=rules)
    return summary


def _write(writer: Writer, parsed: Parsed) -> str:
    if not parsed.to_store:
        return FAILED
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            return writer.write(parsed)
        except DBAPIError as exc:
            writer.forget_cache()
            if not _concurrent(exc) or attempt == _WRITE_ATTEMPTS - 1:
                raise
        except Exception:
            writer.forget_cache()
            raise
    raise AssertionError("unreachable")


def _concurrent(exc: DBAPIError) -> bool:
    """A failure a concurrent writer causes and a second try clears (PostgreSQL; SQLite writers take
    turns): a duplicate key (two writers creating one agency) or a deadlock.  The transaction rolled
    back whole; the next try finds the other's rows."""
    return isinstance(exc, IntegrityError) or getattr(exc.orig, "sqlstate", None) == _DEADLOCK


_DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE deadlock_detected
