"""HTML reader: real crawled page, Word-exported markup, charsets, JS-escaped pages, site chrome."""

from __future__ import annotations

import json

import pytest

from nianbao.document import RawParagraph, RawTable
from nianbao.errors import UnreadableInput
from nianbao.readers import html
from tests.conftest import CORPUS

SHARED = CORPUS
SHANGHAI = SHARED / "dev" / "shanghai-gov-office-2019.html"
SHANGHAI_GOLD = SHARED / "gold" / "shanghai-gov-office-2019.json"
T3_COLUMNS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total"]
T4_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]


def tables(document) -> list[RawTable]:
    return [b for b in document.blocks if isinstance(b, RawTable)]


def paragraphs(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, RawParagraph)]


def table_containing(document, text: str) -> RawTable:
    return next(t for t in tables(document) if any(text in c.text for row in t.rows for c in row))


def texts(row) -> list[str]:
    return [cell.text for cell in row]


def gold_text(value) -> str:
    return "" if value is None else str(value)


# --- the real Shanghai page (markup inside a JavaScript string) --------------------------


@pytest.fixture(scope="module")
def shanghai():
    if not SHANGHAI.exists():
        pytest.skip(f"shared corpus file {SHANGHAI} is not available")
    return html.read(SHANGHAI.read_bytes(), source=SHANGHAI.name)


@pytest.fixture(scope="module")
def shanghai_gold():
    return json.loads(SHANGHAI_GOLD.read_text(encoding="utf-8"))


def test_shanghai_meta(shanghai):
    assert shanghai.format == "html"
    assert shanghai.meta["published"] == "2020-01-31"
    assert shanghai.meta["title"] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"


def test_shanghai_escaped_attributes_are_unescaped(shanghai):
    # The attributes are written colspan=\"5\"; unless unescaped the span would read as 1.
    t2 = table_containing(shanghai, "第二十条第（一）项")
    assert (t2.rows[0][0].text, t2.rows[0][0].colspan) == ("第二十条第（一）项", 5)
    assert not any('\\"' in c.text or '"' in c.text for t in tables(shanghai) for row in t.rows for c in row)


def test_shanghai_blocks_in_document_order(shanghai):
    order = []
    for block in shanghai.blocks:
        if isinstance(block, RawParagraph) and block.text[:2] in ("二、", "三、", "四、", "五、"):
            order.append(block.text[:2])
        elif isinstance(block, RawTable):
            order.append("table")
    assert order == ["二、", "table", "三、", "table", "四、", "table", "五、"]
    assert paragraphs(shanghai)[-1] == "无。"


def test_shanghai_table3_grid(shanghai):
    t3 = table_containing(shanghai, "自然人")
    assert len(t3.rows) == 3 + 23
    header = t3.rows[0][0]
    assert (header.rowspan, header.colspan) == (3, 3)
    carried_over = t3.rows[4]
    assert carried_over[0].text == "二、上年结转政府信息公开申请数量"
    assert texts(carried_over)[1:] == ["18", "", "", "", "", "", "18"]
    assert [c.col for c in carried_over] == [0, 3, 4, 5, 6, 7, 8, 9]
    outcome = t3.rows[5]
    assert (outcome[0].text, outcome[0].rowspan) == ("三、本年度办理结果", 20)
    # Rows under the 20-row span start at grid column 1 (or 2 under （三）不予公开).
    state_secret = t3.rows[7]
    assert [(c.text, c.col, c.rowspan) for c in state_secret[:2]] == [("（三）不予公开", 1, 8), ("1.属于国家秘密", 2, 1)]
    prohibited = t3.rows[8]
    assert (prohibited[0].text, prohibited[0].col) == ("2.其他法律行政法规禁止公开", 2)
    assert texts(prohibited)[1:] == [""] * 7


def test_shanghai_table3_values_match_gold(shanghai, shanghai_gold):
    t3 = table_containing(shanghai, "自然人")
    data_rows = t3.rows[3:]
    for row, (key, gold_row) in zip(data_rows, shanghai_gold["t3"].items(), strict=True):
        values = texts(row)[-7:]
        assert values == [gold_text(gold_row[c]) for c in T3_COLUMNS], key


def test_shanghai_table4_values_match_gold(shanghai, shanghai_gold):
    t4 = table_containing(shanghai, "复议后起诉")
    values = texts(t4.rows[-1])
    expected = [gold_text(shanghai_gold["t4"][group][c])
                for group in ("review", "litigation_direct", "litigation_after_review") for c in T4_COLUMNS]
    assert values == expected
    assert len(values) == 15


