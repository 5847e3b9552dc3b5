"""The web app at volume: N reports in PostgreSQL, then the overview, /api/stats, a filtered
list and the full CSV exports, timed.

    python benchmarks/volume.py --pg postgresql://nianbao:nianbao@localhost/postgres [--count 100000]
        [--keep] [--reuse]

Building: a few hundred seed reports are written the way ingest writes them (synthetic ones
from nianbao.store.synth, one in ten made wrong by a unit so some reports have errors, plus
the real corpus reports parsed); the seeds are then copied in SQL (`INSERT … SELECT` over
`generate_series`) with their own agencies, hashes and ids until there are N.  Copies carry
no cell locations (`cells.location` NULL): nothing measured here reads them, and they are
most of the bytes.  The database is `nianbao_volume_<N>` on the given server; `--reuse`
measures an existing one, `--keep` leaves it after the run.

Measured through a real server as a deployment runs it (`nianbao serve`: uvicorn, one worker, in a
process of its own; httpx over loopback from this process, so the server and the reader do not share
an interpreter lock): median of five requests after one warm-up.  The CSV exports (wide, long, the
web's cell list) are read as a stream for at most --export-seconds; the resident memory of the
serving process is sampled every 20 ms during each, and its growth over the export and over its
second half reported (flat memory: no growth once streaming), with the memory at 10 %, 50 % and
100 % of the stream.  Every export's figures carry the machine's load average when it ended.  `nianbao export`
(wide and long CSV) runs as a process of its own, stopped after --export-seconds, its memory sampled
the same way.  XLSX and Parquet, written to a file before they are sent, are measured whole over one
year of one city.  `--exports-only` skips the pages, `--csv-only` the XLSX and Parquet, `--wide-only`
everything but the wide CSV.  The wide CSV is measured cold (its stored fragments emptied first, so
every report is printed and stored: the first export after an upgrade) and then warm; `--warm-only`
measures it warm only (the fragments kept), `--runs N` times, `nianbao export` and the web in turn.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe as machine  # noqa: E402

SYNTHETIC_SEEDS = 400  # distinct synthetic reports copied to make up the volume
WRONG_EVERY = 10  # one synthetic seed in this many has an outcome off by one (an error-level finding)
REAL_LIMIT = 40  # real corpus reports among the seeds (parsing PDFs is the slow part of the build)
REPEATS = 5


# --------------------------------------------------------------------------- building

def _database(base: str, count: int) -> str:
    return base.rsplit("/", 1)[0] + f"/nianbao_volume_{count}"


def _admin(base: str):
    from sqlalchemy import create_engine

    from nianbao.store.db import database_url

    return create_engine(database_url(base), isolation_level="AUTOCOMMIT")


def _create(base: str, url: str) -> None:
    from sqlalchemy import text

    name = url.rsplit("/", 1)[1]
    admin = _admin(base)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop(base: str, url: str) -> None:
    from sqlalchemy import text

    admin = _admin(base)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"'))
    admin.dispose()


def _synthetic_parsed(rng: random.Random, n: int, agency: str, year: int):
    from nianbao.checks import check, report_from_json
    from nianbao.store.ingest import Parsed, _cell_row, _meta
    from nianbao.store.rows import finding_row
    from nianbao.store.synth import report_data

    data = report_data(rng, agency, year)
    data["region"] = _region_of(agency)  # as the parser places a body (meta.py), so region filters match
    if n % WRONG_EVERY == 0:
        data["t3"]["granted"]["total"] += 1  # 总计 no longer adds up: an error-level finding
    report = report_from_json(data)
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return Parsed(f"synthetic-{n:04d}.json", "", hashlib.sha256(body).hexdigest(), len(body), meta=_meta(report),
                  cells=[_cell_row(path, cell) for path, cell in report.cells()],
                  findings=[finding_row(f) for f in check(report)])


@functools.lru_cache(maxsize=None)
def _region_of(agency: str) -> dict:
    from nianbao.regions import resolve

    return resolve(agency).as_dict()


def _real_parsed():
    from nianbao.evaluate import default_corpus
    from nianbao.store.ingest import Item, parse_item

    files = [p for sub in ("seeds", "dev") for p in sorted((default_corpus() / sub).glob("*")) if p.is_file()]
    for path in files[:REAL_LIMIT]:
        data = path.read_bytes()
        parsed = parse_item(Item(path.name, str(path), hashlib.sha256(data).hexdigest(), data))
        if not parsed.error:
            yield parsed


def seed(store) -> int:
    from nianbao.store import linking
    from nianbao.store.ingest import PARSER_VERSION, Writer
    from nianbao.store.synth import _agencies

    rng = random.Random(2026)
    names = [full for _, full in _agencies(rng)]
    writer = Writer(store, PARSER_VERSION)
    count = 0
    for n in range(SYNTHETIC_SEEDS):
        writer.write(_synthetic_parsed(rng, n, names[n % len(names)], 2019 + (n // len(names)) % 6))
        count += 1
    for parsed in _real_parsed():
        writer.write(parsed)
        count += 1
    linking.link(store)
    return count


_COPY_AGENCIES = """
INSERT INTO agencies (id, key, name, level, province, city, county, township, region_code, gov_level)
SELECT a.id + k * :astride, a.key || '#' || k, a.name || '（' || k || '）', a.level, a.province, a.city, a.county,
       a.township, a.region_code, a.gov_level
