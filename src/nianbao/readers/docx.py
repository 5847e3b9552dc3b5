"""Word (.docx) reports: paragraphs, tables (merged and nested cells), text boxes.

python-docx opens the package; the body is then walked directly on its XML, because
python-docx's high-level API skips text boxes, content controls and nested tables and
repeats merged cells once per grid position.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..document import RawCell, RawDocument, RawParagraph, RawTable
from ..errors import MissingDependency, UnreadableInput

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

# Containers whose children are block content (paragraphs, tables) like the body's.
_BLOCK_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo",
                   _MC + "AlternateContent", _MC + "Choice"}
# Never printed text: properties, deleted or moved-away revisions, field instructions;
# mc:Fallback repeats the mc:Choice content (a text box is stored twice).
_SKIPPED = {_W + "pPr", _W + "rPr", _W + "del", _W + "moveFrom", _W + "instrText", _W + "delText",
            _W + "fldData", _W + "tcPr", _W + "trPr", _W + "tblPr", _W + "tblGrid", _MC + "Fallback",
            _W + "footnoteReference", _W + "commentReference"}
_SPACES = re.compile(r"[ \t\xa0]+")
_HTML_CHUNK_TYPES = ("text/html", "application/xhtml+xml")

# Bounds checked on the ZIP directory (and the actual inflated sizes) before python-docx
# reads the package: python-docx inflates every part into memory and parses the XML whole,
# so a 1 MB file inflating to 1 GB peaked at 2.1 GB before it was refused.
# A report's package has 15-100 parts (a few hundred with many images); its
# word/document.xml is tens of KB to a few MB; images make up nearly all the rest.
_MAX_ENTRIES = 2_000
_MAX_DOCUMENT_XML = 20 * 1024 * 1024
_MAX_TOTAL_SIZE = 200 * 1024 * 1024
# Word's XML inflates 5-20 times; deflate can reach about 1000.  The ratio is only judged on
# parts large enough to matter.
_MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024
_INFLATE_CHUNK = 1024 * 1024
# Paragraphs and table cells of the body: a report has a few thousand at most (table 三 alone
# is about 300 cells).  500,000 paragraphs took 45 s through the parser.
_MAX_BODY_ELEMENTS = 50_000
# Word tables have at most 63 columns; a gridSpan or gridBefore beyond that is clamped, so a
# cell spanning 10^9 columns costs nothing.
_MAX_COLUMNS = 63


def read(data: bytes, *, source: str | None = None) -> RawDocument:
    document = _open(data)
    _check_body(document)
    writer = _BlockWriter(part=document.part, numbering=_Numbering.of(document))
    writer.walk(document.element.body)
    if not writer.blocks:
        writer.warnings.append("Word 文档中没有文字 / the Word document contains no text")
    return RawDocument(writer.blocks, "docx", _core_meta(document), writer.warnings,
                       machine_readable=bool(writer.blocks))


def _open(data: bytes):
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise MissingDependency("缺少 Python 库 python-docx，请运行 pip install python-docx",
                                "the python-docx library is missing: pip install python-docx") from exc
    _check_signature(data)
    _check_package(data)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile, KeyError, ValueError and lxml errors alike
        raise UnreadableInput("Word 文档已损坏，无法打开",
                              f"the Word document is corrupt and cannot be opened ({exc})") from exc


def _check_signature(data: bytes) -> None:
    if not data.strip():
        raise UnreadableInput("文件为空", "the file is empty")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise UnreadableInput("Word 文档已加密（设有密码），无法读取，请提供未加密的文件",
                                  "the Word document is encrypted (password-protected); supply an unencrypted copy")
        raise UnreadableInput("这是旧版 Word（.doc/.wps）文件，不是 .docx，请按 .doc 读取",
                              "this is a legacy Word (.doc/.wps) file, not .docx; read it as .doc")
    if not data.startswith(b"PK"):
        raise UnreadableInput("文件不是 Word（.docx）文档", "the file is not a Word (.docx) document")


def _check_package(data: bytes) -> None:
    """Refuse a package that is not a readable ZIP, or whose parts would take more memory
    or time than any report needs, before anything is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except NotImplementedError as exc:  # zipfile: "zip file version 8.4"
        raise UnreadableInput("Word 文档使用了不支持的 ZIP 格式，无法读取",
                              f"the Word document uses an unsupported ZIP format ({exc})") from exc
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as exc:
        raise UnreadableInput("Word 文档已损坏，无法打开",
                              f"the Word document is corrupt and cannot be opened ({exc})") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > _MAX_ENTRIES:
            raise _too_large(f"包含 {len(entries)} 个部件，上限 {_MAX_ENTRIES}",
                             f"{len(entries)} parts, over the bound of {_MAX_ENTRIES}")
        total = sum(entry.file_size for entry in entries)
        if total > _MAX_TOTAL_SIZE:
            raise _too_large(f"解压后共 {_mb(total)}，上限 {_mb(_MAX_TOTAL_SIZE)}",
                             f"{_mb(total)} uncompressed, over the bound of {_mb(_MAX_TOTAL_SIZE)}")
        for entry in entries:
            _check_entry(data, entry)


