"""`nianbao parse`: output formats, folder mode and bad input (exit codes, messages, no tracebacks)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from .conftest import corpus_file, gold

SEED = "seeds/000_05b7538ffe1c510c.txt"


def _no_traceback(result):
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_json_matches_gold(run_cli):
    result = run_cli("parse", corpus_file(SEED), "--canonical")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = gold("000_05b7538ffe1c510c.json")
    for key in ("edition", "year", "t2", "t3", "t4"):
        assert data[key] == expected[key]
    assert data["uncertain"] == []


def test_full_json_has_provenance_and_sections(run_cli):
    data = json.loads(run_cli("parse", corpus_file("dev/pingtan-2019.txt")).stdout)
    cell = data["cells"]["t3.new_received.total"]
    assert cell["value"] == 23 and cell["raw"] == "23" and "fused" in cell["inferred"]
    assert cell["location"]["end"] > cell["location"]["start"]
    assert [s["number"] for s in data["sections"]][:2] == ["一", "二"]
    assert "t2.normative_documents.new_made" in data["uncertain"]


def test_csv_long_format(run_cli):
    result = run_cli("parse", corpus_file(SEED), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 198
    assert {"table", "row", "column", "value", "raw"} <= set(rows[0])
    assert rows[0]["table"] == "t2"


def test_folder_to_jsonl_with_a_bad_file(run_cli, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(corpus_file(SEED), folder / "a.txt")
    shutil.copy(corpus_file("dev/pingtan-2022.txt"), folder / "b.txt")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 500)
    out = tmp_path / "out.jsonl"
    result = run_cli("parse", folder, "-o", out)
    _no_traceback(result)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3
    assert {line["source"] for line in lines} == {"a.txt", "b.txt", "broken.txt"}
    assert "error" in next(line for line in lines if line["source"] == "broken.txt")
    assert result.returncode == 1
    assert "完整 2" in result.stderr and "无法读取 1" in result.stderr


def test_empty_file(run_cli, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run_cli("parse", path)
    assert result.returncode == 2 and "文件为空" in result.stderr
    _no_traceback(result)


def test_binary_junk(run_cli, tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40)
    result = run_cli("parse", path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    _no_traceback(result)


def test_not_a_report(run_cli, tmp_path):
    path = tmp_path / "novel.txt"
    path.write_text("今天天气很好，我们去公园散步。\n晚上回家吃饭。\n", encoding="utf-8")
    result = run_cli("parse", path)
    assert result.returncode == 2 and "不是政府信息公开工作年度报告" in result.stderr


def test_truncated_report_is_partial_not_zero(run_cli, tmp_path):
    text = corpus_file(SEED).read_text(encoding="utf-8")
    cut = text.index("四、结转下年度继续办理")
    path = tmp_path / "truncated.txt"
    path.write_text(text[:cut], encoding="utf-8")
    result = run_cli("parse", path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["tables"]["t4"] == "missing" and data["t4"] == {}
    assert data["t3"]["carried_forward"]["total"] is None
    assert data["t3"]["new_received"]["total"] == 0
    assert "表四缺失" in result.stderr


def test_tables_published_as_images_are_missing_not_zero(run_cli, tmp_path):
    text = corpus_file(SEED).read_text(encoding="utf-8")
    start, end = text.index("二、主动公开政府信息情况"), text.index("五、存在的主要问题")
    body = text[:start] + "二、主动公开政府信息情况\n（见下图）\n[图片]\n" + text[end:]
    path = tmp_path / "images.txt"
    path.write_text(body, encoding="utf-8")
    result = run_cli("parse", path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["edition"] is None and data["t3"] == {} and data["t2"] == {}
    assert "图片" in result.stderr


def test_missing_path(run_cli, tmp_path):
    result = run_cli("parse", tmp_path / "nope.txt")
    assert result.returncode == 2 and "找不到" in result.stderr


def test_library_api():
    import nianbao

    report = nianbao.parse(corpus_file("dev/pingtan-2022.txt"))
    assert report.edition == "2021" and report.value("t3.new_received.total") == 74
    assert report.complete


def test_several_paths_like_a_folder(run_cli, tmp_path):
    folder = tmp_path / "more"
    folder.mkdir()
    shutil.copy(corpus_file("dev/pingtan-2022.txt"), folder / "c.txt")
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\x02" * 500)
    result = run_cli("parse", corpus_file(SEED), folder, tmp_path / "broken.txt", tmp_path / "absent.txt")
    _no_traceback(result)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["source"] for line in lines] == [Path(SEED).name, "c.txt", "broken.txt", "absent.txt"]
    assert "error" in lines[2] and "error" in lines[3]
    assert result.returncode == 1
    assert "共 4 个文件" in result.stderr and "完整 2" in result.stderr and "无法读取 2" in result.stderr
    # all readable and complete: exit 0; --canonical and csv as in folder mode
    result = run_cli("parse", corpus_file(SEED), corpus_file("dev/pingtan-2022.txt"), "--canonical")
    assert result.returncode == 0, result.stderr
    assert [set(json.loads(line)) >= {"t2", "t3", "t4"} for line in result.stdout.splitlines()] == [True, True]
    result = run_cli("parse", corpus_file(SEED), corpus_file("dev/pingtan-2022.txt"), "--format", "csv")
    assert result.returncode == 0 and result.stdout.count("\n") > 300
