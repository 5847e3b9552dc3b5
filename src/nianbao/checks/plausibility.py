"""Plausibility: 规章 from bodies without rule-making power, fee units (the deadline: deadline.py)."""

from __future__ import annotations

from .. import editions
from .. import rules_data as data
from ..model import Report
from . import agency
from .finding import Finding
from .labels import cell_name
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

_LEVEL_NAMES = agency.LEVEL_NAMES


def check(report: Report, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    level = agency.level(report.agency)
    return _regulations(report, level) + _fee_unit(report, thresholds.fee_huge_wan)


def _regulations(report: Report, level: str | None) -> list[Finding]:
    if level not in data.NO_RULE_MAKING_LEVELS:
        return []
    table_key, row_key = data.REGULATIONS_ROW.split(".")
    row = report.tables.get(table_key, {}).get(row_key, {})
    positive = [f"{data.REGULATIONS_ROW}.{column}" for column, cell in row.items()
                if isinstance(cell.value, (int, float)) and cell.value > 0]
    if not positive:
        return []
    values = "、".join(f"{cell_name(p)} {report.value(p)}" for p in positive)
    return [Finding(
        "PLAUS.REGULATIONS",
        f"“{report.agency}”按名称判断为{_LEVEL_NAMES[level]}，无规章制定权，却填报了规章：{values}"
        "（规章只能由国务院部门、省级和设区的市级政府制定；可能误把规范性文件或上级规章填入）",
        f"'{report.agency}' looks like a {level.replace('_', ' ')}, which cannot make 规章, yet reports them",
        positive,
    )]


def _fee_unit(report: Report, huge_wan: float) -> list[Finding]:
    if report.edition is None:
        return []
    findings = []
    table = editions.get(report.edition).table("t2")
    for row in table.rows:
        for column in table.columns_of(row):
            if not (column.money and data.FEE_UNIT_WAN in column.label):
                continue
            path = f"t2.{row.key}.{column.key}"
            finding = _fee_cell(report, path, huge_wan)
            if finding:
                findings.append(finding)
    return findings


def _fee_cell(report: Report, path: str, huge_wan: float) -> Finding | None:
    cell = report.cell(path)
    if cell is None or cell.value is None:
        return None
    raw = (cell.raw or "").strip()
    in_yuan = cell.unit == "元" or (raw.endswith("元") and not raw.endswith("万元"))
    huge = float(cell.value).is_integer() and cell.value >= huge_wan
    if not (in_yuan or huge):
        return None
    why = "数值带“元”单位" if in_yuan else f"整数 {cell.value} 万元（即 {cell.value / 10000:g} 亿元）过大"
    return Finding(
        "PLAUS.FEE_UNIT",
        f"{cell_name(path)}以万元为单位，但{why}，疑为以元填报",
        f"{path} is in 万元 but {'carries 元' if in_yuan else 'is a huge integer'}: probably entered in 元",
        [path], found=cell.value,
    )
