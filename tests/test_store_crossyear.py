"""Cross-year findings in the store (CROSS.*, COPY.*): ingest's linking pass, run on
SQLite and on PostgreSQL (NIANBAO_TEST_PG), compared with `nianbao.checks.check`
given the other reports as history — what `nianbao check` prints for a folder."""

from __future__ import annotations

import importlib
import io
import json
import random
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text, update

from nianbao import editions
from nianbao.checks import check, content, copying, crossyear
from nianbao.parser import parse
from nianbao.store import ingest, linking
from nianbao.store.corrections import add_correction
from nianbao.store.db import alembic_config
from nianbao.store.export import export
from nianbao.store.models import Relink, StoredFinding, StoredReport
from nianbao.store.reports import load_reports
from nianbao.store.synth import balanced_t3, generate, render_report

from .store_support import report_pair, store_fixture  # noqa: F401 — the `store` fixture: SQLite and PostgreSQL

# The module, not the function of the same name that nianbao.store exports.
ingest_module = importlib.import_module("nianbao.store.ingest")


def is_cross(code: str) -> bool:
    return code.startswith(linking.PREFIXES)


def finding_key(code, severity, message, cells, expected, found) -> tuple:
    """What must agree between the store and the checks: numbers compared as floats."""
    number = lambda v: None if v is None else float(v)  # noqa: E731
    return code, severity, message, tuple(cells), number(expected), number(found)


def stored_cross_year(store) -> dict[str, list[tuple]]:
    """Current report source → its stored cross-year findings."""
    with store.session() as session:
        out = {r.source: [] for r in session.scalars(select(StoredReport).where(StoredReport.current.is_(True)))}
        rows = session.execute(
            select(StoredReport.source, StoredFinding).join(StoredFinding, StoredFinding.report_id == StoredReport.id)
            .where(StoredReport.current.is_(True)).order_by(StoredFinding.id)
        )
        for source, f in rows:
            if is_cross(f.code):
                out[source].append(finding_key(f.code, f.severity, f.message, json.loads(f.cells), f.expected, f.found))
    return {source: sorted(items, key=repr) for source, items in out.items()}


def expected_cross_year(files: list[Path], root: Path) -> dict[str, list[tuple]]:
    """The same files through the checks, each with all the others as history."""
    reports = [parse(path) for path in files]
    out = {}
    for path, report in zip(files, reports):
        history = [other for other in reports if other is not report]
        found = [f for f in check(report, history) if is_cross(f.code)]
        out[str(path.relative_to(root))] = sorted(
            (finding_key(f.code, f.severity, f.message, f.cells, f.expected, f.found) for f in found), key=repr)
    return out


def counts_match_findings(store) -> None:
    """n_errors / n_warnings of every current report are those of its stored findings."""
    with store.session() as session:
        for report in session.scalars(select(StoredReport).where(StoredReport.current.is_(True))):
            severities = list(session.scalars(select(StoredFinding.severity).where(StoredFinding.report_id == report.id)))
            assert (report.n_errors, report.n_warnings) == (severities.count("error"), severities.count("warning"))


def n_cross(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(StoredFinding).where(
            StoredFinding.code.startswith("CROSS.") | StoredFinding.code.startswith("COPY.")))


@pytest.fixture
def years(tmp_path) -> tuple[Path, dict[int, list[Path]]]:
    """Five agencies × 2019–2024, their names printed the same every year (no abbreviations,
    so `checks.check`'s name matching and the store's agency key pair the same reports)."""
    folder = tmp_path / "synth"
    pairs = generate(folder, 30, seed=3, layouts=("pipe",), agencies=5)
    by_year: dict[int, list[Path]] = {}
    for path, data in pairs:
        by_year.setdefault(data["year"], []).append(path)
    assert sorted(by_year) == list(range(2019, 2025)) and all(len(v) == 5 for v in by_year.values())
    return folder, by_year


def test_ingest_stores_the_cross_year_findings_check_gives(store, years):
    folder, by_year = years
    files = [p for year in sorted(by_year) for p in by_year[year]]
    summary = ingest(store, files, root=folder)
    assert summary.new == 30 and summary.linked == 25  # every report but the five of 2019 has a previous year
    got, expected = stored_cross_year(store), expected_cross_year(files, folder)
    assert got == expected
    codes = {item[0] for items in got.values() for item in items}
    # The test is not vacuous; section 五 against last year's is stored as `check` reports it too.
    assert codes == {"CROSS.CARRY_OVER", "CROSS.IN_FORCE", "CROSS.ITEM_COUNT", "COPY.PREVIOUS_YEAR", "PROBLEMS.NO_FOLLOW_UP"}
    assert not any(got[str(p.relative_to(folder))] for p in by_year[2019])
    counts_match_findings(store)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Relink)) == 0  # the queue is done


