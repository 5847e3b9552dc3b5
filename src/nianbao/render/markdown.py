"""Markdown (GFM): headings, paragraphs and pipe tables.

Markdown cannot merge cells, so a merged cell is written once and the positions it
covers are left empty — the grid keeps the official column order, and numbers are
right-aligned with `---:`.  A row label that spans several label columns is written
in the last of them, next to its numbers: an empty cell between a label and its
numbers would read as a blank (null) value.  The title is a Setext heading (`===`),
which readers that do not know Markdown see as the plain title line.
"""

from __future__ import annotations

from .content import Document, Grid, Heading, Paragraph, TableBlock


def _escape(text: str) -> str:
    # A pipe or a line break inside a cell would break the row.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _escape_paragraph(text: str) -> str:
    # Characters that would start Markdown structure at the beginning of a line.
    if text[:1] in "#>-+*|" or text[:1].isdigit() and "." in text[:4]:
        text = "\\" + text
    return text


def table_lines(grid: Grid) -> list[str]:
    matrix = grid.matrix()
    value_rows = {c.row for c in grid.cells if c.path}
    for cell in grid.cells:
        if cell.header and cell.colspan > 1 and cell.row in value_rows:
            matrix[cell.row][cell.col] = None
            matrix[cell.row][cell.col + cell.colspan - 1] = cell
    numeric_cols = {c.col for c in grid.cells if c.numeric}
    lines = []
    for r, row in enumerate(matrix):
        lines.append("| " + " | ".join(_escape(cell.text) if cell else "" for cell in row) + " |")
        if r == 0:
            lines.append("|" + "|".join("---:" if c in numeric_cols else "---" for c in range(grid.n_cols)) + "|")
    return lines


def render(document: Document) -> str:
    out = [document.title, "=" * 8, ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif isinstance(block, Paragraph):
            out += [_escape_paragraph(block.text), ""]
        elif isinstance(block, TableBlock):
            out += table_lines(block.grid) + [""]
    out += [line + "  " for line in document.signature]
    return "\n".join(out).rstrip() + "\n"
