"""HTML reports: government web pages, Word "save as web page" exports, JS-wrapped markup.

The reader decodes the bytes (BOM, <meta charset>, strict UTF-8, GB18030, detection),
undoes JavaScript string escaping when the markup was published inside a JS literal,
finds the report inside the site's page, and walks it in document order, emitting
paragraphs and tables.  Tables used for page layout are read as flowing content;
data tables become `RawTable` grids with each physical cell once.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

from ..document import RawCell, RawDocument, RawParagraph, RawTable
from ..errors import UnreadableInput

# Tags whose content is never report text.
_NOISE_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed",
               "select", "button", "input", "textarea", "svg", "canvas", "map")
# Site chrome: dropped unless it holds the report (an <article><header> may hold the title).
_CHROME_TAGS = ("nav", "header", "footer", "aside")
_CHROME_NAMES = re.compile(r"nav|menu|crumb|position|location|daohang|dqwz|footer|copyright|share|sidebar", re.I)
# A report title names its year; a breadcrumb or menu entry ("年度报告") does not.
_TITLE_WITH_YEAR = re.compile(r"\d{4}.{0,40}(年度报告|年报)")
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "ul", "tr", "td", "th", "tbody", "thead",
    "tfoot", "table",
))
_SKIPPED_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)

# A hard line break (<br>, a paragraph inside a cell) while text is being gathered;
# source newlines are soft whitespace, so they cannot mark it.
_HARD_BREAK = "\x00"
_SOFT_SPACE = re.compile(r"[ \t\r\n\f\v\xa0]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d\u2018\u2019]")

_MAX_SPAN = 1000  # clamps absurd rowspan/colspan values from broken markup
# Data cells are short; a cell this long is a layout box holding running text.
_LAYOUT_CELL_CHARS = 400

_CHARSET_DECLARATION = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                     "gb_2312-80": "gb18030", "csgb2312": "gb18030", "big5": "big5hkscs"}

_SCRIPT_ELEMENT = re.compile(r"<script\b.*?</script\s*>", re.I | re.S)
_ESCAPED_ATTRIBUTE = re.compile(r"""\w=\\["']""")
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_JS_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
                      "\n": "", "\r\n": "", "\r": ""}
_JS_STRING = re.compile(r""""((?:[^"\\\n]|\\[\s\S])*)"|'((?:[^'\\\n]|\\[\s\S])*)'|`((?:[^`\\]|\\[\s\S])*)`""")
_MARKUP = re.compile(r"<\s*(p|div|table|tr|td|span|br|h\d|font)\b", re.I)

_STAT_TABLE = re.compile(r"申请|第二十条|行政复议|信息内容|总计|行政诉讼")
_SECTION_HEADING = re.compile(
    r"总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|行政复议.{0,8}行政诉讼|"
    r"存在的主要问题|其他需要报告的事项")
_TITLE = re.compile(r"年度报告|年报")
_DATE = r"(\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?)"
_PUBLISHED = re.compile(r"(?:发布日期|发布时间|成文日期|公开日期|发文日期|印发日期|日\s*期|时\s*间)\s*[：:]\s*" + _DATE)
_PUBLISHER = re.compile(
    r"(?:发布机构|发布单位|发布部门|发文机关|发文单位|公开主体|信息来源|来\s*源)\s*[：:]\s*([^\s：:|｜]{2,40})")
_META_TITLE = ("ArticleTitle", "og:title", "title")
_META_PUBLISHED = ("PubDate", "publishdate", "article:published_time", "firstpublishedtime")
_META_PUBLISHER = ("ContentSource", "author")


def read(data: bytes, *, source: str | None = None) -> RawDocument:
    text = _unwrap_javascript(_decode(data))
    soup = BeautifulSoup(text, "lxml")
    _expand_script_markup(soup)
    _remove_noise(soup)
    meta = _page_meta(soup)
    root = _find_report_root(soup)
    _remove_chrome(root)
    writer = _BlockWriter()
    writer.walk(root)
    writer.flush()
    if not writer.blocks:
        raise UnreadableInput("网页中没有可读的文字", "the HTML page contains no readable text")
    if "title" not in meta:
        _title_from_blocks(writer.blocks, meta)
    return RawDocument(writer.blocks, "html", meta, _warnings(root, writer.blocks))


