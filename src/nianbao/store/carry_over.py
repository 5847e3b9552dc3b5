"""People's review work follows a report to its new version.

Verdicts and review status hang off a document's hash (store/review.py), so a republished
file of the same report — a new version of the same agency and year (store/versions.py) —
would start again at 待核 / 未审.  When a file becomes the version that counts, what people
decided on the other versions of its report is copied onto it:

- a verdict, when the counted version has a finding of the same rule and cells and no verdict
  of its own on it (the latest decided one wins when several versions judged it);
- the report's review status and assignment, when the counted version has none of its own.

Nothing already decided on the counted version is overwritten, so running this again changes
nothing.  Each copy is written in the audit log (`review.carry_over`), naming the version it
came from.  Core statements on the writer's connection, in its transaction: the writer and
the linking pass call it (the latter for the cross-year findings it adds).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert, select

from .models import AuditEntry, FindingVerdict, ReportReview, StoredFinding, StoredReport
from .review import DISMISSED, STATUS_LABELS, UNREVIEWED, cells_text, finding_key, recount_findings
from .rows import finding_cells
from .stored_scores import refresh_connection as refresh_scores

# The audit log's author of a copy: nobody did it by hand, the store did.
CARRY_AUTHOR = "系统 system"
CARRY_ACTION = "review.carry_over"

_REPORTS = cast(Table, StoredReport.__table__)
_FINDINGS = cast(Table, StoredFinding.__table__)
_VERDICTS = cast(Table, FindingVerdict.__table__)
_REVIEWS = cast(Table, ReportReview.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)
_REVIEW_FIELDS = ("status", "status_by", "status_at", "assignee", "assigned_by", "assigned_at", "note")


def carry_over(connection, sha256: str) -> int:
    """Copy verdicts and review status onto the counted version of each report this file is a
    version of (after versions were refreshed); how many verdicts were copied."""
    heads = connection.execute(
        select(_REPORTS.c.id, _REPORTS.c.version_of).where(_REPORTS.c.sha256 == sha256, _REPORTS.c.current.is_(True))
    ).all()
    return sum(carry_to_report(connection, row.version_of or row.id) for row in heads)


def carry_to_report(connection, report_id: int) -> int:
    """Copy onto `report_id`, if it is the version that counts, what people decided on its other
    versions; how many verdicts were copied."""
    head = connection.execute(
        select(_REPORTS.c.id, _REPORTS.c.sha256).where(
            _REPORTS.c.id == report_id, _REPORTS.c.current.is_(True), _REPORTS.c.version_of.is_(None))
    ).first()
    if head is None:
        return 0
    others = connection.execute(
        select(_REPORTS.c.id, _REPORTS.c.sha256).where(
            _REPORTS.c.version_of == head.id, _REPORTS.c.current.is_(True), _REPORTS.c.sha256 != head.sha256)
    ).all()
    if not others:
        return 0
    report_of = {row.sha256: row.id for row in others}
    copied = _carry_verdicts(connection, head, report_of)
    _carry_review(connection, head, report_of)
    if copied:  # a carried dismissal no longer deducts (store/stored_scores.py)
        refresh_scores(connection, [head.id])
    return copied


def _carry_verdicts(connection, head, report_of: dict[str, int]) -> int:
    earlier = _latest_verdicts(connection, list(report_of))
    if not earlier:
        return 0
    own = set(connection.scalars(select(_VERDICTS.c.key).where(_VERDICTS.c.sha256 == head.sha256)))
    findings = connection.execute(
        select(_FINDINGS.c.code, _FINDINGS.c.cells).where(_FINDINGS.c.report_id == head.id).distinct()).all()
    copies: list[dict[str, Any]] = []
    sources: dict[int, list[dict[str, Any]]] = {}
    for code, cells_json in findings:
        cells = finding_cells(cells_json)
        source = earlier.get((code, cells_text(cells)))
        key = finding_key(head.sha256, code, cells)
        if source is None or key in own:
            continue
        own.add(key)
        copies.append({"key": key, "sha256": head.sha256, "code": code, "cells": cells_text(cells),
                       **{name: source[name] for name in ("verdict", "reviewer", "note", "decided_at")}})
        sources.setdefault(report_of[source["sha256"]], []).append(source)
    if not copies:
        return 0
    connection.execute(insert(_VERDICTS), copies)
    if any(copy["verdict"] == DISMISSED for copy in copies):
        recount_findings(connection, _REPORTS.c.id == head.id)
    for source_id, carried in sources.items():
        _audit(connection, head.id, f"沿用报告 {source_id} 的 {len(carried)} 条审核意见 / "
                                    f"{len(carried)} verdicts carried over from report {source_id}")
    return len(copies)


def _latest_verdicts(connection, hashes: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """(rule, cells JSON) → the latest decided verdict among these documents."""
    rows = connection.execute(
        select(_VERDICTS).where(_VERDICTS.c.sha256.in_(hashes)).order_by(_VERDICTS.c.decided_at, _VERDICTS.c.id)
    ).mappings().all()
    return {(row["code"], cells_text(finding_cells(row["cells"]))): dict(row) for row in rows}


def _carry_review(connection, head, report_of: dict[str, int]) -> None:
    if connection.scalar(select(_REVIEWS.c.sha256).where(_REVIEWS.c.sha256 == head.sha256)) is not None:
        return
    reviews = connection.execute(select(_REVIEWS).where(_REVIEWS.c.sha256.in_(list(report_of)))).mappings().all()
    decided = [r for r in reviews if r["status"] != UNREVIEWED or r["assignee"]]
    if not decided:
        return
    latest = max(decided, key=lambda r: (_stamp(r["status_at"]), _stamp(r["assigned_at"])))
    connection.execute(insert(_REVIEWS), [{"sha256": head.sha256, **{name: latest[name] for name in _REVIEW_FIELDS}}])
    who = f"，分配给 {latest['assignee']}" if latest["assignee"] else ""
    _audit(connection, head.id, f"沿用报告 {report_of[latest['sha256']]} 的审核状态 {STATUS_LABELS[latest['status']]}{who}"
                                f" / review status carried over from report {report_of[latest['sha256']]}")


def _stamp(value) -> str:
    # SQLite hands back naive datetimes, PostgreSQL aware ones: compared as ISO text, never mixed.
    return value.isoformat() if value is not None else ""


def _audit(connection, report_id: int, detail: str) -> None:
    connection.execute(insert(_AUDIT), [{"author": CARRY_AUTHOR, "action": CARRY_ACTION,
                                         "target": f"report {report_id}", "detail": detail}])
