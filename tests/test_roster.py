"""The roster of who must publish: importing the file, matching reports by the cross-year alias
rules, per-year status (未发布 / 逾期发布 / 已发布), unmatched reports, manual links, the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.store import roster
from nianbao.store.roster_file import RosterFileError, read_roster
from nianbao.store.roster_sheet import HEADERS, write_xlsx
from nianbao.store.synth import report_data

from .store_support import store_fixture, tables_leave_and_return, write_report  # noqa: F401  (the store fixture)

ROSTER_CSV = """名称,层级,地区,别名,截止日期
沭阳县发展和改革局,部门,江苏省宿迁市沭阳县,沭阳县发改委；沭阳县物价局,
沭阳县人民政府,县,江苏省宿迁市,,
沭阳县卫生健康局,部门,江苏省宿迁市沭阳县,,
鼓楼区人民政府,县,江苏省南京市,,
鼓楼区人民政府办公室,部门,福建省福州市鼓楼区,福州市鼓楼区政府办,2月15日
"""


def report(store, agency: str, year: int, published: str | None, seed: int = 0, **place) -> int:
    data = report_data(random.Random(seed), agency, year)
    data["published"] = published
    data.setdefault("region", {}).update(place)
    return write_report(store, data, name=f"{agency}{year}.json")


def imported(store, text: str = ROSTER_CSV) -> None:
    roster.import_roster(store, read_roster(text.encode("utf-8"), "roster.csv"))


def by_name(rows) -> dict[str, roster.EntryStatus]:
    return {row.entry.name: row for row in rows}


# ------------------------------------------------------------------ the file
def test_csv_header_in_english_aliases_split_and_deadline_read():
    rows = read_roster("name,level,region,aliases,deadline\n甲局,部门,某县,甲;乙、丙；丁,2024-02-10\n".encode("gbk"))
    assert rows[0].name == "甲局" and rows[0].aliases == ("甲", "乙", "丙", "丁")
    assert rows[0].deadline == (2, 10) and rows[0].region == "某县" and rows[0].line == 2


def test_xlsx_roster_with_date_cell_and_other_columns(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "名称 name", "截止日期 deadline"])
    sheet.append([1, "乙局", dt.datetime(2025, 3, 31)])
    sheet.append([None, None, None])  # blank rows are skipped
    sheet.append([2, "丙局", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_roster(buffer.getvalue(), "r.xlsx")
    assert [(r.name, r.deadline, r.line) for r in rows] == [("乙局", (3, 31), 2), ("丙局", None, 4)]


@pytest.mark.parametrize("text, words", [
    ("层级,地区\n县,某县\n", ["第 1 行", "名称"]),
    ("名称,截止日期\n甲局,2月30日\n", ["第 2 行", "截止日期", "2月30日"]),
    ("名称,层级\n甲局,县\n,县\n", ["第 3 行", "名称", "为空"]),
    ("名称\n甲局\n乙局\n甲局\n", ["第 4 行", "第 2 行", "重复"]),
    ("名称\n", ["没有机关"]),
])
def test_bad_roster_file_names_row_and_column(text, words):
    with pytest.raises(RosterFileError) as caught:
        read_roster(text.encode("utf-8"))
    assert all(w in caught.value.message for w in words), caught.value.message


def test_a_csv_field_too_large_for_the_csv_module_is_refused_by_row():
    with pytest.raises(RosterFileError, match="第 3 行无法按 CSV 读取"):
        read_roster(("名称\n甲局\n" + "乙" * 200_000 + "\n").encode("utf-8"))


def test_a_broken_xlsx_is_refused_clearly():
    with pytest.raises(RosterFileError, match="不是可读的 Excel"):
        read_roster(b"PK\x03\x04 not really a zip")


# ------------------------------------------------------------------ status per year
def test_deadlines_statutory_by_level_given_and_none_for_townships():
    assert roster.Entry(1, "沭阳县发展和改革局").due(2023) == dt.date(2024, 1, 31)
    assert roster.Entry(1, "沭阳县人民政府").due(2023) == dt.date(2024, 3, 31)
    assert roster.Entry(1, "沭阳县发展和改革局").due(2018) == dt.date(2019, 3, 31)  # the 2008 条例
    assert roster.Entry(1, "沭阳县沭城街道办事处").due(2023) is None  # local deadlines only
    assert roster.Entry(1, "某局", deadline=(2, 29)).due(2023) == dt.date(2024, 2, 29)
    assert roster.Entry(1, "某局", deadline=(2, 29)).due(2022) == dt.date(2023, 2, 28)


def test_a_township_without_a_deadline_is_never_late(store):
    imported(store, "名称\n沭阳县沭城街道办事处\n")
    report(store, "沭阳县沭城街道办事处", 2023, "2024-06-30")
    row = roster.status(store, 2023)[0]
    assert row.status == roster.STATUS_PUBLISHED and row.deadline is None and row.days_late is None


def test_status_matched_by_alias_late_missing_and_unknown_date(store):
    imported(store)
    # 发改委 is the roster's alias; the report signs with the abbreviation and the city in front.
    by_alias = report(store, "宿迁市沭阳县发改委", 2023, "2024-01-20", seed=1)
    late = report(store, "沭阳县人民政府", 2023, "2024-04-02", seed=2)  # governments: 31 March
    undated = report(store, "沭阳县卫健局", 2023, None, seed=3)  # abbreviation written out by the store's list
    rows = by_name(roster.status(store, 2023))

    assert rows["沭阳县发展和改革局"].status == roster.STATUS_PUBLISHED
    assert [r.id for r in rows["沭阳县发展和改革局"].reports] == [by_alias]
    assert rows["沭阳县发展和改革局"].deadline == dt.date(2024, 1, 31)

    assert rows["沭阳县人民政府"].status == roster.STATUS_LATE
    assert rows["沭阳县人民政府"].deadline == dt.date(2024, 3, 31) and rows["沭阳县人民政府"].days_late == 2
    assert [r.id for r in rows["沭阳县人民政府"].reports] == [late]

    undated_row = rows["沭阳县卫生健康局"]
    assert undated_row.status == roster.STATUS_PUBLISHED and undated_row.published is None and undated_row.date_unknown
    assert [r.id for r in undated_row.reports] == [undated]

    assert rows["鼓楼区人民政府办公室"].status == roster.STATUS_MISSING and not rows["鼓楼区人民政府办公室"].reports
    assert roster.counts(rows.values()) == {"未发布": 2, "逾期发布": 1, "已发布": 2}
    # Another year: nobody published.
    assert roster.counts(roster.status(store, 2022)) == {"未发布": 5, "逾期发布": 0, "已发布": 0}


def test_roster_deadline_overrides_the_statutory_one(store):
    imported(store)
    report(store, "福州市鼓楼区政府办", 2023, "2024-02-16", seed=4, province="福建省", city="福州市", county="鼓楼区")
    row = by_name(roster.status(store, 2023))["鼓楼区人民政府办公室"]
    assert row.deadline == dt.date(2024, 2, 15) and row.status == roster.STATUS_LATE and row.days_late == 1


def test_unmatched_then_linked_by_hand_and_the_link_wins(store):
    imported(store)
    stray = report(store, "沭阳县融媒体中心", 2023, "2024-01-10", seed=5)
    elsewhere = report(store, "沭阳县发改局", 2023, "2024-01-12", seed=6)
    assert [u.report.id for u in roster.unmatched(store, 2023)] == [stray]

    message = roster.link(store, stray, "沭阳县卫生健康局", author="张三")
    assert "沭阳县卫生健康局" in message
    # A manual link wins over matching: the 发改局 report, linked elsewhere, leaves its own entry.
    roster.link(store, elsewhere, "沭阳县人民政府")
    rows = by_name(roster.status(store, 2023))
    assert [r.id for r in rows["沭阳县卫生健康局"].reports] == [stray] and rows["沭阳县卫生健康局"].matched == "人工"
    assert [r.id for r in rows["沭阳县人民政府"].reports] == [elsewhere]
    assert rows["沭阳县发展和改革局"].status == roster.STATUS_MISSING
    assert roster.unmatched(store, 2023) == []

    roster.unlink(store, elsewhere)
    assert [r.id for r in by_name(roster.status(store, 2023))["沭阳县发展和改革局"].reports] == [elsewhere]


def test_a_report_marked_not_on_the_roster_leaves_the_unmatched_list_until_unlinked(store):
    imported(store)
    stray = report(store, "外省某某局", 2023, "2024-01-10", seed=5)
    assert "不在名单中" in roster.link(store, stray, None, author="张三")
    assert roster.unmatched(store, 2023) == []
    assert all(not row.reports for row in roster.status(store, 2023))
    roster.unlink(store, stray)
    assert [u.report.id for u in roster.unmatched(store, 2023)] == [stray]


def test_same_name_in_two_places_is_told_apart_by_region_or_left_to_a_person(store):
    imported(store, ROSTER_CSV + "鼓楼区人民政府,县,福建省福州市,,\n".replace("鼓楼区人民政府,", "福州市鼓楼区人民政府,"))
    nanjing = report(store, "鼓楼区人民政府", 2023, "2024-03-01", seed=7, province="江苏省", city="南京市", county="鼓楼区")
    unplaced = report(store, "鼓楼区人民政府", 2022, "2023-03-01", seed=8)
    assert [r.id for r in by_name(roster.status(store, 2023))["鼓楼区人民政府"].reports] == [nanjing]
    left = roster.unmatched(store, 2022)
    assert [u.report.id for u in left] == [unplaced]
    assert sorted(left[0].candidates) == ["福州市鼓楼区人民政府", "鼓楼区人民政府"]


def test_link_names_a_missing_entry_or_report_clearly(store):
    imported(store)
    rid = report(store, "沭阳县发改局", 2023, "2024-01-12")
    with pytest.raises(roster.RosterError, match="名单中没有“某某局”"):
        roster.link(store, rid, "某某局")
    with pytest.raises(roster.RosterError, match="没有编号为 999 的报告"):
        roster.link(store, 999, "沭阳县人民政府")


def test_reimport_updates_by_name_and_replace_removes(store):
    imported(store)
    summary = roster.import_roster(store, read_roster("名称,截止日期\n沭阳县人民政府,3月15日\n新机关,\n".encode()))
    assert (summary.added, summary.updated, summary.removed) == (1, 1, 0)
    assert len(roster.entries(store)) == 6
    summary = roster.import_roster(store, read_roster("名称\n新机关\n".encode()), replace=True)
    assert summary.removed == 5 and [e.name for e in roster.entries(store)] == ["新机关"]


# ------------------------------------------------------------------ exports and the CLI
def test_xlsx_export_headers_widths_values(store):
    imported(store)
    report(store, "沭阳县人民政府", 2023, "2024-04-02", seed=2)
    report(store, "沭阳县融媒体中心", 2023, "2024-01-10", seed=5)
    rows = roster.status(store, 2023)
    data = write_xlsx(2023, rows, roster.counts(rows), roster.unmatched(store, 2023))
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["2023年度名单状态"]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:K{len(rows) + 1}"
    assert sheet["A1"].font.bold
    # 名称 holds up to nine Chinese characters: wider than its header, two units a character.
    assert sheet.column_dimensions["A"].width >= 18
    values = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    late = values["沭阳县人民政府"]
    assert late[3] == "逾期发布" and late[4] == dt.datetime(2024, 4, 2) and late[5] == dt.datetime(2024, 3, 31) and late[6] == 2
    assert values["沭阳县发展和改革局"][3] == "未发布" and values["沭阳县发展和改革局"][4] is None
    summary = {r[0]: r[1] for r in workbook["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary == {"未发布 not published": 4, "逾期发布 published late": 1, "已发布 published": 0, "合计 total": 5}
    assert [r[2] for r in workbook["未匹配报告"].iter_rows(min_row=2, values_only=True)] == ["沭阳县融媒体中心"]


def test_cli_import_status_unmatched_link(tmp_path):
    db = str(tmp_path / "n.db")
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text(ROSTER_CSV, encoding="utf-8-sig")
    runner = CliRunner()
    result = runner.invoke(app, ["roster", "import", str(roster_file), "--db", db])
    assert result.exit_code == 0 and "新增 added 5" in result.output

    from nianbao.store import open_store

    with open_store(db) as store:
        stray = report(store, "沭阳县融媒体中心", 2023, "2024-01-10", seed=5)
    result = runner.invoke(app, ["roster", "unmatched", "--db", db])
    assert result.exit_code == 0 and "沭阳县融媒体中心" in result.output
    result = runner.invoke(app, ["roster", "link", str(stray), "沭阳县卫生健康局", "--db", db])
    assert result.exit_code == 0 and "已将报告" in result.output

    out = tmp_path / "status.csv"
    result = runner.invoke(app, ["roster", "status", "--year", "2023", "--format", "csv", "-o", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert lines[0] == list(HEADERS)
    assert {line[0]: line[3] for line in lines[1:]}["沭阳县卫生健康局"] == "已发布"
    result = runner.invoke(app, ["roster", "status", "--year", "2023", "--db", db])
    assert result.exit_code == 0 and "未发布 4" in result.output

    with open_store(db) as store:
        other = report(store, "外省某某局", 2023, "2024-01-10", seed=9)
    result = runner.invoke(app, ["roster", "ignore", str(other), "--db", db])
    assert result.exit_code == 0 and "不在名单中" in result.output
    assert "所有报告都已匹配名单" in runner.invoke(app, ["roster", "unmatched", "--db", db]).output


@pytest.mark.parametrize("content, expected", [
    ("名称,截止日期\n甲局,明天\n", "第 2 行“截止日期”列"),
    ("地区\n某县\n", "缺少“名称”列"),
])
def test_cli_bad_roster_exits_2_without_traceback(tmp_path, content, expected):
    roster_file = tmp_path / "bad.csv"
    roster_file.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["roster", "import", str(roster_file), "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output


def test_cli_roster_file_missing_or_a_folder_exits_2(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["roster", "import", str(tmp_path / "无.csv"), "--db", str(tmp_path / "n.db")])
    assert missing.exit_code == 2 and "找不到名单文件" in missing.output
    folder = runner.invoke(app, ["roster", "import", str(tmp_path), "--db", str(tmp_path / "n.db")])
    assert folder.exit_code == 2 and "是文件夹" in folder.output


def test_cli_link_to_unknown_entry_exits_2(tmp_path):
    roster_file = tmp_path / "r.csv"
    roster_file.write_text(ROSTER_CSV, encoding="utf-8")
    db = str(tmp_path / "n.db")
    runner = CliRunner()
    runner.invoke(app, ["roster", "import", str(roster_file), "--db", db])
    result = runner.invoke(app, ["roster", "link", "1", "沭阳县人民政府", "--db", db])
    assert result.exit_code == 2 and "没有编号为 1 的报告" in result.output


# ------------------------------------------------------------------ schema, scope, audit
def test_migration_0008_matches_the_model_and_downgrades(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.store.models import Base

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "roster" in str(d)] == []
    tables_leave_and_return(store, "0007", {"roster_entries", "roster_links"})


def test_a_region_scope_sees_its_own_entries_and_reports(store):
    from nianbao.store.accounts import Principal, RegionScope

    imported(store)
    report(store, "沭阳县发改局", 2023, "2024-01-12", seed=1, province="江苏省", city="宿迁市", county="沭阳县")
    report(store, "福州市鼓楼区政府办", 2023, "2024-02-01", seed=4, province="福建省", city="福州市", county="鼓楼区")
    report(store, "鼓楼区融媒体中心", 2023, "2024-01-05", seed=5, province="福建省", city="福州市", county="鼓楼区")
    scoped = Principal("李四", "reviewer", RegionScope("江苏省", "宿迁市", "沭阳县"))
    rows = by_name(roster.status(store, 2023, scoped))
    assert set(rows) == {"沭阳县人民政府", "沭阳县发展和改革局", "沭阳县卫生健康局"}
    assert rows["沭阳县发展和改革局"].status == roster.STATUS_PUBLISHED
    assert roster.unmatched(store, 2023, scoped) == []  # the 福州 report is outside the scope
    assert [u.report.agency for u in roster.unmatched(store, 2023)] == ["鼓楼区融媒体中心"]


def test_imports_and_links_are_in_the_audit_log(store):
    from nianbao.store.accounts import audit_entries

    roster.import_roster(store, read_roster(ROSTER_CSV.encode()), author="王五", source="名单.csv")
    rid = report(store, "沭阳县融媒体中心", 2023, "2024-01-10")
    roster.link(store, rid, "沭阳县卫生健康局", author="张三")
    roster.unlink(store, rid)
    with store.session() as session:
        entries = [(e.author, e.action, e.target) for e in audit_entries(session)]
    assert entries == [("命令行", "roster.unlink", f"report {rid}"), ("张三", "roster.link", f"report {rid}"),
                       ("王五", "roster.import", "名单.csv")]


def test_cli_xlsx_needs_an_output_file_and_writes_the_workbook(tmp_path):
    db = str(tmp_path / "n.db")
    roster_file = tmp_path / "r.csv"
    roster_file.write_text(ROSTER_CSV, encoding="utf-8")
    runner = CliRunner()
    runner.invoke(app, ["roster", "import", str(roster_file), "--db", db])
    refused = runner.invoke(app, ["roster", "status", "--year", "2023", "--format", "xlsx", "--db", db])
    assert refused.exit_code == 2 and "-o" in refused.output
    out = tmp_path / "名单.xlsx"
    result = runner.invoke(app, ["roster", "status", "--year", "2023", "--format", "xlsx", "-o", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert load_workbook(out)["汇总"]["B2"].value == 5
    missing = runner.invoke(app, ["roster", "status", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "找不到数据库文件" in missing.output
