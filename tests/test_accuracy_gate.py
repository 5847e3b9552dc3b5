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


def test_metadata_matches_gold():
    # edition, year, agency as printed, publication date
    mismatches = {source.name: score(source, gold).meta_mismatch for source, gold in PAIRS}
    assert not any(mismatches.values()), {name: found for name, found in mismatches.items() if found}


def test_full_name_of_a_street_office_is_taken_from_its_contact_line():
    from nianbao.document import Document
    from nianbao.meta import find_agency

    def agency(text: str) -> str | None:
        return find_agency(Document(text, [], "text", {}, [], True))

    title = "东柳街道政府信息公开工作2020年度报告\n"
    assert agency(title + "如有疑问，请与鄞州区东柳街道办事处党政综合办联系。") == "东柳街道办事处"
    assert agency(title + "东柳街道认真贯彻落实条例。") == "东柳街道"
    assert agency("某某镇2023年政府信息公开工作年度报告\n某某镇人民政府\n") == "某某镇人民政府"
