"""Stored scores (store/stored_scores.py): written as reports are stored, re-checked and reviewed,
filled for another rubric on first use, ranked in SQL as scores.rank ranks in Python; the
paged ranking of /api/scores and /scores and the overview's totals read them."""

from __future__ import annotations

import json
import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from nianbao.scores import default_rubric, rubric_from_text
from nianbao.store import stored_scores
from nianbao.store.models import StoredScore
from nianbao.store.scoring import rank_reports, score_store
from nianbao.store.synth import report_data

from .store_support import store_fixture, tables_leave_and_return, write_report  # noqa: F401  (the store fixture)
from .test_scores import TEST_RUBRIC, _reports

FINANCE, STATISTICS, HONGZE = "莆田市财政局", "莆田市统计局", "淮安市洪泽区人民政府"


@pytest.fixture
def app(tmp_path):
    from nianbao.web.app import create_app

    return create_app(str(tmp_path / "web.db"))


def _stored(store, rubric) -> dict[int, tuple[float, list[float]]]:
    with store.session() as session:
        rows = session.execute(select(StoredScore.report_id, StoredScore.total, StoredScore.dimensions)
                               .where(StoredScore.rubric == stored_scores.rubric_key(rubric)))
        return {report_id: (total, json.loads(dimensions) if dimensions else None) for report_id, total, dimensions in rows}


def _scored_anew(store, rubric) -> dict[int, tuple[float, list[float]]]:
    return {r.id: (round(r.score.total, 2), [round(d.score, 2) for d in r.score.dimensions])
            for r in score_store(store, rubric)}


def _more_places(store) -> None:
    """Reports whose region and level test the SQL names: a municipality (北京市 twice), a county
    named like its city, no region at all, no level."""
    rng = random.Random(5)
    places = [("北京市发展和改革委员会", {"province": "北京市", "city": "北京市"}),
              ("北京市朝阳区人民政府", {"province": "北京市", "city": "北京市", "county": "朝阳区"}),
              ("某某县人民政府", {"city": "某某县", "county": "某某县"}),
              ("无名机关", {})]
    for agency, region in places:
        data = report_data(rng, agency, 2023)
        data["region"] = region
        write_report(store, data)


def test_storing_a_report_stores_its_score_by_the_built_in_rubric(store):
    ids = _reports(store)
    rubric = default_rubric()
    stored = _stored(store, rubric)
    assert set(stored) == set(ids.values())
    assert stored == _scored_anew(store, rubric)
    assert stored[ids[FINANCE]][0] == 96  # 数据准确 loses 2 + 2


def test_the_ranking_in_sql_is_the_ranking_made_in_python(store):
    _reports(store)
    _more_places(store)
    rubric = rubric_from_text(TEST_RUBRIC, "t")
    assert _stored(store, rubric) == {}  # another rubric: nothing stored yet
    for by in ("region", "level"):
        expected = [(r.entry.year, r.group[1], r.rank, r.entry.id, round(r.entry.score.total, 2))
                    for r in rank_reports(score_store(store, rubric), by)]
        count, lines = stored_scores.ranking(store, rubric, by)
        assert count == len(expected) == 7
        assert [(x.year, x.group, x.rank, x.id, x.total) for x in lines] == expected
        _, first = stored_scores.ranking(store, rubric, by, limit=4)
        count_after, rest = stored_scores.ranking(store, rubric, by, offset=4, limit=4)
        assert first + rest == lines and count_after == 7
    regions = {x.region for x in stored_scores.ranking(store, rubric, "region")[1]}
    assert {"北京市", "北京市朝阳区", "某某县", "（地区不详）", "福建省莆田市"} <= regions
    assert _stored(store, rubric) == _scored_anew(store, rubric)  # filled on first use, and kept
    assert stored_scores.ranking(store, rubric, "region", year=2022) == (0, [])
    assert stored_scores.ranking(store, rubric, "region", offset=50) == (7, [])


def test_verdicts_rescore_the_reports_of_their_findings(store):
    from nianbao.store.review import Selection, bulk_verdict, findings_with_verdicts, set_verdict

    ids = _reports(store)
    rubric = default_rubric()
    with store.session() as session:
        identity = next(f for f in findings_with_verdicts(session, ids[FINANCE]) if f["code"] == "T3.IDENTITY")
        set_verdict(session, identity["id"], "驳回", "审核人甲")
        session.commit()
    stored = _stored(store, rubric)
    assert stored[ids[FINANCE]][0] == 98 and stored == _scored_anew(store, rubric)
    with store.session() as session:
        bulk_verdict(session, Selection(report_ids=[ids[FINANCE]]), "驳回", "审核人甲")
        session.commit()
    assert _stored(store, rubric)[ids[FINANCE]][0] == 100
    with store.session() as session:  # a verdict not committed changes nothing
        set_verdict(session, identity["id"], "确认", "审核人甲")
        session.rollback()
    assert _stored(store, rubric)[ids[FINANCE]][0] == 100


