"""`nianbao review …`: verdicts on findings, review status and assignment of reports (store/review.py),
through the service layer (store/service.py): the calls the web app's review pages and API make.

Writes are signed `--reviewer NAME` (default: the operating-system user) and go to the audit log.
Exit codes follow cli/common.py: 0 done, 2 a database, report, finding, status or verdict that
cannot be used (one line on stderr, Chinese first).
"""

from __future__ import annotations

import getpass
import json
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table

from .common import EXIT_UNREADABLE, app, say
from .store import DB_HELP, served

review_app = typer.Typer(
    no_args_is_help=True,
    help="审核：问题的审核意见（待核/确认/驳回）、报告审核状态（未审/审核中/已审）与分派 / review findings and reports.",
)

REVIEWER_HELP = "审核人姓名（默认：当前系统用户）/ reviewer name (default: the OS user)"
NOTE_HELP = "说明 / note"


def default_reviewer() -> str:
    """Who signs a write when --reviewer is not given: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no such user in the password database (some containers)
        return "未知用户 unknown"


@contextmanager
def _service(db: str) -> Iterator[Any]:
    """The database's service layer; review and lookup errors become one line and exit code 2."""
    from ..store.review import ConcurrentChange, ReviewError

    with served(db, ReviewError, LookupError, ConcurrentChange) as service:  # one line, whoever refused
        yield service


def _selection(region: Optional[str], year: Optional[int], level: Optional[str], agency: Optional[str],
               status: Optional[str], assignee: Optional[str], ids: Optional[list[int]] = None, with_errors: bool = False):
    from ..store.review import Selection

    return Selection(report_ids=ids or None, region=region, year=year, level=level, agency=agency, status=status,
                     assignee=assignee, with_errors=with_errors)


# Filters shared by `list` and the bulk command: the overview's filters plus the review state.
def _region_opt() -> Any:
    return typer.Option(None, "--region", help="省/市/县/乡镇名称的一部分或区划代码前缀 / part of a region name or code")


def _year_opt() -> Any:
    return typer.Option(None, "--year", help="年度 / year")


def _level_opt() -> Any:
    return typer.Option(None, "--level", help="层级：省/市/县/乡镇街道/部门 / level")


def _agency_opt() -> Any:
    return typer.Option(None, "--agency", help="机关名称或文件名的一部分 / part of the agency or file name")


def _status_opt() -> Any:
    return typer.Option(None, "--status", help="审核状态：未审/审核中/已审 / review status")


def _assignee_opt() -> Any:
    return typer.Option(None, "--assignee", help="分派给谁 / assigned to")


