"""Bounded work per file in the HTML and Word readers.

Each hostile family is generated here with small parameters (bounds lowered where that
keeps the test fast): span grids, deep nesting and control characters in HTML; ZIP bombs,
lying ZIP directories, odd ZIP versions and compression methods, missing document roots,
huge bodies and spans in .docx.  Bad input must give either a bounded result that says
what it left out, or UnreadableInput with a Chinese and an English message; never a
traceback, never a silently wrong grid.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile

import docx
import pytest

from nianbao import readers
from nianbao.document import RawParagraph, RawTable
from nianbao.errors import NianbaoError, UnreadableInput
from nianbao.readers import docx as docx_reader
from nianbao.readers import html
from tests.conftest import CORPUS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TITLE = "<p>2023年政府信息公开工作年度报告</p>"
SMALL_TABLE = ("<table><tr><td>项目</td><td>本年新收</td><td>总计</td></tr>"
               "<tr><td>申请数量</td><td>12</td><td>12</td></tr></table>")
AFTER = "<p>六、其他需要报告的事项</p>"


def tables(document) -> list[RawTable]:
    return [b for b in document.blocks if isinstance(b, RawTable)]


def paragraphs(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, RawParagraph)]


def cell_texts(document) -> list[str]:
    return [c.text for t in tables(document) for row in t.rows for c in row]


def all_text(document, separator: str = "\n") -> str:
    """Every paragraph, then every cell."""
    return separator.join(paragraphs(document) + cell_texts(document))


def grid_size(table: RawTable) -> int:
    return sum(cell.rowspan * cell.colspan for row in table.rows for cell in row)


def span_table(rows: int, rowspan: int | str, colspan: int | str) -> str:
    cell = f"<tr><td rowspan={rowspan} colspan={colspan}>1</td><td>2</td></tr>"
    return "<table>" + cell * rows + "</table>"


def page(*parts: str) -> bytes:
    return ("<html><body>" + "".join(parts) + "</body></html>").encode()


def assert_bilingual(error: UnreadableInput) -> None:
    assert error.message_zh and error.message_en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message_zh)


# --- HTML span grids --------------------------------------------------------------------


@pytest.mark.parametrize("rowspan, colspan", [(1000, 1000), (10**9, 10**9), ("0", 1000), (1000, 1), (1, 10**6)])
def test_span_grid_is_bounded_and_the_rest_is_read(monkeypatch, rowspan, colspan):
    monkeypatch.setattr(html, "_MAX_GRID_CELLS", 500)
    document = html.read(page(TITLE, SMALL_TABLE, span_table(60, rowspan, colspan), AFTER))
    for table in tables(document):
        assert grid_size(table) <= 500
        assert all(c.colspan <= html._MAX_SPAN and c.rowspan <= html._MAX_SPAN for row in table.rows for c in row)
    # The real table and the text after the hostile one survive.
    assert "申请数量" in cell_texts(document)
    assert "六、其他需要报告的事项" in paragraphs(document)


def test_span_grid_over_the_bound_is_left_out_with_a_warning():
    # The family of spans-200.html at the default bounds: the grid is sized before any slot is laid.
    document = html.read(page(TITLE, SMALL_TABLE, span_table(200, 1000, 1000), AFTER))
    assert len(tables(document)) == 1  # the small table only; no truncated grid
    assert any("表格过大" in w and "left out" in w for w in document.warnings)
    assert "六、其他需要报告的事项" in paragraphs(document)


def test_table_at_the_bound_is_kept(monkeypatch):
    monkeypatch.setattr(html, "_MAX_GRID_CELLS", 20)
    at_bound = "<table>" + "<tr><td>a</td><td>b</td></tr>" * 10 + "</table>"
    over = "<table>" + "<tr><td>a</td><td>b</td></tr>" * 11 + "</table>"
    document = html.read(page(TITLE, at_bound, over))
    assert [grid_size(t) for t in tables(document)] == [20]
    assert len(document.warnings) == 1


def test_page_grid_budget_bounds_many_tables(monkeypatch):
    monkeypatch.setattr(html, "_MAX_GRID_CELLS", 100)
    monkeypatch.setattr(html, "_MAX_PAGE_GRID_CELLS", 300)
    each = "<table>" + "<tr><td rowspan=9 colspan=9>1</td><td>2</td></tr>" + "<tr><td>3</td></tr>" * 8 + "</table>"
    document = html.read(page(TITLE, each * 20, AFTER))
    assert sum(grid_size(t) for t in tables(document)) <= 300
    assert 1 <= len(tables(document)) < 20
    assert any("全页" in w for w in document.warnings)
    assert "六、其他需要报告的事项" in paragraphs(document)


def test_real_spans_are_unchanged():
    table = ("<table><tr><td rowspan=2>申请人情况</td><td colspan=3>自然人</td></tr>"
             "<tr><td>1</td><td>2</td><td>3</td></tr></table>")
    (grid,) = tables(html.read(page(TITLE, table)))
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for row in grid.rows for c in row] == [
        ("申请人情况", 0, 0, 2, 1), ("自然人", 0, 1, 1, 3), ("1", 1, 1, 1, 1), ("2", 1, 2, 1, 1), ("3", 1, 3, 1, 1)]
    assert not html.read(page(TITLE, table)).warnings


# --- HTML nesting -----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [250, 300, 1000, 2100, 5000])
def test_deep_nesting_is_read(depth):
    inner = "<table><tr><td>主动公开</td><td>7</td></tr></table><p>深处的文字</p>"
    data = page(TITLE, "<div>" * depth + inner + "</div>" * depth, AFTER)
    document = html.read(data)
    text = all_text(document)
    for expected in ("2023年政府信息公开工作年度报告", "深处的文字", "主动公开", "7", "六、其他需要报告的事项"):
        assert expected in text
    if depth > html._MAX_DEPTH:
        assert document.warnings  # said how it was read


def test_flattening_keeps_block_boundaries(monkeypatch):
    monkeypatch.setattr(html, "_MAX_DEPTH", 5)
    deep = "<div>" * 8 + "<p>第一段</p><p>第二段<span>续</span></p><script>x()</script>尾" + "</div>" * 8
    document = html.read(page(TITLE, deep, AFTER))
    assert ["第一段", "第二段续", "尾"] == [p for p in paragraphs(document) if p in ("第一段", "第二段续", "尾")]


# --- HTML control characters ------------------------------------------------------------

CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"x{ord(c):02x}" for c in CONTROLS])
def test_control_characters_are_cleaned(control):
    # Not in the first 2 KB for NUL, which is the binary-content check.
    padding = "<p>" + "正文" * 600 + "</p>" if control == "\x00" else ""
    data = page(padding, TITLE, f"<script>x</script>{control}",
                f"<table><tr><td>申请{control}数量</td><td>12{control}34</td></tr>"
                f"<tr><td>总计</td><td>5</td></tr></table>", f"<p>结束{control}</p>")
    document = html.read(data)
    cells = cell_texts(document)
    assert "1234" not in cells  # digits on either side of a control are not fused
    assert any(c.startswith("12") for c in cells)
    assert any(p.startswith("结束") for p in paragraphs(document))


# --- DOCX packages ----------------------------------------------------------------------


def docx_bytes(paragraphs_: int = 3, extra: dict[str, bytes] | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("2023年政府信息公开工作年度报告")
    for i in range(paragraphs_):
        document.add_paragraph(f"第{i}段")
    out = io.BytesIO()
    document.save(out)
    if not extra:
        return out.getvalue()
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, extra.pop(info.filename, None) or source.read(info.filename))
        for name, blob in extra.items():
            target.writestr(name, blob)
    return rebuilt.getvalue()


def refused(data: bytes) -> UnreadableInput:
    with pytest.raises(UnreadableInput) as caught:
        docx_reader.read(data)
    assert_bilingual(caught.value)
    with pytest.raises(UnreadableInput):
        readers.read(data, "x.docx", forced_format="docx")
    return caught.value


def central_directory_offsets(data: bytes) -> list[int]:
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        offsets.append(found)
        start = found + 4
    return offsets


def patch_entry(data: bytes, name: str, **fields: int) -> bytes:
    """Rewrite fields of one entry's central directory record (and local header)."""
    out = bytearray(data)
    central = {"version": (6, "<H"), "method": (10, "<H"), "file_size": (24, "<I")}
    local = {"version": (4, "<H"), "method": (8, "<H"), "file_size": (22, "<I")}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        header_offset = archive.getinfo(name).header_offset
    for offset in central_directory_offsets(data):
        name_length = struct.unpack("<H", data[offset + 28:offset + 30])[0]
        if data[offset + 46:offset + 46 + name_length].decode() == name:
            for key, value in fields.items():
                at, fmt = central[key]
                struct.pack_into(fmt, out, offset + at, value)
                at, fmt = local[key]
                struct.pack_into(fmt, out, header_offset + at, value)
    return bytes(out)


