"""Worst cases for the fused-cell solver: a 2021-edition table 三 whose rows are fused or missing.

    python benchmarks/solver.py [--runs 7] [--budget 5] [--timeout 120] [--seed 2021]

Each case generates the 25 × 7 counts of a table 三 that satisfy the table's own arithmetic
(row totals, column totals, 一+二 = 三+四), prints every row the way a crawled page does
(all seven values of a row fused into one run of digits, `120000012`), builds a whole report
around it (the corpus crawl `dev/pingtan-2022.txt` with its table 三 replaced; the bundled
example if the corpus is not there) and times

- `parse`: `nianbao.parse_bytes` on the whole report;
- `split`: `nianbao.split.row_candidates` for every printed row, as the table builder calls it;
- `solve`: `nianbao.split.solve` on those rows with the edition's table-三 relations.

Times are CPU time (`time.process_time`) of this one process, median of the runs; the
solver's caches (`lru_cache`s in `nianbao.split`) are cleared before every run, so each run
pays for its own candidates as a report with new numbers would.  Peak memory is the
`tracemalloc` peak (MiB) of one further run.  `right` counts table-三 cells the parser read with the
generated value (of 175); `unc` the cells it flagged uncertain; `wrong` the cells with
another value and no flag (silently wrong).

Which nianbao is measured: `src/` beside this script, unless PYTHONPATH is set (then the
first nianbao on it, e.g. a baseline worktree's `src`); the module path is printed.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))

import nianbao  # noqa: E402
from nianbao import editions, split  # noqa: E402
from nianbao.parser import parse_bytes  # noqa: E402
from nianbao.values import to_number  # noqa: E402
from machine import describe as machine  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

EDITION = editions.get(editions.EDITION_2021)
T3 = EDITION.table("t3")
COLUMNS = [c.key for c in T3.columns]  # six applicant columns, then total
ROWS = [row.key for row in T3.rows]
OUTCOME_ROWS = [row.key for row in editions.t3_outcome_rows(T3)]
RELATIONS = tuple(r for r in EDITION.relations if r.code.startswith("T3"))
assert len(ROWS) == 25 and len(COLUMNS) == 7

Table = dict[str, list[int]]  # row key -> seven values in column order


# --------------------------------------------------------------------------- tables

def table_from(outcomes: dict[str, list[int]], carried_over: list[int], carried_forward: list[int]) -> Table:
    """Complete a table from its outcome rows (six applicant values each) and rows 二 and 四:
    row totals, （七）总计 as the column sums, and 一 = 三 + 四 − 二."""
    table: Table = {}
    for key in OUTCOME_ROWS:
        values = outcomes.get(key, [0] * 6)
        table[key] = values + [sum(values)]
    handled = [sum(table[key][i] for key in OUTCOME_ROWS) for i in range(6)]
    new = [h + f - o for h, f, o in zip(handled, carried_forward, carried_over)]
    assert min(new) >= 0
    for key, values in (("new_received", new), ("carried_over", carried_over),
                        ("total_handled", handled), ("carried_forward", carried_forward)):
        table[key] = list(values) + [sum(values)]
    for relation in RELATIONS:  # the generated table satisfies every relation
        flat = {f"t3.{r}.{c}": v for r, vs in table.items() for c, v in zip(COLUMNS, vs)}
        assert split.relation_holds(relation, flat), relation
    return {key: table[key] for key in ROWS}


def single_digits(rng: random.Random) -> Table:
    """Every value 0–9 (a few ones spread over the outcome rows): each row is a run of exactly seven digits."""
    outcomes: dict[str, list[int]] = {}
    for _ in range(6):
        row = outcomes.setdefault(rng.choice(OUTCOME_ROWS), [0] * 6)
        row[rng.randrange(6)] += 1
    over, forward = [0] * 6, [0] * 6
    over[0], forward[rng.randrange(6)] = 1, 1
    return table_from(outcomes, over, forward)


def realistic(rng: random.Random) -> Table:
    """Counts as reports print them: 自然人 up to a few hundred, companies sometimes, the rest rarely."""
    outcomes = {}
    for key in OUTCOME_ROWS:
        person = rng.choice([0, 0, rng.randint(1, 9), rng.randint(10, 150)])
        company = rng.choice([0, 0, 0, rng.randint(1, 30)])
        rest = [rng.choice([0] * 8 + [rng.randint(1, 12)]) for _ in range(4)]
        outcomes[key] = [person, company, *rest]
    over = [rng.randint(0, 20), rng.randint(0, 3), 0, 0, 0, 0]
    forward = [rng.randint(0, 20), rng.randint(0, 3), 0, 0, 0, 0]
    return table_from(outcomes, over, forward)


def big_city(rng: random.Random) -> Table:
    """A city-level report: 自然人 in the hundreds per row, so rows 一 and （七） reach four digits a cell."""
    outcomes = {}
    for key in OUTCOME_ROWS:
        person = rng.choice([0, rng.randint(1, 99), rng.randint(100, 800)])
        company = rng.choice([0, rng.randint(1, 9), rng.randint(10, 80)])
        rest = [rng.choice([0, 0, 0, rng.randint(1, 15)]) for _ in range(4)]
        outcomes[key] = [person, company, *rest]
    over = [rng.randint(100, 400), rng.randint(0, 30), 0, rng.randint(0, 3), rng.randint(0, 9), 0]
    forward = [rng.randint(100, 400), rng.randint(0, 30), 0, rng.randint(0, 3), rng.randint(0, 9), 0]
    return table_from(outcomes, over, forward)


def dense(rng: random.Random) -> Table:
    """Adversarial: every applicant cell 10–99, no zeros, so a row is a run of 15+ digits that
    can be cut into seven numbers in thousands of ways."""
    outcomes = {key: [rng.randint(10, 99) for _ in range(6)] for key in OUTCOME_ROWS}
    over = [rng.randint(10, 99) for _ in range(6)]
    forward = [rng.randint(10, 99) for _ in range(6)]
    return table_from(outcomes, over, forward)


# --------------------------------------------------------------------------- printing

def fused(values: list[int], rng: random.Random) -> list[str]:
    return ["".join(map(str, values))]


def blanks_dropped(values: list[int], rng: random.Random) -> list[str]:
    """Zero cells printed blank and dropped by the crawler: fewer values than columns, apart."""
    return [str(v) for v in values if v]


def missing(values: list[int], rng: random.Random) -> list[str]:
    return []


Printer = Callable[[list[int], random.Random], list[str]]


def some_missing(share: float, otherwise: Printer) -> Printer:
    def printer(values: list[int], rng: random.Random) -> list[str]:
        return missing(values, rng) if rng.random() < share else otherwise(values, rng)
    return printer


def half_fused_half_dropped(values: list[int], rng: random.Random) -> list[str]:
    """Fewer printed values than columns, fused: the zeros dropped, the rest glued (`12315`)."""
    printed = blanks_dropped(values, rng)
    return ["".join(printed)] if printed and rng.random() < 0.5 else printed


@dataclass
class Case:
    name: str
    what: str
    table: Callable[[random.Random], Table]
    printer: Printer


CASES = [
    Case("single-digit", "every row one run of 7 single digits", single_digits, fused),
    Case("multi-digit", "realistic counts, rows fused (120000012)", realistic, fused),
    Case("big-city", "city-level counts (4-digit totals), rows fused", big_city, fused),
    Case("dense", "every cell 10-99, rows fused (15+ digit runs)", dense, fused),
    Case("fewer-values", "zeros dropped: fewer values than columns, apart or fused", realistic, half_fused_half_dropped),
    Case("multi+missing", "realistic counts fused, 1/3 of rows missing", realistic, some_missing(1 / 3, fused)),
    Case("dense+missing", "every cell 10-99 fused, 1/3 of rows missing", dense, some_missing(1 / 3, fused)),
]


# --------------------------------------------------------------------------- the report text

_GROUP_BEFORE = {
    "granted": "三、本年度办理结果 ",
    "withheld_state_secret": "（三）不予公开 ",
    "unavailable_not_held": "（四）无法提供 ",
    "declined_petition_complaint": "（五）不予处理 ",
    "other_overdue_correction": "（六）其他处理 ",
}
T3_HEAD = (
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） "
    "申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他 "
)


def t3_text(printed: dict[str, list[str]]) -> str:
    """Table 三 as a crawled page prints it (平潭 2022): labels, then the row's runs, no separators after."""
    parts = [T3_HEAD]
    for row in T3.rows:
        parts.append(_GROUP_BEFORE.get(row.key, ""))
        parts.append(f"{row.number}{row.label}{row.tail}")
        if printed[row.key]:
            parts.append(" " + " ".join(printed[row.key]))
    return "".join(parts) + " "


