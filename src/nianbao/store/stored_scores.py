"""Scores kept in the database: one row per report and rubric (`report_scores`, revision 0014).

Scoring reads a report's findings of the rubric's rules and their verdicts: about half a
millisecond a report, so scoring every report on a request costs seconds at 100,000.  Each
report's score is therefore stored when what it depends on changes, in the writer's
transaction and by the built-in rubric:

- the report is written (store/ingest.py) or its findings rewritten (the web app's re-check,
  the cross-year linking pass of store/linking.py): `refresh`;
- a verdict is given on one of its document's findings (store/review.py): `refresh_documents`;
  verdicts are carried to it from its other versions (store/carry_over.py): `refresh`.

Rankings (`ranking`) and the overview's 总分 are then SQL over the table.  A report that counts
but has no row for the rubric asked for — stored before revision 0014, copied in by SQL, or the
app runs with another rubric — is scored when first asked for and its row kept (`fill`): slower
once, never missing.  `nianbao score --refresh` scores every report again (`refresh_all`).
A row is keyed by the rubric's fingerprint (`rubric_key`): a changed rubric finds no rows.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from sqlalchemy import ColumnElement, Select, and_, case, delete, event, exists, func, inspect, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..scores import Rubric, default_rubric
from .accounts import Principal, scope_filter
from .batching import batched
from .db import Store
from .models import STATUS_FAILED, StoredFinding, StoredReport, StoredScore
from .scoring import LINE_COLUMNS, scored_lines
from .versions import COUNTED

_IN_BATCH = 500  # report ids per IN (...) list, and reports scored per transaction of a refresh
UNKNOWN_LEVEL = "（层级不详）"
UNKNOWN_REGION = "（地区不详）"
GROUPINGS = ("region", "level")
# PostgreSQL's memory for the ranking's sort, for this transaction only: 100,000 reports sort in
# some 20 MB; under the default 4 MB the sort spills to disk and a ranking took 0.3–0.9 s.
RANKING_WORK_MEM = "64MB"


def rubric_key(rubric: Rubric) -> str:
    """Two rubrics that score alike have the same key (the source path does not count)."""
    content = repr((rubric.name, rubric.doubtful, rubric.dimensions))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def built_in() -> Rubric:
    """The built-in rubric, read once: every write scores by it."""
    return default_rubric()


def built_in_key() -> str:
    return rubric_key(built_in())


# --------------------------------------------------------------------------- writing


def refresh(session: Session, report_ids: Iterable[int], rubric: Rubric | None = None) -> int:
    """Score `report_ids` again (a failed file's row has no score): their rows of every rubric
    are removed, then written by `rubric` (the built-in one unless given).  In the caller's
    transaction; returns the rows written."""
    ids = sorted(set(report_ids))
    chosen = rubric or built_in()
    written = 0
    for chunk in batched(ids, _IN_BATCH):
        session.execute(delete(StoredScore).where(StoredScore.report_id.in_(chunk)))
        rows = session.execute(select(*LINE_COLUMNS, StoredReport.status).where(StoredReport.id.in_(chunk))).all()
        written += _insert(session, chosen, rows)
    return written


def refresh_documents(session: Session, hashes: Iterable[str], rubric: Rubric | None = None) -> int:
    """As `refresh`, for every report row of the documents `hashes` (a verdict belongs to a document)."""
    ids: list[int] = []
    for chunk in batched(sorted(set(hashes)), _IN_BATCH):
        ids += session.scalars(select(StoredReport.id).where(StoredReport.sha256.in_(chunk)))
    return refresh(session, ids, rubric)


def refresh_connection(connection, report_ids: Iterable[int]) -> int:
    """`refresh` in a writer's Core transaction (ingest, linking): the session joins it."""
    with Session(bind=connection) as session:
        written = refresh(session, report_ids)
        session.flush()
        return written


# The web app's re-check rewrites a report's findings through the ORM and counts them on the
# report row.  Rather than each such writer remembering to rescore, the session notes at each
# flush the reports of new findings and of changed error and warning counts (a re-check that
# leaves no finding), and scores them again just before the transaction commits.
_TO_RESCORE = "nianbao.stored_scores.to_rescore"  # key in Session.info


@event.listens_for(Session, "after_flush")
def _note_rewritten_findings(session: Session, _context) -> None:
    ids = {item.report_id for item in session.new if isinstance(item, StoredFinding)}
    ids |= {item.id for item in session.dirty if isinstance(item, StoredReport) and _counts_changed(item)}
    if ids:
        session.info.setdefault(_TO_RESCORE, set()).update(ids)


def _counts_changed(report: StoredReport) -> bool:
    state = inspect(report)
    return any(state.attrs[name].history.has_changes() for name in ("n_errors", "n_warnings"))


@event.listens_for(Session, "before_commit")
def _rescore_noted(session: Session) -> None:
    ids = session.info.pop(_TO_RESCORE, None)
    if ids:
        refresh(session, ids)


@event.listens_for(Session, "after_rollback")
def _forget_noted(session: Session) -> None:
    session.info.pop(_TO_RESCORE, None)


def fill(store: Store, rubric: Rubric, report_ids: Sequence[int] | None = None) -> int:
    """Score the reports the overview lists (of `report_ids` when given) that have no row for
    `rubric`, a batch per transaction; returns how many rows were written."""
    key = rubric_key(rubric)
    with store.session() as session:
        query = (select(*LINE_COLUMNS, StoredReport.status).where(COUNTED)
                 .where(~exists().where(StoredScore.report_id == StoredReport.id, StoredScore.rubric == key))
                 .order_by(StoredReport.id))
        missing: list[Any] = []
        for chunk in batched(sorted(set(report_ids)), _IN_BATCH) if report_ids is not None else [None]:
            chosen = query if chunk is None else query.where(StoredReport.id.in_(chunk))
            missing += session.execute(chosen).all()
    written = 0
    for rows in batched(missing, _IN_BATCH):
        with store.session() as session, session.begin():
            written += _insert(session, rubric, rows)
    return written


# Seconds a process trusts a complete fill by the built-in rubric: every write keeps those rows
# in step, so only reports that arrive by other ways (copied in by SQL, a process running older
# code) can lack one; looking for them is a pass over every listed report (0.2–0.5 s at 100,000).
BUILT_IN_FILL_TRUSTED = 600
_filled_at: dict[tuple[str, str], float] = {}


def fill_listed(store: Store, rubric: Rubric) -> int:
    """`fill` for a list sorted by score, which joins the rows and so would leave out a report
    without one.  By the built-in rubric the check runs at most every BUILT_IN_FILL_TRUSTED
    seconds per process; by another rubric (whose rows a write removes) on every call."""
    key = (store.url, rubric_key(rubric))
    trusted = key[1] == built_in_key() and time.monotonic() - _filled_at.get(key, -math.inf) < BUILT_IN_FILL_TRUSTED
    if trusted:
        return 0
    written = fill(store, rubric)
    _filled_at[key] = time.monotonic()
    return written


def refresh_all(store: Store, rubric: Rubric) -> int:
    """Every report that counts scored again by `rubric` (`nianbao score --refresh`)."""
    with store.session() as session, session.begin():
        session.execute(delete(StoredScore).where(StoredScore.rubric == rubric_key(rubric)))
    written = fill(store, rubric)
    if store.engine.dialect.name == "postgresql":
        # Fresh statistics, so the planner walks the score-sort indexes at once: before autovacuum
        # got to a freshly filled table, a page sorted by score took 100–460 ms instead of 16–70.
        with store.engine.begin() as connection:
            connection.execute(text("ANALYZE report_scores"))
    return written


def _insert(session: Session, rubric: Rubric, rows: Sequence[Any]) -> int:
    """Score `rows` (of scoring.LINE_COLUMNS and the status) and store them, a failed file without
    a score.  A row another process wrote meanwhile (two first requests at once) is left as it
    is: both scored the same findings."""
    key = rubric_key(rubric)
    values: list[dict[str, Any]] = [{"report_id": row.id, "rubric": key, "total": None, "dimensions": None,
                                     "deductions": 0} for row in rows if row.status == STATUS_FAILED]
    values += [{"report_id": row.id, "rubric": key, "total": round(score.total, 2),
                "dimensions": json.dumps([round(d.score, 2) for d in score.dimensions]),
                "deductions": sum(1 for d in score.dimensions for item in d.items if item.points > 0)}
               for row, score in scored_lines(session, rubric, [row for row in rows if row.status != STATUS_FAILED])]
    if values:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        session.execute(insert(StoredScore).on_conflict_do_nothing(), values)
    return len(values)


# --------------------------------------------------------------------------- reading


def _counted(query: Select) -> Select:
    return query.where(COUNTED, StoredReport.status != STATUS_FAILED)


def totals(store: Store, rubric: Rubric, report_ids: Sequence[int]) -> dict[int, float]:
    """The total of each report of `report_ids` that counts (scored first if it has no row)."""
    if not report_ids:
        return {}
    fill(store, rubric, report_ids)
    key = rubric_key(rubric)
    with store.session() as session:
        query = _counted(select(StoredScore.report_id, StoredScore.total)
                         .join(StoredReport, StoredReport.id == StoredScore.report_id)
                         .where(StoredScore.rubric == key, StoredScore.report_id.in_(list(report_ids))))
        return {report_id: total for report_id, total in session.execute(query)}


@dataclass(frozen=True)
class RankedScore:
    """One line of a ranking: a report's place in its group (year and region or level)."""

    year: int | None
    group: str
    rank: int  # competition ranking: equal totals share a place (1, 2, 2, 4)
    id: int
    agency: str | None
    region: str
    level: str | None
    total: float
    dimensions: tuple[float, ...]  # in the rubric's order
    deductions: int


def region_name() -> ColumnElement:
    """scores.region_name in SQL: province, city and county written out, a part equal to the one
    before it left out (a municipality), （地区不详） when none is known."""
    province, city, county = (func.coalesce(c, literal("")) for c in
                              (StoredReport.province, StoredReport.city, StoredReport.county))
    city_part = case((city != province, city), else_=literal(""))
    before_county = case((city_part != literal(""), city_part), else_=province)
    county_part = case((county != before_county, county), else_=literal(""))
    name = province + city_part + county_part
    return case((name == literal(""), literal(UNKNOWN_REGION)), else_=name)


def agency_label() -> ColumnElement:
    """The name a ranking shows: the report's agency (the kept one after a merge, reports.agency_name),
    the printed name for a report without one."""
    return func.coalesce(StoredReport.agency_name, StoredReport.agency)


def level_name() -> ColumnElement:
    level = func.coalesce(StoredReport.level, literal(""))
    return case((level == literal(""), literal(UNKNOWN_LEVEL)), else_=level)


def ranking(store: Store, rubric: Rubric, by: str, year: int | None = None, principal: Principal | None = None,
            offset: int = 0, limit: int | None = None) -> tuple[int, list[RankedScore]]:
    """How many reports the ranking holds, and its lines from `offset` (`limit` of them when
    given): competition ranking within each year and region or level, the reports `principal`
    may see (of `year` when given).  Groups in order (years ascending, unknown last; names in
    code-point order), best first within each, equal totals by id — the order scores.rank gives."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    key = rubric_key(rubric)
    count, scored = _sizes(store, key, year, principal)
    if scored < count:  # reports without a row for this rubric: scored now, once
        fill(store, rubric)
    with store.session() as session:
        group = region_name() if by == "region" else level_name()
        if session.get_bind().dialect.name == "postgresql":
            group = group.collate("C")  # code-point order, as Python sorts the names
            session.execute(text(f"SET LOCAL work_mem = '{RANKING_WORK_MEM}'"))
        # The window's partition is the leading part of the page's order, so the rows are sorted once.
        in_order = (StoredReport.year.is_(None), StoredReport.year, group)
        place = func.rank().over(partition_by=in_order, order_by=StoredScore.total.desc())
        query = _counted(select(StoredReport.year, group.label("group"), place.label("rank"), StoredReport.id,
                                agency_label().label("agency"), region_name().label("region"), StoredReport.level,
                                StoredScore.total, StoredScore.dimensions, StoredScore.deductions)
                         .join(StoredScore, and_(StoredScore.report_id == StoredReport.id, StoredScore.rubric == key)))
        if year is not None:
            query = query.where(StoredReport.year == year)
        query = scope_filter(query, principal).order_by(*in_order, StoredScore.total.desc(), StoredReport.id)
        rows = session.execute(query.offset(offset).limit(limit)).all()
    return count, [RankedScore(row.year, row.group, row.rank, row.id, row.agency, row.region, row.level, row.total,
                               tuple(json.loads(row.dimensions)), row.deductions) for row in rows]


def _sizes(store: Store, key: str, year: int | None, principal: Principal | None) -> tuple[int, int]:
    """The reports a ranking holds, and how many of them have a row for the rubric: one pass
    that both sizes the ranking and finds whether any report is still to be scored."""
    query = _counted(select(func.count(StoredReport.id), func.count(StoredScore.report_id)).select_from(StoredReport)
                     .outerjoin(StoredScore, and_(StoredScore.report_id == StoredReport.id, StoredScore.rubric == key)))
    if year is not None:
        query = query.where(StoredReport.year == year)
    with store.session() as session:
        count, scored = session.execute(scope_filter(query, principal)).one()
    return count or 0, scored or 0
