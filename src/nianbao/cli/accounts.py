"""`nianbao user …` (accounts of the web app; also named `nianbao accounts …`) and `nianbao audit`
(the log of writes).  Every command is a call of the store's account service
(store/account_service.py), the methods the web app's account pages and API call.

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
from .store import DB_HELP, served

user_app = typer.Typer(no_args_is_help=True,
                       help="网页账户：添加、列出、删除、改密码、停用、启用 / accounts of the web app.")
app.add_typer(user_app, name="user")
# The same commands under the name the web app's pages use (账户 /accounts): `nianbao accounts disable NAME`.
app.add_typer(user_app, name="accounts", help="同 user：网页账户的添加、停用、启用等 / the same as `user`.")

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
def _accounts(db: str, *, create: bool = False) -> Iterator[Any]:
    """The account service of the database; an account the store refuses becomes one line and exit code 2."""
    from ..store.accounts import AccountError

    with served(db, AccountError, create=create) as service:
        yield service.accounts


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
    scope, key = _scope(region), _role_key(role)
    password = _password(password_stdin)
    with _accounts(db, create=True) as accounts:
        account = accounts.add(name, password, key, scope, author=by or default_reviewer())
    say(f"已添加账户 {account.name}（{account.role_label}{'，' + scope.label() if scope.label() else ''}）/ account added")


@user_app.command("list")
def user_list(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """列出账户 / list the accounts."""
    with _accounts(db) as accounts:
        items = [_listed(account) for account in accounts.listed()]
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        say("（还没有账户 / no accounts yet）")
        return
    view = Table("账户 name", "角色 role", "地区 region", "状态 status", "创建 created")
    for item in items:
        status = f"已停用 disabled（{item['disabled_by']}）" if item["disabled"] else "在用 active"
        view.add_row(item["name"], item["role_label"], item["region"] or "全部 all", status, item["created_at"][:19])
    Console().print(view)


def _listed(account) -> dict[str, Any]:
    """One account as `user list --json` prints it."""
    return {"name": account.name, "role": account.role, "role_label": account.role_label,
            "region": account.scope.label(), "created_at": account.created_at.isoformat() if account.created_at else "",
            "disabled": account.disabled, "disabled_at": account.disabled_at.isoformat() if account.disabled_at else None,
            "disabled_by": account.disabled_by}


@user_app.command("remove")
def user_remove(
    name: str = typer.Argument(..., help="账户名 / account name"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """删除账户（其会话随即失效）/ remove an account (its sessions end at once)."""
    with _accounts(db) as accounts:
        accounts.remove(name, author=by or default_reviewer())
    say(f"已删除账户 {name} / account removed")


@user_app.command("passwd")
def user_passwd(
    name: str = typer.Argument(..., help="账户名 / account name"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """修改密码（该账户已登录的浏览器随之退出）/ set a new password (signs the account out everywhere)."""
    password = _password(password_stdin)
    with _accounts(db) as accounts:
        accounts.reset_password(name, password, author=by or default_reviewer())
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
    from ..store.account_service import describe

    scope = _scope(region) if region is not None else None
    with _accounts(db) as accounts:
        principal = accounts.change(name, role=_role_key(role) if role else None, scope=scope,
                                    author=by or default_reviewer())
    say(f"已修改账户 {name}：{describe(principal.role, principal.scope)} / account changed")


@user_app.command("disable")
def user_disable(
    name: str = typer.Argument(..., help="账户名 / account name"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """停用账户：不能再登录，已登录的会话立即失效（可重新启用）/ disable an account: it cannot log in and its
    sessions end at once (enable it again with `enable`)."""
    with _accounts(db) as accounts:
        changed = accounts.disable(name, author=by or default_reviewer())
    say(f"已停用账户 {name}，其已登录的会话均已失效 / account disabled, its sessions ended" if changed
        else f"账户 {name} 已是停用状态 / the account was disabled already")


@user_app.command("enable")
def user_enable(
    name: str = typer.Argument(..., help="账户名 / account name"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """重新启用停用的账户 / enable a disabled account again."""
    with _accounts(db) as accounts:
        changed = accounts.enable(name, author=by or default_reviewer())
    say(f"已启用账户 {name} / account enabled" if changed else f"账户 {name} 本就在用 / the account was in use already")


@app.command("audit")
def audit_command(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    limit: int = typer.Option(50, "--limit", min=1, help="最多显示条数（最新的在前）/ newest first, at most"),
    author: Optional[str] = typer.Option(None, "--author", help="只看此人 / only this author"),
    action: Optional[str] = typer.Option(None, "--action", help="只看此操作，如 report.delete / only this action"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
) -> None:
    """审计日志：谁在何时做了什么 / the audit log of writes."""
    with _accounts(db) as accounts:
        items = accounts.audit_log(limit, author=author, action=action)
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

