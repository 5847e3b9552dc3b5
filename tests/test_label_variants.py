"""Labels as real reports print them: typos, OCR confusions, broken lines, other numbering."""

from __future__ import annotations

import nianbao

from .conftest import corpus_file

CRAWL = corpus_file("dev/pingtan-2022.txt")


def _parse_text(text: str):
    return nianbao.parse_bytes(text.encode("utf-8"), "variant.txt")


def test_one_wrong_character_in_a_fused_label_still_anchors_the_row():
    original = CRAWL.read_text(encoding="utf-8")
    typo = original.replace("属于三类内部事务信息", "属于三类内部事物信息")
    assert typo != original
    assert _parse_text(typo).canonical()["t3"] == nianbao.parse(CRAWL).canonical()["t3"]


def test_ocr_dropped_character():
    original = CRAWL.read_text(encoding="utf-8")
    typo = original.replace("本机关不掌握相关政府信息", "本机关不掌握相关政信息")
    assert _parse_text(typo).canonical()["t3"] == nianbao.parse(CRAWL).canonical()["t3"]


def test_label_broken_across_lines_in_a_grid():
    seed = corpus_file("seeds/000_05b7538ffe1c510c.txt").read_text(encoding="utf-8")
    broken = seed.replace("\t2.没有现成信息需要另行制作\n", "\t2.没有现成信息需要\n另行制作\n")
    assert broken != seed
    report = _parse_text(broken)
    assert report.complete and report.value("t3.unavailable_needs_creation.total") == 0


def test_known_typo_variant():
    seed = corpus_file("seeds/000_05b7538ffe1c510c.txt").read_text(encoding="utf-8")
    typo = seed.replace("其他法律行政法规禁止公开", "其他法律行政止公开")
    report = _parse_text(typo)
    assert report.cell("t3.withheld_prohibited_by_law.total").raw == "0"


def test_a_connecting_word_inserted_in_a_label_still_anchors_the_row():
    original = CRAWL.read_text(encoding="utf-8")
    expected = nianbao.parse(CRAWL).canonical()["t3"]
    for printed, reworded in (
        ("其他法律行政法规禁止公开", "其他法律和行政法规禁止公开"),
        ("本机关不掌握相关政府信息", "本机关不掌握的相关政府信息"),
        ("本年新收政府信息公开申请数量", "本年度新收政府信息公开申请数量"),
    ):
        variant = original.replace(printed, reworded)
        assert variant != original
        assert _parse_text(variant).canonical()["t3"] == expected, reworded


def test_labels_reworded_by_more_than_one_character_are_read_by_likeness():
    original = CRAWL.read_text(encoding="utf-8")
    expected = nianbao.parse(CRAWL).canonical()["t3"]
    for printed, reworded in (
        ("信访举报投诉类申请", "信访、举报和投诉类申请"),
        ("申请人逾期未按收费通知要求缴纳费用", "申请人逾期未按收费通知缴纳费用"),
    ):
        variant = original.replace(printed, reworded)
        assert variant != original
        report = _parse_text(variant)
        assert report.canonical()["t3"] == expected, reworded
        assert any(w.code == "PARSE.LABEL_REWORDED" and reworded in w.message for w in report.warnings)


def test_likeness_never_takes_one_official_row_for_another():
    from nianbao import editions
    from nianbao.locate import similar_labels

    for edition in editions.EDITIONS.values():
        table = edition.table("t3")
        for row in table.rows:
            others = tuple(r for r in table.rows if r.key != row.key)
            assert similar_labels(row.number + row.label + row.tail, others) == {}, row.key
            assert similar_labels(row.number + row.label + row.tail, others, table.rows) == {}, row.key
    # Header and note text of table 三 is no row.
    t3 = editions.get("2021").table("t3")
    assert similar_labels("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况", t3.rows) == {}


