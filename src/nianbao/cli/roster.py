"""`nianbao roster …`: the roster of who must publish (store/roster.py, docs/roster.md), read and
written through the service layer (store/service.py) as the web's 名单 page is.

Exit codes follow cli/common.py: 0 done, 2 a file, database, report or roster name that cannot
be used (one line on stderr, Chinese first).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .common import EXIT_UNREADABLE, app, say
from .store import DB_HELP, served

roster_app = typer.Typer(
    no_args_is_help=True,
    help="应发布年报的机关名单：导入、发布状态、未匹配报告、人工关联 / the roster of who must publish.",
)


class StatusFormat(str, Enum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"


@roster_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="名单文件 .csv 或 .xlsx（表头：名称、层级、地区、别名、截止日期）/ roster file"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    replace: bool = typer.Option(False, "--replace", help="删除文件中没有的机关 / remove entries the file does not list"),
) -> None:
    """导入名单（按名称新增或更新）/ Import a roster (entries added or updated by name)."""
    from ..store.roster_file import RosterFileError, read_roster_path

    try:
        rows = read_roster_path(file)
    except RosterFileError as exc:
        say(f"错误：{exc.message}")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    with served(db, create=True) as service:
        summary = service.import_roster(rows, replace=replace, source=file.name)
    removed = f"，删除 removed {summary.removed}" if replace else ""
    say(f"已导入名单 {len(rows)} 个机关 / roster imported：新增 added {summary.added}，更新 updated {summary.updated}，"
        f"未变 unchanged {summary.unchanged}{removed}")


@roster_app.command("status")
def status_command(
    year: Optional[int] = typer.Option(None, "--year", help="年度（默认：库中最新年度）/ year (default: the newest stored)"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    format: StatusFormat = typer.Option(StatusFormat.table, "--format", help="table | csv | xlsx"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入文件（xlsx 必须）/ output file"),
    status: Optional[str] = typer.Option(None, "--status", help="只列 未发布 | 逾期发布 | 已发布 / only this status"),
    region: Optional[str] = typer.Option(None, "--region", help="地区或名称的一部分 / part of the region or name"),
) -> None:
    """各机关某年度的发布状态：未发布 / 逾期发布 / 已发布 / Who published for a year, late or not at all."""
    from ..store import roster
    from ..store.roster_sheet import write_csv, write_xlsx

    if status is not None and status not in roster.STATUSES:
        say(f"错误：未知状态“{status}”（可用：{'、'.join(roster.STATUSES)}）/ unknown status")
        raise typer.Exit(EXIT_UNREADABLE)
    if format is StatusFormat.xlsx and output is None:
        say("错误：xlsx 格式需要 -o 输出文件 / xlsx needs an output file (-o)")
        raise typer.Exit(EXIT_UNREADABLE)
    with served(db) as service:
        year = year if year is not None else _newest_year(service)
        rows, leftover = service.roster_year(year)
    if not rows:
        say("错误：名单为空，请先用 nianbao roster import 导入 / the roster is empty: import one first")
        raise typer.Exit(EXIT_UNREADABLE)
    counts = roster.counts(rows)
    shown = roster.filter_statuses(rows, status=status, region=region)
    if format is StatusFormat.table:
        _print_status(year, shown)
    elif format is StatusFormat.csv and output is None:
        typer.echo(write_csv(shown).decode("utf-8-sig"), nl=False)
    else:
        data = write_csv(shown) if format is StatusFormat.csv else write_xlsx(year, shown, counts, leftover)
        _write(output, data)
    say(f"{year} 年度：" + "，".join(f"{s} {n}" for s, n in counts.items()) + f"（共 {len(rows)} 个机关 / entries）")


def _newest_year(service) -> int:
    found = service.roster_years()
    if not found:
        say("错误：数据库中没有带年度的报告，请用 --year 指定年度 / no report with a year: give --year")
        raise typer.Exit(EXIT_UNREADABLE)
    return found[0]


def _write(output: Path | None, data: bytes) -> None:
    assert output is not None  # the caller checked
    try:
        output.write_bytes(data)
    except OSError as exc:
        say(f"错误：无法写入 {output}：{exc.strerror or exc} / cannot write the file")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    say(f"已写入 {output} / written")


def _print_status(year: int, rows) -> None:
    from ..store.roster_sheet import HEADERS, status_rows

    view = Table(title=f"{year} 年度名单发布状态 / roster status")
    for header in HEADERS[:8]:  # the report columns are for files; the terminal keeps to the entry
        view.add_column(header)
    for values in status_rows(rows):
        view.add_row(*("—" if v is None else str(v) for v in values[:8]))
    Console(soft_wrap=True, width=160).print(view)


@roster_app.command("unmatched")
def unmatched_command(
    year: Optional[int] = typer.Option(None, "--year", help="年度（默认：全部）/ year (default: all)"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """列出未匹配名单的报告，供人工关联 / Reports no roster entry matches, to link by hand."""
    from ..store.roster_sheet import UNMATCHED_HEADERS, unmatched_rows

    with served(db) as service:
        items = service.roster_unmatched(year)
    if not items:
        say("所有报告都已匹配名单 / every report matches a roster entry")
        return
    view = Table(title="未匹配名单的报告 / reports not on the roster")
    for header in UNMATCHED_HEADERS:
        view.add_column(header)
    for values in unmatched_rows(items):
        view.add_row(*("—" if v is None else str(v) for v in values))
    Console(soft_wrap=True, width=160).print(view)
    say(f"共 {len(items)} 份未匹配；用 nianbao roster link 报告编号 名单名称 关联 / link with `nianbao roster link`")


def _change_link(db: str, change) -> None:
    """Run one link change (a function of the service returning its message) and say what it did."""
    from ..store.roster import RosterError

    with served(db, RosterError) as service:
        say(change(service))


@roster_app.command("link")
def link_command(
    report_id: int = typer.Argument(..., help="报告编号 / report id"),
    roster_name: str = typer.Argument(..., help="名单中的机关名称或别名 / the roster entry's name or alias"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    author: str = typer.Option("", "--author", help="操作人 / who"),
) -> None:
    """人工关联报告与名单机关（优先于自动匹配）/ Link a report to a roster entry by hand (wins over matching)."""
    _change_link(db, lambda service: service.roster_link(report_id, roster_name, author or None))


@roster_app.command("ignore")
def ignore_command(
    report_id: int = typer.Argument(..., help="报告编号 / report id"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    author: str = typer.Option("", "--author", help="操作人 / who"),
) -> None:
    """标记报告不在名单中，不再列为未匹配 / Mark a report as on no roster entry (leaves the unmatched list)."""
    _change_link(db, lambda service: service.roster_link(report_id, None, author or None))


@roster_app.command("unlink")
def unlink_command(
    report_id: int = typer.Argument(..., help="报告编号 / report id"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    author: str = typer.Option("", "--author", help="操作人 / who"),
) -> None:
    """取消人工关联或不在名单的标记，恢复自动匹配 / Remove a manual link or mark; matched automatically again."""
    _change_link(db, lambda service: service.roster_unlink(report_id, author or None))


app.add_typer(roster_app, name="roster")