@review_app.command("list")
def list_command(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    region: Optional[str] = _region_opt(), year: Optional[int] = _year_opt(), level: Optional[str] = _level_opt(),
    agency: Optional[str] = _agency_opt(), status: Optional[str] = _status_opt(),
    assignee: Optional[str] = _assignee_opt(),
    findings: bool = typer.Option(False, "--findings", help="列出问题而非报告 / list findings instead of reports"),
    rule: Optional[str] = typer.Option(None, "--rule", help="只列此规则的问题，如 T3.IDENTITY / one rule's findings"),
    verdict: Optional[str] = typer.Option(None, "--verdict", help="只列此审核意见：待核/确认/驳回 / one verdict"),
    limit: int = typer.Option(100, "--limit", min=1, help="最多列出条数 / at most this many"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """列出报告的审核状态，或（--findings）问题及其审核意见 / List reports' review state, or findings with verdicts."""
    selection = _selection(region, year, level, agency, status, assignee)
    with _service(db) as service:
        if findings or rule or verdict:
            items = service.review_findings_list(selection, rule=rule, verdict=verdict, limit=limit)
        else:
            items = service.review_list(selection, limit=limit)
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
    elif findings or rule or verdict:
        _print_findings(items)
    else:
        _print_reports(items)


def _print_reports(items: list[dict[str, Any]]) -> None:
    view = Table()
    for header in ("编号 ID", "机关 agency", "年度 year", "错误 errors", "警告 warnings", "审核状态 status", "审核人 assignee"):
        view.add_column(header)
    for item in items:
        view.add_row(str(item["id"]), item["agency"] or "—", str(item["year"] or "—"), str(item["n_errors"]),
                     str(item["n_warnings"]), item["review_status_label"], item["assignee"] or "—")
    Console(soft_wrap=True).print(view)
    if not items:
        say("没有符合条件的报告 / no report matches")


def _print_findings(items: list[dict[str, Any]]) -> None:
    from ..rules_data import SEVERITY_NAMES

    view = Table()
    for header in ("问题键 key", "报告 report", "规则 rule", "级别 severity", "审核意见 verdict", "审核人 reviewer", "说明 message"):
        view.add_column(header)
    for item in items:
        view.add_row(item["key"], f"{item['report_id']} {item['agency'] or ''}", rule_name(item["code"]),
                     SEVERITY_NAMES.get(item["severity"], item["severity"]), item["verdict_label"],
                     item["reviewer"] or "—", item["message"])
    Console(soft_wrap=True).print(view)
    if not items:
        say("没有符合条件的问题 / no finding matches")


def rule_name(code: str) -> str:
    """A rule as people read it: its Chinese title, the code after it (for `--rule`)."""
    from ..rules_data import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code)
    return f"{rule.title}（{code}）" if rule else code


def _verdict_of(confirm: bool, dismiss: bool, pending: bool) -> str:
    from ..store.review import CONFIRMED, DISMISSED, PENDING

    chosen = [code for flag, code in ((confirm, CONFIRMED), (dismiss, DISMISSED), (pending, PENDING)) if flag]
    if len(chosen) != 1:
        say("错误：请给出且只给出 --confirm、--dismiss、--pending 之一 / give exactly one of --confirm, --dismiss, --pending")
        raise typer.Exit(EXIT_UNREADABLE)
    return chosen[0]


@review_app.command("finding")
def finding_command(
    finding: str = typer.Argument(..., help="问题编号或问题键（review list --findings 列出）/ finding id or key"),
    confirm: bool = typer.Option(False, "--confirm", help="确认 / confirm"),
    dismiss: bool = typer.Option(False, "--dismiss", help="驳回（不再计入错误、警告数）/ dismiss (no longer counted)"),
    pending: bool = typer.Option(False, "--pending", help="改回待核 / back to pending"),
    note: str = typer.Option("", "--note", help=NOTE_HELP),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help=REVIEWER_HELP),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """给一个问题审核意见：确认、驳回或待核 / Confirm, dismiss or reopen one finding."""
    verdict = _verdict_of(confirm, dismiss, pending)
    with _service(db) as service:
        item = service.set_verdict(finding, verdict, reviewer or default_reviewer(), note or None)
    say(f"问题 {item['key']} {rule_name(item['code'])}：{item['verdict_label']} / {item['verdict']}")


@review_app.command("report")
def report_command(
    report_id: int = typer.Argument(..., help="报告编号 / report id"),
    status: str = typer.Option(..., "--status", help="未审/审核中/已审 / review status"),
    note: str = typer.Option("", "--note", help=NOTE_HELP),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help=REVIEWER_HELP),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """设置一份报告的审核状态 / Set one report's review status."""
    with _service(db) as service:
        state = service.review_report(report_id, reviewer or default_reviewer(), status=status, note=note or None)
    say(f"报告 {report_id}：{state['review_status_label']} / {state['review_status']}")


@review_app.command("assign")
def assign_command(
    report_ids: list[int] = typer.Argument(..., help="报告编号（可多个）/ report ids"),
    to: str = typer.Option(..., "--to", help="审核人账号名；空字符串收回分派 / reviewer account name, \"\" to unassign"),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="分派人（默认：当前系统用户）/ who assigns"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """把报告分派给审核人 / Assign reports to a reviewer."""
    with _service(db) as service:
        service.assign_reports(report_ids, to, reviewer or default_reviewer())
    say(f"已分派 {len(report_ids)} 份报告给 {to or '（无人）'} / assigned")


@review_app.command("bulk")
def bulk_command(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    region: Optional[str] = _region_opt(), year: Optional[int] = _year_opt(), level: Optional[str] = _level_opt(),
    agency: Optional[str] = _agency_opt(), status: Optional[str] = _status_opt(),
    assignee: Optional[str] = _assignee_opt(),
    set_status: Optional[str] = typer.Option(None, "--set-status", help="把所选报告设为此审核状态 / set this review status"),
    assign_to: Optional[str] = typer.Option(None, "--assign", help="把所选报告分派给此审核人 / assign to"),
    verdict: Optional[str] = typer.Option(None, "--verdict", help="给所选报告的问题此审核意见：确认/驳回/待核 / verdict"),
    rule: Optional[str] = typer.Option(None, "--rule", help="只处理此规则的问题（配合 --verdict）/ only this rule's findings"),
    note: str = typer.Option("", "--note", help=NOTE_HELP),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help=REVIEWER_HELP),
) -> None:
    """批量操作：对筛选出的报告设状态、分派，或对其问题给审核意见 / Bulk actions over filtered reports."""
    if sum(x is not None for x in (set_status, assign_to, verdict)) != 1:
        say("错误：请给出且只给出 --set-status、--assign、--verdict 之一 / give exactly one action")
        raise typer.Exit(EXIT_UNREADABLE)
    if rule and verdict is None:
        say("错误：--rule 只能与 --verdict 一起使用 / --rule goes with --verdict")
        raise typer.Exit(EXIT_UNREADABLE)
    selection = _selection(region, year, level, agency, status, assignee)
    who = reviewer or default_reviewer()
    with _service(db) as service:
        if set_status is not None:
            count = service.bulk_review(selection, "status", set_status, who, note or None)
            say(f"已设置 {count} 份报告的审核状态 / reports updated")
        elif assign_to is not None:
            count = service.bulk_review(selection, "assign", assign_to, who)
            say(f"已分派 {count} 份报告 / reports assigned")
        else:
            count = service.bulk_review(selection, "verdict", verdict or "", who, note or None, rule=rule)
            say(f"已处理 {count} 个问题 / findings updated")


app.add_typer(review_app, name="review")
