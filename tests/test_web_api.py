"""REST API and pages of the web app, through FastAPI's TestClient: every endpoint,
bad uploads (empty, huge, wrong type, path-traversal names), concurrent uploads,
auth and CSRF, escaping of report content."""

from __future__ import annotations

import csv
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
pytest.importorskip("multipart", reason="python-multipart not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.web.app import create_app  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.web_support import csrf_token  # noqa: E402

DEV = CORPUS / "dev"
pytestmark = pytest.mark.skipif(not DEV.exists(), reason="corpus not found (set NIANBAO_CORPUS)")
TOKEN = "s3cret-token"


def _file(name: str) -> bytes:
    return (DEV / name).read_bytes()


def _upload(client, name: str, data: bytes | None = None, **kw):
    return client.post("/api/reports", files={"files": (name, data if data is not None else _file(name))}, **kw)


@pytest.fixture
def app(tmp_path):
    return create_app(str(tmp_path / "web.db"), max_upload=2 * 1024 * 1024)


@pytest.fixture
def client(app):
    return TestClient(app)


@pytest.fixture
def loaded(client):
    ids = {}
    for name in ("pingtan-2019.txt", "pingtan-2022.txt", "pingtan-haitan-2021.txt", "shanghai-gov-office-2019.html"):
        r = _upload(client, name)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["results"][0]["id"]
    return ids


def _csrf(client) -> str:
    return csrf_token(client, "/upload")


# ------------------------------------------------------------------ uploads
def test_upload_parses_checks_and_stores(client):
    r = _upload(client, "pingtan-haitan-2021.txt")
    assert r.status_code == 201
    result = r.json()["results"][0]
    assert result["ok"] and result["edition"] == "2019" and result["year"] == 2021
    assert result["n_errors"] > 0  # the 2019 layout on a 2021 report is an error
    again = _upload(client, "pingtan-haitan-2021.txt").json()["results"][0]
    assert again["duplicate"] and again["id"] == result["id"]
    assert client.get("/api/reports").json()["total"] == 1


def test_upload_many_files_in_one_request(client):
    files = [("files", (n, _file(n))) for n in ("pingtan-2019.txt", "pingtan-2022.txt", "hongze-2023.pdf")]
    r = client.post("/api/reports", files=files)
    assert r.status_code == 201
    assert [x["ok"] for x in r.json()["results"]] == [True, True, True]


def test_upload_empty_file(client):
    r = _upload(client, "empty.txt", b"")
    assert r.status_code == 400 and "为空" in r.json()["results"][0]["error"]
    r = _upload(client, "blank.txt", b"   \n\n ")
    assert r.status_code == 400


def test_upload_too_large(client):
    r = _upload(client, "huge.txt", b"a" * (2 * 1024 * 1024 + 1))
    assert r.status_code == 413 and "大小上限" in r.json()["results"][0]["error"]
    assert client.get("/api/reports").json()["total"] == 0


def test_request_too_large_refused_before_reading(client):
    r = client.post("/api/reports", content=b"x", headers={"content-length": str(10 ** 10), "content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


@pytest.mark.parametrize("name, data", [
    ("report.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 50),  # an executable
    ("report.zip", b"PK\x03\x04" + b"\x00" * 200),  # a zip that is not a Word file
])
def test_upload_wrong_type(client, name, data):
    r = _upload(client, name, data)
    assert r.status_code == 415, r.text
    assert "不支持" in r.json()["results"][0]["error"]


def test_upload_text_that_is_not_a_report(client):
    r = _upload(client, "note.txt", "今天天气很好，我们去公园散步。".encode())
    assert r.status_code == 422


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", ".hidden", "a\x00b.txt"])
def test_path_traversal_names_are_only_labels(client, app, tmp_path, name):
    r = client.post("/api/reports", files={"files": (name, _file("pingtan-2022.txt"))})
    assert r.status_code == 201, r.text
    result = r.json()["results"][0]
    assert "/" not in result["name"] and "\\" not in result["name"] and not result["name"].startswith(".")
    # Only the generated name (the content hash) is used on disk, inside the files folder: the
    # original, and what was derived from it (its reading) under a folder of derived files.
    files, sha = app.state.store.files, app.state.store.get(result["id"]).sha256
    stored = sorted(str(p.relative_to(files)) for p in files.rglob("*") if p.is_file())
    assert stored[0] == sha and all(p.split("/")[-1].startswith(sha + ".") for p in stored[1:]), stored
    assert not (tmp_path / "etc").exists()
    original = client.get(f"/api/reports/{result['id']}/original")
    assert 'filename="report-' in original.headers["content-disposition"]


def test_concurrent_uploads(client):
    names = ["pingtan-2019.txt", "pingtan-2022.txt", "pingtan-transport-2020.txt", "pingtan-haitan-2021.txt",
             "pingtan-agriculture-2024.txt", "shanghai-stcsm-2024.md"]
    work = names + names[:3]  # some files twice at the same time: stored once
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda n: _upload(client, n), work))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    ids = {}
    for name, r in zip(work, responses):
        ids.setdefault(name, set()).add(r.json()["results"][0]["id"])
    assert all(len(v) == 1 for v in ids.values())
    assert client.get("/api/reports").json()["total"] == len(names)
    # One agency per body, even when its reports arrived together.
    agencies = {item["agency_id"] for item in client.get("/api/reports").json()["items"] if item["agency"] == "平潭综合实验区"}
    assert len(agencies) == 1


# ------------------------------------------------------------------ reading
def test_list_and_filters(client, loaded):
    assert client.get("/api/reports").json()["total"] == 4
    assert client.get("/api/reports", params={"edition": "2019"}).json()["total"] == 3
    assert client.get("/api/reports", params={"year": "2022"}).json()["total"] == 1
    assert client.get("/api/reports", params={"q": "上海"}).json()["total"] == 1
    assert client.get("/api/reports", params={"region": "上海"}).json()["total"] == 1
    assert client.get("/api/reports", params={"severity": "error"}).json()["total"] == 1
    assert client.get("/api/reports", params={"year": "", "edition": ""}).json()["total"] == 4  # empty form fields
    assert client.get("/api/reports", params={"limit": 2}).json()["items"].__len__() == 2
    facets = client.get("/api/facets").json()
    assert 2019 in facets["years"] and "2021" in facets["editions"]


def test_report_detail(client, loaded):
    report_id = loaded["pingtan-2022.txt"]
    data = client.get(f"/api/reports/{report_id}").json()
    assert data["report"]["agency"] == "平潭综合实验区" and data["report"]["edition"] == "2021"
    cell = data["cells"]["t3.new_received.total"]
    assert isinstance(cell["value"], int) and "start" in cell["location"]
    text = client.get(f"/api/reports/{report_id}/text").json()["text"]
    assert text[cell["location"]["start"]:cell["location"]["end"]] == cell["raw"]
    assert client.get("/api/reports/999").status_code == 404


def test_report_page_says_why_cells_are_in_doubt(client, loaded):
    """The parser's notes (fused digits with several readings) are on the report page, in
    Chinese, each naming its cells by their labels, not their keys."""
    page = client.get(f"/reports/{loaded['pingtan-2019.txt']}").text
    notes = re.search(r'<details class="parse-notes".*?</details>', page, re.S)
    assert notes, "no parser notes on a report with guessed cells"
    assert "解析说明" in notes.group(0) and "表二“政府集中采购”行数字粘连" in notes.group(0)
    assert 'data-goto="t2.centralized_procurement.projects"' in notes.group(0)
    assert ">t2.centralized_procurement.projects<" not in notes.group(0)
    clean = client.get(f"/reports/{loaded['pingtan-2022.txt']}").text
    assert 'class="parse-notes"' not in clean


def test_editions_from_definitions(client):
    assert {e["key"] for e in client.get("/api/editions").json()} == {"2019", "2021"}
    layout = client.get("/api/editions/2021").json()
    from nianbao import editions

    relations = editions.get("2021").relations
    assert len(layout["relations"]) == len(relations)
    assert layout["relations"][0]["left"] == list(relations[0].left)
    assert client.get("/api/editions/1999").status_code == 404


def test_original_is_sandboxed(client, loaded):
    r = client.get(f"/api/reports/{loaded['shanghai-gov-office-2019.html']}/original", params={"inline": 1})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"].startswith("sandbox")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("inline")


def test_pdf_pages(client):
    report_id = _upload(client, "hongze-2023.pdf").json()["results"][0]["id"]
    info = client.get(f"/api/reports/{report_id}/text").json()
    assert info["pages"] >= 3
    page = client.get(f"/api/reports/{report_id}/pages/1.png")
    assert page.status_code == 200 and page.content[:4] == b"\x89PNG"
    assert client.get(f"/api/reports/{report_id}/pages/999.png").status_code == 404


def test_page_sizes_in_points_scale_cell_boxes_to_the_page_image(client):
    # The browser draws a cell's box (points) on the page image (pixels) by image size / page size.
    from PIL import Image

    report_id = _upload(client, "hongze-2023.pdf").json()["results"][0]["id"]
    info = client.get(f"/api/reports/{report_id}/text").json()
    assert len(info["page_sizes"]) == info["pages"]
    width_pt, height_pt = info["page_sizes"][0]
    assert (width_pt, height_pt) == (595.0, 842.0)  # A4
    image = Image.open(io.BytesIO(client.get(f"/api/reports/{report_id}/pages/1.png").content))
    assert image.width / width_pt == pytest.approx(image.height / height_pt, rel=0.01)
    detail = client.get(f"/api/reports/{report_id}").json()
    boxes = [cell["location"] for cell in detail["cells"].values() if cell.get("location", {}).get("box")]
    assert boxes and all(1 <= loc["page"] <= info["pages"] for loc in boxes)
    text_id = _upload(client, "pingtan-2022.txt").json()["results"][0]["id"]
    assert client.get(f"/api/reports/{text_id}/text").json()["page_sizes"] == []  # no pages, no sizes


def test_page_images_drawn_at_once_are_the_same_as_one_at_a_time(client, app):
    # A browser asks for all page images together; PDFium must never run on two threads at once.
    report_id = _upload(client, "hongze-2023.pdf").json()["results"][0]["id"]
    pages = client.get(f"/api/reports/{report_id}/text").json()["pages"]
    urls = [f"/api/reports/{report_id}/pages/{n}.png" for n in range(1, pages + 1)] * 3
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(client.get, urls))
    assert all(r.status_code == 200 for r in responses)
    for cached in app.state.store.files.glob("*.png"):
        cached.unlink()  # draw each page again, alone
    for url, response in zip(urls, responses):
        assert client.get(url).content == response.content


def test_canonical_and_render(client, loaded):
    report_id = loaded["pingtan-2022.txt"]
    data = client.get(f"/api/reports/{report_id}/canonical").json()
    assert data["edition"] == "2021" and "t3" in data
    docx = client.get(f"/api/reports/{report_id}/render.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    html = client.get(f"/api/reports/{report_id}/render.html")
    assert html.status_code == 200 and "平潭综合实验区" in html.text
    assert client.get(f"/api/reports/{report_id}/render.exe").status_code == 404


# ------------------------------------------------------------------ corrections
def test_correction_reruns_checks_and_keeps_history(client, loaded):
    report_id = loaded["pingtan-2022.txt"]
    before = client.get(f"/api/reports/{report_id}").json()
    assert before["report"]["n_errors"] == 0
    value = before["cells"]["t3.new_received.total"]["value"]
    r = client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.new_received.total", "value": value + 10,
                                                                     "note": "测试", "author": "张三"})
    assert r.status_code == 201, r.text
    after = r.json()
    assert after["cells"]["t3.new_received.total"]["value"] == value + 10
    assert after["cells"]["t3.new_received.total"]["corrected"] is True
    assert after["cells"]["t3.new_received.total"]["original_value"] == value
    assert after["report"]["n_errors"] > 0
    assert any("t3.new_received.total" in f["cells"] for f in after["findings"] if f["severity"] == "error")
    history = client.get(f"/api/reports/{report_id}/corrections").json()
    assert history[0]["author"] == "张三" and history[0]["created_at"]
    # Back to the printed value: the error goes away, the history keeps both.
    client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.new_received.total", "value": value})
    assert client.get(f"/api/reports/{report_id}").json()["report"]["n_errors"] == 0
    assert len(client.get(f"/api/reports/{report_id}/corrections").json()) == 2
    # Exports and canonical JSON carry the corrected value.
    client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.new_received.total", "value": 1234})
    assert client.get(f"/api/reports/{report_id}/canonical").json()["t3"]["new_received"]["total"] == 1234
    csv_text = client.get("/api/export.csv", params={"kind": "cells", "year": 2022}).text
    assert any(line.endswith("new_received,total,1234,") or ",new_received,total,1234," in line for line in csv_text.splitlines())


