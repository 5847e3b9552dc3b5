"""Corrections made by people: stored by document hash and cell key, applied by
exports and stats over whatever the parser says, and never touched by a re-parse."""

from __future__ import annotations

from sqlalchemy import or_, select

from .. import editions
from .db import Store
from .linking import queue
from .models import Correction, StoredReport
from .outcomes import refresh_document as refresh_outcomes
from .reports import recount_uncertain


def _known_cell(cell: str) -> bool:
    return any(cell in set(e.cell_paths()) for e in editions.EDITIONS.values())


def find_document(store: Store, document: str) -> str:
    """A hash (or unique prefix of one) or a file name → the document hash."""
    with store.session() as session:
        hashes = set(session.scalars(
            select(StoredReport.sha256).where(
                or_(StoredReport.sha256.startswith(document), StoredReport.source == document)
            )
        ))
    if len(hashes) != 1:
        raise LookupError(f"找到 {len(hashes)} 份文档匹配 {document}，需要恰好 1 份 / {len(hashes)} documents match")
    return hashes.pop()


def add_correction(store: Store, document: str, cell: str, value: float | None, note: str = "", author: str = "") -> str:
    if not _known_cell(cell):
        raise ValueError(f"未知单元格键 {cell} / unknown cell key")
    sha = find_document(store, document)
    with store.session() as session, session.begin():
        session.add(Correction(sha256=sha, cell=cell, value=value, note=note or None, author=author or None))
        # The corrected value may change the cross-year findings of this report and of the
        # next year's: the next ingest run (even one that skips every file) relinks the agency.
        agencies = session.scalars(select(StoredReport.agency_id).where(
            StoredReport.sha256 == sha, StoredReport.current.is_(True), StoredReport.agency_id.is_not(None)))
        queue(session.connection(), [a for a in agencies if a is not None])
        # A corrected cell holds a person's value, no longer the parser's guess.
        session.flush()
        recount_uncertain(session.connection(), StoredReport.__table__.c.sha256 == sha)
        refresh_outcomes(session.connection(), sha)  # the totals /api/stats adds up
    return f"已更正 {sha[:12]} {cell} = {value} / corrected"
