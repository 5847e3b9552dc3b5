"""Throughput of the PDF reader, and the library comparison behind docs/pdf.md.

    python benchmarks/pdf_throughput.py            # pages/s per core of nianbao.readers.pdf.read
    python benchmarks/pdf_throughput.py --compare  # also pdfplumber, scored against the gold

Speed is pages per CPU-second of this single-threaded process (= pages/s per core).  The
accuracy score counts the gold values of the 洪泽 2023 report's table 三 (23 printed rows × 7
columns) and table 四 (15 cells) that land in the right cell: the row is found by its label and
its value cells are compared in column order.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

from nianbao import editions
from nianbao.document import RawCell, RawTable
from nianbao.evaluate import default_corpus, has_label, t3_rows
from nianbao.tables import T3_OTHER_SUB_ROWS
from nianbao.readers import pdf as pdf_reader
from machine import describe as machine  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parents[1]
CORPUS_PDF = default_corpus() / "dev" / "hongze-2023.pdf"
GOLD = default_corpus() / "gold" / "hongze-2023.json"
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
READABLE_FIXTURES = ["split_table.pdf", "mixed_scan.pdf", "scanned.pdf", "owner_only.pdf"]

T3_COLUMNS = [c.key for c in editions.T3_COLUMNS]
T3_ROWS = {key: row for key, row in t3_rows().items() if key not in T3_OTHER_SUB_ROWS}
T4_CELLS = [(g, k) for g in ("review", "litigation_direct", "litigation_after_review")
            for k in ("upheld", "corrected", "other", "pending", "total")]


# --- Candidates: each maps PDF bytes to a list of RawTable ---------------------------------


def pdfium_reader(data: bytes) -> list[RawTable]:
    return [b for b in pdf_reader.read(data).blocks if isinstance(b, RawTable)]


def _plumber_is_white(color) -> bool:
    if color is None:
        return False
    values = color if isinstance(color, (list, tuple)) else (color,)
    return len(values) in (1, 3) and all(v >= pdf_reader.WHITE_LEVEL / 255 for v in values)


def _plumber_page(page, number: int) -> pdf_reader.PageContent:
    """The same page content PDFium gives us, read with pdfplumber (pdfminer.six)."""
    height = float(page.height)
    glyphs = [pdf_reader.Glyph(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], height - c["matrix"][5])
              for c in page.chars if c["text"].strip()]
    segments = []
    for line in page.lines:
        if not _plumber_is_white(line.get("stroking_color")):
            segments.append(pdf_reader._segment_between(line["x0"], line["top"], line["x1"], line["bottom"]))
    for rect in page.rects:
        corners = [(rect["x0"], rect["top"]), (rect["x1"], rect["top"]), (rect["x1"], rect["bottom"]),
                   (rect["x0"], rect["bottom"]), (rect["x0"], rect["top"])]
        if rect.get("stroke") and not _plumber_is_white(rect.get("stroking_color")):
            segments.extend(pdf_reader._straight_edges(corners))
        if rect.get("fill") and not _plumber_is_white(rect.get("non_stroking_color")):
            thin = pdf_reader._thin_box(corners)
            if thin:
                segments.append(thin)
    image_area = sum(i["width"] * i["height"] for i in page.images)
    return pdf_reader.PageContent(number, float(page.width), height, glyphs, segments, image_area)


def pdfplumber_same_layout(data: bytes) -> list[RawTable]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as document:
        pages = [_plumber_page(page, i + 1) for i, page in enumerate(document.pages)]
    return [b for b in pdf_reader.layout_document(pages).blocks if isinstance(b, RawTable)]


def pdfplumber_native(data: bytes) -> list[RawTable]:
    """pdfplumber's own table finder with default settings, no page joining."""
    import pdfplumber

    tables = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for grid in page.extract_tables():
                rows = [[RawCell(text or "", r, c) for c, text in enumerate(row) if text is not None]
                        for r, row in enumerate(grid)]
                tables.append(RawTable(rows))
    return tables


CANDIDATES = {
    "pypdfium2 + nianbao layout (chosen)": pdfium_reader,
    "pdfplumber chars/lines + nianbao layout": pdfplumber_same_layout,
    "pdfplumber extract_tables() (default)": pdfplumber_native,
}


# --- Scoring --------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return "".join(text.split())


def _values_after(tables: list[RawTable], label: editions.Row) -> list[str] | None:
    for table in tables:
        for row in table.rows:
            cells = sorted(row, key=lambda c: c.col)
            for index, cell in enumerate(cells):
                if has_label(cell.text, label):
                    return [_clean(c.text) for c in cells[index + 1:]]
    return None