FROM agencies a CROSS JOIN generate_series(CAST(:k0 AS integer), CAST(:k1 AS integer)) AS k WHERE a.id <= :amax
"""
_REPORT_COLUMNS = ("source", "path", "size", "parser_version", "current", "status", "error", "format", "edition",
                   "edition_reason", "year", "level", "province", "city", "county", "township", "region_code",
                   "gov_level", "version_kind", "published", "single_other_handling", "n_errors", "n_warnings",
                   "n_uncertain", "sections", "ingested_at")
_COPY_REPORTS = f"""
INSERT INTO reports (id, sha256, agency, agency_id, version_of, {", ".join(_REPORT_COLUMNS)})
SELECT r.id + k * :rstride, md5(r.sha256 || k) || md5(k || r.sha256), r.agency || '（' || k || '）',
       r.agency_id + k * :astride, r.version_of + k * :rstride, {", ".join("r." + c for c in _REPORT_COLUMNS)}
FROM reports r CROSS JOIN generate_series(CAST(:k0 AS integer), CAST(:k1 AS integer)) AS k WHERE r.id <= :rmax
"""
_COPY_CELLS = """
INSERT INTO cells (report_id, tbl, row, col, value, raw, unit, inferred, uncertain, alternatives)
SELECT c.report_id + k * :rstride, c.tbl, c.row, c.col, c.value, c.raw, c.unit, c.inferred, c.uncertain, c.alternatives
FROM cells c CROSS JOIN generate_series(CAST(:k0 AS integer), CAST(:k1 AS integer)) AS k WHERE c.report_id <= :rmax
ORDER BY k, c.report_id, c.id
"""  # in report order, as ingest writes a report's cells together: not one copy's cells strewn over many pages
_COPY_FINDINGS = """
INSERT INTO findings (report_id, code, severity, message, message_en, cells, expected, found)
SELECT f.report_id + k * :rstride, f.code, f.severity, f.message, f.message_en, f.cells, f.expected, f.found
FROM findings f CROSS JOIN generate_series(CAST(:k0 AS integer), CAST(:k1 AS integer)) AS k WHERE f.report_id <= :rmax
"""
_COPY_OUTCOMES = """
INSERT INTO outcome_totals (report_id, granted, partially_granted, withheld, unavailable, declined, other)
SELECT o.report_id + k * :rstride, o.granted, o.partially_granted, o.withheld, o.unavailable, o.declined, o.other
FROM outcome_totals o CROSS JOIN generate_series(CAST(:k0 AS integer), CAST(:k1 AS integer)) AS k
WHERE o.report_id <= :rmax
"""
COPIES_PER_STATEMENT = 20  # one transaction per this many copies of the seeds: progress, bounded WAL


def replicate(store, total: int) -> None:
    from sqlalchemy import text

    with store.engine.begin() as connection:
        rmax = connection.execute(text("SELECT max(id) FROM reports")).scalar() or 0
        amax = connection.execute(text("SELECT max(id) FROM agencies")).scalar() or 0
        seeds = connection.execute(text("SELECT count(*) FROM reports")).scalar() or 0
    copies = max(0, -(-(total - seeds) // seeds)) if seeds else 0
    bounds = {"rstride": rmax, "astride": amax, "rmax": rmax, "amax": amax}
    for k0 in range(1, copies + 1, COPIES_PER_STATEMENT):
        k1 = min(copies, k0 + COPIES_PER_STATEMENT - 1)
        with store.engine.begin() as connection:
            for statement in (_COPY_AGENCIES, _COPY_REPORTS, _COPY_CELLS, _COPY_FINDINGS, _COPY_OUTCOMES):
                connection.execute(text(statement), {**bounds, "k0": k0, "k1": k1})
        print(f"  copies {k1}/{copies}", file=sys.stderr, flush=True)
    with store.engine.begin() as connection:
        # Beyond `total`: the last statement copied whole seed sets.
        connection.execute(text("DELETE FROM reports WHERE id IN (SELECT id FROM reports ORDER BY id OFFSET :n)"),
                           {"n": total})
        for table in ("agencies", "reports", "cells", "findings"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def build(base: str, url: str, count: int) -> None:
    from nianbao.store import open_store

    _create(base, url)
    start = time.perf_counter()
    with open_store(url) as store:
        seeds = seed(store)
        seeded = time.perf_counter()
        replicate(store, count)
    print(f"built {count} reports ({seeds} seeds in {seeded - start:.0f} s, copies in "
          f"{time.perf_counter() - seeded:.0f} s)", file=sys.stderr)


# --------------------------------------------------------------------------- measuring

def _rss_kib_of(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:  # the process has ended
        pass
    return 0


class MemoryWatch:
    """Resident memory of a process (this one by default) while a block runs, sampled every 20 ms in a
    thread: its peak, and the samples over time for the memory at points of the run."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid or os.getpid()

    def __enter__(self) -> "MemoryWatch":
        self.began = time.perf_counter()
        self.start = self.peak = _rss_kib_of(self.pid)
        self.samples: list[tuple[float, int]] = [(0.0, self.start)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            rss = _rss_kib_of(self.pid)
            if rss:
                self.samples.append((time.perf_counter() - self.began, rss))
                self.peak = max(self.peak, rss)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_kib_of(self.pid))

    @property
    def growth_mib(self) -> float:
        return round((self.peak - self.start) / 1024, 1)

    def at(self, since: float, until: float, fractions=(0.1, 0.5, 1.0)) -> dict[str, float]:
        """Resident MiB at these fractions of the time from `since` to `until` (seconds into the block):
        flat memory reads the same at 10 %, 50 % and 100 % of a stream."""
        out = {}
        for fraction in fractions:
            moment = since + fraction * (until - since)
            before = [rss for t, rss in self.samples if t <= moment] or [self.samples[0][1]]
            out[f"{round(fraction * 100)}%"] = round(before[-1] / 1024, 1)
        return out


