"""Metamorphic robustness: every text report, rewritten the way other real reports print
the same table (tests/metamorphic.py), must still parse to its gold values.

Relation checked per (report, transformation):
- no cell wrong without an `uncertain` flag, and no parse error;
- edition and year as in the gold (the untransformed report matches the gold: see the
  `identity` cases);
- at most 2% of the cells flagged beyond what the untransformed report flags
  (`metamorphic.allowed_new_flags`), plus the cells a rewrite leaves to printed order alone.

Cases the parser gets wrong today are strict xfails with the diagnosis, so they flip to
XPASS (and fail the suite) once the parser is fixed and the entry can be deleted.
`python benchmarks/robustness.py --summary` gives the same cases as tables per rewrite and
per layout pattern (cells, % right, wrong unflagged, % flagged).
"""

from __future__ import annotations

import re

import pytest

from . import metamorphic
from .conftest import CORPUS

# (source stem, transformation) → diagnosis, for cases the parser gets wrong.  The layouts of
# unseen sites (group labels alone, crawled cells, collapsed runs, fused rows, missing labels,
# glued headings, label rewordings) came with the cases below; when the parser learns a
# pattern its entries turn XPASS and can go.
_SEEDS = ("000_05b7538ffe1c510c", "003_133ea6e3b8938548", "004_74ac7cc249356a73")  # Word's tab-led cells
_ONE_LINE = ("pingtan-2019", "pingtan-2022", "pingtan-agriculture-2024", "pingtan-haitan-2021", "pingtan-transport-2020")
_CRAWLS = ("putian-statistics-2022-crawl", "sanming-2023")  # one node per line, edition 2021
_STCSM = "shanghai-stcsm-2024"

_AGRICULTURE_RUNS = (
    "the report's own 总计 column is 0 while 自然人 is not, so no expansion of the collapsed rows new_received, granted, "
    "withheld_third_party_rights, total_handled satisfies its row sum: their 28 cells are flagged (none wrong)")
_HAITAN_RUNS = (
    "the report's own （七）总计 prints 自然人 1 and 总计 0 (1 / 0 once collapsed): no expansion satisfies its row "
    "sum nor the outcome sums, so its seven cells are flagged (none wrong)")

_BROKEN_RUNS = (
    "a table-二 row printing as many lines as cells where other rows show values broken over lines may be a value "
    "broken into equal halves and collapsed (`8` / `-72` / `0` for 88, −72, 0 or 8, −72, 0), and table 二 has no "
    "sums to tell: its rows stay flagged unless the narrative states them (PARSE.BROKEN_RUNS; none wrong)")