# --- decoding --------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if not data.strip():
        raise UnreadableInput("文件为空", "the file is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:2048]:
        raise UnreadableInput("文件不是网页（含二进制内容）", "the file is not an HTML page (binary content)")
    # Strict UTF-8 first: a page declared as GB2312 that decodes as UTF-8 is UTF-8
    # (servers lie), while GB18030 accepts almost any bytes and would decode mojibake.
    for encoding in ("utf-8", _declared_encoding(data), "gb18030"):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return _detect(data)


def _declared_encoding(data: bytes) -> str | None:
    match = _CHARSET_DECLARATION.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    return _ENCODING_ALIASES.get(name, name)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableInput("无法识别网页的字符编码", "cannot detect the character encoding of the page")
    return str(best)


# --- JavaScript-wrapped markup ----------------------------------------------------------


def _unwrap_javascript(text: str) -> str:
    """Undo JS string escaping when the page (or all of it) is a JS string literal."""
    stripped = text.strip()
    if stripped[:1] in "\"'" and _MARKUP.search(stripped[:2000]):
        literals = _js_literals_with_markup(stripped)
        if literals:
            return "".join(literals)
    if not stripped.startswith("<"):
        literals = _js_literals_with_markup(stripped)
        if literals:
            return "".join(literals)
    # Escaped attributes inside <script> belong to a JS string handled later, not to the page.
    if _ESCAPED_ATTRIBUTE.search(_SCRIPT_ELEMENT.sub("", text)):
        return _js_unescape(text)
    return text


def _js_unescape(text: str) -> str:
    def replace(match: re.Match) -> str:
        escape = match.group(1)
        if escape[0] in "ux" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return _JS_SIMPLE_ESCAPES.get(escape, escape)

    unescaped = _JS_ESCAPE.sub(replace, text)
    # \uD83D\uDE00 pairs come out as two surrogates; join them into one character.
    return unescaped.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _js_literals_with_markup(js: str) -> list[str]:
    literals = (next(g for g in m.groups() if g is not None) for m in _JS_STRING.finditer(js))
    decoded = [_js_unescape(literal) for literal in literals]
    if not any(_MARKUP.search(s) for s in decoded):
        return []
    # Markup assembled by concatenation ("<p>" + "text" + "</p>") needs every piece,
    # but short identifiers ("utf-8", "div") between the pieces are code, not content.
    return [s for s in decoded if _MARKUP.search(s) or len(s) > 20 or not s.isascii()]


def _expand_script_markup(soup: BeautifulSoup) -> None:
    """Replace a <script> that writes the report (document.write / innerHTML) by that markup."""
    for script in soup.find_all("script"):
        code = script.string or ""
        if not _MARKUP.search(code):
            continue
        literals = _js_literals_with_markup(code)
        fragment_html = "".join(literals)
        if not literals or not re.search(r"政府信息公开|年度报告|申请", fragment_html):
            continue
        fragment = BeautifulSoup(fragment_html, "lxml")
        container = fragment.body or fragment
        wrapper = soup.new_tag("div")
        for child in list(container.children):
            wrapper.append(child.extract())
        script.replace_with(wrapper)


# --- cleaning and locating the report ---------------------------------------------------


def _remove_noise(soup: BeautifulSoup) -> None:
    for node in soup.find_all(string=lambda s: isinstance(s, _SKIPPED_STRINGS)):
        node.extract()
    for tag in soup.find_all(_NOISE_TAGS):
        tag.decompose()
    for row in soup.find_all("tr", style=re.compile(r"display\s*:\s*none", re.I)):
        # Word's "supportMisalignedColumns" row: invisible, one empty cell per column.
        row.decompose()


def _remove_chrome(root: Tag) -> None:
    for tag in root.find_all(_is_chrome):
        if tag.decomposed or tag is root or _holds_report(tag):
            continue
        tag.decompose()


def _holds_report(tag: Tag) -> bool:
    if tag.find("table") or tag.find(string=_TITLE_WITH_YEAR):
        return True
    return any(s.find_parent("a") is None for s in tag.find_all(string=_SECTION_HEADING))


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _CHROME_TAGS or tag.get("role") == "navigation":
        return True
    names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(names.strip()) and bool(_CHROME_NAMES.search(names))


def _find_report_root(soup: BeautifulSoup) -> Tag:
    body = soup.body or soup
    anchors = _report_anchors(body)
    if len(anchors) < 2:
        return body
    root = _common_ancestor(anchors)
    return root if root is not None else body


def _report_anchors(body: Tag) -> list[Tag]:
    anchors: list[Tag] = [t for t in body.find_all("table")
                          if not _is_layout_table(t) and _STAT_TABLE.search(t.get_text())]
    for string in body.find_all(string=_SECTION_HEADING):
        if len(string.strip()) < 60 and string.find_parent("a") is None:
            anchors.append(string.parent)
    if anchors:
        first = min(anchors, key=_document_position(body))
        title = first.find_previous(string=_TITLE)
        if title is not None and len(title.strip()) < 120 and title.find_parent("head") is None:
            anchors.append(title.parent)
    return anchors


def _document_position(body: Tag):
    order = {id(tag): i for i, tag in enumerate(body.find_all(True))}
    return lambda tag: order.get(id(tag), -1)


def _common_ancestor(tags: list[Tag]) -> Tag | None:
    def chain(tag: Tag) -> list[Tag]:
        return [tag, *tag.parents]

    common = chain(tags[0])
    for tag in tags[1:]:
        ids = {id(t) for t in chain(tag)}
        common = [t for t in common if id(t) in ids]
    return next((t for t in common if isinstance(t, Tag) and t.name != "[document]"), None)


# --- page facts -------------------------------------------------------------------------


def _page_meta(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    page_text = (soup.body or soup).get_text("\n")
    published = _PUBLISHED.search(page_text)
    if published:
        meta["published"] = _SOFT_SPACE.sub("", published.group(1))
    publisher = _PUBLISHER.search(page_text)
    if publisher and not publisher.group(1).lower().startswith("http"):
        meta["publisher"] = publisher.group(1)
    meta_tags = _meta_tags(soup)
    for key, names in (("title", _META_TITLE), ("published", _META_PUBLISHED), ("publisher", _META_PUBLISHER)):
        if key not in meta:
            value = next((meta_tags[n.lower()] for n in names if n.lower() in meta_tags), None)
            if value:
                meta[key] = _date_part(value) if key == "published" else value
    if "title" not in meta and soup.title and soup.title.string and soup.title.string.strip():
        meta["title"] = soup.title.string.strip()
    return meta


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or "").strip().lower()
        content = (tag.get("content") or "").strip()
        if name and content:
            found.setdefault(name, content)
    return found


def _date_part(value: str) -> str:
    match = re.search(_DATE, value)
    return _SOFT_SPACE.sub("", match.group(1)) if match else value


def _title_from_blocks(blocks: list, meta: dict[str, str]) -> None:
    for block in blocks[:10]:
        if isinstance(block, RawParagraph) and _TITLE.search(block.text) and len(block.text) < 120:
            meta["title"] = block.text
            return


def _warnings(root: Tag, blocks: list) -> list[str]:
    if not any(isinstance(b, RawTable) for b in blocks) and root.find("img"):
        return ["页面没有文字表格，但含有图片，统计表可能以图片发布 / no text tables but images: "
                "the statistics tables may be published as images"]
    return []


# --- walking the report -----------------------------------------------------------------


@dataclass
class _BlockWriter:
    blocks: list[RawParagraph | RawTable] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIPPED_STRINGS):
                    self.buffer.append(str(child))
            elif child.name == "br":
                self.flush()
            elif child.name == "table":
                self.flush()
                self._table(child)
            elif child.name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def flush(self) -> None:
        text = _clean_text("".join(self.buffer))
        self.buffer.clear()
        for line in text.split("\n"):
            if line:
                self.blocks.append(RawParagraph(line))

    def _table(self, table: Tag) -> None:
        if _is_layout_table(table):
            for cell in _own_cells(table):
                self.walk(cell)
                self.flush()
            return
        nested: list[Tag] = []
        self.blocks.append(_read_table(table, nested))
        for inner in nested:
            self._table(inner)


