"""How `check_all` (what `nianbao check FOLDER` runs after reading) grows with the folder.

    python benchmarks/check_folder.py [--sizes 500 1000 2000 4000] [--runs 3] [--pairing]

Synthetic reports (`nianbao.store.synth.report_data`: every 勾稽关系 holds) of a few
hundred agencies over consecutive years, each with the section text of a real corpus
report so that the text rules and the copying rule do their full work.  Times are CPU
seconds (`time.process_time`), the median of `--runs`; reading the files is not
included.  `--pairing` times only what pairs each report with its agency's previous year
(the part that grew with the square of the folder before `History`).  Run another tree's
code with PYTHONPATH=that/src to compare.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=other/src measures another tree
    sys.path.insert(0, str(ROOT / "src"))

import nianbao  # noqa: E402
from nianbao.checks import check_all, crossyear, report_from_json  # noqa: E402
from nianbao.parser import parse  # noqa: E402
from nianbao.store.synth import report_data  # noqa: E402

from machine import describe  # noqa: E402

CORPUS = Path("/work/shared/corpus")
YEARS = range(2019, 2025)


def _sections() -> list[dict]:
    report = parse(CORPUS / "dev" / "pingtan-2022.txt")
    return report.to_dict()["sections"]


def reports(size: int, seed: int = 2021) -> list:
    rng = random.Random(seed)
    sections = _sections()
    out = []
    agencies = [f"某某县第{n}局" for n in range(size // len(YEARS) + 1)]
    for agency in agencies:
        for year in YEARS:
            if len(out) == size:
                return out
            data = report_data(rng, agency, year)
            data["sections"] = copy.deepcopy(sections)
            out.append(report_from_json(json.loads(json.dumps(data))))
    return out


def pair_all(batch: list) -> int:
    """Each report's previous year, as check_all finds it (an index, or each report against
    every other in trees without crossyear.History)."""
    if hasattr(crossyear, "History"):
        history = crossyear.History(batch)
        return sum(history.previous(report) is not None for report in batch)
    return sum(
        crossyear.previous_report(report, [other for other in batch if other is not report]) is not None
        for report in batch
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairing", action="store_true", help="time the pairing only")
    args = parser.parse_args()
    print(describe())
    print(f"nianbao: {Path(nianbao.__file__).parent}")
    for size in args.sizes:
        batch = reports(size)
        times = []
        for _ in range(args.runs):
            start = time.process_time()
            pair_all(batch) if args.pairing else check_all(batch)
            times.append(time.process_time() - start)
        median = statistics.median(times)
        what = "pairing" if args.pairing else "check_all"
        print(f"{size:>6} reports, {what}: {median:7.3f} s CPU  ({1000 * median / size:.3f} ms per report)")


if __name__ == "__main__":
    main()
