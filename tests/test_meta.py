"""Metadata that does not mislead: year, agency and publication date as printed, header field
names never part of a value, impossible dates refused with a warning, and each value's source said.

The reports here are synthetic variations of one example (a title, a statistics period and a
signature), dressed the ways crawlers, CMS pages and writers dress them.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao import readers
from nianbao.document import Document
from nianbao.meta import HEADER_FIELDS, find_meta, header_fields, strip_field_prefix
from nianbao.normalise import build_document
from nianbao.parser import parse_bytes

from .conftest import ROOT

EXAMPLE = (ROOT / "examples" / "2020-transport-bureau-2019-edition.txt").read_text(encoding="utf-8")
SIGNED = "2021年1月28日"
TITLE = "示例市交通运输局2020年政府信息公开工作年度报告"
AGENCY = "示例市交通运输局"
UNSIGNED = EXAMPLE.replace(SIGNED, "")
BODY = EXAMPLE.removeprefix(TITLE).lstrip("\n")  # the example without its title line


def meta(text: str, *, name: str = "report.txt"):
    document = build_document(readers.read(text.encode("utf-8"), name))
    return find_meta(document)


def header(*fields: tuple[str, str], colon: str = ": ") -> str:
    return "".join(f"{name}{colon}{value}\n" for name, value in fields)


# --------------------------------------------------------------------------- the signature date

@pytest.mark.parametrize("printed,iso", [
    ("2021年1月28日", "2021-01-28"),
    ("2021年01月28日", "2021-01-28"),
    ("二〇二一年一月二十八日", "2021-01-28"),
    ("二○二一年十月八日", "2021-10-08"),
    ("二零二一年十二月三十一日", "2021-12-31"),
    ("2021.1.28", "2021-01-28"),
    ("2021/1/28", "2021-01-28"),
    ("2021-01-28", "2021-01-28"),
])
def test_signature_date(printed, iso):
    assert SIGNED in EXAMPLE
    report = parse_bytes(EXAMPLE.replace(SIGNED, printed).encode("utf-8"), "report.txt")
    assert report.published == iso
    assert report.meta_source["published"] == "signature"


def test_a_period_end_is_not_a_signature():
    text = UNSIGNED + "\n本报告统计期限截至二〇二〇年十二月三十一日止。\n"
    assert parse_bytes(text.encode("utf-8"), "report.txt").published is None


# --------------------------------------------------------------------------- header field names

COLONS = (": ", "：", ":", " ： ", "：  ")


@pytest.mark.parametrize("colon", COLONS)
@pytest.mark.parametrize("title_field", ["标题", "题名", "文章标题", "标  题", "信息名称"])
def test_a_crawl_header_title_gives_agency_and_year_without_its_field_name(title_field, colon):
    text = header((title_field, TITLE), ("发布时间", "2021-01-29 10:20"), ("文号", ""), ("栏目", "年报"),
                  ("原始链接", "https://example.gov.cn/a.htm"), ("索引号", "123/2021-0001"), ("正文", ""), colon=colon) + BODY
    found = meta(text)
    assert (found.year, found.agency) == (2020, AGENCY)
    assert found.sources["agency"] == found.sources["year"] == "crawl_header"
    assert found.published == "2021-01-28" and found.sources["published"] == "signature"


@pytest.mark.parametrize("colon", COLONS)
def test_a_header_split_off_by_the_reader_is_stripped_too(colon):
    text = header(("标题", TITLE), ("发布时间", "2021-01-29 10:20"), colon=colon) + "==== 正文 ====\n" + UNSIGNED
    found = meta(text)
    assert (found.year, found.agency, found.published) == (2020, AGENCY, "2021-01-29")
    assert found.sources["published"] == "crawl_header"


def test_a_title_without_a_field_name_is_the_title():
    found = meta(EXAMPLE)
    assert (found.year, found.agency) == (2020, AGENCY)
    assert found.sources == {"year": "title", "agency": "title", "published": "signature"}


def test_header_fields_on_one_line():
    text = f"标题：{TITLE} 发布日期：2021-01-29 来源：{AGENCY} 浏览次数：12\n" + BODY.replace(SIGNED, "")
    fields = {f.name: f.value for f in header_fields(text)}
    assert fields["标题"] == TITLE and fields["发布日期"] == "2021-01-29" and fields["来源"] == AGENCY
    found = meta(text)
    assert (found.agency, found.published) == (AGENCY, "2021-01-29")


def test_a_word_ending_in_a_field_name_is_not_a_field():
    # "联系时间" is not "时间", and lines after section 一 are the report, not its header.
    text = f"{TITLE}\n联系时间：2020年3月1日\n一、总体情况\n时间：2020年5月1日\n" + BODY
    assert header_fields(text) == []


def test_a_field_after_a_page_of_text_on_its_line_is_not_the_headers():
    # A crawl's "当前位置：" with the whole report run on after it on one line: a "发布时间："
    # in the report's text is further from the field before it than any value is long.
    body = BODY.replace(SIGNED, "").replace("\n", " ")
    text = f"当前位置： 首页 > 政务公开 {body} 发布时间：2020-12-01\n"
    assert [f.name for f in header_fields(text)] == ["当前位置"]
    near = f"当前位置： 首页 > 政务公开 发布时间：2021-01-29 {body}\n"
    assert [(f.name, f.value[:10]) for f in header_fields(near)][1] == ("发布时间", "2021-01-29")


@pytest.mark.parametrize("value,stripped", [
    ("标题: 莆田市统计局", "莆田市统计局"),
    ("标题：三明市", "三明市"),
    ("发布机构：莆田市统计局", "莆田市统计局"),
    ("来源: 时间: 2021-01-27 11:26", "2021-01-27 11:26"),
    ("标  题 ： 某某局", "某某局"),
    ("莆田市统计局", "莆田市统计局"),
    ("标题党的建设", "标题党的建设"),  # no colon: not a field
])
def test_strip_field_prefix(value, stripped):
    assert strip_field_prefix(value) == stripped


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.sampled_from(sorted(HEADER_FIELDS)), max_size=6),
    colon=st.sampled_from(COLONS),
    values=st.lists(st.sampled_from(["", "年报", "https://example.gov.cn/x.htm", "2021-01-29 10:00", "政府信息公开办"]),
                    min_size=6, max_size=6),
)
def test_no_header_field_name_ever_reaches_a_value(names, colon, values):
    """Whatever header fields come before the title, in whatever form, agency and year come out clean."""
    fields = [(n, v) for n, v in zip(names, values) if HEADER_FIELDS[n] not in ("body", "title", "publisher")]
    text = header(("标题", TITLE), *fields, colon=colon) + "正文:\n" + BODY
    found = meta(text)
    assert (found.year, found.agency) == (2020, AGENCY)


def test_reader_facts_lose_their_field_names():
    document = Document(UNSIGNED, [], "html", {"title": f"标题：{TITLE}", "publisher": f"发布机构：{AGENCY}",
                                               "published": "发布日期：2021-01-29"}, [], True)
    found = find_meta(document)
    assert (found.agency, found.published) == (AGENCY, "2021-01-29")
    assert found.sources["published"] == found.sources["agency"] == "page_meta"


# --------------------------------------------------------------------------- which date wins

@pytest.mark.parametrize("field,printed,iso,source", [
    ("发布时间", "2021-01-29 10:20", "2021-01-29", "crawl_header"),
    ("发布时间", "2021-01-29 10:20:33", "2021-01-29", "crawl_header"),
    ("发布日期", "2021年1月29日", "2021-01-29", "crawl_header"),
    ("发布日期", "2021/01/29", "2021-01-29", "crawl_header"),
    ("公开日期", "2021.1.29", "2021-01-29", "crawl_header"),
    ("发文日期", "2021-01-27", "2021-01-27", "written_date"),
    ("成文日期", "2021年1月27日", "2021-01-27", "written_date"),
])
def test_a_header_date_is_used_when_the_document_states_none(field, printed, iso, source):
    found = meta(header(("标题", TITLE), (field, printed)) + "正文:\n" + BODY.replace(SIGNED, ""))
    assert found.published == iso and found.sources["published"] == source
    assert found.refused == []


def test_the_signature_date_beats_the_header_date():
    found = meta(header(("标题", TITLE), ("发布时间", "2021-02-03 09:00")) + "正文:\n" + BODY)
    assert found.published == "2021-01-28" and found.sources["published"] == "signature"


def test_a_written_date_beats_the_publication_time():
    text = header(("标题", TITLE), ("发布时间", "2021-02-03 09:00"), ("成文日期", "2021-01-27")) + "正文:\n" + UNSIGNED
    found = meta(text.replace(TITLE + "\n\n", "", 1))
    assert found.published == "2021-01-27" and found.sources["published"] == "written_date"


# --------------------------------------------------------------------------- impossible dates

def _unsigned_with_header_date(printed: str, field: str = "发布时间") -> str:
    return header(("标题", TITLE), (field, printed)) + "正文:\n" + BODY.replace(SIGNED, "")


@pytest.mark.parametrize("printed", [
    "2020-01-01",            # 1 January of the reported year: a CMS default, not a publication
    "2020-01-01 00:00",
    "2020年1月1日",
    "2020-12-31 23:59",      # the last day of the reported year: the year is not over
    "2019-12-20",            # before the reported year
    "2025-03-01 10:00",      # four years on: a re-posting, not the publication
])
def test_an_impossible_header_date_is_refused(printed):
    found = meta(_unsigned_with_header_date(printed))
    assert found.published is None and "published" not in found.sources
    assert [r.source for r in found.refused] == ["crawl_header"]


@pytest.mark.parametrize("field", ["发布时间", "发布日期", "发文日期", "时间"])
def test_january_first_of_the_report_year_warns_on_the_report(field):
    report = parse_bytes(_unsigned_with_header_date("2020-01-01 00:00", field).encode("utf-8"), "report.txt")
    assert report.published is None
    warnings = [w for w in report.warnings if w.code == "META.DATE_IMPOSSIBLE"]
    assert len(warnings) == 1
    assert "2020-01-01" in warnings[0].message and "不可能是发布日期" in warnings[0].message
    assert "2020-01-01" in warnings[0].message_en and "publication date" in warnings[0].message_en


def test_an_impossible_header_date_is_ignored_when_the_signature_settles_it():
    report = parse_bytes((header(("标题", TITLE), ("发布时间", "2020-01-01")) + "正文:\n" + BODY).encode("utf-8"), "r.txt")
    assert report.published == "2021-01-28"
    assert not [w for w in report.warnings if w.code.startswith("META.")]


def test_a_signature_inside_the_reported_year_falls_back_to_the_header():
    text = header(("标题", TITLE), ("发布时间", "2021-01-29 10:00")) + "正文:\n" + BODY.replace(SIGNED, "2020年6月1日")
    found = meta(text)
    assert found.published == "2021-01-29" and found.sources["published"] == "crawl_header"
    assert [(r.date, r.source) for r in found.refused] == [("2020-06-01", "signature")]


def test_a_signature_after_the_page_went_up_is_refused():
    text = header(("标题", TITLE), ("发布时间", "2021-01-29 10:00")) + "正文:\n" + BODY.replace(SIGNED, "2021年3月28日")
    found = meta(text)
    assert found.published == "2021-01-29"
    assert [(r.date, r.source) for r in found.refused] == [("2021-03-28", "signature")]


def test_the_day_the_parse_runs_does_not_matter():
    # A report on a year still to come parses the same today as then: no clock, only evidence.
    future = EXAMPLE.replace("2020", "2090").replace(SIGNED, "2091年1月28日")
    found = meta(future)
    assert (found.year, found.published) == (2090, "2091-01-28") and found.refused == []


def test_a_day_the_calendar_does_not_have_is_refused():
    found = meta(EXAMPLE.replace(SIGNED, "2021年2月30日"))
    assert found.published is None and found.refused[0].date == "2021-02-30"


def test_without_a_year_only_the_calendar_limits_the_date():
    document = Document(f"{AGENCY}\n本机关主动公开信息。\n{AGENCY}\n2021年1月28日", [], "text", {}, [], True)
    found = find_meta(document)
    assert found.year is None and found.published == "2021-01-28"


# --------------------------------------------------------------------------- a place and its body

CITY_TITLE = "示例市2023年政府信息公开工作年度报告"
CITY_BODY = "根据《中华人民共和国政府信息公开条例》，现公布{named}2023年政府信息公开工作年度报告。统计期限为2023年1月1日到2023年12月31日。\n一、总体情况\n2023年，示例市主动公开信息。\n"


@pytest.mark.parametrize("title_line", [CITY_TITLE, f"标题：{CITY_TITLE}", f"标题: {CITY_TITLE}"])
def test_a_bare_city_in_the_title_becomes_the_government_the_opening_names(title_line):
    found = meta(f"{title_line}\n" + CITY_BODY.format(named="示例市人民政府"))
    assert found.agency == "示例市人民政府" and found.sources["agency"] == "opening"


def test_a_bare_city_stays_bare_when_no_body_is_named():
    found = meta(f"{CITY_TITLE}\n" + CITY_BODY.format(named="示例市"))
    assert found.agency == "示例市" and found.sources["agency"] == "title"


def test_the_publisher_field_names_the_body():
    text = header(("标题", CITY_TITLE), ("发布机构", "示例市人民政府"), ("正文", "")) + CITY_BODY.format(named="本市")
    found = meta(text)
    assert found.agency == "示例市人民政府" and found.sources["agency"] == "crawl_header"


def test_the_publisher_field_stands_in_for_a_missing_title():
    text = header(("发布时间", "2021-01-29"), ("发布机构", AGENCY), ("正文", "")) + "本报告依据条例编制。\n一、总体情况\n2020年，本机关主动公开信息。\n"
    found = meta(text)
    assert found.agency == AGENCY and found.sources["agency"] == "crawl_header"


@pytest.mark.parametrize("place,body", [("示例县", "示例县人民政府"), ("示例区", "示例区人民政府"), ("示例地区", "示例地区行政公署")])
def test_other_places_and_their_bodies(place, body):
    text = f"{place}2023年政府信息公开工作年度报告\n" + CITY_BODY.format(named=body)
    assert meta(text).agency == body


def test_a_body_named_only_in_the_contact_line():
    text = f"{CITY_TITLE}\n本报告统计期限为2023年1月1日到2023年12月31日。如有疑问请联系示例市人民政府办公室（电话：0000-1234567）。\n"
    found = meta(text)
    assert found.agency == "示例市人民政府" and found.sources["agency"] == "contact_line"


def test_a_full_name_broken_over_lines_is_still_found():
    # Crawlers that save one text run per line print "示例\n市人民政府\n20\n23\n年".
    text = f"标题：{CITY_TITLE}\n正文：\n现公布\n示例\n市人民政府\n20\n23\n年政府信息公开工作年度报告。\n一、总体情况\n"
    assert meta(text).agency == "示例市人民政府"


def test_a_department_is_not_completed():
    found = meta(EXAMPLE + "\n示例市交通运输局人民政府")
    assert found.agency == AGENCY


# --------------------------------------------------------------------------- output

def test_parse_output_says_where_metadata_came_from(run_cli, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(_unsigned_with_header_date("2020-01-01 08:00"), encoding="utf-8")
    full = json.loads(run_cli("parse", path).stdout)
    assert full["meta_sources"] == {"year": "crawl_header", "agency": "crawl_header"}
    assert any(w["code"] == "META.DATE_IMPOSSIBLE" for w in full["warnings"])
    canonical = json.loads(run_cli("parse", path, "--canonical").stdout)
    assert "meta_sources" not in canonical and canonical["published"] is None


def test_a_body_that_signs_the_report():
    text = f"{CITY_TITLE}\n" + CITY_BODY.format(named="本市") + "示例市人民政府\n2024年1月20日\n"
    found = meta(text)
    assert found.agency == "示例市人民政府" and found.sources["agency"] == "signature"
    assert found.published == "2024-01-20"
