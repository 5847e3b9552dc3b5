"""The roster of who must publish: which listed bodies published their report for a year, late or
on time, and which stored reports match no listed body.

- Matching: a report belongs to a roster entry when its agency name and one of the entry's names
  (the name, its aliases, and the name with the entry's region written in front) are one body by
  the cross-year pairing rule (checks/agency.py `pairing_key` / `same_body`: abbreviations written
  out, parent regions in front dropped).  Several entries may fit a name without its place
  (鼓楼区人民政府): the one whose region names most of the report's province/city/county wins;
  when none does, the report stays unmatched, with its candidates, for a person to link.
- A person's link (roster_links, keyed by document hash) wins over matching.
- Per year only the report version that counts (store/versions.py) of current parses is used.
- Deadline: the entry's own (month, day) in the year after the report's year, else the statutory
  one of checks/deadline.py (departments 31 January, governments 31 March, none for townships).
  Published after it: 逾期发布.  A matched report without a publication date is 已发布 with the
  date unknown (never guessed); without a deadline lateness is not judged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from sqlalchemy import delete, select

from ..checks import deadline as statutory
from ..checks.agency import pairing_key, same_body
from ..errors import NianbaoError
from ..model import Report
from .accounts import Principal, record
from .db import Store
from .models import RosterEntry, RosterLink, StoredReport
from . import roster_match
from .roster_file import RosterRow

STATUS_MISSING, STATUS_LATE, STATUS_PUBLISHED = "未发布", "逾期发布", "已发布"
STATUSES = (STATUS_MISSING, STATUS_LATE, STATUS_PUBLISHED)  # also the order rows are listed in
STATUS_EN = {STATUS_MISSING: "not published", STATUS_LATE: "published late", STATUS_PUBLISHED: "published"}
MATCHED_AUTO, MATCHED_BY_HAND = "自动", "人工"
NOT_LISTED = "不在名单"  # a manual link to no entry
CLI_AUTHOR = "命令行"  # the audit log's author of a command-line write given no --author


class RosterError(NianbaoError):
    """A roster entry or report a command names does not exist, or fits several entries."""


@dataclass(frozen=True)
class Entry:
    id: int
    name: str
    level: str | None = None
    region: str | None = None
    aliases: tuple[str, ...] = ()
    deadline: tuple[int, int] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the body may sign with; the region in front of a name written without it."""
        names = [self.name, *self.aliases]
        if self.region:
            names += [self.region + n for n in names if not n.startswith(self.region)]
        return tuple(dict.fromkeys(names))

    def due(self, year: int) -> dt.date | None:
        """The last day to publish the report on `year`; None when no deadline applies."""
        if self.deadline is None:
            return _statutory_due(self.name, year)
        month, day = self.deadline
        if (month, day) == (2, 29) and not _leap(year + 1):
            day = 28
        return dt.date(year + 1, month, day)


@dataclass(frozen=True)
class ReportRef:
    id: int
    sha256: str
    year: int | None
    agency: str | None
    published: str | None
    source: str | None
    province: str | None = None
    city: str | None = None
    county: str | None = None

    @property
    def published_date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.published) if self.published else None
        except ValueError:
            return None


@dataclass
class EntryStatus:
    entry: Entry
    year: int
    status: str
    deadline: dt.date | None
    published: dt.date | None = None  # the earliest known publication date of its reports
    reports: list[ReportRef] = field(default_factory=list)
    matched: str | None = None  # 自动 / 人工

    @property
    def date_unknown(self) -> bool:
        return bool(self.reports) and self.published is None

    @property
    def days_late(self) -> int | None:
        if self.status != STATUS_LATE or self.published is None or self.deadline is None:
            return None
        return (self.published - self.deadline).days


@dataclass
class Unmatched:
    report: ReportRef
    candidates: list[str]  # roster names that fit equally well; empty: none fits


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


