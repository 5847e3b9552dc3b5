"""Review status: people's verdicts on findings and where each report's review stands.

The one place with the logic; the CLI (`nianbao review`), the REST API and the web pages
call these functions.

- A finding's verdict is 待核 pending (no row), 确认 confirmed or 驳回 dismissed, with the
  reviewer, the time and a note.  A finding is named by its document (the SHA-256 of the
  file, as corrections are), its rule and its cells — never by its findings row id, which
  every re-check and re-parse replaces — so the verdict outlives both.  Its `key` is
  `<first 8 hex of the document hash>-<8 hex of a hash of rule and cells>`: stable, short
  enough to type, and found again without scanning every finding (the prefix narrows the
  search to one document).
- A dismissed finding stays listed (marked 已驳回) but no longer counts in the report's
  `n_errors` / `n_warnings`, the counts the overview, stats, exports and version choice
  read.  Every writer of findings recounts through `recount_findings` (one definition).
- A report's review is 未审 / 审核中 / 已审 with who set it and when, and the account name of
  the reviewer it is assigned to; also keyed by document hash.
- Bulk actions take a `Selection` of reports (the overview's filters, review state, a region
  scope) and, for verdicts, a rule and a severity.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Sequence, cast

from sqlalchemy import Table, bindparam, false, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .accounts import (
    MAX_NAME, ROLE_VIEWER, Principal, any_accounts, find_account, in_scope, list_accounts, principal_of, record,
    scope_filter,
)
from .batching import batched
from .db import Store
from .matching import name_matches, region_matches
from .rows import finding_cells
from .stored_scores import refresh_documents as refresh_scores
from .models import FindingVerdict, ReportReview, StoredFinding, StoredReport
from .reports import number
from .versions import COUNTED

PENDING, CONFIRMED, DISMISSED = "pending", "confirmed", "dismissed"
VERDICT_LABELS = {PENDING: "待核", CONFIRMED: "确认", DISMISSED: "驳回"}
# How a dismissed finding is marked where it stays listed.
DISMISSED_MARK = "已驳回"

UNREVIEWED, IN_REVIEW, REVIEWED = "unreviewed", "in_review", "reviewed"
STATUS_LABELS = {UNREVIEWED: "未审", IN_REVIEW: "审核中", REVIEWED: "已审"}
# The audit log's word for the automatic move from 未审 to 审核中 at a report's first verdict.
FIRST_VERDICT_NOTE = "审核中（首条审核意见，自动）/ in review (first verdict, automatic)"

# Row ids are SQLAlchemy `Integer`: 32-bit on PostgreSQL.  A larger id typed by a person matches
# nothing; sent to the driver it would fail there (out of range) instead of being "not found".
_MAX_ROW_ID = 2**31 - 1

# Documents per IN (...) list: far below SQLite's and PostgreSQL's parameter limits.
_IN_BATCH = 500
# Hex digits of each half of a finding key: 8 of the document hash narrow a lookup to one
# document (a collision only widens the search), 8 of rule and cells tell its findings apart.
_KEY_HALF = 8

_REPORTS = cast(Table, StoredReport.__table__)
_FINDINGS = cast(Table, StoredFinding.__table__)
_VERDICTS = cast(Table, FindingVerdict.__table__)
_REVIEWS = cast(Table, ReportReview.__table__)


class ReviewError(ValueError):
    """A review request refused; the message is Chinese / English."""


CONCURRENT_CHANGE = "同一项刚被他人修改，请刷新后重试 / changed by someone else at the same moment, reload and try again"


class ConcurrentChange(RuntimeError):
    """Another reviewer wrote the same verdict or review row first; the message is CONCURRENT_CHANGE."""


@contextmanager
def reviewing(store: Store, *, write: bool) -> Iterator[Session]:
    """The session the functions below are called with, for the CLI and the web app alike: with
    `write`, one transaction committed when the block ends.  A unique row another reviewer wrote
    first (the constraint fires at commit) becomes ConcurrentChange: try again after a reload."""
    try:
        with store.use(write=write) as session:
            yield session
    except IntegrityError as exc:
        raise ConcurrentChange(CONCURRENT_CHANGE) from exc


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --------------------------------------------------------------------------- names and keys

def verdict_code(text: str) -> str:
    """pending / confirmed / dismissed from the code or its Chinese label (待核 / 确认 / 驳回)."""
    return _code(text, VERDICT_LABELS, "审核意见", "verdict")


def status_code(text: str) -> str:
    """unreviewed / in_review / reviewed from the code or its Chinese label (未审 / 审核中 / 已审)."""
    return _code(text, STATUS_LABELS, "审核状态", "review status")


def _code(text: str, labels: dict[str, str], name_zh: str, name_en: str) -> str:
    given = (text or "").strip()
    for code, label in labels.items():
        if given in (code, label):
            return code
    choices = " / ".join(f"{label} {code}" for code, label in labels.items())
    raise ReviewError(f"未知{name_zh}“{given}”，可选：{choices} / unknown {name_en}")


def person(name: str | None) -> str | None:
    """A reviewer's or assignee's name as stored (trimmed; empty: nobody); refused when longer
    than the column holds, which PostgreSQL would refuse with an error."""
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise ReviewError(f"姓名过长（最多 {MAX_NAME} 个字符）：{name[:20]}… / name longer than {MAX_NAME} characters")
    return name or None


def cells_text(cells: Iterable[str]) -> str:
    """A finding's cells as the findings table stores them (store/rows.py finding_row)."""
    return json.dumps(list(cells), ensure_ascii=False)


