"""Bounded work per file: each file is parsed in a worker process with a time and a memory budget.

Every door that reads files in bulk (`nianbao parse DIR`, `nianbao check DIR`, `nianbao ingest`,
web uploads) runs its per-file function through `run_each` or a `Runner`, so that one hostile
file costs at most its budget and the run goes on:

- Time: the parent gives each call `Budget.seconds` from the moment a worker starts it, then
  kills that worker (pebble replaces it) and records the file as failed.
- Memory: the worker's address space is capped with RLIMIT_AS.  An allocation beyond it raises
  MemoryError in the worker (the file fails, the worker lives on); a native library that
  aborts instead kills the worker, and that too fails only its file.
- Scans: reading a scan is OCR, seconds a page, so a file found to need it is given
  `Budget.scan_page_seconds` more a page.  The worker stops where OCR is about to begin and
  says how many pages; the parent runs the file again with the longer deadline.
- No orphans: workers get SIGKILL when the parent dies (Linux PR_SET_PDEATHSIG; elsewhere a
  thread watching the parent), so killing the main process cannot leave a worker running.

pebble supplies the pool: per-task timeouts that kill the worker, workers replaced after a
death, and a future per task (docs/dependencies.md says why not a hand-made runner).
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable, Iterable, Iterator

from pebble import ProcessExpired, ProcessPool

from .errors import internal_error_message

# The slowest file of the corpus parses in 0.1 s and a large real PDF in a few seconds; 30 s
# is far beyond any honest report yet stops a pathological one before a user gives up waiting.
DEFAULT_TIME_LIMIT = 30.0
# OCR reads a scanned page in ≈4.5 s on the 2-core AMD EPYC of docs/benchmarks.md (hongze-2023
# rasterised at 150 dpi: 5 pages in 23.5 s, process start included), and a CI machine took that
# scan past 30 s in all: an honest five-page scan was refused.  A scan gets this much more a page
# on top of the file's own limit, about four times what a page costs here.
DEFAULT_SCAN_PAGE_SECONDS = 20.0
# An annual report runs to 5–15 pages.  A scan of more pages is given time for this many (10.5
# min in all with the defaults), so that a hostile file of hundreds of blank image pages cannot
# hold a worker for an hour; `--time-limit` raises the file's own limit for a long honest scan.
SCAN_PAGES_TIMED = 30

TIME_LIMIT_HELP = (f"每个文件的时间上限（秒，默认 {DEFAULT_TIME_LIMIT:g}；扫描件每页另加 {DEFAULT_SCAN_PAGE_SECONDS:g} 秒，"
                   f"至多计 {SCAN_PAGES_TIMED} 页；0 不限）/ seconds per file (default {DEFAULT_TIME_LIMIT:g}, and "
                   f"{DEFAULT_SCAN_PAGE_SECONDS:g} more a scanned page, up to {SCAN_PAGES_TIMED} pages; 0: none)")
# A worker's address space peaks at ~300 MB once the parser and its place-name gazetteer are
# loaded, and parsing the corpus (PDFs included) does not grow it measurably; 1 GB leaves over
# twice that for large honest files while no single file can take the machine's memory.
# RLIMIT_AS counts address space, not resident memory: the ceiling of what a worker may reserve.
DEFAULT_MEMORY_LIMIT = 1024  # MB

MEMORY_LIMIT_HELP = (f"每个文件的内存上限（MB，默认 {DEFAULT_MEMORY_LIMIT}；0 不限）"
                     f"/ memory per file in MB (default {DEFAULT_MEMORY_LIMIT}; 0: none)")

# Imported by each worker before its first file, so that no file's time budget pays for them
# (with the module of the function the worker runs, given to Runner: the CLI's alone takes ~1 s).
WARM_MODULES = ("nianbao.parser", "nianbao.checks")
_PARENT_POLL = 0.5  # seconds between a watching thread's looks at its parent (non-Linux only)
# A worker whose address space has grown by more than this share of the headroom its budget left
# it at start is replaced before its next file.  The OCR engine keeps what it mapped: a 300 dpi
# page leaves a worker at ≈0.84 GB and each further scan adds more (0.93, then 1.19 GB), so a
# worker kept from file to file failed its second or third scan with bad_alloc.  Reading text
# leaves a worker where it started.
RETIRE_SHARE = 0.5
_started_mb = 0.0  # the worker's address space once warm (set by _start_worker)
_RETIRE_EXIT = 75  # EX_TEMPFAIL: the worker left on purpose; its file runs again on a fresh worker
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class Budget:
    """What one file may cost; 0 (or less) lifts that limit."""

    seconds: float = DEFAULT_TIME_LIMIT
    memory_mb: int = DEFAULT_MEMORY_LIMIT
    scan_page_seconds: float = DEFAULT_SCAN_PAGE_SECONDS

    @property
    def timeout(self) -> float | None:
        return self.seconds if self.seconds > 0 else None

    @property
    def gives_scans_time(self) -> bool:
        return self.seconds > 0 and self.scan_page_seconds > 0

    def timeout_for(self, scan_pages: int) -> float | None:
        """The deadline of a file with `scan_pages` pages to read by OCR."""
        if self.timeout is None:
            return None
        if not self.gives_scans_time:
            return self.seconds
        return self.seconds + min(scan_pages, SCAN_PAGES_TIMED) * self.scan_page_seconds

    def over_time(self, scan_pages: int = 0) -> str:
        if not scan_pages or not self.gives_scans_time:
            return f"超出时间限制（{self.seconds:g} 秒）/ over the time limit ({self.seconds:g} s)"
        total = self.timeout_for(scan_pages)
        capped, capped_en = ("", "") if scan_pages <= SCAN_PAGES_TIMED else (
            f"，至多计 {SCAN_PAGES_TIMED} 页", f", counting at most {SCAN_PAGES_TIMED}")
        return (f"超出时间限制（{total:g} 秒：{self.seconds:g} 秒，另加扫描件 {scan_pages} 页每页 "
                f"{self.scan_page_seconds:g} 秒{capped}）/ over the time limit ({total:g} s: {self.seconds:g} s and "
                f"{self.scan_page_seconds:g} s for each of {scan_pages} scanned pages{capped_en})")

    def over_memory(self) -> str:
        return f"超出内存限制（{self.memory_mb} MB）/ over the memory limit ({self.memory_mb} MB)"

    def worker_died(self, exitcode: int | None) -> str:
        how = _exit_name(exitcode)
        suspect = f"，可能超出内存限制（{self.memory_mb} MB）" if self.memory_mb > 0 else ""
        return f"解析进程意外退出（{how}）{suspect} / the parser process died ({how})"


@dataclass(frozen=True)
class Failed:
    """A file the budget stopped, or whose worker died: its reason, Chinese first."""

    reason: str


def _exit_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            pass
    return f"exit {exitcode}"


# --------------------------------------------------------------------------- worker side

# A worker is one of several processes side by side, each reading one file on one thread (the
# OCR engine runs one).  Libraries' own thread pools would multiply its address space with the
# machine's cores for nothing: numpy's OpenBLAS starts a thread a core when it is imported, and
# glibc reserves a 64 MB malloc arena for each thread that allocates.  A five-page 150 dpi scan
# reached 1.02 GB of address space on a 2-core machine with them and 0.87 GB without (the
# budget is 1 GB).  Set in the parent before its workers start, as a spawned worker's
# interpreter may import numpy before any code of ours runs there (its main module's imports).
WORKER_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                      "MALLOC_ARENA_MAX": "2"}


def _worker_environment() -> None:
    """Give the workers about to start one-thread numeric libraries and few malloc arenas (a
    value the user set is kept)."""
    for name, value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


# A parse makes tens of thousands of short-lived objects and frees nearly all of them by reference
# counting, so the collector's default first threshold (700 allocations) runs it dozens of times a
# report for little: 3.7% of the instructions of parsing the corpus's 15 text and HTML reports
# (callgrind, averaged over six passes: 543 M a pass with the default, 523 M with these; 2% for
# the baseline parser of docs/benchmarks.md).  A worker does nothing but parse.
PARSER_GC_THRESHOLDS = (10_000, 10, 10)


def tune_collector_for_parsing() -> None:
    """Collect the first generation every PARSER_GC_THRESHOLDS[0] allocations (a parsing
    worker; the throughput benchmark, to measure what the workers do)."""
    gc.set_threshold(*PARSER_GC_THRESHOLDS)


def _start_worker(parent: int, memory_mb: int, warm: tuple[str, ...]) -> None:
    """Pool initializer: die with the parent, cap the address space, tune the collector,
    import the parser."""
    _die_with_parent(parent)
    tune_collector_for_parsing()
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    for module in warm:
        importlib.import_module(module)
    from .parser import warm_up
    from .regions import gazetteer

    gazetteer()  # the parser's slow lazy loads (~1 s, then ~0.3 s): paid by the worker, not by its first file
    warm_up()
    global _started_mb
    _started_mb = _address_space_mb()


def _address_space_mb() -> float:
    """This process's mapped address space (what RLIMIT_AS caps); 0 where /proc is absent."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass(frozen=True)
