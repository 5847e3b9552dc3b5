"""Commands over a report database: `nianbao ingest`, `export`, `stats`, `correct`.

Every command goes through the store's service layer (store/service.py), the methods the web app
calls; `ingest` takes its bulk path (store/ingest.py).

Exit codes follow cli/common.py: 0 all fine, 1 some files failed (recorded in the database),
2 the database or the input could not be used at all.
"""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, List, Optional

import typer
from rich.table import Table

from ..budget import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, MEMORY_LIMIT_HELP, TIME_LIMIT_HELP, Budget
from ..redact import mask_url, redact
from .check import RULES_HELP, load_rules
from .common import EXIT_OK, EXIT_PARTIAL, EXIT_UNREADABLE, say, app, progress_bar, report_files

DB_HELP = "数据库：SQLite 文件路径或 postgresql://… / a SQLite file or a database URL"
_OUTCOME_NAMES = {"new": "新增 new", "reparsed": "重新解析 re-parsed", "skipped": "已有跳过 skipped", "failed": "失败 failed"}


def _open(db: str, *, create: bool = False):
    """Only `ingest` creates a database; the reading commands refuse a SQLite file that does not exist."""
    from ..store.db import StoreNotFound, open_store

    try:
        return open_store(db, create=create)
    except StoreNotFound as exc:
        say(f"错误：{exc.message}")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    except Exception as exc:  # noqa: BLE001 — one line for users, not a traceback
        say(f"错误：无法打开数据库 {mask_url(db)}：{type(exc).__name__}: {redact(str(exc), db)} / cannot open the database")
        raise typer.Exit(EXIT_UNREADABLE) from exc


def open_service(db: str, rules: Optional[Path] = None, *, create: bool = False):
    """The store's service layer (store/service.py) over an existing database (a new one with
    `create`), with the checks' rules: every command that reads or changes a database but
    `ingest` goes through the same methods as the web app."""
    from ..store.service import ReportService

    config = load_rules(rules)  # a mistaken rules file stops the command before the database is opened
    return ReportService(_open(db, create=create), rules=config)


@contextmanager
def served(db: str, *refused: type[Exception], rules: Optional[Path] = None, create: bool = False) -> Iterator[Any]:
    """The database's service layer for one command, closed after it; a refusal of one of the
    `refused` kinds (an unknown name, a value the store will not take) is one line and exit code 2."""
    service = open_service(db, rules, create=create)
    try:
        yield service
    except refused as exc:
        say(f"错误：{exc}")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    finally:
        service.close()


def _inputs(paths: list[Path]) -> tuple[list[Path], Path | None]:
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            say(f"错误：找不到 {path} / not found")
            raise typer.Exit(EXIT_UNREADABLE)
        files.extend(report_files(path) if path.is_dir() else [path])
    root = paths[0].resolve() if len(paths) == 1 and paths[0].is_dir() else None
    return [f.resolve() for f in files], root


