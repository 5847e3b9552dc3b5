"""The fill-in workbook: the three tables in the official layout, ready to type into.

Agencies retype last year's Word tables, and that is where broken totals come from.
Here the 总计 cells are formulas (derived from the edition's relations: every
relation with one cell on the right is a sum that cell can compute), the table-三
identity is a live check cell, and input cells only accept non-negative whole
numbers (signed where the format allows 本年增/减, decimals for money).

Reading the workbook back gives canonical data; formula cells are evaluated here
from the same relations (openpyxl does not calculate), and a total the writer typed
over a formula is read as typed.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import editions
from .files import write_atomic
from .formula_guard import escape_formula, unescape_formula
from .inputs import InputError, UNITS, field_name
from .render.content import GRIDS, PLACEHOLDERS, TEXT_SECTIONS, Grid
from .values import NULL_MARKS, ZERO_MARKS

INFO_SHEET = "基本信息"
_INFO_FIELDS = (  # (key, label, note)
    ("edition", "格式版本", "由模板确定，请勿修改"),
    ("year", "报告年度", "报告所涉年份，如 2024"),
    ("agency", "机关名称", "与报告标题一致的机关全称"),
    ("published", "发布日期", "如 2025-01-20，可空"),
)
_SECTION_LABELS = {section.key: f"{section.number}、{section.title}" for section in editions.SECTIONS}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E0")
_FORMULA_FILL = PatternFill("solid", fgColor="E8F0FE")
_HEADER_FONT = Font(name="宋体", size=10, bold=True)
_BODY_FONT = Font(name="宋体", size=10)
_TOP = 2  # grid row 0 goes to sheet row _TOP + 1, under the sheet title


def sheet_name(table: editions.Table) -> str:
    return f"表{table.number}"


def _ref(cell) -> str:
    return f"{get_column_letter(cell.col + 1)}{cell.row + _TOP + 1}"


def formulas(edition: editions.Edition) -> dict[str, tuple[str, ...]]:
    """Cell path → the cells it sums, from relations with a single cell on the right."""
    out: dict[str, tuple[str, ...]] = {}
    for relation in edition.relations:
        if len(relation.right) == 1 and relation.right[0] not in out:
            out[relation.right[0]] = relation.left
    return out


def checks(edition: editions.Edition) -> list[editions.Relation]:
    """Relations with more than one cell on the right (the T3 identity): live check cells.

    A single-cell relation is a formula, or (（七）总计 row's own 总计) holds whenever the
    formulas it is computed from do.
    """
    return [r for r in edition.relations if len(r.right) > 1]


def _grids(edition: editions.Edition) -> list[tuple[editions.Table, Grid]]:
    blank = {"edition": edition.key}
    return [(table, GRIDS[table.key](edition, blank)) for table in edition.tables]


# --------------------------------------------------------------------------- writing


def template(edition_key: str, data: dict[str, Any] | None = None) -> bytes:
    """An empty fill-in workbook, or one pre-filled with validated data (e.g. last year's)."""
    edition = editions.get(edition_key)
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    _info_sheet(info, edition)
    for table, grid in _grids(edition):
        _table_sheet(wb.create_sheet(sheet_name(table)), edition, table, grid)
    if data is not None:
        _fill(wb, edition, data)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill(wb, edition: editions.Edition, data: dict[str, Any]) -> None:
    """Put data into the input cells, as a writer would type it; formulas stay formulas."""
    info = wb[INFO_SHEET]
    labels = {info.cell(row, 1).value: row for row in range(3, info.max_row + 1)}
    for key, label, _ in _INFO_FIELDS[1:]:
        info.cell(labels[label], 2).value = escape_formula(data.get(key))  # an agency name is text, never a formula
    for key, text in (data.get("sections") or {}).items():
        if key in TEXT_SECTIONS:
            info.cell(labels[_SECTION_LABELS[key]], 2).value = escape_formula(text) or None
    computed = formulas(edition)
    for table, grid in _grids(edition):
        ws = wb[sheet_name(table)]
        for spec in grid.value_cells():
            if spec.path in computed:
                continue
            t, row, column = spec.value_path.split(".")
            cells = (data.get(t) or {}).get(row) or {}
            cell = ws.cell(spec.row + _TOP + 1, spec.col + 1)
            cell.value = escape_formula(cells.get(column))
            unit_key = next((c.unit_key for c in table.columns_of(table.row(row)) if c.key == column), None)
            if unit_key:
                ws.cell(cell.row, grid.n_cols + 1).value = escape_formula(cells.get(unit_key))


def _info_sheet(ws, edition: editions.Edition) -> None:
    ws["A1"] = f"政府信息公开工作年度报告填报表（{edition.key} 年版格式，{edition.notice}）"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws.append(["项目", "内容", "说明"])
    for key, label, note in _INFO_FIELDS:
        ws.append([label, edition.key if key == "edition" else None, note])
    for key in TEXT_SECTIONS:
        ws.append([_SECTION_LABELS[key], None, PLACEHOLDERS[key]])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["C"].width = 60
    year = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                          error="请填写报告年度，如 2024", errorTitle="年度", showErrorMessage=True)
    ws.add_data_validation(year)
    year.add("B4")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = _BORDER
    for row in range(3, ws.max_row + 1):
        if row != 3:
            ws.cell(row, 2).fill = _INPUT_FILL


def _table_sheet(ws, edition: editions.Edition, table: editions.Table, grid: Grid) -> None:
    ws["A1"] = f"{sheet_name(table)}  {table.title}（黄色格填写；蓝色格为公式，自动计算）"
    ws["A1"].font = Font(name="宋体", size=12, bold=True)
    computed = formulas(edition)
    refs = {cell.value_path: _ref(cell) for cell in grid.value_cells()}
    value_rows = {c.row for c in grid.cells if c.path}
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="件数", error="请填写不小于 0 的整数；不适用的单元格留空")
    signed = DataValidation(type="whole", operator="between", formula1="-1000000000", formula2="1000000000",
                            allow_blank=True, showErrorMessage=True, errorTitle="增减", error="请填写整数（可为负数）")
    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="金额", error="请填写不小于 0 的金额")
    units = DataValidation(type="list", formula1='"' + ",".join(u for u in UNITS if u) + '"', allow_blank=True,
                           showErrorMessage=True, errorTitle="单位", error="请选择 元 或 万元")
    for dv in (counts, signed, money, units):
        ws.add_data_validation(dv)
    columns = {f"{table.key}.{row.key}.{c.key}": c for row in table.rows for c in table.columns_of(row)}
    for spec in grid.cells:
        row, col = spec.row + _TOP + 1, spec.col + 1
        if spec.rowspan > 1 or spec.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + spec.rowspan - 1,
                           end_column=col + spec.colspan - 1)
        cell = ws.cell(row, col)
        for r in range(row, row + spec.rowspan):
            for c in range(col, col + spec.colspan):
                ws.cell(r, c).border = _BORDER
        if spec.path is None:
            cell.value = spec.text
            cell.font = _HEADER_FONT if spec.row not in value_rows else _BODY_FONT
            horizontal = "left" if spec.row in value_rows else "center"
            cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            continue
        cell.alignment = Alignment(horizontal="right", vertical="center")
        cell.font = _BODY_FONT
        if spec.path in computed:
            cell.value = "=" + "+".join(refs[p] for p in computed[spec.path])
            cell.fill = _FORMULA_FILL
            continue
        cell.fill = _INPUT_FILL
        cell.protection = Protection(locked=False)
        column = columns[spec.path]
        (money if column.money else signed if column.signed else counts).add(cell.coordinate)
        if column.unit_key:
            unit_cell = ws.cell(row, grid.n_cols + 1)
            ws.cell(row - 1, grid.n_cols + 1, "金额单位").font = _HEADER_FONT
            unit_cell.fill = _INPUT_FILL
            unit_cell.border = _BORDER
            units.add(unit_cell.coordinate)
    _check_cells(ws, edition, grid, refs)
    _widths(ws, grid, value_rows)
    _one_page(ws, grid)


