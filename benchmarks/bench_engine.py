"""Engine benchmark: load and project N commitments over 10 years, beside its floors.

    python benchmarks/bench_engine.py [--commitments 100000] [--repeats 5] [--million]

Prints medians over the repeats for loading (TOML parse + validation, and the commitments'
columns that the loader makes for the engine) and projection, and
each stage of the projection (compile, compute, funder split and tidy DataFrame) beside
its floor in the same run: the bare numpy arithmetic of the same rules on arrays of the
same shape. Then peak memory at several sizes, the same rules computed by the plain
per-commitment loop of tests/reference.py, and with --million a projection of 1,000,000
commitments (the scenario repeated), with its user and system CPU time.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import budget  # noqa: E402
from budget.kinds.table import commitment_table  # noqa: E402
from budget.load import load_scenario  # noqa: E402


def scenario_text(n: int, seed: int = 7) -> str:
    """A scenario of n commitments: a mix of the three kinds, one to three funders each."""
    import random

    rng = random.Random(seed)
    out = [
        '[scenario]\nname = "bench"\nfirst_year = 2020\nlast_year = 2029\n',
        '[funders.A]\nname = "A"\n[funders.B]\nname = "B"\n[funders.C]\nname = "C"\n',
    ]
    recipients = max(1, n // 10)
    for r in range(recipients):
        out.append(
            f'[recipients.R{r}]\nname = "R{r}"\ncosts = "{rng.randint(1, 10**6)}.00"\n'
            f'income = "{rng.randint(0, 10**5)}.00"\n'
        )
    funders = [
        '{ A = "1" }',
        '{ A = "1/2", B = "1/2" }',
        '{ A = "1/3", B = "1/3", C = "1/3" }',
        '{ B = "0.25", C = "0.75" }',
    ]
    for i in range(n):
        first = rng.randint(2020, 2026)
        last = rng.randint(first, 2029)
        head = (
            f'[[commitments]]\nid = "c{i}"\nrecipient = "R{rng.randrange(recipients)}"\n'
            f"funders = {rng.choice(funders)}\n"
        )
        kind = i % 3
        if kind == 0:
            shortfall = "" if rng.random() < 0.5 else f'shortfall = "{rng.randint(0, 10**6)}.50"\n'
            out.append(
                head + f'kind = "top_up"\nfirst_year = {first}\nlast_year = {last}\n'
                f'cap = "{rng.randint(1, 10**6)}.00"\n{shortfall}'
            )
        elif kind == 1:
            rate = rng.choice(['"0"', '"0.02"', '"0.015"'])
            out.append(
                head + f'kind = "annual"\nfirst_year = {first}\nlast_year = {last}\n'
                f'amount = "{rng.randint(1, 10**7)}.25"\nindexation = {rate}\n'
            )
        else:
            month = rng.randint(1, 12)
            alloc = rng.choice(['"days"', '"months"'])
            out.append(
                head + f'kind = "grant"\ntotal = "{rng.randint(1, 10**9)}.01"\n'
                f"start = {first}-{month:02d}-01\nend = {last + 1}-{month:02d}-15\n"
                f"allocation = {alloc}\n"
            )
    return "\n".join(out)


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def bare_floor(n: int, years: int = 10) -> dict[str, float]:
    """The floor of each stage: the rules' arithmetic in bare numpy on (n, years) arrays."""
    import numpy as np

    rng = np.random.default_rng(1)
    cap = rng.integers(1, 10**8, (n, 1))
    shortfall = rng.integers(0, 10**8, (n, years))
    active = rng.random((n, years)) < 0.55
    out = {}
    start = time.process_time()
    # compile: the columns a plan holds (spans, codes, members)
    first, last = rng.integers(0, years, n), rng.integers(0, years, n)
    spans = (np.arange(years)[None, :] >= first[:, None]) & (np.arange(years) <= last[:, None])
    rank = np.lexsort((np.arange(n), rng.integers(0, 10, n), rng.integers(0, n // 10, n)))
    out["compile"] = time.process_time() - start
    start = time.process_time()
    top_up = np.where(active, np.minimum(cap, np.maximum(shortfall, 0)), 0)
    annual = np.floor(shortfall * 1.02 + 0.5).astype(np.int64)
    total = shortfall.sum(axis=1)
    grant = np.floor_divide(shortfall * 7, 11) + (top_up + annual + total[:, None]) % 3
    out["compute"] = time.process_time() - start
    start = time.process_time()
    half = top_up >> 1
    parts = np.stack([top_up - half, half], axis=1)
    out["split"] = time.process_time() - start
    start = time.process_time()
    keep = np.repeat(active[:, None, :], 2, axis=1)
    at = np.flatnonzero(np.repeat(keep, 2, axis=1))
    amounts = np.repeat(parts, 2, axis=1).reshape(-1)[at]
    member, within = np.divmod(at, 4 * years)
    out["tidy"] = time.process_time() - start
    assert len(amounts) == len(member) == len(within) and spans.shape == grant.shape
    assert len(rank) == n
    return out


def stages(scenario, repeats: int) -> dict[str, float]:
    """Median CPU seconds of each stage of budget.project."""
    from budget.engine.compute import compute
    from budget.engine.plan import compile_plan
    from budget.engine.projection import tidy

    times: dict[str, list[float]] = {"compile": [], "compute": [], "split + tidy": []}
    for _ in range(repeats):
        gc.collect()
        a = time.process_time()
        plan = compile_plan(scenario)
        b = time.process_time()
        result = compute(plan)
        c = time.process_time()
        tidy(plan, result)
        d = time.process_time()
        times["compile"].append(b - a)
        times["compute"].append(c - b)
        times["split + tidy"].append(d - c)
    return {k: statistics.median(v) for k, v in times.items()}


def peak_memory(fn) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--baseline",
        type=int,
        default=10_000,
        help="commitments for the plain-loop baseline (it is slow)",
    )
    parser.add_argument("--million", action="store_true", help="also 1,000,000 commitments")
    args = parser.parse_args()
    n = args.commitments
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(scenario_text(n))
        load_s, scenario = median_time(lambda: load_scenario(path), max(1, args.repeats // 2))
        project_s, rows = median_time(lambda: budget.project(scenario), args.repeats)
        print(f"engine: {n:,} commitments, 10 years, {len(rows):,} tidy rows")
        from budget.kinds.table import CommitmentTable

        table_s, _ = median_time(lambda: CommitmentTable.of(scenario), args.repeats)
        print(f"  load (TOML + validation), median: {load_s:8.3f} s")
        print(f"    of which the commitments' columns (budget/kinds/table.py): {table_s:8.3f} s")
        print(f"  projection incl. DataFrame, median: {project_s:8.3f} s wall")
        floor = bare_floor(n)
        measured = stages(scenario, args.repeats)
        print("  stages, median CPU s (floor: the bare numpy arithmetic of the stage):")
        floors = [floor["compile"], floor["compute"], floor["split"] + floor["tidy"]]
        for (name, seconds), bare in zip(measured.items(), floors, strict=True):
            print(f"    {name:<13} {seconds:8.3f} s   floor {bare:8.3f} s")
        total_floor = sum(floor.values())
        print(f"    {'total':<13} {sum(measured.values()):8.3f} s   floor {total_floor:8.3f} s")

        print("memory of the projection (tracemalloc peak), to check linear growth:")
        for size in (n // 4, n // 2, n):
            small = Path(tmp) / f"m{size}.toml"
            small.write_text(scenario_text(size))
            s = load_scenario(small)
            peak = peak_memory(lambda s=s: budget.project(s))
            print(
                f"  {size:>9,} commitments: {peak / 2**20:8.1f} MiB "
                f"({peak / size / 1024:.2f} KiB per commitment)"
            )

        from tests.reference import reference_project

        m = min(args.baseline, n)
        base_path = Path(tmp) / "baseline.toml"
        base_path.write_text(scenario_text(m))
        base = load_scenario(base_path)
        loop_s, _ = median_time(lambda: reference_project(base), 1)
        vec_s, _ = median_time(lambda: budget.project(base), args.repeats)
        print(f"baseline: the plain per-commitment loop (tests/reference.py), {m:,} commitments")
        print(
            f"  plain loop: {loop_s:8.3f} s   vectorised engine: {vec_s:8.3f} s "
            f"(x{loop_s / vec_s:,.0f})"
        )
        if args.million:
            million(scenario)


def million(scenario) -> None:
    """A projection of 1,000,000 commitments: the scenario repeated. The first run maps
    fresh memory from the system; later ones reuse it (see budget/core/memory.py)."""
    size = len(scenario.commitments)
    copies = -(-1_000_000 // size)
    # Each copy has its own recipients, so that recipients grow with the commitments.
    recipients = {
        f"{key}-{k}": dataclasses.replace(r, key=f"{key}-{k}")
        for k in range(copies)
        for key, r in scenario.recipients.items()
    }
    commitments = tuple(
        dataclasses.replace(
            c, id=f"{c.id}-{k}", recipient=f"{c.recipient}-{k}", order=k * size + c.order
        )
        for k in range(copies)
        for c in scenario.commitments
    )[:1_000_000]
    big = dataclasses.replace(scenario, commitments=commitments, recipients=recipients)
    start = time.perf_counter()
    commitment_table(big)  # the columns, made at load for a loaded scenario
    print(f"  1,000,000 commitments: columns made in {time.perf_counter() - start:.2f} s")
    for attempt in range(2):
        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        budget.project(big)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        print(
            f"  1,000,000 commitments, run {attempt + 1}: {wall:.2f} s wall, "
            f"user {after.ru_utime - before.ru_utime:.2f} s, "
            f"system {after.ru_stime - before.ru_stime:.2f} s"
        )


if __name__ == "__main__":
    main()
