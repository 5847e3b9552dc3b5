"""Scores of every report that counts, computed once per rubric and store state, then kept.

Scoring in Python on every request of /scores, /api/scores or the overview costs seconds at
100,000 reports.  The board holds one light line per report (its groups, total and dimension
scores, no findings) and the rankings asked for so far; it is brought up to date when the store
changes, rescoring only the reports that changed.

A change is seen through `store_state`: a few aggregates that every write of the store moves —
reports added or removed (count, highest id), findings rewritten by a check or re-check
(highest finding id; the error and warning sums cover a re-check that only removes), verdicts
given or changed (count, latest decision time), values, facts and regions corrected (highest
correction ids).  It is one statement: index look-ups and one pass over `reports`, against
seconds to rescore (figures in docs/scores.md).  Each web worker process keeps its own board;
the state comes from the database, so they agree.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Any, Sequence

from sqlalchemy import Row, func, select, true
from sqlalchemy.orm import Session

from .. import scores
from ..scores import Rubric
from .accounts import Principal
from .db import Store
from .models import (
    Correction, FactCorrection, FindingVerdict, RegionCorrection, StoredFinding, StoredReport,
)
from .scoring import counted_rows, scored_codes, scored_lines

RANKINGS_KEPT = 32  # rankings (grouping × year × scope) kept per board: every visitor's view and a few more
BOARDS_KEPT = 4  # boards (database × rubric) kept per process: one app, a test or two
# A first build of up to this many reports is done while the overview waits: about 0.5 ms a
# report on the benchmark machine (10,000 reports: 4–6 s), so at most a second.
WAIT_FOR_FIRST_BUILD = 2000


@dataclass(frozen=True)
class ScoreLine:
    """What a ranking or the overview shows of a report's score."""

    id: int
    agency: str | None
    year: int | None
    level: str | None
    province: str | None
    city: str | None
    county: str | None
    region: str
    total: float
    dimensions: tuple[float, ...]  # in the rubric's order
    deductions: int  # findings that cost points

    @property
    def level_group(self) -> str:
        return self.level or UNKNOWN_LEVEL


UNKNOWN_LEVEL = "（层级不详）"
# A line's group in a ranking, as a (year, name) tuple: attrgetter builds it in C, which counts
# at 100,000 lines a ranking.
GROUP_KEYS = {"region": attrgetter("year", "region"), "level": attrgetter("year", "level_group")}


def rubric_key(rubric: Rubric) -> str:
    """Two rubrics that score alike have the same key (the source path does not count)."""
    content = repr((rubric.name, rubric.doubtful, rubric.dimensions))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class StoreState:
    """Aggregates that every write to what scores depend on moves (see the module's docstring)."""

    reports: tuple  # count, highest id, sums of error and warning counts (a re-check changes them)
    last_finding: int | None
    verdicts: tuple  # count, latest decision
    corrections: tuple  # highest ids of value, fact and region corrections


def store_state(session: Session) -> StoreState:
    """One statement of scalar subqueries: one round trip."""
    def highest(column):
        return select(func.max(column)).scalar_subquery()

    reports = select(func.count(StoredReport.id), func.max(StoredReport.id), func.sum(StoredReport.n_errors),
                     func.sum(StoredReport.n_warnings)).subquery()
    verdicts = select(func.count(FindingVerdict.id), func.max(FindingVerdict.decided_at)).subquery()
    row = session.execute(select(reports, verdicts, highest(StoredFinding.id), highest(Correction.id),
                                 highest(FactCorrection.id), highest(RegionCorrection.id))
                          .select_from(reports).join(verdicts, true())).one()  # one row each: no join condition
    return StoreState(tuple(row[:4]), row[6], tuple(row[4:6]), tuple(row[7:]))


