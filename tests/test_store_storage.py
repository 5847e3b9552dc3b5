"""The storage suite, run on SQLite and on a real PostgreSQL server (NIANBAO_TEST_PG)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text

from nianbao.evaluate import gold_cells
from nianbao.parser import parse
from nianbao.store import ingest
from nianbao.store import stats as store_stats
from nianbao.store.agencies import level as agency_level
from nianbao.store.corrections import add_correction
from nianbao.store.db import alembic_config
from nianbao.store.export import export
from nianbao.store.ingest import Writer
from nianbao.store.models import Agency, StoredCell, StoredFinding, StoredReport
from nianbao.store.reports import load_reports
from nianbao.store.synth import generate

from .conftest import CORPUS
from .store_support import guessed_data, same, store_fixture, write_report  # noqa: F401 — the `store` fixture


def corpus_files() -> list[Path]:
    return [p for folder in ("seeds", "dev") for p in sorted((CORPUS / folder).glob("*"))]


def count(store, model, *where) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture(scope="module")
def expected_corpus() -> dict[str, dict]:
    """Per source file: gold values, or the parser's own value where it flags the cell uncertain."""
    out = {}
    for gold_path in sorted((CORPUS / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        source = next((p for p in corpus_files() if p.name == gold["source"]), None)
        if source is None:
            continue
        parsed = parse(source).canonical()
        got = gold_cells(parsed)
        uncertain = set(parsed["uncertain"])
        out[source.name] = {path: (got.get(path) if path in uncertain else value) for path, value in gold_cells(gold).items()}
    return out


def check_export(frame: pd.DataFrame, expected: dict[str, dict]) -> None:
    frame = frame.copy()
    frame["name"] = frame["source"].map(lambda s: Path(s).name)
    # One report per agency and year (store/versions.py): the HTML page and the crawl of 莆田统计局 2022
    # are versions of one report, exported once.
    assert set(frame["name"]) <= set(expected) and len(frame) == len(expected) - 1
    for name in frame["name"]:
        cells = expected[name]
        row = frame[frame["name"] == name].iloc[0]
        wrong = [(p, row.get(p), v) for p, v in cells.items() if not same(row.get(p), v)]
        assert not wrong, f"{name}: {wrong[:5]}"


def test_ingest_then_export_reproduces_gold(store, tmp_path, expected_corpus):
    summary = ingest(store, corpus_files(), root=CORPUS)
    assert summary.new == len(corpus_files()) and summary.failed == 0
    export(store, tmp_path / "w.csv")
    export(store, tmp_path / "w.parquet")
    export(store, tmp_path / "w.xlsx")
    check_export(pd.read_csv(tmp_path / "w.csv", encoding="utf-8-sig"), expected_corpus)
    check_export(pd.read_parquet(tmp_path / "w.parquet"), expected_corpus)
    check_export(pd.read_excel(tmp_path / "w.xlsx", header=1), expected_corpus)  # row 1 Chinese, row 2 keys
    assert (tmp_path / "w.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel


def test_long_export_matches_wide(store, tmp_path, expected_corpus):
    ingest(store, corpus_files(), root=CORPUS)
    export(store, tmp_path / "l.parquet", long=True)
    long = pd.read_parquet(tmp_path / "l.parquet")
    long["name"] = long["source"].map(lambda s: Path(s).name)
    values = {(r.name, r.cell): r.value for r in long.itertuples()}
    # One version per agency and year: the crawl of 莆田统计局 2022 is a version of its HTML page.
    exported = set(long["name"])
    assert exported <= set(expected_corpus) and len(exported) == len(expected_corpus) - 1
    for name, cells in expected_corpus.items():
        if name not in exported:
            continue
        for path, value in cells.items():
            if not path.endswith("_unit"):
                assert same(values.get((name, path)), value), (name, path)
    assert set(long["label"].str.startswith("表"))  == {True}


def test_ingest_is_idempotent_by_hash(store, tmp_path):
    files = corpus_files()[:4]
    copy = tmp_path / "copy.txt"
    copy.write_bytes(files[0].read_bytes())  # same bytes, another name
    first = ingest(store, files)
    again = ingest(store, files + [copy])
    assert first.new == 4 and again.new == 0 and again.skipped == 5
    assert count(store, StoredReport) == 4


def test_newer_parser_reparses_and_keeps_history(store):
    files = corpus_files()[:3]
    ingest(store, files, parser_version="0.1.0")
    cells_before = count(store, StoredCell)
    summary = ingest(store, files, parser_version="0.2.0")
    assert summary.reparsed == 3
    assert count(store, StoredReport) == 6
    assert count(store, StoredReport, StoredReport.current.is_(True)) == 3
    assert count(store, StoredReport, StoredReport.current.is_(True), StoredReport.parser_version == "0.2.0") == 3
    assert count(store, StoredCell) == 2 * cells_before  # history keeps the old cells


def test_corrections_survive_reparse(store, tmp_path):
    source = corpus_files()[0]
    ingest(store, [source], parser_version="0.1.0")
    add_correction(store, source.name, "t3.granted.total", 4242, note="人工核对", author="test")
    ingest(store, [source], parser_version="0.2.0")
    export(store, tmp_path / "w.csv")
    wide = pd.read_csv(tmp_path / "w.csv", encoding="utf-8-sig")
    assert list(wide["t3.granted.total"]) == [4242]
    export(store, tmp_path / "l.csv", long=True)
    long = pd.read_csv(tmp_path / "l.csv", encoding="utf-8-sig")
    fixed = long[long["cell"] == "t3.granted.total"].iloc[0]
    assert bool(fixed["corrected"]) and fixed["value"] == 4242 and fixed["parsed_value"] != 4242


def test_failing_files_are_recorded_and_do_not_stop_the_run(store, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    stranger = tmp_path / "menu.txt"
    stranger.write_text("今日菜单：米饭、青菜。", encoding="utf-8")
    files = [empty, *corpus_files()[:2], stranger]
    summary = ingest(store, files)
    assert summary.failed == 2 and summary.new == 2
    with store.session() as session:
        failed = {r.source: r.error for r in session.scalars(select(StoredReport).where(StoredReport.status == "failed"))}
    assert set(failed) == {"empty.txt", "menu.txt"} and all(failed.values())
    assert ingest(store, files).skipped == 4  # a failure is recorded once per parser version, not retried


def test_a_crash_mid_write_leaves_nothing_partial(store, monkeypatch):
    files = corpus_files()[:3]
    original = Writer.write
    calls = {"n": 0}

    def flaky(self, parsed):
        calls["n"] += 1
        if calls["n"] == 2:
            # A cell without a table violates NOT NULL after the report row is written.
            parsed.cells = parsed.cells + [{**parsed.cells[-1], "tbl": None}]
        return original(self, parsed)

    monkeypatch.setattr(Writer, "write", flaky)
    with pytest.raises(Exception):
        ingest(store, files)
    monkeypatch.setattr(Writer, "write", original)
    assert count(store, StoredReport) == 1  # the first, committed; the second rolled back whole
    assert ingest(store, files).new == 2
    with store.session() as session:
        for report in session.scalars(select(StoredReport)):
            assert count(store, StoredCell, StoredCell.report_id == report.id) == len(list(parse(Path(report.path)).cells()))


@pytest.fixture
def synthetic(tmp_path):
    return generate(tmp_path / "synth", 48, seed=11, layouts=("pipe", "tab"), agencies=8)


def test_agencies_link_abbreviated_names_across_years(store, synthetic):
    ingest(store, [p for p, _ in synthetic])
    with store.session() as session:
        rows = session.execute(select(StoredReport.agency, StoredReport.agency_id)).all()
        ids: dict[int, set[str]] = {}
        for name, agency_id in rows:
            ids.setdefault(agency_id, set()).add(name)
        assert any(len(names) > 1 for names in ids.values())  # e.g. 沭阳县发改局 + 沭阳县发展和改革局
        assert session.scalar(select(func.count()).select_from(Agency)) == len(ids)


def test_stats_match_hand_sums(store, synthetic):
    ingest(store, [p for p, _ in synthetic])
    table = store_stats.compute(store, ["year", "level"], ["新收申请", "公开率", "复议纠错率"], include_errors=True)
    hand: dict[tuple, list[float]] = {}
    for _, data in synthetic:
        key = (data["year"], agency_level(data["agency"]))
        t3, t4 = data["t3"], data["t4"]["review"]
        sums = hand.setdefault(key, [0, 0, 0, 0, 0, 0])
        sums[0] += 1
        sums[1] += t3["new_received"]["total"]
        sums[2] += t3["granted"]["total"] + t3["partially_granted"]["total"]
        sums[3] += t3["total_handled"]["total"]
        sums[4] += t4["corrected"]
        sums[5] += t4["total"] - t4["pending"]
    assert len(table) == len(hand)
    for row in table.itertuples(index=False):
        n, received, granted, handled, corrected, decided = hand[(row[0], row[1])]
        assert row[2] == n and row[4] == received
        assert same(row[5], granted / handled if handled else None)
        assert same(row[6], corrected / decided if decided else None)


def test_stats_exclude_reports_with_errors_and_count_them(store):
    ingest(store, corpus_files(), root=CORPUS)
    with store.session() as session:  # the HTML and the crawl of 莆田统计局 2022 are one report: one counts
        reports = list(session.scalars(select(StoredReport).where(StoredReport.version_of.is_(None))))
    bad = [r for r in reports if r.n_errors]
    assert bad, "the corpus has reports whose printed totals do not add up"
    assert count(store, StoredFinding, StoredFinding.severity == "error") >= len(bad)
    table = store_stats.compute(store, [], ["新收申请"])
    assert table.iloc[0]["报告数"] == len(reports) - len(bad)
    assert table.iloc[0]["排除（有错误）"] == len(bad)
    everything = store_stats.compute(store, [], ["新收申请"], include_errors=True)
    assert everything.iloc[0]["报告数"] == len(reports)


def test_a_blank_cell_leaves_the_report_out_of_that_figure_instead_of_counting_zero(store):
    # 002 and 上海 2019 print 行政复议 总计 but leave 结果纠正 blank: their 复议纠错率 is unknown, not 0.
    ingest(store, corpus_files(), root=CORPUS)
    table = store_stats.compute(store, [], ["新收申请", "复议纠错率"], include_errors=True).iloc[0]
    with store.session() as session:  # one version per agency and year counts (store/versions.py)
        counted = {Path(s).stem for s in session.scalars(select(StoredReport.source).where(StoredReport.version_of.is_(None)))}
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "gold").glob("*.json")) if p.stem in counted]
    received = [g["t3"]["new_received"]["total"] for g in golds]
    assert table["报告数"] == len(golds)
    assert table.get("新收申请·空缺未计", 0) == sum(v is None for v in received)  # the column appears only when > 0
    assert table["新收申请"] == sum(v for v in received if v is not None)
    review = [g["t4"]["review"] for g in golds]
    complete = [r for r in review if None not in (r["corrected"], r["total"], r["pending"])]
    assert table["复议纠错率·空缺未计"] == len(review) - len(complete) >= 2  # 002 and 上海 2019
    decided = sum(r["total"] - r["pending"] for r in complete)
    assert same(table["复议纠错率"], sum(r["corrected"] for r in complete) / decided if decided else None)


def test_year_over_year_change(store, tmp_path):
    pairs = generate(tmp_path / "yoy", 30, seed=3, layouts=("pipe",), agencies=5)
    ingest(store, [p for p, _ in pairs])
    table = store_stats.compute(store, ["year"], ["新收申请"], include_errors=True).set_index("年度")
    years = sorted(table.index)
    for previous, year in zip(years, years[1:]):
        assert table.loc[year, "新收申请·同比变化"] == table.loc[year, "新收申请"] - table.loc[previous, "新收申请"]


# --------------------------------------------------------------------------- guessed cells

GUESSES = {"t3.new_received.natural_person": (17, (71,)), "t4.review.total": (9, ())}


def gold_data(name: str) -> dict:
    return json.loads((CORPUS / "gold" / name).read_text(encoding="utf-8"))


def n_uncertain(store, report_id: int) -> int:
    with store.session() as session:
        return session.get(StoredReport, report_id).n_uncertain


def test_uncertain_cells_are_counted_per_report_and_kept_with_their_readings(store):
    guessed = write_report(store, guessed_data(gold_data("pingtan-2022.json"), GUESSES))
    clean = write_report(store, gold_data("hongze-2023.json"))
    assert (n_uncertain(store, guessed), n_uncertain(store, clean)) == (2, 0)
    assert count(store, StoredReport, StoredReport.n_uncertain > 0) == 1  # available for filtering
    with store.session() as session:
        [report] = load_reports(session, [session.get(StoredReport, guessed)])
    assert report.uncertain == list(GUESSES)
    assert report.cell("t3.new_received.natural_person").alternatives == (71,)
    assert report.cell("t4.review.total").alternatives == ()
    # The stored findings are those of the checks: the broken relations are warnings, not errors.
    with store.session() as session:
        row = session.get(StoredReport, guessed)
        assert row.n_errors == 0 and row.n_warnings > 0


def test_a_correction_takes_a_cell_out_of_the_count_and_a_reparse_keeps_it_out(store):
    data = guessed_data(gold_data("pingtan-2022.json"), GUESSES)
    first = write_report(store, data, name="p.txt", parser_version="0.1.0")
    add_correction(store, "p.txt", "t3.new_received.natural_person", 71)
    assert n_uncertain(store, first) == 1
    again = write_report(store, data, name="p.txt", parser_version="0.2.0")
    assert again != first and n_uncertain(store, again) == 1


def test_migration_0004_counts_the_uncertain_cells_of_rows_stored_before(store):
    report_id = write_report(store, guessed_data(gold_data("pingtan-2022.json"), GUESSES), name="p.txt")
    add_correction(store, "p.txt", "t4.review.total", 9)
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert "n_uncertain" not in {c["name"] for c in inspect(store.engine).get_columns("reports")}
    assert "alternatives" not in {c["name"] for c in inspect(store.engine).get_columns("cells")}
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        assert connection.execute(text("SELECT n_uncertain FROM reports")).scalar_one() == 1  # corrected one left out
        assert connection.execute(text("SELECT count(*) FROM report_cells WHERE uncertain")).scalar() == 2
    assert n_uncertain(store, report_id) == 1


def _guessed_store(store) -> None:
    write_report(store, guessed_data(gold_data("pingtan-2022.json"), GUESSES), name="p.txt")
    write_report(store, gold_data("hongze-2023.json"), name="h.pdf")


def test_wide_exports_carry_the_count_and_the_guessed_cells_in_every_format(store, tmp_path):
    _guessed_store(store)
    for suffix in ("csv", "parquet", "xlsx"):
        export(store, tmp_path / f"w.{suffix}")
    frames = {
        "csv": pd.read_csv(tmp_path / "w.csv", encoding="utf-8-sig", keep_default_na=False),
        "parquet": pd.read_parquet(tmp_path / "w.parquet"),
        "xlsx": pd.read_excel(tmp_path / "w.xlsx", header=1, keep_default_na=False),
    }
    for suffix, frame in frames.items():
        rows = frame.set_index("source")
        assert (rows.loc["p.txt", "n_uncertain"], rows.loc["h.pdf", "n_uncertain"]) == (2, 0), suffix
        listed = rows.loc["p.txt", "uncertain_cells"]
        listed = list(listed) if suffix == "parquet" else listed.split(";")
        assert listed == list(GUESSES), suffix
        assert len(rows.loc["h.pdf", "uncertain_cells"]) == 0, suffix
    zh = pd.read_excel(tmp_path / "w.xlsx", header=0)
    assert {"推测单元格数", "推测单元格"} <= set(zh.columns)


def test_xlsx_export_fills_guessed_values_with_a_note_and_a_legend(store, tmp_path):
    from openpyxl import load_workbook

    _guessed_store(store)
    export(store, tmp_path / "w.xlsx")
    export(store, tmp_path / "l.xlsx", long=True)
    book = load_workbook(tmp_path / "w.xlsx")
    assert book.sheetnames[0] == "reports" and "说明 legend" in book.sheetnames
    sheet = book["reports"]
    keys = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[keys.index("source")].value == "p.txt")
    guessed = row[keys.index("t3.new_received.natural_person")]
    assert guessed.value == 17 and guessed.fill.fgColor.rgb.endswith("FFE0B2")
    assert "请核对原文" in guessed.comment.text and "另一可能读法：71" in guessed.comment.text
    printed = row[keys.index("t3.new_received.total")]
    assert printed.comment is None and printed.fill.fill_type is None
    legend = " ".join(str(v) for r in book["说明 legend"].iter_rows(values_only=True) for v in r)
    assert "推测" in legend and "n_uncertain" in legend
    long = load_workbook(tmp_path / "l.xlsx")["reports"]
    keys = [c.value for c in long[2]]
    flagged = [r for r in long.iter_rows(min_row=3) if r[keys.index("uncertain")].value]
    assert [r[keys.index("cell")].value for r in flagged] == list(GUESSES)
    assert all(r[keys.index("value")].comment is not None for r in flagged)


