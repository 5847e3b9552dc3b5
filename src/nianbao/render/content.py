"""The document model of a report, built from canonical data and the edition.

Every output format (DOCX, HTML, Markdown, text, the fill-in workbook) draws the
same `Document`: title, opening paragraph, the six sections with their official
headings, and the tables as grids of cells with merges.  Rows, columns, labels and
the tables' header words all come from `nianbao.editions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from .. import editions


NOTICE_TITLES = {
    editions.EDITION_2019: "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式（试行）〉的通知》",
    editions.EDITION_2021: "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》",
}

# Sections whose text the writer supplies; the others hold tables.
TEXT_SECTIONS = ("overview", "problems", "other")
PLACEHOLDERS = {
    "overview": "【请填写：本年度政府信息公开工作总体情况，包括主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的做法和成效。】",
    "problems": "【请填写：本年度政府信息公开工作存在的主要问题，以及上一年度问题的改进情况和下一步改进措施。】",
    "other": "【请填写：其他需要报告的事项，如依据《政府信息公开信息处理费管理办法》收取信息处理费的情况、人大代表建议和政协提案办理结果公开情况等；没有的写“无”。】",
}
# Wording nianbao suggests for a section left blank is marked as a suggestion, never passed off as the agency's.
SUGGESTION_MARK = "【示例文字，请修改】"


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # a header or label cell (bold/centred), not a value
    path: str | None = None  # "t3.granted.total" for value cells
    numeric: bool = False  # right-aligned value

    @property
    def value_path(self) -> str:
        """The canonical path of a value cell (what `Grid.value_cells` yields); header cells have none."""
        if self.path is None:
            raise ValueError(f"header cell {self.text!r} has no value path")
        return self.path


@dataclass
class Grid:
    key: str  # t2 / t3 / t4
    n_rows: int
    n_cols: int
    cells: list[GridCell] = field(default_factory=list)

    def add(self, text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1, **kw: Any) -> GridCell:
        cell = GridCell(text, row, col, rowspan, colspan, **kw)
        self.cells.append(cell)
        return cell

    def rows(self) -> list[list[GridCell]]:
        """Cells that start in each row, left to right (each physical cell once)."""
        out: list[list[GridCell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[cell.row].append(cell)
        return out

    def matrix(self) -> list[list[GridCell | None]]:
        """Full grid; positions covered by a merge (not its top-left) are None."""
        out: list[list[GridCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row][cell.col] = cell
        return out

    def value_cells(self) -> Iterator[GridCell]:
        return (cell for cell in self.cells if cell.path)


@dataclass
class Heading:
    text: str
    level: int  # 1 = section, 2 = sub-heading


@dataclass
class Paragraph:
    text: str
    align: str = "justify"  # justify | right | center
    placeholder: bool = False


@dataclass
class TableBlock:
    grid: Grid


@dataclass
class Document:
    title: str
    edition: str
    blocks: list[Heading | Paragraph | TableBlock]
    signature: list[str]  # right-aligned lines at the end: agency, date


# --------------------------------------------------------------------------- values


def format_value(value: Any, unit: str | None = None) -> str:
    """A cell value as printed: null → empty, ints plain, floats without exponent."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("bool is not a cell value")
    if isinstance(value, int):
        text = str(value)
    else:
        text = repr(float(value))
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
            if "." not in text:
                text += ".0"
    return text + (unit or "")


def row_label(row: editions.Row) -> str:
    return f"{row.number}{row.label}{row.tail}"


# --------------------------------------------------------------------------- tables


def single_other_handling(data: dict[str, Any]) -> bool:
    """A 2021 report that prints （六）其他处理 as one row (the 2019 layout)."""
    return data.get("edition") == editions.EDITION_2021 and "other_handling" in (data.get("t3") or {})


def t3_rows(edition: editions.Edition, single: bool) -> tuple[editions.Row, ...]:
    table = edition.table("t3")
    if not single:
        return table.rows
    outcomes = editions.t3_outcome_rows(table, single_other_handling=True)
    first = next(i for i, row in enumerate(table.rows) if row.group is not None)
    last = max(i for i, row in enumerate(table.rows) if row.group is not None)
    return table.rows[:first] + outcomes + table.rows[last + 1:]


def _value(data: dict[str, Any], table: str, row: str, column: editions.Column) -> str:
    cells = (data.get(table) or {}).get(row) or {}
    unit = cells.get(column.unit_key) if column.unit_key else None
    return format_value(cells.get(column.key), unit)


