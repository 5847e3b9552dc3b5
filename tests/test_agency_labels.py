"""A merged agency is one agency on every list: the overview's search and sort by 机关, score
rankings and the cell-list CSV label and find reports by the agency they are filed under (the kept
one after a merge, through chains of merges), not by the name each report printed."""

from __future__ import annotations

from sqlalchemy import select

from nianbao.store.merges import merge, unmerge
from nianbao.store.models import StoredReport

from .store_support import store_fixture  # noqa: F401 — the `store` fixture: SQLite and PostgreSQL
from . import test_agency_merges
from .test_agency_merges import LONG, SHORT, _agency_ids, _as, _split, _write

parsed = test_agency_merges.parsed  # the fixture: one parsed report, filed under each name in turn

THIRD = "江苏省淮安市洪泽区人民政府"


def _chain(store, parsed) -> tuple[int, int, int]:
    """洪泽区政府 merged into 淮安市洪泽区人民政府, and that into 江苏省淮安市洪泽区人民政府: their ids."""
    short, long = _split(store, parsed)
    _write(store, _as(parsed, THIRD, 2024, text_only=True))
    third = _agency_ids(store)[THIRD]
    merge(store, long, short)
    merge(store, third, long)
    return short, long, third


def _found(store, word: str) -> list[str]:
    from nianbao.store.selection import Filters, overview_query

    with store.session() as session:
        return sorted(row.agency for row in session.scalars(overview_query(Filters(q=word))))


def test_searching_any_name_along_a_chain_of_merges_finds_all_its_reports(store, parsed):
    short, long, third = _chain(store, parsed)
    everything = sorted([SHORT, LONG, THIRD])
    # 洪泽区政府 (joined into 淮安市…, joined in turn into 江苏省…) finds every report of the one body.
    assert _found(store, SHORT) == everything
    assert _found(store, LONG) == everything
    assert _found(store, THIRD) == everything
    unmerge(store, long)  # the top link parted: the first two are one body again, the third apart
    assert _found(store, SHORT) == sorted([SHORT, LONG])
    assert _found(store, THIRD) == [THIRD]
    with store.session() as session:
        assert session.scalar(select(StoredReport.agency_id).where(StoredReport.agency == THIRD)) == third