def test_shanghai_cell_line_break(shanghai):
    t2 = table_containing(shanghai, "第二十条第（一）项")
    assert t2.rows[1][1].text == "本年新\n制作数量"


# --- Word-exported markup ---------------------------------------------------------------

WORD_EXPORT = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"></head>
<body lang=ZH-CN>
<p class=MsoNormal align=center><b><span style='font-size:16pt'>2021年某区政府信息公开工作年度报告</span></b></p>
<p class=MsoNormal><span style='font-family:仿宋'>三、收到和处理政府信息公开申请情况<o:p></o:p></span></p>
<table class=MsoTableGrid border=1>
 <tr>
  <td rowspan=2 colspan=2><p class=MsoNormal><span>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</span></p></td>
  <td colspan=3><p class=MsoNormal><span>申请人情况</span></p></td>
 </tr>
 <tr>
  <td><p class=MsoNormal><span>自</span>
  <span>然</span><span>人<o:p></o:p></span></p></td>
  <td><p class=MsoNormal><span lang=EN-US>商业</span><span>企业</span></p></td>
  <td><p class=MsoNormal><span>总计</span></p></td>
 </tr>
 <tr>
  <td colspan=2><p class=MsoNormal><span>一、本年新收政府信息公开申请数量</span></p></td>
  <td><p class=MsoNormal align=center><span lang=EN-US>8</span><span
  lang=EN-US>2</span><font><span lang=EN-US>1<o:p></o:p></span></font></p></td>
  <td><p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p></td>
  <td><p class=MsoNormal><span lang=EN-US>8</span><span lang=EN-US>21</span></p></td>
 </tr>
 <![if !supportMisalignedColumns]>
 <tr height=0 style='display:none'><td width=80></td><td width=80></td><td width=80></td><td width=80></td><td width=80></td></tr>
 <![endif]>
</table>
<p class=MsoNormal><span>四、政府信息公开行政复议、行政诉讼情况</span></p>
</body></html>"""


@pytest.fixture(scope="module")
def word_export():
    return html.read(WORD_EXPORT.encode("utf-8"))


def test_word_export_span_split_digits_are_joined(word_export):
    table = tables(word_export)[0]
    assert texts(table.rows[2]) == ["一、本年新收政府信息公开申请数量", "821", "", "821"]


def test_word_export_split_header_has_no_spaces(word_export):
    table = tables(word_export)[0]
    assert texts(table.rows[1]) == ["自然人", "商业企业", "总计"]


def test_word_export_grid_positions(word_export):
    table = tables(word_export)[0]
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in table.rows[0]] == [(0, 0, 2, 2), (0, 2, 1, 3)]
    assert [c.col for c in table.rows[1]] == [2, 3, 4]
    assert [c.col for c in table.rows[2]] == [0, 2, 3, 4]


def test_word_export_hidden_width_row_is_dropped(word_export):
    assert len(tables(word_export)[0].rows) == 3


def test_word_export_title_and_order(word_export):
    assert word_export.meta["title"] == "2021年某区政府信息公开工作年度报告"
    kinds = [type(b).__name__ for b in word_export.blocks]
    assert kinds == ["RawParagraph", "RawParagraph", "RawTable", "RawParagraph"]


def test_rowspan_zero_and_oversized_spans_stay_in_table():
    page = ("<table><tr><td rowspan=0>a</td><td>b</td></tr><tr><td>c</td></tr>"
            "<tr><td rowspan=99>d</td></tr></table>")
    table = tables(html.read(page.encode()))[0]
    assert [(c.text, c.row, c.col, c.rowspan) for row in table.rows for c in row] == [
        ("a", 0, 0, 3), ("b", 0, 1, 1), ("c", 1, 1, 1), ("d", 2, 1, 1)]


# --- charsets ---------------------------------------------------------------------------

GBK_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>年度报告</title></head><body>
<p>2020年政府信息公开工作年度报告</p>
<table><tr><td>行政复议</td><td>結果維持</td></tr><tr><td>3</td><td>&nbsp;</td></tr></table>
</body></html>"""


