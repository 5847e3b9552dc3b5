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
        return "docx" if _is_docx(data) else "zip"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    lowered = head.lower()
    if any(hint in lowered for hint in _HTML_HINTS):
        return "html"
    if name.lower().endswith((".html", ".htm", ".shtml")):
        return "html"
    return "text"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read(data: bytes, name: str = "", forced_format: str | None = None) -> RawDocument:
    fmt = forced_format or detect_format(data, name)
    if fmt == "image":
        return RawDocument([], "image", warnings=["图片文件，没有可读取的文字 / an image file has no text layer"], machine_readable=False)
    if fmt not in READERS:
        raise UnreadableInput(f"不支持的文件格式：{fmt}", f"unsupported file format: {fmt}")
    module = importlib.import_module(f".{READERS[fmt]}", __name__)
    return module.read(data, source=name)
