"""Fused digits: candidates and the arithmetic that chooses among them."""

from __future__ import annotations

from nianbao import editions
from nianbao.split import Ambiguity, Token, row_candidates, solve


def values(pieces):
    return [p.value for p in pieces]


def test_seven_digits_for_seven_cells_is_the_only_split():
    assert [values(c) for c in row_candidates([Token("3000000", 0, 7)], 7)] == [[3, 0, 0, 0, 0, 0, 0]]


def test_leading_zeros_are_not_numbers():
    cands = [values(c) for c in row_candidates([Token("230", 0, 3), Token("000023", 4, 10)], 7)]
    assert [23, 0, 0, 0, 0, 0, 23] in cands
    assert all(v != 23 or i in (0, 6) for c in cands for i, v in enumerate(c))


def test_sign_starts_a_value():
    cands = [values(c) for c in row_candidates([Token("88", 0, 2), Token("-720", 2, 6)], 3, [False, True, False])]
    assert sorted(cands) == sorted([[88, -72, 0], [88, -7, 20]])


def test_unit_stays_with_the_last_value():
    cands = row_candidates([Token("13575394432.52元", 0, 15)], 2)
    assert any(c[0].value == 135 and c[1].value == 75394432.52 and c[1].unit == "元" for c in cands)


def _row_total_relation():
    return next(r for r in editions.get("2019").relations if r.code == "T3.ROW_TOTAL" and "new_received" in r.left[0])


def test_row_sum_settles_the_split():
    relation = _row_total_relation()
    paths = relation.left + relation.right
    amb = Ambiguity(paths, row_candidates([Token("230", 0, 3), Token("000023", 4, 10)], 7))
    resolution = solve({}, {"new_received": amb}, [relation])["new_received"]
    assert resolution.settled and values(resolution.chosen) == [23, 0, 0, 0, 0, 0, 23]
    assert not resolution.uncertain_paths


def test_unsettled_split_is_flagged():
    relation = _row_total_relation()
    paths = relation.left + relation.right
    amb = Ambiguity(paths, row_candidates([Token("1111111", 0, 7), Token("11", 8, 10)], 7))
    resolution = solve({}, {"new_received": amb}, [relation])["new_received"]
    # 9 digits into 7 cells: no reading makes the six applicant cells add up to the total.
    assert not resolution.satisfied
    assert resolution.uncertain_paths


def test_values_printed_apart_with_blank_cells_are_never_passed_off_as_fused_digits(tmp_path):
    # A borderless table (PDF text layer, plain text) prints "（一）予以公开 258 12 1 1": four
    # values for seven columns because three cells are blank.  Reading 2/5/8/1/2/1/1 as fused
    # digits is forced by digit count but nothing confirms it, so those cells must be flagged.
    import json
    import re

    from nianbao.evaluate import score
    from nianbao.render import render
    from tests.conftest import CORPUS

    gold = json.loads((CORPUS / "gold" / "shanghai-gov-office-2019.json").read_text(encoding="utf-8"))
    text = render(gold, "text").decode("utf-8")
    borderless = "\n".join(re.sub(r"\s*\|\s*", " ", line).strip() for line in text.splitlines())
    path = tmp_path / "borderless.txt"
    path.write_text(borderless, encoding="utf-8")
    result = score(path, gold)
    assert result.error is None
    assert result.wrong == [], result.wrong
    assert result.flagged  # the blank cells cannot be placed without the grid


