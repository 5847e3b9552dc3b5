"""What every command shares: the Typer app, exit codes, stderr, progress bars, file walking.

Exit codes: 0 complete, 1 parsed with missing or unreadable parts (partial result
still printed), 2 input that could not be read at all.  No tracebacks: every
failure is one line on stderr, Chinese first.  Command modules import `app` from
here and register themselves; nothing here imports them.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import NianbaoError, internal_error_message
from ..model import Report
from ..parser import parse
from .usage import Typer

EXIT_OK, EXIT_PARTIAL, EXIT_UNREADABLE = 0, 1, 2

app = Typer(  # typer.Typer with its own usage errors said Chinese first
    add_completion=False,
    no_args_is_help=True,
    help="nianbao — 政府信息公开工作年度报告：解析、检查、生成 / parse, check and write annual reports.",
)
stderr = Console(stderr=True, soft_wrap=True)


@app.callback()
def _root() -> None:
    """nianbao — 政府信息公开工作年度报告：解析、检查、生成 / parse, check and write annual reports."""


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


@contextmanager
def ocr_page_bar() -> Iterator[None]:
    """A progress bar per page while OCR reads a scan (readers/ocr.py), when stderr is a
    terminal; it appears with the first page read, so other files show nothing."""
    if not stderr.is_terminal:
        yield
        return
    from ..readers.ocr import page_progress

    bar: Progress | None = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = progress_bar()
            bar.start()
            bar.add_task("文字识别 OCR（页 pages）", total=total)
        bar.update(bar.task_ids[0], completed=done)

    try:
        with page_progress(advance):
            yield
    finally:
        if bar is not None:
            bar.stop()


def say(message: str) -> None:
    stderr.print(message, markup=False, highlight=False)


def report_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


_TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}
_STATUS_NAMES = {"missing": "缺失 missing", "unreadable": "不可机读 not machine-readable", "partial": "部分缺失 partial"}


def missing_parts(report: Report) -> str:
    parts = [f"{_TABLE_NAMES[k]}{_STATUS_NAMES.get(s, s)}" for k, s in report.table_status.items() if s != "ok"]
    if report.edition is None:
        parts.insert(0, report.edition_reason or "未识别格式版本")
    return "；".join(parts)


def parse_one(path: Path, input_format: Optional[InputFormat]) -> tuple[Report | None, str | None]:
    from ..inputs import is_fill_in_workbook, report_from_workbook

    try:
        if input_format is None and is_fill_in_workbook(path):  # other spreadsheets: the readers say they are not read
            return report_from_workbook(path), None
        return parse(path, format=input_format.value if input_format else None), None
    except NianbaoError as exc:
        return None, exc.message
    except MemoryError:  # in a budgeted worker (budget.py): reported there as over the memory limit
        raise
    except Exception as exc:  # noqa: BLE001 — a bug must not print a traceback at users
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        return None, internal_error_message(exc)


