"""Tables read by their structure, not their line layout: labels across line breaks,
group labels alone on a line, one value per line with values broken over two lines,
and crawls that collapse consecutive identical lines (a row 15,0,0,0,0,0,15 printed
as 15 / 0 / 15).  Each case is built from the edition definitions and checked cell by
cell: every value right, or flagged uncertain — never wrong and unflagged."""

from __future__ import annotations

import random

import pytest

from nianbao import editions
from nianbao.model import Report
from nianbao.parser import parse_bytes
from nianbao.split import Token, line_joins, run_expansions
from nianbao.tables import T3_OTHER_SUB_ROWS

T3 = editions.get(editions.EDITION_2021).table("t3")
COLUMNS = [c.key for c in T3.columns]
HEAD = ("某某市统计局2023年政府信息公开工作年度报告\n一、总体情况\n本机关认真贯彻条例。\n"
        "三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
        "申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n")
TAIL = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n" + "0\n" * 15
        + "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")


def consistent_t3(seed: int) -> dict[str, dict[str, int]]:
    """Random table 三 values that satisfy every relation of the 2021 edition, spread as
    in real reports: most requests from natural persons, a few from organisations."""
    rng = random.Random(seed)
    outcome_rows = [row.key for row in T3.rows if row.group]
    rows: dict[str, dict[str, int]] = {}
    for key in outcome_rows:
        rows[key] = {c: (rng.choice([1, 2, 5, 12, 135]) if rng.random() < (0.5 if c == "natural_person" else 0.08) else 0)
                     for c in COLUMNS[:-1]}
    rows["total_handled"] = {c: sum(rows[k][c] for k in outcome_rows) for c in COLUMNS[:-1]}
    rows["carried_forward"] = {c: rng.choice([0, 0, 1]) for c in COLUMNS[:-1]}
    rows["carried_over"] = {c: min(rows["total_handled"][c], rng.choice([0, 0, 1])) for c in COLUMNS[:-1]}
    rows["new_received"] = {
        c: rows["total_handled"][c] + rows["carried_forward"][c] - rows["carried_over"][c] for c in COLUMNS[:-1]}
    for cols in rows.values():
        cols["total"] = sum(cols[c] for c in COLUMNS[:-1])
    return {row.key: rows[row.key] for row in T3.rows}


def one_per_line(values: dict[str, dict[str, int]], broken: int = 0, broken_total: str = "") -> list[str]:
    """Table 三 one cell per line, group labels alone, row numbers apart from labels;
    the first `broken` multi-digit values split over two lines, and the total of row
    `broken_total` after its first digit."""
    lines: list[str] = []
    groups_done: set[str] = set()
    for row in T3.rows:
        if row.group and row.group != f"{row.number}{row.label}" and row.group not in groups_done:
            lines.append(row.group)
            groups_done.add(row.group)
        if row.number.endswith("."):
            lines += [row.number, row.label]
        else:
            lines.append(row.number + row.label)
        for column in COLUMNS:
            text = str(values[row.key][column])
            if broken and len(text) > 1:
                lines += [text[:1], text[1:]]
                broken -= 1
            elif row.key == broken_total and column == "total":
                lines += [text[:1], text[1:]]
            else:
                lines.append(text)
    return lines


def collapse(lines: list[str]) -> list[str]:
    return [line for i, line in enumerate(lines) if i == 0 or line != lines[i - 1]]


def parse_lines(lines: list[str], collapsed: bool = False):
    """The report around table 三; `collapsed`: as a crawler that collapses runs saves it."""
    text = HEAD + "\n".join(lines) + "\n" + TAIL
    if collapsed:
        text = "\n".join(collapse(text.split("\n")))
    return parse_bytes(text.encode("utf-8"), "report.txt")


def assert_right_or_flagged(report, gold: dict[str, dict[str, int]], max_flagged: int = 0) -> None:
    canonical = report.canonical()
    uncertain = set(canonical["uncertain"])
    wrong = [f"t3.{r}.{c}: got {canonical['t3'].get(r, {}).get(c)!r}, want {v!r}"
             for r, cols in gold.items() for c, v in cols.items()
             if canonical["t3"].get(r, {}).get(c) != v and f"t3.{r}.{c}" not in uncertain]
    assert wrong == []
    assert len([p for p in uncertain if p.startswith("t3.")]) <= max_flagged, sorted(uncertain)


@pytest.mark.parametrize("seed", range(6))
def test_one_cell_per_line_with_group_labels_alone(seed):
    gold = consistent_t3(seed)
    assert_right_or_flagged(parse_lines(one_per_line(gold)), gold)


