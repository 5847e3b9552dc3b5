"""Scores: the rubric file, the scoring of findings, rankings, `nianbao score` and the evaluation workbook."""

from __future__ import annotations

import io
import random
from pathlib import Path

import openpyxl
import pytest

from nianbao import scores
from nianbao.checks import Finding
from nianbao.checks.doubt import CHECK_SOURCE
from nianbao.scores import RubricError, default_rubric, load_rubric, rank, rubric_from_text, score_report
from nianbao.store.synth import report_data

from .store_support import guessed_data, store_fixture, write_report  # noqa: F401 — the `store` fixture

ROOT = Path(__file__).resolve().parents[1]

# A rubric made for the tests: small numbers whose sums are easy to check by hand.
TEST_RUBRIC = """\
name: 测试细则
doubtful: 0
dimensions:
  - key: accuracy
    name: 数据准确
    full_mark: 10
    cap: 6
    deductions:
      T3.IDENTITY: {each: 2, max: 4}
      T3.ROW_TOTAL: 3
      CELL.NEGATIVE: 3
  - key: timeliness
    name: 时效性
    full_mark: 5
    deductions:
      DEADLINE.LATE: 5
"""


def finding(code: str, message: str = "说明", cells=()) -> Finding:
    return Finding(code, message, "message", list(cells))


# --------------------------------------------------------------------------- the rubric


def test_the_default_rubric_is_the_documented_example():
    assert (ROOT / "docs" / "评分细则.yaml").read_bytes() == (ROOT / "src" / "nianbao" / "rubric.yaml").read_bytes()
    rubric = default_rubric()
    assert [d.name for d in rubric.dimensions] == ["时效性", "格式规范", "数据准确", "内容完整"]
    assert rubric.full_mark == 100
    late = rubric.dimensions[0].deductions["DEADLINE.LATE"]
    assert (late.each, late.per, late.max) == (2, "week", 10)
    identity = rubric.dimensions[2].deductions["T3.IDENTITY"]
    assert (identity.each, identity.max) == (2, 10)
    assert load_rubric(ROOT / "docs" / "评分细则.yaml") == scores.Rubric(
        rubric.name, rubric.dimensions, rubric.doubtful, str(ROOT / "docs" / "评分细则.yaml"))


@pytest.mark.parametrize("text, line, words", [
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n      T3.IDENTIT: 2\n",
     6, "dimensions[0].deductions.T3.IDENTIT：不是已知的问题规则代码"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    cap: 20\n", 5, "dimensions[0].cap：应为不小于 0、不大于 10 的数"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n      CELL.NEGATIVE: {each: 两分}\n",
     6, "CELL.NEGATIVE.each：应为数字"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n      CELL.NEGATIVE: 1\n      CELL.NEGATIVE: 2\n",
     7, "CELL.NEGATIVE 重复出现"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n      CELL.NEGATIVE: 1\n"
     "  - key: b\n    name: B\n    full_mark: 5\n    deductions:\n      CELL.NEGATIVE: 2\n",
     11, "已在维度“A”中扣分"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    colour: red\n", 5, "dimensions[0].colour：未知的键"),
    ("dimensions:\n  - key: a\n    name: A\n", 2, "dimensions[0]：缺少 full_mark"),
    ("doubtful: 2\ndimensions: []\n", 1, "doubtful：应为不小于 0、不大于 1 的数"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n      CELL.NEGATIVE: {per_day: 1, max: 5}\n",
     6, "CELL.NEGATIVE.per_day：只有 DEADLINE.LATE 可按逾期天数扣分"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n      DEADLINE.LATE: {per_day: 1}\n",
     6, "DEADLINE.LATE：按逾期天数扣分须写上限 max"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n"
     "      DEADLINE.LATE: {per_day: 1, per_week: 5, max: 5}\n", 6, "per_day、per_week 与 each 只能写一个"),
    ("dimensions:\n  - key: a\n    name: A\n    full_mark: 10\n    deductions:\n      DEADLINE.LATE: {per_week: -1, max: 5}\n",
     6, "DEADLINE.LATE.per_week：应为不小于 0"),
    ("dimensions: [\n", 2, "不是有效的 YAML"),
])
def test_a_mistake_in_the_rubric_is_named_by_line_and_key(text, line, words):
    with pytest.raises(RubricError) as caught:
        rubric_from_text(text, "细则.yaml")
    message = caught.value.message_zh
    assert message.startswith("评分细则 细则.yaml ") and f"第 {line} 行" in message and words in message, message


