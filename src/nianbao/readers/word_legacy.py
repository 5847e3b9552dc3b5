"""Legacy Word (.doc) and WPS (.wps) reports, converted to .docx by LibreOffice.

No maintained pure-Python reader handles the binary .doc/.wps formats with tables,
so LibreOffice (headless) converts them and the .docx reader does the rest.  Many
".doc" downloads from government sites are really .docx, HTML or RTF; the first two
are read directly without LibreOffice.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..document import RawDocument, RawParagraph, RawTable
from ..errors import MissingDependency, UnreadableInput
from . import docx as docx_reader
from . import html as html_reader

# LibreOffice's first start in a fresh profile takes several seconds; large files more.
DEFAULT_TIMEOUT_SECONDS = 180
_PROGRAM_NAMES = ("soffice", "libreoffice")
# Installations that are usually not on PATH (macOS app bundle, Windows installer).
_KNOWN_LOCATIONS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)
# OLE compound file (.doc, .wps), RTF, Word 2003 XML.  LibreOffice imports anything
# else as plain text, so other bytes would come back as a "report" of mojibake.
_CONVERTIBLE_SIGNATURES = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"<?xml")
# When LibreOffice cannot parse a damaged .doc it falls back to a text import that turns
# the bytes into characters; private-use and control characters then abound, while a
# real report has almost none.
_MAX_GARBAGE_SHARE = 0.02
_GARBAGE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
_INSTALL_HINT_ZH = ("未安装 LibreOffice，无法读取 .doc/.wps 文件。请安装 LibreOffice（Debian/Ubuntu："
                    "apt-get install -y libreoffice-writer），或先将文件另存为 .docx")
_INSTALL_HINT_EN = ("LibreOffice is not installed, so .doc/.wps files cannot be read. Install it "
                    "(Debian/Ubuntu: apt-get install -y libreoffice-writer) or save the file as .docx first")


def read(data: bytes, *, source: str | None = None,
         timeout: float = DEFAULT_TIMEOUT_SECONDS) -> RawDocument:
    if not data.strip():
        raise UnreadableInput("文件为空", "the file is empty")
    if data.startswith(b"PK"):
        return docx_reader.read(data, source=source)
    if _looks_like_html(data):
        # Word's "save as web page" output is often published with a .doc name.
        return html_reader.read(data, source=source)
    if not data.startswith(_CONVERTIBLE_SIGNATURES):
        raise UnreadableInput("文件不是 Word（.doc/.wps）文档", "the file is not a Word (.doc/.wps) document")
    document = docx_reader.read(convert_to_docx(data, suffix=_suffix(source), timeout=timeout), source=source)
    if _is_garbage(document):
        raise UnreadableInput("文件已损坏：LibreOffice 只能把它当作乱码文本读取",
                              "the file is corrupt: LibreOffice could only read it as garbled text")
    document.format = _suffix(source).lstrip(".")
    return document


def find_soffice() -> str:
    for name in _PROGRAM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    for path in _KNOWN_LOCATIONS:
        if os.path.isfile(path):
            return path
    raise MissingDependency(_INSTALL_HINT_ZH, _INSTALL_HINT_EN)


def convert_to_docx(data: bytes, *, suffix: str = ".doc", timeout: float = DEFAULT_TIMEOUT_SECONDS) -> bytes:
    """Convert .doc/.wps/.rtf bytes to .docx bytes with headless LibreOffice."""
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as workdir:
        work = Path(workdir)
        source_path = work / f"input{suffix}"
        source_path.write_bytes(data)
        _run_soffice(_command(soffice, work, source_path), timeout)
        converted = work / "out" / "input.docx"
        if not converted.is_file():
            raise UnreadableInput("LibreOffice 无法转换该文件，文件可能已损坏或加密",
                                  "LibreOffice could not convert the file; it may be corrupt or encrypted")
        return converted.read_bytes()


def _command(soffice: str, work: Path, source_path: Path) -> list[str]:
    # A private profile per conversion: LibreOffice refuses a second instance on a
    # profile in use, which would make parallel conversions fail or hang.
    profile = (work / "profile").as_uri()
    return [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
            "--nolockcheck", f"-env:UserInstallation={profile}",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(source_path)]


def _run_soffice(command: list[str], timeout: float) -> None:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_process_group(process)
        raise UnreadableInput(f"LibreOffice 转换超时（{timeout:g} 秒），文件可能已损坏或过大",
                              f"LibreOffice conversion timed out after {timeout:g} s; "
                              "the file may be corrupt or too large") from None


def _kill_process_group(process: subprocess.Popen) -> None:
    # soffice is a launcher script; the real soffice.bin is its child in the same new session.
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:  # pragma: no cover - Windows
        process.kill()
    process.communicate()


def _suffix(source: str | None) -> str:
    suffix = Path(source).suffix.lower() if source else ""
    return suffix if suffix in (".doc", ".wps", ".rtf", ".dot", ".wpt") else ".doc"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<html", b"<!doctype html", b"<meta", b"<?xml")) and b"<html" in data[:8192].lower()


def _is_garbage(document: RawDocument) -> bool:
    text = "".join(_block_text(block) for block in document.blocks)
    return len(text) >= 50 and len(_GARBAGE.findall(text)) / len(text) > _MAX_GARBAGE_SHARE


def _block_text(block: RawParagraph | RawTable) -> str:
    if isinstance(block, RawParagraph):
        return block.text
    return "".join(cell.text for row in block.rows for cell in row)
