"""HTML reports: government web pages, Word "save as web page" exports, JS-wrapped markup.

The reader decodes the bytes (BOM, <meta charset>, strict UTF-8, GB18030, detection),
undoes JavaScript string escaping when the markup was published inside a JS literal,
finds the report inside the site's page, and walks it in document order, emitting
paragraphs and tables.  Tables used for page layout are read as flowing content;
data tables become `RawTable` grids with each physical cell once.

The tree is lxml's own (libxml2's HTML parser, C nodes, XPath).  Text lives in `.text`
(before the first child) and `.tail` (after an element, inside its parent); a "text run"
below is one such piece, the unit a heading or title is matched against.  Comments and
processing instructions stay in the tree and are skipped everywhere; only their tails
are text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from ..document import RawCell, RawDocument, RawParagraph, RawTable
from ..errors import UnreadableInput
from .text import damage_warning, damaged_utf8

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
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)

# Text runs in document order (comment text is not a text node, a comment's tail is);
# each result knows its node via getparent()/is_tail.
_TEXT_RUNS = etree.XPath(".//text()")
_PRECEDING_RUNS = etree.XPath("preceding::text()")
_ALL_TEXT = etree.XPath("string()")
_PAGE_TEXT_RUNS = etree.XPath(".//text()", smart_strings=False)  # plain str: no getparent() needed
# Only these elements can be chrome (see _is_chrome); testing the others in Python is waste.
# Selecting the attributes and stepping up to their elements is ten times faster in
# libxml2 than testing a predicate on every element.
_CHROME_CANDIDATES = etree.XPath(
    "(descendant::*/@id | descendant::*/@class | descendant::*/@role)/.."
    " | descendant::nav | descendant::header | descendant::footer | descendant::aside")

# A hard line break (<br>, a paragraph inside a cell) while text is being gathered;
# source newlines are soft whitespace, so they cannot mark it.
_HARD_BREAK = "\x00"
_SPACE_CHAR = r"[ \t\r\n\f\v\xa0]"
_SOFT_SPACE = re.compile(_SPACE_CHAR + "+")
_CJK_CHAR = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d\u2018\u2019]"
# A whitespace run holding a line break: spaces up to its first break, then the rest.
# Pinning the first break keeps the match linear even on runs of thousands of newlines.
_WRAPPED_RUN = r"[ \t\f\v\xa0]*[\r\n]" + _SPACE_CHAR + "*"
# A whole such run (it starts after a non-space) with a CJK character just before or after it.
_WRAP_BESIDE_CJK = re.compile(
    rf"(?<!{_SPACE_CHAR})(?:(?<={_CJK_CHAR}){_WRAPPED_RUN}|{_WRAPPED_RUN}(?={_CJK_CHAR}))")

_DIGITS = re.compile(r"\d+")
# Bounds on a table's grid, so that broken or hostile markup cannot make the work or the
# memory grow with the square of the file (200 cells of rowspan=1000 colspan=1000 made a
# grid of 20 million slots: 35 s and 2.5 GB).  The statistics tables of a report have at
# most a few dozen rows and a dozen columns (table 三 of the 2021 edition: 28 rows x 10
# columns, about 300 cells); Word's own tables have at most 63 columns.
# A span beyond _MAX_SPAN is clamped to it (a rowspan also to the rows left in the table).
_MAX_SPAN = 100
# A table whose grid (the sum over its cells of rowspan x colspan) exceeds this is not a
# report table: it is left out with a warning, and the rest of the page is read.
_MAX_GRID_CELLS = 20_000
# All the tables of one page together; the tables beyond it are left out with a warning.
_MAX_PAGE_GRID_CELLS = 100_000
# Elements nested deeper than this are flattened into their text (with line breaks at
# block boundaries) before the page is walked: the walk is recursive, and real pages nest
# a few dozen levels.  libxml2 itself stops at 256 levels unless told otherwise (huge_tree),
# and even then stops building the tree at 2048, silently: a page that deep is read as text.
_MAX_DEPTH = 256
_LIBXML_MAX_DEPTH = 2000
# Control characters other than tab and line breaks: libxml2 keeps them in the tree, but
# lxml refuses them when a text is set back (a form feed left after a removed <script>).
# HTML treats form feed as whitespace; the others are replaced by a space too, so digits
# on either side are not fused.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Testing each character with `in` (a memchr-like scan) is eight times faster than the
# regex search on pages that have none, which is nearly all of them.
_CONTROL_LIST = tuple(chr(c) for c in (*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0xfffe, 0xffff))
# Data cells are short; a cell this long is a layout box holding running text.
_LAYOUT_CELL_CHARS = 400

_CHARSET_DECLARATION = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                     "gb_2312-80": "gb18030", "csgb2312": "gb18030", "big5": "big5hkscs"}

# An unclosed <script> runs to the end of the page (as in a browser); without the \Z every
# unclosed "<script" would rescan the rest of the page: quadratic.
_SCRIPT_ELEMENT = re.compile(r"<script\b.*?(?:</script\s*>|\Z)", re.I | re.S)
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
    page = _parse(text)
    notes: list[str] = []
    if page is not None and _too_deep(page, _LIBXML_MAX_DEPTH):
        # libxml2 stopped building the tree somewhere below this depth: read the markup as text.
        page = _parse(_markup_as_text(text))
        notes.append("网页嵌套层数过多，已按纯文本读取，表格结构未保留 / the page is nested too deeply "
                     "to be parsed; it was read as plain text, without its table structure")
    if page is None:
        raise UnreadableInput("网页中没有可读的文字", "the HTML page contains no readable text")
    _expand_script_markup(page, notes)
    if _too_deep(page, _MAX_DEPTH):  # after the scripts' markup is in, which may nest too
        _flatten_deep(page)
        notes.append(f"网页嵌套超过 {_MAX_DEPTH} 层，更深的内容按文字读取 / the page nests more than "
                     f"{_MAX_DEPTH} levels; deeper content was read as text")
    _remove_noise(page)
    meta = _page_meta(page)
    tables = _Tables(notes)
    root = _find_report_root(page, tables)
    if _remove_chrome(root):
        tables.forget()  # a dropped menu or share box may have been inside a table cell
    writer = _BlockWriter(tables)
    writer.walk(root)
    writer.flush()
    if not writer.blocks:
        raise UnreadableInput("网页中没有可读的文字", "the HTML page contains no readable text")
    if "title" not in meta:
        _title_from_blocks(writer.blocks, meta)
    return RawDocument(writer.blocks, "html", meta, notes + damage_warning(text) + _warnings(root, writer.blocks))


def _parse(text: str) -> etree._Element | None:
    """The page's <html> element, or None when the markup holds no element at all.

    The feed interface takes the decoded text as is: lxml's fromstring() refuses str input
    that starts with an <?xml encoding=...?> declaration, which XHTML exports carry.
    A parser keeps state between feed() and close(), so each page gets its own.
    huge_tree lifts libxml2's limit of 256 nested elements (see _MAX_DEPTH).
    """
    if any(control in text for control in _CONTROL_LIST):
        text = _CONTROL_CHARS.sub(" ", text)
    parser = etree.HTMLParser(huge_tree=True)
    parser.feed(text)
    return parser.close()


@lru_cache(maxsize=4)
def _depth_path(depth: int) -> etree.XPath:
    # One step per level: libxml2 keeps only the elements at the current depth, so this
    # costs one pass over the tree, in C.
    return etree.XPath("/".join(["*"] * depth), smart_strings=False)


def _too_deep(page: etree._Element, depth: int) -> bool:
    """Whether some element lies `depth` levels below the page's root."""
    return bool(_depth_path(depth)(page))


