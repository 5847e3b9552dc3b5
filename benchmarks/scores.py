"""Scores at volume: N reports in PostgreSQL (built as benchmarks/volume.py builds them), then
the ranking API and page, the same after a verdict and after a region correction, and the
evaluation workbook's time and peak memory.

    python benchmarks/scores.py --pg postgresql://nianbao:nianbao@localhost/postgres [--count 100000]
        [--keep] [--reuse] [--build-only] [--workbook]

The database is `nianbao_scores_<N>` (not the volume benchmark's, which it may be measuring).
Measured through FastAPI's TestClient (the app in this process).  The benchmark's reports are
copied in by SQL, so none has a stored score (store/stored_scores.py): the first request scores
and stores every report, as after an upgrade; then `score --refresh` (every report scored again)
is timed, and a new app's first request and medians of five of the next ones.  A verdict is
then given on one finding (its report rescored in the verdict's transaction: both timed) and
the next request timed, then a region corrected and the next request timed.  `--workbook` also writes the
evaluation workbook of every report under tracemalloc: its peak memory and time.  `--workbook-only`
skips the web measures.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe as machine  # noqa: E402
from volume import build, database_arguments, drop, timed  # noqa: E402


def _database(base: str, count: int) -> str:
    return base.rsplit("/", 1)[0] + f"/nianbao_scores_{count}"


def _once(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return round((time.perf_counter() - start) * 1000, 1)


def _give_a_verdict(store) -> None:
    from sqlalchemy import select

    from nianbao.store.models import StoredFinding
    from nianbao.store.review import set_verdict

    with store.session() as session:
        finding_id = session.scalar(select(StoredFinding.id).where(StoredFinding.code == "T3.ROW_TOTAL").limit(1))
        set_verdict(session, finding_id, "驳回", "基准测试")
        session.commit()


def _correct_a_region(store) -> None:
    from sqlalchemy import select

    from nianbao.store.models import StoredReport
    from nianbao.store.region_history import correct_region

    with store.session() as session:
        agency_id = session.scalar(select(StoredReport.agency_id).where(StoredReport.agency_id.is_not(None)).limit(1))
    correct_region(store, agency_id, {"county": "基准区"}, author="基准测试")


def measure(url: str) -> dict:
    from fastapi.testclient import TestClient
    from sqlalchemy import delete, func, select

    from nianbao.scores import default_rubric
    from nianbao.store import stored_scores
    from nianbao.store.models import StoredReport, StoredScore
    from nianbao.web.app import create_app

    def new_client() -> TestClient:
        return TestClient(create_app(url, files_dir=Path("/tmp") / "nianbao-scores-files"))

    client = new_client()
    store = client.app.state.store.store
    with store.session() as session, session.begin():
        session.execute(delete(StoredScore))  # a rerun with --reuse starts as the first run did
        count = session.scalar(select(func.count(StoredReport.id))) or 0
    out: dict = {"reports": count}
    out["first_request_nothing_stored_ms"] = _once(client, "/api/scores")
    start = time.perf_counter()
    out["refreshed"] = stored_scores.refresh_all(store, default_rubric())
    out["score_refresh_s"] = round(time.perf_counter() - start, 1)
    client = new_client()
    store = client.app.state.store.store
    out["first_request_ms"] = _once(client, "/api/scores")
    out["api_scores"] = timed(client, "/api/scores")
    out["api_scores_by_level_deep_page"] = timed(client, f"/api/scores?by=level&offset={count // 2}")
    out["scores_page"] = timed(client, "/scores")
    out["scores_page_of_a_year"] = timed(client, "/scores?year=2023")
    out["overview"] = timed(client, "/")
    out["overview_sorted_by_score"] = timed(client, "/?sort=score")
    out["overview_sorted_by_score_highest_first"] = timed(client, "/?sort=-score")
    start = time.perf_counter()
    _give_a_verdict(store)
    out["verdict_with_rescore_ms"] = round((time.perf_counter() - start) * 1000, 1)
    out["after_a_verdict_ms"] = _once(client, "/api/scores")
    _correct_a_region(store)
    out["after_a_region_correction_ms"] = _once(client, "/api/scores")
    return out


def workbook(url: str) -> dict:
    """The evaluation workbook of every report as /api/scores.xlsx writes it (scored a batch at a
    time, streamed to a file) under tracemalloc: its peak, and its time (tracemalloc slows it)."""
    import tempfile

    from nianbao.evaluation import write_evaluation
    from nianbao.scores import default_rubric
    from nianbao.store import open_store
    from nianbao.store.scoring import iter_scored

    rubric = default_rubric()
    with open_store(url) as store, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "评估结果.xlsx"
        tracemalloc.start()
        start = time.perf_counter()
        write_evaluation(target, rubric, iter_scored(store, rubric, with_cells=True))
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = target.stat().st_size
    return {"seconds_under_tracemalloc": round(elapsed, 1), "peak_mib": round(peak / 2**20, 1), "bytes": size}


def main() -> None:
    parser = database_arguments(__doc__.splitlines()[0])
    parser.add_argument("--workbook", action="store_true", help="also write the evaluation workbook of every report")
    parser.add_argument("--workbook-only", action="store_true", help="only the evaluation workbook")
    args = parser.parse_args()
    url = _database(args.pg, args.count)
    if not args.reuse:
        build(args.pg, url, args.count)
    if args.build_only:
        return
    try:
        figures = {} if args.workbook_only else measure(url)
        if args.workbook or args.workbook_only:
            figures["workbook"] = workbook(url)
    finally:
        if not args.keep:
            drop(args.pg, url)
    print(json.dumps({"machine": machine(), "count": args.count, **figures}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
