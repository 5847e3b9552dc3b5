"""Verdicts and review status follow a report to its republished version (store/carry_over.py)."""

from __future__ import annotations

import copy

from sqlalchemy import select

from nianbao.store import review
from nianbao.store.models import AuditEntry, StoredReport

from .store_support import store_fixture, write_report  # noqa: F401 — the `store` fixture
from .test_review import broken, by_code, counts, judge


def republished(data: dict, published: str, **t4_review_total) -> dict:
    again = copy.deepcopy(data)
    again["published"] = published
    if t4_review_total:
        # Fixed in the new edition: the 复议 total adds up again, so T4.TOTAL is gone.
        again["t4"]["review"]["total"] = t4_review_total["value"]
    return again


def carried_audit(store) -> list[AuditEntry]:
    with store.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "review.carry_over")
                                    .order_by(AuditEntry.id)))


def counted(store, report_id: int) -> bool:
    with store.session() as session:
        return session.get(StoredReport, report_id).version_of is None


def test_a_republished_file_that_counts_keeps_verdicts_and_status_of_the_same_findings(store):
    first = broken()
    first["published"] = "2024-01-20"
    first_id = write_report(store, first, name="first.txt")
    findings = by_code(store, first_id)
    judge(store, findings["T3.IDENTITY"]["key"], "确认", "核实属实")
    judge(store, findings["T3.ROW_TOTAL"]["key"], "驳回", "印刷如此")
    with store.session() as session, session.begin():
        review.assign(session, first_id, "李四", "管理员")
        review.set_status(session, first_id, "已审", "李四")
    errors_first = counts(store, first_id)[0]

    second = republished(first, "2024-03-05")
    second_id = write_report(store, second, name="second.txt")
    assert counted(store, second_id) and not counted(store, first_id)
    after = by_code(store, second_id)
    assert after["T3.IDENTITY"]["verdict_label"] == "确认" and after["T3.IDENTITY"]["note"] == "核实属实"
    assert after["T3.IDENTITY"]["reviewer"] == "张审核"
    assert after["T3.ROW_TOTAL"]["verdict"] == "dismissed" and not after["T3.ROW_TOTAL"]["counted"]
    assert after["T4.TOTAL"]["verdict_label"] == "待核"  # never judged: stays pending
    assert counts(store, second_id)[0] == errors_first  # the dismissed one does not count on the new file either
    with store.session() as session:
        state = review.report_review(session, second_id)
    assert (state["review_status_label"], state["assignee"], state["status_by"]) == ("已审", "李四", "李四")
    entries = carried_audit(store)
    assert [e.target for e in entries] == [f"report {second_id}"] * 2
    assert "2 条审核意见" in entries[0].detail and f"报告 {first_id}" in entries[0].detail
    assert "已审" in entries[1].detail and "李四" in entries[1].detail


def test_only_identical_findings_carry_and_own_decisions_are_never_overwritten(store):
    first = broken()
    first["published"] = "2024-01-20"
    first_id = write_report(store, first, name="first.txt")
    findings = by_code(store, first_id)
    judge(store, findings["T4.TOTAL"]["key"], "驳回", "旧版印刷")
    judge(store, findings["T3.IDENTITY"]["key"], "确认")
    fixed = republished(first, "2024-03-05", value=first["t4"]["review"]["total"] - 3)
    second_id = write_report(store, fixed, name="second.txt")
    after = by_code(store, second_id)
    assert "T4.TOTAL" not in after  # fixed in the new file: nothing to carry
    assert after["T3.IDENTITY"]["verdict_label"] == "确认"
    # A person judges the new file, then a third copy of the earlier edition arrives: nothing is overwritten.
    judge(store, after["T3.IDENTITY"]["key"], "驳回", "新版另议")
    late_copy = republished(first, "2024-01-20")
    late_copy["source"] = "copy"
    write_report(store, late_copy, name="copy.txt")
    assert counted(store, second_id)
    assert by_code(store, second_id)["T3.IDENTITY"]["verdict_label"] == "驳回"
    # Only the copies made when the second file came: its verdict and its status (审核中 since the first verdict).
    assert [e.target for e in carried_audit(store)] == [f"report {second_id}"] * 2


def test_a_new_file_that_does_not_count_takes_nothing_and_the_counted_keeps_its_own(store):
    first = broken()
    first["published"] = "2024-03-05"
    first_id = write_report(store, first, name="first.txt")
    judge(store, by_code(store, first_id)["T3.IDENTITY"]["key"], "驳回", "口径")
    older = republished(first, "2024-01-20")
    older_id = write_report(store, older, name="older.txt")
    assert counted(store, first_id) and not counted(store, older_id)
    assert by_code(store, older_id)["T3.IDENTITY"]["verdict_label"] == "待核"  # verdicts go to the counted one only
    assert carried_audit(store) == []