class _ScanFound:
    """A worker's answer when its file turned out to need OCR for more pages than the call was
    given time for: the parent runs the call again with time for `pages`."""

    pages: int


class _StopForScanTime(BaseException):
    # A BaseException: readers that turn their own failures into "unreadable" must let it by.
    def __init__(self, pages: int):
        super().__init__(pages)
        self.pages = pages


def _in_worker(memory_mb: int, scan_pages: int | None, function: Callable[..., Any], *args: Any) -> Any:
    """Run `function(*args)` here, unless this worker has grown by more than RETIRE_SHARE of its
    headroom: then it leaves (pebble starts another) and the parent runs the call again.
    `scan_pages`: the pages OCR has time for (None: no limit to keep), past which it stops."""
    if memory_mb > 0 and _started_mb and _address_space_mb() - _started_mb > RETIRE_SHARE * (memory_mb - _started_mb):
        os._exit(_RETIRE_EXIT)
    if scan_pages is None:
        return function(*args)
    from .readers.ocr import pages_ahead

    ahead = 0

    def count(pages: int) -> None:
        nonlocal ahead
        ahead += pages
        if ahead > scan_pages:
            raise _StopForScanTime(ahead)

    try:
        with pages_ahead(count):
            return function(*args)
    except _StopForScanTime as stop:
        return _ScanFound(stop.pages)


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        # The kernel sends the signal when the thread that started us ends.  pebble starts
        # workers from the thread that opens the pool and from its manager thread, both alive
        # as long as the pool, so in practice: when the parent process ends, however it ends.
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above took effect
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL)
    os._exit(1)


