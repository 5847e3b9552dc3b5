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
