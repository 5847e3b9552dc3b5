"""`nianbao parse` on the formats reports are published in: exit codes and messages
for scans, encrypted and corrupt files, and .doc without LibreOffice."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from docx import Document

from nianbao.checks import report_from_json
from nianbao.output import reports_csv

from .conftest import corpus_file
from .store_support import guessed_data

PDF_FIXTURES = Path(__file__).parent / "fixtures" / "pdf"


def test_html_and_pdf_from_the_corpus_parse_completely(run_cli):
    for name in ("dev/shanghai-gov-office-2019.html", "dev/hongze-2023.pdf"):
        result = run_cli("parse", corpus_file(name), "--canonical")
        assert result.returncode == 0, (name, result.stderr)
        assert json.loads(result.stdout)["edition"] in ("2019", "2021")


def test_scanned_pdf_is_not_machine_readable(run_cli):
    result = run_cli("parse", PDF_FIXTURES / "scanned.pdf")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data["tables"].values()) == {"unreadable"}
    assert data["t3"] == {} and data["edition"] is None
    assert "不可机读" in result.stderr


def test_password_protected_pdf(run_cli):
    result = run_cli("parse", PDF_FIXTURES / "encrypted.pdf")
    assert result.returncode == 2 and "加密" in result.stderr and "Traceback" not in result.stderr


def test_corrupt_docx(run_cli, tmp_path):
    buffer = io.BytesIO()
    Document().save(buffer)
    data = bytearray(buffer.getvalue())
    data[len(data) // 2: len(data) // 2 + 200] = b"\x00" * 200
    path = tmp_path / "broken.docx"
    path.write_bytes(bytes(data))
    result = run_cli("parse", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误")


def test_doc_without_libreoffice_says_how_to_install(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    path = tmp_path / "report.doc"
    path.write_bytes(ole)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # python only: no soffice
    result = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(path)], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "LibreOffice" in result.stderr and "apt-get install" in result.stderr


def test_content_decides_the_reader_not_the_extension(run_cli, tmp_path):
    path = tmp_path / "report.txt"  # an HTML page saved with the wrong extension
    path.write_bytes(corpus_file("dev/shanghai-gov-office-2019.html").read_bytes())
    result = run_cli("parse", path, "--canonical")
    assert result.returncode == 0
    assert json.loads(result.stdout)["t3"]["new_received"]["total"] == 859


def test_csv_carries_each_guess_its_other_readings_and_the_report_count():
    data = json.loads(corpus_file("gold/pingtan-2022.json").read_text(encoding="utf-8"))
    guesses = {"t3.new_received.natural_person": (17, (71,)), "t4.review.total": (9, ())}
    rows = list(csv.DictReader(io.StringIO(reports_csv([report_from_json(guessed_data(data, guesses))]))))
    flagged = {f"{r['table']}.{r['row']}.{r['column']}": r for r in rows if r["uncertain"] == "1"}
    assert list(flagged) == ["t3.new_received.natural_person", "t4.review.total"]
    assert flagged["t3.new_received.natural_person"]["alternatives"] == "71"
    assert flagged["t4.review.total"]["alternatives"] == ""
    assert {r["n_uncertain"] for r in rows} == {"2"}


def test_parse_csv_count_agrees_with_the_flags_and_the_json(run_cli):
    source = corpus_file("dev/pingtan-2019.txt")
    rows = list(csv.DictReader(io.StringIO(run_cli("parse", source, "--format", "csv").stdout)))
    flagged = [f"{r['table']}.{r['row']}.{r['column']}" for r in rows if r["uncertain"] == "1"]
    assert {r["n_uncertain"] for r in rows} == {str(len(flagged))}
    assert flagged == json.loads(run_cli("parse", source).stdout)["uncertain"]
