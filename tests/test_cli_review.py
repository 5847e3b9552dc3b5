"""`nianbao review …` through the real console entry point."""

from __future__ import annotations

import json

import pytest

from nianbao.store import open_store, review
from nianbao.store.models import StoredReport

from .test_review import two_counties


@pytest.fixture
def database(tmp_path):
    """Two reports of two counties, each with three errors; their ids by county."""
    target = tmp_path / "review.db"
    return str(target), two_counties(target)


def state(target: str, report_id: int) -> tuple[dict, dict, int]:
    store = open_store(target)
    try:
        with store.session() as session:
            findings = {f["code"]: f for f in review.findings_with_verdicts(session, report_id)}
            return review.report_review(session, report_id), findings, session.get(StoredReport, report_id).n_errors
    finally:
        store.close()


def test_review_commands_set_verdicts_status_and_assignment(database, run_cli):
    target, ids = database
    _, findings, errors = state(target, ids["甲县"])
    listed = run_cli("review", "list", "--db", target, "--findings", "--rule", "T4.TOTAL", "--json")
    assert listed.returncode == 0, listed.stderr
    keys = {item["report_id"]: item["key"] for item in json.loads(listed.stdout)}
    assert set(keys) == set(ids.values())
    dismissed = run_cli("review", "finding", keys[ids["甲县"]], "--dismiss", "--note", "印刷如此", "--reviewer", "张三",
                        "--db", target)
    assert dismissed.returncode == 0 and "驳回" in dismissed.stderr
    assert "表四每组" in dismissed.stderr  # the rule by its Chinese title
    confirmed = run_cli("review", "finding", str(findings["T3.IDENTITY"]["id"]), "--confirm", "--db", target)
    assert confirmed.returncode == 0, confirmed.stderr
    assert run_cli("review", "report", ids["甲县"], "--status", "已审", "--reviewer", "张三", "--db", target).returncode == 0
    assert run_cli("review", "assign", ids["乙县"], "--to", "李四", "--db", target).returncode == 0
    review_state, after, errors_after = state(target, ids["甲县"])
    assert (after["T4.TOTAL"]["verdict_label"], after["T4.TOTAL"]["reviewer"], after["T4.TOTAL"]["note"]) == ("驳回", "张三", "印刷如此")
    assert after["T3.IDENTITY"]["verdict"] == "confirmed" and after["T3.IDENTITY"]["reviewer"]  # the OS user
    assert errors_after == errors - 1
    assert (review_state["review_status_label"], review_state["status_by"]) == ("已审", "张三")
    assert state(target, ids["乙县"])[0]["assignee"] == "李四"
    table = run_cli("review", "list", "--db", target, "--status", "已审")
    assert table.returncode == 0 and "甲县人民政府" in table.stdout and "乙县人民政府" not in table.stdout


def test_bulk_dismisses_one_rule_within_a_region(database, run_cli):
    target, ids = database
    result = run_cli("review", "bulk", "--db", target, "--region", "乙县", "--verdict", "驳回", "--rule", "T3.ROW_TOTAL",
                     "--note", "口径不同")
    assert result.returncode == 0 and "已处理 1 个问题" in result.stderr
    assert state(target, ids["乙县"])[1]["T3.ROW_TOTAL"]["verdict"] == "dismissed"
    assert state(target, ids["甲县"])[1]["T3.ROW_TOTAL"]["verdict"] == "pending"


@pytest.mark.parametrize("args, message", [
    (("review", "finding", "99999", "--confirm"), "找不到问题"),
    (("review", "finding", "1", "--confirm", "--dismiss"), "只给出"),
    (("review", "report", "1", "--status", "finished"), "未知审核状态"),
    (("review", "report", "99999", "--status", "已审"), "找不到报告"),
    (("review", "bulk", "--verdict", "驳回", "--assign", "x"), "只给出"),
    (("review", "finding", "9" * 30, "--confirm"), "找不到问题"),  # beyond any row id: not found, not an overflow
    (("review", "report", str(2**40), "--status", "已审"), "找不到报告"),
    (("review", "assign", "1", "--to", "名" * 101), "姓名过长"),
])
def test_bad_requests_are_one_chinese_line_and_exit_2(database, run_cli, args, message):
    target, _ = database
    result = run_cli(*args, "--db", target)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