def test_gbk_page_with_meta_charset():
    document = html.read(GBK_PAGE.encode("gbk"))
    assert paragraphs(document) == ["2020年政府信息公开工作年度报告"]
    # Traditional characters stay as printed: conversion is the normaliser's job.
    assert texts(tables(document)[0].rows[0]) == ["行政复议", "結果維持"]
    assert texts(tables(document)[0].rows[1]) == ["3", ""]


def test_gb18030_page_without_declaration():
    page = "<p>收到和处理政府信息公开申请情况</p><p>本年新收申请12件</p>"
    document = html.read(page.encode("gb18030"))
    assert paragraphs(document) == ["收到和处理政府信息公开申请情况", "本年新收申请12件"]


def test_utf8_page_that_claims_gb2312():
    page = '<meta charset="gb2312"><p>主动公开政府信息情况</p>'
    assert paragraphs(html.read(page.encode("utf-8"))) == ["主动公开政府信息情况"]


def test_utf8_bom():
    assert paragraphs(html.read("\ufeff<p>年度报告</p>".encode("utf-8"))) == ["年度报告"]


# --- JavaScript-wrapped markup ----------------------------------------------------------


def test_page_that_is_one_js_string_literal():
    page = r'"<p class=\"title\">2019年某局政府信息公开工作年度报告<\/p>\n<p>\u53d1\u5e03\u65e5\u671f\uff1a2020-01-20<\/p>";'
    document = html.read(page.encode("utf-8"))
    assert paragraphs(document) == ["2019年某局政府信息公开工作年度报告", "发布日期：2020-01-20"]
    assert document.meta["published"] == "2020-01-20"


def test_report_written_by_script_is_read():
    page = """<html><body><div id="nav"><a href="/">首页</a></div>
<script type="text/javascript">
var content = "<p>2022年某镇政府信息公开工作年度报告</p><table><tr><td colspan=\\"2\\">行政复议</td></tr><tr><td>1</td><td>2</td></tr></table>";
document.getElementById("c").innerHTML = content;
</script><script>var tracker = "UA-1";</script></body></html>"""
    document = html.read(page.encode("utf-8"))
    assert "2022年某镇政府信息公开工作年度报告" in paragraphs(document)
    table = tables(document)[0]
    assert (table.rows[0][0].text, table.rows[0][0].colspan) == ("行政复议", 2)
    assert texts(table.rows[1]) == ["1", "2"]
    assert not any("UA-1" in p for p in paragraphs(document))


# --- site chrome, layout tables, nested tables, page facts ------------------------------

PORTAL_PAGE = """<!DOCTYPE html><html><head><title>某市交通运输局2020年政府信息公开工作年度报告_某市人民政府</title>
<meta name="ArticleTitle" content="某市交通运输局2020年政府信息公开工作年度报告">
<meta name="PubDate" content="2021-01-29 10:20">
<meta name="ContentSource" content="某市交通运输局">
<style>.x{color:red}</style></head>
<body>
<nav><ul><li><a href="/a">政府信息公开年报</a></li><li><a href="/b">主动公开政府信息情况</a></li></ul></nav>
<table width="100%" class="layout"><tr><td>
  <div class="crumb">首页 &gt; 政务公开 &gt; 年度报告</div>
  <h1>某市交通运输局2020年政府信息公开工作年度报告</h1>
  <div class="info">发布时间：2021-01-28 09:00:00 &nbsp; 信息来源：某市交通运输局 &nbsp; 浏览次数：<span>123</span></div>
  <div class="content">
    <p>一、总体情况</p>
    <p>　　2020年，本局主动公开政府信息<span>1</span><span>2</span>条。</p>
    <p>三、收到和处理政府信息公开申请情况</p>
    <table border="1">
      <tr><td>项目</td><td>数量</td></tr>
      <tr><td>本年新收申请</td><td><table><tr><td>自然人</td><td>5</td></tr></table></td></tr>
      <tr><td>总计</td><td>5</td></tr>
    </table>
    <p>六、其他需要报告的事项</p><p>无。</p>
  </div>
</td></tr></table>
<footer>版权所有：某市人民政府 网站标识码 1234</footer>
</body></html>"""


@pytest.fixture(scope="module")
def portal():
    return html.read(PORTAL_PAGE.encode("utf-8"))


def test_portal_page_meta(portal):
    assert portal.meta["published"] == "2021-01-28"
    assert portal.meta["publisher"] == "某市交通运输局"
    assert portal.meta["title"] == "某市交通运输局2020年政府信息公开工作年度报告"


