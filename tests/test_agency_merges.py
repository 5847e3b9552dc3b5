"""Agencies split in a store joined afterwards (store/merges.py): by a person (merge / unmerge, with
history) and by the automatic pass of today's alias rules; versions and cross-year links follow."""

from __future__ import annotations


import pytest
from sqlalchemy import select, update

from nianbao import regions
from nianbao.store.merges import MergeRefused, history, merge, plan, relink_aliases, unmerge
from nianbao.store.models import Agency, StoredFinding, StoredReport
from nianbao.store.region_history import correct_region

from .checks_helpers import SOURCES
from .store_support import filed_as, parsed_file, write_and_link, store_fixture, tables_leave_and_return  # noqa: F401 — the `store` fixture: SQLite and PostgreSQL

SOURCE = "pingtan-transport-2020.txt"
SHORT, LONG = "洪泽区政府", "淮安市洪泽区人民政府"


@pytest.fixture(scope="module")
def parsed():
    return parsed_file(next(p for p in SOURCES if p.name == SOURCE))




def _split(store, parsed, years=(2022, 2023)) -> tuple[int, int]:
    """洪泽区政府 and 淮安市洪泽区人民政府 stored as two agencies; their ids."""
    write_and_link(store, filed_as(parsed, SHORT, years[0]), filed_as(parsed, LONG, years[1], text_only=True))
    ids = _agency_ids(store)
    assert ids[SHORT] != ids[LONG]
    return ids[SHORT], ids[LONG]


def _agency_ids(store) -> dict[str, int]:
    with store.session() as session:
        return {row.agency: row.agency_id for row in session.execute(select(StoredReport.agency, StoredReport.agency_id))}


def _copy_findings(store, year: int) -> int:
    with store.session() as session:
        reports = select(StoredReport.id).where(StoredReport.year == year, StoredReport.current)
        return len(list(session.scalars(select(StoredFinding.id).where(
            StoredFinding.report_id.in_(reports), StoredFinding.code == "COPY.PREVIOUS_YEAR"))))


def _counted(store) -> list[tuple[str, str | None]]:
    with store.session() as session:
        return sorted(tuple(row) for row in session.execute(select(StoredReport.agency, StoredReport.version_kind)))


def test_a_merge_joins_the_years_and_an_unmerge_parts_them_again(store, parsed):
    short, long = _split(store, parsed)
    assert _copy_findings(store, 2023) == 0  # apart: no pair across the years

    done = merge(store, short, long, "张三", "同一区政府")
    assert (done.kept_id, done.merged_id, done.reports) == (short, long, 1)
    assert done.names == (LONG,)
    assert set(_agency_ids(store).values()) == {short}
    assert _copy_findings(store, 2023) == 1  # the pass paired 2023 with 2022

    rows = history(store, long)
    assert [(r["kept_id"], r["merged_id"], r["names"], r["author"], r["in_force"]) for r in rows] == [
        (short, long, [LONG], "张三", True)]

    back = unmerge(store, long, "李四")
    assert back.reports == 1
    assert _agency_ids(store) == {SHORT: short, LONG: long}
    assert _copy_findings(store, 2023) == 0
    (row,) = history(store, short)
    assert row["undone_by"] == "李四" and row["undone_at"] and not row["in_force"]


def test_two_files_of_one_year_become_versions_after_the_merge(store, parsed):
    short, long = _split(store, parsed, years=(2022, 2022))
    assert _counted(store) == [(SHORT, None), (LONG, None)]  # both counted: the year twice
    merge(store, short, long)
    kinds = [kind for _, kind in _counted(store)]
    assert sorted(kinds, key=str) == sorted([None, "twin"], key=str)  # the same numbers: one counts
    unmerge(store, long)
    assert _counted(store) == [(SHORT, None), (LONG, None)]