def test_plain_docx_still_reads():
    document = docx_reader.read(docx_bytes())
    assert "2023年政府信息公开工作年度报告" in paragraphs(document)


def test_total_uncompressed_size_is_bounded(monkeypatch):
    monkeypatch.setattr(docx_reader, "_MAX_TOTAL_SIZE", 400_000)
    error = refused(docx_bytes(extra={"word/media/big.bin": b"\x00" * 500_000}))
    assert "上限" in error.message_zh


def test_document_xml_size_is_bounded(monkeypatch):
    monkeypatch.setattr(docx_reader, "_MAX_DOCUMENT_XML", 10_000)
    body = "".join(f"<w:p><w:r><w:t>第{i}段文字内容</w:t></w:r></w:p>" for i in range(500))
    xml = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()
    error = refused(docx_bytes(extra={"word/document.xml": xml}))
    assert "document.xml" in error.message_en


@pytest.mark.parametrize("part", ["word/document.xml", "word/media/image1.png"])
def test_absurd_compression_ratio_is_refused(part):
    # 2 MB of one byte deflates to about 2 KB (ratio ~1000): a ZIP bomb in miniature.
    filler = b" " * (2 * 1024 * 1024)
    if part == "word/document.xml":
        filler = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode() + filler + b"</w:t></w:r></w:p></w:body></w:document>"
    error = refused(docx_bytes(extra={part: filler}))
    assert "压缩比" in error.message_zh


