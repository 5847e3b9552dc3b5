"""The CLI and the web app change reports through one service layer (store/service.py): the same
method runs whichever door a person uses, and neither door writes report data by itself."""

from __future__ import annotations

import ast
import importlib
import inspect
import random
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

pytest.importorskip("fastapi", reason="web dependencies not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.cli import app as cli_app  # noqa: E402
from nianbao.store.db import open_store  # noqa: E402
from nianbao.store.models import StoredReport  # noqa: E402
from nianbao.store.service import ReportService  # noqa: E402
from nianbao.store.synth import report_data  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from tests.store_support import database_target, drop_pg_database, write_report  # noqa: E402

SOURCE = Path(__file__).resolve().parents[1] / "src" / "nianbao"
TOTAL = "t3.new_received.total"
# What only the service may do to a stored report: its corrections, facts, rows and links.
WRITES = {"add_correction", "set_fact", "Writer", "recount_findings", "recount_uncertain"}
WRITING_MODULES = ("store.corrections", "store.linking")


@pytest.fixture
def stored(tmp_path) -> tuple[str, int, str, float]:
    """A database holding one clean report: its path, report id, hash and received total."""
    db = str(tmp_path / "nianbao.db")
    store = open_store(db)
    data = report_data(random.Random(5), "福建省平潭综合实验区管理委员会", 2023)
    report_id = write_report(store, data, name="pingtan.json")
    with store.session() as session:
        row = session.get(StoredReport, report_id)
        assert row is not None and row.n_errors == 0
        sha = row.sha256
    store.close()
    return db, report_id, sha, data["t3"]["new_received"]["total"]


def _spy(monkeypatch, method: str) -> list[str]:
    """Record who calls ReportService.<method> (the web app's WebStore inherits it), then run it."""
    calls: list[str] = []
    original = getattr(ReportService, method)

    def recorded(self, *args, **kwargs):
        calls.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReportService, method, recorded)
    return calls


def _errors(db: str, report_id: int) -> int:
    store = open_store(db, create=False)
    try:
        with store.session() as session:
            return session.scalar(select(StoredReport.n_errors).where(StoredReport.id == report_id))
    finally:
        store.close()


def test_a_correction_from_either_door_is_the_services_and_re_checks_the_report(stored, monkeypatch):
    db, report_id, sha, total = stored
    calls = _spy(monkeypatch, "correct")

    done = CliRunner().invoke(cli_app, ["correct", sha[:12], TOTAL, str(total + 10), "--db", db, "--author", "张"])
    assert done.exit_code == 0, done.output
    assert calls == ["ReportService"]
    assert _errors(db, report_id) > 0  # the total no longer adds up: re-checked at once, not at the next ingest

    client = TestClient(create_app(db))
    answer = client.post(f"/api/reports/{report_id}/corrections", json={"cell": TOTAL, "value": total, "author": "李"})
    assert answer.status_code == 201, answer.text
    assert calls == ["ReportService", "WebStore"]
    assert _errors(db, report_id) == 0
    history = client.get(f"/api/reports/{report_id}/corrections").json()
    assert [(c["author"], c["value"]) for c in history] == [("张", total + 10), ("李", total)]


def test_facts_from_either_door_are_the_services(stored, monkeypatch):
    db, report_id, sha, _ = stored
    calls = _spy(monkeypatch, "set_facts")

    done = CliRunner().invoke(cli_app, ["facts", "pingtan.json", "--published", "2024-01-22", "--db", db])
    assert done.exit_code == 0, done.output
    client = TestClient(create_app(db))
    answer = client.post(f"/api/reports/{report_id}/facts", json={"field": "published", "value": "2024-01-23"})
    assert answer.status_code == 201, answer.text
    assert calls == ["ReportService", "WebStore"]
    assert [f["value"] for f in client.get(f"/api/reports/{report_id}/facts").json()] == ["2024-01-22", "2024-01-23"]


