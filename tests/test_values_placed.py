"""A table 三 row that prints fewer values than columns: the arithmetic of the whole table puts
them in their columns, and only the cells left out stay in doubt (or, where the table writes
noughts as blanks and the sums want a nought, are blank for certain)."""

from __future__ import annotations

import json

import pytest

import nianbao
from nianbao import editions
from nianbao.evaluate import _same, gold_cells
from nianbao.model import Cell
from nianbao.tables import WHY_FEWER, WHY_GAP_BLANK, WHY_GAP_IMPLIED, WHY_GAP_UNREAD, Built, _place_by_sums, _suggest_unread

from .conftest import CORPUS, corpus_file

SANMING = corpus_file("dev/sanming-2023.txt")  # one value per line; prints 0, never a blank
GOLD = gold_cells(json.loads((CORPUS / "gold" / "sanming-2023.json").read_text(encoding="utf-8")))


def _without_line(label: str, offset: int, text: str | None = None) -> tuple[str, str]:
    """sanming's text (or `text`) without the `offset`-th value line after the row `label`."""
    lines = (text or SANMING.read_text(encoding="utf-8")).split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().endswith(label)) + offset
    return "\n".join(lines[:at] + lines[at + 1:]), lines[at]


def _check(text: str) -> tuple[list[str], list[str]]:
    report = nianbao.parse_bytes(text.encode("utf-8"), "sanming-2023.txt")
    cells = dict(report.cells())
    flagged = [path for path, cell in cells.items() if cell.uncertain]
    wrong = [path for path, value in GOLD.items() if not cells[path].uncertain and not _same(cells[path].value, value)]
    return flagged, wrong


@pytest.mark.parametrize("offset,column", [(1, "natural_person"), (7, "total")])
def test_a_value_left_out_of_a_row_leaves_only_its_cell_in_doubt(offset, column):
    text, dropped = _without_line("本机关不掌握相关政府信息", offset)
    assert dropped.strip() == "82"
    flagged, wrong = _check(text)
    assert flagged == [f"t3.unavailable_not_held.{column}"] and wrong == []
    cell = nianbao.parse_bytes(text.encode("utf-8"), "sanming-2023.txt").cell(flagged[0])
    assert cell is not None and cell.value == 82 and cell.inferred == WHY_GAP_IMPLIED  # the sums' value, shown in doubt


def test_a_row_whose_counts_are_known_though_its_cells_are_not_lets_the_next_be_placed():
    """要求提供公开出版物 prints six 0 for seven cells (which one is missing is not known, but all
    are nought); 本机关不掌握… lost its 82: the natural persons' column sum, with the first row's
    noughts, places the second row's values; only the lost cell is in doubt there."""
    text, _ = _without_line("要求提供公开出版物", 4)
    text, dropped = _without_line("本机关不掌握相关政府信息", 1, text)
    assert dropped.strip() == "82"
    flagged, wrong = _check(text)
    assert wrong == []
    assert [p for p in flagged if p.startswith("t3.unavailable_not_held.")] == ["t3.unavailable_not_held.natural_person"]
    assert len([p for p in flagged if p.startswith("t3.declined_publication_request.")]) == 7


def test_a_nought_left_out_of_a_table_that_prints_0_is_in_doubt_not_blank():
    text, dropped = _without_line("（七）总计", 5)
    assert dropped.strip() == "0"
    flagged, wrong = _check(text)
    assert flagged == ["t3.total_handled.legal_service_org"] and wrong == []


def test_noughts_short_of_one_stay_in_doubt_and_the_cells_every_choice_agrees_on_are_settled():
    # 82 0 0 0 0 82 for seven cells: whichever 0 was left out, the first 82 is the natural
    # persons' and the second the total; which of the five 0 cells is missing is not known.
    text, dropped = _without_line("本机关不掌握相关政府信息", 3)
    assert dropped.strip() == "0"
    report = nianbao.parse_bytes(text.encode("utf-8"), "sanming-2023.txt")
    row = report.tables["t3"]["unavailable_not_held"]
    assert (row["natural_person"].value, row["total"].value) == (82, 82)
    assert [column for column, cell in row.items() if not cell.uncertain] == ["natural_person", "total"]
    assert any(w.code == "PARSE.VALUES_PLACED" for w in report.warnings)


def _built(rows: dict[str, list[int | None]]) -> Built:
    definition = editions.get(editions.EDITION_2021).table("t3")
    out = Built()
    for row in definition.rows:
        values = rows.get(row.key, [None] * 7)
        out.rows[row.key] = {c.key: Cell(v, None if v is None else str(v)) for c, v in zip(definition.columns, values)}
    return out


def test_where_the_table_writes_noughts_as_blanks_the_cell_left_out_is_a_blank():
    relations = tuple(r for r in editions.get(editions.EDITION_2021).relations if r.code.startswith("T3"))
    out = _built({"new_received": [5, None, None, None, None, 1, 6], "total_handled": [5, None, None, None, None, 1, 6],
                  "granted": [5, None, None, None, None, 1, 6]})
    short = out.rows["new_received"]
    for cell, value in zip(short.values(), [5, 1, 6, None, None, None, None]):  # printed "5 1 6", blanks dropped
        cell.value, cell.raw, cell.inferred, cell.uncertain = value, None if value is None else str(value), WHY_FEWER, True
    for cell in list(short.values())[3:]:
        cell.inferred = None
    _place_by_sums(out, "t3", relations)
    row = out.rows["new_received"]
    assert [row[c].value for c in row] == [5, None, None, None, None, 1, 6]
    assert not any(cell.uncertain for cell in row.values())
    assert row["commercial_enterprise"].inferred == WHY_GAP_BLANK


