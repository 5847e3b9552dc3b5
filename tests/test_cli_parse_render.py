"""What `nianbao parse` writes, `nianbao render` and `nianbao template --from` read."""

from __future__ import annotations

import json

import pytest

from nianbao.inputs import KNOWN_KEYS
from nianbao.model import Report
from nianbao.render.content import PLACEHOLDERS

from .conftest import CORPUS

REPORTS = sorted(p for folder in ("seeds", "dev") for p in (CORPUS / folder).iterdir() if p.is_file())


def test_every_parse_output_key_is_accepted():
    assert set(Report().to_dict()) <= KNOWN_KEYS


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_parse_output_renders_and_prefills(report, run_cli, tmp_path):
    parsed = tmp_path / "r.json"
    result = run_cli("parse", report, "-o", parsed)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(parsed.read_text(encoding="utf-8"))
    out = tmp_path / "out.docx"
    result = run_cli("render", parsed, "-o", out)
    assert "未知字段" not in result.stderr and "Traceback" not in result.stderr
    if result.returncode == 1:  # the report's own arithmetic is wrong: refused, named, and --force writes it
        assert "--force" in result.stderr and not out.exists()
        result = run_cli("render", parsed, "-o", out, "--force")
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0
    book = tmp_path / "book.xlsx"
    result = run_cli("template", "--edition", data["edition"], "--from", parsed, "-o", book)
    assert result.returncode == 0, result.stderr
    assert book.exists()


def test_rendered_parse_output_keeps_the_report_text(run_cli, tmp_path):
    parsed = tmp_path / "r.json"
    assert run_cli("parse", CORPUS / "dev" / "pingtan-2019.txt", "-o", parsed).returncode == 0
    sections = {s["key"]: s["text"] for s in json.loads(parsed.read_text(encoding="utf-8"))["sections"]}
    out = tmp_path / "out.txt"
    result = run_cli("render", parsed, "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    for key in ("overview", "problems", "other"):
        assert sections[key].strip()
        assert sections[key].strip()[:40] in text
        assert PLACEHOLDERS[key] not in text
