"""The web app under hostile use: oversized and chunked uploads, DNS rebinding, spreadsheet
formulas in names, out-of-range integers, passwords in messages, login guessing, giant PDF
pages, and the CSRF rule that lets /docs and same-origin scripts write while other sites cannot."""

from __future__ import annotations

import io
import subprocess
import sys

import anyio
import pytest

pytest.importorskip("fastapi", reason="web dependencies not installed")
pytest.importorskip("multipart", reason="python-multipart not installed")
from fastapi.testclient import TestClient  # noqa: E402

from nianbao.web.app import create_app  # noqa: E402
from nianbao.web.security import LoginThrottle, served_hosts  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.store_support import database_target, drop_pg_database  # noqa: E402
from tests.web_support import csrf_token  # noqa: E402

DEV = CORPUS / "dev"
HOSTILE = CORPUS.parent / "hostile"  # ../shared/hostile beside the corpus
TOKEN = "s3cret-token"
BIG = 2**63
pytestmark = pytest.mark.skipif(not DEV.exists(), reason="corpus not found (set NIANBAO_CORPUS)")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_client(request, tmp_path):
    """A client of an app on SQLite and on PostgreSQL (skipped without NIANBAO_TEST_PG); 500s come back as responses."""
    target = database_target(request.param, tmp_path)
    app = create_app(target, files_dir=tmp_path / "files")
    yield TestClient(app, raise_server_exceptions=False)
    app.state.store.close()
    if request.param == "postgresql":
        drop_pg_database(target)


def _client(tmp_path, db=None, **kw) -> TestClient:
    kw.setdefault("max_upload", 2 * 1024 * 1024)
    return TestClient(create_app(db or str(tmp_path / "web.db"), files_dir=tmp_path / "files", **kw))


def _upload(client, name: str, data: bytes, **kw):
    return client.post("/api/reports", files={"files": (name, data)}, **kw)


def _csrf(client) -> str:
    return csrf_token(client, "/upload")


# ------------------------------------------------------------------ streaming body limit
def _asgi_post(app, path: str, chunks, headers: list[tuple[bytes, bytes]]) -> tuple[int | None, int]:
    """POST straight to the ASGI app, the body as a stream of chunks without Content-Length
    (as an HTTP/1.1 chunked upload arrives); the status and how many chunks the app read."""
    read = 0
    status: int | None = None
    source = iter(chunks)

    async def receive():
        nonlocal read
        chunk = next(source, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"), *headers], "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8000)}
    anyio.run(app, scope, receive, send)
    return status, read


CHUNK = 256 * 1024
BOUNDARY = b"nianbao-test-boundary"


def _endless_upload(total_chunks: int):
    yield (b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
           b"Content-Type: text/plain\r\n\r\n")
    block = b"7" * CHUNK
    for _ in range(total_chunks):
        yield block


MULTIPART = [(b"content-type", b"multipart/form-data; boundary=" + BOUNDARY)]


def test_chunked_upload_is_cut_off_at_the_request_limit(tmp_path):
    max_upload = 64 * 1024
    app = create_app(str(tmp_path / "web.db"), files_dir=tmp_path / "files", max_upload=max_upload)
    status, read = _asgi_post(app, "/api/reports", _endless_upload(160), MULTIPART)  # 40 MB offered
    limit = max_upload * 50 + 1024 * 1024
    assert status == 413
    assert read * CHUNK <= limit + 2 * CHUNK  # stopped at the limit, not after spooling 40 MB
    assert TestClient(app).get("/api/reports").json()["total"] == 0


def test_unauthenticated_upload_refused_before_reading_the_body(tmp_path):
    app = create_app(str(tmp_path / "web.db"), TOKEN, files_dir=tmp_path / "files")
    status, read = _asgi_post(app, "/api/reports", _endless_upload(40), MULTIPART)
    assert (status, read) == (401, 0)
    wrong = [*MULTIPART, (b"authorization", b"Bearer nope")]
    assert _asgi_post(app, "/api/reports", _endless_upload(40), wrong) == (401, 0)


