"""Doubt travels into the checks: a finding that rests on a guessed cell is a warning that
asks to check the source, names the cell in Chinese and shows both readings."""

from __future__ import annotations

import json
import re

import pytest

from typer.testing import CliRunner

from nianbao.checks import check, has_errors, report_from_json
from nianbao.checks.labels import short_cell_name
from nianbao.cli import app

from .checks_helpers import gold_json
from .conftest import CORPUS

PATH = "t3.new_received.natural_person"


def _guessed(data: dict, path: str, value, alternatives=()) -> dict:
    """Gold data with `path` set to `value` and flagged as the parser's guess (as parse JSON says it)."""
    table, row, column = path.split(".")
    data[table][row][column] = value
    data.setdefault("cells", {})[path] = {"value": value, "raw": str(value), "uncertain": True,
                                          "alternatives": list(alternatives)}
    data["uncertain"] = sorted(set(data.get("uncertain") or []) | {path})
    return data


def _broken_pingtan(uncertain: bool):
    """pingtan 2022 with 新收/自然人 read 17 instead of 71: T3.IDENTITY and T3.ROW_TOTAL break."""
    data = gold_json("pingtan-2022.json")
    assert data["t3"]["new_received"]["natural_person"] == 71
    if uncertain:
        return report_from_json(_guessed(data, PATH, 17, (71,)))
    data["t3"]["new_received"]["natural_person"] = 17
    return report_from_json(data)


def _relation_findings(report):
    return [f for f in check(report) if f.code in ("T3.IDENTITY", "T3.ROW_TOTAL") and PATH in f.cells]


def test_a_broken_relation_with_only_certain_cells_is_an_error():
    findings = _relation_findings(_broken_pingtan(uncertain=False))
    assert {f.code for f in findings} == {"T3.IDENTITY", "T3.ROW_TOTAL"}
    assert all(f.severity == "error" and "请核对原文" not in f.message for f in findings)


def test_a_broken_relation_with_a_guessed_cell_is_a_warning_naming_it_with_both_readings():
    report = _broken_pingtan(uncertain=True)
    findings = _relation_findings(report)
    assert {f.code for f in findings} == {"T3.IDENTITY", "T3.ROW_TOTAL"}
    for f in findings:
        assert f.severity == "warning"
        assert "请核对原文" in f.message
        assert f"{short_cell_name(PATH)} 读作 17（另一可能读法：71）" in f.message
        assert "自然人" in f.message and not re.search(r"[a-z_]+\.[a-z_]+", f.message)  # no internal keys
    assert not has_errors(check(report))


def test_without_alternatives_the_guess_is_still_named():
    data = _guessed(gold_json("pingtan-2022.json"), "t4.review.total", 9)
    finding = next(f for f in check(report_from_json(data)) if f.code == "T4.TOTAL")
    assert finding.severity == "warning" and "行政复议/总计 读作 9" in finding.message
    assert "另一可能读法" not in finding.message


def test_a_guess_that_balances_gives_no_finding():
    data = _guessed(gold_json("pingtan-2022.json"), PATH, 71, (17,))
    findings = check(report_from_json(data))
    assert not [f for f in findings if PATH in f.cells and f.code != "CELL.UNCERTAIN"]


def test_an_error_on_one_guessed_cell_is_a_warning_too():
    # CELL.NEGATIVE is an error on a printed value, a warning on a guessed one.
    data = _guessed(gold_json("pingtan-2022.json"), "t4.review.pending", -1, (1,))
    findings = [f for f in check(report_from_json(data)) if f.code == "CELL.NEGATIVE"]
    assert findings and all(f.severity == "warning" and "尚未审结" in f.message and "请核对原文" in f.message
                            for f in findings)


def test_cross_year_finding_on_a_guessed_cell_names_it():
    now_data = _guessed(gold_json("pingtan-2022.json"), "t3.carried_over.natural_person", 4, (1,))
    last = gold_json("pingtan-2022.json")
    last["year"] -= 1
    last["t3"]["carried_forward"] = dict(last["t3"]["carried_over"])
    last["t3"]["carried_forward"]["natural_person"] = 1
    finding = next(f for f in check(report_from_json(now_data), [report_from_json(last)]) if f.code == "CROSS.CARRY_OVER")
    assert "请核对原文" in finding.message and "读作 4（另一可能读法：1）" in finding.message


def test_chinese_labels_for_both_editions_columns():
    # 表二 规章 has other columns in 2021 than in 2019; neither is shown by its key.
    assert short_cell_name("t2.regulations.issued") == "规章/本年制发件数"
    assert short_cell_name("t2.regulations.new_made") == "规章/本年新制作数量"


def test_nianbao_check_exits_0_when_the_only_broken_relation_rests_on_a_guess(tmp_path):
    path = tmp_path / "guessed.json"
    path.write_text(json.dumps(_guessed(gold_json("pingtan-2022.json"), PATH, 17, (71,)), ensure_ascii=False),
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)[0]
    assert record["n_uncertain"] == 1
    assert any(f["code"] == "T3.IDENTITY" and f["severity"] == "warning" for f in record["findings"])


# --------------------------------------------------------------------------- headlines

@pytest.mark.parametrize("message,expected", [
    ("共 135 个单元格未填数字（空白 135 格），空白不等于零：表三“一、本年新收政府信息公开申请数量”行 2 格；"
     "表三“二、上年结转政府信息公开申请数量”行 5 格；表三“（一）予以公开”行 3 格", "共 135 个单元格未填数字，空白不等于零"),
    ("正文称收到申请数为 3（“2024年,我局共收到政府信息公开申请3份,其中法人申请1件、自然人申请2件,均依法予以办结”），"
     "与统计表 0 不一致", "正文称收到申请数为 3，与统计表 0 不一致"),
    ("一、本年新收政府信息公开申请数量行勾稽关系不成立：自然人＋商业企业＋科研机构＋社会公益组织＋法律服务机构＋其他 ＝ 3，"
     "而 总计 ＝ 0，相差 3（请核对原文：表三“（一）予以公开”行“自然人”列为解析推测值）",
     "一、本年新收政府信息公开申请数量行勾稽关系不成立（请核对原文）"),
    ("章节标题或编号与国家格式不同（或在转换中丢失），按内容核对：第四部分标题印为“四、政府信息公开行政法复议、行政诉讼情况”"
     "（格式为“四、政府信息公开行政复议、行政诉讼情况”）",
     "章节标题或编号与国家格式不同，按内容核对：第四部分标题印为“四、政府信息公开行政法复议、行政诉讼情况”"),
    ("短消息不变", "短消息不变"),
])
def test_a_finding_headline_keeps_the_point_and_leaves_details_for_later(message, expected):
    from nianbao.checks.finding import HEADLINE_MAX, headline

    head = headline(message)
    assert head == expected
    assert len(head) <= HEADLINE_MAX + len("（请核对原文）")


def test_check_lists_one_line_per_finding_and_the_whole_message_on_request(run_cli):
    from nianbao.checks import check
    from nianbao.parser import parse

    source = CORPUS / "dev" / "pingtan-2019.txt"
    finding = next(f for f in check(parse(source)) if f.code == "CELL.UNCERTAIN")
    assert finding.summary != finding.message and finding.summary in run_cli("check", source).stdout.replace("\n", "")
    brief = run_cli("check", source).stdout
    full = run_cli("check", "--details", source).stdout
    assert "表二“政府集中采购”行" not in brief and "--details" in brief
    assert "表二“政府集中采购”行" in full.replace("│", "").replace(" ", "").replace("\n", "")
