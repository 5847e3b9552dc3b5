"""Every file in ../shared/hostile (the smallest reproducers of hostile and damaged input)
with the outcome it must have: the CLI's exit code, the message it gives, the cells it
must flag, and bounds on the CPU time and peak memory of that one process.

The files are copied into a temporary folder and read from there (never edited in place);
the tests skip when the folder is absent, as the corpus tests do.  Their families, with
generators, are in tests/test_fuzz.py and tests/test_readers_bounded.py.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import nianbao
from nianbao.errors import NianbaoError
from tests.conftest import CORPUS
from tests.fuzz_support import run_measured, strict_json

HOSTILE = CORPUS.parent / "hostile"

# Generous bounds for one `nianbao parse FILE` process, start-up included (about 0.5 s and
# 75 MB on the 2-core test machine).  The files once took up to 148 s and 4.3 GB, so a
# regression fails by an order of magnitude, while a busy machine does not.
CPU_SECONDS = 10.0
PEAK_RSS_MB = 600.0

T3_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_ROWS = ("review", "litigation_direct", "litigation_after_review")


def row(table_row: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{table_row}.{column}" for column in columns)


@dataclass(frozen=True)
class Expected:
    exit_code: int  # 0 complete, 1 incomplete (tables or cells missing), 2 unreadable
    message: str  # in stderr for a refusal, else in one of the report's warnings
    uncertain: tuple[str, ...] = ()  # cells that must be flagged
    values: dict[str, object] = field(default_factory=dict)  # cells with a value they must have (None: blank)
    raw: dict[str, str] = field(default_factory=dict)  # cells whose printed text must be kept


EXPECTED: dict[str, Expected] = {
    "fused-min-40.txt": Expected(1, "应为 7 个", uncertain=row("t3.new_received", T3_COLUMNS)),
    "inf-400digit-fused.txt": Expected(
        0, "8 个值", uncertain=row("t3.total_handled", T3_COLUMNS),
        values={"t3.total_handled.natural_person": None}),
    "redos-1000.txt": Expected(1, "按行名相近", uncertain=row("t3.new_received", T3_COLUMNS)),
    "spans-200.html": Expected(1, "表格过大"),
    "nested-300.html": Expected(1, "嵌套超过 256 层"),
    "ff-tail.html": Expected(1, "未找到表二"),  # read (a title, no tables), not "cannot read"
    "zipver84.docx": Expected(2, "不支持的 ZIP 格式"),
    "docroot.docx": Expected(2, "没有正文"),
    "giant-14400.pdf": Expected(0, ""),
    "bigint-20digits.txt": Expected(
        0, "", uncertain=("t2.administrative_licensing.previous_year",),
        values={"t2.administrative_licensing.previous_year": None},
        raw={"t2.administrative_licensing.previous_year": "99999999999999999999"}),
    "seed002-penalty-row-short.txt": Expected(
        0, "无从核对", uncertain=row("t2.administrative_penalty", ("previous_year", "change", "decisions"))),
    "seed002-procurement-short.txt": Expected(
        0, "无从核对", uncertain=row("t2.centralized_procurement", ("projects", "amount"))),
    "t2-row-missing-cell.docx": Expected(
        0, "无从核对", uncertain=row("t2.normative_documents", ("issued", "repealed", "in_force"))),
    # One letter in one table 四 cell: that cell unreadable (flagged, its text kept), the table stands.
    "seed003-t4-one-letter.txt": Expected(
        0, "不是数值", uncertain=("t4.litigation_direct.corrected",),
        values={"t4.litigation_direct.corrected": None}, raw={"t4.litigation_direct.corrected": "x"}),
}
T4_LETTER = "seed003-t4-one-letter.txt"
T4_SEED = "003_133ea6e3b8938548.txt"


def hostile_copy(name: str, folder: Path) -> Path:
    source = HOSTILE / name
    if not source.exists():
        pytest.skip(f"{source} not present")
    target = folder / name
    shutil.copyfile(source, target)
    return target


def test_every_hostile_file_has_an_expected_outcome():
    if not HOSTILE.is_dir():
        pytest.skip(f"{HOSTILE} not present")
    present = {p.name for p in HOSTILE.iterdir() if p.name != "README.md"}
    assert present <= set(EXPECTED), f"hostile files without an expected outcome: {present - set(EXPECTED)}"


def warning_messages(report: dict) -> list[str]:
    return [w["message"] + " " + w.get("message_en", "") for w in report["warnings"]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_through_the_cli(name, tmp_path):
    expected = EXPECTED[name]
    path = hostile_copy(name, tmp_path)
    run = run_measured(["parse", str(path)], tmp_path)
    assert run.returncode == expected.exit_code, run.stderr
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    assert run.cpu_seconds < CPU_SECONDS and run.peak_rss_mb < PEAK_RSS_MB, (run.cpu_seconds, run.peak_rss_mb)
    if expected.exit_code == 2:
        assert expected.message in run.stderr and "错误" in run.stderr
        assert not run.stdout.strip()
        return
    report = strict_json(run.stdout)  # no NaN or Infinity
    assert isinstance(report, dict)
    assert expected.message in " ".join(warning_messages(report))
    assert set(expected.uncertain) <= set(report["uncertain"])
    for path_, value in expected.values.items():
        assert report["cells"][path_]["value"] == value
    for path_, raw in expected.raw.items():
        assert report["cells"][path_]["raw"] == raw


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_through_the_library(name, tmp_path):
    """parse() either reads the file or refuses it with the library's own error."""
    path = hostile_copy(name, tmp_path)
    try:
        report = nianbao.parse(path)
    except NianbaoError as exc:
        assert EXPECTED[name].exit_code == 2
        assert EXPECTED[name].message in exc.message
        return
    assert EXPECTED[name].exit_code != 2
    assert set(EXPECTED[name].uncertain) <= set(report.uncertain)