def timed(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
            "bytes": len(response.content)}


def streamed(client: ServedClient, path: str, seconds: float) -> dict:
    """Read an export as a stream for at most `seconds` (the rate and memory are steady long before
    a 20-million-row export ends); the serving process's resident memory at the start, half way and
    at its peak, and the machine's load when the stream ended."""
    rows, middle = 0, None
    with MemoryWatch(client.server_pid) as memory:
        start = time.perf_counter()
        with client.stream("GET", path) as response:
            assert response.status_code == 200, (path, response.status_code)
            first_byte = time.perf_counter() - start
            for chunk in response.iter_raw():
                rows += chunk.count(b"\n")  # counted in C: the reading side must not slow the server
                elapsed = time.perf_counter() - start
                if middle is None and elapsed > seconds / 2:
                    middle = _rss_kib_of(client.server_pid)
                if elapsed > seconds:
                    break
        elapsed = time.perf_counter() - start
    rows -= 1  # the header
    return {"rows": rows, "seconds": round(elapsed, 1), "rows_per_s": round(rows / elapsed),
            "first_byte_ms": round(first_byte * 1000), "complete": elapsed <= seconds,
            "rss_growth_mib": memory.growth_mib,
            "rss_growth_second_half_mib": round((memory.peak - (middle or memory.peak)) / 1024, 1),
            "rss_mib_at": memory.at(memory.samples[0][0], elapsed), "load_average": load_average()}


def load_average() -> list[float]:
    """The machine's load over the last 1, 5 and 15 minutes: on a shared machine it says how far a
    figure is from an idle one's."""
    return [round(x, 1) for x in os.getloadavg()]


