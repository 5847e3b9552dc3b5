"""Word readers: .docx structure (merges, nested tables, text boxes) and .doc/.wps via LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from nianbao.document import RawParagraph, RawTable
from nianbao.errors import MissingDependency, UnreadableInput
from nianbao.readers import docx as docx_reader
from nianbao.readers import word_legacy

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_BOX_RUN = f"""<w:r xmlns:w="{W_NS}"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml">
 <mc:AlternateContent>
  <mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>
   <w:p><w:r><w:t>文本框：某区政务公开办</w:t></w:r></w:p>
  </w:txbxContent></wps:txbx></w:drawing></mc:Choice>
  <mc:Fallback><w:pict><v:textbox><w:txbxContent>
   <w:p><w:r><w:t>文本框：某区政务公开办</w:t></w:r></w:p>
  </w:txbxContent></v:textbox></w:pict></mc:Fallback>
 </mc:AlternateContent>
</w:r>"""
HIDDEN_RUN = f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>'


def build_report_docx() -> bytes:
    """A small report: title, a table 三 fragment with merges, a nested table, a text box."""
    document = docx.Document()
    title = document.add_paragraph("2023年某区人民政府政府信息公开工作年度报告")
    title.runs[0]._r.addnext(parse_xml(TEXT_BOX_RUN))
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=5, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "一、本年新收政府信息公开申请数量"
    table.cell(1, 2).text = "8"
    table.cell(1, 2).paragraphs[0].add_run("21")  # digits split across runs
    table.cell(1, 3).text = ""  # a blank cell must survive
    outcome = table.cell(2, 0).merge(table.cell(4, 0))
    outcome.text = "三、本年度办理结果"
    table.cell(2, 1).text = "（一）予以公开"
    table.cell(2, 2).text = "无"
    table.cell(3, 1).text = "（二）部分公开"
    table.cell(3, 2).text = "3"
    table.cell(4, 1).text = "（七）总计"
    nested = table.cell(4, 3).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "内表"
    nested.cell(0, 1).text = "42"
    table.cell(4, 3).paragraphs[0].text = "外格文字"
    closing = document.add_paragraph("六、其他需要报告的事项")
    closing._p.append(parse_xml(HIDDEN_RUN))
    document.add_paragraph("无。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def report_docx() -> bytes:
    return build_report_docx()


@pytest.fixture(scope="module")
def report(report_docx):
    return docx_reader.read(report_docx, source="report.docx")


def tables(document) -> list[RawTable]:
    return [b for b in document.blocks if isinstance(b, RawTable)]


def paragraphs(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, RawParagraph)]


def layout(table: RawTable) -> list[list[tuple]]:
    return [[(c.text, c.row, c.col, c.rowspan, c.colspan) for c in row] for row in table.rows]


def assert_report_structure(document) -> None:
    outer, inner = tables(document)
    rows = layout(outer)
    assert rows[0] == [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 0, 0, 1, 2),
                       ("申请人情况", 0, 2, 1, 2)]
    assert rows[1] == [("一、本年新收政府信息公开申请数量", 1, 0, 1, 2), ("821", 1, 2, 1, 1), ("", 1, 3, 1, 1)]
    assert rows[2] == [("三、本年度办理结果", 2, 0, 3, 1), ("（一）予以公开", 2, 1, 1, 1),
                       ("无", 2, 2, 1, 1), ("", 2, 3, 1, 1)]
    # The vertically merged cell is not repeated in the rows it covers.
    assert rows[3] == [("（二）部分公开", 3, 1, 1, 1), ("3", 3, 2, 1, 1), ("", 3, 3, 1, 1)]
    assert rows[4] == [("（七）总计", 4, 1, 1, 1), ("", 4, 2, 1, 1), ("外格文字", 4, 3, 1, 1)]
    assert layout(inner) == [[("内表", 0, 0, 1, 1), ("42", 0, 1, 1, 1)]]


def test_docx_merged_cells_and_blanks(report):
    assert report.format == "docx"
    assert_report_structure(report)


def test_docx_block_order_and_nested_table_after_outer(report):
    kinds = [b.text if isinstance(b, RawParagraph) else "TABLE" for b in report.blocks]
    assert kinds == ["2023年某区人民政府政府信息公开工作年度报告", "文本框：某区政务公开办",
                     "三、收到和处理政府信息公开申请情况", "TABLE", "TABLE", "六、其他需要报告的事项", "无。"]


def test_docx_text_box_read_once_and_hidden_text_skipped(report):
    text = "\n".join(paragraphs(report))
    assert text.count("文本框：某区政务公开办") == 1
    assert "隐藏文字" not in text


def test_docx_line_break_and_spaces():
    document = docx.Document()
    paragraph = document.add_paragraph("第一行")
    paragraph.add_run().add_break()
    paragraph.add_run("第二行   带\t空格")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "本年新"
    table.cell(0, 0).add_paragraph("制作数量")
    table.cell(0, 1).text = "\u3000"
    buffer = io.BytesIO()
    document.save(buffer)
    result = docx_reader.read(buffer.getvalue())
    assert paragraphs(result) == ["第一行", "第二行 带 空格"]
    assert [c.text for c in tables(result)[0].rows[0]] == ["本年新\n制作数量", ""]


def test_docx_grid_before_shifts_columns():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for col, text in enumerate(("a", "b", "c")):
        table.cell(0, col).text = text
    second_row = table.rows[1]._tr
    second_row.remove(second_row.tc_lst[0])
    second_row.insert(0, parse_xml(f'<w:trPr xmlns:w="{W_NS}"><w:gridBefore w:val="1"/></w:trPr>'))
    docx.table._Cell(second_row.tc_lst[0], table).text = "x"
    buffer = io.BytesIO()
    document.save(buffer)
    rows = layout(tables(docx_reader.read(buffer.getvalue()))[0])
    assert [(text, col) for text, _, col, _, _ in rows[1]] == [("x", 1), ("", 2)]


def test_docx_core_properties_kept_apart_from_printed_title(report):
    assert "title" not in report.meta
    assert report.meta.get("core_author") == "python-docx"


def test_image_only_docx_is_not_machine_readable():
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    result = docx_reader.read(buffer.getvalue())
    assert result.blocks == [] and result.machine_readable is False and result.warnings


@pytest.mark.parametrize("data, needle", [
    (b"", "empty"),
    (b"this is not a word file at all", "not a Word"),
    (OLE_MAGIC + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
    (OLE_MAGIC + b"\x00" * 600, "legacy"),
])
def test_docx_bad_input_is_unreadable(data, needle):
    with pytest.raises(UnreadableInput) as error:
        docx_reader.read(data)
    assert needle in error.value.message_en and error.value.message_zh


def test_corrupt_docx_is_unreadable(report_docx):
    with pytest.raises(UnreadableInput) as error:
        docx_reader.read(report_docx[: len(report_docx) // 2])
    assert "损坏" in error.value.message_zh


def test_docx_without_document_part_is_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a word package")
    with pytest.raises(UnreadableInput):
        docx_reader.read(buffer.getvalue())


# --- .doc / .wps through LibreOffice ------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                                   "apt-get install -y --no-install-recommends libreoffice-writer")


@pytest.fixture(scope="module")
def report_doc(report_docx, tmp_path_factory) -> bytes:
    work = tmp_path_factory.mktemp("doc")
    source = work / "report.docx"
    source.write_bytes(report_docx)
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(work), str(source)],
                   check=True, capture_output=True, timeout=180)
    data = (work / "report.doc").read_bytes()
    assert data.startswith(OLE_MAGIC)
    return data


@needs_soffice
def test_doc_converted_by_libreoffice_keeps_structure(report_doc):
    result = word_legacy.read(report_doc, source="某区年报.doc")
    assert result.format == "doc"
    assert_report_structure(result)
    assert paragraphs(result)[-2:] == ["六、其他需要报告的事项", "无。"]


@needs_soffice
def test_wps_name_sets_format(report_doc):
    assert word_legacy.read(report_doc, source="年报.WPS").format == "wps"


@needs_soffice
def test_conversion_timeout_is_reported(report_doc):
    with pytest.raises(UnreadableInput) as error:
        word_legacy.read(report_doc, source="x.doc", timeout=0.01)
    assert "timed out" in error.value.message_en


@needs_soffice
def test_damaged_doc_is_unreadable():
    # LibreOffice imports a broken OLE file as text; the reader must not return that mojibake.
    damaged = OLE_MAGIC + bytes((i * 7919 + 13) % 256 for i in range(6000))
    with pytest.raises(UnreadableInput):
        word_legacy.read(damaged, source="broken.doc")


def test_missing_libreoffice_is_explained(monkeypatch):
    monkeypatch.setattr(word_legacy.shutil, "which", lambda name: None)
    monkeypatch.setattr(word_legacy, "_KNOWN_LOCATIONS", ())
    with pytest.raises(MissingDependency) as error:
        word_legacy.read(OLE_MAGIC + b"\x00" * 600, source="report.doc")
    assert "LibreOffice" in error.value.message_zh
    assert "apt-get install -y libreoffice-writer" in error.value.message_en


def test_docx_named_doc_is_read_without_libreoffice(monkeypatch, report_docx):
    monkeypatch.setattr(word_legacy, "find_soffice", _fail_if_called)
    assert_report_structure(word_legacy.read(report_docx, source="report.doc"))


def test_html_named_doc_is_read_as_html(monkeypatch):
    monkeypatch.setattr(word_legacy, "find_soffice", _fail_if_called)
    page = "<html><body><p>2020年政府信息公开工作年度报告</p><table><tr><td>1</td><td></td></tr></table></body></html>"
    result = word_legacy.read(page.encode("gb18030"), source="report.doc")
    assert result.format == "html"
    assert [c.text for c in tables(result)[0].rows[0]] == ["1", ""]


@pytest.mark.parametrize("data", [b"", b"plain text pretending to be a .doc"])
def test_legacy_bad_input_is_unreadable(monkeypatch, data):
    monkeypatch.setattr(word_legacy, "find_soffice", _fail_if_called)
    with pytest.raises(UnreadableInput):
        word_legacy.read(data, source="x.doc")


def _fail_if_called():
    raise AssertionError("LibreOffice must not be needed here")


def test_no_temporary_files_left(report_docx, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(word_legacy.tempfile, "tempdir", None)
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    word_legacy.convert_to_docx(b"{\\rtf1\\ansi 2020\\par}", suffix=".rtf")
    assert list(Path(tmp_path).iterdir()) == []


# --- automatic numbering -----------------------------------------------------------------

CHINESE_LIST = f"""<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""
CHINESE_LIST_INSTANCE = f'<w:num xmlns:w="{W_NS}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def numbered(paragraph, level: int) -> None:
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))


