"""What the tools crawlers and researchers use to turn a report into text make of it, and how
well nianbao reads their output.

    python benchmarks/layout_text.py build --out layout_text      # the PDFs and Word files
    python benchmarks/converters.py --out layout_text [--tools pdfminer,docx2txt] [--files]

`layout_text.py build` prints the gold reports with LibreOffice, with and without table borders,
as Word documents and PDFs beside their gold (`NAME.json`).  This script converts each of them
with every tool installed here (PDF tools on the PDFs, Word tools on the Word documents; the
corpus's real PDFs too, for the PDF tools), writes the output under `OUT/converted/`, parses it
and compares every cell with the gold: right, flagged uncertain, or wrong and not flagged (which
must never happen).  The tools are not nianbao's dependencies: a tool that is not installed is
listed as skipped (pdfminer.six, pypdfium2 and pdfplumber come with the test extra; pdftotext
with poppler-utils; PyMuPDF, mammoth and docx2txt from PyPI).  Exit status 1 when any cell is
wrong and not flagged.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.evaluate import default_corpus, score  # noqa: E402


@dataclass(frozen=True)
class Tool:
    source: str  # "pdf" or "docx": what it converts
    convert: Callable[[Path], str]
    suffix: str  # of its output, which tells nianbao how to read it
    needs: str  # a command on PATH or an importable module
    how: str  # how it prints a table


def _pdftotext(*options: str) -> Callable[[Path], str]:
    def convert(pdf: Path) -> str:
        done = subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, check=True, timeout=120)
        return done.stdout.decode("utf-8")
    return convert


def _pdfminer(pdf: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(pdf))


def _pdfplumber(pdf: Path) -> str:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def _pypdfium2(pdf: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return "\n".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    finally:
        document.close()


def _pymupdf(**options: object) -> Callable[[Path], str]:
    def convert(pdf: Path) -> str:
        import pymupdf  # type: ignore[import-not-found]

        with pymupdf.open(str(pdf)) as document:
            return "".join(page.get_text(**options) for page in document)
    return convert


def _mammoth(to: str) -> Callable[[Path], str]:
    def convert(docx: Path) -> str:
        import mammoth  # type: ignore[import-not-found]

        with docx.open("rb") as file:
            if to == "html":
                return "<html><body>" + mammoth.convert_to_html(file).value + "</body></html>"
            return mammoth.convert_to_markdown(file).value
    return convert


def _docx2txt(docx: Path) -> str:
    import docx2txt  # type: ignore[import-not-found]

    return docx2txt.process(str(docx))


TOOLS = {
    "pdftotext-layout": Tool("pdf", _pdftotext("-layout"), ".txt", "pdftotext", "rows on their lines, columns by position"),
    "pdftotext-raw": Tool("pdf", _pdftotext("-raw"), ".txt", "pdftotext", "rows in content order"),
    "pdftotext": Tool("pdf", _pdftotext(), ".txt", "pdftotext", "columns flowed one after another"),
    "pdfminer": Tool("pdf", _pdfminer, ".txt", "pdfminer", "text boxes in layout order"),
    "pdfplumber": Tool("pdf", _pdfplumber, ".txt", "pdfplumber", "lines, no layout"),
    "pypdfium2": Tool("pdf", _pypdfium2, ".txt", "pypdfium2", "lines in content order"),
    "pymupdf": Tool("pdf", _pymupdf(), ".txt", "pymupdf", "text blocks"),
    "pymupdf-sort": Tool("pdf", _pymupdf(sort=True), ".txt", "pymupdf", "text blocks sorted top to bottom"),
    "mammoth-html": Tool("docx", _mammoth("html"), ".html", "mammoth", "HTML tables"),
    "mammoth-md": Tool("docx", _mammoth("markdown"), ".md", "mammoth", "a paragraph a cell, blank cells dropped"),
    "docx2txt": Tool("docx", _docx2txt, ".txt", "docx2txt", "a line a cell, blank cells dropped"),
}


def installed(tool: Tool) -> bool:
    return shutil.which(tool.needs) is not None or importlib.util.find_spec(tool.needs) is not None


def source_of(gold_path: Path, kind: str, corpus: Path) -> Path | None:
    """The file `kind` of a gold report in the build folder: NAME.printed.json was printed from
    NAME.docx to NAME.pdf, NAME.borderless.json from and to NAME.borderless.*; a name without
    either is a corpus PDF."""
    name = gold_path.stem
    if name.endswith(".printed"):
        path = gold_path.with_name(f"{name.removesuffix('.printed')}.{kind}")
    elif name.endswith(".borderless"):
        path = gold_path.with_name(f"{name}.{kind}")
    else:
        path = next(iter(corpus.glob(f"*/{name}.{kind}")), gold_path.with_name(f"{name}.{kind}"))
    return path if path.exists() else None


def measure(out: Path, corpus: Path, name: str, tool: Tool, files: bool) -> dict[str, int]:
    totals = {"files": 0, "cells": 0, "right": 0, "flagged": 0, "wrong": 0}
    converted = out / "converted"
    converted.mkdir(exist_ok=True)
    for gold_path in sorted(out.glob("*.json")):
        source = source_of(gold_path, tool.source, corpus)
        if source is None:
            continue
        text_path = converted / f"{gold_path.stem}.{name}{tool.suffix}"
        text_path.write_text(tool.convert(source), encoding="utf-8")
        result = score(text_path, json.loads(gold_path.read_text(encoding="utf-8")))
        row = {"files": 1, "cells": result.cells, "right": result.right, "flagged": result.flagged,
               "wrong": len(result.wrong)}
        for key, value in row.items():
            totals[key] += value
        if files or result.wrong:
            print(f"    {gold_path.stem:42s} right {result.right:3d}/{result.cells:3d}  flagged {result.flagged:3d}  "
                  f"wrong unflagged {len(result.wrong)} {result.error or ''} {result.wrong[:3]}")
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("layout_text"), help="the folder layout_text.py build made")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--tools", default="", help="comma-separated, of: " + ", ".join(TOOLS))
    parser.add_argument("--files", action="store_true", help="a line per file, not only per tool")
    args = parser.parse_args()
    names = [n for n in args.tools.split(",") if n] or list(TOOLS)
    unknown = [n for n in names if n not in TOOLS]
    if unknown:
        parser.error(f"unknown tools: {', '.join(unknown)}")
    if not any(args.out.glob("*.json")):
        parser.error(f"{args.out} holds no gold reports: run benchmarks/layout_text.py build --out {args.out} first")
    wrong = 0
    print(f"{'tool':18s} {'files':>5s} {'cells':>6s} {'right':>8s} {'flagged':>8s} {'wrong':>6s}  how it prints a table")
    for name in names:
        tool = TOOLS[name]
        if not installed(tool):
            print(f"{name:18s} skipped: {tool.needs} is not installed")
            continue
        t = measure(args.out, args.corpus, name, tool, args.files)
        cells = t["cells"] or 1
        print(f"{name:18s} {t['files']:5d} {t['cells']:6d} {100 * t['right'] / cells:7.2f}% {t['flagged']:8d} "
              f"{t['wrong']:6d}  {tool.how}", flush=True)
        wrong += t["wrong"]
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
