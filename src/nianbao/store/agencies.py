"""Agency names: one key per body, so that 沭阳县发改局 (2020) and 沭阳县发展和改革局 (2021)
are the same agency, and a level (省/市/县/乡镇街道/部门) for analysis.

The key is the name with spacing, brackets and full-width forms normalised and the
common abbreviations expanded.  Abbreviations are data (ABBREVIATIONS); longest first
so 市场监管局 wins over 监管局.
"""

from __future__ import annotations

import re
import unicodedata

# Short form → full form, as written in report titles and signatures.
ABBREVIATIONS: dict[str, str] = {
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "工信局": "工业和信息化局",
    "工信厅": "工业和信息化厅",
    "人社局": "人力资源和社会保障局",
    "人社厅": "人力资源和社会保障厅",
    "住建局": "住房和城乡建设局",
    "住建厅": "住房和城乡建设厅",
    "自规局": "自然资源和规划局",
    "环保局": "环境保护局",
    "交通局": "交通运输局",
    "农业局": "农业农村局",
    "文旅局": "文化和旅游局",
    "文广旅局": "文化广电和旅游局",
    "卫健委": "卫生健康委员会",
    "卫健局": "卫生健康局",
    "退役军人局": "退役军人事务局",
    "应急局": "应急管理局",
    "市场监管局": "市场监督管理局",
    "医保局": "医疗保障局",
    "数据局": "数据资源管理局",
    "城管局": "城市管理局",
    "教体局": "教育和体育局",
    "科技局": "科学技术局",
    "科技厅": "科学技术厅",
    "民宗局": "民族宗教事务局",
    "科委": "科学技术委员会",
    "教委": "教育委员会",
    "经信委": "经济和信息化委员会",
    "网信办": "网络安全和信息化委员会办公室",
    "管委会": "管理委员会",
    "区政府": "区人民政府",
    "县政府": "县人民政府",
    "市政府": "市人民政府",
    "镇政府": "镇人民政府",
    "乡政府": "乡人民政府",
    "街道办": "街道办事处",
}
_ABBREVIATION_PATTERN = re.compile("|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)))

LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY, LEVEL_TOWN, LEVEL_DEPARTMENT = "省", "市", "县", "乡镇街道", "部门"
LEVELS = (LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY, LEVEL_TOWN, LEVEL_DEPARTMENT)

# Suffixes of a government's own report (the body itself, not one of its departments).
_TOWN = re.compile(r"(?:镇|乡|街道)(?:人民政府|办事处)$|街道$")
_GOVERNMENT = re.compile(r"(?:省|自治区)人民政府$|(?:市|州|盟|地区)(?:人民政府|行政公署)$|(?:县|区|旗)人民政府$")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# Words a title adds around the name: （本级）, 2023年度 …
_NOISE = re.compile(r"[（(][^）)]*[）)]|\s+")


def normalise(name: str) -> str:
    """The comparison key of an agency name."""
    text = unicodedata.normalize("NFKC", name)
    text = _NOISE.sub("", text)
    return _ABBREVIATION_PATTERN.sub(_expand, text)


def _expand(match: re.Match[str]) -> str:
    full = ABBREVIATIONS[match.group(0)]
    # 街道办事处 already is the full form of 街道办: leave names that are written out alone.
    if match.string.startswith(full, match.start()):
        return match.group(0)
    return full


def level(name: str, region: dict[str, str] | None = None) -> str:
    """省 / 市 / 县 / 乡镇街道 / 部门 — inferred from the name (see docs/storage.md)."""
    key = normalise(name)
    if _TOWN.search(key):
        return LEVEL_TOWN
    match = _GOVERNMENT.search(key)
    if not match:
        return LEVEL_DEPARTMENT
    suffix = match.group(0)
    if suffix.startswith(("省", "自治区")) or key in (m + "人民政府" for m in _MUNICIPALITIES):
        return LEVEL_PROVINCE
    if suffix.startswith(("县", "区", "旗")):
        return LEVEL_COUNTY
    return LEVEL_CITY