_TABLE_PARTS = frozenset(("table", "thead", "tbody", "tfoot", "tr"))


def _flatten_deep(page: etree._Element) -> None:
    """Replace the content of each element at _MAX_DEPTH by its text, block boundaries
    becoming <br>, so no element is deeper than that.

    Text set on a <table> or <tr> would never be read (only cells are), so the flattening
    starts above the table instead.
    """
    flattened: set[etree._Element] = set()
    for element in _depth_path(_MAX_DEPTH - 1)(page):
        while element.tag in _TABLE_PARTS and element.getparent() is not None:
            element = element.getparent()
        if not len(element) or element in flattened or any(a in flattened for a in element.iterancestors()):
            continue
        flattened.add(element)
        lines = _subtree_lines(element)
        for child in list(element):
            element.remove(child)
        element.text = lines[0] if lines else None
        for line in lines[1:]:
            br = etree.SubElement(element, "br")
            br.tail = line


def _subtree_lines(element: etree._Element) -> list[str]:
    """The text under an element, split at block elements and <br>; iterative, any depth."""
    lines: list[list[str]] = [[element.text or ""]]
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if node is element:
            continue
        name = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if name in _BLOCK_TAGS or name == "br":
                lines.append([])
            if name is not None and name not in _NOISE_TAGS and node.text:
                lines[-1].append(node.text)
        else:
            if name in _BLOCK_TAGS:
                lines.append([])
            if node.tail:
                lines[-1].append(node.tail)
    return [text for text in map("".join, lines) if text.strip()]


