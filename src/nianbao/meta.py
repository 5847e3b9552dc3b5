"""Metadata: year covered, agency, publication date and region, as printed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .document import Document

_AGENCY_SUFFIX = (
    "人民政府办公厅|人民政府办公室|人民政府|街道办事处|办事处|管理委员会|管委会|委员会|办公厅|办公室|"
    "管理局|服务中心|中心|局|厅|委|街道|镇|乡|院|署|所|站|队|部|会|区|县|市"
)
_PERIOD = re.compile(r"自\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_PERIOD_END = re.compile(r"截\s*[止至]\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_OPENING = 2000
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_SIGNATURE_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_PUBLISHED_LINE = re.compile(r"(?:发布日期|发布时间|成文日期)\s*[:：]?\s*((?:19|20)\d{2}\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2})")
_SUBJECT = re.compile(rf"(?m)^\s*([\u4e00-\u9fff]{{2,24}}?(?:{_AGENCY_SUFFIX}))\s*(?:19|20)\d{{2}}\s*年")
# How much of the end of a report may hold its signature and date.
_TAIL = 300
_PROVINCES = (
    "北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 "
    "广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区"
).split()


@dataclass
class Meta:
    year: int | None
    agency: str | None
    published: str | None
    region: dict[str, str]


def _iso(match: re.Match[str]) -> str | None:
    year, month, day = (int(g) for g in match.groups()[:3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _title_lines(document: Document) -> list[str]:
    """Candidate titles: the page title, then the first lines, alone and joined in
    pairs (titles are often broken: "…中心\n2020年政府信息公开工作年度报告")."""
    lines = [document.meta["title"]] if document.meta.get("title") else []
    head = [line.strip() for line in document.text[:600].split("\n") if line.strip()][:6]
    for i, line in enumerate(head):
        lines.append(line)
        if i + 1 < len(head):
            lines.append(line + head[i + 1])
    return [line for line in lines if _TITLE_WORDS.search(line) and len(line) <= _MAX_TITLE]


_TITLE_WORDS = re.compile(r"信息公开.{0,8}报告")
_MAX_TITLE = 80
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年\s*度?")
_TITLE_TAIL = re.compile(r"(?:政府|政务)?信息公开.*$")


def _clean_agency(text: str) -> str | None:
    text = re.sub(r"\s+", "", text).strip("：:，,。 ")
    text = re.sub(r"(?:关于)$", "", text)
    return text if 2 <= len(text) <= 40 else None


def find_year(document: Document) -> int | None:
    for line in _title_lines(document):
        match = _YEAR.search(line)
        if match:
            return int(match.group(0)[:4])
    period = _PERIOD.search(document.text) or _PERIOD_END.search(document.text)
    if period:
        return int(period.group(1))
    # No title and no period: the year a report talks about most in its opening.
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", document.text[:_OPENING]))
    return years.most_common(1)[0][0] if years else None


def _agency_from_title(line: str) -> str | None:
    without_year = _YEAR.sub("", line)
    return _clean_agency(_TITLE_TAIL.sub("", without_year).removeprefix("关于"))


def find_agency(document: Document) -> str | None:
    """As printed: the title, else the signature, else the page's publisher, else
    a line that opens with a body's name and a year ("站南街道2020年未收到…").
    A township-level name is completed when the report prints the body's full name."""
    agency = _printed_agency(document)
    return _full_body_name(agency, document.text) if agency else None


# A 街道 is governed by its 办事处 and a 镇/乡 by its 人民政府: titles often drop that word
# ("东柳街道政府信息公开工作年度报告") while the contact line names the body in full.
_BODY_OF_AREA = {"街道": "办事处", "镇": "人民政府", "乡": "人民政府"}


def _full_body_name(agency: str, text: str) -> str:
    for area, body in _BODY_OF_AREA.items():
        if agency.endswith(area) and agency + body in text:
            return agency + body
    return agency