def _check_entry(data: bytes, entry: zipfile.ZipInfo) -> None:
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableInput("Word 文档使用了不支持的压缩方式，无法读取",
                              f"the Word document uses an unsupported compression method "
                              f"({entry.compress_type}) for {entry.filename}")
    if entry.flag_bits & 0x1:
        raise UnreadableInput("Word 文档已加密，无法读取", f"the Word document's part {entry.filename} is encrypted")
    if entry.filename == "word/document.xml" and entry.file_size > _MAX_DOCUMENT_XML:
        raise _too_large(f"正文 XML 解压后 {_mb(entry.file_size)}，上限 {_mb(_MAX_DOCUMENT_XML)}",
                         f"word/document.xml is {_mb(entry.file_size)} uncompressed, "
                         f"over the bound of {_mb(_MAX_DOCUMENT_XML)}")
    if entry.file_size > _RATIO_FLOOR and entry.file_size > _MAX_RATIO * max(entry.compress_size, 1):
        raise _too_large(f"部件 {entry.filename} 的压缩比异常（{entry.file_size // max(entry.compress_size, 1)} 倍）",
                         f"{entry.filename} inflates {entry.file_size // max(entry.compress_size, 1)} times, "
                         f"over the bound of {_MAX_RATIO}: a ZIP bomb")
    if entry.compress_type == zipfile.ZIP_DEFLATED:
        _check_inflated_size(data, entry)