def base_text() -> tuple[str, str]:
    corpus = Path(os.environ.get("NIANBAO_CORPUS", ROOT.parent / "shared" / "corpus"))
    for path in (corpus / "dev" / "pingtan-2022.txt", ROOT / "examples" / "2023-crawled-page-fused-cells.txt"):
        if path.exists():
            return path.read_text(encoding="utf-8"), path.name
    raise SystemExit("no base report found (set NIANBAO_CORPUS)")


def report_text(base: str, table3: str) -> str:
    start = base.index("三、收到和处理政府信息公开申请情况")
    end = base.index("四、政府信息公开行政", start)
    return base[:start] + table3 + base[end:]


# --------------------------------------------------------------------------- the solver alone

def solver_inputs(printed: dict[str, list[str]]):
    """What the table builder hands the solver: the fused rows' tokens and the values already read."""
    fusedrows: dict[str, list[split.Token]] = {}
    known: dict[str, int | None] = {}
    offset = 0
    for key in ROWS:
        tokens = []
        for run in printed[key]:
            tokens.append(split.Token(run, offset, offset + len(run)))
            offset += len(run) + 1
        paths = [f"t3.{key}.{c}" for c in COLUMNS]
        if len(tokens) == len(COLUMNS):
            known.update(zip(paths, (int(t.text) for t in tokens)))
        elif tokens:
            fusedrows[key] = tokens
        else:
            known.update((path, None) for path in paths)
    return fusedrows, known


