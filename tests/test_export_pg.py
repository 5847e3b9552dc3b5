"""On PostgreSQL the CSV exports are printed by the database (store/export_pg.py): the bytes must be
the Python path's, whatever the values, doubts, corrections, units and agency names."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select, text

from nianbao.store import corrections as store_corrections
from nianbao.store import export as export_module
from nianbao.store import open_store
from nianbao.store.export import columns, csv_chunks, python_csv_chunks
from nianbao.store.merges import merge
from nianbao.store.models import StoredReport
from nianbao.store.synth import report_data
from tests.store_support import database_target, drop_pg_database, guessed_data, write_report

MONEY = "t2.centralized_procurement.amount"
TYPED = "t3.granted.total"
# Stored values the database cannot print as Python does (exponents, more than 15 digits, huge
# whole numbers written with decimals), beside ordinary ones with trailing zeros.
ODD_VALUES = {
    "t3.new_received.natural_person": "0.000012",
    "t3.new_received.commercial_enterprise": "123456789.123456789",
    "t3.new_received.research_institution": "12345678901234567.50",
    "t3.new_received.social_welfare_org": "100000000000000000000.0",
    "t3.new_received.legal_service_org": "12.500",
    "t3.new_received.other_org": "-0.5",
    "t3.carried_over.natural_person": "99999999999999999999",
}


@pytest.fixture
def pg_store(tmp_path):
    target = database_target("postgresql", tmp_path)
    store = open_store(target)
    yield store
    store.close()
    drop_pg_database(target)


def _hard_store(store) -> dict[str, int]:
    """Reports of both editions with every case the printing must get right."""
    rng = random.Random(11)
    agencies = ("江苏省宿迁市沭阳县人民政府", "沭阳县人民政府", "=HYPERLINK(\"x\")人民政府", "福建省福州市,\"闽侯\"县人民政府",
                "福州市人民政府", "宿迁市人民政府", "淮安市人民政府", "南京市人民政府")
    ids = {}
    for n in range(8):
        data = report_data(rng, agencies[n % len(agencies)], 2020 + n % 3)
        if n == 1:
            data = guessed_data(data, {"t3.granted.total": (data["t3"]["granted"]["total"], (1, 7)),
                                       "t3.withheld_state_secret.total": (3, (8,))})
        if n == 2:
            data = guessed_data(data, {"t3.granted.total": (4, ())})
        if n in (0, 3):
            table, row, column = MONEY.split(".")
            data[table][row][column], data[table][row][column + "_unit"] = 75394432.52, "万元"
        if n == 4:
            data["t3"]["partially_granted"]["total"] = None
        ids[f"r{n}"] = write_report(store, data, name=f"=r{n},\"x\".json" if n == 5 else f"r{n}.json")
    with store.engine.begin() as connection:
        for path, value in ODD_VALUES.items():
            tbl, row, col = path.split(".")
            connection.execute(text("UPDATE cells SET value = CAST(:v AS numeric) WHERE report_id = :r AND tbl = :t "
                                    "AND row = :row AND col = :c"), {"v": value, "r": ids["r6"], "t": tbl, "row": row,
                                                                     "c": col})
        connection.execute(text("UPDATE cells SET unit = :u WHERE report_id = :r AND col = 'amount'"),
                           {"u": '=万,"元', "r": ids["r3"]})
        # A cell of neither edition (no column of its own), guessed; a report without cells.
        connection.execute(text("INSERT INTO cells (report_id, tbl, row, col, value, uncertain) "
                                "VALUES (:r, 't9', 'extra', 'total', 5, true)"), {"r": ids["r1"]})
        connection.execute(text("DELETE FROM cells WHERE report_id = :r"), {"r": ids["r7"]})
    shas = _hashes(store, ids)
    store_corrections.add_correction(store, shas["r1"], "t3.withheld_state_secret.total", 5)  # a guess fixed
    store_corrections.add_correction(store, shas["r2"], "t3.granted.total", None)  # fixed to blank
    store_corrections.add_correction(store, shas["r4"], "t3.new_received.total", 12.25)
    store_corrections.add_correction(store, shas["r4"], "t3.new_received.total", 13)  # the latest counts
    # Typed in by hand where the parser read no cell: a report without cells, a table deleted.
    store_corrections.add_correction(store, shas["r7"], TYPED, 17)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM cells WHERE report_id = :r AND tbl = 't4'"), {"r": ids["r2"]})
    store_corrections.add_correction(store, shas["r2"], "t4.review.total", 2)
    with store.session() as session:
        agency_of = dict(session.execute(select(StoredReport.id, StoredReport.agency_id)).all())
    merge(store, agency_of[ids["r0"]], agency_of[ids["r1"]])  # r1 exported under r0's name
    return ids


def _hashes(store, ids: dict[str, int]) -> dict[str, str]:
    with store.session() as session:
        by_id = dict(session.execute(select(StoredReport.id, StoredReport.sha256)).all())
    return {name: by_id[report_id] for name, report_id in ids.items()}


def _python_path(store, **options) -> bytes:
    options = {"long": False, "header": "key", "ids": None, "harmonised": False, "query": None, **options}
    return b"".join(python_csv_chunks(store, columns(options["long"], options["harmonised"]), **options))


def test_database_printed_wide_csv_is_the_python_paths_bytes(pg_store, monkeypatch):
    ids = _hard_store(pg_store)
    monkeypatch.setattr(export_module, "BATCH", 3)  # several batches, gathered two at a time
    for header in ("key", "zh", "both"):
        assert b"".join(csv_chunks(pg_store, header=header)) == _python_path(pg_store, header=header)
    chosen = [ids["r6"], ids["r1"], ids["r3"]]
    assert b"".join(csv_chunks(pg_store, ids=chosen)) == _python_path(pg_store, ids=chosen)
    view = select(StoredReport).where(StoredReport.year == 2021)
    assert b"".join(csv_chunks(pg_store, query=view)) == _python_path(pg_store, query=view)


# Metadata the database must leave to Python: the csv writer quotes it, the formula guard may escape
# it, it holds the separator of the printed text (or the glue of the guard's test: without need).
LEFT_TO_PYTHON = {"error": "第一行\r\n第二行", "region_code": "-5", "township": "'镇", "county": "县\x1f区",
                  "city": "\t市", "province": "省\x1e=", "gov_level": '"县"'}
# Metadata the database prints itself: a dash inside, blanks.
PRINTED_BY_DATABASE = {"published": "2021-3-1", "level": "乡-镇", "source": None, "edition": None, "year": None}


def test_metadata_printed_by_the_database_is_the_csv_writers(pg_store, monkeypatch):
    from nianbao.store import export_pg

    ids = _hard_store(pg_store)
    clean = [ids[name] for name in ("r0", "r1", "r4", "r6", "r7")]  # metadata the database prints
    printed: list[int] = []
    filled_in = export_pg._filled_in
    monkeypatch.setattr(export_pg, "_filled_in",
                        lambda meta, *rest: printed.append(int(meta.text.split(",")[0])) or filled_in(meta, *rest))
    monkeypatch.setattr(export_module, "BATCH", 3)

    def exported(reports: list[int]) -> None:
        printed.clear()
        assert b"".join(csv_chunks(pg_store)) == _python_path(pg_store)
        assert sorted(printed) == sorted(reports)

    exported(clean)
    with pg_store.engine.begin() as connection:
        for column, value in PRINTED_BY_DATABASE.items():
            connection.execute(text(f"UPDATE reports SET {column} = :v WHERE id = :r"), {"v": value, "r": ids["r7"]})
    exported(clean)
    for column, value in LEFT_TO_PYTHON.items():
        with pg_store.engine.begin() as connection:
            before = connection.execute(text(f"SELECT {column} FROM reports WHERE id = :r"), {"r": ids["r6"]}).scalar()
            connection.execute(text(f"UPDATE reports SET {column} = :v WHERE id = :r"), {"v": value, "r": ids["r6"]})
        exported([report for report in clean if report != ids["r6"]])
        with pg_store.engine.begin() as connection:
            connection.execute(text(f"UPDATE reports SET {column} = :v WHERE id = :r"), {"v": before, "r": ids["r6"]})
    # A name whose comparison key (NFKC) starts with a formula character: Python's field of a printed line.
    with pg_store.engine.begin() as connection:
        connection.execute(text("UPDATE agencies SET name = '＝和平区人民政府' WHERE id = "
                                "(SELECT agency_id FROM reports WHERE id = :r)"), {"r": ids["r4"]})
    exported(clean)
    body = b"".join(csv_chunks(pg_store, ids=[ids["r4"]])).decode("utf-8-sig")
    assert ",＝和平区人民政府," in body and ",'=和平区人民政府," in body


def test_database_printed_long_csv_is_the_python_paths_bytes(pg_store, monkeypatch):
    ids = _hard_store(pg_store)
    with pg_store.engine.begin() as connection:  # text a spreadsheet would run, in every text column
        connection.execute(text("UPDATE cells SET raw = '=1+2', inferred = '-x,\"y\"', unit = '@u' "
                                "WHERE report_id = :r AND col = 'total'"), {"r": ids["r5"]})
    monkeypatch.setattr(export_module, "LONG_BATCH", 3)
    for header in ("key", "zh", "both"):
        assert b"".join(csv_chunks(pg_store, long=True, header=header)) == _python_path(pg_store, long=True,
                                                                                         header=header)
    chosen = [ids["r6"], ids["r1"], ids["r5"]]
    assert b"".join(csv_chunks(pg_store, long=True, ids=chosen)) == _python_path(pg_store, long=True, ids=chosen)
    body = b"".join(csv_chunks(pg_store, long=True, ids=[ids["r6"], ids["r5"]])).decode("utf-8-sig")
    assert ",1.2e-05," in body and ",12345678901234568," in body and ",'=1+2," in body


def test_the_hard_cases_are_in_the_file(pg_store):
    """The comparison above means something: the odd values, the merged name and the doubts are there."""
    import csv
    import io

    ids = _hard_store(pg_store)
    body = b"".join(csv_chunks(pg_store)).decode("utf-8-sig")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(body))}
    odd = rows[ids["r6"]]
    assert [odd[path] for path in ODD_VALUES] == [
        "1.2e-05", "123456789.12345679", "12345678901234568", "100000000000000000000", "12.5", "-0.5",
        "99999999999999999999"]
    assert rows[ids["r1"]]["agency"] == rows[ids["r0"]]["agency"] != rows[ids["r1"]]["agency_printed"]
    assert (rows[ids["r1"]]["uncertain_cells"], rows[ids["r1"]]["n_uncertain"]) == ("t3.granted.total;t9.extra.total", "2")
    assert (rows[ids["r2"]]["t3.granted.total"], rows[ids["r2"]]["n_uncertain"]) == ("", "0")
    assert rows[ids["r4"]]["t3.new_received.total"] == "13"
    assert rows[ids["r3"]][MONEY + "_unit"] == "'=万,\"元"
    assert rows[ids["r0"]][MONEY] == "75394432.52"
    assert all(rows[ids["r7"]][c.key] == ("17" if c.key == TYPED else "") for c in export_module.cell_columns())
    assert (rows[ids["r2"]]["t4.review.total"], rows[ids["r2"]]["t4.review.upheld"]) == ("2", "")
    long_body = b"".join(csv_chunks(pg_store, long=True, ids=[ids["r7"]])).decode("utf-8-sig")
    typed = [r for r in csv.DictReader(io.StringIO(long_body))]
    assert [(r["cell"], r["value"], r["corrected"], r["parsed_value"]) for r in typed] == [(TYPED, "17", "True", "")]


def test_a_report_deleted_after_its_batch_was_chosen_is_left_out(pg_store, monkeypatch):
    from collections import namedtuple

    from nianbao.store import export_pg

    ids = _hard_store(pg_store)
    whole = b"".join(csv_chunks(pg_store))
    chosen = export_module._report_batches
    gone = namedtuple("Chosen", "id")(max(ids.values()) + 100)  # chosen, then deleted before it was read

    def with_one_gone(*args, **options):
        for batch in chosen(*args, **options):
            yield [*batch, gone]

    monkeypatch.setattr(export_module, "_report_batches", with_one_gone)
    assert b"".join(csv_chunks(pg_store)) == whole
    assert [block.rows for block in export_pg.wide_csv_blocks(pg_store, columns(False))] == [len(ids)]


def test_a_closed_download_leaves_no_gathering_thread(pg_store, monkeypatch):
    import gc
    import threading
    import time

    from nianbao.store import export_pg

    _hard_store(pg_store)
    monkeypatch.setattr(export_module, "BATCH", 1)  # a batch per report: more batches than are read
    blocks = export_pg.wide_csv_blocks(pg_store, columns(False))
    assert next(blocks).text.endswith("\r\n")
    blocks.close()
    gc.collect()
    deadline = time.monotonic() + 5
    while any(t.name.startswith(("export-gather", "export-prefetch")) for t in threading.enumerate()):
        assert time.monotonic() < deadline, [t.name for t in threading.enumerate()]
        time.sleep(0.05)
