"""The overview at volume: stats as SQL aggregates agree with adding up each report, keyset
pages cover the list exactly once in every sort, neighbours follow the list, and the region
scope of a principal holds in every query (SQLite, and PostgreSQL when NIANBAO_TEST_PG is set)."""

from __future__ import annotations

import csv
import io
import random

import pytest
from sqlalchemy import delete, select, update

from nianbao import editions
from nianbao.store import corrections as store_corrections
from nianbao.store.accounts import Principal, RegionScope
from nianbao.store.models import OutcomeTotals, StoredReport
from nianbao.store.synth import report_data
from nianbao.store import listing
from nianbao.web.storage import Filters, WebStore
from tests.store_support import guessed_data, store_fixture, write_report  # noqa: F401  (fixture)

AGENCIES = ("江苏省宿迁市沭阳县人民政府", "福建省福州市闽侯县人民政府", "江苏省淮安市洪泽区人民政府",
            "沭阳县发展和改革局", "山东省淄博市张店区人民政府")
REGIONS = {  # as nianbao.regions would place them; one left unknown
    AGENCIES[0]: {"province": "江苏省", "city": "宿迁市", "county": "沭阳县", "level": "县"},
    AGENCIES[1]: {"province": "福建省", "city": "福州市", "county": "闽侯县", "level": "县"},
    AGENCIES[2]: {"province": "江苏省", "city": "淮安市", "county": "洪泽区", "level": "县"},
    AGENCIES[3]: {"province": "江苏省", "city": "宿迁市", "county": "沭阳县", "level": "部门"},
}


def _per_report_stats(web: WebStore, filters: Filters | None = None) -> dict:
    """The figures as the web app computed them before they moved into SQL: every report loaded
    (cells, corrections) and its outcome cells added up one by one."""
    rows = web.list(filters)
    by_year: dict[int, dict[str, float]] = {}
    groups: list[str] = []
    regions: dict[str, dict[str, int]] = {}
    for row in rows:
        region = row.city or row.province or row.county or "未知 unknown"
        entry = regions.setdefault(region, {"reports": 0, "with_errors": 0, "with_uncertain": 0})
        entry["reports"] += 1
        entry["with_errors"] += 1 if row.n_errors else 0
        entry["with_uncertain"] += 1 if row.n_uncertain else 0
        if row.year is None or row.edition is None or row.n_errors or row.status == "failed":
            continue
        report = web.report(row)
        year = by_year.setdefault(row.year, {})
        for definition in editions.t3_outcome_rows(editions.get(row.edition).table("t3"), row.single_other_handling):
            group = definition.group or definition.label
            if group not in groups:
                groups.append(group)
            value = report.value(f"t3.{definition.key}.total")
            if isinstance(value, (int, float)):
                year[group] = year.get(group, 0) + value
    return {
        "outcome_groups": groups,
        "outcomes_by_year": [{"year": y, "outcomes": by_year[y]} for y in sorted(by_year)],
        "error_rates": [{"region": name, **v, "rate": round(v["with_errors"] / v["reports"], 3) if v["reports"] else 0}
                        for name, v in sorted(regions.items())],
    }


def _varied_store(store) -> list[int]:
    """Reports of two editions and several years: clean ones, one off by one (an error), guessed
    cells, blank outcome cells, a single 其他处理 row, corrections and a value typed in by hand."""
    rng = random.Random(13)
    ids = []
    for n, agency in enumerate(AGENCIES * 3):
        year = 2020 + n // len(AGENCIES)  # each agency and year once: every report counts
        data = report_data(rng, agency, year)
        data["region"] = REGIONS.get(agency, {})
        if n % 4 == 1:
            data["t3"]["granted"]["total"] += 1  # an error: the outcomes no longer add up
        if n % 5 == 2:
            data["t3"]["partially_granted"]["total"] = None  # a blank, never a zero
        if n % 6 == 3:
            data = guessed_data(data, {"t3.granted.total": (data["t3"]["granted"]["total"], (1, 7))})
        if n == 7 and data["edition"] == editions.EDITION_2021:
            other = {c: sum(data["t3"][r][c] for r in ("other_overdue_correction", "other_unpaid_fee", "other_other"))
                     for c in data["t3"]["other_other"]}
            for key in ("other_overdue_correction", "other_unpaid_fee", "other_other"):
                del data["t3"][key]
            data["t3"]["other_handling"] = other
        if n == 9:
            del data["t3"]["declined_repeated_request"]  # not read at all: a person types it in below
        ids.append(write_report(store, data, name=f"r{n}.json"))
    with store.session() as session:
        shas = {report_id: sha for report_id, sha in session.execute(select(StoredReport.id, StoredReport.sha256))}
    store_corrections.add_correction(store, shas[ids[2]], "t3.granted.total", 5)
    store_corrections.add_correction(store, shas[ids[2]], "t3.granted.total", 6)  # the latest counts
    store_corrections.add_correction(store, shas[ids[4]], "t3.withheld_state_secret.total", None)
    store_corrections.add_correction(store, shas[ids[9]], "t3.declined_repeated_request.total", 4)
    return ids


FILTERS = [None, Filters(year=2021), Filters(region="江苏"), Filters(severity="clean"), Filters(severity="error"),
           Filters(level="县"), Filters(q="沭阳")]


