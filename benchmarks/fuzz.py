"""Fuzz the parser with mutated corpus reports: crashes, files over the time or memory
bound, and cells that change value without a flag.

    nice python benchmarks/fuzz.py [--files 10000] [--seed 16] [--workers 1] [--cli-every 250]
                                   [--corpus ../shared/corpus] [--save-dir fuzz-findings] [--json out.json]

Each file is one corpus report (seeds/ and dev/: text, Markdown and HTML get every mutation
in tests/fuzz_support.py; PDF, and Word files from ../shared/hostile, byte flips and
truncation) with one mutation drawn by a seeded `random.Random`, so a finding is replayed
from (report, mutation, seed).  Files are parsed, checked and written as JSON in worker
processes; each file's CPU time (`time.process_time`) and the worker's peak RSS are
recorded.  A worker that spends HANG_CPU_SECONDS of CPU on one file is killed and the file
counted as a hang (CPU, not the clock: a nice'd worker on a busy machine waits a lot); a
worker whose peak RSS passes the memory bound is restarted, its file counted as over.
Every `--cli-every`-th file also goes through `python -m nianbao parse` in a subprocess
(exit 0/1/2, no traceback, valid JSON).  Exit code 1 when anything was found.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(1, str(ROOT))  # tests.fuzz_support: the mutations the fuzz tests use

from nianbao.errors import NianbaoError  # noqa: E402
from nianbao.evaluate import default_corpus  # noqa: E402
from nianbao.parser import parse_bytes  # noqa: E402
from nianbao.readers import detect_format  # noqa: E402
from tests import fuzz_support  # noqa: E402

TIME_BOUND_SECONDS = 10.0  # per file, CPU: the bound
MEMORY_BOUND_BYTES = 1 << 30  # per file, peak RSS of the worker: the bound
HANG_CPU_SECONDS = 60.0  # CPU time after which a worker still on one file is killed: a hang
HANG_WALL_SECONDS = 1800.0  # and the clock's last word, should the worker sleep instead of spin
POLL_SECONDS = 5.0
ADDRESS_SPACE_LIMIT = 4 << 30  # a runaway worker gets MemoryError here instead of taking the machine down
CLI_ALLOWED_EXITS = (0, 1, 2)  # complete, incomplete, unreadable


@dataclass
class Base:
    path: Path
    data: bytes
    fmt: str
    baseline: dict[str, object] | None


@dataclass
class Job:
    number: int
    base: int
    mutation: str
    seed: int


def load_bases(corpus: Path) -> list[Base]:
    paths = sorted(p for folder in ("seeds", "dev") for p in (corpus / folder).glob("*") if p.is_file())
    paths += sorted((corpus.parent / "hostile").glob("*.docx"))
    bases = []
    for path in paths:
        data = path.read_bytes()
        fmt = detect_format(data, path.name)
        try:
            baseline = fuzz_support.baseline_cells(parse_bytes(data, name=path.name))
        except NianbaoError:
            baseline = None
        bases.append(Base(path, data, fmt, baseline))
    return bases


def mutate(base: Base, job: Job) -> bytes:
    rng = random.Random(job.seed)
    return fuzz_support.mutations_for(base.fmt)[job.mutation](base.data, base.fmt, rng)


def plan(bases: list[Base], files: int, seed: int) -> list[Job]:
    rng = random.Random(seed)
    jobs = []
    for number in range(files):
        index = rng.randrange(len(bases))
        names = sorted(fuzz_support.mutations_for(bases[index].fmt))
        jobs.append(Job(number, index, rng.choice(names), rng.randrange(2**32)))
    return jobs


# --- the worker ----------------------------------------------------------------------------


def worker(bases: list[Base], connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    while (job := connection.recv()) is not None:
        base = bases[job.base]
        data = mutate(base, job)
        started = time.process_time()
        try:
            verdict = fuzz_support.judge(data, base.baseline, base.data, name=base.path.name)
        except MemoryError:
            verdict = fuzz_support.Verdict("crash", "MemoryError (over the address-space limit)")
        seconds = time.process_time() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        connection.send((verdict, seconds, peak))


class Worker:
    def __init__(self, bases: list[Base]):
        self.connection, child = mp.Pipe()
        self.process = mp.Process(target=worker, args=(bases, child), daemon=True)
        self.process.start()
        self.job: Job | None = None
        self.job_cpu = self.job_wall = 0.0

    def give(self, job: Job) -> None:
        self.job, self.job_cpu, self.job_wall = job, self.cpu_seconds(), time.monotonic()
        self.connection.send(job)

    def cpu_seconds(self) -> float:
        """The worker's CPU time so far, from /proc (Linux): a hang is judged on the CPU the file
        took, not on the clock, which a nice'd worker on a busy machine barely sees move."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def hung(self) -> bool:
        return (self.cpu_seconds() - self.job_cpu > HANG_CPU_SECONDS
                or time.monotonic() - self.job_wall > HANG_WALL_SECONDS)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            self.connection.send(None)
        self.process.join(10)


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Tally:
    outcomes: Counter
    by_mutation: dict
    seconds: list
    crashes: list
    slow: list
    heavy: list
    hangs: list
    wrong: list
    flagged_by_check_only: int = 0
    cli_runs: int = 0
    cli_failures: list | None = None


