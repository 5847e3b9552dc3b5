"""Splitting fused cells with the table's own arithmetic.

Crawled pages concatenate cells, so a row of seven counts may arrive as
``230 000023``.  Every way to cut such runs into the row's number of cells is a
candidate; the edition's relations (row sums, column sums, the identity) pick
among them.  A value the arithmetic does not settle is returned as a guess and
marked uncertain — never passed off as read.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Callable, Collection, Iterable, Sequence

from .editions import Relation
from .values import MAX_DIGITS, to_number

# A value cut out of a fused run: no leading zero, and no more digits than any printed value
# has (values.MAX_DIGITS).
_PART = re.compile(rf"[+-]?(?:0|[1-9]\d{{0,{MAX_DIGITS - 1}}})(?:\.\d+)?")
_UNIT = re.compile(r"(万元|元)$")

# Above this many joint combinations the solver stops searching jointly and keeps
# each row's best local candidate (flagged uncertain).  Real fused tables leave a
# handful of ambiguous rows with a few candidates each; 20,000 is far above that
# and still well under 100 ms.
MAX_JOINT_COMBINATIONS = 20_000


@dataclass(slots=True, frozen=True)
class Piece:
    """One value cut out of a fused run: its text and where it sits in the source."""

    text: str
    start: int
    end: int
    unit: str | None = None
    # Read many times while the solver compares readings: computed once, from a cache,
    # since the same short texts ("0", "1") recur in every table.
    value: int | float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _number(self.text))


_number = lru_cache(maxsize=4096)(to_number)


# Not frozen, though never changed: a frozen dataclass's constructor sets each field through
# object.__setattr__, three times the cost, and a parse makes thousands of tokens and hits.
# `unsafe_hash` keeps them hashable by value, as frozen ones are.
@dataclass(slots=True, unsafe_hash=True)
class Token:
    """A run of printed value characters with its position in the normalised text."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=4096)
def _cuts(text: str, parts: int, allow_sign: bool) -> tuple[tuple[int, ...], ...]:
    """Cut positions splitting `text` into `parts` valid numbers (cached: the same
    runs, such as seven zeros, recur in every crawled table)."""
    if parts == 1:
        ok = _PART.fullmatch(text) and (allow_sign or text[0] not in "+-")
        return ((),) if ok else ()
    out: list[tuple[int, ...]] = []
    for i in range(1, len(text)):
        head = text[:i]
        if not _PART.fullmatch(head) or (not allow_sign and head[0] in "+-"):
            continue
        out.extend((i, *(i + cut for cut in rest)) for rest in _cuts(text[i:], parts - 1, allow_sign))
    return tuple(out)


def token_splits(token: Token, parts: int, allow_sign: bool = True) -> list[list[Piece]]:
    """All ways to cut one token into `parts` values; a unit suffix stays with the last."""
    text, unit = token.text, None
    match = _UNIT.search(text)
    if match:
        unit, text = match.group(1), text[: match.start()]
    out = []
    for cuts in _cuts(text, parts, allow_sign):
        bounds = (0, *cuts, len(text))
        pieces = [Piece(text[a:b], token.start + a, token.start + b) for a, b in zip(bounds, bounds[1:])]
        if unit:
            last = pieces[-1]
            pieces[-1] = Piece(last.text, last.start, token.end, unit)
        out.append(pieces)
    return out


def _compositions(total: int, sizes: Sequence[int]) -> Iterable[tuple[int, ...]]:
    """Ways to give each token 1..sizes[i] parts so that the parts sum to `total`."""
    if not sizes:
        if total == 0:
            yield ()
        return
    for k in range(1, min(sizes[0], total - len(sizes) + 1) + 1):
        for rest in _compositions(total - k, sizes[1:]):
            yield (k, *rest)


# Readings of one row kept at most.  A row whose digits allow more (a long run of
# multi-digit values with no arithmetic to prune it) is not split at all: its cells
# are left uncertain.  Real fused rows have a few readings once the row's own sum
# is applied; 2,000 keeps the worst legitimate case and bounds the work.
MAX_ROW_READINGS = 2_000
# Distinct partial balances kept per (position, cells read) while cutting a row under
# its own sums; past this the row is left uncertain rather than searched further.
MAX_BALANCES = 20_000

