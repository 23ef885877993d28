"""Loading a register of 100,000 commitments, from CSV and from XLSX.

Prints medians over several repeats of:
- baseline: the bare file read (pandas read_csv with dtype=str; openpyxl read-only rows),
  measured in the same run, so the figures can be compared across machines;
- read_register: file -> raw commitment tables (XLSX through python-calamine, and through
  the openpyxl fallback for comparison);
- load_scenario: the whole load, with every row validated like a TOML commitment.

    python benchmarks/bench_register.py [--rows 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook

from budget.scenario import load_scenario, register
from budget.scenario.register import read_register


def rows_of_openpyxl(path: Path) -> object:
    """read_register with the openpyxl fallback instead of calamine."""
    return register.rows_of(register._read_xlsx_openpyxl(path), path.name)


HEADER = [
    "id", "kind", "recipient", "funders", "first_year", "last_year", "amount", "cap",
    "shortfall", "total", "start", "end", "advance", "source",
]  # fmt: skip

SCENARIO = """
[scenario]
name = "Register benchmark"
register = "{register}"
first_year = 2015
last_year = 2024
[funders.VenJ]
[funders.VWS]
[funders.BZ]
[recipients.R0]
[recipients.R1]
[recipients.R2]
"""


def row(i: int) -> list[str]:
    recipient = f"R{i % 3}"
    source = f"register line {i}"
    if i % 3 == 0:
        return [f"a{i}", "annual", recipient, "VenJ", "2015", "2024", f"{1000 + i}.50",
                "", "", "", "", "", "", source]  # fmt: skip
    if i % 3 == 1:
        return [f"t{i}", "top_up", recipient, "VenJ=1/2;VWS=1/2", "2016", "2020", "",
                "67600.00", f"{50000 + i % 40000}.00", "", "", "", "", source]  # fmt: skip
    return [f"g{i}", "grant", recipient, "BZ", "", "", "", "", "", f"{200000 + i}.00",
            "2015-04-01", "2016-07-01", "0.8", source]  # fmt: skip


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    csv_path = folder / "register.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row(i) for i in range(rows))
    xlsx_path = folder / "register.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("register")
    sheet.append(HEADER)
    for i in range(rows):
        cells: list[object] = [c or None for c in row(i)]
        # Numbers as numeric cells, as a spreadsheet would hold them.
        for j in (4, 5):
            if cells[j]:
                cells[j] = int(str(cells[j]))
        for j in (6, 7, 8, 9):
            if cells[j]:
                cells[j] = float(str(cells[j]))
        sheet.append(cells)
    book.save(xlsx_path)
    return csv_path, xlsx_path


def median_time(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        csv_path, xlsx_path = write_files(folder, args.rows)
        print(f"wrote {args.rows:,} rows in {time.perf_counter() - start:.1f} s")
        for path in (csv_path, xlsx_path):
            scenario = folder / f"{path.suffix[1:]}.toml"
            scenario.write_text(SCENARIO.format(register=path.name), encoding="utf-8")
            loaded = load_scenario(scenario)
            assert len(loaded.commitments) == args.rows
            rows, problems = read_register(path, path.name)
            assert not problems and len(rows) == args.rows

            if path.suffix == ".csv":

                def baseline(path: Path = path) -> object:
                    return pd.read_csv(path, dtype=str, keep_default_na=False)
            else:

                def baseline(path: Path = path) -> object:
                    book = load_workbook(path, read_only=True, data_only=True)
                    out = list(book.worksheets[0].iter_rows(values_only=True))
                    book.close()
                    return out

            base = median_time(baseline, args.repeats)
            reader = median_time(lambda p=path: read_register(p, p.name), args.repeats)
            whole = median_time(lambda s=scenario: load_scenario(s), args.repeats)
            kind = path.suffix[1:].upper()
            print(f"{kind} {args.rows:,} rows, median of {args.repeats}:")
            print(f"  baseline (bare read)   {base:7.2f} s")
            print(f"  read_register          {reader:7.2f} s  ({reader / base:.2f}x baseline)")
            print(f"  load_scenario (valid.) {whole:7.2f} s")
            if path.suffix == ".xlsx":
                fallback = median_time(lambda p=path: rows_of_openpyxl(p), args.repeats)
                print(f"  read_register, openpyxl fallback {fallback:7.2f} s")


if __name__ == "__main__":
    main()