def test_sql_stats_equal_per_report_sums(store, tmp_path):
    _varied_store(store)
    web = WebStore(store.url, tmp_path / "files")
    try:
        for filters in FILTERS:
            assert web.stats(filters) == _per_report_stats(web, filters), filters
        overall = web.stats()
        assert overall["outcome_groups"][0] == "（一）予以公开" and overall["outcomes_by_year"]
        assert any(r["with_errors"] for r in overall["error_rates"])
    finally:
        web.close()


def test_stats_add_up_cells_of_reports_whose_totals_are_missing(store, tmp_path):
    _varied_store(store)
    web = WebStore(store.url, tmp_path / "files")
    try:
        expected = web.stats()
        with store.session() as session, session.begin():
            # As if written by something that did not keep the totals, and one kept total gone stale
            # in a way the fallback could not fix: the first shows the fallback works, the second
            # that the kept totals are what is read.
            kept = session.scalars(select(OutcomeTotals.report_id).order_by(OutcomeTotals.report_id)).all()
            session.execute(delete(OutcomeTotals).where(OutcomeTotals.report_id.in_(kept[::2])))
        assert web.stats() == expected
        with store.session() as session, session.begin():
            counted = next(r.id for r in web.list() if r.id in kept[1::2] and not r.n_errors and r.year)
            session.execute(update(OutcomeTotals).where(OutcomeTotals.report_id == counted).values(granted=10 ** 6))
        assert web.stats() != expected
    finally:
        web.close()


def test_correction_through_the_web_moves_the_figures(store, tmp_path):
    _varied_store(store)
    web = WebStore(store.url, tmp_path / "files")
    try:
        clean = next(r.id for r in web.list() if r.n_errors == 0 and r.year)
        before = web.stats()
        web.correct(clean, "t3.granted.total", 1000, "测试", None)
        assert web.stats() == _per_report_stats(web)
        assert web.stats() != before
    finally:
        web.close()


@pytest.mark.parametrize("sort", ["", "agency", "-year", "-errors", "uncertain", "-region", "file", "status"])
def test_keyset_pages_cover_the_list_once_in_order(store, tmp_path, sort):
    _varied_store(store)
    web = WebStore(store.url, tmp_path / "files")
    try:
        full = [r.id for r in web.list(sort=sort)]
        seen, after = [], None
        while True:
            rows, after = web.page(None, 4, sort=sort, after=after)
            seen += [r.id for r in rows]
            if after is None:
                break
        assert seen == full and len(full) == len(set(full)) == web.count()
        if sort == "-errors":
            errors = [web.get(i).n_errors for i in full]
            assert errors == sorted(errors, reverse=True) and errors[0] > 0
        # Previous / next on a report page follow the same order.
        middle = full[len(full) // 2]
        assert web.neighbours(web.get(middle), sort=sort) == (full[len(full) // 2 - 1], full[len(full) // 2 + 1])
        assert web.neighbours(web.get(full[0]), sort=sort)[0] is None
        assert web.neighbours(web.get(full[-1]), sort=sort)[1] is None
    finally:
        web.close()


def test_position_tokens_from_elsewhere_start_at_the_first_page(store, tmp_path):
    _varied_store(store)
    web = WebStore(store.url, tmp_path / "files")
    try:
        first = [r.id for r in web.page(None, 3)[0]]
        for token in ("garbage", listing.encode(["x"]), listing.encode([1, 2, 3]), listing.encode(["x", True, 1])):
            assert [r.id for r in web.page(None, 3, after=token)[0]] == first
    finally:
        web.close()


def test_region_scope_holds_in_list_count_facets_and_stats(store, tmp_path):
    _varied_store(store)
    web = WebStore(store.url, tmp_path / "files")
    try:
        scoped = Principal("审核人甲", "reviewer", RegionScope.parse("福建省"))
        rows, _ = web.page(None, 100, principal=scoped)
        assert rows and {r.province for r in rows} == {"福建省"}
        assert web.count(principal=scoped) == len(rows) < web.count()
        assert web.facets(scoped)["regions"] and "江苏省" not in web.facets(scoped)["regions"]
        assert {r["region"] for r in web.stats(principal=scoped)["error_rates"]} <= {"福州市", "福建省"}
        outsider = next(r for r in web.list() if r.province != "福建省")
        assert web.neighbours(outsider, principal=scoped) == (None, None)
    finally:
        web.close()


def test_streamed_cell_export_matches_the_stored_values(store, tmp_path):
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    ids = _varied_store(store)
    client = TestClient(create_app(store.url, files_dir=tmp_path / "files"))
    body = client.get("/api/export.csv", params={"kind": "cells"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    web = WebStore(store.url, tmp_path / "files")
    try:
        corrected = web.get(ids[2])
        mine = [r for r in rows if r["report_id"] == str(corrected.id) and r["row"] == "granted" and r["column"] == "total"]
        assert mine and mine[0]["value"] == "6" and mine[0]["corrected"] == "1"
        typed = [r for r in rows if r["report_id"] == str(ids[9]) and r["row"] == "declined_repeated_request"
                 and r["column"] == "total"]
        assert typed and typed[0]["value"] == "4" and typed[0]["parsed_value"] == ""
        assert {int(r["report_id"]) for r in rows} == {r.id for r in web.list()}
        reports = list(csv.DictReader(io.StringIO(client.get("/api/export.csv").content.decode("utf-8-sig"))))
        assert [int(r["id"]) for r in reports] == sorted(r.id for r in web.list())  # the builder's order: by id
    finally:
        web.close()
        client.app.state.store.close()
