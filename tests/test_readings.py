"""The reading an upload leaves beside its original (store/readings.py): a report page, its
read-text pane and its re-checks use it instead of reading the original again, which for a scan
means OCR; after a restart too.  A missing or damaged reading is made again from the original;
deleting the report deletes it with the page images."""

from __future__ import annotations

import gzip

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
pytest.importorskip("multipart", reason="python-multipart not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.parser import parse  # noqa: E402
from nianbao.store import readings, service  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402

DEV = CORPUS / "dev"
PDF = DEV / "hongze-2023.pdf"
pytestmark = pytest.mark.skipif(not PDF.exists(), reason="corpus not found (set NIANBAO_CORPUS)")


@pytest.fixture
def uploaded(tmp_path):
    """(database path, report id) of hongze-2023.pdf uploaded to a web app."""
    db = tmp_path / "web.db"
    client = TestClient(create_app(str(db), max_upload=4 * 1024 * 1024))
    r = client.post("/api/reports", files={"files": (PDF.name, PDF.read_bytes())})
    assert r.status_code == 201, r.text
    return db, r.json()["results"][0]["id"]


def _parses(monkeypatch) -> list[str]:
    """The names the service parses from here on (the originals it reads again)."""
    calls: list[str] = []
    original = service.parse_bytes

    def counted(data, name="", *args, **kwargs):
        calls.append(name)
        return original(data, name, *args, **kwargs)

    monkeypatch.setattr(service, "parse_bytes", counted)
    return calls


def _readings(db) -> list:
    return sorted((db.with_name(db.name + ".files") / readings.FOLDER).glob("*.json.gz"))


def _shows_its_text_and_rechecks(client: TestClient, report_id: int) -> None:
    detail = client.get(f"/api/reports/{report_id}").json()
    cell = detail["cells"]["t3.new_received.total"]
    text = client.get(f"/api/reports/{report_id}/text").json()["text"]
    assert text[cell["location"]["start"]:cell["location"]["end"]] == cell["raw"]
    r = client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.new_received.total", "value": cell["value"] + 1})
    assert r.status_code == 201, r.text
    assert any("t3.new_received.total" in f["cells"] for f in r.json()["findings"] if f["severity"] == "error")
    page = client.get(f"/reports/{report_id}")  # the page (it opens a session: API posts then need its token)
    assert page.status_code == 200 and '<pre id="doc-text">' in page.text


def test_an_upload_is_not_read_again_for_its_page_text_and_rechecks(uploaded, monkeypatch):
    db, report_id = uploaded
    assert len(_readings(db)) == 1
    calls = _parses(monkeypatch)
    # The app that took the upload, and the app started again on the same database (empty memory).
    _shows_its_text_and_rechecks(TestClient(create_app(str(db))), report_id)
    assert calls == []


def test_a_missing_or_damaged_reading_is_made_again_once(uploaded, monkeypatch):
    db, report_id = uploaded
    (kept,) = _readings(db)
    kept.write_bytes(gzip.compress(b"{not json"))
    calls = _parses(monkeypatch)
    _shows_its_text_and_rechecks(TestClient(create_app(str(db))), report_id)
    assert calls == [PDF.name]  # read once, then from the new reading
    kept.unlink()
    TestClient(create_app(str(db))).get(f"/api/reports/{report_id}/text")
    assert calls == [PDF.name, PDF.name] and _readings(db) == [kept]
    TestClient(create_app(str(db))).get(f"/api/reports/{report_id}/text")
    assert len(calls) == 2


def test_deleting_a_report_deletes_what_was_derived_from_its_original(uploaded):
    db, report_id = uploaded
    client = TestClient(create_app(str(db)))
    assert client.get(f"/api/reports/{report_id}/pages/1.png").status_code == 200
    files = db.with_name(db.name + ".files")
    assert len([p for p in files.rglob("*") if p.is_file()]) == 3  # the original, its reading, a page image
    assert client.delete(f"/api/reports/{report_id}").status_code == 200
    assert [p for p in files.rglob("*") if p.is_file()] == []


def test_a_reading_keeps_what_the_store_does_not():
    report = parse(PDF)
    again = readings.report_of(readings.reading_of(report))
    assert again.printed == report.printed and again.printed
    assert again.table_status == report.table_status
    assert [w.to_dict() for w in again.warnings] == [w.to_dict() for w in report.warnings]
    assert [s.to_dict() for s in again.sections] == [s.to_dict() for s in report.sections]
    assert [(s.text, s.start, s.end) for s in again.sections] == [(s.text, s.start, s.end) for s in report.sections]


def test_an_unwritable_folder_costs_only_speed(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be")
    readings.save(blocked, "a" * 64, "1.0", {"shape": readings.SHAPE, "text": "x"})  # no error
    assert readings.load(blocked, "a" * 64, "1.0") is None
