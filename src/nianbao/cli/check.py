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
from .. import rules_data
from ..rules_data import SEVERITY_NAMES
from ..checks import Finding, check_all, has_errors, report_from_json
from ..checks import config as rules_config
from ..checks.finding import SEVERITY_ORDER
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


def _print_text(results: list[tuple[Report, list[Finding]]], unreadable: list[Unreadable], checked: int,
                details: bool = True, summary: bool = False, full: bool = False) -> None:
    """Each report's findings (unless `details` is off: --quiet), one line each unless `full`
    (--details) asks for the whole message, then with `summary` the counts per report and per
    rule, then the totals.  `checked` counts every report read, also those --errors-only
    leaves out."""
    console = Console(soft_wrap=False, highlight=False)
    for report, findings in results if details else ():
        title = f"{report.source or ''}  {report.agency or '（机关不详）'} {report.year or ''} 年度 · 格式 {report.edition or '未识别'}"
        if not findings:
            console.print(f"[green]✓[/green] {title}：未发现问题", markup=True)
            continue
        table = Table(title=title, title_justify="left", show_lines=False, expand=True)
        table.add_column("级别", no_wrap=True)
        table.add_column("代码", no_wrap=True)
        table.add_column("说明", overflow="fold")
        for f in findings:
            table.add_row(f"[{_STYLE[f.severity]}]{SEVERITY_NAMES[f.severity]}[/]", f.code, f.message if full else f.summary)
        console.print(table)
        if not full and any(f.summary != f.message for f in findings):
            console.print("[dim]完整说明（所涉单元格、原文摘录）：加 --details / full messages: --details[/dim]", markup=True)
    for item in unreadable:
        console.print(f"[bold red]无法读取[/] {item.source}：{item.message}", markup=True)
    if summary or not details:
        _print_summary(console, results, per_report=summary)
    errors = sum(1 for _, findings in results if has_errors(findings))
    console.print(f"共 {checked + len(unreadable)} 份：有错误 {errors}，无法读取 {len(unreadable)} "
                  f"/ {checked + len(unreadable)} reports: {errors} with errors, {len(unreadable)} unreadable")


def _only_errors(results: list[tuple[Report, list[Finding]]]) -> list[tuple[Report, list[Finding]]]:
    return [(report, errors) for report, findings in results if (errors := [f for f in findings if f.severity == "error"])]


def _print_summary(console: Console, results: list[tuple[Report, list[Finding]]], per_report: bool) -> None:
    """Counts per rule (findings, reports) and, with --summary, per report: what a folder
    of hundreds of reports needs instead of (or after) every finding."""
    if per_report:
        table = Table(title="各报告问题数 / findings per report", title_justify="left", expand=False)
        for column in ("报告", "机关", "年度", "错误", "警告", "提示"):
            table.add_column(column, overflow="fold")
        for report, findings in results:
            counts = [sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")]
            table.add_row(report.source or "", report.agency or "（机关不详）", str(report.year or ""), *map(str, counts))
        console.print(table)
    by_rule: dict[str, tuple[int, set[int]]] = {}
    for index, (_, findings) in enumerate(results):
        for f in findings:
            count, reports = by_rule.get(f.code, (0, set()))
            by_rule[f.code] = (count + 1, reports | {index})
    if not by_rule:
        return
    table = Table(title="各规则问题数 / findings per rule", title_justify="left", expand=False)
    for column in ("级别", "代码", "规则", "问题数", "报告数"):
        table.add_column(column, overflow="fold", no_wrap=column in ("级别", "代码"))
    order = sorted(by_rule, key=lambda code: (SEVERITY_ORDER[rules_data.severity(code)], -by_rule[code][0], code))
    for code in order:
        severity = rules_data.severity(code)
        count, reports = by_rule[code]
        table.add_row(f"[{_STYLE[severity]}]{SEVERITY_NAMES[severity]}[/]", code, rules_data.RULES_BY_CODE[code].title,
                      str(count), str(len(reports)))
    console.print(table)



RULES_HELP = "本地规则文件（YAML：各层级发布期限、各项检查阈值），见 docs/本地规则.yaml / local rules file"


def load_rules(path: Optional[Path]) -> rules_config.RuleConfig:
    """The rules of `--rules FILE` (national ones without it); a mistaken file exits 2 with its message."""
    if path is None:
        return rules_config.DEFAULT
    try:
        return rules_config.load(path)
    except rules_config.RulesFileError as exc:
        stderr.print(f"错误：{exc.message}", markup=False, highlight=False)
        raise typer.Exit(EXIT_UNREADABLE)


def check_command(
    paths: list[Path] = typer.Argument(..., help="报告文件、JSON 或文件夹（可混合）/ report files, JSON or folders"),
    fmt: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text（终端）| json | jsonl"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="写入文件（默认标准输出）/ write here instead of stdout"),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="另写检查工作簿（报告表与问题表）/ also write an inspection workbook"),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", help="强制输入格式 / force the input format"),
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
    summary: bool = typer.Option(False, "--summary", help="最后列出各规则、各报告的问题数 / counts per rule and per report"),
    errors_only: bool = typer.Option(False, "--errors-only", help="只列出错误级问题及有错误的报告 / only error-level findings"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不逐份列出，只在最后打印汇总 / print only the summary"),
    full: bool = typer.Option(False, "--details", "-d", help="每条问题的完整说明（默认一行）/ whole messages, not one line each"),
    time_limit: float = typer.Option(DEFAULT_TIME_LIMIT, "--time-limit", help=TIME_LIMIT_HELP),
    memory_limit: int = typer.Option(DEFAULT_MEMORY_LIMIT, "--memory-limit", help=MEMORY_LIMIT_HELP),
) -> None:
    """检查报告：勾稽关系、空白、格式、跨年度衔接等 / Check reports for errors and inconsistencies.

    A folder or several paths: each file read in a worker process within the time and memory
    limits; one file: here, without them."""
    config = load_rules(rules)  # a mistaken rules file stops the run before any report is read
    bulk = len(paths) > 1 or paths[0].is_dir()
    items = list(load_inputs(paths, input_format, Budget(time_limit, memory_limit) if bulk else None))
    reports = [item for item in items if isinstance(item, Report)]
    unreadable = [item for item in items if isinstance(item, Unreadable)]
    results = check_all(reports, config)
    any_errors = any(has_errors(f) for _, f in results)
    shown = _only_errors(results) if errors_only else results
    if fmt is CheckFormat.text and output is None:
        _print_text(shown, unreadable, len(results), details=not quiet, summary=summary, full=full)
    else:
        if summary:
            _print_summary(stderr, shown, per_report=True)
        records = [report_record(r, f) for r, f in shown] + [unreadable_record(u) for u in unreadable]
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

        write_workbook(xlsx, shown, unreadable)
    for item in unreadable:
        stderr.print(f"错误：{item.source}：{item.message}", markup=False, highlight=False)
    if unreadable:
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_FINDINGS if any_errors else EXIT_OK)


app.command("check")(check_command)
