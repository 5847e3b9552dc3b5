"""Meaning-preserving rewrites of a plain-text report, for metamorphic robustness tests.

Each transformation takes the text of a corpus report (seeds/*.txt, dev/*.txt, dev/*.md)
and returns the same report as real publishers also print it (DOMAIN.md §7): traditional
script with inline pinyin, full-width digits, other line endings, encodings and cell
separators, page footers, letter-spaced or wrapped labels, 无 for 0, heading variants, a
crude web page.  The value each cell means and the cell it sits in never change (only
how they are written: ０ for 0, 无 for 0, 1,234 for 1234), so the transformed report must
parse to the SAME gold values as the original.

A transformation returns str (encoded as UTF-8 when scored) or bytes, and returns None
when it does not apply to the report's layout (e.g. no pipe table to rewrite as tabs,
or blank cells that the rewrite would lose).  Everything here is pure and independent
of the parser: the layouts are recognised by the simple rules of the text formats
themselves, not by nianbao's readers, so that a reader bug cannot shape its own test.
"""

from __future__ import annotations

import codecs
import html
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nianbao.evaluate import FileScore, corpus_pairs, score

Result = str | bytes | None

# --------------------------------------------------------------------------- corpus


def text_pairs(corpus: Path) -> list[tuple[Path, dict]]:
    """Gold reports whose source is plain text or Markdown (the ones these rewrites understand)."""
    return [(source, gold) for source, gold in corpus_pairs(corpus) if source.suffix in (".txt", ".md")]


# --------------------------------------------------------------------------- labels

# Table labels as the national format prints them (DOMAIN.md §4), written out here rather
# than taken from nianbao.editions so that the test does not inherit the parser's view.
ROW_LABELS = (
    "规章", "规范性文件", "行政规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
    "行政事业性收费", "政府集中采购",
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果", "予以公开",
    "部分公开", "不予公开", "属于国家秘密", "其他法律行政法规禁止公开", "保护第三方合法权益",
    "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项", "无法提供",
    "本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确", "不予处理",
    "信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息", "其他处理", "结转下年度继续办理",
    "申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用",
    "未经复议直接起诉", "复议后起诉",
)
HEADER_LABELS = (
    "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "处理决定数量",
    "采购项目数量", "采购总金额", "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量",
    "本年收费金额", "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
    "法律服务机构", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结",
)
# Short header cells that Word tables wrap one character per line (自\n然\n人).
NARROW_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "总计",
                  "结果维持", "结果纠正", "其他结果", "尚未审结")
# The number printed before a row label: 一、 （二） (三) 1. 1、 ４．
_ROW_NUMBER = r"(?:[一二三四五六七八九十]、|[（(][一二三四五六七八九十][)）]|\d+\s*[.．、])"

# --------------------------------------------------------------------------- layout

_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_CRAWL_BODY = re.compile(r"^=+\s*正文\s*=+\s*$", re.MULTILINE)
_BLANKISH = " \t\xa0\u3000"


def is_pipe_row(line: str) -> bool:
    return line.count("|") >= 2 and not _PIPE_RULE.match(line)


def is_rule(line: str) -> bool:
    return bool(_PIPE_RULE.match(line)) and "|" in line


def split_crawl_header(text: str) -> tuple[str, str]:
    """(crawler header including its `=== 正文 ===` line, body); header is '' when absent."""
    match = _CRAWL_BODY.search(text[:4000])
    if not match:
        return "", text
    return text[: match.end() + 1], text[match.end() + 1:]


def crawl_title(header: str) -> str | None:
    match = re.search(r"^标题:\s*(.+)$", header, re.MULTILINE)
    return match.group(1).strip() if match else None


@dataclass
class Table:
    rows: list[list[str]]  # cell texts; a wrapped cell keeps its "\n"


Block = str | Table  # a str is one line of running text ("" = blank line)


