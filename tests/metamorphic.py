"""Meaning-preserving rewrites of a plain-text report, for metamorphic robustness tests.

Each transformation takes the text of a corpus report (seeds/*.txt, dev/*.txt, dev/*.md)
and returns the same report as real publishers also print it (DOMAIN.md §7): traditional
script with inline pinyin, full-width digits, other line endings, encodings and cell
separators, page footers, letter-spaced or wrapped labels, 无 for 0, heading variants, a
crude web page; and the layouts of sites the corpus barely shows (see "layouts of unseen
sites": group labels alone, tables crawled one node per line, collapsed runs, fused rows,
missing labels, glued or shuffled headings, label rewordings).  The value each cell means and the cell it sits in never change (only
how they are written: ０ for 0, 无 for 0, 1,234 for 1234), so the transformed report must
parse to the SAME gold values as the original.

A transformation returns str (encoded as UTF-8 when scored) or bytes, and returns None
when it does not apply to the report's layout (e.g. no pipe table to rewrite as tabs,
or blank cells that the rewrite would lose).  Everything here is pure, deterministic (random choices
are seeded by the report's text) and independent of the parser: the layouts are
recognised by the simple rules of the text formats themselves, not by nianbao's readers,
so that a reader bug cannot shape its own test.
"""

from __future__ import annotations

import atexit
import codecs
import datetime
import html
import io
import json
import random
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nianbao.evaluate import FileScore, corpus_pairs, score
from nianbao.normalise import normalise_text

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


def tsv_broken_labels(text: str) -> Result:
    """tsv with each long row label broken by a line break inside its cell, as a cell that wraps
    its text is copied out of a browser or Word with the break kept: the label's first part ends
    a line and the rest opens the next, before the row's values ("其他对外管理服" / "务事项\t0\t0\t0")."""
    rows = tsv(text)
    if rows is None:
        return None

    def broken(line: str) -> str:
        cells = line.split("\t")
        for k in range(len(cells) - 1, -1, -1):
            match = re.fullmatch(rf"({_ROW_NUMBER})?\s*(.+)", cells[k])
            if match and match.group(2) in ROW_LABELS and len(match.group(2)) >= 6:
                number, label = match.group(1) or "", match.group(2)
                cells[k] = number + label[: len(label) // 2] + "\n" + label[len(label) // 2:]
                break
        return "\t".join(cells)

    return "\n".join(broken(line) for line in rows.split("\n"))


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


def _html2text_table(rows: list[list[str]]) -> list[str]:
    """A table as html2text (a common step of crawlers) writes it: cells joined by `| ` with no
    pipe at either end, so an empty first or last cell leaves its row opening or closing with a
    pipe (`| | 0| 0`, `规章| 0| `); a rule of `---` after the first row; two spaces closing each
    row (its Markdown line break); a blank line around the table."""
    out = [""]
    for r, cells in enumerate(rows):
        out.append("| ".join(cells) + "  ")
        if r == 0:
            out.append("|".join(["---"] * len(cells)) + "  ")
    return [*out, ""]


def html2text_rows(text: str) -> Result:
    """The report's own tables, cell for cell (merged cells left empty), as html2text writes them."""
    if not (has_tab_table(text) or has_pipe_table(text)):
        return None
    header, body = split_crawl_header(text)
    out: list[str] = []
    for item in blocks(body):
        if isinstance(item, Table):
            out += _html2text_table([[_flat(cell) for cell in cells] for cells in item.rows])
        else:
            out.append(item)
    return header + "\n".join(out)


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


# The pinyin a site's plug-in prints after a character: "(kāi)".
_PINYIN_SYLLABLE = r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)"


def _plain(line: str) -> str:
    """A line as simplified text without inline pinyin, for finding a row by its label."""
    return _opencc("t2s").convert(re.sub(_PINYIN_SYLLABLE, "", line))


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


# Characters a recogniser reads in place of others on a worn scan (患 for 息, 魏置 for 数量, 攻 for 政),
# none of them in any row label.
_MISREAD_AS = "患魏置恩夏段厘即另攻去挡"
# Labels at least this long (Han characters) are misread in two characters, from 14 in three.
_MISREAD_MIN = 8


def label_misreads(text: str) -> Result:
    """About a third of table 三's long numbered labels (本年新收政府信息公开申请数量, 属于行政执法案卷)
    misread in two or three characters, behind their printed number, as OCR of a worn scan
    reads them: 一、本年新收政府信患公开申请魏置.  Each is still much closer to its own row than to
    any other."""
    from nianbao import editions

    rng = _rng(text, "label_misreads")
    labels = sorted({row.label for edition in editions.EDITIONS.values() for row in edition.table("t3").rows
                     if row.number and len(row.label) >= _MISREAD_MIN and all("\u4e00" <= c <= "\u9fff" for c in row.label)})
    result = text
    for label in labels:
        if result.count(label) != 1 or rng.random() >= 1 / 3:
            continue
        chars = list(label)
        for index in rng.sample(range(len(chars)), 3 if len(chars) >= 14 else 2):
            chars[index] = rng.choice([c for c in _MISREAD_AS if c != chars[index]])
        result = result.replace(label, "".join(chars))
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


# --------------------------------------------------------------------------- layouts of unseen sites
#
# Layouts measured on other sites' reports that the corpus barely shows: group labels and
# row numbers on lines of their own, tables crawled one text node per line (header cells
# broken as the page wraps them), values broken over two nodes, consecutive identical
# lines collapsed by the crawler, cells fused without separators, labels apart from their
# values or missing, section headings glued, out of order or missing, label rewordings.
#
# The rewrites read a report's tables as rows of cells.  A report in a cell layout
# (Word's tab-led cells, pipe rows) gives its own rows, labels and values as printed.  A
# report whose tables are not in a cell layout (one-line crawls with fused digits, pages
# crawled one node per line) has its table region, from the first 第二十条 caption to the
# heading after table 四, typeset afresh from its gold values with the national format's
# labels; the running text around stays the report's own.  Either way every value keeps
# the cell it belongs to, so the gold is unchanged.  Where a layout cannot show a blank
# cell (one value per line, fused digits), reports with blank value cells are left out.

# A value may carry a note of what it includes (`22（其中修订16件）`), as agencies annotate a count.
_VALUE_CELL = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?(?:万?元)?(?:[（(](?:其中|含)[^（）()]*[）)])?|无|/|-|—|——|不适用")
_NUMBERED = re.compile(r"(\d+\s*[.．、])\s*(\S.*)")
# Header cells a crawled page prints in two nodes, as the table wrapped them (三明 2023).
_WRAPPED_HEADERS = ("商业企业", "科研机构", "结果维持", "结果纠正", "其他结果", "尚未审结")


def _is_value_cell(cell: str) -> bool:
    """A value as printed, or as the parser reads it (`無(wú)`, a traditional page with pinyin)."""
    return bool(_VALUE_CELL.fullmatch(cell) or _VALUE_CELL.fullmatch(normalise_text(cell, traditional=True)))


@dataclass
class Row:
    labels: list[str]  # the label cells as printed, outer group first ("（三）不予公开", "1.属于国家秘密")
    values: list[str]  # the value cells as printed, "" for a blank cell; [] for a header row


Item = str | list[Row]  # a line of running text, or a table


def _row(cells: list[str], pipe: bool) -> Row:
    flat = [_flat(cell).strip(_BLANKISH) for cell in cells]
    if pipe:  # merged columns leave empty cells at the end of pipe rows (seed 001)
        while flat and not flat[-1]:
            flat.pop()
    last = max((n for n, cell in enumerate(flat) if cell and not _is_value_cell(cell)), default=-1)
    values = flat[last + 1:]
    # A row of blank cells (seed 002's 不予公开 rows) has more than the one empty cell a
    # header row may end with.
    return Row([cell for cell in flat[:last + 1] if cell], values if any(values) or len(values) > 1 else [])


# The report's table region: from the first caption of table 二 to the heading after table 四.
_REGION_START = re.compile(r"第二十条第")
_REGION_END = re.compile(r"[五六]\s*[、.．]\s*(?:政府信息公开工作)?(?:存在的?主要问题|其他需要报告)")


def table_region(body: str) -> tuple[int, int] | None:
    start = _REGION_START.search(body)
    if not start:
        return None
    review = body.find("复议后起诉", start.start())
    end = _REGION_END.search(body, review) if review >= 0 else None
    if not end or "本年新收" not in body[start.start():end.start()]:
        return None
    return start.start(), end.start()


def _number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return format(value, "f").rstrip("0").rstrip(".")
    return str(int(value))


# The national format's tables (DOMAIN.md §4), written out as printed: table 二 as
# (caption, header cells, ((label, row key, column keys), …)), table 三 as rows of
# (label cells, row key), table 四 as header rows and the three groups' keys.
_T2_FORMAT = {
    "2019": (
        ("第二十条第（一）项", ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
         (("规章", "regulations", ("new_made", "new_published", "total_published")),
          ("规范性文件", "normative_documents", ("new_made", "new_published", "total_published")))),
        ("第二十条第（五）项", ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
         (("行政许可", "administrative_licensing", ("previous_year", "change", "decisions")),
          ("其他对外管理服务事项", "other_administrative_services", ("previous_year", "change", "decisions")))),
        ("第二十条第（六）项", ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
         (("行政处罚", "administrative_penalty", ("previous_year", "change", "decisions")),
          ("行政强制", "administrative_coercion", ("previous_year", "change", "decisions")))),
        ("第二十条第（八）项", ("信息内容", "上一年项目数量", "本年增/减"),
         (("行政事业性收费", "administrative_fees", ("previous_year", "change")),)),
        ("第二十条第（九）项", ("信息内容", "采购项目数量", "采购总金额"),
         (("政府集中采购", "centralized_procurement", ("projects", "amount")),)),
    ),
    "2021": (
        ("第二十条第（一）项", ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
         (("规章", "regulations", ("issued", "repealed", "in_force")),
          ("行政规范性文件", "normative_documents", ("issued", "repealed", "in_force")))),
        ("第二十条第（五）项", ("信息内容", "本年处理决定数量"),
         (("行政许可", "administrative_licensing", ("decisions",)),)),
        ("第二十条第（六）项", ("信息内容", "本年处理决定数量"),
         (("行政处罚", "administrative_penalty", ("decisions",)),
          ("行政强制", "administrative_coercion", ("decisions",)))),
        ("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"),
         (("行政事业性收费", "administrative_fees", ("amount",)),)),
    ),
}
_T3_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
               "legal_service_org", "other_org", "total")
_T3_HEADER = (
    ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"),
    ("自然人", "法人或其他组织", "总计"),
    ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
)
_T3_HEAD_ROWS = (
    (("一、本年新收政府信息公开申请数量",), "new_received"),
    (("二、上年结转政府信息公开申请数量",), "carried_over"),
    (("三、本年度办理结果", "（一）予以公开"), "granted"),
    (("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",), "partially_granted"),
    (("（三）不予公开", "1.属于国家秘密"), "withheld_state_secret"),
    (("2.其他法律行政法规禁止公开",), "withheld_prohibited_by_law"),
    (("3.危及“三安全一稳定”",), "withheld_three_safeties_one_stability"),
    (("4.保护第三方合法权益",), "withheld_third_party_rights"),
    (("5.属于三类内部事务信息",), "withheld_internal_affairs"),
    (("6.属于四类过程性信息",), "withheld_process_information"),
    (("7.属于行政执法案卷",), "withheld_enforcement_case_file"),
    (("8.属于行政查询事项",), "withheld_administrative_query"),
    (("（四）无法提供", "1.本机关不掌握相关政府信息"), "unavailable_not_held"),
    (("2.没有现成信息需要另行制作",), "unavailable_needs_creation"),
    (("3.补正后申请内容仍不明确",), "unavailable_unclear_request"),
    (("（五）不予处理", "1.信访举报投诉类申请"), "declined_petition_complaint"),
    (("2.重复申请",), "declined_repeated_request"),
    (("3.要求提供公开出版物",), "declined_publication_request"),
    (("4.无正当理由大量反复申请",), "declined_excessive_requests"),
    (("5.要求行政机关确认或重新出具已获取信息",), "declined_confirmation_request"),
)
_T3_OTHER_ONE_ROW = ((("（六）其他处理",), "other_handling"),)
_T3_OTHER_2021 = (
    (("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"), "other_overdue_correction"),
    (("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",), "other_unpaid_fee"),
    (("3.其他",), "other_other"),
)
_T3_TAIL_ROWS = ((("（七）总计",), "total_handled"), (("四、结转下年度继续办理",), "carried_forward"))
_T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_T4_HEADER = (("行政复议", "行政诉讼"), (*_T4_RESULTS, "未经复议直接起诉", "复议后起诉"), _T4_RESULTS * 2)
_T4_GROUPS = (("review", "行政复议"), ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
              ("litigation_after_review", "行政诉讼（复议后起诉）"))
_T4_RESULT_KEYS = ("upheld", "corrected", "other", "pending", "total")
_T4_KEYS = tuple((group, key) for group, _ in _T4_GROUPS for key in _T4_RESULT_KEYS)


def _printed(values: list, unit: str | None = None, blank: str | None = None) -> list[str] | None:
    """A row's cells as printed: None when nothing was printed (the row left out), "/" for
    a value not reported, the money unit after the amount.  With `blank`, a value not reported
    prints that, and a row of them is printed too."""
    if blank is None and all(value is None for value in values):
        return None
    cells = [("/" if blank is None else blank) if value is None else _number(value) for value in values]
    if unit and values[-1] is not None:
        cells[-1] += unit
    return cells


def typeset(gold: dict, blank: str | None = None) -> list[Item] | None:
    """The three tables of `gold` as the national format prints them, with the section
    headings 三 and 四 between them (heading 二 stays in the report's own text).  `blank`: what a
    cell not reported prints (`_printed`)."""
    edition = gold.get("edition")
    if edition not in _T2_FORMAT or not (gold.get("t2") and gold.get("t3") and gold.get("t4")):
        return None
    items: list[Item] = []
    t2: list[Row] = []
    for caption, header, rows in _T2_FORMAT[edition]:
        printed = []
        for label, key, columns in rows:
            data = gold["t2"].get(key, {})
            cells = _printed([data.get(column) for column in columns], data.get("amount_unit"), blank)
            if cells:
                printed.append(Row([label], cells))
        if printed:
            t2 += [Row([caption], []), Row(list(header), []), *printed]
    items += [t2, "三、收到和处理政府信息公开申请情况"]
    t3 = [Row(list(cells), []) for cells in _T3_HEADER]
    one_row = edition == "2019" or any(value is not None for value in gold["t3"].get("other_handling", {}).values())
    for labels, key in _T3_HEAD_ROWS + (_T3_OTHER_ONE_ROW if one_row else _T3_OTHER_2021) + _T3_TAIL_ROWS:
        cells = _printed([gold["t3"].get(key, {}).get(column) for column in _T3_COLUMNS], blank=blank)
        if cells:
            t3.append(Row(list(labels), cells))
    items += [t3, "四、政府信息公开行政复议、行政诉讼情况"]
    t4 = [Row(list(cells), []) for cells in _T4_HEADER]
    t4.append(Row([], _printed([gold["t4"].get(group, {}).get(key) for group, key in _T4_KEYS], blank=blank) or []))
    items.append(t4)
    return items


def grid(text: str, gold: dict | None) -> tuple[str, list[Item]] | None:
    """(crawl header, the report as running-text lines and tables of rows), or None when the
    tables cannot be read as rows: a report in a cell layout gives its own rows; any other
    report its own text around tables typeset from `gold`."""
    header, body = split_crawl_header(text)
    if has_tab_table(body) or has_pipe_table(body):
        pipe = not has_tab_table(body)
        items: list[Item] = []
        for item in blocks(body):
            items.append([_row(cells, pipe) for cells in item.rows] if isinstance(item, Table) else item)
        rows = [row for item in items if isinstance(item, list) for row in item if row.values]
        # Fragmented tables (a PDF converted to markdown): value rows without their labels.
        if len(rows) < 8 or any(not row.labels and len(row.values) < 10 for row in rows):
            return None
        return header, items
    return typeset_around(header, body, gold)


def typeset_around(header: str, body: str, gold: dict | None, blank: str | None = None) -> tuple[str, list[Item]] | None:
    """(crawl header, the report's text around its tables typeset from `gold`), None when the
    tables' region is not found."""
    region = table_region(body)
    tables = typeset(gold, blank) if gold and region else None
    if tables is None:
        return None
    start, end = region
    return header, [*body[:start].split("\n"), *tables, *body[end:].split("\n")]


def _has_blank_cell(items: list[Item]) -> bool:
    return any("" in row.values for item in items if isinstance(item, list) for row in item)


def _split_number(label: str) -> list[str]:
    match = _NUMBERED.fullmatch(label)
    return [match.group(1), match.group(2)] if match else [label]