def _printed_agency(document: Document) -> str | None:
    for line in _title_lines(document):
        agency = _agency_from_title(line)
        if agency:
            return agency
    tail = document.text[-_TAIL:]
    signature = list(re.finditer(rf"([\u4e00-\u9fff]{{2,30}}?(?:{_AGENCY_SUFFIX}))\s*\n?\s*(?:19|20)\d{{2}}\s*年\s*\d", tail))
    if signature:
        return signature[-1].group(1)
    for line in reversed([l.strip() for l in tail.split("\n") if l.strip()]):
        if re.fullmatch(rf"[\u4e00-\u9fff]{{2,30}}(?:{_AGENCY_SUFFIX})", line):
            return line
    if document.meta.get("publisher"):
        return document.meta["publisher"]
    subject = _SUBJECT.search(document.text[:3000])
    return subject.group(1) if subject else None


# Signatures in Chinese numerals (二〇二一年一月二十八日), older but still printed.
_HAN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0", "O": "0", "Ｏ": "0"}
_HAN_DIGIT_CLASS = "".join(_HAN_DIGITS)
_HAN_DATE = re.compile(rf"([{_HAN_DIGIT_CLASS}]{{4}})\s*年\s*([{_HAN_DIGIT_CLASS}十]{{1,2}})\s*月\s*([{_HAN_DIGIT_CLASS}十]{{1,3}})\s*日")
# A signature date alone on the last lines, written with dots, dashes or slashes.
_NUMERIC_SIGNATURE = re.compile(r"(?m)^\s*((?:19|20)\d{2})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\s*$")


def _han_number(text: str) -> int:
    """一 … 三十一: the tens digit is written only when it is not one (十二, 二十, 二十八)."""
    if "十" not in text:
        return int(_HAN_DIGITS[text])
    tens, _, units = text.partition("十")
    return int(_HAN_DIGITS[tens] if tens else 1) * 10 + (int(_HAN_DIGITS[units]) if units else 0)


def _with_arabic_dates(text: str) -> str:
    def arabic(match: re.Match[str]) -> str:
        year = "".join(_HAN_DIGITS[c] for c in match.group(1))
        return f"{year}年{_han_number(match.group(2))}月{_han_number(match.group(3))}日"

    return _HAN_DATE.sub(arabic, text)


def find_published(document: Document) -> str | None:
    """The signature date at the end, else a 发布日期 line, else the page's publication time."""
    tail = _with_arabic_dates(document.text[-_TAIL:])
    numeric = list(_NUMERIC_SIGNATURE.finditer(tail))
    if numeric:
        iso = _iso(numeric[-1])
        if iso:
            return iso
    for match in reversed(list(_SIGNATURE_DATE.finditer(tail))):
        before = tail[max(0, match.start() - 2): match.start()]
        after = tail[match.end(): match.end() + 2]
        if "自" in before or "至" in before or after.startswith(("起", "至", "前", "以来")):
            continue
        iso = _iso(match)
        if iso:
            return iso
    line = _PUBLISHED_LINE.search(document.text[:1000])
    if line:
        date = _DATE.search(line.group(1))
        if date:
            return _iso(date)
    if document.meta.get("published"):
        date = _DATE.search(document.meta["published"])
        if date:
            return _iso(date)
    return None


def find_region(agency: str | None) -> dict[str, str]:
    if not agency:
        return {}
    region: dict[str, str] = {}
    rest = agency
    for province in _PROVINCES:
        short = province.rstrip("省市").replace("自治区", "").replace("特别行政区", "")
        for name in (province, short):
            if rest.startswith(name):
                region["province"] = province
                rest = rest[len(name):]
                break
        if region:
            break
    city = re.match(r"([\u4e00-\u9fff]{2,6}?(?:自治州|市|地区|盟))", rest)
    if city:
        region["city"] = city.group(1)
        rest = rest[city.end():]
    county = re.match(r"([\u4e00-\u9fff]{1,6}?(?:自治县|县|区|旗))", rest)
    if county and not county.group(1).endswith(("社区", "片区", "园区", "街区")):
        region["county"] = county.group(1)
    return region


def find_meta(document: Document) -> Meta:
    agency = find_agency(document)
    return Meta(find_year(document), agency, find_published(document), find_region(agency))