def run_split(fusedrows: dict[str, list[split.Token]], known: dict) -> tuple[dict, dict]:
    signed = [False] * len(COLUMNS)
    rows, known = {}, dict(known)
    for key, tokens in fusedrows.items():
        paths = tuple(f"t3.{key}.{c}" for c in COLUMNS)
        candidates = split.row_candidates(tokens, len(COLUMNS), signed)
        if candidates:
            rows[key] = split.Ambiguity(paths, candidates)
        else:  # fewer digits than columns: placed left to right, the rest unread
            values = [to_number(t.text) for t in tokens]
            known.update(zip(paths, values + [None] * (len(paths) - len(values))))
    return rows, known


def run_solve(rows: dict, known: dict) -> dict:
    fresh = {key: split.Ambiguity(amb.paths, amb.candidates) for key, amb in rows.items()}
    return split.solve(known, fresh, RELATIONS)


# --------------------------------------------------------------------------- timing

class TimedOut(Exception):
    pass


def _alarm(signum, frame):
    raise TimedOut


def clear_caches() -> None:
    for value in vars(split).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def measure(fn: Callable[[], object], runs: int, budget: float, timeout: int) -> tuple[float | None, int]:
    """Median CPU ms over up to `runs` runs (fewer once they exceed `budget` CPU seconds in
    all) and the number of runs; None when one run takes longer than `timeout` seconds."""
    times: list[float] = []
    spent = 0.0
    signal.signal(signal.SIGALRM, _alarm)
    try:
        while len(times) < runs and (not times or spent < budget):
            clear_caches()
            gc.collect()
            signal.alarm(timeout)
            start = time.process_time()
            fn()
            elapsed = time.process_time() - start
            signal.alarm(0)
            times.append(elapsed * 1000)
            spent += elapsed
    except TimedOut:
        return None, len(times)
    finally:
        signal.alarm(0)
    return statistics.median(times), len(times)


def peak_mib(fn: Callable[[], object]) -> float:
    """The tracemalloc peak of one run, in MiB (tracing slows the run several times over)."""
    clear_caches()
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def fmt_ms(value: float | None, timeout: int) -> str:
    if value is None:
        return f">{timeout * 1000}"
    return "n/a" if value != value else f"{value:.1f}"


def fmt_mib(value: float) -> str:
    return "-" if value != value else f"{value:.1f}"


