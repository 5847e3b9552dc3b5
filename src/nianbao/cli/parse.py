"""`nianbao parse`: reports in, canonical data out (JSON, JSON lines or CSV)."""

from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer

from ..budget import MEMORY_LIMIT_HELP, TIME_LIMIT_HELP, Budget, DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, Failed, run_each
from ..model import Report
from ..output import CSV_FIELDS, csv_rows, failure_record, file_encoding, report_json, reports_csv
from .common import (
    EXIT_OK, EXIT_PARTIAL, EXIT_UNREADABLE, InputFormat, app, missing_parts, ocr_page_bar, parse_one, progress_bar,
    report_files, say,
)


class OutputFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


@app.command("parse")
def parse_command(
    paths: list[Path] = typer.Argument(..., help="报告文件或文件夹，可多个 / report files or folders, one or more"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入文件（默认标准输出）/ write here instead of stdout"),
    fmt: Optional[OutputFormat] = typer.Option(None, "--format", "-f", help="json (单个文件默认) | jsonl (文件夹或多个文件默认) | csv"),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", help="强制输入格式 / force the input format"),
    canonical: bool = typer.Option(False, "--canonical", help="只输出标准字段（与 gold 文件相同）/ canonical keys only"),
    time_limit: float = typer.Option(DEFAULT_TIME_LIMIT, "--time-limit", help=TIME_LIMIT_HELP),
    memory_limit: int = typer.Option(DEFAULT_MEMORY_LIMIT, "--memory-limit", help=MEMORY_LIMIT_HELP),
) -> None:
    """解析报告，输出表格数据 / Parse reports into canonical data.

    One file: one JSON object.  A folder, or several paths (files and folders mixed):
    one object per line, a progress bar and a summary, as for a folder; each file then parsed in a
    worker process within the time and memory limits (one file: here, without them).
    """
    if len(paths) > 1 or paths[0].is_dir():
        budget = Budget(time_limit, memory_limit)
        raise typer.Exit(_parse_many(paths, output, fmt or OutputFormat.jsonl, input_format, canonical, budget))
    path = paths[0]
    if not path.exists():
        say(f"错误：找不到 {path} / not found")
        raise typer.Exit(EXIT_UNREADABLE)
    with ocr_page_bar():  # a scan: one step per page read by OCR
        report, error = parse_one(path, input_format)
    if report is None:
        say(f"错误：{path.name}：{error}")
        raise typer.Exit(EXIT_UNREADABLE)
    fmt = fmt or OutputFormat.json
    if fmt is OutputFormat.csv:
        text = reports_csv([report])
    else:
        text = report_json(report, full=not canonical, indent=2 if fmt is OutputFormat.json else None) + "\n"
    _write(text, output, file_encoding(fmt is OutputFormat.csv))
    if not report.complete:
        say(f"警告：{path.name} 不完整 / incomplete：{missing_parts(report)}")
        raise typer.Exit(EXIT_PARTIAL)


def _write(text: str, output: Optional[Path], encoding: str) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding=encoding)


def _expand(paths: list[Path]) -> list[Path]:
    """Folders become their report files; files (and paths that do not exist) stay as given."""
    out: list[Path] = []
    for path in paths:
        out.extend(report_files(path) if path.is_dir() else [path])
    return out


def parse_files(files: list[Path], input_format: Optional[InputFormat], budget: Budget,
                ) -> Iterator[tuple[Path, Report | None, str | None]]:
    """(file, report or None, why not) per file, in order, each parsed within the budget."""
    for (path, _), outcome in run_each(_parse_found, ((path, input_format) for path in files), budget):
        if isinstance(outcome, Failed):
            yield path, None, outcome.reason
        else:
            yield path, *outcome


def _parse_found(path: Path, input_format: Optional[InputFormat]) -> tuple[Report | None, str | None]:
    if not path.exists():
        return None, "找不到文件 / not found"
    return parse_one(path, input_format)


def _parse_many(paths: list[Path], output: Optional[Path], fmt: OutputFormat, input_format, canonical: bool,
                budget: Budget) -> int:
    files = _expand(paths)
    counts = {"complete": 0, "partial": 0, "unreadable": 0}
    sink = output.open("w", encoding=file_encoding(fmt is OutputFormat.csv), newline="") if output else sys.stdout
    csv_writer = csv.DictWriter(sink, fieldnames=CSV_FIELDS) if fmt is OutputFormat.csv else None
    if csv_writer:
        csv_writer.writeheader()
    try:
        with progress_bar() as progress:
            task = progress.add_task("解析 parsing", total=len(files))
            for path, report, error in parse_files(files, input_format, budget):
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
    say(f"共 {len(files)} 个文件：完整 {counts['complete']}，不完整 {counts['partial']}，无法读取 {counts['unreadable']} "
         f"/ {len(files)} files: {counts['complete']} complete, {counts['partial']} partial, {counts['unreadable']} unreadable")
    if counts["complete"] == len(files):
        return EXIT_OK
    return EXIT_UNREADABLE if counts["unreadable"] == len(files) else EXIT_PARTIAL