def finding_key(sha256: str, code: str, cells: Iterable[str]) -> str:
    digest = hashlib.sha256(f"{code}\n{','.join(cells)}".encode("utf-8")).hexdigest()
    return f"{sha256[:_KEY_HALF]}-{digest[:_KEY_HALF]}"


# --------------------------------------------------------------------------- counting

# A finding some person dismissed: the verdict of the same document, rule and cells.
_DISMISSED = select(literal(1)).where(
    _VERDICTS.c.sha256 == _REPORTS.c.sha256, _VERDICTS.c.code == _FINDINGS.c.code,
    _VERDICTS.c.cells == _FINDINGS.c.cells, _VERDICTS.c.verdict == DISMISSED,
).exists()


def counted_findings(severity: str):
    """How many of a report's findings of `severity` count: all but the dismissed ones.
    A scalar subquery correlated with `reports`, for UPDATE … SET n_errors = …."""
    return (
        select(func.count()).select_from(_FINDINGS)
        .where(_FINDINGS.c.report_id == _REPORTS.c.id, _FINDINGS.c.severity == severity, ~_DISMISSED)
        .scalar_subquery()
    )


def recount_findings(connection, *where) -> None:
    """Recount n_errors / n_warnings of the reports matching `where`, in the caller's transaction."""
    connection.execute(update(_REPORTS).where(*where).values(
        n_errors=counted_findings("error"), n_warnings=counted_findings("warning")))


# Built once: the writer asks it for every report it stores.
_ANY_DISMISSED = select(literal(1)).where(
    _VERDICTS.c.sha256 == bindparam("sha"), _VERDICTS.c.verdict == DISMISSED).limit(1)


def has_dismissals(connection, sha256: str) -> bool:
    """Whether a person dismissed any finding of this document: only then do counts need the verdicts."""
    return connection.execute(_ANY_DISMISSED, {"sha": sha256}).first() is not None


def _recount_documents(session: Session, hashes: Iterable[str]) -> None:
    session.flush()
    documents = sorted(set(hashes))
    for chunk in batched(documents, _IN_BATCH):
        recount_findings(session.connection(), _REPORTS.c.sha256.in_(chunk))
    refresh_scores(session, documents)  # a dismissed finding deducts nothing (store/stored_scores.py)


# --------------------------------------------------------------------------- findings and verdicts

def findings_with_verdicts(session: Session, report_id: int, principal: Principal | None = None) -> list[dict[str, Any]]:
    """A report's findings, in stored order, each with its key and its verdict.

    Each item: id, key, code, severity, message, message_en, cells (list of keys), expected,
    found, verdict (pending / confirmed / dismissed), verdict_label (待核 / 确认 / 驳回),
    reviewer, note, decided_at (ISO text or None), counted (False when dismissed).
    A report outside `principal`'s region scope is not found."""
    row = _report(session, report_id, principal)
    findings = session.scalars(
        select(StoredFinding).where(StoredFinding.report_id == report_id).order_by(StoredFinding.id)).all()
    verdicts = _verdicts_of(session, row.sha256)
    return [_finding_item(row.sha256, finding, verdicts.get((finding.code, finding.cells or "[]"))) for finding in findings]


