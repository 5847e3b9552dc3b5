"""Word (.docx) reports: paragraphs, tables (merged and nested cells), text boxes.

python-docx opens the package; the body is then walked directly on its XML, because
python-docx's high-level API skips text boxes, content controls and nested tables and
repeats merged cells once per grid position.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

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


def read(data: bytes, *, source: str | None = None) -> RawDocument:
    document = _open(data)
    writer = _BlockWriter(part=document.part)
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


def _core_meta(document) -> dict[str, str]:
    """File properties, kept apart from printed facts: templates carry stale titles and authors."""
    props = document.core_properties
    meta = {"core_title": props.title or "", "core_author": props.author or "",
            "core_created": props.created.isoformat() if props.created else ""}
    return {key: value.strip() for key, value in meta.items() if value and value.strip()}


@dataclass
class _BlockWriter:
    part: object = None
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
        for line in _clean_lines("".join(parts)):
            self.blocks.append(RawParagraph(line))
        for box in boxes:
            self.walk(box)

    def _table(self, table) -> None:
        deferred: list[RawParagraph | RawTable] = []
        self.blocks.append(_read_table(table, self.part, deferred, self.warnings))
        self.blocks.extend(deferred)

    def _alt_chunk(self, chunk) -> None:
        # Some publishing systems embed the report as an HTML chunk instead of Word markup.
        part = self.part.related_parts.get(chunk.get(_R + "id")) if self.part is not None else None
        if part is None or not any(t in part.content_type for t in _HTML_CHUNK_TYPES):
            self.warnings.append("Word 文档含有无法读取的嵌入内容（altChunk） / "
                                 "the Word document embeds content (altChunk) that cannot be read")
            return
        from . import html

        self.blocks.extend(html.read(part.blob).blocks)


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


def _read_table(table, part, deferred: list, warnings: list[str]) -> RawTable:
    rows: list[list[RawCell]] = []
    vertical_origins: dict[int, RawCell] = {}
    for r, row in enumerate(_children(table, _W + "tr")):
        cells: list[RawCell] = []
        col = _int_val(row.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for tc in _children(row, _W + "tc"):
            properties = tc.find(_W + "tcPr")
            span = max(1, _int_val(_prop(properties, "gridSpan"), 1))
            if _merge_state(properties, "vMerge") == "continue" and col in vertical_origins:
                origin = vertical_origins[col]
                origin.rowspan = r - origin.row + 1
            elif _merge_state(properties, "hMerge") == "continue" and cells:
                cells[-1].colspan += span
            else:
                cell = RawCell(_cell_text(tc, part, deferred, warnings), r, col, 1, span)
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


def _cell_text(tc, part, deferred: list, warnings: list[str]) -> str:
    """Paragraphs of the cell joined by newlines; nested tables go to `deferred`."""
    inner = _BlockWriter(part=part, warnings=warnings)
    inner.walk(tc)
    deferred.extend(b for b in inner.blocks if isinstance(b, RawTable))
    return "\n".join(b.text for b in inner.blocks if isinstance(b, RawParagraph))