def t2_grid(edition: editions.Edition, data: dict[str, Any]) -> Grid:
    table = edition.table("t2")
    width = max(len(block.columns) for block in table.blocks)
    n_rows = sum(2 + len(block.rows) for block in table.blocks)
    grid = Grid("t2", n_rows, width + 1)
    r = 0
    for block in table.blocks:
        grid.add(block.caption, r, 0, colspan=width + 1, header=True)
        grid.add(table.header("item"), r + 1, 0, header=True)
        # A block with fewer columns than the widest lets its last column span the rest.
        spans = [1] * len(block.columns)
        spans[-1] += width - len(block.columns)
        col = 1
        for column, span in zip(block.columns, spans):
            grid.add(column.label, r + 1, col, colspan=span, header=True)
            col += span
        for i, row in enumerate(block.rows, start=r + 2):
            grid.add(row.label, i, 0, header=True)
            col = 1
            for column, span in zip(block.columns, spans):
                grid.add(_value(data, "t2", row.key, column), i, col, colspan=span,
                         path=f"t2.{row.key}.{column.key}", numeric=True)
                col += span
        r += 2 + len(block.rows)
    return grid


def t3_grid(edition: editions.Edition, data: dict[str, Any]) -> Grid:
    table = edition.table("t3")
    rows = t3_rows(edition, single_other_handling(data))
    columns = table.columns
    applicants = [c for c in columns if c.key in editions.T3_APPLICANT_COLUMNS]
    # 自然人 stands alone; the other applicant columns sit under their group header.
    person = next(c for c in applicants if c.group is None)
    organisations = [c for c in applicants if c.group is not None]
    others = [c for c in columns if c.key not in editions.T3_APPLICANT_COLUMNS]
    label_cols, head_rows = 3, 3
    grid = Grid("t3", head_rows + len(rows), label_cols + len(columns))
    grid.add(table.header("identity_note"), 0, 0, rowspan=head_rows, colspan=label_cols, header=True)
    grid.add(table.header("applicants"), 0, label_cols, colspan=len(columns), header=True)
    grid.add(person.label, 1, label_cols, rowspan=2, header=True)
    grid.add(organisations[0].group or "", 1, label_cols + 1, colspan=len(organisations), header=True)
    for i, column in enumerate(organisations):
        grid.add(column.label, 2, label_cols + 1 + i, header=True)
    for i, column in enumerate(others):
        grid.add(column.label, 1, label_cols + len(applicants) + i, rowspan=2, header=True)
    ordered = [person, *organisations, *others]

    # 三、本年度办理结果 spans the outcome rows: the ones in an outcome group, and
    # the （七）总计 row that closes them (numbered like an outcome, in brackets).
    in_outcomes = [row.group is not None or row.number.startswith("（") for row in rows]
    first = in_outcomes.index(True)
    last = len(in_outcomes) - 1 - in_outcomes[::-1].index(True)
    grid.add(table.header("outcomes"), head_rows + first, 0, rowspan=last - first + 1, header=True)
    i = 0
    while i < len(rows):
        row, r = rows[i], head_rows + i
        if not in_outcomes[i]:
            grid.add(row_label(row), r, 0, colspan=label_cols, header=True)
        elif row.group is None or row.group == f"{row.number}{row.label}":
            grid.add(row_label(row), r, 1, colspan=2, header=True)
        else:
            size = 1
            while i + size < len(rows) and rows[i + size].group == row.group:
                size += 1
            grid.add(row.group, r, 1, rowspan=size, header=True)
            for j in range(size):
                grid.add(row_label(rows[i + j]), r + j, 2, header=True)
                _t3_values(grid, data, rows[i + j], r + j, label_cols, ordered)
            i += size
            continue
        _t3_values(grid, data, row, r, label_cols, ordered)
        i += 1
    return grid


def _t3_values(grid: Grid, data, row: editions.Row, r: int, offset: int, columns) -> None:
    for j, column in enumerate(columns):
        grid.add(_value(data, "t3", row.key, column), r, offset + j, path=f"t3.{row.key}.{column.key}", numeric=True)


def t4_grid(edition: editions.Edition, data: dict[str, Any]) -> Grid:
    table = edition.table("t4")
    n = len(table.columns)
    direct = [row for row in table.rows if row.group is None]
    litigation = [row for row in table.rows if row.group is not None]
    grid = Grid("t4", 4, n * len(table.rows))
    col = 0
    for row in direct:
        grid.add(row.label, 0, col, colspan=n, header=True)
        for j, column in enumerate(table.columns):
            grid.add(column.label, 1, col + j, rowspan=2, header=True)
        col += n
    if litigation:
        grid.add(litigation[0].group or "", 0, col, colspan=n * len(litigation), header=True)
        for row in litigation:
            grid.add(row.label, 1, col, colspan=n, header=True)
            for j, column in enumerate(table.columns):
                grid.add(column.label, 2, col + j, header=True)
            col += n
    col = 0
    for row in direct + litigation:
        for column in table.columns:
            grid.add(_value(data, "t4", row.key, column), 3, col, path=f"t4.{row.key}.{column.key}", numeric=True)
            col += 1
    return grid


GRIDS = {"t2": t2_grid, "t3": t3_grid, "t4": t4_grid}


# --------------------------------------------------------------------------- text


