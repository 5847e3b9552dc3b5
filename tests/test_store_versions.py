"""One report per agency and year (nianbao.store.versions): format and encoding twins and a
corrected republication are versions of one report; stats, exports and the report_cells view
count the current version only, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import io
import random

import pytest
import pandas as pd
from sqlalchemy import select, text

from nianbao.render import render
from nianbao.store import stats as store_stats
from nianbao.store.export import export
from nianbao.store.ingest import ingest
from nianbao.store.models import StoredReport
from nianbao.store.synth import render_report, report_data
from nianbao.store.versions import SUPERSEDED, TWIN, versions_of

from .conftest import corpus_file
from .store_support import store_fixture  # noqa: F401 — the `store` fixture

AGENCY = "江苏省淮安市洪泽区人民政府"


def _data(year: int = 2023, seed: int = 5) -> dict:
    return report_data(random.Random(seed), AGENCY, year)


def _rows(store) -> list[StoredReport]:
    with store.session() as session:
        return list(session.scalars(select(StoredReport).where(StoredReport.current.is_(True)).order_by(StoredReport.id)))


def _counted(store) -> int:
    return int(store_stats.compute(store, [], ["新收申请"], include_errors=True).iloc[0]["报告数"])


def test_gbk_and_utf8_copies_are_twins(store, tmp_path):
    source = corpus_file("dev/pingtan-2022.txt").read_text(encoding="utf-8")
    (tmp_path / "utf8.txt").write_text(source, encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(source.encode("gb18030"))
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    rows = _rows(store)
    assert len(rows) == 2 and rows[0].sha256 != rows[1].sha256
    head = [r for r in rows if r.version_of is None]
    twin = [r for r in rows if r.version_of is not None]
    assert len(head) == 1 and twin[0].version_of == head[0].id and twin[0].version_kind == TWIN
    assert _counted(store) == 1


def test_html_and_docx_of_one_report_are_twins_and_exported_once(store, tmp_path):
    data = _data()
    (tmp_path / "report.html").write_bytes(render(data, "html"))
    (tmp_path / "report.docx").write_bytes(render(data, "docx"))
    ingest(store, sorted(tmp_path.glob("report.*")), root=tmp_path)
    rows = _rows(store)
    assert sorted(r.version_kind or "" for r in rows) == ["", TWIN]
    assert _counted(store) == 1
    export(store, tmp_path / "wide.csv")
    wide = pd.read_csv(tmp_path / "wide.csv", encoding="utf-8-sig")
    assert len(wide) == 1
    with store.engine.connect() as connection:
        ids = {r for (r,) in connection.execute(text("SELECT DISTINCT report_id FROM report_cells"))}
    assert ids == {next(r.id for r in rows if r.version_of is None)}


def test_a_corrected_republication_supersedes_the_first_and_its_numbers_count(store, tmp_path):
    first = _data()
    first["published"] = "2024-01-20"
    corrected = copy.deepcopy(first)
    corrected["published"] = "2024-03-05"
    corrected["t3"]["new_received"]["total"] = first["t3"]["new_received"]["total"] + 7
    corrected["t3"]["new_received"]["natural_person"] = first["t3"]["new_received"]["natural_person"] + 7
    for name, data in (("a-first", first), ("b-corrected", corrected)):
        payload, suffix = render_report(data, "pipe")
        (tmp_path / f"{name}{suffix}").write_bytes(payload)
    # The corrected one is stored first: the publication date decides, not the order of ingest.
    ingest(store, [tmp_path / "b-corrected.txt"], root=tmp_path)
    ingest(store, [tmp_path / "a-first.txt"], root=tmp_path)
    rows = {r.source: r for r in _rows(store)}
    assert rows["b-corrected.txt"].version_of is None
    assert rows["a-first.txt"].version_of == rows["b-corrected.txt"].id
    assert rows["a-first.txt"].version_kind == SUPERSEDED
    table = store_stats.compute(store, [], ["新收申请"], include_errors=True).iloc[0]
    assert table["报告数"] == 1 and table["新收申请"] == corrected["t3"]["new_received"]["total"]
    with store.session() as session:
        assert [v.source for v in versions_of(session, rows["a-first.txt"].id)] == ["b-corrected.txt", "a-first.txt"]


def test_other_agencies_and_years_are_not_versions(store, tmp_path):
    for n, year in enumerate((2022, 2023)):
        payload, suffix = render_report(_data(year, seed=n), "pipe")
        (tmp_path / f"{year}{suffix}").write_bytes(payload)
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    assert [r.version_of for r in _rows(store)] == [None, None]
    assert _counted(store) == 2


def test_a_year_whose_reports_are_all_excluded_has_no_value_and_no_change_against_it(store, tmp_path):
    years = {2021: 0, 2022: 1, 2023: 2}
    for year, seed in years.items():
        data = _data(year, seed)
        if year == 2022:  # totals that do not add up: an error-level finding, excluded by default
            data["t3"]["total_handled"]["total"] += 50
        payload, suffix = render_report(data, "pipe")
        (tmp_path / f"{year}{suffix}").write_bytes(payload)
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    table = store_stats.compute(store, ["year"], ["新收申请", "公开率"]).set_index("年度")
    assert table.loc[2022, "报告数"] == 0 and table.loc[2022, "排除（有错误）"] == 1
    assert pd.isna(table.loc[2022, "新收申请"]) and pd.isna(table.loc[2022, "公开率"])
    assert pd.isna(table.loc[2023, "新收申请·同比变化"]) and pd.isna(table.loc[2022, "新收申请·同比变化"])
    assert not pd.isna(table.loc[2023, "新收申请"])


def test_by_year_and_level_lists_by_year_first(store, tmp_path):
    for n, (agency, year) in enumerate((("江苏省人民政府", 2022), (AGENCY, 2021), (AGENCY, 2022))):
        payload, suffix = render_report(report_data(random.Random(n), agency, year), "pipe")
        (tmp_path / f"{n}{suffix}").write_bytes(payload)
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    table = store_stats.compute(store, ["year", "level"], ["新收申请"], include_errors=True)
    assert list(zip(table["年度"], table["层级"])) == [(2021, "县"), (2022, "县"), (2022, "省")]


def test_stats_by_prefecture_and_code(store, tmp_path):
    payload, suffix = render_report(_data(), "pipe")
    (tmp_path / f"hongze{suffix}").write_bytes(payload)
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    table = store_stats.compute(store, ["prefecture", "code"], ["新收申请"], include_errors=True)
    assert list(zip(table["市"], table["行政区划代码"])) == [("淮安市", "320813")]


# --------------------------------------------------------------------------- the web door


def _web(tmp_path):
    pytest.importorskip("fastapi", reason="web dependencies not installed")
    pytest.importorskip("multipart", reason="python-multipart not installed")
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    return TestClient(create_app(str(tmp_path / "web.db"), max_upload=2 * 1024 * 1024))


def _upload(client, name: str, data: bytes):
    response = client.post("/api/reports", files={"files": (name, data)})
    assert response.status_code == 201, response.text
    return response.json()["results"][0]["id"]


def test_web_counts_twins_once_lists_them_and_exports_as_the_cli(tmp_path):
    client = _web(tmp_path)
    source = corpus_file("dev/pingtan-2022.txt").read_text(encoding="utf-8")
    first = _upload(client, "utf8.txt", source.encode("utf-8"))
    second = _upload(client, "gbk.txt", source.encode("gb18030"))
    listed = client.get("/api/reports").json()
    assert listed["total"] == 1
    versions = client.get(f"/api/reports/{second}/versions").json()
    assert {v["id"] for v in versions["items"]} == {first, second}
    assert [v["version_kind"] for v in versions["items"]][1:] == [TWIN]
    # 平潭综合实验区 is a government (prefecture level), with its division code.
    assert client.get("/api/reports", params={"level": "市"}).json()["total"] == 1
    summary = listed["items"][0]
    assert (summary["region_code"], summary["city"]) == ("350128", "福州市")
    assert sum(len(y["outcomes"]) > 0 for y in client.get("/api/stats").json()["outcomes_by_year"]) == 1
    # One builder: the web's file is byte for byte the CLI's for the same (here: no) filter.
    from nianbao.store import open_store

    store = open_store(str(tmp_path / "web.db"))
    try:
        for fmt, long in (("csv", False), ("csv", True), ("xlsx", False)):
            web = client.get(f"/api/export/data.{fmt}", params={"form": "long" if long else "wide"})
            assert web.status_code == 200
            cli = tmp_path / f"cli.{fmt}"
            export(store, cli, long=long)
            if fmt == "csv":
                assert web.content == cli.read_bytes()
            else:
                assert pd.read_excel(io.BytesIO(web.content), header=1).equals(pd.read_excel(cli, header=1))
    finally:
        store.close()
    parquet = pd.read_parquet(io.BytesIO(client.get("/api/export/data.parquet").content))
    assert len(parquet) == 1 and parquet.loc[0, "region_code"] == "350128"
    assert client.get("/api/export/data.pdf").status_code == 404
    # Deleting the counted version lets the twin count.
    assert client.delete(f"/api/reports/{versions['current']}").status_code in (200, 204)
    assert client.get("/api/reports").json()["total"] == 1


def test_a_series_across_editions_sums_each_reports_own_cells(store, tmp_path):
    # 2020 on the 2019 tables (本年新制作), 2022 on the 2021 tables (本年制发): one comparable series.
    old, new = _data(2020, 1), _data(2022, 2)
    for data in (old, new):
        payload, suffix = render_report(data, "pipe")
        (tmp_path / f"{data['year']}{suffix}").write_bytes(payload)
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    table = store_stats.compute(store, ["year"], ["规范性文件·本年制发", "licensing_decisions"], include_errors=True)
    table = table.set_index("年度")
    assert table.loc[2020, "规范性文件·本年制发"] == old["t2"]["normative_documents"]["new_made"]
    assert table.loc[2022, "规范性文件·本年制发"] == new["t2"]["normative_documents"]["issued"]
    assert table.loc[2022, "行政许可·处理决定"] == new["t2"]["administrative_licensing"]["decisions"]
    assert "规范性文件·本年制发·空缺未计" not in table.columns  # the other edition's key is not a blank


def test_the_previous_year_of_the_cross_year_checks_is_the_version_that_counts(store, tmp_path):
    from types import SimpleNamespace

    from nianbao.store.linking import previous_row, previous_rows

    rows = [SimpleNamespace(id=1, year=2022, version_of=None), SimpleNamespace(id=5, year=2022, version_of=1),
            SimpleNamespace(id=3, year=2023, version_of=None)]
    assert previous_rows(rows)[3].id == 1  # not the newest (5), a superseded version

    early, late = _data(2022, 1), _data(2022, 2)
    early["published"], late["published"] = "2023-03-01", "2023-01-20"  # the later-stored is the earlier
    for name, data in (("a", early), ("b", late), ("c", _data(2023, 3))):
        payload, suffix = render_report(data, "pipe")
        (tmp_path / f"{name}{suffix}").write_bytes(payload)
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    stored = {r.source: r for r in _rows(store)}
    assert stored["b.txt"].version_of == stored["a.txt"].id
    with store.engine.connect() as connection:
        assert previous_row(connection, stored["c.txt"]).id == stored["a.txt"].id


def test_migration_0005_places_and_versions_the_rows_stored_before(store, tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from nianbao.store.db import alembic_config

    source = corpus_file("dev/pingtan-2022.txt").read_text(encoding="utf-8")
    (tmp_path / "utf8.txt").write_text(source, encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(source.encode("gb18030"))
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert "version_of" not in {c["name"] for c in inspect(store.engine).get_columns("reports")}
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE reports SET level = '部门', province = NULL"))  # as stored before
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        rows = connection.execute(text(
            "SELECT level, province, region_code, gov_level, version_of, version_kind FROM reports ORDER BY id")).all()
        assert [r[:4] for r in rows] == [("市", "福建省", "350128", "市")] * 2
        assert sorted((r.version_of is None, r.version_kind) for r in rows) == [(False, TWIN), (True, None)]
        assert connection.execute(text("SELECT count(DISTINCT report_id) FROM report_cells")).scalar() == 1


def test_web_report_csv_has_the_numbers_of_the_cli_export_and_cells_their_labels(tmp_path):
    import csv

    client = _web(tmp_path)
    _upload(client, "pingtan-2022.txt", corpus_file("dev/pingtan-2022.txt").read_bytes())
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export.csv").content.decode("utf-8-sig"))))
    from nianbao.store import open_store

    store = open_store(str(tmp_path / "web.db"))
    try:
        export(store, tmp_path / "cli.csv")
    finally:
        store.close()
    with (tmp_path / "cli.csv").open(encoding="utf-8-sig") as handle:
        cli = list(csv.DictReader(handle))
    assert len(rows) == len(cli) == 1
    assert rows[0]["t3.new_received.total"] == cli[0]["t3.new_received.total"] != ""
    assert rows[0]["region_code"] == "350128"
    cells = list(csv.DictReader(io.StringIO(
        client.get("/api/export.csv", params={"kind": "cells"}).content.decode("utf-8-sig"))))
    received = next(c for c in cells if (c["table"], c["row"], c["column"]) == ("t3", "new_received", "total"))
    assert received["label"].startswith("表三") and received["parsed_value"] == received["value"]
    report_id = rows[0]["id"]
    assert client.post(f"/api/reports/{report_id}/corrections",
                       json={"cell": "t3.new_received.total", "value": 999}).status_code == 201
    cells = list(csv.DictReader(io.StringIO(
        client.get("/api/export.csv", params={"kind": "cells"}).content.decode("utf-8-sig"))))
    fixed = next(c for c in cells if (c["table"], c["row"], c["column"]) == ("t3", "new_received", "total"))
    assert (fixed["value"], fixed["parsed_value"], fixed["corrected"]) == ("999", received["value"], "1")


def test_the_chart_uses_an_installed_cjk_font_or_says_which_to_install(tmp_path):
    import shutil
    import subprocess

    from matplotlib import font_manager

    from nianbao.store.plot import CJK_FONTS, NO_CJK_FONT, cjk_font, plot

    table = pd.DataFrame({"年度": [2021, 2022, 2023], "新收申请": [3.0, float("nan"), 5.0]})
    note = plot(table, ["year"], tmp_path / "chart.png")
    assert (tmp_path / "chart.png").stat().st_size > 0
    has_cjk = shutil.which("fc-list") and subprocess.run(
        ["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout.strip()
    if not has_cjk:
        assert note == NO_CJK_FONT
        return
    font = cjk_font()
    assert note is None and font in CJK_FONTS
    path = font_manager.findfont(font_manager.FontProperties(family=font), fallback_to_default=False)
    assert font_manager.FontProperties(fname=path).get_name() == font


def test_harmonised_export_gives_each_series_from_the_reports_own_edition(store, tmp_path):
    old, new = _data(2020, 1), _data(2022, 2)
    for data in (old, new):
        payload, suffix = render_report(data, "pipe")
        (tmp_path / f"{data['year']}{suffix}").write_bytes(payload)
    ingest(store, sorted(tmp_path.glob("*.txt")), root=tmp_path)
    export(store, tmp_path / "h.parquet", harmonised=True)
    frame = pd.read_parquet(tmp_path / "h.parquet").set_index("year")
    assert frame.loc[2020, "series.normative_documents_issued"] == old["t2"]["normative_documents"]["new_made"]
    assert frame.loc[2022, "series.normative_documents_issued"] == new["t2"]["normative_documents"]["issued"]
    other_2021 = sum(new["t3"][row]["total"] for row in ("other_overdue_correction", "other_unpaid_fee", "other_other"))
    assert frame.loc[2022, "series.other_handling"] == other_2021
    assert frame.loc[2020, "series.other_handling"] == old["t3"]["other_handling"]["total"]
    export(store, tmp_path / "plain.csv")
    assert "series.other_handling" not in pd.read_csv(tmp_path / "plain.csv", encoding="utf-8-sig").columns