def _verdicts_of(session: Session, sha256: str) -> dict[tuple[str, str], FindingVerdict]:
    rows = session.scalars(select(FindingVerdict).where(FindingVerdict.sha256 == sha256))
    return {(v.code, v.cells): v for v in rows}


def _finding_item(sha256: str, finding: StoredFinding, verdict: FindingVerdict | None) -> dict[str, Any]:
    cells = finding_cells(finding.cells)
    code = verdict.verdict if verdict is not None else PENDING
    return {
        "id": finding.id, "key": finding_key(sha256, finding.code, cells), "code": finding.code,
        "severity": finding.severity, "message": finding.message, "message_en": finding.message_en,
        "cells": cells, "expected": number(finding.expected), "found": number(finding.found),
        **_verdict_fields(verdict, code),
        "counted": code != DISMISSED and finding.severity in ("error", "warning"),
    }


def _verdict_fields(verdict: FindingVerdict | None, code: str) -> dict[str, Any]:
    return {
        "verdict": code, "verdict_label": VERDICT_LABELS[code],
        "reviewer": verdict.reviewer if verdict else None, "note": verdict.note if verdict else None,
        "decided_at": verdict.decided_at.isoformat() if verdict and verdict.decided_at else None,
    }


def find_finding(session: Session, ident: str | int, report_id: int | None = None,
                 principal: Principal | None = None) -> tuple[StoredReport, StoredFinding]:
    """A finding by its row id or by its key (of the current parse of its document).

    With `report_id`, the finding must belong to that report (the API's paths say which);
    a finding of a report outside `principal`'s region scope is not found."""
    text = str(ident).strip()
    found = _finding_by_id(session, int(text)) if _row_id(text) else _finding_by_key(session, text, report_id)
    if found is None or (report_id is not None and found[0].id != report_id) or not in_scope(found[0], principal):
        raise LookupError(f"找不到问题 {text} / finding not found")
    return found


def _row_id(text: str) -> bool:
    """Whether a person's text is a row id (digits only); one beyond any row is not looked up."""
    return text.isdigit() and 0 < int(text) <= _MAX_ROW_ID


def _finding_by_id(session: Session, finding_id: int) -> tuple[StoredReport, StoredFinding] | None:
    finding = session.get(StoredFinding, finding_id)
    if finding is None:
        return None
    report = session.get(StoredReport, finding.report_id)
    return (report, finding) if report is not None else None


def _finding_by_key(session: Session, key: str, report_id: int | None) -> tuple[StoredReport, StoredFinding] | None:
    prefix = key.split("-", 1)[0]
    if len(prefix) != _KEY_HALF:
        return None
    query = select(StoredReport).where(StoredReport.sha256.startswith(prefix))
    query = query.where(StoredReport.id == report_id) if report_id is not None else query.where(StoredReport.current.is_(True))
    for report in session.scalars(query.order_by(StoredReport.id.desc())).all():
        for finding in session.scalars(select(StoredFinding).where(StoredFinding.report_id == report.id)):
            if finding_key(report.sha256, finding.code, finding_cells(finding.cells)) == key:
                return report, finding
    return None


def set_verdict(session: Session, ident: str | int, verdict: str, reviewer: str, note: str | None = None,
                report_id: int | None = None, principal: Principal | None = None) -> dict[str, Any]:
    """Record a person's verdict on one finding (by row id or key); its report's counts follow.
    Returns the finding as `findings_with_verdicts` lists it.  The caller commits."""
    code = verdict_code(verdict)
    report, finding = find_finding(session, ident, report_id, principal)
    stored = _record_verdict(session, report.sha256, finding.code, finding_cells(finding.cells), code, reviewer, note)
    _recount_documents(session, [report.sha256])
    record(session, reviewer, "review.verdict", f"report {report.id} finding {stored.key}",
           f"{finding.code} {VERDICT_LABELS[code]}" + (f"：{note}" if note else ""))
    if code != PENDING and _start_review(session, [report.sha256], reviewer):
        record(session, reviewer, "review.status", f"report {report.id}", FIRST_VERDICT_NOTE)
    return _finding_item(report.sha256, finding, stored)