@pytest.mark.parametrize("seed", range(6))
def test_collapsed_runs_are_restored_by_the_arithmetic(seed):
    gold = consistent_t3(seed)
    lines = collapse(one_per_line(gold))
    assert len(lines) < len(one_per_line(gold))
    report = parse_lines(lines, collapsed=True)
    assert_right_or_flagged(report, gold, max_flagged=12)
    assert report.canonical()["t4"]["review"] == dict.fromkeys(("upheld", "corrected", "other", "pending", "total"), 0)


def test_a_row_of_zeros_printed_as_one_zero_is_seven_zeros():
    gold = consistent_t3(1)
    report = parse_lines(one_per_line(gold), collapsed=True)
    zero_rows = [k for k, cols in gold.items() if not any(cols.values())]
    assert zero_rows
    for key in zero_rows:
        assert report.canonical()["t3"][key] == dict.fromkeys(COLUMNS, 0)
        cell = report.cell(f"t3.{key}.total")
        assert not cell.uncertain and "collapsed" in (cell.inferred or "")


@pytest.mark.parametrize("seed", range(4))
def test_a_value_broken_over_two_lines_is_joined(seed):
    gold = consistent_t3(seed)
    gold["granted"]["natural_person"] += 135
    gold["granted"]["total"] += 135
    for key in ("total_handled", "new_received"):
        gold[key]["natural_person"] += 135
        gold[key]["total"] += 135
    report = parse_lines(one_per_line(gold, broken=1))
    assert_right_or_flagged(report, gold)
    assert report.canonical()["t3"]["granted"] == gold["granted"]


@pytest.mark.parametrize("seed", range(6))
def test_a_value_broken_over_two_lines_in_a_collapsed_crawl_is_joined_where_only_the_join_adds_up(seed):
    """A row printed `137` / `0` / `1` / `38` (137, 0, 0, 0, 0, 0, 138: its noughts collapsed and 138
    broken in two): no more lines than cells, but no reading of them as runs adds up, and one with
    `1` / `38` joined does, so the table's values were broken over lines and the row is read whole."""
    gold = consistent_t3(seed)
    for key in ("granted", "total_handled", "new_received"):
        gold[key]["natural_person"] += 135
        gold[key]["total"] += 135
    # A row with a run to collapse, so that the broken total leaves it no more lines than cells.
    key = next(k for k in ("granted", "total_handled", "new_received")
               if sum(a != b for a, b in zip(list(gold[k].values()), list(gold[k].values())[1:])) < len(COLUMNS) - 2)
    report = parse_lines(collapse(one_per_line(gold, broken_total=key)), collapsed=True)
    assert_right_or_flagged(report, gold, max_flagged=12)
    assert report.canonical()["t3"][key] == gold[key]
    assert not any(report.cell(f"t3.{key}.{c}").uncertain for c in COLUMNS)


def test_a_lone_multi_digit_value_is_not_split_into_digits():
    # One value per line and not collapsed: "318" alone is one value, not 3 / 1 / 8.
    gold = consistent_t3(2)
    lines = one_per_line(gold)
    at = lines.index("一、本年新收政府信息公开申请数量")
    lines[at + 1: at + 8] = ["318"]
    report = parse_lines(lines)
    row = report.canonical()["t3"]["new_received"]
    assert 3 not in (row["natural_person"], row["commercial_enterprise"]) or report.cell(
        "t3.new_received.natural_person").uncertain
    assert all(report.cell(f"t3.new_received.{c}").uncertain for c in COLUMNS if row[c] is not None)


def test_run_expansions_never_repeat_a_printed_neighbour():
    tokens = [Token("15", 0, 2), Token("0", 3, 4), Token("15", 5, 7)]
    readings = [[p.value for p in r] for r in run_expansions(tokens, 7)]
    assert [15, 0, 0, 0, 0, 0, 15] in readings and len(readings) == 15
    assert all(len(r) == 7 for r in readings)
    # Two equal values one after the other cannot come from a collapsing crawler.
    assert run_expansions([Token("0", 0, 1), Token("0", 2, 3)], 7) == []


def test_line_joins_keep_numbers_well_formed():
    tokens = [Token("1", 0, 1), Token("35", 2, 4), Token("0", 5, 6)]
    assert [[p.value for p in r] for r in line_joins(tokens, 2)] == [[135, 0], [1, 350]]
    # "0" never opens a joined number.
    assert line_joins([Token("0", 0, 1), Token("5", 2, 3)], 1) == []