def test_a_rubric_without_dimensions_is_refused():
    with pytest.raises(RubricError, match="至少含一个维度"):
        rubric_from_text("name: 空\n", "x.yaml")


# --------------------------------------------------------------------------- scoring


def test_deductions_follow_the_rule_and_dimension_caps():
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    findings = [finding("T3.IDENTITY"), finding("T3.IDENTITY"), finding("T3.IDENTITY"), finding("CELL.NEGATIVE"),
                finding("SECTION.MISSING"), finding("DEADLINE.LATE")]
    result = score_report(rubric, findings)
    accuracy, timeliness = result.dimensions
    # 2 + 2, the third identity finding is over the rule's 4; 3 more would pass the dimension's cap 6.
    assert [item.points for item in accuracy.items] == [2, 2, 0, 2]
    assert "该项已达上限 4 分" in accuracy.items[2].reason and "本维度已达扣分上限 6 分" in accuracy.items[3].reason
    assert (accuracy.deducted, accuracy.score) == (6, 4)
    assert (timeliness.deducted, timeliness.score) == (5, 0)
    assert (result.total, result.full_mark) == (4, 15)
    assert [f.code for f in result.unscored] == ["SECTION.MISSING"]


def test_a_dismissed_finding_does_not_deduct_and_a_confirmed_one_does():
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    findings = [finding("T3.ROW_TOTAL"), finding("CELL.NEGATIVE")]
    assert score_report(rubric, findings, ["驳回", None]).total == 15 - 3
    result = score_report(rubric, findings, ["dismissed", "confirmed"])
    assert [i.points for i in result.dimensions[0].items] == [0, 3]
    assert result.dimensions[0].items[0].reason == "审核驳回，不扣分"
    with pytest.raises(ValueError, match="未知的审核结论"):
        score_report(rubric, findings, ["maybe", None])


def test_a_finding_on_a_guessed_value_deducts_only_once_confirmed():
    doubtful = finding("T3.ROW_TOTAL", f"勾稽关系不成立（{CHECK_SOURCE}：……）")
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    pending = score_report(rubric, [doubtful]).dimensions[0].items[0]
    assert pending.points == 0 and "确认前不扣分" in pending.reason
    assert score_report(rubric, [doubtful], ["确认"]).dimensions[0].items[0].points == 3
    half = rubric_from_text(TEST_RUBRIC.replace("doubtful: 0", "doubtful: 0.5"), "t")
    assert score_report(half, [doubtful]).dimensions[0].items[0].points == 1.5


def test_ranking_within_groups_shares_places_on_ties():
    entries = [("甲", "a", 90), ("乙", "a", 95), ("丙", "a", 90), ("丁", "a", 80), ("戊", "b", 70)]
    ranked = rank(entries, group=lambda e: e[1], total=lambda e: e[2])
    assert [(r.group, r.rank, r.entry[0]) for r in ranked] == [
        ("a", 1, "乙"), ("a", 2, "甲"), ("a", 2, "丙"), ("a", 4, "丁"), ("b", 1, "戊")]


# --------------------------------------------------------------------------- stored reports


def _reports(store) -> dict[str, int]:
    """Three reports of 2023 made for the test, in two regions: their ids by agency.

    财政局 has one number of table 三 raised by 5 (its row total and its column's identity fail),
    统计局 published late, 洪泽区 is clean."""
    rng = random.Random(7)
    broken = report_data(rng, "莆田市财政局", 2023)
    broken["published"] = "2024-01-20"
    broken["t3"]["new_received"]["natural_person"] += 5
    broken["cells"] = {"t3.new_received.natural_person": {
        "value": broken["t3"]["new_received"]["natural_person"], "raw": str(broken["t3"]["new_received"]["natural_person"]),
        "location": {"page": 3, "start": 1203, "end": 1205}}}
    late = report_data(rng, "莆田市统计局", 2023)
    late["published"] = "2024-03-15"
    clean = report_data(rng, "淮安市洪泽区人民政府", 2023)
    clean["published"] = "2024-03-01"
    for data in (broken, late):
        data["region"] = {"province": "福建省", "city": "莆田市"}
    clean["region"] = {"province": "江苏省", "city": "淮安市", "county": "洪泽区"}
    return {data["agency"]: write_report(store, data) for data in (broken, late, clean)}


