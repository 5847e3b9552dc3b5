"""Stored roster matches (store/roster_match.py): each distinct agency name and place is matched
once, new names at the next request, everything again after a roster import; a person's
corrected agency name is matched as the new name."""

from __future__ import annotations

from sqlalchemy import func, select

from nianbao.store import hand_entry, roster
from nianbao.store.models import RosterMatch, StoredReport

from .store_support import store_fixture  # noqa: F401  (the store fixture)
from .test_roster import by_name, imported, report


def stored_matches(store) -> dict[str, int | None]:
    with store.session() as session:
        return dict(session.execute(select(RosterMatch.agency, RosterMatch.entry_id)).all())


def test_names_are_matched_once_then_read_from_the_table(store, monkeypatch):
    imported(store)
    report(store, "沭阳县发改委", 2023, "2024-01-12", seed=1, province="江苏省", city="宿迁市", county="沭阳县")
    assert stored_matches(store) == {}  # nothing matched before a request asks
    rows = by_name(roster.status(store, 2023))
    assert rows["沭阳县发展和改革局"].status == roster.STATUS_PUBLISHED
    assert set(stored_matches(store)) == {"沭阳县发改委"}
    # A second request matches nothing: the stored row answers.
    built = []
    original = roster.Matcher
    monkeypatch.setattr(roster, "Matcher", lambda entries: built.append(1) or original(entries))
    assert by_name(roster.status(store, 2023))["沭阳县发展和改革局"].status == roster.STATUS_PUBLISHED
    assert built == []
    # A new report with a new name is matched at the next request, alone.
    report(store, "沭阳县卫健局", 2023, "2024-05-02", seed=2, province="江苏省", city="宿迁市", county="沭阳县")
    rows = by_name(roster.status(store, 2023))
    assert built == [1] and rows["沭阳县卫生健康局"].status == roster.STATUS_LATE
    assert set(stored_matches(store)) == {"沭阳县发改委", "沭阳县卫健局"}


def test_a_roster_import_matches_every_name_again(store):
    imported(store)
    report(store, "沭阳县物价局", 2023, "2024-01-12", seed=1, province="江苏省", city="宿迁市", county="沭阳县")
    assert roster.unmatched(store, 2023) == []  # an alias of 发改局
    before = stored_matches(store)["沭阳县物价局"]
    assert before is not None
    # The new roster no longer lists that alias: the stored match goes, the report is unmatched.
    imported(store, "名称,层级,地区\n沭阳县发展和改革局,部门,江苏省宿迁市沭阳县\n")
    assert stored_matches(store) == {}
    assert [u.report.agency for u in roster.unmatched(store, 2023)] == ["沭阳县物价局"]
    assert stored_matches(store) == {"沭阳县物价局": None}


def test_a_corrected_agency_name_is_matched_as_the_new_name(store):
    imported(store)
    report_id = report(store, "某某中心", 2023, "2024-01-12", seed=1, province="江苏省", city="宿迁市", county="沭阳县")
    assert [u.report.id for u in roster.unmatched(store, 2023)] == [report_id]
    with store.session() as session:
        sha = session.get(StoredReport, report_id).sha256
    hand_entry.set_fact(store, sha, "agency", "沭阳县卫生健康局", author="张三")
    assert roster.unmatched(store, 2023) == []
    assert by_name(roster.status(store, 2023))["沭阳县卫生健康局"].status == roster.STATUS_PUBLISHED
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(RosterMatch)) == 2  # old name's row stays, harmless