def _wrapped(cell: str) -> list[str]:
    """A header cell as a crawled page prints it in two nodes (商业 / 企业); pinyin stays
    with its character."""
    if _plain(cell) not in _WRAPPED_HEADERS:
        return [cell]
    match = re.match(rf"((?:[\u4e00-\u9fff](?:{_PINYIN_SYLLABLE})?){{2}})(.+)", cell)
    return [match.group(1), match.group(2)] if match else [cell]


Line = tuple[str, str]  # (kind, text): kind "text" (running text), "label", "header" or "value"


def cell_lines(items: list[Item], *, numbers_alone: bool = False, wrapped_headers: bool = False,
               joined_groups: bool = False, unlabelled: frozenset[int] = frozenset()) -> list[Line]:
    """One cell per line as a crawler saves a page's text nodes: no blank lines, no indent;
    group labels on their own lines (or `joined_groups`: on the row label's line),
    optionally row numbers apart from their labels and header cells in two nodes.
    `unlabelled`: the numbers (in value-row order) of rows printed without their labels."""
    out: list[Line] = []
    n = 0
    for item in items:
        if isinstance(item, str):
            if item.strip(_BLANKISH):
                out.append(("text", item.strip(_BLANKISH)))
            continue
        for row in item:
            if not row.values:
                for cell in row.labels:
                    out.extend(("header", part) for part in (_wrapped(cell) if wrapped_headers else [cell]))
                continue
            labels = [" ".join(row.labels)] if joined_groups and row.labels else list(row.labels)
            if labels and numbers_alone:
                labels[-1:] = _split_number(labels[-1])
            if n not in unlabelled:
                out.extend(("label", label) for label in labels)
            out.extend(("value", value) for value in row.values)
            n += 1
    return out


def row_lines(items: list[Item], sep: str, *, groups_alone: bool = False, numbers_alone: bool = False,
              numbers_apart: bool = False, labels_before: frozenset[int] = frozenset(),
              unlabelled: frozenset[int] = frozenset(), values_inside: int = 0) -> list[Line]:
    """One table row per line, cells joined by `sep`; running text as it is.  Optionally
    group labels alone on the line before their first row, row numbers alone or in a cell of
    their own before their labels (`numbers_apart`: "（七）" | "总计"), the labels of
    rows `labels_before` on the line before their values, rows `unlabelled` without labels,
    and (`values_inside`) labels longer than that many characters wrapped in lines of it with
    the row's values after the middle line, as a PDF's text prints values centred beside them."""
    out: list[Line] = []
    n = 0
    for item in items:
        if isinstance(item, str):
            out.append(("text", item))
            continue
        for row in item:
            if not row.values:
                out.append(("header", sep.join(row.labels)))
                continue
            labels = list(row.labels)
            if n in unlabelled:
                labels = []
            elif groups_alone or n in labels_before:
                out.extend(("label", label) for label in labels[:-1])
                labels = labels[-1:]
            if labels and numbers_alone:
                number, *rest = _split_number(labels[-1])
                if rest:
                    out.append(("label", number))
                    labels[-1:] = rest
            if numbers_apart:
                labels = [part for label in labels for part in _number_apart(label)]
            if n in labels_before:
                out.append(("label", sep.join(labels)))
                labels = []
            wrapped = _wrapped_in(labels[-1], values_inside) if values_inside and labels else []
            if len(wrapped) > 1:
                middle = (len(wrapped) + 1) // 2
                out += [*(("label", line) for line in wrapped[:middle]), ("value", sep.join(row.values)),
                        *(("label", line) for line in wrapped[middle:])]
            else:
                out.append(("value", sep.join([*labels, *row.values])))
            n += 1
    return out


def _value_rows(items: list[Item]) -> list[Row]:
    return [row for item in items if isinstance(item, list) for row in item if row.values]


def _tables_mapped(items: list[Item], fn: Callable[[Row], list[Row]]) -> list[Item]:
    """`items` with each table row replaced by the rows `fn` makes of it; running text as it is."""
    return [[new for row in item for new in fn(row)] if isinstance(item, list) else item for item in items]


def _relabelled(items: list[Item], fn: Callable[[str], str]) -> list[Item]:
    """`items` with `fn` applied to every label and header cell of their tables."""
    return _tables_mapped(items, lambda row: [Row([fn(label) for label in row.labels], row.values)])


def _joined(header: str, lines: list[Line]) -> str:
    return header + "\n".join(text for _, text in lines) + "\n"


def _rng(text: str, name: str) -> random.Random:
    """A generator seeded by the report and the rewrite: the same case, the same text."""
    return random.Random(zlib.crc32(f"{name}\n{text}".encode("utf-8")))


def _layout(text: str, gold: dict | None, *, blanks_ok: bool = False) -> tuple[str, list[Item]] | None:
    parts = grid(text, gold)
    if parts is None or (not blanks_ok and _has_blank_cell(parts[1])):
        return None
    return parts


# ---- pattern 1: group labels and row numbers alone

def group_label_alone(text: str, gold: dict | None) -> Result:
    """Rows tab-separated, each group label (三、本年度办理结果, （三）不予公开, （六）其他处理 …)
    alone on the line before its first sub-row."""
    parts = _layout(text, gold, blanks_ok=True)
    return parts and _joined(parts[0], row_lines(parts[1], "\t", groups_alone=True))


def group_label_numbers_alone(text: str, gold: dict | None) -> Result:
    """As group_label_alone, and the row numbers alone too: `1.` / `属于国家秘密\t0\t…`."""
    parts = _layout(text, gold, blanks_ok=True)
    return parts and _joined(parts[0], row_lines(parts[1], "\t", groups_alone=True, numbers_alone=True))


# A row number opening a line, as a Markdown writer escapes it (trafilatura, markdownify): `1\.`.
_LIST_NUMBER = re.compile(r"^(\s*\d+)\.", re.MULTILINE)


def markdown_escaped_numbers(text: str, gold: dict | None) -> Result:
    r"""One cell a line, row numbers alone, each escaped as a Markdown writer escapes a line that
    would start a numbered list (`1\.` / `属于国家秘密` / `0` …: trafilatura's or markdownify's
    Markdown of a crawled page)."""
    parts = _layout(text, gold)
    lines = parts and cell_lines(parts[1], numbers_alone=True)
    return lines and _LIST_NUMBER.sub(r"\1\\.", _joined(parts[0], lines))


# ---- table 四 retyped one row a group

def _t4_by_group(gold: dict) -> list[Row]:
    """Table 四 as agencies retype it: the five results over one row for each group (行政复议,
    行政诉讼（未经复议直接起诉）, 行政诉讼（复议后起诉）), not the national format's single row of fifteen."""
    rows = [Row(["类别", *_T4_RESULTS], [])]
    for group, label in _T4_GROUPS:
        values = [gold["t4"].get(group, {}).get(key) for key in _T4_RESULT_KEYS]
        rows.append(Row([label], _printed(values, blank="") or []))
    return rows


def _with_t4_by_group(items: list[Item], gold: dict | None) -> list[Item] | None:
    """`items` with table 四 (the last table with a row of fifteen values) retyped one row a group."""
    last = max((n for n, item in enumerate(items)
                if isinstance(item, list) and any(len(row.values) == len(_T4_KEYS) for row in item)), default=None)
    if last is None or not gold or not gold.get("t4"):
        return None
    return [*items[:last], _t4_by_group(gold), *items[last + 1:]]


def t4_rows_per_group(text: str, gold: dict | None) -> Result:
    """Table 四 one row a group (`_t4_by_group`), rows tab-separated."""
    parts = _layout(text, gold, blanks_ok=True)
    items = parts and _with_t4_by_group(parts[1], gold)
    return items and _joined(parts[0], row_lines(items, "\t"))


def t4_rows_per_group_crawled(text: str, gold: dict | None) -> Result:
    """Table 四 one row a group, the page crawled one cell a line."""
    parts = _layout(text, gold)
    items = parts and _with_t4_by_group(parts[1], gold)
    return items and _joined(parts[0], cell_lines(items))


# ---- pattern 2: one cell per line as crawled

def crawled_cells(text: str, gold: dict | None) -> Result:
    """One cell per line without blank lines, as a crawler saves a page's text nodes."""
    parts = _layout(text, gold)
    return parts and _joined(parts[0], cell_lines(parts[1]))


def crawled_cells_blanks_dropped(text: str, gold: dict | None) -> Result:
    """One cell per line as a crawler writes a page's text nodes, of a table that leaves cells
    blank: a blank cell has no text node, so no line (a row of blanks prints its label alone,
    a row of blanks and one 无 its label and 无)."""
    parts = _layout(text, gold, blanks_ok=True)
    if parts is None or not _has_blank_cell(parts[1]):
        return None
    return _joined(parts[0], [line for line in cell_lines(parts[1]) if not (line[0] == "value" and not line[1].strip())])


def crawled_cells_split(text: str, gold: dict | None) -> Result:
    """As crawled_cells, with row numbers on lines of their own (`1.` / `属于国家秘密`) and
    header cells in two nodes (商业 / 企业), as 三明 2023 prints it."""
    parts = _layout(text, gold)
    return parts and _joined(parts[0], cell_lines(parts[1], numbers_alone=True, wrapped_headers=True))


def crawled_cells_joined_groups(text: str, gold: dict | None) -> Result:
    """As crawled_cells, with a group label on its first row's label line: `（三）不予公开 1.属于国家秘密`."""
    parts = _layout(text, gold)
    return parts and _joined(parts[0], cell_lines(parts[1], joined_groups=True))


def _lose_a_value(lines: list[Line], rng: random.Random, run: int = 7) -> list[Line] | None:
    """One value other than 0 left out of one run of `run` value lines (a table-三 row; table
    四's fifteen): a crawler that lost a text node.  The value was printed, so the gold stands;
    the parser can only place the other values and show the lost one as the sums imply, in doubt."""
    rows: list[tuple[int, int]] = []  # (first value line, count) of each run of value lines
    for index, (kind, _) in enumerate(lines):
        if kind == "value" and (index == 0 or lines[index - 1][0] != "value"):
            rows.append((index, 0))
        if kind == "value":
            rows[-1] = (rows[-1][0], rows[-1][1] + 1)
    choices = [start + k for start, count in rows if count == run
               for k in range(count) if lines[start + k][1].strip() not in ("0", "")]
    if not choices:
        return None
    lost = rng.choice(choices)
    return lines[:lost] + lines[lost + 1:]


def crawled_cells_lost(text: str, gold: dict | None) -> Result:
    """One cell per line, one value other than 0 of one table-三 row lost (the crawler dropped
    its text node): the row prints six values for seven cells."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    lines = _lose_a_value(cell_lines(parts[1]), _rng(text, "crawled_cells_lost"))
    return lines and _joined(parts[0], lines)


# A value lost from one of table 四's groups of five may leave the whole group open: "0 1 0 2"
# for five cells fits the group's sum with the lost value in any of them (as unknown).
T4_GROUP_CELLS = 5
# Value cells merged across two rows leave the lower row's cells in doubt: its seven cells.
T3_ROW_CELLS = 7


def crawled_t4_value_lost(text: str, gold: dict | None) -> Result:
    """One cell per line, table 四 as its official row of fifteen values, one value other than 0
    lost: fourteen values for fifteen cells, placed by the three groups' sums."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    lines = _lose_a_value(cell_lines(parts[1]), _rng(text, "crawled_t4_value_lost"), run=15)
    return lines and _joined(parts[0], lines)


# ---- pattern 3: values broken over two lines

def _break_values(lines: list[Line], rng: random.Random) -> list[Line] | None:
    """About half the rows with a multi-digit value get one of them broken over two lines."""
    out: list[Line] = []
    broken = 0
    row_broken = False
    for kind, value in lines:
        if kind != "value":
            row_broken = False
        elif not row_broken and re.fullmatch(r"\d{2,}", value) and rng.random() < 0.5:
            cut = rng.randint(1, len(value) - 1)
            out += [(kind, value[:cut]), (kind, value[cut:])]
            broken += 1
            row_broken = True
            continue
        out.append((kind, value))
    return out if broken else None


