"""`/api/reports` names each report's agency as the overview does: `agency_name` is the name of the
agency the report is filed under (the kept one after a merge), `agency` the name the report printed."""

from __future__ import annotations

from . import test_agency_merges
from .test_agency_merges import LONG, SHORT, _logged_in

parsed = test_agency_merges.parsed  # the fixture: one parsed report, filed under each name in turn
site = test_agency_merges.site  # the fixture: a web app over two agencies apart, with an administrator


def _named(client) -> set[tuple[str, str, int]]:
    """(printed name, agency name, agency id) of every item of the list."""
    answer = client.get("/api/reports")
    assert answer.status_code == 200, answer.text
    return {(item["agency"], item["agency_name"], item["agency_id"]) for item in answer.json()["items"]}


def test_api_report_items_carry_the_kept_agencys_name_after_a_merge(site):
    web_app, (short, long) = site
    client = _logged_in(web_app, "管理员甲")
    assert _named(client) == {(SHORT, SHORT, short), (LONG, LONG, long)}
    assert client.post(f"/api/agencies/{short}/merges", json={"agency": str(long)}).status_code == 200
    assert _named(client) == {(SHORT, SHORT, short), (LONG, SHORT, short)}
    assert client.post(f"/api/agencies/{long}/unmerge").status_code == 200  # parted again: its own name back
    assert _named(client) == {(SHORT, SHORT, short), (LONG, LONG, long)}