class ScoreBoard:
    """The scores of one store by one rubric, kept while the store's state stays the same.

    When the state moves, only the reports that changed are scored again: those whose columns a
    line shows changed (a fact or region corrected), that were added or came to count, whose
    findings of the rubric's rules changed (a check, a re-check) and whose document's verdicts
    changed.  Finding that set takes three grouped reads; scoring every report again is the
    cost of the first request only."""

    def __init__(self, store: Store, rubric: Rubric):
        self.store, self.rubric = store, rubric
        self._lock = threading.Lock()
        self._state: StoreState | None = None
        self._lines: dict[int, ScoreLine] = {}
        self._rows: dict[int, Row] = {}  # the report columns each line was made from
        self._finding_marks: dict[int, tuple] = {}  # report id → (count, highest id) of its scored findings
        self._verdict_marks: dict[str, tuple] = {}  # document → (count, latest decision) of its verdicts
        self._rankings: OrderedDict[tuple, list[scores.Ranked]] = OrderedDict()  # by (grouping, year, scope)
        # What the last refresh did (the tests and the benchmark read these): reports scored, and
        # "followed" (the writes were followed) or "compared" (every report compared).
        self.rescored = 0
        self.refreshed_by = ""
        self._rescored_ids: set[int] = set()
        self._first_build: threading.Thread | None = None

    def lines(self) -> dict[int, ScoreLine]:
        """Every report that counts, by id, scored; brought up to date first if the store changed."""
        return self._current()[1]

    def _current(self) -> tuple[StoreState, dict[int, ScoreLine]]:
        """The lines brought up to date, and the state they are of."""
        with self.store.session() as session:
            state = store_state(session)
            with self._lock:
                if state != self._state:
                    self._refresh(session, self._state, state)
                    self._update_rankings()
                    self._state = state
                return state, self._lines

    def _update_rankings(self) -> None:
        """After followed writes no report changed its year, region or level, or came or went:
        only the groups of the rescored reports are ranked again (a ranking of 100,000 reports
        takes about a second).  After a comparison of every report, all are dropped."""
        if self.refreshed_by != "followed":
            self._rankings.clear()
            return
        for key, ranked in self._rankings.items():
            self._rankings[key] = self._reranked(key[0], ranked)

    def _reranked(self, by: str, ranked: list[scores.Ranked]) -> list[scores.Ranked]:
        group_of = GROUP_KEYS[by]
        touched = {group_of(self._lines[i]) for i in self._rescored_ids if i in self._lines}
        if not touched:
            return ranked
        out: list[scores.Ranked] = []
        for group, run in groupby(ranked, key=attrgetter("group")):  # a group's entries are together
            if group in touched:
                # In id order, as the lines were given to the first ranking: ties end up alike.
                entries = sorted((self._lines[r.entry.id] for r in run), key=attrgetter("id"))
                out.extend(scores.rank(entries, group_of, attrgetter("total")))
            else:
                out.extend(run)
        return out

    def lines_once_built(self) -> dict[int, ScoreLine] | None:
        """As `lines` once the board has been built; before that, for a large store, None, and the
        first build (every report scored: seconds at volume) is started in the background, so that
        a page showing scores beside other things (the overview) does not wait for it."""
        with self._lock:
            built = self._state is not None
        if not built and self._small():
            return self.lines()
        with self._lock:
            if not built and self._first_build is None:
                self._first_build = threading.Thread(target=self.lines, name="score board", daemon=True)
                self._first_build.start()
        return self.lines() if built else None

    def _small(self) -> bool:
        with self.store.session() as session:
            return (session.scalar(select(func.count(StoredReport.id))) or 0) <= WAIT_FOR_FIRST_BUILD

    def _refresh(self, session: Session, old: StoreState | None, new: StoreState) -> None:
        """The frequent writes of a day's review touch a few reports and are followed cheaply:
        verdicts (the documents whose verdicts changed) and checks that add findings (the reports
        of the findings written since).  Any other change is found by comparing every report."""
        if old is not None and _followable(old, new):
            documents = self._changed_documents(session) if old.verdicts != new.verdicts else set()
            reports = _reports_with_findings_after(session, old.last_finding) if old.last_finding != new.last_finding else set()
            self._rescore(session, [row for row in self._rows.values() if row.id in reports or row.sha256 in documents])
            for report_id in reports:  # a report may have no finding of the rubric's rules left
                self._finding_marks.pop(report_id, None)
            if reports:
                self._finding_marks.update(_finding_marks(session, self.rubric, reports))
            self.refreshed_by = "followed"
            return
        self._compare_all(session)
        self.refreshed_by = "compared"

    def _changed_documents(self, session: Session) -> set[str]:
        verdicts = _verdict_marks(session)
        changed = {sha for sha, mark in verdicts.items() if self._verdict_marks.get(sha) != mark}
        changed |= set(self._verdict_marks) - set(verdicts)  # every verdict of a document withdrawn
        self._verdict_marks = verdicts
        return changed

    def _rescore(self, session: Session, rows: list[Row]) -> None:
        # A new dict, not an update in place: a request may be ranking the previous one.
        self._lines = {**self._lines, **{line.id: line for line in _lines(session, self.rubric, rows)}}
        self.rescored = len(rows)
        self._rescored_ids = {row.id for row in rows}

    def _compare_all(self, session: Session) -> None:
        rows = {row.id: row for row in counted_rows(session)}
        findings = _finding_marks(session, self.rubric)
        documents = self._changed_documents(session)
        dirty = [row for report_id, row in rows.items()
                 if self._rows.get(report_id) != row or self._finding_marks.get(report_id) != findings.get(report_id)
                 or row.sha256 in documents]
        self._lines = {report_id: line for report_id, line in self._lines.items() if report_id in rows}
        self._rows, self._finding_marks = rows, findings
        self._rescore(session, dirty)

    def ranking(self, by: str, year: int | None = None, principal: Principal | None = None) -> list[scores.Ranked]:
        """Competition ranking within each year and region or level, groups in sorted order, of the
        reports `principal` may see (of `year` when given)."""
        state, lines = self._current()
        scope = principal.scope if principal is not None else None
        key = (by, year, scope)
        with self._lock:
            kept = self._rankings.get(key) if self._state == state else None
            if kept is not None:
                self._rankings.move_to_end(key)
                return kept
        chosen = [line for line in lines.values() if (year is None or line.year == year)
                  and (scope is None or scope.contains(line.province, line.city, line.county))]
        ranked = scores.rank(chosen, GROUP_KEYS[by], attrgetter("total"))
        with self._lock:
            if self._state != state:  # the store moved on meanwhile: not kept for the newer lines
                return ranked
            self._rankings[key] = ranked
            while len(self._rankings) > RANKINGS_KEPT:
                self._rankings.popitem(last=False)
        return ranked


