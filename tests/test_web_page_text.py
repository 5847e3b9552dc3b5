"""A web page's report as the tools crawlers use turn it into text (trafilatura, markdownify,
html2text, inscriptis, BeautifulSoup's `get_text`), each losing something the page had:

- a value cell merged over two rows (`<td rowspan="2">0</td>`) printed once: the lower row shows
  blank slots there (trafilatura), no slot at all (markdownify), or nothing but its label (one cell
  a line);
- Markdown's escapes: a row number written `1\\.` so that it does not start a numbered list;
- short lines seen before dropped (trafilatura keeps a line of text once: `0`, `1`, a label).

Measured with the tools themselves on every gold report written as the suite's web pages
(docs/tables.md); here each loss is made by hand on 三明's crawl or its tab-separated rewrite, so
the suite needs none of the tools."""

from __future__ import annotations

import json
import re

import pytest

from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read

from . import metamorphic
from .conftest import CORPUS

_NEW = "一、本年新收政府信息公开申请数量"
_CARRIED = "二、上年结转政府信息公开申请数量"


def _gold() -> dict:
    return json.loads((CORPUS / "gold" / "sanming-2023.json").read_text(encoding="utf-8"))


def _crawl() -> str:
    return (CORPUS / "dev" / "sanming-2023.txt").read_text(encoding="utf-8")


def _parse(text: str):
    return parse_document(build_document(read(text.encode("utf-8"), "report.txt")))


def _uncertain(report, row: str) -> set[str]:
    return {path for path in report.canonical()["uncertain"] if path.startswith(f"t3.{row}.")}


def test_a_row_printing_its_label_alone_in_a_table_printing_every_other_value_is_in_doubt():
    """二、上年结转's noughts merged with 一's on the page: one cell a line, the row prints its label
    alone.  In a table that prints every other value that is no row of blanks for certain (seed
    004, whose table 三 is all noughts: no sum tells)."""
    source = next(s for s, _ in metamorphic.text_pairs(CORPUS) if s.stem == "004_74ac7cc249356a73")
    gold = json.loads((CORPUS / "gold" / "004_74ac7cc249356a73.json").read_text(encoding="utf-8"))
    crawl = metamorphic.crawled_cells(source.read_text(encoding="utf-8"), gold)
    assert isinstance(crawl, str) and f"{_CARRIED}\n0\n0\n0\n0\n0\n0\n0\n" in crawl
    report = _parse(crawl.replace(f"{_CARRIED}\n0\n0\n0\n0\n0\n0\n0\n", f"{_CARRIED}\n", 1))
    assert len(_uncertain(report, "carried_over")) == 7
    assert not [w for w in report.warnings if w.code == "PARSE.ROWS_LABEL_ONLY"]


def _tabbed() -> str:
    text = metamorphic.group_label_alone(_crawl(), _gold())
    assert isinstance(text, str) and f"{_CARRIED}\t1\t0\t0\t0\t0\t0\t1" in text
    return text


def test_blank_slots_under_the_row_aboves_values_put_the_row_in_doubt():
    """trafilatura writes a merged cell's lower slot empty: 二、上年结转's noughts merged with 一's
    print as blank cells under values, in a table printing every other value."""
    report = _parse(_tabbed().replace(f"{_CARRIED}\t1\t0\t0\t0\t0\t0\t1", f"{_CARRIED}\t1\t\t\t\t0\t\t1", 1))
    assert len(_uncertain(report, "carried_over")) == 7
    warning = next(w for w in report.warnings if w.code == "PARSE.BLANK_UNDER_VALUE")
    assert "请核对原文" in warning.message and "上一行同列有数值" in warning.message


def test_blank_cells_in_a_table_that_leaves_cells_blank_stay_blank():
    """Blank cells under values where other rows leave cells blank too: the table's habit, not a
    merged cell."""
    text = _tabbed().replace(f"{_CARRIED}\t1\t0\t0\t0\t0\t0\t1", f"{_CARRIED}\t1\t\t\t\t0\t\t1", 1)
    text = text.replace("（一）予以公开\t130\t2\t0\t0\t0\t27\t159", "（一）予以公开\t130\t2\t\t\t\t27\t159", 1)
    text = text.replace("（七）总计\t270\t3\t2\t1\t0\t27\t303", "（七）总计\t270\t3\t2\t1\t\t27\t303", 1)
    assert text.count("\t\t") >= 3
    report = _parse(text)
    assert not [w for w in report.warnings if w.code == "PARSE.BLANK_UNDER_VALUE"]
    assert report.canonical()["t3"]["carried_over"]["commercial_enterprise"] is None