def describe(base: Base, job: Job) -> dict:
    return {"file": base.path.name, "mutation": job.mutation, "seed": job.seed, "number": job.number}


def run_cli(data: bytes, base: Base) -> str | None:
    """None when the CLI behaved; else what went wrong."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / base.path.name
        path.write_bytes(data)
        try:
            result = subprocess.run([sys.executable, "-m", "nianbao", "parse", str(path)], capture_output=True,
                                    text=True, timeout=HANG_WALL_SECONDS, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        except subprocess.TimeoutExpired:
            return "timeout"
    if result.returncode not in CLI_ALLOWED_EXITS or "Traceback" in result.stderr or "内部错误" in result.stderr:
        return f"exit {result.returncode}: {result.stderr.strip()[-300:]}"
    if result.returncode != 2:
        try:
            fuzz_support.strict_json(result.stdout)
        except ValueError as exc:
            return f"invalid JSON: {exc}"
    return None


def save(save_dir: Path | None, base: Base, job: Job, kind: str) -> None:
    if save_dir is None:
        return
    save_dir.mkdir(parents=True, exist_ok=True)
    (save_dir / f"{kind}-{job.number:05d}-{job.mutation}-{base.path.name}").write_bytes(mutate(base, job))


def run(bases: list[Base], jobs: list[Job], workers: int, cli_every: int, save_dir: Path | None) -> Tally:
    tally = Tally(Counter(), defaultdict(Counter), [], [], [], [], [], [], cli_failures=[])
    pending = list(reversed(jobs))
    pool = [Worker(bases) for _ in range(workers)]
    started = time.monotonic()

    def next_job(slot: int, restart: bool = False) -> None:
        if restart:
            pool[slot].stop(kill=True)
            pool[slot] = Worker(bases)
        pool[slot].job = None
        if pending:
            pool[slot].give(pending.pop())

    for slot in range(workers):
        next_job(slot)
    while any(w.job for w in pool):
        ready = mp.connection.wait([w.connection for w in pool if w.job], timeout=POLL_SECONDS)
        for slot, w in enumerate(pool):
            job = w.job
            if job is None:
                continue
            base = bases[job.base]
            if w.connection not in ready:
                if w.hung():
                    tally.hangs.append(describe(base, job))
                    save(save_dir, base, job, "hang")
                    next_job(slot, restart=True)
                continue
            try:
                verdict, seconds, peak = w.connection.recv()
            except EOFError:  # the worker died (killed for memory)
                verdict, seconds, peak = fuzz_support.Verdict("crash", "worker died"), 0.0, MEMORY_BOUND_BYTES + 1
            record(tally, base, job, verdict, seconds, peak, save_dir)
            if cli_every and job.number % cli_every == 0:
                check_cli(tally, base, job, save_dir)
            next_job(slot, restart=peak > MEMORY_BOUND_BYTES)
            done = len(tally.seconds) + len(tally.hangs)
            if done % 500 == 0:
                rate = done / (time.monotonic() - started)
                print(f"  {done} files, {rate:.1f}/s, crashes {len(tally.crashes)}, hangs {len(tally.hangs)}, "
                      f"wrong {len(tally.wrong)}", file=sys.stderr, flush=True)
    for w in pool:
        w.stop()
    return tally


def check_cli(tally: Tally, base: Base, job: Job, save_dir: Path | None) -> None:
    tally.cli_runs += 1
    problem = run_cli(mutate(base, job), base)
    if problem:
        tally.cli_failures.append({**describe(base, job), "problem": problem})
        save(save_dir, base, job, "cli")


def record(tally: Tally, base: Base, job: Job, verdict, seconds: float, peak: int, save_dir: Path | None) -> None:
    tally.outcomes[verdict.outcome] += 1
    tally.by_mutation[job.mutation][verdict.outcome] += 1
    tally.seconds.append(seconds)
    tally.flagged_by_check_only += verdict.flagged_by_check_only
    where = describe(base, job)
    if verdict.outcome == "crash":
        tally.crashes.append({**where, "error": verdict.detail})
        save(save_dir, base, job, "crash")
    if seconds > TIME_BOUND_SECONDS:
        tally.slow.append({**where, "seconds": round(seconds, 2)})
        save(save_dir, base, job, "slow")
    if peak > MEMORY_BOUND_BYTES:
        tally.heavy.append({**where, "peak_mb": peak >> 20})
        save(save_dir, base, job, "heavy")
    if verdict.wrong_unflagged:
        tally.wrong.append({**where, "cells": verdict.wrong_unflagged})
        tally.by_mutation[job.mutation]["wrong"] += 1
        save(save_dir, base, job, "wrong")


def summary(tally: Tally, elapsed: float, workers: int) -> dict:
    seconds = sorted(tally.seconds)

    def quantile(q: float) -> float:
        return round(seconds[min(len(seconds) - 1, int(q * len(seconds)))], 4) if seconds else 0.0

    return {
        "files": len(seconds) + len(tally.hangs),
        "elapsed_seconds": round(elapsed, 1),
        "workers": workers,
        "rate_per_second": round((len(seconds) + len(tally.hangs)) / elapsed, 2) if elapsed else 0.0,
        "outcomes": dict(tally.outcomes),
        "crashes": len(tally.crashes),
        "hangs": len(tally.hangs),
        "over_time_bound": len(tally.slow),
        "over_memory_bound": len(tally.heavy),
        "files_with_wrong_unflagged_cells": len(tally.wrong),
        "wrong_unflagged_cells": sum(len(w["cells"]) for w in tally.wrong),
        "changed_cells_flagged_by_a_check_only": tally.flagged_by_check_only,
        "cpu_seconds_per_file": {"median": quantile(0.5), "p90": quantile(0.9), "p99": quantile(0.99),
                                 "max": quantile(1.0), "mean": round(statistics.fmean(seconds), 4) if seconds else 0.0},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10,
        "cli_runs": tally.cli_runs,
        "cli_failures": len(tally.cli_failures or []),
        "by_mutation": {name: dict(counts) for name, counts in sorted(tally.by_mutation.items())},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cli-every", type=int, default=250, help="every N-th file also through the CLI (0: never)")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--save-dir", type=Path, help="write each finding's mutated file here")
    parser.add_argument("--json", type=Path, help="write the summary and every finding here")
    args = parser.parse_args()
    if not (args.corpus / "seeds").is_dir():
        parser.error(f"no corpus at {args.corpus} (set NIANBAO_CORPUS or --corpus)")
    bases = load_bases(args.corpus)
    jobs = plan(bases, args.files, args.seed)
    print(f"{len(bases)} reports, {len(jobs)} mutated files, {args.workers} worker(s)", file=sys.stderr)
    started = time.monotonic()
    tally = run(bases, jobs, args.workers, args.cli_every, args.save_dir)
    result = summary(tally, time.monotonic() - started, args.workers)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    for kind in ("crashes", "hangs", "slow", "heavy", "cli_failures", "wrong"):
        for finding in (getattr(tally, kind) or [])[:20]:
            print(f"{kind}: {json.dumps(finding, ensure_ascii=False)}")
    if args.json:
        findings = {k: getattr(tally, k) for k in ("crashes", "hangs", "slow", "heavy", "cli_failures", "wrong")}
        args.json.write_text(json.dumps({"summary": result, **findings}, ensure_ascii=False, indent=2), encoding="utf-8")
    found = tally.crashes or tally.hangs or tally.slow or tally.heavy or tally.wrong or tally.cli_failures
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
