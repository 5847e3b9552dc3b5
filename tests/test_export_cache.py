"""The wide CSV's stored fragments on PostgreSQL (store/export_pg.py, revision 0019): an export that
reads them writes the Python path's bytes, cold and warm, and no change to what a fragment was
printed from leaves one in use."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, text

from nianbao.store import corrections as store_corrections
from nianbao.store import export as export_module
from nianbao.store import export_pg
from nianbao.store.export import columns, csv_chunks
from nianbao.store.ingest import Parsed, Writer
from nianbao.store.merges import merge
from nianbao.store.models import StoredCell, StoredReport
from nianbao.store.service import ReportService
from tests.store_support import tables_leave_and_return
from tests.test_export_pg import _hard_store, _hashes, _python_path, pg_store  # noqa: F401  (fixture)

GRANTED = "t3.granted.total"


@pytest.fixture
def printed(monkeypatch) -> list[int]:
    """The ids of the reports an export printed from their cells (not read from a fragment)."""
    ids: list[int] = []
    original = export_pg._printed_fragments

    def counting(store, reports, template):
        ids.extend(report.id for report in reports)
        return original(store, reports, template)

    monkeypatch.setattr(export_pg, "_printed_fragments", counting)
    return ids


def _export(store, **options) -> bytes:
    return b"".join(csv_chunks(store, **options))


def _warm(store, printed: list[int]) -> None:
    """Export once (printing and storing every report), so the next export reads fragments only."""
    assert _export(store) == _python_path(store)
    assert printed
    printed.clear()


def _cell(store, report_id: int, path: str = GRANTED) -> str:
    rows = {int(row["id"]): row for row in csv.DictReader(io.StringIO(_export(store).decode("utf-8-sig")))}
    return rows[report_id][path]


def test_a_warm_export_reads_every_report_from_its_fragment(pg_store, printed, monkeypatch):  # noqa: F811
    ids = _hard_store(pg_store)
    monkeypatch.setattr(export_module, "BATCH", 3)  # several batches, gathered two at a time
    assert _export(pg_store, header="both") == _python_path(pg_store, header="both")  # cold: printed, stored
    assert sorted(printed) == sorted(ids.values())
    printed.clear()
    for header in ("key", "zh"):
        assert _export(pg_store, header=header) == _python_path(pg_store, header=header)
    chosen = [ids["r6"], ids["r1"], ids["r3"]]
    assert _export(pg_store, ids=chosen) == _python_path(pg_store, ids=chosen)
    assert printed == []
    with pg_store.session() as session:
        stored = session.execute(text("SELECT count(*), count(signature) FROM wide_fragments")).one()
    assert tuple(stored) == (len(ids), len(ids))


def test_corrections_added_superseded_blanked_and_reverted(pg_store, printed):  # noqa: F811
    ids = _hard_store(pg_store)
    sha = _hashes(pg_store, ids)["r5"]
    _warm(pg_store, printed)
    parsed = _cell(pg_store, ids["r5"])
    for value, shown in ((7, "7"), (8.5, "8.5"), (None, ""), (float(parsed), parsed)):
        store_corrections.add_correction(pg_store, sha, GRANTED, value)
        assert _export(pg_store) == _python_path(pg_store)
        assert _cell(pg_store, ids["r5"]) == shown
        assert printed and set(printed) == {ids["r5"]}, "only the corrected report is printed again"
        printed.clear()


def test_a_corrected_guess_leaves_the_guessed_cells(pg_store, printed):  # noqa: F811
    ids = _hard_store(pg_store)
    _warm(pg_store, printed)
    store_corrections.add_correction(pg_store, _hashes(pg_store, ids)["r1"], GRANTED, 3)
    body = _export(pg_store)
    assert body == _python_path(pg_store)
    row = next(r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))) if int(r["id"]) == ids["r1"])
    assert (row["uncertain_cells"], row["n_uncertain"]) == ("t9.extra.total", "1")


@pytest.mark.parametrize("change", [
    "UPDATE cells SET value = value + 1 WHERE report_id = :r AND tbl = 't3' AND col = 'total'",
    "UPDATE cells SET uncertain = true WHERE report_id = :r AND tbl = 't3' AND row = 'granted'",
    "DELETE FROM cells WHERE report_id = :r AND tbl = 't3' AND row = 'granted'",
    "INSERT INTO cells (report_id, tbl, row, col, value, uncertain) "
    "SELECT :r, tbl, row, col, 41, false FROM cells WHERE report_id = :other AND tbl = 't3' AND row = 'granted'",
])
def test_a_write_to_a_reports_cells_prints_it_again(pg_store, printed, change):  # noqa: F811
    """Cells written in place (not something nianbao does: a re-parse is a new report row) by hand."""
    ids = _hard_store(pg_store)
    _warm(pg_store, printed)
    with pg_store.engine.begin() as connection:
        connection.execute(text(change), {"r": ids["r0"] if "INSERT" not in change else ids["r7"], "other": ids["r0"]})
    assert _export(pg_store) == _python_path(pg_store)
    assert len(printed) == 1


def test_a_reingest_with_other_cells_is_exported_with_them(pg_store, printed):  # noqa: F811
    ids = _hard_store(pg_store)
    _warm(pg_store, printed)
    with pg_store.session() as session:
        old = session.get(StoredReport, ids["r5"])
        cells = session.execute(select(StoredCell.tbl, StoredCell.row, StoredCell.col, StoredCell.value,
                                       StoredCell.unit).where(StoredCell.report_id == old.id)).all()
        sha, source = old.sha256, old.source
    rows = [{"tbl": tbl, "row": row, "col": col, "value": (value + 100 if col == "total" else value), "raw": None,
             "unit": unit, "inferred": None, "uncertain": False, "alternatives": None, "location": None}
            for tbl, row, col, value, unit in cells]
    meta = {"edition": "2021", "year": 2022, "agency": "南京市人民政府", "status": "ok"}
    Writer(pg_store, "next-parser").write(Parsed(source, "", sha, 1, meta=meta, cells=rows, findings=[]))
    body = _export(pg_store)
    assert body == _python_path(pg_store)
    exported = {int(r["id"]): r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    assert ids["r5"] not in exported
    new_id, = set(exported) - set(ids.values())
    assert printed == [new_id]


def test_hand_entry_is_exported(pg_store, printed, tmp_path):  # noqa: F811
    ids = _hard_store(pg_store)
    _warm(pg_store, printed)
    service = ReportService(pg_store, tmp_path / "files")
    service.enter(ids["r3"], {GRANTED: 17, "t3.new_received.total": 23}, "录入员", "照原件录入")
    assert _export(pg_store) == _python_path(pg_store)
    assert (_cell(pg_store, ids["r3"]), _cell(pg_store, ids["r3"], "t3.new_received.total")) == ("17", "23")


def test_a_changed_edition_prints_the_report_again(pg_store, printed):  # noqa: F811
    """A cell typed in where the parser read none counts only while it is one of the report's edition."""
    ids = _hard_store(pg_store)  # r7 has no cells and t3.granted.total typed in
    _warm(pg_store, printed)
    assert _cell(pg_store, ids["r7"]) == "17"
    printed.clear()
    with pg_store.engine.begin() as connection:
        connection.execute(text("UPDATE reports SET edition = NULL WHERE id = :r"), {"r": ids["r7"]})
    assert _export(pg_store) == _python_path(pg_store)
    assert printed == [ids["r7"]] and _cell(pg_store, ids["r7"]) == ""


