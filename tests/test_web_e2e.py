"""End-to-end: a real headless Chromium drives the web app through
upload → report page → click a cell → correct it → overview → export CSV,
and takes the screenshots the README shows (web-*.png) — into a temporary folder:
the test suite never changes tracked files.  `docs/img/refresh.py` runs these tests
with NIANBAO_SCREENSHOTS=docs/img to refresh the README's images.

Uses Debian's chromium through Playwright's `executable_path`; no browser is ever
downloaded.  Skipped with a reason when /usr/bin/chromium or Playwright is absent.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.e2e_support import ARGS, CHROMIUM, box_drawn_over_its_cell, serving, watched_page


if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); e2e browser tests skipped", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")

pytestmark = pytest.mark.skipif(not (CORPUS / "dev").exists(), reason="corpus not found (set NIANBAO_CORPUS)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from nianbao.web.app import create_app

    folder = tmp_path_factory.mktemp("web-e2e")
    with serving(create_app(str(folder / "e2e.db"))) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: a temporary folder, unless NIANBAO_SCREENSHOTS names one (docs/img/refresh.py)."""
    chosen = os.environ.get("NIANBAO_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    with watched_page(browser, viewport={"width": 1440, "height": 900}, accept_downloads=True) as pg:
        yield pg


FILES = ["hongze-2023.pdf", "pingtan-2019.txt", "pingtan-transport-2020.txt", "pingtan-haitan-2021.txt",
         "pingtan-2022.txt", "shanghai-gov-office-2019.html", "shanghai-stcsm-2024.md", "pingtan-agriculture-2024.txt"]


def test_upload_inspect_correct_export(server, page, tmp_path, shots):
    # Upload: several files at once, each with its own progress line.
    page.goto(f"{server}/upload")
    page.set_input_files("#file-input", [str(CORPUS / "dev" / name) for name in FILES])
    page.wait_for_function(
        "n => document.querySelectorAll('#queue li.done, #queue li.failed').length === n", arg=len(FILES), timeout=60_000,
    )
    assert page.locator("#queue li.failed").count() == 0, page.locator("#queue").inner_text()
    assert page.locator("#queue li.done progress").first.get_attribute("value") == "100"

    # Report page of the PDF: page images beside the parsed tables, findings listed.
    page.locator("#queue li.done", has_text="hongze-2023.pdf").locator("a").click()
    page.wait_for_selector("table.grid-t3")
    assert page.locator(".pages img").count() >= 1
    assert page.locator("#findings li").count() >= 1

    # Click a finding: its cells flash and the first is selected with its provenance.
    page.locator("#findings li.sev-error").first.click()
    assert page.locator("td.cell.selected").count() == 1
    assert page.locator("#where").is_visible()

    # Click a cell: where it was read (page, text offsets) and the read text highlighted.
    cell = page.locator('td.cell[data-path="t3.new_received.total"]')
    # A cell at the top of the window, right under the sticky cell box: once chosen, it is in sight, not under the box.
    # (Chosen by a plain DOM click: Playwright's own click would first scroll the cell out from under the box.)
    covered = """() => {
        const w = document.getElementById('where').getBoundingClientRect();
        const c = document.querySelector('td.cell.selected').getBoundingClientRect();
        return c.top < 0 || c.bottom > innerHeight || (c.top < w.bottom && c.bottom > w.top); }"""
    for path in ("t3.unavailable_unclear_request.natural_person", "t2.regulations.issued"):
        other = page.locator(f'td.cell[data-path="{path}"]')
        other.evaluate("td => td.scrollIntoView({block: 'start'})")
        other.dispatch_event("click")
        assert not page.evaluate(covered), path
        # The note's example names the page this cell was read from (4, then 2), not a fixed page.
        read_page = re.search(r"第 (\d+) 页", page.locator("#where").inner_text()).group(1)
        assert page.locator("#correct-note").get_attribute("placeholder") == f"依据：原文第 {read_page} 页"
    cell.click()
    where = page.locator("#where").inner_text()
    assert "t3.new_received.total" in where and "第" in where and "页" in where
    assert page.locator("#doc-text mark").count() == 1
    printed = page.locator("#doc-text mark").inner_text().strip()
    assert printed == cell.inner_text().strip()

    # Correct it: stored with who/when, checks re-run, history visible.
    old_value = int(cell.inner_text())
    page.fill("#correct-value", str(old_value + 1))
    page.fill("#correct-note", "e2e 测试更正")
    page.fill("#correct-author", "测试员")
    page.click("#correct-form button[type=submit]")
    page.wait_for_url("**saved=1**")
    page.wait_for_selector("table.history")
    history = page.locator("table.history").inner_text()
    assert "测试员" in history and "t3.new_received.total" in history and str(old_value + 1) in history
    corrected = page.locator('td.cell[data-path="t3.new_received.total"]')
    assert "corrected" in corrected.get_attribute("class")
    assert corrected.inner_text().strip() == str(old_value + 1)
    # The correction breaks 一＋二＝（七）＋四: the re-run checks must say so on this cell.
    assert "sev-error" in corrected.get_attribute("class")
    assert page.locator("#where").is_visible()

    # The corrector's name is remembered: no retyping for the next correction.
    assert page.locator("#correct-author").input_value() == "测试员"

    # Put it back, then take the report page screenshot for the README with a cell selected.
    page.fill("#correct-value", str(old_value))
    page.fill("#correct-note", "恢复原值")
    page.click("#correct-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('table.history tbody tr').length === 2")
    page.locator('td.cell[data-path="t2.normative_documents.in_force"]').click()
    page.locator("#where a", has_text="show page").click()  # the left pane scrolls to that PDF page
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "web-report.png"))

    # Overview: every report with counts; filter by edition; charts drawn.
    page.goto(f"{server}/")
    page.wait_for_selector("#chart-outcomes svg")
    page.wait_for_selector("#chart-regions svg")
    assert page.locator("#report-list tbody tr").count() == len(FILES)
    page.screenshot(path=str(shots / "web-overview.png"), full_page=True)
    page.select_option("select[name=edition]", "2019")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**edition=2019**")
    n_2019 = page.locator("#report-list tbody tr").count()
    assert 0 < n_2019 < len(FILES)

    # Export the filtered view as CSV (the export links are folded under 导出当前视图).
    page.click("details.exports summary")
    with page.expect_download() as info:
        page.click("a:has-text('报告 CSV')")
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    lines = target.read_text(encoding="utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id,sha256,source,format,edition,year,agency,")  # `nianbao export`'s wide form
    assert len(lines) == 1 + n_2019
    assert all(",2019," in line for line in lines[1:])


