"""Review status of findings and reports (store/review.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from nianbao.store import review
from nianbao.store.models import StoredReport

from .conftest import CORPUS
from .store_support import store_fixture, tables_leave_and_return, write_report  # noqa: F401 — the `store` fixture

# Three errors: T3.IDENTITY and T3.ROW_TOTAL (自然人 new requests off by 5), T4.TOTAL (复议 total off by 3).
BROKEN_RULES = {"T3.IDENTITY", "T3.ROW_TOTAL", "T4.TOTAL"}


def broken(name: str = "pingtan-2022.json", agency: str | None = None, county: str | None = None) -> dict:
    data = json.loads((CORPUS / "gold" / name).read_text(encoding="utf-8"))
    data["t3"]["new_received"]["natural_person"] += 5
    data["t4"]["review"]["total"] = (data["t4"]["review"].get("total") or 0) + 3
    if agency:
        data["agency"] = agency
    if county:
        data.setdefault("region", {})["county"] = county
    return data


def two_counties(target, parser_version: str | None = None) -> dict[str, int]:
    """A store at `target` with the broken report of 甲县 and of 乙县; their ids by county."""
    from nianbao.store import open_store

    store = open_store(target)
    try:
        return {name: write_report(store, broken(agency=f"{name}人民政府", county=name), name=f"{name}.txt",
                                   parser_version=parser_version)
                for name in ("甲县", "乙县")}
    finally:
        store.close()


def counts(store, report_id: int) -> tuple[int, int]:
    with store.session() as session:
        row = session.get(StoredReport, report_id)
        return row.n_errors, row.n_warnings


def by_code(store, report_id: int) -> dict[str, dict]:
    with store.session() as session:
        return {f["code"]: f for f in review.findings_with_verdicts(session, report_id)}


def judge(store, ident, verdict: str, note: str = "", report_id: int | None = None) -> dict:
    with store.session() as session, session.begin():
        return review.set_verdict(session, ident, verdict, "张审核", note, report_id=report_id)


def test_findings_start_pending_and_a_dismissed_one_stays_listed_but_stops_counting(store):
    report_id = write_report(store, broken())
    findings = by_code(store, report_id)
    assert BROKEN_RULES <= set(findings)
    assert {f["verdict_label"] for f in findings.values()} == {"待核"}
    errors, warnings = counts(store, report_id)
    judge(store, findings["T3.IDENTITY"]["id"], "确认", "核实属实")
    judge(store, findings["T4.TOTAL"]["key"], "驳回", "表格印刷如此")
    after = by_code(store, report_id)
    assert after["T3.IDENTITY"]["verdict"] == "confirmed" and after["T3.IDENTITY"]["counted"]
    assert after["T4.TOTAL"]["verdict_label"] == "驳回" and not after["T4.TOTAL"]["counted"]
    assert after["T4.TOTAL"]["reviewer"] == "张审核" and after["T4.TOTAL"]["note"] == "表格印刷如此"
    assert after["T4.TOTAL"]["decided_at"]
    assert counts(store, report_id) == (errors - 1, warnings)
    judge(store, findings["T4.TOTAL"]["key"], "待核")  # back to pending: counts again
    assert counts(store, report_id) == (errors, warnings)


def test_verdicts_outlive_a_reparse_by_a_newer_parser(store):
    data = broken()
    first = write_report(store, data, name="p.txt", parser_version="0.1.0")
    findings = by_code(store, first)
    errors, _ = counts(store, first)
    judge(store, findings["T3.ROW_TOTAL"]["key"], "dismissed")
    judge(store, findings["T3.IDENTITY"]["key"], "confirmed")
    again = write_report(store, data, name="p.txt", parser_version="0.2.0")
    assert again != first
    reparsed = by_code(store, again)
    assert reparsed["T3.ROW_TOTAL"]["key"] == findings["T3.ROW_TOTAL"]["key"]  # the key is stable
    assert reparsed["T3.ROW_TOTAL"]["verdict"] == "dismissed" and reparsed["T3.IDENTITY"]["verdict"] == "confirmed"
    assert counts(store, again)[0] == errors - 1
    # The key names the finding of the current parse.
    with store.session() as session:
        report, finding = review.find_finding(session, findings["T3.ROW_TOTAL"]["key"])
    assert (report.id, finding.code) == (again, "T3.ROW_TOTAL")


def test_unknown_findings_and_verdicts_are_refused_in_chinese(store):
    report_id = write_report(store, broken())
    with pytest.raises(review.ReviewError, match="未知审核意见"):
        judge(store, by_code(store, report_id)["T4.TOTAL"]["id"], "maybe")
    with pytest.raises(LookupError, match="找不到问题"):
        judge(store, "00000000-00000000", "确认")
    with pytest.raises(LookupError, match="找不到问题"):  # a finding of another report than the one named
        judge(store, by_code(store, report_id)["T4.TOTAL"]["id"], "确认", report_id=report_id + 1)


def test_report_status_and_assignment_survive_a_reparse_and_feed_the_queue(store):
    few = write_report(store, json.loads((CORPUS / "gold" / "hongze-2023.json").read_text(encoding="utf-8")))
    many = write_report(store, broken(), name="p.txt", parser_version="0.1.0")
    with store.session() as session, session.begin():
        assert review.report_review(session, many)["review_status_label"] == "未审"
        review.assign(session, many, "李四", "管理员")
        review.assign(session, few, "李四", "管理员")
        state = review.set_status(session, many, "审核中", "李四", "开始")
    assert (state["review_status"], state["status_by"], state["review_note"]) == ("in_review", "李四", "开始")
    with store.session() as session:
        queue = review.my_queue(session, "李四")
    assert [item["id"] for item in queue] == [many, few]  # most errors first
    again = write_report(store, broken(), name="p.txt", parser_version="0.2.0")
    with store.session() as session, session.begin():
        assert review.report_review(session, again)["assignee"] == "李四"
        review.set_status(session, again, "已审", "李四")
    with store.session() as session:
        assert [item["id"] for item in review.my_queue(session, "李四")] == [few]  # 已审 leaves the queue
        assert review.my_queue(session, "王五") == []
        assert review.review_count(session, review.Selection(status="已审")) == 1
        assert review.review_count(session, review.Selection(status="unreviewed")) == 1
    with store.session() as session, pytest.raises(review.ReviewError, match="未知审核状态"):
        review.set_status(session, few, "done", "李四")


def test_bulk_actions_cover_the_filtered_reports_only(store):
    ids = {name: write_report(store, broken(agency=f"{name}人民政府", county=name), name=f"{name}.txt")
           for name in ("甲县", "乙县")}
    with store.session() as session, session.begin():
        assert review.bulk_assign(session, review.Selection(region="甲县"), "李四", "管理员") == 1
        assert review.bulk_status(session, review.Selection(assignee="李四"), "审核中", "李四") == 1
        dismissed = review.bulk_verdict(session, review.Selection(), "驳回", "李四", "规则不适用", rule="T4.TOTAL")
    assert dismissed == 2
    with store.session() as session:
        listed = {item["id"]: item for item in review.review_list(session, review.Selection())}
        assert listed[ids["甲县"]]["review_status_label"] == "审核中" and listed[ids["甲县"]]["assignee"] == "李四"
        # 乙县 got its first verdict from the bulk action: 审核中 by itself, still nobody's.
        assert listed[ids["乙县"]]["review_status_label"] == "审核中" and listed[ids["乙县"]]["assignee"] is None
        found = review.findings_list(session, review.Selection(), verdict="驳回")
    assert {(f["report_id"], f["code"]) for f in found} == {(ids["甲县"], "T4.TOTAL"), (ids["乙县"], "T4.TOTAL")}
    assert all(f["note"] == "规则不适用" for f in found)
    # Each report lost exactly its one dismissed error.
    assert all(by_code(store, i)["T4.TOTAL"]["counted"] is False for i in ids.values())
    assert len({counts(store, i) for i in ids.values()}) == 1


def test_migration_0007_creates_and_drops_the_review_tables(store):
    tables_leave_and_return(store, "0006", {"finding_verdicts", "report_reviews"})


def test_a_scoped_reviewer_sees_and_writes_only_inside_the_scope_and_writes_are_audited(store):
    from nianbao.store.accounts import Principal, RegionScope, audit_entries

    ids = {name: write_report(store, broken(agency=f"{name}人民政府", county=name), name=f"{name}.txt")
           for name in ("甲县", "乙县")}
    reviewer = Principal("李四", "reviewer", RegionScope(county="甲县"))
    with store.session() as session, session.begin():
        assert review.bulk_status(session, review.Selection(principal=reviewer), "审核中", "李四") == 1
        listed = [item["id"] for item in review.review_list(session, review.Selection(principal=reviewer))]
        assert listed == [ids["甲县"]]
        with pytest.raises(LookupError, match="找不到报告"):
            review.set_status(session, ids["乙县"], "已审", "李四", principal=reviewer)
        with pytest.raises(LookupError, match="找不到报告"):
            review.findings_with_verdicts(session, ids["乙县"], principal=reviewer)
        other = review.findings_with_verdicts(session, ids["乙县"])[0]
        with pytest.raises(LookupError, match="找不到问题"):
            review.set_verdict(session, other["key"], "驳回", "李四", principal=reviewer)
        mine = review.findings_with_verdicts(session, ids["甲县"], principal=reviewer)[0]
        review.set_verdict(session, mine["key"], "驳回", "李四", "不适用", principal=reviewer)
    with store.session() as session:
        entries = [(e.author, e.action, e.detail) for e in audit_entries(session)]
    assert ("李四", "review.verdict", f"{mine['code']} 驳回：不适用") in entries
    assert ("李四", "review.bulk_status", "审核中") in entries


def test_the_linking_pass_keeps_a_dismissed_cross_year_finding_out_of_the_counts(store):
    import random

    from nianbao.store import linking
    from nianbao.store.corrections import add_correction

    from .store_support import report_pair

    previous, current = report_pair(random.Random(3), "福建省人民政府", {"natural_person": 7})
    write_report(store, previous, name="2022.json")
    report_id = write_report(store, current, name="2023.json")
    linking.link(store)
    carry = [f for f in by_code_all(store, report_id) if f["code"] == "CROSS.CARRY_OVER"]
    assert len(carry) == 2 and all(f["severity"] == "warning" for f in carry)
    _, warnings = counts(store, report_id)
    total = next(f for f in carry if f["cells"] == ["t3.carried_over.total"])
    judge(store, total["key"], "驳回", "上年数据口径调整")
    assert counts(store, report_id)[1] == warnings - 1
    # The previous year's total corrected: the pass rewrites this report's cross-year findings.
    add_correction(store, "2022.json", "t3.carried_forward.total", total["expected"] + 1)
    assert linking.link(store) >= 1
    rewritten = next(f for f in by_code_all(store, report_id) if f["cells"] == ["t3.carried_over.total"])
    assert rewritten["expected"] == total["expected"] + 1  # a new finding row …
    assert rewritten["verdict"] == "dismissed" and not rewritten["counted"]  # … with the same verdict
    assert counts(store, report_id)[1] == sum(f["counted"] and f["severity"] == "warning"
                                              for f in by_code_all(store, report_id))


def by_code_all(store, report_id: int) -> list[dict]:
    with store.session() as session:
        return review.findings_with_verdicts(session, report_id)


def test_the_review_tables_of_revision_0007_are_those_of_the_models(store):
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.store.models import Base

    with warnings.catch_warnings(), store.engine.connect() as connection:
        warnings.simplefilter("ignore")  # other tables' expression indexes cannot be reflected on SQLite
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "finding_verdicts" in str(d) or "report_reviews" in str(d)] == []


def test_once_accounts_exist_reports_go_only_to_reviewers_who_can_see_them(store):
    from nianbao.store.accounts import RegionScope, add_account

    ids = {name: write_report(store, broken(agency=f"{name}人民政府", county=name), name=f"{name}.txt")
           for name in ("甲县", "乙县")}
    with store.session() as session, session.begin():
        add_account(session, "审核丙", "pass-word-1", "reviewer", RegionScope(county="甲县"))
        add_account(session, "只读乙", "pass-word-1", "viewer")
    refusals = {
        "没有名为": lambda s: review.assign(s, ids["甲县"], "无此人", "管理员"),
        "只读账户": lambda s: review.assign(s, ids["甲县"], "只读乙", "管理员"),
        "不在“审核丙”的地区范围": lambda s: review.assign(s, ids["乙县"], "审核丙", "管理员"),
        "有 1 份不在": lambda s: review.bulk_assign(s, review.Selection(), "审核丙", "管理员"),
    }
    for message, action in refusals.items():
        with store.session() as session, pytest.raises(review.ReviewError, match=message):
            action(session)
    with store.session() as session, session.begin():
        assert review.bulk_assign(session, review.Selection(region="甲县"), "审核丙", "管理员") == 1
        assert review.assign(session, ids["乙县"], "", "管理员")["assignee"] is None  # taking back needs no account
    with store.session() as session:
        assert [item["id"] for item in review.my_queue(session, "审核丙")] == [ids["甲县"]]


def test_a_reports_first_verdict_moves_it_from_unreviewed_to_in_review_and_says_so(store):
    from sqlalchemy import select

    from nianbao.store.models import AuditEntry

    ids = {name: write_report(store, broken(agency=f"{name}人民政府", county=name), name=f"{name}.txt")
           for name in ("甲县", "乙县", "丙县")}
    judge(store, by_code(store, ids["甲县"])["T4.TOTAL"]["key"], "待核")  # no decision yet: stays 未审
    with store.session() as session:
        assert review.report_review(session, ids["甲县"])["review_status_label"] == "未审"
    judge(store, by_code(store, ids["甲县"])["T4.TOTAL"]["key"], "驳回", "印刷如此")
    with store.session() as session, session.begin():
        state = review.report_review(session, ids["甲县"])
        assert (state["review_status_label"], state["status_by"]) == ("审核中", "张审核") and state["status_at"]
        review.set_status(session, ids["乙县"], "已审", "李四")
    judge(store, by_code(store, ids["甲县"])["T3.IDENTITY"]["key"], "确认")  # a second verdict: no new entry
    with store.session() as session, session.begin():
        moved = review.bulk_verdict(session, review.Selection(), "确认", "王五", rule="T3.IDENTITY")
    assert moved == 3
    with store.session() as session:
        states = {name: review.report_review(session, i)["review_status_label"] for name, i in ids.items()}
        entries = session.execute(select(AuditEntry.action, AuditEntry.target, AuditEntry.author).where(
            AuditEntry.detail == review.FIRST_VERDICT_NOTE).order_by(AuditEntry.id)).all()
    assert states == {"甲县": "审核中", "乙县": "已审", "丙县": "审核中"}  # 已审 is never taken back
    assert [tuple(e) for e in entries] == [("review.status", f"report {ids['甲县']}", "张审核"),
                                          ("review.bulk_status", "1 reports", "王五")]


def test_a_review_row_written_first_by_another_reviewer_is_a_concurrent_change(store):
    """`reviewing` is the transaction the CLI and the web share: when the other reviewer's row for
    the same document lands between this one's read and its commit, the unique key fires at commit
    and the caller gets ConcurrentChange (reload and try again), not the driver's error."""
    from nianbao.store.models import ReportReview

    sha256 = "a" * 64
    with pytest.raises(review.ConcurrentChange, match="他人修改"):
        with review.reviewing(store, write=True) as mine:
            mine.add(ReportReview(sha256=sha256, status=review.IN_REVIEW, status_by="张"))
            with review.reviewing(store, write=True) as theirs:
                theirs.add(ReportReview(sha256=sha256, status=review.REVIEWED, status_by="李"))
    with review.reviewing(store, write=False) as session:
        assert session.get(ReportReview, sha256).status_by == "李"
