"""Readers: one module per input format, each turning bytes into a RawDocument.

The format is chosen from the content (magic bytes), not the file name; the
extension only breaks ties, and callers may force a format.
"""

from __future__ import annotations

import importlib
import zipfile
from io import BytesIO

from ..document import RawDocument
from ..errors import UnreadableInput
from .text import bound_block_space_runs

# format name -> module under nianbao.readers
READERS = {
    "text": "text",
    "html": "html",
    "docx": "docx",
    "doc": "word_legacy",
    "pdf": "pdf",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .wps (Compound File Binary)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_HTML_HINTS = (b"<html", b"<!doctype html", b"<body", b"<table", b"<div", b"<p ", b"<p>", b"<meta", b"<span")


def detect_format(data: bytes, name: str = "") -> str:
    head = data[:2048]
    if head.lstrip().startswith(b"%PDF"):
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        return "doc"
    if head.startswith(b"PK"):
        return "docx" if _is_docx(data) else "xlsx" if _is_xlsx(data) else "zip"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    lowered = head.lower()
    if any(hint in lowered for hint in _HTML_HINTS):
        return "html"
    if name.lower().endswith((".html", ".htm", ".shtml")):
        return "html"
    return "text"


def _is_docx(data: bytes) -> bool:
    return _zip_holds(data, "word/document.xml")


def _is_xlsx(data: bytes) -> bool:
    return _zip_holds(data, "xl/workbook.xml")


def _zip_holds(data: bytes, part: str) -> bool:
    """Whether a ZIP holds `part`.  A directory zipfile cannot read (a version it does not
    know, a damaged header, a file cut short before its directory) still counts when the
    part's name is in the bytes (each entry's local header repeats it), so the format's own
    reader says what is wrong instead of a traceback or "unsupported format: zip" here."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
        return part.encode() in data


def _opens_as_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)):
            return True
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
        return False


def read(data: bytes, name: str = "", forced_format: str | None = None) -> RawDocument:
    fmt = forced_format or detect_format(data, name)
    if fmt == "xlsx":  # nianbao's own fill-in workbook is read before this (nianbao.inputs), as data, not text
        raise UnreadableInput(
            "不读取电子表格：只有 nianbao 的填报表（nianbao template 生成）可以读取；其他电子表格请把报告另存为 Word、PDF 或网页",
            "spreadsheets are not read, except nianbao's own fill-in workbook (made by nianbao template); "
            "save the report as Word, PDF or HTML",
        )
    if fmt == "image":
        from . import ocr

        if ocr.available():
            return ocr.read(data, source=name)
        return RawDocument([], "image", warnings=[
            "图片文件，没有可读取的文字；安装 OCR 组件（pip install 'nianbao[ocr]'）后可识别 / "
            "an image file has no text layer; install the OCR extra (pip install 'nianbao[ocr]') to read it"],
            machine_readable=False)
    if fmt == "zip" and not _opens_as_zip(data):
        raise UnreadableInput("文件已损坏或不完整：ZIP 压缩包（Word、Excel 文件的格式）无法打开",
                              "the file is a damaged or truncated ZIP package (the format of Word and Excel files)")
    if fmt not in READERS:
        raise UnreadableInput(f"不支持的文件格式：{fmt}", f"unsupported file format: {fmt}")
    module = importlib.import_module(f".{READERS[fmt]}", __name__)
    document = module.read(data, source=name)
    # Every paragraph and cell with its space runs cut, whatever the format (markup and Word
    # keep ideographic spaces, which HTML does not collapse), unless the reader did.
    if not getattr(module, "BOUNDS_SPACE_RUNS", False):
        bound_block_space_runs(document.blocks)
    return document