def test_markdown_escaped_row_numbers_are_row_numbers():
    """`1\\.` / `属于国家秘密`: read with its backslash, each row number was a value of the row before."""
    text = _crawl()
    escaped = text.replace("\n1.\n", "\n1\\.\n").replace("\n2.\n", "\n2\\.\n").replace("\n3.\n", "\n3\\.\n")
    assert escaped.count("\\.") >= 6
    canonical, gold = _parse(escaped).canonical(), _gold()
    assert canonical["t3"] == gold["t3"]
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]


def test_one_value_left_of_a_collapsed_run_that_breaks_the_sums_is_a_guess():
    """Table 四 one cell a line with runs of equal lines collapsed, then every line but one `5`
    lost: fifteen cells of 5 break every sum of the table, so they are guesses, not the report's."""
    collapsed = metamorphic.collapsed_runs(_crawl(), _gold())
    assert isinstance(collapsed, str)
    head, rest = collapsed.split("四、政府信息公开行政复议、行政诉讼情况", 1)
    header, _values = rest.split("\n1\n", 1)
    text = head + "四、政府信息公开行政复议、行政诉讼情况" + header + "\n5\n五、存在的主要问题及改进情况\n" + _values.split("五、存在的主要问题及改进情况", 1)[1]
    report = _parse(text)
    canonical = report.canonical()
    assert canonical["t4"]["review"]["upheld"] == 5
    assert {f"t4.review.{c}" for c in ("upheld", "corrected", "total")} <= set(canonical["uncertain"])


def test_a_table_two_row_reading_a_dropped_rows_values_is_in_doubt():
    """`规章` / `0` / `460` / `1672` / `2787`: the tool dropped 1, 6 and the label 行政规范性文件; 规章
    reads four values for three cells, which may be partly the unread row's."""
    text = _crawl().replace("规章\n1\n0\n6\n行政规范性文件\n460\n", "规章\n0\n460\n", 1)
    canonical = _parse(text).canonical()
    assert {f"t2.regulations.{c}" for c in canonical["t2"]["regulations"]} <= set(canonical["uncertain"])


def test_one_value_for_a_row_where_lines_were_kept_once_is_no_collapsed_run():
    """Where no value line repeats anywhere in the tables, a converter kept each line once: 规章
    printing `0` alone lost its `1` and `6` (seen before), and is no run of three noughts collapsed."""
    text = metamorphic.kept_once(_crawl()).replace("规章\n0\n460", "规章\n0\n行政规范性文件\n460", 1)
    assert "规章\n0\n行政规范性文件\n460" in text
    canonical = _parse(text).canonical()
    assert {f"t2.regulations.{c}" for c in ("issued", "repealed", "in_force")} <= set(canonical["uncertain"])


def test_a_row_of_blanks_is_read_blank_where_a_line_of_values_repeats():
    """Where a line of values repeats (`规章` / `0 0 0`, and again under 其他对外管理服务事项), no
    converter kept lines once: a row printing its label alone is a row of blanks, for certain."""
    source, gold = next((s, g) for s, g in metamorphic.text_pairs(CORPUS) if s.stem == "pingtan-haitan-2021")
    text = metamorphic.BY_NAME["label_line_before"].rewrite(source.read_text(encoding="utf-8"), gold)
    assert isinstance(text, str) and text.count("\n0\t0\t0\n") >= 3
    printed_blank = text.replace("行政处罚\n0\t0\t0\n", "行政处罚\n", 1)
    assert printed_blank != text
    canonical = _parse(printed_blank).canonical()
    assert all(value is None for value in canonical["t2"]["administrative_penalty"].values())
    assert not [path for path in canonical["uncertain"] if path.startswith("t2.administrative_penalty.")]
    kept_once = _parse(metamorphic.kept_once(printed_blank)).canonical()
    assert {f"t2.other_administrative_services.{c}" for c in ("previous_year", "change", "decisions")} <= set(kept_once["uncertain"])


