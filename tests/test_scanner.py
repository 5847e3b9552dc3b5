"""locate.Scanner must find exactly what the plain regex finds: it only skips positions
where no match can start.  Checked for every pattern the parser builds, on the corpus
texts and on random texts made of the labels' own characters."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao import editions, locate
from nianbao.evaluate import corpus_pairs
from nianbao.normalise import build_document, normalise_text
from nianbao.readers import read

from .conftest import CORPUS


def _scanners() -> list[locate.Scanner]:
    rows = [row for edition in editions.EDITIONS.values() for table in edition.tables for row in table.rows]
    out = [locate.row_pattern(row) for row in rows]
    out += [s for s in (locate.fuzzy_row_pattern(row) for row in rows) if s is not None]
    out += [locate._section_pattern(section, numbering) for section in editions.SECTIONS
            for numbering in (locate._SECTION_NUMBER, locate._SUB_NUMBER)]
    return out


SCANNERS = _scanners()
ALPHABET = sorted({ch for s in SCANNERS for ch in re.sub(r"\\.|[\[\](){}?*+|^$]", "", s.pattern.pattern)}
                  | set("0123456789 \n\t、.()（）“”"))
# Whole labels and headings as well as single characters, so that matches happen.
PIECES = ALPHABET + sorted({label for edition in editions.EDITIONS.values() for table in edition.tables
                            for row in table.rows for label in (f"{row.number}{row.label}", row.label)}
                           | {f"{s.number}、{s.title}" for s in editions.SECTIONS})


def _same(scanner: locate.Scanner, text: str) -> None:
    plain = [(m.start(), m.end()) for m in scanner.pattern.finditer(text)]
    assert [(m.start(), m.end()) for m in scanner.finditer(text)] == plain, scanner.pattern.pattern
    first = scanner.pattern.search(text, 3)
    found = scanner.search(text, 3)
    assert (found.span() if found else None) == (first.span() if first else None)


def test_labels_and_headings_get_the_fast_path():
    # Fuzzy label patterns open with "any character" and are searched as they are.
    exact = [s for s in SCANNERS if "[^" not in s.pattern.pattern]
    assert exact and all(s._starts is not None for s in exact)


def test_corpus_texts():
    for source, _ in corpus_pairs(CORPUS):
        text = build_document(read(source.read_bytes(), source.name)).text
        for scanner in SCANNERS:
            _same(scanner, text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.integers(0, len(SCANNERS) - 1))
def test_random_texts(text, index):
    _same(SCANNERS[index], normalise_text(text))