# ------------------------------------------------------------------ import
def import_roster(store: Store, rows: Sequence[RosterRow], *, replace: bool = False,
                  author: str | None = None, source: str | None = None) -> ImportSummary:
    """Add the file's bodies, update those listed already (by name); with `replace`, remove the
    entries the file does not list (and their manual links).  Recorded in the audit log."""
    summary = ImportSummary()
    with store.session() as session, session.begin():
        existing = {e.name: e for e in session.scalars(select(RosterEntry))}
        for row in rows:
            values = _entry_values(row)
            entry = existing.get(row.name)
            if entry is None:
                session.add(RosterEntry(name=row.name, **values))
                summary.added += 1
            elif any(getattr(entry, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(entry, key, value)
                summary.updated += 1
            else:
                summary.unchanged += 1
        # Every stored match was made against the roster as it was.
        roster_match.forget(session.connection())
        if replace:
            gone = [e.id for name, e in existing.items() if name not in {r.name for r in rows}]
            if gone:
                session.execute(delete(RosterLink).where(RosterLink.entry_id.in_(gone)))
                session.execute(delete(RosterEntry).where(RosterEntry.id.in_(gone)))
            summary.removed = len(gone)
        record(session, author or CLI_AUTHOR, "roster.import", source,
               f"新增 {summary.added}，更新 {summary.updated}，未变 {summary.unchanged}，删除 {summary.removed}")
    return summary


def _entry_values(row: RosterRow) -> dict[str, Any]:
    return {
        "level": row.level, "region": row.region,
        "aliases": json.dumps(list(row.aliases), ensure_ascii=False) if row.aliases else None,
        "deadline": f"{row.deadline[0]:02d}-{row.deadline[1]:02d}" if row.deadline else None,
    }


def entries(store: Store, principal: Principal | None = None) -> list[Entry]:
    """The roster; for a principal with a region scope, the entries whose region or name names it."""
    # Plain rows, not ORM objects: a province's roster is thousands of entries, read on every page view.
    columns = (RosterEntry.id, RosterEntry.name, RosterEntry.level, RosterEntry.region, RosterEntry.aliases,
               RosterEntry.deadline)
    with store.engine.connect() as connection:
        roster = [_entry(row) for row in connection.execute(select(*columns).order_by(RosterEntry.id)).all()]
    if principal is None or principal.scope.unrestricted:
        return roster
    scope = principal.scope
    wanted = [part for part in (scope.province, scope.city, scope.county) if part]
    return [e for e in roster if all(part in (e.region or "") + e.name for part in wanted)]


def _entry(row: Any) -> Entry:
    month_day = tuple(int(p) for p in row.deadline.split("-")) if row.deadline else None
    return Entry(row.id, row.name, row.level, row.region, tuple(json.loads(row.aliases)) if row.aliases else (),
                 (month_day[0], month_day[1]) if month_day else None)


@functools.lru_cache(maxsize=1 << 16)
def _statutory_due(name: str, year: int) -> dt.date | None:
    # Asked for every entry on every status request; a province's roster is far below the cache's size.
    return statutory.limit(Report(year=year, agency=name))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# ------------------------------------------------------------------ matching
class Matcher:
    """Report agency names → roster entries, by the cross-year pairing rule (module docstring)."""

    def __init__(self, roster: Iterable[Entry]):
        self.by_key: dict[str, list[tuple[Entry, str]]] = {}
        for entry in roster:
            for name in entry.names:
                self.by_key.setdefault(pairing_key(name), []).append((entry, name))
        self._cache: dict[tuple, tuple[Entry | None, list[Entry]]] = {}

    def match(self, report: ReportRef) -> tuple[Entry | None, list[Entry]]:
        """(the entry, []) when one fits; (None, candidates) when several or none do."""
        place = (report.province, report.city, report.county)
        key = (report.agency, place)
        if key not in self._cache:
            self._cache[key] = self._match(report.agency, place)
        return self._cache[key]

    def _match(self, agency: str | None, place: tuple[str | None, ...]) -> tuple[Entry | None, list[Entry]]:
        if not agency:
            return None, []
        fitting = {e.id: e for e, name in self.by_key.get(pairing_key(agency), []) if same_body(agency, name)}
        candidates = list(fitting.values())
        if len(candidates) <= 1:
            return (candidates[0] if candidates else None), []
        # They differ only by the parent regions in front (pairing_key): the report's place decides.
        best = _best_placed(candidates, place)
        return (best, []) if best else (None, candidates)


def _best_placed(candidates: list[Entry], place: tuple[str | None, ...]) -> Entry | None:
    """The one entry whose region (or name) names most of the report's province, city and county."""
    def score(entry: Entry) -> int:
        text = (entry.region or "") + entry.name
        return sum(1 for part in place if part and part in text)

    scores = sorted(((score(e), e.id, e) for e in candidates), key=lambda s: -s[0])
    if scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] > scores[1][0]):
        return scores[0][2]
    return None


