"""Metadata: year covered, agency, publication date and region, as printed, and where each came from.

Every value is taken from the best evidence the report offers and `Meta.sources` names that evidence:

- ``title``: the report's own title line;
- ``crawl_header``: a crawler's or a CMS page's header (``标题: …``, ``发布时间: …``, ``发布机构: …``),
  whether a reader split it off or it is still at the top of the text;
- ``page_meta``: what a web page or PDF says about itself (meta tags, 发布日期 on the page, PDF properties);
- ``signature``: the body's name and date at the end of the report;
- ``written_date``: a 成文日期 (发文日期, 印发日期) field, the date the document states;
- ``opening`` / ``contact_line`` / ``text``: where the report names a body in full
  (现公布三明市人民政府2023年…; 请联系…办公室; anywhere else);
- ``subject_line``: a line that opens with a body's name and a year (站南街道2020年未收到…);
- ``period``: the statistics period (自2023年1月1日起…); ``mentions``: the year the opening talks about most.

A publication date the calendar rules out (before the reported year is over, long after it, or after
the page that carries the report was put up) is refused and listed in `Meta.refused`, so the parser can
say so instead of printing a date that misleads.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field

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
_SUBJECT = re.compile(rf"(?m)^\s*([\u4e00-\u9fff]{{2,24}}?(?:{_AGENCY_SUFFIX}))\s*(?:19|20)\d{{2}}\s*年")
# How much of the end of a report may hold its signature and date.
_TAIL = 300
_PROVINCES = (
    "北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 内蒙古自治区 "
    "广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区"
).split()


# ---------------------------------------------------------------------------------- header fields

# Field names that crawlers and CMS pages print before a report ("标题: …", "发布时间：…"), with what
# each tells: the title, the page's publication time, the document's own date, the publisher, or
# nothing we use.  The one list both reads those headers and strips the names from every metadata value.
HEADER_FIELDS: dict[str, str | None] = {
    **dict.fromkeys(("标题", "题名", "题目", "名称", "文章标题", "信息名称", "文件名称"), "title"),
    **dict.fromkeys(("发布时间", "发布日期", "公开时间", "公开日期", "发表时间", "发表日期", "上网时间",
                     "上传时间", "时间", "日期"), "published"),
    **dict.fromkeys(("成文日期", "成文时间", "发文日期", "发文时间", "印发日期", "签发日期", "生成日期"), "written"),
    **dict.fromkeys(("发布机构", "发布单位", "发布部门", "发文机关", "发文单位", "公开主体", "制发机关"), "publisher"),
    **dict.fromkeys(("来源", "信息来源", "文章来源", "栏目", "所属栏目", "原始链接", "原文链接", "链接", "网址",
                     "本地目录", "索引号", "文号", "发文字号", "主题分类", "体裁分类", "组配分类", "公开方式",
                     "公开范围", "有效性", "关键词", "主题词", "作者", "浏览次数", "访问次数", "当前位置",
                     "更新时间", "修改时间", "字号"), None),
    "正文": "body",
}
_FIELD_NAME = "|".join(
    r"\s*".join(map(re.escape, name)) for name in sorted(HEADER_FIELDS, key=len, reverse=True)
)
_COLON = r"\s*[:：]"
_FIELD_PREFIX = re.compile(rf"^\s*(?:(?:{_FIELD_NAME}){_COLON}\s*)+")
_FIELD_LINE = re.compile(rf"^\s*(?:{_FIELD_NAME}){_COLON}")


def _is_field_line(line: str) -> bool:
    # Most lines hold no colon; testing for one first spares them the pattern's sixty names.
    return (":" in line or "：" in line) and _FIELD_LINE.match(line) is not None


# A field at the start of a line or after another on the same line ("发布日期：2023-01-10 来源：…"):
# after a space, a bar or a digit, never inside a word ("联系时间：") (`_fields_at`).
_FIELD_AT = re.compile(rf"({_FIELD_NAME}){_COLON}")
# A field's name and colon, spaced out as printed ("发 布 时 间 ："), fit in this many characters.
_FIELD_NAME_CHARACTERS = 40
# Fields written anywhere in the opening (not only at a line start) are trusted only under an
# unambiguous name: "时间：" in a sentence is more often a period than a publication time.
_FIELD_INLINE = re.compile(
    "(" + "|".join(sorted((n for n, r in HEADER_FIELDS.items() if r in ("published", "written") and len(n) >= 4),
                          key=len, reverse=True)) + rf"){_COLON}\s*((?:19|20)\d{{2}}\s*[年\-./]\s*\d{{1,2}}\s*[月\-./]\s*\d{{1,2}})"
)
_SECTION_ONE = re.compile(r"^\s*一\s*[、.．]\s*总体情况")
_HEADER_LINES = 40
_HEADER_CHARS = 4000
_MAX_VALUE = 120


def strip_field_prefix(value: str) -> str:
    """"标题: 莆田市统计局…" → "莆田市统计局…": a header field's name is never part of its value."""
    return _FIELD_PREFIX.sub("", value).strip()


