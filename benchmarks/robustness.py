"""Metamorphic robustness: text reports rewritten as other real reports print them, scored
against the original's gold.

    python benchmarks/robustness.py [--corpus ../shared/corpus] [--only tsv,collapsed_runs]
                                    [--failing] [--cells] [--summary]

One line per (report, transformation): cells right, flagged uncertain (and the change
against the untransformed report), wrong unflagged, and edition/year changes; then the
totals per transformation, per layout pattern (the rewrites of one pattern of unseen
sites together: group_label_alone, one_cell_per_line, collapsed_runs …; any other
rewrite stands for itself) and overall.  `--only` takes transformation or pattern names;
`--summary` prints the tables without the per-case lines.  The rewrites live in tests/metamorphic.py, the
pass/fail relation and the known failures in tests/test_metamorphic.py.  Exit code 1 when
any cell is wrong and unflagged.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT))  # for tests.metamorphic, the rewrites the test suite uses

from nianbao.evaluate import default_corpus  # noqa: E402
from tests import metamorphic  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--only", default="", help="comma-separated transformation names")
    parser.add_argument("--failing", action="store_true", help="print only the cases that break the relation")
    parser.add_argument("--cells", action="store_true", help="list the wrong unflagged cells")
    parser.add_argument("--summary", action="store_true", help="only the tables per transformation and per pattern")
    args = parser.parse_args()
    families = {t.family for t in metamorphic.BY_NAME.values()}
    only = {name for name in args.only.split(",") if name}
    unknown = only - set(metamorphic.BY_NAME) - families
    if unknown:
        parser.error(f"unknown transformation(s) or pattern(s): {', '.join(sorted(unknown))}; "
                     f"known: {', '.join(metamorphic.BY_NAME)}; patterns: {', '.join(sorted(families))}")
    selected = {t.name for t in metamorphic.BY_NAME.values() if t.name in only or t.family in only}

    per_name: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # cases, failing, cells, right, flagged, wrong
    per_family: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    cases = failing = cells = right = flagged = wrong = 0
    if not args.summary:
        print(f"{'report':26s} {'transformation':24s} {'cells':>5s} {'right':>5s} {'flagged':>11s} {'wrong':>5s}")
    for source, gold, name in metamorphic.cases(args.corpus):
        if only and name not in selected | {"identity"}:
            continue
        result = metamorphic.outcome(source, gold, name)
        baseline = metamorphic.outcome(source, gold, "identity")
        extra = result.flagged - baseline.flagged
        meta = [m for m in result.meta_mismatch if m.split(":")[0] in ("edition", "year")]
        broken = bool(result.error or result.wrong or meta or extra > metamorphic.allowed_new_flags(name, result.cells))
        for counts in (per_name[name], per_family[metamorphic.BY_NAME[name].family]):
            for i, value in enumerate((1, broken, result.cells, result.right, result.flagged, len(result.wrong))):
                counts[i] += value
        cases += 1
        failing += broken
        cells += result.cells
        right += result.right
        flagged += result.flagged
        wrong += len(result.wrong)
        if args.summary or (args.failing and not broken):
            continue
        status = " ".join(filter(None, ["FAIL" if broken else "", result.error or "", *meta]))
        print(f"{source.stem[:26]:26s} {name:24s} {result.cells:5d} {result.right:5d} "
              f"{result.flagged:4d} ({extra:+4d}) {len(result.wrong):5d}  {status}")
        if args.cells:
            for line in result.wrong:
                print(f"    WRONG {line}")

    for title, table in (("transformation", per_name), ("pattern", per_family)):
        print(f"\n{title:28s} {'cases':>5s} {'failing':>7s} {'cells':>6s} {'right':>7s} "
              f"{'wrong unflagged':>15s} {'flagged':>7s}")
        for name, (n, bad, c, r, f, w) in table.items():
            print(f"{name:28s} {n:5d} {bad:7d} {c:6d} {r / max(c, 1):7.2%} {w:15d} {f / max(c, 1):7.2%}")
    print(f"\ncases {cases}  failing {failing}  cells {cells}  right {right} ({right / max(cells, 1):.2%})  "
          f"flagged {flagged} ({flagged / max(cells, 1):.2%})  wrong unflagged {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
