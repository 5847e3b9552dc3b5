"""Shared helpers of the store test suite: the databases it runs on and gold comparisons."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import random
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from nianbao import editions, regions
from nianbao.checks import check, report_from_json
from nianbao.store.ingest import PARSER_VERSION, Item, Parsed, Writer, _cell_row, _meta, parse_item
from nianbao.store.linking import link
from nianbao.store.models import StoredReport
from nianbao.store.rows import finding_row
from nianbao.store.synth import balanced_t3, report_data

PG_ENV = "NIANBAO_TEST_PG"


def _fresh_pg_database(base_url: str) -> str:
    """A new empty database on the test server, so each test starts clean."""
    from nianbao.store.db import database_url

    admin = create_engine(database_url(base_url), isolation_level="AUTOCOMMIT")
    name = f"nianbao_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    from nianbao.store.db import database_url

    base, name = url.rsplit("/", 1)
    admin = create_engine(database_url(base + "/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def database_target(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        return str(tmp_path / "nianbao.db")
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL 测试已跳过：未设置 {PG_ENV}=postgresql://user@host/db / set {PG_ENV} to run them")
    return _fresh_pg_database(base)


@pytest.fixture(name="store", params=["sqlite", "postgresql"])
def store_fixture(request, tmp_path):
    """An empty, migrated store on SQLite and on PostgreSQL (skipped without NIANBAO_TEST_PG)."""
    from nianbao.store import open_store

    target = database_target(request.param, tmp_path)
    opened = open_store(target)
    yield opened
    opened.close()
    if request.param == "postgresql":
        drop_pg_database(target)


def same(a, b) -> bool:
    def null(v):
        return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""

    if null(a) or null(b):
        return null(a) and null(b)
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return a == b


def report_pair(rng: random.Random, agency: str, carry_over_offset: dict[str, int]) -> list[dict]:
    """Canonical data of `agency` for 2022 and 2023, every 勾稽关系 of each year holding, with
    2023's 上年结转 equal to 2022's 结转下年度 plus `carry_over_offset` (per column)."""
    first, second = report_data(rng, agency, 2022), report_data(rng, agency, 2023)
    table = editions.get(second["edition"]).table("t3")
    outcomes = {row.key: second["t3"][row.key] for row in editions.t3_outcome_rows(table)}
    forward = first["t3"]["carried_forward"]
    carried_over = {c: forward[c] + carry_over_offset.get(c, 0) for c in editions.T3_APPLICANT_COLUMNS}
    second["t3"] = balanced_t3(outcomes, carried_over, second["t3"]["carried_forward"])
    return [first, second]


def guessed_data(data: dict, guesses: dict[str, tuple]) -> dict:
    """Canonical data with each `path: (value, alternatives)` of `guesses` set and flagged as the
    parser's guess, as the full `nianbao parse` JSON says it (not relying on the parser)."""
    for path, (value, alternatives) in guesses.items():
        table, row, column = path.split(".")
        data[table][row][column] = value
        data.setdefault("cells", {})[path] = {"value": value, "raw": None if value is None else str(value),
                                              "uncertain": True, "alternatives": list(alternatives)}
    data["uncertain"] = sorted(set(data.get("uncertain") or []) | set(guesses))
    return data


def write_report(store, data: dict, name: str | None = None, parser_version: str | None = None) -> int:
    """Store canonical data as ingest stores a parsed report (cells, checks, counts); its id."""
    report = report_from_json(data)
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sha = hashlib.sha256(body).hexdigest()
    parsed = Parsed(
        name or data.get("source") or f"{sha[:8]}.json", "", sha, len(body), meta=_meta(report),
        cells=[_cell_row(path, cell) for path, cell in report.cells()],
        findings=[finding_row(f) for f in check(report)],
    )
    Writer(store, parser_version or PARSER_VERSION).write(parsed)
    with store.session() as session:
        return session.scalar(select(StoredReport.id).where(StoredReport.sha256 == sha, StoredReport.current.is_(True)))


def tables_leave_and_return(store, revision: str, tables: set[str]) -> None:
    """Downgrade the store to `revision`: `tables` are gone; upgrade to head: they are back."""
    from alembic import command
    from sqlalchemy import inspect

    from nianbao.store.db import alembic_config

    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    assert not tables & set(inspect(store.engine).get_table_names())
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert tables <= set(inspect(store.engine).get_table_names())


def parsed_file(path) -> Parsed:
    """A corpus file parsed as ingest's workers parse it."""
    data = path.read_bytes()
    return parse_item(Item(path.name, str(path), hashlib.sha256(data).hexdigest(), data))


def filed_as(parsed: Parsed, agency: str, year: int, *, text_only: bool = False) -> Parsed:
    """The parsed report filed under another name and year (another document: another hash).
    `text_only`: its region read from the text alone, as a store filled before the alias rules has it
    apart from the same body's other name."""
    out = copy.deepcopy(parsed)
    out.sha256 = hashlib.sha256(f"{agency}{year}{text_only}".encode()).hexdigest()
    out.name = f"{agency}-{year}.txt"
    region = regions.resolve(agency).as_dict()
    if text_only:
        region["source"] = "text"  # placed by the text alone: a guess
    out.meta.update(agency=agency, year=year, region=region)
    return out


def write_and_link(store, *parsed: Parsed) -> None:
    writer = Writer(store, "test")
    for one in parsed:
        writer.write(one)
    link(store)