def test_a_table_not_found_leaves_its_cells_unknown_not_absent():
    gold = consistent_t3(4)
    text = HEAD + "\n".join(one_per_line(gold)) + "\n五、存在的主要问题及改进情况\n无。\n"
    report = parse_bytes(text.encode("utf-8"), "report.txt")
    canonical = report.canonical()
    assert canonical["t4"] == {}
    t4_paths = set(editions.get(report.edition).table("t4").cell_paths())
    assert len(t4_paths) == 15 and t4_paths <= set(canonical["uncertain"])
    assert not any(p.startswith("t3.") for p in canonical["uncertain"])


def test_an_uncertain_cell_carries_the_other_readings():
    # A row of table 二 has no arithmetic: "1 / 0" for three columns of a collapsing crawl
    # reads 1,1,0 or 1,0,0, and the middle cell keeps the reading not chosen.
    gold = consistent_t3(5)
    t2 = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n"
          "规章\n1\n0\n行政规范性文件\n5\n")
    text = HEAD.replace("三、收到", t2 + "三、收到") + "\n".join(one_per_line(gold)) + "\n" + TAIL
    text = "\n".join(collapse(text.split("\n")))
    report = parse_bytes(text.encode("utf-8"), "report.txt")
    middle = report.cell("t2.regulations.repealed")
    assert middle.uncertain and set(middle.alternatives) | {middle.value} == {0, 1}
    assert report.value("t2.regulations.issued") == 1 and report.value("t2.regulations.in_force") == 0
    assert report.canonical()["t2"]["normative_documents"] == {"issued": 5, "repealed": 5, "in_force": 5}


def html_report(values: dict[str, dict[str, int]], label_apart: str = "", label_blank: str = "") -> bytes:
    """Table 三 as a web page grid: a label column and seven value columns.  `label_apart`:
    that row's label printed in a row of its own above its values (as PDF converters
    and some editors do); `label_blank`: that row's label cell left empty."""
    rows = []
    for row in T3.rows:
        cells = [str(values[row.key][c]) for c in COLUMNS]
        label = row.number + row.label
        if row.key == label_apart:
            rows.append([label] + [""] * 7)
            rows.append([""] + cells)
        else:
            rows.append(["" if row.key == label_blank else label] + cells)
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    head = "".join(f"<p>{line}</p>" for line in HEAD.strip().split("\n"))
    tail = "".join(f"<p>{line}</p>" for line in TAIL.strip().split("\n"))
    return f"<html><body>{head}<table>{table}</table>{tail}</body></html>".encode("utf-8")


@pytest.mark.parametrize("key", ["withheld_state_secret", "unavailable_needs_creation", "other_other", "carried_forward"])
def test_a_grid_label_printed_in_a_row_of_its_own_keeps_its_values(key):
    gold = consistent_t3(7)
    report = parse_bytes(html_report(gold, label_apart=key), "report.html")
    assert_right_or_flagged(report, gold)
    assert report.canonical()["t3"][key] == gold[key]


@pytest.mark.parametrize("key", ["withheld_state_secret", "unavailable_needs_creation", "declined_repeated_request"])
def test_a_grid_row_with_an_empty_label_cell_is_placed_between_its_neighbours(key):
    gold = consistent_t3(7)
    report = parse_bytes(html_report(gold, label_blank=key), "report.html")
    assert_right_or_flagged(report, gold)


def test_a_row_printed_without_its_label_one_value_per_line_is_placed_between_its_neighbours():
    gold = consistent_t3(3)
    lines = one_per_line(gold)
    at = lines.index("保护第三方合法权益")
    del lines[at - 1: at + 1]  # "4." and its label: the 7 values follow row 3's
    report = parse_lines(lines)
    assert_right_or_flagged(report, gold)
    assert report.canonical()["t3"]["withheld_third_party_rights"] == gold["withheld_third_party_rights"]


def test_a_row_number_on_the_line_before_a_tab_row_completes_a_short_label():
    gold = consistent_t3(6)
    rows = []
    for row in T3.rows:
        values = "\t".join(str(gold[row.key][c]) for c in COLUMNS)
        if row.key == "other_other":
            rows += ["3.", f"其他\t{values}"]  # 其他 alone is a column header, not a row
        else:
            rows.append(f"{row.number}{row.label}\t{values}")
    report = parse_lines(rows)
    assert report.canonical()["t3"]["other_other"] == gold["other_other"]
    assert_right_or_flagged(report, gold)


def parse_with_table_two(t2: str) -> Report:
    """The report with `t2` (section 二 and its table as printed) before a table 三 one cell a line."""
    text = HEAD.replace("三、收到", t2 + "三、收到") + "\n".join(one_per_line(consistent_t3(1))) + "\n" + TAIL
    return parse_bytes(text.encode("utf-8"), "report.txt")