XFAIL: dict[tuple[str, str], str] = {
    # pattern 5: collapsed runs.
    ("pingtan-agriculture-2024", "collapsed_runs"): "行政规范性文件 '1/0' (1,0,0 or 1,1,0: table 二 has no "
    "arithmetic) rightly flagged; " + _AGRICULTURE_RUNS,
    # pattern 6: fused rows; table 二 has no arithmetic to choose the split.
    **{("003_133ea6e3b8938548", name): "table-二 fused rows 规章5211 (5|2|11) and 政府集中采购15909.76万元 (15|909.76) "
       "have several splits and no arithmetic: 5 cells flagged (only the narrative could settle them)"
       for name in ("digit_runs", "digit_runs_one_line", "reworded_digit_runs")},
    ("004_74ac7cc249356a73", "reworded_digit_runs"): "table-二 fused rows 行政处罚01250 (0|125|0) and "
    "政府集中采购210268898元 (2|10268898元) have several splits and no arithmetic: 4 cells flagged",
    ("004_74ac7cc249356a73", "digit_runs"): "table-二 fused rows 行政处罚01250 (0|125|0) and 政府集中采购210268898元 "
    "(2|10268898元) have several splits and no arithmetic: 4 cells flagged",
    ("004_74ac7cc249356a73", "digit_runs_one_line"): "table-二 fused rows 行政处罚01250 (0|125|0) and "
    "政府集中采购210268898元 (2|10268898元) have several splits and no arithmetic: 4 cells flagged",
    # Tables laid out with spaces (pdftotext -layout): a blank cell is only spaces.
    ("002_785ebbaa410aaa3a", "space_aligned"): "rows whose cells are blank but for 总计 print one value each, "
    "and the rewrite prints no header over the columns and no row with every cell filled: nothing in the "
    "text says which columns were blank, so those rows stay flagged, shown with the value in 总计 (69 cells "
    "flagged, none wrong; the rows printing their label alone are blank)",
    # pattern 5: a value lost from a row.
    ("pingtan-haitan-2021", "crawled_cells_lost"): "the value lost is one of （七）总计's, and the report's own "
    "（七）总计 breaks its row sum and the outcome sums (T3.ROW_TOTAL, T3.OUTCOME_TOTAL): no choice of columns "
    "fits, so the row's seven cells stay flagged (none wrong)",
    # pattern 5: blank cells a crawl writes no line for.
    ("002_785ebbaa410aaa3a", "crawled_cells_blanks_dropped"): "rows printing one 无 for seven cells (blank but "
    "for 总计): every column fits the sums, all nought, so where 无 stands is not known and the row stays flagged "
    "(shown in 总计), and so do table 二's rows printing two values for three cells; the rows printing their "
    "label alone are blank (69 cells flagged, none wrong; 188 before those were read)",
    # pattern 9: combinations.
    ("002_785ebbaa410aaa3a", "groups_alone_one_line"): "flattened onto one line, the blank cells leave no tab: "
    "the rows of blanks are read from their labels side by side (blank for certain), but the rows printing one 无 "
    "for seven cells, table 二's rows printing two 无 for three and table 四's eleven values for fifteen stay "
    "flagged, as in crawled_cells_blanks_dropped (41 cells flagged, none wrong)",
    ("002_785ebbaa410aaa3a", "merged_slots_glued_one_line"): "as groups_alone_one_line: flattened onto one "
    "line with nothing between rows, the rows printing one 无 for seven cells and table 二's rows printing two 无 "
    "for three stay flagged, and so do the rows whose labels share a cell with a label that took the cell's values "
    "(54 cells flagged, none wrong)",
    **{(stem, "merged_slots_misread_one_line"): "the misread label of row 一 is not recognised: its values are "
       "placed by printed order, but the row opens with an empty cell that may be its label's merged slot or its "
       "first blank cell, so the row's seven cells are flagged (none wrong)"
       for stem in ("000_05b7538ffe1c510c", "pingtan-agriculture-2024")},
    ("002_785ebbaa410aaa3a", "merged_slots_misread_one_line"): "as merged_slots_glued_one_line, and rows whose "
    "misread labels are not recognised open with empty slots: their value rows are flagged (75 cells, none wrong)",
    ("pingtan-agriculture-2024", "collapsed_split_glued"): _AGRICULTURE_RUNS,
    ("pingtan-agriculture-2024", "collapsed_runs_page_footers"): _AGRICULTURE_RUNS,
    ("pingtan-agriculture-2024", "collapsed_renumbered_misread"): _AGRICULTURE_RUNS,
    ("pingtan-agriculture-2024", "crawled_values_with_units"): _AGRICULTURE_RUNS,
    ("pingtan-agriculture-2024", "crawled_values_annotated"): _AGRICULTURE_RUNS,
    **{("pingtan-haitan-2021", name): _HAITAN_RUNS for name in (
        "collapsed_runs", "collapsed_split_glued", "collapsed_headings_shuffled", "collapsed_runs_page_footers",
        "collapsed_renumbered_misread", "crawled_values_with_units", "crawled_values_annotated")},
    ("002_785ebbaa410aaa3a", "wrapped_numbered_cells_glued_one_line"): "labels cut to the first line of a cell ten "
    "characters wide: 本年新收政府信息 and 上年结转政府信息 are too short to be read as their rows, and a row printing 无 "
    "alone runs it into the rest of its label or note (`无处理的，只计…`), where 无 before words is no value: four rows "
    "stay flagged (28 cells, none wrong)",
    # A PDF's plain text (pdfplumber's extract_text): a row's words on one line, wrapped cells apart.
    ("002_785ebbaa410aaa3a", "pdfplumber_plain_text"): "plain text drops blank cells: rows whose cells are blank "
    "but for 总计 print one value each, and no header position is kept to say which columns were blank, so "
    "those rows stay flagged (69 cells, none wrong), as with space_aligned",
    # Values broken over two lines, then runs of equal lines collapsed.
    # 莆田's crawl: 一、本年新收 prints `1` / `5` / `0` / `15` (15 broken, its noughts collapsed), which
    # only its sum shows broken; table 三 is then read right, and table 二 is in doubt as in the others.
    **{(stem, "broken_values_runs_collapsed"): _BROKEN_RUNS for stem in (
        "003_133ea6e3b8938548", "pingtan-2022", "pingtan-transport-2020", "putian-statistics-2022-crawl",
        "sanming-2023")},
    ("pingtan-agriculture-2024", "broken_values_runs_collapsed"): _BROKEN_RUNS + "; " + _AGRICULTURE_RUNS,
    **{(stem, "broken_values_groups_alone_runs_collapsed"): _BROKEN_RUNS for stem in (
        "003_133ea6e3b8938548", "004_74ac7cc249356a73", "pingtan-2022", "putian-statistics-2022-crawl",
        "sanming-2023")},
    # Cells written `| 0` a line, each table's last value glued to the next heading.
    **{(stem, "glued_headings_cells_ruled"): "四、结转下年度继续办理 prints six cells and its 总计 glued to heading "
       "四 (`0四、政府信息公开…`): the sums place that 0 in 总计, but which column each of the six is in stays a "
       "guess, so the row's seven cells are flagged (none wrong); table 四's row, its last value glued to heading "
       "五 the same way, is read whole"
       for stem in ("000_05b7538ffe1c510c", "003_133ea6e3b8938548", "004_74ac7cc249356a73", "pingtan-2022",
                    "pingtan-agriculture-2024", "putian-statistics-2022-crawl", "sanming-2023")},
    ("pingtan-agriculture-2024", "renumbered_misread_labels"): "the misreads fall on both 一、本年新收… and "
    "二、上年结转…, which share 政府信息公开申请数量: each phrase is within SIMILAR_MARGIN of the other row, so both "
    "rows stay unknown (14 cells flagged, none wrong)",
}