# ------------------------------------------------------------------ status per year
def assign(store: Store, year: int | None, principal: Principal | None = None,
           ) -> tuple[list[Entry], dict[int, list[tuple[ReportRef, str]]], list[Unmatched]]:
    """The roster, each entry's reports of `year` (with how they were matched), and the reports left
    over; only what `principal`'s region scope shows (a report outside it matches nothing)."""
    roster = entries(store)
    by_id = {e.id: e for e in roster}
    matched: dict[int, list[tuple[ReportRef, str]]] = {}
    leftover: list[Unmatched] = []
    with store.engine.begin() as connection:
        rows = roster_match.reports_with_matches(connection, year, principal, lambda: Matcher(roster))
    for row in rows:
        report = ReportRef(*row[:len(roster_match.REPORT_COLUMNS)])
        if row.linked:
            # A person's link wins; to no entry (NULL): on no roster entry, off the unmatched list.
            if row.link_entry is not None and row.link_entry in by_id:
                matched.setdefault(row.link_entry, []).append((report, MATCHED_BY_HAND))
        elif row.match_entry is not None and row.match_entry in by_id:
            matched.setdefault(row.match_entry, []).append((report, MATCHED_AUTO))
        else:
            leftover.append(Unmatched(report, roster_match.candidate_names(row.candidates)))
    if principal is not None and not principal.scope.unrestricted:
        roster = entries(store, principal)
    return roster, matched, leftover


def status(store: Store, year: int, principal: Principal | None = None) -> list[EntryStatus]:
    """Every roster entry's status for `year`: 未发布 first, then 逾期发布, then 已发布."""
    return year_view(store, year, principal)[0]


def year_view(store: Store, year: int, principal: Principal | None = None) -> tuple[list[EntryStatus], list[Unmatched]]:
    """The status of every entry and the unmatched reports of `year`, from one matching pass."""
    roster, matched, leftover = assign(store, year, principal)
    rows = [entry_status(e, year, matched.get(e.id, [])) for e in roster]
    return sorted(rows, key=lambda r: (STATUSES.index(r.status), r.entry.region or "", r.entry.name)), leftover


def entry_status(entry: Entry, year: int, reports: list[tuple[ReportRef, str]]) -> EntryStatus:
    due = entry.due(year)
    if not reports:
        return EntryStatus(entry, year, STATUS_MISSING, due)
    dates = [r.published_date for r, _ in reports if r.published_date is not None]
    published = min(dates) if dates else None
    late = published is not None and due is not None and published > due
    how = MATCHED_BY_HAND if any(h == MATCHED_BY_HAND for _, h in reports) else MATCHED_AUTO
    return EntryStatus(entry, year, STATUS_LATE if late else STATUS_PUBLISHED, due, published,
                       [r for r, _ in reports], how)


