"""`nianbao user …` (accounts of the web app) and `nianbao audit` (the log of writes).

Passwords are read from a hidden prompt, or with `--password-stdin` from the first line of
standard input (scripts); never from the command line, where `ps` and the shell history would
show them.  Every account change is written to the audit log, signed `--by NAME` (default: the
operating-system user).  Exit codes follow cli/common.py: 0 done, 2 a database, name, role,
region or password that cannot be used (one line on stderr, Chinese first).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table

from .common import EXIT_UNREADABLE, app, say
from .review import default_reviewer
from .store import DB_HELP, _open

user_app = typer.Typer(no_args_is_help=True, help="网页账户：添加、列出、删除、改密码 / accounts of the web app.")
app.add_typer(user_app, name="user")

ROLE_HELP = "角色：admin 管理员 / reviewer 审核人 / viewer 只读"
REGION_HELP = "地区范围，如 福建省/莆田市/荔城区（省/市/县，缺省为全部）/ region scope, e.g. 福建省/莆田市"
STDIN_HELP = "从标准输入的第一行读取密码（脚本用）/ read the password from the first line of stdin"
BY_HELP = "审计日志中的操作人（默认：当前系统用户）/ who is recorded in the audit log (default: the OS user)"


def _role_key(text: str) -> str:
    """The role as typed: its key (reviewer) or its Chinese name (审核人)."""
    from ..store.accounts import ROLE_LABELS

    by_label = {label: key for key, label in ROLE_LABELS.items()}
    key = by_label.get(text.strip(), text.strip().lower())
    if key not in ROLE_LABELS:  # said before the password is asked for
        names = "、".join(f"{key} {label}" for key, label in ROLE_LABELS.items())
        say(f"错误：角色“{text}”无效，可选：{names} / unknown role")
        raise typer.Exit(EXIT_UNREADABLE)
    return key


@contextmanager
def _session(db: str, *, write: bool, create: bool = False) -> Iterator[Any]:
    """A session on the database; an account the store refuses becomes one line and exit code 2."""
    from ..store.accounts import AccountError

    store = _open(db, create=create)
    try:
        with store.use(write=write) as session:
            yield session
    except AccountError as exc:
        say(f"错误：{exc.message}")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    finally:
        store.close()


def _scope(region: Optional[str]):
    from ..store.accounts import RegionScope

    try:
        return RegionScope.parse(region)
    except ValueError as exc:
        say(f"错误：{exc}")
        raise typer.Exit(EXIT_UNREADABLE) from exc


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        say("错误：没有终端可输入密码，请用 --password-stdin / no terminal to type the password: use --password-stdin")
        raise typer.Exit(EXIT_UNREADABLE)
    return typer.prompt("密码 Password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="账户名 / account name"),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    region: Optional[str] = typer.Option(None, "--region", help=REGION_HELP),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """添加账户 / add an account."""
    from ..store.accounts import ROLE_LABELS, add_account, record

    scope, key = _scope(region), _role_key(role)
    password = _password(password_stdin)
    with _session(db, write=True, create=True) as session:
        account = add_account(session, name, password, key, scope)
        record(session, by or default_reviewer(), "account.add", account.name, _describe(key, scope))
    say(f"已添加账户 {account.name}（{ROLE_LABELS[key]}{'，' + scope.label() if scope.label() else ''}）/ account added")


@user_app.command("list")
def user_list(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """列出账户 / list the accounts."""
    from ..store.accounts import ROLE_LABELS, list_accounts, principal_of

    with _session(db, write=False) as session:
        items = [{"name": a.name, "role": a.role, "role_label": ROLE_LABELS.get(a.role, a.role),
                  "region": principal_of(a).scope.label(), "created_at": a.created_at.isoformat()}
                 for a in list_accounts(session)]
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        say("（还没有账户 / no accounts yet）")
        return
    view = Table("账户 name", "角色 role", "地区 region", "创建 created")
    for item in items:
        view.add_row(item["name"], item["role_label"], item["region"] or "全部 all", item["created_at"][:19])
    Console().print(view)


@user_app.command("remove")
def user_remove(
    name: str = typer.Argument(..., help="账户名 / account name"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """删除账户（其会话随即失效）/ remove an account (its sessions end at once)."""
    from ..store.accounts import record, remove_account

    with _session(db, write=True) as session:
        remove_account(session, name)
        record(session, by or default_reviewer(), "account.remove", name)
    say(f"已删除账户 {name} / account removed")


@user_app.command("passwd")
def user_passwd(
    name: str = typer.Argument(..., help="账户名 / account name"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """修改密码（该账户已登录的浏览器随之退出）/ set a new password (signs the account out everywhere)."""
    from ..store.accounts import record, set_password

    password = _password(password_stdin)
    with _session(db, write=True) as session:
        set_password(session, name, password)
        record(session, by or default_reviewer(), "account.passwd", name)
    say(f"已修改 {name} 的密码，其已登录的会话均已退出 / password changed, the account's sessions signed out")


@user_app.command("change")
def user_change(
    name: str = typer.Argument(..., help="账户名 / account name"),
    role: Optional[str] = typer.Option(None, "--role", help=ROLE_HELP),
    region: Optional[str] = typer.Option(None, "--region", help=REGION_HELP + "；空字符串表示全部 / '' for all"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """修改角色或地区范围 / change an account's role or region."""
    from ..store.accounts import change_account, principal_of, record

    scope = _scope(region) if region is not None else None
    with _session(db, write=True) as session:
        principal = principal_of(change_account(session, name, _role_key(role) if role else None, scope))
        record(session, by or default_reviewer(), "account.change", name, _describe(principal.role, principal.scope))
    say(f"已修改账户 {name}：{_describe(principal.role, principal.scope)} / account changed")


def _describe(role: str, scope) -> str:
    from ..store.accounts import ROLE_LABELS

    return f"{ROLE_LABELS.get(role, role)}，{scope.label() or '全部地区'}"


@app.command("audit")
def audit_command(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    limit: int = typer.Option(50, "--limit", min=1, help="最多显示条数（最新的在前）/ newest first, at most"),
    author: Optional[str] = typer.Option(None, "--author", help="只看此人 / only this author"),
    action: Optional[str] = typer.Option(None, "--action", help="只看此操作，如 report.delete / only this action"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """审计日志：谁在何时做了什么 / the audit log of writes."""
    from ..store.accounts import audit_entries, entry_dict

    with _session(db, write=False) as session:
        items = [entry_dict(entry) for entry in audit_entries(session, limit, author=author, action=action)]
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        say("（审计日志为空 / the audit log is empty）")
        return
    view = Table("时间 time (UTC)", "操作人 author", "操作 action", "对象 target", "说明 detail")
    for item in items:
        view.add_row(item["at"][:19], item["author"], item["action_label"], item["target"] or "", item["detail"] or "")
    Console().print(view)