def test_stored_reports_are_scored_and_ranked(store):
    from nianbao.store.scoring import rank_reports, score_store

    ids = _reports(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    scored = {r.agency: r for r in score_store(store, rubric)}
    broken = scored["莆田市财政局"]
    assert [(i.finding.code, i.points) for i in broken.score.dimensions[0].items] == [("T3.IDENTITY", 2), ("T3.ROW_TOTAL", 3)]
    assert broken.score.total == 10
    assert scored["莆田市统计局"].score.total == 10 and scored["莆田市统计局"].score.dimensions[1].score == 0
    assert scored["淮安市洪泽区人民政府"].score.total == 15
    assert (broken.region, scored["淮安市洪泽区人民政府"].region) == ("福建省莆田市", "江苏省淮安市洪泽区")
    by_region = [(r.group, r.rank, r.entry.agency) for r in rank_reports(list(scored.values()), "region")]
    # A tie shares the place; groups are a year and a region.
    assert sorted(by_region) == [((2023, "江苏省淮安市洪泽区"), 1, "淮安市洪泽区人民政府"),
                                 ((2023, "福建省莆田市"), 1, "莆田市统计局"), ((2023, "福建省莆田市"), 1, "莆田市财政局")]
    assert {r.entry.id for r in rank_reports(list(scored.values()), "level")} == set(ids.values())
    assert score_store(store, rubric, year=2022) == []


def test_a_dismissed_finding_in_the_store_stops_deducting(store):
    from nianbao.store.review import findings_with_verdicts, set_verdict
    from nianbao.store.scoring import score_store

    report_id = _reports(store)["莆田市财政局"]
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    with store.session() as session:
        row_total = next(f for f in findings_with_verdicts(session, report_id) if f["code"] == "T3.ROW_TOTAL")
        set_verdict(session, row_total["id"], "驳回", "审核人甲", note="表内合计行另有说明")
        session.commit()
    broken = next(r for r in score_store(store, rubric) if r.id == report_id)
    assert broken.score.total == 13
    with store.session() as session:  # read in bulk, as the review workflow reads one report
        one_by_one = [(f["code"], tuple(f["cells"]), f["verdict"], f["reviewer"], f["note"])
                      for f in findings_with_verdicts(session, report_id)]
    assert [(f.code, f.cells, f.verdict, f.reviewer, f.note) for f in broken.findings] == one_by_one
    item = broken.score.dimensions[0].items[1]
    assert item.points == 0 and (item.finding.verdict, item.finding.reviewer) == ("dismissed", "审核人甲")


def test_a_finding_on_a_guessed_cell_does_not_deduct(store):
    from nianbao.store.scoring import score_store

    data = report_data(random.Random(3), "莆田市财政局", 2023)
    value = data["t3"]["new_received"]["natural_person"]
    write_report(store, guessed_data(data, {"t3.new_received.natural_person": (value + 5, (value,))}))
    [report] = score_store(store, rubric_from_text(TEST_RUBRIC, "t"))
    items = report.score.dimensions[0].items
    assert items and all(i.points == 0 and "请核对原文" in i.reason for i in items)
    assert report.score.dimensions[0].score == 10


# --------------------------------------------------------------------------- the workbook and the command


def _sheet_rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_the_evaluation_workbook(store, tmp_path):
    from nianbao.evaluation import write_evaluation
    from nianbao.store.scoring import score_store

    _reports(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    target = tmp_path / "评估结果.xlsx"
    write_evaluation(target, rubric, score_store(store, rubric, with_cells=True), "region")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", "数据准确", "时效性", "未计分问题", "评分细则"]
    summary = _sheet_rows(book["汇总"])
    assert summary[0][:8] == ("名次", "年度", "分组（地区）", "机关", "地区", "层级", "发布日期", "总分（满分 15）")
    assert summary[0][8:10] == ("数据准确（满分 10）", "时效性（满分 5）")
    totals = {row[3]: (row[0], row[7]) for row in summary[1:]}
    assert totals == {"莆田市财政局": (1, 10), "莆田市统计局": (1, 10), "淮安市洪泽区人民政府": (1, 15)}
    sheet = book["数据准确"]
    header, *rows = _sheet_rows(sheet)
    column = {name: i for i, name in enumerate(header)}
    identity = next(r for r in rows if r[column["规则代码"]] == "T3.IDENTITY")
    assert identity[column["级别"]] == "错误" and identity[column["扣分"]] == 2 and identity[column["审核结论"]] == "待核"
    labels = identity[column["单元格"]].split("\n")
    assert "表三“一、本年新收政府信息公开申请数量”行“自然人”列" in labels
    where = identity[column["读取位置"]].split("\n")[labels.index("表三“一、本年新收政府信息公开申请数量”行“自然人”列")]
    assert where == "第 3 页，原文第 1204–1205 字"
    assert not any("t3." in str(value) for value in identity)  # labels, never keys
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        assert ws["A1"].font.bold
    cells_column = openpyxl.utils.get_column_letter(column["单元格"] + 1)
    message_column = openpyxl.utils.get_column_letter(column["问题"] + 1)
    assert sheet.column_dimensions[message_column].width >= 40  # sized to the long messages
    assert sheet.column_dimensions["A"].width < 10
    assert sheet[f"{cells_column}2"].alignment.wrap_text  # several cells, one a line
    assert any("DEADLINE.LATE" in row for row in _sheet_rows(book["时效性"]))
    assert ("数据准确", 10, 6, "T3.IDENTITY", "表三每列：一＋二＝（七）总计＋四", "每处扣 2 分，该项最多扣 4 分") in \
        _sheet_rows(book["评分细则"])


def test_score_command(run_cli, tmp_path):
    from nianbao.store import open_store

    db = tmp_path / "n.db"
    with open_store(db) as store:
        _reports(store)
    rubric = tmp_path / "细则.yaml"
    rubric.write_text(TEST_RUBRIC, encoding="utf-8")
    out = tmp_path / "评估结果.xlsx"
    result = run_cli("score", "--db", db, "--rubric", rubric, "--by", "层级", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "测试细则" in result.stdout and "莆田市财政局" in result.stdout and "已写入评估结果" in result.stderr
    assert openpyxl.load_workbook(out)["汇总"]["C1"].value == "分组（层级）"
    default = run_cli("score", "--db", db)
    assert default.returncode == 0 and "格式规范" in default.stdout
    other_year = run_cli("score", "--db", db, "--year", "2022")
    assert other_year.returncode == 0 and "没有可评分的报告" in other_year.stderr and "莆田市财政局" not in other_year.stdout
    missing = run_cli("score", "--db", tmp_path / "无此库.db")
    assert missing.returncode == 2 and "找不到数据库文件" in missing.stderr and not (tmp_path / "无此库.db").exists()


@pytest.mark.parametrize("args, words", [
    (["--by", "省份"], "--by 应为 地区 或 层级"),
    (["-o", "x.csv"], "只能写成 .xlsx"),
    (["--rubric", "missing.yaml"], "无法读取评分细则"),
])
def test_score_command_refuses_bad_options(run_cli, tmp_path, args, words):
    from nianbao.store import open_store

    db = tmp_path / "n.db"
    open_store(db).close()
    result = run_cli("score", "--db", db, *args, cwd=tmp_path)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def test_score_command_names_the_bad_rubric_line(run_cli, tmp_path):
    from nianbao.store import open_store

    db = tmp_path / "n.db"
    open_store(db).close()
    rubric = tmp_path / "细则.yaml"
    rubric.write_text(TEST_RUBRIC.replace("CELL.NEGATIVE: 3", "CELL.NEGATIV: 3"), encoding="utf-8")
    result = run_cli("score", "--db", db, "--rubric", rubric)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "第 11 行" in result.stderr and "CELL.NEGATIV" in result.stderr


def test_the_inspection_workbook_names_cells_as_the_evaluation_does(tmp_path):
    from nianbao.checks import check, report_from_json
    from nianbao.checks.workbook import write_workbook

    data = report_data(random.Random(5), "莆田市财政局", 2023)
    data["t3"]["new_received"]["natural_person"] += 5
    data["cells"] = {"t3.new_received.natural_person": {"value": data["t3"]["new_received"]["natural_person"], "raw": "1 2",
                                                        "location": {"page": 2, "start": 10, "end": 13}}}
    report = report_from_json(data)
    target = tmp_path / "检查.xlsx"
    write_workbook(target, [(report, check(report))])
    sheet = openpyxl.load_workbook(target)["问题 findings"]
    header, *rows = _sheet_rows(sheet)
    column = {name: i for i, name in enumerate(header)}
    row_total = next(r for r in rows if r[column["代码 code"]] == "T3.ROW_TOTAL")
    labels = row_total[column["单元格 cells"]].split("\n")
    at = labels.index("表三“一、本年新收政府信息公开申请数量”行“自然人”列")
    assert row_total[column["原文数值 printed"]].split("\n")[at] == "1 2"
    assert row_total[column["读取位置 where read"]].split("\n")[at] == "第 2 页，原文第 11–13 字"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    cells_column = openpyxl.utils.get_column_letter(column["单元格 cells"] + 1)
    row_number = rows.index(row_total) + 2
    assert sheet[f"{cells_column}{row_number}"].alignment.wrap_text


# --------------------------------------------------------------------------- the web app


def test_a_scoped_principal_scores_only_its_region(store):
    from nianbao.store.accounts import Principal, RegionScope
    from nianbao.store.scoring import score_store

    _reports(store)
    putian = Principal("审核人乙", "reviewer", RegionScope("福建省", "莆田市"))
    scored = score_store(store, rubric_from_text(TEST_RUBRIC, "t"), principal=putian)
    assert sorted(r.agency for r in scored) == ["莆田市统计局", "莆田市财政局"]


def test_web_scores_page_api_and_workbook(tmp_path):
    from fastapi.testclient import TestClient

    from nianbao.web.app import create_app

    app = create_app(str(tmp_path / "web.db"))
    _reports(app.state.store.store)
    client = TestClient(app)
    data = client.get("/api/scores", params={"by": "层级", "year": "2023"}).json()
    assert data["by"] == "level" and data["full_mark"] == 100 and [d["name"] for d in data["dimensions"]][0] == "时效性"
    by_agency = {item["agency"]: item for item in data["items"]}
    assert by_agency["莆田市统计局"]["scores"]["timeliness"] == 0 and by_agency["莆田市统计局"]["group"] == "部门"
    assert by_agency["莆田市财政局"]["scores"]["accuracy"] == 40 - 2 - 2  # one identity, one row total
    assert client.get("/api/scores", params={"year": "2022"}).json()["items"] == []
    bad = client.get("/api/scores", params={"by": "省份"})
    assert bad.status_code == 400 and "地区" in bad.text
    assert client.get("/api/scores", params={"year": "二〇二三"}).status_code == 400
    html = client.get("/scores").text
    assert "评分排名" in html and "莆田市财政局" in html and "福建省莆田市" in html and "/api/scores.xlsx?by=region" in html
    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/scores.xlsx", params={"by": "地区"}).content))
    assert book.sheetnames[:5] == ["汇总", "时效性", "格式规范", "数据准确", "内容完整"]
    assert book["汇总"]["C1"].value == "分组（地区）"


def test_serve_takes_a_rubric(run_cli, tmp_path, monkeypatch):
    from nianbao.cli.web import app_from_env

    bad = tmp_path / "坏细则.yaml"
    bad.write_text("dimensions: []\n", encoding="utf-8")
    refused = run_cli("serve", "--db", tmp_path / "n.db", "--rubric", bad, "--port", "1")
    assert refused.returncode == 2 and "评分细则" in refused.stderr and "Traceback" not in refused.stderr
    good = tmp_path / "细则.yaml"
    good.write_text(TEST_RUBRIC, encoding="utf-8")
    monkeypatch.setenv("NIANBAO_WEB_DB", str(tmp_path / "n.db"))
    monkeypatch.setenv("NIANBAO_WEB_RUBRIC", str(good))
    from fastapi.testclient import TestClient

    client = TestClient(app_from_env())
    assert client.get("/api/scores").json()["rubric"] == "测试细则"


def test_dimension_sheets_are_named_as_excel_allows(tmp_path):
    from nianbao.evaluation import write_evaluation

    text = TEST_RUBRIC.replace("name: 数据准确", "name: 数据/准确").replace("name: 时效性", "name: 数据/准确")
    target = tmp_path / "e.xlsx"
    write_evaluation(target, rubric_from_text(text, "t"), [], "level")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", "数据_准确", "数据_准确(2)", "未计分问题", "评分细则"]
    assert book["汇总"]["C1"].value == "分组（层级）" and book["汇总"].max_row == 1


def test_a_streamed_list_sheet_keeps_the_finish_past_its_sample(tmp_path):
    from openpyxl import Workbook

    from nianbao.sheets import MAX_WIDTH, SAMPLE_ROWS, StreamedListSheet

    book = Workbook(write_only=True)
    sheet = StreamedListSheet(book.create_sheet("清单"), ("序号", "说明 note", "单元格"))
    rows = [(n, "短" if n < SAMPLE_ROWS else "很长的说明" * 40, f"第{n}行\n第{n + 1}行" if n % 2 else "一格")
            for n in range(SAMPLE_ROWS + 100)]
    for row in rows:
        sheet.append(row)
    sheet.close()
    book.save(tmp_path / "清单.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "清单.xlsx")["清单"]
    assert [tuple(r) for r in ws.iter_rows(min_row=2, values_only=True)] == rows
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:C{len(rows) + 1}" and ws["B1"].font.bold
    # Widths are judged on the first SAMPLE_ROWS rows, as finish_list_sheet judges them: the long
    # notes after them wrap in a column that stays narrow rather than widening it.
    assert ws.column_dimensions["B"].width < MAX_WIDTH and not ws[f"B{SAMPLE_ROWS + 50}"].alignment.wrap_text
    assert ws["C3"].alignment.wrap_text and not ws["C2"].alignment.wrap_text  # several lines wrap


def test_the_evaluation_workbook_takes_a_stream_of_reports(store, tmp_path):
    from nianbao.evaluation import write_evaluation
    from nianbao.store.scoring import iter_scored, score_store

    _reports(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    write_evaluation(tmp_path / "list.xlsx", rubric, score_store(store, rubric, with_cells=True), "level")
    stream = iter_scored(store, rubric, with_cells=True)
    assert not isinstance(stream, list)
    write_evaluation(tmp_path / "stream.xlsx", rubric, stream, "level")
    listed, streamed = (openpyxl.load_workbook(tmp_path / name) for name in ("list.xlsx", "stream.xlsx"))
    assert listed.sheetnames == streamed.sheetnames
    for name in listed.sheetnames:
        assert _sheet_rows(listed[name]) == _sheet_rows(streamed[name])
    assert [(row[0], row[7]) for row in _sheet_rows(streamed["汇总"])[1:]] == [(1, 15), (1, 10), (1, 10)]  # 县 alone; 部门 tie


def _late_finding(published: str):
    """A DEADLINE.LATE finding as checks/deadline.py words it (a department: due 31 January)."""
    from nianbao.checks import deadline, report_from_json

    data = report_data(random.Random(5), "莆田市统计局", 2023)
    data["published"] = published
    [late] = deadline.check(report_from_json(data))
    assert late.code == "DEADLINE.LATE"
    return late


@pytest.mark.parametrize("published, days, by_day, by_week", [
    ("2024-02-01", 1, 0.5, 2),      # a started week counts whole
    ("2024-02-07", 7, 3.5, 2),
    ("2024-02-08", 8, 4, 4),
    ("2024-03-15", 44, 6, 6),       # both at the rule's cap
])
def test_lateness_is_graded_per_day_or_week_up_to_the_cap(published, days, by_day, by_week):
    late = _late_finding(published)
    assert scores.days_late(late) == days
    per_day = rubric_from_text(TEST_RUBRIC.replace("DEADLINE.LATE: 5", "DEADLINE.LATE: {per_day: 0.5, max: 6}")
                               .replace("full_mark: 5", "full_mark: 6"), "t")
    per_week = rubric_from_text(TEST_RUBRIC.replace("DEADLINE.LATE: 5", "DEADLINE.LATE: {per_week: 2, max: 6}")
                                .replace("full_mark: 5", "full_mark: 6"), "t")
    day_item = score_report(per_day, [late]).dimensions[1].items[0]
    week_item = score_report(per_week, [late]).dimensions[1].items[0]
    assert (day_item.points, week_item.points) == (by_day, by_week)
    assert f"逾期 {days} 天" in day_item.reason and "每逾期一天扣 0.5 分" in day_item.reason
    assert "不足一周按一周计" in week_item.reason
    if days == 44:
        assert "该项已达上限 6 分" in week_item.reason


def test_a_late_finding_without_dates_counts_one_period():
    rubric = rubric_from_text(TEST_RUBRIC.replace("DEADLINE.LATE: 5", "DEADLINE.LATE: {per_week: 2, max: 4}"), "t")
    item = score_report(rubric, [finding("DEADLINE.LATE", "发布晚于期限")]).dimensions[1].items[0]
    assert item.points == 2 and "逾期天数不详，按一周计" in item.reason


def test_the_default_rubric_grades_lateness_by_the_week():
    item = score_report(default_rubric(), [_late_finding("2024-02-20")]).dimensions[0].items[0]
    assert item.points == 6 and item.reason.startswith("逾期 20 天")  # three started weeks, 2 each
