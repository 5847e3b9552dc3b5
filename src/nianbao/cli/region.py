"""`nianbao region …`: correct an agency's region by hand, and list the history of its corrections
(store/region_history.py), through the service layer (store/service.py) as the web's agency page.

Exit codes follow cli/common.py: 0 done, 2 a database, agency or value that cannot be used (one
line on stderr, Chinese first).
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

import typer

from .common import app, say
from .store import DB_HELP, served

region_app = typer.Typer(
    no_args_is_help=True,
    help="更正机关的所属地区（省、市、县、乡镇街道、代码、层级），保留历史 / correct an agency's region, with history.",
)
T = TypeVar("T")
_AGENCY_HELP = "机关编号或名称（简称、全称均可）/ agency id or name"
_CLEAR = "写空字符串 \"\" 表示清空 / \"\" clears it"


@region_app.command("set")
def set_command(
    agency: str = typer.Argument(..., help=_AGENCY_HELP),
    province: Optional[str] = typer.Option(None, "--province", help=f"省 / province；{_CLEAR}"),
    city: Optional[str] = typer.Option(None, "--city", help=f"市（地级）/ prefecture；{_CLEAR}"),
    county: Optional[str] = typer.Option(None, "--county", help=f"县（区、县级市）/ county；{_CLEAR}"),
    township: Optional[str] = typer.Option(None, "--township", help=f"乡镇街道 / township；{_CLEAR}"),
    code: Optional[str] = typer.Option(
        None, "--code", help="6 位行政区划代码；只给代码时省市县按代码填写 / 6-digit code (fills province/city/county)"),
    level: Optional[str] = typer.Option(None, "--level", help="层级：省、市、县、乡镇街道、部门 / level"),
    author: str = typer.Option("", "--author", help="更正人 / who"),
    note: str = typer.Option("", "--note", help="说明 / why"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """更正机关所属地区（重新解析不会覆盖）/ Correct an agency's region (survives re-parsing)."""
    from ..store.region_history import FIELD_NAMES, BadRegion

    given = {"province": province, "city": city, "county": county, "township": township,
             "region_code": code, "level": level}
    changes = {field: value for field, value in given.items() if value is not None}
    def correct(service) -> tuple[str, list]:
        agency_id, name = service.find_agency(agency)
        return name, service.correct_region(agency_id, changes, author, note)

    name, done = on_service(db, correct, BadRegion)
    if not done:
        say(f"“{name}”的地区已是所给的值，未作更改 / nothing changed")
        return
    for change in done:
        say(f"已更正 corrected “{name}” {FIELD_NAMES[change.field]}：{change.old or '（空）'} → {change.new or '（空）'}")


@region_app.command("history")
def history_command(
    agency: str = typer.Argument(..., help=_AGENCY_HELP),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
) -> None:
    """列出机关所属地区的更正历史 / List the corrections of an agency's region."""
    def listed(service) -> tuple[str, list]:
        agency_id, name = service.find_agency(agency)
        return name, service.region_history(agency_id)

    name, rows = on_service(db, listed)
    if not rows:
        say(f"“{name}”的地区没有更正记录 / no corrections")
        return
    for row in rows:
        who = row["author"] or "（未署名）"
        why = f"（{row['note']}）" if row["note"] else ""
        typer.echo(f"{row['at']}  {who}  {row['field_name']}：{row['old'] or '（空）'} → {row['new'] or '（空）'}{why}")


def on_service(db: str, action: Callable[[Any], T], *refused: type[Exception]) -> T:
    """`action(service)` on the opened database's service layer; an unknown agency or a refused
    value exits 2 with its message."""
    with served(db, LookupError, *refused) as service:
        return action(service)


app.add_typer(region_app, name="region")
