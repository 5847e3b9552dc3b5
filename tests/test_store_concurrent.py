"""Concurrent writers and dying workers: real `nianbao ingest` processes on SQLite and PostgreSQL.

- Three runs on one (new) database, started together, each over every file in its own order:
  the final state equals one clean run (no start-up race, no duplicate, no lost cross-year finding,
  one counted version per agency and year).
- A parser worker SIGKILLed mid-file fails that file only; the run completes; a re-run stores it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from nianbao.store.db import advisory_lock, database_url, write_lock
from nianbao.store.models import StoredReport
from nianbao.store.synth import generate, report_data

from .conftest import corpus_file
from .store_support import database_target, drop_pg_database, store_fixture, write_report  # noqa: F401 (`store`)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    """A factory of fresh database targets of one kind (PostgreSQL ones dropped afterwards)."""
    made: list[str] = []

    def new() -> str:
        target = database_target(request.param, tmp_path_factory.mktemp("db"))
        made.append(target)
        return target

    yield new
    if request.param == "postgresql":
        for target in made:
            drop_pg_database(target)


@pytest.fixture(scope="module")
def years(tmp_path_factory) -> list[Path]:
    """30 reports of 6 agencies over 5 years: many cross-year pairs to link."""
    folder = tmp_path_factory.mktemp("years")
    return [path for path, _ in generate(folder, 30, seed=11, layouts=("pipe", "tab"), agencies=6)]


@pytest.fixture(scope="module")
def twins(years) -> dict[Path, Path]:
    """A twin of every third report (the same text and a blank line: another file of the same agency
    and year, of which exactly one may count)."""
    out = {}
    for path in years[::3]:
        out[path] = path.with_name(f"{path.stem}-twin{path.suffix}")
        out[path].write_bytes(path.read_bytes() + b"\n")
    return out


def ingest_command(files: list[Path], db: str) -> list[str]:
    return [sys.executable, "-m", "nianbao", "ingest", *map(str, files), "--db", db, "--chunk", "1"]


def final_state(db: str) -> dict[str, object]:
    """What a run leaves, without row ids: reports, cells, findings, agencies, the relink queue."""
    engine = create_engine(database_url(db))
    queries = {
        "reports": "SELECT r.sha256, r.source, r.current, r.status, r.year, a.key, r.n_errors, r.n_warnings, "
                   "r.n_uncertain FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id",
        # Which of two twins counts depends on the order they were stored in; that one does is the rule.
        "counted": "SELECT agency_id, year, count(*) FROM reports WHERE current AND version_of IS NULL "
                   "AND status != 'failed' GROUP BY agency_id, year HAVING count(*) != 1",
        "cells": "SELECT r.sha256, c.tbl, c.row, c.col, c.value, c.uncertain FROM cells c JOIN reports r ON r.id = c.report_id",
        "findings": "SELECT r.sha256, f.code, f.severity, f.message, f.cells, f.expected, f.found "
                    "FROM findings f JOIN reports r ON r.id = f.report_id",
        "agencies": "SELECT key, name FROM agencies",
        "relink": "SELECT agency_id FROM relink",
    }
    with engine.connect() as connection:
        state = {name: sorted(map(tuple, connection.execute(text(sql))), key=repr) for name, sql in queries.items()}
    engine.dispose()
    return state


def test_three_ingests_at_once_end_as_one_clean_run(database, years, twins):
    files = [file for path in years for file in (path, twins.get(path)) if file]
    # Forward, backward (one run's early years while the other writes late ones: the linking race),
    # and forward with each twin first (two files of one agency and year written at the same time).
    swapped = [file for path in years for file in (twins.get(path), path) if file]
    orders = (files, files[::-1], swapped)
    clean, shared = database(), database()
    done = subprocess.run(ingest_command(files, clean), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    expected = final_state(clean)
    assert any(code.startswith("CROSS.") for _, code, *_ in expected["findings"]), "the corpus must have pairs to link"
    assert expected["counted"] == [], "one counted report per agency and year"
    runs = [subprocess.Popen(ingest_command(order, shared), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for order in orders]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, err) in zip(runs, outputs):
        assert run.returncode == 0, err
        assert "Traceback" not in err
    got = final_state(shared)
    assert {name: len(rows) for name, rows in got.items()} == {name: len(rows) for name, rows in expected.items()}
    assert got == expected


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _parser_worker(pid: int) -> int | None:
    """The ingest's parser process (a multiprocessing spawn child, not its resource tracker)."""
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            return child
    return None


def _stored(engine) -> int:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM reports")).scalar_one()
    except Exception:  # noqa: BLE001 — not created yet, or locked for a moment
        return 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_killed_mid_file_fails_that_file_and_a_rerun_stores_it(database, years, tmp_path):
    # The last file is huge (7 MB of report text: ~6 s to parse and check, measured).  Files are
    # written in order, so once the others are stored the worker is busy with it.
    report = corpus_file("dev/pingtan-2019.txt").read_text(encoding="utf-8")
    huge = tmp_path / "zz-huge.txt"
    huge.write_text(report * 400, encoding="utf-8")
    small = years[:6]
    db = database()
    engine = create_engine(database_url(db))
    run = subprocess.Popen(ingest_command([*small, huge], db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while _stored(engine) < len(small) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
        time.sleep(0.5)
        worker = _parser_worker(run.pid)
        assert worker is not None and run.poll() is None, "the run must still be parsing the huge file"
        os.kill(worker, signal.SIGKILL)
        _, err = run.communicate(timeout=300)
    finally:
        run.kill()
        engine.dispose()
    assert run.returncode == 1, err
    assert "失败 failed zz-huge.txt：解析进程意外退出（SIGKILL）" in err
    assert f"新增 new {len(small)}" in err and "Traceback" not in err
    sources = [row[1] for row in final_state(db)["reports"]]
    assert sorted(sources) == sorted(path.name for path in small)  # the killed file is not stored as failed
    # Limits raised: on a machine this busy the huge file alone may take a while.
    again = subprocess.run(ingest_command([*small, huge], db) + ["--time-limit", "300"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "新增 new 1" in again.stderr and f"已有跳过 skipped {len(small)}" in again.stderr


def test_a_writer_waits_for_another_writer_of_the_same_agency(store):
    """Two files of one agency and year: the second waits for the first's transaction, then sees it,
    so exactly one becomes the version that counts (SQLite: the write lock; PostgreSQL: the agency's)."""
    data = report_data(random.Random(4), "沭阳县财政局", 2022)
    first = write_report(store, {**data, "source": "a.json"})
    with store.engine.connect() as connection:
        agency_id = connection.scalar(select(StoredReport.agency_id).where(StoredReport.id == first))
    done = threading.Event()
    holder = store.engine.connect()
    try:
        holder.begin()
        write_lock(holder, "a test holding the lock")
        advisory_lock(holder, f"nianbao agency {agency_id}")
        writer = threading.Thread(target=lambda: (write_report(store, {**data, "source": "b.json"}), done.set()))
        writer.start()
        assert not done.wait(1.5), "the second writer must wait for the transaction holding its agency"
        holder.commit()
    finally:
        holder.close()
    writer.join(60)
    assert done.is_set()
    with store.engine.connect() as connection:
        counted = connection.execute(select(StoredReport.source).where(
            StoredReport.current.is_(True), StoredReport.version_of.is_(None))).scalars().all()
    assert len(counted) == 1