def test_a_joined_name_is_filed_under_the_kept_agency_afterwards(store, parsed):
    short, long = _split(store, parsed)
    merge(store, short, long)
    write_and_link(store, filed_as(parsed, LONG, 2024, text_only=True))
    assert set(_agency_ids(store).values()) == {short}
    # Unmerged, that later report goes back with the name it was printed under.
    unmerge(store, long)
    with store.session() as session:
        later = session.scalar(select(StoredReport.agency_id).where(StoredReport.year == 2024))
    assert later == long


def test_merges_refused_say_why(store, parsed):
    short, long = _split(store, parsed)
    with pytest.raises(MergeRefused, match="同一机关"):
        merge(store, short, short)
    with pytest.raises(MergeRefused, match="没有并入"):
        unmerge(store, long)
    merge(store, short, long)
    with pytest.raises(MergeRefused, match="已并入"):
        merge(store, short, long)
    with pytest.raises(LookupError, match="未找到机关"):
        merge(store, short, 999)


def test_the_automatic_pass_joins_what_todays_rules_join(store, parsed):
    short, long = _split(store, parsed)
    # A name key written by older rules: the writer kept 沭阳县发改局 apart from its full name.
    write_and_link(store, filed_as(parsed, "沭阳县发改局", 2022))
    with store.engine.begin() as connection:
        connection.execute(update(Agency).where(Agency.name == "沭阳县发改局").values(key="沭阳县发改局"))
    write_and_link(store, filed_as(parsed, "沭阳县发展和改革局", 2023, text_only=True))
    # Different bodies of one county stay apart.
    write_and_link(store, filed_as(parsed, "洪泽区发展和改革局", 2022))
    ids = _agency_ids(store)
    assert len(set(ids.values())) == 5

    preview = relink_aliases(store, dry_run=True)
    assert sorted((m.kept_name, m.merged_name) for m in preview) == [
        ("沭阳县发改局", "沭阳县发展和改革局"), (SHORT, LONG)]
    assert len(set(_agency_ids(store).values())) == 5  # a preview changes nothing

    done = relink_aliases(store, "自动")
    assert len(done) == 2
    ids = _agency_ids(store)
    assert ids[LONG] == ids[SHORT] == short and ids["沭阳县发展和改革局"] == ids["沭阳县发改局"]
    assert ids["洪泽区发展和改革局"] not in (short, ids["沭阳县发改局"])
    assert history(store, long)[0]["automatic"] is True
    assert _copy_findings(store, 2023) == 2  # both 2023 reports now pair with their 2022
    assert relink_aliases(store) == []  # once done, nothing more
    unmerge(store, long, "张三")
    assert relink_aliases(store) == []  # a person parted them: the rules do not join them again
    assert _agency_ids(store)[LONG] == long


def test_a_region_a_person_set_keeps_the_agency_out_of_the_automatic_pass(store, parsed):
    short, long = _split(store, parsed)
    correct_region(store, long, {"region_code": "320804"}, "张三", "淮阴区，不是洪泽区")
    assert plan(store).groups == {}


def test_migration_0015_matches_the_model_and_downgrades(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nianbao.store.models import Base

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "agency_merges" in str(d)] == []
    tables_leave_and_return(store, "0014", {"agency_merges"})


# ------------------------------------------------------------------ the command line
def test_the_cli_merges_lists_and_unmerges(tmp_path, parsed):
    from typer.testing import CliRunner

    from nianbao.cli import app
    from nianbao.store import open_store

    db = str(tmp_path / "n.db")
    store = open_store(db)
    try:
        short, long = _split(store, parsed)
    finally:
        store.close()
    run = CliRunner().invoke
    preview = run(app, ["agency", "relink", "--dry-run", "--db", db])
    assert preview.exit_code == 0 and f"将合并 would merge：“{LONG}”（编号 {long}）→ “{SHORT}”" in preview.output

    done = run(app, ["agency", "merge", SHORT, str(long), "--author", "张三", "--note", "同一区政府", "--db", db])
    assert done.exit_code == 0 and "已合并" in done.output and "1 份报告" in done.output
    again = run(app, ["agency", "merge", SHORT, str(long), "--db", db])
    assert again.exit_code == 2 and "错误：" in again.output and "已并入" in again.output
    assert "Traceback" not in again.output

    listed = run(app, ["agency", "history", LONG, "--db", db])
    assert listed.exit_code == 0 and "张三" in listed.output and "同一区政府" in listed.output

    undone = run(app, ["agency", "unmerge", str(long), "--author", "李四", "--db", db])
    assert undone.exit_code == 0 and "已撤销合并" in undone.output
    assert "已撤销 undone" in run(app, ["agency", "history", str(short), "--db", db]).output
    unknown = run(app, ["agency", "merge", SHORT, "没有这个机关", "--db", db])
    assert unknown.exit_code == 2 and "未找到机关" in unknown.output


