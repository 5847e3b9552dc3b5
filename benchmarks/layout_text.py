"""Layout text: PDFs converted to text with their layout kept, and how well nianbao reads them.

    python benchmarks/layout_text.py build [--out layout_text] [--reports N]
    python benchmarks/layout_text.py score [--out layout_text] [--before]

`build` prints the gold reports as PDFs with LibreOffice, with and without table borders (as
`benchmarks/scans.py build --borderless` does: `scans.printed_pdfs`), takes the corpus's real
PDF as it is, and converts each with pdfplumber's `extract_text(layout=True)` (what crawlers and
users do, like `pdftotext -layout`), pages joined with a form feed, as `NAME.txt` beside the
gold `NAME.json`.  The same command gives the same files on any machine with the same fonts.

`score` parses each file and compares every cell with the gold: right, flagged uncertain, or
wrong and not flagged (which must never happen), per file and in total.  `--before` reads the
files as the text reader did before layout text was recognised (each line a paragraph).

Needs LibreOffice (`soffice`), a CJK font, and the `ocr` extra (for `scans.py`'s imports).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from nianbao.evaluate import default_corpus, score  # noqa: E402


def build(out: Path, corpus: Path, reports: int | None) -> int:
    import pdfplumber
    from scans import printed_pdfs

    out.mkdir(parents=True, exist_ok=True)
    for name, pdf, gold in printed_pdfs(corpus, out, reports, borderless=True):
        with pdfplumber.open(pdf) as document:
            text = "\f".join(page.extract_text(layout=True) or "" for page in document.pages)
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
        (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        print(name)
    return 0


def score_all(out: Path, before: bool) -> int:
    if before:
        from nianbao.readers import text

        text.looks_like_layout_text = lambda text: False  # type: ignore[assignment]
    totals = {"cells": 0, "right": 0, "flagged": 0, "wrong": 0}
    for path in sorted(out.glob("*.txt")):
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        result = score(path, gold)
        row = {"cells": result.cells, "right": result.right, "flagged": result.flagged, "wrong": len(result.wrong)}
        for key, value in row.items():
            totals[key] += value
        print(f"{path.stem:45s} right {result.right:3d}/{result.cells:3d}  flagged {result.flagged:3d}  "
              f"wrong unflagged {len(result.wrong)} {result.error or ''} {result.wrong[:3]}")
    cells = totals["cells"] or 1
    print(f"total: {totals['right']}/{totals['cells']} right ({100 * totals['right'] / cells:.2f}%), "
          f"{totals['flagged']} flagged ({100 * totals['flagged'] / cells:.2f}%), "
          f"{totals['wrong']} wrong unflagged")
    return 1 if totals["wrong"] else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("command", choices=("build", "score"))
    parser.add_argument("--out", type=Path, default=Path("layout_text"))
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--reports", type=int, default=None, help="gold reports to print (default: all)")
    parser.add_argument("--before", action="store_true", help="score: read each line as a paragraph, as before")
    args = parser.parse_args()
    if args.command == "build":
        return build(args.out, args.corpus, args.reports)
    return score_all(args.out, args.before)


if __name__ == "__main__":
    sys.exit(main())
