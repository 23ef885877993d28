"""Benchmark: Monte Carlo of a 1,000-commitment scenario over 10 years.

Prints, as medians over repeats, the CPU seconds of each stage of `simulate` (10,000
draws, chunked; draw, compute, split, statistics, gather) beside its floor in the same
run: the same draws, rules and statistics (mean, P5, P50, P95 per commitment-year and
funder-year) written in bare numpy for this scenario only; then the wall and CPU seconds
of `simulate` on 1 and 2 workers, with the load average before and after. Then (unless
--stages) linear growth (CPU seconds per 1,000 draws at --draws / 4 and --draws), peak
traced memory for chunk sizes, and two baselines: the unchunked engine on all draws at
once (small case, to show memory grows with draws x commitments) and one central
projection repeated in a loop.

    python benchmarks/bench_simulate.py [--draws N] [--repeats R] [--stages]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from budget.core.model import Scenario
from budget.engine.compute import compute
from budget.engine.plan import compile_plan
from budget.load import read_scenario
from budget.uncertainty.sampling import random_values
from budget.uncertainty.simulate import simulate
from budget.uncertainty.workers import can_fork

# The module (the package's `budget.uncertainty.simulate` is the function).
SIMULATE = sys.modules["budget.uncertainty.simulate"]

FIRST, LAST = 2020, 2029


def scenario_text(commitments: int = 1000) -> str:
    """A scenario mixing every kind; every top-up and annual amount is uncertain.

    Per 10 commitments: 4 top-ups with a uniform shortfall (two funders, 1/2 each),
    3 indexed annual payments with a triangular amount, 1 grant, and 1 recipient with a
    fixed annual payment ranked before a derived top-up (normal costs, choice income).
    """
    lines = [
        "[scenario]",
        'name = "bench"',
        f"first_year = {FIRST}",
        f"last_year = {LAST}",
    ]
    for f in range(5):
        lines += [f"[funders.F{f}]", f'name = "Funder {f}"']
    body: list[str] = []
    recipients: list[str] = []
    for i in range(commitments // 10):
        for j in range(4):
            body += [
                "[[commitments]]",
                f'id = "t{i}-{j}"',
                'kind = "top_up"',
                f'recipient = "R{i}"',
                f'funders = {{ F{i % 5} = "1/2", F{(i + 1) % 5} = "1/2" }}',
                f"first_year = {FIRST}",
                f"last_year = {LAST}",
                'cap = "67600.00"',
                'shortfall = { dist = "uniform", low = "0", high = "100000" }',
            ]
        for j in range(3):
            body += [
                "[[commitments]]",
                f'id = "a{i}-{j}"',
                'kind = "annual"',
                f'recipient = "R{i}"',
                f'funders = {{ F{(i + j) % 5} = "1" }}',
                f"first_year = {FIRST}",
                f"last_year = {LAST}",
                'amount = { dist = "triangular", low = "80000", mode = "100000", high = "150000" }',
                'indexation = "0.02"',
            ]
        body += [
            "[[commitments]]",
            f'id = "g{i}"',
            'kind = "grant"',
            f'recipient = "R{i}"',
            f'funders = {{ F{i % 5} = "1/3", F{(i + 2) % 5} = "2/3" }}',
            'total = "2000000.00"',
            f"start = {FIRST}-04-01",
            f"end = {LAST}-07-01",
        ]
        body += [
            "[[commitments]]",
            f'id = "m{i}"',
            'kind = "annual"',
            f'recipient = "W{i}"',
            f'funders = {{ F{i % 5} = "1" }}',
            f"first_year = {FIRST}",
            f"last_year = {LAST}",
            'amount = "20000"',
            "[[commitments]]",
            f'id = "w{i}"',
            'kind = "top_up"',
            f'recipient = "W{i}"',
            f'funders = {{ F{(i + 3) % 5} = "1" }}',
            "priority = 1",
            f"first_year = {FIRST}",
            f"last_year = {LAST}",
            'cap = "50000"',
        ]
        recipients += [f"[recipients.R{i}]", f'name = "R{i}"']
        recipients += [
            f"[recipients.W{i}]",
            f'name = "W{i}"',
            'costs = { dist = "normal", mean = "60000", sd = "15000" }',
            'income = { dist = "choice", values = ["0", "25000"], p = ["0.7", "0.3"] }',
        ]
    limits: list[str] = []
    for f in range(5):
        limits += ["[[limits]]", f'funder = "F{f}"', 'basis = "cash"', 'max = "30000000"']
    return "\n".join(lines + recipients + body + limits) + "\n"


STAGES = ("draw", "compute", "split", "statistics", "gather")


class Clock:
    """CPU seconds per stage, each stage's own (a stage called inside another is not
    counted twice), per thread (time.thread_time)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._local = threading.local()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        stack: list[float] = self._local.__dict__.setdefault("stack", [])
        start = time.thread_time()
        stack.append(0.0)
        try:
            yield
        finally:
            spent = time.thread_time() - start
            self.seconds[name] += spent - stack.pop()
            if stack:
                stack[-1] += spent

    def timed(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return fn(*args, **kwargs)

        return run


# The functions of each stage of `simulate`, as its module names them; the rest of its
# time (compiling the plan and each chunk's plan, collecting pieces, building tables) is
# gather.
SIMULATE_STAGES = {
    "draw": ("random_values",),
    "compute": ("compute",),
    "split": ("split_commitments", "sum_by_funder", "draws_last"),
    "statistics": ("_bands", "mean_half_away", "band_stats"),
}


def simulate_stages(scenario: Scenario, draws: int) -> dict[str, float]:
    """CPU seconds of each stage of one run of simulate (1 worker)."""
    clock = Clock()
    with contextlib.ExitStack() as patches:
        for stage, names in SIMULATE_STAGES.items():
            for name in names:
                fn = getattr(SIMULATE, name)
                patches.enter_context(mock.patch.object(SIMULATE, name, clock.timed(stage, fn)))
        with clock.stage("gather"):
            simulate(scenario, draws, 1, workers=1)
    return dict(clock.seconds)


def bare_numpy(draws: int, commitments: int = 1000, seed: int = 1) -> dict[str, float]:
    """The floor: this scenario's draws, rules and statistics in plain numpy, 100
    commitments at a time (the same memory bound as simulate's chunks). CPU seconds per
    stage."""
    clock = Clock()
    rng = np.random.default_rng(seed)
    years = LAST - FIRST + 1
    growth = 1.02 ** np.arange(years)
    ks = [max(-(-draws * p // 100) - 1, 0) for p in (5, 50, 95)]
    totals = np.zeros((draws, 5, years), dtype=np.int64)

    def stats(values: np.ndarray) -> None:
        with clock.stage("statistics"):
            flat = values.reshape(draws, -1)
            flat.sum(axis=0)
            np.partition(np.ascontiguousarray(flat.T), ks, axis=1)

    for _ in range(commitments // 100):
        with clock.stage("draw"):
            shortfall = rng.integers(0, 10_000_000, size=(draws, 40, years), endpoint=True)
            amount = rng.triangular(8e6, 1e7, 1.5e7, size=(draws, 30, years))
            normal = rng.normal(6e6, 1.5e6, (draws, 10, years))
            choice = rng.integers(0, 10, (draws, 10, years))
        with clock.stage("compute"):
            top_up = np.minimum(shortfall, 6_760_000)
            annual = np.floor(amount * growth + 0.5).astype(np.int64)
            costs = np.maximum(np.floor(normal + 0.5), 0)
            income = np.where(choice < 7, 0, 2_500_000)
            derived = np.clip(costs.astype(np.int64) - income - 2_000_000, 0, 5_000_000)
        with clock.stage("split"):
            half = top_up >> 1
            halves = np.concatenate([top_up - half, half], axis=1)
        stats(halves)
        stats(annual)
        stats(derived)
        with clock.stage("gather"):
            totals[:, 0] += top_up.sum(axis=1) + annual.sum(axis=1)
            totals[:, 1] += derived.sum(axis=1)
    stats(totals)
    return dict(clock.seconds)


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {stage: statistics.median(run.get(stage, 0.0) for run in runs) for stage in STAGES}


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float, list[float]]:
    """Median wall and CPU seconds over `repeats` runs, and the wall times."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), cpu_seconds()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus), walls


def peak_mib(fn: Callable[[], object]) -> float:
    """Peak memory that numpy and Python allocate while `fn` runs (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--commitments", type=int, default=1000)
    parser.add_argument("--stages", action="store_true", help="only the stages and workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(scenario_text(args.commitments))
        scenario, problems = read_scenario(path)
        assert scenario is not None, problems
    n, d = len(scenario.commitments), args.draws
    print(
        f"scenario: {n:,} commitments, {FIRST}-{LAST}, {d:,} draws, seed 1, {os.cpu_count()} CPUs"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")

    floor = medians([bare_numpy(d, n) for _ in range(args.repeats)])
    stages = medians([simulate_stages(scenario, d) for _ in range(args.repeats)])
    print(f"stages, CPU seconds (medians of {args.repeats}; simulate with 1 worker):")
    print(f"  {'stage':<12}{'simulate':>10}{'floor':>10}")
    for stage in STAGES:
        print(f"  {stage:<12}{stages[stage]:>10.2f}{floor[stage]:>10.2f}")
    print(f"  {'total':<12}{sum(stages.values()):>10.2f}{sum(floor.values()):>10.2f}")
    print("  (floor: the same draws, rules and statistics in bare numpy, one generator;")
    print("   simulate's gather: the plan and each chunk's plan, collecting, the tables)")
    way = "forked processes" if can_fork() else "threads"
    print(f"workers run as {way} (budget.uncertainty.workers); CPU includes the workers'")
    for workers in (1, 2):
        wall, cpu, walls = timed(
            lambda w=workers: simulate(scenario, d, 1, workers=w), args.repeats
        )
        runs = ", ".join(f"{t:.2f}" for t in walls)
        print(
            f"simulate, {workers} worker(s), default chunks: median {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU (runs: {runs})"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.stages:
        return
    print("linear growth with the draws (1 worker, CPU seconds per 1,000 draws):")
    for count in (max(1, d // 4), d):
        _, cpu, _ = timed(lambda c=count: simulate(scenario, c, 1, workers=1), 1)
        print(f"  {count:>9,} draws: {cpu:.2f} s CPU, {cpu / count * 1000:.3f} s per 1,000")
    for chunk in (5, 20, 80):
        wall, _, _ = timed(lambda c=chunk: simulate(scenario, d, 1, chunk=c, workers=1), 1)
        mib = peak_mib(lambda c=chunk: simulate(scenario, d, 1, chunk=c, workers=1))
        print(
            f"simulate, 1 worker, chunk={chunk} commitments: {wall:.2f} s, "
            f"peak traced memory {mib:.0f} MiB"
        )

    plan = compile_plan(scenario)
    small = max(1, d // 10)

    def unchunked() -> None:
        compute(plan, random_values(plan, 1, small))

    mib = peak_mib(unchunked)
    wall, _, _ = timed(unchunked, args.repeats)
    print(
        f"baseline: the engine alone on all {small:,} draws at once (no funder split, no "
        f"statistics): median {wall:.2f} s, peak {mib:.0f} MiB "
        f"(x{d // small} for {d:,} draws: about {mib * d / small / 1024:.1f} GiB)"
    )

    loops = 50
    wall, _, _ = timed(lambda: [compute(plan) for _ in range(loops)], args.repeats)
    print(
        f"baseline: one central projection repeated in a loop: {wall / loops * 1000:.1f} ms "
        f"each, so {d:,} draws would take about {wall / loops * d:.0f} s"
    )


if __name__ == "__main__":
    main()