def test_a_table_two_label_on_the_line_before_its_tab_separated_values():
    report = parse_with_table_two(
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\n1\t0\t3\n行政规范性文件\n5\t2\t40\n")
    t2_read = report.canonical()["t2"]
    assert t2_read["regulations"] == {"issued": 1, "repealed": 0, "in_force": 3}
    assert t2_read["normative_documents"] == {"issued": 5, "repealed": 2, "in_force": 40}
    assert not [p for p in report.uncertain if p.startswith("t2.regulations") or p.startswith("t2.normative")]


def test_a_run_of_more_digits_than_any_printed_value_is_not_read_as_a_number():
    # A 400-digit run once became inf, and the JSON output Infinity.
    import json

    from nianbao.values import MAX_DIGITS, parse_value

    assert parse_value("9" * (MAX_DIGITS + 1)).value is None
    assert parse_value("9" * MAX_DIGITS).value == int("9" * MAX_DIGITS)
    gold = consistent_t3(2)
    rows = [f"{row.number}{row.label}\t" + "\t".join(
        ("1" * 400 if (row.key, c) == ("total_handled", "natural_person") else str(gold[row.key][c])) for c in COLUMNS)
        for row in T3.rows]
    report = parse_lines(rows)
    cell = report.cell("t3.total_handled.natural_person")
    assert cell.value is None and cell.uncertain
    assert "Infinity" not in json.dumps(report.to_dict(), ensure_ascii=False)


def test_parse_warnings_name_rows_and_cells_by_their_printed_labels():
    gold = consistent_t3(2)
    rows = [f"{row.number}{row.label}\t" + "\t".join(str(gold[row.key][c]) for c in COLUMNS[:3])
            if row.key == "granted" else f"{row.number}{row.label}\t" + "\t".join(str(gold[row.key][c]) for c in COLUMNS)
            for row in T3.rows]
    report = parse_lines(rows)
    messages = [w.message for w in report.warnings if w.code.startswith("PARSE.")]
    assert any("表三“（一）予以公开”行" in m for m in messages), messages
    assert not any(key in m for m in messages for key in ("t3.", "granted", "natural_person"))


@pytest.mark.parametrize("stated", ["本年度发生行政复议2件。", "本年度发生行政复议两件。", "共收到行政复议二件，现已办结。"])
def test_a_number_the_text_states_settles_readings_the_sums_allow_alike(stated):
    # Table 四 collapsed to 1/0/1/0/2/0: review 1,0,1,0,2 (rest 0) and review 1,0,0,0,1 with
    # direct suits 0,0,0,2,2 (or 1,1,0,0,2) all satisfy every group total; the text's count,
    # in digits or in numerals, decides.
    gold = consistent_t3(1)
    review = [1, 0, 1, 0, 2]
    tail = TAIL.replace("0\n" * 15, "".join(f"{v}\n" for v in review + [0] * 10))
    head = HEAD.replace("本机关认真贯彻条例。", "本机关认真贯彻条例。" + stated)
    text = "\n".join(collapse((head + "\n".join(one_per_line(gold)) + "\n" + tail).split("\n")))
    report = parse_bytes(text.encode("utf-8"), "report.txt")
    assert [report.value(f"t4.review.{c}") for c in ("upheld", "corrected", "other", "pending", "total")] == review
    assert not [p for p in report.uncertain if p.startswith("t4.")]


def test_without_a_stated_number_the_same_table_four_stays_uncertain():
    gold = consistent_t3(1)
    tail = TAIL.replace("0\n" * 15, "".join(f"{v}\n" for v in [1, 0, 1, 0, 2] + [0] * 10))
    text = "\n".join(collapse((HEAD + "\n".join(one_per_line(gold)) + "\n" + tail).split("\n")))
    report = parse_bytes(text.encode("utf-8"), "report.txt")
    assert "t4.review.total" in report.uncertain
    assert set(report.cell("t4.review.total").alternatives) | {report.value("t4.review.total")} == {1, 2}


_COMPENSATED = pytest.mark.xfail(strict=True, reason=(
    "the stray 2 lands in 4.保护第三方合法权益 (0 / 12 / 0 / 12 / 2), whose reading then puts its 12 under 科研机构; "
    "5.要求行政机关确认… (5 / 0 / 12 / 0 / 17) is read with its 12 under 法律服务机构, and the two misplacements make "
    "up for each other in both columns' sums, so nothing refutes the second row: 2 cells wrong unflagged"))


@pytest.mark.parametrize("seed", [0, 1, 2, pytest.param(3, marks=_COMPENSATED), 4, 5])
def test_a_page_number_alone_in_a_collapsed_crawl_is_never_a_silent_value(seed):
    """A page's number printed alone ("2") between two rows reads like a value of the row
    above.  Its row's own sum may still hold with it (0 / 2: 0,0,0,0,0,2,2), but the column
    sums then fail: a sum that fails vouches for no cell, so the row is in doubt, never wrong."""
    gold = consistent_t3(seed)
    lines = collapse(one_per_line(gold))
    assert_right_or_flagged(parse_lines(_between_rows(lines, "2"), collapsed=True), gold, max_flagged=49)


def _between_rows(lines: list[str], footer: str) -> list[str]:
    """`footer` on a line of its own before the row 5.属于三类内部事务信息 (its number included)."""
    at = next(i for i, line in enumerate(lines) if "属于三类内部事务信息" in line)
    at -= lines[at - 1].strip() == "5."
    return [*lines[:at], footer, *lines[at:]]


@pytest.mark.parametrize("footer", ["第 2 页 共 4 页", "第2页/共4页", "·2·", "- 2 -"])
def test_a_page_footer_in_a_collapsed_crawl_is_no_value(footer):
    gold = consistent_t3(2)
    lines = collapse(one_per_line(gold))
    with_footer = parse_lines(_between_rows(lines, footer), collapsed=True).canonical()
    without = parse_lines(lines, collapsed=True).canonical()
    assert with_footer["t3"] == without["t3"] and with_footer["uncertain"] == without["uncertain"]


def test_a_table_not_found_leaves_its_amounts_units_unknown_too():
    # The 2019 edition's 采购总金额 prints its unit (元 or 万元) with the amount.
    report = Report(edition="2019", table_status={"t2": "missing", "t3": "ok", "t4": "ok"})
    assert "t2.centralized_procurement.amount_unit" in report.uncertain
    assert "t2.centralized_procurement.amount" in report.uncertain


def _numbered_cells_one_line(gold: dict, joiner: str, blank: frozenset[str] = frozenset()) -> list[str]:
    """Table 三 flattened onto one line, its cells tab-separated, each row's number in a cell of its
    own before its label ("2." | "其他法律行政法规禁止公开"), `joiner` between rows; the rows `blank`
    print empty cells."""
    rows = [f"{row.number}\t{row.label}\t" + "\t".join("" if row.key in blank else str(gold[row.key][c])
                                                      for c in COLUMNS) for row in T3.rows]
    return [joiner.join(rows)]


@pytest.mark.parametrize("joiner", ["", " ", "\t"])
def test_a_row_number_in_a_cell_of_its_own_after_the_last_value_is_no_value(joiner):
    # With nothing between rows, the last value and the next row's number share a cell: "12." is
    # 1 and "2.", never 12.
    gold = consistent_t3(3)
    report = parse_lines(_numbered_cells_one_line(gold, joiner))
    assert_right_or_flagged(report, gold)


def test_a_blank_last_cell_glued_to_the_next_row_number_is_blank():
    gold = consistent_t3(4)
    blank = frozenset(row.key for row in T3.rows if row.group and not any(gold[row.key].values()))
    assert len(blank) >= 5
    expected = {key: (dict.fromkeys(COLUMNS) if key in blank else cols) for key, cols in gold.items()}
    report = parse_lines(_numbered_cells_one_line(gold, "", blank))
    assert_right_or_flagged(report, expected)


def test_values_fused_into_a_label_note_leave_the_row_in_doubt_not_blank():
    # A table drawn in text whose columns slipped: a row's values run into its label's note.  The
    # row prints no value of its own, but the table does print values nobody read: not blank for
    # sure (its values are all 0, so no sum tells).
    gold = consistent_t3(0)
    assert not any(gold["partially_granted"].values())
    rows = []
    for row in T3.rows:
        values = "\t".join(str(gold[row.key][c]) for c in COLUMNS)
        if row.key == "partially_granted":
            digits = "".join(str(gold[row.key][c]) for c in COLUMNS)
            rows.append(f"{row.number}部分公开（区分处理的，只计这一情形{digits}，不计其他情形）")
        else:
            rows.append(f"{row.number}{row.label}\t{values}")
    report = parse_lines(rows)
    assert {f"t3.partially_granted.{c}" for c in COLUMNS} <= set(report.canonical()["uncertain"])
    assert_right_or_flagged(report, gold, max_flagged=len(COLUMNS))


def test_a_number_glued_to_zero_written_as_wu_before_a_group_name_is_no_value():
    # "无2." then "部分公开" (a renumbered table: （二） printed 2.): the row's last cell is 无, the 2
    # numbers the next row, whether or not the words after it are a row's label as the edition has it.
    gold = consistent_t3(0)
    rows = []
    for row in T3.rows:
        values = "\t".join("无" if gold[row.key][c] == 0 else str(gold[row.key][c]) for c in COLUMNS)
        rows.append(f"{row.number}\t{row.label}\t{values}")
    report = parse_lines(["".join(rows)])
    assert_right_or_flagged(report, gold)


def test_a_value_glued_to_the_number_of_a_misread_label_is_flagged_not_read_whole():
    # 属于国家秘密's total, 1, runs into the next row's number: "12.", and the label after it is
    # misread beyond recognition.  Whether the cell is 1 (and "2.") or 12 is then not known: it is
    # in doubt, never 12 unflagged.
    gold = consistent_t3(0)
    assert gold["withheld_state_secret"]["total"] == 1
    rows = []
    for row in T3.rows:
        values = "\t".join(str(gold[row.key][c]) for c in COLUMNS)
        label = "具仙法侓彳亍政法覌" if row.key == "withheld_prohibited_by_law" else row.label
        rows.append(f"{row.number}\t{label}\t{values}")
    report = parse_lines(["".join(rows)])
    assert "t3.withheld_state_secret.total" in report.canonical()["uncertain"]
    assert_right_or_flagged(report, gold, max_flagged=2 * len(COLUMNS))


def test_a_cell_of_text_in_the_value_row_below_a_label_leaves_the_row_in_doubt():
    # 规章 alone on its line takes the value row below it; a cell of that row holds text (a
    # scan's garbled cell, or the text after the table run into it): the row is in doubt.
    report = parse_with_table_two(
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\n1\t0\t石K\n行政规范性文件\t5\t2\t40\n")
    uncertain = set(report.canonical()["uncertain"])
    assert {"t2.regulations.issued", "t2.regulations.repealed", "t2.regulations.in_force"} <= uncertain
    assert report.canonical()["t2"]["normative_documents"] == {"issued": 5, "repealed": 2, "in_force": 40}


def test_values_fused_into_the_words_of_a_cut_label_leave_the_row_unknown_not_unprinted():
    # A drawn table whose columns slipped cut 行政许可 in two and fused its value into the second
    # part (`12许可`): the row is not found, but the table prints a value nobody read, so the row
    # is not "not printed" (blank for certain); it stays unknown.
    canonical = parse_with_table_two(
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
        "规章\t1\t0\t3\n行政规范性文件\t5\t2\t40\n第二十条第（五）项\n"
        "| 信息内容 | 本年处理决定数量 |\n| 行政 |  |\n| 12许可 |\n"
        "第二十条第（六）项\n信息内容\t本年处理决定数量\n行政处罚\t7\n行政强制\t0\n").canonical()
    assert canonical["t2"]["administrative_penalty"] == {"decisions": 7}
    assert "t2.administrative_licensing.decisions" in canonical["uncertain"]


@pytest.mark.parametrize("joiner", ["", " "])
def test_a_page_footer_flattened_in_between_two_rows_is_no_value(joiner):
    # A PDF's text flattened onto one line keeps its page footer between two rows: "- 4 -" after a
    # row of blank cells is neither its 其他 nor its 总计.
    gold = consistent_t3(4)
    blank = frozenset(row.key for row in T3.rows if row.group and not any(gold[row.key].values()))
    assert "withheld_third_party_rights" in blank
    expected = {key: (dict.fromkeys(COLUMNS) if key in blank else cols) for key, cols in gold.items()}
    flat = _numbered_cells_one_line(gold, joiner, blank)[0]
    flat = flat.replace(f"{joiner}5.\t属于三类内部事务信息", f"{joiner}- 4 -{joiner}5.\t属于三类内部事务信息", 1)
    assert "- 4 -" in flat
    assert_right_or_flagged(parse_lines([flat]), expected)


# Table 二 (2019 edition) as pdftotext's default mode prints a PDF's: the label of a block's last
# row after its values, so 行政事业性收费 stands before the next block's caption.
_LABEL_AFTER_ITS_VALUES = (
    "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年新制作\n数量\n本年新公开\n数量\n对外公开总\n数量\n"
    "规章\n0\n0\n0\n规范性文件\n4\n4\n4\n"
    "第二十条第（五）项\n信息内容\n上一年项目\n数量\n本年增/减\n处理决定数\n量\n行政许可\n1\n1\n1\n"
    "其他对外管理服务事项\n0\n0\n0\n"
    "第二十条第（六）项\n信息内容\n上一年项目\n数量\n本年增/减\n处理决定数\n量\n行政处罚\n0\n0\n0\n"
    "行政强制\n0\n0\n0\n"
    "第二十条第（八）项\n信息内容\n上一年项目\n数量\n本年增/减\n{fees}\n行政事业性收费\n"
    "第二十条第（九）项\n信息内容\n采购项目数\n量\n采购总金额\n3\n28291965元\n政府集中采购\n")


@pytest.mark.parametrize("fees", ["0\n0", "5\n-2"])
def test_values_after_the_next_blocks_caption_are_not_the_row_before_it(fees):
    """A bare label followed by the next block's caption takes none of the values after the
    caption: 3 and 28291965元 are 政府集中采购's, printed before its label."""
    report = parse_with_table_two(_LABEL_AFTER_ITS_VALUES.format(fees=fees))
    fees_row = report.canonical()["t2"]["administrative_fees"]
    for key, value in fees_row.items():
        assert value in (None, *map(int, fees.split("\n"))) or f"t2.administrative_fees.{key}" in report.uncertain
        assert value not in (3, 28291965) or f"t2.administrative_fees.{key}" in report.uncertain


def test_values_after_a_caption_in_flowing_text_are_not_the_row_before_it():
    report = parse_with_table_two(_LABEL_AFTER_ITS_VALUES.format(fees="0\n0").replace("\n", " "))
    fees_row = report.canonical()["t2"]["administrative_fees"]
    assert all(value not in (3, 28291965) or f"t2.administrative_fees.{key}" in report.uncertain
               for key, value in fees_row.items())


# What a PDF's text boxes (pdfminer's, pdftotext's plain text) make of table 三: values apart
# from the labels they belong to.  None of these may be read as a value, unflagged.

def _values_of(values: dict[str, dict[str, int]], key: str) -> list[str]:
    return [str(values[key][column]) for column in COLUMNS]


def _numbered_lines(values: dict[str, dict[str, int]]) -> list[str]:
    """Table 三 a label a line with its number, then its values a line each, as a PDF's text boxes
    give it (group names left out: their pieces stand among the rows' lines)."""
    return [line for row in T3.rows for line in (row.number + row.label, *_values_of(values, row.key))]


def test_values_printed_before_their_label_leave_the_rows_beside_them_in_doubt():
    """`5.属于三类内部事务信息` / its values / `予` / `1`…`1` / `公 6.属于四类过程性信息` / `2`…`2` /
    `开 7.属于行政执法案卷` / `8.属于行政查询事项` / …: pdftotext put 6's values before its label and 7's
    after 6's.  6 had read 7's values, unflagged."""
    values = consistent_t3(11)
    for key, n in (("withheld_internal_affairs", 3), ("withheld_process_information", 1),
                   ("withheld_enforcement_case_file", 2), ("withheld_administrative_query", 2)):
        values[key] = {c: (n if c in ("natural_person", "total") else 0) for c in COLUMNS}
    values["total_handled"] = {c: sum(values[row.key][c] for row in T3.rows if row.group) for c in COLUMNS}
    lines = _numbered_lines(values)
    six, seven, eight = (lines.index(row.number + row.label) for row in T3.rows
                         if row.key in ("withheld_process_information", "withheld_enforcement_case_file",
                                        "withheld_administrative_query"))
    lines = (lines[:six] + ["予", *lines[six + 1:seven]] + ["公 " + lines[six], *lines[seven + 1:eight]]
             + ["开 " + lines[seven], *lines[eight:]])
    report = parse_lines(lines)
    for key in ("withheld_process_information", "withheld_enforcement_case_file"):
        read = report.canonical()["t3"][key]
        assert read == values[key] or all(f"t3.{key}.{c}" in report.uncertain for c in COLUMNS), key


def test_values_after_the_group_name_of_the_2021_sub_rows_are_not_a_2019_row():
    """（六）其他处理 with values after it and its three sub-rows printed without: the sub-rows say
    the table is laid out as 2021's, so the values are an unlabelled row, not the one 2019 row."""
    values = consistent_t3(12)
    values["other_overdue_correction"] = {c: (2 if c in ("natural_person", "total") else 0) for c in COLUMNS}
    values["total_handled"] = {c: sum(values[row.key][c] for row in T3.rows if row.group) for c in COLUMNS}
    for key in ("other_unpaid_fee", "other_other"):
        values[key] = dict.fromkeys(COLUMNS, 0)
    values["total_handled"] = {c: sum(values[row.key][c] for row in T3.rows if row.group) for c in COLUMNS}
    sub_rows = [row for row in T3.rows if row.key in T3_OTHER_SUB_ROWS]
    lines = []
    for row in T3.rows:
        if row is sub_rows[0]:  # the group's name, the first sub-row's values, the three labels alone
            lines += ["（六）其他处理", *_values_of(values, row.key), *(r.number + r.label for r in sub_rows)]
        elif row not in sub_rows:
            lines += [row.number + row.label, *_values_of(values, row.key)]
    report = parse_lines(lines)
    assert not report.single_other_handling
    for row in sub_rows:
        read = report.canonical()["t3"][row.key]
        assert read == values[row.key] or all(f"t3.{row.key}.{c}" in report.uncertain for c in COLUMNS), row.key


def test_table_four_values_flowed_in_before_its_header_ended_are_in_doubt():
    """pdftotext's plain text may put the rest of a page's table 三 after table 四's first header
    lines: a run of 15 values there is not table 四's when its header goes on after it."""
    values = consistent_t3(13)
    t4_values = ["1", "0", "1", "0", "2"] + ["0"] * 10
    tail = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n未经复议直接起诉\n" + "0\n" * 15
            + "复议后起诉\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n" + "\n".join(t4_values)
            + "\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")
    text = HEAD + "\n".join(one_per_line(values)) + "\n" + tail
    report = parse_bytes(text.encode("utf-8"), "report.txt")
    read = report.canonical()["t4"]
    flat = [read[group][key] for group in ("review", "litigation_direct", "litigation_after_review")
            for key in ("upheld", "corrected", "other", "pending", "total")]
    assert flat == list(map(int, t4_values)) or all(path in report.uncertain for path, _ in report.cells()
                                                     if path.startswith("t4."))


def test_a_value_no_row_took_puts_the_row_before_it_in_doubt():
    """`规章` / `5` / `2` / `1（其中修订0件）` / `1（其中修订1件）`: 11 broken over two lines, each piece
    with a note, so the second is no piece of a value alone on its line.  It stood after the row,
    taken by no row, and 规章 read 1 for 11, unflagged."""
    t2 = _LABEL_AFTER_ITS_VALUES.format(fees="0\n0").replace(
        "规章\n0\n0\n0\n", "规章\n5\n2\n1（其中修订0件）\n1（其中修订1件）\n")
    report = parse_with_table_two(t2)
    read = report.canonical()["t2"]["regulations"]
    assert read["total_published"] == 11 or "t2.regulations.total_published" in report.uncertain
    assert "t2.normative_documents.new_made" not in report.uncertain  # the row after stands as printed


# Table 四 as trafilatura writes a one-cell-a-line page: its header's words, then each value as a
# cell after a row's first (`| 1`); sanming-2023's values.
T4_VALUES = (1, 0, 1, 4, 6, 5, 0, 0, 2, 7, 1, 0, 0, 0, 1)
T4_HEADER = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n"
             + "\n".join([c.label for c in editions.T4.columns] + [row.label for row in editions.T4.rows[1:]]
                         + [c.label for c in editions.T4.columns] * 2) + "\n")