def counts(rows: Iterable[EntryStatus]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for row in rows:
        out[row.status] += 1
    return out


def unmatched(store: Store, year: int | None = None, principal: Principal | None = None) -> list[Unmatched]:
    """Stored reports (of `year`, or all) that no roster entry matches and no person linked."""
    return assign(store, year, principal)[2]


def filter_statuses(rows: Iterable[EntryStatus], *, status: str | None = None, level: str | None = None,
                    region: str | None = None, q: str | None = None) -> list[EntryStatus]:
    """The rows a person asked for: a status, a level, part of the region, part of a name."""
    def keep(row: EntryStatus) -> bool:
        entry = row.entry
        return ((not status or row.status == status) and (not level or (entry.level or "") == level)
                and (not region or region in (entry.region or "") + entry.name)
                and (not q or any(q in n for n in (entry.name, *entry.aliases))))

    return [row for row in rows if keep(row)]


def years(store: Store) -> list[int]:
    """Years the store holds reports for, newest first (the page's year choice)."""
    query = select(StoredReport.year).where(StoredReport.current.is_(True), StoredReport.year.is_not(None)).distinct()
    with store.engine.connect() as connection:
        return sorted((y for y in connection.scalars(query) if y is not None), reverse=True)


# ------------------------------------------------------------------ manual links
def find_entry(store: Store, name: str) -> Entry:
    """The entry a person named: by its name or an alias, else by the pairing rule if only one fits."""
    wanted = name.strip()
    roster = entries(store)
    exact = [e for e in roster if wanted == e.name or wanted in e.aliases]
    if not exact:
        exact = [e for e in roster if any(same_body(wanted, n) for n in e.names)]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise RosterError(f"名单中没有“{wanted}”（先用 nianbao roster import 导入名单）", f"no roster entry named {wanted}")
    names = "、".join(e.name for e in exact[:10])
    raise RosterError(f"“{wanted}”对应名单中多个机关：{names}，请写全称", f"{wanted} fits several roster entries; give the full name")


def link(store: Store, report_id: int, name: str | None, author: str | None = None) -> str:
    """Link a stored report to a roster entry by hand, or with `name` None mark it as on no entry
    (it leaves the unmatched list); either replaces an earlier link of its document."""
    entry = find_entry(store, name) if name is not None else None
    with store.session() as session, session.begin():
        report = session.get(StoredReport, report_id)
        if report is None:
            raise RosterError(f"没有编号为 {report_id} 的报告", f"no report with id {report_id}")
        existing = session.scalar(select(RosterLink).where(RosterLink.sha256 == report.sha256))
        entry_id = entry.id if entry else None
        if existing is None:
            session.add(RosterLink(sha256=report.sha256, entry_id=entry_id, author=author))
        else:
            existing.entry_id, existing.author, existing.created_at = entry_id, author, dt.datetime.now(dt.timezone.utc)
        agency = report.agency or report.source or ""
        record(session, author or CLI_AUTHOR, "roster.link", f"report {report_id}", entry.name if entry else NOT_LISTED)
    if entry is None:
        return f"已标记报告 {report_id}（{agency}）不在名单中 / report marked as on no roster entry"
    return f"已将报告 {report_id}（{agency}）关联到名单机关“{entry.name}” / report linked to the roster entry"


def unlink(store: Store, report_id: int, author: str | None = None) -> str:
    with store.session() as session, session.begin():
        report = session.get(StoredReport, report_id)
        if report is None:
            raise RosterError(f"没有编号为 {report_id} 的报告", f"no report with id {report_id}")
        existing = session.scalar(select(RosterLink).where(RosterLink.sha256 == report.sha256))
        if existing is not None:
            session.delete(existing)
            record(session, author or CLI_AUTHOR, "roster.unlink", f"report {report_id}")
    if existing is None:
        return f"报告 {report_id} 没有人工关联 / the report had no manual link"
    return f"已取消报告 {report_id} 的人工关联，改为自动匹配 / manual link removed; matched automatically again"