def _rows_on_lines() -> str:
    """sanming with each table row's values on its label's line, spaces apart."""
    lines: list[str] = []
    for line in SANMING.read_text(encoding="utf-8").split("\n"):
        if line.strip().isdigit() and lines:
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


def test_values_apart_that_no_split_of_digits_fits_are_placed_whole():
    """`270 3 2 1 27 303` for seven cells (the 0 left out): read as fused digits, no split adds up
    (27 cut into 2 and 7 was the guess); placed whole, only the cell left out is in doubt, and it
    shows the nought the sums imply."""
    text = _rows_on_lines()
    assert "（七）总计 270 3 2 1 0 27 303" in text
    assert _check(text) == ([], [])
    flagged, wrong = _check(text.replace("270 3 2 1 0 27 303", "270 3 2 1 27 303"))
    assert flagged == ["t3.total_handled.legal_service_org"] and wrong == []

def _t4_without(index: int) -> tuple[str, str]:
    """sanming's text without table 四's `index`-th value line (of fifteen, one a line)."""
    lines = SANMING.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("五、")) - 15 + index
    dropped = lines.pop(at)
    return "\n".join(lines), dropped.strip()


@pytest.mark.parametrize("index,group", [(0, "review"), (9, "litigation_direct"), (10, "litigation_after_review")])
def test_a_value_lost_from_table_four_leaves_only_its_group_in_doubt(index, group):
    """Table 四 printed as its one row of fifteen, one value per line, one of them lost: the
    three groups' sums put the other fourteen in their cells, and only the group the value was
    lost from stays in doubt (before, every cell after the lost one was)."""
    text, dropped = _t4_without(index)
    assert dropped != "0"
    flagged, wrong = _check(text)
    assert wrong == []
    assert flagged and {path.rsplit(".", 1)[0] for path in flagged} == {f"t4.{group}"}



def test_a_lost_value_goes_only_where_every_count_stays_at_or_above_nought():
    """复议后起诉 prints 1 0 0 0 1; without its total it reads 1 0 0 0.  Put anywhere but the total,
    the lost value would have to be below nought (the printed total 0 under a 1), so it is the
    total: the four counts are settled and the total shows the 1 their sum implies, in doubt."""
    text, dropped = _t4_without(14)
    assert dropped == "1"
    flagged, wrong = _check(text)
    assert flagged == ["t4.litigation_after_review.total"] and wrong == []
    cell = nianbao.parse_bytes(text.encode("utf-8"), "sanming-2023.txt").cell(flagged[0])
    assert cell is not None and cell.value == 1 and cell.inferred == WHY_GAP_IMPLIED


def test_of_the_placements_that_fit_the_row_most_of_them_give_is_shown():
    """未经复议直接起诉 prints 5 0 0 2 7; a 0 lost reads 5 0 2 7.  The lost 0 may have stood in
    four places, and two of them (before or after the printed 0) give the same row 5 0 0 2 7: that
    row is shown, its cells still in doubt."""
    text, dropped = _t4_without(6)
    assert dropped == "0"
    report = nianbao.parse_bytes(text.encode("utf-8"), "sanming-2023.txt")
    group = {path: cell for path, cell in report.cells() if path.startswith("t4.litigation_direct.")}
    assert [cell.value for cell in group.values()] == [GOLD[path] for path in group] == [5, 0, 0, 2, 7]
    assert any(cell.uncertain for cell in group.values())


def test_a_lone_nought_in_a_row_of_blanks_is_shown_in_the_total_column_in_doubt():
    """Seed 002 crawled one cell a line with its blank cells dropped: 一、本年新收… prints one 无 for
    seven cells.  Any column fits the sums (all nought), so the row stays in doubt, but it is shown
    as such rows are printed, 无 in 总计 and the applicant columns blank; table 四's three 无 in
    its three groups' totals."""
    from . import metamorphic

    data, name = metamorphic.transformed(CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt", "crawled_cells_blanks_dropped")
    cells = dict(nianbao.parse_bytes(data, name).cells())
    row = [cells[f"t3.new_received.{c}"] for c in ("natural_person", "other_org", "total")]
    assert [cell.value for cell in row] == [None, None, 0] and all(cell.uncertain for cell in row)
    assert [cells[f"t4.{group}.total"].value for group in ("review", "litigation_direct", "litigation_after_review")] == [0, 0, 0]
    assert cells["t4.review.upheld"].value is None and cells["t4.review.upheld"].uncertain


@pytest.mark.parametrize("granted,shown", [([2, 1, 1, 1, 1, 1, 7], None), ([2, 0, 1, 1, 1, 2, 7], 0)])
def test_a_nought_the_sums_imply_shows_as_0_only_where_the_table_prints_0(granted, shown):
    """A cell left out whose row sum implies nought: in a table that prints no 0 anywhere (a
    converter's text of a table that leaves noughts blank) it may be a blank, so it stays blank,
    in doubt; where the table prints 0, it shows 0, in doubt."""
    relations = tuple(r for r in editions.get(editions.EDITION_2021).relations if r.code.startswith("T3"))
    out = _built({"new_received": [3, 9, 1, 1, 1, 1, 7], "granted": granted})
    for key, cells in out.rows.items():  # the other rows unread: neither blank nor 0 for sure
        for cell in cells.values() if key not in ("new_received", "granted") else ():
            cell.uncertain = True
    lost = out.rows["new_received"]["commercial_enterprise"]
    lost.value, lost.raw, lost.inferred, lost.uncertain = None, None, WHY_GAP_UNREAD, True
    _suggest_unread(out, "t3", relations, {})
    assert lost.value == shown and lost.uncertain