def test_a_refused_cell_reads_the_same_from_both_doors(stored):
    db, report_id, sha, _ = stored
    cell = "t2.no_such_row.in_force"
    done = CliRunner().invoke(cli_app, ["correct", sha[:12], cell, "3", "--db", db])
    answer = TestClient(create_app(db)).post(f"/api/reports/{report_id}/corrections", json={"cell": cell, "value": 3})
    assert done.exit_code == 2 and answer.status_code == 422
    assert answer.json()["detail"] in done.output


def test_an_export_from_either_door_is_the_services_and_the_same_bytes(stored, monkeypatch, tmp_path):
    db, *_ = stored
    to_file, streamed = _spy(monkeypatch, "export_to"), _spy(monkeypatch, "export_csv")
    target = tmp_path / "long.csv"
    done = CliRunner().invoke(cli_app, ["export", "--to", str(target), "--long", "--db", db])
    assert done.exit_code == 0, done.output
    client = TestClient(create_app(db))
    web = client.get("/api/export/data.csv", params={"form": "long"})
    assert web.status_code == 200 and web.content == target.read_bytes()
    assert client.get("/api/export/data.xlsx").status_code == 200
    assert (to_file, streamed) == (["ReportService", "WebStore"], ["WebStore"])


def test_cli_stats_are_the_services(stored, monkeypatch):
    db, *_ = stored
    calls = _spy(monkeypatch, "stats_table")
    done = CliRunner().invoke(cli_app, ["stats", "--by", "年度", "--db", db])
    assert done.exit_code == 0, done.output
    assert calls == ["ReportService"] and "2023" in done.output


def _agency_of(db: str, report_id: int) -> int:
    service = ReportService(open_store(db, create=False))
    try:
        agency_id = service.get(report_id).agency_id
    finally:
        service.close()
    assert agency_id is not None
    return agency_id


# One operation a door each: the service method both call, the command, and the web request
# (method, path, JSON body).  {id}: the report; {agency}: its agency.
SEASON = [
    ("score_ranking", ["score", "--by", "层级"], ("get", "/api/scores?by=level", None)),
    ("review_report", ["review", "report", "{id}", "--status", "审核中"],
     ("post", "/api/reports/{id}/status", {"status": "已审"})),
    ("assign_reports", ["review", "assign", "{id}", "--to", ""], ("post", "/api/reports/{id}/assign", {"assignee": None})),
    ("review_list", ["review", "list"], ("get", "/api/review/reports", None)),
    ("bulk_review", ["review", "bulk", "--set-status", "未审"], ("post", "/api/review/bulk", {"action": "status",
                                                                                           "value": "已审"})),
    ("roster_link", ["roster", "ignore", "{id}"], ("post", "/api/roster/links", {"report_id": "{id}", "name": None})),
    ("roster_unlink", ["roster", "unlink", "{id}"], ("delete", "/api/roster/links/{id}", None)),
    ("correct_region", ["region", "set", "{agency}", "--county", "平潭县"],
     ("post", "/api/agencies/{agency}/region", {"county": "平潭综合实验区"})),
    ("region_history", ["region", "history", "{agency}"], ("get", "/api/agencies/{agency}/region", None)),
    ("merge_history", ["agency", "history", "{agency}"], ("get", "/api/agencies/{agency}/merges", None)),
]


@pytest.mark.parametrize("method, command, request_", SEASON, ids=[item[0] for item in SEASON])
def test_the_inspection_season_from_either_door_is_the_services(stored, monkeypatch, method, command, request_):
    """Scores, review, the roster, regions and merges: `nianbao …` and the web's API call the same
    service method for the same operation (store/inspection_service.py), and both succeed."""
    db, report_id, *_ = stored
    names = {"id": str(report_id), "agency": str(_agency_of(db, report_id))}

    def number(value):  # the report's id in a JSON body is a number
        return report_id if value == "{id}" else value

    calls = _spy(monkeypatch, method)
    done = CliRunner().invoke(cli_app, [part.format(**names) for part in command] + ["--db", db])
    assert done.exit_code == 0, done.output
    verb, path, body = request_
    sent = {"json": {key: number(value) for key, value in body.items()}} if body else {}
    answer = getattr(TestClient(create_app(db)), verb)(path.format(**names), **sent)
    assert answer.status_code < 300, answer.text
    assert calls == ["ReportService", "WebStore"]