def broken_values(text: str, gold: dict | None) -> Result:
    """One cell per line, with multi-digit values broken over two lines (`1` / `35` for
    135; at most one a row), as pages print digits split across text nodes."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    lines = _break_values(cell_lines(parts[1]), _rng(text, "broken_values"))
    return lines and _joined(parts[0], lines)


# ---- pattern 4: label rewordings

# (pattern, replacement) per kind of rewording; a reader takes each for the same row.
_INSERTED_WORDS = (
    ("本年新收政府信息公开申请数量", "本年新收的政府信息公开申请数量"),
    ("上年结转政府信息公开申请数量", "上年结转的政府信息公开申请数量"),
    ("其他法律行政法规禁止公开", "其他法律及行政法规禁止公开"),
    ("保护第三方合法权益", "保护第三方的合法权益"),
    ("本机关不掌握相关政府信息", "本机关不掌握相关的政府信息"),
    ("信访举报投诉类申请", "信访、举报和投诉类申请"),
    ("其他对外管理服务事项", "其他对外管理和服务事项"),
)
_DROPPED_WORDS = (
    ("补正后申请内容仍不明确", "补正后申请内容不明确"),
    ("没有现成信息需要另行制作", "没有现成信息需另行制作"),
    ("要求行政机关确认或重新出具已获取信息", "要求行政机关确认、重新出具已获取信息"),
    ("申请人逾期未按收费通知要求缴纳费用", "申请人逾期未按收费通知缴纳费用"),
)
_YEAR_WORDS = (
    ("本年度办理结果", "本年办理结果"),
    ("本年新收政府信息公开申请数量", "本年度新收政府信息公开申请数量"),
    ("上年结转政府信息公开申请数量", "上年度结转政府信息公开申请数量"),
    ("结转下年度继续办理", "结转下年继续办理"),
)
# Renumbering one level down: 一、→（一） for the top rows, （一）→1. for the outcomes,
# 1.→（1） for the sub-rows (anchored on the label, so captions and text stay as they are).
_TOP_ROWS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")
_OUTCOMES = ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "总计")
_SUB_ROWS = ("属于国家秘密", "其他法律行政法规", "危及", "保护第三方", "属于三类", "属于四类", "属于行政执法",
             "属于行政查询", "本机关不掌握", "没有现成信息", "补正后申请", "信访举报", "重复申请", "要求提供公开出版物",
             "无正当理由", "要求行政机关确认", "申请人无正当理由", "申请人逾期未按", "其他")
_CHINESE_DIGITS = "一二三四五六七八九"


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, words))


_RENUMBER = (
    (re.compile(rf"(?<![（(第])([一二三四])、\s*(?={_alternatives(_TOP_ROWS)})"), lambda m: f"（{m.group(1)}）"),
    (re.compile(rf"[（(]([一二三四五六七])[)）]\s*(?={_alternatives(_OUTCOMES)})"),
     lambda m: f"{_CHINESE_DIGITS.index(m.group(1)) + 1}."),
    (re.compile(rf"(?<![（(])([1-8])\s*[.．、]\s*(?={_alternatives(_SUB_ROWS)})"), lambda m: f"（{m.group(1)}）"),
)


def _reworded(pairs: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        return text
    return apply


def _renumbered(text: str) -> str:
    # All three levels found on the text as printed, then replaced at once.
    spans = sorted((m.start(), m.end(), fn(m)) for pattern, fn in _RENUMBER for m in pattern.finditer(text))
    out, end = [], 0
    for start, stop, replacement in spans:
        if start >= end:
            out += [text[end:start], replacement]
            end = stop
    return "".join(out) + text[end:]


def _in_tables(text: str, fn: Callable[[str], str]) -> Result:
    """`fn` applied to the table cells (cell layouts) or the table region (other layouts)."""
    header, body = split_crawl_header(text)
    if has_tab_table(body) or has_pipe_table(body):
        result = header + map_cells(body, fn)
    else:
        region = table_region(body)
        if region is None:
            return None
        start, end = region
        result = header + body[:start] + fn(body[start:end]) + body[end:]
    return result if result != text else None


def label_inserted_words(text: str) -> Result:
    """Row labels with a word inserted: 的, 及, 和, 、 (本年新收的…, 其他法律及行政法规禁止公开)."""
    return _in_tables(text, _reworded(_INSERTED_WORDS))


def label_dropped_words(text: str) -> Result:
    """Row labels with a connecting word dropped or shortened (内容不明确, 需另行制作)."""
    return _in_tables(text, _reworded(_DROPPED_WORDS))


# A province's template prints notes in brackets after labels and headers; a note may name other
# rows (行政处罚, 行政强制) and hold numbers (-8).
_LABEL_NOTES = (
    ("规章", "规章（设区的市、自治州人民政府应提供相关数据）"),
    ("规范性文件", "规范性文件（行政机关制定发布的决定、公告、通告、意见、通知，以及标题采用“规定”“办法”“细则”"
     "“规范”“规程”“规则”等字样的公文，一般情况下属于规范性文件）"),
    ("其他对外管理服务事项", "其他对外管理服务事项（指行政许可以外的政务服务事项，含行政确认、行政奖励、行政裁决、"
     "行政给付、行政处罚、行政强制、行政检查、行政征收和其他类，以及公共服务事项）"),
    ("上一年项目数量", "上一年项目数量（指上一年事项数）"),
    ("本年增/减", "本年增/减（指本年增加或减少的事项数，减用负值表示，如-8）"),
    ("处理决定数量", "处理决定数量（指本年办件量）"),
)


def label_notes(text: str) -> Result:
    """Labels and headers of table 二 with notes in brackets after them, as a province's template
    prints them: `其他对外管理服务事项（…含行政确认、…行政处罚、行政强制…）`."""
    return _in_tables(text, _reworded(_LABEL_NOTES))


def label_year_words(text: str) -> Result:
    """本年度 for 本年 and back (本年办理结果, 本年度新收…, 结转下年继续办理)."""
    return _in_tables(text, _reworded(_YEAR_WORDS))


# A row's number opening its label cell: "（七）总计", "1.属于国家秘密", "三、本年度办理结果".
_NUMBER_OPENING_LABEL = re.compile(r"([（(][一二三四五六七八九十]{1,2}[)）]|\d{1,2}[.．、]|[一二三四五六七八九十]、)\s*(?=[\u4e00-\u9fff])")
_PIPE_CELL_OPENING = re.compile(r"\|?[ \t]*")


def _number_apart(label: str) -> list[str]:
    """A label as its number and the rest ("1." and "属于国家秘密"); an unnumbered label whole."""
    number = _NUMBER_OPENING_LABEL.match(label)
    return [number.group(1), label[number.end():]] if number else [label]


def row_numbers_apart(text: str) -> Result:
    """Each table row's number in a cell of its own before its label ("（七）" | "总计", "1." |
    "属于国家秘密"), as tables with a column of row numbers print it: a short label (总计, 其他)
    is then known only with the cell before it."""
    if not (has_tab_table(text) or has_pipe_table(text)):
        return None
    out = []
    for line in text.split("\n"):
        if line.startswith("\t") and (number := _NUMBER_OPENING_LABEL.match(line, 1)):
            line = f"\t{number.group(1)}\n\t{line[number.end():]}"  # Word's next cell, on the next line
        elif is_pipe_row(line):
            lead = _PIPE_CELL_OPENING.match(line)
            number = _NUMBER_OPENING_LABEL.match(line, lead.end()) if lead else None
            if lead and number:
                line = f"{line[:lead.end()]}{number.group(1)} | {line[number.end():]}"
        out.append(line)
    result = "\n".join(out)
    return result if result != text else None


def row_numbers_apart_html(text: str) -> Result:
    """row_numbers_apart as a web page: the number and the label in <td>s side by side."""
    apart = row_numbers_apart(text)
    return apart and html_tables(apart)


def label_renumbered(text: str) -> Result:
    """Table 三 numbered one level down: （一）本年新收…, 1.予以公开, （1）属于国家秘密."""
    return _in_tables(text, _renumbered)


# ---- pattern 5: consecutive identical lines collapsed

def collapse_runs(lines: list[Line]) -> list[Line]:
    """What the crawler does: a line equal to the line before it is dropped."""
    return [line for n, line in enumerate(lines) if n == 0 or line[1] != lines[n - 1][1]]


def collapsed_runs(text: str, gold: dict | None) -> Result:
    """One cell per line, consecutive identical lines collapsed (a row 15,0,0,0,0,0,15 prints
    15 / 0 / 15, a row of zeros one 0), as the crawl of 莆田统计局 2022 saved it."""
    parts = _layout(text, gold)
    return parts and _joined(parts[0], collapse_runs(cell_lines(parts[1])))


# ---- pattern 6: digits fused

def digit_runs(text: str, gold: dict | None) -> Result:
    """Every row on its line with all its cells concatenated (`一、本年新收…数量120000012`)."""
    parts = _layout(text, gold)
    return parts and _joined(parts[0], row_lines(parts[1], ""))


def digit_runs_one_line(text: str, gold: dict | None) -> Result:
    """The body on one line, each row's cells concatenated, rows and paragraphs apart by a
    space (平潭's crawls, written from any report)."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    words = [line.strip(_BLANKISH) for _, line in row_lines(parts[1], "") if line.strip(_BLANKISH)]
    return parts[0] + " ".join(words) + "\n"


def tabbed_one_line(text: str, gold: dict | None, joiner: str = " ", numbers_apart: bool = False) -> Result:
    """The body on one line with each row's cells still tab-separated, rows and paragraphs apart
    by a space: a crawl that kept a table's cell tabs but not its line breaks, so the whole page
    reads as one long row of cells (labels, values and running text)."""
    parts = _layout(text, gold, blanks_ok=True)
    if parts is None:
        return None
    return _flattened(parts[0], row_lines(parts[1], "\t", numbers_apart=numbers_apart), joiner)


def _flattened(header: str, lines: list[Line], joiner: str) -> str:
    """The lines on one line, `joiner` between them (the crawl header kept)."""
    return header + joiner.join(line.strip(" \xa0\u3000") for _, line in lines if line.strip(_BLANKISH)) + "\n"


def tabbed_glued_one_line(text: str, gold: dict | None) -> Result:
    """As `tabbed_one_line` with nothing between rows: a row's last value runs into the next
    row's label or heading (`无三、本年度办理结果`, `0规范性文件`)."""
    return tabbed_one_line(text, gold, joiner="")


def numbered_cells_one_line(text: str, gold: dict | None) -> Result:
    """As `tabbed_one_line` with each row's number in a cell of its own (a table with a column of
    row numbers): a row's last value and the next row's number one cell (`0 2.`, `0 （七）`)."""
    return tabbed_one_line(text, gold, numbers_apart=True)


def numbered_cells_glued_one_line(text: str, gold: dict | None) -> Result:
    """As `tabbed_glued_one_line` with each row's number in a cell of its own (a table with a
    column of row numbers): a row's last value runs into the next row's number (`0` and `2.` as
    `02.`, `0（七）`)."""
    return tabbed_one_line(text, gold, joiner="", numbers_apart=True)


def wrapped_numbered_cells_glued_one_line(text: str, gold: dict | None) -> Result:
    """numbered_cells_glued_one_line of a table whose long labels wrapped in their cells, saved as
    Word saves such a table as text (the label's first line in its row, the rest in a row of its
    own with empty cells) before it was flattened: the rest of a label runs on from its row's last
    value, and the next row's number from it (`逾\t2\t…\t2期不补正、…政府信息公开申请2.\t申请人逾期…`)."""
    parts = _layout(text, gold, blanks_ok=True)
    if parts is None:
        return None

    def wrapped(row: Row) -> list[Row]:
        pieces = _wrapped_in(row.labels[-1], _LABEL_CELL_WIDTH) if row.values and row.labels else []
        if len(pieces) < 2:
            return [row]
        return [Row([*row.labels[:-1], pieces[0]], row.values), Row(["".join(pieces[1:])], [])]

    return _flattened(parts[0], row_lines(_tables_mapped(parts[1], wrapped), "\t", numbers_apart=True), "")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def space_aligned(text: str, gold: dict | None) -> Result:
    """Tables as a PDF-to-text converter lays them out (`pdftotext -layout`): each row on its
    line, the label padded to the label column's width and each value centred in its column,
    columns three spaces apart; a blank cell is only spaces, so where it was is told by the
    positions of the values in the other rows."""
    parts = _layout(text, gold, blanks_ok=True)
    if parts is None:
        return None
    lines: list[str] = []
    for item in parts[1]:
        if isinstance(item, str):
            lines.append(item)
            continue
        rows = [(" ".join(row.labels), row.values) for row in item]
        label_width = max([_display_width(label) for label, values in rows if values] + [0])
        columns = max(len(values) for _, values in rows)
        widths = [max([_display_width(values[c]) for _, values in rows if c < len(values)] + [3])
                  for c in range(columns)]
        for label, values in rows:
            if not values:
                lines.append(label)
                continue
            cells = [label + " " * (label_width - _display_width(label))]
            for value, width in zip(values, widths):
                room = width - _display_width(value)
                cells.append(" " * (room // 2) + value + " " * (room - room // 2))
            lines.append("   ".join(cells).rstrip())
    return parts[0] + "\n".join(lines) + "\n"


# ---- pattern 7: a label apart from its values, or missing

def _t3_like(rows: list[Row], n: int) -> bool:
    return 0 <= n < len(rows) and len(rows[n].values) == 7 and bool(rows[n].labels)


def _placeable(rows: list[Row]) -> list[int]:
    """Rows a reader could still place without their label: a numbered table-三 sub-row
    (2.其他法律…) with one label cell, between two labelled table-三 rows."""
    return [n for n in range(1, len(rows) - 1)
            if _t3_like(rows, n - 1) and _t3_like(rows, n) and _t3_like(rows, n + 1)
            and len(rows[n].labels) == 1 and _NUMBERED.fullmatch(rows[n].labels[0]) and all(rows[n].values)]


def label_line_before(text: str, gold: dict | None) -> Result:
    """Rows tab-separated, about a third of the labelled rows with their label on the line
    before their values."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    rng = _rng(text, "label_line_before")
    rows = _value_rows(parts[1])
    chosen = frozenset(n for n, row in enumerate(rows) if row.labels and rng.random() < 1 / 3)
    return _joined(parts[0], row_lines(parts[1], "\t", labels_before=chosen)) if chosen else None


def label_missing_row(text: str, gold: dict | None) -> Result:
    """Rows tab-separated, one table-三 row printed without its label between two labelled rows."""
    parts = _layout(text, gold, blanks_ok=True)
    candidates = _placeable(_value_rows(parts[1])) if parts else []
    if not candidates:
        return None
    chosen = frozenset([_rng(text, "label_missing_row").choice(candidates)])
    return _joined(parts[0], row_lines(parts[1], "\t", unlabelled=chosen))


def stacked_labels(text: str, gold: dict | None) -> Result:
    """Rows tab-separated, two table-三 rows' labels in the first one's label cell and the
    second row's values on the next line under an empty label cell: a merged label cell (a scan
    whose ruling between the two label cells was lost).  Which value row is whose is told by
    printed order alone, so both rows come back flagged (STACKED_CELLS)."""
    parts = _layout(text, gold, blanks_ok=True)
    rows = _value_rows(parts[1]) if parts else []
    candidates = _placeable(rows)
    if not parts or not candidates:
        return None
    n = _rng(text, "stacked_labels").choice(candidates)
    first, second = rows[n - 1], rows[n]
    first.labels = [*first.labels[:-1], first.labels[-1] + second.labels[-1]]
    second.labels = [""]
    return _joined(parts[0], row_lines(parts[1], "\t"))


# The cells stacked_labels leaves to printed order: two rows of table 三.
STACKED_CELLS = 2 * 7


# Characters a table 三 label cell holds on one line of a PDF's table; a longer label wraps.
_LABEL_CELL_WIDTH = 10
# A character and the pinyin a site's plug-in put after it: a line break falls between such units.
_PRINTED_CHARACTER = re.compile(rf"[\u4e00-\u9fff](?:{_PINYIN_SYLLABLE})?|.")


def _wrapped_in(text: str, width: int) -> list[str]:
    """`text` in lines of `width` characters, as a narrow cell wraps it (never inside the pinyin
    after a character)."""
    units = _PRINTED_CHARACTER.findall(text)
    return ["".join(units[i:i + width]) for i in range(0, len(units), width)]


def wrapped_labels_lifted(text: str, gold: dict | None) -> Result:
    """Pipe rows as a PDF-to-Markdown converter writes a table whose long labels wrapped in
    their cells (上海科委 2024): a table-三 row whose label wraps loses it to the text above
    the table rows, printed in lines of the cell's width, and keeps its values as a pipe row
    without a label.  A run of such rows prints its labels first, then its value rows, so
    only the labelled rows around a run and the run's printed order place its values."""
    parts = _layout(text, gold)
    if parts is None:
        return None

    def pipe_row(cells: list[str]) -> Line:
        return ("value", "| " + " | ".join(cells) + " |")

    out: list[Line] = []
    labels: list[Line] = []
    values: list[Line] = []
    lifted = 0
    for item in parts[1]:
        if isinstance(item, str):
            out.extend([*labels, *values, ("text", item)])
            labels, values = [], []
            continue
        for row in item:
            label = row.labels[-1] if row.labels else ""
            if len(row.values) == 7 and len(_wrapped_in(label, _LABEL_CELL_WIDTH)) > 1:
                for cell in row.labels:
                    labels.extend(("label", line) for line in _wrapped_in(cell, _LABEL_CELL_WIDTH))
                values.append(pipe_row(row.values))
                lifted += 1
                continue
            out.extend([*labels, *values])
            labels, values = [], []
            out.append(pipe_row(row.labels) if not row.values else pipe_row([*row.labels, *row.values]))
    out.extend([*labels, *values])
    return _joined(parts[0], out) if lifted else None


def _values_inside_labels(text: str, gold: dict | None, sep: str, width: int = _LABEL_CELL_WIDTH,
                          notes: bool = False) -> Result:
    parts = _layout(text, gold)
    if parts is None:
        return None
    if notes:
        parts = parts[0], _relabelled(parts[1], _reworded(_LABEL_NOTES))
    lines = row_lines(parts[1], sep, groups_alone=True, values_inside=width)
    return _joined(parts[0], lines) if lines != row_lines(parts[1], sep, groups_alone=True) else None


def values_inside_wrapped_labels(text: str, gold: dict | None) -> Result:
    """A PDF's text with each row's values, centred beside a label wrapped over two lines in its
    cell, printed between the label's two lines (`1.申请人无正当理由` / `2 0 0 0 0 0 2` /
    `逾期不补正、…`); values apart by spaces, group names on lines of their own."""
    return _values_inside_labels(text, gold, " ")


def values_inside_narrow_labels(text: str, gold: dict | None) -> Result:
    """As values_inside_wrapped_labels with narrow label cells: a long label wraps over three to
    six lines and its values stand after the middle one."""
    return _values_inside_labels(text, gold, " ", width=7)


def values_inside_label_notes(text: str, gold: dict | None) -> Result:
    """As values_inside_wrapped_labels with table 二's labels and headers carrying a province
    template's notes: a note wraps over several lines of its cell and the row's values stand after
    its middle line, among words that name other rows (`其他对外管理服务事项` / `（指行政许可以外的政`
    / … / `0 0 0` / `决、行政给付、行政处` / `罚、行政强制、…）`)."""
    return _values_inside_labels(text, gold, " ", notes=True)


def values_inside_wrapped_labels_tabbed(text: str, gold: dict | None) -> Result:
    """As values_inside_wrapped_labels with the values tab-separated (a grid row between the
    label's two lines of text)."""
    return _values_inside_labels(text, gold, "\t")


def values_inside_wrapped_labels_one_line(text: str, gold: dict | None) -> Result:
    """values_inside_wrapped_labels flattened onto one line by a crawler (its lines joined by
    spaces): a label's two pieces stand either side of its row's values
    (`5.要求行政机关确认 0 0 0 0 0 0 0 或重新出具已获取信息 （六）其他处理 …`)."""
    return _lines_joined(values_inside_wrapped_labels(text, gold))


def values_inside_narrow_labels_one_line(text: str, gold: dict | None) -> Result:
    """values_inside_narrow_labels flattened onto one line: a label's pieces a space apart, its
    values after the middle one (`一、本年新收政 府信息公开申请 0 0 0 0 0 0 0 数量`)."""
    return _lines_joined(values_inside_narrow_labels(text, gold))


def values_inside_tabbed_labels_one_line(text: str, gold: dict | None) -> Result:
    """values_inside_wrapped_labels_tabbed flattened onto one line: the row of tab-separated
    values between a label's two pieces, the first value's cell holding the first piece and the
    last value's the second piece and what follows."""
    return _lines_joined(values_inside_wrapped_labels_tabbed(text, gold))


def _lines_joined(text: Result) -> Result:
    """The body's lines joined by spaces (the crawl header kept)."""
    if text is None:
        return None
    header, body = split_crawl_header(text)
    return header + " ".join(line.strip() for line in body.split("\n") if line.strip()) + "\n"


def label_missing_cells(text: str, gold: dict | None) -> Result:
    """One cell per line, one table-三 row's values straight after the row before (its label
    missing): seven values more than the row before holds, before the next label."""
    parts = _layout(text, gold)
    candidates = _placeable(_value_rows(parts[1])) if parts else []
    if not candidates:
        return None
    chosen = frozenset([_rng(text, "label_missing_cells").choice(candidates)])
    return _joined(parts[0], cell_lines(parts[1], unlabelled=chosen))


# ---- pattern 8: section headings glued, out of order, missing

_HEADINGS = {
    "三": re.compile(r"[三3]\s*[、.．]\s*收到和处理"),
    "四": re.compile(r"[四4]\s*[、.．]\s*[^\n]{0,20}复议"),
    "五": re.compile(r"[五5]\s*[、.．]\s*(?:政府信息公开工作)?存在的?主要问题"),
    "六": re.compile(r"[六6]\s*[、.．]\s*其他需要报告"),
}


def glue_headings(lines: list[Line], numbers: str) -> list[Line] | None:
    """The headings `numbers` (三, 四, 五) that open a text line after a table glued to the
    end of the line before: `…0五、存在的主要问题及改进情况`."""
    out: list[Line] = []
    glued = 0
    seen_table = False
    for kind, line in lines:
        seen_table = seen_table or kind != "text"
        heading = kind == "text" and any(_HEADINGS[number].match(line) for number in numbers)
        if heading and seen_table and out and out[-1][0] != "text":
            out[-1] = (out[-1][0], out[-1][1] + line)
            glued += 1
        else:
            out.append((kind, line))
    return out if glued else None


def glued_heading_five(text: str, gold: dict | None) -> Result:
    """One cell per line, heading 五 glued to table 四's last value."""
    parts = _layout(text, gold)
    lines = parts and glue_headings(cell_lines(parts[1]), "五")
    return lines and _joined(parts[0], lines)


def glued_headings(text: str, gold: dict | None) -> Result:
    """One cell per line, headings 三, 四 and 五 each glued to the last value of the table before."""
    parts = _layout(text, gold)
    lines = parts and glue_headings(cell_lines(parts[1]), "三四五")
    return lines and _joined(parts[0], lines)


_HEADING_TITLES = {
    "五": re.compile(r"[五5]\s*[、.．]\s*(?:政府信息公开工作)?存在的?主要问题(?:及|和)?(?:改进|整改)?(?:情况|措施)?"),
    "六": re.compile(r"[六6]\s*[、.．]\s*其他需要报告的?事项"),
}


def _heading_span(text: str, number: str, start: int = 0) -> tuple[int, int] | None:
    """Where heading 五 or 六 is printed (its number and title) from `start` on."""
    match = _HEADING_TITLES[number].search(text, start)
    return match.span() if match else None


def _heading_five(text: str) -> tuple[int, int] | None:
    """Where heading 五 is printed after table 四's header."""
    return _heading_span(text, "五", text.find("复议后起诉") if "复议后起诉" in text else 0)


def _without_heading(text: str, span: tuple[int, int]) -> str:
    """`text` without the heading at `span`, and without its line when it had one of its own."""
    start, end = span
    own_line = text[start - 1:start] == "\n" and text[end:end + 1] in ("\n", "")
    return text[:start] + text[end + 1 if own_line else end:]


def six_before_five(text: str) -> Result:
    """Heading 六 printed before heading 五, its content still after 五's (莆田统计局 2022)."""
    five = _heading_five(text)
    six = five and _heading_span(text, "六", five[1])
    if not six:
        return None
    line_start = five[0] == 0 or text[five[0] - 1] == "\n"
    removed = _without_heading(text, six)
    return removed[:five[0]] + text[six[0]:six[1]] + ("\n" if line_start else " ") + removed[five[0]:]


_HEADING_FOUR = re.compile(r"[四4]\s*[、.．]\s*(?:政府信息公开)?(?:行政复议|因政府信息公开申请)[^\n]{0,30}?情况")


def five_after_four(text: str) -> Result:
    """Heading 五 printed right after heading 四, on its line, table 四 after both (a site's page
    whose headings were laid out apart from their tables): table 四's last values then run into
    section 五's first words."""
    five = _heading_five(text)
    fours = [m for m in _HEADING_FOUR.finditer(text) if five and m.end() < five[0]]
    if not five or not fours:
        return None
    four = fours[-1]
    removed = _without_heading(text, five)
    return removed[:four.end()] + text[five[0]:five[1]] + removed[four.end():]


_HEADING_TWO = re.compile(r"(?:二|2)\s*[、.．]\s*主动公开(?:政府)?信息(?:的)?情况")


def missing_heading_two(text: str) -> Result:
    """No heading 二: table 二's first caption follows section 一 directly (莆田统计局 2022)."""
    for match in _HEADING_TWO.finditer(text):
        if "第二十条" in text[match.end():match.end() + 40]:
            start, end = match.span()
            if (start == 0 or text[start - 1] == "\n") and text[end:end + 1] == "\n":
                end += 1  # the heading's own line
            return text[:start] + text[end:]
    return None


# ---- tables as a Word document saved as a web page: merged cells

_TOP_LABEL = re.compile(r"[一二三四五六七八九十]+\s*、")
_MID_LABEL = re.compile(r"[（(][一二三四五六七八九十]+[）)]")


def _label_level(label: str) -> int:
    """0 for 一、…, 1 for （一）…, 2 for 1.… (the depth a label sits at in table 三)."""
    return 0 if _TOP_LABEL.match(label) else 1 if _MID_LABEL.match(label) else 2


def _label_paths(rows: list[Row]) -> list[list[str]]:
    """Each value row's labels from its outermost group down, groups printed on an earlier row
    included: 2.其他法律… → [三、本年度办理结果, （三）不予公开, 2.其他法律…]."""
    groups: list[str] = []
    paths = []
    for row in rows:
        if not row.values or not row.labels:
            paths.append(list(row.labels))
            continue
        level = _label_level(row.labels[0])
        kept = [g for g in groups if _label_level(g) < level]
        groups = kept + row.labels[:-1]
        paths.append(groups + row.labels[-1:])
    return paths


def _merged_cells(rows: list[Row]) -> tuple[int, list[list[tuple[str, str, int, int]]]]:
    """One table as Word saves it: each group label one cell spanning its sub-rows, a label
    without sub-rows spanning the label columns it does not need, header rows and captions as
    cells spanning the width.  The table's width in columns, and per row its cells as (text,
    the cell's span as HTML attributes, columns spanned, rows spanned)."""
    paths = _label_paths(rows)
    depth = max((len(path) for path, row in zip(paths, rows) if row.values), default=0)
    width = depth + max((len(row.values) for row in rows), default=0)
    table = []
    for n, (path, row) in enumerate(zip(paths, rows)):
        if not row.values:
            cells = row.labels or [""]
            spans = [width // len(cells)] * len(cells)
            spans[-1] += width - sum(spans)
            table.append([(cell, f' colspan="{span}"', span, 1) for cell, span in zip(cells, spans)])
            continue
        tds = []
        for level, label in enumerate(path):
            if level < len(path) - 1:
                if n and level < len(paths[n - 1]) and paths[n - 1][level] == label and rows[n - 1].values:
                    continue  # under the group cell a row above opened
                span = 1
                while n + span < len(rows) and level < len(paths[n + span]) - 1 and paths[n + span][level] == label:
                    span += 1
                tds.append((label, f' rowspan="{span}"', 1, span))
            else:
                tds.append((label, f' colspan="{depth - level}"' if depth - level > 1 else "", depth - level, 1))
        if not path and depth:
            tds.append(("", f' colspan="{depth}"', depth, 1))
        tds.extend((value, "", 1, 1) for value in row.values)
        table.append(tds)
    return width, table


def _merged_table(rows: list[Row]) -> str:
    """The table of `_merged_cells` as HTML."""
    _, table = _merged_cells(rows)
    return ('<table border="1" cellspacing="0">' + "".join(
        "<tr>" + "".join(f"<td{span}>{html.escape(text)}</td>" for text, span, _, _ in row) + "</tr>" for row in table)
        + "</table>")


def _pipe_cell_lines(rows: list[Row]) -> str:
    """The table of `_merged_cells` as a crawler writes a page's table: each cell on a line of
    its own followed by " |", an empty cell a "|" alone, and after each row short of the table's
    width (cells spanning rows above or columns) one line of a pipe for each slot it lacks."""
    width, table = _merged_cells(rows)
    lines = []
    for row in table:
        lines += [f"{text} |" if text.strip() else "|" for text, _, _, _ in row]
        if width > len(row):
            lines.append("|" * (width - len(row)))
    return "\n".join(lines)


def _leading_pipe_lines(rows: list[Row]) -> str:
    """The table of `_merged_cells` as its pipe rows (`规章 | 0 | 0 | 0 |`) broken before each pipe,
    as a crawler writes them: the first cell, then `| 0` for each other cell (`|` alone when
    empty), then the closing `|`."""
    _, table = _merged_cells(rows)
    lines = []
    for row in table:
        first, *others = [text.strip() for text, _, _, _ in row]
        lines += [first, *(f"| {text}" if text else "|" for text in others), "|"]
    return "\n".join(lines)


def _slotted_rows(rows: list[Row], *, filled: bool = False) -> list[list[str]]:
    """The table of `_merged_cells` with every slot of a merged cell an empty cell of its own, as
    Word's "save as text" and some crawls write a table: a label spanning three columns is
    followed by two empty cells, a group label's rows below it open with an empty cell.
    `filled`: every slot repeats the merged cell's text instead, as pandas.read_html (a common
    step of crawlers) fills a spanned cell: 申请人情况 seven times, （三）不予公开 on each sub-row."""
    width, table = _merged_cells(rows)
    taken: dict[tuple[int, int], str] = {}  # (row, column) slots a cell above spans → what they print
    grid = []
    for r, row in enumerate(table):
        cells: list[str] = []
        for text, _, columns, rows_spanned in row:
            while (r, len(cells)) in taken:
                cells.append(taken[r, len(cells)])
            slot = text if filled else ""
            taken.update({(r + k, len(cells) + c): slot for k in range(1, rows_spanned) for c in range(columns)})
            cells += [text] + [slot] * (columns - 1)
        while len(cells) < width and (r, len(cells)) in taken:
            cells.append(taken[r, len(cells)])
        grid.append(cells)
    return grid


def _tables_as(render: Callable[[list[Row]], str]) -> Callable[[str, dict | None], Result]:
    """A rewrite printing the report's tables (blank cells empty) with `render` and its text, a
    line each, as it is."""
    def rewrite(text: str, gold: dict | None) -> Result:
        parts = _layout(text, gold, blanks_ok=True)
        if parts is None:
            return None
        return parts[0] + "\n".join(render(item) if isinstance(item, list) else item.strip(_BLANKISH)
                                      for item in parts[1] if not isinstance(item, str) or item.strip(_BLANKISH)) + "\n"
    return rewrite


def _slotted(cells_line: Callable[[list[str]], str], *, filled: bool = False) -> Callable[[list[Row]], str]:
    return lambda rows: "\n".join(cells_line(cells) for cells in _slotted_rows(rows, filled=filled))


merged_slots_tabbed = _tables_as(_slotted("\t".join))
merged_slots_tabbed.__doc__ = """Tables with merged cells saved as text with every slot an empty cell, tab-separated."""
merged_slots_pipes = _tables_as(_slotted(lambda cells: "| " + " | ".join(cells) + " |"))
merged_slots_pipes.__doc__ = """As merged_slots_tabbed, as pipe rows (`| | 2.其他法律行政法规禁止公开 | 0 | … |`)."""
merged_slots_filled = _tables_as(_slotted("\t".join, filled=True))
merged_slots_filled.__doc__ = """Tables with merged cells read by pandas.read_html and saved tab-separated: every
slot of a merged cell repeats its text (a group label on each of its rows, 行政诉讼 over ten columns)."""
merged_slots_filled_pipes = _tables_as(_slotted(lambda cells: "| " + " | ".join(cells) + " |", filled=True))
merged_slots_filled_pipes.__doc__ = """As merged_slots_filled, as pipe rows (pandas' `to_markdown`)."""


def _opened_pipe_cell_lines(rows: list[Row]) -> str:
    """The table of `_merged_cells` as another crawler writes a page's table: each row opened by a
    pipe alone, each cell on a line of its own with a pipe after it (an empty cell the pipe
    alone), and the pipes of the slots a short row lacks after its last cell."""
    width, table = _merged_cells(rows)
    lines = []
    for row in table:
        lines.append("| ")
        texts = [text.strip() for text, _, _, _ in row]
        lines += [f" {text}  | " if text else "  | " for text in texts]
        if width > len(texts):
            lines[-1] += "|" * (width - len(texts))
    return "\n".join(lines)


# The report's web page (tables with merged cells, blank cells empty) as crawlers save it.
crawled_pipe_rows_broken = _tables_as(_leading_pipe_lines)
crawled_pipe_rows_broken.__doc__ = """Pipe rows broken before each pipe (`_leading_pipe_lines`), as a
document site's crawler saves them."""
crawled_pipe_cells = _tables_as(_pipe_cell_lines)
crawled_pipe_cells.__doc__ = """Each table cell on a line ending in a pipe (`_pipe_cell_lines`), as a
county site's pages are crawled: `一、本年新收政府信息公开申请数量 |` / `|` ×6 / `0 |` / `||`."""
crawled_pipe_cells_opened = _tables_as(_opened_pipe_cell_lines)
crawled_pipe_cells_opened.__doc__ = """As crawled_pipe_cells, as another crawler writes it (`_opened_pipe_cell_lines`)."""


# ---- tables drawn with box characters, as a text browser dumps a page (w3m -dump) and
# Markdown's grid tables (pandoc) print them

# The light box character joining lines that run up, down, left and right of a point.
_BOX_JOINS = {
    (0, 1, 0, 1): "┌", (0, 1, 1, 0): "┐", (1, 0, 0, 1): "└", (1, 0, 1, 0): "┘", (1, 1, 0, 1): "├",
    (1, 1, 1, 0): "┤", (0, 1, 1, 1): "┬", (1, 0, 1, 1): "┴", (1, 1, 1, 1): "┼", (1, 1, 0, 0): "│",
    (0, 0, 1, 1): "─", (1, 0, 0, 0): "│", (0, 1, 0, 0): "│", (0, 0, 1, 0): "─", (0, 0, 0, 1): "─",
}


# What a wrap never breaks: a word or number, a character and the pinyin after it (開(kāi)).
_UNBROKEN_RUN = re.compile(r"[A-Za-z0-9\u00c0-\u024f.]+|.(?:\([A-Za-z\u00c0-\u024f]+\))?", re.DOTALL)


def _wrapped_to(text: str, width: int, columns: Callable[[str], int] = _display_width) -> list[str]:
    """`text` in lines of at most `width` columns, broken between Chinese characters (as a text
    browser wraps Chinese), never inside a word or number (pinyin, `145540.00`)."""
    lines, line = [], ""
    for piece in _UNBROKEN_RUN.findall(text):
        if line and columns(line + piece) > width:
            lines.append(line)
            line = ""
        line += piece
    return [*lines, line] if line else lines


def _drawn(rows: list[Row], wrap: int, *, ascii_rules: bool = False, pad: int = 0,
           one_column_cjk: bool = False) -> str:
    """The table of `_merged_cells` drawn as `w3m -dump` draws a page's table: each column as
    wide as its widest cell (a label wrapped at `wrap` columns, a column empty in every row of no
    width), a merged cell's text centred in it, box characters one column wide.  With
    `ascii_rules`, in `+`, `-` and `|`; `pad` spaces each side of a cell's text (Markdown's grid
    tables: one); `one_column_cjk`: a Chinese character one column wide, as `links -dump` counts."""
    _, table = _merged_cells(rows)
    columns_of = len if one_column_cjk else _display_width
    placed, taken = [], set()
    for r, row in enumerate(table):
        c = 0
        for text, _, spanned, rows_spanned in row:
            columns = max(spanned, 1)  # a caption over a table of no value column
            while (r, c) in taken:
                c += 1
            placed.append((r, c, rows_spanned, columns, text.strip()))
            taken.update((r + k, c + j) for k in range(rows_spanned) for j in range(columns))
            c += columns
    widths = [0] * max(c + columns for _, c, _, columns, _ in placed)
    for _, c, _, columns, text in placed:
        if columns == 1:
            widths[c] = max(widths[c], max(map(columns_of, _wrapped_to(text, wrap, columns_of)), default=0) + 2 * pad)
    for _, c, _, columns, text in placed:  # room for a character at least in a merged cell
        if text and sum(widths[c:c + columns]) + columns - 1 - 2 * pad < 2:
            widths[c + columns - 1] += 2 - (sum(widths[c:c + columns]) + columns - 1 - 2 * pad)
    xs = [0]
    for width in widths:
        xs.append(xs[-1] + width + 1)
    heights = [1] * len(table)
    lines_of = {}
    for cell in sorted(placed, key=lambda cell: cell[2]):  # rows spanned: one row's cells first
        r, c, rows_spanned, columns, text = cell
        lines_of[cell] = _wrapped_to(text, xs[c + columns] - xs[c] - 1 - 2 * pad, columns_of)
        room = sum(heights[r:r + rows_spanned]) + rows_spanned - 1
        heights[r + rows_spanned - 1] += max(0, len(lines_of[cell]) - room)
    ys = [0]
    for height in heights:
        ys.append(ys[-1] + height + 1)
    across: set[tuple[int, int]] = set()  # points on a rule running left-right
    down: set[tuple[int, int]] = set()  # points on a rule running up-down
    canvas = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]
    for cell, lines in lines_of.items():
        r, c, rows_spanned, columns, _ = cell
        x0, x1, y0, y1 = xs[c], xs[c + columns], ys[r], ys[r + rows_spanned]
        across.update((y, x) for y in (y0, y1) for x in range(x0, x1 + 1))
        down.update((y, x) for x in (x0, x1) for y in range(y0, y1 + 1))
        top = y0 + 1 + (y1 - y0 - 1 - len(lines)) // 2
        for n, line in enumerate(lines):
            x = x0 + 1 + pad
            for char in line:
                canvas[top + n][x] = char
                if columns_of(char) == 2:
                    canvas[top + n][x + 1] = ""  # the second column of a wide character
                x += columns_of(char)
    for y, x in across | down:
        joins = ((y - 1, x) in down and (y, x) in down, (y + 1, x) in down and (y, x) in down,
                 (y, x - 1) in across and (y, x) in across, (y, x + 1) in across and (y, x) in across)
        if ascii_rules:
            canvas[y][x] = "+" if (joins[0] or joins[1]) and (joins[2] or joins[3]) else "|" if joins[0] or joins[1] else "-"
        else:
            canvas[y][x] = _BOX_JOINS[tuple(map(int, joins))]
    return "\n".join("".join(line).rstrip() for line in canvas)


def _padded_wrapped_rows(rows: list[Row], wrap: int = 20) -> str:
    """The table of `_slotted_rows` as antiword writes a Word table as text: every cell padded to
    its column's width between pipes, a long text wrapped at `wrap` columns onto lines of its own
    below its row (the other cells empty there), no rules."""
    slotted = _slotted_rows(rows)
    width = max(len(cells) for cells in slotted)
    wrapped = [[_wrapped_to(cell, wrap) or [""] for cell in cells + [""] * (width - len(cells))] for cells in slotted]
    widths = [max(_display_width(line) for cells in wrapped for line in cells[c]) for c in range(width)]
    out = []
    for cells in wrapped:
        for n in range(max(map(len, cells))):
            texts = [lines[n] if n < len(lines) else "" for lines in cells]
            out.append("|" + "|".join(text + " " * (widths[c] - _display_width(text)) for c, text in enumerate(texts)) + "|")
    return "\n".join(out)


word_text_rows = _tables_as(_padded_wrapped_rows)
word_text_rows.__doc__ = """The report's tables as antiword writes a Word document's (`_padded_wrapped_rows`):
padded pipe rows, long labels wrapped onto lines below their row."""


def _markdown_with_breaks(rows: list[Row]) -> str:
    """A Markdown table as converters of web pages (Jina Reader, Firecrawl) write one: a line
    break inside a cell written as `<br>` (here a label wrapped at seven Chinese characters)."""
    lines = []
    for r, row in enumerate(rows):
        cells = ["<br>".join(_wrapped_to(cell, 14)) for cell in [*row.labels, *row.values]]
        lines.append("| " + " | ".join(cells) + " |")
        if r == 0:
            lines.append("|" + "---|" * len(cells))
    return "\n".join(lines)


markdown_break_tags = _tables_as(_markdown_with_breaks)
markdown_break_tags.__doc__ = """The report's tables as a web page converted to Markdown
(`_markdown_with_breaks`): the lines of a wrapped label joined by `<br>` tags."""


def character_references(text: str, gold: dict | None) -> Result:
    """Rows of cells two `&nbsp;` apart and curly quotes as `&ldquo;`/`&rdquo;`: a crawl that kept
    the page's character references as they were written in its markup.  Not applicable with
    blank cells, which cells apart by spaces cannot place."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    lines = row_lines(parts[1], "&nbsp;&nbsp;")
    return _joined(parts[0], lines).replace("“", "&ldquo;").replace("”", "&rdquo;").replace("\u3000", "&#12288;")


def _column_flow(rows: list[Row]) -> str:
    """A table as pdftotext's default mode flows a PDF's table: column by column, the label cells
    in a run, then each column's values in a run (no reading can place them: the parser must
    flag, never pass off a row's values as another's)."""
    slotted = _slotted_rows(rows)
    width = max(len(cells) for cells in slotted)
    return "\n".join(cells[c] for c in range(width) for cells in slotted if c < len(cells) and cells[c])


column_flow = _tables_as(_column_flow)
column_flow.__doc__ = """The report's tables flowed column by column (`_column_flow`); not a layout the parser
reads: tests hold it to flagging what it cannot place."""


def _box_flow(rows: list[Row]) -> str:
    """A table as pdfminer's text boxes print it: each column's cells (its header's words and its
    values) together, the columns in the order its layout analysis found the boxes, which need not
    be left to right (seeded by the table's cells: the same table, the same order)."""
    slotted = _slotted_rows(rows)
    order = list(range(max(len(cells) for cells in slotted)))
    random.Random(zlib.crc32("\n".join("\t".join(cells) for cells in slotted).encode("utf-8"))).shuffle(order)
    return "\n".join(cells[c] for c in order for cells in slotted if c < len(cells) and cells[c])


box_flow = _tables_as(_box_flow)
box_flow.__doc__ = """The report's tables flowed box by box in a shuffled column order (`_box_flow`); not a
layout the parser reads: tests hold it to flagging what it cannot place."""


drawn_tables = _tables_as(lambda rows: _drawn(rows, wrap=30))
drawn_tables.__doc__ = """The report's tables as `w3m -dump` draws a web page's (`_drawn`): box
characters, merged cells, labels wrapped at 15 Chinese characters."""
drawn_tables_narrow = _tables_as(lambda rows: _drawn(rows, wrap=10))
drawn_tables_narrow.__doc__ = """As drawn_tables in a narrow window: labels wrapped at 5 Chinese characters."""
grid_tables = _tables_as(lambda rows: _drawn(rows, wrap=24, ascii_rules=True, pad=1))
grid_tables.__doc__ = """The report's tables as Markdown grid tables (pandoc's for a Word table, merged cells
included): `+---+` rules, `|` between cells, labels wrapped at 12 Chinese characters."""


def grid_tables_page_footers(text: str, gold: dict | None) -> Result:
    """grid_tables with page footers between table rows (`第5页 共8页`), as a PDF converted to text
    with its tables drawn leaves them: below a footer, the table goes on without its rule."""
    drawn = grid_tables(text, gold)
    return drawn and page_footers(drawn)


links_tables = _tables_as(lambda rows: _drawn(rows, wrap=30, ascii_rules=True, one_column_cjk=True))
links_tables.__doc__ = """The report's tables as `links -dump` draws a web page's: ASCII rules, a Chinese
character counted one column (so the rules do not line up on screen, but do by characters)."""


# ---- a PDF converted to text with its layout kept (pdfplumber's or pdftotext's layout text)

# The national format's header cells over more than one value column (any other over one).
_HEADER_SPANS = {"申请人情况": 7, "法人或其他组织": 5, "行政复议": 5, "行政诉讼": 10, "未经复议直接起诉": 5, "复议后起诉": 5}
_PAGE_TOP, _PAGE_BOTTOM, _PAGE_LEFT, _PAGE_WIDTH = 72.0, 770.0, 72.0, 451.0  # A4, 2.5 cm margins


def _set_width(text: str) -> int:
    """Half-widths `text` takes set in a Chinese font, in which quotes and dashes (“ ” —) are as
    wide as a character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in text)


@dataclass(frozen=True)
class Typeface:
    """How a PDF sets a report (points) and how a converter writes it back as text."""
    full: float  # a Chinese character's width: the font's size
    pitch: float  # the points one string column of the converter's text stands for
    label_chars: int  # the innermost label column's width, in Chinese characters
    group_chars: int  # a group label column's width
    value_chars: float  # a value column's width (at least its widest value's)
    row_pad: float  # points between a row's last line and the next row's first
    align: str = "centre"  # values in their cells: "left" (as labels are), "centre" or "right"
    top: bool = False  # cells' text at their tops (Word's default), else in their middles
    repeat_header: bool = False  # a table's header rows printed again atop each page it runs on to

    def width(self, text: str) -> float:
        return _set_width(text) * self.full / 2

    def fits(self, width: float) -> int:
        """Display columns of text a cell `width` points wide holds, a character's padding each side."""
        return max(2, int((width - self.full) / (self.full / 2)))


@dataclass
class _Box:
    """A cell on the page: text lines within [x0, x1), over bands [first, last] (a band is a row)."""
    first: int
    last: int
    x0: float
    x1: float
    lines: list[str]
    align: str = "left"
    cell: bool = True  # a table's cell (else a paragraph)


def _table_boxes(rows: list[Row], face: Typeface, band: int) -> list[_Box]:
    """A table's cells as boxes, its rows bands `band`, `band` + 1, …: label columns (groups
    narrow, the innermost wide), value columns of one width; a caption across the table; header
    rows over the value columns of the rows under them (merged over several where the national
    format merges them); a group label over its sub-rows."""
    paths = _label_paths(rows)
    depth = max((len(path) for path, row in zip(paths, rows) if row.values), default=0)
    count = max((len(row.values) for row in rows), default=1)
    widest = max((face.width(value) for row in rows for value in row.values), default=0.0)
    labels = [face.full * (face.label_chars if level == depth - 1 else face.group_chars) for level in range(depth)]
    value = max(face.value_chars * face.full, widest + 2 * face.full)
    # The table fits the page, as a word processor sets it: the value columns narrowed first (to
    # their widest value and a character's padding, two characters at least), then the label
    # columns (the innermost to six characters, a group's to three).
    value = max(widest + face.full, 2 * face.full, min(value, (_PAGE_WIDTH - sum(labels)) / max(count, 1)))
    room = _PAGE_WIDTH - count * value
    if sum(labels) > room:
        least = [face.full * (6 if level == depth - 1 else 2) for level in range(depth)]
        spare = sum(labels) - sum(least)
        labels = [low + (width - low) * max(room - sum(least), 0.0) / spare if spare else low
                  for low, width in zip(least, labels)]
    xs = [_PAGE_LEFT]
    for width in labels + [value] * count:
        xs.append(xs[-1] + width)

    def box(first: int, last: int, c0: int, c1: int, text: str, align: str) -> _Box:
        return _Box(band + first, band + last, xs[c0], xs[c1], _wrapped_to(text, face.fits(xs[c1] - xs[c0]), _set_width), align)

    def value_columns(k: int, j: int) -> tuple[int, int]:  # value j of a row of k: its columns
        return depth + j * count // k, depth + (j + 1) * count // k

    boxes: list[_Box] = []
    n = 0
    while n < len(rows):
        row = rows[n]
        if not row.values and len(row.labels) <= 1:
            boxes.append(box(n, n, 0, depth + count, "".join(row.labels), "centre"))  # a caption
            n += 1
            continue
        if not row.values:
            end = n
            while end < len(rows) and not rows[end].values and len(rows[end].labels) > 1:
                end += 1
            below = len(rows[end].values) if end < len(rows) else count
            taken: set[int] = set()
            for r in range(n, end):
                cells = list(rows[r].labels)
                if depth and r == n:
                    boxes.append(box(n, end - 1, 0, depth, cells.pop(0), "left"))
                free = [k for k in range(below) if k not in taken]
                spans = [_HEADER_SPANS.get(_plain(cell), 1) for cell in cells]
                if sum(spans) != len(free):
                    spans = [len(free) // len(cells)] * len(cells)
                    spans[-1] += len(free) - sum(spans)
                at = 0
                for cell, span in zip(cells, spans):
                    lo, hi = free[at], free[at + span - 1]
                    last = end - 1 if span == 1 and r < end - 1 else r
                    if last > r:
                        taken.add(lo)
                    boxes.append(box(r, last, value_columns(below, lo)[0], value_columns(below, hi)[1], cell, "centre"))
                    boxes[-1].first, boxes[-1].last = band + r, band + last
                    at += span
            n = end
            continue
        path = paths[n]
        for level, label in enumerate(path[:-1]):
            if n and level < len(paths[n - 1]) and paths[n - 1][level] == label and rows[n - 1].values:
                continue  # inside the group cell a row above opened
            last = n
            while last + 1 < len(rows) and level < len(paths[last + 1]) - 1 and paths[last + 1][level] == label:
                last += 1
            boxes.append(box(n, last, level, level + 1, label, "left"))
        if path:
            boxes.append(box(n, n, len(path) - 1, depth, path[-1], "left"))
        for j, value in enumerate(row.values):  # a blank cell too: its rectangle
            boxes.append(box(n, n, *value_columns(len(row.values), j), value, face.align))
        n += 1
    return boxes


@dataclass
class _Pages:
    """A report set on pages: per page its words (top, x, text) and its cells' rectangles
    (x0, top, x1, bottom), in points."""
    words: list[list[tuple[float, float, str]]]
    cells: list[list[tuple[float, float, float, float]]]


def _set_pages(items: list[Item], face: Typeface) -> _Pages:
    """The report set on A4 pages: paragraphs wrapped to the page's width, tables' rows kept whole
    (a table's header printed again atop each page it runs on to with `face.repeat_header`),
    each page ending in its number."""
    boxes: list[_Box] = []
    heads: dict[int, range] = {}  # a table's body band → the table's header bands
    bands = 0
    for item in items:
        if isinstance(item, str):
            text = item.strip(_BLANKISH)
            if text:
                boxes.append(_Box(bands, bands, _PAGE_LEFT, _PAGE_LEFT + _PAGE_WIDTH,
                                  _wrapped_to(text, int(_PAGE_WIDTH / (face.full / 2)), _set_width), cell=False))
                bands += 1
            continue
        boxes += _table_boxes(item, face, bands)
        head = range(bands, bands + next((n for n, row in enumerate(item) if row.values), 0))
        heads.update({bands + n: head for n in range(len(head), len(item))})
        bands += len(item)
    leading = 1.25 * face.full
    heights = [0.0] * bands
    for b in sorted(boxes, key=lambda b: b.last - b.first):
        room = sum(heights[b.first:b.last + 1]) + face.row_pad * (b.last - b.first)
        heights[b.last] += max(0.0, len(b.lines) * leading - room)
    tops, pages, repeats = [], [], []
    y, page = _PAGE_TOP, 0
    for r, height in enumerate(heights):  # a band (a row) does not break across pages
        if y + height > _PAGE_BOTTOM and y > _PAGE_TOP:
            y, page = _PAGE_TOP, page + 1
            head = heads.get(r) if face.repeat_header else None
            if head and len({pages[k] for k in head}) == 1:  # a header itself across a break is not repeated
                repeats.append((page, head, y - tops[head.start]))
                y += sum(heights[k] + face.row_pad for k in head)
        tops.append(y)
        pages.append(page)
        y += height + face.row_pad
    out = _Pages([[] for _ in range(page + 1)], [[] for _ in range(page + 1)])

    def rectangle(b: _Box, first: int, last: int, shift: float = 0.0) -> tuple[float, float, float, float]:
        """The cell's rectangle over its bands `first` to `last` (on one page)."""
        return b.x0, tops[first] - face.row_pad / 2 + shift, b.x1, tops[last] + heights[last] + face.row_pad / 2 + shift

    for b in boxes:
        for r, top, x, line in _box_lines(b, heights, tops, face):
            out.words[pages[r]].append((top, x, line))
        if b.cell:
            for on, first, last in _runs_by_page(range(b.first, b.last + 1), pages):
                out.cells[on].append(rectangle(b, first, last))
    for page, head, shift in repeats:
        for b in boxes:
            if b.first in head and b.last in head:
                out.words[page] += [(top + shift, x, line) for _, top, x, line in _box_lines(b, heights, tops, face)]
                out.cells[page].append(rectangle(b, b.first, b.last, shift))
    for number, words in enumerate(out.words, start=1):
        words.append((_PAGE_BOTTOM + 2 * face.full, _PAGE_LEFT + _PAGE_WIDTH / 2 - face.full, f"— {number} —"))
    return out


def _runs_by_page(bands: range, pages: list[int]) -> list[tuple[int, int, int]]:
    """(page, first band, last band) of each run of `bands` on one page."""
    runs: list[tuple[int, int, int]] = []
    for r in bands:
        if runs and runs[-1][0] == pages[r]:
            runs[-1] = (pages[r], runs[-1][1], r)
        else:
            runs.append((pages[r], r, r))
    return runs


def _layout_pages(items: list[Item], face: Typeface) -> str:
    """The report set on pages (`_set_pages`) and converted back to text as pdfplumber's
    `extract_text(layout=True)` does (`face.pitch` points a column, 13 a line): each line's words
    at their x divided by the pitch, a space at least between two, one column a character; a line
    at its top divided by 13, one line on at least; pages apart by a form feed."""
    return "\f".join(_converted(words, face.pitch) for words in _set_pages(items, face).words) + "\n"


_CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # fonts-wqy-microhei (.ci/run installs it)
# fpdf2 parses a font file whole each time a document takes it, and subsets it whole when the
# document is written: ≈1 s a report with the 5 MB CJK font, most of what printing a report as a
# PDF cost (34.8 s for the 12 reports of one typeface, 24.6 s of it printing).  Reports are
# printed from a subset of the font holding every character of the corpus's texts and the
# editions' labels (glyphs and widths as the font's; the text a PDF tool takes out is the same),
# made once a process (and once more for a report with characters of its own): 15.9 s → 6.1 s
# for one typeface's reports through `pdftotext -layout`.


@cache
def _characters_printed() -> frozenset[str]:
    """Every character of the corpus's texts and gold values and of the editions' labels."""
    import nianbao.editions
    from nianbao.evaluate import default_corpus

    chars = set(Path(nianbao.editions.__file__).read_text(encoding="utf-8"))
    for path in default_corpus().rglob("*"):
        if path.suffix in (".txt", ".json", ".html", ".htm") and path.is_file():
            chars |= set(path.read_text(encoding="utf-8", errors="ignore"))
    return frozenset(chars)


@cache
def _font_subset(chars: frozenset[str]) -> Path:
    """The CJK font cut to `chars`, written to a file removed when the process ends."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(font_number=0, notdef_outline=True, name_IDs=["*"], layout_features=["*"],
                             drop_tables=subset.Options().drop_tables + ["FFTM"])
    font = TTFont(str(_CJK_FONT), fontNumber=0)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    folder = tempfile.mkdtemp(prefix="nianbao-font-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / f"cjk-{len(chars)}.ttf"
    font.save(str(path))
    return path


def _cjk_font_for(text: str) -> Path:
    """A font file holding every character of `text`, in the CJK font's glyphs."""
    printed = _characters_printed()
    return _font_subset(printed if set(text) <= printed else printed | frozenset(text))


def pdf_document(items: list[Item], face: Typeface, ruled: bool) -> bytes:
    """The report set on pages (`_set_pages`) as a PDF with a text layer, as a word processor
    prints it: each line's text at its place, in a Chinese font of the typeface's size; with
    `ruled`, every table cell's rectangle drawn."""
    from fpdf import FPDF

    pages = _set_pages(items, face)
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(_cjk_font_for("".join(text for words in pages.words for _, _, text in words))))
    pdf.set_font("cjk", size=face.full)
    pdf.set_line_width(0.5)
    for words, cells in zip(pages.words, pages.cells):
        pdf.add_page()
        for top, x, text in words:
            pdf.text(x, top + 0.88 * face.full, text)
        for x0, top, x1, bottom in cells if ruled else []:
            pdf.rect(x0, top, x1 - x0, bottom - top)
    return bytes(pdf.output())


def _box_lines(b: _Box, heights: list[float], tops: list[float], face: Typeface) -> list[tuple[int, float, float, str]]:
    """A box's lines as (band, top, x, text): at the box's top or in its middle, each on the band
    (row) it falls in, aligned in the box."""
    leading = 1.25 * face.full
    span = sum(heights[b.first:b.last + 1]) + face.row_pad * (b.last - b.first)
    start = 0.0 if face.top else (span - len(b.lines) * leading) / 2
    out = []
    for k, line in enumerate(b.lines):
        offset = start + k * leading  # within the box's bands, as if one page: find its band
        r = b.first
        while r < b.last and offset >= heights[r] + face.row_pad:
            offset -= heights[r] + face.row_pad
            r += 1
        room = b.x1 - b.x0 - face.full - face.width(line)
        x = b.x0 + face.full / 2 + {"left": 0.0, "centre": room / 2, "right": room}[b.align]
        out.append((r, tops[r] + offset, x, line))
    return out


def _converted(words: list[tuple[float, float, str]], pitch: float) -> str:
    """One page's words (top, x, text) as layout text: words within 3 points of a line's top on
    that line, as pdfplumber clusters them."""
    lines: list[str] = []
    lines_of: list[list[tuple[float, str]]] = []
    top = None
    for y, x, text in sorted(words):
        if top is None or y - top > 3:
            newlines = max(int(bool(lines_of)), round(y / 13) - len(lines))
            lines += [""] * (newlines or 1)
            lines_of.append([])
            top = y
        lines_of[-1].append((x, text))
        line = ""
        for x0, word in sorted(lines_of[-1]):
            line += " " * max(min(1, len(line)), round(x0 / pitch) - len(line)) + word
        lines[-1] = line
    return "\n".join(lines)


def layout_text(text: str, gold: dict | None, face: Typeface) -> Result:
    """The report printed on PDF pages in `face`, its tables in the national format typeset from
    the gold (blank cells empty), converted back as layout text; None when its tables' region is
    not found."""
    parts = typeset_around(*split_crawl_header(text), gold, blank="")
    return parts and parts[0] + _layout_pages(parts[1], face)


def _printed_pdf(ruled: bool) -> Callable[[str, dict | None], Result]:
    """A rewrite printing the report as a PDF (`pdf_document`, no crawl header) in a typeface
    drawn for it: 9, 10.5 or 12 pt, label columns 7 to 20 characters wide."""
    def rewrite(text: str, gold: dict | None) -> Result:
        parts = typeset_around(*split_crawl_header(text), gold, blank="")
        if parts is None:
            return None
        rng = _rng(text, "printed_pdf")
        return pdf_document(parts[1], _face(rng.choice([9.0, 10.5, 12.0]), (7.25, 7.25), (7, 20))(rng), ruled)
    return rewrite


pdf_ruled = _printed_pdf(ruled=True)
pdf_ruled.__doc__ = """The report as a PDF whose tables are drawn with their cells' rules."""
pdf_borderless = _printed_pdf(ruled=False)
pdf_borderless.__doc__ = """The report as a PDF whose tables have no rules: columns only by position."""


# ---- a PDF's text as other tools extract it, without its layout (a crawler saving a PDF report's text)

def _pdfplumber_text(pdf: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def pdftotext_of(pdf: bytes, *options: str) -> str:
    """A PDF's text as poppler's `pdftotext` extracts it, in its default mode unless `options`
    say otherwise (`-layout`)."""
    binary = shutil.which("pdftotext")  # poppler-utils; CI installs it
    assert binary, "pdftotext (poppler-utils) is needed: .ci/run installs it"
    command = [binary, "-enc", "UTF-8", *options, "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")



def wrong_in_typeface(corpus: Path, face: Typeface, ruled: bool, extract: Callable[[bytes], str] | None,
                      scratch: Path) -> dict[str, list[str]]:
    """Every gold report printed as a PDF in `face`, its text taken by `extract` (None: the PDF
    itself, read by nianbao's PDF reader) and scored: the cells read wrong without a flag, by report."""
    wrong = {}
    for source, gold in text_pairs(corpus):
        printed = printed_in_typeface(source, gold, face, ruled)
        if printed is None:
            continue
        header, pdf = printed
        if extract is None:
            path = scratch / f"{source.stem}.pdf"
            path.write_bytes(pdf)
        else:
            path = scratch / f"{source.stem}.txt"
            path.write_text(header + extract(pdf), encoding="utf-8")
        if result := score(path, gold).wrong:
            wrong[source.stem] = result
    return wrong


def printed_in_typeface(source: Path, gold: dict, face: Typeface, ruled: bool) -> tuple[str, bytes] | None:
    """A gold report's crawl header and its body printed as a PDF in `face` (None: no tables to set)."""
    header, body = split_crawl_header(source.read_text(encoding="utf-8"))
    parts = typeset_around(header, body, gold, blank="")
    return None if parts is None else (header, pdf_document(parts[1], face, ruled))


def face_of(full: float, label_chars: int, group_chars: int, value_chars: float, row_pad: float, align: str,
            repeat_header: bool, top: bool = False) -> Typeface:
    """A typeface as the drawn ones are written down (pitch as pdfplumber's; text in cells' middles
    unless `top`)."""
    return Typeface(full=full, pitch=7.25, label_chars=label_chars, group_chars=group_chars, value_chars=value_chars,
                    row_pad=row_pad, align=align, top=top, repeat_header=repeat_header)


def _pdf_text(extract: Callable[[bytes], str | None],
              printed: Callable[[str, dict | None], Result] = pdf_ruled) -> Callable[[str, dict | None], Result]:
    """A rewrite printing the report as `printed` does and extracting the PDF's text with `extract`,
    its crawl header kept as a crawler writes it."""
    def rewrite(text: str, gold: dict | None) -> Result:
        pdf = printed(text, gold)
        extracted = extract(pdf) if isinstance(pdf, bytes) else None
        return extracted and split_crawl_header(text)[0] + extracted
    return rewrite


pdfplumber_plain_text = _pdf_text(_pdfplumber_text)
pdfplumber_plain_text.__doc__ = """The report printed as a PDF, its text extracted by pdfplumber's `extract_text()`
(no layout): a row's label, values and the pieces of wrapped cells on one line as they share a baseline, the
pieces of a narrow group cell (（四）无 / 法提供) among its sub-rows' lines."""
pdftotext_plain_text = _pdf_text(pdftotext_of)
pdftotext_plain_text.__doc__ = """The report printed as a PDF, its text extracted by poppler's `pdftotext` in its default
mode: text blocks in its reading order, so a cell a line, a block's last label after its values, and the rest
of a page's table flowed column by column after the page's other text (no reading can place those values:
the parser must flag them, never pass them off as another row's): tests/test_plain_pdf_text.py."""


def _retyped_borderless(text: str, gold: dict | None) -> Result:
    retyped = pdf_layout_text_small(text, gold)
    return retyped and pdf_borderless(retyped, gold)


pdftotext_retyped_borderless = _pdf_text(pdftotext_of, _retyped_borderless)
pdftotext_retyped_borderless.__doc__ = """The report retyped from a small-type PDF's layout text, printed again
without rules, its text extracted by `pdftotext` in its default mode: the running text reflowed, the tables
break over pages at other rows, and more of them flow column by column."""


def _layout_text(face: Callable[[random.Random], Typeface]) -> Callable[[str, dict | None], Result]:
    """A rewrite printing the report as `layout_text` does, in a typeface drawn for the report."""
    return lambda text, gold: layout_text(text, gold, face(_rng(text, "layout_text")))


def _face(full: float, pitch: tuple[float, float], label_chars: tuple[int, int]) -> Callable[[random.Random], Typeface]:
    """A typeface drawn for a report: its columns' widths, padding and alignment at random."""
    return lambda rng: Typeface(
        full=full, pitch=rng.uniform(*pitch), label_chars=rng.randint(*label_chars), group_chars=rng.randint(2, 6),
        value_chars=rng.choice([3.0, 4.0, 5.0]), row_pad=rng.choice([2.0, 4.0, 6.0]),
        align=rng.choice(["centre", "centre", "left", "right"]), top=rng.random() < 0.3, repeat_header=rng.random() < 0.5)


# pdfplumber's pitch is 7.25 points a column; pdftotext's is narrower and set per text block
# (6.3-6.5 measured on a LibreOffice PDF of a gold report: x against the column of 24 values).
pdf_layout_text = _layout_text(_face(10.5, (7.25, 7.25), (12, 20)))
pdf_layout_text.__doc__ = """The report as a PDF in 10.5 pt (tables drawn as Word sets them: merged group
cells, wrapped labels and headers) converted by pdfplumber's layout text."""
pdf_layout_text_small = _layout_text(_face(9.0, (7.25, 7.25), (12, 20)))
pdf_layout_text_small.__doc__ = """As pdf_layout_text in 9 pt."""
pdf_layout_text_narrow = _layout_text(_face(10.5, (7.25, 7.25), (7, 10)))
pdf_layout_text_narrow.__doc__ = """As pdf_layout_text with narrow label columns: labels over two and three lines."""
pdftotext_layout_text = _layout_text(_face(10.5, (6.3, 6.5), (12, 20)))
pdftotext_layout_text.__doc__ = """As pdf_layout_text at pdftotext's narrower pitch."""


html2text_grid = _tables_as(lambda rows: "\n".join(_html2text_table([[*row.labels, *row.values] for row in rows])))
html2text_grid.__doc__ = """Every report's tables as html2text writes a web page's (`_html2text_table`): a row
spanning group label written once, on its first row."""


def html_merged_cells(text: str, gold: dict | None, table: Callable[[list[Row]], str] | None = None,
                      arranged: Callable[[list[Item]], list[Item] | None] | None = None) -> Result:
    """The report as a web page whose tables have merged cells, as Word saves a report: a group
    label (三、本年度办理结果, （三）不予公开) one cell spanning its sub-rows, blank cells empty.
    `arranged` gives the report's items otherwise laid out (None: not applicable)."""
    parts = _layout(text, gold, blanks_ok=True)
    items = parts and (arranged(parts[1]) if arranged else parts[1])
    if not parts or not items:
        return None
    title = crawl_title(parts[0])
    body = [(table or _merged_table)(item) if isinstance(item, list) else f"<p>{html.escape(item.strip(_BLANKISH))}</p>"
            for item in items if not isinstance(item, str) or item.strip(_BLANKISH)]
    return _encode_page(_page(body, title, "utf-8"), "utf-8")


def html_table_split(text: str, gold: dict | None) -> Result:
    """html_merged_cells with table 三 in two tables, its header rows repeated over the second,
    a page's footer between (a report whose table was cut at a page break before it went on the
    web: a PDF or a Word file of one table a page converted to a page); a group cut in two
    spans its rows in each."""
    return html_merged_cells(text, gold, arranged=lambda items: _header_repeated(items, "— 2 —"))


def html_table_split_headless(text: str, gold: dict | None) -> Result:
    """html_table_split with no header over the second table: its rows go on where the first
    stopped."""
    return html_merged_cells(text, gold, arranged=lambda items: _header_repeated(items, None, repeat=False))


# ---- the report as a Word document (.docx), its tables with Word's merged cells

# Control characters XML cannot hold (a form feed between pages): a Word document has none.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A label cell longer than this many characters gets an Enter in the middle (docx_broken_labels).
_WORD_LABEL_BREAK = 8


def _word_table(document, rows: list[Row], broken: bool) -> None:
    """The table of `_merged_cells` added to a python-docx `document` as Word stores it: a merged
    cell one cell spanning its rows and columns (vMerge, gridSpan), blank cells empty.  `broken`:
    each long label typed as two paragraphs of its cell."""
    _, table = _merged_cells(rows)
    places: list[tuple[int, int, str, int, int]] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table):
        c = 0
        for text, _, columns, rows_spanned in row:
            columns = max(columns, 1)  # header cells over a table of no value columns (seed 002's)
            while (r, c) in taken:
                c += 1
            places.append((r, c, text, columns, rows_spanned))
            taken.update((r + k, c + j) for k in range(rows_spanned) for j in range(columns))
            c += columns
    grid = document.add_table(rows=len(table), cols=max(c + columns for _, c, _, columns, _ in places))
    grid.style = "Table Grid"
    for r, c, text, columns, rows_spanned in places:
        cell = grid.cell(r, c)
        if columns > 1 or rows_spanned > 1:
            cell = cell.merge(grid.cell(r + rows_spanned - 1, c + columns - 1))
        text = _NOT_IN_XML.sub("", text)
        pieces = _PRINTED_CHARACTER.findall(text)
        if broken and len(pieces) > _WORD_LABEL_BREAK and not _VALUE_CELL.fullmatch(text):
            cell.text = "".join(pieces[:len(pieces) // 2])
            cell.add_paragraph("".join(pieces[len(pieces) // 2:]))
        else:
            cell.text = text


def _word_document(broken: bool) -> Callable[[str, dict | None], Result]:
    def rewrite(text: str, gold: dict | None) -> Result:
        import docx

        parts = _layout(text, gold, blanks_ok=True)
        if parts is None:
            return None
        document = docx.Document()
        document.core_properties.created = document.core_properties.modified = datetime.datetime(2024, 1, 1)
        if title := crawl_title(parts[0]):
            document.add_paragraph(title)
        for item in parts[1]:
            if isinstance(item, list):
                if item:
                    _word_table(document, item, broken)
            elif item.strip(_BLANKISH):
                document.add_paragraph(_NOT_IN_XML.sub("", item.strip(_BLANKISH)))
        buffer = io.BytesIO()
        document.save(buffer)
        return _zip_dated(buffer.getvalue(), (2024, 1, 1, 0, 0, 0))
    return rewrite


def _zip_dated(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The zip `data` with every entry dated `date_time`: the same document, the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in source.infolist():
            copy.writestr(zipfile.ZipInfo(entry.filename, date_time), source.read(entry.filename))
    return out.getvalue()


docx_merged_cells = _word_document(broken=False)
docx_merged_cells.__doc__ = """The report as a Word document: running text as paragraphs, tables with Word's merged
cells (三、本年度办理结果 and each （三）不予公开-style group one cell over its sub-rows), blank cells empty."""
docx_broken_labels = _word_document(broken=True)
docx_broken_labels.__doc__ = """As docx_merged_cells, each label longer than eight characters typed over two
paragraphs of its cell, as authors press Enter to fit a narrow column."""


def html_merged_values(text: str, gold: dict | None) -> Result:
    """html_merged_cells with the equal value cells of two neighbouring rows of table 三 merged
    into one cell spanning both (<td rowspan="2">0</td>), as a page may print them: the lower row
    keeps its label and only its other cells."""
    from lxml import html as lxml_html

    page = html_merged_cells(text, gold)
    if page is None:
        return None
    root = lxml_html.fromstring(page)
    for table in root.iter("table"):
        if "自然人" not in table.text_content():
            continue
        rows = [[td for td in tr.findall("td") if td.text_content().strip().isdigit()] for tr in table.iter("tr")]
        for upper, lower in zip(rows, rows[1:]):
            if len(upper) != 7 or len(lower) != 7:
                continue
            equal = [(a, b) for a, b in zip(upper, lower) if a.text_content().strip() == b.text_content().strip()]
            if not equal:
                continue
            for a, b in equal:
                a.set("rowspan", "2")
                b.getparent().remove(b)
            return lxml_html.tostring(root, encoding="utf-8")
    return None


_TD = re.compile(r"<td([^>]*)>(.*?)</td>", re.S)
# Characters a label cell of Word's table holds on one line of the page.
_WORD_CELL_WIDTH = 6


def _word_cell(match: re.Match) -> str:
    """A cell as Word's "save as web page" writes it: its text in a <p> and a <span>, a blank
    cell a non-breaking space, a label wrapped in its cell with <br>."""
    attributes, text = match.group(1), html.unescape(match.group(2))
    if not text.strip():
        inner = '<p class=MsoNormal align=center><span lang=EN-US>&nbsp;</span></p>'
    elif _is_value_cell(text.strip()):
        inner = f'<p class=MsoNormal align=center><span lang=EN-US style="font-size:10.5pt">{html.escape(text)}</span></p>'
    else:
        lines = _wrapped_in(text, _WORD_CELL_WIDTH)
        inner = '<p class=MsoNormal><span style="font-family:宋体">' + "<br>".join(map(html.escape, lines)) + "</span></p>"
    return f'<td{attributes} valign=top style="border:solid windowtext 1.0pt">{inner}</td>'


def html_word_cells(text: str, gold: dict | None) -> Result:
    """html_merged_cells with each cell as Word writes it: text in <p><span>, blank cells
    &nbsp;, labels wrapped in their narrow cells by <br> (never inside a character's pinyin)."""
    return html_merged_cells(text, gold, lambda rows: _TD.sub(_word_cell, _merged_table(rows)))


# ---- a table's header printed again where the table runs over a page

# Table 三 is the table of at least this many value rows (table 二's sub-tables have eight at most).
_LONG_TABLE_ROWS = 10


def _header_repeated(items: list[Item], footer: str | None, repeat: bool = True) -> list[Item] | None:
    """Table 三 with its header rows printed again halfway down its rows, as Word prints a table
    that runs over a page with 重复标题行 set (the header at the top of every page), after the
    page's footer when `footer` is given; the table cut there without its header again when not
    `repeat`."""
    for n, item in enumerate(items):
        if isinstance(item, str):
            continue
        values = [k for k, row in enumerate(item) if row.values]
        header = item[:values[0]] if values else []
        if len(values) >= _LONG_TABLE_ROWS and header:
            cut = values[len(values) // 2]
            page_end: list[Item] = [footer] if footer else []
            return [*items[:n], item[:cut], *page_end, [*(header if repeat else []), *item[cut:]], *items[n + 1:]]
    return None


def header_repeated(text: str, gold: dict | None) -> Result:
    """Rows tab-separated; table 三's header printed again halfway down, after a page footer."""
    parts = _layout(text, gold, blanks_ok=True)
    items = parts and _header_repeated(parts[1], "— 2 —")
    return items and _joined(parts[0], row_lines(items, "\t"))


def crawled_header_repeated(text: str, gold: dict | None) -> Result:
    """One cell per line; table 三's header printed again halfway down (a crawl of a Word page
    whose table repeats its header rows on every page)."""
    parts = _layout(text, gold)
    items = parts and _header_repeated(parts[1], None)
    return items and _joined(parts[0], cell_lines(items))


# ---- pattern 9: several at once

def collapsed_split_glued(text: str, gold: dict | None) -> Result:
    """三明's crawl layout (row numbers alone, header cells in two nodes) with headings
    三/四/五 glued to the values before them, then consecutive identical lines collapsed."""
    parts = _layout(text, gold)
    lines = parts and glue_headings(cell_lines(parts[1], numbers_alone=True, wrapped_headers=True), "三四五")
    return lines and _joined(parts[0], collapse_runs(lines))


def collapsed_headings_shuffled(text: str, gold: dict | None) -> Result:
    """莆田统计局 2022 as a whole: heading 二 missing, 六 before 五, one cell per line, runs collapsed."""
    moved = six_before_five(text)
    moved = moved and missing_heading_two(moved)
    return moved and collapsed_runs(moved, gold)


def renumbered_split_glued(text: str, gold: dict | None) -> Result:
    """Labels renumbered one level down, 三明's crawl layout, heading 五 glued."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    items = _relabelled(parts[1], _renumbered)
    lines = glue_headings(cell_lines(items, numbers_alone=True, wrapped_headers=True), "五")
    return lines and _joined(parts[0], lines)


def reworded_digit_runs(text: str, gold: dict | None) -> Result:
    """Rows with all cells fused and labels reworded (words inserted and dropped, 本年度/本年)."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    items = _relabelled(parts[1], _reworded(_INSERTED_WORDS + _DROPPED_WORDS + _YEAR_WORDS))
    return _joined(parts[0], row_lines(items, ""))


def renumbered_split_spaced(text: str, gold: dict | None) -> Result:
    """renumbered_split_glued with the labels letter-spaced as Word prints them (`7.` / `总　　计`):
    a short label spaced out on the line after its number alone."""
    renumbered = renumbered_split_glued(text, gold)
    return renumbered and spaced_labels(renumbered)


def one_line_numbered_headings(text: str, gold: dict | None) -> Result:
    """tabbed_one_line with the section headings numbered 1、2、…: a crawl that prints heading 六
    before 五 (莆田 2022) then prints `6、其他需要报告的事项` glued to table 四's last cell."""
    flat = tabbed_one_line(text, gold)
    return flat and heading_numbers(flat)


def stacked_labels_one_line(text: str, gold: dict | None) -> Result:
    """stacked_labels flattened onto one line by a crawler: the two rows' values run on after
    the cell of their two labels, the first row's then the second's."""
    stacked = stacked_labels(text, gold)
    return stacked and one_line(stacked)


def merged_slots_glued_one_line(text: str, gold: dict | None) -> Result:
    """merged_slots_pipes flattened onto one line with nothing between rows: each row opens with
    the empty slots of its merged label cell, and its last value runs into the next row's label."""
    slotted = merged_slots_pipes(text, gold)
    return slotted and tabbed_glued_one_line(slotted, gold)


def merged_slots_blank_lines(text: str, gold: dict | None) -> Result:
    """merged_slots_pipes with a blank line after every row (as html2text writes rows): the rows
    that show where a label's slots are stand apart from a row whose empty cells could be either."""
    slotted = merged_slots_pipes(text, gold)
    return slotted and blank_line_between_rows(slotted)


def merged_slots_broken_labels(text: str, gold: dict | None) -> Result:
    """merged_slots_pipes as tab-separated rows with long labels broken by a line break inside
    their cells (tsv_broken_labels): a label's first part alone on a line splits the table in two,
    and the rows that show where a label's slots are stand in the other part."""
    slotted = merged_slots_pipes(text, gold)
    return slotted and tsv_broken_labels(slotted)


def merged_slots_misread_one_line(text: str, gold: dict | None) -> Result:
    """merged_slots_glued_one_line with its labels renumbered and misread as OCR misreads them:
    a row whose label is not recognised opens with its merged label cell's empty slots, and its
    last value runs into the next row's label."""
    flat = merged_slots_glued_one_line(text, gold)
    return flat and renumbered_misread_labels(flat)


def collapsed_runs_page_footers(text: str, gold: dict | None) -> Result:
    """collapsed_runs with a page footer (— 3 —, - 4 -, 第5页 共8页, ·6·) after the rows where
    pages end, as the text of a PDF saved one cell a line by a crawler that collapses repeated
    lines leaves them: the footer's digits stand where the next row's values might."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    lines = collapse_runs(cell_lines(parts[1]))
    footers = [*_FOOTERS, "·6·"]
    out: list[Line] = []
    breaking = False  # after an anchor row's label: the page ends after its values
    for kind, line in lines:
        if breaking and kind != "value" and footers:
            out.append(("text", footers.pop(0)))
            breaking = False
        out.append((kind, line))
        breaking = breaking or (kind == "label" and any(anchor in _plain(line) for anchor in _PAGE_BREAK_AFTER))
    return _joined(parts[0], out) if len(footers) < len(_FOOTERS) + 1 else None


def stacked_labels_html(text: str, gold: dict | None) -> Result:
    """stacked_labels on a web page of one <p> a line: the two labels and the first row's values
    in one paragraph, the second row's values alone in the next."""
    stacked = stacked_labels(text, gold)
    return stacked and html_lines(stacked)


def groups_alone_one_line(text: str, gold: dict | None) -> Result:
    """group_label_alone flattened onto one line with its cell tabs kept: rows of blank cells
    (seed 002) leave their labels side by side, one run of labels before the next value."""
    alone = group_label_alone(text, gold)
    return alone and one_line(alone)


def reworded_headings_value_lost(text: str, gold: dict | None) -> Result:
    """crawled_t4_value_lost with the section headings reworded (五、政府信息公开工作存在的主要
    问题及整改措施): table 四 short of a value must still end at heading 五, not take the year
    that opens section 五 ("2023" / "年，…") for its last value."""
    lost = crawled_t4_value_lost(text, gold)
    return lost and heading_wording(lost)


def glued_five_value_lost(text: str, gold: dict | None) -> Result:
    """crawled_t4_value_lost with heading 五 printed right after heading 四 (five_after_four):
    table 四, short of a value, runs into section 五's opening ("2023" / "年，…"), whose year must
    not stand in for the lost value."""
    lost = crawled_t4_value_lost(text, gold)
    return lost and five_after_four(lost)


def renumbered_misread_labels(text: str) -> Result:
    """label_renumbered, then label_misreads: a misread label behind a number in brackets
    ("（4）魏护第三方合法权挡").  The number is the row's, not a value, and tells the row."""
    renumbered = label_renumbered(text)
    return renumbered and label_misreads(renumbered)


def collapsed_renumbered_misread(text: str, gold: dict | None) -> Result:
    """renumbered_misread_labels in a crawl that collapses runs of equal lines: a label not
    recognised would give its bracketed number to the row before, one value a line."""
    collapsed = collapsed_runs(text, gold)
    return collapsed and renumbered_misread_labels(collapsed)


_WHOLE_NUMBER_LINE = re.compile(r"(?m)^([ \t]*\d+)[ \t]*$")


def _whole_numbers_as(text: str, printed: Callable[[str], str]) -> Result:
    """Every whole number in the tables (a cell, or a line of a table crawled one value a line)
    printed as `printed` gives it."""
    header, body = split_crawl_header(text)
    if has_tab_table(body) or has_pipe_table(body):
        result = header + map_cells(body, lambda cell: printed(cell) if cell.isdigit() else cell)
    else:
        region = table_region(body)
        if region is None:
            return None
        start, end = region
        result = header + body[:start] + _WHOLE_NUMBER_LINE.sub(lambda m: printed(m.group(1)), body[start:end]) + body[end:]
    return result if result != text else None


def _with_unit(text: str, unit: str) -> Result:
    """Every whole number in the tables printed with `unit` after it: a cell "6" as "6件"."""
    return _whole_numbers_as(text, lambda value: value + unit)


def values_with_units(text: str) -> Result:
    """Table values printed with their unit in the cell ("6件", "0件"), as some sites' tables do:
    a number followed by 件 is no prose counter there (发生行政复议6件 is)."""
    return _with_unit(text, "件")


def crawled_values_with_units(text: str, gold: dict | None) -> Result:
    """values_with_units in a crawl of one cell a line, runs of equal lines collapsed, the unit
    spaced off ("6 件"): table 四's lines are its values, and the layout is still one value a line."""
    collapsed = collapsed_runs(text, gold)
    return collapsed and _with_unit(collapsed, " 件")


# Notes agencies print after a value to say what it includes; the number in one is no value.
_VALUE_NOTES = ("（其中修订{}件）", "（含网上申请{}件）", "(其中新制发{}件)", "（其中{}件为转办）")
_ANNOTATED_SHARE = 0.35  # of the values above nought: enough for most rows to carry one


def _annotated(text: str) -> Result:
    draw = _rng(text, "values_annotated")

    def printed(value: str) -> str:
        if int(value) == 0 or draw.random() > _ANNOTATED_SHARE:
            return value
        return value + draw.choice(_VALUE_NOTES).format(draw.randint(0, int(value)))
    return _whole_numbers_as(text, printed)


def values_annotated(text: str) -> Result:
    """Values printed with a note of what they include, as agencies annotate a count in its cell
    (`22（其中修订16件）`, `5（含网上申请2件）`): the value is the number before the note."""
    return _annotated(text)


def crawled_values_annotated(text: str, gold: dict | None) -> Result:
    """values_annotated in a crawl of one cell a line, runs of equal lines collapsed."""
    collapsed = collapsed_runs(text, gold)
    return collapsed and _annotated(collapsed)


def broken_values_groups_alone(text: str, gold: dict | None) -> Result:
    """三明's crawl layout with some multi-digit values broken over two lines."""
    parts = _layout(text, gold)
    if parts is None:
        return None
    lines = cell_lines(parts[1], numbers_alone=True, wrapped_headers=True)
    lines = _break_values(lines, _rng(text, "broken_values_groups_alone"))
    return lines and _joined(parts[0], lines)


# --------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class Transformation:
    name: str
    apply: Callable[..., Result]
    suffix: str | None = None  # file suffix of the result; None keeps the report's own
    # apply(text, gold): tables not in a cell layout are typeset from the gold (see grid()).
    uses_gold: bool = False
    # The layout pattern it stands for, for the per-pattern summary; "" = its own name.
    pattern: str = ""
    # Cells the rewrite leaves to printed order alone, which the parser rightly flags: allowed
    # beyond the share of new flags a rewrite may add.
    ambiguous_cells: int = 0
    # The rewrite drops lines that held values (a tool keeping a line once): the cells it lost
    # cannot be read, only flagged, so it may flag any number of cells; none may read wrong.
    loses_values: bool = False

    @property
    def family(self) -> str:
        return self.pattern or self.name

    def rewrite(self, text: str, gold: dict | None) -> Result:
        """`text` rewritten (the gold given only to the rewrites that typeset from it)."""
        return self.apply(text, gold) if self.uses_gold else self.apply(text)


# --------------------------------------------------------------------------- what web tools do to a page

# Damage a tool does to any text it writes, applied after a layout rewrite: measured with the tools
# themselves on every rewrite written as a web page (docs/tables.md, docs/readers.md), made here
# by hand so that the suite needs none of them.

def kept_once(text: str) -> str:
    """The text as a converter that keeps a line once writes it (trafilatura's deduplication):
    every line after the first of its kind dropped."""
    seen: set[str] = set()
    kept = []
    for line in text.split("\n"):
        if line.strip() and line in seen:
            continue
        seen.add(line)
        kept.append(line)
    return "\n".join(kept)


def runs_collapsed(text: str) -> str:
    """The text as a crawler that collapses runs writes it: a line the same as the line before it dropped."""
    lines = text.split("\n")
    return "\n".join(line for n, line in enumerate(lines) if n == 0 or not line.strip() or line != lines[n - 1])


def double_spaced(text: str) -> str:
    """The text as most tools write a web page of a `<p>` a line: a blank line after each."""
    return "\n\n".join(text.split("\n"))


def spaces_collapsed(text: str) -> str:
    """The text as a browser shows a web page's paragraphs, and most tools that read pages write
    it: each run of spaces cut to one, so a drawing's rules no longer line up."""
    return "\n".join(re.sub(" +", " ", line) for line in text.split("\n"))


def cells_ruled(text: str) -> str:
    """Value lines written as trafilatura writes a table's cells after a row's first: `| 35`."""
    from nianbao.values import is_value_text

    return "\n".join(f"| {line}" if line.strip() and is_value_text(line) else line for line in text.split("\n"))


def then(layout: Callable[[str, dict | None], Result], *damages: Callable[[str], str]) -> Callable[..., Result]:
    """The rewrite `layout`, then each of `damages` in turn (a web tool's, then a crawl's)."""
    def rewrite(text: str, gold: dict | None) -> Result:
        result = layout(text, gold)
        if not isinstance(result, str):
            return None
        for damage in damages:
            result = damage(result)
        return result
    return rewrite


def identity(text: str) -> Result:
    return text


def combined(text: str) -> Result:
    """Several at once, as one real site serves them: full-width digits typed in Word,
    traditional script with pinyin from the site's plug-in, CRLF, saved as GB18030."""
    result = traditional_pinyin(fullwidth(text))
    return gb18030(crlf(result)) if result is not None else None


def _damaged(layout: str, *damages: Callable[[str], str], pattern: str) -> Transformation:
    """The layout rewrite named `layout`, then `damages`, named after them all."""
    rewrite = then(globals()[layout], *damages)
    rewrite.__doc__ = f"{layout}, then {', then '.join(damage.__name__ for damage in damages)}."
    return Transformation("_".join([layout, *(damage.__name__ for damage in damages)]), rewrite, uses_gold=True,
                          pattern=pattern, loses_values=kept_once in damages)


def _layout_rewrite(name: str, apply: Callable[..., Result], pattern: str, uses_gold: bool = True,
                    ambiguous_cells: int = 0) -> Transformation:
    return Transformation(name, apply, uses_gold=uses_gold, pattern=pattern, ambiguous_cells=ambiguous_cells)


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
    Transformation("html2text_rows", html2text_rows, pattern="html2text_tables"),
    Transformation("one_line", one_line),
    Transformation("blank_lines_doubled", blank_lines_doubled),
    Transformation("blank_line_between_rows", blank_line_between_rows),
    Transformation("page_footers", page_footers),
    Transformation("spaced_labels", spaced_labels),
    Transformation("broken_labels", broken_labels),
    Transformation("tsv_broken_labels", tsv_broken_labels, pattern="broken_labels"),
    Transformation("zero_as_wu", zero_as_wu),
    Transformation("thousands", thousands),
    Transformation("heading_wording", heading_wording),
    Transformation("heading_numbers", heading_numbers),
    Transformation("label_typos", label_typos),
    Transformation("ocr_confusions", ocr_confusions),
    Transformation("label_misreads", label_misreads, pattern="label_variants"),
    Transformation("html_lines", html_lines, ".html"),
    Transformation("html_lines_gbk", html_lines_gbk, ".html"),
    Transformation("html_tables", html_tables, ".html"),
    Transformation("html_word_spans_gbk", html_word_spans_gbk, ".html"),
    Transformation("combined", combined),
    # Layouts of unseen sites (see "layouts of unseen sites" above).
    _layout_rewrite("group_label_alone", group_label_alone, "group_label_alone"),
    _layout_rewrite("group_label_numbers_alone", group_label_numbers_alone, "group_label_alone"),
    _layout_rewrite("markdown_escaped_numbers", markdown_escaped_numbers, "group_label_alone"),
    _layout_rewrite("crawled_cells", crawled_cells, "one_cell_per_line"),
    _layout_rewrite("crawled_cells_split", crawled_cells_split, "one_cell_per_line"),
    _layout_rewrite("crawled_cells_joined_groups", crawled_cells_joined_groups, "one_cell_per_line"),
    _layout_rewrite("crawled_cells_lost", crawled_cells_lost, "missing_cells"),
    _layout_rewrite("crawled_cells_blanks_dropped", crawled_cells_blanks_dropped, "missing_cells"),
    _layout_rewrite("crawled_t4_value_lost", crawled_t4_value_lost, "missing_cells", ambiguous_cells=T4_GROUP_CELLS),
    _layout_rewrite("broken_values", broken_values, "broken_values"),
    _layout_rewrite("label_inserted_words", label_inserted_words, "label_variants", uses_gold=False),
    _layout_rewrite("label_dropped_words", label_dropped_words, "label_variants", uses_gold=False),
    _layout_rewrite("label_year_words", label_year_words, "label_variants", uses_gold=False),
    _layout_rewrite("label_notes", label_notes, "label_variants", uses_gold=False),
    _layout_rewrite("label_renumbered", label_renumbered, "label_variants", uses_gold=False),
    _layout_rewrite("row_numbers_apart", row_numbers_apart, "label_variants", uses_gold=False),
    Transformation("row_numbers_apart_html", row_numbers_apart_html, ".html", pattern="label_variants"),
    _layout_rewrite("collapsed_runs", collapsed_runs, "collapsed_runs"),
    _layout_rewrite("digit_runs", digit_runs, "digit_runs"),
    _layout_rewrite("digit_runs_one_line", digit_runs_one_line, "digit_runs"),
    _layout_rewrite("tabbed_one_line", tabbed_one_line, "one_line"),
    _layout_rewrite("tabbed_glued_one_line", tabbed_glued_one_line, "one_line"),
    _layout_rewrite("numbered_cells_one_line", numbered_cells_one_line, "one_line"),
    _layout_rewrite("numbered_cells_glued_one_line", numbered_cells_glued_one_line, "one_line"),
    _layout_rewrite("wrapped_numbered_cells_glued_one_line", wrapped_numbered_cells_glued_one_line, "one_line"),
    _layout_rewrite("space_aligned", space_aligned, "space_aligned"),
    _layout_rewrite("label_line_before", label_line_before, "missing_label_cell"),
    _layout_rewrite("label_missing_row", label_missing_row, "missing_label_cell"),
    _layout_rewrite("label_missing_cells", label_missing_cells, "missing_label_cell"),
    _layout_rewrite("wrapped_labels_lifted", wrapped_labels_lifted, "missing_label_cell"),
    _layout_rewrite("values_inside_wrapped_labels", values_inside_wrapped_labels, "missing_label_cell"),
    _layout_rewrite("values_inside_wrapped_labels_tabbed", values_inside_wrapped_labels_tabbed, "missing_label_cell"),
    _layout_rewrite("values_inside_narrow_labels", values_inside_narrow_labels, "missing_label_cell"),
    _layout_rewrite("values_inside_label_notes", values_inside_label_notes, "missing_label_cell"),
    _layout_rewrite("values_inside_wrapped_labels_one_line", values_inside_wrapped_labels_one_line, "one_line"),
    _layout_rewrite("values_inside_tabbed_labels_one_line", values_inside_tabbed_labels_one_line, "one_line"),
    _layout_rewrite("values_inside_narrow_labels_one_line", values_inside_narrow_labels_one_line, "one_line"),
    _layout_rewrite("stacked_labels", stacked_labels, "missing_label_cell", ambiguous_cells=STACKED_CELLS),
    _layout_rewrite("glued_heading_five", glued_heading_five, "glued_headings"),
    _layout_rewrite("glued_headings", glued_headings, "glued_headings"),
    _layout_rewrite("six_before_five", six_before_five, "glued_headings", uses_gold=False),
    _layout_rewrite("five_after_four", five_after_four, "glued_headings", uses_gold=False),
    _layout_rewrite("missing_heading_two", missing_heading_two, "glued_headings", uses_gold=False),
    Transformation("html_merged_cells", html_merged_cells, ".html", uses_gold=True),
    Transformation("html_table_split", html_table_split, ".html", uses_gold=True, pattern="html_merged_cells"),
    Transformation("html_table_split_headless", html_table_split_headless, ".html", uses_gold=True,
                   pattern="html_merged_cells"),
    _layout_rewrite("crawled_pipe_cells", crawled_pipe_cells, "one_cell_per_line"),
    _layout_rewrite("crawled_pipe_cells_opened", crawled_pipe_cells_opened, "one_cell_per_line"),
    _layout_rewrite("crawled_pipe_rows_broken", crawled_pipe_rows_broken, "one_cell_per_line"),
    _layout_rewrite("merged_slots_tabbed", merged_slots_tabbed, "html_merged_cells"),
    _layout_rewrite("merged_slots_pipes", merged_slots_pipes, "html_merged_cells"),
    _layout_rewrite("html2text_grid", html2text_grid, "html2text_tables"),
    _layout_rewrite("markdown_break_tags", markdown_break_tags, "markdown_break_tags"),
    _layout_rewrite("character_references", character_references, "character_references"),
    _layout_rewrite("drawn_tables", drawn_tables, "drawn_tables"),
    _layout_rewrite("drawn_tables_narrow", drawn_tables_narrow, "drawn_tables"),
    _layout_rewrite("grid_tables", grid_tables, "drawn_tables"),
    _layout_rewrite("grid_tables_page_footers", grid_tables_page_footers, "drawn_tables"),
    _layout_rewrite("links_tables", links_tables, "drawn_tables"),
    _layout_rewrite("pdf_layout_text", pdf_layout_text, "layout_text"),
    _layout_rewrite("pdf_layout_text_small", pdf_layout_text_small, "layout_text"),
    _layout_rewrite("pdf_layout_text_narrow", pdf_layout_text_narrow, "layout_text"),
    _layout_rewrite("pdftotext_layout_text", pdftotext_layout_text, "layout_text"),
    _layout_rewrite("pdfplumber_plain_text", pdfplumber_plain_text, "plain_pdf_text"),
    Transformation("docx_merged_cells", docx_merged_cells, suffix=".docx", uses_gold=True, pattern="word_documents"),
    Transformation("docx_broken_labels", docx_broken_labels, suffix=".docx", uses_gold=True, pattern="word_documents"),
    Transformation("pdf_ruled", pdf_ruled, suffix=".pdf", uses_gold=True, pattern="printed_pdf"),
    Transformation("pdf_borderless", pdf_borderless, suffix=".pdf", uses_gold=True, pattern="printed_pdf"),
    _layout_rewrite("word_text_rows", word_text_rows, "wrapped_rows"),
    Transformation("html_word_cells", html_word_cells, ".html", uses_gold=True, pattern="html_merged_cells"),
    Transformation("html_merged_values", html_merged_values, ".html", uses_gold=True, pattern="html_merged_cells",
                   ambiguous_cells=T3_ROW_CELLS),
    _layout_rewrite("header_repeated", header_repeated, "repeated_header"),
    _layout_rewrite("crawled_header_repeated", crawled_header_repeated, "repeated_header"),
    _layout_rewrite("collapsed_split_glued", collapsed_split_glued, "combinations"),
    _layout_rewrite("collapsed_headings_shuffled", collapsed_headings_shuffled, "combinations"),
    _layout_rewrite("renumbered_split_glued", renumbered_split_glued, "combinations"),
    _layout_rewrite("reworded_digit_runs", reworded_digit_runs, "combinations"),
    _layout_rewrite("renumbered_split_spaced", renumbered_split_spaced, "combinations"),
    _layout_rewrite("collapsed_runs_page_footers", collapsed_runs_page_footers, "combinations"),
    _layout_rewrite("stacked_labels_one_line", stacked_labels_one_line, "combinations", ambiguous_cells=STACKED_CELLS),
    _layout_rewrite("groups_alone_one_line", groups_alone_one_line, "combinations"),
    _layout_rewrite("merged_slots_glued_one_line", merged_slots_glued_one_line, "combinations"),
    _layout_rewrite("merged_slots_misread_one_line", merged_slots_misread_one_line, "combinations"),
    _layout_rewrite("merged_slots_blank_lines", merged_slots_blank_lines, "combinations"),
    _layout_rewrite("merged_slots_broken_labels", merged_slots_broken_labels, "combinations"),
    Transformation("stacked_labels_html", stacked_labels_html, ".html", uses_gold=True, pattern="combinations",
                   ambiguous_cells=STACKED_CELLS),
    _layout_rewrite("one_line_numbered_headings", one_line_numbered_headings, "combinations"),
    _layout_rewrite("reworded_headings_value_lost", reworded_headings_value_lost, "combinations",
                    ambiguous_cells=T4_GROUP_CELLS),
    _layout_rewrite("broken_values_groups_alone", broken_values_groups_alone, "combinations"),
    _layout_rewrite("glued_five_value_lost", glued_five_value_lost, "combinations", ambiguous_cells=T4_GROUP_CELLS),
    _layout_rewrite("renumbered_misread_labels", renumbered_misread_labels, "combinations", uses_gold=False),
    _layout_rewrite("collapsed_renumbered_misread", collapsed_renumbered_misread, "combinations"),
    _layout_rewrite("values_with_units", values_with_units, "combinations", uses_gold=False),
    _layout_rewrite("crawled_values_with_units", crawled_values_with_units, "combinations"),
    _layout_rewrite("values_annotated", values_annotated, "annotated_values", uses_gold=False),
    _layout_rewrite("crawled_values_annotated", crawled_values_annotated, "annotated_values"),
    _layout_rewrite("t4_rows_per_group", t4_rows_per_group, "t4_rows_per_group"),
    _layout_rewrite("t4_rows_per_group_crawled", t4_rows_per_group_crawled, "t4_rows_per_group"),
    _layout_rewrite("merged_slots_filled", merged_slots_filled, "html_merged_cells"),
    _layout_rewrite("merged_slots_filled_pipes", merged_slots_filled_pipes, "html_merged_cells"),
    # What web tools and crawls do to a page's text (above), after the layouts they meet.
    # - A page printing a row's label on one line and its values on the next (`行政强制` / `0 0 0`),
    #   or one cell a line, through a converter that keeps a line once: a row whose values repeat
    #   an earlier row's prints its label alone, and is no row of blanks; one value left of a row
    #   is no collapsed run, nor `35` alone for two cells of table 二 a fused 3|5; each value line
    #   opened by its cell's rule (`| 35`) is joined into a row with its label; values broken over
    #   two lines, a piece dropped as seen (`8` / `55` / `698` for 88, 55, 698), leave the row
    #   reading all its cells in doubt; a drawing loses the rules between rows it drew before, and
    #   two rows' labels then share a region.
    *(_damaged(layout, kept_once, pattern="lines_kept_once") for layout in (
        "label_line_before", "values_inside_label_notes", "glued_headings", "crawled_cells", "broken_values",
        "broken_values_groups_alone", "drawn_tables", "drawn_tables_narrow")),
    *(_damaged(layout, cells_ruled, kept_once, pattern="lines_kept_once")
      for layout in ("crawled_cells", "broken_values", "broken_values_groups_alone")),
    # - Values broken over two lines, then runs of equal lines collapsed: `规范性文件` / `8` / `9` /
    #   `89` is 89, 89, 89 as well as 8, 9, 89, and `8` / `-72` / `0` may be 88 broken and collapsed.
    _damaged("broken_values", runs_collapsed, pattern="collapsed_runs"),
    #   And in 三明's layout (group labels alone): a row may print no more lines than cells with a
    #   value broken (`71` / `3` / `0` / `7` / `4`), which only its sum shows.
    _damaged("broken_values_groups_alone", runs_collapsed, pattern="collapsed_runs"),
    # - Value lines written as trafilatura writes a table's cells after a row's first (`| 0`), so that
    #   a table's rows are read as cells, the last value of 三 and of 四 glued to the next heading.
    _damaged("glued_headings", cells_ruled, pattern="glued_headings"),
    # - A text browser's drawing put in a web page's paragraphs: a blank line after each, each run
    #   of spaces cut to one (the rules no longer line up), or both.
    *(_damaged(drawing, *damages, pattern="drawings_in_pages")
      for drawing in ("drawn_tables", "drawn_tables_narrow")
      for damages in ((double_spaced,), (spaces_collapsed,), (spaces_collapsed, double_spaced))),
)
BY_NAME = {t.name: t for t in (IDENTITY, *TRANSFORMATIONS)}

# A rewrite that keeps the meaning must not make the parser much less sure: at most this share
# of the cells flagged beyond what the untransformed report flags (some originals flag 10%
# already because their crawled digits are fused, and that is not the rewrite's doing).
MAX_NEW_FLAGGED_SHARE = 0.02


def allowed_new_flags(name: str, cells: int) -> float:
    """How many more cells the rewrite `name` may leave flagged than the original report."""
    if BY_NAME[name].loses_values:
        return cells
    return MAX_NEW_FLAGGED_SHARE * cells + BY_NAME[name].ambiguous_cells


def gold_of(source: Path) -> dict | None:
    """The gold of a corpus report (gold/<stem>.json beside seeds/ and dev/)."""
    path = source.parents[1] / "gold" / f"{source.stem}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


@cache
def transformed(source: Path, name: str) -> tuple[bytes, str] | None:
    """(bytes, file name) of `source` rewritten by transformation `name`; None if it does not apply."""
    transformation = BY_NAME[name]
    text = source.read_text(encoding="utf-8")
    result = transformation.rewrite(text, gold_of(source))
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
