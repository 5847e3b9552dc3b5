"""Plain text: one paragraph a line, tables as pipe rows (the layout Word's
"save as text" and many published reports use: each physical cell once, in order)."""

from __future__ import annotations

from .content import Document, Grid, Heading, Paragraph, TableBlock


def table_lines(grid: Grid) -> list[str]:
    lines = []
    for cells in grid.rows():
        texts = [cell.text for cell in cells]
        # Pad to the width so that a row of blanks still reads as a table row.
        texts += [""] * (grid.n_cols - sum(cell.colspan for cell in cells))
        lines.append(" | ".join(texts) + " |")
    return lines


def render(document: Document) -> str:
    lines = [document.title, ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines.append(block.text)
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, TableBlock):
            lines.extend(table_lines(block.grid))
    lines.append("")
    lines.extend(document.signature)
    return "\n".join(lines) + "\n"
