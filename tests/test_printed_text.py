"""Normalisation is for matching only: what is shown, stored and rendered is the text as
printed (Chinese punctuation, traditional characters), and offsets point into it."""

from __future__ import annotations

import json

from nianbao.checks import report_from_json
from nianbao.normalise import normalise_text
from nianbao.parser import parse_bytes
from nianbao.readers import read
from nianbao.normalise import build_document
from nianbao.store.reports import sections_from_json, sections_to_json

from .conftest import ROOT

EXAMPLE = (ROOT / "examples" / "2023-street-office-2021-edition.txt").read_text(encoding="utf-8")
# Full-width digits, an ellipsis that NFKC lengthens and pinyin that normalisation drops,
# all before the tables, so every later offset has to be mapped.
OPENING = "２０２３年，本机关（街道办事处）依照《条例》……认真做好主動(dòng)公开工作：全年无异常。\n"


def _report():
    start = EXAMPLE.index("一、总体情况") + len("一、总体情况\n")
    text = EXAMPLE[:start] + OPENING + EXAMPLE[start:]
    return text, parse_bytes(text.encode("utf-8"), "report.txt")


def test_section_text_keeps_chinese_punctuation():
    _, report = _report()
    overview = next(s for s in report.sections if s.key == "overview")
    assert "２０２３年，本机关（街道办事处）" in overview.printed
    assert "……" in overview.printed and "主動(dòng)" in overview.printed
    assert "2023年,本机关(街道办事处)" in overview.text  # the matching form, for the checks
    assert report.to_dict()["sections"][0]["text"].startswith("２０２３年，")


def test_cell_offsets_point_into_the_printed_text():
    text, report = _report()
    document = build_document(read(text.encode("utf-8"), "report.txt"))
    assert document.printed != document.text and document.reprints
    checked = 0
    for path, cell in report.cells():
        if cell.location and "start" in cell.location and cell.raw:
            printed = document.printed[cell.location["start"]:cell.location["end"]]
            assert normalise_text(printed) == cell.raw, path
            checked += 1
    assert checked > 50


def test_stored_and_loaded_sections_keep_print_and_match_again():
    _, report = _report()
    loaded = sections_from_json(sections_to_json(report))
    assert [s.printed for s in loaded] == [s.printed for s in report.sections]
    assert [s.text for s in loaded] == [normalise_text(s.printed) for s in report.sections]
    again = report_from_json(json.loads(json.dumps(report.to_dict(), ensure_ascii=False)))
    assert again.sections[0].printed.startswith("２０２３年，") and again.sections[0].text.startswith("2023年,")


def test_printed_offsets_are_monotonic_and_in_range():
    text, _ = _report()
    document = build_document(read(text.encode("utf-8"), "report.txt"))
    offsets = [document.printed_offset(i) for i in range(len(document.text) + 1)]
    assert offsets == sorted(offsets)
    assert offsets[0] == 0 and offsets[-1] == len(document.printed)


def test_a_reprinted_piece_maps_each_offset_into_the_opcode_that_holds_it():
    """`Reprint.offset` finds its alignment opcode by bisection; it must give what walking the
    opcodes in order gives, for every offset of random pieces (pinyin dropped, ellipses widened)."""
    import random

    from nianbao.document import Reprint

    def walked(piece: Reprint, k: int) -> int:
        for tag, a0, a1, b0, b1 in piece._alignment:
            if a0 <= k < a1 or (k == a1 == len(piece.text)):
                return b0 + (k - a0 if tag == "equal" else min(k - a0, max(0, b1 - b0)))
        return len(piece.printed)

    rng = random.Random(7)
    letters = "ab中文(pīn)…. "
    for _ in range(500):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 30)))
        printed = "".join(rng.choice(letters) for _ in range(rng.randint(0, 30)))
        piece = Reprint(0, text, 0, printed)
        assert [piece.offset(k) for k in range(len(text) + 2)] == [walked(piece, k) for k in range(len(text) + 2)]


def test_each_character_of_pinyin_annotated_traditional_text_maps_to_its_own():
    """A site's pinyin plug-in on traditional script: every character, converted and stripped of
    its pinyin, stands where it was printed, so an offset falls on the character itself (a
    character-by-character diff cannot match 開 with 开 and put such offsets at the pinyin)."""
    printed = "按照《中華人民共和國(guó)政府信息公開(kāi)條例》要求，根據(jù)區(qū)政府信息公開(kāi)工作部署"
    document = build_document(read(("一、总体情况\n" + printed + "\n").encode("utf-8"), "report.txt"))
    start = document.text.index("按照")
    text = document.text[start:document.text.index("\n", start)]
    assert text.startswith("按照《中华人民共和国政府信息公开条例》")
    for k, char in enumerate(text):
        shown = document.printed[document.printed_offset(start + k)]
        assert normalise_text(shown, traditional=True) == char, (k, char, shown)