def _store_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from … import name` of a store module in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and "store" in node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("door", ["web", "cli"])
def test_neither_door_writes_report_data_itself(door):
    """Corrections, facts, stored rows and cross-year links are written by store/service.py only."""
    offending = [
        f"{path.relative_to(SOURCE)}: from {module} import {name}"
        for path in sorted((SOURCE / door).glob("*.py"))
        for module, name in _store_imports(path)
        if name in WRITES or module.endswith(WRITING_MODULES) or name in ("corrections", "linking")
    ]
    assert offending == []


# What a door may import from sqlalchemy or the models all the same, per (door, file, module), with
# why: none of them builds a query or reads a row by its table.
MAY_IMPORT = {
    ("cli", "store.py", "sqlalchemy.exc"): "`nianbao ingest` catches SQLAlchemyError (the database went away or "
                                           "stayed locked mid-run) to say so in one line instead of a traceback",
}
# How a module opens the database itself: a session, a transaction, or a connection of the engine.
OPENING = re.compile(r"\.session\(\)|\.use\(write|\.engine\.(connect|begin)\(")


def _runtime_import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of a module that run: those under `if TYPE_CHECKING:` only name
    types for annotations, they query nothing."""
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and ast.unparse(block.test).endswith("TYPE_CHECKING") for node in ast.walk(block)}
    return [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            and id(node) not in typing_only]


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    package = ["nianbao", path.parent.name]
    base = package[: len(package) - node.level + 1] if node.level else []
    return ".".join(base + ([node.module] if node.module else []))


def _runtime_imports(path: Path) -> list[tuple[str, str]]:
    """(absolute module, name) of every import in the file that runs (`_runtime_import_nodes`)."""
    found: list[tuple[str, str]] = []
    for node in _runtime_import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        else:
            found += [(_absolute(path, node), alias.name) for alias in node.names]
    return found


def _queries_itself(module: str, name: str) -> bool:
    return (module.split(".")[0] == "sqlalchemy" or module == "nianbao.store.models"
            or (module == "nianbao.store" and name == "models"))


@pytest.mark.parametrize("door", ["web", "cli"])
def test_neither_door_reaches_the_database_but_through_the_store(door):
    """No web or CLI module builds a query (sqlalchemy) or reads rows by their table (store.models)
    but for what MAY_IMPORT lists, and none opens a session, a transaction or a connection: a handler
    or a command translates the request into a call of a store function (the service layer:
    store/service.py, store/account_service.py) and its answer into a response."""
    modules = sorted((SOURCE / door).glob("*.py"))
    querying = [f"{path.name}: {module} {name}".rstrip() for path in modules
                for module, name in _runtime_imports(path)
                if _queries_itself(module, name) and (door, path.name, module) not in MAY_IMPORT]
    opening = [path.name for path in modules if OPENING.search(path.read_text(encoding="utf-8"))]
    assert querying == []
    assert opening == []


def test_every_listed_exemption_is_still_needed():
    """An import that MAY_IMPORT lists is still made: an exemption no longer used leaves the list."""
    made = {(door, path.name, module) for door in ("web", "cli") for path in (SOURCE / door).glob("*.py")
            for module, _ in _runtime_imports(path)}
    assert set(MAY_IMPORT) <= made


def test_the_guard_sees_each_way_of_importing_the_models(tmp_path):
    """The import check is not blind: relative, absolute and package imports of the models and of
    sqlalchemy are caught; one under TYPE_CHECKING is not."""
    web = tmp_path / "web"
    web.mkdir()
    sample = web / "sample.py"
    sample.write_text("from typing import TYPE_CHECKING\nfrom ..store.models import Agency\nfrom ..store import models\n"
                      "import sqlalchemy.orm\nfrom nianbao.store.models import StoredReport\n"
                      "if TYPE_CHECKING:\n    from ..store.models import Correction\n", encoding="utf-8")
    caught = [(module, name) for module, name in _runtime_imports(sample) if _queries_itself(module, name)]
    assert caught == [("nianbao.store.models", "Agency"), ("nianbao.store", "models"), ("sqlalchemy.orm", ""),
                      ("nianbao.store.models", "StoredReport")]


# The service layer itself: what a door calls (store/service.py ReportService, with the inspection
# season's operations of store/inspection_service.py and the account service of account_service.py).
SERVICE_MODULES = ("nianbao.store.service", "nianbao.store.inspection_service", "nianbao.store.account_service")
# What makes a raw database handle, beside any function or class taking one first.
RAW_HANDLES = {"Store", "open_store"}
# How a store function's first parameter is named when it takes the database: the store, a session
# of it, or a connection.
HANDLE_PARAMETERS = {"store", "session", "connection"}
# Where a door reaches the service's database handle itself: the web's WebStore (`….store.store`,
# `api.store(request).store`) or a command's service (`service.store`).
REACHES_HANDLE = re.compile(r"\.store\.store\b|\)\.store\b|\bservice\.store\b")
# Which door module may make a raw handle all the same, per (door, file, name), with why: each
# opens the database a service is then built on, and calls no store function with it.
MAY_OPEN = {
    ("web", "storage.py", "Store"): "WebStore is the service layer itself (a ReportService) and opens the "
                                    "database it serves",
    ("cli", "store.py", "open_store"): "`_open` opens the database every command's service is built on "
                                       "(open_service), saying a missing or unreachable database in one line",
    ("cli", "web.py", "open_store"): "`nianbao serve` asks the account service whether accounts exist before "
                                     "the server starts, only to warn; a database it cannot read is the server's to report",
}


def _takes_the_database(thing: object) -> bool:
    """A function or class whose first parameter is the database (a store, a session, a connection)."""
    if not callable(thing):
        return False
    try:
        parameters = list(inspect.signature(thing).parameters)
    except (TypeError, ValueError):  # builtins without a signature take no database
        return False
    return bool(parameters) and parameters[0] in HANDLE_PARAMETERS


def _store_calls(path: Path) -> list[str]:
    """What the file takes from store modules other than the service that makes or takes the
    database handle: names imported from a store module, and `module.name` used through a store
    module imported whole (`from ..store import roster` may read roster.STATUSES, not call roster.years)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            used.setdefault(node.value.id, set()).add(node.attr)
    found = []
    for node in _runtime_import_nodes(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = _absolute(path, node)
        if not module.startswith("nianbao.store") or module in SERVICE_MODULES:
            continue
        for alias in node.names:
            thing = getattr(importlib.import_module(module), alias.name, None)
            if thing is None or inspect.ismodule(thing):  # a store module imported whole
                whole = importlib.import_module(f"{module}.{alias.name}")
                if whole.__name__ not in SERVICE_MODULES:
                    found += [f"{whole.__name__.split('.')[-1]}.{name}" for name in sorted(used.get(alias.asname or alias.name, ()))
                              if _takes_the_database(getattr(whole, name, None))]
            elif alias.name in RAW_HANDLES or _takes_the_database(thing):
                found.append(alias.name)
    return list(dict.fromkeys(found))  # once each, however many functions import the module


@pytest.mark.parametrize("door", ["web", "cli"])
def test_neither_door_hands_the_database_to_a_store_module(door):
    """Scores, roster, regions, merges, review, accounts, exports: a web or CLI module calls the
    service layer (SERVICE_MODULES), never a store function with the database handle, and never
    reaches for the service's own handle; what MAY_OPEN lists only opens the database a service is
    built on.  Store modules' types, constants and pure helpers (labels, a Selection, a refusal's
    exception, a sheet writer) stay theirs to import."""
    modules = sorted((SOURCE / door).glob("*.py"))
    handing = [f"{path.name}: {name}" for path in modules for name in _store_calls(path)
               if (door, path.name, name) not in MAY_OPEN]
    reaching = [f"{path.name}: {match.group(0)}" for path in modules
                for match in REACHES_HANDLE.finditer(path.read_text(encoding="utf-8"))]
    assert handing == []
    assert reaching == []


def test_every_raw_handle_listed_is_still_made():
    """A handle MAY_OPEN lists is still made there: an exemption no longer used leaves the list."""
    made = {(door, path.name, name) for door in ("web", "cli") for path in (SOURCE / door).glob("*.py")
            for name in _store_calls(path)}
    assert set(MAY_OPEN) <= made


def test_the_guard_sees_a_store_function_given_the_database(tmp_path):
    """The hand-over check is not blind: a store function imported by name or called through its
    module, a raw handle, and the service's handle reached for are caught; the service itself,
    constants, types and pure helpers are not."""
    web = tmp_path / "web"
    web.mkdir()
    sample = web / "sample.py"
    sample.write_text(
        "from ..store import roster as names\nfrom ..store.merges import MergeRefused, merge\n"
        "from ..store.db import Store\nfrom ..store.service import ReportService\n"
        "from nianbao.store.roster_sheet import write_csv\n"
        "statuses = names.STATUSES, names.counts([])\nyears = names.years(store)\n"
        "handle = api.store(request).store\n", encoding="utf-8")
    assert _store_calls(sample) == ["roster.years", "merge", "Store"]
    assert [m.group(0) for m in REACHES_HANDLE.finditer(sample.read_text(encoding="utf-8"))] == [").store"]


def test_a_re_check_reads_the_original_the_cli_ingested_while_it_is_unchanged(tmp_path):
    """What the store does not keep (table states, parser warnings) comes from the original: for a
    report `nianbao ingest` stored, the file at its ingest path — never a file edited since."""
    from nianbao.store.ingest import ingest

    from .conftest import CORPUS

    source = CORPUS / "dev" / "pingtan-2022.txt"
    if not source.exists():
        pytest.skip("corpus not found (set NIANBAO_CORPUS)")
    original = tmp_path / "pingtan-2022.txt"
    original.write_bytes(source.read_bytes())
    store = open_store(str(tmp_path / "nianbao.db"))
    ingest(store, [original])
    service = ReportService(store)
    try:
        with store.session() as session:
            row = session.scalars(select(StoredReport)).one()
        assert service.original_bytes(row) == original.read_bytes() and service.has_original(row)
        assert service.parsed(row) is not None
        original.write_bytes(original.read_bytes() + "\n补记".encode())
        assert service.original_bytes(row) is None and not service.has_original(row)
    finally:
        service.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_re_checks_from_two_processes_at_once_leave_one_set_of_findings(kind, tmp_path):
    """The CLI and a web worker each hold their own service (own in-process lock): the database's
    write lock must keep their re-checks of one report apart."""
    from concurrent.futures import ThreadPoolExecutor

    target = database_target(kind, tmp_path)
    data = report_data(random.Random(5), "福建省平潭综合实验区管理委员会", 2023)
    services = [ReportService(open_store(target)) for _ in range(2)]
    try:
        report_id = write_report(services[0].store, data)
        services[0].correct(report_id, TOTAL, data["t3"]["new_received"]["total"] + 10, "张", None)
        expected = len(services[0].findings(report_id))
        assert expected > 0
        with ThreadPoolExecutor(2) as pool:
            for _ in range(6):
                list(pool.map(lambda service: service.recheck(report_id), services))
        assert len(services[1].findings(report_id)) == expected
    finally:
        for service in services:
            service.close()
        if kind == "postgresql":
            drop_pg_database(target)