_DIGITS = re.compile(r"\d+")


def row_candidates(
    tokens: Sequence[Token], columns: int, signed: Sequence[bool] = (),
    equations: Sequence[Sequence[int]] = (),
) -> list[list[Piece]]:
    """Ways to read `tokens` (fused runs) as exactly `columns` values.

    `signed` says which columns may hold a negative value (本年增/减); a reading
    that puts a sign anywhere else is impossible.  `equations` are the row's own
    sums as coefficients per column (a table-三 row: six applicant columns minus the
    total is 0): when given, the readings that satisfy them are found by cutting the
    digits position by position and keeping only the balances the sums can still
    close, so the work stays bounded however long the run.  Without equations, or
    when no reading satisfies them (the report's own sums are off), every reading is
    listed — unless there are more than MAX_ROW_READINGS, in which case none is.
    """
    if equations and all(_DIGITS.fullmatch(t.text) for t in tokens):
        balanced = _balanced_readings(tokens, columns, equations)
        if balanced is None:
            return []
        if balanced:
            return balanced
    if _count_readings(tokens, columns) > MAX_ROW_READINGS:
        return []
    sizes = [sum(ch.isdigit() for ch in t.text) for t in tokens]
    allow_sign = any(signed)
    out: list[list[Piece]] = []
    for composition in _compositions(columns, sizes):
        per_token = [token_splits(t, k, allow_sign) for t, k in zip(tokens, composition)]
        for combo in itertools.product(*per_token):
            pieces = [piece for pieces in combo for piece in pieces]
            if all(ok or piece.text[0] not in "+-" for piece, ok in zip(pieces, signed or [False] * columns)):
                out.append(pieces)
    return out


def _count_readings(tokens: Sequence[Token], columns: int) -> int:
    """An upper bound on the readings of `tokens` as `columns` values (cuts between
    digits, ignoring the rule against leading zeros)."""
    ways = {0: 1}  # values read so far -> ways
    for token in tokens:
        digits = max(1, sum(ch.isdigit() for ch in token.text))
        nxt: dict[int, int] = {}
        for done, count in ways.items():
            for parts in range(1, min(digits, columns - done) + 1):
                nxt[done + parts] = nxt.get(done + parts, 0) + count * math.comb(digits - 1, parts - 1)
        ways = nxt
    return ways.get(columns, 0)


def _balanced_readings(
    tokens: Sequence[Token], columns: int, equations: Sequence[Sequence[int]],
) -> list[list[Piece]] | None:
    """The readings of plain digit runs that satisfy `equations`; None when the search
    would exceed its bounds."""
    cuts = _balanced_cuts(tuple(t.text for t in tokens), columns, tuple(tuple(e) for e in equations))
    if cuts is None:
        return None
    text = "".join(t.text for t in tokens)
    origin = [token.start + i for token in tokens for i in range(len(token.text))]  # source offset per character
    return [[Piece(text[a:b], origin[a], origin[b - 1] + 1) for a, b in reading] for reading in cuts]