def _own_rows(table: Tag) -> list[Tag]:
    rows = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
    return rows


def _own_cells(table: Tag) -> list[Tag]:
    return [c for row in _own_rows(table) for c in row.children if isinstance(c, Tag) and c.name in ("td", "th")]


def _is_layout_table(table: Tag) -> bool:
    cells = _own_cells(table)
    if len(cells) <= 1:
        return True
    widest = max(sum(_span(c, "colspan") for c in row.find_all(["td", "th"], recursive=False))
                 for row in _own_rows(table))
    # One column is a stack of boxes (title, info line, content), not a grid of values.
    if widest <= 1:
        return True
    return any(len(_cell_text(cell, [])) > _LAYOUT_CELL_CHARS for cell in cells)


def _span(cell: Tag, attribute: str) -> int:
    match = re.search(r"\d+", str(cell.get(attribute, "1")))
    value = int(match.group()) if match else 1
    return min(max(value, 1), _MAX_SPAN)


def _read_table(table: Tag, nested: list[Tag]) -> RawTable:
    """Lay the cells on the grid (HTML table model) and keep each physical cell once."""
    occupied: set[tuple[int, int]] = set()
    rows: list[list[RawCell]] = []
    html_rows = _own_rows(table)
    for r, row in enumerate(html_rows):
        cells: list[RawCell] = []
        col = 0
        for cell in row.find_all(["td", "th"], recursive=False):
            while (r, col) in occupied:
                col += 1
            rowspan = _rowspan(cell, r, len(html_rows))
            colspan = _span(cell, "colspan")
            occupied.update((r + dr, col + dc) for dr in range(rowspan) for dc in range(colspan))
            cells.append(RawCell(_cell_text(cell, nested), r, col, rowspan, colspan))
            col += colspan
        if cells:
            rows.append(cells)
    return RawTable(rows)


