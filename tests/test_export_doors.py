"""Every door writes the export of one builder (store/export.py): `nianbao export` and the web
app's downloads give the same bytes for the same reports, streamed batch by batch."""

from __future__ import annotations

import csv
import io
import random
import threading
import time

import pytest
from sqlalchemy import select

from nianbao.store import corrections as store_corrections
from nianbao.store.export import BATCH, columns, csv_chunks, export, prefetched
from nianbao.store.models import StoredReport
from nianbao.store.synth import report_data
from tests.store_support import guessed_data, store_fixture, write_report  # noqa: F401  (fixture)

pytest.importorskip("fastapi", reason="web dependencies not installed")

AGENCIES = ("江苏省宿迁市沭阳县人民政府", "福建省福州市闽侯县人民政府", "=HYPERLINK(\"x\")人民政府")
MONEY = "t2.centralized_procurement.amount"


def _reports(store) -> dict[str, int]:
    """Six reports over two years (2020: edition 2019; 2021: edition 2021): a guessed cell, a guess a person corrected, a money cell with its
    unit, a blank, and an agency name a spreadsheet would run as a formula."""
    rng = random.Random(7)
    ids = {}
    for n, agency in enumerate(AGENCIES * 2):
        data = report_data(rng, agency, 2020 + n // len(AGENCIES))  # both editions
        data["region"] = {"province": agency[:3]} if agency.startswith(("江苏", "福建")) else {}
        if n == 1:
            data = guessed_data(data, {"t3.granted.total": (data["t3"]["granted"]["total"], (1, 7))})
        if n == 2:
            data = guessed_data(data, {"t3.withheld_state_secret.total": (3, (8,))})
        if n == 0:
            table, row, column = MONEY.split(".")
            data[table][row][column], data[table][row][column + "_unit"] = 12.5, "万元"
        if n == 4:
            data["t3"]["partially_granted"]["total"] = None
        ids[f"r{n}"] = write_report(store, data, name=f"r{n}.json")
    with store.session() as session:
        sha = session.scalar(select(StoredReport.sha256).where(StoredReport.id == ids["r2"]))
    store_corrections.add_correction(store, sha, "t3.withheld_state_secret.total", 5)
    return ids


@pytest.fixture
def doors(store, tmp_path, run_cli):
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    ids = _reports(store)
    client = TestClient(create_app(store.url, files_dir=tmp_path / "files"))

    def cli(suffix: str, *options: str) -> bytes:
        target = tmp_path / f"cli{suffix}"
        result = run_cli("export", "--db", store.url, "--to", target, *options)
        assert result.returncode == 0, result.stderr
        return target.read_bytes()

    yield ids, client, cli
    client.app.state.store.close()


def test_cli_and_web_csv_are_the_same_bytes(doors):
    ids, client, cli = doors
    for header in ("key", "zh", "both"):
        mine = cli(".csv", "--header", header)
        assert client.get("/api/export.csv", params={"header": header}).content == mine
        assert client.get("/api/export/data.csv", params={"header": header}).content == mine
    long = client.get("/api/export/data.csv", params={"form": "long"})
    assert long.headers["content-type"].startswith("text/csv") and long.content == cli(".csv", "--long")


def test_the_wide_csv_carries_values_doubt_units_and_blanks(doors):
    ids, client, _ = doors
    body = client.get("/api/export.csv").content
    assert body.startswith("\ufeff".encode("utf-8"))
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    assert sorted(rows) == sorted(ids.values())  # by id, every report once
    guessed, corrected = rows[ids["r1"]], rows[ids["r2"]]
    assert (guessed["n_uncertain"], guessed["uncertain_cells"]) == ("1", "t3.granted.total")
    # A person's correction is not a guess: the value in force, no mark.
    assert (corrected["t3.withheld_state_secret.total"], corrected["n_uncertain"], corrected["uncertain_cells"]) \
        == ("5", "0", "")
    assert (rows[ids["r0"]][MONEY], rows[ids["r0"]][MONEY + "_unit"]) == ("12.5", "万元")
    assert rows[ids["r4"]]["t3.partially_granted.total"] == ""  # blank, never 0
    assert rows[ids["r5"]]["t3.granted.total"].isdigit()  # counts as 12, not 12.0
    assert rows[ids["r2"]]["agency"].startswith("'=HYPERLINK")  # escaped: text stays text


def test_filtered_and_scoped_views_go_through_the_builder(doors, store, tmp_path):
    from nianbao.store.selection import Filters, overview_query

    ids, client, _ = doors
    web = client.get("/api/export/data.csv", params={"year": 2021, "header": "zh"}).content
    target = tmp_path / "filtered.csv"
    assert export(store, target, header="zh", query=overview_query(Filters(year=2021))) == 3
    assert web == target.read_bytes()
    lines = web.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 3 and all(",2021," in line for line in lines[1:])
    empty = client.get("/api/export.csv", params={"year": 2030}).content.decode("utf-8-sig").splitlines()
    assert empty == [",".join(key for key, _ in columns(long=False))]


def test_xlsx_and_parquet_come_from_a_file_written_in_batches(doors, tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    ids, client, cli = doors
    cli(".xlsx")
    web = client.get("/api/export/data.xlsx")
    assert web.status_code == 200
    assert pd.read_excel(io.BytesIO(web.content), header=1).equals(pd.read_excel(tmp_path / "cli.xlsx", header=1))
    sheet = load_workbook(io.BytesIO(web.content))["reports"]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref
    # The list workbook's first sheet is the same wide form, beside the web's cell list.
    lists = client.get("/api/export.xlsx").content
    assert pd.read_excel(io.BytesIO(lists), sheet_name="报告 reports", header=1).equals(
        pd.read_excel(tmp_path / "cli.xlsx", header=1))
    guessed = load_workbook(io.BytesIO(lists))["报告 reports"]
    keys = [c.value for c in guessed[2]]
    row = next(r for r in guessed.iter_rows(min_row=3) if r[keys.index("id")].value == ids["r1"])
    assert row[keys.index("t3.granted.total")].fill.fgColor.rgb.endswith("FFE0B2")
    cli(".parquet", "--long")
    parquet = pd.read_parquet(io.BytesIO(client.get("/api/export/data.parquet", params={"form": "long"}).content))
    assert parquet.equals(pd.read_parquet(tmp_path / "cli.parquet"))
    assert parquet["sha256"].nunique() == len(ids)


def test_web_file_exports_leave_no_temporary_file(doors):
    import glob
    import tempfile

    _, client, _ = doors
    pattern = f"{tempfile.gettempdir()}/nianbao-export-*"
    before = set(glob.glob(pattern))
    for fmt in ("xlsx", "parquet"):
        assert client.get(f"/api/export/data.{fmt}").status_code == 200
    assert set(glob.glob(pattern)) <= before


def test_batches_follow_one_another_by_id(store, monkeypatch):
    """Across batches (keyset on id) the rows come once each, in order, as in one batch."""
    from nianbao.store import export as builder

    ids = _reports(store)
    whole = b"".join(csv_chunks(store))
    monkeypatch.setattr(builder, "BATCH", 2)
    assert b"".join(csv_chunks(store)) == whole
    assert len(whole.decode("utf-8-sig").splitlines()) == 1 + len(ids) and BATCH > 2


def test_prefetching_stops_with_its_consumer_and_hands_on_failures():
    made: list[int] = []

    def numbers():
        for n in range(1000):
            made.append(n)
            yield n

    ahead = prefetched(numbers(), depth=1)
    assert [next(ahead) for _ in range(3)] == [0, 1, 2]
    ahead.close()  # a download closed half way
    deadline = time.monotonic() + 5
    while [t for t in threading.enumerate() if t.name == "export-prefetch"] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(made) <= 6 and not [t for t in threading.enumerate() if t.name == "export-prefetch"]

    def failing():
        yield 1
        raise ValueError("坏数据")

    with pytest.raises(ValueError, match="坏数据"):
        list(prefetched(failing()))
