"""Shared fixtures: the real-report corpus lives outside the repository, in ../shared/corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.evaluate import default_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = default_corpus()


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        raise FileNotFoundError(f"corpus file missing: {path} (set NIANBAO_CORPUS)")
    return path


def gold(name: str) -> dict:
    return json.loads(corpus_file(f"gold/{name}").read_text(encoding="utf-8"))


@pytest.fixture
def run_cli():
    """Run the real console entry point in a subprocess; returns CompletedProcess."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "nianbao", *map(str, args)],
            capture_output=True, text=True, cwd=cwd, env={**os.environ, "COLUMNS": "200"},
        )

    return run


@pytest.fixture(scope="module")
def folder_with_a_huge_file(tmp_path_factory):
    """A real report and a 60 MB one: the parser reads it in ~2 s and ~450 MB (measured); for
    the per-file budget tests of every door (test_budget.py, test_dask_budget.py)."""
    folder = tmp_path_factory.mktemp("bulk")
    text = corpus_file("dev/pingtan-2019.txt").read_text(encoding="utf-8")
    (folder / "a-report.txt").write_text(text, encoding="utf-8")
    (folder / "b-huge.txt").write_text(text * 3500, encoding="utf-8")
    return folder
