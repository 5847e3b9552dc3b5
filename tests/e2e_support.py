"""What the Chromium tests share: Debian's chromium driven through Playwright's
`executable_path` (no browser is ever downloaded), and the web app served by uvicorn on a
free local port in a thread.  The module-level skips and the browser fixture are
test_web_e2e.py's; other browser tests import them from there."""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

CHROMIUM = Path(os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Seconds a server may take to start on the shared, loaded test machine.
START_TIMEOUT = 15


@contextmanager
def serving(app) -> Iterator[str]:
    """The app served on 127.0.0.1 while the block runs; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + START_TIMEOUT
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def watched_page(browser, **context: Any) -> Iterator[Any]:
    """A page in a new browser context (Chinese locale); a script error or a console error,
    a CSP violation among them, fails the test after the block even if the flow passed."""
    opened = browser.new_context(locale="zh-CN", **context)
    page = opened.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    opened.close()
    assert not errors, errors


def box_drawn_over_its_cell(page: Any, path: str) -> dict:
    """Click the cell `path` on a report page and check its box is drawn on its page image where
    the cell's location puts it (the box is in points, the image drawn at the server's scale);
    returns the cell's location."""
    import pytest
    from playwright.sync_api import expect

    data = page.evaluate("JSON.parse(document.getElementById('report-data').textContent)")
    location = data["cells"][path]["location"]
    page.locator(f'td.cell[data-path="{path}"]').click()
    box = page.locator(f"#page-{location['page']} #cell-box")
    expect(box).to_be_visible()
    image = page.locator(f"#page-{location['page']} img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    drawn, shown = box.bounding_box(), image.bounding_box()
    width_pt, height_pt = data["page_sizes"][location["page"] - 1]
    x0, top, x1, bottom = location["box"]
    scale = shown["width"] / width_pt  # CSS pixels per point, as shown
    assert shown["height"] / height_pt == pytest.approx(scale, rel=0.02)  # the image keeps the page's shape
    assert drawn["x"] - shown["x"] == pytest.approx(x0 * scale, abs=2)
    assert drawn["y"] - shown["y"] == pytest.approx(top * scale, abs=2)
    assert drawn["width"] == pytest.approx((x1 - x0) * scale, abs=2)
    assert drawn["height"] == pytest.approx((bottom - top) * scale, abs=2)
    # The box sits in the visible part of the page pane, not somewhere scrolled away.
    pane = page.locator('.tab-body[data-body="original"]').bounding_box()
    assert pane["y"] <= drawn["y"] and drawn["y"] + drawn["height"] <= pane["y"] + pane["height"]
    return location


def upload_and_open(page: Any, server: str, path: Path, timeout_ms: int = 60_000) -> None:
    """Upload one file on the upload page, wait until it is read, and open its report page."""
    page.goto(f"{server}/upload")
    page.set_input_files("#file-input", [str(path)])
    page.wait_for_selector("#queue li.done, #queue li.failed", timeout=timeout_ms)
    assert page.locator("#queue li.failed").count() == 0, page.locator("#queue").inner_text()
    page.locator("#queue li.done a").first.click()
