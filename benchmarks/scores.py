"""Scores at volume: N reports in PostgreSQL (built as benchmarks/volume.py builds them), then
the ranking API and page, the same after a verdict and after a region correction, and the
evaluation workbook's time and peak memory.

    python benchmarks/scores.py --pg postgresql://nianbao:nianbao@localhost/postgres [--count 100000]
        [--keep] [--reuse] [--build-only] [--workbook]

The database is `nianbao_scores_<N>` (not the volume benchmark's, which it may be measuring).
Measured through FastAPI's TestClient (the app in this process): the first request scores
every report (the board is empty); the next ones are medians of five after it.  A verdict is
then given on one finding and the next request timed (the board rescores that report only),
then a region corrected (the board compares every report).  `--workbook` also writes the
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

    from nianbao.web.app import create_app
    from nianbao.web.scores import score_board

    app = create_app(url, files_dir=Path("/tmp") / "nianbao-scores-files")
    client = TestClient(app)
    store = app.state.store.store
    deep = client.get("/api/health").json()["reports"] // 2
    out: dict = {"reports": client.get("/api/health").json()["reports"]}
    out["first_request_ms"] = _once(client, "/api/scores")
    out["api_scores"] = timed(client, "/api/scores")
    out["api_scores_by_level_deep_page"] = timed(client, f"/api/scores?by=level&offset={deep}")
    out["scores_page"] = timed(client, "/scores")
    out["scores_page_of_a_year"] = timed(client, "/scores?year=2023")
    _give_a_verdict(store)
    out["after_a_verdict_ms"] = _once(client, "/api/scores")
    kept = score_board(_Request(app))
    out["after_a_verdict_rescored"] = [kept.rescored, kept.refreshed_by]
    _correct_a_region(store)
    out["after_a_region_correction_ms"] = _once(client, "/api/scores")
    out["after_a_region_correction_rescored"] = [kept.rescored, kept.refreshed_by]
    return out


class _Request:
    """What web.scores.score_board reads of a request: the app."""

    def __init__(self, app):
        self.app = app


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