def _rowspan(cell: Tag, row: int, row_count: int) -> int:
    # rowspan="0" spans to the end of the table; a span never reaches past the last row.
    raw = str(cell.get("rowspan", "1")).strip()
    span = row_count - row if raw == "0" else _span(cell, "rowspan")
    return max(1, min(span, row_count - row))


def _cell_text(cell: Tag, nested: list[Tag]) -> str:
    parts: list[str] = []
    _gather_cell_text(cell, parts, nested)
    return _clean_text("".join(parts))


def _gather_cell_text(node: Tag, parts: list[str], nested: list[Tag]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, _SKIPPED_STRINGS):
                parts.append(str(child))
        elif child.name == "table":
            nested.append(child)
        elif child.name == "br":
            parts.append(_HARD_BREAK)
        elif child.name in _BLOCK_TAGS:
            parts.append(_HARD_BREAK)
            _gather_cell_text(child, parts, nested)
            parts.append(_HARD_BREAK)
        else:
            _gather_cell_text(child, parts, nested)


def _clean_text(raw: str) -> str:
    """Collapse source whitespace; hard breaks become newlines; no spaces between CJK pieces."""
    lines = (_collapse_space(piece).strip() for piece in raw.split(_HARD_BREAK))
    return "\n".join(line for line in lines if line)


def _collapse_space(text: str) -> str:
    def replace(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        wrapped = "\n" in match.group() or "\r" in match.group()
        # A source line break next to a Chinese character is markup formatting, not a space.
        if wrapped and (_CJK.match(before) or _CJK.match(after)):
            return ""
        return " "

    return _SOFT_SPACE.sub(replace, text)
