"""Parsing on a Dask worker within the per-file budget (budget.py), as the process-pool path does.

A Dask task receives a chunk of files and parses each one in a budgeted worker process of its
own machine: a file over its time or memory budget, or whose process dies, comes back failed
with its reason (not stored, like the process-pool path: ingest.py), and the chunk goes on.
Each Dask worker process keeps one pool per budget for all its tasks, so the parser is loaded
once per machine, not once per chunk.

Dask runs its workers as daemonic processes, which Python's multiprocessing forbids to start
children: the rule keeps a daemon from leaving orphans when it is terminated.  Budget workers
cannot be orphaned (they are killed with their parent: budget._die_with_parent), so the flag
is lifted for the Dask worker process before its pool starts.
"""

from __future__ import annotations

import multiprocessing
import threading

from ..budget import Budget, Runner
from .ingest import Item, Parsed, outcome_parsed, parse_item

_RUNNERS: dict[Budget, Runner] = {}
_LOCK = threading.Lock()


def parse_chunk_within(items: list[Item], budget: Budget) -> list[Parsed]:
    """The Dask task: each file of the chunk parsed within `budget`."""
    runner = _runner(budget)
    return [outcome_parsed(item, outcome) for (item,), outcome in runner.map(parse_item, ((item,) for item in items))]


def _runner(budget: Budget) -> Runner:
    with _LOCK:  # a Dask worker with several threads runs several tasks at once
        runner = _RUNNERS.get(budget)
        if runner is None:
            # Private, but the only switch: see the module docstring for why it is safe here.
            multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
            runner = _RUNNERS[budget] = Runner(budget, _threads(), warm=(parse_item.__module__,))
        return runner


def _threads() -> int:
    """As many budget workers as the Dask worker runs tasks at once."""
    try:
        from distributed import get_worker

        return max(1, get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return 1
