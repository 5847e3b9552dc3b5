"""`nianbao check`: findings for reports and canonical JSON, as text, JSON or a workbook.

Exit codes: 0 no report has an error-level finding, 1 some do, 2 some input could
not be read (then the check is incomplete, whatever the others say).
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table

from ..budget import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, MEMORY_LIMIT_HELP, TIME_LIMIT_HELP, Budget, Failed, Runner
from ..checks import Finding, check_all, has_errors, report_from_json
from ..checks.load import is_report_json
from .common import EXIT_OK, EXIT_PARTIAL, EXIT_UNREADABLE, InputFormat, app, parse_one, report_files, stderr
from ..model import Report

EXIT_FINDINGS = EXIT_PARTIAL  # 1: some report has an error-level finding
_JSON_SUFFIXES = (".json", ".jsonl")


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class Unreadable:
    def __init__(self, source: str, message: str) -> None:
        self.source, self.message = source, message


def _json_reports(path: Path) -> Iterator[Report | Unreadable]:
    try:
        text = path.read_text(encoding="utf-8")
        items = [json.loads(line) for line in text.splitlines() if line.strip()] if path.suffix == ".jsonl" \
            else [json.loads(text)]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield Unreadable(path.name, f"无法读取 JSON：{exc} / cannot read JSON")
        return
    for item in (x for entry in items for x in (entry if isinstance(entry, list) else [entry])):
        if is_report_json(item):
            yield report_from_json(item)
        else:
            source = item.get("source", path.name) if isinstance(item, dict) else path.name
            error = item.get("error") if isinstance(item, dict) else None
            yield Unreadable(source, error or "不是 nianbao 报告 JSON / not a nianbao report JSON")


def read_file(path: Path, input_format: Optional[InputFormat]) -> list[Report | Unreadable]:
    """The reports of one file (a JSON lines file holds many)."""
    if path.suffix.lower() in _JSON_SUFFIXES and input_format is None:
        return list(_json_reports(path))
    report, error = parse_one(path, input_format)
    return [report if report is not None else Unreadable(path.name, error or "")]


def load_inputs(paths: list[Path], input_format: Optional[InputFormat],
                budget: Budget | None = None) -> Iterator[Report | Unreadable]:
    """With a budget, each file is read in a worker process within it (budget.py); else here."""
    with Runner(budget, warm=(__name__,)) if budget else nullcontext() as runner:
        for root in paths:
            if not root.exists():
                yield Unreadable(str(root), "找不到文件 / not found")
                continue
            for path in (report_files(root) if root.is_dir() else [root]):
                outcome = runner.call(read_file, path, input_format) if runner else read_file(path, input_format)
                yield from [Unreadable(path.name, outcome.reason)] if isinstance(outcome, Failed) else outcome


def report_record(report: Report, findings: list[Finding]) -> dict[str, Any]:
    return {
        "source": report.source, "edition": report.edition, "year": report.year, "agency": report.agency,
        "published": report.published, "n_uncertain": len(report.uncertain), "findings": [f.to_dict() for f in findings],
    }


def unreadable_record(item: Unreadable) -> dict[str, Any]:
    return {"source": item.source, "edition": None, "error": item.message, "findings": []}


_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_WORD = {"error": "错误", "warning": "警告", "info": "提示"}


def _print_text(results: list[tuple[Report, list[Finding]]], unreadable: list[Unreadable]) -> None:
    console = Console(soft_wrap=False, highlight=False)
    for report, findings in results:
        title = f"{report.source or ''}  {report.agency or '（机关不详）'} {report.year or ''} 年度 · 格式 {report.edition or '未识别'}"
        if not findings:
            console.print(f"[green]✓[/green] {title}：未发现问题", markup=True)
            continue
        table = Table(title=title, title_justify="left", show_lines=False, expand=True)
        table.add_column("级别", no_wrap=True)
        table.add_column("代码", no_wrap=True)
        table.add_column("说明", overflow="fold")
        for f in findings:
            table.add_row(f"[{_STYLE[f.severity]}]{_WORD[f.severity]}[/]", f.code, f.message)
        console.print(table)
    for item in unreadable:
        console.print(f"[bold red]无法读取[/] {item.source}：{item.message}", markup=True)
    errors = sum(1 for _, findings in results if has_errors(findings))
    console.print(f"共 {len(results) + len(unreadable)} 份：有错误 {errors}，无法读取 {len(unreadable)} "
                  f"/ {len(results) + len(unreadable)} reports: {errors} with errors, {len(unreadable)} unreadable")


def check_command(
    paths: list[Path] = typer.Argument(..., help="报告文件、JSON 或文件夹（可混合）/ report files, JSON or folders"),
    fmt: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text（终端）| json | jsonl"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入文件（默认标准输出）/ write here instead of stdout"),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="另写检查工作簿（报告表与问题表）/ also write an inspection workbook"),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", help="强制输入格式 / force the input format"),
    time_limit: float = typer.Option(DEFAULT_TIME_LIMIT, "--time-limit", help=TIME_LIMIT_HELP),
    memory_limit: int = typer.Option(DEFAULT_MEMORY_LIMIT, "--memory-limit", help=MEMORY_LIMIT_HELP),
) -> None:
    """检查报告：勾稽关系、空白、格式、跨年度衔接等 / Check reports for errors and inconsistencies.

    A folder or several paths: each file read in a worker process within the time and memory
    limits; one file: here, without them."""
    bulk = len(paths) > 1 or paths[0].is_dir()
    items = list(load_inputs(paths, input_format, Budget(time_limit, memory_limit) if bulk else None))
    reports = [item for item in items if isinstance(item, Report)]
    unreadable = [item for item in items if isinstance(item, Unreadable)]
    results = check_all(reports)
    if fmt is CheckFormat.text and output is None:
        _print_text(results, unreadable)
    else:
        records = [report_record(r, f) for r, f in results] + [unreadable_record(u) for u in unreadable]
        if fmt is CheckFormat.jsonl:
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        else:
            text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    if xlsx is not None:
        from ..checks.workbook import write_workbook

        write_workbook(xlsx, results, unreadable)
    for item in unreadable:
        stderr.print(f"错误：{item.source}：{item.message}", markup=False, highlight=False)
    if unreadable:
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_FINDINGS if any(has_errors(f) for _, f in results) else EXIT_OK)


app.command("check")(check_command)
