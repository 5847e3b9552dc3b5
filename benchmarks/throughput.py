"""Parsing throughput per core, by input format, on the corpus and the bundled examples.

    python benchmarks/throughput.py [--seconds 3]

Each file is parsed repeatedly in this one process (one core) for about the given
time; the figure is reports (or pages) per second per core.  Run `--profile` to
see where the time goes.  The collector is tuned as in a parsing worker
(`budget.PARSER_GC_THRESHOLDS`) unless `--default-gc` is given.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.budget import tune_collector_for_parsing  # noqa: E402
from nianbao.evaluate import default_corpus  # noqa: E402
from nianbao.parser import parse_bytes  # noqa: E402
from nianbao.readers import detect_format  # noqa: E402
from machine import describe as machine  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

CORPUS = default_corpus()


def files() -> list[Path]:
    found = [p for folder in ("seeds", "dev") for p in sorted((CORPUS / folder).glob("*"))]
    return found + sorted((ROOT / "examples").glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent per format")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--default-gc", action="store_true",
                        help="keep Python's collector thresholds (the parsing workers raise them)")
    args = parser.parse_args()
    if not args.default_gc:
        tune_collector_for_parsing()  # measure what a parsing worker does
    by_format: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for path in files():
        data = path.read_bytes()
        by_format[detect_format(data, path.name)].append((path.name, data))
    for items in by_format.values():  # warm caches (compiled patterns, OpenCC)
        for name, data in items:
            parse_bytes(data, name)
    print(f"machine: {machine()}")
    profiler = cProfile.Profile() if args.profile else None
    for fmt, items in sorted(by_format.items()):
        # CPU time of this process: the per-core rate, unaffected by other jobs on the machine.
        count, start = 0, time.process_time()
        if profiler:
            profiler.enable()
        while time.process_time() - start < args.seconds:
            for name, data in items:
                parse_bytes(data, name)
                count += 1
        if profiler:
            profiler.disable()
        elapsed = time.process_time() - start
        print(f"{fmt:6s} {len(items):2d} files  {count / elapsed:8.1f} reports/s per core  ({elapsed / count * 1000:.2f} ms each)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