def test_a_label_cut_by_its_values_is_read_by_its_two_pieces():
    """A wrapped label with its row's values between its lines, flattened onto one line: the
    first piece alone is too short to tell the row (0.62 against its label), with the words
    after the values it is the label; the row is read at the first piece.  Without a run of
    values between them, two phrases are not joined."""
    from nianbao import editions
    from nianbao.locate import similar_labels

    table = editions.get("2021").table("t3")
    row = next(r for r in table.rows if r.label == "要求行政机关确认或重新出具已获取信息")
    for values in (" 0 0 0 0 0 0 0 ", " 0 | 0 | 0 | 0 | 0 | 0 | 0 ", "\t1\t0\t0\t0\t0\t0\t1\t"):
        text = f"4.无正当理由大量反复申请 0 0 0 0 0 0 0 5.要求行政机关确认{values}或重新出具已获取信息 （六）其他处理"
        assert similar_labels(text, (row,), table.rows) == {row.key: "要求行政机关确认"}, values
    assert similar_labels("5.要求行政机关确认 或重新出具已获取信息", (row,), table.rows) == {}
    # Wrapped over three lines: the piece before, a space apart, is read with them, and the row
    # is read at what stands before the values (the piece after the values alone fits two rows).
    first, second = (next(r for r in table.rows if r.key == key) for key in ("new_received", "carried_over"))
    text = "一、本年新收政 府信息公开申请 0 0 0 0 0 0 0 数量 二、上年结转政 府信息公开申请 0 0 0 0 0 0 0 数量"
    assert similar_labels(text, (first, second), table.rows) == {
        first.key: "一、本年新收政 府信息公开申请", second.key: "二、上年结转政 府信息公开申请"}
    # A first piece too short to be a phrase: the second piece alone is like the label (0.86) and
    # would take the row and the blank cells after it; read with the first, the row is read there.
    needs_creation = next(r for r in table.rows if r.key == "unavailable_needs_creation")
    text = "2.没有现 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |  |  |  | 成信息需要另行制作 |  |  |  | 3.补正后申请内容仍不明确"
    assert similar_labels(text, (needs_creation,), table.rows) == {needs_creation.key: "没有现"}


def test_a_label_broken_by_a_thousand_spaces_is_still_one_label():
    # The spaces between a label's characters are matched possessively: the same matches,
    # without the backtracking that made such a line take seconds (shared/hostile/redos-1000).
    from nianbao.locate import find_labels
    from nianbao.tables import _union_rows

    text = "1.属于" + " " * 1000 + "国家秘密 0 0 0 0 0 0 0\n2." + " " * 1000 + "x"
    hits = find_labels(text, _union_rows("t3"))
    assert [h.row for h in hits] == ["withheld_state_secret"]


def test_a_short_numbered_label_with_one_character_misread_keeps_its_row():
    """OCR reads 2.重复申请 as 2.重夏申请: four characters, three in place, behind the row's number."""
    seed = corpus_file("seeds/000_05b7538ffe1c510c.txt").read_text(encoding="utf-8")
    misread = seed.replace("2.重复申请", "2.重夏申请")
    assert misread != seed
    original, report = _parse_text(seed), _parse_text(misread)
    assert report.canonical()["t3"] == original.canonical()["t3"]
    assert report.cell("t3.declined_repeated_request.total").raw == original.cell("t3.declined_repeated_request.total").raw


def test_a_short_label_misread_without_its_number_is_not_guessed():
    from nianbao import editions
    from nianbao.locate import find_labels

    rows = editions.get("2021").table("t3").rows
    assert find_labels("2.重夏申请", rows)[0].row == "declined_repeated_request"
    assert find_labels("重夏申请", rows) == []
    assert find_labels("2.重夏申夏", rows) == []  # two characters wrong


def test_a_chinese_numeral_without_its_bracket_or_comma_numbers_no_short_label():
    """A group label set a character a line leaves its numeral alone on a line ((三 / 其他 beside a
    column's header): 三 is a word's character there, not the number of 3.其他.  A figure may lose
    its dot (OCR: 3其他); a Chinese numeral keeps its 、 or brackets."""
    from nianbao import editions
    from nianbao.locate import find_labels

    rows = editions.get("2021").table("t3").rows
    assert [hit.row for hit in find_labels("(三\n其他", rows)] == []
    assert [hit.row for hit in find_labels("三\n其他", rows)] == []
    for printed in ("3.其他", "3其他", "三、其他", "(三)其他"):
        assert [hit.row for hit in find_labels(printed, rows)] == ["other_other"], printed


def test_a_figure_after_another_digit_is_a_values_last_not_a_row_number():
    """`82` / `没有现成信息需要另行制作`: a crawl that kept the row number `2.` once dropped it here,
    and the 2 ending the value before is no row number that lost its dot: the value stays 82."""
    from nianbao import editions
    from nianbao.locate import find_labels

    rows = editions.get("2021").table("t3").rows
    text = "82\n没有现成信息需要另行制作"
    hits = find_labels(text, rows)
    assert [(hit.row, text[hit.start:hit.end]) for hit in hits] == [("unavailable_needs_creation", "没有现成信息需要另行制作")]
    glued = "0 2没有现成信息需要另行制作"  # after a space, a figure that lost its dot still numbers the row
    assert [glued[hit.start:hit.end] for hit in find_labels(glued, rows)] == ["2没有现成信息需要另行制作"]


