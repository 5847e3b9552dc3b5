"""Tables printed one cell per paragraph (Word text without tabs, web pages of <p>s):
a label alone on its line takes the one-value lines after it, up to its row's width;
labels listed apart from their numbers are not given numbers that are not theirs."""

from __future__ import annotations

from nianbao.parser import parse_bytes

HEAD = "某某街道办事处2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n"
TAIL = "三、收到和处理政府信息公开申请情况\n"


def _t2(text: str) -> dict:
    report = parse_bytes((HEAD + text + TAIL).encode("utf-8"), "report.txt")
    return report.canonical()["t2"], set(report.canonical()["uncertain"])


def test_label_then_one_value_per_line():
    t2, uncertain = _t2("规章\n1\n2\n3\n规范性文件\n4\n5\n6\n")
    assert t2["regulations"] == {"issued": 1, "repealed": 2, "in_force": 3}
    assert t2["normative_documents"] == {"issued": 4, "repealed": 5, "in_force": 6}
    assert not {p for p in uncertain if p.startswith(("t2.regulations", "t2.normative_documents"))}


def test_a_row_takes_no_more_lines_than_it_has_columns():
    t2, _ = _t2("规章\n1\n2\n3\n7\n规范性文件\n4\n5\n6\n")
    assert t2["regulations"] == {"issued": 1, "repealed": 2, "in_force": 3}


def test_labels_listed_apart_from_their_numbers_get_none_of_them_unflagged():
    t2, uncertain = _t2("规章\n规范性文件\n1\n2\n3\n4\n5\n6\n")
    for row, values in (("regulations", (1, 2, 3)), ("normative_documents", (4, 5, 6))):
        for column, value in zip(("issued", "repealed", "in_force"), values):
            got = t2.get(row, {}).get(column)  # absent when the table is reported unread
            assert got in (value, None) or f"t2.{row}.{column}" in uncertain, (row, column, t2.get(row))


def test_a_label_ending_its_line_takes_the_values_opening_the_next():
    # A PDF row whose values sit beside the second line of a wrapped label.
    t2, uncertain = _t2("规章 1 2 3 行政规范性文\n4 5 6 件\n")
    assert t2["normative_documents"] == {"issued": 4, "repealed": 5, "in_force": 6}
    assert not {p for p in uncertain if p.startswith("t2.normative_documents")}


def _t3_rows(lines: str):
    head = ("某某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况\n")
    report = parse_bytes((head + lines + "四、政府信息公开行政复议、行政诉讼情况\n").encode("utf-8"), "report.txt")
    return report.canonical()


def test_a_row_number_split_from_its_dot_is_not_a_value():
    # "4.保护第三方合法权益0 0 0 0 0 0 0 5" / ".属于三类内部事务信息…": the 5 numbers the next row.
    canonical = _t3_rows("4.保护第三方合法权益0 0 0 0 0 0 0 5\n.属于三类内部事务信息1 0 0 0 0 0 1\n")
    assert canonical["t3"]["withheld_third_party_rights"] == dict.fromkeys(canonical["t3"]["withheld_third_party_rights"], 0)
    assert "t3.withheld_third_party_rights.natural_person" not in canonical["uncertain"]


def test_more_values_than_columns_are_flagged_not_trusted():
    canonical = _t3_rows("4.保护第三方合法权益9 0 0 0 0 0 0 0\n")
    row = canonical["t3"]["withheld_third_party_rights"]
    assert all(f"t3.withheld_third_party_rights.{column}" in canonical["uncertain"] for column in row)
