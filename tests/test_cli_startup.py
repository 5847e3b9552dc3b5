"""The command line starts without the libraries only some commands use: every `nianbao` call
paid ≈0.8 s for openpyxl (and numpy, which it loads) and SQLAlchemy before they were loaded by
the commands that write workbooks or open a database (`nianbao --help`: 1.9 s → 1.1 s)."""

from __future__ import annotations

import subprocess
import sys

DEFERRED = ("openpyxl", "sqlalchemy", "numpy")


def test_the_command_line_loads_workbook_and_database_libraries_only_when_a_command_needs_them():
    probe = ("import sys, nianbao.cli; "
             f"print(' '.join(name for name in {DEFERRED!r} if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_reading_a_report_that_is_not_a_workbook_loads_no_workbook_library(tmp_path):
    """`nianbao parse` / `check` ask of every file whether it is a fill-in workbook; a report in
    another format is answered without openpyxl (it cost a budgeted worker's first file 0.8 s)."""
    report = tmp_path / "report.txt"
    report.write_text("一、总体情况\n本机关认真贯彻条例。\n", encoding="utf-8")
    probe = ("import sys; from nianbao.cli.check import read_file; from pathlib import Path; "
             f"read_file(Path({str(report)!r}), None); "
             f"print(' '.join(name for name in {DEFERRED!r} if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
