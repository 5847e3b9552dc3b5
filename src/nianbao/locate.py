"""Locate: find labels, section headings and the three table regions in a document."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from . import editions
from .document import Document
from .normalise import normalise_text

# re's own parser (a private module, present since Python 3.11 as the project requires):
# Scanner reads from the parsed pattern which characters can open a match.  Should a
# later Python drop it, every search simply runs the plain pattern.
try:
    import re._constants as _sre
    import re._parser as _sre_parser
except ImportError:  # pragma: no cover - depends on the Python version
    _sre = _sre_parser = None


class Scanner:
    r"""A regex whose searches jump from one possible match start to the next.

    Python's regex engine skips ahead quickly only when a pattern opens with a literal
    or a character class; at every other position it runs the whole pattern.  Labels
    and headings open with optional parts (a row number, spaces, an opening quote), so
    each search cost ~90 ns a character of the report, on every label and heading.
    The scanner also compiles `[F](?<=(?=P)[\s\S])`, where F is every character a match
    of P can start with: the engine jumps to the next character in F, steps back over
    it and tries P there.  The match itself is then taken from P at that position, so
    results are exactly P's.  Patterns whose first characters cannot be worked out
    (see _first_chars) are searched as they are.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)
        first = _first_chars(pattern)
        self._starts = re.compile(rf"{first}(?<=(?={pattern})[\s\S])") if first else None

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        if self._starts is None:
            return self.pattern.search(text, pos)
        start = self._starts.search(text, pos)
        return self.pattern.match(text, start.start()) if start else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Non-overlapping matches, as re.finditer (P never matches the empty string)."""
        if self._starts is None:
            yield from self.pattern.finditer(text)
            return
        end = 0
        for start in self._starts.finditer(text):
            if start.start() >= end:
                match = self.pattern.match(text, start.start())
                if match is None:  # the start pattern is a prefix of the pattern: never
                    continue
                end = match.end()
                yield match


def _first_chars(pattern: str) -> str | None:
    """A character class holding every character a match of `pattern` can start with,
    or None when that is not known (an empty match is possible, or the pattern uses
    flags or constructs not handled here)."""
    if _sre_parser is None:
        return None
    parsed = _sre_parser.parse(pattern)
    if parsed.state.flags & ~re.UNICODE:
        return None
    found = _first_items(parsed)
    if found is None or found[1]:
        return None
    return "[" + "".join(found[0]) + "]"


def _first_items(items) -> tuple[list[str], bool] | None:
    """(class items a match of the sequence `items` can start with, whether it can be empty)."""
    out: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            out.append(re.escape(chr(av)))
            return out, False
        if op is _sre.IN:
            for item, value in av:
                if item is _sre.LITERAL:
                    out.append(re.escape(chr(value)))
                elif item is _sre.RANGE:
                    out.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
                elif item is _sre.CATEGORY and value in _CATEGORIES:
                    out.append(_CATEGORIES[value])
                else:
                    return None
            return out, False
        if op is _sre.SUBPATTERN and (av[1] or av[2]):
            return None  # a group with its own flags, (?i:…)
        if op is _sre.SUBPATTERN or op is _sre.BRANCH:
            alternatives = [av[-1]] if op is _sre.SUBPATTERN else av[1]
            empty = False
            for alternative in alternatives:
                found = _first_items(alternative)
                if found is None:
                    return None
                out.extend(found[0])
                empty = empty or found[1]
            if not empty:
                return out, False
        elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT or op is _POSSESSIVE_REPEAT:
            low, _, body = av
            found = _first_items(body)
            if found is None:
                return None
            out.extend(found[0])
            if low > 0 and not found[1]:
                return out, False
        elif op is not _sre.AT and op is not _sre.ASSERT and op is not _sre.ASSERT_NOT:
            return None  # zero-width anchors and assertions only narrow where a match starts
    return out, True


_CATEGORIES = {_sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_DIGIT: r"\d"} if _sre else {}
# \s*+ (possessive, Python 3.11+) starts a match with the same characters as \s*.
_POSSESSIVE_REPEAT = getattr(_sre, "POSSESSIVE_REPEAT", None)


# Quotes that reports print, drop or swap around “三安全一稳定”.
_QUOTES = "“”\"'‘’「」『』"


def _char_pattern(ch: str) -> str:
    if ch in _QUOTES:
        return f"[{re.escape(_QUOTES)}]?"
    if ch in "()":
        return re.escape(ch) + "?"
    return re.escape(ch)


@lru_cache(maxsize=1024)  # built from the same edition labels for every report
def loose_pattern(text: str) -> str:
    """A regex for `text` that tolerates whitespace and line breaks between characters."""
    chars = [c for c in normalise_text(text) if not c.isspace()]
    # Possessive: what follows a run of spaces is never a space, so giving none of it back
    # changes no match and keeps matching linear in the spaces (a label broken by a
    # thousand spaces took seconds with backtracking).
    return r"\s*+".join(_char_pattern(c) for c in chars)


_CHINESE_DIGITS = "一二三四五六七八九十"
# A row number as printed (normalised text): "3.", "(六)", "二、"; its numeral in group a or b.
_ROW_NUMERAL = rf"[{_CHINESE_DIGITS}]{{1,2}}|\d{{1,2}}"
_ROW_NUMBER = rf"(?:\(\s*(?P<a>{_ROW_NUMERAL})\s*\)|(?P<b>{_ROW_NUMERAL})\s*[、.,])"
# A paragraph that is nothing but a row number (fullmatch), or a row number in a phrase (search).
ROW_NUMBER_ALONE = re.compile(rf"\s*{_ROW_NUMBER}\s*")
# A row number ending a text: printed just before a label.
ROW_NUMBER_BEFORE = re.compile(rf"{_ROW_NUMBER}\s*$")


def _number_value(number: str) -> int | None:
    """1 for "一", "1", "（一）", "1." …; None for what is not a row number."""
    core = normalise_text(number).strip("()、.,  ")
    if core.isdigit():
        return int(core)
    if len(core) == 1 and core in _CHINESE_DIGITS:
        return _CHINESE_DIGITS.index(core) + 1
    return None


def _number_pattern(number: str) -> str:
    """“（二）” / “1.” / “一、” printed with any of the usual punctuation, and with the
    other numeral (reports renumber: （七）总计 printed 7.总计, 1. printed （一）)."""
    core = normalise_text(number).strip("()、. ")
    if not core:
        return ""
    value = _number_value(core)
    if value is None or not 1 <= value <= len(_CHINESE_DIGITS):
        return rf"(?:\(\s*{core}\s*\)|{core}\s*[、.,]?)"
    arabic, chinese = str(value), _CHINESE_DIGITS[value - 1]
    # A figure may lose its dot (OCR: 3其他), but not after another digit: that is a value's last
    # (`82` / `没有现成信息…`, a crawl that kept the row number `2.` once and dropped it here).  A
    # Chinese numeral without its bracket or 、 is a word's character, as often as not a piece of
    # a group label set a character a line ((三 / 其他: 不予公开's numeral beside a column's header).
    return rf"(?:\(\s*(?:{arabic}|{chinese})\s*\)|{arabic}\s*[、.,]|(?<!\d){arabic}|{chinese}\s*[、.,])"


# Labels this short are ambiguous ("其他", "总计" are also column headers), so
# their printed number must be present for a match.
_SHORT_LABEL = 2


@dataclass(slots=True, unsafe_hash=True)  # never changed; not frozen for speed, as split.Token
class LabelHit:
    row: str
    start: int
    end: int
    approximate: bool = False  # matched with one character wrong or missing (typo, OCR)


@lru_cache(maxsize=None)
def row_pattern(row: editions.Row) -> Scanner:
    labels = "|".join(loose_pattern(label) for label in sorted(row.labels, key=len, reverse=True))
    number = _number_pattern(row.number)
    required = len(normalise_text(row.label)) <= _SHORT_LABEL and number
    # No pattern opens with whitespace: a match tried at every space of a long run would
    # take that whole run each time (quadratic in the run).
    prefix = f"{number}\\s*+" if required else (f"(?:{number}\\s*+)?" if number else "")
    tail = f"(?:\\s*+{loose_pattern(row.tail)})?" if row.tail else ""
    return Scanner(f"{prefix}(?:{labels}){tail}")


# Labels at least this long are distinctive enough to be recognised with one
# character wrong or missing (其他法律行政法规禁止公开 → OCR 禁止公幵); shorter ones are not.
_FUZZY_MIN_LABEL = 6
# A numbered label of 4 or 5 characters (2.重复申请, （六）其他处理) is recognised with one
# character replaced (OCR: 2.重夏申请) only behind its printed number, which with the
# three or four characters in place leaves no other row of the form it could be.
_FUZZY_MIN_NUMBERED = 4


@lru_cache(maxsize=None)
def fuzzy_row_pattern(row: editions.Row) -> Scanner | None:
    """The row's label with any one character replaced, dropped or inserted (a typo, an
    OCR slip, a connecting word added or left out: 法律和行政法规, 本年度新收, 需另行制作);
    a short numbered label with one character replaced, behind its number."""
    number = _number_pattern(row.number)
    variants, numbered = [], []
    for label in row.labels:
        chars = [c for c in normalise_text(label) if not c.isspace()]
        if len(chars) < _FUZZY_MIN_LABEL:
            if number and len(chars) >= _FUZZY_MIN_NUMBERED:
                numbered.extend(_one_replaced(chars))
            continue
        for i in range(len(chars)):
            head, tail = "".join(chars[:i]), "".join(chars[i + 1:])
            variants.append(rf"{loose_pattern(head)}\s*+[^\s\d|]?\s*+{loose_pattern(tail)}")
            if i:
                variants.append(rf"{loose_pattern(head)}\s*+[^\s\d|]\s*+{loose_pattern(chars[i] + tail)}")
    alternatives = []
    if variants:
        prefix = f"(?:{number}\\s*+)?" if number else ""
        alternatives.append(f"{prefix}(?:{'|'.join(variants)})")
    if numbered:
        alternatives.append(f"{number}\\s*+(?:{'|'.join(numbered)})")
    return Scanner("|".join(alternatives)) if alternatives else None


def _one_replaced(chars: list[str]) -> list[str]:
    return [rf"{loose_pattern(''.join(chars[:i]))}\s*+[^\s\d|]\s*+{loose_pattern(''.join(chars[i + 1:]))}"
            for i in range(len(chars))]


@lru_cache(maxsize=None)
def _label_characters(row: editions.Row) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(c for c in normalise_text(label) if not c.isspace()) for label in row.labels)


def _may_be_near(row: editions.Row, present: set[str]) -> bool:
    """A text can hold a label with one character wrong only if it has all of the
    label's characters but one: a set check that spares running the fuzzy pattern."""
    return any(len(chars - present) <= 1 for chars in _label_characters(row))