# Unclosed comments, tags and scripts end at the end of the text (or a tag at the next "<"),
# so that no match attempt rescans the rest of the page.
_TAG = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][A-Za-z0-9:]*)[^<>]*>?", re.S)
_NOISE_CONTENT = re.compile(r"<(script|style|noscript|template)\b.*?(?:</\1\s*>|\Z)", re.I | re.S)


def _markup_as_text(text: str) -> str:
    """The page's text as one <p> per line: tags dropped, block tags and <br> as line breaks.

    For pages libxml2 cannot build a tree of; tables become their cells' text, one per line.
    """
    import html as html_module

    def replace(match: re.Match) -> str:
        name = (match.group(2) or "").lower()
        return "\n" if name in _BLOCK_TAGS or name == "br" else ""

    stripped = _TAG.sub(replace, _NOISE_CONTENT.sub("", text))
    lines = (html_module.unescape(line).strip() for line in stripped.split("\n"))
    body = "".join(f"<p>{html_module.escape(line)}</p>" for line in lines if line)
    return f"<html><body>{body}</body></html>"


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
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass  # only now is the <meta charset> worth searching for
    for candidate in (_declared_encoding(data), "gb18030"):
        if candidate:
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    damaged = damaged_utf8(data)
    return damaged if damaged is not None else _detect(data)


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
    # (The substring test first: the pattern's search costs ~1.5 ms on a large page.)
    if _may_escape_attributes(text) and _ESCAPED_ATTRIBUTE.search(_SCRIPT_ELEMENT.sub("", text)):
        return _js_unescape(text)
    return text


def _may_escape_attributes(text: str) -> bool:
    return '=\\"' in text or "=\\'" in text


def _js_unescape(text: str) -> str:
    # Markup in a JS string escapes mostly its quotes and slashes (<td class=\"x\">, <\/p>).
    # Unless a backslash is itself escaped, every backslash starts an escape of the one
    # character after it, so these can be replaced in bulk, leaving few for the split below.
    if "\\\\" not in text:
        for escape in ('\\"', "\\'", "\\/"):
            text = text.replace(escape, escape[1])
        if "\\" not in text:
            return text
    # split() yields text and escapes alternately: mapping the escapes and joining is about
    # twice as fast as re.sub with a callback on pages with thousands of \" escapes.
    pieces = _JS_ESCAPE.split(text)
    # An escape longer than two characters is \uXXXX or \xXX; the rest are single characters
    # (and \r\n).  Inline, not a function call per escape: this is the hot loop.
    pieces[1::2] = [chr(int(e[1:], 16)) if len(e) > 2 else _JS_SIMPLE_ESCAPES.get(e, e) for e in pieces[1::2]]
    unescaped = "".join(pieces)
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


