"""`nianbao serve`: the web app on a laptop (SQLite file) or for a team (PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

from .check import RULES_HELP, load_rules
from .common import app


def serve_command(
    db: str = typer.Option("nianbao.db", "--db", help="SQLite 文件或数据库 URL（postgresql://…）/ SQLite file or database URL"),
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址 / address to listen on"),
    port: int = typer.Option(8000, "--port", help="端口 / port"),
    auth: Optional[str] = typer.Option(
        None, "--auth", envvar="NIANBAO_TOKEN",
        help="写操作所需的访问令牌（团队使用时务必设置）/ token required for uploads and corrections",
    ),
    files: Optional[Path] = typer.Option(None, "--files", help="原始文件存放目录 / where original files are kept"),
    max_upload_mb: float = typer.Option(20, "--max-upload-mb", help="单个文件大小上限（MB）/ per-file size limit"),
    workers: int = typer.Option(1, "--workers", help="进程数（PostgreSQL 时可大于 1）/ worker processes"),
    allowed_host: List[str] = typer.Option(
        [], "--allowed-host",
        help="浏览器访问所用的主机名，可重复；本机名称总是允许 / host name clients use (repeatable; local names always allowed)",
    ),
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
    rubric: Optional[Path] = typer.Option(None, "--rubric", help="评分细则 YAML（评分页面所用，默认内置）/ scoring rubric of /scores"),
) -> None:
    """启动网页应用 / Run the web app (upload, inspect, correct, fill in, export)."""
    try:
        import uvicorn
    except ImportError:
        typer.echo("错误：缺少 web 依赖，请安装 fastapi、uvicorn、jinja2、python-multipart / web dependencies missing", err=True)
        raise typer.Exit(2)
    if host not in ("127.0.0.1", "localhost", "::1") and not auth and not _has_accounts(db):
        typer.echo("警告：对外提供服务却未设置 --auth 也没有账户（nianbao user add），任何人都可上传和更正 / "
                   "serving beyond localhost with neither --auth nor accounts", err=True)
    from ..redact import mask_url
    from ..web.security import WILDCARD_BINDS, served_hosts

    load_rules(rules)  # refused here, before the server starts, if it has a mistake
    _rubric(rubric)

    hosts = served_hosts(host, allowed_host)
    if host in WILDCARD_BINDS and not allowed_host:
        typer.echo(f"提示：只接受以下主机名的请求（防 DNS 重绑定）：{', '.join(hosts)}；其他名称请用 --allowed-host 添加 / "
                   "only these host names are accepted; add the names clients use with --allowed-host", err=True)
    settings = {"NIANBAO_WEB_DB": db, "NIANBAO_WEB_AUTH": auth or "", "NIANBAO_WEB_FILES": str(files or ""),
                "NIANBAO_WEB_MAX_UPLOAD": str(int(max_upload_mb * 1024 * 1024)),
                "NIANBAO_WEB_ALLOWED_HOSTS": ",".join(hosts),
                # Workers read the file again (factory below); a path, not the parsed rules.
                "NIANBAO_WEB_RULES": str(rules.resolve()) if rules else "",
                "NIANBAO_WEB_RUBRIC": str(rubric.resolve()) if rubric else ""}
    os.environ.update(settings)
    if workers > 1 and not os.environ.get("NIANBAO_SECRET"):
        # Each worker would otherwise sign sessions with its own random key.
        import secrets

        os.environ["NIANBAO_SECRET"] = secrets.token_urlsafe(32)
    typer.echo(f"nianbao 网页应用 web app: http://{host}:{port}  （数据库 database: {mask_url(db)}）")
    from ..store.db import sqlite_file

    path = sqlite_file(db)
    if path is not None and not path.exists():
        # serve is where reports are uploaded, so unlike stats/export it starts a database that is not there.
        typer.echo(f"提示：数据库文件 {db} 不存在，将新建 / the database file does not exist and will be created", err=True)
    uvicorn.run("nianbao.cli.web:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="info")


def _has_accounts(db: str) -> bool:
    """Whether the database has named accounts (then writes need a login); False when it cannot be read."""
    from ..store.account_service import AccountService
    from ..store.db import open_store

    try:
        with open_store(db, create=False) as store:
            return AccountService(store).any()
    except Exception:  # noqa: BLE001 — only decides whether to warn; the server says what is wrong
        return False


def app_from_env():
    """Factory for uvicorn (workers import the app by name and read their settings here)."""
    from ..redact import mask_url, redact
    from ..web.app import create_app

    rules = _rules_from_env()
    db = os.environ.get("NIANBAO_WEB_DB", "nianbao.db")
    allowed_hosts = [h for h in os.environ.get("NIANBAO_WEB_ALLOWED_HOSTS", "").split(",") if h]
    rubric_path = os.environ.get("NIANBAO_WEB_RUBRIC")
    rubric = _rubric(Path(rubric_path)) if rubric_path else None
    try:
        web_app = create_app(
            db, os.environ.get("NIANBAO_WEB_AUTH") or None,
            max_upload=int(os.environ.get("NIANBAO_WEB_MAX_UPLOAD") or 20 * 1024 * 1024),
            files_dir=os.environ.get("NIANBAO_WEB_FILES") or None, allowed_hosts=allowed_hosts or None, rules=rules,
        )
        web_app.state.rubric = rubric  # web/scores.py: None is the built-in rubric
        return web_app
    except Exception as exc:  # noqa: BLE001 — one line without the password, not a traceback
        typer.echo(f"错误：无法打开数据库 {mask_url(db)}：{type(exc).__name__}: {redact(str(exc), db)} / cannot open the database",
                   err=True)
        raise SystemExit(2) from None

def _rules_from_env():
    from ..checks import config as rules_config

    path = os.environ.get("NIANBAO_WEB_RULES")
    try:
        return rules_config.load(Path(path)) if path else rules_config.DEFAULT
    except rules_config.RulesFileError as exc:  # changed since serve checked it
        typer.echo(f"错误：{exc.message}", err=True)
        raise SystemExit(2) from None


def _rubric(path: Path | None):
    """The rubric file read, or None; a mistake in it stops the server before it starts (exit 2)."""
    from ..scores import RubricError, load_rubric

    if path is None:
        return None
    try:
        return load_rubric(path)
    except RubricError as exc:
        typer.echo(f"错误：{exc.message}", err=True)
        raise SystemExit(2) from None


app.command("serve")(serve_command)
