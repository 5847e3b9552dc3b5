"""Hand entry (facts and typed cells, API and form posts) under accounts: a reviewer scoped to
one county gets 404 for a report outside it, as for an id that does not exist, and nothing is
stored; a read-only account gets 403; inside its scope a reviewer's entries are stored."""

from __future__ import annotations


import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
pytest.importorskip("multipart", reason="python-multipart not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.store import accounts as store_accounts  # noqa: E402
from nianbao.store.accounts import RegionScope  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.web_support import csrf_token  # noqa: E402

DEV = CORPUS / "dev"
pytestmark = pytest.mark.skipif(not DEV.exists(), reason="corpus not found (set NIANBAO_CORPUS)")
PASSWORD = "correct horse battery"
PINGTAN, PUTIAN = "pingtan-2019.txt", "putian-statistics-2022.html"
SAME_ORIGIN = {"origin": "http://testserver"}


def _csrf(client) -> str:
    return csrf_token(client, "/login")


def _client(app, name: str) -> TestClient:
    client = TestClient(app)
    logged_in = client.post("/login", data={"user": name, "token": PASSWORD, "csrf_token": _csrf(client)},
                            follow_redirects=False)
    assert logged_in.status_code == 303, logged_in.text
    return client


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two reports (平潭县, 莆田市) uploaded by the local user, then a county reviewer, a county
    viewer and an administrator."""
    app = create_app(str(tmp_path_factory.mktemp("hand_scopes") / "web.db"))
    local = TestClient(app)
    ids = {}
    for name in (PINGTAN, PUTIAN):
        r = local.post("/api/reports", files={"files": (name, (DEV / name).read_bytes())})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["results"][0]["id"]
    with app.state.store.store.session() as session, session.begin():
        county = RegionScope.parse("福建省/福州市/平潭县")
        store_accounts.add_account(session, "平潭审核", PASSWORD, "reviewer", county)
        store_accounts.add_account(session, "平潭只读", PASSWORD, "viewer", county)
        store_accounts.add_account(session, "管理员甲", PASSWORD, "admin")
    return app, ids


def _hand_entries(app, report_id: int) -> tuple[list, list]:
    """What the administrator sees of a report's facts set by hand and its corrections."""
    admin = _client(app, "管理员甲")
    return (admin.get(f"/api/reports/{report_id}/facts").json(),
            admin.get(f"/api/reports/{report_id}/corrections").json())


def _writes(client: TestClient, report_id: int) -> dict[str, int]:
    """Every hand-entry write, API and form, against one report: route → status."""
    csrf = _csrf(client)
    return {
        "api facts": client.post(f"/api/reports/{report_id}/facts", headers=SAME_ORIGIN,
                                 json={"field": "year", "value": "2020"}).status_code,
        "api entries": client.post(f"/api/reports/{report_id}/entries", headers=SAME_ORIGIN,
                                   json={"cells": {"t3.granted.total": 5}}).status_code,
        "form facts": client.post(f"/reports/{report_id}/facts", follow_redirects=False,
                                  data={"year": "2020", "was_year": "", "csrf_token": csrf}).status_code,
        "form entries": client.post(f"/reports/{report_id}/enter", follow_redirects=False,
                                    data={"t3.granted.total": "5", "csrf_token": csrf}).status_code,
    }


def test_outside_its_county_a_reviewer_finds_no_report_to_type_into(site):
    app, ids = site
    outside = ids[PUTIAN]
    before = _hand_entries(app, outside)
    reviewer = _client(app, "平潭审核")
    assert reviewer.get(f"/api/reports/{outside}/facts").status_code == 404
    assert set(_writes(reviewer, outside).values()) == {404}
    assert _hand_entries(app, outside) == before  # nothing was stored


def test_a_read_only_account_cannot_type_in(site):
    app, ids = site
    inside = ids[PINGTAN]
    before = _hand_entries(app, inside)
    viewer = _client(app, "平潭只读")
    assert viewer.get(f"/api/reports/{inside}/facts").status_code == 200  # may read
    assert set(_writes(viewer, inside).values()) == {403}
    denied = viewer.post(f"/api/reports/{inside}/entries", headers=SAME_ORIGIN, json={"cells": {"t3.granted.total": 5}})
    assert "只读" in denied.json()["detail"]
    assert viewer.get(f"/api/reports/{ids[PUTIAN]}/facts").status_code == 404  # outside: not found first
    assert _hand_entries(app, inside) == before


def test_inside_its_county_a_reviewer_types_in(site):
    app, ids = site
    inside = ids[PINGTAN]
    reviewer = _client(app, "平潭审核")
    statuses = _writes(reviewer, inside)
    assert statuses == {"api facts": 201, "api entries": 201, "form facts": 303, "form entries": 303}, statuses
    facts, corrections = _hand_entries(app, inside)
    assert [(f["field"], f["value"], f["author"]) for f in facts] == [("year", "2020", "平潭审核")] * 2
    assert [(c["cell"], c["value"], c["author"]) for c in corrections] == [("t3.granted.total", 5, "平潭审核")] * 2
