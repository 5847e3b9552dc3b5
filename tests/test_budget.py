"""Per-file budgets (budget.py): time, memory, dying workers, no orphans, and the bulk commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nianbao.budget import Budget, Failed, Runner, run_each


# Functions the workers run: module-level, so a spawned worker can import them.


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "awake"


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def pid() -> int:
    return os.getpid()


def read_a_scan(pages: int, seconds_a_page: float, before: float = 0.0) -> str:
    """A file whose reading sleeps `before`, then OCRs `pages` pages of `seconds_a_page` each."""
    from nianbao.readers import ocr

    time.sleep(before)
    ocr.about_to_read(pages)
    time.sleep(pages * seconds_a_page)
    return f"read {pages} pages"


def collector_thresholds() -> tuple[int, int, int]:
    import gc

    return gc.get_threshold()


def test_a_worker_collects_garbage_as_a_parser_needs():
    """A worker only parses: its collector runs every PARSER_GC_THRESHOLDS[0] allocations, not
    Python's default 700 (4% more instructions parsing text), and the parent keeps its own."""
    import gc

    from nianbao.budget import PARSER_GC_THRESHOLDS

    before = gc.get_threshold()
    with Runner(Budget(seconds=30, memory_mb=0)) as runner:
        assert runner.call(collector_thresholds) == PARSER_GC_THRESHOLDS
    assert gc.get_threshold() == before


def test_over_time_fails_the_call_and_the_next_one_runs():
    with Runner(Budget(seconds=1, memory_mb=0)) as runner:
        started = time.monotonic()
        outcome = runner.call(sleep_for, 60)
        assert time.monotonic() - started < 20, "the worker must be stopped at its deadline"
        assert outcome == Failed("超出时间限制（1 秒）/ over the time limit (1 s)")
        assert runner.call(sleep_for, 0) == "awake"


def test_a_scan_gets_more_time_by_its_pages():
    """A file found to need OCR runs again with `scan_page_seconds` more a page: an honest scan
    of a few pages is read where the file's own limit alone would have refused it."""
    with Runner(Budget(seconds=1, memory_mb=0, scan_page_seconds=2)) as runner:
        assert runner.call(read_a_scan, 3, 0.6) == "read 3 pages"  # 1.8 s of OCR, 7 s given
        assert runner.call(sleep_for, 1.8) == Failed("超出时间限制（1 秒）/ over the time limit (1 s)")


def test_a_scan_over_its_pages_time_is_stopped_and_says_so():
    with Runner(Budget(seconds=1, memory_mb=0, scan_page_seconds=0.5)) as runner:
        started = time.monotonic()
        outcome = runner.call(read_a_scan, 2, 30)
        assert time.monotonic() - started < 20, "the worker must be stopped at its deadline"
        assert outcome == Failed("超出时间限制（2 秒：1 秒，另加扫描件 2 页每页 0.5 秒）"
                                 "/ over the time limit (2 s: 1 s and 0.5 s for each of 2 scanned pages)")
        # What a file does before OCR still counts against its own limit.
        assert isinstance(runner.call(read_a_scan, 1, 0, 5), Failed)


def test_a_long_scan_is_given_time_for_thirty_pages_at_most():
    """A file of hundreds of image pages must not hold a worker for an hour."""
    from nianbao.budget import SCAN_PAGES_TIMED

    budget = Budget(seconds=30, scan_page_seconds=20)
    assert budget.timeout_for(5) == 130 and budget.timeout_for(SCAN_PAGES_TIMED) == 630
    assert budget.timeout_for(400) == 30 + SCAN_PAGES_TIMED * 20
    assert "400 页每页 20 秒，至多计 30 页" in budget.over_time(400)
    assert Budget(seconds=0).timeout_for(400) is None


def test_no_time_for_scans_keeps_the_files_limit():
    with Runner(Budget(seconds=1, memory_mb=0, scan_page_seconds=0)) as runner:
        assert runner.call(read_a_scan, 3, 0.6) == Failed("超出时间限制（1 秒）/ over the time limit (1 s)")
    with Runner(Budget(seconds=0, memory_mb=0)) as runner:  # no limit: nothing to stop for
        assert runner.call(read_a_scan, 3, 0.1) == "read 3 pages"


def test_over_memory_fails_the_call_and_the_worker_lives_on():
    with Runner(Budget(seconds=0, memory_mb=400)) as runner:
        first = runner.call(pid)
        assert runner.call(allocate, 600) == Failed("超出内存限制（400 MB）/ over the memory limit (400 MB)")
        assert runner.call(allocate, 50) == 50 * 1024 * 1024
        assert runner.call(pid) == first