@lru_cache(maxsize=4096)  # crawled tables repeat the same runs ("0000000") in every report
def _balanced_cuts(
    texts: tuple[str, ...], columns: int, equations: tuple[tuple[int, ...], ...],
) -> tuple[tuple[tuple[int, int], ...], ...] | None:
    """(start, end) cuts in the joined digits for every reading that satisfies `equations`."""
    text = "".join(texts)
    if len(text) == columns:  # one digit a cell: the only reading
        values = [int(ch) for ch in text]
        ok = all(sum(c * v for c, v in zip(equation, values)) == 0 for equation in equations)
        return (tuple((i, i + 1) for i in range(columns)),) if ok else ()
    ends = list(itertools.accumulate(len(t) for t in texts))  # where each run ends in `text`
    length = len(text)
    token_end = {}
    for start, end in zip([0, *ends[:-1]], ends):
        for position in range(start, end):
            token_end[position] = end
    pieces_from: dict[int, list[tuple[int, int]]] = {}
    for a in range(length):
        stop = token_end[a]
        stop = min(stop, a + MAX_DIGITS)
        pieces_from[a] = [(b, int(text[a:b])) for b in range(a + 1, stop + 1) if text[a] != "0" or b == a + 1]
    if len(equations) == 1 and list(equations[0]) == [1] * (columns - 1) + [-1]:
        found = _readings_with_total_last(text, pieces_from, columns)
        return None if found is None else tuple(tuple(reading) for reading in found)
    zero = (0,) * len(equations)
    # How far the cells after the k-th can still move each balance up and down.
    ups = [[sum(c for c in equation[k + 1:] if c > 0) for equation in equations] for k in range(columns)]
    downs = [[-sum(c for c in equation[k + 1:] if c < 0) for equation in equations] for k in range(columns)]
    reach: list[dict[int, set[tuple[int, ...]]]] = [{0: {zero}}]
    for k in range(columns):
        coefficients = [equation[k] for equation in equations]
        left = columns - k - 1  # cells still to read after this one
        layer: dict[int, set[tuple[int, ...]]] = {}
        for a, balances in reach[k].items():
            if a >= length:
                continue
            for b, value in pieces_from[a]:
                if length - b < left:
                    continue  # too few digits left for the remaining cells
                # No remaining cell can exceed what its share of the digits left can print.
                largest = 10 ** (length - b - left + 1) - 1 if left else 0
                target = layer.setdefault(b, set())
                for balance in balances:
                    moved = tuple(x + c * value for x, c in zip(balance, coefficients))
                    if all(-up * largest <= x <= down * largest for x, up, down in zip(moved, ups[k], downs[k])):
                        target.add(moved)
                if len(target) > MAX_BALANCES:
                    return None
        reach.append(layer)
    if zero not in reach[columns].get(length, set()):
        return ()
    pieces_to: dict[int, list[tuple[int, int]]] = {}
    for a, options in pieces_from.items():
        for b, value in options:
            pieces_to.setdefault(b, []).append((a, value))
    readings: list[list[tuple[int, int]]] = []

    def back(end: int, k: int, balance: tuple[int, ...], tail: list[tuple[int, int]]) -> None:
        if len(readings) > MAX_ROW_READINGS:
            return
        if k == 0:
            if end == 0 and balance == zero:
                readings.append(tail[::-1])
            return
        coefficients = [equation[k - 1] for equation in equations]
        for a, value in pieces_to.get(end, ()):
            before = tuple(x - c * value for x, c in zip(balance, coefficients))
            if before in reach[k - 1].get(a, ()):
                back(a, k - 1, before, [*tail, (a, end)])

    back(length, columns, zero, [])
    if len(readings) > MAX_ROW_READINGS:
        return None
    return tuple(tuple(reading) for reading in readings)


def _readings_with_total_last(
    text: str, pieces_from: dict[int, list[tuple[int, int]]], columns: int,
) -> list[list[tuple[int, int]]] | None:
    """Cuts of `text` into `columns` numbers whose last is the sum of the others (a
    table-三 row: six applicant columns, then 总计).  The total is a suffix of the digits,
    so each possible total is tried in turn; counts are never negative, so no other
    cell and no partial sum may exceed it, which keeps every search small."""
    length = len(text)
    readings: list[list[tuple[int, int]]] = []
    for start in range(columns - 1, length):
        total_piece = next((value for b, value in pieces_from[start] if b == length), None)
        if total_piece is None:
            continue
        # reach[k][position] = partial sums of k cells ending at position, none above the total
        reach: list[dict[int, set[int]]] = [{0: {0}}]
        for k in range(columns - 1):
            layer: dict[int, set[int]] = {}
            for a, sums in reach[k].items():
                for b, value in pieces_from.get(a, ()):
                    if b > start or value > total_piece or start - b < columns - 2 - k:
                        continue
                    target = layer.setdefault(b, set())
                    target.update(x + value for x in sums if x + value <= total_piece)
                    if len(target) > MAX_BALANCES:
                        return None
            reach.append(layer)
        if total_piece not in reach[columns - 1].get(start, ()):
            continue
        ending: dict[int, list[tuple[int, int]]] = {}
        for a in range(start):
            for b, value in pieces_from[a]:
                if b <= start:
                    ending.setdefault(b, []).append((a, value))

        def back(end: int, k: int, remaining: int, tail: list[tuple[int, int]]) -> None:
            if len(readings) > MAX_ROW_READINGS:
                return
            if k == 0:
                if end == 0 and remaining == 0:
                    readings.append(tail[::-1])
                return
            for a, value in ending.get(end, ()):
                if remaining - value in reach[k - 1].get(a, ()):
                    back(a, k - 1, remaining - value, [*tail, (a, end)])

        back(start, columns - 1, total_piece, [(start, length)])
        if len(readings) > MAX_ROW_READINGS:
            return None
    return readings


