"""The accuracy gate: the parser against the hand-checked gold files.

A wrong value that is not flagged uncertain is the worst outcome (a user would
publish it), so the floor for it is zero.  Flags are capped at 2% of cells.
"""

from __future__ import annotations

import pytest

from nianbao.evaluate import corpus_pairs, score

from .conftest import CORPUS

PAIRS = corpus_pairs(CORPUS)
MAX_FLAGGED_SHARE = 0.02


def test_corpus_has_gold_for_every_format():
    suffixes = {source.suffix for source, _ in PAIRS}
    assert {".txt", ".md", ".html", ".pdf"} <= suffixes
    assert len(PAIRS) >= 13


@pytest.mark.parametrize("source,gold", PAIRS, ids=[s.name for s, _ in PAIRS])
def test_every_cell_right_or_flagged(source, gold):
    result = score(source, gold)
    assert result.error is None, result.error
    assert result.wrong == [], "\n".join(result.wrong)


def test_flagged_cells_stay_rare():
    results = [score(source, gold) for source, gold in PAIRS]
    cells = sum(r.cells for r in results)
    flagged = sum(r.flagged for r in results)
    assert flagged <= MAX_FLAGGED_SHARE * cells, f"{flagged} of {cells} cells flagged uncertain"


def test_edition_and_year_match_gold():
    for source, gold in PAIRS:
        result = score(source, gold)
        assert not [m for m in result.meta_mismatch if m.startswith(("edition", "year"))], (source.name, result.meta_mismatch)