# --------------------------------------------------------------------------- parent side

class Runner:
    """A pool of budgeted workers (pebble); open it once, call it for many files."""

    def __init__(self, budget: Budget, workers: int = 1, warm: tuple[str, ...] = ()):
        """`warm`: modules of the functions to be run, imported before the first call."""
        self.budget = budget
        self.workers = max(1, workers)
        _worker_environment()
        # spawn, not fork: the parent holds database connections, threads and a progress bar.
        self._pool = ProcessPool(
            max_workers=self.workers, initializer=_start_worker, initargs=(os.getpid(), budget.memory_mb, WARM_MODULES + warm),
            context=multiprocessing.get_context("spawn"),
        )
        self._closed = threading.Event()
        self._keeper = threading.Thread(target=self._keep, daemon=True, name="budget-pool")
        self._started = threading.Event()
        self._keeper.start()
        self._started.wait()

    def _keep(self) -> None:
        # pebble starts the first workers from the thread that first submits work, and a worker
        # dies with the thread that started it (see _die_with_parent).  This thread starts them
        # and lives as long as the pool, so a web request's short-lived thread never does.
        try:
            self._pool.schedule(os.getpid).result()
        finally:
            self._started.set()
        self._closed.wait()

    def submit(self, function: Callable[..., Any], *args: Any, scan_pages: int = 0) -> cf.Future:
        """Run `function(*args)` in a worker, with time for `scan_pages` pages of OCR."""
        allowed = scan_pages if self.budget.gives_scans_time else None
        future = self._pool.schedule(_in_worker, args=(self.budget.memory_mb, allowed, function, *args),
                                     timeout=self.budget.timeout_for(scan_pages))
        # to run again if its worker retires or its file is a scan
        future.call = (function, args, scan_pages)  # type: ignore[attr-defined]
        return future

    def outcome(self, future: cf.Future, retried: bool = False) -> Any:
        """The call's result, or Failed with the reason it has none."""
        function, args, scan_pages = future.call  # type: ignore[attr-defined]
        try:
            result = future.result()
        except cf.TimeoutError:
            return Failed(self.budget.over_time(scan_pages))
        except MemoryError:
            return Failed(self.budget.over_memory())
        except ProcessExpired as exc:
            if exc.exitcode == _RETIRE_EXIT and not retried:  # a fresh worker takes the file
                return self.outcome(self.submit(function, *args, scan_pages=scan_pages), retried=True)
            return Failed(self.budget.worker_died(exc.exitcode))
        except Exception as exc:  # noqa: BLE001 — the functions run here catch their own; this is the pool's
            return Failed(internal_error_message(exc))
        if isinstance(result, _ScanFound):  # more pages each time, so this ends
            return self.outcome(self.submit(function, *args, scan_pages=result.pages), retried)
        return result

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """One call, waited for: the result, or Failed."""
        return self.outcome(self.submit(function, *args))

    def map(self, function: Callable[..., Any], arguments: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        """(args, result or Failed) per call, in the order given; a few calls per worker in
        flight, so a long stream of files never sits in memory at once."""
        window = 2 * self.workers
        pending: deque[tuple[tuple, cf.Future]] = deque()
        for args in arguments:
            pending.append((args, self.submit(function, *args)))
            if len(pending) >= window:
                first, future = pending.popleft()
                yield first, self.outcome(future)
        while pending:
            first, future = pending.popleft()
            yield first, self.outcome(future)

    def close(self) -> None:
        # stop(), not close(): a worker still busy past its budget must not hold the exit up.
        self._pool.stop()
        self._pool.join()
        self._closed.set()

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_each(function: Callable[..., Any], arguments: Iterable[tuple], budget: Budget,
             workers: int = 1) -> Iterator[tuple[tuple, Any]]:
    """`function(*args)` for each args in budgeted workers: (args, result or Failed), in order.
    No work, no workers: a re-run that skips every file does not pay for starting them."""
    remaining = iter(arguments)
    first = next(remaining, None)
    if first is None:
        return
    with Runner(budget, workers, warm=(function.__module__,)) as runner:
        yield from runner.map(function, chain([first], remaining))