def _record_verdict(session: Session, sha256: str, code: str, cells: list[str], verdict: str, reviewer: str,
                    note: str | None) -> FindingVerdict:
    key = finding_key(sha256, code, cells)
    existing = _stored_verdict(session, key)
    if existing is None:
        existing = FindingVerdict(key=key, sha256=sha256, code=code, cells=cells_text(cells))
        session.add(existing)
    existing.verdict, existing.reviewer, existing.note, existing.decided_at = verdict, person(reviewer), note or None, _now()
    return existing


def _stored_verdict(session: Session, key: str) -> FindingVerdict | None:
    # Two reviewers judging one new finding at the same moment both find none here; the second
    # insert then fails on the unique key (IntegrityError), which the CLI and the web app say
    # as "changed at the same moment, try again" (CONCURRENT_CHANGE).
    return session.scalar(select(FindingVerdict).where(FindingVerdict.key == key))


# --------------------------------------------------------------------------- selections

@dataclass
class Selection:
    """Which reports a list or bulk action covers: the reports that count (one version per
    agency and year, store/versions.py) matching every filter given."""

    report_ids: Sequence[int] | None = None
    region: str | None = None  # part of a province, city, county or township name, or a code prefix
    year: int | None = None
    level: str | None = None
    agency: str | None = None  # part of the agency or file name
    status: str | None = None  # unreviewed / in_review / reviewed (labels accepted)
    assignee: str | None = None
    with_errors: bool = False
    principal: Principal | None = None  # only the reports this account may see (its region scope)

    def conditions(self) -> list[Any]:
        where: list[Any] = [COUNTED]
        if self.report_ids is not None:
            where.append(StoredReport.id.in_(list(self.report_ids)))
        if self.region:
            where.append(region_matches(self.region))
        where += [column == value for column, value in (
            (StoredReport.year, self.year), (StoredReport.level, self.level), (ReportReview.assignee, self.assignee),
        ) if value]
        if self.agency:
            where.append(name_matches(self.agency))
        if self.status:
            where.append(_STATUS == status_code(self.status))
        if self.with_errors:
            where.append(StoredReport.n_errors > 0)
        return where


# No review row: 未审.
_STATUS = func.coalesce(ReportReview.status, UNREVIEWED)


def with_review_filter(query, status: str | None, assignee: str | None, *, mine: bool = False):
    """`query` (a select of reports) narrowed to one review status and/or one assignee: the
    overview's filters.  With `mine` and no assignee (a visitor nobody assigns to), nothing matches."""
    if not (status or mine):
        return query
    query = query.outerjoin(ReportReview, ReportReview.sha256 == StoredReport.sha256)
    if status:
        query = query.where(_STATUS == status_code(status))
    if mine:
        query = query.where(ReportReview.assignee == assignee) if assignee else query.where(false())
    return query


def _reports_query(selection: Selection, *columns):
    query = (select(*columns).select_from(StoredReport)
             .outerjoin(ReportReview, ReportReview.sha256 == StoredReport.sha256).where(*selection.conditions()))
    return scope_filter(query, selection.principal)


def selected_hashes(session: Session, selection: Selection) -> list[str]:
    return list(session.scalars(_reports_query(selection, StoredReport.sha256).distinct()))


def review_list(session: Session, selection: Selection, limit: int | None = 100, offset: int = 0,
                most_errors_first: bool = False) -> list[dict[str, Any]]:
    """Reports of the selection with their review state (agency order, or most errors first)."""
    query = _reports_query(selection, StoredReport, ReportReview)
    order = (StoredReport.n_errors.desc(), StoredReport.n_warnings.desc()) if most_errors_first else ()
    query = query.order_by(*order, StoredReport.agency, StoredReport.year.desc(), StoredReport.id.desc()).offset(offset)
    if limit:
        query = query.limit(limit)
    return [{**_report_item(report), **review_fields(review)} for report, review in session.execute(query)]


def review_count(session: Session, selection: Selection) -> int:
    return session.scalar(select(func.count()).select_from(_reports_query(selection, StoredReport.id).subquery())) or 0


def my_queue(session: Session, reviewer: str, limit: int | None = 100,
             principal: Principal | None = None) -> list[dict[str, Any]]:
    """我的待审: reports assigned to `reviewer` not yet 已审, most errors first (within `principal`'s scope)."""
    selection = Selection(assignee=reviewer, principal=principal)
    query = _reports_query(selection, StoredReport, ReportReview).where(_STATUS != REVIEWED)
    query = query.order_by(StoredReport.n_errors.desc(), StoredReport.n_warnings.desc(), StoredReport.agency,
                           StoredReport.id)
    if limit:
        query = query.limit(limit)
    return [{**_report_item(report), **review_fields(review)} for report, review in session.execute(query)]