def cli_export(url: str, seconds: float, *options: str) -> dict:
    """`nianbao export` to a CSV file in its own process, stopped after `seconds`: rows per second from
    the moment it opens the file (after start-up and migrations check), and its resident memory at
    10 %, 50 % and 100 % of the export."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nianbao-volume-") as folder:
        target = Path(folder) / "export.csv"
        command = [str(Path(sys.executable).with_name("nianbao")), "export", "--db", url, "--to", str(target), *options]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        opened = None
        with MemoryWatch(process.pid) as memory:
            while process.poll() is None:
                now = time.perf_counter() - memory.began
                if opened is None and target.exists():
                    opened = now
                if opened is not None and now - opened > seconds:
                    process.terminate()
                    break
                time.sleep(0.02)
            process.wait()
            ended = time.perf_counter() - memory.began
        complete = process.returncode == 0
        with target.open("rb") as handle:
            rows = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1
    opened = opened if opened is not None else 0.0
    return {"rows": rows, "complete": complete, "seconds_with_startup": round(ended, 1),
            "rows_per_s": round(rows / (ended - opened)), "rss_mib_at": memory.at(opened, ended),
            "rss_peak_mib": round(memory.peak / 1024, 1), "load_average": load_average()}


def serve(url: str):
    """The app as a deployment runs it: `nianbao serve` (uvicorn, one worker) in a process of its own,
    so the server does not share an interpreter lock with the client reading the stream here.  A
    context manager: the server process while the block runs, stopped after it."""
    return _Served(url)


class _Served:
    STARTUP_SECONDS = 120  # migrations check and the first connection on a busy machine

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> "_Served":
        import socket
        import subprocess
        import urllib.request

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(Path(sys.executable).with_name("nianbao")), "serve", "--db", self.url, "--port", str(self.port),
                   "--files", str(Path("/tmp") / "nianbao-volume-files")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(self.base + "/api/health", timeout=5):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    raise SystemExit(f"nianbao serve did not start (exit {self.process.poll()})") from None
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass(frozen=True)
class Scope:
    """What a run measures (the command line's options)."""

    export_seconds: float = 60
    exports_only: bool = False  # the exports, not the pages
    csv_only: bool = False  # of the exports, the CSVs
    wide_only: bool = False  # the wide CSV, cold and warm, CLI and web
    warm_only: bool = False  # the wide CSV warm only: the stored fragments are kept
    runs: int = 1  # warm measurements of the wide CSV, CLI and web taking turns


def measure(url: str, scope: Scope) -> dict:
    with serve(url) as server, ServedClient(server.base, server.process.pid) as client:
        return _figures(client, url, scope)


class ServedClient(httpx.Client):
    """A client of the app served by process `server_pid`, whose memory the exports sample."""

    def __init__(self, base_url: str, server_pid: int) -> None:
        super().__init__(base_url=base_url, timeout=None)
        self.server_pid = server_pid


def _warm_up(client) -> float:
    """Seconds the first scores request takes: reports without a stored score for the rubric in
    use (store/stored_scores.py) are scored then and kept, so the requests measured after it
    do not pay for that."""
    start = time.perf_counter()
    client.get("/api/scores", params={"limit": 1})
    return round(time.perf_counter() - start, 1)


def _figures(client: ServedClient, url: str, scope: Scope) -> dict:
    reports = client.get("/api/health").json()["reports"]
    if scope.wide_only or scope.warm_only:
        return {"reports": reports, **wide_figures(client, url, scope)}
    year = max(client.get("/api/stats").json()["outcomes_by_year"], key=lambda y: sum(y["outcomes"].values()))["year"]
    if scope.exports_only:
        return {"reports": reports, **export_figures(client, url, scope, year)}
    warm_up_s = _warm_up(client)
    out = {
        "reports": reports, "warm_up_s": warm_up_s,
        "overview": timed(client, "/"),
        "overview_sorted_by_errors": timed(client, "/?sort=-errors"),
        "overview_next_page": timed(client, client_next_page(client)),
        "api_stats": timed(client, "/api/stats"),
        "api_stats_filtered": timed(client, f"/api/stats?year={year}&region=江苏"),
        "api_facets": timed(client, "/api/facets"),
        "filtered_list": timed(client, f"/api/reports?year={year}&severity=error&region=江苏&limit=100"),
        "filtered_list_sorted": timed(client, f"/api/reports?year={year}&level=县&sort=-uncertain&limit=100"),
        "filtered_overview": timed(client, f"/?year={year}&severity=clean&level=县"),
    }
    return {**out, **export_figures(client, url, scope, year)}


def forget_fragments(url: str) -> None:
    """Empty the wide CSV's stored fragments (store/export_pg.py): the next wide export prints every
    report and stores it, as the first export after an upgrade does."""
    from sqlalchemy import create_engine, text

    from nianbao.store.db import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE wide_fragments"))
    engine.dispose()


def wide_figures(client: ServedClient, url: str, scope: Scope) -> dict:
    """The wide CSV through `nianbao export` and the web, each cold (no stored fragment: every report
    printed and stored; not with `warm_only`) and then warm (every fragment read), `runs` times."""
    seconds = scope.export_seconds
    figures = {}
    if not scope.warm_only:
        forget_fragments(url)
        figures["cli_export_wide_csv_cold"] = cli_export(url, seconds)
        forget_fragments(url)
        figures["export_reports_csv_cold"] = streamed(client, "/api/export.csv", seconds)
    for run in range(1, scope.runs + 1):
        suffix = f"_{run}" if scope.runs > 1 else ""
        figures["cli_export_wide_csv" + suffix] = cli_export(url, seconds)
        figures["export_reports_csv" + suffix] = streamed(client, "/api/export.csv", seconds)
    return figures


def export_figures(client: ServedClient, url: str, scope: Scope, year: int) -> dict:
    """Every export door: `nianbao export` and the web's CSVs streamed for at most `export_seconds`; XLSX and Parquet (files
    written in batches before they are sent) over one year of one city (6,000 reports of 100,000)."""
    view = f"year={year}&region=宿迁"
    seconds = scope.export_seconds
    csvs = {
        **wide_figures(client, url, scope),  # the wide form, cold and warm
        "cli_export_long_csv": cli_export(url, seconds, "--long"),
        "export_long_csv": streamed(client, "/api/export/data.csv?form=long", seconds),
        "export_cells_csv": streamed(client, "/api/export.csv?kind=cells", seconds),
    }
    if scope.csv_only:
        return csvs
    return {
        **csvs,
        "export_wide_xlsx_view": downloaded(client, f"/api/export/data.xlsx?{view}", _xlsx_rows),
        "export_wide_parquet_view": downloaded(client, f"/api/export/data.parquet?{view}", _parquet_rows),
        "export_long_parquet_view": downloaded(client, f"/api/export/data.parquet?form=long&{view}", _parquet_rows),
    }


def downloaded(client: ServedClient, path: str, count_rows) -> dict:
    """A file export read whole: its rows (counted in the file), the rows per second of the whole
    request, and the serving process's memory growth while it wrote it."""
    with MemoryWatch(client.server_pid) as memory:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    rows = count_rows(response.content)
    return {"rows": rows, "seconds": round(elapsed, 1), "rows_per_s": round(rows / elapsed),
            "bytes": len(response.content), "rss_growth_mib": memory.growth_mib}


def _xlsx_rows(body: bytes) -> int:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    # Counted: a streamed (write-only) sheet records no dimensions.  Two header rows, Chinese over keys.
    return sum(1 for _ in sheet.iter_rows(values_only=True)) - 2


def _parquet_rows(body: bytes) -> int:
    import io

    import pyarrow.parquet as pq

    return pq.ParquetFile(io.BytesIO(body)).metadata.num_rows


def client_next_page(client) -> str:
    """The overview's own link to its second page (keyset: carries the last row's sort key)."""
    import re

    html = client.get("/").text
    found = re.search(r'href="(/\?[^"]*after=[^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else "/?offset=200"


def database_arguments(description: str) -> argparse.ArgumentParser:
    """The options every benchmark that builds N reports in PostgreSQL takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--pg", required=True, help="PostgreSQL server URL (the database part is replaced)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="measure the database built by an earlier run")
    parser.add_argument("--keep", action="store_true", help="keep the database after measuring")
    parser.add_argument("--build-only", action="store_true", help="build the database (kept), measure nothing")
    return parser


def main() -> None:
    parser = database_arguments(__doc__.splitlines()[0])
    parser.add_argument("--export-seconds", type=float, default=60, help="read each export for at most this long")
    parser.add_argument("--exports-only", action="store_true", help="measure the exports, not the pages")
    parser.add_argument("--csv-only", action="store_true", help="of the exports, the CSVs only")
    parser.add_argument("--wide-only", action="store_true",
                        help="the wide CSV only, cold (stored fragments emptied) and warm, CLI and web")
    parser.add_argument("--warm-only", action="store_true",
                        help="the wide CSV only, warm (the stored fragments kept), CLI and web")
    parser.add_argument("--runs", type=int, default=1, help="warm measurements of the wide CSV, CLI and web in turn")
    args = parser.parse_args()
    url = _database(args.pg, args.count)
    if not args.reuse:
        build(args.pg, url, args.count)
    if args.build_only:
        return
    try:
        figures = measure(url, Scope(args.export_seconds, args.exports_only, args.csv_only, args.wide_only,
                                     args.warm_only, args.runs))
    finally:
        if not args.keep:
            drop(args.pg, url)
    print(json.dumps({"machine": machine(), "load_average": load_average(), "count": args.count, **figures},
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
