"""Arithmetic rules: mutation of every cell, the reports whose printed arithmetic is wrong, blanks."""

from __future__ import annotations

import re

import pytest

from .checks_helpers import GOLD_BROKEN, errors, gold_json, gold_names, gold_report, parsed
from nianbao.checks import check

ARITH_CODES = {"T3.IDENTITY", "T3.OUTCOME_TOTAL", "T3.ROW_TOTAL", "T4.TOTAL"}


def _table_holds(report, table: str) -> bool:
    return not any(f.code in ARITH_CODES and f.cells[0].startswith(table) for f in errors(check(report)))


def _verifiable(report, path: str) -> bool:
    """The cell sits in at least one relation without blanks: any change must break it."""
    return any(path in rel.cells and all(report.value(c) is not None for c in rel.cells) for rel in report.relations)


def _mutations(value):
    """Up, down past zero, and off the integers."""
    return (13, -(value + 2), 0.5)


@pytest.mark.parametrize("name", gold_names())
def test_every_single_cell_change_is_an_error_naming_the_cell(name):
    report = gold_report(name)
    baseline = check(report)
    tested = 0
    for table in ("t3", "t4"):
        if not _table_holds(report, table):
            continue
        for path, cell in [(p, c) for p, c in report.cells() if p.startswith(table) and c.value is not None]:
            if not _verifiable(report, path):
                # Blanks share every relation of this cell: it can only be reported unverifiable.
                assert any(f.code == "ARITH.UNVERIFIABLE" and path in f.cells for f in baseline), path
                continue
            original = cell.value
            for delta in _mutations(original):
                cell.value = original + delta
                named = [f for f in errors(check(report)) if path in f.cells]
                assert named, f"{name}: {path} {original} -> {cell.value} gave no error naming it"
            cell.value = original
            tested += 1
    if name not in GOLD_BROKEN and name != "002_785ebbaa410aaa3a.json":  # 002 prints almost only blanks
        assert tested > 0


def test_mutation_covers_most_cells_of_a_fully_printed_report():
    report = gold_report("pingtan-2022.json")
    t3_t4 = [p for p, _ in report.cells() if p.startswith(("t3", "t4"))]
    assert all(_verifiable(report, p) for p in t3_t4) and len(t3_t4) == 25 * 7 + 15


def _expected_relations(report, broken):
    out = set()
    for code, path in broken:
        matches = [rel for rel in report.relations if rel.code == code and path in rel.cells]
        assert matches, (code, path)
        out.update((rel.code, rel.cells) for rel in matches if _fails(report, rel))
    return out


def _fails(report, rel):
    return sum(report.value(c) for c in rel.left) != sum(report.value(c) for c in rel.right)


@pytest.mark.parametrize("source", sorted(GOLD_BROKEN))
@pytest.mark.parametrize("origin", ["gold", "parsed"])
def test_printed_inconsistencies_get_one_error_per_broken_relation(source, origin):
    gold_name = next(n for n in gold_names() if gold_json(n)["source"] == source)
    report = gold_report(gold_name) if origin == "gold" else parsed(source)
    found = {(f.code, tuple(f.cells)) for f in errors(check(report)) if f.code in ARITH_CODES}
    expected = _expected_relations(report, GOLD_BROKEN[source])
    assert len(expected) == len(GOLD_BROKEN[source])
    assert found == expected


def test_hongze_message_gives_expected_and_found():
    finding = next(f for f in check(gold_report("hongze-2023.json")) if f.code == "T4.TOTAL" and "t4.review.total" in f.cells)
    assert (finding.expected, finding.found) == (11, 0)
    assert "行政复议" in finding.message and "相差 11" in finding.message


def test_blank_relations_are_unverifiable_warnings_not_errors():
    findings = check(gold_report("shanghai-gov-office-2019.json"))
    assert not [f for f in errors(findings)]
    unverifiable = [f for f in findings if f.code == "ARITH.UNVERIFIABLE"]
    assert unverifiable and all(f.severity == "warning" for f in unverifiable)
    row_totals = next(f for f in unverifiable if "表三每行：总计＝六类申请人之和" in f.message)
    assert not any(re.search(r"[A-Z]\d?\.[A-Z_]+", f.message) for f in unverifiable)  # no rule key in the text
    assert "t3.granted.total" in row_totals.cells and "（一）予以公开" in row_totals.message


def test_blanks_cannot_rescue_a_side_that_is_already_too_large():
    # 上海 2019: 自然人 outcome cells partly blank; raising one printed outcome above （七）总计 is an error.
    def edit(data):
        data["t3"]["granted"]["natural_person"] += 600

    finding = next(f for f in errors(check(gold_report("shanghai-gov-office-2019.json", edit)))
                   if f.code == "T3.OUTCOME_TOTAL")
    assert "t3.granted.natural_person" in finding.cells and "无法平衡" in finding.message


def test_uncertain_cells_are_named_in_the_message():
    report = gold_report("pingtan-2022.json", lambda d: d.update(uncertain=["t4.review.total"]))
    report.cell("t4.review.total").value = 9
    finding = next(f for f in check(report) if f.code == "T4.TOTAL")
    assert "解析推测" in finding.message and "行政复议/总计" in finding.message