def test_portal_page_keeps_report_drops_chrome(portal):
    text = paragraphs(portal)
    assert text[0] == "某市交通运输局2020年政府信息公开工作年度报告"
    assert "一、总体情况" in text and text[-1] == "无。"
    assert "2020年，本局主动公开政府信息12条。" in text
    joined = "\n".join(text)
    for chrome in ("首页", "版权所有", "政府信息公开年报", ".x{color"):
        assert chrome not in joined


def test_layout_table_is_flattened_and_nested_table_emitted_once(portal):
    found = tables(portal)
    assert len(found) == 2
    outer, inner = found
    assert texts(outer.rows[1]) == ["本年新收申请", ""]
    assert texts(inner.rows[0]) == ["自然人", "5"]
    assert portal.blocks.index(outer) + 1 == portal.blocks.index(inner)


def test_br_separates_paragraphs_and_cell_lines():
    page = "<div>第一段<br>第二段<br/><br/>第三段</div><table><tr><td>本年新<br>制作数量</td><td>x</td></tr></table>"
    document = html.read(page.encode("utf-8"))
    assert paragraphs(document) == ["第一段", "第二段", "第三段"]
    assert tables(document)[0].rows[0][0].text == "本年新\n制作数量"


def test_whitespace_between_latin_words_is_kept():
    page = "<p>www.shanghai.gov.cn\n  <span>is</span> the   portal</p>"
    assert paragraphs(html.read(page.encode()))[0] == "www.shanghai.gov.cn is the portal"


def test_image_only_tables_produce_warning():
    page = "<p>2020年政府信息公开工作年度报告</p><p><img src='table3.png'></p>"
    assert html.read(page.encode()).warnings


# --- unreadable input -------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t", b"\x00\x01\x02PDF-1.4\x00\x00binary"])
def test_empty_or_binary_input_is_unreadable(data):
    with pytest.raises(UnreadableInput) as error:
        html.read(data)
    assert error.value.message_zh and error.value.message_en


def test_markup_without_text_is_unreadable():
    with pytest.raises(UnreadableInput):
        html.read(b"<html><body><script>var a = 1;</script><div></div></body></html>")


# --- tree details the reader must get right (lxml keeps text in .text/.tail) -------------


def test_xhtml_page_with_xml_encoding_declaration():
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
            "<head><title>2021年某县政府信息公开工作年度报告</title></head>\n"
            "<body><p>一、总体情况</p><p>本年度主动公开信息<b>35</b>条。</p></body></html>")
    document = html.read(page.encode("utf-8"))
    assert paragraphs(document) == ["一、总体情况", "本年度主动公开信息35条。"]
    assert document.meta["title"] == "2021年某县政府信息公开工作年度报告"


def test_text_after_comments_and_removed_scripts_is_kept():
    page = ("<p>发布日期：<!-- 日期 -->2020-01-31</p>"
            "<p>主动公开<script>var n = 1;</script>12条<span>，其中</span>规章<style>p{}</style>3件。</p>")
    document = html.read(page.encode("utf-8"))
    assert paragraphs(document) == ["发布日期：2020-01-31", "主动公开12条，其中规章3件。"]
    assert document.meta["published"] == "2020-01-31"


def test_text_after_dropped_chrome_is_kept():
    page = ('<div class="content"><p>2020年某局政府信息公开工作年度报告</p><p>一、总体情况</p>'
            '<div class="share">分享到：微信</div>本年度无新增。<p>六、其他需要报告的事项</p><p>无。</p></div>')
    text = paragraphs(html.read(page.encode("utf-8")))
    assert "本年度无新增。" in text
    assert not any("分享" in line for line in text)


def test_table_is_judged_again_after_chrome_in_a_cell_is_dropped():
    # Before the share box is dropped the first cell is over 400 characters (a layout box);
    # after, the table is data and must come out as a grid.
    share = '<div class="share">分享到' + "微信、微博" * 90 + "</div>"
    page = (f"<body><p>2020年某局政府信息公开工作年度报告</p><p>一、总体情况</p>"
            f"<table><tr><td>{share}申请</td><td>12</td></tr><tr><td>总计</td><td>12</td></tr></table>"
            "<p>六、其他需要报告的事项</p></body>")
    table = tables(html.read(page.encode("utf-8")))[0]
    assert [texts(row) for row in table.rows] == [["申请", "12"], ["总计", "12"]]
