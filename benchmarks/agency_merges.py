"""The automatic agency pass (store/merges.py `relink_aliases`) on a store that holds bodies apart.

For N counties of the division list (those whose name is unique in it, mainland, fixed seed), two synthetic
reports are written the way ingest writes them: 2022 under the county government's bare name
(洪泽区人民政府) and 2023 under its name with the prefecture in front (淮安市洪泽区人民政府), both with
no region read, as a store filled before the alias rule has them: 2N agencies.  The pass is timed
(planning, the N merges, versions and the linking pass), then checked: N agencies left, every 2023
report paired with its 2022 report (a CROSS.* or COPY.* finding, or none, but now linked).

    python benchmarks/agency_merges.py [--counties 200] [--db /tmp/merges.db]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import regions_bulk as bulk  # noqa: E402
from machine import describe as machine  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from nianbao import regions  # noqa: E402
from nianbao.store import open_store  # noqa: E402
from nianbao.store.merges import relink_aliases  # noqa: E402
from nianbao.store.models import Agency, StoredReport  # noqa: E402
from nianbao.store.synth import report_data  # noqa: E402
from tests.store_support import write_report  # noqa: E402


def counties(n: int, seed: int) -> list[regions.Division]:
    g = regions.gazetteer()
    unique = sorted({d.code: d for d in g.by_code.values()
                     if d.depth == 3 and d.parent is not None and d.parent.name and d.code
                     and not d.code.startswith(bulk._SKIPPED_CODES)  # no codes, no reports there
                     and len(g.by_name.get(d.name, [])) == 1}.values(), key=lambda d: d.code)
    return random.Random(seed).sample(unique, n)


def build(store, places: list[regions.Division], seed: int) -> None:
    rng = random.Random(seed)
    for county in places:
        assert county.parent is not None
        for year, name in ((2022, f"{county.name}人民政府"), (2023, f"{county.parent.name}{county.name}人民政府")):
            data = report_data(rng, name, year)
            data.pop("region", None)  # no place read: the writer keeps the two names apart
            write_report(store, data, name=f"{county.code}-{year}.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", help="a SQLite file or postgresql://… (default: a temporary SQLite file)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    store = open_store(args.db or str(Path(folder.name) / "merges.db"))
    try:
        started = time.perf_counter()
        build(store, counties(args.counties, args.seed), args.seed)
        built = time.perf_counter() - started
        with store.session() as session:
            before = session.scalar(select(func.count()).select_from(Agency))
        started = time.perf_counter()
        done = relink_aliases(store, "benchmark")
        elapsed = time.perf_counter() - started
        with store.session() as session:
            after = session.scalar(select(func.count()).select_from(Agency).where(
                Agency.id.in_(select(StoredReport.agency_id))))
        print(machine())
        print(f"{2 * args.counties} reports written in {built:.1f} s; agencies {before} → {after} "
              f"({len(done)} merges) in {elapsed:.2f} s ({1000 * elapsed / max(len(done), 1):.1f} ms a merge)")
        if after != args.counties:
            raise SystemExit(f"expected {args.counties} agencies with reports, found {after}")
    finally:
        store.close()
        folder.cleanup()


if __name__ == "__main__":
    main()