def score(tables: list[RawTable], gold: dict) -> dict[str, int]:
    t3_hits = t3_total = 0
    for key, row in T3_ROWS.items():
        expected = ["" if gold["t3"][key][c] is None else str(gold["t3"][key][c]) for c in T3_COLUMNS]
        got = _values_after(tables, row) or []
        got = got[-7:]  # drop sub-labels between the row label and the numbers
        t3_total += 7
        t3_hits += sum(1 for e, g in zip(expected, got) if e == g) if len(got) == 7 else 0
    t4_row = next((sorted(row, key=lambda c: c.col) for t in tables for row in t.rows
                   if len(row) == 15 and all(_clean(c.text).isdigit() for c in row)), [])
    expected4 = [str(gold["t4"][g][k]) for g, k in T4_CELLS]
    t4_hits = sum(1 for e, c in zip(expected4, t4_row) if e == _clean(c.text))
    t3_tables = sum(1 for t in tables if any("本年新收" in c.text or "结转下年度" in c.text for r in t.rows for c in r))
    return {"t3": t3_hits, "t3_total": t3_total, "t4": t4_hits, "t4_total": 15, "t3_tables": t3_tables}


# --- Timing ---------------------------------------------------------------------------------


def _page_count(data: bytes) -> int:
    with pdf_reader.open_pdf(data) as document:
        return len(document)


def pages_per_cpu_second(function, data: bytes, pages: int, min_seconds: float = 1.0) -> float:
    function(data)  # warm up imports and caches
    runs, start = 0, time.process_time()
    while True:
        function(data)
        runs += 1
        elapsed = time.process_time() - start
        if elapsed >= min_seconds:
            return runs * pages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", action="store_true", help="also measure pdfplumber and score against the gold")
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum CPU seconds per measurement")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    inputs = [CORPUS_PDF] + [FIXTURES / name for name in READABLE_FIXTURES]
    print(f"\n{'input':28} {'pages':>5} {'pages/s/core':>13}")
    for path in inputs:
        if not path.exists():
            continue
        data = path.read_bytes()
        pages = _page_count(data)
        speed = pages_per_cpu_second(pdf_reader.read, data, pages, args.seconds)
        print(f"{path.name:28} {pages:5d} {speed:13.1f}")
    if args.compare and CORPUS_PDF.exists():
        compare(args.seconds)


# The grid tests/fixtures/pdf/build_fixtures.py prints over two pages (blank 4th column, "/" 5th).
SPLIT_EXPECTED = [["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]] + [
    [f"{i}.第{i}类申请事项", str(i), "0", "", "/", "0", "0", str(i)] for i in range(1, 25)]


def score_split(tables: list[RawTable]) -> tuple[int, int, int]:
    """(cells right, cells expected, tables found) for the page-split fixture."""
    rows = [[_clean(c.text) for c in sorted(row, key=lambda c: c.col)] for t in tables for row in t.rows]
    hits = sum(1 for want, got in zip(SPLIT_EXPECTED, rows) for w, g in zip(want, got) if w == g and len(got) == 8)
    return hits, sum(len(r) for r in SPLIT_EXPECTED), len(tables)


def compare(seconds: float) -> None:
    data = CORPUS_PDF.read_bytes()
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    pages = _page_count(data)
    print(f"\n{CORPUS_PDF.name} ({pages} pages): candidate, pages/s/core, table-三 cells, table-四 cells, "
          "tables found, tables holding 表三")
    for name, function in CANDIDATES.items():
        speed = pages_per_cpu_second(function, data, pages, seconds)
        tables = function(data)
        s = score(tables, gold)
        print(f"  {name:42} {speed:7.1f}  {s['t3']:3d}/{s['t3_total']}  {s['t4']:2d}/{s['t4_total']}"
              f"  {len(tables):2d}  {s['t3_tables']}")
    split = (FIXTURES / "split_table.pdf").read_bytes()
    pages = _page_count(split)
    print(f"\nsplit_table.pdf ({pages} pages): candidate, pages/s/core, cells right, tables found")
    for name, function in CANDIDATES.items():
        speed = pages_per_cpu_second(function, split, pages, seconds)
        hits, total, count = score_split(function(split))
        print(f"  {name:42} {speed:7.1f}  {hits:3d}/{total}  {count:2d}")


if __name__ == "__main__":
    main()