def _whole(token: Token) -> Piece | None:
    """The token as one value, or None when it is not a plain number."""
    splits = token_splits(token, 1)
    return splits[0][0] if splits else None


def run_expansions(tokens: Sequence[Token], columns: int, may_repeat: Sequence[bool] = ()) -> list[list[Piece]]:
    """Every way to read `tokens` as `columns` cells when each printed value may stand
    for a run of equal cells (a crawler that collapses consecutive identical lines
    prints the row 15,0,0,0,0,0,15 as `15`/`0`/`15`).  Such a crawler never prints two
    equal lines one after the other, so readings are only built when it did not —
    unless `may_repeat` says the two lines differ (a value glued to a heading)."""
    pieces = [_whole(t) for t in tokens]
    if not tokens or len(tokens) > columns or any(p is None for p in pieces):
        return []
    repeats = list(may_repeat) or [False] * (len(tokens) - 1)
    if any(a.value == b.value and not ok for a, b, ok in zip(pieces, pieces[1:], repeats)):  # type: ignore[union-attr]
        return []
    return [
        [piece for piece, count in zip(pieces, composition) for _ in range(count)]  # type: ignore[misc]
        for composition in _compositions(columns, [columns] * len(tokens))
    ]


# Values broken over two lines in one row: more than this many is not a broken value
# but a misread row, and no join is tried.
MAX_JOINS = 3


def line_joins(tokens: Sequence[Token], columns: int) -> list[list[Piece]]:
    """Readings of more printed values than `columns` in which some values were broken
    over lines (`1` / `35` for 135): adjacent tokens joined back into one value."""
    extra = len(tokens) - columns
    if extra <= 0 or extra > MAX_JOINS:
        return []
    out = []
    for joins in itertools.combinations(range(len(tokens) - 1), extra):
        pieces = [piece for token in _joined(tokens, _groups(len(tokens), joins)) if (piece := _whole(token)) is not None]
        if len(pieces) == columns:
            out.append(pieces)
    return out


def joined_run_expansions(tokens: Sequence[Token], columns: int, may_repeat: Sequence[bool] = (),
                          max_joins: int = MAX_JOINS) -> list[list[Piece]]:
    """Readings of `tokens` as `columns` cells where a value was broken over two lines and runs of
    equal cells were collapsed to one line, both: adjacent tokens joined back into one value (up
    to `max_joins`), then each value read as a run (`8` / `9` / `89` for 89, 89, 89).  A value so
    joined may equal the line beside it, which was never one line with it."""
    repeats = list(may_repeat) or [False] * (len(tokens) - 1)
    out = []
    for extra in range(1, min(max_joins, len(tokens) - 1) + 1):
        for joins in itertools.combinations(range(len(tokens) - 1), extra):
            groups = _groups(len(tokens), joins)
            if len(groups) > columns:
                continue
            # Per pair of neighbouring values: each one line as printed, and those lines may repeat.
            may = [len(a) > 1 or len(b) > 1 or repeats[a[-1]] for a, b in zip(groups, groups[1:])]
            out.extend(run_expansions(_joined(tokens, groups), columns, may))
    return out


def _groups(count: int, joins: Sequence[int]) -> list[list[int]]:
    """Indexes 0..count-1 in groups, each index in `joins` joined to the one after it."""
    groups: list[list[int]] = []
    for i in range(count):
        if i - 1 in joins:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _joined(tokens: Sequence[Token], groups: list[list[int]]) -> list[Token]:
    """The tokens of each group joined into one token of their texts."""
    return [Token("".join(tokens[i].text for i in group), tokens[group[0]].start, tokens[group[-1]].end)
            for group in groups]


# --------------------------------------------------------------------------- solving

Values = dict[str, "int | float | None"]
# A number the report's own text states: the cells whose sum it gives, and the value.
Hint = tuple[tuple[str, ...], float]


