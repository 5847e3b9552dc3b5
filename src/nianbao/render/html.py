"""HTML5: one self-contained page, every text escaped, tables with rowspan/colspan."""

from __future__ import annotations

from html import escape

from .content import Document, Grid, Heading, Paragraph, TableBlock

_STYLE = """
body { font-family: "FangSong", "仿宋", "仿宋_GB2312", "STFangsong", serif; font-size: 16pt; line-height: 1.8;
       max-width: 60em; margin: 2em auto; padding: 0 1em; color: #000; }
h1 { font-family: "SimSun", "宋体", "STSong", serif; font-size: 22pt; text-align: center; font-weight: bold; }
h2 { font-family: "SimHei", "黑体", sans-serif; font-size: 16pt; font-weight: normal; margin: 1em 0 0.3em; }
p { text-indent: 2em; margin: 0.3em 0; text-align: justify; }
p.placeholder { color: #b00; }
p.signature { text-align: right; text-indent: 0; margin: 0; }
table { border-collapse: collapse; margin: 0.8em auto; font-family: "SimSun", "宋体", serif; font-size: 10.5pt;
        line-height: 1.4; }
th, td { border: 1px solid #000; padding: 0.2em 0.4em; }
th { font-weight: normal; text-align: center; vertical-align: middle; }
th.label { text-align: left; }
td.num { text-align: right; min-width: 2.5em; }
"""


def _table(grid: Grid) -> str:
    value_rows = {c.row for c in grid.cells if c.path}
    out = [f'<table class="{grid.key}">']
    for cells in grid.rows():
        out.append("<tr>")
        for cell in cells:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            text = escape(cell.text)
            if cell.header:
                kind = ' class="label"' if cell.row in value_rows else ""
                out.append(f"<th{kind}{span}>{text}</th>")
            else:
                out.append(f'<td class="num"{span}>{text}</td>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def render(document: Document) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(document.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{escape(document.title)}</h1>",
    ]
    for block in document.blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level + 1}>{escape(block.text)}</h{block.level + 1}>")
        elif isinstance(block, Paragraph):
            css = ' class="placeholder"' if block.placeholder else ""
            out.append(f"<p{css}>{escape(block.text)}</p>")
        elif isinstance(block, TableBlock):
            out.append(_table(block.grid))
    out.extend(f'<p class="signature">{escape(line)}</p>' for line in document.signature)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