def test_cell_box_drawn_on_the_page_image(server, page):
    # A PDF report: clicking a table cell shows its page with the cell's box over the image, where
    # the page's points put it (the image is drawn at the server's scale, the box is in points).
    page.goto(f"{server}/upload")
    page.set_input_files("#file-input", [str(CORPUS / "dev" / "hongze-2023.pdf")])
    page.wait_for_selector("#queue li.done a", timeout=60_000)  # new, or already stored by another test
    page.locator("#queue li.done a").click()
    page.wait_for_selector("table.grid-t3")
    box_drawn_over_its_cell(page, "t3.new_received.natural_person")
    assert page.locator('.tab-body[data-body="original"]').is_visible()
    assert not page.locator('.tab-body[data-body="text"]').is_visible()

    # Another cell moves the one box; the read text is still marked for the text tab.
    other = "t3.granted.total"
    page.locator(f'td.cell[data-path="{other}"]').click()
    assert page.locator("#cell-box").count() == 1
    assert page.locator("#doc-text mark").inner_text().strip() == page.locator(f'td.cell[data-path="{other}"]').inner_text().strip()


def test_parser_notes_open_and_lead_to_their_cells(server, page):
    # A report with fused digits: the notes say why its cells are in doubt, and a note's cell
    # link selects that cell in the tables, as a finding's does.
    page.goto(f"{server}/upload")
    page.set_input_files("#file-input", [str(CORPUS / "dev" / "pingtan-2019.txt")])
    page.wait_for_selector("#queue li.done a", timeout=60_000)
    page.locator("#queue li.done a").click()
    page.wait_for_selector("table.grid-t2")
    notes = page.locator("details.parse-notes")
    assert not notes.locator("li").first.is_visible()  # closed until asked for
    notes.locator("summary").click()
    link = notes.locator('a[data-goto="t2.centralized_procurement.projects"]')
    assert "政府集中采购" in link.inner_text()
    link.click()
    selected = page.locator("td.cell.selected")
    assert selected.count() == 1 and selected.get_attribute("data-path") == "t2.centralized_procurement.projects"


