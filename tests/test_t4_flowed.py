"""Table 四 flowed box by box: a PDF converted to text in its text boxes' order (pdfminer's
default, and converters built on it) prints each column's header words and its value together,
the columns of a group in whatever order the boxes were found.  Read in printed order, the values
land in the wrong columns, and the sums of a group (四 columns adding to 总计) hold for many orders
of its values, so the arithmetic cannot tell.  Where the header's words stand between two values
of one group, every cell is put in doubt; a group printed whole under its own header is read."""

from __future__ import annotations

import random

from nianbao import editions
from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read

T4 = editions.T4
# Table 三's first and last rows: table 四 is looked for after table 三.
OPENING = ["某某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
           "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1", "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0",
           "四、政府信息公开行政复议、行政诉讼情况"]
# The groups' names, boxes of their own, printed before the columns' boxes.
GROUP_NAMES = ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"]


def _values(seed: int) -> dict[str, list[int]]:
    pick = random.Random(seed)
    out = {}
    for row in T4.rows:
        parts = [pick.choice([0, 0, 1, 2]) for _ in T4.columns[:-1]]
        out[row.key] = [*parts, sum(parts)]
    return out


def _header_words(label: str) -> list[str]:
    """A column's name as a narrow box prints it: two characters a line (结果 / 维持)."""
    return [label[n:n + 2] for n in range(0, len(label), 2)]


def _report(values: dict[str, list[int]], orders: dict[str, list[int]]) -> str:
    """Section 四 with each group's boxes (a column's header words, then its value) in `orders`."""
    lines = OPENING + GROUP_NAMES
    for row in T4.rows:
        for c in orders[row.key]:
            lines += [*_header_words(T4.columns[c].label), str(values[row.key][c])]
    lines += ["五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines) + "\n"


def _t4(text: str) -> tuple[dict[str, list], set[str]]:
    canonical = parse_document(build_document(read(text.encode("utf-8"), "report.txt"))).canonical()
    got = {row.key: [canonical["t4"][row.key][c.key] for c in T4.columns] for row in T4.rows}
    return got, {path for path in canonical["uncertain"] if path.startswith("t4.")}


def test_values_flowed_among_the_header_words_are_all_in_doubt():
    in_order = list(range(len(T4.columns)))
    for seed in range(12):
        values = _values(seed)
        pick = random.Random(100 + seed)
        orders = {row.key: pick.sample(in_order, len(in_order)) for row in T4.rows}
        orders[T4.rows[1].key] = [1, 2, 3, 0, 4]  # one group's boxes out of order at least
        got, uncertain = _t4(_report(values, orders))
        wrong_unflagged = [f"t4.{row.key}.{c.key}" for row in T4.rows for n, c in enumerate(T4.columns)
                           if got[row.key][n] != values[row.key][n] and f"t4.{row.key}.{c.key}" not in uncertain]
        assert not wrong_unflagged, (seed, wrong_unflagged)
        assert len(uncertain) == len(T4.rows) * len(T4.columns)


def test_each_group_under_its_own_header_is_read_as_printed():
    in_order = list(range(len(T4.columns)))
    for seed in range(4):
        values = _values(seed)
        lines = OPENING + GROUP_NAMES
        for row in T4.rows:
            lines += [c.label for c in T4.columns] + [str(values[row.key][c]) for c in in_order]
        lines += ["五、存在的主要问题及改进情况", "无。"]
        got, uncertain = _t4("\n".join(lines) + "\n")
        assert got == values
        assert not uncertain
