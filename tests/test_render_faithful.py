"""A rendered report says what the agency wrote, nothing more; suggestions only on a blank form, marked.
And the DOCX prints like an official document: page numbers — 4 —, a title broken only at a natural point."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import docx

from nianbao.render import render
from nianbao.render.content import SUGGESTION_MARK, TITLE_SUBJECT, title_lines

from .conftest import CORPUS

GOLD = json.loads((CORPUS / "gold" / "pingtan-2022.json").read_text(encoding="utf-8"))
SUMMARY_WORDS = "全年共收到政府信息公开申请"


def test_parsed_report_renders_its_own_text_and_no_sentence_it_never_wrote(run_cli, tmp_path):
    source = CORPUS / "dev" / "pingtan-2019.txt"
    parsed = tmp_path / "r.json"
    assert run_cli("parse", source, "-o", parsed).returncode == 0
    overview = next(s["text"] for s in json.loads(parsed.read_text(encoding="utf-8"))["sections"] if s["key"] == "overview")
    out = tmp_path / "out.txt"
    result = run_cli("render", parsed, "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    body = text.split("一、总体情况", 1)[1].split("二、", 1)[0]
    # Section 一 is exactly the report's paragraphs, in order, and nothing else.
    assert [line for line in body.splitlines() if line.strip()] == [p.strip() for p in overview.splitlines() if p.strip()]
    assert SUMMARY_WORDS not in text or SUMMARY_WORDS in source.read_text(encoding="utf-8")
    assert SUGGESTION_MARK not in text


def test_blank_form_gets_suggested_wording_marked_as_such():
    data = {**GOLD, "sections": {}}
    text = render(data, "text").decode("utf-8")
    suggestion = next(line for line in text.splitlines() if SUMMARY_WORDS in line)
    assert suggestion.startswith(SUGGESTION_MARK)
    html = render(data, "html").decode("utf-8")
    assert f'<p class="placeholder">{SUGGESTION_MARK}' in html
    # Written text takes the place of both the instruction and the suggestion.
    written = render({**GOLD, "sections": {"overview": "本年度我局认真贯彻《条例》。"}}, "text").decode("utf-8")
    assert SUMMARY_WORDS not in written and SUGGESTION_MARK not in written and "本年度我局认真贯彻《条例》。" in written


def _docx(data) -> docx.document.Document:
    return docx.Document(BytesIO(render(data, "docx")))


def test_docx_page_numbers_in_official_style():
    raw = render({**GOLD, "sections": {}}, "docx")
    with zipfile.ZipFile(BytesIO(raw)) as archive:
        footers = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("word/footer")]
        settings = archive.read("word/settings.xml").decode("utf-8")
    assert len(footers) == 2 and "evenAndOddHeaders" in settings  # odd pages right, even pages left
    for xml in footers:
        assert "PAGE" in xml and "— " in xml and " —" in xml
    document = docx.Document(BytesIO(raw))
    section = document.sections[0]
    assert section.footer.paragraphs[0].alignment != section.even_page_footer.paragraphs[0].alignment


def test_docx_title_breaks_only_at_a_natural_point():
    for agency in ("平潭综合实验区交通与建设局", "淮安市洪泽区人民政府办公室", "某某省某某市某某区某某街道办事处综合办公室"):
        title = _docx({**GOLD, "agency": agency}).paragraphs[0]
        lines = title.text.split("\n")
        full = f"{agency}{GOLD['year']}年{TITLE_SUBJECT}"
        assert "".join(lines) == full
        assert lines == title_lines(full, 20)
        # Each line is a whole part: the agency, the year, or the subject — never half a word like 工/作.
        assert all(line.endswith(("年", TITLE_SUBJECT, agency)) for line in lines), lines
        assert len(lines) == 1 or lines[-1].endswith(TITLE_SUBJECT) and len(lines[-1]) >= len(TITLE_SUBJECT)
    short = _docx({**GOLD, "agency": "某某局"}).paragraphs[0].text
    assert "\n" not in short


def test_docx_placeholders_are_red():
    document = _docx({**GOLD, "sections": {}})
    marked = [p for p in document.paragraphs if p.text.startswith(("【请填写", SUGGESTION_MARK))]
    assert marked and all(run.font.color.rgb is not None for p in marked for run in p.runs if run.text)
