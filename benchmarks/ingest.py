"""Ingest throughput and memory: a synthetic corpus of mixed formats into SQLite.

    python benchmarks/ingest.py [--count 10000] [--workers 2] [--sizes 2000,10000]

The corpus is generated once (nianbao.store.synth: pipe and tab text layouts written
here, HTML and Markdown through nianbao.render, values drawn so every 勾稽关系 holds,
plus the real corpus reports with a byte appended so each copy has its own hash) and
cached under --cache.  Each size runs in a fresh process so peak memory is its own.
Prints reports/s and the peak resident memory of the writer and of the workers.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from machine import describe as machine  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REAL_EVERY = 100  # one real report (HTML, PDF, Markdown, text) per this many synthetic ones


def _real_variant(source: Path, n: int) -> bytes:
    data = source.read_bytes()
    marker = {".html": f"<!-- {n} -->", ".pdf": f"\n%{n}\n"}.get(source.suffix, f"\n（{n}）\n")
    return data + marker.encode("utf-8")


def build_corpus(folder: Path, count: int) -> None:
    from nianbao.evaluate import default_corpus
    from nianbao.store.synth import generate

    if (folder / "done").exists() and int((folder / "done").read_text()) >= count:
        return
    generate(folder, count - count // REAL_EVERY, seed=2026)
    real = [p for sub in ("seeds", "dev") for p in sorted((default_corpus() / sub).glob("*"))]
    target = folder / "real"
    target.mkdir(exist_ok=True)
    for n in range(count // REAL_EVERY):
        source = real[n % len(real)]
        (target / f"{n:05d}-{source.name}").write_bytes(_real_variant(source, n))
    (folder / "done").write_text(str(count))


def corpus_files(folder: Path, count: int) -> list[Path]:
    synthetic = sorted(p for p in folder.glob("[0-9]*/*") if p.is_file())
    real = sorted((folder / "real").glob("*"))
    files = synthetic[: count - count // REAL_EVERY] + real[: count // REAL_EVERY]
    return files


def run_one(folder: Path, count: int, workers: int) -> dict:
    from nianbao.store import ingest, open_store

    files = corpus_files(folder, count)
    formats: dict[str, int] = {}
    for path in files:
        formats[path.suffix] = formats.get(path.suffix, 0) + 1
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        start = time.perf_counter()
        with open_store(db) as store:
            summary = ingest(store, files, root=folder, workers=workers)
        elapsed = time.perf_counter() - start
        size = db.stat().st_size + sum(p.stat().st_size for p in Path(tmp).glob("bench.db-*"))
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
    return {
        # CPU seconds per report over writer and workers: what the run costs on dedicated cores,
        # whatever else the machine was doing during the wall-clock measurement.
        "cpu_ms_per_report": round(cpu / len(files) * 1000, 1),
        "writer_cpu_ms_per_report": round((me.ru_utime + me.ru_stime) / len(files) * 1000, 1),
        "files": len(files), "formats": formats, "new": summary.new, "failed": summary.failed,
        "seconds": round(elapsed, 1), "reports_per_s": round(len(files) / elapsed, 1),
        "peak_rss_writer_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "peak_rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        "db_mb": round(size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--sizes", default="", help="comma-separated sizes to compare memory, e.g. 2000,10000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "nianbao-bench-corpus")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.cache, args.one, args.workers), ensure_ascii=False))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s] or [args.count]
    print(f"machine: {machine()}")
    start = time.perf_counter()
    build_corpus(args.cache, max(sizes))
    print(f"corpus: {max(sizes)} files in {args.cache} (built in {time.perf_counter() - start:.0f}s or cached)")
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--workers", str(args.workers), "--cache", str(args.cache)],
            capture_output=True, text=True, check=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        print(f"{size:6d} reports, {args.workers} workers: {result['seconds']}s, {result['reports_per_s']} reports/s, "
              f"peak RSS writer {result['peak_rss_writer_mb']} MB, worker {result['peak_rss_worker_mb']} MB, "
              f"db {result['db_mb']} MB, failed {result['failed']}, formats {result['formats']}")
        per_report = result["cpu_ms_per_report"]
        print(f"        CPU {per_report} ms/report (writer {result['writer_cpu_ms_per_report']}) → "
              f"{args.workers * 1000 / per_report:.0f} reports/s on {args.workers} idle cores "
              f"({size * per_report / 1000 / args.workers:.0f}s for {size})")


if __name__ == "__main__":
    main()
