"""Random compositions of the metamorphic rewrites: two or three applied one after another to a
gold report, scored against its gold, to find layouts no single rewrite makes.

    python benchmarks/compositions.py [--seed 1] [--cases 300] [--corpus ../shared/corpus]

Each case draws a text report and two or three of the rewrites that turn text into text
(tests/metamorphic.py; the encodings are left out, they only re-encode), applies them in the
order drawn, and scores the result like `benchmarks/robustness.py`: cells right, flagged, and
wrong without a flag, which must never happen.  A rewrite that does not apply to what the ones
before it made is skipped; a case with fewer than two applied is not counted.  Some orders make
text no publisher prints (a label rewrite run over a table another rewrite drew with padded
columns moves its rules out of line): a wrong cell found here is a lead to look at, and a layout
that real reports do print goes into tests/metamorphic.py as a rewrite of its own.  Prints the
totals, the cases with cells wrong, and the cases with the most cells flagged.  Exit code 1 when
any cell is wrong and unflagged.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT))  # for tests.metamorphic, the rewrites the test suite uses

from nianbao.evaluate import default_corpus, score  # noqa: E402
from tests import metamorphic  # noqa: E402

# Rewrites that only change the bytes' encoding: composed with others they add nothing.
_ENCODINGS = {"utf8_bom", "utf16_bom", "utf16be_bom", "gb18030"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=300, help="compositions drawn (some do not apply)")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--worst", type=int, default=15, help="cases with the most cells flagged to list")
    args = parser.parse_args()

    pairs = metamorphic.text_pairs(args.corpus)
    rewrites = [t for t in metamorphic.TRANSFORMATIONS if t.suffix is None and t.name not in _ENCODINGS]
    draw = random.Random(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="nianbao-compositions-"))
    cases = cells = right = flagged = 0
    wrong: list[tuple[str, list[str]]] = []
    most_flagged: list[tuple[int, str]] = []
    for _ in range(args.cases):
        source, gold = draw.choice(pairs)
        text, applied = source.read_text(encoding="utf-8"), []
        for rewrite in draw.sample(rewrites, draw.choice((2, 2, 3))):
            result = rewrite.rewrite(text, gold)
            if isinstance(result, str) and result != text:
                text = result
                applied.append(rewrite.name)
        if len(applied) < 2:
            continue
        path = scratch / f"{source.stem}.{'+'.join(applied)}{source.suffix}"
        path.write_text(text, encoding="utf-8")
        outcome = score(path, gold)
        cases, cells, right, flagged = cases + 1, cells + outcome.cells, right + outcome.right, flagged + outcome.flagged
        most_flagged.append((outcome.flagged, path.name))
        if outcome.wrong:
            wrong.append((path.name, outcome.wrong))

    print(f"seed {args.seed}: {cases} compositions, {cells} cells, {right / max(cells, 1):.2%} right, "
          f"{flagged} flagged ({flagged / max(cells, 1):.2%}), {sum(len(w) for _, w in wrong)} wrong unflagged")
    for name, lines in wrong:
        print(f"WRONG {name}")
        for line in lines[:7]:
            print(f"    {line}")
    print("most flagged:")
    for count, name in sorted(most_flagged, reverse=True)[:args.worst]:
        print(f"  {count:4d}  {name}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
