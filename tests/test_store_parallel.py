"""Parallel ingest (worker processes, a Dask LocalCluster), kill-and-resume, and the CLI."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest

from nianbao.store import ingest, open_store
from nianbao.store.synth import generate

from .store_support import same


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, generate(folder, 40, seed=5, layouts=("pipe", "tab"))


def stored_values(db) -> dict[tuple[str, str], float]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT source, cell, value FROM report_cells")
        return {(source, cell): value for source, cell, value in rows}


def expected_values(folder, pairs) -> dict[tuple[str, str], float]:
    out = {}
    for path, data in pairs:
        name = str(path.relative_to(folder))
        for table in ("t2", "t3", "t4"):
            for row, columns in data[table].items():
                for column, value in columns.items():
                    if not column.endswith("_unit"):
                        out[(name, f"{table}.{row}.{column}")] = value
    return out


def assert_all_stored(db, folder, pairs) -> None:
    got = stored_values(db)
    expected = expected_values(folder, pairs)
    assert set(got) == set(expected)
    assert all(same(got[key], value) for key, value in expected.items())


def test_worker_processes(small_corpus, tmp_path):
    folder, pairs = small_corpus
    with open_store(tmp_path / "w.db") as store:
        summary = ingest(store, [p for p, _ in pairs], root=folder, workers=2, chunk_size=4)
    assert summary.new == 40
    assert_all_stored(tmp_path / "w.db", folder, pairs)


def test_dask_local_cluster(small_corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder, pairs = small_corpus
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with open_store(tmp_path / "d.db") as store:
            summary = ingest(store, [p for p, _ in pairs], root=folder, dask=cluster.scheduler_address, chunk_size=4)
    assert summary.new == 40
    assert_all_stored(tmp_path / "d.db", folder, pairs)


def _count(db) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_and_resume(tmp_path):
    folder = tmp_path / "corpus"
    pairs = generate(folder, 150, seed=9, layouts=("pipe", "tab"))
    db = tmp_path / "k.db"
    command = [sys.executable, "-m", "nianbao", "ingest", str(folder), "--db", str(db), "--chunk", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while _count(db) < 10 and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # no chance to clean up: as if the machine died
    process.wait()
    done = _count(db)
    assert 10 <= done < 150, "the ingest must be killed part-way"
    resumed = subprocess.run(command, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"已有跳过 skipped {done}" in resumed.stderr
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*), count(DISTINCT sha256) FROM reports").fetchone() == (150, 150)
    assert_all_stored(db, folder, pairs)  # every report complete, none partial


def test_cli_ingest_export_stats(small_corpus, tmp_path, run_cli):
    folder, pairs = small_corpus
    db = tmp_path / "c.db"
    result = run_cli("ingest", folder, "--db", db, "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "新增 new 40" in result.stderr
    result = run_cli("export", "--db", db, "--to", tmp_path / "w.csv")
    assert result.returncode == 0 and len(pd.read_csv(tmp_path / "w.csv", encoding="utf-8-sig")) == 40
    result = run_cli("stats", "--db", db, "--by", "year,level", "-m", "公开率", "-m", "t3.new_received.total",
                     "--include-errors", "-o", tmp_path / "s.json", "--plot", tmp_path / "s.svg")
    assert result.returncode == 0, result.stderr
    assert "公开率" in result.stdout and (tmp_path / "s.svg").stat().st_size > 1000
    rows = pd.read_json(tmp_path / "s.json")
    assert rows["报告数"].sum() == 40
    assert rows["t3.new_received.total"].sum() == sum(d["t3"]["new_received"]["total"] for _, d in pairs)
    bad = run_cli("stats", "--db", db, "--by", "colour")
    assert bad.returncode == 2 and "未知" in bad.stderr