def _check_inflated_size(data: bytes, entry: zipfile.ZipInfo) -> None:
    """The directory's sizes are only declarations: inflate the part in bounded chunks and
    refuse it if it grows past its declared size (zipfile would inflate it whole first)."""
    header = data[entry.header_offset:entry.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise UnreadableInput("Word 文档已损坏，无法打开",
                              f"the Word document is corrupt: no local header for {entry.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = entry.header_offset + 30 + name_length + extra_length
    stream = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = data[start:start + entry.compress_size]
    inflated = 0
    try:
        while pending and not stream.eof:
            inflated += len(stream.decompress(pending, _INFLATE_CHUNK))
            if inflated > entry.file_size:
                raise _too_large(f"部件 {entry.filename} 解压后超过其声明的大小",
                                 f"{entry.filename} inflates past its declared size of {entry.file_size} bytes")
            pending = stream.unconsumed_tail
    except zlib.error as exc:
        raise UnreadableInput("Word 文档已损坏，无法打开",
                              f"the Word document is corrupt: {entry.filename} ({exc})") from exc


def _too_large(reason_zh: str, reason_en: str) -> UnreadableInput:
    return UnreadableInput(f"Word 文档过大或异常（{reason_zh}），不像一份年报，已拒绝读取",
                           f"the Word document was refused as too large or malformed: {reason_en}")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _check_body(document) -> None:
    root = document.element
    body = root.find(_W + "body") if root.tag == _W + "document" else None
    if body is None:
        raise UnreadableInput("Word 文档没有正文（word/document.xml 中缺少 w:document/w:body）",
                              "the Word document has no body (word/document.xml lacks w:document/w:body)")
    count = sum(1 for _ in body.iter(_W + "p", _W + "tc"))
    if count > _MAX_BODY_ELEMENTS:
        raise _too_large(f"正文有 {count} 个段落和单元格，上限 {_MAX_BODY_ELEMENTS}",
                         f"the body has {count} paragraphs and table cells, over the bound of {_MAX_BODY_ELEMENTS}")


def _core_meta(document) -> dict[str, str]:
    """File properties, kept apart from printed facts: templates carry stale titles and authors."""
    props = document.core_properties
    meta = {"core_title": props.title or "", "core_author": props.author or "",
            "core_created": props.created.isoformat() if props.created else ""}
    return {key: value.strip() for key, value in meta.items() if value and value.strip()}


@dataclass
class _BlockWriter:
    part: Any = None  # python-docx's document part (untyped), for altChunk relationships
    numbering: "_Numbering | None" = None
    blocks: list[RawParagraph | RawTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def walk(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                self._paragraph(child)
            elif tag == _W + "tbl":
                self._table(child)
            elif tag == _W + "altChunk":
                self._alt_chunk(child)
            elif tag in _BLOCK_WRAPPERS:
                self.walk(_choice_only(child))

    def _paragraph(self, paragraph) -> None:
        parts: list[str] = []
        boxes: list = []
        _gather_runs(paragraph, parts, boxes)
        if self.numbering is not None and "".join(parts).strip():
            parts.insert(0, self.numbering.label(paragraph))
        for line in _clean_lines("".join(parts)):
            self.blocks.append(RawParagraph(line))
        for box in boxes:
            self.walk(box)

    def _table(self, table) -> None:
        deferred: list[RawParagraph | RawTable] = []
        self.blocks.append(_read_table(table, self, deferred))
        self.blocks.extend(deferred)

    def _alt_chunk(self, chunk) -> None:
        # Some publishing systems embed the report as an HTML chunk instead of Word markup.
        part = self.part.related_parts.get(chunk.get(_R + "id")) if self.part is not None else None
        if part is None or not any(t in part.content_type for t in _HTML_CHUNK_TYPES):
            self.warnings.append("Word 文档含有无法读取的嵌入内容（altChunk） / "
                                 "the Word document embeds content (altChunk) that cannot be read")
            return
        from . import html

        try:
            chunk_document = html.read(part.blob)
        except UnreadableInput as exc:  # an empty or broken chunk: the rest of the document stands
            self.warnings.append(f"Word 文档嵌入的网页内容无法读取：{exc.message_zh} / "
                                 f"the HTML embedded in the Word document cannot be read: {exc.message_en}")
            return
        self.blocks.extend(chunk_document.blocks)
        self.warnings.extend(chunk_document.warnings)


def _choice_only(element):
    """mc:AlternateContent holds a Choice and a Fallback copy; read the Choice."""
    if element.tag == _MC + "AlternateContent":
        return [c for c in element if c.tag == _MC + "Choice"][:1]
    return element


def _gather_runs(node, parts: list[str], boxes: list) -> None:
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _W + "r" and _is_hidden(child):
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "txbxContent":
            boxes.append(child)
        else:
            _gather_runs(child, parts, boxes)


def _is_hidden(run) -> bool:
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(_W + "val", "true") not in ("0", "false", "off")


def _clean_lines(text: str) -> list[str]:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


# --- tables -----------------------------------------------------------------------------


def _read_table(table, writer: _BlockWriter, deferred: list) -> RawTable:
    rows: list[list[RawCell]] = []
    vertical_origins: dict[int, RawCell] = {}
    for r, row in enumerate(_children(table, _W + "tr")):
        cells: list[RawCell] = []
        col = min(max(0, _int_val(row.find(f"{_W}trPr/{_W}gridBefore"), 0)), _MAX_COLUMNS)
        for tc in _children(row, _W + "tc"):
            properties = tc.find(_W + "tcPr")
            span = min(max(1, _int_val(_prop(properties, "gridSpan"), 1)), _MAX_COLUMNS)
            if _merge_state(properties, "vMerge") == "continue" and col in vertical_origins:
                origin = vertical_origins[col]
                origin.rowspan = r - (origin.row or 0) + 1  # the origin was made in this loop, with its row
            elif _merge_state(properties, "hMerge") == "continue" and cells:
                cells[-1].colspan += span
            else:
                cell = RawCell(_cell_text(tc, writer, deferred), r, col, 1, span)
                for covered in range(col, col + span):
                    vertical_origins.pop(covered, None)
                if _merge_state(properties, "vMerge") == "restart":
                    vertical_origins[col] = cell
                cells.append(cell)
            col += span
        if cells:
            rows.append(cells)
    return RawTable(rows)


def _children(element, tag: str) -> list:
    """Direct children with `tag`, looking through content-control and custom-XML wrappers."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _BLOCK_WRAPPERS:
            found.extend(_children(child, tag))
    return found


def _prop(properties, name: str):
    return None if properties is None else properties.find(_W + name)


def _int_val(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_W + "val", default))
    except ValueError:
        return default


def _merge_state(properties, name: str) -> str | None:
    """None (not merged), "restart" (first cell) or "continue" (covered by the cell before)."""
    element = _prop(properties, name)
    if element is None:
        return None
    return "restart" if element.get(_W + "val") == "restart" else "continue"


def _cell_text(tc, writer: _BlockWriter, deferred: list) -> str:
    """Paragraphs of the cell joined by newlines; nested tables go to `deferred`."""
    inner = _BlockWriter(part=writer.part, numbering=writer.numbering, warnings=writer.warnings)
    inner.walk(tc)
    deferred.extend(b for b in inner.blocks if isinstance(b, RawTable))
    return "\n".join(b.text for b in inner.blocks if isinstance(b, RawParagraph))


# --- automatic numbering ----------------------------------------------------------------
# Word keeps list numbers ("一、", "（二）", "1.") out of the text, as numbering definitions;
# headings and table-三 labels are often numbered this way, and the parser needs the
# numbers as printed.

_CHINESE_DIGITS = "〇一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass
class _Level:
    number_format: str = "decimal"
    text: str = ""
    start: int = 1


class _Numbering:
    """Counts numbered paragraphs in document order and renders their labels."""

    def __init__(self, levels: dict[str, dict[int, _Level]], instances: dict[str, tuple[str, dict[int, int]]],
                 style_numbering: dict[str, tuple[str, int]]) -> None:
        self.levels = levels  # abstractNumId → level → definition
        self.instances = instances  # numId → (abstractNumId, start overrides)
        self.style_numbering = style_numbering  # styleId → (numId, level)
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()

    @classmethod
    def of(cls, document) -> "_Numbering | None":
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return None
        levels = {a.get(_W + "abstractNumId"): _levels(a) for a in root.findall(_W + "abstractNum")}
        instances = {n.get(_W + "numId"): _instance(n) for n in root.findall(_W + "num")}
        return cls(levels, instances, _style_numbering(document))

    def label(self, paragraph) -> str:
        num_id, level = self._paragraph_numbering(paragraph)
        if num_id in (None, "0") or num_id not in self.instances:
            return ""
        abstract_id, overrides = self.instances[num_id]
        definitions = self.levels.get(abstract_id, {})
        counters = self._counters(num_id, abstract_id, overrides, definitions)
        definition = definitions.get(level)
        if definition is None or definition.number_format in ("bullet", "none"):
            return ""
        counters[level] = counters.get(level, definition.start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        return re.sub(r"%(\d)", lambda m: self._render(definitions, counters, int(m.group(1)) - 1),
                      definition.text)

    def _counters(self, num_id: str, abstract_id: str, overrides: dict[int, int],
                  definitions: dict[int, _Level]) -> dict[int, int]:
        # Lists sharing a definition continue one count, unless a list restarts it.
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in overrides.items():
                counters[level] = start - 1
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
        return counters

    def _paragraph_numbering(self, paragraph) -> tuple[str | None, int]:
        properties = paragraph.find(_W + "pPr")
        numbering = None if properties is None else properties.find(_W + "numPr")
        style = None if properties is None else properties.find(_W + "pStyle")
        num_id, level = self.style_numbering.get(style.get(_W + "val") if style is not None else "", (None, 0))
        if numbering is not None:
            num_id = _val(numbering.find(_W + "numId")) or num_id
            level = _int_val(numbering.find(_W + "ilvl"), level)
        return num_id, level

    @staticmethod
    def _render(definitions: dict[int, _Level], counters: dict[int, int], level: int) -> str:
        definition = definitions.get(level, _Level())
        return _format_number(counters.get(level, definition.start), definition.number_format)


def _levels(abstract) -> dict[int, _Level]:
    levels = {}
    for lvl in abstract.findall(_W + "lvl"):
        levels[_int_val_attr(lvl, "ilvl", 0)] = _Level(
            _val(lvl.find(_W + "numFmt")) or "decimal", _val(lvl.find(_W + "lvlText")) or "",
            _int_val(lvl.find(_W + "start"), 1))
    return levels


def _instance(num) -> tuple[str, dict[int, int]]:
    overrides = {}
    for override in num.findall(_W + "lvlOverride"):
        start = override.find(_W + "startOverride")
        if start is not None:
            overrides[_int_val_attr(override, "ilvl", 0)] = _int_val(start, 1)
    return _val(num.find(_W + "abstractNumId")) or "", overrides


def _style_numbering(document) -> dict[str, tuple[str, int]]:
    try:
        styles = document.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    found: dict[str, tuple[str, int]] = {}
    for style in styles.findall(_W + "style"):
        numbering = style.find(f"{_W}pPr/{_W}numPr")
        num_id = _val(numbering.find(_W + "numId")) if numbering is not None else None
        if numbering is not None and num_id:
            found[style.get(_W + "styleId")] = (num_id, _int_val(numbering.find(_W + "ilvl"), 0))
    return found


def _val(element) -> str | None:
    return None if element is None else element.get(_W + "val")


def _int_val_attr(element, name: str, default: int) -> int:
    try:
        return int(element.get(_W + name, default))
    except ValueError:
        return default


# Word's list numbers stop at 32767; beyond it (a hostile w:start) letters and Roman numerals
# would grow with the number (10^8 as letters: 3.8 million characters), so it prints as digits.
_MAX_LIST_NUMBER = 32_767


def _format_number(n: int, number_format: str) -> str:
    if not 0 <= n <= _MAX_LIST_NUMBER:
        return str(n)
    if number_format.startswith("chineseCounting") or number_format in ("taiwaneseCounting", "japaneseCounting"):
        return _chinese_number(n, _CHINESE_DIGITS)
    if number_format == "chineseLegalSimplified":
        return _chinese_number(n, _LEGAL_DIGITS).replace("十", "拾")
    if number_format in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CHINESE_DIGITS[int(d)] for d in str(n))
    if number_format in ("ideographTraditional",) and 1 <= n <= len(_HEAVENLY_STEMS):
        return _HEAVENLY_STEMS[n - 1]
    if number_format.startswith("decimalEnclosedCircle") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if number_format == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if number_format in ("upperLetter", "lowerLetter") and n >= 1:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("upperRoman", "lowerRoman") and n >= 1:
        roman = _roman(n)
        return roman if number_format == "upperRoman" else roman.lower()
    return str(n)


def _chinese_number(n: int, digits: str) -> str:
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    text = ("" if tens == 1 else digits[tens]) + "十" if tens else ""
    return text + (digits[units] if units else "")


def _roman(n: int) -> str:
    out = ""
    for value, numeral in _ROMAN:
        while n >= value:
            out += numeral
            n -= value
    return out
