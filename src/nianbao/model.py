"""The parsed report: metadata, sections found, tables of cells with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from . import editions

# Table states.  A table that is missing or unreadable has no cells at all: its
# values are never filled with zeros.
TABLE_OK = "ok"
TABLE_PARTIAL = "partial"  # found, but some cells could not be read
TABLE_MISSING = "missing"
TABLE_UNREADABLE = "unreadable"  # present but not machine-readable (images, scans)


@dataclass(slots=True)
class Cell:
    value: int | float | None
    raw: str | None  # the printed text this value was read from; None when not printed
    location: dict[str, Any] | None = None  # offsets into the normalised text, page, grid position
    unit: str | None = None
    # Why the value is not simply the printed cell: e.g. "fused digits split by row sum".
    inferred: str | None = None
    uncertain: bool = False  # the value is a guess the source does not settle
    # Other values the source allows for an uncertain cell (the readings the arithmetic
    # could not rule out), so a message can show both: "读作 15（另一可能读法：0）".
    alternatives: tuple[int | float | None, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "raw": self.raw}
        if self.location:
            out["location"] = self.location
        if self.unit:
            out["unit"] = self.unit
        if self.inferred:
            out["inferred"] = self.inferred
        if self.uncertain:
            out["uncertain"] = True
        if self.alternatives:
            out["alternatives"] = list(self.alternatives)
        return out


@dataclass
class SectionFound:
    """A section of the report.  `printed` is its text as printed (Chinese punctuation
    kept): what is shown, stored and rendered.  `text` is the same normalised, for the
    checks' matching; it is recomputed from `printed` when a stored section is loaded."""

    number: str  # the official number (一 … 六)
    key: str
    heading: str  # as printed
    start: int  # offsets into the printed text
    end: int
    text: str
    printed: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "key": self.key, "heading": self.heading,
                "start": self.start, "end": self.end, "text": self.printed or self.text}

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> "SectionFound":
        from .normalise import normalise_text

        printed = item.get("text") or ""
        return cls(item.get("number", ""), item.get("key", ""), item.get("heading", ""),
                   item.get("start", 0), item.get("end", 0), normalise_text(printed), printed)


@dataclass
class Warning:
    code: str
    message: str  # Chinese
    message_en: str = ""
    cells: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "message_en": self.message_en}
        if self.cells:
            out["cells"] = self.cells
        return out


@dataclass
class Report:
    source: str | None = None
    sha256: str | None = None
    format: str | None = None
    edition: str | None = None
    edition_reason: str | None = None
    year: int | None = None
    agency: str | None = None
    published: str | None = None
    region: dict[str, str] = field(default_factory=dict)
    # Where each metadata value came from: "year" / "agency" / "published" -> "title", "crawl_header",
    # "page_meta", "signature", "written_date", "opening", "contact_line", … (see meta.py).
    meta_source: dict[str, str] = field(default_factory=dict)
    # table key -> row key -> column key -> Cell
    tables: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)
    table_status: dict[str, str] = field(default_factory=dict)
    # Set when a 2021-edition report prints （六）其他处理 as one row.
    single_other_handling: bool = False
    sections: list[SectionFound] = field(default_factory=list)
    # The text before the first section heading (where a report states its statistics
    # period and the year it covers); None when not known (canonical JSON, workbooks).
    # Normalised, for the checks' matching; `opening_printed` is it as printed (output).
    opening: str | None = None
    opening_printed: str | None = None
    warnings: list[Warning] = field(default_factory=list)
    # The printed text that cell locations (start/end offsets) point into, as the parse read it;
    # kept in memory for the read-text pane (not part of the canonical JSON).
    printed: str | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ access
    def cell(self, path: str) -> Cell | None:
        table, row, column = path.split(".")
        return self.tables.get(table, {}).get(row, {}).get(column)

    def value(self, path: str) -> int | float | None:
        cell = self.cell(path)
        return cell.value if cell else None

    def cells(self) -> Iterator[tuple[str, Cell]]:
        for table, rows in self.tables.items():
            for row, columns in rows.items():
                for column, cell in columns.items():
                    yield f"{table}.{row}.{column}", cell

    @property
    def uncertain(self) -> list[str]:
        """Cells whose value is a guess, and every cell of a table of the report's edition
        that was not found or could not be read: unknown, never silently absent."""
        paths = [path for path, cell in self.cells() if cell.uncertain]
        paths.extend(self._unknown_units())
        if self.edition is not None:
            for table in editions.get(self.edition).tables:
                if self._not_read(table.key):
                    paths.extend(table.cell_paths())
        return paths

    def _not_read(self, table: str) -> bool:
        """Whether a table of the report's edition was not found or could not be read."""
        return not self.tables.get(table) and self.table_status.get(table) in (TABLE_MISSING, TABLE_UNREADABLE)

    def _unknown_units(self) -> Iterator[str]:
        """The unit of an amount that is itself uncertain and printed no unit (or of a table
        not found): what the amount was counted in is not known either."""
        if self.edition is None:
            return
        definition = editions.get(self.edition).table("t2")
        unknown_table = self._not_read("t2")  # its amounts' units unknown with the amounts
        for row in definition.rows:
            for column in definition.columns_of(row):
                cell = self.tables.get("t2", {}).get(row.key, {}).get(column.key)
                if column.unit_key and (unknown_table or (cell is not None and cell.uncertain and cell.unit is None)):
                    yield f"t2.{row.key}.{column.unit_key}"

    @property
    def relations(self) -> tuple[editions.Relation, ...]:
        if self.edition is None:
            return ()
        edition = editions.get(self.edition)
        return edition.relations_single_other_handling if self.single_other_handling else edition.relations

    @property
    def complete(self) -> bool:
        return self.edition is not None and all(self.table_status.get(t) == TABLE_OK for t in editions.TABLE_KEYS)

    def warn(self, code: str, message: str, message_en: str = "", cells: list[str] | None = None) -> None:
        self.warnings.append(Warning(code, message, message_en, cells or []))

    # ------------------------------------------------------------------ output
    def canonical(self) -> dict[str, Any]:
        """The gold-file form: plain values, keyed as in DOMAIN.md §4."""
        out: dict[str, Any] = {
            "source": self.source,
            "edition": self.edition,
            "year": self.year,
            "agency": self.agency,
            "published": self.published,
        }
        for table in editions.TABLE_KEYS:
            out[table] = {row: self._plain_row(table, row, columns) for row, columns in self.tables.get(table, {}).items()}
        out["uncertain"] = self.uncertain
        return out

    def _plain_row(self, table: str, row: str, columns: dict[str, Cell]) -> dict[str, Any]:
        plain: dict[str, Any] = {column: cell.value for column, cell in columns.items()}
        if self.edition and table == "t2":
            definition = editions.get(self.edition).table(table)
            for column in definition.columns_of(definition.row(row)):
                if column.unit_key:
                    plain[column.unit_key] = columns[column.key].unit if column.key in columns else None
        return plain

    def to_dict(self) -> dict[str, Any]:
        """Canonical form plus everything else we know: provenance, sections, warnings."""
        out = self.canonical()
        out.update({
            "sha256": self.sha256,
            "format": self.format,
            "edition_reason": self.edition_reason,
            "single_other_handling": self.single_other_handling,
            "region": self.region,
            "meta_sources": self.meta_source,
            "complete": self.complete,
            "tables": self.table_status,
            "cells": {path: cell.to_dict() for path, cell in self.cells()},
            "sections": [s.to_dict() for s in self.sections],
            "warnings": [w.to_dict() for w in self.warnings],
        })
        out["opening"] = self.opening_printed or self.opening  # null when not known
        return out