def test_previous_year_ingested_in_a_later_run(store, years):
    folder, by_year = years
    first = [p for year in (2020, 2022, 2024) for p in by_year[year]]
    ingest(store, first, root=folder)
    assert n_cross(store) == 0  # no two consecutive years yet
    with store.session() as session:
        warnings_before = dict(session.execute(select(StoredReport.source, StoredReport.n_warnings)).all())

    second = [p for year in (2019, 2021, 2023) for p in by_year[year]]
    summary = ingest(store, second, root=folder)
    assert summary.new == 15
    everything = first + second
    expected = expected_cross_year(everything, folder)
    assert stored_cross_year(store) == expected
    counts_match_findings(store)
    with store.session() as session:
        warnings_after = dict(session.execute(select(StoredReport.source, StoredReport.n_warnings)).all())
    for path in by_year[2020]:  # linked by the second run although none of its files
        name = str(path.relative_to(folder))
        assert expected[name]
        assert warnings_after[name] == warnings_before[name] + sum(f[1] == "warning" for f in expected[name])

    # Re-running adds nothing; a newer parser re-parses and links the new rows, once.
    total = n_cross(store)
    again = ingest(store, everything, root=folder)
    assert (again.skipped, again.linked) == (30, 0) and n_cross(store) == total
    newer = ingest(store, everything, root=folder, parser_version="99.0")
    assert newer.reparsed == 30
    assert stored_cross_year(store) == expected  # current rows: no duplicates
    assert n_cross(store) == 2 * total  # the retired parses keep theirs, as history
    counts_match_findings(store)


def _write(folder: Path, data: dict) -> Path:
    payload, suffix = render_report(data, "pipe")
    path = folder / f"{data['agency']}-{data['year']}{suffix}"
    path.write_bytes(payload)
    return path


def test_a_broken_carry_over_is_found_with_both_numbers(store, tmp_path):
    folder = tmp_path / "hand"
    folder.mkdir()
    rng = random.Random(7)
    kept = [_write(folder, d) for d in report_pair(rng, "江苏省人民政府", {})]
    broken = [_write(folder, d) for d in report_pair(rng, "福建省人民政府", {"natural_person": 7})]
    corrected = [_write(folder, d) for d in report_pair(rng, "山东省人民政府", {})]

    # 2023 first, then 2022: out of order, and with a person's correction in between.
    ingest(store, [kept[1], broken[1], corrected[1]], root=folder)
    assert n_cross(store) == 0
    then = parse(corrected[0]).value("t3.carried_forward.legal_service_org")
    add_correction(store, corrected[1].name, "t3.carried_over.legal_service_org", then + 2, note="人工")
    ingest(store, [kept[0], broken[0], corrected[0]], root=folder)

    carry = {source: [f for f in items if f[0] == "CROSS.CARRY_OVER"] for source, items in stored_cross_year(store).items()}
    assert carry[kept[1].name] == []  # carried over exactly: nothing to say
    forward = parse(broken[0]).value("t3.carried_forward.natural_person")
    total = parse(broken[0]).value("t3.carried_forward.total")
    assert sorted((cells, expected, found) for _, _, _, cells, expected, found in carry[broken[1].name]) == [
        (("t3.carried_over.natural_person",), forward, forward + 7),
        (("t3.carried_over.total",), total, total + 7),  # the 总计 column follows the row
    ]
    assert all(f[1] == "warning" and "结转下年度继续办理" in f[2] for f in carry[broken[1].name])
    # The store's finding is the checks' own (files alone: the correction is not in them).
    assert expected_cross_year([broken[0], broken[1]], folder)[broken[1].name] == stored_cross_year(store)[broken[1].name]
    # The corrected value is what the link compares.
    [(_, _, _, cells, expected, found)] = carry[corrected[1].name]
    assert (cells, expected, found) == (("t3.carried_over.legal_service_org",), then, then + 2)
    counts_match_findings(store)

    # A correction queues its agency: the next run, with nothing new to parse, relinks it.
    add_correction(store, broken[1].name, "t3.carried_over.natural_person", forward)
    again = ingest(store, [*kept, *broken, *corrected], root=folder)
    assert again.skipped == 6 and again.linked == 1
    assert [f[3] for f in stored_cross_year(store)[broken[1].name] if f[0] == "CROSS.CARRY_OVER"] == [
        ("t3.carried_over.total",)]
    counts_match_findings(store)


