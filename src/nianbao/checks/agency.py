"""The coarse level of an agency, inferred from its name (DOMAIN.md §1, §6), and the
names under which two years of one agency are paired."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import rules_data as data


def normalised_name(name: str | None) -> str:
    """For matching the same agency across years: no spaces, punctuation or brackets."""
    return re.sub(r"[^\w]", "", name or "").replace("_", "")


def level(name: str | None) -> str | None:
    if not name:
        return data.LEVEL_UNKNOWN
    name = normalised_name(name)
    if data.TOWNSHIP_NAME.search(name):
        return data.LEVEL_TOWNSHIP
    if data.AREA_NAME.search(name):
        return data.LEVEL_AREA
    county = bool(data.COUNTY_UNIT.search(name)) and not data.ZONE_NAME.search(name)
    if data.GOVERNMENT_NAME.search(name):
        return data.LEVEL_COUNTY_GOVERNMENT if county else data.LEVEL_GOVERNMENT
    return data.LEVEL_COUNTY_DEPARTMENT if county else data.LEVEL_DEPARTMENT


LEVEL_NAMES = {
    data.LEVEL_TOWNSHIP: "乡镇或街道",
    data.LEVEL_AREA: "片区",
    data.LEVEL_COUNTY_GOVERNMENT: "县级政府",
    data.LEVEL_COUNTY_DEPARTMENT: "县级政府部门",
    data.LEVEL_GOVERNMENT: "县级以上地方政府",
    data.LEVEL_DEPARTMENT: "县级以上政府部门",
}


def is_government(level_: str | None) -> bool:
    return level_ in (data.LEVEL_GOVERNMENT, data.LEVEL_COUNTY_GOVERNMENT, data.LEVEL_UNKNOWN)


# --------------------------------------------------------------------------- pairing across years
# A parent region written before a name (淮安市 in 淮安市洪泽区人民政府) may be dropped only when
# what follows is itself a place (洪泽区…): 上海市科学技术委员会 never becomes 科学技术委员会.
# A suffix followed by 市 is inside the name (福州市, 杭州市): dropping 福州 would leave 市鼓楼区….
_PARENT_REGION = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:省|自治区|自治州|市|州|盟|地区)(?!市)")
_PLACE_START = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:自治县|县|区|市|旗|镇|乡|街道)")


@lru_cache(maxsize=65536)
def full_name(name: str | None) -> str:
    """The comparison form: abbreviations written out (发改局, 科委 …, the store's list), no
    brackets, spaces or punctuation."""
    # The store's agency key holds the abbreviation list; imported here, when first needed,
    # so that checking one report does not load the database layer.
    from ..store.agencies import normalise

    return normalised_name(normalise(name)) if name else ""


def name_chain(name: str | None) -> tuple[str, ...]:
    """The full name, then the name without each parent region in turn:
    江苏省淮安市洪泽区人民政府 → 淮安市洪泽区人民政府 → 洪泽区人民政府."""
    chain = [full_name(name)] if name else []
    while chain:
        match = _PARENT_REGION.match(chain[-1])
        rest = chain[-1][match.end():] if match else ""
        if not rest or not _PLACE_START.match(rest):
            break
        chain.append(rest)
    return tuple(chain)


def pairing_key(name: str | None) -> str:
    """The index key: names that may be one body share it (the shortest of the chain)."""
    chain = name_chain(name)
    return chain[-1] if chain else ""


def same_body(one: str | None, other: str | None) -> bool:
    """Equal once abbreviations are written out, or one is the other with its parent region(s)
    in front; two names that merely end alike (北京市社区服务中心, 上海市社区服务中心) are not."""
    mine, theirs = name_chain(one), name_chain(other)
    if not mine or not theirs:
        return False
    return mine[0] in theirs or theirs[0] in mine


def joined_names(one: str | None, other: str | None) -> str | None:
    """'洪泽区人民政府 与 淮安市洪泽区人民政府': what a pairing says when the printed names differ."""
    if not one or not other or normalised_name(one) == normalised_name(other):
        return None
    return f"“{one}”与“{other}”"