# ------------------------------------------------------------------ the web app
PASSWORD = "correct horse battery"


@pytest.fixture
def site(tmp_path, parsed):
    """A SQLite store holding the two agencies apart, an administrator and a reviewer; the app and ids."""
    pytest.importorskip("fastapi", reason="web dependencies not installed")
    from nianbao.store import accounts as store_accounts
    from nianbao.store import open_store
    from nianbao.web.app import create_app

    db = str(tmp_path / "n.db")
    store = open_store(db)
    try:
        ids = _split(store, parsed)
        with store.session() as session, session.begin():
            store_accounts.add_account(session, "管理员甲", PASSWORD, "admin")
            store_accounts.add_account(session, "审核乙", PASSWORD, "reviewer")
            store_accounts.add_account(session, "福建管理", PASSWORD, "admin", store_accounts.RegionScope.parse("福建省"))
    finally:
        store.close()
    web_app = create_app(db, files_dir=tmp_path / "files")
    yield web_app, ids
    web_app.state.store.close()


def _logged_in(web_app, name: str):
    import re

    from fastapi.testclient import TestClient

    client = TestClient(web_app)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"user": name, "token": PASSWORD, "csrf_token": token},
                       follow_redirects=False).status_code == 303
    # The session's token, for the API's JSON posts (web/security.py: X-CSRF-Token).
    page = client.get("/login").text
    client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client


