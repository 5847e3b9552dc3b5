"""Notes in brackets after labels and headers, as a province's template prints them: a note
may name other rows (行政处罚, 行政强制) and hold numbers (如-8); neither is a row nor a value."""

from __future__ import annotations

from nianbao.extract import flow_tokens
from nianbao.locate import find_labels
from nianbao.tables import _union_rows

T2 = _union_rows("t2")
T3 = _union_rows("t3")


def test_rows_named_in_a_note_are_not_rows():
    text = "其他对外管理服务事项(指行政许可以外的政务服务事项,含行政确认、行政处罚、行政强制和其他类)\t0\t0\t0"
    assert [hit.row for hit in find_labels(text, T2)] == ["other_administrative_services"]


def test_a_row_number_in_brackets_opens_the_next_label():
    hits = find_labels("(一)予以公开(二)部分公开", T3)
    assert [hit.row for hit in hits] == ["granted", "partially_granted"]


def test_a_bracket_that_does_not_close_is_no_note():
    hits = find_labels("行政许可(0 0 0 行政处罚 0 0 0", T2)
    assert [hit.row for hit in hits] == ["administrative_licensing", "administrative_penalty"]


def test_numbers_in_a_note_are_not_values():
    assert [t.text for t in flow_tokens("22(其中修订16件)", 0)] == ["22"]
    header = "本年增/减(指本年增加或减少的事项数,减用负值表示,如-8)处理决定数量"
    assert [t.text for t in flow_tokens("335" + header, 0)] == ["335"]
    assert [t.text for t in flow_tokens("(4)", 0)] == ["4"]  # a number alone in brackets is still read


def test_values_beside_a_wrapped_note_are_values():
    # A scan prints a row's values beside its label's note wrapped over two lines.
    text = "(二)部分公开(区分处理的,只计这0 0 0 0 0 0 0一情形,不计其他情形)"
    assert [t.text for t in flow_tokens(text, 0)] == ["0"] * 7


def test_a_bracket_opening_inside_ends_no_note():
    # A wrapped note running into the next row's number is no note: the next row is kept.
    hits = find_labels("(二)部分公开(区分处理的,只计这一情形,不计 (七)总计 0 0 其他情形)", T3)
    assert [hit.row for hit in hits] == ["partially_granted", "total_handled"]


def test_wu_opening_a_wrapped_group_label_is_no_value():
    # A narrow group cell wraps （四）无法提供 after 无; plain text puts its first line beside the
    # first sub-row's label and values.
    assert [t.text for t in flow_tokens("(四)无 1.本机关不掌握 37 0 0 0 0 0 37", 0)] == ["37", *"00000", "37"]
    assert [t.text for t in flow_tokens("(四) 无 1.本机关不掌握 0", 0)] == ["0"]
    assert [t.text for t in flow_tokens("(三)无 0", 0)] == ["无", "0"]  # no label opens (三)无: a value
