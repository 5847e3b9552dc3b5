"""Cutting fused digit runs under the row's own sums: the same readings as listing
every cut and filtering, found without listing them, and bounded however long the run."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.split import MAX_ROW_READINGS, Token, _count_readings, row_candidates

ROW_TOTAL = ((1, 1, 1, 1, 1, 1, -1),)  # six applicant columns, then 总计
T4_FLAT = tuple(tuple(1 if j // 5 == g and j % 5 < 4 else (-1 if j == g * 5 + 4 else 0) for j in range(15))
                for g in range(3))  # three groups of four results and their 总计


def holds(values, equations) -> bool:
    return all(sum(c * v for c, v in zip(eq, values)) == 0 for eq in equations)


def values(readings) -> list[list[int]]:
    return sorted([p.value for p in r] for r in readings)


def every_reading(runs: list[str], columns: int) -> list[list[int]]:
    """Brute force: every cut of every run into numbers without leading zeros."""
    def cuts(text: str, parts: int):
        if parts == 1:
            return [[text]] if text == "0" or not text.startswith("0") else []
        return [[text[:i], *rest] for i in range(1, len(text)) if text[:i] == "0" or not text.startswith("0")
                for rest in cuts(text[i:], parts - 1)]
    out = []
    for parts in itertools.product(*(range(1, len(run) + 1) for run in runs)):
        if sum(parts) == columns:
            for combo in itertools.product(*(cuts(run, k) for run, k in zip(runs, parts))):
                out.append([int(x) for piece in combo for x in piece])
    return out


def tokens_of(runs: list[str]) -> list[Token]:
    out, position = [], 0
    for run in runs:
        out.append(Token(run, position, position + len(run)))
        position += len(run) + 1
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=6, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6))
def test_row_sum_readings_are_exactly_the_filtered_cuts(cells, breaks):
    row = [*cells, sum(cells)]
    digits = [str(v) for v in row]
    runs, current = [], ""
    for i, text in enumerate(digits):
        current += text
        if i < 6 and breaks[i]:
            runs.append(current)
            current = ""
    runs.append(current)
    tokens = tokens_of(runs)
    fast = values(row_candidates(tokens, 7, equations=ROW_TOTAL))
    every = sorted(v for v in every_reading(runs, 7) if holds(v, ROW_TOTAL))
    assert fast == every
    assert row in fast


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=12, max_size=12))
def test_table_four_in_one_run_is_cut_under_its_three_group_totals(results):
    row = []
    for g in range(3):
        group = results[g * 4:(g + 1) * 4]
        row += [*group, sum(group)]
    tokens = tokens_of(["".join(str(v) for v in row)])
    readings = values(row_candidates(tokens, 15, equations=T4_FLAT))
    assert row in readings
    assert all(holds(r, T4_FLAT) for r in readings)


def test_a_forty_digit_run_is_not_enumerated():
    # C(39, 6) ≈ 3.3 million cuts: far past the cap, so without sums nothing is listed
    # (the row stays uncertain) instead of every cut being built.
    run = "1234567891" * 4
    tokens = tokens_of([run])
    assert _count_readings(tokens, 7) > MAX_ROW_READINGS
    assert row_candidates(tokens, 7) == []
    readings = row_candidates(tokens, 7, equations=ROW_TOTAL)
    assert all(holds([p.value for p in r], ROW_TOTAL) for r in readings)


def test_pieces_point_back_to_the_printed_digits():
    tokens = tokens_of(["230", "000023"])
    (reading,) = row_candidates(tokens, 7, equations=ROW_TOTAL)
    assert [p.value for p in reading] == [23, 0, 0, 0, 0, 0, 23]
    assert [(p.start, p.end) for p in reading] == [(0, 2), (2, 3), (4, 5), (5, 6), (6, 7), (7, 8), (8, 10)]