def test_lying_directory_size_is_refused_before_inflating():
    # The directory says 1,000 bytes; the stream inflates to 200 KB (zipfile would inflate it whole).
    data = docx_bytes(extra={"word/media/lie.bin": b"A" * 200_000})
    error = refused(patch_entry(data, "word/media/lie.bin", file_size=1_000))
    assert "declared size" in error.message_en


def test_entry_count_is_bounded(monkeypatch):
    monkeypatch.setattr(docx_reader, "_MAX_ENTRIES", 30)
    error = refused(docx_bytes(extra={f"customXml/item{i}.xml": b"<a/>" for i in range(40)}))
    assert "部件" in error.message_zh


def test_body_size_is_bounded(monkeypatch):
    monkeypatch.setattr(docx_reader, "_MAX_BODY_ELEMENTS", 100)
    refused(docx_bytes(paragraphs_=150))
    assert len(paragraphs(docx_reader.read(docx_bytes(paragraphs_=50)))) == 51


@pytest.mark.parametrize("version", [84, 255])
def test_unsupported_zip_version_is_unreadable(version):
    error = refused(patch_entry(docx_bytes(), "word/document.xml", version=version))
    assert "ZIP" in error.message_zh


@pytest.mark.parametrize("method", [9, 12, 14, 99])  # deflate64, bzip2, lzma, unknown: Word writes none of them
def test_unsupported_compression_method_is_unreadable(method):
    error = refused(patch_entry(docx_bytes(), "word/styles.xml", method=method))
    assert "压缩" in error.message_zh


