"""Pipe rows: borders or separators (readers.text._pipe_table).

Markdown writes a pipe at both ends of every row (`| 规章 | 0 | 0 | 0 |`); Word's export and
html2text write pipes only between cells, so there a row opening or closing with a pipe has an
empty first or last cell (`| | 0| 0`, `规章| 0| `).  Dropping those pipes as borders shifted
every value of a row with an empty first cell one column left."""

from __future__ import annotations

from nianbao.document import RawTable
from nianbao.parser import parse_bytes
from nianbao.readers import read


def _rows(text: str) -> list[list[str]]:
    (table,) = [b for b in read(text.encode("utf-8"), "page.txt").blocks if isinstance(b, RawTable)]
    return [[cell.text for cell in row] for row in table.rows]


# Table 二 and table 三's first rows as html2text writes a web page's tables: a rule after the
# first row, two spaces closing each row, merged cells left empty.
HTML2TEXT = """信息内容| 本年制发件数| 本年废止件数| 现行有效件数  
---|---|---|---  
规章| 0| 0|   
行政规范性文件| 3| 0| 12  
"""

HTML2TEXT_T3 = """三、收到和处理政府信息公开申请情况

（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）| 申请人情况  
---|---  
| 自然人| 法人或其他组织| 总计  
| | 商业企业| 科研机构| 社会公益组织| 法律服务机构| 其他|   
一、本年新收政府信息公开申请数量| 5| 1| 0| 0| 0| 0| 6  
二、上年结转政府信息公开申请数量| | | | | | | 0  
三、本年度办理结果| （一）予以公开| 3| 1| 0| 0| 0| 0| 4  
| （二）部分公开（区分处理的，只计这一情形，不计其他情形）| 2| 0| 0| 0| 0| 0| 2  
"""


def test_a_row_closing_with_a_pipe_keeps_its_empty_last_cell():
    assert _rows(HTML2TEXT)[1] == ["规章", "0", "0", ""]


def test_a_row_opening_with_a_pipe_keeps_its_empty_first_cell():
    rows = _rows(HTML2TEXT_T3.split("\n\n", 1)[1])
    assert rows[2] == ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    assert rows[-1][:3] == ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "2"]


def test_markdown_borders_are_not_cells():
    text = "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n| 规章 | 0 | 0 | |\n"
    assert _rows(text) == [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", ""]]


def test_a_merged_first_column_does_not_make_the_pipes_borders():
    # Most rows open with a pipe (the group label's merged cell), but rows ending in a value
    # show that the pipes only separate cells.
    text = "".join(f"| | {n}.属于国家秘密| 0| 0| 1  \n" for n in range(1, 6)) + "（六）其他处理| 0| 0| 1  \n"
    assert _rows(text)[0] == ["", "", "1.属于国家秘密", "0", "0", "1"]


def test_html2text_rows_are_read_in_their_columns():
    report = parse_bytes(HTML2TEXT_T3.encode("utf-8"), "page.txt")
    t3 = report.tables["t3"]
    assert [cell.value for cell in t3["carried_over"].values()] == [None, None, None, None, None, None, 0]
    assert [cell.value for cell in t3["granted"].values()] == [3, 1, 0, 0, 0, 0, 4]
    assert [cell.value for cell in t3["partially_granted"].values()] == [2, 0, 0, 0, 0, 0, 2]
    assert not any(cell.uncertain for row in ("granted", "partially_granted") for cell in t3[row].values())


def test_a_markdown_table_of_two_columns_is_a_table():
    # html2text writes table 三's caption row (two cells, one pipe) first, then the rule.
    rows = _rows(HTML2TEXT_T3.split("\n\n", 1)[1])
    assert rows[0] == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
    assert rows[1] == ["", "自然人", "法人或其他组织", "总计"]


def test_a_line_with_a_pipe_before_a_plain_rule_is_text():
    blocks = read("首页 | 政务公开\n----\n正文\n".encode("utf-8"), "page.txt").blocks
    assert not any(isinstance(block, RawTable) for block in blocks)


def test_break_tags_in_a_cell_are_line_breaks():
    # Converters of web pages to Markdown write a line break inside a cell as <br>.
    text = "| 信息内容 | 本年收费金额<br/>（单位：万元） |\n|---|---|\n| 行政事<br>业性收费 | 18342<br>.8022 |\n"
    rows = _rows(text)
    assert rows[0][1] == "本年收费金额\n（单位：万元）"
    assert rows[1] == ["行政事\n业性收费", "18342.8022"]  # a number broken over lines is one number


def test_a_paragraph_break_tag_is_a_line_break():
    blocks = read("本年度<br>共收到申请3件。\n".encode("utf-8"), "page.md").blocks
    assert [b.text for b in blocks] == ["本年度", "共收到申请3件。"]


def test_character_references_kept_by_a_crawl_are_characters():
    blocks = read("危及&ldquo;三安全一稳定&rdquo;&nbsp;&nbsp;0&#12288;AT&T\n".encode("utf-8"), "page.txt").blocks
    assert blocks[0].text == "危及“三安全一稳定”\xa0\xa00\u3000AT&T"