@pytest.mark.parametrize("unit", ["", "件"], ids=["counts", "counts_with_units"])
def test_rows_of_a_table_that_lost_values_print_no_row_of_blanks_for_certain(unit):
    """上海科委's page one cell a line (labels lifted out of their rows by a PDF converter), through
    a crawl that collapses runs of equal lines: a row's sevens noughts and the next row's run into
    one another, rows read `2` / `0` / `2` or `9` alone, which cannot add up with their other cells
    blank, so values were lost, not left blank, and a row printing its label alone may have lost
    all of its own (28 cells of four such rows had been settled as blanks, wrong, unflagged), also
    where each count prints its unit (`2件`)."""
    source = (CORPUS / "dev" / "shanghai-stcsm-2024.md").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\d+)$", rf"\g<1>{unit}", _one_cell_a_line(source))
    assert not unit or "\n2件\n" in text
    canonical = _parse(metamorphic.runs_collapsed(text)).canonical()
    bare = ("withheld_prohibited_by_law", "withheld_internal_affairs", "unavailable_needs_creation",
            "declined_excessive_requests")
    for row in bare:
        cells = [path for path in canonical["uncertain"] if path.startswith(f"t3.{row}.")]
        assert len(cells) == 7, (row, cells)


def _wrong_after(kind: str, damage, scratch) -> dict[str, list[str]]:
    """Every gold report rewritten by the suite's rewrite `kind`, then passed through `damage` (what
    a converter does to the text), scored: the cells read wrong without a flag, by report."""
    from nianbao.evaluate import score

    wrong = {}
    for source, gold in metamorphic.text_pairs(CORPUS):
        text = metamorphic.BY_NAME[kind].rewrite(source.read_text(encoding="utf-8"), gold)
        if not isinstance(text, str):
            continue
        path = scratch / f"{source.stem}.txt"
        path.write_text(damage(text), encoding="utf-8")
        if result := score(path, gold).wrong:
            wrong[source.stem] = result
    return wrong


def _one_cell_a_line(markdown: str) -> str:
    """A Markdown report's text as BeautifulSoup's `get_text("\\n")` prints its web page: each
    table cell a line, the rules between header and rows gone."""
    lines = []
    for line in markdown.split("\n"):
        if line.startswith("|") and set(line) <= set("|-: "):
            continue
        lines.extend(cell.strip() for cell in line.strip("|").split("|")) if line.startswith("|") else lines.append(line)
    return "\n".join(lines)


def test_labels_lifted_above_their_values_put_the_rows_by_order_in_doubt(tmp_path):
    """上海科委's table 三 prints wrapped labels a row or more above their values (`5.属于三类内部
    事务信 / 息 / 1.本机关不掌握相关政 / 府信息`, then 5's values, and 1's three rows on without a
    label).  As a Markdown table the values stay rows of a grid; one cell a line, which label a
    value row goes with is printed order alone: those rows are in doubt, none read wrong."""
    from nianbao.evaluate import score

    source = CORPUS / "dev" / "shanghai-stcsm-2024.md"
    path = tmp_path / "shanghai-stcsm-2024.txt"
    path.write_text(_one_cell_a_line(source.read_text(encoding="utf-8")), encoding="utf-8")
    gold = json.loads((CORPUS / "gold" / "shanghai-stcsm-2024.json").read_text(encoding="utf-8"))
    result = score(path, gold)
    assert result.wrong == []
    report = parse_document(build_document(read(path.read_bytes(), path.name)))
    assert {"t3.unavailable_not_held.natural_person", "t3.unavailable_needs_creation.natural_person"} <= set(
        report.canonical()["uncertain"])
    assert any(w.code == "PARSE.LABELS_LIFTED" for w in report.warnings)


def test_a_year_broken_from_its_nian_across_a_blank_line_is_no_value():
    """inscriptis writes each text block of a page indented, a blank line between: section 五's
    opening `2023年，…` broken after the year reads `  2023` / `` / `  年，…`.  Right after table 四's
    values (heading 五 glued to 四, a value lost), the year is text, not a sixteenth value."""
    text = metamorphic.BY_NAME["glued_five_value_lost"].rewrite(_crawl(), _gold())
    assert isinstance(text, str) and "\n2023\n年，" in text
    report = _parse("\n\n".join(f"  {line}" if line.strip() else line for line in text.split("\n")))
    canonical = report.canonical()
    assert 2023 not in [value for row in canonical["t4"].values() for value in row.values()]
    assert canonical["t4"]["litigation_after_review"]["total"] == 1


def _wrapped_at(text: str, width: int) -> str:
    """html2text's pipe rows wrapped where a row passes `width` characters (its body_width, 78 by
    default), at the space after a pipe: the row's last cell goes on the next line."""
    out = []
    for line in text.split("\n"):
        cut = line.rfind("| ", 0, width)
        if "|" in line and len(line) > width and cut > 0:
            out.extend([line[:cut + 1], line[cut + 2:]])
        else:
            out.append(line)
    return "\n".join(out)


