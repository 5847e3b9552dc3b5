"""Bad input for `nianbao render`: exit 2, a Chinese message naming the field, nothing on disk."""

from __future__ import annotations

import copy
import json

import html5lib
import pytest

from nianbao.render import render

from .conftest import CORPUS

GOLD = json.loads((CORPUS / "gold" / "pingtan-2022.json").read_text(encoding="utf-8"))


def _case(name):
    data = copy.deepcopy(GOLD)
    if name == "unknown_key":
        data["colour"] = "red"
        return data, "未知字段：colour"
    if name == "unknown_row":
        data["t3"]["granted_maybe"] = {}
        return data, "表三（t3）中有未知的行 'granted_maybe'"
    if name == "unknown_column":
        data["t4"]["review"]["won"] = 1
        return data, "表四“行政复议”行（t4.review）中有未知的列 'won'"
    if name == "missing_table":
        del data["t4"]
        return data, "缺少表四（t4）"
    if name == "missing_row":
        del data["t3"]["carried_over"]
        return data, "表三“二、上年结转政府信息公开申请数量”行"
    if name == "negative":
        data["t3"]["granted"]["natural_person"] = -3
        return data, "表三“（一）予以公开”行“自然人”列（t3.granted.natural_person）不能为负数"
    if name == "fraction":
        data["t2"]["administrative_licensing"]["decisions"] = 2.5
        return data, "表二“行政许可”行“本年处理决定数量”列（t2.administrative_licensing.decisions）必须是整数"
    if name == "string":
        data["t4"]["litigation_direct"]["total"] = "十"
        return data, "表四“未经复议直接起诉”行“总计”列"
    if name == "edition":
        data["edition"] = "2020"
        return data, "格式版本"
    raise KeyError(name)


CASES = ["unknown_key", "unknown_row", "unknown_column", "missing_table", "missing_row", "negative", "fraction",
         "string", "edition"]


@pytest.mark.parametrize("name", CASES)
def test_bad_json_names_the_field(tmp_path, run_cli, name):
    data, expected = _case(name)
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_cli("render", source, "-o", tmp_path / "out.docx", "--force")
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


@pytest.mark.parametrize("text,expected", [
    ('{"edition": "2021", ', "不是有效的 JSON"),
    ("[1, 2]", "报告对象"),
])
def test_malformed_json(tmp_path, run_cli, text, expected):
    source = tmp_path / "in.json"
    source.write_text(text, encoding="utf-8")
    result = run_cli("render", source, "-o", tmp_path / "out.html")
    assert result.returncode == 2 and expected in result.stderr
    assert not (tmp_path / "out.html").exists()


def test_malformed_yaml_and_workbook(tmp_path, run_cli):
    (tmp_path / "in.yaml").write_text("edition: [2021\nyear: 2024", encoding="utf-8")
    result = run_cli("render", tmp_path / "in.yaml", "-o", tmp_path / "out.md")
    assert result.returncode == 2 and "不是有效的 YAML" in result.stderr
    (tmp_path / "in.xlsx").write_bytes(b"not a zip at all")
    result = run_cli("render", tmp_path / "in.xlsx", "-o", tmp_path / "out.md")
    assert result.returncode == 2 and "无法读取工作簿" in result.stderr
    assert not (tmp_path / "out.md").exists()


def test_yaml_input_renders(tmp_path, run_cli):
    import yaml

    data = copy.deepcopy(GOLD)
    data.pop("notes", None)
    data["sections"] = {"overview": "总体情况。", "problems": "问题。", "other": "无。"}
    (tmp_path / "in.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("render", tmp_path / "in.yaml", "-o", tmp_path / "out.md")
    assert result.returncode == 0, result.stderr
    assert "问题。" in (tmp_path / "out.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted((CORPUS / "gold").glob("*.json")), ids=lambda p: p.stem)
def test_html_is_valid_html5(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    data["agency"] = (data.get("agency") or "") + "<script>&\"'"  # escaping
    parser = html5lib.HTMLParser(strict=True)
    document = parser.parse(render(_valid(data), "html").decode("utf-8"))
    assert not parser.errors
    assert document.find(".//{http://www.w3.org/1999/xhtml}script") is None


def _valid(data):
    from nianbao.inputs import validate

    return validate(data)
