"""A scan test set anyone can regenerate, and the OCR reader's accuracy on it.

    python benchmarks/scans.py build  [--out scans] [--reports N] [--dpi 150,300] [--borderless]
    python benchmarks/scans.py score  [--out scans] [--only seal,skew] [--images] [--names 002_,.borderless]

`build` prints reports as PDFs and turns them into scans: the corpus's real PDFs, and every
gold report rendered by nianbao (DOCX with the borders Word draws) and printed to PDF by
LibreOffice (with `--borderless`, also without any table borders, as `NAME.borderless`).
Each PDF is rasterised at 150 and 300 dpi and degraded in one of the ways
published scans are (below), with a fixed seed per page, so the same command gives the same
images on any machine.  Each scan is saved as an image-only PDF, as scans are published.

`score` parses every scan (through the PDF reader's OCR hand-off, with low-confidence cells
flagged) and compares each cell with the gold: right, flagged uncertain, or wrong and
unflagged (which must never happen), with CPU seconds per page (one process, one thread).
With `--images` each scan is read as an image file instead (a multi-page TIFF of its pages at
the resolution it was built at), as an image upload is: pages above the OCR reader's pixel cap
are scaled down by the reader rather than rendered at 200 dpi by the PDF reader.

Needs the `ocr` extra, LibreOffice (`soffice`) for the rendered reports, and a CJK font.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.evaluate import _same, corpus_pairs, default_corpus, gold_cells  # noqa: E402

DEGRADATIONS = ("clean", "skew", "noise", "jpeg", "seal", "photocopy", "worst")
# Skew of a hand-fed scanner page: up to ±2°.
MAX_SKEW_DEGREES = 2.0
# Seal: a red stamp about 42 mm across (the usual 公章), drawn translucent over the ink.
SEAL_DIAMETER_MM = 42
SEAL_RGB = (215, 40, 45)


# --- Degradation ------------------------------------------------------------------------------


def degrade(page: Image.Image, kind: str, dpi: int, seed: int) -> Image.Image:
    """`page` (RGB) degraded as `kind`; the same seed gives the same image."""
    rng = np.random.default_rng(seed)
    steps = {"clean": [], "skew": [_skew], "noise": [_noise], "jpeg": [_jpeg], "seal": [_seal],
             "photocopy": [_photocopy], "worst": [_seal, _skew, _photocopy, _noise, _jpeg]}[kind]
    for step in steps:
        page = step(page, dpi, rng)
    return page


def _skew(page: Image.Image, dpi: int, rng: np.random.Generator) -> Image.Image:
    angle = float(rng.uniform(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES))
    return page.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=(255, 255, 255))


def _noise(page: Image.Image, dpi: int, rng: np.random.Generator) -> Image.Image:
    pixels = np.asarray(page, dtype=np.float32)
    pixels = pixels + rng.normal(0, 14, pixels.shape[:2])[..., None]
    specks = rng.random(pixels.shape[:2]) < 0.0015
    pixels[specks] = 0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _jpeg(page: Image.Image, dpi: int, rng: np.random.Generator) -> Image.Image:
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=int(rng.integers(25, 40)))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _photocopy(page: Image.Image, dpi: int, rng: np.random.Generator) -> Image.Image:
    blurred = page.filter(ImageFilter.GaussianBlur(radius=dpi / 200))
    pixels = np.asarray(blurred, dtype=np.float32)
    # Grey paper, faded toner, an uneven lamp: contrast squeezed towards the middle.
    shade = np.linspace(0, float(rng.uniform(10, 30)), pixels.shape[1])[None, :, None]
    pixels = 40 + pixels * 0.72 - shade
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _seal(page: Image.Image, dpi: int, rng: np.random.Generator) -> Image.Image:
    """A round red stamp over the middle of the page (over a table, where there is one)."""
    size = int(SEAL_DIAMETER_MM / 25.4 * dpi)
    stamp = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(stamp)
    ring = max(2, size // 28)
    draw.ellipse((0, 0, size - 1, size - 1), outline=255, width=ring)
    draw.ellipse((size * 0.12, size * 0.12, size * 0.88, size * 0.88), outline=160, width=max(1, ring // 2))
    centre, outer, inner = size / 2, size * 0.2, size * 0.08
    star = [(centre + (outer if i % 2 == 0 else inner) * np.sin(i * np.pi / 5),
             centre - (outer if i % 2 == 0 else inner) * np.cos(i * np.pi / 5)) for i in range(10)]
    draw.polygon(star, fill=255)
    for k in range(14):  # strokes where the agency's name runs round the ring
        a = np.pi * (0.8 + k / 10)
        x, y = centre + size * 0.36 * np.cos(a), centre + size * 0.36 * np.sin(a)
        draw.line((x - size * 0.03, y, x + size * 0.03, y), fill=220, width=ring)
    width, height = page.size
    x = int(rng.uniform(0.35, 0.65) * width) - size // 2
    y = int(rng.uniform(0.3, 0.6) * height) - size // 2
    alpha = stamp.point(lambda v: int(v * 0.8))
    red = Image.new("RGB", (size, size), SEAL_RGB)
    # Stamp ink sits on top of the print but does not hide black toner: multiply.
    region = page.crop((x, y, x + size, y + size))
    inked = Image.fromarray((np.asarray(region, dtype=np.float32) * np.asarray(red, dtype=np.float32) / 255).astype(np.uint8))
    region.paste(inked, (0, 0), alpha)
    page = page.copy()
    page.paste(region, (x, y))
    return page


# --- Building ---------------------------------------------------------------------------------


def printed_pdfs(corpus: Path, work: Path, reports: int | None, only: str = "",
                 borderless: bool = False) -> list[tuple[str, Path, dict]]:
    """(name, PDF, gold): the corpus's PDFs as they are, and gold reports printed by LibreOffice
    (the first `reports` of them, or the one whose source is named `only`), with `borderless`
    also printed with no table borders."""
    from nianbao.readers.word_legacy import find_soffice
    from nianbao.render import render

    pairs = [(s, g) for s, g in corpus_pairs(corpus) if not only or s.stem == only]
    out = [(source.stem, source, gold) for source, gold in pairs if source.suffix == ".pdf"]
    rendered = [(source, gold) for source, gold in pairs if source.suffix != ".pdf"][:reports]
    docx_paths = []
    for source, gold in rendered:
        path = work / f"{source.stem}.docx"
        path.write_bytes(render(json.loads(json.dumps(gold)), "docx"))
        docx_paths.append(path)
        if borderless:
            docx_paths.append(work / f"{source.stem}.borderless.docx")
            docx_paths[-1].write_bytes(without_borders(path.read_bytes()))
    if docx_paths:
        profile = (work / "profile").as_uri()
        subprocess.run([find_soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile}",
                        "--convert-to", "pdf", "--outdir", str(work), *map(str, docx_paths)],
                       check=True, capture_output=True, timeout=600)
    out += [(f"{source.stem}.printed", work / f"{source.stem}.pdf", gold) for source, gold in rendered]
    if borderless:
        out += [(f"{source.stem}.borderless", work / f"{source.stem}.borderless.pdf", gold) for source, gold in rendered]
    return out


def without_borders(docx_bytes: bytes) -> bytes:
    """The DOCX with every table in the plain style: no borders, only text positions."""
    import docx

    document = docx.Document(io.BytesIO(docx_bytes))
    for table in document.tables:
        table.style = document.styles["Normal Table"]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rasterise(pdf: Path, dpi: int) -> list[Image.Image]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))]
    finally:
        document.close()


def build(out: Path, corpus: Path, reports: int | None, dpis: list[int], kinds: tuple[str, ...],
          borderless: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    golds = {}
    with tempfile.TemporaryDirectory() as work:
        for name, pdf, gold in printed_pdfs(corpus, Path(work), reports, borderless=borderless):
            golds[name] = gold
            for dpi in dpis:
                pages = rasterise(pdf, dpi)
                for kind in kinds:
                    seed = sum(map(ord, f"{name}/{dpi}/{kind}"))
                    scans = [degrade(page, kind, dpi, seed + number) for number, page in enumerate(pages)]
                    target = out / f"{name}.{dpi}.{kind}.pdf"
                    scans[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=scans[1:])
                    print(target.name, len(scans), "pages")
    (out / "gold.json").write_text(json.dumps(golds, ensure_ascii=False, indent=1), encoding="utf-8")


# --- Scoring ----------------------------------------------------------------------------------


def as_tiff(path: Path, dpi: int) -> bytes:
    """The scan's pages as a multi-page TIFF at `dpi` (losslessly compressed)."""
    pages = rasterise(path, dpi)
    buffer = io.BytesIO()
    pages[0].save(buffer, "TIFF", dpi=(dpi, dpi), compression="tiff_deflate", save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def parse_scan(path: Path, image_dpi: int | None = None) -> tuple[dict, int]:
    """The canonical report of a scan, OCR doubt flagged, and its page count; with
    `image_dpi`, read as an image file of that resolution instead of as a PDF."""
    from nianbao import readers
    from nianbao.normalise import build_document
    from nianbao.parser import parse_document
    from nianbao.readers import ocr

    if image_dpi:
        raw = readers.read(as_tiff(path, image_dpi), path.with_suffix(".tif").name)
    else:
        raw = readers.read(path.read_bytes(), path.name)
    report = parse_document(build_document(raw))
    ocr.flag_doubtful_cells(report, raw)
    pages = {cell.page for block in raw.blocks for row in getattr(block, "rows", []) for cell in row}
    return report.canonical(), max(len(pages), int(raw.meta.get("page_count", 1)))


def score(out: Path, only: set[str], images: bool = False, names: tuple[str, ...] = ()) -> int:
    golds = json.loads((out / "gold.json").read_text(encoding="utf-8"))
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0, 0])  # cells right flagged wrong cpu pages
    for path in sorted(out.glob("*.pdf")):
        name, dpi, kind = path.name.rsplit(".", 3)[:3]
        if only and kind not in only or names and not any(part in path.name for part in names):
            continue
        started = time.process_time()
        try:
            report, pages = parse_scan(path, int(dpi) if images else None)
        except Exception as error:  # noqa: BLE001 - a benchmark reports every failure and goes on
            print(f"{path.name:50s} ERROR {error}")
            report, pages = {"uncertain": []}, 1
        cpu = time.process_time() - started
        expected, got = gold_cells(golds[name]), gold_cells(report)
        uncertain = set(report.get("uncertain", []))
        right = sum(1 for p, v in expected.items() if p in got and _same(got[p], v))
        flagged = sum(1 for p in expected if p in uncertain)
        wrong = [f"{p}: got {got.get(p, 'missing')!r}, gold {v!r}" for p, v in expected.items()
                 if p not in uncertain and not (p in got and _same(got[p], v))]
        print(f"{path.name:50s} cells {len(expected):4d} right {right / len(expected):7.2%} flagged {flagged:3d} "
              f"wrong {len(wrong):3d}  {cpu / pages:5.1f} s/page")
        for line in wrong[:8]:
            print("    WRONG", line)
        for key in (kind, f"{dpi} dpi", "all", *(["borderless"] if name.endswith(".borderless") else [])):
            t = totals[key]
            t[0] += len(expected); t[1] += right; t[2] += flagged; t[3] += len(wrong); t[4] += cpu; t[5] += pages  # noqa: E702
    print(f"\n{'':12s} {'cells':>6s} {'right':>8s} {'flagged':>8s} {'wrong':>6s} {'s/page':>7s}")
    for key, (cells, right, flagged, wrong, cpu, pages) in totals.items():
        print(f"{key:12s} {cells:6d} {right / cells:8.2%} {flagged / cells:8.2%} {wrong:6d} {cpu / pages:7.1f}")
    return 1 if totals["all"][3] else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("build", "score"))
    parser.add_argument("--out", type=Path, default=Path("scans"))
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--reports", type=int, default=None, help="gold reports to print (default: all)")
    parser.add_argument("--dpi", default="150,300")
    parser.add_argument("--only", default="", help="degradations to build or score, comma-separated")
    parser.add_argument("--images", action="store_true", help="score: read each scan as an image file (TIFF)")
    parser.add_argument("--borderless", action="store_true", help="build: also print the gold reports without table borders")
    parser.add_argument("--names", default="", help="score: only scans whose file name holds one of these, comma-separated")
    args = parser.parse_args()
    only = {k for k in args.only.split(",") if k}
    if args.command == "build":
        kinds = tuple(k for k in DEGRADATIONS if not only or k in only)
        build(args.out, args.corpus, args.reports, [int(d) for d in args.dpi.split(",")], kinds, args.borderless)
        return 0
    return score(args.out, only, args.images, tuple(part for part in args.names.split(",") if part))


if __name__ == "__main__":
    sys.exit(main())