def blocks(text: str) -> list[Block]:
    """Lines of running text and tables, by the text formats' own rules: Word exports put
    one cell per tab-led line with blank lines between rows and untabbed continuation
    lines; pipe rows are `a | b | c`."""
    lines = text.split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            rows: list[list[str]] = [[]]
            after_blank = False
            while i < len(lines):
                line = lines[i]
                if line.startswith("\t"):
                    rows[-1].append(line[1:])
                    after_blank = False
                elif not line.strip():
                    if rows[-1]:
                        rows.append([])
                    after_blank = True
                elif not after_blank and rows[-1]:
                    rows[-1][-1] += "\n" + line
                else:
                    break
                i += 1
            out.append(Table([row for row in rows if row]))
            out.append("")
        elif is_pipe_row(line) or (is_rule(line) and i + 1 < len(lines) and is_pipe_row(lines[i + 1])):
            rows = []
            while i < len(lines) and (is_pipe_row(lines[i]) or is_rule(lines[i])):
                if is_pipe_row(lines[i]):
                    rows.append(_pipe_cells(lines[i]))
                i += 1
            out.append(Table(rows))
        else:
            out.append(line)
            i += 1
    return out


def _pipe_cells(line: str) -> list[str]:
    parts = line.rstrip().split("|")
    if line.startswith("|"):
        parts = parts[1:]
    if line.rstrip().endswith("|"):
        parts = parts[:-1]
    return [part.strip() for part in parts]


def has_tab_table(text: str) -> bool:
    return any(line.startswith("\t") for line in text.split("\n"))


def has_pipe_table(text: str) -> bool:
    return any(is_pipe_row(line) for line in text.split("\n"))


def _flat(cell: str) -> str:
    """A wrapped cell as one line: Word wraps Chinese text without a space."""
    return "".join(part.strip(_BLANKISH) for part in cell.split("\n"))


def _render(items: list[Block], row: Callable[[list[str]], str]) -> str:
    out = []
    for item in items:
        if isinstance(item, Table):
            out.extend(row([_flat(cell) for cell in cells]) for cells in item.rows)
        else:
            out.append(item)
    return "\n".join(out)


def map_cells(text: str, fn: Callable[[str], str]) -> str:
    """Apply `fn` to the stripped text of every table cell (tab-led line or pipe-row cell),
    keeping the whitespace around it and everything outside the cells unchanged."""
    def one(part: str) -> str:
        stripped = part.strip(_BLANKISH)
        if not stripped:
            return part
        start = part.index(stripped)
        return part[:start] + fn(stripped) + part[start + len(stripped):]

    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line.startswith("\t"):
            lines[n] = "\t" + one(line[1:])
        elif is_pipe_row(line):
            lines[n] = "|".join(one(part) for part in line.split("|"))
    return "\n".join(lines)


# --------------------------------------------------------------------------- characters

def crlf(text: str) -> Result:
    return text.replace("\n", "\r\n")


_FULL_WIDTH = str.maketrans({**{chr(ord("0") + d): chr(0xFF10 + d) for d in range(10)}, "(": "（", ")": "）"})


def fullwidth(text: str) -> Result:
    # Whole document, as a Word template typed with a Chinese IME produces it; pinyin
    # parentheses would become full-width too, which the seed with pinyin never shows.
    return text.translate(_FULL_WIDTH)


@cache
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def traditional(text: str) -> Result:
    return _opencc("s2t").convert(text)


