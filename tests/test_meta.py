"""Publication date from the signature, in the ways reports print it."""

from __future__ import annotations

import pytest

from nianbao.parser import parse_bytes

from .conftest import ROOT

EXAMPLE = (ROOT / "examples" / "2020-transport-bureau-2019-edition.txt").read_text(encoding="utf-8")
SIGNED = "2021年1月28日"


@pytest.mark.parametrize("printed,iso", [
    ("2021年1月28日", "2021-01-28"),
    ("2021年01月28日", "2021-01-28"),
    ("二〇二一年一月二十八日", "2021-01-28"),
    ("二○二一年十月八日", "2021-10-08"),
    ("二零二一年十二月三十一日", "2021-12-31"),
    ("2021.1.28", "2021-01-28"),
    ("2021/1/28", "2021-01-28"),
    ("2021-01-28", "2021-01-28"),
])
def test_signature_date(printed, iso):
    assert SIGNED in EXAMPLE
    report = parse_bytes(EXAMPLE.replace(SIGNED, printed).encode("utf-8"), "report.txt")
    assert report.published == iso


def test_a_period_end_is_not_a_signature():
    text = EXAMPLE.replace(SIGNED, "") + "\n本报告统计期限截至二〇二〇年十二月三十一日止。\n"
    assert parse_bytes(text.encode("utf-8"), "report.txt").published is None
