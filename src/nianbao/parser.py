"""The parsing pipeline: read → normalise → locate → extract → Report."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import replace
from pathlib import Path

from . import editions, readers
from .document import Document, RawDocument, grid_place
from .errors import UnreadableInput
from .locate import find_headings, find_regions
from .meta import SOURCE_NAMES, Meta, find_meta
from .model import TABLE_MISSING, TABLE_OK, TABLE_UNREADABLE, Cell, Report, SectionFound
from .normalise import build_document
from .readers.ocr import flag_doubtful_cells
from .extract import WHY_DAMAGED
from .labels import cell_name
from .tables import Built, build_t2, build_t3, build_t4, doubt_mostly_unread, layout_of, stated_numbers, unread_row


def parse(path: str | Path, *, format: str | None = None) -> Report:
    """Parse one report file.  Raises UnreadableInput when it cannot be read at all."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc}") from exc
    return parse_bytes(data, name=str(path), format=format)


def parse_bytes(data: bytes, name: str = "", format: str | None = None) -> Report:
    if not data.strip():
        raise UnreadableInput("文件为空", "the file is empty")
    raw = readers.read(data, name, format)
    document = build_document(raw)
    report = parse_document(document)
    report.printed = document.printed
    _flag_placement_doubts(report, raw)
    flag_doubtful_cells(report, raw)  # values the OCR was unsure of (nothing for text-layer documents)
    report.source = Path(name).name if name else None
    report.sha256 = hashlib.sha256(data).hexdigest()
    return report


def warm_up() -> None:
    """Build what the parser otherwise builds for its first report: the patterns of both editions'
    labels and headings (~0.3 s).  A budgeted worker calls it before its first file, so that the
    file's time limit counts reading that file alone."""
    for edition in editions.EDITIONS.values():
        lines = []
        for section in edition.sections:
            lines.append(f"{section.number}、{section.title}")
            if section.key in ("proactive", "requests"):
                table = edition.table("t2" if section.key == "proactive" else "t3")
                lines += [f"{row.label}\t0" for row in table.rows]
        parse_document(build_document(readers.read("\n".join(lines).encode("utf-8"), "warm-up.txt")))


def _flag_placement_doubts(report: Report, raw: RawDocument) -> None:
    """Mark uncertain what was read from table cells the reader placed in doubt (`RawCell.doubt`):
    a row of a converter's layout text placed by its header alone, its values and its blanks."""
    doubts = raw.cell_doubts()
    if not doubts:
        return
    for _, cell in report.cells():
        place = grid_place(cell.location)
        why = doubts.get(place) if place else None
        if why and not cell.uncertain:
            cell.uncertain, cell.inferred = True, cell.inferred or why


def parse_document(document: Document) -> Report:
    report = Report(format=document.format)
    for message in document.warnings:
        report.warn("READ.WARNING", message)
    if not document.machine_readable:
        return _unreadable(report)

    _set_meta(report, find_meta(document))
    headings = find_headings(document.text)
    if not headings and not _REPORT_WORDS.search(document.text):
        raise NotAReport("不是政府信息公开工作年度报告（未找到任何章节或统计表）", "not an annual disclosure report: no section or table found")
    report.sections = _sections(document, headings)
    if headings:
        report.opening = document.text[:headings[0].start].strip()
        report.opening_printed = document.printed_slice(0, headings[0].start).strip()
    regions = find_regions(document, headings)
    narrative = regions.narrative(document.text)

    layout = layout_of(document, [r for r in (regions.t2, regions.t3, regions.t4) if r])
    hints = functools.cache(lambda: stated_numbers(narrative))  # read only if a tie needs it
    t2 = build_t2(document, regions.t2, narrative, layout)
    t3 = build_t3(document, regions.t3, replace(layout, values_broken=t2.values_broken), hints)
    if t3.values_broken and not t2.values_broken:
        # Values broken over lines show in table 三 alone: table 二 is read again knowing it.
        t2 = build_t2(document, regions.t2, narrative, replace(layout, values_broken=True))
    built = {"t2": t2, "t3": t3, "t4": build_t4(document, regions.t4, layout, hints)}
    _decide_edition(report, built)
    for key, table in built.items():
        doubt_mostly_unread(key, table)
        report.warnings.extend(table.warnings)
        report.table_status[key] = table.status
        if table.status != TABLE_MISSING:
            report.tables[key] = _ordered(report, key, table)
            _warn_damaged(report, key)
        else:
            report.warn(
                "PARSE.TABLE_MISSING",
                f"未找到表{_TABLE_NAMES[key]}（可能缺失或以图片形式发布）",
                f"table {_TABLE_NAMES[key]} not found (missing, or published as an image)",
            )
    _locate_in_print(report, document)
    if not any(h.section.key == "problems" for h in headings) and report.edition:
        report.warn("PARSE.SECTION_MISSING", "未找到第五部分“存在的主要问题及改进情况”", "section 五 (problems and improvements) not found")
    return report


