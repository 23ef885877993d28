"""`budget actuals` at register scale (issue 21): the table and `--format csv` against floors.

    PYTHONPATH=. python benchmarks/bench_scale_actuals.py [--sizes 10000,100000] [--big]
        [--repeats 3]

For each size, a CSV register of bench_scale_outputs.py's rows (bench_register.py's, over
10 years) and as many bookings as commitments (random dates 2015-2018, refunds, a third on
the commitment basis). Every measure runs in a fresh process and prints the median over the
repeats of its CPU seconds (user + system: start-up, loading and writing included) and its
peak memory (the process's high-water mark), beside floors measured in the same run:

- bookings: `pandas.read_csv` of the bookings file (every cell as text) and one bare
  groupby of the same cells, the bookings' cents summed by commitment, funder, basis and
  the date's year (the amounts parsed as integer cents on arrays, no checks, no plan);
- plan: load + project, what the command does before it reads a booking (another
  helper's work: loading the register);
- plan + bookings: the two together, the least `budget actuals` can take.

--big adds 1,000,000 commitments (one repeat). The load average is printed at the start
and at the end: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_scale_outputs import median_of, show, write_inputs  # noqa: E402

FLOOR = r"""
import sys
import numpy as np
import pandas as pd
kind, scenario, bookings = sys.argv[1:4]
if kind in ("plan", "both"):
    from budget.load import read_scenario
    from budget.engine.projection import project
    loaded, problems = read_scenario(scenario)
    assert loaded is not None and not problems, problems[:3]
    rows = project(loaded)
if kind in ("bookings", "both"):
    cells = pd.read_csv(bookings, dtype=str, keep_default_na=False)
    amount = cells["amount"]
    negative = amount.str.startswith("-").to_numpy()
    parts = amount.str.lstrip("-").str.split(".", n=1, expand=True)
    cents = parts[0].astype(np.int64).to_numpy() * 100 + parts[1].astype(np.int64).to_numpy()
    cents = np.where(negative, -cents, cents)
    year = cells["date"].str.slice(0, 4).astype(np.int64)
    sums = pd.Series(cents).groupby(
        [cells["commitment"], cells["funder"], cells["basis"], year], sort=True
    ).sum()
    assert int(sums.sum()) == int(cents.sum())
"""


def bench(size: int, repeats: int) -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        scenario, bookings = write_inputs(folder, size)
        print(
            f"\n{size:,} commitments x 10 years ({size:,} bookings; inputs written in "
            f"{time.perf_counter() - start:.0f} s), median of {repeats}"
        )
        floors = {}
        for kind, title in (
            ("bookings", "floor: read_csv bookings + one groupby"),
            ("plan", "floor: load + project"),
            ("both", "floor: load + project + read_csv + groupby"),
        ):
            cpu, peak = median_of(
                [python, "-c", FLOOR, kind, str(scenario), str(bookings)], repeats
            )
            floors[kind] = (cpu, peak)
            show(title, cpu, peak, size)
        both_cpu, both_peak = floors["both"]
        for fmt in ("table", "csv"):
            cpu, peak = median_of(
                [python, "-m", "budget", "actuals", str(scenario), "--actuals", str(bookings),
                 "--format", fmt], repeats
            )  # fmt: skip
            show(f"budget actuals --format {fmt}", cpu, peak, size, both_cpu)
            print(
                f"  {'':46s} {cpu - both_cpu:7.2f} s CPU and "
                f"{(peak - both_peak) / size:6.0f} B/commitment beyond that floor"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--big", action="store_true", help="add 1,000,000 (one repeat)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for size in [int(s) for s in args.sizes.split(",") if s]:
        bench(size, args.repeats)
    if args.big:
        bench(1_000_000, 1)
    print("\nload average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
