"""Section headings as real reports print them: out of order, glued to each other or to
a table's last value, a sub-heading number on the line before a title."""

from __future__ import annotations

from nianbao.locate import find_headings
from nianbao.normalise import normalise_text
from nianbao.parser import parse_bytes

from .conftest import corpus_file


def keys(text: str) -> list[str]:
    return [h.section.number for h in find_headings(normalise_text(text))]


def test_six_printed_before_five_is_still_found():
    text = "一、总体情况\n正文\n四、政府信息公开行政复议、行政诉讼情况\n表\n六、其他需要报告的事项\n无\n五、存在的主要问题及改进情况\n无\n"
    assert keys(text) == ["一", "四", "六", "五"]


def test_a_title_after_a_sub_number_on_its_own_line_is_not_a_section_heading():
    text = "一、总体情况\n（一）\n主动公开情况\n正文\n三、收到和处理政府信息公开申请情况\n"
    assert keys(text) == ["一", "三"]


def test_table_four_is_read_when_heading_five_is_glued_to_heading_four():
    seed = corpus_file("seeds/000_05b7538ffe1c510c.txt").read_text(encoding="utf-8")
    expected = parse_bytes(seed.encode("utf-8"), "a.txt").canonical()
    four = "四、政府信息公开行政复议、行政诉讼情况"
    five = "五、存在的主要问题及改进情况"
    assert four in seed and five in seed
    start, end = seed.index(four), seed.index(five)
    table = seed[start + len(four): end]
    glued = seed[:start] + four + five + table + seed[end + len(five):]
    report = parse_bytes(glued.encode("utf-8"), "b.txt").canonical()
    assert report["t4"] == expected["t4"] and report["t4"]


def test_table_four_is_read_when_its_values_run_into_the_year_that_opens_section_five():
    """A crawl on one line, heading 五 printed right after heading 四: table 四's fifteen 0 are
    then glued to section 五's first words, "2024年我局…", which are not a value nor a date to
    drop the values with."""
    crawl = corpus_file("dev/pingtan-agriculture-2024.txt").read_text(encoding="utf-8")
    four = "四、政府信息公开行政复议、行政诉讼情况"
    five = "五、存在的主要问题及改进情况"
    assert crawl.count(five) == 1 and "000000000000000" + five + "2024年" in crawl.replace(" ", "")
    expected = parse_bytes(crawl.encode("utf-8"), "a.txt").canonical()
    moved = crawl.replace(five, "", 1).replace(four, four + five, 1)
    assert "0000000000000002024年" in moved.replace(" ", "")
    report = parse_bytes(moved.encode("utf-8"), "b.txt")
    assert report.canonical()["t4"] == expected["t4"]
    assert not [path for path, cell in report.cells() if path.startswith("t4.") and cell.uncertain]


def test_a_lead_word_between_number_and_title_keeps_the_heading():
    """政府信息公开工作, 本机关 … printed before a title, in any of its wordings."""
    text = ("一、总体情况\n正文\n三、本机关收到和处理政府信息公开申请情况\n表\n"
            "五、政府信息公开工作存在的主要问题及整改措施\n正文\n六、其他需要报告事项\n无\n")
    assert keys(text) == ["一", "三", "五", "六"]


def test_a_year_a_crawl_broke_from_its_word_is_no_value():
    """One text node a line: "2023" / "年，全市…" opening the text after a table is a date."""
    from nianbao.extract import flow_tokens

    assert flow_tokens("2023", 0, "\n年，全市政府信息公开工作") == []
    assert [t.text for t in flow_tokens("7", 0, "\n1\n")] == ["7"]


def test_a_value_before_a_wrapped_label_piece_starting_with_year_words_is_a_value():
    """A narrow group cell wraps 三、本年度办理结果 as 三、本 / 年度办 / 理结果, and the value beside it
    reads `0年度办`: no year is 0, and no year but a year stands before 年度.  Read as a date, the
    0 was lost and its row settled blank, unflagged."""
    from nianbao.extract import flow_tokens

    assert [t.text for t in flow_tokens("(一)予以公开0年度办", 0)] == ["0"]
    assert [t.text for t in flow_tokens("予以公开 5年度办", 0)] == ["5"]
    assert flow_tokens("2020年度", 0) == []
    assert flow_tokens("截至12月31日", 0) == []


def test_a_value_run_ending_its_line_keeps_its_last_digit_before_a_mark_on_the_next_line():
    """`…0 37` / `、本（四）`: a group label's pieces printed apart put 、 on the next line.  A number
    glued to values shares their line, so 37 is whole (read as 3 and a heading's 7 before)."""
    from nianbao.extract import flow_tokens

    assert [t.text for t in flow_tokens("37 0 0 0 0 0 37", 0, "\n、本(四)")] == ["37", "0", "0", "0", "0", "0", "37"]
    assert [t.text for t in flow_tokens("0 0 02", 0, ".没有现成信息需要另行制作")] == ["0", "0", "0"]
    # A one-digit last value too: a label's rest wrapped to the next line opens with 、
    # ("…缴纳费用" / "、行政机关不再处理…"), and no row is numbered 0.
    assert [t.text for t in flow_tokens("0 0 0 0 0 0 0", 0, "\n、行政机关不再处理")] == ["0"] * 7
    # Any other digit may be the next row's number, split from its mark ("5" / ".属于三类…").
    assert [t.text for t in flow_tokens("1 0 0 0 0 0 5", 0, "\n.属于三类内部事务信息")] == ["1", *"00000"]
    assert flow_tokens("3", 0, "\n、其他") == []  # a row number alone, its label on the next line


def test_a_digit_before_a_heading_number_mark_is_a_value_unless_words_follow():
    """"0 3、收到和处理…": the 3 numbers the heading glued to the values; "0、0、12" (cells a crawl
    joined with 、) are values: a single digit dropped there left its row looking label-only, blank."""
    from nianbao.extract import flow_tokens

    assert [t.text for t in flow_tokens("0 3、收到和处理政府信息公开申请情况", 0)] == ["0"]
    assert [t.text for t in flow_tokens("0 3", 0, "、\n收到和处理")] == ["0"]
    assert [t.text for t in flow_tokens("0、0、12、1", 0)] == ["0", "0", "12", "1"]


def test_six_numbered_in_digits_before_five_is_still_found():
    text = "1、总体情况\n正文\n4、政府信息公开行政复议、行政诉讼情况\n表\n6、其他需要报告的事项\n无\n5、存在的主要问题及改进情况\n无\n"
    assert keys(text) == ["一", "四", "六", "五"]
