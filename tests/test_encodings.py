"""The same report in every encoding it is published in parses to the same values."""

from __future__ import annotations

import codecs

import pytest

import nianbao

from .conftest import corpus_file

SEED = corpus_file("seeds/003_133ea6e3b8938548.txt")
TEXT = SEED.read_text(encoding="utf-8")
EXPECTED = nianbao.parse(SEED).canonical()


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("gb18030"),
    lambda t: t.encode("gbk", errors="replace"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-le"),
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),
], ids=["gb18030", "gbk", "utf8-bom", "utf16-bom", "utf16le-nobom", "crlf"])
def test_encodings(encode):
    report = nianbao.parse_bytes(encode(TEXT), "report.txt").canonical()
    for key in ("edition", "year", "t2", "t3", "t4"):
        assert report[key] == EXPECTED[key]


def test_full_width_digits_in_cells():
    text = TEXT.replace("\t0\n", "\t０\n")
    assert text != TEXT
    assert nianbao.parse_bytes(text.encode("utf-8"), "r.txt").canonical()["t3"] == EXPECTED["t3"]


def test_blank_and_slash_cells_are_null():
    lines = TEXT.split("\n")
    i = next(n for n, line in enumerate(lines) if "一、本年新收" in line)
    lines[i + 1], lines[i + 2] = "\t/", "\t"
    report = nianbao.parse_bytes("\n".join(lines).encode("utf-8"), "r.txt")
    assert report.value("t3.new_received.natural_person") is None
    assert report.value("t3.new_received.commercial_enterprise") is None
    assert report.cell("t3.new_received.natural_person").raw == "/"