def test_declared_length_over_the_limit_refused_unread(tmp_path):
    app = create_app(str(tmp_path / "web.db"), files_dir=tmp_path / "files", max_upload=64 * 1024)
    headers = [*MULTIPART, (b"content-length", str(10**10).encode())]
    status, read = _asgi_post(app, "/api/reports", _endless_upload(40), headers)
    assert status == 413 and read == 0


def test_json_write_bodies_have_a_small_limit(tmp_path):
    client = _client(tmp_path)
    body = b'{"cell": "t3.granted.total", "note": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    r = client.post("/api/reports/1/corrections", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "请求过大" in r.json()["detail"]


@pytest.mark.parametrize("count", [51, 200])
def test_more_files_than_the_cap_are_refused(any_db_client, count):
    client = any_db_client
    data = (DEV / "pingtan-2019.txt").read_bytes()[:2000]  # small: the count alone must refuse them
    r = client.post("/api/reports", files=[("files", (f"f{i}.txt", data)) for i in range(count)])
    assert r.status_code == 413 and "50" in r.json()["detail"]
    assert client.get("/api/reports").json()["total"] == 0


def test_upload_form_keeps_the_file_cap(tmp_path):
    client = _client(tmp_path)
    token = _csrf(client)
    files = [("files", (f"f{i}.txt", b"x")) for i in range(51)]
    r = client.post("/upload", data={"csrf_token": token}, files=files, headers={"accept": "text/html"})
    assert r.status_code == 413 and "50" in r.text