@pytest.mark.parametrize("xml", [
    b"<document/>",
    f'<w:document xmlns:w="{W_NS}"/>'.encode(),
    b'<document xmlns="urn:other"><body/></document>',
    f'<w:body xmlns:w="{W_NS}"><w:p/></w:body>'.encode(),
])
def test_document_without_a_body_is_unreadable(xml):
    error = refused(docx_bytes(extra={"word/document.xml": xml}))
    assert "正文" in error.message_zh


def test_huge_grid_spans_are_clamped():
    cell = ('<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p><w:r><w:t>宽</w:t></w:r></w:p></w:tc>'
            '<w:tc><w:p><w:r><w:t>5</w:t></w:r></w:p></w:tc>')
    row = f'<w:tr><w:trPr><w:gridBefore w:val="1000000000"/></w:trPr>{cell}</w:tr>'
    xml = f'<w:document xmlns:w="{W_NS}"><w:body><w:tbl>{row * 3}</w:tbl><w:p><w:r><w:t>之后</w:t></w:r></w:p></w:body></w:document>'
    document = docx_reader.read(docx_bytes(extra={"word/document.xml": xml.encode()}))
    (table,) = tables(document)
    assert all(c.colspan <= docx_reader._MAX_COLUMNS and c.col <= 2 * docx_reader._MAX_COLUMNS
               for row in table.rows for c in row)
    assert "之后" in paragraphs(document)


@pytest.mark.parametrize("depth", [300, 3000])
def test_deep_markup_written_by_a_script_is_read(depth):
    fragment = "<p>政府信息公开年度报告</p>" + "<div>" * depth + "<p>深处</p>" + "</div>" * depth + "<p>申请</p>"
    script = "<script>document.write(" + json.dumps(fragment) + ");</script>"
    document = html.read(page(TITLE, script, AFTER))
    assert ["政府信息公开年度报告", "深处", "申请"] == [p for p in paragraphs(document) if p in ("政府信息公开年度报告", "深处", "申请")]
    assert document.warnings


@pytest.mark.parametrize("unit", ["<script x>", "<script>", "<!--", "<a ", "<style>"])
def test_unclosed_markup_is_linear(unit):
    # Every unclosed opener used to rescan the rest of the page (8,000 "<script x>": 8.8 s).
    # No timing assertion: 20,000 openers finish quickly only if each is scanned once.
    document = html.read(page(TITLE, unit * 20_000))
    assert "2023年政府信息公开工作年度报告" in paragraphs(document)
    assert "2023年政府信息公开工作年度报告" in html._markup_as_text(TITLE + unit * 20_000)


@pytest.mark.parametrize("number_format", ["upperRoman", "lowerLetter", "chineseCounting", "decimalEnclosedCircle"])
@pytest.mark.parametrize("start", [10**8, 2**31 - 1, -5])
def test_list_numbers_stay_short(number_format, start):
    # A hostile w:start would otherwise print as a million-letter label on every paragraph.
    label = docx_reader._format_number(start, number_format)
    assert len(label) <= 12
    assert label == str(start)


@pytest.mark.parametrize("extra", range(6))
def test_flattening_inside_a_table_keeps_the_cells_text(monkeypatch, extra):
    # Wherever the depth bound falls (table, row, cell, inside the cell), no text is lost.
    monkeypatch.setattr(html, "_MAX_DEPTH", 6)
    table = "<table><tr><td>申请</td><td><span>12</span></td></tr><tr><td>总计</td><td>3</td></tr></table>"
    data = page(TITLE, "<div>" * extra + table + "</div>" * extra, AFTER)
    document = html.read(data)
    text = all_text(document, " ")
    for expected in ("申请", "12", "总计", "3", "六、其他需要报告的事项"):
        assert expected in text


