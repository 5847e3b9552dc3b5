"""A table most of whose rows are not found or in doubt of their place puts its other rows in
doubt too (tables.doubt_mostly_unread): the layout its reading assumed did not hold, so a row
that looked right may hold another row's values (pdftotext's column-by-column flow of a PDF
printed a label before another row's values)."""

from __future__ import annotations

import pytest

from nianbao.model import Cell, Warning
from nianbao.tables import WHY_MOSTLY_IN_DOUBT, Built, doubt_mostly_unread, unread_row
from nianbao import editions

from . import metamorphic

COLUMNS = editions.get("2021").table("t2").columns_of(editions.get("2021").table("t2").rows[0])


def _built(in_doubt: int, sure: int, lost_last: bool = False) -> Built:
    """`sure` rows read, with `in_doubt` rows not found between the first and the others (or,
    `lost_last`, after them all)."""
    out = Built()
    read = [(f"read{n}", {c.key: Cell(n, str(n)) for c in COLUMNS}) for n in range(sure)]
    lost = [(f"lost{n}", unread_row(COLUMNS)) for n in range(in_doubt)]
    out.rows.update(read + lost if lost_last else read[:1] + lost + read[1:])
    return out


def test_a_table_cut_short_is_no_sign_of_misplaced_rows():
    out = _built(in_doubt=3, sure=2, lost_last=True)
    doubt_mostly_unread("t2", out)
    assert not any(cell.uncertain for cell in out.rows["read1"].values())


def test_most_rows_lost_put_the_rest_in_doubt():
    out = _built(in_doubt=3, sure=2)
    doubt_mostly_unread("t2", out)
    assert all(cell.uncertain for cells in out.rows.values() for cell in cells.values())
    assert out.rows["read0"]["issued"].inferred == WHY_MOSTLY_IN_DOUBT
    assert [w.code for w in out.warnings] == ["PARSE.MOSTLY_IN_DOUBT"]


def test_rows_whose_labels_are_printed_bare_count_wherever_they_lie():
    # Before the first row read, rows not found are a table cut short; rows whose labels the
    # table prints with no value after them are labels in one run and values in another.
    out = _built(in_doubt=3, sure=2, lost_last=True)
    out.bare = {"lost0", "lost1", "lost2"}
    doubt_mostly_unread("t2", out)
    assert all(cell.uncertain for cell in out.rows["read1"].values())
    assert [w.code for w in out.warnings] == ["PARSE.MOSTLY_IN_DOUBT"]


def test_a_few_rows_lost_leave_the_rest_as_read():
    out = _built(in_doubt=2, sure=2)
    doubt_mostly_unread("t2", out)
    assert not any(cell.uncertain for cell in out.rows["read0"].values())
    assert out.warnings == []


def test_fused_digits_are_no_doubt_of_place():
    # A split of fused digits doubts a value, not where its row is.
    out = _built(in_doubt=0, sure=3)
    for key in ("read0", "read1"):
        for cell in out.rows[key].values():
            cell.uncertain = True
    out.warnings.append(Warning("PARSE.FUSED_UNCERTAIN", "", "", [f"t2.read0.{c.key}" for c in COLUMNS]))
    doubt_mostly_unread("t2", out)
    assert not any(cell.uncertain for cell in out.rows["read2"].values())


def test_values_missing_from_rows_count_as_doubt_of_place_when_they_left_doubt():
    out = _built(in_doubt=0, sure=3)
    out.warnings.append(Warning("PARSE.MISSING_VALUES", "", "", [f"t2.read0.{c.key}" for c in COLUMNS]
                                + [f"t2.read1.{c.key}" for c in COLUMNS]))
    doubt_mostly_unread("t2", out)  # the sums placed what the rows lacked: no doubt left
    assert not any(cell.uncertain for cells in out.rows.values() for cell in cells.values())
    for key in ("read0", "read1"):
        out.rows[key]["issued"].uncertain = True
    doubt_mostly_unread("t2", out)
    assert all(cell.uncertain for cell in out.rows["read2"].values())


@pytest.mark.parametrize("flow", [metamorphic.column_flow, metamorphic.box_flow], ids=["columns", "boxes"])
def test_tables_flowed_column_by_column_leave_no_wrong_value_unflagged(tmp_path, flow):
    from nianbao.evaluate import default_corpus, score

    flowed = 0
    for source, gold in metamorphic.text_pairs(default_corpus()):
        text = flow(source.read_text(encoding="utf-8"), gold)
        if text is None:
            continue
        path = tmp_path / f"{source.stem}.flowed.txt"
        path.write_text(text, encoding="utf-8")
        result = score(path, gold)
        assert result.wrong == [], f"{source.stem}: " + "; ".join(result.wrong[:5])
        flowed += 1
    assert flowed >= 10