# Pinyin for the traditional characters of the table labels and the commonest words,
# with tone marks as sites print them (seed 001: 主動(dòng)公開(kāi)).
PINYIN = dict(pair.split(":") for pair in """
係:xì 內:nèi 動:dòng 務:wù 區:qū 問:wèn 單:dān 國:guó 執:zhí 報:bào 審:shěn 對:duì 屬:shǔ 廢:fèi
強:qiáng 後:hòu 復:fù 採:cǎi 據:jù 數:shù 於:yú 會:huì 條:tiáo 業:yè 構:gòu 機:jī 權:quán 決:jué
沒:méi 況:kuàng 減:jiǎn 無:wú 爲:wèi 為:wèi 獲:huò 現:xiàn 當:dāng 發:fā 確:què 祕:mì 穩:wěn 範:fàn
糾:jiū 納:nà 組:zǔ 結:jié 經:jīng 維:wéi 總:zǒng 織:zhī 繳:jiǎo 繼:jì 續:xù 罰:fá 與:yǔ 舉:jǔ
萬:wàn 處:chǔ 補:bǔ 製:zhì 複:fù 覆:fù 規:guī 計:jì 訟:sòng 訪:fǎng 許:xǔ 訴:sù 詢:xún 認:rèn
請:qǐng 議:yì 護:hù 費:fèi 購:gòu 轉:zhuǎn 辦:bàn 這:zhè 進:jìn 過:guò 開:kāi 關:guān 項:xiàng
題:tí 額:é 類:lèi 體:tǐ 臺:tái 區:qū 時:shí 導:dǎo 點:diǎn 運:yùn 質:zhì 責:zé 設:shè 習:xí 線:xiàn
準:zhǔn 擴:kuò 態:tài 實:shí 學:xué 嚴:yán 領:lǐng 門:mén 負:fù 識:shí 調:diào 號:hào 細:xì 簡:jiǎn
監:jiān 產:chǎn 獎:jiǎng 營:yíng 專:zhuān 堅:jiān 勵:lì 來:lái 個:gè 說:shuō 還:hái 資:zī
""".split())


def traditional_pinyin(text: str) -> Result:
    """Traditional script with pinyin after every character the conversion changed, as the
    accessibility plug-in behind seed 001 prints it."""
    simplified, converted = text, _opencc("s2t").convert(text)
    if len(simplified) != len(converted):  # s2t maps character for character; be safe
        return None
    out = []
    for before, after in zip(simplified, converted):
        out.append(after)
        if before != after and after in PINYIN:
            out.append(f"({PINYIN[after]})")
    return "".join(out)


def traditional_tw(text: str) -> Result:
    """Taiwan-standard glyphs (為, 裡, 綫→線 …): other converters' output than OpenCC's s2t."""
    return _opencc("s2tw").convert(text)


# --------------------------------------------------------------------------- encodings

def utf8_bom(text: str) -> Result:
    return codecs.BOM_UTF8 + text.encode("utf-8")


def utf16_bom(text: str) -> Result:
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def utf16be_bom(text: str) -> Result:
    return codecs.BOM_UTF16_BE + text.encode("utf-16-be")


def gb18030(text: str) -> Result:
    return text.encode("gb18030")


# --------------------------------------------------------------------------- cell separators

def tsv(text: str) -> Result:
    """Every table row as tab-separated cells (a table copied out of a browser or Word)."""
    if not (has_tab_table(text) or has_pipe_table(text)):
        return None
    return _render(blocks(text), "\t".join)


def untabbed(text: str) -> Result:
    """Word's one-cell-per-line tables without the leading tabs, as a PDF text layer or a
    copy from a web page gives them.  Not applicable with blank value cells: a blank cell
    line would then look like the blank line between rows."""
    if not has_tab_table(text) or has_blank_value_cell(blocks(text)):
        return None
    return "\n".join(line.removeprefix("\t") for line in text.split("\n"))


def pipes(text: str) -> Result:
    """Word's one-cell-per-line tables as pipe rows (`| a | b |`)."""
    if not has_tab_table(text):
        return None
    return _render(blocks(text), lambda cells: "| " + " | ".join(cells) + " |")


def trailing_cells(text: str) -> Result:
    """Pipe rows with empty cells left over from merged columns (seed 001: `0 | 0 | |`)."""
    if not has_pipe_table(text):
        return None
    return "\n".join(line.rstrip() + " | |" if is_pipe_row(line) else line for line in text.split("\n"))


