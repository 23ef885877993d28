"""Benchmark: Monte Carlo of a 1,000-commitment scenario over 10 years.

Prints medians over repeats for `simulate` (10,000 draws, chunked), its peak traced
memory for two chunk sizes, and two baselines measured in the same run: the unchunked
engine on all draws at once (small case, to show memory grows with draws x commitments)
and one central projection repeated in a loop (the per-draw cost without vectorising).

    python benchmarks/bench_simulate.py [--draws N] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from budget.engine import compile_plan, compute
from budget.sampling import random_values
from budget.scenario import read_scenario
from budget.simulate import simulate

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


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float, list[float]]:
    """Median wall and CPU seconds over `repeats` runs, and the wall times."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
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

    for workers in (1, 2):
        wall, cpu, walls = timed(
            lambda w=workers: simulate(scenario, d, 1, workers=w), args.repeats
        )
        runs = ", ".join(f"{t:.2f}" for t in walls)
        print(
            f"simulate, {workers} worker(s), default chunks: median {wall:.2f} s wall, "
            f"{cpu:.2f} s CPU (runs: {runs})"
        )
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
