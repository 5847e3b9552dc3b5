"""Rows as the writer stores them: one encoding of a finding and one fast bulk insert,
shared by ingest's writer and its linking pass."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert


def finding_row(finding) -> dict[str, Any]:
    return {
        "code": finding.code, "severity": finding.severity, "message": finding.message,
        "message_en": finding.message_en, "cells": json.dumps(list(finding.cells), ensure_ascii=False),
        "expected": number(finding.expected), "found": number(finding.found),
    }


def finding_cells(text: str | None) -> list[str]:
    """The cells of a stored finding back from the JSON text finding_row wrote ([] when unreadable)."""
    try:
        items = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(item) for item in items] if isinstance(items, list) else []


def number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


_COMPILED: dict[tuple, Any] = {}


def bulk_insert(connection, table, rows: list[dict[str, Any]]) -> None:
    """executemany straight to the driver with a statement compiled once per shape.

    SQLAlchemy's per-row parameter processing cost more than SQLite's own insert; the
    values here are already plain (numbers, strings, bools, JSON text).
    """
    keys = tuple(rows[0])
    cache_key = (table.name, keys, connection.dialect.name)
    if cache_key not in _COMPILED:
        _COMPILED[cache_key] = insert(table).compile(dialect=connection.dialect, column_keys=list(keys))
    compiled = _COMPILED[cache_key]
    if compiled.positional:
        params: list = [tuple(row[key] for key in compiled.positiontup) for row in rows]
    else:
        params = rows
    connection.exec_driver_sql(str(compiled), params)