def test_a_merge_changes_the_names_and_keeps_the_fragments(pg_store, printed):  # noqa: F811
    ids = _hard_store(pg_store)
    _warm(pg_store, printed)
    with pg_store.session() as session:
        agency_of = dict(session.execute(select(StoredReport.id, StoredReport.agency_id)).all())
    merge(pg_store, agency_of[ids["r4"]], agency_of[ids["r2"]])  # other years: both still count
    body = _export(pg_store)
    assert body == _python_path(pg_store)
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    assert rows[ids["r2"]]["agency"] == rows[ids["r4"]]["agency"] != rows[ids["r2"]]["agency_printed"]
    assert printed == []  # the metadata is printed every time; the cells did not change


def test_another_column_set_prints_every_report_again(pg_store, printed):  # noqa: F811
    _hard_store(pg_store)
    _warm(pg_store, printed)
    cols = columns(False)
    first_cell = [key for key, _ in cols].index(export_module.DOUBT[0][0]) + 1
    fewer = cols[:first_cell] + cols[first_cell + 3:]  # the first three cell columns dropped
    records = export_module.wide_records(pg_store)
    python_lines = io.StringIO()
    csv.writer(python_lines).writerows(export_module._wide_lines(records, fewer))
    assert "".join(block.text for block in export_pg.wide_csv_blocks(pg_store, fewer)) == python_lines.getvalue()


def test_new_printing_rules_print_every_report_again(pg_store, printed, monkeypatch):  # noqa: F811
    ids = _hard_store(pg_store)
    _warm(pg_store, printed)
    with pg_store.engine.begin() as connection:  # as if printed by rules since changed
        connection.execute(text("UPDATE wide_fragments SET cells = replace(cells, ',', ';')"))
    monkeypatch.setattr(export_pg, "FRAGMENT_VERSION", export_pg.FRAGMENT_VERSION + 1)
    assert _export(pg_store) == _python_path(pg_store)
    assert sorted(printed) == sorted(ids.values())


def test_migration_0019_matches_the_model_and_downgrades(pg_store):  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.store.models import Base

    with pg_store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "wide_fragments" in str(d)] == []
    tables_leave_and_return(pg_store, "0018", {"wide_fragments"})
    with pg_store.session() as session:
        triggers = session.scalars(text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'cells'::regclass "
                                        "AND NOT tgisinternal ORDER BY tgname")).all()
    assert triggers == ["nianbao_cells_added", "nianbao_cells_deleted", "nianbao_cells_updated"]