def _expand_script_markup(page: etree._Element, notes: list[str]) -> None:
    """Replace a <script> that writes the report (document.write / innerHTML) by that markup."""
    for script in list(page.iter("script")):
        code = script.text or ""
        if not _MARKUP.search(code):
            continue
        literals = _js_literals_with_markup(code)
        fragment_html = "".join(literals)
        if not literals or not re.search(r"政府信息公开|年度报告|申请", fragment_html):
            continue
        fragment = _parse(fragment_html)
        if fragment is not None and _too_deep(fragment, _LIBXML_MAX_DEPTH):
            fragment = _parse(_markup_as_text(fragment_html))  # see read()
            notes.append("脚本写入的网页内容嵌套层数过多，已按纯文本读取 / markup written by a script "
                         "is nested too deeply to be parsed; it was read as plain text")
        wrapper = _wrap_fragment(fragment)
        wrapper.tail = script.tail  # replace() takes the old element's tail away with it
        script.getparent().replace(script, wrapper)


def _wrap_fragment(fragment: etree._Element | None) -> etree._Element:
    """A <div> holding the fragment's body content (the whole fragment if it has no body)."""
    wrapper = etree.Element("div")
    if fragment is None:
        return wrapper
    body = fragment.find("body")
    if body is None:
        wrapper.append(fragment)
    else:
        wrapper.text = body.text
        wrapper.extend(list(body))
    return wrapper


# --- cleaning and locating the report ---------------------------------------------------


def _remove_noise(page: etree._Element) -> None:
    for tag in list(page.iter(*_NOISE_TAGS)):
        _drop(tag)
    for row in list(page.iter("tr")):
        # Word's "supportMisalignedColumns" row: invisible, one empty cell per column.
        if _HIDDEN_STYLE.search(row.get("style") or ""):
            _drop(row)


def _drop(element: etree._Element) -> None:
    """Remove an element and its content, keeping the text after it as a run of its own.

    An empty comment takes its place, so the text on either side is not merged into one
    run: a heading or date never matches across removed content.
    """
    parent = element.getparent()
    if parent is None:
        return
    marker = etree.Comment()
    marker.tail = element.tail
    parent.replace(element, marker)


def _remove_chrome(root: etree._Element) -> bool:
    """Drop site chrome under the report root; tell whether anything was dropped."""
    dropped = False
    for tag in [t for t in _CHROME_CANDIDATES(root) if _is_chrome(t)]:
        if _detached(tag, root) or _holds_report(tag):
            continue
        _drop(tag)
        dropped = True
    return dropped


def _detached(tag: etree._Element, root: etree._Element) -> bool:
    # Inside chrome dropped earlier in this pass.
    return not any(ancestor is root for ancestor in tag.iterancestors())


def _holds_report(tag: etree._Element) -> bool:
    if next(tag.iterdescendants("table"), None) is not None:
        return True
    runs = _TEXT_RUNS(tag)
    if any(_TITLE_WITH_YEAR.search(run) for run in runs):
        return True
    return any(_SECTION_HEADING.search(run) and not _in_link(run) for run in runs)


def _is_chrome(tag: etree._Element) -> bool:
    if tag.tag in _CHROME_TAGS or tag.get("role") == "navigation":
        return True
    names = " ".join((tag.get("id") or "", tag.get("class") or ""))
    return bool(names.strip()) and bool(_CHROME_NAMES.search(names))


def _run_parent(run) -> etree._Element:
    """The element whose content holds a text run (a tail belongs to the element's parent)."""
    node = run.getparent()
    return node.getparent() if run.is_tail else node


def _inside(run, name: str) -> bool:
    parent = _run_parent(run)
    return parent.tag == name or next(parent.iterancestors(name), None) is not None


def _in_link(run) -> bool:
    # Menus and "related reports" lists link to headings; the report states them.
    return _inside(run, "a")


def _body(page: etree._Element) -> etree._Element:
    return next(page.iter("body"), page)