def relation_holds(relation: Relation, values: Values, overlay: Values | None = None) -> bool | None:
    """True/False, or None when a cell of the relation is unknown or blank.

    `overlay` (a candidate reading) takes precedence over `values`; passing it apart
    spares the solver a merged copy of the whole table per candidate."""
    balance = 0.0
    for sign, paths in ((1, relation.left), (-1, relation.right)):
        for path in paths:
            value = overlay.get(path) if overlay is not None and path in overlay else values.get(path)
            if value is None:
                return None
            balance += sign * value
    return abs(balance) < 1e-6


@dataclass
class Ambiguity:
    """A fused row: its cell paths and the candidate readings (values per path)."""

    paths: tuple[str, ...]
    candidates: list[list[Piece]]
    _readings: dict[int, Values] = field(default_factory=dict, repr=False)

    def values(self, index: int) -> Values:
        """The candidate's values by path (built once: the solver asks for each many times)."""
        reading = self._readings.get(index)
        if reading is None:
            reading = self._readings[index] = dict(zip(self.paths, (piece.value for piece in self.candidates[index])))
        return reading


@dataclass
class Resolution:
    chosen: list[Piece]
    settled: bool  # True when exactly one reading survives
    uncertain_paths: set[str]
    satisfied: bool  # False when no reading satisfies the arithmetic that applies
    # Cells of the chosen reading that some relation, checked in full, confirms.
    confirmed_paths: set[str] = field(default_factory=set)
    # For each uncertain cell, the other values the surviving readings give it.
    alternatives: dict[str, tuple] = field(default_factory=dict)


def _local_ok(amb: Ambiguity, index: int, fixed: Values, relations: Sequence[Relation]) -> bool:
    """`relations` are those through this row; none may be broken by the reading."""
    reading = amb.values(index)
    return all(relation_holds(relation, fixed, reading) is not False for relation in relations)


def solve(
    fixed: Values,
    rows: dict[str, Ambiguity],
    relations: Sequence[Relation],
    hints: Callable[[], Sequence[Hint]] | None = None,
    apart: Collection[str] = (),
) -> dict[str, Resolution]:
    """Choose one reading per fused row.

    First each row is filtered by the relations it can be checked against given
    what is already known (propagating settled rows), then the remaining rows are
    searched jointly; where several joint readings satisfy every relation, `hints`
    (numbers the report's text states) break the tie.  Rows left with several readings
    keep the first, and the cells that differ between readings are reported uncertain.
    """
    known = dict(fixed)
    alive = {key: list(range(len(amb.candidates))) for key, amb in rows.items()}
    by_path: dict[str, list[Relation]] = {}
    for relation in relations:
        for path in relation.cells:
            by_path.setdefault(path, []).append(relation)
    through = {key: list({id(r): r for p in amb.paths for r in by_path.get(p, ())}.values()) for key, amb in rows.items()}
    unsatisfied: set[str] = set()
    changed = True
    while changed:
        changed = False
        for key, amb in rows.items():
            if len(alive[key]) <= 1 or key in unsatisfied:
                continue
            keep = [i for i in alive[key] if _local_ok(amb, i, known, through[key])]
            if not keep:
                unsatisfied.add(key)
                continue
            if len(keep) < len(alive[key]):
                alive[key] = keep
                changed = True
            if len(keep) == 1:
                known.update(amb.values(keep[0]))
    while any(len(options) > 1 for options in alive.values()) and _narrow_by_sums(rows, alive, known, relations):
        for key, amb in rows.items():
            if len(alive[key]) == 1:
                known.update(amb.values(alive[key][0]))
    for key, amb in rows.items():
        if len(alive[key]) == 1 and key not in unsatisfied and not _local_ok(amb, alive[key][0], known, through[key]):
            unsatisfied.add(key)

    open_rows = [k for k in rows if len(alive[k]) > 1]
    best = _exact(open_rows, rows, alive, known, relations, hints) if open_rows else {}
    if open_rows and not best:
        best = _joint(open_rows, rows, alive, known, relations)
    if best:
        for key in open_rows:
            alive[key] = best[key]

    out: dict[str, Resolution] = {}
    final = dict(known)
    for key, amb in rows.items():
        options = alive[key]
        chosen = amb.candidates[options[0]]
        out[key] = Resolution(chosen, len(options) == 1, set(), key not in unsatisfied)
        if len(options) > 1:
            for j, path in enumerate(amb.paths):
                others = {amb.candidates[i][j].value for i in options} - {chosen[j].value}
                if others:
                    out[key].uncertain_paths.add(path)
                    out[key].alternatives[path] = tuple(sorted(others))
        final.update(zip(amb.paths, (piece.value for piece in chosen)))
    # By identity: a relation's own hash is computed from its cells each time.
    # A cell is confirmed by a sum through it that holds, unless another sum through it fails (a
    # row's own sum holding while a column's sum fails vouches for nothing): where no reading of
    # the row satisfies the sums, any sum that fails; elsewhere one whose other cells are sure
    # (another row's first reading, itself in doubt, may be what breaks it).
    doubted = {path for resolution in out.values() for path in resolution.uncertain_paths}
    checked: dict[int, bool | None] = {}
    for key, amb in rows.items():
        confirmed: set[str] = set()
        refuted: set[str] = set()
        own = set(amb.paths)
        # The own sums of a row in `apart` (values printed apart, cut into more) hold for every
        # reading cut to fit them: they cannot tell such a split from the values with blank cells
        # between them, so only a sum reaching other rows' cells vouches for it.
        own_sums_vouch = key not in apart
        for r in through[key]:
            if id(r) not in checked:
                checked[id(r)] = relation_holds(r, final)
            holds = checked[id(r)]
            if holds and (own_sums_vouch or not own.issuperset(r.cells)):
                confirmed.update(r.cells)
            elif holds is False and (not out[key].satisfied or doubted.isdisjoint(set(r.cells) - own)):
                refuted.update(r.cells)
        out[key].confirmed_paths = (confirmed - refuted) & own
    return out