def test_correction_rejects_unknown_cells(client, loaded):
    report_id = loaded["pingtan-2022.txt"]
    for cell in ("t3.nonsense.total", "../x", "t2.regulations.new_made"):  # the last is 2019-only
        r = client.post(f"/api/reports/{report_id}/corrections", json={"cell": cell, "value": 1})
        assert r.status_code == 422, cell
    assert client.post(f"/api/reports/{report_id}/corrections", json={"value": 1}).status_code == 422
    assert client.post("/api/reports/999/corrections", json={"cell": "t3.granted.total", "value": 1}).status_code == 404


def test_recheck_and_delete(client, loaded):
    report_id = loaded["pingtan-haitan-2021.txt"]
    findings = client.post(f"/api/reports/{report_id}/recheck").json()["findings"]
    assert any(f["severity"] == "error" for f in findings)
    assert client.delete(f"/api/reports/{report_id}").status_code == 200
    assert client.get(f"/api/reports/{report_id}").status_code == 404
    assert client.delete(f"/api/reports/{report_id}").status_code == 404


# ------------------------------------------------------------------ agencies, stats, exports
def test_agency_cross_year(client, loaded):
    agency_id = client.get(f"/api/reports/{loaded['pingtan-2022.txt']}").json()["report"]["agency_id"]
    data = client.get(f"/api/agencies/{agency_id}").json()
    assert [y["year"] for y in data["years"]] == [2019, 2022]
    assert not data["years"][1]["previous_year_found"]  # 2021 missing: nothing to compare
    assert client.get("/api/agencies/999").status_code == 404


