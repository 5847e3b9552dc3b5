"""Reading a roster file (CSV or XLSX): the bodies expected to publish an annual report.

Columns are found by their header, in Chinese or English, in any order; other columns (序号 …)
are ignored.  Only 名称 is required.  A mistake is refused with the spreadsheet row number and
the column, as the person sees them in Excel, so it can be fixed there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import NianbaoError

# Field → the header words that name it (compared without spaces, case or brackets).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "机关名称", "单位名称", "机关", "单位", "name", "agency"),
    "level": ("层级", "级别", "level"),
    "region": ("地区", "区域", "行政区划", "region"),
    "aliases": ("别名", "曾用名", "简称", "aliases", "alias"),
    "deadline": ("截止日期", "发布期限", "截止", "deadline"),
}
FIELD_NAMES = {"name": "名称", "level": "层级", "region": "地区", "aliases": "别名", "deadline": "截止日期"}
# Column sizes of roster_entries (models.RosterEntry).
MAX_LENGTH = {"name": 200, "level": 20, "region": 100}
ALIAS_SEPARATORS = re.compile(r"[；;、]")
# 1月31日, 01-31, 1/31, 2024-01-31, 2024年1月31日, 2024/1/31: only the month and day count.
_MONTH_DAY = re.compile(r"^(?:\d{4}\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_HEADER_NOISE = re.compile(r"[\s（()）:：*]")
MAX_ROWS = 100_000  # far above any area's bodies; a bigger file is not a roster


class RosterFileError(NianbaoError):
    """The roster file cannot be used; the message names the row and column."""


@dataclass(frozen=True)
class RosterRow:
    line: int  # row number in the file (the header is row 1 when it is the first line)
    name: str
    level: str | None = None
    region: str | None = None
    aliases: tuple[str, ...] = ()
    deadline: tuple[int, int] | None = None  # (month, day) in the year after the report's year


def read_roster(data: bytes, file_name: str = "") -> list[RosterRow]:
    """The rows of a roster file given as bytes; RosterFileError on any mistake."""
    if not data.strip():
        raise RosterFileError("名单文件为空", "the roster file is empty")
    table = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data, file_name)
    return _roster_rows(table)


def read_roster_path(path: Path) -> list[RosterRow]:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise RosterFileError(f"找不到名单文件 {path}", f"roster file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise RosterFileError(f"{path} 是文件夹，请给出名单文件", f"{path} is a folder: give the roster file") from exc
    except OSError as exc:
        raise RosterFileError(f"无法读取名单文件 {path}：{exc.strerror or exc}", f"cannot read the roster file: {exc}") from exc
    return read_roster(data, path.name)


# ------------------------------------------------------------------ the two formats
def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — zip, XML or openpyxl errors all mean the same to users
        raise RosterFileError("名单文件不是可读的 Excel 工作簿（.xlsx）", f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def _csv_rows(data: bytes, file_name: str) -> Iterator[tuple[int, list[Any]]]:
    from ..readers.text import decode

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError(f"名单文件 {file_name} 不是 CSV 或 XLSX 文件", "the roster file is neither CSV nor XLSX")
    try:
        text = decode(data)
    except NianbaoError as exc:
        raise RosterFileError(f"名单文件不是文本 CSV：{exc.message_zh}", exc.message_en) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t")
    except csv.Error:
        dialect = csv.excel  # one column, or a file the sniffer cannot tell: plain commas
    reader = csv.reader(io.StringIO(text), dialect)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, list(row)
    except csv.Error as exc:  # a field over the csv module's limit, a stray NUL …
        raise RosterFileError(f"第 {number + 1} 行无法按 CSV 读取（{exc}）", f"row {number + 1} is not valid CSV ({exc})") from exc


# ------------------------------------------------------------------ rows
def _roster_rows(table: Iterable[tuple[int, list[Any]]]) -> list[RosterRow]:
    rows = iter(table)
    columns: dict[str, int] | None = None
    out: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        if not any(_text(v) for v in values):
            continue
        if columns is None:
            columns = _columns(number, values)
            continue
        row = _row(number, values, columns)
        if row.name in seen:
            raise RosterFileError(f"第 {number} 行“名称”列：{row.name} 与第 {seen[row.name]} 行重复",
                                  f"row {number}, column name: duplicate of row {seen[row.name]}")
        seen[row.name] = number
        out.append(row)
        if len(out) > MAX_ROWS:
            raise RosterFileError(f"名单超过 {MAX_ROWS} 行", f"the roster has more than {MAX_ROWS} rows")
    if columns is None or not out:
        raise RosterFileError("名单中没有机关（第一行应为表头：名称、层级、地区、别名、截止日期）",
                              "the roster lists no body (the first row is the header: name, level, region, aliases, deadline)")
    return out


def _header_key(value: Any) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", _text(value))).lower()


def _columns(number: int, header: list[Any]) -> dict[str, int]:
    """Field → column index, from the header row.  A header such as "名称 name" or "名称(name)" is
    matched by either of its words."""
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        words = {_header_key(value)} | {_header_key(w) for w in re.split(r"[\s/（()）]+", _text(value)) if w}
        for field, names in HEADERS.items():
            if words & set(names) and field not in columns:
                columns[field] = index
    if "name" not in columns:
        raise RosterFileError(f"第 {number} 行（表头）缺少“名称”列（可用表头：名称、层级、地区、别名、截止日期）",
                              f"row {number} (header): no name column (headers: name, level, region, aliases, deadline)")
    return columns


def _row(number: int, values: list[Any], columns: dict[str, int]) -> RosterRow:
    def cell(field: str) -> Any:
        index = columns.get(field)
        return values[index] if index is not None and index < len(values) else None

    fields: dict[str, str | None] = {}
    for field in ("name", "level", "region"):
        text = _text(cell(field)) or None
        if text and len(text) > MAX_LENGTH[field]:
            raise RosterFileError(f"第 {number} 行“{FIELD_NAMES[field]}”列：超过 {MAX_LENGTH[field]} 个字",
                                  f"row {number}, column {field}: longer than {MAX_LENGTH[field]} characters")
        fields[field] = text
    name = fields["name"]
    if not name:
        raise RosterFileError(f"第 {number} 行“名称”列：为空", f"row {number}, column name: empty")
    aliases = tuple(dict.fromkeys(a.strip() for a in ALIAS_SEPARATORS.split(_text(cell("aliases"))) if a.strip()))
    return RosterRow(number, name, fields["level"], fields["region"], aliases, _deadline(number, cell("deadline")))


def _deadline(number: int, value: Any) -> tuple[int, int] | None:
    """(month, day) from a date cell or text; the year, when written, is not used: the deadline
    falls in the year after each report's year."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.month, value.day
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return None
    match = _MONTH_DAY.match(text)
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2000, month, day)  # a leap year: 2月29日 is a day some years have
            return month, day
        except ValueError:
            pass
    raise RosterFileError(f"第 {number} 行“截止日期”列：“{text}”不是日期（应写作 1月31日 或 01-31）",
                          f"row {number}, column deadline: not a date (write 1月31日 or 01-31)")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
