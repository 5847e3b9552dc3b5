"""Edition definitions as plain data for templates and JavaScript.

Forms and report tables are drawn from these structures, which are made from
`nianbao.editions` only: no template or script lists a row or a column.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import editions


def _column(column: editions.Column) -> dict[str, Any]:
    return {"key": column.key, "label": column.label, "signed": column.signed, "money": column.money,
            "unit_key": column.unit_key}


def _row(row: editions.Row) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "number": row.number, "group": row.group}


def _t3_rows(table: editions.Table, single_other_handling: bool) -> list[editions.Row]:
    rows = list(table.rows)
    if single_other_handling and all(r.key != editions.T3_OTHER_HANDLING_2019.key for r in rows):
        # A 2021 report printing （六）其他处理 as one row: show that row after the three sub-rows.
        last_other = max(i for i, r in enumerate(rows) if r.group == editions.T3_OTHER_HANDLING_2019.group)
        rows.insert(last_other + 1, editions.T3_OTHER_HANDLING_2019)
    return rows


@lru_cache(maxsize=8)
def _layout(edition_key: str, single_other_handling: bool) -> dict[str, Any]:
    edition = editions.get(edition_key)
    tables = []
    for table in edition.tables:
        blocks: list[dict[str, Any]]
        if table.blocks:
            blocks = [{"caption": b.caption, "columns": [_column(c) for c in b.columns], "rows": [_row(r) for r in b.rows]}
                      for b in table.blocks]
        else:
            rows = _t3_rows(table, single_other_handling) if table.key == "t3" else list(table.rows)
            blocks = [{"caption": None, "columns": [_column(c) for c in table.columns], "rows": [_row(r) for r in rows]}]
        tables.append({"key": table.key, "number": table.number, "title": table.title, "blocks": blocks})
    relations = edition.relations_single_other_handling if single_other_handling else edition.relations
    return {
        "key": edition.key, "notice": edition.notice, "title": edition.title,
        "sections": [{"number": s.number, "key": s.key, "title": s.title} for s in edition.sections],
        "tables": tables,
        "relations": [{"code": r.code, "subject": r.subject, "left": list(r.left), "right": list(r.right)} for r in relations],
    }


def layout(edition_key: str, single_other_handling: bool = False) -> dict[str, Any]:
    return _layout(edition_key, single_other_handling)


def cell_paths(edition_key: str, single_other_handling: bool = False) -> list[str]:
    out: list[str] = []
    for table in layout(edition_key, single_other_handling)["tables"]:
        for block in table["blocks"]:
            for row in block["rows"]:
                out.extend(f"{table['key']}.{row['key']}.{c['key']}" for c in block["columns"])
    return out


def unit_paths(edition_key: str) -> dict[str, str]:
    """Money cell path → the canonical key of its printed unit (t2.centralized_procurement.amount_unit)."""
    out = {}
    for table in layout(edition_key)["tables"]:
        for block in table["blocks"]:
            for row in block["rows"]:
                for c in block["columns"]:
                    if c["unit_key"]:
                        out[f"{table['key']}.{row['key']}.{c['key']}"] = f"{table['key']}.{row['key']}.{c['unit_key']}"
    return out


TEXT_SECTIONS = ("overview", "problems", "other")  # the sections a writer fills with prose
