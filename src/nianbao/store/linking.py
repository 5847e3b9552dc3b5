"""The linking pass: cross-year findings (CROSS.*, COPY.*, PROBLEMS.COPIED/NO_FOLLOW_UP) of stored reports.

Workers check each report alone, so the rules that compare a report with the same
agency's previous year (checks/crossyear.py, checks/copying.py) run here, after the
run's reports are written, over what the store holds:

- Which agencies: those in the `relink` table.  The writer adds an agency there in
  the same transaction as a new or re-parsed report of it (and the agency of a
  parse it retires), and an agency leaves it only in the transaction that links it,
  so a run killed before or during this pass is completed by the next run.
- Concurrent writers (a second ingest, the web app): a round takes its agencies off
  the queue, reads their reports and writes their findings in one transaction.  A
  writer queueing one of them meanwhile waits for that commit (SQLite: the write
  lock; PostgreSQL: the lock on the queue row, which `queue` takes by updating it)
  and queues it again, so its report is linked by a later pass, never lost.  Two
  passes run one after the other (db.write_lock), never both on one report.
- Which pair: a report and the current report of the same agency (the store's agency
  key, which also joins 发改局 with 发展和改革局) for the year before.  Should an
  agency have two current reports for one year, the version that counts (store/versions.py) is used.
- What: exactly `crossyear.check + copying.check + content.check_previous` (report, previous)
  on reports loaded from the store (cells, stored sections, corrections applied).
  The report's stored findings of those rules (PREFIXES) are replaced by these and its
  n_errors / n_warnings recounted, in the round's transaction, and only when they
  differ: re-running changes nothing, and a report whose previous year is gone loses
  its stale findings.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence, cast

from sqlalchemy import Table, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..checks.config import DEFAULT as NATIONAL_RULES
from ..checks.config import RuleConfig
from .batching import batched
from .carry_over import carry_to_report
from .db import Store, write_lock
from .models import Relink, StoredFinding, StoredReport
from .reports import load_reports
from .review import counted_findings
from .rows import bulk_insert, finding_row
from .stored_scores import refresh_connection as refresh_scores

# The rules that need two years: the CROSS.* and COPY.* families and section 五 against last year's.
PREFIXES = ("CROSS.", "COPY.", "PROBLEMS.COPIED", "PROBLEMS.NO_FOLLOW_UP")
# Agencies per round are bounded by their number (IN lists) and by how many current reports
# they hold together (memory: every loaded report carries ~200 cells), so memory stays flat
# however many years or duplicates an agency has.  An agency larger than that goes alone.
AGENCY_BATCH = 50
REPORT_BATCH = 400
_IN_BATCH = 500  # ids per IN (...) list
_LOCK = "nianbao linking"

_REPORTS = cast(Table, StoredReport.__table__)
_FINDINGS = cast(Table, StoredFinding.__table__)
_RELINK = cast(Table, Relink.__table__)
# What load_reports and the pairing need of a report row.
_ROW_COLUMNS = (
    _REPORTS.c.id, _REPORTS.c.sha256, _REPORTS.c.source, _REPORTS.c.format, _REPORTS.c.edition,
    _REPORTS.c.edition_reason, _REPORTS.c.year, _REPORTS.c.agency, _REPORTS.c.agency_id, _REPORTS.c.published,
    _REPORTS.c.province, _REPORTS.c.city, _REPORTS.c.county, _REPORTS.c.single_other_handling, _REPORTS.c.sections,
    _REPORTS.c.version_of,
)


def cross_year_findings(report, previous, rules: RuleConfig = NATIONAL_RULES) -> list:
    """The findings that need the previous year; the same call as checks.check makes."""
    from ..checks import content, copying, crossyear  # imported when used, as ingest does for the checks

    return (crossyear.check(report, previous) + copying.check(report, previous, rules.thresholds)
            + content.check_previous(report, previous, rules.thresholds))


def previous_rows(rows: Iterable[Any]) -> dict[int, Any]:
    """Report id → the row of the previous year, among the current rows of one agency."""
    rows = list(rows)
    by_year: dict[int, Any] = {}
    # The version that counts for its year (store/versions.py) wins, else the newest.
    for row in sorted(rows, key=lambda r: (r.version_of is None, r.id)):
        if row.year is not None:
            by_year[row.year] = row
    return {row.id: by_year[row.year - 1] for row in rows if row.year is not None and row.year - 1 in by_year}


def previous_row(db, row: Any) -> Any | None:
    """The current report of `row`'s agency for the year before (the web app's recheck)."""
    if row.agency_id is None or row.year is None:
        return None
    return db.execute(
        select(*_ROW_COLUMNS).where(
            _REPORTS.c.agency_id == row.agency_id, _REPORTS.c.current.is_(True), _REPORTS.c.year == row.year - 1,
            _REPORTS.c.id != row.id, _REPORTS.c.version_of.is_(None),  # the version that counts
        ).order_by(_REPORTS.c.id.desc()).limit(1)
    ).first()


def _key(values: dict[str, Any]) -> tuple:
    return tuple(values[k] for k in ("code", "severity", "message", "message_en", "cells", "expected", "found"))


def queue(connection, agency_ids: Iterable[int]) -> None:
    """Put agencies on the relink queue, in the caller's transaction (a Connection)."""
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for agency_id in sorted(set(agency_ids)):
        # An agency already queued stays queued once.  DO UPDATE, not DO NOTHING: it locks the
        # row until the caller commits, so a linking pass taking it off waits for the report.
        statement = dialect_insert(_RELINK).values(agency_id=agency_id)
        connection.execute(statement.on_conflict_do_update(index_elements=["agency_id"],
                                                           set_={"agency_id": statement.excluded.agency_id}))