def _report_item(report: StoredReport) -> dict[str, Any]:
    return {"id": report.id, "sha256": report.sha256, "agency": report.agency, "year": report.year,
            "source": report.source, "province": report.province, "city": report.city, "county": report.county,
            "n_errors": report.n_errors, "n_warnings": report.n_warnings, "n_uncertain": report.n_uncertain}


def review_fields(review: ReportReview | None) -> dict[str, Any]:
    """A report's review state as the lists, the report page and the API show it."""
    status = review.status if review is not None else UNREVIEWED
    return {
        "review_status": status, "review_status_label": STATUS_LABELS[status],
        "status_by": review.status_by if review else None,
        "status_at": review.status_at.isoformat() if review and review.status_at else None,
        "assignee": review.assignee if review else None,
        "assigned_by": review.assigned_by if review else None,
        "assigned_at": review.assigned_at.isoformat() if review and review.assigned_at else None,
        "review_note": review.note if review else None,
    }


def reviews_of(session: Session, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Document hash → its review state, for a page of a list (documents without a row: 未审)."""
    hashes = sorted(set(hashes))
    found: dict[str, ReportReview] = {}
    for chunk in batched(hashes, _IN_BATCH):
        found.update((r.sha256, r) for r in session.scalars(select(ReportReview).where(ReportReview.sha256.in_(chunk))))
    return {sha: review_fields(found.get(sha)) for sha in hashes}


def report_review(session: Session, report_id: int, principal: Principal | None = None) -> dict[str, Any]:
    report = _report(session, report_id, principal)
    return review_fields(session.get(ReportReview, report.sha256))


def _report(session: Session, report_id: int, principal: Principal | None = None) -> StoredReport:
    """The report row; one outside `principal`'s region scope is not found (its existence does not leak)."""
    report = session.get(StoredReport, report_id) if 0 < report_id <= _MAX_ROW_ID else None
    if report is None or not in_scope(report, principal):
        raise LookupError(f"找不到报告 {report_id} / report not found")
    return report


# --------------------------------------------------------------------------- report status and assignment

def set_status(session: Session, report_id: int, status: str, by: str, note: str | None = None,
               principal: Principal | None = None) -> dict[str, Any]:
    """Set one report's review status (by document: every parse of the file shares it). The caller commits."""
    code = status_code(status)
    review = _set_status(session, _report(session, report_id, principal).sha256, code, by, note)
    record(session, by, "review.status", f"report {report_id}", STATUS_LABELS[code] + (f"：{note}" if note else ""))
    return review_fields(review)


def assign(session: Session, report_id: int, assignee: str | None, by: str,
           principal: Principal | None = None) -> dict[str, Any]:
    """Assign one report to a reviewer by account name (None or "" takes the assignment back)."""
    report = _report(session, report_id, principal)
    reviewer = _assignee(session, assignee)
    if reviewer is not None and not in_scope(report, reviewer):
        raise ReviewError(f"报告 {report_id} 不在“{reviewer.name}”的地区范围（{reviewer.scope.label()}）内，对方看不到它"
                          f" / the report lies outside {reviewer.name}'s region")
    review = _assign(session, report.sha256, assignee, by)
    record(session, by, "review.assign", f"report {report_id}", review.assignee or "（收回 unassigned）")
    return review_fields(review)


def _assignee(session: Session, name: str | None) -> Principal | None:
    """The account a report is assigned to, checked: once accounts exist, the name must be one
    that may review (not 只读).  None when taking an assignment back, or without accounts (the
    CLI on a database nobody logs in to: any name)."""
    name = person(name)
    if name is None or not any_accounts(session):
        return None
    account = find_account(session, name)
    if account is None:
        raise ReviewError(f"没有名为“{name}”的账户 / no account named {name}")
    if account.role == ROLE_VIEWER:
        raise ReviewError(f"“{name}”是只读账户，不能审核 / {name} is a read-only account")
    if account.disabled_at is not None:
        raise ReviewError(f"“{name}”的账户已停用，不能分派 / {name}'s account is disabled")
    return principal_of(account)


def assignable(session: Session, report_id: int | None = None) -> list[str]:
    """Names a report may be assigned to (all reviewers and administrators in use, or those whose
    region holds `report_id`); empty without accounts, where any name goes."""
    report = session.get(StoredReport, report_id) if report_id is not None else None
    return [account.name for account in list_accounts(session) if account.role != ROLE_VIEWER
            and account.disabled_at is None and (report is None or in_scope(report, principal_of(account)))]


def _review_row(session: Session, sha256: str) -> ReportReview:
    review = session.get(ReportReview, sha256)
    if review is None:
        review = ReportReview(sha256=sha256, status=UNREVIEWED)
        session.add(review)
    return review


def _set_status(session: Session, sha256: str, status: str, by: str, note: str | None) -> ReportReview:
    review = _review_row(session, sha256)
    review.status, review.status_by, review.status_at = status, person(by), _now()
    if note:
        review.note = note
    return review


def _start_review(session: Session, hashes: Iterable[str], by: str) -> int:
    """Move the documents still 未审 to 审核中 (a first verdict was given on them); how many moved."""
    hashes = sorted(set(hashes))
    session.flush()
    begun: set[str] = set()
    for chunk in batched(hashes, _IN_BATCH):
        begun.update(session.scalars(select(ReportReview.sha256).where(
            ReportReview.sha256.in_(chunk), ReportReview.status != UNREVIEWED)))
    waiting = {sha: {"sha256": sha} for sha in hashes if sha not in begun}
    _upsert(session, _REVIEWS.c.sha256, waiting, {"status": IN_REVIEW, "status_by": person(by), "status_at": _now()})
    # The ORM may hold review rows of these documents: read them again after the Core update.
    session.expire_all()
    return len(waiting)


def _assign(session: Session, sha256: str, assignee: str | None, by: str) -> ReportReview:
    review = _review_row(session, sha256)
    review.assignee, review.assigned_by, review.assigned_at = person(assignee), person(by), _now()
    return review


# --------------------------------------------------------------------------- bulk actions

def bulk_status(session: Session, selection: Selection, status: str, by: str, note: str | None = None) -> int:
    """Set the review status of every report of the selection; how many."""
    code = status_code(status)
    hashes = selected_hashes(session, selection)
    changes = {"status": code, "status_by": person(by), "status_at": _now(), **({"note": note} if note else {})}
    _upsert(session, _REVIEWS.c.sha256, {sha: {"sha256": sha} for sha in hashes}, changes)
    record(session, by, "review.bulk_status", f"{len(hashes)} reports", STATUS_LABELS[code] + (f"：{note}" if note else ""))
    return len(hashes)


def bulk_assign(session: Session, selection: Selection, assignee: str | None, by: str) -> int:
    """Assign every report of the selection to `assignee`; how many.  Refused whole when some
    report lies outside the assignee's region (they could not see it): narrow the filters."""
    hashes = selected_hashes(session, selection)
    reviewer = _assignee(session, assignee)
    if reviewer is not None and not reviewer.scope.unrestricted:
        inside = scope_filter(_reports_query(selection, StoredReport.id), reviewer)  # both scopes
        visible = session.scalar(select(func.count()).select_from(inside.subquery())) or 0
        if visible < len(hashes):
            raise ReviewError(f"所选 {len(hashes)} 份报告中有 {len(hashes) - visible} 份不在“{reviewer.name}”的地区范围"
                              f"（{reviewer.scope.label()}）内，请缩小筛选 / some reports lie outside the assignee's region")
    changes = {"assignee": person(assignee), "assigned_by": person(by), "assigned_at": _now()}
    _upsert(session, _REVIEWS.c.sha256, {sha: {"sha256": sha, "status": UNREVIEWED} for sha in hashes}, changes)
    record(session, by, "review.bulk_assign", f"{len(hashes)} reports", assignee or "（收回 unassigned）")
    return len(hashes)


def bulk_verdict(session: Session, selection: Selection, verdict: str, reviewer: str, note: str | None = None,
                 rule: str | None = None, severity: str | None = None) -> int:
    """Give every finding of the selection's reports (of one rule, of one severity, if given)
    the same verdict; how many findings.  The reports' counts follow."""
    code = verdict_code(verdict)
    query = (_reports_query(selection, StoredReport.sha256, StoredFinding.code, StoredFinding.cells)
             .join(StoredFinding, StoredFinding.report_id == StoredReport.id))
    if rule:
        query = query.where(StoredFinding.code == rule.strip())
    if severity:
        query = query.where(StoredFinding.severity == severity)
    targets = {}
    for sha, rule_code, cells in session.execute(query):
        listed = finding_cells(cells)
        targets[finding_key(sha, rule_code, listed)] = {
            "key": finding_key(sha, rule_code, listed), "sha256": sha, "code": rule_code, "cells": cells_text(listed)}
    _upsert(session, _VERDICTS.c.key, targets,
            {"verdict": code, "reviewer": person(reviewer), "note": note or None, "decided_at": _now()})
    hashes = {row["sha256"] for row in targets.values()}
    _recount_documents(session, hashes)
    record(session, reviewer, "review.bulk_verdict", f"{len(targets)} findings of {len(hashes)} reports",
           f"{rule or '全部规则 all rules'} {VERDICT_LABELS[code]}" + (f"：{note}" if note else ""))
    started = _start_review(session, hashes, reviewer) if code != PENDING else 0
    if started:
        record(session, reviewer, "review.bulk_status", f"{started} reports", FIRST_VERDICT_NOTE)
    return len(targets)


def _upsert(session: Session, key_column, new_rows: dict[str, dict[str, Any]], changes: dict[str, Any]) -> None:
    """Set `changes` on the rows whose key is in `new_rows`, inserting those missing (their values
    from `new_rows` plus `changes`): a few statements per batch rather than one object per row,
    so a bulk action over a province's reports stays quick.  Portable (no dialect's ON CONFLICT)."""
    table = key_column.table
    session.flush()
    connection = session.connection()
    for chunk in batched(sorted(new_rows), _IN_BATCH):
        present = set(connection.scalars(select(key_column).where(key_column.in_(chunk))))
        if present:
            connection.execute(update(table).where(key_column.in_(sorted(present))).values(**changes))
        missing = [{**new_rows[key], **changes} for key in chunk if key not in present]
        if missing:
            connection.execute(insert(table), missing)


def _existing_verdicts(session: Session, hashes: Iterable[str]) -> dict[tuple[str, str, str], FindingVerdict]:
    out: dict[tuple[str, str, str], FindingVerdict] = {}
    for chunk in batched(sorted(set(hashes)), _IN_BATCH):
        for verdict in session.scalars(select(FindingVerdict).where(FindingVerdict.sha256.in_(chunk))):
            out[(verdict.sha256, verdict.code, verdict.cells)] = verdict
    return out


def verdicts_by_finding(session: Session, hashes: Iterable[str]) -> dict[tuple[str, str, tuple[str, ...]], tuple[str, bool]]:
    """(document hash, rule, cells) → (verdict label, whether the finding still counts), for the
    findings of these documents that have a verdict (the others are 待核 and count)."""
    return {(sha, code, tuple(finding_cells(cells))): (VERDICT_LABELS[v.verdict], v.verdict != DISMISSED)
            for (sha, code, cells), v in _existing_verdicts(session, hashes).items()}


def findings_list(session: Session, selection: Selection, rule: str | None = None, verdict: str | None = None,
                  limit: int | None = 200) -> list[dict[str, Any]]:
    """Findings of the selection's reports (of one rule, with one verdict, if given), each with
    its report's id, agency and year."""
    query = (_reports_query(selection, StoredReport.id, StoredReport.agency, StoredReport.year, StoredReport.sha256,
                            StoredFinding)
             .join(StoredFinding, StoredFinding.report_id == StoredReport.id)
             .order_by(StoredReport.agency, StoredReport.id, StoredFinding.id))
    if rule:
        query = query.where(StoredFinding.code == rule.strip())
    wanted = verdict_code(verdict) if verdict else None
    rows = session.execute(query).all()
    verdicts = _existing_verdicts(session, {row.sha256 for row in rows})
    items = []
    for report_id, agency, year, sha, finding in rows:
        item = _finding_item(sha, finding, verdicts.get((sha, finding.code, finding.cells or "[]")))
        if wanted is None or item["verdict"] == wanted:
            items.append({"report_id": report_id, "agency": agency, "year": year, **item})
        if limit and len(items) >= limit:
            break
    return items