@dataclass(frozen=True)
class HeaderField:
    name: str  # as listed in HEADER_FIELDS
    role: str | None
    value: str


def header_fields(text: str) -> list[HeaderField]:
    """The fields of a crawler's or CMS page's header at the top of `text`: the lines that open with
    a known field name, before the body (a 正文 field or section 一)."""
    return list(_header_fields(text))


@lru_cache(maxsize=1)  # asked for by the title, the publisher and the date of one report
def _header_fields(text: str) -> tuple[HeaderField, ...]:
    return tuple(_read_header_fields(text))


def _read_header_fields(text: str) -> list[HeaderField]:
    fields: list[HeaderField] = []
    for line in text[:_HEADER_CHARS].split("\n")[:_HEADER_LINES]:
        if _SECTION_ONE.match(line):
            break
        if not _is_field_line(line):
            continue
        found = _fields_at(line)
        for i, match in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(line)
            name = re.sub(r"\s+", "", match.group(1))
            fields.append(HeaderField(name, HEADER_FIELDS[name], line[match.end():end].strip()[:_MAX_VALUE]))
            if fields[-1].role == "body":  # what follows is the report
                return fields
    return fields


def _fields_at(line: str) -> list[re.Match[str]]:
    """The fields named in `line`, each at its start or after a space, a bar or a digit, and each
    no further than a value's length (_MAX_VALUE) after the one before: further on, the line is
    not a header's but a page's text run on after a field (a crawl's "当前位置：" and the whole
    report on one line, which searched to its end took a tenth of the report's parse).  The place
    is tested here, not by a lookbehind in the pattern: a pattern opening with its names lets the
    engine skip to where one may begin."""
    found: list[re.Match[str]] = []
    reach = _MAX_VALUE + _FIELD_NAME_CHARACTERS
    match = _FIELD_AT.search(line, 0, reach)
    while match is not None:
        start = match.start()
        if start and not _ends_before_a_field(line[start - 1]):
            match = _FIELD_AT.search(line, start + 1, (found[-1].end() if found else 0) + reach)
            continue
        found.append(match)
        match = _FIELD_AT.search(line, match.end(), match.end() + reach)
    return found


def _ends_before_a_field(character: str) -> bool:
    return character.isspace() or character.isdecimal() or character in "|｜"


def _reader_source(document: Document) -> str:
    """What the reader's facts are: a crawl header split off a text file, or a page's or file's own metadata."""
    return "crawl_header" if document.format == "text" else "page_meta"


# ---------------------------------------------------------------------------------- result


@dataclass(frozen=True)
class RefusedDate:
    """A date that cannot be the publication date, and why."""

    date: str  # ISO, or as printed when it is not a calendar date
    source: str
    reason: str  # Chinese
    reason_en: str


@dataclass
class Meta:
    year: int | None
    agency: str | None
    published: str | None
    region: dict[str, str]
    # field ("year", "agency", "published") -> where its value came from (see the module docstring)
    sources: dict[str, str] = field(default_factory=dict)
    refused: list[RefusedDate] = field(default_factory=list)