def docx_with_html_chunk(chunk: bytes) -> bytes:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("2023年政府信息公开工作年度报告")
    part = Part(PackURI("/word/chunk1.html"), "text/html", chunk, document.part.package)
    rel_id = document.part.relate_to(part, RELATIONSHIP_TYPE.A_F_CHUNK)
    r_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    document.element.body.append(parse_xml(f'<w:altChunk xmlns:w="{W_NS}" xmlns:r="{r_ns}" r:id="{rel_id}"/>'))
    document.add_paragraph("之后的段落")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("chunk, expected", [
    (b"<html><body><p>\xe5\x9d\x97\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97</p></body></html>", "块中文字"),
    (b"   ", None),  # empty chunk: a warning, the rest of the document stands
    (b"<html><body>" + b"<div>" * 3000 + b"<p>\xe6\xb7\xb1</p>" + b"</div>" * 3000 + b"</body></html>", "深"),
])
def test_html_chunk_in_docx_is_bounded_and_never_sinks_the_document(chunk, expected):
    document = docx_reader.read(docx_with_html_chunk(chunk))
    texts = paragraphs(document)
    assert "2023年政府信息公开工作年度报告" in texts and "之后的段落" in texts
    if expected:
        assert expected in texts
    else:
        assert any("无法读取" in w for w in document.warnings)


# --- the shared hostile samples themselves (when present next to the corpus) ------------

HOSTILE = CORPUS.parent / "hostile"


@pytest.mark.parametrize("name, expect", [
    ("spans-200.html", "warning"), ("nested-300.html", "text"), ("ff-tail.html", "text"),
    ("zipver84.docx", "unreadable"), ("docroot.docx", "unreadable"),
])
def test_shared_hostile_samples(name, expect):
    path = HOSTILE / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    reader = html if name.endswith(".html") else docx_reader
    if expect == "unreadable":
        with pytest.raises(UnreadableInput) as caught:
            reader.read(path.read_bytes())
        assert_bilingual(caught.value)
        return
    document = reader.read(path.read_bytes())
    assert "2023年政府信息公开工作年度报告" in " ".join(paragraphs(document))
    if expect == "warning":
        assert not tables(document) and any("表格过大" in w for w in document.warnings)


def test_a_zip_version_zipfile_cannot_read_is_refused_clearly_when_the_format_is_sniffed(tmp_path):
    """The format is found by content: a Word file whose ZIP directory declares a version
    zipfile does not support gets the Word reader's clear refusal, not an internal error."""
    import subprocess
    import sys
    import zipfile as _zipfile

    path = tmp_path / "report.docx"
    with _zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    data = bytearray(path.read_bytes())
    # "version needed to extract" of the central directory entry → 8.4 (84)
    at = data.rfind(b"PK\x01\x02")
    data[at + 6:at + 8] = (84).to_bytes(2, "little")
    at = data.find(b"PK\x03\x04")
    data[at + 4:at + 6] = (84).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    result = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert "ZIP" in result.stderr


# --- damaged bytes ----------------------------------------------------------------------


def _damage(data: bytes, *offsets: int) -> bytes:
    out = bytearray(data)
    for offset in offsets:
        out[offset] ^= 0x40  # a flipped bit inside a multi-byte character
    return bytes(out)


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_a_few_damaged_bytes_do_not_make_a_utf8_report_unreadable(fmt):
    body = "2023年政府信息公开工作年度报告\n" + "主动公开政府信息情况\n" * 40 + "申请数量 12\n"
    data = (f"<html><body><p>{body}</p></body></html>" if fmt == "html" else body).encode()
    middle = data.index("主动".encode()) + 1  # a continuation byte
    document = readers.read(_damage(data, middle, middle + 60), "x", forced_format=fmt)
    text = all_text(document)
    assert "申请数量 12" in text and "\ufffd" in text
    assert any("无法解码" in w and "damaged" in w for w in document.warnings)


