"""Refresh the README's screenshots of the web app (docs/img/web-*.png).

The browser tests (tests/test_web_e2e.py) take these screenshots on every run but write
them to a temporary folder, so running the test suite never changes tracked files.  This
script runs the same tests with NIANBAO_SCREENSHOTS pointing here, on purpose:

    .venv/bin/python docs/img/refresh.py

Needs what the browser tests need: /usr/bin/chromium, Playwright, the corpus.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main() -> int:
    env = {**os.environ, "NIANBAO_SCREENSHOTS": str(HERE)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_web_e2e.py"]
    return subprocess.run(command, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