# Distinct partial sums kept per relation while narrowing; past this the relation is
# left out of the narrowing (it still counts in the joint search), which keeps the
# work per relation bounded whatever the table holds.
MAX_PARTIAL_SUMS = 5_000


class _Conflict(Exception):
    """No reading of some row fits a relation (raised only when narrowing strictly)."""


def _narrow_by_sums(rows: dict[str, Ambiguity], alive: dict[str, list[int]], known: Values,
                    relations: Sequence[Relation], strict: bool = False) -> bool:
    """Drop every reading that no choice of the other rows' readings can fit into a
    relation (a column sum, the identity): each relation is a sum over rows, so the
    sums the other rows can reach are enumerable, row after row, without trying every
    combination.  Returns whether any reading was dropped.

    A relation that no reading can satisfy (the report's own sums disagree) narrows
    nothing; with `strict`, it raises _Conflict instead (the search below uses that
    to abandon a branch)."""
    row_of = {path: key for key, amb in rows.items() for path in amb.paths}
    changed = False
    for relation in relations:
        signs = [(path, 1) for path in relation.left] + [(path, -1) for path in relation.right]
        involved: dict[str, list[tuple[str, int]]] = {}
        balance = 0.0
        for path, sign in signs:
            key = row_of.get(path)
            if key is not None:
                involved.setdefault(key, []).append((path, sign))
                continue
            value = known.get(path)
            if value is None:
                break
            balance += sign * value
        else:
            if strict or any(len(alive[key]) > 1 for key in involved):
                changed |= _narrow_relation(rows, alive, involved, balance, strict)
    return changed


def _narrow_relation(rows: dict[str, Ambiguity], alive: dict[str, list[int]],
                     involved: dict[str, list[tuple[str, int]]], balance: float, strict: bool) -> bool:
    keys = list(involved)
    contributions = []
    for key in keys:
        amb = rows[key]
        # A row reading's values are numbers; `or 0` only tells the type checker so.
        contributions.append({i: round(sum(sign * (amb.values(i)[path] or 0) for path, sign in involved[key]), 6)
                              for i in alive[key]})
    reach: list[set[float]] = [{0.0}]  # sums the rows before each position can reach
    for options in contributions:
        sums = {a + b for a in reach[-1] for b in set(options.values())}
        if len(sums) > MAX_PARTIAL_SUMS:
            return False
        reach.append({round(x, 6) for x in sums})
    after: list[set[float]] = [{0.0}]  # ... and the rows after it
    for options in reversed(contributions):
        after.append({round(a + b, 6) for a in after[-1] for b in set(options.values())})
    after.reverse()
    changed = False
    if round(-balance, 6) not in reach[-1]:
        if strict:
            raise _Conflict
        return False
    for n, key in enumerate(keys):
        if len(alive[key]) <= 1:
            continue
        others = {round(a + b, 6) for a in reach[n] for b in after[n + 1]}
        keep = [i for i in alive[key] if round(-balance - contributions[n][i], 6) in others]
        if len(keep) < len(alive[key]):
            alive[key] = keep
            changed = True
    return changed