def test_utf8_damaged_throughout_is_not_taken_for_damaged_utf8():
    from nianbao.readers.text import damaged_utf8

    data = ("正文" * 1000).encode()
    assert damaged_utf8(_damage(data, 1, 61)) is not None
    assert damaged_utf8(_damage(data, *range(1, len(data), 9))) is None
    assert damaged_utf8(("正文" * 200).encode("gb18030")) is None


def test_gb18030_is_never_read_as_damaged_utf8():
    text = "2023年政府信息公开工作年度报告\n申请数量 12\n" * 20
    document = readers.read(text.encode("gb18030"), "x.txt", forced_format="text")
    assert "申请数量 12" in all_text(document) and not document.warnings


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_word_file_cut_short_is_refused_as_a_damaged_word_file(keep):
    # Cut before its ZIP directory: still named a Word document, not "unsupported format: zip".
    data = docx_bytes(paragraphs_=200)
    cut = data[: int(len(data) * keep)]
    assert readers.detect_format(cut, "x.docx") == "docx"
    with pytest.raises(UnreadableInput) as caught:
        readers.read(cut, "x.docx")
    assert_bilingual(caught.value)
    assert "Word" in caught.value.message_zh and "zip" not in caught.value.message_zh


# --- whitespace runs --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("space", [" ", "\u3000", "\t", "\xa0"])
def test_space_runs_are_cut_before_the_parser(fmt, space):
    from nianbao.readers.text import MAX_SPACE_RUN

    flood = space * 5000
    body = f"2023年政府信息公开工作年度报告\n申请{flood}数量\n规章\t1{flood}x\n"
    data = (f"<html><body><p>{body}</p><table><tr><td>1{flood}件</td></tr></table></body></html>"
            if fmt == "html" else body).encode()
    text = all_text(readers.read(data, "x", forced_format=fmt))
    assert "申请" in text and "数量" in text
    assert max((len(run) for run in re.findall(r"[^\S\n]+", text)), default=0) <= MAX_SPACE_RUN


def test_line_breaks_and_short_runs_are_kept():
    from nianbao.readers.text import bound_space_runs

    layout = "\t规章\n\t\n\t\n\n\t0" + "\n" * 300 + "a" + " " * 64 + "b"
    assert bound_space_runs(layout) == layout
    assert bound_space_runs("a" + "\u3000" * 65 + "b") == "a" + "\u3000" * 64 + "b"


def test_a_zip_cut_short_is_refused_as_damaged_not_as_unsupported():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        for i in range(20):
            target.writestr(f"xl/worksheets/sheet{i}.xml", "<worksheet/>" * 200)
        target.writestr("xl/workbook.xml", "<workbook/>")  # written last, as spreadsheet tools do
    cut = archive.getvalue()[: len(archive.getvalue()) // 2]
    with pytest.raises(UnreadableInput) as caught:
        readers.read(cut, "report.xlsx")
    assert "损坏" in caught.value.message_zh and "damaged" in caught.value.message_en
    whole_but_foreign = io.BytesIO()
    with zipfile.ZipFile(whole_but_foreign, "w") as target:
        target.writestr("notes.txt", "x")
    with pytest.raises(UnreadableInput, match="不支持的文件格式"):
        readers.read(whole_but_foreign.getvalue(), "a.zip")


def test_a_cell_path_with_an_unknown_column_is_named_not_a_crash():
    from nianbao import editions
    from nianbao.inputs import field_name

    name = field_name(editions.get(editions.EDITION_2021), "t3.new_received.no_such_column")
    assert "“no_such_column”列" in name and name.startswith("表三")


@pytest.mark.parametrize("edition", [{"a": 1}, ["2021"], 2021, None])
def test_an_edition_that_is_not_a_name_is_refused_clearly(edition):
    from nianbao.inputs import validate

    with pytest.raises(NianbaoError) as caught:
        validate({"edition": edition, "year": 2023})
    assert "edition" in caught.value.message_zh