def ingest_command(
    paths: List[Path] = typer.Argument(..., help="报告文件或文件夹 / report files or folders"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    workers: int = typer.Option(1, "--workers", "-w", help="本机并行进程数 / parser processes on this machine"),
    dask: Optional[str] = typer.Option(None, "--dask", help="Dask 调度器地址 / Dask scheduler, e.g. tcp://host:8786"),
    chunk: int = typer.Option(8, "--chunk", help="每批文件数 / files per task"),
    time_limit: float = typer.Option(DEFAULT_TIME_LIMIT, "--time-limit", help=TIME_LIMIT_HELP),
    memory_limit: int = typer.Option(DEFAULT_MEMORY_LIMIT, "--memory-limit", help=MEMORY_LIMIT_HELP),
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
) -> None:
    """解析并入库（可中断续传，按内容哈希去重）/ Parse reports into a database (resumable, idempotent)."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..store.ingest import PARSER_VERSION
    from ..store.service import ReportService

    config = load_rules(rules)  # a mistaken rules file stops the run before any file is read
    files, root = _inputs(paths)
    service = ReportService(_open(db, create=True), rules=config)
    try:
        with progress_bar() as progress:
            task = progress.add_task("入库 ingesting", total=len(files))
            summary = service.ingest_paths(
                files, root=root, workers=workers, dask=dask, chunk_size=chunk,
                progress=lambda name, outcome: progress.advance(task), budget=Budget(time_limit, memory_limit),
            )
    except SQLAlchemyError as exc:  # the database went away, or stayed locked past its busy timeout
        say(f"错误：写入数据库失败：{type(exc).__name__}: {redact(str(exc), db)}（已写入的报告都在，重新运行即可续传）"
            " / writing to the database failed; every report written is kept, run again to resume")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    finally:
        service.close()
    for name, reason in summary.failures:
        say(f"失败 failed {name}：{reason}")
    counts = "，".join(f"{_OUTCOME_NAMES[k]} {getattr(summary, k)}" for k in _OUTCOME_NAMES)
    say(f"共 {summary.files} 个文件 / files（解析器 parser {PARSER_VERSION}）：{counts}")
    if summary.linked:
        say(f"跨年度核对更新 {summary.linked} 份报告 / cross-year findings updated on {summary.linked} reports")
    raise typer.Exit(EXIT_PARTIAL if summary.failed else EXIT_OK)


class Header(str, Enum):
    key = "key"
    zh = "zh"
    both = "both"


def export_command(
    to: Path = typer.Option(..., "--to", help="输出文件 .csv / .parquet / .xlsx / output file"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    long: bool = typer.Option(False, "--long", help="长表：每个单元格一行 / one row per cell"),
    header: Optional[Header] = typer.Option(
        None, "--header", help="表头：key（CSV 默认）| zh 中文 | both 两行（XLSX 默认）/ header rows"
    ),
    harmonised: bool = typer.Option(
        False, "--harmonised", help="宽表加跨版本可比指标列 series.* / add the indicators comparable across editions"
    ),
) -> None:
    """导出当前数据（宽表或长表）/ Export the current reports, wide or long."""
    if to.suffix.lower() not in (".csv", ".parquet", ".xlsx"):
        say(f"错误：不支持的导出格式 {to.suffix}（可用 .csv .parquet .xlsx）/ unsupported export format")
        raise typer.Exit(EXIT_UNREADABLE)
    with served(db) as service:  # the web app's export, over the whole store
        count = service.export_to(to, long=long, header=header.value if header else None, harmonised=harmonised)
    say(f"已导出 {count} 行到 {to} / exported {count} rows")


def stats_command(
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    by: str = typer.Option("year", "--by", help="分组：year,province,city,county,level,edition,agency（可用中文）"),
    metric: Optional[List[str]] = typer.Option(
        None, "--metric", "-m", help="指标：公开率 等，或单元格键 t3.new_received.total；可重复 / repeatable"
    ),
    include_errors: bool = typer.Option(False, "--include-errors", help="包含有错误的报告 / include reports with errors"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入 .csv 或 .json / write a CSV or JSON file"),
    plot: Optional[Path] = typer.Option(None, "--plot", help="绘图 .png 或 .svg / draw a chart"),
) -> None:
    """按年度、地区、层级等汇总并计算比率 / Sums and rates by year, region, level…"""
    from ..store import stats

    dims = [d.strip() for d in by.split(",") if d.strip()]
    try:
        dims = [stats.find_dimension(d) for d in dims]  # 省 → province: the chart and the table take the key
        [stats.find_metric(m) for m in metric or ()]
    except KeyError as exc:
        say(f"错误：未知的分组或指标 {exc.args[0]} / unknown dimension or metric "
             f"（分组 by: {', '.join(stats.DIMENSIONS)}；指标 metrics: {', '.join(m.name for m in stats.METRICS.values())}）")
        raise typer.Exit(EXIT_UNREADABLE) from exc
    with served(db) as service:
        table = service.stats_table(dims, metric or None, include_errors=include_errors)
    if table.empty:
        say("数据库中没有可统计的报告 / the database holds no reports to count")
    _print_table(table)
    if output:
        _write_stats(table, output)
    if plot and table.empty:
        say(f"未绘图 {plot}：没有数据 / no chart: nothing to draw")
    elif plot:
        _plot(table, dims, plot)


def _print_table(table) -> None:
    from rich.console import Console

    view = Table(show_lines=False)
    for column in table.columns:
        view.add_column(str(column), justify="left" if table[column].dtype == object else "right")
    for row in table.itertuples(index=False):
        view.add_row(*(_show(column, value) for column, value in zip(table.columns, row)))
    Console(soft_wrap=True, width=max(120, 14 * len(table.columns))).print(view)


def _show(column: str, value) -> str:
    from ..store.stats import RATES, YOY
    from ..values import exact, plain

    if value is None or (isinstance(value, float) and value != value):
        return "—"
    base = column.removesuffix(YOY)
    if isinstance(value, float) and any(base == r.name for r in RATES):
        return f"{value * 100:+.1f}pp" if column.endswith(YOY) else f"{value:.1%}"
    if isinstance(value, float):
        # As summed: whole for counts, with its decimals for money (157,426,852.69, not 157,426,853).
        number = plain(exact(value))
        return f"{number:+,}" if column.endswith(YOY) else f"{number:,}"
    return str(value)


def _write_stats(table, output: Path) -> None:
    if output.suffix.lower() == ".json":
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        output.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        table.to_csv(output, index=False, encoding="utf-8-sig")
    say(f"已写入 {output} / written")


def _plot(table, dims: list[str], target: Path) -> None:
    from ..store.plot import plot

    note = plot(table, dims, target)
    if note:
        say(note)
    say(f"已绘图 {target} / chart written")


def correct_command(
    document: str = typer.Argument(..., help="文件哈希（或其前缀）或文件名 / document hash (prefix) or file name"),
    cell: str = typer.Argument(..., help="单元格键，如 t3.granted.total / canonical cell key"),
    value: str = typer.Argument(..., help="更正后的值（空值写 null）/ corrected value, or null"),
    db: str = typer.Option("nianbao.db", "--db", help=DB_HELP),
    note: str = typer.Option("", "--note", help="说明 / why"),
    author: str = typer.Option("", "--author", help="更正人 / who"),
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
) -> None:
    """人工更正一个单元格并重新检查（重新解析不会覆盖）/ Correct one cell by hand and re-run the checks
    (survives re-parsing)."""
    number = _corrected_value(value)
    # The web app's correction: the same cells accepted, the report re-checked, its agency relinked.
    with served(db, LookupError, ValueError, rules=rules) as service:
        message = service.correct(service.report_of_document(document), cell, number, author, note)
    say(message)


def _corrected_value(text: str) -> float | None:
    """The value typed for `correct`: a number, or null for "not reported"; anything else is refused by name."""
    if text.strip().lower() == "null":
        return None
    try:
        number = float(text.strip().replace(",", ""))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        say(f"错误：更正值“{text}”无效：应为数字（如 12、0、3.5，增减可为负数），未填报写 null "
            f"/ the value must be a number, or null for not reported")
        raise typer.Exit(EXIT_UNREADABLE)
    return number


app.command("ingest")(ingest_command)
app.command("export")(export_command)
app.command("stats")(stats_command)
app.command("correct")(correct_command)