def test_a_short_label_missing_a_character_behind_its_number_keeps_its_row():
    """A worn scan reads （一）予以公开 as (一)予以公: three characters of a four-character label,
    behind the row's number.  Without the number, or behind another row's, nothing is guessed."""
    from nianbao import editions
    from nianbao.locate import similar_labels

    t3 = editions.get("2021").table("t3")
    granted = tuple(row for row in t3.rows if row.key == "granted")
    assert similar_labels("三、本年度办理结果\t(一)予以公", granted, t3.rows) == {"granted": "予以公"}
    assert similar_labels("三、本年度办理结果\t予以公", granted, t3.rows) == {}
    assert similar_labels("三、本年度办理结果\t(二)予以公", granted, t3.rows) == {}
    assert similar_labels("三、本年度办理结果\t(一)予公", granted, t3.rows) == {}  # two of four: too little left

    sanming = corpus_file("dev/sanming-2023.txt").read_text(encoding="utf-8")
    assert sanming.count("予以公开") == 1
    report = _parse_text(sanming.replace("予以公开", "予以公"))
    assert report.canonical()["t3"] == _parse_text(sanming).canonical()["t3"]
    assert not [path for path, cell in report.cells() if path.startswith("t3.granted") and cell.uncertain]


SANMING = corpus_file("dev/sanming-2023.txt")


def test_a_label_misread_in_several_characters_behind_its_number_keeps_its_row():
    """OCR of a worn scan: three characters of sixteen wrong (一、本年新收政府信患公开申请魏置), two of
    eight (7.属于行攻执去案卷).  Behind the row's own number, and much closer to it than to any
    other row of the table, the phrase is that row: its values are read as printed, unflagged."""
    original = SANMING.read_text(encoding="utf-8")
    expected = _parse_text(original).canonical()["t3"]
    for printed, misread in (("本年新收政府信息公开申请数量", "本年新收政府信患公开申请魏置"),
                             ("属于行政执法案卷", "属于行攻执去案卷")):
        assert original.count(printed) == 1
        report = _parse_text(original.replace(printed, misread))
        assert report.canonical()["t3"] == expected, misread
        assert not [path for path, cell in report.cells() if cell.uncertain], misread
        assert any(w.code == "PARSE.LABEL_REWORDED" and misread in w.message for w in report.warnings)


def test_a_misread_label_without_its_number_or_behind_another_is_not_guessed():
    from nianbao import editions
    from nianbao.locate import similar_labels

    t3 = editions.get("2021").table("t3")
    missing = tuple(row for row in t3.rows if row.key == "new_received")
    assert similar_labels("一、本年新收政府信患公开申请魏置", missing, t3.rows) == {"new_received": "本年新收政府信患公开申请魏置"}
    assert similar_labels("本年新收政府信患公开申请魏置", missing, t3.rows) == {}
    # A header word run into the label before its number (其他 is table 三's last column header).
    assert similar_labels("其他一、本年新收政府信患公开申请魏置", missing, t3.rows) == {"new_received": "本年新收政府信患公开申请魏置"}
    assert similar_labels("二、本年新收政府信患公开申请魏置", missing, t3.rows) == {}
    # Behind its number but about as close to another row of the table: 上年结转 is printed.
    assert similar_labels("一、上年新收政府信患公开申请魏置", missing, t3.rows) == {}


def test_table_four_is_found_when_table_three_ends_with_a_label_misread_beyond_recognition():
    """Table 四 is looked for after table 三's last row; with that label misread (and here not
    recognised at all: two characters wrong and no number before it), heading 四 ends table 三."""
    source = corpus_file("dev/pingtan-transport-2020.txt")
    original = source.read_text(encoding="utf-8")
    expected = _parse_text(original).canonical()
    misread = original.replace("四、结转下年度继续办理", "结转下厘度继续去理")
    assert misread != original
    report = _parse_text(misread)
    assert report.canonical()["t4"] == expected["t4"]
    assert not [w for w in report.warnings if w.code == "PARSE.TABLE_MISSING"]


def test_a_long_digit_run_after_a_phrase_costs_bounded_time():
    """A fused run of digits after a phrase (a crawl's table glued into one run) is no run of
    values apart: cut into values every possible way, the cut-label reading took minutes on a
    run of sixty digits."""
    import time

    from nianbao import editions
    from nianbao.locate import similar_labels

    table = editions.get("2021").table("t3")
    started = time.process_time()
    for digits in (60, 5000):
        similar_labels("5.要求行政机关确认" + "0" * digits + "x 或重新出具已获取信息 1 2" + "3" * digits, table.rows)
    assert time.process_time() - started < 5
