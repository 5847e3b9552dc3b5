"""Cell accuracy of the parser on every corpus report that has a gold file.

    python benchmarks/accuracy.py [--corpus ../shared/corpus] [--only .txt,.md]

Prints one line per file (right / flagged uncertain / wrong unflagged) and each
wrong cell, then the totals.  Exit code 1 when any cell is wrong and unflagged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.evaluate import corpus_pairs, default_corpus, score  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--only", default="", help="comma-separated suffixes, e.g. .txt,.md")
    args = parser.parse_args()
    suffixes = tuple(s for s in args.only.split(",") if s)
    pairs = [(s, g) for s, g in corpus_pairs(args.corpus) if not suffixes or s.suffix in suffixes]
    total = right = flagged = wrong = 0
    for source, gold in pairs:
        result = score(source, gold)
        total += result.cells
        right += result.right
        flagged += result.flagged
        wrong += len(result.wrong)
        status = "ERROR " + result.error if result.error else ""
        print(f"{source.name:40s} cells {result.cells:4d}  right {result.accuracy:7.2%}  "
              f"flagged {result.flagged:3d}  wrong {len(result.wrong):3d} {status}")
        for line in result.wrong:
            print(f"    WRONG {line}")
        for line in result.meta_mismatch:
            print(f"    meta  {line}")
    print(f"\nfiles {len(pairs)}  cells {total}  right {right / max(total, 1):.2%}  "
          f"flagged {flagged} ({flagged / max(total, 1):.2%})  wrong unflagged {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
