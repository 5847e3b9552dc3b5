"""Value rows printed without their labels (a PDF-to-Markdown converter lifts labels that wrap
in their cells out of the table, 上海科委 2024): the labels of a run of such rows stand above
the table rows, and the value rows keep their places between the labelled rows.  They take
the rows the stretch lacks in printed order, which is the edition's order of the table's rows;
a sum through them that fails puts the placement in doubt."""

from __future__ import annotations

import json

from nianbao.normalise import build_document
from nianbao.parser import parse_document
from nianbao.readers import read
from nianbao.render import render

from .conftest import CORPUS

UNAVAILABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
UNAVAILABLE_KEYS = ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear_request")


def _gold() -> dict:
    return json.loads((CORPUS / "gold" / "sanming-2023.json").read_text(encoding="utf-8"))


def _lifted(gold: dict, labels: tuple[str, ...], group: str, order: tuple[int, ...] | None = None) -> str:
    """The gold as Markdown with the table-三 rows `labels` (consecutive) lifted, with their
    `group`'s name, above their value rows, wrapped at ten characters as their cells wrapped
    them; the value rows in `order` (by default as the table has them)."""
    text = render(gold, "md")
    text = text.decode("utf-8") if isinstance(text, bytes) else text
    lines = text.split("\n")
    rows = [n for n, line in enumerate(lines) if any(f"| {label} |" in line for label in labels)]
    assert len(rows) == len(labels) and rows == list(range(rows[0], rows[0] + len(labels)))
    wrapped = [label[i:i + 10] for label in (group, *labels) for i in range(0, len(label), 10)]
    values = ["| " + " | ".join(cell.strip() for cell in lines[n].strip().strip("|").split("|")[-7:]) + " |" for n in rows]
    values = [values[i] for i in (order or range(len(values)))]
    return "\n".join([*lines[:rows[0]], *wrapped, *values, *lines[rows[-1] + 1:]])


def _parse(text: str):
    return parse_document(build_document(read(text.encode("utf-8"), "report.md")))


def test_unlabelled_rows_take_their_rows_in_printed_order_without_doubt():
    gold = _gold()
    assert len({gold["t3"][key]["total"] for key in UNAVAILABLE_KEYS}) == 3  # a swap would show
    report = _parse(_lifted(gold, UNAVAILABLE, "（四）无法提供"))
    canonical = report.canonical()
    assert canonical["t3"] == gold["t3"]
    assert not [path for path in canonical["uncertain"] if path.startswith("t3.")]
    placed = [w for w in report.warnings if w.code == "PARSE.ORPHANS_PLACED"]
    assert len(placed) == 1 and all(label in placed[0].message for label in UNAVAILABLE)
    assert placed[0].cells[0] == "t3.unavailable_not_held.natural_person"
    # The source of each placed cell says how it was placed.
    assert report.tables["t3"]["unavailable_needs_creation"]["total"].inferred.startswith("数字行缺少行名")


def test_rows_the_sums_would_rather_have_swapped_are_in_doubt():
    """二、上年结转 and （一）予以公开 lifted, their value rows printed the other way round: as
    placed, 一+二 = （七）+四 and the outcome rows' sum fail; swapped, they hold."""
    gold = _gold()
    labels = ("二、上年结转政府信息公开申请数量", "（一）予以公开")
    assert _parse(_lifted(gold, labels, "三、本年度办理结果")).canonical()["t3"] == gold["t3"]
    report = _parse(_lifted(gold, labels, "三、本年度办理结果", order=(1, 0)))
    uncertain = set(report.canonical()["uncertain"])
    assert {f"t3.{key}.total" for key in ("carried_over", "granted")} <= uncertain
    assert "PARSE.ORPHAN_ORDER" in {w.code for w in report.warnings}


def test_sums_that_fail_whatever_the_order_leave_the_placement_alone():
    """A report whose own total is wrong: no swap of the placed rows mends it, so the rows
    keep their places without doubt (the checks report the total)."""
    gold = _gold()
    total = gold["t3"]["total_handled"]["total"]
    text = _lifted(gold, UNAVAILABLE, "（四）无法提供")
    line = next(line for line in text.split("\n") if "| （七）总计 |" in line)
    report = _parse(text.replace(line, line.rsplit(f"| {total} |", 1)[0] + f"| {total + 5} |"))
    uncertain = set(report.canonical()["uncertain"])
    assert not {f"t3.{key}.{column}" for key in UNAVAILABLE_KEYS for column in gold["t3"][key]} & uncertain
    for key in UNAVAILABLE_KEYS:
        assert report.tables["t3"][key]["total"].value == gold["t3"][key]["total"]


def test_labels_listed_apart_then_flattened_onto_one_line_are_not_blank_for_certain():
    """Lifted labels flattened onto one line by a crawler: the last label of a run reads the
    run's values and the labels before it none.  They are not rows of blank cells (values stand
    beyond the last row's cells): every cell is right or in doubt."""
    from . import metamorphic

    gold = _gold()
    text = (CORPUS / "dev" / "sanming-2023.txt").read_text(encoding="utf-8")
    flat = metamorphic.one_line(metamorphic.wrapped_labels_lifted(text, gold))
    assert flat
    report = _parse(flat)
    for key, cells in gold["t3"].items():
        for column, expected in cells.items():
            cell = report.tables["t3"][key][column]
            assert cell.value == expected or cell.uncertain, (key, column, cell.value, expected)
