"""A real published report, scanned: the corpus's hongze-2023.pdf rasterised at 150 dpi into an
image-only PDF (each page a greyscale picture, no text layer), read end to end from the command
line and from the web app, every value with its box on its page image and none wrong without a
flag against the report's gold values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("rapidocr", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")
pdfium = pytest.importorskip("pypdfium2")

from fastapi.testclient import TestClient  # noqa: E402

from nianbao.evaluate import gold_cells  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402

SOURCE = CORPUS / "dev" / "hongze-2023.pdf"
GOLD = CORPUS / "gold" / "hongze-2023.json"
DPI = 150

pytestmark = pytest.mark.skipif(not SOURCE.exists(), reason="corpus not found (set NIANBAO_CORPUS)")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> Path:
    """The report as a scanner would give it back: greyscale pages, no text to copy."""
    document = pdfium.PdfDocument(str(SOURCE))
    pages = [document[n].render(scale=DPI / 72).to_pil().convert("L") for n in range(len(document))]
    path = tmp_path_factory.mktemp("scan") / "洪泽区2023年报-扫描件.pdf"
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    return path


def _checked_against_gold(canonical: dict) -> tuple[int, list[str]]:
    """(cells right, cells wrong and not flagged) against the gold values."""
    expected, got = gold_cells(json.loads(GOLD.read_text(encoding="utf-8"))), gold_cells(canonical)
    flagged = set(canonical.get("uncertain", []))
    right = sum(1 for path, value in expected.items() if path in got and got[path] == value)
    wrong = [path for path, value in expected.items() if got.get(path) != value and path not in flagged]
    return right, wrong


def test_the_scan_has_no_text_layer(scanned):
    document = pdfium.PdfDocument(str(scanned))
    assert all(not document[n].get_textpage().get_text_range().strip() for n in range(len(document)))


def test_the_command_line_reads_the_scan_with_boxes(run_cli, scanned):
    result = run_cli("parse", scanned)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["edition"] == "2021" and data["year"] == 2023
    right, wrong = _checked_against_gold(data)
    assert wrong == [] and right >= 0.95 * len(gold_cells(json.loads(GOLD.read_text(encoding="utf-8"))))
    boxed = [cell["location"] for cell in data["cells"].values() if cell.get("location", {}).get("box")]
    assert len(boxed) > 150 and {loc["page"] for loc in boxed} >= {2, 3}
    assert any("文字识别" in warning["message"] for warning in data["warnings"]), data["warnings"]


def test_the_web_app_reads_the_scan_and_serves_its_pages_for_the_boxes(tmp_path, scanned):
    client = TestClient(create_app(str(tmp_path / "web.db")))
    response = client.post("/api/reports", files={"files": (scanned.name, scanned.read_bytes())})
    assert response.status_code == 201, response.text
    report_id = response.json()["results"][0]["id"]
    detail = client.get(f"/api/reports/{report_id}").json()
    assert detail["tables"] == {"t2": "ok", "t3": "ok", "t4": "ok"}
    right, wrong = _checked_against_gold(client.get(f"/api/reports/{report_id}/canonical").json())
    assert wrong == [] and right >= 190
    boxed = [cell["location"] for cell in detail["cells"].values() if cell.get("location", {}).get("box")]
    info = client.get(f"/api/reports/{report_id}/text").json()
    assert boxed and info["pages"] == len(info["page_sizes"])
    for location in boxed:  # every box lies on its page, in the points the page image is drawn at
        width, height = info["page_sizes"][location["page"] - 1]
        x0, top, x1, bottom = location["box"]
        assert 0 <= x0 < x1 <= width + 1 and 0 <= top < bottom <= height + 1
    image = client.get(f"/api/reports/{report_id}/pages/{boxed[0]['page']}.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert len(image.content) > 10_000
    # The report page hands the browser the page sizes its script scales the boxes by.
    html = client.get(f"/reports/{report_id}").text
    sizes = re.search(r'"page_sizes": (\[\[.*?\]\])', html)
    assert sizes and json.loads(sizes.group(1)) == info["page_sizes"]


def parse_in_worker(data: bytes, name: str) -> tuple[dict, float, str | None]:
    """Run in a budgeted worker: the canonical report, the worker's peak address space in MB
    (what the budget caps) and the thread count its numeric libraries were given."""
    import os

    from nianbao.parser import parse_bytes

    canonical = parse_bytes(data, name).canonical()
    peak_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                   if line.startswith("VmPeak"))
    return canonical, peak_kb / 1024, os.environ.get("OPENBLAS_NUM_THREADS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from Linux's /proc")
def test_the_whole_scan_parses_within_the_default_budget(scanned):
    """Five pages read in one worker under the 1 GB budget every upload and `ingest` gets, with
    room to spare: with numpy's thread a core and a malloc arena a thread it failed (1.02 GB on
    two cores, more on more)."""
    from nianbao.budget import DEFAULT_MEMORY_LIMIT, Budget, Failed, Runner
    from tests.test_ocr_budget import HEADROOM

    with Runner(Budget(seconds=600)) as runner:
        outcome = runner.call(parse_in_worker, scanned.read_bytes(), scanned.name)
    assert not isinstance(outcome, Failed), outcome
    canonical, peak_mb, threads = outcome
    assert threads == "1"
    assert peak_mb <= HEADROOM * DEFAULT_MEMORY_LIMIT, f"peaked at {peak_mb:.0f} MB"
    assert _checked_against_gold(canonical)[1] == []