def has_blank_value_cell(items: list[Block]) -> bool:
    """Whether a row holding numbers also has a blank cell after its label (a null value,
    which only the cell grid can place)."""
    for item in items:
        if isinstance(item, Table):
            for cells in item.rows:
                flat = [_flat(cell) for cell in cells]
                first = next((n for n, cell in enumerate(flat) if cell), len(flat))
                numeric = any(re.fullmatch(r"[-+]?[\d.,]+[万元]*|无", cell) for cell in flat)
                if numeric and any(not cell for cell in flat[first:]):
                    return True
    return False


def one_line(text: str) -> Result:
    """The report body on one line with cells separated by spaces, as crawled pages print
    it (pingtan-2022: `规章 0 0 0 行政规范性文件 …`).  Not applicable when a table has a
    blank value cell: flattened, a blank would vanish and shift its row's numbers."""
    if not (has_tab_table(text) or has_pipe_table(text)):
        return None
    header, body = split_crawl_header(text)
    items = blocks(body)
    if has_blank_value_cell(items):
        return None
    words = []
    for item in items:
        if isinstance(item, Table):
            for cells in item.rows:
                words.extend(flat for flat in map(_flat, cells) if flat)
        elif item.strip():
            words.append(item.strip(_BLANKISH))
    return header + " ".join(words) + "\n"


# --------------------------------------------------------------------------- lines and pages

def is_blank(line: str) -> bool:
    """A blank line; a tab-led line is an empty table cell, not a blank line."""
    return not line.strip() and not line.startswith("\t")


def blank_lines_doubled(text: str) -> Result:
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines):
        out.append(line)
        if is_blank(line) and n + 1 < len(lines):
            out.append(line)
    result = "\n".join(out)
    return result if result != text else None


def blank_line_between_rows(text: str) -> Result:
    """A blank line after every pipe row (html2text and some copy-pastes do this)."""
    if not has_pipe_table(text):
        return None
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines):
        out.append(line)
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if is_pipe_row(line) and is_pipe_row(following):
            out.append("")
    return "\n".join(out)


_FOOTERS = ("— 3 —", "- 4 -", "第5页 共8页")
# Rows after which a page ends, one in table 二 and two in table 三 (tables crossing pages).
_PAGE_BREAK_AFTER = ("行政处罚", "保护第三方合法权益", "重复申请")


def _plain(line: str) -> str:
    """A line as simplified text without inline pinyin, for finding a row by its label."""
    return _opencc("t2s").convert(re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", line))


def page_footers(text: str) -> Result:
    """Page footers between table rows, as a PDF converted to text leaves them."""
    lines = text.split("\n")
    out: list[str] = []
    anchors = list(_PAGE_BREAK_AFTER)
    footers = list(_FOOTERS)
    pending = False  # a tab-layout row holding an anchor is still open
    for n, line in enumerate(lines):
        out.append(line)
        if not anchors:
            continue
        plain = _plain(line)
        in_row = line.startswith("\t") or is_pipe_row(line)
        if in_row and anchors[0] in plain:
            anchors.pop(0)
            if is_pipe_row(line):
                out.append(footers.pop(0))
            else:
                pending = True
        elif pending and is_blank(line):
            # The blank line ending the Word row: the footer sits between two rows.
            out.extend([footers.pop(0), ""])
            pending = False
    result = "\n".join(out)
    return result if result != text else None


# --------------------------------------------------------------------------- labels and values

def _label_pattern(labels: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True)))


_ALL_LABELS = _label_pattern(ROW_LABELS + HEADER_LABELS)


