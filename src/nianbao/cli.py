"""Command line: `nianbao parse …` (and the commands later issues add).

Exit codes: 0 complete, 1 parsed with missing or unreadable parts (partial result
still printed), 2 input that could not be read at all.  No tracebacks: every
failure is one line on stderr, Chinese first.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .errors import NianbaoError
from .model import Report
from .output import CSV_FIELDS, csv_rows, failure_record, report_json, reports_csv
from .parser import parse

EXIT_OK, EXIT_PARTIAL, EXIT_UNREADABLE = 0, 1, 2

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="nianbao — 政府信息公开工作年度报告：解析、检查、生成 / parse, check and write annual reports.",
)
stderr = Console(stderr=True, soft_wrap=True)


@app.callback()
def _root() -> None:
    """nianbao — 政府信息公开工作年度报告：解析、检查、生成 / parse, check and write annual reports."""


class OutputFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class InputFormat(str, Enum):
    text = "text"
    html = "html"
    docx = "docx"
    doc = "doc"
    pdf = "pdf"


def progress_bar() -> Progress:
    """The progress bar every folder command shows on stderr."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=stderr, transient=True,
    )


def _say(message: str) -> None:
    stderr.print(message, markup=False, highlight=False)


def report_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


_TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
_STATUS_NAMES = {"missing": "缺失 missing", "unreadable": "不可机读 not machine-readable", "partial": "部分缺失 partial"}


def _missing_parts(report: Report) -> str:
    parts = [f"{_TABLE_NAMES[k]}{_STATUS_NAMES.get(s, s)}" for k, s in report.table_status.items() if s != "ok"]
    if report.edition is None:
        parts.insert(0, report.edition_reason or "未识别格式版本")
    return "；".join(parts)


def parse_one(path: Path, input_format: Optional[InputFormat]) -> tuple[Report | None, str | None]:
    from .inputs import is_fill_in_workbook, report_from_workbook

    try:
        if input_format is None and is_fill_in_workbook(path):  # other spreadsheets: the readers say they are not read
            return report_from_workbook(path), None
        return parse(path, format=input_format.value if input_format else None), None
    except NianbaoError as exc:
        return None, exc.message
    except Exception as exc:  # noqa: BLE001 — a bug must not print a traceback at users
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        return None, f"解析失败（内部错误 {type(exc).__name__}: {exc}）/ internal error"


@app.command("parse")
def parse_command(
    paths: list[Path] = typer.Argument(..., help="报告文件或文件夹，可多个 / report files or folders, one or more"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入文件（默认标准输出）/ write here instead of stdout"),
    fmt: Optional[OutputFormat] = typer.Option(None, "--format", "-f", help="json (单个文件默认) | jsonl (文件夹或多个文件默认) | csv"),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", help="强制输入格式 / force the input format"),
    canonical: bool = typer.Option(False, "--canonical", help="只输出标准字段（与 gold 文件相同）/ canonical keys only"),
) -> None:
    """解析报告，输出表格数据 / Parse reports into canonical data.

    One file: one JSON object.  A folder, or several paths (files and folders mixed):
    one object per line, a progress bar and a summary, as for a folder.
    """
    if len(paths) > 1 or paths[0].is_dir():
        raise typer.Exit(_parse_many(paths, output, fmt or OutputFormat.jsonl, input_format, canonical))
    path = paths[0]
    if not path.exists():
        _say(f"错误：找不到 {path} / not found")
        raise typer.Exit(EXIT_UNREADABLE)
    report, error = parse_one(path, input_format)
    if report is None:
        _say(f"错误：{path.name}：{error}")
        raise typer.Exit(EXIT_UNREADABLE)
    fmt = fmt or OutputFormat.json
    if fmt is OutputFormat.csv:
        text = reports_csv([report])
    else:
        text = report_json(report, full=not canonical, indent=2 if fmt is OutputFormat.json else None) + "\n"
    _write(text, output)
    if not report.complete:
        _say(f"警告：{path.name} 不完整 / incomplete：{_missing_parts(report)}")
        raise typer.Exit(EXIT_PARTIAL)


def _write(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _expand(paths: list[Path]) -> list[Path]:
    """Folders become their report files; files (and paths that do not exist) stay as given."""
    out: list[Path] = []
    for path in paths:
        out.extend(report_files(path) if path.is_dir() else [path])
    return out


def _parse_many(paths: list[Path], output: Optional[Path], fmt: OutputFormat, input_format, canonical: bool) -> int:
    files = _expand(paths)
    counts = {"complete": 0, "partial": 0, "unreadable": 0}
    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    csv_writer = csv.DictWriter(sink, fieldnames=CSV_FIELDS) if fmt is OutputFormat.csv else None
    if csv_writer:
        csv_writer.writeheader()
    try:
        with progress_bar() as progress:
            task = progress.add_task("解析 parsing", total=len(files))
            for path in files:
                if path.exists():
                    report, error = parse_one(path, input_format)
                else:
                    report, error = None, "找不到文件 / not found"
                if report is None:
                    counts["unreadable"] += 1
                    progress.console.print(f"跳过 skipped {path.name}：{error}", markup=False, highlight=False)
                    if fmt is not OutputFormat.csv:
                        sink.write(json.dumps(failure_record(path.name, error or ""), ensure_ascii=False) + "\n")
                else:
                    counts["complete" if report.complete else "partial"] += 1
                    if csv_writer:
                        csv_writer.writerows(csv_rows(report))
                    else:
                        sink.write(report_json(report, full=not canonical, indent=None) + "\n")
                progress.advance(task)
    finally:
        if output:
            sink.close()
    _say(f"共 {len(files)} 个文件：完整 {counts['complete']}，不完整 {counts['partial']}，无法读取 {counts['unreadable']} "
         f"/ {len(files)} files: {counts['complete']} complete, {counts['partial']} partial, {counts['unreadable']} unreadable")
    if counts["complete"] == len(files):
        return EXIT_OK
    return EXIT_UNREADABLE if counts["unreadable"] == len(files) else EXIT_PARTIAL


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
from . import cli_check  # noqa: F401,E402  (registers `nianbao check`)
from . import cli_render  # noqa: F401,E402  (registers `nianbao render` and `nianbao template`)
from . import cli_store  # noqa: F401,E402  (registers `nianbao ingest/export/stats/correct`)
from . import cli_web  # noqa: F401,E402  (registers `nianbao serve`)
