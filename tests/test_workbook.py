"""The fill-in workbook: layout, formulas, live identity check, validation, and reading back."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from hypothesis import given, settings

from nianbao import editions
from nianbao.inputs import InputError, load, validate
from nianbao.workbook import formulas, read_workbook, sheet_name, template

from .conftest import CORPUS
from .render_data import reports


def _round_trip(tmp_path, data):
    path = tmp_path / "filled.xlsx"
    path.write_bytes(template(data["edition"], data))
    return load(path)


@pytest.mark.parametrize("edition", sorted(editions.EDITIONS))
def test_template_layout(edition):
    wb = openpyxl.load_workbook(io.BytesIO(template(edition)))
    definition = editions.get(edition)
    assert wb.sheetnames == ["基本信息", *(sheet_name(t) for t in definition.tables)]
    t3 = wb["表三"]
    cells = [c.value for row in t3.iter_rows() for c in row if c.value is not None]
    # Every official row label of the edition is in the sheet, in order.
    labels = [f"{r.number}{r.label}{r.tail}" for r in definition.table("t3").rows]
    positions = [cells.index(label) for label in labels]
    assert positions == sorted(positions)
    formula_cells = [c for c in cells if isinstance(c, str) and c.startswith("=SUM") or isinstance(c, str) and c.startswith("=")]
    assert any("IF(" in c for c in formula_cells), "the identity is shown as a live check cell"
    assert len(t3.merged_cells.ranges) > 5
    assert t3.data_validations.dataValidation, "input cells carry validation"
    # Totals are formulas: every relation with one cell on the right.
    assert len(formulas(definition)) >= len(definition.table("t3").rows) + 3


@settings(max_examples=10, deadline=None)
@given(data=reports())
def test_workbook_round_trip(tmp_path_factory, data):
    data = validate(data)
    back = _round_trip(tmp_path_factory.mktemp("wb"), data)
    for key in ("edition", "year", "agency", "published", *editions.TABLE_KEYS):
        if key == "t3" and "other_handling" in data["t3"] and data["edition"] == "2021":
            continue  # the workbook uses the edition's own layout (three （六） rows)
        if key == "t3":
            # Formula totals are recomputed from the inputs: equal for consistent data with no blanks.
            if any(v is None for row in data["t3"].values() for v in row.values()):
                continue
        if key == "t4" and any(v is None for row in data["t4"].values() for v in row.values()):
            continue
        assert back[key] == data[key], key


def test_gold_through_workbook(tmp_path):
    data = validate(json.loads((CORPUS / "gold" / "pingtan-2022.json").read_text(encoding="utf-8")))
    data["sections"] = {"overview": "总体情况文字。", "problems": "问题与改进。", "other": "无。"}
    back = _round_trip(tmp_path, data)
    assert back["t2"] == data["t2"] and back["t3"] == data["t3"] and back["sections"] == data["sections"]


def _filled_workbook(tmp_path):
    """The 2021 template filled with pingtan-2022's gold values, saved and opened again."""
    data = validate(json.loads((CORPUS / "gold" / "pingtan-2022.json").read_text(encoding="utf-8")))
    path = tmp_path / "f.xlsx"
    path.write_bytes(template("2021", data))
    return path, openpyxl.load_workbook(path)


def test_typed_total_over_formula_is_kept(tmp_path):
    path, wb = _filled_workbook(tmp_path)
    ws = wb["表三"]
    total = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=") and "IF" not in c.value)
    total.value = 999
    wb.save(path)
    assert 999 in [v for row in read_workbook(path)["t3"].values() for v in row.values()]


def test_text_in_a_count_cell_names_the_field(tmp_path):
    path, wb = _filled_workbook(tmp_path)
    ws = wb["表四"]
    ws["A6"] = "三件"
    wb.save(path)
    with pytest.raises(InputError) as err:
        load(path)
    assert "表四“行政复议”行“结果维持”列" in err.value.message


def test_changed_layout_is_refused(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(template("2021"))
    wb = openpyxl.load_workbook(path)
    wb["表三"]["A6"] = "随便写的"
    wb.save(path)
    with pytest.raises(InputError, match="表格结构被改动"):
        load(path)
