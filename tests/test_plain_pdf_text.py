"""A PDF report's text as poppler's `pdftotext` extracts it in its default mode, the text a crawler
that saves a PDF's text most often keeps.  Its reading order follows text blocks: a table cell a line,
a table-二 block's last label after its values, and, on some pages, the rest of a table flowed
column by column after the page's other text.  Those values no reading can place; the parser must
flag them and never pass one off as another row's.  Every gold report is printed as a PDF
(`metamorphic.pdf_ruled`), converted, and scored against its gold."""

from __future__ import annotations

import shutil

import pytest

from nianbao.evaluate import score

from . import metamorphic
from .conftest import CORPUS

# Cells read right over every report, pinned at what the parser reads today (83.3 %: the column
# flows of seeds 003 and 004 and of 莆田's crawl are flagged, not read).  Raised as it improves.
PINNED_RIGHT = 0.832


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: .ci/run installs it"
    scratch = tmp_path_factory.mktemp("pdftotext")
    out = {}
    for source, gold in metamorphic.text_pairs(CORPUS):
        text = metamorphic.pdftotext_plain_text(source.read_text(encoding="utf-8"), gold)
        if text is None:
            continue
        path = scratch / f"{source.stem}.pdftotext.txt"
        path.write_text(text, encoding="utf-8")
        out[source.stem] = score(path, gold)
    return out


def test_every_report_converts(outcomes):
    assert len(outcomes) >= 12


def test_no_value_is_wrong_without_its_flag(outcomes):
    wrong = {stem: result.wrong for stem, result in outcomes.items() if result.wrong}
    assert not wrong, wrong


def test_cells_read_right_do_not_fall_below_the_pin(outcomes):
    cells = sum(result.cells for result in outcomes.values())
    right = sum(result.right for result in outcomes.values())
    assert right >= PINNED_RIGHT * cells, f"{right / cells:.2%} right"
