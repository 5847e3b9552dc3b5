"""Hand entry for what the parser could not read: a scan the OCR could not read (or whose
tables are missing) gets its facts and its cells typed in by a person.

- **Facts** — agency, year, publication date, edition — are stored as `FactCorrection` rows,
  keyed by document hash like cell corrections, with author, time and note; the latest of
  each field is in force and is copied onto the document's report rows (so the overview,
  statistics and versions see it), earlier ones are its history.  A re-parse keeps them
  (`facts_in_force`, read by ingest's writer).
- **Cells** are ordinary corrections (store/corrections.py).  A person may type any cell of
  the report's edition — the parsed one or the one set here — so a report without a table
  read can be filled in whole; a cell the parser had nothing for reads `HAND_ENTERED` (its
  `inferred`), one it had a value for `CORRECTED`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from .. import editions, labels
from .agencies import level as agency_level
from .db import Store
from .linking import queue
from .models import FactCorrection, StoredReport
from .versions import refresh_for as refresh_versions

# Field → its name for people (Chinese first).
FACTS = {"agency": "机关名称 agency", "year": "年度 year", "published": "发布日期 publication date",
         "edition": "格式版本 edition"}
SET_BY_HAND = "人工设定 set by hand"  # reports.edition_reason of an edition a person set
# Years a report can cover: the 条例's annual reports began with 2008.
FIRST_YEAR, LAST_YEAR = 2008, 2100
MAX_AGENCY_LENGTH = 200  # reports.agency


class BadFact(ValueError):
    """A fact or a cell a person typed that cannot be stored; the message says why (Chinese first)."""


# --------------------------------------------------------------------------- facts


def fact_value(field: str, text: str | None) -> str | int | None:
    """The typed text of a fact as stored on the report row; blank clears it."""
    if field not in FACTS:
        raise BadFact(f"未知的报告信息项 {field}（可设定：{'、'.join(FACTS.values())}）/ unknown field {field}")
    text = (text or "").strip()
    if not text:
        return None
    if field == "year":
        return _year(text)
    if field == "published":
        return _date(text)
    if field == "edition":
        if text not in editions.EDITIONS:
            raise BadFact(f"格式版本应为 {' 或 '.join(editions.EDITIONS)}，而非“{text}” / the edition must be one of "
                          f"{', '.join(editions.EDITIONS)}")
        return text
    if len(text) > MAX_AGENCY_LENGTH:
        raise BadFact(f"机关名称过长（最多 {MAX_AGENCY_LENGTH} 字）/ agency name too long")
    return text


def _year(text: str) -> int:
    if not (text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise BadFact(f"年度应为 {FIRST_YEAR}–{LAST_YEAR} 之间的四位数字，而非“{text}” / the year must be a "
                      f"4-digit year from {FIRST_YEAR} to {LAST_YEAR}")
    return int(text)


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise BadFact(f"发布日期应写作 年-月-日（如 2024-01-20），而非“{text}” / the date must read YYYY-MM-DD") from None


def set_fact(store: Store, sha256: str, field: str, text: str | None, author: str = "", note: str = "") -> str:
    """Record a fact set by a person and put it on the document's current report rows, in one
    transaction with the relinking and versions it changes.  Returns the message to show."""
    value = fact_value(field, text)
    with store.session() as session, session.begin():
        rows = session.scalars(select(StoredReport).where(
            StoredReport.sha256 == sha256, StoredReport.current.is_(True))).all()
        if not rows:
            raise BadFact("没有找到该文档 / no such document")
        session.add(FactCorrection(sha256=sha256, field=field, value=None if value is None else str(value),
                                   author=author or None, note=note or None))
        agencies = {row.agency_id for row in rows}
        connection = session.connection()
        for row in rows:
            _put(connection, row, field, value)
        session.flush()
        # Another agency or year: the cross-year links of the old and the new one change, and
        # which file counts for an agency and year.
        queue(connection, {a for a in agencies | {row.agency_id for row in rows} if a is not None})
        refresh_versions(connection, sha256)
    shown = "（空 blank）" if value is None else value
    return f"已设定 {sha256[:12]} {FACTS[field]} = {shown} / set"


def _put(connection, row: StoredReport, field: str, value: str | int | None) -> None:
    if field == "agency":
        row.agency = value  # type: ignore[assignment]
        row.level = agency_level(str(value)) if value else None
        row.agency_id = _agency_id(connection, row, str(value)) if value else None
        row.agency_name = _agency_name(connection, row.agency_id)
    elif field == "year":
        row.year = value  # type: ignore[assignment]
    elif field == "published":
        row.published = value  # type: ignore[assignment]
    else:
        row.edition = value  # type: ignore[assignment]
        row.edition_reason = SET_BY_HAND if value else None


def _agency_id(connection, row: StoredReport, name: str) -> int:
    """The agency of that name, created as ingest creates it (same key, same region columns); a name
    of an agency joined into another (store/merges.py) files the report under that one, with its
    region, as the writer does."""
    from .ingest import filed_under  # ingest imports this module's facts_in_force
    from .merges import region_of

    region = {"province": row.province, "city": row.city, "county": row.county, "township": row.township,
              "code": row.region_code, "gov_level": row.gov_level}
    agency_id, joined_id = filed_under(connection, name, {k: v for k, v in region.items() if v})
    if joined_id is not None:
        for column, value in region_of(connection, agency_id).items():
            setattr(row, column, value)
    return agency_id


def _agency_name(connection, agency_id: int | None) -> str | None:
    from .merges import agency_name

    return agency_name(connection, agency_id) if agency_id is not None else None


def facts_in_force(connection, sha256: str) -> dict[str, Any]:
    """Field → the latest value a person set for this document (what a re-parse must keep)."""
    out: dict[str, Any] = {}
    query = select(FactCorrection.field, FactCorrection.value).where(
        FactCorrection.sha256 == sha256).order_by(FactCorrection.id)
    for field, text in connection.execute(query):
        out[field] = fact_value(field, text)
    if "edition" in out:
        out["edition_reason"] = SET_BY_HAND if out["edition"] else None
    return out


def fact_history(store: Store, sha256: str) -> list[dict[str, Any]]:
    """Every fact set for this document, oldest first."""
    with store.session() as session:
        items = session.scalars(select(FactCorrection).where(
            FactCorrection.sha256 == sha256).order_by(FactCorrection.id))
        return [{"id": f.id, "field": f.field, "name": FACTS.get(f.field, f.field), "value": f.value,
                 "author": f.author, "note": f.note,
                 "created_at": f.created_at.isoformat() if f.created_at else None} for f in items]


# --------------------------------------------------------------------------- cells


def entry_paths(edition: str | None, single_other_handling: bool = False) -> set[str]:
    """The cells a person may type into a report of this edition: all of them."""
    if edition not in editions.EDITIONS:
        return set()
    paths = set(editions.get(edition).cell_paths())
    if single_other_handling:
        paths |= {f"t3.other_handling.{c.key}" for c in editions.T3_COLUMNS}
    return paths


def check_entry(edition: str | None, path: str, single_other_handling: bool = False) -> None:
    """Refuse, by name, a cell that is not one of the report's edition (or any cell while the
    edition is unknown: which cells the report has depends on it)."""
    if edition is None:
        raise BadFact("本报告的格式版本未识别：请先设定格式版本（2019 或 2021），再录入单元格 / "
                      "the report's edition is unknown: set it (2019 or 2021) before typing cells in")
    if path not in entry_paths(edition, single_other_handling):
        name = _cell_label(path)
        raise BadFact(f"单元格 {name} 不属于本报告的格式（{edition} 版）/ cell {name} is not part of this "
                      f"report's edition ({edition})")


def _cell_label(path: str) -> str:
    """A cell's name for people (表三“（四）…”行“总计”列), or the path as typed when no
    edition knows that cell (nothing better to show)."""
    known = any(path in e.cell_paths() for e in editions.EDITIONS.values())
    if not known and not path.startswith("t3.other_handling."):
        return path
    return labels.cell_name(path)

