"""DOCX in the official layout: A4, 仿宋 body text, 宋体 title and tables, merged
header cells, numbers right-aligned.

Chinese fonts must be set on w:eastAsia: python-docx's `font.name` only sets the
Latin font, and Word then falls back to its default East Asian font.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .content import Document, Grid, Heading, Paragraph, TableBlock, title_lines

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
PAGE_NUMBER_FONT = "宋体"
PLACEHOLDER_COLOUR = RGBColor(0xB0, 0x00, 0x00)  # the HTML placeholder red: text still to be written
TITLE_SIZE = 22
# A4 text width 15.6 cm at 22 pt (0.776 cm a character): 20 full-width characters a title line.
TITLE_CHARS_PER_LINE = 20
_ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


def _font(run_or_style, name: str, size: float, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _paragraph(doc, text: str, font: str, size: float, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
               indent: bool = True, bold: bool = False):
    p = doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(size * 2) if indent else None
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    _font(p.add_run(text), font, size, bold)
    return p


def _title(doc, text: str) -> None:
    """The title centred, broken only at a natural point (a line break inside one paragraph)."""
    p = _paragraph(doc, "", TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER, indent=False, bold=True)
    for i, line in enumerate(title_lines(text, TITLE_CHARS_PER_LINE)):
        if i:
            p.runs[-1].add_break()
        _font(p.add_run(line), TITLE_FONT, TITLE_SIZE, bold=True)


def _page_number(paragraph) -> None:
    """“— 4 —”: the PAGE field between one-em dashes, 4号 (14 pt) 宋体 as GB/T 9704 prints it."""
    def run(text: str = ""):
        r = paragraph.add_run(text)
        _font(r, PAGE_NUMBER_FONT, 14)
        return r

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif instruction == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = instruction
            r._r.append(code)
        else:
            r.text = instruction or ""
    run(" —")


def _footers(doc, section) -> None:
    """GB/T 9704: odd page numbers on the right, even on the left, each one character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(14)
        else:
            p.paragraph_format.left_indent = Pt(14)
        _page_number(p)


def _widths(grid: Grid, value_rows: set[int], width_cm: float) -> list[float]:
    """Label columns sized by their longest single-column label, the rest shared by the numbers."""
    label_cols = sorted({c.col for c in grid.cells if c.header and c.row in value_rows})
    if not label_cols:
        return [width_cm / grid.n_cols] * grid.n_cols
    if len(label_cols) == 1:
        label = {label_cols[0]: 3.6}
    else:
        label = {}
        for col in label_cols:
            longest = max((len(c.text) for c in grid.cells if c.col == col and c.colspan == 1 and c.row in value_rows),
                          default=4)
            label[col] = min(4.4, max(1.4, 0.2 * longest))
    rest = (width_cm - sum(label.values())) / (grid.n_cols - len(label))
    return [label.get(col, rest) for col in range(grid.n_cols)]


def _table(doc, grid: Grid, width_cm: float) -> None:
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    value_rows = {c.row for c in grid.cells if c.path}
    widths = _widths(grid, value_rows, width_cm)
    # python-docx lays the whole table out again for each `table.cell()` and `column.cells` (a
    # report's three tables took 2.8 s): the cells are taken laid out once before the merges and
    # once after, row by row as `cell()` indexes them.
    def at(cells: list, row: int, col: int):
        return cells[row * grid.n_cols + col]

    plain = table._cells
    for col in range(grid.n_cols):
        # LibreOffice lays out by the table grid, Word by the cell widths: set both.
        table._tbl.tblGrid.gridCol_lst[col].w = Cm(widths[col])
        for row in range(grid.n_rows):
            at(plain, row, col).width = Cm(widths[col])
    for spec in grid.cells:
        if spec.rowspan > 1 or spec.colspan > 1:
            at(plain, spec.row, spec.col).merge(at(plain, spec.row + spec.rowspan - 1, spec.col + spec.colspan - 1))
    merged = table._cells
    size = 10 if grid.key == "t2" else 9
    for spec in grid.cells:
        cell = at(merged, spec.row, spec.col)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        if spec.numeric:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif spec.row in value_rows and spec.header:
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
        if spec.text:
            _font(p.add_run(spec.text), TABLE_FONT, size)


def render(document: Document) -> bytes:
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    width_cm = 21 - 2.8 - 2.6
    _font(doc.styles["Normal"], BODY_FONT, 16)
    doc.core_properties.title = document.title
    _footers(doc, section)
    _title(doc, document.title)
    _paragraph(doc, "", BODY_FONT, 16, indent=False)
    for block in document.blocks:
        if isinstance(block, Heading):
            _paragraph(doc, block.text, HEADING_FONT, 16, indent=True)
        elif isinstance(block, Paragraph):
            p = _paragraph(doc, block.text, BODY_FONT, 16, _ALIGN[block.align])
            if block.placeholder:
                for r in p.runs:
                    r.font.color.rgb = PLACEHOLDER_COLOUR
        elif isinstance(block, TableBlock):
            _table(doc, block.grid, width_cm)
    _paragraph(doc, "", BODY_FONT, 16, indent=False)
    for line in document.signature:
        _paragraph(doc, line, BODY_FONT, 16, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