def _spaced(label: str) -> str:
    if len(label) == 2:
        return label[0] + "\u3000\u3000" + label[1]  # Word's way of centring a two-character cell
    if len(label) <= 4:
        return " ".join(label)  # a letter-spaced PDF header
    return label[: len(label) // 2] + " " + label[len(label) // 2:]


def spaced_labels(text: str) -> Result:
    """Spaces inside table labels: `规　　章`, `自 然 人`, `本年新收政府信息 公开申请数量`."""
    def cell(value: str) -> str:
        return _ALL_LABELS.sub(lambda m: _spaced(m.group()), value)

    if has_tab_table(text) or has_pipe_table(text):
        return map_cells(text, cell)
    # Running text (crawled pages): only inside the tables, never in section headings.
    start, end = text.find("第二十条"), text.find("存在的主要问题")
    if start < 0 or end < start:
        return None
    return text[:start] + cell(text[start:end]) + text[end:]


def broken_labels(text: str) -> Result:
    """Labels wrapped inside their Word cell: long row labels over two lines, narrow header
    cells one character per line (seed 003: 自\\n然\\n人)."""
    if not has_tab_table(text):
        return None

    def cell(value: str) -> str:
        match = re.fullmatch(rf"({_ROW_NUMBER})?\s*(.+)", value)
        number, label = match.group(1) or "", match.group(2)
        if label in NARROW_HEADERS and not number:
            return "\n".join(label)
        if label in ROW_LABELS and len(label) >= 6:
            return number + label[: len(label) // 2] + "\n" + label[len(label) // 2:]
        return value

    return map_cells(text, cell)


def zero_as_wu(text: str) -> Result:
    """`无` written for 0 in table cells (seed 002)."""
    if not (has_tab_table(text) or has_pipe_table(text)):
        return None
    return map_cells(text, lambda value: "无" if value == "0" else value)


def thousands(text: str) -> Result:
    """Thousands separators in large numbers (`145,540.00`, `10,268,898元`)."""
    def cell(value: str) -> str:
        match = re.fullmatch(r"(\d{4,})(\.\d+)?(元|万元)?", value)
        if not match:
            return value
        return f"{int(match.group(1)):,}{match.group(2) or ''}{match.group(3) or ''}"

    result = map_cells(text, cell)
    return result if result != text else None


# Section headings as real reports word them (DOMAIN.md §3).
_HEADING_WORDING = (
    (re.compile(r"政府信息公开行政复议、行政诉讼情况"), "因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
    (re.compile(r"(?<!工作)存在的主要问题及改进情况"), "政府信息公开工作存在的主要问题及整改措施"),
    (re.compile(r"其他需要报告的事项"), "其他需要报告事项"),
)
_HEADING_NUMBER = re.compile(
    r"(?<![\d（(])([一二三四五六])、(?=\s*(?:总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|"
    r"政府信息公开行政复议|存在的主要问题|其他需要报告))")
_CHINESE_NUMBER = {n: str(i) for i, n in enumerate("一二三四五六", 1)}


def heading_wording(text: str) -> Result:
    result = text
    for pattern, replacement in _HEADING_WORDING:
        result = pattern.sub(replacement, result)
    return result if result != text else None


def heading_numbers(text: str) -> Result:
    """Section headings numbered 1、2、… instead of 一、二、… (seed 000 mixes both)."""
    result = _HEADING_NUMBER.sub(lambda m: _CHINESE_NUMBER[m.group(1)] + "、", text)
    return result if result != text else None


def label_typos(text: str) -> Result:
    """Typos printed in real reports: 其他法律行政止公开 (table 三), 行政法复议 (heading 四)."""
    result = text.replace("其他法律行政法规禁止公开", "其他法律行政止公开")
    result = result.replace("公开行政复议、行政诉讼情况", "公开行政法复议、行政诉讼情况")
    return result if result != text else None


def ocr_confusions(text: str) -> Result:
    """Look-alike characters an OCR pass confuses in labels: 未/末, 已/己, 一/—."""
    result = text.replace("尚未审结", "尚末审结").replace("已获取信息", "己获取信息")
    result = result.replace("三安全一稳定", "三安全—稳定")
    return result if result != text else None


# --------------------------------------------------------------------------- web pages

_NAV_BEFORE = (
    "首页 | 政务公开 | 政务服务 | 互动交流 | 走进本区",
    "您当前的位置：首页 > 政府信息公开 > 政府信息公开年报",
    "【字体：大 中 小】 浏览次数：1207",
)
_NAV_AFTER = (
    "【打印本页】 【关闭窗口】",
    "相关链接：政府信息公开指南 | 政府信息公开制度 | 依申请公开",
    "主办单位：本级人民政府办公室  网站标识码：3703030010  ICP备案号：鲁ICP备05006044号-1",
    "公安机关备案号：37030302000123  联系电话：0533-2287716",
)


def _page(body: list[str], title: str | None, charset: str) -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    if title:
        head += f"<title>{html.escape(title)}</title>"
    nav_before = "".join(f"<div>{html.escape(line)}</div>" for line in _NAV_BEFORE)
    nav_after = "".join(f"<div>{html.escape(line)}</div>" for line in _NAV_AFTER)
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    return (f"<html><head>{head}</head><body>{nav_before}{heading}<div>"
            + "\n".join(body) + f"</div>{nav_after}</body></html>")


def _encode_page(page: str, charset: str) -> bytes:
    return page.encode(charset, errors="xmlcharrefreplace")


def _crawl_parts(text: str) -> tuple[str | None, str]:
    header, body = split_crawl_header(text)
    return crawl_title(header), body


def html_lines(text: str, charset: str = "utf-8") -> Result:
    """A crude web page: every line of the report a <p>, site navigation around it."""
    title, body = _crawl_parts(text)
    if has_pipe_table(body):
        return None  # web pages do not print pipes between cells; html_tables covers these
    if has_tab_table(body) and has_blank_value_cell(blocks(body)):
        return None  # one cell per <p>: a blank cell would look like the break between rows
    paragraphs = [f"<p>{html.escape(line.strip(_BLANKISH))}</p>" if line.strip(_BLANKISH) else "<p>&nbsp;</p>"
                  for line in body.split("\n")]
    return _encode_page(_page(paragraphs, title, charset), charset)


def html_lines_gbk(text: str) -> Result:
    return html_lines(text, "gbk")


def _cell_html(text: str, word_spans: bool) -> str:
    if not word_spans:
        return html.escape(text)
    if not text:
        return '<p class=MsoNormal align=center><span lang=EN-US><o:p>&nbsp;</o:p></span></p>'
    # Word starts a new run wherever the script changes and often splits digit runs.
    runs = []
    for piece in re.findall(r"\d+|[^\d]+", text):
        if piece.isdigit() and len(piece) > 1:
            runs.append(f'<span style="font-size:10.5pt"><span lang=EN-US>{piece[0]}</span></span>'
                        f'<span lang=EN-US>{piece[1:]}</span>')
        elif piece.isdigit():
            runs.append(f'<span lang=EN-US style="font-family:宋体">{piece}</span>')
        else:
            runs.append(f'<span style="font-family:宋体;mso-bidi-font-family:宋体">{html.escape(piece)}</span>')
    return f'<p class=MsoNormal align=center>{"".join(runs)}<span lang=EN-US><o:p></o:p></span></p>'


def html_tables(text: str, charset: str = "utf-8", word_spans: bool = False) -> Result:
    """The report as a web page with real <table>s (rows and cells as printed)."""
    if not (has_tab_table(text) or has_pipe_table(text)):
        return None
    title, body = _crawl_parts(text)
    out = []
    for item in blocks(body):
        if isinstance(item, Table):
            rows = "".join(
                "<tr>" + "".join(f"<td>{_cell_html(_flat(cell), word_spans)}</td>" for cell in cells) + "</tr>"
                for cells in item.rows)
            out.append(f'<table border="1" cellspacing="0">{rows}</table>')
        elif item.strip(_BLANKISH):
            out.append(f"<p>{html.escape(item.strip(_BLANKISH))}</p>")
    return _encode_page(_page(out, title, charset), charset)


def html_word_spans_gbk(text: str) -> Result:
    """Word's "save as web page": GBK, every value split across nested <span>s, <o:p> cells."""
    return html_tables(text, "gbk", word_spans=True)


# --------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class Transformation:
    name: str
    apply: Callable[[str], Result]
    suffix: str | None = None  # file suffix of the result; None keeps the report's own


def identity(text: str) -> Result:
    return text


def combined(text: str) -> Result:
    """Several at once, as one real site serves them: full-width digits typed in Word,
    traditional script with pinyin from the site's plug-in, CRLF, saved as GB18030."""
    result = traditional_pinyin(fullwidth(text))
    return gb18030(crlf(result)) if result is not None else None


IDENTITY = Transformation("identity", identity)
TRANSFORMATIONS = (
    Transformation("crlf", crlf),
    Transformation("utf8_bom", utf8_bom),
    Transformation("utf16_bom", utf16_bom),
    Transformation("utf16be_bom", utf16be_bom),
    Transformation("gb18030", gb18030),
    Transformation("fullwidth", fullwidth),
    Transformation("traditional", traditional),
    Transformation("traditional_pinyin", traditional_pinyin),
    Transformation("traditional_tw", traditional_tw),
    Transformation("tsv", tsv),
    Transformation("untabbed", untabbed),
    Transformation("pipes", pipes),
    Transformation("trailing_cells", trailing_cells),
    Transformation("one_line", one_line),
    Transformation("blank_lines_doubled", blank_lines_doubled),
    Transformation("blank_line_between_rows", blank_line_between_rows),
    Transformation("page_footers", page_footers),
    Transformation("spaced_labels", spaced_labels),
    Transformation("broken_labels", broken_labels),
    Transformation("zero_as_wu", zero_as_wu),
    Transformation("thousands", thousands),
    Transformation("heading_wording", heading_wording),
    Transformation("heading_numbers", heading_numbers),
    Transformation("label_typos", label_typos),
    Transformation("ocr_confusions", ocr_confusions),
    Transformation("html_lines", html_lines, ".html"),
    Transformation("html_lines_gbk", html_lines_gbk, ".html"),
    Transformation("html_tables", html_tables, ".html"),
    Transformation("html_word_spans_gbk", html_word_spans_gbk, ".html"),
    Transformation("combined", combined),
)
BY_NAME = {t.name: t for t in (IDENTITY, *TRANSFORMATIONS)}


def transformed(source: Path, name: str) -> tuple[bytes, str] | None:
    """(bytes, file name) of `source` rewritten by transformation `name`; None if it does not apply."""
    transformation = BY_NAME[name]
    text = source.read_text(encoding="utf-8")
    result = transformation.apply(text)
    if result is None or (result == text and transformation is not IDENTITY):
        return None
    data = result.encode("utf-8") if isinstance(result, str) else result
    return data, f"{source.stem}.{name}{transformation.suffix or source.suffix}"


def cases(corpus: Path) -> list[tuple[Path, dict, str]]:
    """Every applicable (report, gold, transformation name), identity first for each report."""
    out = []
    for source, gold in text_pairs(corpus):
        for transformation in (IDENTITY, *TRANSFORMATIONS):
            if transformed(source, transformation.name) is not None:
                out.append((source, gold, transformation.name))
    return out


_SCRATCH = tempfile.TemporaryDirectory(prefix="nianbao-metamorphic-")


@cache
def _score_cached(source: Path, name: str, gold_key: str) -> FileScore:
    data, file_name = transformed(source, name)
    path = Path(_SCRATCH.name) / file_name
    path.write_bytes(data)
    return score(path, json.loads(gold_key))


def outcome(source: Path, gold: dict, name: str) -> FileScore:
    """The transformed report scored against the original's gold (parsed once per case)."""
    return _score_cached(source, name, json.dumps(gold, sort_keys=True, ensure_ascii=False))
