"""Input for the renderer: canonical JSON, YAML or the fill-in workbook, validated.

Whoever fills these in is a report writer, not a programmer: every problem is one
message that names the field in Chinese (表三“（二）部分公开”行“自然人”列) with the
canonical path after it, and is raised as `InputError` (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any, NoReturn

from . import editions
from .errors import NianbaoError
from .model import Report
from .render.content import TEXT_SECTIONS, row_label

# Keys of the canonical form, plus what the writer adds (section text) and what the
# full `nianbao parse` output carries besides (ignored, so a parsed report renders).
# The parse output's keys are read off `Report.to_dict` itself: whatever `nianbao parse`
# writes, this reader accepts, without a second list to keep in step.
CANONICAL_KEYS = {"source", "edition", "year", "agency", "published", "t2", "t3", "t4", "notes", "uncertain"}
WRITER_KEYS = {"sections"}
PARSE_OUTPUT_KEYS = frozenset(Report().to_dict()) - CANONICAL_KEYS - WRITER_KEYS
KNOWN_KEYS = CANONICAL_KEYS | WRITER_KEYS | PARSE_OUTPUT_KEYS
UNITS = (None, "元", "万元")
_FIELD_NAMES = {
    "edition": "格式版本", "year": "年度", "agency": "机关名称", "published": "发布日期",
    "source": "来源", "notes": "备注", "sections": "章节文字", "uncertain": "存疑单元格",
}


class InputError(NianbaoError):
    """The input cannot be rendered: malformed, unknown keys, missing tables, bad counts."""


def _fail(zh: str, en: str) -> NoReturn:
    raise InputError(zh, en)


def table_name(table: editions.Table) -> str:
    return f"表{table.number}"


def field_name(edition: editions.Edition, path: str) -> str:
    """表三“（二）部分公开…”行“自然人”列 (t3.partially_granted.natural_person)."""
    parts = path.split(".")
    table = edition.table(parts[0])
    out = table_name(table)
    if len(parts) > 1:
        row = _row(edition, table, parts[1])
        out += f"“{row_label(row) if row else parts[1]}”行"
        if len(parts) > 2 and row is not None:
            column = next((c for c in table.columns_of(row) if c.key == parts[2] or c.unit_key == parts[2]), None)
            name = parts[2] if column is None else column.label if column.key == parts[2] else f"{column.label}单位"
            out += f"“{name}”列"
        elif len(parts) > 2:
            out += f"“{parts[2]}”列"
    return f"{out}（{path}）"


def _row(edition: editions.Edition, table: editions.Table, key: str) -> editions.Row | None:
    for row in table.rows:
        if row.key == key:
            return row
    if table.key == "t3" and key == editions.T3_OTHER_HANDLING_2019.key and edition.key == editions.EDITION_2021:
        return editions.T3_OTHER_HANDLING_2019
    return None


# --------------------------------------------------------------------------- loading


def load(path: str | Path) -> dict[str, Any]:
    """Read and validate one input file; the result is canonical data in edition order."""
    path = Path(path)
    if not path.exists():
        _fail(f"找不到输入文件 {path}", "input file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from .workbook import read_workbook

        return validate(read_workbook(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _fail(f"{path.name} 不是 UTF-8 文本，无法读取", "not UTF-8 text")
    except OSError as exc:
        _fail(f"无法读取 {path.name}：{exc.strerror or exc}", f"cannot read: {exc}")
    if suffix in (".yaml", ".yml"):
        return validate(_yaml(text, path.name))
    if suffix == ".json" or text.lstrip().startswith("{"):
        return validate(_json(text, path.name))
    return validate(_yaml(text, path.name))


def is_fill_in_workbook(path: str | Path) -> bool:
    """An .xlsx (by content, whatever its name) holding nianbao's 基本信息 sheet: a fill-in workbook."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (OSError, KeyError, EOFError, ValueError, NotImplementedError, zipfile.BadZipFile, ElementTree.ParseError):
        return False  # not a workbook zipfile can read: the readers say what it is
    # Only now: the workbook module brings openpyxl (0.8 s), which a report in any other format never needs.
    from .workbook import INFO_SHEET

    return any(sheet.get("name") == INFO_SHEET for sheet in root.iter() if sheet.tag.endswith("}sheet"))