def _one_page(ws, grid: Grid) -> None:
    """Printed, each table fills one A4 page (scaled to fit), turned sideways when it is wider than long (表四)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if grid.n_cols > grid.n_rows else "portrait"
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _check_cells(ws, edition: editions.Edition, grid: Grid, refs: dict[str, str]) -> None:
    """One live check per relation that is not a formula, under the column it is about."""
    relations = [r for r in checks(edition) if all(p in refs for p in r.cells)]
    if not relations:
        return
    row = grid.n_rows + _TOP + 2
    ws.cell(row, 1, "勾稽关系检查（一+二=（七）+四）").font = _HEADER_FONT
    cols = {cell.value_path: cell.col for cell in grid.value_cells()}
    for relation in relations:
        left = "+".join(refs[p] for p in relation.left)
        right = "+".join(refs[p] for p in relation.right)
        cell = ws.cell(row, cols[relation.right[0]] + 1)
        cell.value = f'=IF(({left})=({right}),"✓ 平衡","✗ 不平衡")'
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        cell.font = Font(name="宋体", size=9, bold=True)
        cell.border = _BORDER


def _widths(ws, grid: Grid, value_rows: set[int]) -> None:
    label_cols = {c.col for c in grid.cells if c.header and c.row in value_rows}
    for col in range(grid.n_cols + 1):
        wide = col in label_cols and grid.key != "t4"
        ws.column_dimensions[get_column_letter(col + 1)].width = 28 if wide else 11


def write_template(edition_key: str, path: Path, data: dict[str, Any] | None = None) -> None:
    write_atomic(path, template(edition_key, data))


# --------------------------------------------------------------------------- reading


def read_workbook(path: str | Path) -> dict[str, Any]:
    """The workbook's values as raw canonical data (validated afterwards by nianbao.inputs)."""
    try:
        wb = load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 — zip, XML and openpyxl errors all mean "not our workbook"
        raise InputError(f"无法读取工作簿 {Path(path).name}：{type(exc).__name__}", f"cannot read the workbook: {exc}") from exc
    if INFO_SHEET not in wb.sheetnames:
        raise InputError(f"工作簿缺少“{INFO_SHEET}”工作表，请使用 nianbao template 生成的填报表",
                         "not a nianbao fill-in workbook: sheet 基本信息 missing")
    info = wb[INFO_SHEET]
    values = {label: unescape_formula(info.cell(row, 2).value) for row in range(3, info.max_row + 1)
              for label in [info.cell(row, 1).value] if label}
    edition_key = str(values.get("格式版本") or "").strip()
    if edition_key not in editions.EDITIONS:
        raise InputError(f"工作表“{INFO_SHEET}”的“格式版本”必须是 2019 或 2021，现为 {edition_key!r}",
                         "the edition cell must be 2019 or 2021")
    edition = editions.get(edition_key)
    data: dict[str, Any] = {"edition": edition.key}
    for key, label, _ in _INFO_FIELDS[1:]:
        value = values.get(label)
        data[key] = value.strip() if isinstance(value, str) else value
    if isinstance(data.get("year"), float) and data["year"].is_integer():
        data["year"] = int(data["year"])
    data["sections"] = {key: str(values.get(_SECTION_LABELS[key]) or "") for key in TEXT_SECTIONS}
    for table, grid in _grids(edition):
        data[table.key] = _read_table(wb, edition, table, grid)
    return data