def test_a_recheck_after_a_correction_rescores_the_report(app):
    from nianbao.store.corrections import add_correction
    from nianbao.store.models import StoredCell, StoredReport

    storage = app.state.store
    store = storage.store
    ids = _reports(store)
    rubric = default_rubric()
    with store.session() as session:
        sha = session.get(StoredReport, ids[FINANCE]).sha256
        value = session.scalar(select(StoredCell.value).where(
            StoredCell.report_id == ids[FINANCE], StoredCell.tbl == "t3", StoredCell.row == "new_received",
            StoredCell.col == "natural_person"))
    add_correction(store, sha, "t3.new_received.natural_person", value - 5, author="审核人甲")
    assert _stored(store, rubric)[ids[FINANCE]][0] == 96  # a correction alone does not re-check
    storage.recheck(ids[FINANCE])
    assert _stored(store, rubric)[ids[FINANCE]][0] == 100 and _stored(store, rubric) == _scored_anew(store, rubric)


def test_refresh_all_scores_every_report_again(store):
    ids = _reports(store)
    rubric = default_rubric()
    with store.session() as session, session.begin():
        session.execute(update(StoredScore).where(StoredScore.report_id == ids[HONGZE]).values(total=1))
        session.execute(StoredScore.__table__.delete().where(StoredScore.report_id == ids[STATISTICS]))
    assert stored_scores.refresh_all(store, rubric) == 3
    assert _stored(store, rubric) == _scored_anew(store, rubric)


def test_the_table_comes_and_goes_with_its_revision_and_matches_the_model(store):
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sqlalchemy import text

    from nianbao.store.models import SCORE_SORTS, Base

    tables_leave_and_return(store, "0013", {"report_scores"})
    with warnings.catch_warnings(), store.engine.connect() as connection:
        warnings.simplefilter("ignore")  # expression indexes cannot be reflected on SQLite
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    def expression_index(difference) -> bool:  # reflected as PostgreSQL rewrites them: compared by name below
        return difference[0] in ("add_index", "remove_index") and difference[1].name in SCORE_SORTS

    assert [d for d in differences if "report_scores" in str(d) and not expression_index(d)] == []
    catalogue = {"sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'report_scores'",
                 "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = 'report_scores'"}
    with store.engine.connect() as connection:  # the inspector leaves expression indexes out on SQLite
        names = set(connection.scalars(text(catalogue[store.engine.dialect.name])))
    assert set(SCORE_SORTS) <= names


def test_score_refresh_command(run_cli, tmp_path):
    from nianbao.store import open_store

    db = tmp_path / "n.db"
    with open_store(db) as store:
        ids = _reports(store)
        with store.session() as session, session.begin():
            session.execute(update(StoredScore).where(StoredScore.report_id == ids[HONGZE]).values(total=1))
    result = run_cli("score", "--db", db, "--refresh")
    assert result.returncode == 0, result.stderr
    assert "已重新计算并保存 3 份报告的分数" in result.stderr and "淮安市洪泽区人民政府" in result.stdout
    with open_store(db) as store:
        assert _stored(store, default_rubric()) == _scored_anew(store, default_rubric())


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
    ids = _reports(app.state.store.store)
    html = TestClient(app).get("/").text
    assert "总分 Score" in html
    totals = _overview_totals(html)
    # The built-in rubric: 财政局 loses 2 + 2 of 数据准确; 统计局 is 44 days late (7 weeks × 2, capped at 10).
    assert (totals[ids[FINANCE]], totals[ids[STATISTICS]]) == ("96", "90")
    expected = {r.id: f"{r.score.total:g}" for r in score_store(app.state.store.store, default_rubric())}
    assert totals == expected


# --------------------------------------------------------------------------- the overview sorted by 总分


def _failed_file(store) -> int:
    """A file that could not be read: listed in the overview, never scored."""
    from nianbao.store.ingest import PARSER_VERSION, Parsed, Writer
    from nianbao.store.models import StoredReport

    Writer(store, PARSER_VERSION).write(Parsed("坏文件.pdf", "", "f" * 64, 10, error="无法读取 / unreadable"))
    with store.session() as session:
        return session.scalar(select(StoredReport.id).where(StoredReport.sha256 == "f" * 64))