def cell_value(data: dict[str, Any], path: str) -> Any:
    table, row, column = path.split(".")
    return ((data.get(table) or {}).get(row) or {}).get(column)


def summary(data: dict[str, Any]) -> str | None:
    """Suggested sentences stating the main counts of tables 三 and 四, generated from them.

    Offered only for an overview left blank (a form being filled), marked with
    SUGGESTION_MARK: a report's own text is never supplemented with words it did not print.
    A blank (null) cell is left out of the sentence rather than written as zero.
    """
    year = data.get("year")
    parts = []
    for path, words in (
        ("t3.new_received.total", "全年共收到政府信息公开申请{}件"),
        ("t3.carried_over.total", "上年结转{}件"),
        ("t3.total_handled.total", "办理完毕{}件"),
        ("t3.carried_forward.total", "结转下年度继续办理{}件"),
    ):
        value = cell_value(data, path)
        if isinstance(value, int):
            parts.append(words.format(value))
    t4 = editions.get(data["edition"]).table("t4")
    review = [r for r in t4.rows if r.group is None]
    litigation = [r for r in t4.rows if r.group is not None]
    for rows, words in ((review, "因政府信息公开被申请行政复议{}件"), (litigation, "被提起行政诉讼{}件")):
        values = [cell_value(data, f"t4.{row.key}.total") for row in rows]
        if values and all(isinstance(v, int) for v in values):
            parts.append(words.format(sum(values)))
    if not parts:
        return None
    prefix = f"{year}年，本机关" if year else "本年度，本机关"
    return prefix + "，".join(parts) + "。"


TITLE_SUBJECT = "政府信息公开工作年度报告"


def title(data: dict[str, Any]) -> str:
    agency = data.get("agency") or "【机关名称】"
    return f"{agency}{data.get('year')}年{TITLE_SUBJECT}"


def _print_width(text: str) -> float:
    """Width in full-width characters: digits and Latin letters print half as wide."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def title_lines(title_text: str, width: float) -> list[str]:
    """The title broken only where its sense allows (GB/T 9704: 回行时词意完整):
    whole if it fits, else before 政府信息公开工作年度报告 or after the agency name.
    A part still wider than `width` is left to the word processor."""
    if _print_width(title_text) <= width or not title_text.endswith(TITLE_SUBJECT):
        return [title_text]
    head = title_text[: -len(TITLE_SUBJECT)]
    if _print_width(head) <= width:
        return [head, TITLE_SUBJECT]
    year_at = len(head.rstrip("年").rstrip("0123456789"))
    return [head[:year_at], head[year_at:] + TITLE_SUBJECT]


def opening(data: dict[str, Any]) -> str:
    year = data.get("year")
    edition = editions.get(data["edition"])
    return (
        f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{NOTICE_TITLES[edition.key]}"
        f"（{edition.notice}）要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        f"本报告电子版可在{data.get('agency') or '本机关'}门户网站查阅。"
    )


def section_texts(data: dict[str, Any]) -> dict[str, str]:
    """Text of sections 一/五/六 from the input: {"overview": …} or the parser's list form."""
    raw = data.get("sections") or {}
    if isinstance(raw, list):
        return {s["key"]: s.get("text", "") for s in raw if isinstance(s, dict) and s.get("key")}
    return {key: value for key, value in raw.items() if isinstance(value, str)}


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _section_text(key: str, text: str, data: dict[str, Any]) -> list[Paragraph]:
    """The section's own paragraphs exactly as written; if there are none, what to write
    (and for 一、总体情况 a suggested summary of the tables, marked as a suggestion)."""
    written = _paragraphs(text)
    if written:
        return [Paragraph(p) for p in written]
    out = [Paragraph(PLACEHOLDERS[key], placeholder=True)]
    suggested = summary(data) if key == "overview" else None
    if suggested:
        out.append(Paragraph(SUGGESTION_MARK + suggested, placeholder=True))
    return out


def build(data: dict[str, Any]) -> Document:
    """The report document from validated canonical data (see nianbao.inputs)."""
    edition = editions.get(data["edition"])
    texts = section_texts(data)
    blocks: list[Heading | Paragraph | TableBlock] = [Paragraph(opening(data))]
    table_of = {table.number: table for table in edition.tables}
    for section in edition.sections:
        blocks.append(Heading(f"{section.number}、{section.title}", 1))
        if section.key in TEXT_SECTIONS:
            blocks.extend(_section_text(section.key, texts.get(section.key, ""), data))
        table = table_of.get(section.number)
        if table is not None:
            blocks.append(TableBlock(GRIDS[table.key](edition, data)))
    signature = [data.get("agency") or "【机关名称】"]
    if data.get("published"):
        year, month, day = (int(x) for x in str(data["published"]).split("-"))
        signature.append(f"{year}年{month}月{day}日")
    return Document(title(data), edition.key, blocks, signature)