def _form_token(page: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_an_administrator_merges_on_the_agency_page_and_it_is_audited(site):
    web_app, (short, long) = site
    admin = _logged_in(web_app, "管理员甲")
    page = admin.get(f"/agencies/{short}").text
    assert "合并 Merges" in page and 'action="/agencies/%d/merge"' % short in page
    form = {"csrf_token": _form_token(page), "agency": LONG, "note": "同一区政府"}
    assert admin.post(f"/agencies/{short}/merge", data={**form, "csrf_token": "x"},
                      follow_redirects=False).status_code in (400, 403)
    response = admin.post(f"/agencies/{short}/merge", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    body = admin.get(f"/api/agencies/{short}/merges").json()
    assert [(r["merged_id"], r["author"], r["note"]) for r in body["joined"]] == [(long, "管理员甲", "同一区政府")]
    assert len(admin.get(f"/api/agencies/{short}").json()["years"]) == 2  # both years on one agency page
    joined_page = admin.get(f"/agencies/{long}").text
    assert "本机关已并入" in joined_page and "撤销合并" in joined_page
    log = admin.get("/api/audit", params={"action": "agency.merge"}).json()["items"]
    assert log and log[0]["author"] == "管理员甲" and LONG in log[0]["detail"]

    assert admin.post(f"/agencies/{long}/unmerge", data={"csrf_token": _form_token(joined_page)},
                      follow_redirects=False).status_code == 303
    assert admin.get(f"/api/agencies/{long}/merges").json()["merged_into"] is None
    assert admin.get("/api/audit", params={"action": "agency.unmerge"}).json()["items"]


def test_only_administrators_merge_and_refusals_say_why(site):
    web_app, (short, long) = site
    reviewer = _logged_in(web_app, "审核乙")
    assert 'action="/agencies/%d/merge"' % short not in reviewer.get(f"/agencies/{short}").text
    refused = reviewer.post(f"/api/agencies/{short}/merges", json={"agency": str(long)})
    assert refused.status_code == 403 and "管理员" in refused.json()["detail"]
    admin = _logged_in(web_app, "管理员甲")
    same = admin.post(f"/api/agencies/{short}/merges", json={"agency": str(short)})
    assert same.status_code == 422 and "同一机关" in same.json()["detail"]
    assert admin.post(f"/api/agencies/{short}/merges", json={"agency": "没有这个机关"}).status_code == 404
    assert admin.post(f"/api/agencies/{long}/unmerge").status_code == 422
    assert admin.get("/api/agencies/999999/merges").status_code == 404
    fujian = _logged_in(web_app, "福建管理")
    assert fujian.post(f"/api/agencies/{short}/merges", json={"agency": str(long)}).status_code == 404  # 江苏: not seen
    # One of them placed in 福建 by a person: the other, named in the body, is still outside the region.
    correct_region(web_app.state.store.store, long, {"region_code": "350128"}, "管理员甲")
    elsewhere = fujian.post(f"/api/agencies/{long}/merges", json={"agency": str(short)})
    assert elsewhere.status_code == 403 and "地区范围" in elsewhere.json()["detail"]


def test_verdicts_follow_the_version_that_counts_after_a_merge(store):
    from .store_support import write_report
    from .test_review import broken, by_code, judge

    first = broken(agency=SHORT)
    first.pop("region", None)  # no place read: the writer keeps the two names apart
    first["published"] = "2024-01-20"
    first_id = write_report(store, first, name="first.txt")
    judge(store, by_code(store, first_id)["T3.IDENTITY"]["key"], "确认", "核实属实")
    second = broken(agency=LONG)
    second.pop("region", None)
    second["published"] = "2024-03-05"  # a later publication of the same year
    second_id = write_report(store, second, name="second.txt")
    with store.session() as session:
        short, long = (session.get(StoredReport, i).agency_id for i in (first_id, second_id))
    assert short != long

    merge(store, short, long)
    with store.session() as session:
        assert session.get(StoredReport, first_id).version_of == second_id  # the later one counts
    carried = by_code(store, second_id)["T3.IDENTITY"]
    assert (carried["verdict_label"], carried["note"]) == ("确认", "核实属实")


def test_a_chain_of_merges_is_followed_and_parted_link_by_link(store, parsed):
    short, long = _split(store, parsed)
    third_name = "江苏省淮安市洪泽区人民政府"
    write_and_link(store, filed_as(parsed, third_name, 2024, text_only=True))
    third = _agency_ids(store)[third_name]
    merge(store, long, short)  # 洪泽区政府 into 淮安市洪泽区人民政府
    merge(store, third, long)  # and that one into the third
    assert set(_agency_ids(store).values()) == {third}
    with pytest.raises(MergeRefused, match="同一机关"):
        merge(store, short, third)  # already one body through the chain: no loop
    unmerge(store, long)  # the middle link: its reports and the one joined into it come back
    assert _agency_ids(store) == {SHORT: long, LONG: long, third_name: third}
    unmerge(store, short)
    assert _agency_ids(store) == {SHORT: short, LONG: long, third_name: third}


# ------------------------------------------------------------------ merged agencies seen as one
def test_stats_by_agency_count_merged_names_as_one_agency(store, parsed):
    from nianbao.store.stats import compute

    short, long = _split(store, parsed)
    apart = compute(store, by=["agency"], metrics=["new_received"], yoy=False)
    assert sorted(apart["机关"]) == sorted([SHORT, LONG])
    merge(store, short, long)
    joined = compute(store, by=["agency"], metrics=["new_received"], yoy=False)
    assert joined["机关"].tolist() == [SHORT]  # the kept agency's name labels the one row
    assert joined["报告数"].tolist() == [2]
    unmerge(store, long)
    assert sorted(compute(store, by=["agency"], metrics=["new_received"], yoy=False)["机关"]) == sorted([SHORT, LONG])


def test_exports_label_reports_by_the_kept_agency_and_keep_the_printed_name(store, parsed):
    from nianbao.store.export import columns, long_rows, wide_rows

    short, long = _split(store, parsed)
    merge(store, short, long)
    wide = sorted((row["agency"], row["agency_printed"], row["agency_key"]) for row in wide_rows(store))
    assert wide == sorted([(SHORT, LONG, "洪泽区人民政府"), (SHORT, SHORT, "洪泽区人民政府")])
    assert {(row["agency"], row["agency_printed"]) for row in long_rows(store)} == {(SHORT, SHORT), (SHORT, LONG)}
    for long_form in (False, True):
        assert ("agency_printed", "原文机关名称") in columns(long_form)
    unmerge(store, long)
    assert sorted(row["agency"] for row in wide_rows(store)) == sorted([SHORT, LONG])


def _region_of(row) -> dict:
    from nianbao.store.merges import REGION_COLUMNS

    return {column: getattr(row, column) for column in REGION_COLUMNS}


def test_a_new_report_under_a_joined_name_takes_the_kept_agencys_region(store, parsed):
    short, long = _split(store, parsed)
    correct_region(store, short, {"township": "高良涧街道"}, "张三", "区政府驻地")  # the kept one, corrected
    merge(store, short, long)
    later = filed_as(parsed, LONG, 2024, text_only=True)
    # Its text read elsewhere (a neighbouring district named in its opening): the body is the kept one.
    later.meta["region"] = {**regions.resolve("淮安市淮阴区人民政府").as_dict(), "source": "text"}
    write_and_link(store, later)
    with store.session() as session:
        kept = _region_of(session.get(Agency, short))
        row = session.scalars(select(StoredReport).where(StoredReport.year == 2024)).one()
        assert row.agency_id == short and _region_of(row) == kept
        assert (kept["county"], kept["township"]) == ("洪泽区", "高良涧街道")
    # Unmerged, it is the joined agency's again, with that agency's region (as every report given back).
    unmerge(store, long)
    with store.session() as session:
        row = session.scalars(select(StoredReport).where(StoredReport.year == 2024)).one()
        assert row.agency_id == long and _region_of(row) == _region_of(session.get(Agency, long))


def test_a_later_spelling_of_the_joined_agency_goes_back_with_it_on_unmerge(store, parsed):
    short, long = _split(store, parsed)
    merge(store, long, short)  # 洪泽区政府 joined into 淮安市洪泽区人民政府
    # A spelling of neither name key, placed by the alias rule (store/aliases.py) on the oldest
    # agency of its body: the joined one, so filed under the kept one while merged.
    spelling = "江苏省淮安市洪泽区人民政府"
    write_and_link(store, filed_as(parsed, spelling, 2024))
    assert _agency_ids(store)[spelling] == long
    assert spelling in history(store, short)[0]["names"]  # recorded as a name of the joined agency
    unmerge(store, short)
    assert _agency_ids(store) == {SHORT: short, LONG: long, spelling: short}


def test_an_agency_set_by_hand_to_a_joined_name_takes_the_kept_agencys_region(store, parsed):
    from nianbao.store.hand_entry import set_fact

    short, long = _split(store, parsed)
    merge(store, short, long)
    scan = filed_as(parsed, "某县某局", 2024)  # a scan whose agency was misread
    write_and_link(store, scan)
    set_fact(store, scan.sha256, "agency", LONG, "张三")
    with store.session() as session:
        row = session.scalars(select(StoredReport).where(StoredReport.sha256 == scan.sha256)).one()
        assert row.agency_id == short and _region_of(row) == _region_of(session.get(Agency, short))


def test_searching_either_name_of_a_merged_agency_finds_all_its_reports(store, parsed):
    from nianbao.store.selection import Filters, overview_query

    short, long = _split(store, parsed)

    def found(word: str) -> list[str]:
        with store.session() as session:
            return sorted(row.agency for row in session.scalars(overview_query(Filters(q=word))))

    assert found(LONG) == [LONG]
    merge(store, short, long)
    assert found(LONG) == found(SHORT) == sorted([SHORT, LONG])
    assert found("淮安市") == sorted([SHORT, LONG])  # part of a name
    unmerge(store, long)
    assert found(LONG) == [LONG]