def test_two_reports_of_one_previous_year_the_newer_is_used(store, tmp_path):
    # Two different files for 2022 (a re-issued report, say): the 2023 report is linked to
    # the one stored last, whichever order the run wrote them in before.
    folder = tmp_path / "twice"
    folder.mkdir()
    rng = random.Random(11)
    first, now = report_pair(rng, "江苏省人民政府", {})
    reissued = dict(first, t3=balanced_t3(
        {k: v for k, v in first["t3"].items() if k not in ("total_handled", "carried_over", "carried_forward", "new_received")},
        first["t3"]["carried_over"], {c: v + 3 for c, v in first["t3"]["carried_forward"].items() if c != "total"},
    ))
    old_path, now_path = _write(folder, first), _write(folder, now)
    new_path = folder / "reissued.txt"
    new_path.write_bytes(render_report(reissued, "pipe")[0])
    ingest(store, [old_path, now_path], root=folder)
    assert not [f for f in stored_cross_year(store)[now_path.name] if f[0] == "CROSS.CARRY_OVER"]
    ingest(store, [new_path], root=folder)
    carry = [f for f in stored_cross_year(store)[now_path.name] if f[0] == "CROSS.CARRY_OVER"]
    # found − expected: 3 less in every column (and 6 × 3 in 总计) — against the reissued report.
    assert {f[3][0]: f[5] - f[4] for f in carry} == {
        **{f"t3.carried_over.{c}": -3 for c in editions.T3_APPLICANT_COLUMNS}, "t3.carried_over.total": -18}


def test_a_report_whose_previous_year_is_gone_loses_its_findings(store, years):
    folder, by_year = years
    ingest(store, by_year[2022] + by_year[2023], root=folder)
    name = str(by_year[2023][0].relative_to(folder))
    assert stored_cross_year(store)[name]
    with store.session() as session, session.begin():
        row = session.scalar(select(StoredReport).where(StoredReport.source == name))
        previous = linking.previous_row(session, row)
        # As when the previous year's report is re-parsed under another agency or removed.
        session.execute(update(StoredReport).where(StoredReport.id == previous.id).values(current=False))
        agency_id = row.agency_id
    assert linking.link(store, [agency_id]) == 1
    assert stored_cross_year(store)[name] == []
    counts_match_findings(store)


def test_a_run_interrupted_before_linking_is_linked_by_the_next(store, years, monkeypatch):
    folder, by_year = years
    files = by_year[2021] + by_year[2022]

    def killed(_store, **_options):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "link", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest(store, files, root=folder)
    monkeypatch.undo()
    assert n_cross(store) == 0
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Relink)) == 5  # queued with the reports
    resumed = ingest(store, files, root=folder)
    assert resumed.skipped == 10 and resumed.linked == 5
    assert stored_cross_year(store) == expected_cross_year(files, folder)


def test_agency_written_two_ways_is_linked_by_the_store_key(store, tmp_path):
    # The seventh synthetic body is a department, printed 沭阳县发改局 in odd years and
    # 沭阳县发展和改革局 in even ones: one agency for the store (its key expands the
    # abbreviation), and for checks.check, which pairs them through the same abbreviations.
    folder = tmp_path / "abbr"
    pairs = generate(folder, 14, seed=5, layouts=("pipe",), agencies=7)
    (then, _), (now, _) = [(p, d) for p, d in pairs if "发" in d["agency"]]
    assert parse(then).agency != parse(now).agency
    ingest(store, [p for p, _ in pairs], root=folder)
    report, previous = parse(now), parse(then)
    by_store = stored_cross_year(store)[str(now.relative_to(folder))]
    by_rules = crossyear.check(report, previous) + copying.check(report, previous) + content.check_previous(report, previous)
    assert by_rules and by_store == sorted(
        (finding_key(f.code, f.severity, f.message, f.cells, f.expected, f.found) for f in by_rules), key=repr)
    checked = [f for f in check(report, [previous]) if is_cross(f.code)]
    assert [(f.code, f.message) for f in checked] == [(f.code, f.message) for f in by_rules]
    assert all(f"“{report.agency}”与“{previous.agency}”" in f.message for f in checked)  # says what it joined


