"""`nianbao ingest/export/stats/correct` on the command line: database paths and chart dimensions."""

from __future__ import annotations

import pytest

from .conftest import corpus_file


def _clean(result):
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


@pytest.mark.parametrize("command", [
    ("stats",),
    ("stats", "--by", "省", "--plot", "s.png"),
    ("export", "--to", "out.csv"),
    ("export", "--to", "out.parquet", "--long"),
    ("correct", "abc", "t3.granted.total", "1"),
])
@pytest.mark.parametrize("target", ["typo.db", "sqlite:///typo.db"])
def test_a_database_that_does_not_exist_is_an_error_and_is_not_created(command, target, run_cli, tmp_path):
    result = run_cli(*command, "--db", target, cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2
    assert "找不到数据库文件" in result.stderr and "database file not found" in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither the database nor an output file


def test_ingest_creates_the_database(run_cli, tmp_path):
    result = run_cli("ingest", corpus_file("dev/pingtan-2022.txt"), "--db", "new.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new.db").exists()


def test_an_empty_database_gives_an_empty_table(run_cli, tmp_path):
    (tmp_path / "none").mkdir()
    assert run_cli("ingest", "none", "--db", "e.db", cwd=tmp_path).returncode == 0
    result = run_cli("stats", "--db", "e.db", "--by", "年度", "--plot", "s.png", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 0, result.stderr
    assert "没有可统计的报告" in result.stderr and not (tmp_path / "s.png").exists()
    result = run_cli("export", "--db", "e.db", "--to", "out.csv", cwd=tmp_path)
    assert result.returncode == 0 and "已导出 0 行" in result.stderr


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("db")
    subprocess.run([sys.executable, "-m", "nianbao", "ingest", str(corpus_file("dev/pingtan-2019.txt")),
                    str(corpus_file("dev/pingtan-2022.txt")), str(corpus_file("dev/sanming-2023.txt")),
                    "--db", str(folder / "n.db")], check=True, capture_output=True)
    return folder / "n.db"


@pytest.mark.parametrize("by", ["省", "年度", "province", "year", "年度,层级", "市", "格式版本", "机关"])
def test_stats_plot_with_chinese_dimension_names(by, filled, run_cli, tmp_path):
    chart = tmp_path / "s.png"
    result = run_cli("stats", "--db", filled, "--by", by, "--plot", chart)
    _clean(result)
    assert result.returncode == 0, result.stderr
    assert chart.stat().st_size > 0


def test_unknown_dimension_is_an_error(filled, run_cli):
    result = run_cli("stats", "--db", filled, "--by", "州")
    _clean(result)
    assert result.returncode == 2 and "未知的分组或指标" in result.stderr