def _read_table(wb, edition: editions.Edition, table: editions.Table, grid: Grid) -> dict[str, dict[str, Any]]:
    name = sheet_name(table)
    if name not in wb.sheetnames:
        raise InputError(f"工作簿缺少“{name}”工作表（{field_name(edition, table.key)}）", f"sheet {name} missing")
    ws = wb[name]
    for spec in grid.cells:
        if spec.path is None and spec.text:
            found = ws.cell(spec.row + _TOP + 1, spec.col + 1).value
            if str(found or "").strip() != spec.text:
                raise InputError(
                    f"工作表“{name}”的 {_ref(spec)} 应为“{spec.text}”，现为“{found or ''}”：表格结构被改动，请使用新的模板填写",
                    f"sheet {name} cell {_ref(spec)} changed: the layout must not be edited")
    raw: dict[str, Any] = {}
    cells = {}
    for spec in grid.value_cells():
        cell = ws.cell(spec.row + _TOP + 1, spec.col + 1)
        cells[spec.value_path] = cell
        raw[spec.value_path] = cell.value
    computed = formulas(edition)
    values: dict[str, Any] = {}

    def value(path: str) -> Any:
        if path in values:
            return values[path]
        content = raw.get(path)
        if isinstance(content, str) and content.startswith("=") and path in computed:
            parts = [value(p) for p in computed[path]]
            result = None if all(p is None for p in parts) else sum(p for p in parts if p is not None)
        else:
            result = _cell_value(edition, path, content)
        values[path] = result
        return result

    out: dict[str, dict[str, Any]] = {}
    for row in table.rows:
        out[row.key] = {}
        for column in table.columns_of(row):
            path = f"{table.key}.{row.key}.{column.key}"
            out[row.key][column.key] = value(path)
            if column.unit_key:
                unit = ws.cell(cells[path].row, grid.n_cols + 1).value
                out[row.key][column.unit_key] = unit.strip() or None if isinstance(unit, str) else unit
    return out


def _cell_value(edition: editions.Edition, path: str, content: Any) -> Any:
    if content is None:
        return None
    if isinstance(content, str):
        text = content.strip()
        if text in NULL_MARKS:
            return None
        if text in ZERO_MARKS:
            return 0
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise InputError(f"{field_name(edition, path)}应填数字，现为“{text}”", f"{path} must be a number") from None
        return int(number) if number.is_integer() and "." not in text else number
    if isinstance(content, float) and content.is_integer():
        money = any(c.money for t in edition.tables for r in t.rows for c in t.columns_of(r)
                    if f"{t.key}.{r.key}.{c.key}" == path)
        return content if money else int(content)
    return content