# Search nodes and solutions the exact search may visit before it gives up and leaves
# the open rows to the scoring search (each node narrows by every relation: ~0.1 ms).
MAX_SEARCH_NODES = 2_000
MAX_SOLUTIONS = 200


class _Budget(Exception):
    pass


def _exact(open_rows: list[str], rows: dict[str, Ambiguity], alive: dict[str, list[int]], known: Values,
           relations: Sequence[Relation], hints: Callable[[], Sequence[Hint]] | None = None) -> dict[str, list[int]]:
    """The readings of the open rows that appear in some solution satisfying every
    relation, found by a search that narrows by the sums at every step; {} when
    there is no such solution (the report's own sums disagree) or the search is
    over budget."""
    solutions: list[dict[str, int]] = []
    nodes = 0

    def search(state: dict[str, list[int]]) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_SEARCH_NODES or len(solutions) > MAX_SOLUTIONS:
            raise _Budget
        try:
            while _narrow_by_sums(rows, state, known, relations, strict=True):
                pass
        except _Conflict:
            return
        choices = [k for k in open_rows if len(state[k]) > 1]
        if not choices:
            solutions.append({k: state[k][0] for k in open_rows})
            return
        key = min(choices, key=lambda k: len(state[k]))
        for index in state[key]:
            search({**state, key: [index]})

    try:
        search({k: list(v) for k, v in alive.items()})
    except _Budget:
        return {}
    if not solutions:
        return {}
    solutions = _best_by_hints(solutions, rows, known, hints)
    return {key: sorted({solution[key] for solution in solutions}) for key in open_rows}


def _best_by_hints(solutions: list[dict[str, int]], rows: dict[str, Ambiguity], known: Values,
                   stated: Callable[[], Sequence[Hint]] | None) -> list[dict[str, int]]:
    """Among solutions the arithmetic cannot tell apart, those that agree with the most
    numbers the report's text states ("行政复议1件"), when some agree with more than others.
    `stated` is asked only here: reading the text costs more than most tables need."""
    if stated is None or len(solutions) < 2:
        return solutions
    hints = stated()
    if not hints:
        return solutions

    def agreeing(solution: dict[str, int]) -> int:
        values = dict(known)
        for key, index in solution.items():
            values.update(rows[key].values(index))
        count = 0
        for paths, stated in hints:
            cells = [values.get(path) for path in paths]
            count += None not in cells and abs(sum(cells) - stated) < 1e-6  # type: ignore[arg-type]
        return count

    scores = [agreeing(solution) for solution in solutions]
    if max(scores) == min(scores):
        return solutions
    return [solution for solution, score in zip(solutions, scores) if score == max(scores)]


def _joint(
    open_rows: list[str],
    rows: dict[str, Ambiguity],
    alive: dict[str, list[int]],
    known: Values,
    relations: Sequence[Relation],
) -> dict[str, list[int]]:
    """Readings of the open rows that satisfy the most relations together."""
    total = 1
    for key in open_rows:
        total *= len(alive[key])
    if total > MAX_JOINT_COMBINATIONS:
        return {}
    touched = [r for r in relations if any(not set(rows[k].paths).isdisjoint(r.cells) for k in open_rows)]
    best_score, winners = None, []
    for combo in itertools.product(*(alive[k] for k in open_rows)):
        values = dict(known)
        for key, index in zip(open_rows, combo):
            values.update(rows[key].values(index))
        score = sum(1 if relation_holds(r, values) else 0 for r in touched)
        if best_score is None or score > best_score:
            best_score, winners = score, [combo]
        elif score == best_score:
            winners.append(combo)
    return {key: sorted({combo[n] for combo in winners}) for n, key in enumerate(open_rows)}