def _walk(service, sort: str, limit: int) -> list[int]:
    """Every report of the list in `sort` order, a keyset page of `limit` at a time."""
    ids, after = [], None
    while True:
        rows, after = service.page(None, limit, sort=sort, after=after)
        ids += [row.id for row in rows]
        if after is None:
            return ids


def test_the_list_sorts_by_score_in_keyset_pages_unscored_last(store):
    from nianbao.store.service import ReportService

    ids = _reports(store)
    _more_places(store)
    failed = _failed_file(store)
    stored = _stored(store, default_rubric())
    assert stored[failed] == (None, None)  # a failed file: a row without a score
    totals = {report_id: score for report_id, score in stored.items() if report_id != failed}
    service = ReportService(store)
    lowest_first = sorted(totals, key=lambda i: (totals[i][0], i))
    highest_first = sorted(totals, key=lambda i: (-totals[i][0], -i))
    assert _walk(service, "score", 2) == lowest_first + [failed]
    assert _walk(service, "-score", 3) == highest_first + [failed]
    assert [r.id for r in service.list(None, 2, 1, sort="-score")] == highest_first[1:3]
    assert service.neighbours(service.list(None, 1, sort="score")[0], sort="score") == (None, lowest_first[1])
    assert ids[FINANCE] in lowest_first


def test_the_overview_offers_and_keeps_the_score_sort(app):
    _reports(app.state.store.store)
    client = TestClient(app)
    html = client.get("/").text
    assert 'href="/?sort=score"' in html  # lowest first on the first click
    ordered = client.get("/?sort=score").text
    totals = list(_overview_totals(ordered).values())
    assert totals == sorted(totals, key=float) and 'aria-sort="ascending"' in ordered
    assert 'href="/?sort=-score"' in ordered
    listed = client.get("/api/reports", params={"sort": "-score"}).json()["items"]
    in_order = list(_overview_totals(ordered))
    assert [item["id"] for item in listed] == list(reversed(in_order))
    report_page = client.get(f"/reports/{in_order[0]}", params={"sort": "score"}).text
    assert f'/reports/{in_order[1]}?sort=score' in report_page  # j / k walk the list in score order


def test_a_list_sorted_by_score_checks_for_missing_rows_by_the_built_in_rubric_once_a_while(store, monkeypatch):
    ids = _reports(store)
    built_in, other = default_rubric(), rubric_from_text(TEST_RUBRIC, "t")
    assert stored_scores.fill_listed(store, other) == 3  # another rubric: scored on the first sort
    assert stored_scores.fill_listed(store, built_in) == 0  # written when stored
    with store.session() as session, session.begin():  # a row lost as by a copy made in SQL
        session.execute(StoredScore.__table__.delete().where(
            StoredScore.report_id == ids[HONGZE], StoredScore.rubric == stored_scores.rubric_key(built_in)))
    assert stored_scores.fill_listed(store, built_in) == 0  # trusted for a while
    assert stored_scores.fill_listed(store, other) == 0  # the other rubric's row was not lost
    monkeypatch.setattr(stored_scores, "BUILT_IN_FILL_TRUSTED", 0)
    assert stored_scores.fill_listed(store, built_in) == 1


def test_verdicts_carried_to_a_republished_file_count_in_its_score(store):
    from nianbao.store.carry_over import carry_to_report
    from nianbao.store.models import FindingVerdict, StoredReport

    from .test_review import broken, by_code, judge
    from .test_review_carry_over import republished

    rubric = default_rubric()
    first = broken()
    first_id = write_report(store, first, name="first.txt")
    judge(store, by_code(store, first_id)["T3.ROW_TOTAL"]["key"], "驳回", "印刷如此")
    second_id = write_report(store, republished(first, "2024-03-05"), name="second.txt")
    assert _stored(store, rubric)[second_id] == _scored_anew(store, rubric)[second_id]  # stored with the carried verdict
    with store.session() as session, session.begin():  # as before the carry-over: no verdict on the new file
        sha = session.get(StoredReport, second_id).sha256
        session.execute(FindingVerdict.__table__.delete().where(FindingVerdict.sha256 == sha))
        stored_scores.refresh(session, [second_id])
    undismissed = _stored(store, rubric)[second_id][0]
    with store.engine.begin() as connection:  # what an agency merge does after recomputing versions
        assert carry_to_report(connection, second_id) == 1
    assert _stored(store, rubric)[second_id] == _scored_anew(store, rubric)[second_id]
    assert _stored(store, rubric)[second_id][0] > undismissed
