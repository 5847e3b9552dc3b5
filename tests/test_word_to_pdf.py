"""Reports typed in Word and saved as PDF (or as a web page), the commonest forms on
government sites.

Every gold report is rendered to DOCX (nianbao.render), converted by LibreOffice in one
batch per target, and parsed back:
- saved as HTML (Word's "save as web page"): every cell must come back exactly;
- with the table borders Word draws by default: every cell must come back exactly;
- with the borders removed (a borderless table is only text positions): every cell must
  come back right or flagged uncertain — blank cells cannot be placed without the grid,
  and a guess must never pass for a value.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.evaluate import corpus_pairs, gold_cells, score
from nianbao.readers.word_legacy import find_soffice
from nianbao.render import render
from nianbao.errors import MissingDependency

from . import metamorphic
from .conftest import CORPUS

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from scans import without_borders  # noqa: E402 — the scan set prints its borderless reports the same way

PAIRS = corpus_pairs(CORPUS)

try:
    SOFFICE = find_soffice()
except MissingDependency:
    SOFFICE = None
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed (apt-get install libreoffice-writer)")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("word-pdf")
    sources = []
    for source, gold in PAIRS:
        rendered = render(json.loads(json.dumps(gold)), "docx")
        for variant, data in (("bordered", rendered), ("borderless", without_borders(rendered))):
            path = folder / f"{source.stem}.{variant}.docx"
            path.write_bytes(data)
            sources.append(str(path))
    profile = (folder / "profile").as_uri()
    for target, inputs in (("pdf", sources), ("html", [s for s in sources if ".bordered." in s])):
        subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                        "--convert-to", target, "--outdir", str(folder), *inputs],
                       check=True, capture_output=True, timeout=600)
    return folder


@pytest.mark.parametrize("source,gold", PAIRS, ids=[s.name for s, _ in PAIRS])
def test_word_saved_as_a_web_page_reads_every_cell(pdfs, source, gold):
    result = score(pdfs / f"{source.stem}.bordered.html", gold)
    assert result.error is None and result.wrong == [], result.wrong
    assert result.right == result.cells and result.flagged == 0
    assert result.meta_mismatch == [], result.meta_mismatch


@pytest.mark.parametrize("source,gold", PAIRS, ids=[s.name for s, _ in PAIRS])
def test_word_pdf_with_borders_reads_every_cell(pdfs, source, gold):
    result = score(pdfs / f"{source.stem}.bordered.pdf", gold)
    assert result.error is None and result.wrong == [], result.wrong
    assert result.right == result.cells and result.flagged == 0


@pytest.mark.parametrize("source,gold", PAIRS, ids=[s.name for s, _ in PAIRS])
def test_word_pdf_without_borders_never_guesses_silently(pdfs, source, gold):
    result = score(pdfs / f"{source.stem}.borderless.pdf", gold)
    assert result.error is None and result.wrong == [], result.wrong
    if None not in gold_cells(gold).values():
        # Every cell printed: flags stay rare.  Some remain: a label wrapped over lines that
        # the values sit between is not found, and its values are placed by printed order
        # among rows no sum tells apart (6 of 200 cells at most on the corpus today).
        assert result.flagged <= 0.03 * result.cells, result.flagged


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed (apt-get install poppler-utils)")
@pytest.mark.parametrize("variant", ["bordered", "borderless"])
@pytest.mark.parametrize("source,gold", PAIRS, ids=[s.name for s, _ in PAIRS])
def test_word_pdf_as_pdftotext_layout_text_never_guesses_silently(pdfs, source, gold, variant, tmp_path):
    """The Word PDF's text as `pdftotext -layout` writes it, which lays each page out anew: a
    row's values on the page a table goes on to stand wherever the converter put them, so
    where the page before printed no value in their column (a mostly blank table, one value a
    row), their place is in doubt, not taken from the header on the page before."""
    path = tmp_path / f"{source.stem}.txt"
    path.write_text(metamorphic.pdftotext_of((pdfs / f"{source.stem}.{variant}.pdf").read_bytes(), "-layout"),
                    encoding="utf-8")
    result = score(path, gold)
    assert result.error is None and result.wrong == [], result.wrong