def _find_report_root(page: etree._Element, tables: _Tables) -> etree._Element:
    body = _body(page)
    anchors = _report_anchors(body, tables)
    if len(anchors) < 2:
        return body
    return _common_ancestor(anchors)


def _report_anchors(body: etree._Element, tables: _Tables) -> list[etree._Element]:
    anchors = [t for t in body.iterdescendants("table")
               if _STAT_TABLE.search(_ALL_TEXT(t)) and not tables.is_layout(t)]
    for run in _TEXT_RUNS(body):
        if _SECTION_HEADING.search(run) and len(run.strip()) < 60 and not _in_link(run):
            anchors.append(_run_parent(run))
    if anchors:
        first = min(anchors, key=_document_position(body))
        title = _previous_run(first, _TITLE)
        if title is not None and len(title.strip()) < 120 and not _inside(title, "head"):
            anchors.append(_run_parent(title))
    return anchors


def _previous_run(element: etree._Element, pattern: re.Pattern):
    """The nearest text run before the element's start tag that matches, anywhere in the page."""
    return next((run for run in reversed(_PRECEDING_RUNS(element)) if pattern.search(run)), None)


def _document_position(body: etree._Element):
    order = {tag: i for i, tag in enumerate(body.iter())}
    return lambda tag: order.get(tag, -1)


def _common_ancestor(tags: list[etree._Element]) -> etree._Element:
    def chain(tag: etree._Element) -> list[etree._Element]:
        return [tag, *tag.iterancestors()]

    common = chain(tags[0])
    for tag in tags[1:]:
        ancestors = set(chain(tag))
        common = [t for t in common if t in ancestors]
    # Every anchor lies under <html>, so the chains always meet.
    return common[0]


# --- page facts -------------------------------------------------------------------------


