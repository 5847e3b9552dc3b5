"""`nianbao facts`: set a stored report's agency, year, publication date or edition by hand
(store/hand_entry.py) — what a scan the OCR could not read lacks — or list what was set.
Its cells are typed in with `nianbao correct`, which takes the cells of the report's edition
(the same check as the web app's: `store.hand_entry.check_entry`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .check import RULES_HELP
from .common import app, say
from .store import DB_HELP, served


def facts_command(
    document: str = typer.Argument(..., help="文件哈希（或其前缀）或文件名 / document hash (prefix) or file name"),
    agency: Optional[str] = typer.Option(None, "--agency", help="机关名称 / agency"),
    year: Optional[str] = typer.Option(None, "--year", help="年度，如 2023 / year covered"),
    published: Optional[str] = typer.Option(None, "--published", help="发布日期 YYYY-MM-DD / publication date"),
    edition: Optional[str] = typer.Option(None, "--edition", help="格式版本 2019 或 2021 / edition"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    note: str = typer.Option("", "--note", help="说明 / why"),
    author: str = typer.Option("", "--author", help="设定人 / who"),
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
) -> None:
    """人工设定报告信息（机关、年度、发布日期、格式版本；重新解析不会覆盖）并重新检查，不带选项则列出历史
    / Set a report's facts by hand (survive re-parsing) and re-run the checks; without options, list them."""
    given = {field: value for field, value in
             (("agency", agency), ("year", year), ("published", published), ("edition", edition)) if value is not None}
    # The web app's 报告信息 form: every value checked before any is stored, then one re-check.
    with served(db, LookupError, ValueError, rules=rules) as service:
        report_id = service.report_of_document(document)
        if given:
            for message in service.set_facts(report_id, given, author, note):
                say(message)
        else:
            _list(service.fact_history(service.get(report_id)))


def _list(history: list[dict]) -> None:
    if not history:
        say("暂无人工设定的报告信息 / no facts set by hand")
    for item in history:
        value = item["value"] if item["value"] is not None else "（空 blank）"
        say(f"{item['created_at'][:19]}  {item['author'] or ''}  {item['name']} = {value}  {item['note'] or ''}")


app.command("facts")(facts_command)
