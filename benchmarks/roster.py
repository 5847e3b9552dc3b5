"""The roster at volume: a roster of N entries and M stored reports, then `/api/roster` for one year.

    python benchmarks/roster.py [--entries 5000] [--reports 10000] [--pg postgresql://…/postgres]

Builds a throwaway database (SQLite in a temporary folder, or `nianbao_roster_bench` on the given
PostgreSQL server): the roster as `nianbao roster import` stores it, and report rows written
directly (agency, region, year, publication date; no cells: the roster reads none).  Nine in ten
entries have a report for the year (some late), and a few reports match no entry.  Measured
through FastAPI's TestClient (the app in this process): the first request (which matches every
agency name once and stores the matches, store/roster_match.py), then the median and the best of the next ten.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe as machine  # noqa: E402

DEPARTMENTS = ("发展和改革局", "财政局", "教育局", "公安局", "民政局", "司法局", "人力资源和社会保障局", "自然资源局",
               "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
               "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局")
# Two characters make a county's name: enough distinct names for a province's thousands of bodies.
SYLLABLES = "安平宁和丰泰昌盛德兴华阳山河东西南北清远"
YEAR = 2023
# Requests timed after the first: enough for a median and a best that mean something on a shared machine.
RUNS = 10


def counties(n: int) -> list[str]:
    names = [a + b + "县" for a in SYLLABLES for b in SYLLABLES if a != b]
    return names[:n]


def build(url: str, n_entries: int, n_reports: int) -> None:
    from sqlalchemy import insert

    from nianbao.store import open_store, roster
    from nianbao.store.models import StoredReport
    from nianbao.store.roster_file import RosterRow

    places = counties(n_entries // len(DEPARTMENTS) + 1)
    bodies = [(county, county + dept) for county in places for dept in DEPARTMENTS][:n_entries]
    store = open_store(url)
    try:
        roster.import_roster(store, [RosterRow(line=i + 2, name=name, level="部门", region=f"江苏省某市{county}")
                                     for i, (county, name) in enumerate(bodies)], author="基准")
        rows = []
        for n in range(n_reports):
            year = YEAR if n % 2 == 0 else YEAR - 1
            county, name = bodies[(n // 2) % len(bodies)]
            if n % 50 == 0:
                name = f"{county}未列名机构{n}"  # on no roster entry
            if (n // 2) % 10 == 9:
                continue  # one entry in ten has not published
            month = 1 if n % 7 else 5  # departments' deadline is 31 January: May is late
            rows.append({"sha256": hashlib.sha256(f"bench {n}".encode()).hexdigest(), "parser_version": "bench",
                         "current": True, "status": "ok", "year": year, "agency": name, "level": "部门",
                         "province": "江苏省", "city": "某市", "county": county, "published": f"{year + 1}-0{month}-15",
                         "source": f"{n}.html", "n_errors": 0, "n_warnings": 0, "n_uncertain": 0})
        with store.engine.begin() as connection:
            for start in range(0, len(rows), 1000):
                connection.execute(insert(StoredReport.__table__), rows[start:start + 1000])
    finally:
        store.close()


def measure(url: str, year: int = YEAR) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    client = TestClient(create_app(url))
    times, cpu = [], []
    for _ in range(RUNS + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get("/api/roster", params={"year": year})
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.text[:300]
    body = response.json()
    # CPU time of this process (the app runs in it) as well: the shared machine's load inflates wall time.
    return {"first_ms": round(times[0], 1), "median_ms": round(statistics.median(times[1:]), 1),
            "first_cpu_ms": round(cpu[0], 1), "median_cpu_ms": round(statistics.median(cpu[1:]), 1),
            "best_ms": round(min(times[1:]), 1),
            "entries": body["total"], **{k: v for k, v in body["counts"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--reports", type=int, default=10000)
    parser.add_argument("--pg", help="a PostgreSQL server URL (its postgres database); default SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.pg:
            from sqlalchemy import create_engine, text

            admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text("DROP DATABASE IF EXISTS nianbao_roster_bench"))
                connection.execute(text("CREATE DATABASE nianbao_roster_bench"))
            url = args.pg.rsplit("/", 1)[0] + "/nianbao_roster_bench"
        else:
            url = f"sqlite:///{folder}/roster.db"
        start = time.perf_counter()
        build(url, args.entries, args.reports)
        built = round(time.perf_counter() - start, 1)
        print({"machine": machine(), "database": url.split(":")[0], "entries": args.entries,
               "reports": args.reports, "build_s": built, **measure(url)})


if __name__ == "__main__":
    main()