def _set_meta(report: Report, meta: Meta) -> None:
    report.year, report.agency, report.published, report.region = meta.year, meta.agency, meta.published, meta.region
    report.meta_source = dict(meta.sources)
    for refused in meta.refused:
        name, name_en = SOURCE_NAMES.get(refused.source, (refused.source, refused.source))
        report.warn(
            "META.DATE_IMPOSSIBLE",
            f"{name} {refused.date} 不可能是发布日期（{refused.reason}），未采用",
            f"{name_en} {refused.date} cannot be the publication date ({refused.reason_en}); not used",
        )


_TABLE_NAMES = {"t2": "二", "t3": "三", "t4": "四"}
_REPORT_WORDS = re.compile(r"信\s*息\s*公\s*开")


class NotAReport(UnreadableInput):
    """Readable text that is not an annual disclosure report."""


def _unreadable(report: Report) -> Report:
    for key in editions.TABLE_KEYS:
        report.table_status[key] = TABLE_UNREADABLE
    report.edition_reason = "文档没有可读取的文字层（扫描件或图片），表格无法机读 / not machine-readable"
    report.warn("READ.NOT_MACHINE_READABLE", "文档不可机读（扫描件或图片），表格未读取，未填零", "not machine-readable: tables were not read and are not zero")
    return report


def _decide_edition(report: Report, built: dict[str, Built]) -> None:
    """From the tables, never from the year (DOMAIN.md §2)."""
    t2, t3 = built["t2"], built["t3"]
    if t2.edition:
        report.edition = t2.edition
        report.edition_reason = f"表二表头：{t2.evidence}"
    elif t3.edition:
        report.edition = t3.edition
        report.edition_reason = f"表三：{t3.evidence}"
    else:
        report.edition_reason = (
            "未找到任一版本格式（2019 或 2021）的统计表：表格缺失、以图片形式发布，或为 2019 年以前的旧格式"
            " / no table of either edition found: missing, published as images, or a pre-2019 format"
        )
        return
    if t3.edition and t3.edition != report.edition:
        if report.edition == editions.EDITION_2021:
            report.single_other_handling = True
            report.edition_reason += "；表三（六）其他处理按 2019 版印为一行"
        else:
            report.warn("PARSE.MIXED_EDITION", "表二为 2019 版而表三为 2021 版", "table 二 follows 2019, table 三 follows 2021")


def _ordered(report: Report, key: str, table: Built) -> dict:
    """Rows in the order and with the columns of the report's edition."""
    if key != "t3" or report.edition is None or (table.edition != report.edition and not report.single_other_handling):
        return table.rows
    definition = editions.get(report.edition).table("t3")
    one_row = table.rows.get("other_handling")
    # （六） printed as one row leaves its three sub-rows unprinted (blank); when that row
    # was not read either, whether it had sub-rows is not known: unknown, not blank.
    printed_as_one = one_row is not None and any(cell.value is not None or not cell.uncertain for cell in one_row.values())
    filler = (lambda: {c.key: _blank() for c in definition.columns}) if printed_as_one else (lambda: unread_row(definition.columns))
    rows = {}
    for row in definition.rows:
        if row.key in table.rows:
            rows[row.key] = table.rows[row.key]
        elif report.single_other_handling and row.group == editions.T3_OTHER_HANDLING_2019.group:
            rows[row.key] = filler()
        if report.single_other_handling and row.key == "other_other":
            rows["other_handling"] = one_row or filler()
    return rows


def _warn_damaged(report: Report, key: str) -> None:
    """One warning naming every cell whose printed text is not a number ("x" in a row of values)."""
    damaged = {f"{key}.{row}.{column}": cell.raw for row, cells in report.tables[key].items()
               for column, cell in cells.items() if cell.inferred == WHY_DAMAGED}
    if damaged:
        report.warn(
            "PARSE.DAMAGED_VALUE",
            "以下单元格印出的内容不是数值，未读取（记为空，请核对原文）："
            + "、".join(f"{cell_name(path)}“{raw}”" for path, raw in damaged.items()),
            f"cells holding no readable number, left blank: {', '.join(damaged)}",
            list(damaged),
        )


def _blank() -> Cell:
    return Cell(None, None)


def _sections(document: Document, headings) -> list[SectionFound]:
    out = []
    text = document.text
    for i, heading in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        out.append(SectionFound(
            heading.section.number, heading.section.key, document.printed_slice(heading.start, heading.end).strip(),
            document.printed_offset(heading.start), document.printed_offset(end),
            text[heading.end:end].strip(), document.printed_slice(heading.end, end).strip(),
        ))
    return out


def _locate_in_print(report: Report, document: Document) -> None:
    """Cell offsets point into the printed text, the text users are shown."""
    if not document.reprints:
        return
    for _, cell in report.cells():
        location = cell.location
        if location and "start" in location:
            location["start"], location["end"] = document.printed_offset(location["start"]), document.printed_offset(location["end"])


__all__ = ["parse", "parse_bytes", "parse_document", "TABLE_OK"]
