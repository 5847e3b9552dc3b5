"""Concurrent writers and dying workers: real `nianbao ingest` processes on SQLite and PostgreSQL.

- Two runs on one (new) database, started together, each over every file in its own order:
  the final state equals one clean run (no start-up race, no duplicate, no lost cross-year finding).
- A parser worker SIGKILLed mid-file fails that file only; the run completes; a re-run stores it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from nianbao.store.db import database_url
from nianbao.store.synth import generate

from .conftest import corpus_file
from .store_support import database_target, drop_pg_database


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


def ingest_command(files: list[Path], db: str) -> list[str]:
    return [sys.executable, "-m", "nianbao", "ingest", *map(str, files), "--db", db, "--chunk", "1"]


def final_state(db: str) -> dict[str, object]:
    """What a run leaves, without row ids: reports, cells, findings, agencies, the relink queue."""
    engine = create_engine(database_url(db))
    queries = {
        "reports": "SELECT r.sha256, r.source, r.current, r.status, r.year, a.key, r.n_errors, r.n_warnings, "
                   "r.n_uncertain FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id",
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


def test_two_ingests_at_once_end_as_one_clean_run(database, years):
    clean, shared = database(), database()
    done = subprocess.run(ingest_command(years, clean), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    expected = final_state(clean)
    assert any(code.startswith("CROSS.") for _, code, *_ in expected["findings"]), "the corpus must have pairs to link"
    runs = [subprocess.Popen(ingest_command(order, shared), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for order in (years, years[::-1])]
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
