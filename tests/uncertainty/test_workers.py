"""Chunks run a few at a time, in processes or on threads: the same results and sums."""

from __future__ import annotations

import os

import numpy as np
import pytest

from budget.uncertainty import workers
from budget.uncertainty.workers import WorkerFailed, run_chunks


def square_and_add(i: int) -> tuple[int, list]:
    """A chunk: i squared, and i to be added to row i % 3 (twice: once to column 1)."""
    return i * i, [((i % 3,), np.full(4, i, dtype=np.int64)), ((i % 3, 1), np.int64(i))]


def expected_sums(count: int) -> np.ndarray:
    sums = np.zeros((3, 4), dtype=np.int64)
    for i in range(count):
        sums[i % 3] += i
        sums[i % 3, 1] += i
    return sums


@pytest.fixture(params=["processes", "threads"])
def mode(request, monkeypatch):
    if request.param == "threads":
        monkeypatch.setattr(workers, "can_fork", lambda: False)
    elif not workers.can_fork():
        pytest.skip("forked processes need Linux and no other thread")
    return request.param


@pytest.mark.parametrize("count, n", [(1, 2), (7, 1), (7, 2), (20, 3), (0, 2)])
def test_every_chunk_runs_once_and_the_sums_add_up(mode, count, n):
    sums = np.zeros((3, 4), dtype=np.int64)
    sums[0, 0] = 5  # added to, not replaced
    results: dict[int, int] = {}

    def keep(i: int, result: int) -> None:
        assert i not in results
        results[i] = result

    run_chunks(count, square_and_add, sums, n, keep)
    assert results == {i: i * i for i in range(count)}
    expected = expected_sums(count)
    expected[0, 0] += 5
    assert np.array_equal(sums, expected)


def test_a_failing_chunk_stops_the_run(mode):
    def fail_at_four(i: int) -> tuple[int, list]:
        if i == 4:
            raise ValueError("chunk four")
        return i, []

    expected = WorkerFailed if mode == "processes" else ValueError
    with pytest.raises(expected, match="chunk four"):
        run_chunks(10, fail_at_four, np.zeros(1, dtype=np.int64), 2, lambda i, r: None)


def test_a_worker_process_that_dies_is_reported():
    if not workers.can_fork():
        pytest.skip("forked processes need Linux and no other thread")

    def die(i: int) -> tuple[int, list]:
        os._exit(3)

    with pytest.raises(WorkerFailed, match="stopped unexpectedly"):
        run_chunks(4, die, np.zeros(1, dtype=np.int64), 2, lambda i, r: None)