# ------------------------------------------------------------------ Host header (DNS rebinding)
def test_rebinding_host_cannot_write(tmp_path):
    """A page on evil.example resolving to 127.0.0.1: Origin and Host agree, both the attacker's."""
    client = _client(tmp_path)
    attacker = {"host": "evil.example:8000", "origin": "http://evil.example:8000"}
    r = _upload(client, "a.txt", (DEV / "pingtan-2019.txt").read_bytes(), headers=attacker)
    assert r.status_code == 400 and "--allowed-host" in r.json()["detail"]
    assert client.get("/api/reports", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/api/reports").json()["total"] == 0


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"])
def test_local_names_are_served(tmp_path, host):
    assert _client(tmp_path).get("/api/health", headers={"host": host}).status_code == 200


def test_allowed_hosts_for_a_team_server(tmp_path):
    hosts = served_hosts("0.0.0.0", ["reports.example.org", "10.0.0.5"])
    client = _client(tmp_path, allowed_hosts=hosts)
    for host in ("reports.example.org", "10.0.0.5:8000", "127.0.0.1"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host
    assert client.get("/api/health", headers={"host": "evil.example"}).status_code == 400
    assert "192.168.1.9" in served_hosts("192.168.1.9")


def test_serve_has_allowed_host_option():
    out = subprocess.run([sys.executable, "-m", "nianbao", "serve", "--help"], capture_output=True, text=True,
                         env={"COLUMNS": "200", "PATH": ""})
    assert "--allowed-host" in out.stdout


# ------------------------------------------------------------------ CSRF: /docs and scripts vs other sites
@pytest.fixture
def stored(tmp_path):
    client = _client(tmp_path)
    r = _upload(client, "pingtan-2019.txt", (DEV / "pingtan-2019.txt").read_bytes())
    assert r.status_code == 201, r.text
    return client, r.json()["results"][0]["id"]


def test_swagger_try_it_out_after_visiting_a_page(stored):
    client, report_id = stored
    client.get("/")  # the browser now holds a session cookie
    assert client.cookies
    same_origin = {"origin": "http://testserver"}
    assert client.post(f"/api/reports/{report_id}/recheck", headers=same_origin).status_code == 200
    fetch = {"sec-fetch-site": "same-origin"}
    assert client.post(f"/api/reports/{report_id}/recheck", headers=fetch).status_code == 200


def test_cookie_requests_without_proof_of_origin_still_need_the_token(stored):
    client, report_id = stored
    client.get("/")
    assert client.post(f"/api/reports/{report_id}/recheck").status_code == 403
    token = _csrf(client)
    assert client.post(f"/api/reports/{report_id}/recheck", headers={"x-csrf-token": token}).status_code == 200


@pytest.mark.parametrize("headers", [{"origin": "http://evil.example"}, {"origin": "null"},
                                     {"sec-fetch-site": "cross-site"}, {"sec-fetch-site": "same-site"}])
def test_cross_site_writes_refused(stored, headers):
    client, report_id = stored
    client.get("/")
    token = _csrf(client)
    r = client.post(f"/reports/{report_id}/delete", data={"csrf_token": token}, headers=headers)
    assert r.status_code == 403
    assert client.post(f"/api/reports/{report_id}/recheck", headers=headers).status_code == 403
    assert client.get(f"/api/reports/{report_id}").status_code == 200


def test_html_forms_keep_their_csrf_token(stored):
    client, report_id = stored
    client.get("/")
    r = client.post(f"/reports/{report_id}/delete", data={}, headers={"origin": "http://testserver"},
                    follow_redirects=False)
    assert r.status_code == 403
    r = client.post(f"/reports/{report_id}/delete", data={"csrf_token": _csrf(client)},
                    headers={"origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code == 303


def test_docs_session_with_auth(tmp_path):
    client = _client(tmp_path, auth_token=TOKEN)
    r = _upload(client, "p.txt", (DEV / "pingtan-2019.txt").read_bytes(), headers={"authorization": f"Bearer {TOKEN}"})
    report_id = r.json()["results"][0]["id"]
    client.get("/docs")
    same_origin = {"origin": "http://testserver"}
    assert client.post(f"/api/reports/{report_id}/recheck", headers=same_origin).status_code == 401
    login = client.post("/login", data={"token": TOKEN, "csrf_token": _csrf(client)}, follow_redirects=False)
    assert login.status_code == 303
    assert client.post(f"/api/reports/{report_id}/recheck", headers=same_origin).status_code == 200


# ------------------------------------------------------------------ login throttling
def test_login_guessing_is_throttled(tmp_path):
    client = _client(tmp_path, auth_token=TOKEN)
    token = _csrf(client)
    codes = [client.post("/login", data={"token": f"guess{i}", "csrf_token": token}).status_code for i in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    blocked = client.post("/login", data={"token": TOKEN, "csrf_token": token})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0  # the right token learns nothing


def test_bearer_guessing_is_throttled(tmp_path):
    client = _client(tmp_path, auth_token=TOKEN)
    codes = [client.delete("/api/reports/1", headers={"authorization": f"Bearer g{i}"}).status_code for i in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_account_limit_holds_across_addresses(monkeypatch, tmp_path):
    from limits import parse_many

    from nianbao.store import open_store
    from nianbao.store.account_service import AccountService

    monkeypatch.setattr(LoginThrottle, "PER_ACCOUNT", parse_many("5/hour"))
    throttle = LoginThrottle(AccountService(open_store(tmp_path / "a.db")))
    for i in range(5):
        throttle.check(f"10.0.0.{i}")
        throttle.failed(f"10.0.0.{i}")
    assert throttle.retry_after("10.0.0.99") is not None  # a fresh address, the same account
    assert throttle.retry_after("10.0.0.99", "张三") is None  # another account
    other = LoginThrottle(AccountService(open_store(tmp_path / "b.db")))
    other.failed("10.0.0.1")
    assert other.retry_after("10.0.0.2") is None


# ------------------------------------------------------------------ integers out of range
OUT_OF_RANGE = [f"/api/reports/{BIG}", f"/api/reports/{2**31}", f"/api/reports/{BIG}/text",
                f"/api/reports/{BIG}/original", f"/api/reports/{BIG}/canonical", f"/api/reports/{BIG}/corrections",
                f"/api/reports/{BIG}/render.docx", f"/api/reports/1/pages/{BIG}.png", f"/api/agencies/{BIG}",
                f"/api/reports?offset={BIG}", f"/?offset={BIG}", f"/reports/{BIG}", f"/agencies/{BIG}",
                "/api/reports/0", "/api/reports/-1"]


def test_out_of_range_integers_are_422_not_500(any_db_client):
    client = any_db_client
    for path in OUT_OF_RANGE:
        assert client.get(path).status_code == 422, path
    for path in (f"/api/reports/{BIG}", f"/api/reports/{BIG}/recheck"):
        assert client.request("DELETE" if path.count("/") == 3 else "POST", path).status_code == 422, path
    r = client.post(f"/api/reports/{BIG}/corrections", json={"cell": "t3.granted.total", "value": 1})
    assert r.status_code == 422
    assert client.get(f"/api/reports/{2**31 - 1}").status_code == 404  # in range, absent


def test_correction_value_beyond_exact_range_or_not_finite_is_422(stored):
    client, report_id = stored
    r = client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.granted.total", "value": 1e20})
    assert r.status_code == 422
    r = client.post(f"/api/reports/{report_id}/corrections", content=b'{"cell": "t3.granted.total", "value": Infinity}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post(f"/api/reports/{report_id}/corrections", json={"cell": "t3.granted.total", "value": 12})
    assert r.status_code == 201
    token = _csrf(client)
    for value in ("99999999999999999999", "1e300", "inf", "nan"):
        r = client.post(f"/reports/{report_id}/correct", data={"csrf_token": token, "cell": "t3.granted.total",
                                                               "value": value}, follow_redirects=False)
        assert r.status_code == 422, value
    assert client.get(f"/api/reports/{report_id}").json()["cells"]["t3.granted.total"]["value"] == 12


# ------------------------------------------------------------------ formulas in exports
def test_web_exports_escape_a_hostile_file_name(tmp_path):
    from openpyxl import load_workbook

    client = _client(tmp_path)
    name = '=HYPERLINK("evil.example?x",A1).txt'
    r = _upload(client, name, (DEV / "pingtan-2019.txt").read_bytes())
    assert r.status_code == 201, r.text
    name = r.json()["results"][0]["name"]  # as stored (the client percent-encodes quotes)
    reports_csv = client.get("/api/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in reports_csv and ",=HYPERLINK" not in reports_csv
    assert "'=HYPERLINK" in client.get("/api/export.csv?kind=cells").content.decode("utf-8-sig")
    for url in ("/api/export.xlsx", "/api/export/workbook.xlsx"):
        book = load_workbook(io.BytesIO(client.get(url).content))
        cells = [c for ws in book for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], url
        assert any(c.value == "'" + name for c in cells), url
        assert any(isinstance(c.value, int) and not isinstance(c.value, bool) for c in cells), url  # numbers stay


# ------------------------------------------------------------------ passwords in messages
def test_cli_masks_the_database_password(tmp_path):
    url = "postgresql://reader:hunter2-secret@127.0.0.1:1/nianbao"
    out = subprocess.run([sys.executable, "-m", "nianbao", "export", "--db", url, "--to", str(tmp_path / "o.csv")],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "hunter2-secret" not in out.stdout + out.stderr and "reader:***@" in out.stdout + out.stderr


def test_serve_factory_masks_the_database_password(monkeypatch, capsys):
    from nianbao.cli.web import app_from_env

    monkeypatch.setenv("NIANBAO_WEB_DB", "postgresql://reader:hunter2-secret@no host:xx/nianbao")
    with pytest.raises(SystemExit) as stop:
        app_from_env()
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "hunter2-secret" not in err and "reader:***@" in err


def test_redact_masks_every_form_of_the_password():
    from nianbao.redact import mask_url, redact

    url = "postgresql://u:p%40ss-word@h/db"
    assert mask_url(url) == "postgresql://u:***@h/db"
    message = f"failed for {url} (postgresql+psycopg://u:p%40ss-word@h/db) password p@ss-word"
    assert "ss-word" not in redact(message, url)
    assert mask_url("nianbao.db") == "nianbao.db" and mask_url("postgresql://u@h/db") == "postgresql://u@h/db"


# ------------------------------------------------------------------ page images
GIANT = HOSTILE / "giant-14400.pdf"


@pytest.mark.skipif(not GIANT.exists(), reason="hostile files not found")
def test_giant_page_renders_within_the_pixel_budget(tmp_path):
    from PIL import Image

    from nianbao.web.page_images import CACHE_FOLDER, MAX_PIXELS

    client = _client(tmp_path, max_upload=20 * 1024 * 1024)
    r = _upload(client, "giant.pdf", GIANT.read_bytes())
    assert r.status_code == 201, r.text
    report_id = r.json()["results"][0]["id"]
    png = client.get(f"/api/reports/{report_id}/pages/1.png")
    assert png.status_code == 200
    width, height = Image.open(io.BytesIO(png.content)).size
    assert width * height <= MAX_PIXELS and width > 1000  # bounded, still legible
    cached = list((tmp_path / "files" / CACHE_FOLDER).glob("*.p1.*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == png.content
    assert client.get(f"/api/reports/{report_id}/pages/99.png").status_code == 404


@pytest.mark.skipif(not GIANT.exists(), reason="hostile files not found")
def test_giant_page_render_memory_is_bounded():
    """Peak resident memory of a process drawing the 14400 pt page (3.3 GB before the budget)."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the (large) pytest process across exec.
    script = (
        "import re, sys\n"
        "from nianbao.web.page_images import render_page_png\n"
        "render_page_png(open(sys.argv[1], 'rb').read(), 1)\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(GIANT)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) < 200  # MB: measured 58 (interpreter and PDFium ~25, 4-Mpixel bitmap 12)


def test_render_scale_keeps_ordinary_pages_sharp():
    from nianbao.web.page_images import MAX_PIXELS, PREFERRED_SCALE, render_scale

    assert render_scale(595, 842) == PREFERRED_SCALE  # A4 as before
    scale = render_scale(14400, 14400)
    assert (14400 * scale) ** 2 <= MAX_PIXELS * 1.0001
    assert render_scale(14400, 1) * 14400 < 14400 * PREFERRED_SCALE + 1


def test_docs_offer_bearer_authorization(stored):
    """Swagger's "Authorize" button exists, and its header works with the browser's cookies and Origin."""
    schemes = stored[0].get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    with TestClient(stored[0].app) as client:
        client.get("/")
        headers = {"authorization": "Bearer anything", "origin": "http://testserver"}
        assert client.post(f"/api/reports/{stored[1]}/recheck", headers=headers).status_code == 200  # no --auth


def test_bearer_from_docs_with_auth(tmp_path):
    client = _client(tmp_path, auth_token=TOKEN)
    client.get("/docs")
    same_origin = {"origin": "http://testserver"}
    r = client.delete("/api/reports/1", headers={**same_origin, "authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 404  # authorised, and there is no report 1


@pytest.mark.parametrize("url", ["/api/fill/render?format=json", "/api/fill/render?format=html", "/api/fill/complete"])
def test_fill_in_refuses_non_finite_numbers(tmp_path, url):
    """JSON has no Infinity: Python's parser accepts it, and the JSON download used to write it back."""
    client = _client(tmp_path)
    body = b'{"edition": "2021", "cells": {"t3.granted.total": Infinity, "t3.new_received.natural": NaN}}'
    r = client.post(url, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "Infinity" not in r.text
