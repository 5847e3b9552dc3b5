"""Each report's outcome totals (表三 （一）…（六）, 总计 column), kept beside the report.

/api/stats adds up, per year, the requests of each outcome group over the filtered reports.
Adding up the cells themselves reads some twenty cells per report — two million at 100,000
reports, about a second on our test machine — so each report's six group totals are kept in
`outcome_totals` (one row per report), written whenever its cells or corrections change
(`refresh`, in the writer's and the correction's transaction, and by the web app's recheck),
and the figures are a sum over that table.  A report without a row (written by something that
did not refresh it) is added up from its cells at query time (stats.outcome_sums): slower,
never wrong.

A group total follows the report page's numbers: the cells of the group's rows in the report's
edition (editions.t3_outcome_rows: a single 其他处理 row where the report printed one), each
the latest correction where a person made one (typed-in cells included), blanks left out; a
group with no value is NULL, never 0.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import Select, and_, case, delete, exists, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from .. import editions
from .batching import batched
from .models import Correction, OutcomeTotals, StoredCell, StoredReport

OUTCOME_COLUMN = "total"  # the outcome figures count requests of every applicant type
# Group column of outcome_totals → the group as table 三 prints it (row.group of editions).
GROUP_COLUMNS: dict[str, str] = {
    "granted": "（一）予以公开", "partially_granted": "（二）部分公开", "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供", "declined": "（五）不予处理", "other": "（六）其他处理",
}
_IN_BATCH = 500


@lru_cache(maxsize=1)
def group_rows() -> dict[tuple[str, bool, str], tuple[str, ...]]:
    """(edition, single 其他处理 row, group column) → the t3 row keys of that group."""
    by_label = {label: column for column, label in GROUP_COLUMNS.items()}
    out: dict[tuple[str, bool, str], list[str]] = {}
    for edition in editions.EDITIONS.values():
        for single in (False, True):
            for row in editions.t3_outcome_rows(edition.table("t3"), single):
                column = by_label[row.group or row.label]
                out.setdefault((edition.key, single, column), []).append(row.key)
    return {key: tuple(rows) for key, rows in out.items()}


def latest_corrections():
    """Each corrected cell's latest correction (highest id), as a subquery (sha256, cell, value)."""
    newer = aliased(Correction)
    return select(Correction.sha256, Correction.cell, Correction.value).where(~exists().where(
        newer.sha256 == Correction.sha256, newer.cell == Correction.cell, newer.id > Correction.id,
    )).subquery("latest_correction")


def outcome_values(reports) -> Any:
    """(report id, t3 row key, value in force) of the 总计 outcome cells of `reports` (a subquery
    with id and sha256): stored cells under their latest correction, and cells typed in by hand."""
    latest = latest_corrections()
    path = literal("t3.") + StoredCell.row + literal("." + OUTCOME_COLUMN)
    stored = (
        select(reports.c.id.label("report_id"), StoredCell.row.label("row"),
               case((latest.c.cell.is_not(None), latest.c.value), else_=StoredCell.value).label("value"))
        .join(StoredCell, StoredCell.report_id == reports.c.id)
        .outerjoin(latest, and_(latest.c.sha256 == reports.c.sha256, latest.c.cell == path))
        .where(StoredCell.tbl == "t3", StoredCell.col == OUTCOME_COLUMN, StoredCell.row.in_(_all_rows()))
    )
    stored_cell = exists().where(StoredCell.report_id == reports.c.id, path == latest.c.cell)
    typed = (
        select(reports.c.id, func.substr(latest.c.cell, 4, func.length(latest.c.cell) - 3 - len(OUTCOME_COLUMN) - 1),
               latest.c.value)
        .join(latest, latest.c.sha256 == reports.c.sha256)
        .where(latest.c.cell.like("t3.%." + OUTCOME_COLUMN), ~stored_cell)
    )
    return union_all(stored, typed).subquery("outcome_values")


@lru_cache(maxsize=1)
def _all_rows() -> tuple[str, ...]:
    return tuple(sorted({row for rows in group_rows().values() for row in rows}))


def group_sums(reports) -> Select:
    """One row per report of `reports` (subquery with id, sha256, edition, single_other_handling):
    its id and the total of each group (GROUP_COLUMNS order), NULL where the group has no value."""
    values = outcome_values(reports)
    totals = []
    for column in GROUP_COLUMNS:
        in_group = or_(*(
            and_(reports.c.edition == edition, _single(reports, single), values.c.row.in_(rows))
            for (edition, single, group), rows in group_rows().items() if group == column
        ))
        totals.append(func.sum(case((in_group, values.c.value))).label(column))
    # Outer: a report with no outcome value still gets its row (all NULL), so it is not taken for missing.
    return (select(reports.c.id, *totals).outerjoin(values, values.c.report_id == reports.c.id)
            .group_by(reports.c.id))


def _single(reports, single: bool):
    flag = func.coalesce(reports.c.single_other_handling, literal(False))
    return flag.is_(True) if single else flag.is_(False)


def refresh(connection, report_ids: Iterable[int]) -> None:
    """Recompute the outcome totals of these reports, in the caller's transaction."""
    for chunk in batched(sorted(set(report_ids)), _IN_BATCH):
        connection.execute(delete(OutcomeTotals).where(OutcomeTotals.report_id.in_(chunk)))
        chosen = (select(StoredReport.id, StoredReport.sha256, StoredReport.edition,
                         StoredReport.single_other_handling)
                  .where(StoredReport.id.in_(chunk), StoredReport.edition.is_not(None)).subquery("chosen"))
        connection.execute(insert(OutcomeTotals).from_select(["report_id", *GROUP_COLUMNS], group_sums(chosen)))


def refresh_document(connection, sha256: str) -> None:
    """Every stored parse of one document (a correction applies to all of them)."""
    refresh(connection, connection.scalars(select(StoredReport.id).where(StoredReport.sha256 == sha256)).all())