def test_stats(client, loaded):
    stats = client.get("/api/stats").json()
    assert {y["year"] for y in stats["outcomes_by_year"]} >= {2019, 2022}
    assert "（一）予以公开" in stats["outcome_groups"]
    assert all(0 <= r["rate"] <= 1 for r in stats["error_rates"])
    assert client.get("/api/stats", params={"edition": "2021"}).json()["outcomes_by_year"][0]["year"] == 2022


def test_exports(client, loaded):
    r = client.get("/api/export.csv", params={"edition": "2019"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 3
    cells = client.get("/api/export.csv", params={"kind": "cells"}).content.decode("utf-8-sig").splitlines()
    assert cells[0].startswith("report_id,") and len(cells) > 100
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/api/export.xlsx", params={"q": "平潭"}).content))
    # Chinese headers over keys, as `nianbao export` writes XLSX (web/export_headers.py)
    assert book.sheetnames == ["报告 reports", "单元格 cells", "说明 legend"] and book["报告 reports"].max_row == 2 + 3
    book = load_workbook(io.BytesIO(client.get("/api/export/workbook.xlsx").content))
    assert book.sheetnames == ["报告 reports", "问题 findings"] and book["报告 reports"].max_row == 1 + 4
    assert book["问题 findings"].max_row > 1


# ------------------------------------------------------------------ fill-in
def test_fill_render(client):
    body = {"edition": "2021", "year": 2024, "agency": "测试县人民政府", "cells": {"t3.new_received.total": 3},
            "sections": {"overview": "概述。", "problems": "问题。"}}
    r = client.post("/api/fill/render", params={"format": "json"}, json=body)
    assert r.status_code == 200
    data = json.loads(r.content)
    assert data["t3"]["new_received"]["total"] == 3 and data["t3"]["granted"]["total"] is None
    assert "regulations" in data["t2"]  # every cell of the edition present, blanks as null
    # Tables 二 and 四 have no value at all: not a report yet (the rule `nianbao render` applies), the JSON draft is.
    refused = client.post("/api/fill/render", params={"format": "docx"}, json=body)
    assert refused.status_code == 422 and "表二、表四未填写" in refused.json()["detail"]
    body["cells"].update({"t2.regulations.issued": 0, "t4.review.total": 0})
    assert client.post("/api/fill/render", params={"format": "docx"}, json=body).content[:2] == b"PK"
    assert "测试县人民政府" in client.post("/api/fill/render", params={"format": "html"}, json=body).text
    assert client.post("/api/fill/render", json={**body, "edition": "1999"}).status_code == 422


def test_fill_form_post_needs_csrf(client):
    form = {"edition": "2021", "year": "2024", "agency": "测试", "t3.new_received.total": "3", "format": "json"}
    assert client.post("/fill/download", data=form).status_code == 403
    r = client.post("/fill/download", data={**form, "csrf_token": _csrf(client)})
    assert r.status_code == 200 and json.loads(r.content)["t3"]["new_received"]["total"] == 3


# ------------------------------------------------------------------ pages
def test_pages_render(client, loaded):
    report_id = loaded["shanghai-gov-office-2019.html"]
    for url in ("/", "/upload", f"/reports/{report_id}", "/fill", "/fill?edition=2019", "/login", "/docs",
                "/?edition=2019&year=&q=", "/static/app.css", "/static/vendor/swagger-ui/swagger-ui-bundle.js"):
        r = client.get(url)
        assert r.status_code == 200, url
    page = client.get(f"/reports/{report_id}").text
    assert '<iframe sandbox=""' in page
    assert "cdn" not in client.get("/docs").text.lower()
    assert client.get("/reports/999", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"].startswith("nianbao")


def test_fill_form_generated_from_editions(client):
    from nianbao import editions

    page = client.get("/fill?edition=2021").text
    for path in editions.get("2021").cell_paths():
        assert f'name="{path}"' in page
    assert 'name="t2.regulations.new_made"' not in page  # a 2019-only cell


def test_report_content_is_escaped(client):
    hostile = _file("pingtan-2022.txt").decode("utf-8").replace("平潭综合实验区", "<script>alert(1)</script>平潭综合实验区", 1)
    r = _upload(client, "<img src=x onerror=alert(1)>.txt", hostile.encode())
    assert r.status_code == 201
    report_id = r.json()["results"][0]["id"]
    page = client.get(f"/reports/{report_id}").text
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    overview = client.get("/").text
    assert "<img src=x" not in overview
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


def test_page_forms(client, loaded):
    report_id = loaded["pingtan-2022.txt"]
    form = {"cell": "t3.granted.total", "value": "7", "author": "李四", "note": "表单"}
    assert client.post(f"/reports/{report_id}/correct", data=form).status_code == 403  # no CSRF token
    r = client.post(f"/reports/{report_id}/correct", data={**form, "csrf_token": _csrf(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/api/reports/{report_id}/corrections").json()[-1]["author"] == "李四"
    r = client.post("/upload", data={"csrf_token": _csrf(client)}, files={"files": ("x.pdf", _file("hongze-2023.pdf"))})
    assert r.status_code == 200 and "洪泽区" in r.text
    r = client.post(f"/reports/{report_id}/delete", data={"csrf_token": _csrf(client)}, follow_redirects=False)
    assert r.status_code == 303 and client.get(f"/api/reports/{report_id}").status_code == 404


def test_cross_origin_writes_refused(client):
    r = client.post("/api/reports", files={"files": ("a.txt", _file("pingtan-2022.txt"))}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403


def test_session_without_csrf_refused(client):
    client.get("/upload")  # now the client holds a session cookie
    assert _upload(client, "pingtan-2022.txt").status_code == 403
    assert _upload(client, "pingtan-2022.txt", headers={"X-CSRF-Token": _csrf(client)}).status_code == 201


# ------------------------------------------------------------------ auth
@pytest.fixture
def auth_client(tmp_path):
    return TestClient(create_app(str(tmp_path / "auth.db"), auth_token=TOKEN))


def test_auth_protects_writes(auth_client):
    assert _upload(auth_client, "pingtan-2022.txt").status_code == 401
    assert _upload(auth_client, "pingtan-2022.txt", headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = _upload(auth_client, "pingtan-2022.txt", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201
    report_id = r.json()["results"][0]["id"]
    # Reads stay open.
    assert auth_client.get(f"/api/reports/{report_id}").status_code == 200
    assert auth_client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.granted.total", "value": 1}).status_code == 401
    assert auth_client.delete(f"/api/reports/{report_id}").status_code == 401
    r = auth_client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.granted.total", "value": 1},
                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201 and r.json()["corrections"][0]["author"] == "令牌"


def test_login_session(auth_client):
    csrf = _csrf(auth_client)
    r = auth_client.post("/login", data={"token": "wrong", "csrf_token": csrf, "next": "/"})
    assert r.status_code == 401
    assert auth_client.post("/login", data={"token": TOKEN, "next": "/"}).status_code == 403  # no CSRF
    r = auth_client.post("/login", data={"token": TOKEN, "user": "王五", "csrf_token": csrf, "next": "//evil.example"},
                         follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"  # no open redirect
    r = _upload(auth_client, "pingtan-2022.txt", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    report_id = r.json()["results"][0]["id"]
    r = auth_client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.granted.total", "value": 2},
                         headers={"X-CSRF-Token": csrf})
    assert r.json()["corrections"][0]["author"] == "王五"
    auth_client.post("/logout", data={"csrf_token": csrf})
    assert _upload(auth_client, "pingtan-2019.txt", headers={"X-CSRF-Token": _csrf(auth_client)}).status_code == 401


def test_health(client):
    data = client.get("/api/health").json()
    assert data["ok"] and data["reports"] == 0 and data["auth"] is False


def test_uploading_or_deleting_the_previous_year_updates_the_next_years_findings(client):
    import random

    from nianbao.store.synth import render_report
    from tests.store_support import report_pair

    earlier, later = (render_report(d, "pipe")[0] for d in report_pair(random.Random(7), "福建省人民政府", {"natural_person": 7}))

    def carry_over(report_id):
        return [f for f in client.get(f"/api/reports/{report_id}").json()["findings"] if f["code"] == "CROSS.CARRY_OVER"]

    later_id = _upload(client, "2023.txt", later).json()["results"][0]["id"]
    assert carry_over(later_id) == []
    earlier_id = _upload(client, "2022.txt", earlier).json()["results"][0]["id"]
    assert {tuple(f["cells"]) for f in carry_over(later_id)} == {("t3.carried_over.natural_person",), ("t3.carried_over.total",)}
    assert client.delete(f"/api/reports/{earlier_id}").status_code in (200, 204)
    assert carry_over(later_id) == []


# ------------------------------------------------------------------ guessed cells (doubt travels)
# Reports stored as ingest stores them, built from gold data with cells flagged as the parser's
# guesses, so these tests do not depend on what the parser guesses today.
GOLD = CORPUS / "gold"
RIGHT_GUESSES = {  # 13 guessed cells whose readings balance: no error, no warning, still not clean
    f"t3.{row}.{column}": None for row in ("new_received", "granted") for column in (
        "natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org",
        "other_org")} | {"t4.review.total": None}


def _gold(name: str, city: str) -> dict:
    data = json.loads((GOLD / name).read_text(encoding="utf-8"))
    data["region"] = {"province": "福建省", "city": city}
    return data


@pytest.fixture
def guessed(app):
    from tests.store_support import guessed_data, write_report

    store = app.state.store.store
    right = _gold("pingtan-2022.json", "福州市")
    guesses = {path: (right[path.split(".")[0]][path.split(".")[1]][path.split(".")[2]], (0,)) for path in RIGHT_GUESSES}
    wrong = _gold("pingtan-2022.json", "福州市")  # the same year: no cross-year findings between the two
    # Another body: two reports of one agency and year would be versions of one report, one listed.
    wrong["agency"] = "福州市人民政府"
    return {
        "right": write_report(store, guessed_data(right, guesses), name="right.txt"),
        "wrong": write_report(store, guessed_data(wrong, {"t3.new_received.natural_person": (17, (71,))}),
                              name="wrong.txt"),
        "clean": write_report(store, _gold("000_05b7538ffe1c510c.json", "淄博市"), name="clean.txt"),
        "broken": write_report(store, _gold("hongze-2023.json", "淮安市"), name="broken.pdf"),
    }


def _ids(client, **params) -> set[int]:
    return {r["id"] for r in client.get("/api/reports", params=params).json()["items"]}


def test_a_report_with_guessed_cells_is_not_clean(client, guessed):
    items = {r["id"]: r for r in client.get("/api/reports").json()["items"]}
    assert items[guessed["right"]]["n_uncertain"] == 13
    assert (items[guessed["right"]]["n_errors"], items[guessed["right"]]["n_warnings"]) == (0, 0)
    assert _ids(client, severity="clean") == {guessed["clean"]}
    assert _ids(client, severity="warning") == {guessed["right"], guessed["wrong"]}
    assert _ids(client, severity="uncertain") == {guessed["right"], guessed["wrong"]}
    assert _ids(client, severity="error") == {guessed["broken"]}


def test_overview_shows_the_count_of_guessed_cells(client, guessed):
    page = client.get("/").text
    assert "待核对" in page and "推测 13" in page and "推测 1<" in page
    clean = client.get("/", params={"severity": "clean"}).text
    assert "推测 13" not in clean and "科苑街道" in clean
    assert 'value="uncertain"' in page
    report = client.get(f"/reports/{guessed['right']}").text
    assert "推测 13 格待核对" in report


def test_a_broken_relation_on_a_guess_is_a_warning_in_the_web_app(client, guessed):
    data = client.get(f"/api/reports/{guessed['wrong']}").json()
    assert data["report"]["n_errors"] == 0
    finding = next(f for f in data["findings"] if f["code"] == "T3.IDENTITY")
    assert finding["severity"] == "warning" and "请核对原文" in finding["message"]
    assert "读作 17（另一可能读法：71）" in finding["message"]
    assert data["cells"]["t3.new_received.natural_person"]["alternatives"] == [71]
    # A recheck from the stored cells (no original kept) says the same.
    again = client.post(f"/api/reports/{guessed['wrong']}/recheck").json()["findings"]
    assert next(f for f in again if f["code"] == "T3.IDENTITY")["message"] == finding["message"]


def test_correcting_a_guess_takes_it_out_of_the_count(client, guessed):
    report_id = guessed["wrong"]
    after = client.post(f"/api/reports/{report_id}/corrections",
                        json={"cell": "t3.new_received.natural_person", "value": 71}).json()
    assert after["report"]["n_uncertain"] == 0 and after["report"]["n_warnings"] == 0
    assert report_id in _ids(client, severity="clean")


def test_web_exports_carry_the_guesses(client, guessed):
    from openpyxl import load_workbook

    reports = client.get("/api/export.csv").content.decode("utf-8-sig").splitlines()
    header = reports[0].split(",")
    counts = {line.split(",")[header.index("id")]: line.split(",")[header.index("n_uncertain")] for line in reports[1:]}
    assert counts[str(guessed["right"])] == "13" and counts[str(guessed["clean"])] == "0"
    cells = list(csv.DictReader(io.StringIO(client.get("/api/export.csv", params={"kind": "cells"}).content
                                            .decode("utf-8-sig"))))
    flagged = [r for r in cells if r["uncertain"] == "1"]
    assert len(flagged) == 14 and {r["alternatives"] for r in flagged} == {"0", "71"}
    assert {r["n_uncertain"] for r in cells if r["report_id"] == str(guessed["wrong"])} == {"1"}

    book = load_workbook(io.BytesIO(client.get("/api/export.xlsx").content))
    sheet = book["单元格 cells"]
    keys = [c.value for c in sheet[2]]  # under the Chinese header row
    marked = [r for r in sheet.iter_rows(min_row=3) if r[keys.index("uncertain")].value == 1]
    assert len(marked) == 14
    value = next(r for r in marked if r[keys.index("report_id")].value == guessed["wrong"])[keys.index("value")]
    assert value.fill.fgColor.rgb.endswith("FFE0B2") and "另一可能读法：71" in value.comment.text
    assert "n_uncertain" in [c.value for c in book["报告 reports"][2]] and "说明 legend" in book.sheetnames

    inspection = load_workbook(io.BytesIO(client.get("/api/export/workbook.xlsx").content))["报告 reports"]
    header = [c.value for c in inspection[1]]
    rows = {r[0]: r for r in inspection.iter_rows(min_row=2, values_only=True)}
    assert rows["right.txt"][header.index("推测单元格数 uncertain cells")] == 13
    assert rows["right.txt"][header.index("结论 status")] == "待核对 to verify"
    assert rows["clean.txt"][header.index("结论 status")] == "通过 passed"


def test_web_stats_agree_with_nianbao_stats(app, client, guessed):
    from nianbao.store import stats as store_stats

    web = {r["region"]: r for r in client.get("/api/stats").json()["error_rates"]}
    store = app.state.store.store
    cli = store_stats.compute(store, ["city"], ["新收申请"]).set_index("市")
    everything = store_stats.compute(store, ["city"], ["新收申请"], include_errors=True).set_index("市")
    assert set(web) == set(cli.index) == {"福州市", "淄博市", "淮安市"}
    for city, entry in web.items():
        assert entry["reports"] == everything.loc[city, "报告数"]
        assert entry["with_errors"] == cli.loc[city, "排除（有错误）"]
        assert entry["with_uncertain"] == everything.get("待核对（含推测值）", {}).get(city, 0)
    assert web["福州市"]["with_uncertain"] == 2 and web["福州市"]["with_errors"] == 0


def test_a_finding_shows_its_headline_and_opens_to_the_whole_message(client, loaded):
    import html

    from nianbao.checks.finding import headline

    report_id = loaded["pingtan-2019.txt"]
    page = html.unescape(client.get(f"/reports/{report_id}").text)
    finding = next(f for f in client.get(f"/api/reports/{report_id}").json()["findings"] if f["code"] == "CELL.UNCERTAIN")
    assert headline(finding["message"]) != finding["message"]
    assert f'<details class="more"><summary>{headline(finding["message"])}</summary>{finding["message"]}</details>' in page
