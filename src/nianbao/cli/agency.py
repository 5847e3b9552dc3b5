"""`nianbao agency …`: join agencies a store holds apart under several names (store/merges.py) — by
today's alias rules (`relink`) or by hand (`merge` / `unmerge`) — and list a merge history, through
the service layer (store/service.py) as the web's agency page.

Exit codes follow cli/common.py: 0 done, 2 a database or agency that cannot be used, or a merge
refused (one line on stderr, Chinese first).
"""

from __future__ import annotations

import typer

from .common import app, say
from .region import on_service
from .store import DB_HELP

agency_app = typer.Typer(
    no_args_is_help=True,
    help="合并以不同名称分开存储的同一机关，可撤销，保留历史 / merge agencies stored apart, with history.",
)
_AGENCY_HELP = "机关编号或名称（简称、全称均可）/ agency id or name"


@agency_app.command("relink")
def relink_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出将合并的机关，不修改 / list, change nothing"),
    author: str = typer.Option("", "--author", help="操作人 / who"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """按现行别名规则合并同一机关（同一区划、同一机关类别；推测的地区不合并）/ Join agencies today's alias rules make one."""
    done = on_service(db, lambda service: service.relink_aliases(author, dry_run=dry_run))
    if not done:
        say("没有需要合并的机关 / nothing to merge")
        return
    verb = "将合并 would merge" if dry_run else "已合并 merged"
    for one in done:
        moved = "" if dry_run else f"（{one.reports} 份报告 reports）"
        typer.echo(f"{verb}：“{one.merged_name}”（编号 {one.merged_id}）→ “{one.kept_name}”（编号 {one.kept_id}）{moved}")
    say(f"共 {len(done)} 个机关 / {len(done)} agencies")


@agency_app.command("merge")
def merge_command(
    kept: str = typer.Argument(..., help=f"保留的机关 / the agency kept: {_AGENCY_HELP}"),
    joined: str = typer.Argument(..., help=f"并入它的机关 / the agency joined into it: {_AGENCY_HELP}"),
    author: str = typer.Option("", "--author", help="操作人 / who"),
    note: str = typer.Option("", "--note", help="说明 / why"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """把第二个机关并入第一个：报告、版本、跨年度衔接按一个机关计算 / Join the second agency into the first."""
    from ..store.merges import MergeRefused

    def join(service):
        return service.merge_agencies(service.find_agency(kept)[0], service.find_agency(joined)[0], author, note)

    done = on_service(db, join, MergeRefused)
    say(f"已合并 merged：“{done.merged_name}”（编号 {done.merged_id}，{done.reports} 份报告 reports）"
        f"→ “{done.kept_name}”（编号 {done.kept_id}）")


@agency_app.command("unmerge")
def unmerge_command(
    joined: str = typer.Argument(..., help=f"曾并入其他机关的机关 / the agency joined earlier: {_AGENCY_HELP}"),
    author: str = typer.Option("", "--author", help="操作人 / who"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """撤销合并：该机关名称下的报告回到该机关 / Undo a merge: the reports of its names go back to it."""
    from ..store.merges import MergeRefused

    done = on_service(db, lambda service: service.unmerge_agency(service.find_agency(joined)[0], author), MergeRefused)
    say(f"已撤销合并 unmerged：“{done.merged_name}”（编号 {done.merged_id}）从“{done.kept_name}”分出 "
        f"{done.reports} 份报告 reports")


@agency_app.command("history")
def history_command(
    agency: str = typer.Argument(..., help=_AGENCY_HELP),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """列出机关的合并记录 / List the merges an agency took part in."""
    def listed(service) -> tuple[str, list]:
        agency_id, name = service.find_agency(agency)
        return name, service.merge_history(agency_id)

    name, rows = on_service(db, listed)
    if not rows:
        say(f"“{name}”没有合并记录 / no merges")
        return
    for row in rows:
        typer.echo(_history_line(row))


def _history_line(row: dict) -> str:
    who = "自动 automatic" if row["automatic"] else (row["author"] or "（未署名）")
    line = (f"{row['at']}  {who}  “{row['merged_name']}”（编号 {row['merged_id']}）并入 → "
            f"“{row['kept_name']}”（编号 {row['kept_id']}）名称 names：{'、'.join(row['names'])}")
    if row["note"]:
        line += f"（{row['note']}）"
    if not row["in_force"]:
        line += f"  已撤销 undone {row['undone_at']} {row['undone_by'] or ''}".rstrip()
    return line


app.add_typer(agency_app, name="agency")