def test_a_dying_worker_fails_its_call_not_the_run():
    outcomes = [outcome for _, outcome in run_each(_call, [(pid,), (die,), (pid,)], Budget(seconds=30))]
    assert isinstance(outcomes[0], int) and isinstance(outcomes[2], int)
    assert isinstance(outcomes[1], Failed) and "SIGKILL" in outcomes[1].reason and "解析进程意外退出" in outcomes[1].reason


def _call(function):
    return function()


def test_no_work_starts_no_worker():
    started = time.monotonic()
    assert list(run_each(pid, [], Budget())) == []
    # Starting a worker (a fresh interpreter importing the parser and its gazetteer) takes over a second.
    assert time.monotonic() - started < 0.3


_ORPHAN_SCRIPT = textwrap.dedent("""
    import sys, time
    from nianbao.budget import Budget, Runner
    from tests.test_budget import pid, sleep_for
    runner = Runner(Budget(seconds=600))
    print(runner.call(pid), flush=True)
    runner.call(sleep_for, 600)
""")


def _alive(process_id: int) -> bool:
    try:
        state = Path(f"/proc/{process_id}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie nobody reaped has ended all the same


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_parent_leaves_no_worker(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).parent.parent)
    try:
        worker = int(parent.stdout.readline())
        assert _alive(worker)
        parent.kill()  # SIGKILL: no clean-up code runs in the parent
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), "the worker outlived its parent"
    finally:
        parent.kill()


def test_parse_folder_fails_the_file_over_memory_and_goes_on(run_cli, folder_with_a_huge_file):
    result = run_cli("parse", folder_with_a_huge_file, "--memory-limit", "400")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and '"source": "a-report.txt"' in lines[0]
    assert '"error": "超出内存限制（400 MB）' in lines[1]
    assert "无法读取 1" in result.stderr


def test_check_folder_fails_the_file_over_time_and_goes_on(run_cli, folder_with_a_huge_file):
    result = run_cli("check", folder_with_a_huge_file, "--time-limit", "1", "--memory-limit", "0", "-f", "jsonl")
    assert result.returncode == 2, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and '"agency": "平潭综合实验区"' in lines[0]
    assert "超出时间限制（1 秒）" in lines[1] and "b-huge.txt" in lines[1]


def test_a_web_upload_over_budget_is_refused_and_the_next_is_stored(tmp_path, folder_with_a_huge_file):
    from nianbao.errors import UnreadableInput
    from nianbao.web.storage import WebStore

    store = WebStore(str(tmp_path / "web.db"), budget=Budget(seconds=0, memory_mb=400))
    try:
        with pytest.raises(UnreadableInput, match="超出内存限制（400 MB）") as refused:
            store.ingest((folder_with_a_huge_file / "b-huge.txt").read_bytes(), "b-huge.txt")
        assert refused.value.message.count("超出内存限制") == 1  # said once, Chinese then English
        report_id, duplicate = store.ingest((folder_with_a_huge_file / "a-report.txt").read_bytes(), "a-report.txt")
        assert not duplicate and store.get(report_id).agency == "平潭综合实验区"
        assert store.count() == 1  # the refused file left no row
    finally:
        store.close()


_MAPPED: list = []


def map_and_pid(megabytes: int) -> int:
    """Grow this worker's address space as the OCR engine does (kept mapped), and say who ran."""
    import mmap

    _MAPPED.append(mmap.mmap(-1, megabytes * 1024 * 1024))
    return os.getpid()


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="address space read from /proc")
def test_a_worker_grown_past_half_its_budget_is_replaced_before_its_next_file():
    with Runner(Budget(seconds=60, memory_mb=1024)) as runner:
        grown = runner.call(map_and_pid, 600)
        assert isinstance(grown, int)
        fresh = runner.call(pid)  # runs, on a new worker, instead of failing for want of memory
        assert isinstance(fresh, int) and fresh != grown
        assert runner.call(pid) == fresh  # a small worker is kept


def test_a_library_failure_reaches_people_as_one_line_without_its_stack(monkeypatch):
    """A native library's exception may carry its whole stack in its text (onnxruntime's
    bad_alloc did): the file's failure says what happened in one line."""
    from nianbao.store.ingest import Item, parse_item

    stack = "Traceback (most recent call last):\n  File \"ocr.py\", line 1\n" * 20

    def out_of_memory(data, name):
        raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : std::bad_alloc\n" + stack)

    def broken(data, name):
        raise ValueError("bad cell\n" + stack)

    monkeypatch.setattr("nianbao.parser.parse_bytes", out_of_memory)
    failed = parse_item(Item(name="a.png", path="", sha256="0" * 64, data=b"x"))
    assert failed.error.startswith("解析失败（内存不足") and "\n" not in failed.error
    monkeypatch.setattr("nianbao.parser.parse_bytes", broken)
    failed = parse_item(Item(name="a.txt", path="", sha256="0" * 64, data=b"x"))
    assert failed.error == "解析失败（内部错误 ValueError: bad cell）/ internal error"