def test_inspection_workbook_and_exports_carry_the_cross_year_findings(store, years, tmp_path):
    pytest.importorskip("fastapi", reason="web dependencies not installed")
    from fastapi.testclient import TestClient
    from openpyxl import load_workbook

    from nianbao.web.app import create_app

    folder, by_year = years
    ingest(store, by_year[2022] + by_year[2023], root=folder)
    stored = stored_cross_year(store)
    app = create_app(store.url, files_dir=tmp_path / "files")
    try:
        client = TestClient(app)
        book = load_workbook(io.BytesIO(client.get("/api/export/workbook.xlsx").content))
        sheet = book["问题 findings"]
        header = [c.value for c in sheet[1]]
        source, code = header.index("来源 source"), header.index("代码 code")
        listed: dict[str, list[str]] = {}
        for line in sheet.iter_rows(min_row=2, values_only=True):
            if is_cross(line[code]):
                listed.setdefault(line[source], []).append(line[code])
        assert {name: sorted(codes) for name, codes in listed.items()} == {
            name: sorted(f[0] for f in items) for name, items in stored.items() if items}
        assert any("CROSS.CARRY_OVER" in codes for codes in listed.values())

        # The web app's recheck (after a correction, say) comes to the same findings as ingest.
        with store.session() as session:
            ids = list(session.scalars(select(StoredReport.id).where(StoredReport.year == 2023)))
        for report_id in ids:
            client.post(f"/api/reports/{report_id}/recheck")
        assert stored_cross_year(store) == stored
    finally:
        app.state.store.close()

    export(store, tmp_path / "w.csv")
    wide = pd.read_csv(tmp_path / "w.csv", encoding="utf-8-sig").set_index("source")
    with store.session() as session:
        for row in session.scalars(select(StoredReport)):
            assert wide.loc[row.source, "n_warnings"] == row.n_warnings
            if row.year == 2023:
                assert row.n_warnings >= sum(f[1] == "warning" for f in stored[row.source]) > 0


def test_sections_are_stored_and_older_rows_upgrade(store, years):
    folder, by_year = years
    path = by_year[2022][0]
    ingest(store, [path], root=folder)
    with store.session() as session:
        row = session.scalar(select(StoredReport))
        assert json.loads(row.sections) == parse(path).to_dict()["sections"]
        [loaded] = load_reports(session, [row])
    assert [s.text for s in loaded.sections] == [s.text for s in parse(path).sections]

    # Down to revision 0002 (no sections column, the view rebuilt) and back up: the rows
    # stored before have NULL sections and still link on their cells.
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert "sections" not in {c["name"] for c in inspect(store.engine).get_columns("reports")}
    with store.engine.connect() as connection:
        cells = connection.execute(text("SELECT count(*) FROM report_cells")).scalar()
    assert cells > 0
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with store.engine.connect() as connection:  # nothing lost on the way
        assert connection.execute(text("SELECT count(*) FROM report_cells")).scalar() == cells
    ingest(store, [by_year[2023][0]], root=folder)
    with store.session() as session:
        old = session.scalar(select(StoredReport).where(StoredReport.source == str(path.relative_to(folder))))
        assert old.sections is None and load_reports(session, [old])[0].sections == []
    codes = [f[0] for f in stored_cross_year(store)[str(by_year[2023][0].relative_to(folder))]]
    assert "CROSS.CARRY_OVER" in codes and "COPY.PREVIOUS_YEAR" not in codes  # no text to compare yet


def test_cli_ingest_says_how_many_reports_got_cross_year_findings(years, tmp_path, run_cli):
    folder, _ = years
    result = run_cli("ingest", folder, "--db", tmp_path / "cli.db")
    assert result.returncode == 0, result.stderr
    assert "跨年度核对更新 25 份报告" in result.stderr
    again = run_cli("ingest", folder, "--db", tmp_path / "cli.db")
    assert again.returncode == 0 and "跨年度" not in again.stderr  # nothing changed, nothing said


def test_small_linking_rounds_give_the_same_findings(store, years, monkeypatch):
    # Rounds are cut by report count to keep memory flat; an agency never spans two rounds.
    monkeypatch.setattr(linking, "REPORT_BATCH", 4)  # each agency holds 6 reports: one per round
    rounds = []
    original = linking._link_batch
    monkeypatch.setattr(linking, "_link_batch", lambda s, ids, *rules: rounds.append(list(ids)) or original(s, ids, *rules))
    folder, by_year = years
    files = [p for year in sorted(by_year) for p in by_year[year]]
    assert ingest(store, files, root=folder).linked == 25
    assert len(rounds) == 5 and all(len(r) == 1 for r in rounds)
    assert stored_cross_year(store) == expected_cross_year(files, folder)
