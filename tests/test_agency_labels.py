"""A merged agency is one agency on every list: the overview's search and sort by 机关, score
rankings and the cell-list CSV label and find reports by the agency they are filed under (the kept
one after a merge, through chains of merges), not by the name each report printed."""

from __future__ import annotations

from sqlalchemy import select

from nianbao.store.merges import merge, unmerge
from nianbao.store.models import StoredReport

from .store_support import store_fixture  # noqa: F401 — the `store` fixture: SQLite and PostgreSQL
from . import test_agency_merges
from .store_support import filed_as, write_and_link
from .test_agency_merges import LONG, SHORT, _agency_ids, _logged_in, _split

parsed = test_agency_merges.parsed  # the fixture: one parsed report, filed under each name in turn
site = test_agency_merges.site  # the fixture: a web app over two agencies apart, with an administrator

THIRD = "江苏省淮安市洪泽区人民政府"


def _chain(store, parsed) -> tuple[int, int, int]:
    """洪泽区政府 merged into 淮安市洪泽区人民政府, and that into 江苏省淮安市洪泽区人民政府: their ids."""
    short, long = _split(store, parsed)
    write_and_link(store, filed_as(parsed, THIRD, 2024, text_only=True))
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


# ------------------------------------------------------------------ the overview's sort by 机关
# Names whose order is the same under any collation (a name before the same name and a digit), so
# the printed names sort 测试局, 测试局1, 测试局2 and, 测试局2 merged into 测试局, the agencies
# 测试局 (twice), 测试局1.
KEPT, OTHER, JOINED = "测试局", "测试局1", "测试局2"


def _walk(store, sort: str, limit: int = 1) -> list[tuple[str | None, str | None]]:
    """(label, printed name) of every report in `sort` order, page by page (keyset paging)."""
    from nianbao.store.service import ReportService

    service = ReportService(store)
    out: list[tuple[str | None, str | None]] = []
    after = None
    while True:
        rows, after = service.page(None, limit, sort=sort, after=after)
        out += [(row.agency_name, row.agency) for row in rows]
        if after is None:
            return out


def test_the_overview_sorts_and_pages_by_the_kept_agencys_name(store, parsed):
    write_and_link(store, *(filed_as(parsed, name, year) for name, year in ((KEPT, 2022), (OTHER, 2022), (JOINED, 2023))))
    ids = _agency_ids(store)
    assert len(set(ids.values())) == 3
    assert [printed for _, printed in _walk(store, "agency")] == [KEPT, OTHER, JOINED]
    merge(store, ids[KEPT], ids[JOINED])
    kept_first = [(KEPT, KEPT), (KEPT, JOINED), (OTHER, OTHER)]  # one agency, ties by id
    assert _walk(store, "agency") == kept_first
    assert _walk(store, "agency", limit=2) == kept_first
    # The default order: by agency, its newest year first.
    assert _walk(store, "") == [(KEPT, JOINED), (KEPT, KEPT), (OTHER, OTHER)]
    assert [label for label, _ in _walk(store, "-agency")] == [OTHER, KEPT, KEPT]
    unmerge(store, ids[JOINED])
    assert _walk(store, "agency") == [(KEPT, KEPT), (OTHER, OTHER), (JOINED, JOINED)]


def test_a_chain_of_merges_labels_every_report_by_the_last_kept_agency(store, parsed):
    _chain(store, parsed)
    assert {label for label, _ in _walk(store, "agency", limit=10)} == {THIRD}


def test_a_report_set_by_hand_to_a_joined_name_is_labelled_by_the_kept_agency(store, parsed):
    from nianbao.store.hand_entry import set_fact

    short, long = _split(store, parsed)
    merge(store, short, long)
    scan = filed_as(parsed, "某扫描件", 2024)
    write_and_link(store, scan)
    set_fact(store, scan.sha256, "agency", LONG)
    with store.session() as session:
        row = session.scalars(select(StoredReport).where(StoredReport.sha256 == scan.sha256)).one()
        assert (row.agency, row.agency_name) == (LONG, SHORT)


def test_migration_0017_fills_the_agency_names_and_moves_the_sort_index(store, parsed):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect, update

    from nianbao.store.db import alembic_config
    from nianbao.store.models import Base

    short, long = _split(store, parsed)
    merge(store, short, long)
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "agency_name" in str(d) or "ix_reports_sort_agency" in str(d)] == []
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
    assert "agency_name" not in {c["name"] for c in inspect(store.engine).get_columns("reports")}
    with store.engine.begin() as connection:
        connection.execute(update(StoredReport.__table__).values(agency="改过的原文名称"))  # the upgrade reads agencies
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with store.session() as session:
        assert set(session.scalars(select(StoredReport.agency_name))) == {SHORT}
    assert "agency_name" in _index_definition(store, "ix_reports_sort_agency")


def _index_definition(store, name: str) -> str:
    from sqlalchemy import text

    query = ("SELECT indexdef FROM pg_indexes WHERE indexname = :name" if store.engine.dialect.name == "postgresql"
             else "SELECT sql FROM sqlite_master WHERE name = :name")
    with store.engine.connect() as connection:
        return connection.scalar(text(query), {"name": name}) or ""


def test_the_overview_page_shows_the_kept_name_and_the_printed_one(site):
    web_app, (short, long) = site
    client = _logged_in(web_app, "管理员甲")
    response = client.post(f"/api/agencies/{short}/merges", json={"agency": str(long)})
    assert response.status_code == 200, response.text
    page = client.get("/?sort=agency").text
    assert page.count(f">{SHORT}</a>") == 2  # both reports under the kept agency's name
    assert f"（原文：{LONG}）" in page and f">{LONG}</a>" not in page


# ------------------------------------------------------------------ score rankings
def test_score_rankings_label_reports_by_the_kept_agency(store, parsed):
    from nianbao.store.scoring import score_store
    from nianbao.store.stored_scores import built_in, ranking

    short, long = _split(store, parsed)
    merge(store, short, long)
    for by in ("region", "level"):
        _, lines = ranking(store, built_in(), by)
        assert [line.agency for line in lines] == [SHORT, SHORT]
    assert [report.agency for report in score_store(store, built_in())] == [SHORT, SHORT]
    unmerge(store, long)
    _, lines = ranking(store, built_in(), "region")
    assert sorted(line.agency for line in lines) == sorted([SHORT, LONG])



# ------------------------------------------------------------------ the web's cell-list CSV
def test_the_cell_list_csv_labels_cells_by_the_kept_agency_and_keeps_the_printed_name(site):
    import csv
    import io

    web_app, (short, long) = site
    client = _logged_in(web_app, "管理员甲")
    assert client.post(f"/api/agencies/{short}/merges", json={"agency": str(long)}).status_code == 200
    body = client.get("/api/export.csv", params={"kind": "cells"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and {(row["agency"], row["agency_printed"]) for row in rows} == {(SHORT, SHORT), (SHORT, LONG)}
    chinese = client.get("/api/export.csv", params={"kind": "cells", "header": "zh"}).content.decode("utf-8-sig")
    assert chinese.splitlines()[0].split(",")[2:4] == ["机关", "原文机关名称"]


def test_a_new_report_under_a_joined_name_is_labelled_by_the_kept_agency(store, parsed):
    short, long = _split(store, parsed)
    merge(store, short, long)
    write_and_link(store, filed_as(parsed, LONG, 2024, text_only=True))
    with store.session() as session:
        assert session.scalar(select(StoredReport.agency_name).where(StoredReport.year == 2024)) == SHORT