def _page_meta(page: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    page_text = "\n".join(_PAGE_TEXT_RUNS(_body(page)))
    published = _PUBLISHED.search(page_text)
    if published:
        meta["published"] = _SOFT_SPACE.sub("", published.group(1))
    publisher = _PUBLISHER.search(page_text)
    if publisher and not publisher.group(1).lower().startswith("http"):
        meta["publisher"] = publisher.group(1)
    meta_tags = _meta_tags(page)
    for key, names in (("title", _META_TITLE), ("published", _META_PUBLISHED), ("publisher", _META_PUBLISHER)):
        if key not in meta:
            value = next((meta_tags[n.lower()] for n in names if n.lower() in meta_tags), None)
            if value:
                meta[key] = _date_part(value) if key == "published" else value
    title = _page_title(page)
    if "title" not in meta and title:
        meta["title"] = title
    return meta


def _page_title(page: etree._Element) -> str:
    # libxml2 reads <title> as plain text (no child elements), so .text is all of it.
    title = next(page.iter("title"), None)
    return (title.text or "").strip() if title is not None else ""


def _meta_tags(page: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in page.iter("meta"):
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


def _warnings(root: etree._Element, blocks: list) -> list[str]:
    if not any(isinstance(b, RawTable) for b in blocks) and next(root.iterdescendants("img"), None) is not None:
        return ["页面没有文字表格，但含有图片，统计表可能以图片发布 / no text tables but images: "
                "the statistics tables may be published as images"]
    return []


# --- walking the report -----------------------------------------------------------------


@dataclass
class _BlockWriter:
    tables: _Tables
    blocks: list[RawParagraph | RawTable] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)

    def walk(self, node: etree._Element) -> None:
        # lxml builds a new str on each .text/.tail access: read each once.
        if text := node.text:
            self.buffer.append(text)
        child = _first_child(node)
        while child is not None:
            name = child.tag
            if name == "br":
                self.flush()
            elif name == "table":
                self.flush()
                self._table(child)
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            elif isinstance(name, str):  # not a comment or processing instruction
                self.walk(child)
            if tail := child.tail:
                self.buffer.append(tail)
            child = child.getnext()

    def flush(self) -> None:
        if not self.buffer:  # between two blocks: nothing gathered
            return
        text = _clean_text("".join(self.buffer))
        self.buffer.clear()
        if text:  # _clean_text leaves no empty line
            self.blocks.extend(map(RawParagraph, text.split("\n")))

    def _table(self, table: etree._Element) -> None:
        if self.tables.is_layout(table):
            for row in self.tables.rows(table):
                for cell in row:
                    self.walk(cell)
                    self.flush()
            return
        nested: list[etree._Element] = []
        grid = _read_table(self.tables.rows(table), self.tables, nested)
        if grid is None:
            return  # over the bound: left out, with a warning; its nested tables with it
        self.blocks.append(grid)
        for inner in nested:
            self._table(inner)


class _Tables:
    """What the reader learns about the page's tables, learnt once.

    Finding the report decides which tables are layout; the writer decides it again for
    the same tables and then reads their cells.  Gathering cell text is most of the
    reader's time, so rows, verdicts and cell texts are kept until the tree is edited.
    """

    def __init__(self, warnings: list[str] | None = None) -> None:
        self.warnings = warnings if warnings is not None else []
        self.grid_cells = 0  # laid on grids so far, for _MAX_PAGE_GRID_CELLS
        self._rows: dict[etree._Element, list[list[etree._Element]]] = {}
        self._layout: dict[etree._Element, bool] = {}
        self._cells: dict[etree._Element, tuple[str, list[etree._Element]]] = {}

    def forget(self) -> None:
        self._rows.clear()
        self._layout.clear()
        self._cells.clear()

    def rows(self, table: etree._Element) -> list[list[etree._Element]]:
        """The table's own rows (not a nested table's), each as its list of cells."""
        if table not in self._rows:
            self._rows[table] = [list(row.iterchildren("td", "th")) for row in _own_rows(table)]
        return self._rows[table]

    def is_layout(self, table: etree._Element) -> bool:
        if table not in self._layout:
            self._layout[table] = _is_layout_table(self.rows(table), self.text)
        return self._layout[table]

    def text(self, cell: etree._Element) -> str:
        return self.cell(cell)[0]

    def cell(self, cell: etree._Element) -> tuple[str, list[etree._Element]]:
        """The cell's text and the tables inside it (emitted after the table, their text
        not in the cell's)."""
        if cell not in self._cells:
            nested: list[etree._Element] = []
            self._cells[cell] = (_cell_text(cell, nested), nested)
        return self._cells[cell]


def _own_rows(table: etree._Element) -> list[etree._Element]:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(child.iterchildren("tr"))
    return rows


def _is_layout_table(rows: list[list[etree._Element]], text: Callable[[etree._Element], str]) -> bool:
    cells = [cell for row in rows for cell in row]
    if len(cells) <= 1:
        return True
    widest = max(sum(_span(c, "colspan") for c in row) for row in rows)
    # One column is a stack of boxes (title, info line, content), not a grid of values.
    if widest <= 1:
        return True
    return any(len(text(cell)) > _LAYOUT_CELL_CHARS for cell in cells)


def _span(cell: etree._Element, attribute: str) -> int:
    raw = cell.get(attribute)
    if raw is None:
        return 1
    match = _DIGITS.search(raw)
    value = int(match.group()) if match else 1
    return min(max(value, 1), _MAX_SPAN)


def _read_table(html_rows: list[list[etree._Element]], tables: _Tables,
                nested: list[etree._Element]) -> RawTable | None:
    """Lay the cells on the grid (HTML table model) and keep each physical cell once.

    None when the grid would exceed _MAX_GRID_CELLS, or the page's tables together
    _MAX_PAGE_GRID_CELLS: the table is left out with a warning, since a truncated grid
    would put values under the wrong headings.  The grid's size is the sum of the cells'
    rowspan x colspan; it is known before any slot is recorded, so work and memory stay
    within the bound.
    """
    size = 0
    for r, row in enumerate(html_rows):
        for cell in row:
            size += _rowspan(cell, r, len(html_rows)) * _span(cell, "colspan")
    if size > _MAX_GRID_CELLS or tables.grid_cells + size > _MAX_PAGE_GRID_CELLS:
        first = next((tables.text(c) for row in html_rows for c in row if tables.text(c)), "")
        bound, scope = ((_MAX_GRID_CELLS, "单个表格") if size > _MAX_GRID_CELLS
                        else (_MAX_PAGE_GRID_CELLS, "全页表格合计"))
        tables.warnings.append(
            f"表格过大（{size} 个单元格位置，{scope}上限 {bound}），已略去：「{first[:20]}」 / a table "
            f"was left out: its grid has {size} cells, over the bound of {bound}"
            f"{'' if scope == '单个表格' else ' for all the tables of a page'}")
        return None
    tables.grid_cells += size
    # Grid slots in later rows taken by cells spanning down; a cell's own row needs no
    # record, since the column moves past it.
    occupied: set[tuple[int, int]] = set()
    rows: list[list[RawCell]] = []
    for r, row in enumerate(html_rows):
        cells: list[RawCell] = []
        col = 0
        for cell in row:
            while (r, col) in occupied:
                col += 1
            rowspan = _rowspan(cell, r, len(html_rows))
            colspan = _span(cell, "colspan")
            if rowspan > 1:
                occupied.update((r + dr, col + dc) for dr in range(1, rowspan) for dc in range(colspan))
            text, inner = tables.cell(cell)
            cells.append(RawCell(text, r, col, rowspan, colspan))
            nested.extend(inner)
            col += colspan
        if cells:
            rows.append(cells)
    return RawTable(rows)


def _rowspan(cell: etree._Element, row: int, row_count: int) -> int:
    raw = cell.get("rowspan")
    if raw is None:
        return 1
    # rowspan="0" spans to the end of the table; a span never reaches past the last row.
    span = row_count - row if raw.strip() == "0" else _span(cell, "rowspan")
    return max(1, min(span, row_count - row))


def _cell_text(cell: etree._Element, nested: list[etree._Element]) -> str:
    parts: list[str] = []
    _gather_cell_text(cell, parts, nested)
    raw = "".join(parts)
    return _clean_short_text(raw) if len(raw) <= _CACHED_CELL else _clean_text(raw)


# Data cells ("0", "规章", "\xa0" between <p> breaks) recur within a table and in every
# report, and cleaning one costs more than gathering it: short cells are cleaned once.
_CACHED_CELL = 48


@lru_cache(maxsize=4096)
def _clean_short_text(raw: str) -> str:
    return _clean_text(raw)


def _gather_cell_text(node: etree._Element, parts: list[str], nested: list[etree._Element]) -> None:
    if text := node.text:
        parts.append(text)
    child = _first_child(node)
    while child is not None:
        name = child.tag
        if name == "table":
            nested.append(child)
        elif name == "br":
            parts.append(_HARD_BREAK)
        elif name in _BLOCK_TAGS:
            parts.append(_HARD_BREAK)
            _gather_cell_text(child, parts, nested)
            parts.append(_HARD_BREAK)
        elif isinstance(name, str):  # not a comment or processing instruction
            _gather_cell_text(child, parts, nested)
        if tail := child.tail:
            parts.append(tail)
        child = child.getnext()


def _first_child(node: etree._Element) -> etree._Element | None:
    """The first child (element, comment or processing instruction), for walking the
    children with getnext(): lxml's child iterator costs about a microsecond to set up,
    even on a leaf, and the reader visits every element of the report."""
    return node[0] if len(node) else None


def _clean_text(raw: str) -> str:
    """Collapse source whitespace; hard breaks become newlines; no spaces between CJK pieces."""
    # A source line break next to a Chinese character is markup formatting, not a space;
    # every other whitespace run is one space.  Spaces at line ends are stripped below.
    # Most cells hold no line break, and the look-around pattern is the slow part.
    if "\n" in raw or "\r" in raw:
        raw = _WRAP_BESIDE_CJK.sub("", raw)
    collapsed = _SOFT_SPACE.sub(" ", raw)
    return "\n".join(filter(None, map(str.strip, collapsed.split(_HARD_BREAK))))