CASES = metamorphic.cases(CORPUS)


def _param(source, gold, name):
    reason = XFAIL.get((source.stem, name))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(source, gold, name, id=f"{source.stem}-{name}", marks=marks)


@pytest.mark.parametrize("source,gold,name", [_param(*case) for case in CASES])
def test_transformed_report_parses_to_the_same_gold(source, gold, name):
    result = metamorphic.outcome(source, gold, name)
    baseline = metamorphic.outcome(source, gold, "identity")
    assert result.error is None, result.error
    assert result.wrong == [], "\n".join(result.wrong)
    meta = [m for m in result.meta_mismatch if m.split(":")[0] in ("edition", "year")]
    assert meta == []
    extra = result.flagged - baseline.flagged
    assert extra <= metamorphic.allowed_new_flags(name, result.cells), (
        f"{result.flagged} cells flagged, {baseline.flagged} without the rewrite")


def test_no_case_has_a_wrong_value_unflagged():
    """The expected failures above are about doubt (too many cells flagged), never about a value:
    over every case, xfails included, no cell is wrong without its flag."""
    wrong = {f"{source.stem}-{name}": result.wrong for source, gold, name in CASES
             if (result := metamorphic.outcome(source, gold, name)).wrong}
    assert not wrong, wrong


# Share of a layout pattern's cells read right over all its cases (xfails included), the bar
# for reading a pattern the corpus never showed; measured lowest today: missing_cells 99.59%.
PATTERN_FLOOR = 0.995
# Patterns whose rewrites drop lines that held values (a converter keeping a line once): a value
# lost can only be flagged, never read, so the share read right is pinned at what it measures
# today (6,120 of 21,136 cells, 28.96%, over 106 cases; every other cell flagged, none wrong),
# to be raised as the reading improves and never lowered.
PATTERN_PINS = {"lines_kept_once": 0.2895}


def test_every_layout_pattern_reads_its_cells_right():
    right: dict[str, int] = {}
    cells: dict[str, int] = {}
    for source, gold, name in CASES:
        result = metamorphic.outcome(source, gold, name)
        family = metamorphic.BY_NAME[name].family
        right[family] = right.get(family, 0) + result.right
        cells[family] = cells.get(family, 0) + result.cells
    below = {family: f"{right[family] / cells[family]:.2%}" for family in cells
             if right[family] < PATTERN_PINS.get(family, PATTERN_FLOOR) * cells[family]}
    assert not below, below


def test_every_report_and_transformation_is_covered():
    stems = {source.stem for source, _, _ in CASES}
    assert len(stems) >= 11
    covered = {name for _, _, name in CASES}
    assert covered == set(metamorphic.BY_NAME), set(metamorphic.BY_NAME) - covered
    # A stale xfail entry would hide nothing and test nothing.
    assert set(XFAIL) <= {(source.stem, name) for source, _, name in CASES}


# --------------------------------------------------------------------------- the rewrites themselves

def _cells(text: str) -> list[list[str]]:
    return [[metamorphic._flat(c) for c in row]
            for item in metamorphic.blocks(text) if isinstance(item, metamorphic.Table) for row in item.rows]