def test_huge_page_renders_within_the_pixel_budget(tmp_path):
    page_images = pytest.importorskip("nianbao.web.page_images")
    from PIL import Image

    path = hostile_copy("giant-14400.pdf", tmp_path)
    png = page_images.render_page_png(path.read_bytes(), 1)
    width, height = Image.open(__import__("io").BytesIO(png)).size
    assert width * height <= page_images.MAX_PIXELS


def test_one_letter_in_table_four_keeps_the_rest_of_the_table(tmp_path):
    letter = nianbao.parse(hostile_copy(T4_LETTER, tmp_path))
    seed = CORPUS / "seeds" / T4_SEED
    if not seed.exists():
        pytest.skip(f"{seed} not present")
    printed = nianbao.parse(seed)
    cells = [f"t4.{r}.{c}" for r in T4_ROWS for c in T4_COLUMNS]
    kept = [p for p in cells if letter.value(p) == printed.value(p) and not letter.cell(p).uncertain]
    damaged = [p for p in cells if p not in kept]
    assert len(kept) == 14, damaged
    (cell,) = (letter.cell(p) for p in damaged)
    assert cell.uncertain and cell.value is None and cell.raw


def test_huge_numbers_ingest_and_later_files_still_ingest(run_cli, tmp_path):
    """A cell past what storage holds is kept as printed text with no value; the run goes on."""
    for name in ("bigint-20digits.txt", "inf-400digit-fused.txt"):
        hostile_copy(name, tmp_path)
    seed = CORPUS / "seeds" / "000_05b7538ffe1c510c.txt"
    if not seed.exists():
        pytest.skip(f"{seed} not present")
    shutil.copyfile(seed, tmp_path / "zz-later.txt")  # sorted after the hostile files
    result = run_cli("ingest", str(tmp_path), "--db", str(tmp_path / "t.db"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("select count(*) from reports").fetchone() == (3,)
        stored = db.execute("select value, uncertain from cells where raw = '99999999999999999999'").fetchall()
    assert stored == [(None, 1)]


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e.uncertain and e.exit_code == 0))
def test_the_check_names_the_flagged_cells(name, tmp_path):
    """`nianbao check` is not silent on a guessed value: a finding names each flagged cell."""
    path = hostile_copy(name, tmp_path)
    run = run_measured(["check", str(path), "--format", "json"], tmp_path)
    assert "Traceback" not in run.stderr and run.returncode in (0, 1), run.stderr
    (report,) = strict_json(run.stdout)
    named = {cell for finding in report["findings"] for cell in finding["cells"]}
    assert set(EXPECTED[name].uncertain) <= named
    assert report["n_uncertain"] >= len(EXPECTED[name].uncertain)


def test_a_measured_child_is_measured_alone(tmp_path):
    # The test process may have grown (OCR tests run in it); the child's peak is still its own.
    grown = bytearray(400 * 1024 * 1024)
    run = run_measured(["parse", str(CORPUS / "dev" / "pingtan-2022.txt")], tmp_path)
    assert run.returncode == 0 and run.peak_rss_mb < 300, run.peak_rss_mb
    del grown
