"""`ingest --dask`: each file is parsed within the same per-file budget as the process-pool
path (budget.py, store/dask_parse.py): a file over its time limit fails with its reason and
is not stored, the others are, and the run goes on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from nianbao.budget import Budget
from nianbao.store.db import open_store
from nianbao.store.ingest import ingest
from nianbao.store.models import StoredReport

distributed = pytest.importorskip("distributed")


def test_dask_fails_the_file_over_time_and_stores_the_rest(folder_with_a_huge_file, tmp_path):
    folder = folder_with_a_huge_file
    files = sorted(folder.iterdir())
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with open_store(tmp_path / "d.db") as store:
            summary = ingest(store, files, root=folder, dask=cluster.scheduler_address, chunk_size=2,
                             budget=Budget(seconds=1, memory_mb=0))
            with store.session() as session:
                sources = list(session.scalars(select(StoredReport.source)))
    assert summary.new == 1 and summary.failed == 1
    assert summary.failures == [("b-huge.txt", "超出时间限制（1 秒）/ over the time limit (1 s)")]
    assert sources == ["a-report.txt"]  # the file over budget is not stored: the next run tries it again


def test_dask_default_budget_stores_every_honest_file(folder_with_a_huge_file, tmp_path):
    folder = folder_with_a_huge_file
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        with open_store(tmp_path / "e.db") as store:
            summary = ingest(store, [folder / "a-report.txt"], root=folder, dask=cluster.scheduler_address)
    assert summary.new == 1 and summary.failed == 0
