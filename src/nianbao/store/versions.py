"""One report per agency and year.

A report's identity is its agency (`agency_id`: the normalised name, so 沭阳县发改局 and
沭阳县发展和改革局 are one) and the year it covers.  Several stored files may share an identity:
the GBK and the UTF-8 copy of one page, the HTML and the DOCX of one report, a corrected
republication.  They are versions of one report; exactly one of them counts:

- **The current version** is the latest published (the `published` date; a report without one
  ranks below any that has one), then the most complete (most cells with a value, then fewer
  error-level findings), then the latest stored.  Its `version_of` is NULL.
- Every other version keeps its rows and points at it (`version_of` = its id) with a kind:
  `twin` when its numbers are the same (people's corrections applied), a format or encoding copy;
  `superseded` when they differ, an earlier publication or a worse reading of the same report.

Statistics, the charts, the exports and the report_cells view use the current version only
(`COUNTED`); the web app lists the others under it.  Failed files and earlier parses
(`current` false) never count and are not versions.
"""

from __future__ import annotations

from typing import Any, Iterable, cast

from sqlalchemy import Table, and_, func, select, update

from .batching import batched
from .models import STATUS_FAILED, StoredCell, StoredReport
from .reports import latest_corrections

TWIN, SUPERSEDED = "twin", "superseded"
KIND_NAMES = {TWIN: "同一报告的另一份文件 twin copy", SUPERSEDED: "被更新的版本取代 superseded"}

# The reports that count: the parse in force of each file, and of each agency and year its current version.
# `current` as a plain predicate, not `IS TRUE`: PostgreSQL estimates and matches partial indexes
# (revision 0009) only for the former.
COUNTED = and_(StoredReport.current, StoredReport.version_of.is_(None))

_T = cast(Table, StoredReport.__table__)


def refresh_for(connection, sha256: str) -> None:
    """Recompute the versions of every identity a stored file has had (its new parse and the
    parses it retired may name different agencies or years)."""
    identities = connection.execute(
        select(_T.c.agency_id, _T.c.year).where(_T.c.sha256 == sha256).distinct()
    ).all()
    assign(connection, identities)


def assign(connection, identities: Iterable[tuple[Any, Any]]) -> None:
    """Recompute `version_of` / `version_kind` of the reports of these (agency_id, year) pairs."""
    for agency_id, year in set(identities):
        if agency_id is None or year is None:
            continue
        rows = connection.execute(
            select(_T.c.id, _T.c.sha256, _T.c.published, _T.c.n_errors, _T.c.version_of, _T.c.version_kind)
            .where(_T.c.agency_id == agency_id, _T.c.year == year, _T.c.current.is_(True),
                   _T.c.status != STATUS_FAILED)
        ).all()
        _assign_rows(connection, rows)


def _assign_rows(connection, rows) -> None:
    if not rows:
        return
    numbers = _numbers(connection, rows) if len(rows) > 1 else {}
    chosen = max(rows, key=lambda r: _rank(r, numbers))
    for row in rows:
        if row.id == chosen.id:
            target: tuple[int | None, str | None] = (None, None)
        else:
            target = (chosen.id, TWIN if numbers[row.id] == numbers[chosen.id] else SUPERSEDED)
        if (row.version_of, row.version_kind) != target:
            connection.execute(update(_T).where(_T.c.id == row.id).values(version_of=target[0], version_kind=target[1]))


def _rank(row, numbers: dict[int, dict[str, float | None]]) -> tuple:
    filled = sum(v is not None for v in numbers.get(row.id, {}).values())
    return (row.published is not None, row.published or "", filled, -(row.n_errors or 0), row.id)


def _numbers(connection, rows) -> dict[int, dict[str, float | None]]:
    """Report id → cell path → value, with people's corrections applied."""
    out: dict[int, dict[str, float | None]] = {row.id: {} for row in rows}
    cells = cast(Table, StoredCell.__table__)
    for ids in batched(list(out), 500):
        query = select(cells.c.report_id, cells.c.tbl, cells.c.row, cells.c.col, cells.c.value).where(
            cells.c.report_id.in_(ids))
        for report_id, tbl, row, col, value in connection.execute(query):
            out[report_id][f"{tbl}.{row}.{col}"] = value
    fixes = latest_corrections(connection, [row.sha256 for row in rows])
    for row in rows:
        out[row.id].update(fixes.get(row.sha256, {}))
    return out


def versions_of(session, report_id: int) -> list[StoredReport]:
    """All versions of the report `report_id` is or belongs to, the current one first."""
    row = session.get(StoredReport, report_id)
    if row is None:
        return []
    head = row.version_of or row.id
    others = session.scalars(
        select(StoredReport).where(StoredReport.version_of == head).order_by(StoredReport.id)).all()
    first = session.get(StoredReport, head)
    return ([first] if first is not None else []) + list(others)


def counts(session) -> dict[str, int]:
    """How many current parses count and how many are other versions, by kind."""
    rows = session.execute(
        select(StoredReport.version_kind, func.count()).where(StoredReport.current.is_(True))
        .group_by(StoredReport.version_kind)).all()
    return {kind or "counted": n for kind, n in rows}