def pending(store: Store) -> list[int]:
    with store.engine.connect() as connection:
        return list(connection.scalars(select(Relink.agency_id).order_by(Relink.agency_id)))


def link(store: Store, agency_ids: Sequence[int] | None = None, rules: RuleConfig = NATIONAL_RULES) -> int:
    """Recompute the cross-year findings of the given agencies (default: those queued in
    `relink`) under `rules` and take them off the queue.  Returns the number of reports updated."""
    ids = pending(store) if agency_ids is None else sorted(set(agency_ids))
    updated = 0
    for chunk in _agency_rounds(store, ids):
        with store.engine.begin() as connection:
            write_lock(connection, _LOCK)
            # Off the queue in the transaction that links them (module docstring).
            connection.execute(delete(_RELINK).where(_RELINK.c.agency_id.in_(chunk)))
            updated += _link_batch(connection, chunk, rules)
    return updated


def _agency_rounds(store: Store, agency_ids: list[int]) -> Iterable[list[int]]:
    for ids in batched(agency_ids, AGENCY_BATCH):
        with store.engine.connect() as connection:
            sizes: dict[int, int] = dict(connection.execute(
                select(_REPORTS.c.agency_id, func.count()).where(
                    _REPORTS.c.current.is_(True), _REPORTS.c.agency_id.in_(ids)).group_by(_REPORTS.c.agency_id)
            ).all())
        round_: list[int] = []
        reports = 0
        for agency_id in ids:
            size = sizes.get(agency_id, 0)
            if round_ and reports + size > REPORT_BATCH:
                yield round_
                round_, reports = [], 0
            round_.append(agency_id)
            reports += size
        if round_:
            yield round_


def _link_batch(connection, agency_ids: list[int], rules: RuleConfig) -> int:
    rows = connection.execute(
        select(*_ROW_COLUMNS).where(_REPORTS.c.current.is_(True), _REPORTS.c.agency_id.in_(agency_ids))
    ).all()
    by_agency: dict[int, list[Any]] = {}
    for row in rows:
        by_agency.setdefault(row.agency_id, []).append(row)
    pairs: dict[int, Any] = {}
    for agency_rows in by_agency.values():
        pairs.update(previous_rows(agency_rows))
    # Only reports that are one side of a pair are loaded; the others only lose findings.
    needed = {row.id for row in rows if row.id in pairs} | {p.id for p in pairs.values()}
    loaded_rows = [row for row in rows if row.id in needed]
    reports = dict(zip((r.id for r in loaded_rows), load_reports(connection, loaded_rows, locations=False)))
    stored = _stored_cross_year(connection, [row.id for row in rows])
    updated = []
    for row in rows:
        previous = pairs.get(row.id)
        new = [finding_row(f) for f in cross_year_findings(reports[row.id], reports[previous.id], rules)] if previous else []
        if [_key(f) for f in new] != stored.get(row.id, []):
            _replace(connection, row.id, new)
            updated.append(row.id)
    refresh_scores(connection, updated)  # their findings changed: so may their scores (store/stored_scores.py)
    return len(updated)


def _stored_cross_year(connection, report_ids: list[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    prefix = or_(*(_FINDINGS.c.code.startswith(p) for p in PREFIXES))
    columns = [_FINDINGS.c[k] for k in ("code", "severity", "message", "message_en", "cells", "expected", "found")]
    for ids in batched(report_ids, _IN_BATCH):
        query = select(_FINDINGS.c.report_id, *columns).where(_FINDINGS.c.report_id.in_(ids), prefix).order_by(_FINDINGS.c.id)
        for report_id, *values in connection.execute(query):
            out.setdefault(report_id, []).append(tuple(values))
    return out


# Built once: the pass runs them for every report it changes.
_DELETE = delete(_FINDINGS).where(
    _FINDINGS.c.report_id == bindparam("rid"), or_(*(_FINDINGS.c.code.startswith(p) for p in PREFIXES)))
# The counts are recounted from the findings table rather than adjusted: the same
# definition as the writer's (dismissed findings left out, store/review.py), whatever the
# report's other findings are.
_RECOUNT = update(_REPORTS).where(_REPORTS.c.id == bindparam("rid")).values(
    n_errors=counted_findings("error"), n_warnings=counted_findings("warning"))


def _replace(connection, report_id: int, findings: list[dict[str, Any]]) -> None:
    connection.execute(_DELETE, {"rid": report_id})
    if findings:
        bulk_insert(connection, _FINDINGS, [{**f, "report_id": report_id} for f in findings])
    connection.execute(_RECOUNT, {"rid": report_id})
    # New cross-year findings of a republished report keep the verdicts given on its other versions.
    carry_to_report(connection, report_id)
