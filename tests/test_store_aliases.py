"""One agency under the names its region writes it by (store/aliases.py): 洪泽区政府 in one year
and 淮安市洪泽区人民政府 in the next are one agency in the store, so the linking pass pairs them
(and says which names it joined); different bodies of one county are never merged."""

from __future__ import annotations


import pytest
from sqlalchemy import select

from nianbao import regions
from nianbao.store.aliases import identity
from nianbao.store.models import Agency, StoredFinding, StoredReport

from .checks_helpers import SOURCES
from .store_support import filed_as, parsed_file, write_and_link, store_fixture  # noqa: F401 — the `store` fixture: SQLite and PostgreSQL

SOURCE = "pingtan-transport-2020.txt"


@pytest.fixture(scope="module")
def parsed():
    return parsed_file(next(p for p in SOURCES if p.name == SOURCE))




def _agencies(store) -> dict[str, int]:
    with store.session() as session:
        return {row.agency: row.agency_id for row in session.execute(select(StoredReport.agency, StoredReport.agency_id))}


def test_parent_region_alias_is_one_agency_and_pairs_across_years(store, parsed):
    write_and_link(store, filed_as(parsed, "洪泽区政府", 2022), filed_as(parsed, "淮安市洪泽区人民政府", 2023))
    ids = _agencies(store)
    assert ids["洪泽区政府"] == ids["淮安市洪泽区人民政府"]
    with store.session() as session:
        assert session.scalar(select(Agency.name).where(Agency.id == ids["洪泽区政府"])) == "洪泽区政府"
        later = session.scalar(select(StoredReport.id).where(StoredReport.year == 2023))
        messages = list(session.scalars(select(StoredFinding.message).where(
            StoredFinding.report_id == later, StoredFinding.code == "COPY.PREVIOUS_YEAR")))
    # The same text in both years: the copying rule ran on the pair, and names the names it joined.
    assert messages and "“淮安市洪泽区人民政府”与“洪泽区政府”" in messages[0]


def test_zone_written_under_its_province(store, parsed):
    write_and_link(store, filed_as(parsed, "平潭综合实验区交通与建设局", 2019), filed_as(parsed, "福建省平潭综合实验区交通与建设局", 2020))
    assert len(set(_agencies(store).values())) == 1


@pytest.mark.parametrize("one, other", [
    ("高良涧街道办事处", "洪泽区朱坝街道办事处"),  # two townships share their county's code
    ("洪泽区政府", "洪泽区发展和改革局"),  # the government and one of its departments
    ("淮安市洪泽区人民政府", "淮安市淮阴区人民政府"),  # two counties
])
def test_different_bodies_stay_apart(store, parsed, one, other):
    write_and_link(store, filed_as(parsed, one, 2022), filed_as(parsed, other, 2023))
    assert len(set(_agencies(store).values())) == 2


def test_a_region_guessed_from_the_text_merges_nothing(store, parsed):
    write_and_link(store, filed_as(parsed, "洪泽区政府", 2022), filed_as(parsed, "淮安市洪泽区人民政府", 2023, text_only=True))
    assert len(set(_agencies(store).values())) == 2


def test_identity_needs_one_decided_division():
    assert identity("鼓楼区人民政府", regions.resolve("鼓楼区人民政府").as_dict()) is None  # four 鼓楼区
    assert identity("洪泽区政府", regions.resolve("洪泽区政府").as_dict()) == ("320813", "", "人民政府")


def test_section_five_against_last_year_is_stored_like_check_reports_it(store, parsed):
    # The same text filed for two years: section 五 is copied, as `nianbao check FOLDER` says.
    write_and_link(store, filed_as(parsed, "平潭综合实验区交通与建设局", 2019), filed_as(parsed, "平潭综合实验区交通与建设局", 2020))
    with store.session() as session:
        later = session.scalar(select(StoredReport.id).where(StoredReport.year == 2020))
        codes = set(session.scalars(select(StoredFinding.code).where(StoredFinding.report_id == later)))
    assert "PROBLEMS.COPIED" in codes and "COPY.PREVIOUS_YEAR" in codes
