"""The edition definitions agree with DOMAIN.md §4 and with the gold files' keys."""

from __future__ import annotations

from nianbao import editions
from nianbao.evaluate import gold_cells

from .conftest import gold


def test_table_three_rows_per_edition():
    assert len(editions.get("2019").table("t3").rows) == 23
    assert len(editions.get("2021").table("t3").rows) == 25
    for edition in editions.EDITIONS.values():
        assert [c.key for c in edition.table("t3").columns][-1] == "total"
        assert len(edition.table("t3").columns) == 7


def test_table_four_is_three_groups_of_five():
    t4 = editions.get("2021").table("t4")
    assert len(list(t4.cell_paths())) == 15


def test_keys_are_exactly_the_gold_keys():
    for name, edition in (("000_05b7538ffe1c510c.json", "2019"), ("pingtan-2022.json", "2021")):
        expected = {p for p in gold_cells(gold(name)) if not p.endswith("_unit")}
        assert set(editions.get(edition).cell_paths()) == expected


def test_identity_relation_per_column():
    relations = [r for r in editions.get("2019").relations if r.code == "T3.IDENTITY"]
    assert len(relations) == 7
    natural = next(r for r in relations if "natural_person" in r.left[0])
    assert natural.left == ("t3.new_received.natural_person", "t3.carried_over.natural_person")
    assert natural.right == ("t3.total_handled.natural_person", "t3.carried_forward.natural_person")


def test_outcome_total_covers_every_outcome_row():
    for key, count in (("2019", 19), ("2021", 21)):
        relation = next(r for r in editions.get(key).relations if r.code == "T3.OUTCOME_TOTAL")
        assert len(relation.left) == count


def test_single_other_handling_relations_use_the_one_row():
    relation = next(r for r in editions.get("2021").relations_single_other_handling if r.code == "T3.OUTCOME_TOTAL")
    rows = {path.split(".")[1] for path in relation.left}
    assert "other_handling" in rows and "other_other" not in rows