def test_a_pipe_row_wrapped_at_the_converters_width_keeps_its_last_cell():
    """html2text wraps a long row (a long label, or pinyin after each character) before its last
    cell: `…| 0| 0|` / `0`.  The value on the next line is the row's last cell, not lost (the
    cell read blank) nor a stray."""
    text = metamorphic.html2text_grid(_crawl(), _gold())
    assert isinstance(text, str)
    wrapped = _wrapped_at(text, 40)
    assert "（四）无法提供| 1.本机关不掌握相关政府信息| 82| 0| 0| 0| 0|\n0| 82" not in wrapped  # cut at the last pipe only
    report = _parse(wrapped)
    canonical = report.canonical()
    assert canonical["t3"]["unavailable_not_held"]["total"] == 82
    assert canonical["t3"]["declined_confirmation_request"]["total"] == 0


@pytest.mark.parametrize("width", [30, 40, 50, 60, 78])
@pytest.mark.parametrize("kind", ["html2text_grid", "html2text_rows"])
def test_every_report_as_html2text_wraps_it_reads_no_value_wrong(kind, width, tmp_path):
    """Every gold report's tables as html2text writes them (a grid of every cell, or the report's
    own rows), each row longer than `width` wrapped before its last cell.  A wrapped rest is the
    row's, also where every row closes with a pipe and the rest's pipes make up the table's full
    rows' (`…数量| 32| 2| 0| 0| 0| 0|` / `34|`), and where a value alone closes the table's block
    (at 30 columns, seed 002's one row of table 四 wraps before its last 无: `…| 无| | | | |` / `无`)."""
    wrong = _wrong_after(kind, lambda text: _wrapped_at(text, width), tmp_path)
    assert not wrong, wrong


def test_the_row_after_a_label_left_without_values_beside_it_is_in_doubt():
    """Two rows' labels in one cell (`1.属于国家秘密2.其他法律…`, a merged label cell) and one row of
    values, the second row's values run by markdownify or trafilatura into a one-cell table with the
    rest of the page: 2.其他法律's label took the values, which are as likely 1.属于国家秘密's (2, not
    its 1: read so, unflagged).  Unless the first row is settled blank, both rows are in doubt."""
    stacked = metamorphic.stacked_labels(_crawl(), _gold())
    assert isinstance(stacked, str)
    run_away = stacked.replace("\n\t1\t0\t0\t0\t0\t0\t1\n3.危及", "\n3.危及", 1).replace("\t", " ")  # a <p> a row
    assert "1.属于国家秘密2.其他法律行政法规禁止公开 2 0 0 0 0 0 2\n3.危及" in run_away
    report = _parse(run_away)
    canonical = report.canonical()
    for row in ("withheld_state_secret", "withheld_prohibited_by_law"):
        assert len(_uncertain(report, row)) == 7, row
    assert any(w.code == "PARSE.BESIDE_UNREAD_LABEL" and "请核对原文" in w.message for w in report.warnings)
    assert canonical["t3"]["withheld_three_safeties_one_stability"]["total"] == 3
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.withheld_three_safeties")]


def _through_crawl(stem: str, kind: str) -> tuple[dict, object]:
    """Report `stem` rewritten by `kind`, then through the crawl that collapses runs: (gold, report)."""
    source, gold = next((s, g) for s, g in metamorphic.text_pairs(CORPUS) if s.stem == stem)
    text = metamorphic.BY_NAME[kind].rewrite(source.read_text(encoding="utf-8"), gold)
    assert isinstance(text, str)
    return gold, _parse(metamorphic.runs_collapsed(text))


def test_last_years_items_and_the_change_below_nought_are_in_doubt():
    """`行政许可` / `8` / `-72` / `0` in a crawl that collapsed runs: 88 broken into `8` / `8` and
    collapsed to one line (平潭交通 2020).  8 − 72 items is below nought, which no report counts:
    the row is in doubt (read 8, unflagged)."""
    gold, report = _through_crawl("pingtan-transport-2020", "broken_values_groups_alone")
    canonical = report.canonical()
    assert gold["t2"]["administrative_licensing"]["previous_year"] == 88
    assert canonical["t2"]["administrative_licensing"]["previous_year"] == 8
    assert {f"t2.administrative_licensing.{c}" for c in ("previous_year", "change")} <= set(canonical["uncertain"])
    assert any(w.code == "PARSE.ITEMS_BELOW_NOUGHT" and "请核对原文" in w.message for w in report.warnings)