def test_fill_in_form_live_totals(server, page, shots):
    page.goto(f"{server}/fill?edition=2021")
    new = page.locator('input[data-path="t3.new_received.natural_person"]')
    new.fill("5")
    page.locator('input[data-path="t3.new_received.commercial_enterprise"]').fill("2")
    # The row total is computed from the relation, live.
    assert page.locator('input[data-path="t3.new_received.total"]').input_value() == "7"
    page.locator('input[data-path="t3.granted.natural_person"]').fill("4")
    page.locator('input[data-path="t3.carried_forward.natural_person"]').fill("0")
    page.locator('input[data-path="t3.carried_over.natural_person"]').fill("0")
    # 一＋二 = 5, （七）总计＋四 = 4: the identity fails and says so.
    assert "不一致" in page.locator("#check-summary").inner_text()
    assert page.locator("#check-list li", has_text="T3.IDENTITY").count() >= 1
    page.locator('input[data-path="t3.granted.natural_person"]').fill("5")
    assert page.locator("#check-list li", has_text="自然人列（T3.IDENTITY）").count() == 0
    page.fill("input[name=agency]", "测试县人民政府办公室")
    page.fill("input[name=year]", "2024")
    with page.expect_download() as info:
        page.click("button[value=json]")
    import json

    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["t3"]["new_received"]["total"] == 7 and data["agency"] == "测试县人民政府办公室"

    # Tables 二 and 四 are blank: the status bar says so in red, and no Word file is made of it.
    missing = page.locator("#check-missing")
    playwright_api.expect(missing).to_contain_text("表二、表四未填写")  # the server's answer to the last keystroke
    assert "bad" in page.locator("#check-summary").get_attribute("class")
    assert "✓" not in page.locator("#check-summary").inner_text()
    assert page.evaluate("getComputedStyle(document.getElementById('check-missing')).color") == "rgb(198, 40, 40)"
    downloads: list = []
    page.on("download", lambda download: downloads.append(download))
    page.click("button[value=docx]")
    page.wait_for_timeout(500)
    assert not downloads and "flash" in missing.get_attribute("class")

    page.locator('input[data-path="t2.regulations.issued"]').fill("1")
    page.locator('input[data-path="t4.review.upheld"]').fill("0")
    page.wait_for_function("() => !document.getElementById('check-missing').textContent.includes('未填写')")
    # Complete enough to write, yet the blank cells are still counted, in red.
    assert "个单元格空白" in missing.inner_text() and "bad" in page.locator("#check-summary").get_attribute("class")
    page.screenshot(path=str(shots / "web-fill.png"), full_page=False)
    with page.expect_download() as info:
        page.click("button[value=docx]")
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"


def test_phone_width(server, browser):
    # 390 px, an ordinary phone: no page scrolls sideways, the menu keeps its words whole.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    try:
        for url in ("/", "/upload"):
            page.goto(f"{server}{url}")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
            for link in page.locator("nav a").all():
                box = link.bounding_box()
                line = float(link.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)"))
                assert box["height"] < 2 * line, (url, link.inner_text())
    finally:
        context.close()