def _report_with_table_three(printed: dict[str, list[str]], full: dict[str, list[int]]) -> bytes:
    """A 2021-edition report whose table 三 prints each row's label and its values apart by a space:
    `printed` rows as given (blank cells left out), the others from `full`."""
    t3 = editions.get(editions.EDITION_2021).table("t3")
    lines = ["2021年政府信息公开工作年度报告", "一、总体情况", "本机关依法公开政府信息。", "二、主动公开政府信息情况", "无。",
             "三、收到和处理政府信息公开申请情况", " ".join(["申请人情况", *(c.label for c in t3.columns)])]
    for row in t3.rows:
        values = printed.get(row.key) or [str(v) for v in full.get(row.key, [0] * len(t3.columns))]
        lines.append(" ".join([f"{row.number}{row.label}{row.tail}", *values]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "无。", "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_values_printed_apart_that_do_not_add_up_are_not_recut_into_digits_that_do():
    # A report's own error ("1 12 305 12": the total is not the sum) in a row printed with its blank
    # cells left out, beside another such row (so no column's sum can be checked): cut digit by
    # digit, 1/1/2/3/0/5/12 adds up, but only because it was cut to.  The row's own sum vouches for
    # nothing here; its cells are flagged, and the report's error is not hidden.
    from nianbao.parser import parse_bytes

    full = {"granted": [300, 4, 0, 0, 1, 0, 305], "total_handled": [306, 4, 12, 0, 306, 0, 317],
            "new_received": [306, 4, 12, 0, 306, 0, 317]}
    printed = {"withheld_state_secret": ["1", "12", "305", "12"], "withheld_process_information": ["5", "5"]}
    report = parse_bytes(_report_with_table_three(printed, full), "report.txt")
    row = report.tables["t3"]["withheld_state_secret"]
    sure = {column: cell.value for column, cell in row.items() if not cell.uncertain}
    assert set(sure.values()) <= {1, 12, 305}, sure  # printed whole, never a digit cut out of one
    assert len(sure) < len(row)


def test_an_unsettled_table_two_row_shows_the_reading_with_zero_cells_first():
    # 平潭交通 2020 prints 行政许可 as "88-720" and 行政处罚 as "26-260": 88/-72/0 or 88/-7/20,
    # 26/-26/0 or 26/-2/60, and table 二 has no arithmetic.  The guess shown reads the lone 0
    # as a zero cell (the commonest value by far); both readings stay flagged.
    from nianbao.parser import parse
    from tests.conftest import CORPUS

    cells = dict(parse(CORPUS / "dev" / "pingtan-transport-2020.txt").cells())
    for row, change, other in (("administrative_licensing", -72, -7), ("administrative_penalty", -26, -2)):
        assert (cells[f"t2.{row}.change"].value, cells[f"t2.{row}.decisions"].value) == (change, 0)
        assert cells[f"t2.{row}.change"].uncertain and other in cells[f"t2.{row}.change"].alternatives
        assert cells[f"t2.{row}.decisions"].uncertain


def test_an_unsettled_procurement_row_never_pairs_projects_with_no_money():
    # "2145540.00" read as 214554 projects costing 0.00 has a lone zero too, but projects and
    # money are zero together or not at all.
    from nianbao.editions import EDITIONS
    from nianbao.split import Piece
    from nianbao.tables import _t2_prior

    table = EDITIONS["2019"].table("t2")
    columns = tuple(c.key for c in table.columns_of(table.row("centralized_procurement")))
    assert columns == ("projects", "amount")

    def reading(*texts: str) -> list[Piece]:
        return [Piece(text, 0, len(text)) for text in texts]

    assert _t2_prior(columns, reading("2", "145540.00")) > _t2_prior(columns, reading("214554", "0.00"))


def test_lines_joined_then_read_as_runs():
    """`8` / `9` / `89` for three cells, values broken over lines and runs collapsed: 89, 89, 89 is
    one reading (8 joined to 9, the other 89 a run of two); joined values may equal their neighbour."""
    from nianbao.split import joined_run_expansions

    tokens = [Token("8", 0, 1), Token("9", 2, 3), Token("89", 4, 6)]
    readings = {tuple(piece.value for piece in reading) for reading in joined_run_expansions(tokens, 3)}
    assert (89, 89, 89) in readings
    assert (8, 9, 89) not in readings  # the lines as printed are run_expansions' reading, not a join
    assert all(len(reading) == 3 for reading in readings)
    # Two lines into one cell: only the join.
    assert [[piece.value for piece in r] for r in joined_run_expansions([Token("5", 0, 1), Token("5", 2, 3)], 1)] == [[55]]