def _followable(old: StoreState, new: StoreState) -> bool:
    """No report added or removed, nothing corrected; the error and warning counts moved only
    if findings were written or verdicts given (a dismissed finding stops counting), not by a
    check that only removed findings (found by comparing all)."""
    same_reports = old.reports[:2] == new.reports[:2]
    counts_explained = (old.reports[2:] == new.reports[2:] or old.last_finding != new.last_finding
                        or old.verdicts != new.verdicts)
    return same_reports and counts_explained and old.corrections == new.corrections


def _finding_marks(session: Session, rubric: Rubric, reports: set[int] | None = None) -> dict[int, tuple]:
    """Per report (of `reports` when given), the count and highest id of its findings of the
    rubric's rules: a check replaces a report's findings with new rows, so either moves when they change."""
    query = (select(StoredFinding.report_id, func.count(StoredFinding.id), func.max(StoredFinding.id))
             .where(StoredFinding.code.in_(scored_codes(rubric))).group_by(StoredFinding.report_id))
    if reports is not None:
        query = query.where(StoredFinding.report_id.in_(sorted(reports)))
    return {report_id: (count, highest) for report_id, count, highest in session.execute(query)}


def _reports_with_findings_after(session: Session, last: int | None) -> set[int]:
    query = select(StoredFinding.report_id).distinct()
    if last is not None:
        query = query.where(StoredFinding.id > last)
    return set(session.scalars(query))


def _verdict_marks(session: Session) -> dict[str, tuple]:
    query = (select(FindingVerdict.sha256, func.count(FindingVerdict.id), func.max(FindingVerdict.decided_at))
             .group_by(FindingVerdict.sha256))
    return {sha256: (count, latest) for sha256, count, latest in session.execute(query)}


def _lines(session: Session, rubric: Rubric, rows: Sequence[Row]) -> list[ScoreLine]:
    out = []
    for row, score in scored_lines(session, rubric, rows):
        out.append(ScoreLine(
            id=row.id, agency=row.agency, year=row.year, level=row.level, province=row.province, city=row.city,
            county=row.county, region=scores.region_name(row.province, row.city, row.county),
            total=round(score.total, 2), dimensions=tuple(round(d.score, 2) for d in score.dimensions),
            deductions=sum(1 for d in score.dimensions for item in d.items if item.points > 0)))
    return out


_boards: OrderedDict[tuple[str, str], ScoreBoard] = OrderedDict()
_boards_lock = threading.Lock()


def board(store: Store, rubric: Rubric) -> ScoreBoard:
    """The process's board for this database and rubric."""
    key = (store.url, rubric_key(rubric))
    with _boards_lock:
        found = _boards.get(key)
        if found is None or found.store is not store:
            found = _boards[key] = ScoreBoard(store, rubric)
        _boards.move_to_end(key)
        while len(_boards) > BOARDS_KEPT:
            _boards.popitem(last=False)
        return found


def page(items: Sequence[Any], offset: int, limit: int) -> tuple[list[Any], int | None]:
    """One page of a ranking and the offset of the next (None on the last page)."""
    chunk = list(items[offset: offset + limit])
    return chunk, (offset + limit if offset + limit < len(items) else None)