PROBLEMS = "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"


def _with_table_four(cells: list[str], after: str = PROBLEMS) -> Report:
    lines = one_per_line(consistent_t3(0))
    text = HEAD + "\n".join(lines) + "\n" + T4_HEADER + "\n".join(cells) + "\n" + after
    return parse_bytes(text.encode("utf-8"), "report.txt")


def _table_four(report: Report) -> list:
    return [report.value(f"t4.{row.key}.{c.key}") for row in editions.T4.rows for c in editions.T4.columns]


def test_table_four_cells_with_the_last_glued_to_the_next_heading_are_read_whole():
    """`| 1` … `| 0`, then `1五、存在的主要问题…`: fourteen cells and the fifteenth outside them, glued
    to the heading; before, the first cell was taken as blank and every value read a column off."""
    heading, *rest = PROBLEMS.splitlines(keepends=True)
    report = _with_table_four([f"| {v}" for v in T4_VALUES[:-1]] + [f"{T4_VALUES[-1]}{heading.rstrip()}"], "".join(rest))
    assert _table_four(report) == list(T4_VALUES)
    assert not [p for p in report.uncertain if p.startswith("t4.")]


def test_table_four_cells_one_short_leave_the_first_cell_in_doubt_never_a_column_off_unflagged():
    """The first value lost (`| 0` `| 1` `| 4` `| 6` …, fourteen cells): the first cell is taken as
    blank, which is a guess, and the sums then fail, so every cell of table 四 is in doubt."""
    report = _with_table_four([f"| {v}" for v in T4_VALUES[1:]])
    uncertain = set(report.uncertain)
    wrong = [(path, got, want) for path, got, want in zip(
        [f"t4.{row.key}.{c.key}" for row in editions.T4.rows for c in editions.T4.columns], _table_four(report), T4_VALUES)
        if got != want and path not in uncertain]
    assert wrong == []
    assert report.cell("t4.review.upheld").uncertain
    assert any(w.code == "PARSE.T4_FIRST_BLANK" for w in report.warnings)
