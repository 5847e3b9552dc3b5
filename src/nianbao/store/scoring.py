"""Scores of stored reports: the findings and verdicts of each report that counts, through a rubric.

The reports scored are those that count (one version per agency and year, store/versions.py),
not failed files.  Verdicts are those of the review workflow (store/review.py); the cells a
finding names are looked up with their printed text and where they were read, for the
evaluation workbook (nianbao/evaluation.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from .. import scores
from ..scores import ReportScore, Rubric
from .accounts import Principal, scope_filter
from .batching import batched
from .db import Store
from .models import STATUS_FAILED, FindingVerdict, StoredCell, StoredFinding, StoredReport
from .rows import finding_cells
from .versions import COUNTED

_IN_BATCH = 500  # report ids per IN (...) list


@dataclass(frozen=True)
class ScoredFinding:
    """A stored finding with its review verdict (what scores.score_report reads, and the workbook shows)."""

    code: str
    severity: str
    message: str
    cells: tuple[str, ...] = ()
    expected: float | None = None
    found: float | None = None
    verdict: str = scores.PENDING
    reviewer: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class CellSource:
    """A cell as printed and where it was read."""

    raw: str | None
    value: float | None
    location: dict[str, Any] | None


@dataclass
class ScoredReport:
    id: int
    source: str | None
    agency: str | None
    year: int | None
    level: str | None
    region: str
    published: str | None
    findings: list[ScoredFinding]
    score: ReportScore
    cells: dict[str, CellSource] = field(default_factory=dict)


def score_store(store: Store, rubric: Rubric, *, year: int | None = None, with_cells: bool = False,
                principal: Principal | None = None) -> list[ScoredReport]:
    """Every report that counts (of `year` when given, in the region `principal` may see), scored;
    `with_cells` also looks up the printed text and location of the cells its findings name."""
    return list(iter_scored(store, rubric, year=year, with_cells=with_cells, principal=principal))


def iter_scored(store: Store, rubric: Rubric, *, year: int | None = None, with_cells: bool = False,
                principal: Principal | None = None) -> Iterator[ScoredReport]:
    """As score_store, a batch of reports at a time (what the evaluation workbook streams)."""
    with store.session() as session:
        query = scope_filter(select(StoredReport.id).where(COUNTED, StoredReport.status != STATUS_FAILED), principal)
        if year is not None:
            query = query.where(StoredReport.year == year)
        ids = list(session.scalars(query.order_by(StoredReport.id)))
        for chunk_ids in batched(ids, _IN_BATCH):
            chunk = list(session.scalars(select(StoredReport).where(StoredReport.id.in_(chunk_ids)).order_by(StoredReport.id)))
            findings = _findings_of(session, chunk)
            sources = _cell_sources(session, findings) if with_cells else {}
            yield from (_scored(row, findings[row.id], rubric, sources.get(row.id, {})) for row in chunk)
            session.expunge_all()  # the batch's rows are done with: memory stays flat


# What a stored score (store/stored_scores.py) is made from: no text, no cells.
LINE_COLUMNS = (StoredReport.id, StoredReport.sha256, StoredReport.agency, StoredReport.year, StoredReport.level,
                StoredReport.province, StoredReport.city, StoredReport.county)


def counted_rows(session: Session) -> list[Row]:
    """LINE_COLUMNS of every report that counts, not failed, by id."""
    query = select(*LINE_COLUMNS).where(COUNTED, StoredReport.status != STATUS_FAILED).order_by(StoredReport.id)
    return list(session.execute(query).all())


def scored_lines(session: Session, rubric: Rubric, rows: Sequence[Row]) -> Iterator[tuple[Row, ReportScore]]:
    """`rows` (of LINE_COLUMNS) with their scores, reading only the findings of rules the rubric
    deducts for: a ranking needs no others."""
    codes = scored_codes(rubric)
    for chunk in batched(rows, _IN_BATCH):
        findings = _findings_of(session, chunk, codes)
        for row in chunk:
            items = findings[row.id]
            yield row, scores.score_report(rubric, items, [f.verdict for f in items])


def scored_codes(rubric: Rubric) -> list[str]:
    return sorted({code for d in rubric.dimensions for code in d.deductions})


def _scored(row: StoredReport, findings: list[ScoredFinding], rubric: Rubric, cells: dict[str, CellSource]) -> ScoredReport:
    return ScoredReport(
        # Labelled by its agency (the kept one after a merge), the printed name without one.
        id=row.id, source=row.source, agency=row.agency_name or row.agency, year=row.year, level=row.level,
        region=scores.region_name(row.province, row.city, row.county), published=row.published,
        findings=findings, score=scores.score_report(rubric, findings, [f.verdict for f in findings]), cells=cells,
    )


_FINDING_COLUMNS = (StoredFinding.report_id, StoredFinding.code, StoredFinding.severity, StoredFinding.message,
                    StoredFinding.cells, StoredFinding.expected, StoredFinding.found)


def _findings_of(session: Session, rows: Sequence[Any], codes: Sequence[str] | None = None) -> dict[int, list[ScoredFinding]]:
    """The findings of `rows` (reports or rows with their id and sha256) with their verdicts, in
    stored order, only those of `codes` when given: two queries for the whole batch.

    A verdict belongs to a finding as in store/review.py (findings_with_verdicts, one report at a
    time): same document, rule and cells text.  tests/test_scores.py holds the two to the same answer."""
    by_id = {row.id: row.sha256 for row in rows}
    verdicts = {(v.sha256, v.code, v.cells): v for v in session.scalars(
        select(FindingVerdict).where(FindingVerdict.sha256.in_(set(by_id.values()))))}
    out: dict[int, list[ScoredFinding]] = {row.id: [] for row in rows}
    query = select(*_FINDING_COLUMNS).where(StoredFinding.report_id.in_(list(by_id))).order_by(StoredFinding.id)
    if codes is not None:
        query = query.where(StoredFinding.code.in_(codes))
    for f in session.execute(query):
        verdict = verdicts.get((by_id[f.report_id], f.code, f.cells or "[]"))
        out[f.report_id].append(ScoredFinding(
            code=f.code, severity=f.severity, message=f.message or "", cells=tuple(finding_cells(f.cells)),
            expected=f.expected, found=f.found, verdict=verdict.verdict if verdict else scores.PENDING,
            reviewer=verdict.reviewer if verdict else None, note=verdict.note if verdict else None))
    return out


def _cell_sources(session: Session, findings: dict[int, list[ScoredFinding]]) -> dict[int, dict[str, CellSource]]:
    """Only the rows the findings name, of the reports they belong to (a report holds some 200
    cells, its findings name a few); the exact cells are picked here."""
    wanted = {report_id: {path for f in items for path in f.cells} for report_id, items in findings.items()}
    ids = [report_id for report_id, paths in wanted.items() if paths]
    rows = sorted({path.split(".")[1] for paths in wanted.values() for path in paths if path.count(".") == 2})
    out: dict[int, dict[str, CellSource]] = {}
    if not ids or not rows:
        return out
    query = select(StoredCell.report_id, StoredCell.tbl, StoredCell.row, StoredCell.col, StoredCell.raw,
                   StoredCell.value, StoredCell.location).where(StoredCell.report_id.in_(ids), StoredCell.row.in_(rows))
    for report_id, tbl, row, col, raw, value, location in session.execute(query):
        path = f"{tbl}.{row}.{col}"
        if path in wanted[report_id]:
            out.setdefault(report_id, {})[path] = CellSource(raw, value, _location(location))
    return out


def _location(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def rank_reports(reports: Sequence[ScoredReport], by: str) -> list[scores.Ranked]:
    """Rankings within each year and region (`by="region"`) or year and level (`by="level"`)."""
    return scores.rank(reports, lambda r: (r.year, group_name(r, by)), lambda r: round(r.score.total, 2))


def group_name(report: ScoredReport, by: str) -> str:
    if by == "region":
        return report.region
    if by == "level":
        return report.level or "（层级不详）"
    raise ValueError(f"unknown grouping {by!r}")