def report_from_workbook(path: str | Path) -> Report:
    """The fill-in workbook as a parsed report (`nianbao parse` / `check`): its values are data, not
    text, so every cell is exact; problems in it raise `InputError` naming the cell."""
    import hashlib

    from .checks import report_from_json
    from .model import SectionFound
    from .workbook import read_workbook

    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        data = validate(read_workbook(path))
    else:  # known by its content; openpyxl goes by the name, so read it under one it accepts
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / f"{path.stem or 'book'}.xlsx"
            copy.write_bytes(path.read_bytes())
            data = validate(read_workbook(copy))
    texts = data.pop("sections", {})
    report = report_from_json(data)
    report.source, report.format = path.name, "xlsx"
    report.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    report.sections = [SectionFound(s.number, s.key, f"{s.number}、{s.title}", 0, 0, texts[s.key])
                       for s in editions.get(data["edition"]).sections if texts.get(s.key, "").strip()]
    return report


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}",
              f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")


def _yaml(text: str, name: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列，" if mark else ""
        _fail(f"{name} 不是有效的 YAML：{where}{getattr(exc, 'problem', None) or exc}", f"malformed YAML: {exc}")


# --------------------------------------------------------------------------- validation


def validate(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        _fail("输入应为一个报告对象（键值对），而不是列表或单个值", "the input must be one report object")
    unknown = sorted(str(k) for k in data if k not in KNOWN_KEYS)
    if unknown:
        _fail(f"未知字段：{'、'.join(unknown)}（可用字段：{'、'.join(sorted(CANONICAL_KEYS | WRITER_KEYS))}）",
              f"unknown keys: {', '.join(unknown)}")
    edition_key = data.get("edition")
    if not isinstance(edition_key, str) or edition_key not in editions.EDITIONS:  # a list or object is not hashable
        _fail(f"字段“格式版本”（edition）必须是 \"2019\" 或 \"2021\"，现为 {edition_key!r}",
              "edition must be \"2019\" or \"2021\"")
    edition = editions.get(edition_key)
    out: dict[str, Any] = {"edition": edition.key}
    out["year"] = _year(data.get("year"))
    out["agency"] = _optional_text(data, "agency")
    out["published"] = _date(data.get("published"))
    out["source"] = _optional_text(data, "source")
    for table in edition.tables:
        out[table.key] = _table(edition, table, data.get(table.key))
    out["sections"] = _sections(data.get("sections"))
    if isinstance(data.get("notes"), str):
        out["notes"] = data["notes"]
    return out


def _year(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 2000 <= value <= 2100:
        _fail(f"字段“年度”（year）必须是报告所涉年份，如 2024，现为 {value!r}", "year must be the year reported on, e.g. 2024")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        _fail(f"字段“{_FIELD_NAMES[key]}”（{key}）必须是文字，现为 {value!r}", f"{key} must be text")
    return value.strip() or None


def _date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        _fail(f"字段“发布日期”（published）应写成 2025-01-20 这样的日期，现为 {value!r}",
              "published must be a date like 2025-01-20")


def _sections(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, list):  # the full `nianbao parse` output: keep the writers' sections
        return {s["key"]: s.get("text") or "" for s in value
                if isinstance(s, dict) and s.get("key") in TEXT_SECTIONS and isinstance(s.get("text", ""), str)}
    if not isinstance(value, dict):
        _fail("字段“章节文字”（sections）应为 overview/problems/other 到文字的对应", "sections must map section keys to text")
    out = {}
    for key, text in value.items():
        if key not in TEXT_SECTIONS:
            _fail(f"章节文字（sections）中的未知章节 {key!r}：只能填写 overview（一、总体情况）、problems（五、存在的主要问题及改进情况）、"
                  "other（六、其他需要报告的事项），其余部分由表格生成", f"unknown section key {key!r}")
        if text is not None and not isinstance(text, str):
            _fail(f"章节文字 sections.{key} 必须是文字", f"sections.{key} must be text")
        out[key] = text or ""
    return out


def _table(edition: editions.Edition, table: editions.Table, rows: Any) -> dict[str, dict[str, Any]]:
    name = field_name(edition, table.key)
    if rows is None or rows == {}:
        _fail(f"缺少{name}：三张统计表都必须填写（未发生的填 0，不适用的单元格填 null）",
              f"table {table.key} is missing")
    if not isinstance(rows, dict):
        _fail(f"{name}应为“行 → 列 → 数值”的对应", f"{table.key} must map rows to columns")
    single = table.key == "t3" and edition.key == editions.EDITION_2021 and editions.T3_OTHER_HANDLING_2019.key in rows
    known = {row.key: row for row in table.rows}
    if single:
        known[editions.T3_OTHER_HANDLING_2019.key] = editions.T3_OTHER_HANDLING_2019
    for key in rows:
        if key not in known:
            _fail(f"{name}中有未知的行 {key!r}（{edition.key} 年版格式没有这一行）", f"unknown row {table.key}.{key}")
    out: dict[str, dict[str, Any]] = {}
    for key, row in known.items():
        columns = table.columns_of(row)
        if key not in rows:
            # A 2021 report printing （六）其他处理 as one row has no sub-rows: they are blank.
            if single and row.group == editions.T3_OTHER_HANDLING_2019.group:
                out[key] = {c.key: None for c in columns}
                continue
            _fail(f"{field_name(edition, f'{table.key}.{key}')}缺失：请填写这一行（不适用的单元格填 null）",
                  f"row {table.key}.{key} is missing")
        out[key] = _row_values(edition, table, row, columns, rows[key])
    return out


def _row_values(edition, table, row, columns, values: Any) -> dict[str, Any]:
    path = f"{table.key}.{row.key}"
    if not isinstance(values, dict):
        _fail(f"{field_name(edition, path)}应为“列 → 数值”的对应", f"{path} must map columns to values")
    allowed = {c.key for c in columns} | {c.unit_key for c in columns if c.unit_key}
    for key in values:
        if key not in allowed:
            _fail(f"{field_name(edition, path)}中有未知的列 {key!r}", f"unknown column {path}.{key}")
    out: dict[str, Any] = {}
    for column in columns:
        cell = f"{path}.{column.key}"
        if column.key not in values:
            _fail(f"{field_name(edition, cell)}缺失：请填写数值（不适用填 null）", f"{cell} is missing")
        out[column.key] = _number(edition, cell, column, values[column.key])
        if column.unit_key:
            unit = values.get(column.unit_key)
            if unit not in UNITS:
                _fail(f"{field_name(edition, f'{path}.{column.unit_key}')}只能是 元、万元 或 null，现为 {unit!r}",
                      f"{path}.{column.unit_key} must be 元, 万元 or null")
            out[column.unit_key] = unit
    return out


def _number(edition, path: str, column: editions.Column, value: Any) -> int | float | None:
    name = field_name(edition, path)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(f"{name}必须是数字或 null，现为 {value!r}", f"{path} must be a number or null")
    if isinstance(value, float) and not math.isfinite(value):
        _fail(f"{name}不是有限数值：{value!r}", f"{path} is not finite")
    if column.money:
        if value < 0:
            _fail(f"{name}不能为负数，现为 {value!r}", f"{path} must not be negative")
        return value
    if isinstance(value, float):
        if not value.is_integer():
            _fail(f"{name}必须是整数（件数），现为 {value!r}", f"{path} must be a whole number")
        value = int(value)
    if value < 0 and not column.signed:
        _fail(f"{name}不能为负数，现为 {value!r}", f"{path} must not be negative")
    return value
