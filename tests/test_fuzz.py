"""Generators for each family of hostile input (../shared/hostile holds one reproducer of
each; tests/test_hostile.py runs those), checked with hypothesis:

- nothing but the library's own clear refusal escapes `parse_bytes`, the checks, the JSON
  writer or the CLI, and the JSON is standard (no NaN, no Infinity);
- no cell changes value without a flag, against the unmutated report (tests/fuzz_support.py);
- CPU time and peak memory grow at most linearly with the hostile part's size, measured at
  sizes eight times apart (a quadratic grows 64-fold, a linear one 8-fold).

Examples are derandomized and few, so the suite stays fast and each run is the same;
benchmarks/fuzz.py is the long run over the whole corpus.
"""

from __future__ import annotations

import io
import json
import random
import re
import time
import tracemalloc
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nianbao import checks, readers
from nianbao.cli import app
from nianbao.errors import NianbaoError, UnreadableInput
from nianbao.output import report_json
from nianbao.parser import parse_bytes
from nianbao.readers import html
from tests import fuzz_support
from tests.conftest import CORPUS
from tests.test_readers_bounded import W_NS, docx_bytes, patch_entry

FUZZ = settings(derandomize=True, max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FEW = settings(FUZZ, max_examples=5)

SEED = CORPUS / "seeds" / "003_133ea6e3b8938548.txt"  # a Word export, one cell per tabbed line
SHORT_ROW_SEEDS = (SEED, CORPUS / "seeds" / "002_785ebbaa410aaa3a.txt")  # 002: the 14/10/4 row of seed002-*-short.txt
HTML_REPORT = CORPUS / "dev" / "shanghai-gov-office-2019.html"
HEAD = "2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
T3_NEW = "t3.new_received"
T3_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total")
# Table headings as the seed prints them, each at the start of a line.
_TABLE_HEADINGS = {"t2": r"^二、主动公开", "t3": r"^三、收到", "t4": r"^(四、)?政府信息公开行政复议", "end": r"^五、"}
_NUMBER_LINE = re.compile(r"^\t[\u3000\xa0 ]*(\d+)[\u3000\xa0 ]*$", re.M)


def corpus_bytes(path) -> bytes:
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path.read_bytes()


_BASELINES: dict[bytes, dict[str, object]] = {}


def baseline(data: bytes) -> dict[str, object]:
    if data not in _BASELINES:
        _BASELINES[data] = fuzz_support.baseline_cells(parse_bytes(data, name="baseline"))
    return _BASELINES[data]


def assert_no_silent_change(mutated: bytes, original: bytes) -> fuzz_support.Verdict:
    verdict = fuzz_support.judge(mutated, baseline(original), original, name="mutated.txt")
    assert verdict.outcome != "crash", verdict.detail
    assert not verdict.wrong_unflagged, verdict.wrong_unflagged
    return verdict


def parse_or_refuse(data: bytes, name: str = "x.txt") -> dict | None:
    """The report as standard JSON, or None for a clear refusal; anything else fails."""
    try:
        report = parse_bytes(data, name=name)
    except NianbaoError:
        return None
    parsed = fuzz_support.strict_json(report_json(report))
    assert isinstance(parsed, dict)
    return parsed


def table_region(text: str, table: str) -> tuple[int, int]:
    names = list(_TABLE_HEADINGS)
    start = re.search(_TABLE_HEADINGS[table], text, re.M)
    end = re.search(_TABLE_HEADINGS[names[names.index(table) + 1]], text, re.M)
    assert start and end
    return start.end(), end.start()


def number_lines(text: str, table: str) -> list[re.Match]:
    start, end = table_region(text, table)
    return list(_NUMBER_LINE.finditer(text, start, end))


# --- fused digits (fused-min-40.txt) -------------------------------------------------------


def fused_row(run: str) -> bytes:
    return (HEAD + "一、本年新收政府信息公开申请数量 " + run + "\n").encode()


@FUZZ
@given(st.text("0123456789", min_size=7, max_size=120))
def test_a_fused_run_is_read_whole_or_flagged(run):
    if parse_or_refuse(fused_row(run)) is None:
        return
    report = parse_bytes(fused_row(run), name="x.txt")
    cells = [report.cell(f"{T3_NEW}.{c}") for c in T3_COLUMNS]
    if all(c and c.value is not None and not c.uncertain for c in cells):
        # A sure reading uses every printed digit, in order; a row that does not add up
        # (as printed: 0000001 can only be read one way) is named by a check.
        assert "".join(c.raw for c in cells) == run
        if sum(c.value for c in cells[:6]) != cells[6].value:
            named = {path for f in checks.check(report) for path in f.cells}
            assert named & {f"{T3_NEW}.{c}" for c in T3_COLUMNS}


# --- whitespace inside labels (redos-1000.txt) ----------------------------------------------


@FUZZ
@given(st.randoms(use_true_random=False), st.sampled_from(fuzz_support.WHITESPACE), st.integers(1, 3000))
def test_whitespace_inside_a_label_changes_no_value_silently(rng, space, count):
    original = corpus_bytes(SEED)
    text = original.decode()
    start, end = table_region(text, "t3")
    labels = [m for m in re.finditer(r"[\u4e00-\u9fff]{4,}", text[start:end])]
    label = rng.choice(labels)
    at = start + rng.randrange(label.start() + 1, label.end())
    assert_no_silent_change((text[:at] + space * count + text[at:]).encode(), original)


# --- HTML span grids (spans-200.html) ----------------------------------------------------------

SPAN_VALUES = st.one_of(st.integers(-5, 10**12).map(str), st.sampled_from(["", "x", "1e9", "０", "2.5", "99999999999999999999"]))


@FUZZ
@given(st.integers(1, 400), SPAN_VALUES, SPAN_VALUES)
def test_span_grids_stay_bounded(rows, rowspan, colspan):
    cell = f"<tr><td rowspan='{rowspan}' colspan='{colspan}'>1</td><td>2</td></tr>"
    data = f"<html><body><p>2023年政府信息公开工作年度报告</p><table>{cell * rows}</table></body></html>".encode()
    document = html.read(data)
    grid = sum(c.rowspan * c.colspan for b in document.blocks if hasattr(b, "rows") for row in b.rows for c in row)
    assert grid <= html._MAX_PAGE_GRID_CELLS
    parse_or_refuse(data, "x.html")


# --- HTML nesting (nested-300.html) -------------------------------------------------------------


@FEW
@given(st.integers(1, 3000), st.sampled_from(["div", "span", "font", "td", "table", "b", "p"]))
def test_deep_nesting_keeps_the_text(depth, tag):
    data = (f"<html><body><p>2023年政府信息公开工作年度报告</p>{f'<{tag}>' * depth}<p>深处的文字</p>"
            f"{f'</{tag}>' * depth}</body></html>").encode()
    document = html.read(data)
    text = " ".join(getattr(b, "text", "") or " ".join(c.text for row in b.rows for c in row) for b in document.blocks)
    assert "深处的文字" in text
    parse_or_refuse(data, "x.html")


# --- control characters in HTML (ff-tail.html) --------------------------------------------------

CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\x85", "\u2028", "\ufeff"]


@FUZZ
@given(st.randoms(use_true_random=False), st.lists(st.sampled_from(CONTROLS), min_size=1, max_size=5))
def test_control_characters_in_a_page_change_no_value_silently(rng, controls):
    original = corpus_bytes(HTML_REPORT)
    text = original.decode("utf-8")
    for control in controls:
        at = fuzz_support.edit_position(text, "html", rng)
        text = text[:at] + control + text[at:]
    assert_no_silent_change(text.encode(), original)


# --- ZIP headers and document roots in Word files (zipver84.docx, docroot.docx) ----------------

_PLAIN_DOCX = docx_bytes()


@FUZZ
@given(st.sampled_from(["word/document.xml", "word/styles.xml", "[Content_Types].xml"]),
       st.sampled_from(["version", "method", "file_size"]), st.integers(0, 0xFFFF))
def test_odd_zip_headers_are_read_or_refused_clearly(part, header, value):
    data = patch_entry(_PLAIN_DOCX, part, **{header: value})
    try:
        readers.read(data, "x.docx")
    except UnreadableInput as exc:
        assert exc.message_zh and exc.message_en
    parse_or_refuse(data, "x.docx")


ROOTS = st.sampled_from([
    "<document/>", f'<w:document xmlns:w="{W_NS}"/>', f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>',
    f'<w:body xmlns:w="{W_NS}"/>', "<?xml version='1.0'?>", "", "<a><b>", f'<w:document xmlns:w="{W_NS}"><w:body>文字',
])


@FUZZ
@given(ROOTS)
def test_odd_document_roots_are_read_or_refused_clearly(root):
    data = docx_bytes(extra={"word/document.xml": root.encode() or b" "})
    parse_or_refuse(data, "x.docx")


# --- page sizes (giant-14400.pdf) ------------------------------------------------------------------


def pdf_with_pages(sizes: list[tuple[float, float]]) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for width, height in sizes:
        pdf.new_page(width, height)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


PAGE_SIDES = st.floats(1, 14400, allow_nan=False)  # PDF's largest page side is 14,400 pt
# A 4-Mpixel page renders and compresses in well under a second; a 14,400 pt page drawn at
# full scale took 15 s and 3.3 GB.
PAGE_CPU_SECONDS = 5.0


@FEW
@given(st.lists(st.tuples(PAGE_SIDES, PAGE_SIDES), min_size=1, max_size=3))
def test_page_sizes_cost_nothing_to_read_and_are_drawn_within_the_pixel_budget(sizes):
    data = pdf_with_pages(sizes)
    page_images = pytest.importorskip("nianbao.web.page_images")
    from PIL import Image

    started = time.process_time()
    parse_or_refuse(data, "x.pdf")  # blank pages: read as a report without text, or refused
    png = page_images.render_page_png(data, len(sizes))
    assert time.process_time() - started < PAGE_CPU_SECONDS
    width, height = Image.open(io.BytesIO(png)).size
    # PDFium rounds each side up to whole pixels, so the budget holds before that rounding.
    assert (width - 1) * (height - 1) <= page_images.MAX_PIXELS


# --- a blank cell in a Word table (t2-row-missing-cell.docx) ----------------------------------------

WORD_REPORT = CORPUS.parent / "hostile" / "t2-row-missing-cell.docx"


@FUZZ
@given(st.randoms(use_true_random=False))
def test_a_blank_cell_in_a_word_table_changes_no_value_silently(rng):
    import docx

    original = corpus_bytes(WORD_REPORT)
    document = docx.Document(io.BytesIO(original))
    numbers = [cell for table in document.tables for row in table.rows for cell in row.cells
               if re.fullmatch(r"\s*\d+(\.\d+)?\s*", cell.text)]
    target = rng.choice(numbers)
    for paragraph in target.paragraphs:
        for run in paragraph.runs:
            run.text = ""
    out = io.BytesIO()
    document.save(out)
    resaved = io.BytesIO()
    docx.Document(io.BytesIO(original)).save(resaved)  # the baseline goes through the same writer
    assert_no_silent_change(out.getvalue(), resaved.getvalue())


# --- numbers beyond storage (bigint-20digits.txt, inf-400digit-fused.txt) -----------------------


@FUZZ
@given(st.randoms(use_true_random=False), st.text("0123456789", min_size=1, max_size=500), st.sampled_from(["t2", "t3", "t4"]))
def test_huge_numbers_are_exact_or_unread(rng, digits, table):
    text = corpus_bytes(SEED).decode()
    line = rng.choice(number_lines(text, table))
    report = parse_or_refuse((text[:line.start(1)] + digits + text[line.end(1):]).encode())
    assert report is not None
    for cell in report["cells"].values():
        value = cell["value"]
        assert value is None or abs(value) < 2**63  # storable; JSON parsed without Infinity above


# --- rows short of a value (seed002-*-short.txt, t2-row-missing-cell.docx) ---------------------


@FUZZ
@given(st.randoms(use_true_random=False), st.sampled_from(SHORT_ROW_SEEDS), st.sampled_from(["t2", "t3", "t4"]))
def test_a_value_left_out_of_a_row_is_flagged(rng, seed, table):
    original = corpus_bytes(seed)
    text = original.decode()
    lines = number_lines(text, table)
    if not lines:
        return  # seed 002 prints its table 四 blank
    line = rng.choice(lines)
    assert_no_silent_change((text[:line.start(1)] + text[line.end(1):]).encode(), original)


# --- a letter in a cell (seed003-t4-one-letter.txt) --------------------------------------------


@FUZZ
@given(st.randoms(use_true_random=False), st.sampled_from(["t2", "t3", "t4"]), st.sampled_from("xXoOlIa"))
def test_a_letter_in_a_cell_loses_that_cell_only(rng, table, letter):
    original = corpus_bytes(SEED)
    text = original.decode()
    line = rng.choice(number_lines(text, table))
    at = rng.randrange(line.start(1), line.end(1))
    mutated = (text[:at] + letter + text[at + 1:]).encode()
    assert_no_silent_change(mutated, original)
    before = {p: v for p, v in baseline(original).items() if p.startswith(table + ".")}
    report = parse_bytes(mutated, name="x.txt")
    kept = [p for p, v in before.items() if report.value(p) == v]
    assert len(kept) >= len(before) - 7, "the table was lost"  # at most the cell's row in doubt


# --- every mutation of the corpus benchmark, on text and HTML reports ---------------------------


def corpus_reports() -> list:
    paths = sorted(p for folder in ("seeds", "dev") for p in (CORPUS / folder).glob("*")
                   if p.suffix in (".txt", ".md", ".html"))
    return paths or [pytest.param(None, marks=pytest.mark.skip(reason="corpus not present"))]


@pytest.mark.parametrize("mutation", sorted(fuzz_support.TEXT_MUTATIONS))
@FEW
@given(rng=st.randoms(use_true_random=False), which=st.integers(0, 10**6))
def test_corpus_mutations_change_no_value_silently(mutation, rng, which):
    paths = corpus_reports()
    path = paths[which % len(paths)]
    if not hasattr(path, "read_bytes"):
        pytest.skip("corpus not present")
    original = path.read_bytes()
    fmt = readers.detect_format(original, path.name)
    mutated = fuzz_support.TEXT_MUTATIONS[mutation](original, fmt, rng)
    assert_no_silent_change(mutated, original)


# --- the CLI on mutated files -------------------------------------------------------------------


@FEW
@given(st.randoms(use_true_random=False), st.sampled_from(sorted(fuzz_support.TEXT_MUTATIONS)))
def test_the_cli_reports_mutated_files_without_a_traceback(tmp_path, rng, mutation):
    original = corpus_bytes(SEED)
    path = tmp_path / "report.txt"
    path.write_bytes(fuzz_support.TEXT_MUTATIONS[mutation](original, "text", rng))
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code != 2:
        fuzz_support.strict_json(result.stdout)


# --- growth with size ------------------------------------------------------------------------------

STEP = 8  # sizes eight times apart
GROWTH_SLACK = 3.0  # a linear cost may grow up to 3 x 8 = 24-fold per step (noise, caches); a quadratic grows 64-fold
CPU_FLOOR = 0.02  # seconds: below this, start-up and timer noise dominate
# The fused-digit solver works up to its cap on readings, then stops (the row is uncertain):
# about 1.3 s of CPU from ~300 digits on, however long the run.  Its bound is that constant.
SOLVER_CAP_SECONDS = 3.0
SOLVER_CAP_BYTES = 128 << 20  # likewise: ~60 MB traced at its cap
MEMORY_FLOOR = 2 << 20  # bytes, likewise


def _fused(n: int) -> bytes:
    return fused_row(("1234567890" * (n // 10 + 1))[:n])


def _label_spaces(n: int) -> bytes:
    return (HEAD + "本年新收政府信息公开申请数量 1\n申请" + " " * n + "数量 2\n").encode()


def _cell_spaces(n: int) -> bytes:
    return ("<html><body><p>2023年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p><table>"
            "<tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>1" + "\u3000" * n + "x</td></tr>"
            "</table></body></html>").encode()


def _spans(n: int) -> bytes:
    return ("<html><body><p>2023年政府信息公开工作年度报告</p><table>"
            + "<tr><td rowspan=1000 colspan=1000>1</td></tr>" * n + "</table></body></html>").encode()


def _nesting(n: int) -> bytes:
    return ("<html><body><p>2023年政府信息公开工作年度报告</p>" + "<div>" * n + "<p>申请</p>" + "</div>" * n
            + "</body></html>").encode()


def _controls(n: int) -> bytes:
    return ("<html><body><p>2023年政府信息公开工作年度报告</p><script>x</script>" + "\f<p>申请 1</p>" * n
            + "</body></html>").encode()


def _big_number(n: int) -> bytes:
    return (HEAD + "一、本年新收政府信息公开申请数量 " + " ".join(["9" * n] * 7) + "\n").encode()


def _docx_paragraphs(n: int) -> bytes:
    return docx_bytes(paragraphs_=n)


def cost(data: bytes, name: str) -> tuple[float, int]:
    """CPU seconds and peak traced memory of one parse."""
    tracemalloc.start()
    started = time.process_time()
    try:
        parse_bytes(data, name=name)
    except NianbaoError:
        pass
    seconds = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


GROWTH_CASES = [
    ("fused digits", _fused, "x.txt", 40),
    ("spans", _spans, "x.html", 25),
    ("nesting", _nesting, "x.html", 100),
    ("controls", _controls, "x.html", 50),
    ("big number", _big_number, "x.txt", 25),
    ("docx paragraphs", _docx_paragraphs, "x.docx", 50),
    ("label spaces", _label_spaces, "x.txt", 250),
    ("cell ideographic spaces", _cell_spaces, "x.html", 250),
]


@pytest.mark.parametrize("family, build, name, size", GROWTH_CASES)
def test_cost_grows_at_most_linearly(family, build, name, size):
    cost(build(size), name)  # warm caches and imports
    sizes = [size, size * STEP, size * STEP * STEP]
    # Best of three per size: one parse on a loaded machine once took 25 times its neighbour's time.
    costs = [min(cost(build(n), name) for _ in range(3)) for n in sizes]
    solver = family == "fused digits"
    cpu_floor, memory_floor = (SOLVER_CAP_SECONDS, SOLVER_CAP_BYTES) if solver else (CPU_FLOOR, MEMORY_FLOOR)
    for (seconds, peak), (next_seconds, next_peak) in zip(costs, costs[1:]):
        assert next_seconds <= GROWTH_SLACK * STEP * max(seconds, cpu_floor), (family, sizes, costs)
        assert next_peak <= GROWTH_SLACK * STEP * max(peak, memory_floor), (family, sizes, costs)


def test_mutations_are_replayable_from_a_seed():
    original = b"2023\xe5\xb9\xb4 12 34\n" * 50
    for name, mutation in fuzz_support.TEXT_MUTATIONS.items():
        assert mutation(original, "text", random.Random(7)) == mutation(original, "text", random.Random(7)), name


def test_the_judge_sees_a_silent_change():
    original = corpus_bytes(SEED)
    wrong = dict(baseline(original))
    named = {p for f in checks.check(parse_bytes(original)) for p in f.cells}
    path = next(p for p, v in wrong.items() if isinstance(v, int) and p.startswith("t2.") and p not in named)
    wrong[path] += 1  # as if the unmutated report had said otherwise
    verdict = fuzz_support.judge(original, wrong, original)
    assert verdict.wrong_unflagged == [f"{path}: was {wrong[path]!r}, now {wrong[path] - 1!r}"]


def test_strict_json_refuses_infinity():
    with pytest.raises(ValueError):
        fuzz_support.strict_json(json.dumps({"a": float("inf")}))


# The parser's own patterns, below the readers' bound on space runs (readers.text.MAX_SPACE_RUN):
# both grow faster than linearly in the length of a whitespace run, so any path to the parser
# that skips the readers (a fill-in workbook's cell, a future reader) would bring them back.


def _cpu(call: Callable[[], object]) -> float:
    started = time.process_time()
    call()
    return time.process_time() - started


def test_value_cell_pattern_is_linear_in_a_space_run():
    from nianbao.values import is_value_text

    small, large = (_cpu(lambda n=n: is_value_text("1" + " " * n + "x")) for n in (125, 1000))
    assert large <= GROWTH_SLACK * STEP * max(small, CPU_FLOOR)


def test_label_patterns_are_linear_in_a_space_run():
    from nianbao import editions
    from nianbao.locate import _label_hits
    from nianbao.normalise import normalise_text

    rows = tuple(row for edition in editions.EDITIONS for table in ("t2", "t3", "t4")
                 for row in editions.get(edition).table(table).rows)
    small, large = (_cpu(lambda n=n: _label_hits(normalise_text("申请" + " " * n + "数量 1"), rows, 0)) for n in (1000, 8000))
    assert large <= GROWTH_SLACK * STEP * max(small, CPU_FLOOR)


# --- silent changes the corpus fuzz found in the parser core (benchmarks/fuzz.py, seed 16) -------


def test_a_digit_after_a_damaged_heading_is_not_joined_to_the_value_above():
    text = corpus_bytes(CORPUS / "dev" / "sanming-2023.txt").decode()
    damaged = re.sub(r"申请情况(\r?\n)（本列", r"申请情1\1（本列", text)  # 三、收到和处理政府信息公开申请情况 → …申请情1
    assert damaged != text
    cell = parse_bytes(damaged.encode(), name="x.txt").cell("t2.administrative_fees.amount")
    assert cell.value == 18342.8022 or cell.uncertain  # today 18342.80221, not uncertain


@pytest.mark.parametrize("seed, printed", [(3812948074, "7730. 8"), (708095162, "1 7730.028 0 0 0 1")])
def test_a_cell_with_gaps_inside_its_number_is_flagged(seed, printed):
    original = corpus_bytes(CORPUS / "dev" / "hongze-2023.pdf")
    mutated = fuzz_support.byte_flips(original, "pdf", random.Random(seed))  # one bit of a content stream
    cell = parse_bytes(mutated, name="x.pdf").cell("t2.administrative_fees.amount")
    assert cell.value == 7730.28 or cell.uncertain  # the cell prints `printed`


# --- nianbao's own JSON as input (nianbao check report.json) -------------------------------------

ODD_VALUES = st.sampled_from([None, "", "x", "１２", "1e400", 10**30, -5, 2.5, float("inf"), float("nan"), [], {},
                              [1, 2], {"a": 1}, True, "2025-13-45", "9" * 400])


def json_paths(data: object, path: tuple = ()) -> list[tuple]:
    found = [path] if path else []
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        found += json_paths(value, (*path, key))
    return found


@FUZZ
@given(st.randoms(use_true_random=False), st.lists(ODD_VALUES, min_size=1, max_size=3))
def test_odd_values_in_a_json_input_are_refused_clearly(rng, odd):
    from nianbao import inputs

    data = json.loads(report_json(parse_bytes(corpus_bytes(SEED), name="x.txt"), full=False))
    for value in odd:
        *parents, last = rng.choice(json_paths(data))
        holder = data
        for key in parents:
            holder = holder[key]
        holder[last] = value
    try:
        loaded = inputs.validate(data)
    except NianbaoError:
        return
    json.dumps(loaded, allow_nan=False)  # what was accepted is finite
