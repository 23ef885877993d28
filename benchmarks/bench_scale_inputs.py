"""Inputs at register scale (issue 21): each against its floor, measured in the same run.

CPU-second medians at each size (10,000 and 100,000 commitments; 1,000,000 with --million):
- load CSV: budget.read_scenario of a scenario naming a CSV register, beside
  pandas.read_csv of the same file (dtype=str): the target is at most 4x;
- load TOML: read_scenario of one TOML file of the same commitments beside rtoml.loads of
  its text (at most 2x), and the memory a loaded commitment keeps (tracemalloc: retained
  after the load, and the peak during it; under 2 KB per commitment);
- load XLSX: read_scenario of the register as a workbook beside calamine's read of the
  sheet (--xlsx; writing the workbook takes a while);
- by-year inputs: compile + project of top-ups whose cap and shortfall are tables by year,
  beside the same commitments with one value for every year (at most 1.5x);
- explain ID: `budget explain` of one commitment in a child process, less the child's
  start-up (`budget explain --help`: the interpreter and the command's imports), in CPU
  seconds of the child (under 1 s);
- start-up: `budget --help` in a child process, wall and CPU seconds (under 0.2 s).

The load average (uptime) is printed at the start and the end: the figures are CPU
seconds, but a busy machine still slows them.

    python benchmarks/bench_scale_inputs.py [--sizes 10000,100000] [--repeats 5]
        [--million] [--xlsx] [--only csv,toml,xlsx,byyear,explain,startup]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import rtoml

sys.path.insert(0, str(Path(__file__).parent))
from bench_register import SCENARIO, write_csv, write_toml, write_xlsx

from budget.core.memory import cycle_collector_paused
from budget.core.model import ByYear
from budget.engine.projection import project
from budget.kinds.table import commitment_table
from budget.load import read_scenario

YEARS = range(2015, 2025)


def median_cpu(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        with cycle_collector_paused():
            run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def loaded(path: Path) -> object:
    scenario, problems = read_scenario(path)
    assert scenario is not None and not problems, problems[:3]
    return scenario


def line(what: str, size: int, seconds: float, floor: float, floor_name: str) -> None:
    ratio = seconds / floor if floor else float("nan")
    print(
        f"  {what:<24} {size:>9,}  {seconds:8.3f} s   {floor_name} {floor:7.3f} s   {ratio:5.2f}x",
        flush=True,
    )


def bench_csv(folder: Path, size: int, repeats: int) -> None:
    register = write_csv(folder, size)
    scenario = folder / "register.toml"
    scenario.write_text(SCENARIO.format(register=register.name), encoding="utf-8")

    def floor() -> object:
        return pd.read_csv(register, dtype=str, keep_default_na=False, na_filter=False)

    line("load CSV", size, median_cpu(lambda: loaded(scenario), repeats),
         median_cpu(floor, repeats), "read_csv")  # fmt: skip


def bench_xlsx(folder: Path, size: int, repeats: int) -> None:
    from python_calamine import CalamineWorkbook

    register = write_xlsx(folder, size)
    scenario = folder / "register-xlsx.toml"
    scenario.write_text(SCENARIO.format(register=register.name), encoding="utf-8")

    def floor() -> object:
        book = CalamineWorkbook.from_path(str(register))
        return book.get_sheet_by_index(0).to_python()

    line("load XLSX", size, median_cpu(lambda: loaded(scenario), repeats),
         median_cpu(floor, repeats), "calamine")  # fmt: skip


def bench_toml(folder: Path, size: int, repeats: int) -> None:
    path = write_toml(folder, size)
    text = path.read_text(encoding="utf-8")
    line("load TOML", size, median_cpu(lambda: loaded(path), repeats),
         median_cpu(lambda: rtoml.loads(text), repeats), "rtoml   ")  # fmt: skip
    tracemalloc.start()
    scenario = loaded(path)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del scenario
    print(
        f"  {'TOML memory':<24} {size:>9,}  retained {retained / size:,.0f} B, peak "
        f"{peak / size:,.0f} B per commitment (file: {len(text.encode()) / size:,.0f} B)",
        flush=True,
    )


def by_year_scenarios(folder: Path, size: int) -> tuple[object, object]:
    """`size` top-ups over ten years with one cap and shortfall for every year, and the
    same commitments with both as tables by year (built from the first: a TOML file of
    100,000 such tables would be over the 50 MiB a scenario file may be, and a register
    holds one value per cell)."""
    register = folder / "by-year.csv"
    with register.open("w", encoding="utf-8") as out:  # a register: any size loads
        out.write("id,kind,recipient,funders,first_year,last_year,cap,shortfall\n")
        out.writelines(
            f"t{i},top_up,R{i % 3},VenJ=1/2;VWS=1/2,2015,2024,{60000 + i % 9000}.00,"
            f"{40000 + i % 30000}.00\n"
            for i in range(size)
        )
    path = folder / "by-year.toml"
    path.write_text(SCENARIO.format(register=register.name), encoding="utf-8")
    every = loaded(path)

    def tables(value: ByYear) -> ByYear:
        return ByYear(table=tuple((year, value.every) for year in YEARS))

    commitments = tuple(
        dataclasses.replace(
            c, spec=dataclasses.replace(c.spec, cap=tables(c.spec.cap),
                                        shortfall=tables(c.spec.shortfall))
        )
        for c in every.commitments  # type: ignore[attr-defined]
    )  # fmt: skip
    by_year = dataclasses.replace(every, commitments=commitments)  # type: ignore[type-var]
    commitment_table(by_year)  # as the loader does: the columns are part of the load
    return by_year, every


def bench_by_year(folder: Path, size: int, repeats: int) -> None:
    tables, every = by_year_scenarios(folder, size)
    # Each projected once first: the first projection in a process maps fresh memory for
    # its arrays (page faults, a few times the projection at a million commitments), and
    # whichever went first would pay it for both.
    project(every)
    project(tables)
    # project() compiles the plan (year_table included) and projects it.
    line("by-year projection", size, median_cpu(lambda: project(tables), repeats),
         median_cpu(lambda: project(every), repeats), "one value")  # fmt: skip
    a, b = project(tables), project(every)
    assert a["amount_cents"].sum() == b["amount_cents"].sum()  # the same commitments

    def columns() -> object:  # the load's part: the tables flattened into arrays once
        object.__setattr__(tables, "table_cache", None)
        return commitment_table(tables)  # type: ignore[arg-type]

    print(f"  {'  (their columns, at load)':<24} {size:>9,}  {median_cpu(columns, repeats):8.3f} s")


def child_cpu(*args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of `budget ARGS` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "budget", *args],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_child(repeats: int, *args: str) -> tuple[float, float]:
    runs = [child_cpu(*args) for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def bench_explain(folder: Path, size: int, repeats: int) -> None:
    register = folder / "register.csv"
    if not register.exists():
        write_csv(folder, size)
    scenario = folder / "register.toml"
    scenario.write_text(SCENARIO.format(register=register.name), encoding="utf-8")
    last_top_up = max(i for i in range(size - 3, size) if i % 3 == 1)  # the register's last
    # Alternately, so that a busy moment slows both: the start-up (`explain --help`: its
    # imports) and the explanation.
    runs = [
        (
            child_cpu("explain", "--help")[1],
            child_cpu("explain", str(scenario), f"t{last_top_up}")[1],
        )
        for _ in range(repeats)
    ]
    start_up = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print(
        f"  {'explain ID':<24} {size:>9,}  {cpu - start_up:8.3f} s beyond start-up "
        f"({cpu:.3f} s CPU in all)",
        flush=True,
    )


def bench_startup(repeats: int) -> None:
    wall, cpu = median_child(repeats, "--help")
    bare_wall, bare_cpu = median_child(repeats, "--version")
    print(f"  budget --help: {wall:.3f} s wall, {cpu:.3f} s CPU (--version {bare_cpu:.3f} s CPU)")
    _ = bare_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--million", action="store_true", help="also 1,000,000, once")
    parser.add_argument("--xlsx", action="store_true", help="also XLSX registers")
    parser.add_argument("--only", default="csv,toml,byyear,explain,startup")
    args = parser.parse_args()
    only = set(args.only.split(",")) | ({"xlsx"} if args.xlsx else set())
    sizes = [(int(s), args.repeats) for s in args.sizes.split(",")]
    if args.million:
        sizes.append((1_000_000, 1))
    print(f"load average: {os.getloadavg()}; CPU seconds, medians of {args.repeats}")
    if "startup" in only:
        bench_startup(args.repeats * 2)
    for size, repeats in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            if "csv" in only:
                bench_csv(folder, size, repeats)
            if "xlsx" in only:
                bench_xlsx(folder, size, repeats)
            if "toml" in only and size <= 200_000:  # larger is over a scenario's 50 MiB
                bench_toml(folder, size, repeats)
            if "byyear" in only:
                bench_by_year(folder, size, repeats)
            if "explain" in only:
                bench_explain(folder, size, min(repeats, 3))
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