def find_labels(text: str, rows: tuple[editions.Row, ...], offset: int = 0) -> list[LabelHit]:
    """Every non-overlapping label occurrence of `rows` in `text`, longest first on overlaps."""
    if len(text) > _CACHED_TEXT:
        return _label_hits(text, rows, offset)
    # Grid cells repeat the same labels in every report: cache by text.
    return [LabelHit(h.row, h.start + offset, h.end + offset, h.approximate) for h in _cached_label_hits(text, rows)]


# Cells and short paragraphs are cached; long flowing text is not worth keeping.
_CACHED_TEXT = 200


@lru_cache(maxsize=4096)
def _cached_label_hits(text: str, rows: tuple[editions.Row, ...]) -> tuple[LabelHit, ...]:
    return tuple(_label_hits(text, rows, 0))


def _label_hits(text: str, rows: tuple[editions.Row, ...], offset: int) -> list[LabelHit]:
    hits = [
        LabelHit(row.key, m.start() + offset, m.end() + offset)
        for row in rows
        for m in row_pattern(row).finditer(text)
    ]
    found = {hit.row for hit in hits}
    if len(found) < len(rows):
        present = set(text)
        hits.extend(
            LabelHit(row.key, m.start() + offset, m.end() + offset, approximate=True)
            for row in rows
            if row.key not in found and _may_be_near(row, present) and (pattern := fuzzy_row_pattern(row)) is not None
            for m in pattern.finditer(text)
        )
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[LabelHit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    return _outside_notes(text, kept, offset) if len(kept) > 1 and ("(" in text or "（" in text) else kept


# A note in brackets: words, and perhaps numbers, that say something about a label, a header or a
# value ("（指本年增加或减少的事项数，减用负值表示，如-8）", "（其中修订16件）").  A bracket that does
# not close within 200 characters is no note (a crawl's whole table on one line must not vanish
# into it), nor one in which another opens (the next row's number: "（二）部分公开（区分处理的，只计
# 这一情形，不计 （三）不予公开…" as a scan's lines run on), nor one holding a row's number alone.
NOTE = re.compile(r"[(（](?=[^()（）]{0,200}?[\u4e00-\u9fff]{2})[^()（）]{0,200}[)）]")
_NOTE_SPACE = " \t\u3000\n"


def _outside_notes(text: str, hits: list[LabelHit], offset: int) -> list[LabelHit]:
    """The hits outside the notes in brackets that follow a label, which may name other rows:
    `其他对外管理服务事项（指行政许可证以外的政务服务事项，含行政确认、…行政处罚、行政强制…）` is one
    row's label and its note (a province's template prints such notes), not three rows.  A
    bracket holding a row's number (`（二）部分公开`) opens the next label, not a note."""
    kept: list[LabelHit] = []
    note_end = -1
    for hit in hits:
        if hit.start - offset < note_end:
            continue
        kept.append(hit)
        i = hit.end - offset
        while i < len(text) and text[i] in _NOTE_SPACE:
            i += 1
        note = NOTE.match(text, i) if i < len(text) and text[i] in "(（" else None
        if note is not None:
            note_end = note.end()
    return kept


# --------------------------------------------------------------------------- reworded labels

# How close a printed phrase must be to a row's label (difflib's ratio over the Han
# characters, connecting words left out) to be read as that row, and by how much it
# must beat the next closest row.  "信访、举报和投诉类申请" scores 1.0 against 信访举报投诉类
# 申请; "申请人逾期未按收费通知缴纳费用…" (要求 left out) 0.97; different rows of the
# official form score below 0.7 against each other, but for 一、本年新收… and 二、上年结转…
# (0.79: they share 政府信息公开申请数量).
SIMILAR_LABEL = 0.8
SIMILAR_MARGIN = 0.1
# Behind the row's own printed number ("一、", "7."), a phrase this close is that row when it
# is also SIMILAR_MARGIN closer to it than to any other row of the table, found or not: an OCR
# reading with three characters of sixteen wrong (一、本年新收政府信患公开申请魏置, 0.79) or
# two of eight (7.属于行攻执去案卷, 0.75).  The number tells the two close rows above apart.
NUMBERED_SIMILAR_LABEL = 0.7
# Phrases and labels shorter than this (Han characters) are matched by likeness only behind
# the row's own number, and then only down to _NUMBERED_SIMILAR_MIN: a short label's one
# lost character ("（一）予以公" on a worn scan, 0.86 to 予以公开) leaves too little to tell
# rows apart without the number, and 其他 or 总计 (two characters) nothing at all.
_SIMILAR_MIN = 5
_NUMBERED_SIMILAR_MIN = 3
_NUMBERED_LABEL_MIN = 4
# The characters of a label's words, and a phrase of them (four or more).
_WORD_CHAR = r"[\u4e00-\u9fff“”\"'‘’、,:()]"
_PHRASE = re.compile(_WORD_CHAR + "{4,}")
_CONNECTING = re.compile(r"[和及与的]|[^\u4e00-\u9fff]")
# A row's run of values between two pieces of a label wrapped in its cell, flattened onto one
# line: two values or more apart by spaces, tabs or a grid row's cell bars (" | 12 | 0 | … |  |  | ").
# Every part possessive and the values apart: a digit run cut into values every possible way took
# exponential time (a fused run of sixty digits: minutes).
_VALUE_RUN = r"[ \t\u3000|]*+\d++(?:[ \t\u3000|]++\d++)++[ \t\u3000|]*+"
# The piece after such a run.
_VALUES_THEN_WORDS = re.compile(_VALUE_RUN + f"(?P<words>{_WORD_CHAR}{{2,}})")
# The piece before a phrase, a space apart (a label wrapped over three lines or more), within
# _PIECE_REACH characters.
_PIECE_BEFORE = re.compile(f"(?P<words>{_WORD_CHAR}{{2,}})[ \\t\\u3000]+\\Z")
_PIECE_REACH = 40
# A first piece too short to be a phrase, then a run of values, right before a phrase, within
# _VALUES_REACH characters (seven values and a grid row's blank cells).
_SHORT_HEAD_THEN_VALUES = re.compile(f"(?<!{_WORD_CHAR})(?P<words>{_WORD_CHAR}{{1,3}}){_VALUE_RUN}\\Z")
_VALUES_REACH = 120


def _core(text: str) -> str:
    return _CONNECTING.sub("", text)


def _readings(text: str, match: re.Match) -> list[tuple[int | None, str, str]]:
    """A phrase as printed, with the row number just before it if any ("7." is not part of a
    phrase), and the phrase after a row number printed in it (其他一、本年新收…: a header word
    runs into the label), with that number: (number, the words to compare, the phrase as printed).

    A label wrapped in its cell, its row's values printed between its lines, and flattened onto
    one line stands in pieces either side of the values ("5.要求行政机关确认 0 0 0 0 0 0 0 或重新出具
    已获取信息"): a phrase cut so from the words after it is also read with them, and with the piece
    before it too, a space apart (a label over three lines or more); a phrase after such a run
    whose first piece is too short to be a phrase ("2.没有现 0 0 … 成信息需要另行制作") is read with
    that piece.  The printed phrase is then what stands before the values: the row is read there,
    not at the second piece, whose likeness alone would take the row and the cells after it."""
    phrase, start = match.group(0), match.start()
    # The phrase pattern takes the ")" that closes a row number in brackets ("(4)保护…"): it is the number's.
    bracket = len(phrase) - len(phrase.lstrip(")"))
    phrase, start = phrase[bracket:], start + bracket
    number = _number_before(text, start)
    readings: list[tuple[int | None, str, str]] = [(number, phrase, phrase)]
    inside = ROW_NUMBER_ALONE.search(phrase)
    if inside:
        after = phrase[inside.end():]
        readings.append((_number_value(inside.group("a") or inside.group("b")), after, after))
    cut = _VALUES_THEN_WORDS.match(text, match.end())
    if cut:
        words = phrase + cut.group("words")
        readings.append((number, words, phrase))
        piece = _PIECE_BEFORE.search(text, max(0, start - _PIECE_REACH), start)
        if piece:
            readings.append((_number_before(text, piece.start()), piece.group("words") + words,
                             text[piece.start():match.end()]))
    # Asked only where values end right before the phrase: most phrases follow none.
    if text[max(0, start - _VALUES_REACH):start].rstrip(" \t\u3000|")[-1:].isdigit():
        head = _SHORT_HEAD_THEN_VALUES.search(text, max(0, start - _VALUES_REACH), start)
        if head:
            readings.append((_number_before(text, head.start()), head.group("words") + phrase, head.group("words")))
    return readings


def _number_before(text: str, start: int) -> int | None:
    """The value of the row number printed just before text[start], if any."""
    before = ROW_NUMBER_BEFORE.search(text[max(0, start - 8):start])
    return _number_value(before.group("a") or before.group("b")) if before else None


@lru_cache(maxsize=64)
def _label_forms(rows: tuple[editions.Row, ...]) -> dict[str, list[str]]:
    """Each row's label forms long enough to be matched by likeness (`_comparable` says which
    phrases each may be compared with)."""
    cores = {}
    for row in rows:
        forms = [_core(label) for label in row.labels] + ([_core(row.label + row.tail)] if row.tail else [])
        forms = [form for form in forms if len(form) >= _NUMBERED_LABEL_MIN]
        if forms:
            cores[row.key] = forms
    return cores


def similar_labels(text: str, rows: tuple[editions.Row, ...],
                   rivals: tuple[editions.Row, ...] = ()) -> dict[str, str]:
    """For rows whose label is not printed as such, a phrase of `text` worded like it
    (a connecting word or two added or left out; behind the row's number, a few characters
    misread): row key → the phrase as printed.  Each phrase goes to the one row it is
    clearly closest to, among `rows` and, for a phrase read by its number, `rivals` too
    (the table's other rows)."""
    numbers = {row.key: _number_value(row.number) for row in rows}
    floor = min(SIMILAR_LABEL, NUMBERED_SIMILAR_LABEL)
    present = set(text)
    # A phrase can only be like a label whose characters the text mostly has.
    cores = {key: forms for key, forms in _label_forms(rows).items()
             if any(len(set(form) & present) >= floor * len(set(form)) for form in forms)}
    if not cores:
        return {}
    others = {key: forms for key, forms in _label_forms(rivals).items() if key not in cores}
    found: dict[str, tuple[float, str]] = {}
    for match in _PHRASE.finditer(text):
        for number, words, printed in _readings(text, match):
            phrase = _core(words)
            if len(phrase) < _NUMBERED_SIMILAR_MIN:
                continue
            short = len(phrase) < _SIMILAR_MIN
            scores = sorted(((max(_likeness(phrase, form, floor) for form in forms), key)
                             for key, forms in _comparable(cores, phrase, number, numbers).items()), reverse=True)
            if not scores:
                continue
            best, key = scores[0]
            runner_up = scores[1][0] if len(scores) > 1 else 0.0
            if best < SIMILAR_LABEL or short:
                if number is None or number != numbers.get(key) or best < NUMBERED_SIMILAR_LABEL:
                    continue
                rivals_forms = [form for other, forms in (*cores.items(), *others.items()) if other != key for form in forms]
                # Only a rival within the margin matters: one below it is not worked out (0.0).
                within = best - SIMILAR_MARGIN - 1e-9
                runner_up = max([runner_up] + [_likeness(phrase, form, within) for form in rivals_forms])
            if best - runner_up >= SIMILAR_MARGIN and best > found.get(key, (0.0, ""))[0]:
                found[key] = (best, printed.strip("、,:"))
    return {key: phrase for key, (_, phrase) in found.items()}


def _comparable(cores: dict[str, list[str]], phrase: str, number: int | None,
                numbers: dict[str, int | None]) -> dict[str, list[str]]:
    """The label forms a phrase may be compared with: long ones always; short ones (a short
    phrase, or a short label) only for the row whose number the phrase was printed behind."""
    out = {}
    for key, forms in cores.items():
        numbered = number is not None and number == numbers.get(key)
        kept = [form for form in forms if numbered or (len(form) >= _SIMILAR_MIN and len(phrase) >= _SIMILAR_MIN)]
        if kept:
            out[key] = kept
    return out


def _likeness(phrase: str, form: str, floor: float = SIMILAR_LABEL) -> float:
    """difflib's ratio, 0.0 when one of its upper bounds (the lengths, the characters in
    common) is below `floor`.  The bounds are worked out here as difflib does, without building
    a matcher: most phrases are compared with every label form and fail them."""
    total = len(phrase) + len(form)
    if 2.0 * min(len(phrase), len(form)) / total < floor:
        return 0.0
    counts, form_counts = _character_counts(phrase), _character_counts(form)
    # The phrase's characters that the form has at all, a bound on those in common taken
    # without a loop in Python: most phrases share a few characters with a form, if any.
    if 2.0 * sum(map(counts.__getitem__, counts.keys() & form_counts.keys())) / total < floor:
        return 0.0
    common = sum((counts & form_counts).values())
    if 2.0 * common / total < floor:
        return 0.0
    return difflib.SequenceMatcher(None, phrase, form, autojunk=False).ratio()


@lru_cache(maxsize=1024)  # a phrase is compared with every label form, and the forms recur
def _character_counts(text: str) -> Counter[str]:
    return Counter(text)


# --------------------------------------------------------------------------- sections

# "（二）" is left out on purpose: reports use it for sub-headings inside section 一
# that repeat section titles ("（二）主动公开政府信息情况").
_SECTION_NUMBER = r"(?:[一二三四五六七八九]\s*[、.,]|\d{1,2}\s*[、.,])"
_SUB_NUMBER = r"(?:\(\s*[一二三四五六七八九]\s*\))"


@dataclass(frozen=True)
class Heading:
    section: editions.Section
    start: int
    end: int
    printed: str


def _titles(section: editions.Section) -> str:
    """The pattern of a section's title in any of its wordings, after any lead word."""
    leads = "|".join(loose_pattern(lead) for lead in editions.HEADING_LEADS)
    titles = "|".join(loose_pattern(t) for t in sorted((section.title, *section.variants), key=len, reverse=True))
    return rf"(?:{leads})?(?:{titles})"


@lru_cache(maxsize=None)
def _section_pattern(section: editions.Section, numbering: str) -> Scanner:
    titles = _titles(section)
    # A heading is numbered, or stands at the start of a line; a title quoted
    # inside a sentence ("本报告由总体情况、主动公开…组成") is neither, nor is a title
    # whose sub-heading number ends the line before ("（一）\n主动公开情况").
    return Scanner(rf"(?:(?P<num>{numbering})[ \t]*|(?<=\n)(?<!\)\n)[ \t]*|^[ \t]*)(?P<title>{titles})")


@lru_cache(maxsize=None)
def _numbered_section_pattern(section: editions.Section) -> Scanner:
    titles = _titles(section)
    number = f"[{section.number}{editions.SECTIONS.index(section) + 1}]"  # 六、 or 6、
    return Scanner(rf"(?P<num>{number}\s*[、.,])[ \t]*(?P<title>{titles})")


def find_headings(text: str) -> list[Heading]:
    """The first heading of each section, in the order they are printed.

    Sections are looked for in the official order; one printed out of order (六
    before 五) is then looked for anywhere, by its own number ("六、"), and headings
    glued to each other or to a table's last value still count.  "（二）" numbering is
    accepted only when no heading numbered "二、" (or unnumbered at a line start)
    exists, because reports use it for sub-headings of section 一.
    """
    found: list[Heading] = []
    position = 0
    for section in editions.SECTIONS:
        for numbering in (_SECTION_NUMBER, _SUB_NUMBER):
            match = _section_pattern(section, numbering).search(text, position)
            if match:
                found.append(Heading(section, match.start(), match.end(), match.group(0).strip()))
                position = match.end()
                break
    seen = {heading.section.key for heading in found}
    for section in editions.SECTIONS:
        if section.key in seen:
            continue
        for match in _numbered_section_pattern(section).finditer(text):
            if not any(h.start < match.end() and match.start() < h.end for h in found):
                found.append(Heading(section, match.start(), match.end(), match.group(0).strip()))
                break
    return sorted(found, key=lambda h: h.start)


# --------------------------------------------------------------------------- table regions

def _anchor(*texts: str, extra: str = "") -> Scanner:
    return Scanner("|".join([*(loose_pattern(t) for t in texts), *([extra] if extra else [])]))


_T2_DEF = editions.get(editions.EDITION_2021).table("t2")
_T3_DEF = editions.get(editions.EDITION_2021).table("t3")
# Table 二 starts at its first caption (the part all captions share, 第二十条第) or its
# 信息内容 header; table 三 at its identity note (勾稽关系, also printed 钩稽) or its
# 申请人情况 header; table 四 at its first group, 行政复议.
_T2_START = _anchor(editions.T2_CAPTION_OPENING, _T2_DEF.header("item"))
_T3_START = _anchor(_T3_DEF.header("applicants"), extra=r"[勾钩]\s*稽\s*关\s*系")
_T4_START = _anchor(editions.T4.rows[0].label)
# How far past its header table 四 may reach when no section 五 heading follows:
# header (~120 characters) plus 15 values with separators.
_T4_MAX_SPAN = 1200


@dataclass(frozen=True)
class Regions:
    t2: tuple[int, int] | None
    t3: tuple[int, int] | None
    t4: tuple[int, int] | None

    def get(self, table: str) -> tuple[int, int] | None:
        return getattr(self, table)

    def narrative(self, text: str) -> str:
        """The text outside the tables, where a report states its numbers in words."""
        spans = sorted(r for r in (self.t2, self.t3, self.t4) if r)
        parts, position = [], 0
        for start, end in spans:
            parts.append(text[position:start])
            position = max(position, end)
        parts.append(text[position:])
        return "\n".join(parts)


def _t3_anchor_rows() -> tuple[editions.Row, ...]:
    t3 = editions.get(editions.EDITION_2019).table("t3")
    return (t3.row("new_received"),)


def find_regions(document: Document, headings: list[Heading]) -> Regions:
    text = document.text
    by_key = {h.section.key: h for h in headings}
    search_from = by_key["proactive"].start if "proactive" in by_key else 0

    t3_start = _first(_T3_START, text, search_from)
    new_received = find_labels(text[search_from:], _t3_anchor_rows(), search_from)
    if new_received and (t3_start is None or new_received[0].start < t3_start):
        t3_start = new_received[0].start
    t2_start = _first(_T2_START, text, search_from)
    if t2_start is not None and t3_start is not None and t2_start > t3_start:
        t2_start = None
    t2 = (t2_start, t3_start if t3_start is not None else _section_end(text, t2_start, headings)) if t2_start is not None else None

    t3 = t4 = None
    if t3_start is not None:
        carried_forward = editions.get(editions.EDITION_2019).table("t3").row("carried_forward")
        forward = find_labels(text[t3_start:], (carried_forward,), t3_start)
        t4_from = forward[0].end if forward else None
        heading = by_key.get("review_litigation")
        if heading is not None and (heading.start >= t4_from if t4_from is not None else heading.start > t3_start):
            # The heading's own title names 行政复议 too.  It also ends table 三 where its last
            # row's label was not found (misread beyond recognition).
            t4_from = heading.end
        t4_start = _first(_T4_START, text, t4_from) if t4_from is not None else None
        t3 = (t3_start, t4_start if t4_start is not None else _section_end(text, t3_start, headings))
        if t4_start is not None:
            t4 = (t4_start, min(_section_end(text, t4_start, headings), t4_start + _T4_MAX_SPAN))
    return Regions(t2, t3, t4)


def _first(pattern: Scanner, text: str, start: int) -> int | None:
    match = pattern.search(text, start)
    return match.start() if match else None


def _section_end(text: str, start: int, headings: list[Heading]) -> int:
    later = [h.start for h in headings if h.start > start and h.section.key in ("problems", "other")]
    return min(later) if later else len(text)
