"""CSV text of tidy rows: the machine csv and the excel-csv flavour (budget.render.csvtext),
against a baseline measured in the same run (csv.writer over itertuples, the writer that
budget.render.text used before). Prints medians of five runs.

    PYTHONPATH=. python benchmarks/bench_csv.py [ROWS]
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from budget.render.csvtext import frame_csv
from budget.render.text import with_euros


def baseline(rows: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(rows.columns))
    writer.writerows(rows.itertuples(index=False, name=None))
    return buffer.getvalue()


def tidy_rows(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)

    def labels(names: list[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(rng.integers(0, len(names), n), categories=names)

    frame = pd.DataFrame(
        {
            "scenario": labels(["S"]),
            "commitment": labels([f"c{i}" for i in range(5000)]),
            "funder": labels(["A", "B"]),
            "basis": labels(["commitment", "cash"]),
            "year": rng.integers(2014, 2024, n),
            "amount_cents": rng.integers(-(10**8), 10**8, n),
        }
    )
    return with_euros(frame)


def median(run: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rows = tidy_rows(n)
    assert baseline(rows) == frame_csv(rows)
    print(f"{n:,} tidy rows, median of 5 runs:")
    print(f"  baseline (csv.writer over itertuples): {median(lambda: baseline(rows)):.3f} s")
    print(f"  frame_csv, csv:                        {median(lambda: frame_csv(rows)):.3f} s")
    excel = median(lambda: frame_csv(rows, "excel-csv"))
    print(f"  frame_csv, excel-csv:                  {excel:.3f} s")


if __name__ == "__main__":
    main()