def _calendar_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _iso(match: re.Match[str]) -> str | None:
    year, month, day = (int(g) for g in match.groups()[:3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# ---------------------------------------------------------------------------------- title and year


_TITLE_WORDS = re.compile(r"信息公开.{0,8}报告")
_MAX_TITLE = 80
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年\s*度?")
_TITLE_TAIL = re.compile(r"(?:政府|政务)?信息公开.*$")


def _title_lines(document: Document) -> tuple[tuple[str, str], ...]:
    """Candidate titles with their source: the reader's title, a header's 标题 field, then the first
    lines that are not header fields, alone and joined in pairs (titles are often broken:
    "…中心\n2020年政府信息公开工作年度报告")."""
    return _titles(document.text, document.meta.get("title"), _reader_source(document))


@lru_cache(maxsize=1)  # asked for by the year and the agency of one report
def _titles(text: str, reader_title: str | None, reader_source: str) -> tuple[tuple[str, str], ...]:
    lines: list[tuple[str, str]] = []
    if reader_title:
        lines.append((strip_field_prefix(reader_title), reader_source))
    lines += [(f.value, "crawl_header") for f in header_fields(text) if f.role == "title" and f.value]
    head = _opening_lines(text)
    for i, line in enumerate(head):
        lines.append((line, "title"))
        if i + 1 < len(head):
            lines.append((line + head[i + 1], "title"))
    return tuple((line, source) for line, source in lines if _TITLE_WORDS.search(line) and len(line) <= _MAX_TITLE)


@lru_cache(maxsize=1)
def _opening_lines(text: str) -> tuple[str, ...]:
    """The first six lines of `text` that are not header fields."""
    found: list[str] = []
    for line in text[:_HEADER_CHARS].split("\n"):
        stripped = line.strip()
        if stripped and not _is_field_line(line):
            found.append(stripped)
            if len(found) == 6:
                break
    return tuple(found)


def _clean_agency(text: str) -> str | None:
    text = re.sub(r"\s+", "", strip_field_prefix(text)).strip("：:，,。 ")
    text = re.sub(r"(?:关于)$", "", text)
    return text if 2 <= len(text) <= 40 else None


def _find_year(document: Document) -> tuple[int | None, str | None]:
    for line, source in _title_lines(document):
        match = _YEAR.search(line)
        if match:
            return int(match.group(0)[:4]), source
    period = _PERIOD.search(document.text) or _PERIOD_END.search(document.text)
    if period:
        return int(period.group(1)), "period"
    # No title and no period: the year a report talks about most in its opening, not counting
    # the signature (a short report's opening reaches its date of signing, a year later).
    opening = document.text[:min(_OPENING, max(0, len(document.text) - _TAIL))]
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", opening))
    return (years.most_common(1)[0][0], "mentions") if years else (None, None)


def find_year(document: Document) -> int | None:
    return _find_year(document)[0]


# ---------------------------------------------------------------------------------- agency


def _agency_from_title(line: str) -> str | None:
    without_year = _YEAR.sub("", strip_field_prefix(line))
    return _clean_agency(_TITLE_TAIL.sub("", without_year).removeprefix("关于"))


def find_agency(document: Document) -> str | None:
    return _find_agency(document)[0]


def _find_agency(document: Document) -> tuple[str | None, str | None]:
    """As printed: the title, else the signature, else the page's publisher, else a line that opens
    with a body's name and a year ("站南街道2020年未收到…").  A place named bare (a 街道, 镇, 市, 县 …)
    becomes its governing body when the report names that body in full."""
    agency, source = _printed_agency(document)
    if not agency:
        return None, None
    full = _full_body_name(agency, document)
    return full if full else (agency, source)


# A place is governed by a body: a 街道 by its 办事处, a 镇, 乡, 县, 市 or 区 by its 人民政府, a 地区 or 盟 by
# its 行政公署.  Titles often name the place alone ("东柳街道政府信息公开工作年度报告", "三明市2023年…")
# while the report names the body in full elsewhere: in its opening (现公布三明市人民政府2023年…), its
# signature, its contact line or the page's 发布机构.
_BODY_OF_PLACE = {
    "街道": "办事处", "地区": "行政公署", "盟": "行政公署", "自治州": "人民政府",
    "镇": "人民政府", "乡": "人民政府", "县": "人民政府", "市": "人民政府", "区": "人民政府", "旗": "人民政府", "省": "人民政府",
}  # longer place words first: a 地区 is not a 区
_SIGNED_AFTER = re.compile(r"(?:(?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})年[\d一二三四五六七八九十]{1,2}月|$")
_CONTACT_WORDS = re.compile(r"联系|电话|地址|邮箱|邮编|传真")
_SENTENCE_END = r"[。；;！!？?]"
_SENTENCE = 120
_MAX_MENTIONS = 50


def _full_body_name(agency: str, document: Document) -> tuple[str, str] | None:
    body = next((b for place, b in _BODY_OF_PLACE.items() if agency.endswith(place)), None)
    if body is None:
        return None
    full = agency + body
    for publisher, source in _publishers(document):
        if _clean_agency(publisher) == full:
            return full, source
    compact = "".join(document.text.split())  # every whitespace character dropped, as \s+ would be
    name = re.compile(re.escape(full))
    # Signed by the body: its name among the last lines, followed by a date or by nothing.
    if any(_SIGNED_AFTER.match(compact, m.end()) for m in name.finditer(compact, max(0, len(compact) - _TAIL))):
        return full, "signature"
    contact = None
    for match in itertools.islice(name.finditer(compact), _MAX_MENTIONS):
        if _CONTACT_WORDS.search(_sentence(compact, match.start(), match.end())):
            contact = contact or "contact_line"
        elif match.start() < _OPENING:
            return full, "opening"
        else:
            contact = contact or "text"
    return (full, contact) if contact else None


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], looked for no further than _SENTENCE characters either side."""
    before = text[max(0, start - _SENTENCE):start]
    after = text[end:end + _SENTENCE]
    before = re.split(_SENTENCE_END, before)[-1]
    after = re.split(_SENTENCE_END, after, maxsplit=1)[0]
    return before + text[start:end] + after


def _publishers(document: Document) -> list[tuple[str, str]]:
    found = []
    if document.meta.get("publisher"):
        found.append((strip_field_prefix(document.meta["publisher"]), _reader_source(document)))
    found += [(f.value, "crawl_header") for f in header_fields(document.text) if f.role == "publisher" and f.value]
    return found


def _printed_agency(document: Document) -> tuple[str | None, str | None]:
    for line, source in _title_lines(document):
        agency = _agency_from_title(line)
        if agency:
            return agency, source
    tail = document.text[-_TAIL:]
    signature = list(re.finditer(rf"([\u4e00-\u9fff]{{2,30}}?(?:{_AGENCY_SUFFIX}))\s*\n?\s*(?:19|20)\d{{2}}\s*年\s*\d", tail))
    if signature:
        return signature[-1].group(1), "signature"
    for line in reversed([l.strip() for l in tail.split("\n") if l.strip()]):
        if re.fullmatch(rf"[\u4e00-\u9fff]{{2,30}}(?:{_AGENCY_SUFFIX})", line):
            return line, "signature"
    for publisher, source in _publishers(document):
        agency = _clean_agency(publisher)
        if agency:
            return agency, source
    subject = _SUBJECT.search(document.text[:3000])
    return (subject.group(1), "subject_line") if subject else (None, None)


# ---------------------------------------------------------------------------------- publication date

# Signatures in Chinese numerals (二〇二一年一月二十八日), older but still printed.
_HAN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0", "O": "0", "Ｏ": "0"}
_HAN_DIGIT_CLASS = "".join(_HAN_DIGITS)
_HAN_DATE = re.compile(rf"([{_HAN_DIGIT_CLASS}]{{4}})\s*年\s*([{_HAN_DIGIT_CLASS}十]{{1,2}})\s*月\s*([{_HAN_DIGIT_CLASS}十]{{1,3}})\s*日")
# A signature date alone on the last lines, written with dots, dashes or slashes.
_NUMERIC_SIGNATURE = re.compile(r"(?m)^\s*((?:19|20)\d{2})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\s*$")
# Reports are due by 31 January of the next year; one published after the end of the year after
# that is not plausible, and a date that late is a page's re-posting, not its publication.
_LATEST_YEARS_AFTER = 2

# For warnings: what a refused date was, in Chinese and English.
SOURCE_NAMES = {
    "signature": ("落款日期", "signature date"),
    "written_date": ("成文日期", "document date (成文日期)"),
    "crawl_header": ("网页抓取头中的发布时间", "crawl header publication time"),
    "page_meta": ("网页或文件元数据中的发布日期", "page or file metadata date"),
}


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


def _signature_date(document: Document) -> str | None:
    """The date at the end: alone on a line in dotted form, else the last 年月日 date that is not
    a period's start or end ("自…起", "截至…")."""
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
    return None


def _value_date(value: str) -> str | None:
    """The date a header value starts with: "2023-01-10 19:19", "2023年1月10日"."""
    match = _DATE.search(value[:40])
    return _iso(match) if match else None


def _date_candidates(document: Document) -> list[tuple[str, str]]:
    """(ISO date, source), best evidence first: what the document states (its signature, its 成文日期),
    then when the page was put up (a header's 发布时间, the reader's page facts)."""
    found: list[tuple[str, str]] = []
    signature = _signature_date(document)
    if signature:
        found.append((signature, "signature"))
    fields = header_fields(document.text)
    for role, source in (("written", "written_date"), ("published", "crawl_header")):
        for f in fields:
            iso = _value_date(f.value) if f.role == role else None
            if iso:
                found.append((iso, source))
    for match in _FIELD_INLINE.finditer(document.text[:1000]):
        iso = _value_date(match.group(2))
        if iso:
            found.append((iso, "written_date" if HEADER_FIELDS[match.group(1)] == "written" else "crawl_header"))
    if document.meta.get("published"):
        iso = _value_date(strip_field_prefix(document.meta["published"]))
        if iso:
            found.append((iso, _reader_source(document)))
    order = {"signature": 0, "written_date": 1, "crawl_header": 2, "page_meta": 3}
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda c: order[c[1]])


