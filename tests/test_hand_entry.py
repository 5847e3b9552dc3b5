"""Hand entry for scans the OCR cannot read: image uploads, facts (agency, year, publication
date, edition) set with history, every cell of the edition typed in and re-checked, marked
手工录入 in the JSON and the exports; the same from the CLI; facts kept by a re-parse."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
pytest.importorskip("multipart", reason="python-multipart not installed")
pytest.importorskip("rapidocr", reason="OCR extra not installed")
from fastapi.testclient import TestClient  # noqa: E402
from PIL import Image  # noqa: E402

from sqlalchemy import select  # noqa: E402

from nianbao.store.models import StoredReport  # noqa: E402
from nianbao.store.reports import HAND_ENTERED  # noqa: E402
from nianbao.web.app import create_app  # noqa: E402
from tests.web_support import csrf_token  # noqa: E402

SCANS = Path(__file__).parent / "fixtures" / "scans"
# Table 三's totals of a small 2021 report, typed in by hand: every relation of the rows holds.
TYPED = {"t3.new_received.total": 7, "t3.carried_over.total": 1, "t3.granted.total": 5,
         "t3.unavailable_not_held.total": 2, "t3.total_handled.total": 7, "t3.carried_forward.total": 1}


def _blank_page(fmt: str = "PNG", **save) -> bytes:
    """A scan of a blank page: the OCR reads nothing, the report is unreadable."""
    buffer = io.BytesIO()
    Image.new("L", (620, 877), 255).save(buffer, format=fmt, **save)
    return buffer.getvalue()


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(str(tmp_path / "web.db")))


@pytest.fixture
def unreadable(client) -> int:
    r = client.post("/api/reports", files={"files": ("scan.png", _blank_page())})
    assert r.status_code == 201, r.text
    return r.json()["results"][0]["id"]


def _csrf(client) -> str:
    return csrf_token(client, "/upload")


# ------------------------------------------------------------------ image uploads
@pytest.mark.parametrize("fmt, save", [("PNG", {}), ("JPEG", {"quality": 80}), ("TIFF", {})])
def test_image_uploads_are_read_not_refused(client, fmt, save):
    r = client.post("/api/reports", files={"files": ("scan.bin", _blank_page(fmt, **save))})
    assert r.status_code == 201, r.text
    detail = client.get(f"/api/reports/{r.json()['results'][0]['id']}").json()
    assert detail["report"]["format"] == "image"
    assert set(detail["tables"].values()) == {"unreadable"}  # nothing read, nothing zero
    assert detail["cells"] == {}


def test_damaged_image_is_refused_clearly(client):
    r = client.post("/api/reports", files={"files": ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)})
    assert r.status_code == 422, r.text
    assert "图像文件已损坏" in r.json()["results"][0]["error"]


def test_png_table_page_parses_with_boxes_on_its_page_image(client):
    data = (SCANS / "sanming-p2-seal-skew.png").read_bytes()
    r = client.post("/api/reports", files={"files": ("p2.png", data)})
    assert r.status_code == 201, r.text
    report_id = r.json()["results"][0]["id"]
    detail = client.get(f"/api/reports/{report_id}").json()
    boxed = [c for c in detail["cells"].values() if c.get("location", {}).get("box")]
    assert len(boxed) > 50 and {c["location"]["page"] for c in boxed} == {1}
    page = client.get(f"/api/reports/{report_id}/pages/1.png")
    assert page.status_code == 200 and page.content.startswith(b"\x89PNG")
    html = client.get(f"/reports/{report_id}").text
    sizes = re.search(r'"page_sizes": \[\[([\d.]+), ([\d.]+)\]\]', html)
    width, height = float(sizes.group(1)), float(sizes.group(2))
    # Every box lies on the page it is drawn on (same points as the OCR reader's).
    assert all(0 <= c["location"]["box"][0] < c["location"]["box"][2] <= width + 1 and
               c["location"]["box"][3] <= height + 1 for c in boxed)
    assert client.get(f"/api/reports/{report_id}/pages/2.png").status_code == 404


# ------------------------------------------------------------------ facts and cells by hand
def test_cells_wait_for_the_edition_then_every_cell_of_it_is_accepted(client, unreadable):
    refused = client.post(f"/api/reports/{unreadable}/corrections", json={"cell": "t3.granted.total", "value": 5})
    assert refused.status_code == 422 and "请先设定格式版本" in refused.json()["detail"]

    set_edition = client.post(f"/api/reports/{unreadable}/facts", json={"field": "edition", "value": "2021", "author": "王"})
    assert set_edition.status_code == 201 and set_edition.json()["report"]["edition"] == "2021"
    r = client.post(f"/api/reports/{unreadable}/entries", json={"cells": TYPED, "author": "王", "note": "第 3 页"})
    assert r.status_code == 201, r.text
    cells = r.json()["cells"]
    assert {path: cells[path]["value"] for path in TYPED} == TYPED
    assert all(cells[path]["inferred"] == HAND_ENTERED for path in TYPED)
    assert not any(c.get("uncertain") for c in cells.values())
    # Re-checked at once: table 三 is read now (by hand), and its typed totals are checked.
    assert r.json()["tables"]["t3"] == "ok" and r.json()["tables"]["t2"] == "unreadable"
    not_read = [f["message"] for f in r.json()["findings"] if f["code"] == "TABLE.UNREADABLE"]
    assert not_read and not any("表三" in message for message in not_read), not_read
    # A 2019-only cell is not one of this edition's.
    wrong = client.post(f"/api/reports/{unreadable}/entries", json={"cells": {"t3.other_handling.total": 1}})
    assert wrong.status_code == 422 and "不属于本报告的格式" in wrong.json()["detail"]


def test_typed_cells_marked_in_json_and_exports(client, unreadable):
    client.post(f"/api/reports/{unreadable}/facts", json={"field": "edition", "value": "2021"})
    client.post(f"/api/reports/{unreadable}/entries", json={"cells": {"t3.granted.total": 5, "t3.carried_over.total": None}})
    assert client.get(f"/api/reports/{unreadable}/canonical").json()["t3"]["granted"]["total"] == 5
    detail = client.get(f"/api/reports/{unreadable}").json()["cells"]
    assert detail["t3.granted.total"]["inferred"] == HAND_ENTERED and detail["t3.granted.total"]["corrected"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export.csv", params={"kind": "cells"}).text)))
    typed = {r["row"] + "." + r["column"]: r for r in rows if r["table"] == "t3"}
    assert typed["granted.total"]["inferred"] == HAND_ENTERED and typed["granted.total"]["corrected"] == "1"
    # Typed as "not reported": blank, never zero.
    assert typed["carried_over.total"]["value"] == ""


def test_facts_are_set_checked_and_kept_with_history(client, unreadable):
    for field, value in (("agency", "某某县某某镇人民政府"), ("year", "2023"), ("published", "2024-01-20"),
                         ("year", "2022")):
        assert client.post(f"/api/reports/{unreadable}/facts", json={"field": field, "value": value, "author": "李"}).status_code == 201
    detail = client.get(f"/api/reports/{unreadable}").json()
    summary = detail["report"]
    assert (summary["agency"], summary["year"], summary["published"]) == ("某某县某某镇人民政府", 2022, "2024-01-20")
    assert summary["agency_id"] is not None and summary["level"] == "乡镇街道"
    assert [(f["field"], f["value"], f["author"]) for f in detail["facts"]][-2:] == [("published", "2024-01-20", "李"), ("year", "2022", "李")]
    assert client.get("/api/reports", params={"year": "2022"}).json()["total"] == 1
    for field, value, why in (("year", "二〇二三", "年度应为"), ("edition", "2020", "格式版本应为"),
                              ("published", "2024/13/01", "发布日期应写作"), ("region", "x", "未知的报告信息项")):
        r = client.post(f"/api/reports/{unreadable}/facts", json={"field": field, "value": value})
        assert r.status_code == 422 and why in r.json()["detail"], r.text


def test_report_page_offers_the_empty_grid_and_takes_it_by_form(client, unreadable):
    page = client.get(f"/reports/{unreadable}").text
    assert 'id="facts-form"' in page and 'id="entry-form"' not in page  # no edition: no grid yet
    token = _csrf(client)
    r = client.post(f"/reports/{unreadable}/facts", data={"csrf_token": token, "edition": "2021", "was_edition": "",
                                                           "agency": "", "was_agency": ""}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/reports/{unreadable}").text
    assert 'id="entry-form"' in page and 'name="t3.granted.total"' in page
    form = {"csrf_token": token, "t3.granted.total": "1,234", "t3.new_received.total": "", "t4.review.amount_unit": "元"}
    assert client.post(f"/reports/{unreadable}/enter", data=form, follow_redirects=False).status_code == 303
    cells = client.get(f"/api/reports/{unreadable}").json()["cells"]
    assert cells["t3.granted.total"]["value"] == 1234 and "t3.new_received.total" not in cells
    bad = client.post(f"/reports/{unreadable}/enter", data={"csrf_token": token, "t3.granted.total": "五"})
    assert bad.status_code == 422


def test_facts_survive_a_reparse(client, unreadable):
    from nianbao.store.ingest import Item, Writer, parse_item

    s = client.app.state.store
    client.post(f"/api/reports/{unreadable}/facts", json={"field": "agency", "value": "某某县人民政府"})
    client.post(f"/api/reports/{unreadable}/facts", json={"field": "edition", "value": "2019"})
    row = s.get(unreadable)
    Writer(s.store, "next-parser").write(parse_item(Item("scan.png", "", row.sha256, _blank_page())))
    with s.store.session() as session:
        newest = session.scalars(select(StoredReport).where(
            StoredReport.sha256 == row.sha256, StoredReport.current.is_(True))).one()
    assert newest.id != unreadable and newest.parser_version == "next-parser"
    assert (newest.agency, newest.edition, newest.edition_reason) == ("某某县人民政府", "2019", "人工设定 set by hand")


def test_cli_sets_lists_and_refuses_facts(tmp_path, run_cli):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "scan.png").write_bytes(_blank_page())
    db = str(tmp_path / "n.db")
    assert run_cli("ingest", str(tmp_path / "scans"), "--db", db).returncode in (0, 1)
    done = run_cli("facts", "scan.png", "--edition", "2021", "--year", "2023", "--author", "张", "--db", db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已设定" in done.stdout + done.stderr
    listed = run_cli("facts", "scan.png", "--db", db)
    assert "年度 year = 2023" in listed.stdout + listed.stderr and "张" in listed.stdout + listed.stderr
    bad = run_cli("facts", "scan.png", "--year", "23", "--db", db)
    assert bad.returncode == 2 and "年度应为" in bad.stdout + bad.stderr and "Traceback" not in bad.stderr
    typed = run_cli("correct", "scan.png", "t3.granted.total", "5", "--db", db)
    assert typed.returncode == 0, typed.stdout + typed.stderr


def test_cli_correct_takes_only_cells_of_the_reports_edition(tmp_path, run_cli):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "scan.png").write_bytes(_blank_page())
    db = str(tmp_path / "n.db")
    assert run_cli("ingest", str(tmp_path / "scans"), "--db", db).returncode in (0, 1)
    unknown = run_cli("correct", "scan.png", "t3.granted.total", "5", "--db", db)
    assert unknown.returncode == 2 and "格式版本未识别" in unknown.stderr, unknown.stdout + unknown.stderr
    assert run_cli("facts", "scan.png", "--edition", "2019", "--db", db).returncode == 0
    # A 2021-only cell of table 二, refused by its label and the report's edition, like the web app does.
    other = run_cli("correct", "scan.png", "t2.regulations.in_force", "3", "--db", db)
    out = other.stdout + other.stderr
    assert other.returncode == 2 and "不属于本报告的格式（2019 版）" in out and "表二" in out, out
    assert "t2.regulations.in_force" not in out and "Traceback" not in other.stderr
    # A cell of the 2019 edition is stored.
    taken = run_cli("correct", "scan.png", "t2.administrative_fees.change", "3", "--db", db)
    assert taken.returncode == 0 and "已更正" in taken.stdout + taken.stderr, taken.stdout + taken.stderr
