"""The score board: scores kept per rubric and store state, rescoring only what changed; the
paged ranking of /api/scores and /scores."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nianbao.scores import rubric_from_text
from nianbao.store.score_board import ScoreBoard, board, page, store_state
from nianbao.store.scoring import rank_reports, score_store

from .test_scores import TEST_RUBRIC, _reports

FINANCE, STATISTICS, HONGZE = "莆田市财政局", "莆田市统计局", "淮安市洪泽区人民政府"


@pytest.fixture
def app(tmp_path):
    from nianbao.web.app import create_app

    return create_app(str(tmp_path / "web.db"))


def _totals(lines) -> dict[str, float]:
    return {line.agency: line.total for line in lines.values()}


def _agrees_with_scoring_everything(store, rubric, lines) -> bool:
    return {r.id: round(r.score.total, 2) for r in score_store(store, rubric)} == {i: x.total for i, x in lines.items()}


def test_the_board_scores_as_scoring_everything_does_and_ranks_alike(app):
    store = app.state.store.store
    _reports(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    kept = ScoreBoard(store, rubric)
    lines = kept.lines()
    assert _totals(lines) == {FINANCE: 10, STATISTICS: 10, HONGZE: 15} and kept.rescored == 3
    assert lines[next(i for i, x in lines.items() if x.agency == STATISTICS)].dimensions == (10, 0)
    for by in ("region", "level"):
        expected = [(r.group[1], r.rank, r.entry.id) for r in rank_reports(score_store(store, rubric), by)]
        assert [(r.group[1], r.rank, r.entry.id) for r in kept.ranking(by)] == expected
    assert kept.ranking("region", year=2022) == []


def test_an_unchanged_store_is_not_scored_again(app):
    store = app.state.store.store
    _reports(store)
    kept = ScoreBoard(store, rubric_from_text(TEST_RUBRIC, "t"))
    first = kept.lines()
    kept.rescored = -1
    assert kept.lines() is first and kept.rescored == -1
    assert kept.ranking("region") is kept.ranking("region")  # the ranking is kept too


def test_a_verdict_rescores_only_its_report(app):
    from nianbao.store.review import findings_with_verdicts, set_verdict

    store = app.state.store.store
    ids = _reports(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    kept = ScoreBoard(store, rubric)
    kept.lines()
    with store.session() as session:
        row_total = next(f for f in findings_with_verdicts(session, ids[FINANCE]) if f["code"] == "T3.ROW_TOTAL")
        set_verdict(session, row_total["id"], "驳回", "审核人甲")
        session.commit()
    lines = kept.lines()
    assert lines[ids[FINANCE]].total == 13 and (kept.rescored, kept.refreshed_by) == (1, "followed")
    assert _agrees_with_scoring_everything(store, rubric, lines)


def test_rechecks_corrections_and_region_changes_are_followed(app):
    from nianbao.store.corrections import add_correction
    from nianbao.store.models import StoredReport
    from nianbao.store.region_history import correct_region

    storage = app.state.store
    store = storage.store
    ids = _reports(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    kept = ScoreBoard(store, rubric)
    kept.lines()
    storage.recheck(ids[FINANCE])  # the same findings as new rows: followed through the new finding ids
    assert kept.lines()[ids[FINANCE]].total == 10 and (kept.rescored, kept.refreshed_by) == (1, "followed")
    with store.session() as session:
        row = session.get(StoredReport, ids[FINANCE])
        sha, agency_id = row.sha256, row.agency_id
    raised = next(c for c in score_store(store, rubric)[0].findings if c.code == "T3.ROW_TOTAL").cells[0]
    with store.session() as session:
        from nianbao.store.models import StoredCell

        tbl, name, col = raised.split(".")
        value = session.query(StoredCell.value).filter_by(report_id=ids[FINANCE], tbl=tbl, row=name, col=col).scalar()
    add_correction(store, sha, raised, value - 5, author="审核人甲")
    storage.recheck(ids[FINANCE])
    assert kept.lines()[ids[FINANCE]].total == 15
    correct_region(store, agency_id, {"county": "城厢区"}, author="管理员")
    lines = kept.lines()
    assert lines[ids[FINANCE]].region == "福建省莆田市城厢区" and (kept.rescored, kept.refreshed_by) == (1, "compared")
    assert _agrees_with_scoring_everything(store, rubric, lines)


def test_a_new_report_joins_the_board(app):
    import random

    from nianbao.store.synth import report_data

    from .store_support import write_report

    store = app.state.store.store
    _reports(store)
    kept = ScoreBoard(store, rubric_from_text(TEST_RUBRIC, "t"))
    kept.lines()
    state = store_state(store.session())
    new_id = write_report(store, report_data(random.Random(11), "莆田市教育局", 2023))
    assert store_state(store.session()) != state
    assert new_id in kept.lines() and kept.rescored == 1


def test_boards_are_kept_per_database_and_rubric(app):
    store = app.state.store.store
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    assert board(store, rubric) is board(store, rubric_from_text(TEST_RUBRIC, "another source"))
    assert board(store, rubric) is not board(store, rubric_from_text(TEST_RUBRIC.replace("cap: 6", "cap: 5"), "t"))


def test_page():
    assert page(list(range(5)), 0, 2) == ([0, 1], 2)
    assert page(list(range(5)), 4, 2) == ([4], None)
    assert page(list(range(5)), 9, 2) == ([], None)


def test_the_api_and_the_page_go_a_page_at_a_time(app):
    _reports(app.state.store.store)
    client = TestClient(app)
    whole = client.get("/api/scores").json()
    assert whole["count"] == 3 and whole["next_offset"] is None and len(whole["items"]) == 3
    finance = next(item for item in whole["items"] if item["agency"] == FINANCE)
    assert (finance["group"], finance["rank"], finance["level"], finance["region"]) == ("福建省莆田市", 1, "部门", "福建省莆田市")
    assert finance["id"] and finance["scores"] == {"timeliness": 10, "format": 30, "accuracy": 36, "completeness": 20}
    first = client.get("/api/scores", params={"limit": 2}).json()
    second = client.get("/api/scores", params={"limit": 2, "offset": first["next_offset"]}).json()
    assert first["next_offset"] == 2 and second["next_offset"] is None
    assert first["items"] + second["items"] == whole["items"]
    assert client.get("/api/scores", params={"limit": 0}).status_code == 422
    assert client.get("/api/scores", params={"limit": 5000}).status_code == 422
    html = client.get("/scores").text
    assert "共 3 份报告" in html and 'rel="next"' not in html


def _overview_totals(html: str) -> dict[int, str]:
    import re

    return {int(i): cell for i, cell in re.findall(
        r'<tr data-href="/reports/(\d+)[^"]*">.*?<td class="num score">([^<]*)</td>', html, re.S)}


def test_the_overview_shows_each_total(app):
    from nianbao.scores import default_rubric

    ids = _reports(app.state.store.store)
    html = TestClient(app).get("/").text
    assert "总分 Score" in html and "计算中" not in html  # a small store: the first build is waited for
    totals = _overview_totals(html)
    # The built-in rubric: 财政局 loses 2 + 2 of 数据准确; 统计局 is 44 days late (7 weeks × 2, capped at 10).
    assert (totals[ids[FINANCE]], totals[ids[STATISTICS]]) == ("96", "90")
    expected = {r.id: f"{r.score.total:g}" for r in score_store(app.state.store.store, default_rubric())}
    assert totals == expected


def test_a_large_store_builds_the_board_in_the_background(app, monkeypatch):
    import nianbao.store.score_board as score_board
    from nianbao.scores import default_rubric

    _reports(app.state.store.store)
    monkeypatch.setattr(score_board, "WAIT_FOR_FIRST_BUILD", 2)
    client = TestClient(app)
    assert "计算中" in client.get("/").text
    board(app.state.store.store, default_rubric())._first_build.join(timeout=60)
    html = client.get("/").text
    assert "计算中" not in html and len(_overview_totals(html)) == 3


def test_after_a_verdict_only_its_group_is_ranked_again_and_the_ranking_is_as_if_made_anew(app):
    from nianbao.store.review import findings_with_verdicts, set_verdict

    store = app.state.store.store
    ids = _reports(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    kept = ScoreBoard(store, rubric)
    before = {by: kept.ranking(by) for by in ("region", "level")}
    hongze = next(r for r in before["region"] if r.entry.id == ids[HONGZE])
    # 财政局 and 统计局 tie at 10 in 莆田市 (both first); dismissing one of 财政局's findings breaks the tie.
    assert [(r.rank, r.entry.agency) for r in before["region"] if r.group[1] == "福建省莆田市"] == [(1, FINANCE), (1, STATISTICS)]
    with store.session() as session:
        row_total = next(f for f in findings_with_verdicts(session, ids[FINANCE]) if f["code"] == "T3.ROW_TOTAL")
        set_verdict(session, row_total["id"], "驳回", "审核人甲")
        session.commit()
    after = {by: kept.ranking(by) for by in ("region", "level")}
    assert kept.refreshed_by == "followed"
    assert [(r.rank, r.entry.agency, r.entry.total) for r in after["region"] if r.group[1] == "福建省莆田市"] == [
        (1, FINANCE, 13), (2, STATISTICS, 10)]
    assert next(r for r in after["region"] if r.entry.id == ids[HONGZE]) is hongze  # another group: untouched
    fresh = ScoreBoard(store, rubric)
    for by in ("region", "level"):
        assert after[by] == fresh.ranking(by)