def _impossible(iso: str, year: int | None, latest: dt.date | None) -> tuple[str, str] | None:
    """Why `iso` cannot be the date a report on `year` was published, or None when it can."""
    date = _calendar_date(*(int(p) for p in iso.split("-")))
    if date is None:
        return "日历上没有这一天", "no such calendar day"
    if year is not None and date <= dt.date(year, 12, 31):
        return (f"早于或等于报告年度 {year} 年的最后一天，年度报告不可能在年度结束前发布",
                f"not after the end of the reported year {year}")
    if year is not None and date.year > year + _LATEST_YEARS_AFTER:
        return (f"晚于报告年度 {year} 年之后第 {_LATEST_YEARS_AFTER} 年年底，不可信",
                f"later than the end of {year + _LATEST_YEARS_AFTER}, implausibly long after the reported year {year}")
    if latest is not None and date > latest:
        return (f"晚于刊载报告的网页发布日期 {latest.isoformat()}",
                f"after {latest.isoformat()}, the day the page carrying the report went up")
    return None


def _find_published(document: Document, year: int | None) -> tuple[str | None, str | None, list[RefusedDate]]:
    """The first possible date among the candidates; each impossible one met before it is refused.

    A date is impossible when it is not after the reported year or more than `_LATEST_YEARS_AFTER`
    years after it, or, for a date the document states, when it is after the day the page carrying
    the document was put up (a possible header or page date): the report was public by then.
    The parse does not depend on the day it runs, so "in the future" means after such evidence."""
    candidates = _date_candidates(document)
    posted = [
        _calendar_date(*(int(p) for p in iso.split("-")))
        for iso, source in candidates
        if source in ("crawl_header", "page_meta") and _impossible(iso, year, None) is None
    ]
    posted_by = min((d for d in posted if d), default=None)
    refused: list[RefusedDate] = []
    for iso, source in candidates:
        stated = source in ("signature", "written_date")
        why = _impossible(iso, year, posted_by if stated else None)
        if why is None:
            return iso, source, refused
        refused.append(RefusedDate(iso, source, *why))
    return None, None, refused


def find_published(document: Document) -> str | None:
    """The signature date at the end, else a 成文日期, else a 发布日期 line or the page's publication time;
    never a date the reported year rules out."""
    return _find_published(document, find_year(document))[0]


# ---------------------------------------------------------------------------------- region and all


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
    # The header and opening lines are read once per report (title, publisher and date
    # all look at them); the caches hold this report's only.
    _header_fields.cache_clear()
    _opening_lines.cache_clear()
    _titles.cache_clear()
    year, year_source = _find_year(document)
    agency, agency_source = _find_agency(document)
    published, published_source, refused = _find_published(document, year)
    sources = {key: source for key, source in
               (("year", year_source), ("agency", agency_source), ("published", published_source)) if source}
    return Meta(year, agency, published, report_region(agency, document.text), sources, refused)


def report_region(agency: str | None, text: str) -> dict[str, str]:
    """The body's divisions and 行政区划代码 (nianbao.regions, from the name and the text); when the
    division list cannot place it, what the start of the name says (find_region)."""
    from .regions import resolve

    resolved = resolve(agency, text).as_dict()
    return resolved if resolved.get("code") else {**find_region(agency), **resolved}