def test_long_exports_flag_each_guessed_row_with_its_other_readings(store, tmp_path):
    _guessed_store(store)
    export(store, tmp_path / "l.csv", long=True)
    export(store, tmp_path / "l.parquet", long=True)
    csv_rows = pd.read_csv(tmp_path / "l.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    parquet = pd.read_parquet(tmp_path / "l.parquet")
    for frame in (csv_rows, parquet):
        guessed = frame[frame["uncertain"].astype(str) == "True"]
        assert list(guessed["cell"]) == list(GUESSES)
        assert {str(v) for v in frame.groupby("source")["n_uncertain"].first()} == {"2", "0"}
    assert list(csv_rows[csv_rows["uncertain"] == "True"]["alternatives"]) == ["71", ""]
    assert [list(v) for v in parquet[parquet["uncertain"]]["alternatives"]] == [[71.0], []]
    assert parquet[~parquet["uncertain"]]["alternatives"].isna().all()


def test_a_corrected_guess_is_no_longer_flagged_in_exports(store, tmp_path):
    _guessed_store(store)
    add_correction(store, "p.txt", "t3.new_received.natural_person", 71)
    export(store, tmp_path / "w.parquet")
    export(store, tmp_path / "l.parquet", long=True)
    wide = pd.read_parquet(tmp_path / "w.parquet").set_index("source")
    assert wide.loc["p.txt", "n_uncertain"] == 1 and list(wide.loc["p.txt", "uncertain_cells"]) == ["t4.review.total"]
    long = pd.read_parquet(tmp_path / "l.parquet")
    fixed = long[long["cell"] == "t3.new_received.natural_person"].iloc[0]
    assert fixed["corrected"] and not fixed["uncertain"] and fixed["value"] == 71
    with store.session() as session:  # the stored count is the exported one
        assert {r.source: r.n_uncertain for r in session.scalars(select(StoredReport))} == {"p.txt": 1, "h.pdf": 0}


def test_stats_count_the_reports_resting_on_guesses_and_do_not_exclude_them(store):
    _guessed_store(store)  # p.txt: a relation broken only through a guess; h.pdf: printed totals that do not add up
    table = store_stats.compute(store, [], ["新收申请"]).iloc[0]
    assert (table["报告数"], table["排除（有错误）"], table["待核对（含推测值）"]) == (1, 1, 1)
    write_report(store, gold_data("000_05b7538ffe1c510c.json"))  # 2020, nothing guessed
    by_year = store_stats.compute(store, ["year"], ["新收申请"], include_errors=True).set_index("年度")
    assert by_year["待核对（含推测值）"].to_dict() == {2020: 0, 2022: 1, 2023: 0}