def test_automatic_numbering_is_rendered():
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(CHINESE_LIST))
    numbering.append(parse_xml(CHINESE_LIST_INSTANCE))
    for text, level in (("总体情况", 0), ("主动公开", 1), ("依申请公开", 1), ("主动公开政府信息情况", 0),
                        ("规章", 1)):
        numbered(document.add_paragraph(text), level)
    table = document.add_table(rows=2, cols=1)
    for row, text in enumerate(("属于国家秘密", "其他法律行政法规禁止公开")):
        table.cell(row, 0).text = text
        numbered(table.cell(row, 0).paragraphs[0], 2)
    document.add_paragraph("第一项", style="List Number")
    document.add_paragraph("第二项", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    result = docx_reader.read(buffer.getvalue())
    assert paragraphs(result) == ["一、总体情况", "（一）主动公开", "（二）依申请公开", "二、主动公开政府信息情况",
                                  "（一）规章", "1.第一项", "2.第二项"]
    assert [row[0].text for row in tables(result)[0].rows] == ["1.属于国家秘密", "2.其他法律行政法规禁止公开"]


@pytest.mark.parametrize("n, number_format, expected", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCountingThousand", "二十"), (23, "chineseCounting", "二十三"), (3, "decimalEnclosedCircle", "③"),
    (4, "upperRoman", "IV"), (2, "lowerLetter", "b"), (12, "decimalFullWidth", "１２"), (7, "decimal", "7"),
])
def test_number_formats(n, number_format, expected):
    assert docx_reader._format_number(n, number_format) == expected
