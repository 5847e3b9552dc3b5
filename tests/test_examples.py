"""The bundled sample reports (made-up numbers in the official layouts) parse completely."""

from __future__ import annotations

from pathlib import Path

import pytest

import nianbao

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.txt"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_is_complete_and_certain(path):
    report = nianbao.parse(path)
    assert report.complete and report.uncertain == []


def test_fused_crawl_splits_back_to_the_table():
    """The crawled example is the pipe-layout example with every cell glued together:
    the arithmetic must give back exactly the same numbers."""
    folder = EXAMPLES[0].parent
    fused = nianbao.parse(folder / "2023-crawled-page-fused-cells.txt").canonical()
    table = nianbao.parse(folder / "2023-street-office-2021-edition.txt").canonical()
    assert [fused[t] for t in ("t2", "t3", "t4")] == [table[t] for t in ("t2", "t3", "t4")]
    assert fused["published"] == "2024-01-20"


def test_the_readmes_first_command_parses_every_sample(run_cli):
    """`nianbao parse examples/` (the README's first command) reads every file there, exit 0."""
    result = run_cli("parse", str(EXAMPLES[0].parent))
    assert result.returncode == 0, result.stderr
    assert "无法读取 0" in result.stderr