def commit_of(path: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(path), "status", "--porcelain", "--", "."], capture_output=True, text=True)
        return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "") if out.returncode == 0 else "?"
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (median reported)")
    parser.add_argument("--budget", type=float, default=5.0, help="stop repeating a measurement after this many CPU seconds")
    parser.add_argument("--timeout", type=int, default=120, help="give up on a single run after this many seconds")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--case", action="append", help="run only these cases (by name)")
    parser.add_argument("--no-memory", action="store_true", help="skip the (slow) tracemalloc runs")
    args = parser.parse_args()

    source = Path(nianbao.__file__).resolve().parent
    print(f"machine: {machine()}")
    print(f"nianbao: {source} (commit {commit_of(source)}); solver cap MAX_JOINT_COMBINATIONS = "
          f"{getattr(split, 'MAX_JOINT_COMBINATIONS', 'n/a')}")
    base, base_name = base_text()
    parse_bytes(base.encode("utf-8"), base_name)  # warm the parser's own caches (compiled patterns, OpenCC)
    print(f"report: {base_name} with table 三 replaced; seed {args.seed}; CPU ms, median of up to {args.runs} runs")
    print()
    header = (f"{'case':18s} {'fused':>5s} {'miss':>4s} {'cands':>6s} {'max':>5s} "
              f"{'split ms':>9s} {'solve ms':>9s} {'solver MiB':>10s} {'parse ms':>9s} {'parse MiB':>9s} "
              f"{'right':>5s} {'unc':>4s} {'wrong':>5s} {'runs':>4s}")
    print(header)
    print("-" * len(header))
    for case in CASES:
        if args.case and case.name not in args.case:
            continue
        rng = random.Random(f"{args.seed}:{case.name}")
        table = case.table(rng)
        printed = {key: case.printer(values, rng) for key, values in table.items()}
        data = report_text(base, t3_text(printed)).encode("utf-8")

        fusedrows, known = solver_inputs(printed)
        n_missing = sum(1 for key in ROWS if not printed[key])
        nan = float("nan")
        try:
            rows, known_after = run_split(fusedrows, known)
            counts = [len(amb.candidates) for amb in rows.values()]
            run_solve(rows, known_after)
        except Exception as exc:  # the solver's API has changed: the parser is still timed
            print(f"{case.name}: solver alone not measured ({type(exc).__name__}: {exc})")
            rows, counts = None, []
        split_ms = solve_ms = nan
        split_runs = solve_runs = args.runs
        if rows is not None:
            split_ms, split_runs = measure(lambda: run_split(fusedrows, known), args.runs, args.budget, args.timeout)
            solve_ms, solve_runs = measure(lambda: run_solve(rows, known_after), args.runs, args.budget, args.timeout)
        parse_ms, parse_runs = measure(lambda: parse_bytes(data, "solver-benchmark.txt"), args.runs, args.budget, args.timeout)
        memory = not args.no_memory and None not in (split_ms, solve_ms, parse_ms)
        solver_mib = peak_mib(lambda: run_solve(*run_split(fusedrows, known))) if memory and rows is not None else nan
        parse_mib = peak_mib(lambda: parse_bytes(data, "solver-benchmark.txt")) if memory else nan

        right = unc = silent = 0
        if parse_ms is not None:
            report = parse_bytes(data, "solver-benchmark.txt")
            for key, values in table.items():
                for column, value in zip(COLUMNS, values):
                    cell = report.cell(f"t3.{key}.{column}")
                    ok, flagged = bool(cell and cell.value == value), bool(cell and cell.uncertain)
                    right, unc, silent = right + ok, unc + flagged, silent + (not ok and not flagged)
        n_fused = "-" if rows is None else str(len(rows))
        print(f"{case.name:18s} {n_fused:>5s} {n_missing:4d} {sum(counts):6d} {max(counts, default=0):5d} "
              f"{fmt_ms(split_ms, args.timeout):>9s} {fmt_ms(solve_ms, args.timeout):>9s} "
              f"{fmt_mib(solver_mib):>10s} {fmt_ms(parse_ms, args.timeout):>9s} {fmt_mib(parse_mib):>9s} "
              f"{right:5d} {unc:4d} {silent:5d} {min(split_runs, solve_runs, parse_runs):4d}")
    print()
    print("fused = rows handed to the solver; miss = rows printed without values; cands = candidate")
    print("readings over all fused rows, max = of the worst row; solver MiB = tracemalloc peak of split")
    print("then solve; right/unc/wrong = of the 175 cells, read as generated / flagged uncertain / neither")
    print("(a wrong value not flagged) by parse_bytes.")
    for case in CASES:
        if not args.case or case.name in args.case:
            print(f"  {case.name:18s} {case.what}")


if __name__ == "__main__":
    main()