@pytest.mark.parametrize("stem", _SEEDS)
def test_cell_separator_rewrites_keep_every_cell(stem):
    text = (CORPUS / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    original = _cells(text)
    assert sum(map(len, original)) > 200
    assert _cells(metamorphic.pipes(text)) == original


@pytest.mark.parametrize("name", ["header_repeated", "crawled_header_repeated"])
def test_header_repeated_prints_table_three_header_twice_between_its_rows(name):
    data, _ = metamorphic.transformed(CORPUS / "dev" / "sanming-2023.txt", name)
    text = data.decode("utf-8")
    first, second = (m.start() for m in re.finditer("申请人情况", text))
    assert text.index("本年新收") < second < text.index("（七）总计")
    assert first < text.index("本年新收")
    if name == "header_repeated":
        assert "— 2 —" in text[:second]


def test_html_merged_cells_spans_each_group_label_over_its_sub_rows():
    data, name = metamorphic.transformed(CORPUS / "dev" / "sanming-2023.txt", "html_merged_cells")
    page = data.decode("utf-8")
    assert name.endswith(".html")
    assert '<td rowspan="8">（三）不予公开</td><td>1.属于国家秘密</td>' in page
    assert '<td rowspan="3">（四）无法提供</td>' in page
    # 三、本年度办理结果 spans every outcome row, （一）予以公开 to （七）总计.
    assert '<td rowspan="22">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>' in page
    assert '<td colspan="3">四、结转下年度继续办理</td>' in page


def test_pinyin_follows_changed_characters_only():
    assert metamorphic.traditional_pinyin("主动公开规章") == "主動(dòng)公開(kāi)規(guī)章"


def test_an_empty_tab_cell_is_not_a_blank_line():
    text = "\t规章\n\t\n\t0\n\n\t规范性文件\n"
    assert metamorphic.blank_lines_doubled(text) == "\t规章\n\t\n\t0\n\n\n\t规范性文件\n"


def test_flattening_declines_when_a_blank_cell_would_vanish():
    assert metamorphic.one_line("\t规章\n\t\n\t0\n\t0\n\n") is None
    assert metamorphic.one_line("\t规章\n\t0\n\t0\n\t0\n\n") == "规章 0 0 0\n"


# --------------------------------------------------------------------------- layouts of unseen sites

def test_collapsing_is_literal():
    lines = [("value", v) for v in ("15", "0", "0", "0", "0", "0", "15", "0", "0", "318", "318", "318")]
    assert [v for _, v in metamorphic.collapse_runs(lines)] == ["15", "0", "15", "0", "318"]


def test_collapsed_runs_print_the_real_crawls_values():
    """Typeset from the gold, one cell per line, runs collapsed: the value lines are exactly
    those the crawler saved for 莆田统计局 2022."""
    source = CORPUS / "dev" / "putian-statistics-2022-crawl.txt"
    text = source.read_text(encoding="utf-8")
    region = text[text.index("第二十条第（一）项"):text.index("六、其他需要报告")]
    printed = [line.strip() for line in region.split("\n") if re.fullmatch(r"[\d.]+", line.strip())]
    lines = metamorphic.collapse_runs(metamorphic.cell_lines(metamorphic.typeset(metamorphic.gold_of(source))))
    assert [text for kind, text in lines if kind == "value"] == printed


@pytest.mark.parametrize("stem", ["pingtan-2019", "pingtan-agriculture-2024", "sanming-2023"])
def test_typeset_prints_every_gold_value_once(stem):
    gold = metamorphic.gold_of(CORPUS / "dev" / f"{stem}.txt")
    printed = sorted(float(value.removesuffix("元")) for item in metamorphic.typeset(gold) if isinstance(item, list)
                     for row in item for value in row.values)
    values = sorted(float(value) for table in ("t2", "t3", "t4") for row in gold[table].values()
                    for key, value in row.items() if value is not None and key != "amount_unit")
    assert printed == values


def test_seeded_rewrites_are_deterministic():
    source = CORPUS / "dev" / "sanming-2023.txt"
    text, gold = source.read_text(encoding="utf-8"), metamorphic.gold_of(source)
    for rewrite in (metamorphic.broken_values, metamorphic.label_line_before, metamorphic.label_missing_row,
                    metamorphic.label_missing_cells):
        assert rewrite(text, gold) == rewrite(text, gold) is not None


def test_group_labels_and_row_numbers_alone():
    rows = [[metamorphic.Row(["（三）不予公开", "1.属于国家秘密"], ["0", "1"]), metamorphic.Row(["2.重复申请"], ["3", "4"])]]
    assert [t for _, t in metamorphic.row_lines(rows, "\t", groups_alone=True, numbers_alone=True)] == [
        "（三）不予公开", "1.", "属于国家秘密\t0\t1", "2.", "重复申请\t3\t4"]
    assert [t for _, t in metamorphic.cell_lines(rows, joined_groups=True)] == [
        "（三）不予公开 1.属于国家秘密", "0", "1", "2.重复申请", "3", "4"]


def test_headings_glued_reordered_and_missing():
    lines = [("label", "总计"), ("value", "0"), ("text", "五、存在的主要问题及改进情况"), ("text", "无。")]
    assert metamorphic.glue_headings(lines, "五")[1] == ("value", "0五、存在的主要问题及改进情况")
    text = "四、…复议后起诉\n0\n五、存在的主要问题及改进情况\n问题。\n六、其他需要报告的事项\n无。\n"
    assert metamorphic.six_before_five(text) == (
        "四、…复议后起诉\n0\n六、其他需要报告的事项\n五、存在的主要问题及改进情况\n问题。\n无。\n")
    assert metamorphic.missing_heading_two("一、总体情况\n二、主动公开政府信息情况\n第二十条第（一）项\n") == (
        "一、总体情况\n第二十条第（一）项\n")


def test_renumbering_keeps_captions():
    assert metamorphic._renumbered("第二十条第（一）项 三、本年度办理结果 （一）予以公开 （三）不予公开 1.属于国家秘密") == (
        "第二十条第（一）项 （三）本年度办理结果 1.予以公开 3.不予公开 （1）属于国家秘密")


def test_table_four_retyped_one_row_a_group():
    source = CORPUS / "dev" / "sanming-2023.txt"
    gold = metamorphic.gold_of(source)
    data, _ = metamorphic.transformed(source, "t4_rows_per_group")
    text = data.decode("utf-8")
    region = text[text.index("类别\t结果维持"):]
    rows = [line.split("\t") for line in region.split("\n")[1:4]]
    assert [row[0] for row in rows] == [label for _, label in metamorphic._T4_GROUPS]
    for row, (group, _) in zip(rows, metamorphic._T4_GROUPS):
        assert row[1:] == [str(gold["t4"][group][key]) for key in metamorphic._T4_RESULT_KEYS]
    assert "未经复议直接起诉\t复议后起诉" not in text  # the national format's header is gone


def test_filled_slots_repeat_a_merged_cells_text():
    rows = [metamorphic.Row(["（三）不予公开", "1.属于国家秘密"], ["0", "1"]),
            metamorphic.Row(["2.其他法律行政法规禁止公开"], ["3", "4"])]
    empty, filled = metamorphic._slotted_rows(rows), metamorphic._slotted_rows(rows, filled=True)
    assert [cells[0] for cells in empty] == ["（三）不予公开", ""]
    assert [cells[0] for cells in filled] == ["（三）不予公开", "（三）不予公开"]
    assert [cells[1:] for cells in filled] == [cells[1:] for cells in empty]


def test_annotated_values_keep_the_value_before_the_note():
    source = CORPUS / "dev" / "sanming-2023.txt"
    text = source.read_text(encoding="utf-8")
    annotated = metamorphic.values_annotated(text)
    notes = re.findall(r"(\d+)[（(](?:其中|含)[^）)]*?(\d+)件", annotated)
    assert len(notes) >= 5
    assert all(int(part) <= int(value) for value, part in notes)
    unnoted = re.sub(r"[（(](?:其中|含)[^）)]*件[^）)]*[）)]", "", annotated)
    assert unnoted == text


def test_word_documents_merge_group_cells_and_break_long_labels():
    import io
    import zipfile

    source = CORPUS / "dev" / "sanming-2023.txt"
    merged, _ = metamorphic.transformed(source, "docx_merged_cells")
    broken, _ = metamorphic.transformed(source, "docx_broken_labels")
    xml = zipfile.ZipFile(io.BytesIO(merged)).read("word/document.xml").decode("utf-8")
    assert "<w:vMerge" in xml and "<w:gridSpan" in xml  # （三）不予公开 over its rows, labels over columns
    broken_xml = zipfile.ZipFile(io.BytesIO(broken)).read("word/document.xml").decode("utf-8")
    assert broken_xml.count("<w:p>") + broken_xml.count("<w:p ") > xml.count("<w:p>") + xml.count("<w:p ")
    text, gold = source.read_text(encoding="utf-8"), metamorphic.gold_of(source)
    assert metamorphic.docx_merged_cells(text, gold) == merged  # the same bytes each time
