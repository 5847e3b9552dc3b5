"""Extract: turn the located table regions into cells keyed by the edition definitions.

Every layout is reduced to *row readings*: a row label found in the text and the
value tokens printed after it (grid cells, or a run of flowing text up to the next
label).  Value rows printed without a label (PDF converters separate labels from
numbers) are *orphans*; they fill the rows left without values, in printed order,
within the stretch between the labelled rows around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import editions
from .document import Document, Grid, Paragraph, Span
from .locate import find_labels
from .model import Cell
from .split import Token
from .values import is_value_text, parse_value

# A printed value inside flowing text: a (possibly fused) number with optional
# unit, or a mark meaning zero/blank.  "-" alone is a blank mark only when it
# stands apart; glued to digits it is a sign.
# 无, / and — count only where they stand apart from other Han characters, so
# that 无法提供 or 本年增/减 in a header is not read as a value; nor does a 无 that
# starts a label word printed letter-spaced ("（四）无 法 提 供").
_HAN_NOT_WU = "\u4e00-\u65df\u65e1-\u9fff"


def _after_wu_in_labels() -> str:
    texts = [label for edition in editions.EDITIONS.values() for table in edition.tables
             for row in table.rows for label in (*row.labels, row.group or "")]
    return "".join(sorted({text[i + 1] for text in texts for i, ch in enumerate(text[:-1]) if ch == "无"}))


_FLOW_TOKEN = re.compile(
    r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元)?"
    rf"|(?<![{_HAN_NOT_WU}])无(?![{_HAN_NOT_WU}])(?!\s*[{_after_wu_in_labels()}])"
    r"|(?<![\u4e00-\u9fff])(?:不适用|—+|/)(?![\u4e00-\u9fff])"
    r"|(?<!\S)-(?!\S)"
)
# Several values in one grid cell, separated by spaces ("0 0 0").
_MULTI_VALUE = re.compile(r"\s*(?:[+-]?\d[\d,.]*(?:万元|元)?\s+)+[+-]?\d[\d,.]*(?:万元|元)?\s*")


@dataclass
class Reading:
    """What was printed for one row: value tokens in order, and whether they are grid cells."""

    row: str | None  # None for an orphan value row
    tokens: list[Token]
    from_grid: bool
    order: int  # position in the document, for orphan placement
    spans: dict[int, Span] = field(default_factory=dict)  # token index -> grid span (for provenance)


@dataclass
class Unit:
    """A grid row or a stretch of flowing text inside a table region."""

    spans: list[Span]
    flowing: bool


def units_in(document: Document, region: tuple[int, int]) -> list[Unit]:
    start, end = region
    units: list[Unit] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            span = block.span
            if span.end <= start or span.start >= end:
                continue
            a, b = max(span.start, start), min(span.end, end)
            units.append(Unit([Span(document.text[a:b], a, b, span.page)], True))
        elif isinstance(block, Grid):
            for row in block.rows:
                if row and row[0].start < end and row[-1].end > start:
                    units.append(Unit(row, False))
    return units


# "3、收到和处理…": a digit right before 、 (or before "." and a Han character) numbers
# the heading that follows; glued to the values before it, it is not one of them.  A PDF
# may put the digit and its "." on different lines (different fonts, different baselines).
_HEADING_NUMBER = re.compile(r"\s*(?:、|\.(?=\s*[\u4e00-\u9fff]))")


def flow_tokens(text: str, offset: int, after: str = "") -> list[Token]:
    """Value tokens in flowing text; `after` is the text that follows, looked at only to
    tell a heading number at the very end from a value."""
    tokens = []
    probe = text + after
    for match in _FLOW_TOKEN.finditer(text):
        token = Token(match.group(0), match.start() + offset, match.end() + offset)
        if token.text[-1].isdigit() and _HEADING_NUMBER.match(probe, match.end()):
            if len(token.text) == 1:
                continue
            token = Token(token.text[:-1], token.start, token.end - 1)
        tokens.append(token)
    return tokens


def cell_tokens(span: Span) -> list[Token]:
    """One grid cell → its value token(s): a blank cell is one empty token."""
    text = span.text.strip()
    if _MULTI_VALUE.fullmatch(span.text):
        return flow_tokens(span.text, span.start)
    lead = len(span.text) - len(span.text.lstrip())
    return [Token(text, span.start + lead, span.start + lead + len(text))]


def read_rows(
    document: Document, region: tuple[int, int], rows: tuple[editions.Row, ...], widths: dict[str, int],
) -> list[Reading]:
    """Row readings in document order for the given row definitions.

    `widths` gives each row's number of value columns: a table printed one cell per
    line (Word text without tabs, a web page of <p>s) has its label alone on a line
    and then one value per line, which belong to that label up to the row's width.
    Likewise a label that ends its line takes the values that open the next line (a
    PDF row whose values sit beside the second line of a wrapped label).
    """
    readings: list[Reading] = []
    collecting: Reading | None = None
    for unit in units_in(document, region):
        if not unit.flowing:
            collecting = None
            reading = _grid_reading(unit.spans, rows, len(readings))
            if reading:
                readings.append(reading)
            continue
        span = unit.spans[0]
        found = _flowing_readings(span, rows, len(readings), document.text[span.end: span.end + _LOOKAHEAD])
        lead = found[0] if found and found[0].row is None else None
        if collecting is not None and lead is not None and len(collecting.tokens) + len(lead.tokens) <= widths[collecting.row]:
            collecting.tokens.extend(lead.tokens)
            found = found[1:]
            if len(found) == 0 and len(collecting.tokens) < widths[collecting.row]:
                continue  # one value per line: the next line may hold the next value
        readings.extend(found)
        collecting = _label_alone(readings)
    return readings


def _label_alone(readings: list[Reading]) -> Reading | None:
    """The last reading, when it is a label printed without values that may take the
    value lines after it.  Not when the label before it is also bare: labels listed
    apart from their numbers (PDF converters) leave the numbers to orphan placement."""
    last = readings[-1] if readings else None
    if last is None or last.row is None or last.tokens:
        return None
    previous = next((r for r in reversed(readings[:-1]) if r.row), None)
    if previous is not None and not previous.tokens:
        return None
    return last


# Characters after a paragraph looked at for a heading number split from its "." (see above).
_LOOKAHEAD = 4


def _flowing_readings(span: Span, rows: tuple[editions.Row, ...], order: int, after: str = "") -> list[Reading]:
    hits = find_labels(span.text, rows, span.start)
    out: list[Reading] = []
    lead_end = hits[0].start if hits else span.end
    lead = flow_tokens(span.text[: lead_end - span.start], span.start, "" if hits else after)
    if lead:
        out.append(Reading(None, lead, False, order))
    for n, hit in enumerate(hits):
        last = n + 1 == len(hits)
        stop = span.end if last else hits[n + 1].start
        text = span.text[hit.end - span.start: stop - span.start]
        out.append(Reading(hit.row, flow_tokens(text, hit.end, after if last else ""), False, order + len(out)))
    return out


def _grid_reading(cells: list[Span], rows: tuple[editions.Row, ...], order: int) -> Reading | None:
    last_label, last_hit = -1, None
    for c, span in enumerate(cells):
        if is_value_text(span.text):
            continue
        hits = find_labels(span.text, rows, span.start)
        if hits:
            last_label, last_hit = c, hits[-1]
    tokens: list[Token] = []
    spans: dict[int, Span] = {}
    if last_hit is not None:
        # Values printed in the label cell itself ("规章 0 0 0" from a PDF).
        label_cell = cells[last_label]
        tokens.extend(flow_tokens(label_cell.text[last_hit.end - label_cell.start:], last_hit.end))
    for span in cells[last_label + 1:]:
        if not is_value_text(span.text):
            if last_hit is None:
                return None  # a header or text row, not values
            continue
        for token in cell_tokens(span):
            spans[len(tokens)] = span
            tokens.append(token)
    if last_hit is None and not any(t.text for t in tokens):
        return None
    return Reading(last_hit.row if last_hit else None, tokens, True, order, spans)


def t4_tokens(document: Document, region: tuple[int, int], count: int) -> tuple[list[Token], dict[int, Span], bool]:
    """The value run of table 四: the first run of value tokens after its header."""
    tokens: list[Token] = []
    spans: dict[int, Span] = {}
    from_grid = False
    for unit in units_in(document, region):
        if unit.flowing:
            span = unit.spans[0]
            run = _first_value_run(span)
            if run:
                tokens.extend(run)
        else:
            cells = unit.spans
            if not any(is_value_text(s.text) and s.text.strip() for s in cells):
                continue
            if not all(is_value_text(s.text) for s in cells):
                if tokens:
                    break
                continue
            from_grid = True
            for span in cells:
                for token in cell_tokens(span):
                    spans[len(tokens)] = span
                    tokens.append(token)
        if _digit_count(tokens) >= count:
            break
    return tokens, spans, from_grid


def _digit_count(tokens: list[Token]) -> int:
    return sum(max(1, sum(ch.isdigit() for ch in t.text)) if t.text else 1 for t in tokens)


# A number followed by one of these is prose ("2020年", "3件"), not a table value.
_PROSE_COUNTER = re.compile(r"\s?[年月日件条个项次余多人份万家号]")


def _first_value_run(span: Span) -> list[Token]:
    """Value tokens separated only by whitespace or pipes, from the first one on."""
    run: list[Token] = []
    for token in flow_tokens(span.text, span.start):
        if not run and _PROSE_COUNTER.match(span.text, token.end - span.start):
            continue
        if run:
            gap = span.text[run[-1].end - span.start: token.start - span.start]
            if gap.strip(" \t\n|"):
                break
        run.append(token)
    return run


def to_cell(token: Token, span: Span | None, document: Document) -> Cell:
    parsed = parse_value(token.text)
    location = span.location if span is not None else {}
    location = {**location, "start": token.start, "end": token.end} if token.text else (location or None)
    raw = token.text if (token.text or span is not None) else None
    return Cell(parsed.value, raw, location or None, parsed.unit)


