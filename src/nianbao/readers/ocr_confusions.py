"""OCR confusions the arithmetic settles.

A recogniser confuses a few digit shapes (0/8, 1/7, 5/6, 3/8).  When a relation of the
report's tables fails, each cell of it that was read by OCR is tried with each one-digit swap
along those pairs.  When exactly one swap, in one cell, makes every relation through that cell
hold, the printed number was that one: the cell is corrected, marked inferred, and keeps the
OCR reading as its alternative.  Two swaps that repair the same relation, or none, settle
nothing: the cells stay as read, and an OCR cell all of whose relations still fail is
uncertain (it may be the misread one; a cell with a relation that holds is borne out) unless
its table was read without any other doubt and no misreading of it could account for the
failure: that failure is the report's own, for the checks to report.
Misreads in unrelated places are settled each on its own.  The other way round, a value the
recogniser was unsure of is taken when every relation through it holds.  Relations are the
edition's (`Report.relations`) checked by `split.relation_holds`, the same test the parser's
own solver uses.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from nianbao.editions import Relation
from nianbao.model import Cell, Report
from nianbao.split import relation_holds

# Each digit and the digits a recogniser reads it as (both ways).
CONFUSABLE: dict[str, str] = {"0": "8", "8": "03", "1": "7", "7": "1", "5": "6", "6": "5", "3": "8"}


def settle_confusions(report: Report, ocr_paths: set[str], doubted_by_ocr: frozenset[str] | set[str] = frozenset()) -> int:
    """Correct the OCR confusions the arithmetic settles among the cells in `ocr_paths` (those
    read by OCR), take the word of the arithmetic for the cells in `doubted_by_ocr` (flagged
    only for how they were recognised) that it bears out, and flag the OCR cells it refutes.
    Returns how many cells were corrected."""
    values: dict[str, int | float | None] = {path: cell.value for path, cell in report.cells() if cell.value is not None}
    through: dict[str, list[Relation]] = defaultdict(list)
    for relation in report.relations:
        for path in set(relation.cells):
            through[path].append(relation)
    # Tables where the recogniser or the parser doubted something: misreads come many to a page.
    unquiet = {path.split(".", 1)[0] for path, cell in report.cells() if cell.uncertain} | {
        path.split(".", 1)[0] for path in doubted_by_ocr}
    settled = 0
    # Again after each round: a corrected cell may make another failing relation decidable.
    while True:
        doubtful = {path for path, cell in report.cells() if cell.uncertain}
        fits = _fits(through, ocr_paths, values, doubtful)
        taken = _unrivalled(fits)
        if not taken:
            settle_noughts(report, values, through)
            _confirm_borne_out(report, doubted_by_ocr, values, through)
            _flag_unsettled(report, ocr_paths, values, through, unquiet)
            return settled
        for path, value in taken:
            _correct(report.cell(path), value)
            values[path] = value
            unquiet.add(path.split(".", 1)[0])
        settled += len(taken)


def _fits(through: dict[str, list[Relation]], ocr_paths: set[str], values: dict,
          doubtful: set[str]) -> dict[tuple[str, int], frozenset[int]]:
    """Each swap in an OCR cell of a failing relation that makes every relation through the
    cell hold (blanks aside) → the failing relations it repairs.  The other cells of a relation
    are evidence only when they are not in doubt themselves (a total read "0 8" and joined as
    8 is no reason to read the 0 beside it as 8): an uncertain cell counts as unknown."""
    evidence = {path: value for path, value in values.items() if path not in doubtful}
    fits = {}
    for path in sorted(ocr_paths):
        if not _whole(values.get(path)) or not through.get(path):
            continue
        known = evidence if path in evidence else {**evidence, path: values[path]}
        repaired = frozenset(id(r) for r in through[path] if relation_holds(r, known) is False)
        if not repaired:
            continue
        for value in swaps(values[path]):
            if all(relation_holds(r, known, {path: value}) is not False for r in through[path]):
                fits[(path, value)] = repaired
    return fits


WHY_NOUGHT = ("表内勾稽关系的另一侧均为识别确定的 0，此格只能为零 / the other side of the table's sum holds "
              "only sure noughts: this cell can only be nought")


def settle_noughts(report: Report, values: dict, through: dict[str, list[Relation]]) -> int:
    """Settle as nought the doubtful cells that counts, never below zero, leave no other value:
    a cell on one side of a sum whose other side holds only noughts read surely, one of them a
    printed 0, is nought itself (noise read as "8" at 0.45, or as "END", in a blank cell of a row
    whose total reads 0).  Not where a sure cell beside it in that sum holds more, nor where the
    nought breaks another sum through the cell for certain (a total misread as 0 leaves its
    column's sum broken), nor where the table's sure cells already break a sum (totals left at 0
    beside the counts are the report's own error).  A sum whose 0 is one confusion away from
    what the doubtful cells read (a total 8 read as 0 beside an "8" read unsurely) settles
    nothing alone; a second sum through the cell that says nought does.  The cell is written as
    the table writes its noughts among its sure cells, 0 or blank: in its column, or in the table
    when the column shows both or none; where the table shows both too, it stays in doubt.  Returns how many cells
    were settled."""
    cells = dict(report.cells())
    sure = {path for path, cell in cells.items() if not cell.uncertain}
    broken = {r.cells[0].split(".", 1)[0] for r in report.relations
              if all(path in sure for path in r.cells) and _fails(r, values, set())}
    settled = 0
    # Again after each round: a cell settled as nought may leave another no other value.
    while True:
        found: dict[str, int | None] = {}
        for path in cells:
            if path in sure or path.split(".", 1)[0] in broken or not _nought_forced(path, values, through, sure):
                continue
            ways = _noughts_written(path, cells, sure)
            if len(ways) == 1 and not _nought_breaks(path, values, through, sure):
                found[path] = ways.pop()
        if not found:
            return settled
        for path, written in found.items():
            cell = cells[path]
            read = cell.value
            cell.value, cell.uncertain, cell.inferred = written, False, WHY_NOUGHT
            cell.alternatives = (read,) if read not in (None, 0) else ()
            if written is None:
                values.pop(path, None)
            else:
                values[path] = written
            sure.add(path)
        settled += len(found)


def _nought_forced(path: str, values: dict, through: dict[str, list[Relation]], sure: set[str]) -> bool:
    """Whether the sums through `path` leave it only nought: two that do, or one whose 0 no
    confusion turns into what the doubtful cells beside it read."""
    forcing = [side for side in (_nought_side(r, path, values, sure) for r in through.get(path, ())) if side is not None]
    if len(forcing) >= 2:
        return True
    return len(forcing) == 1 and sum(values.get(p) or 0 for p in forcing[0]) not in set(swaps(0))


def _nought_side(relation: Relation, path: str, values: dict, sure: set[str]) -> tuple[str, ...] | None:
    """The side of the relation `path` is on, when the other side is all sure noughts, one of
    them a printed 0, and no sure cell on the path's side holds more; else None."""
    side, other = (relation.left, relation.right) if path in relation.left else (relation.right, relation.left)
    if path in other or not any(values.get(p) == 0 for p in other):
        return None
    if not all(p in sure and not values.get(p) for p in other) or any(p in sure and values.get(p) for p in side):
        return None
    return side


def _nought_breaks(path: str, values: dict, through: dict[str, list[Relation]], sure: set[str]) -> bool:
    """Whether a relation through the cell fails for certain once it is nought, the cells in
    doubt counted as unknown."""
    trial = {**values, path: 0}
    unknown = {p for r in through.get(path, ()) for p in r.cells if p not in sure and p != path}
    return any(_fails(r, trial, unknown) for r in through.get(path, ()))


def _noughts_written(path: str, cells: dict[str, Cell], sure: set[str]) -> set[int | None]:
    """How the table writes a nought among its sure cells, 0 or None (blank): in the cell's
    column when the column shows one way only, else in the whole table (both, or none)."""
    table, _, column = path.split(".")
    in_table = {p for p in sure if p.startswith(f"{table}.") and cells[p].value in (0, None)}
    in_column = {0 if cells[p].value == 0 else None for p in in_table if p.endswith(f".{column}")}
    return in_column if len(in_column) == 1 else {0 if cells[p].value == 0 else None for p in in_table}


WHY_BORNE_OUT = ("文字识别置信度低，但表内勾稽关系证实此值 / the recogniser was unsure, but the table's arithmetic "
                 "bears the value out")


def _confirm_borne_out(report: Report, doubted: frozenset[str] | set[str], values: dict,
                       through: dict[str, list[Relation]]) -> None:
    """A value the recogniser was unsure of (a digit under a seal's stroke, on a faded copy) is
    the printed one when every relation through it holds, there is at least one, and the
    relations' other cells are sure or doubted only for how they were recognised (not placed
    by a guess): a misread cell breaks every sum it is in, and misreads that make up for one
    another in a row and a column at once are not what a recogniser does.  A 0 only where its
    table prints no blank cell (noise read as "0" in a cell left blank would add up as well)."""
    guessed = {path for path, cell in report.cells() if cell.uncertain} - set(doubted)
    blanks = {path.split(".", 1)[0] for path, cell in report.cells() if cell.value is None and not cell.uncertain}
    for path in sorted(doubted):
        cell = report.cell(path)
        if cell is None or not cell.uncertain or cell.value is None or not through.get(path):
            continue
        if cell.value == 0 and path.split(".", 1)[0] in blanks:
            continue
        if all(relation_holds(r, values) is True and not guessed.intersection(r.cells) for r in through[path]):
            cell.uncertain, cell.inferred = False, WHY_BORNE_OUT


WHY_UNSETTLED = ("文字识别结果不满足表内勾稽关系，无法确定哪一格识别有误 / the OCR readings break the table's "
                 "arithmetic and no confusion settles which cell was misread")


def _flag_unsettled(report: Report, ocr_paths: set[str], values: dict, through: dict[str, list[Relation]],
                    unquiet: set[str]) -> None:
    """An OCR cell every relation through which fails is in doubt, however sure the recogniser
    was: noise in an empty cell was read as "5" at 0.97, and a misread cell breaks every sum it
    is in, while a cell with a sum that holds is borne out by it.  A blank counts as 0 here (a
    blank beside a misread cell must not hide the failure), a cell that could not be read as
    any count (`_fails`).

    In a table where nothing else was doubted, corrected or guessed (not in `unquiet`), only the
    cells one misread of which would account for the failure are in doubt (`_could_be_misread`):
    the others are as printed whichever cell was misread, and a failure no single misread
    accounts for (a total printed 0 beside 10 and 1) is the report's own error, which the
    checks report.  Noise and misreads come many to a page, so elsewhere every cell is."""
    unread = {path for path, cell in report.cells() if cell.value is None and cell.uncertain}
    outcome = {id(r): _fails(r, values, unread) for r in report.relations}
    suspects: dict[int, set[str]] = {}

    def _suspects(relation: Relation) -> set[str]:
        if id(relation) not in suspects:
            suspects[id(relation)] = _could_be_misread(relation, values)
        return suspects[id(relation)]

    for path in ocr_paths:
        relations = [r for r in through.get(path, ()) if outcome[id(r)] is not None]
        cell = report.cell(path)
        if not relations or not all(outcome[id(r)] for r in relations) or cell is None or cell.value is None or cell.uncertain:
            continue
        if path.split(".", 1)[0] not in unquiet and not any(path in _suspects(r) for r in relations):
            continue
        cell.uncertain = True
        cell.inferred = cell.inferred or WHY_UNSETTLED


def _could_be_misread(relation: Relation, values: dict) -> set[str]:
    """The cells of a failing relation that, read wrongly, would account for the failure on
    their own: those whose value making the relation hold is a count (never below zero), a
    blank's included.  A row 10 + 1 + 0 + 0 = 0 could only be its total misread."""
    balance = 0.0
    weight: dict[str, int] = defaultdict(int)
    for sign, paths in ((1, relation.left), (-1, relation.right)):
        for path in paths:
            balance += sign * (values.get(path) or 0)
            weight[path] += sign
    suspects = set()
    for path, sign in weight.items():
        read = values.get(path)
        if sign == 0 or (read is not None and not _whole(read)):
            return set(weight)
        needed = (read or 0) - balance / sign
        if needed > -1e-6 and abs(needed - round(needed)) < 1e-6:
            suspects.add(path)
    return suspects


def _fails(relation: Relation, values: dict, unread: set[str]) -> bool | None:
    """Whether the relation fails whatever counts its unread cells hold (True), holds (False),
    or could hold (None); blank cells count as 0, a relation of blanks alone says nothing."""
    balance, unread_sides = 0.0, set()
    for sign, paths in ((1, relation.left), (-1, relation.right)):
        for path in paths:
            if path in unread:
                unread_sides.add(sign)
            else:
                balance += sign * (values.get(path) or 0)
    if all(values.get(path) is None for path in relation.cells):
        return None
    if not unread_sides:
        return abs(balance) >= 1e-6
    if unread_sides == {1, -1}:
        return None
    # Unread cells on one side only can add to that side alone: it fails if that side is
    # already the larger, and may hold otherwise.
    return True if balance * next(iter(unread_sides)) > 1e-6 else None


def _unrivalled(fits: dict[tuple[str, int], frozenset[int]]) -> list[tuple[str, int]]:
    """The swaps that are the only fit for the relations they repair: two swaps repairing the
    same relation (in two cells, or two digits of one) leave it unsettled."""
    return [swap for swap, repaired in fits.items()
            if not any(other != swap and repaired & rival for other, rival in fits.items())]


def _whole(value) -> bool:
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def swaps(value: int | float) -> Iterator[int]:
    """Every number one confusable digit away from `value` (no leading zero created)."""
    digits = str(abs(int(value)))
    sign = -1 if value < 0 else 1
    for index, digit in enumerate(digits):
        for other in CONFUSABLE.get(digit, ""):
            if index == 0 and other == "0" and len(digits) > 1:
                continue
            yield sign * int(digits[:index] + other + digits[index + 1:])


def _correct(cell: Cell | None, value: int) -> None:
    if cell is None:
        return
    read = cell.value
    cell.value = value
    cell.uncertain = False
    cell.alternatives = (read,)
    cell.inferred = (f"文字识别读作 {read}，按表内勾稽关系更正为 {value}（形近数字混淆）/ "
                     f"OCR read {read}; the table's arithmetic settles it as {value}")


# --- Place names in the agency's name ---------------------------------------------------------

# Chinese characters of place names a recogniser reads as one another (a dot or a stroke
# apart): 沭阳县 read as 沐阳县, 睢宁县 as 雎宁县, 亳州市 as 毫州市, 汨罗市 as 汩罗市.
CONFUSABLE_CHARACTERS: dict[str, str] = {
    "沭": "沐", "沐": "沭", "睢": "雎", "雎": "睢", "亳": "毫", "毫": "亳", "汨": "汩", "汩": "汨",
}


def settle_place_name(name: str) -> str | None:
    """The agency's name with one confusable character swapped, when that swap alone makes the
    name begin with more of a known place (the gazetteer's chain, `regions.read_chain`):
    沐阳县人民政府 → 沭阳县人民政府.  None when the name reads as printed, or when no swap, or
    more than one, reads further (nothing settles which character was meant)."""
    from nianbao.regions import read_chain

    _, as_read = read_chain(name)
    best, winners = as_read, []
    for index, character in enumerate(name):
        for other in CONFUSABLE_CHARACTERS.get(character, ""):
            variant = name[:index] + other + name[index + 1:]
            _, length = read_chain(variant)
            if length > best:
                best, winners = length, [variant]
            elif length == best and length > as_read:
                winners.append(variant)
    return winners[0] if len(winners) == 1 else None


def settle_agency_name(report: Report) -> bool:
    """Correct the agency's name of a report read by OCR where a known place name settles a
    confused character; a warning keeps the OCR reading.  Returns whether it was corrected."""
    from nianbao.meta import report_region

    settled = settle_place_name(report.agency) if report.agency else None
    if settled is None:
        return False
    read = report.agency
    report.agency = settled
    report.region = report_region(settled, "")
    report.warn("OCR.PLACE_NAME", f"机关名称按已知地名更正为“{settled}”（文字识别读作“{read}”）",
                f"agency name corrected to a known place name (OCR read {read})")
    return True
