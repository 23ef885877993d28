"""Loading registers of 100,000 and 1,000,000 commitments (CSV and XLSX), and a large TOML.

Prints CPU-second medians of each loading stage beside its floor, measured in the same run:
- floor: the bare file read (pandas.read_csv with dtype=str; python-calamine's rows);
- read: file -> columns (budget.load.files.load_files, with the register);
- merge: the pure merge of the files;
- columns: the register's columns checked and read as wholes (columns.read_columns);
- build: merged, then every commitment checked and built (parse.build_scenario, columns
  included);
- whole: read_scenario from the path, all of the above;
- row by row: the reference path, every row read field by field (100,000 rows only);
then the memory a loaded commitment takes: retained (tracemalloc, after the load, only the
Scenario kept) and peak (tracemalloc peak, and the process's peak RSS growth, in a fresh
process), per commitment, beside the floor's peak RSS growth (the bare file read, in a
fresh process: calamine holds its own copy of the sheet, outside tracemalloc's view). Last,
a TOML scenario of 100,000 commitments: tomllib and rtoml alone, and the whole load. The
machine's load average is printed at the start and the end (the figures are CPU seconds,
but a busy machine still slows them).

    python benchmarks/bench_register.py [--rows 100000] [--big 1000000] [--repeats 5]
        [--big-repeats 1] [--formats csv,xlsx] [--no-big] [--no-toml]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from budget.core.memory import cycle_collector_paused
from budget.load import inherit, read_scenario
from budget.load.columns import read_columns
from budget.load.files import load_files
from budget.load.inherit import Entry, RowEntry, merge
from budget.load.parse import build_scenario

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


def write_csv(folder: Path, rows: int) -> Path:
    path = folder / "register.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(row(i) for i in range(rows))
    return path


def write_xlsx(folder: Path, rows: int) -> Path:
    path = folder / "register.xlsx"
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
    book.save(path)
    return path


def write_toml(folder: Path, rows: int) -> Path:
    """The same commitments as [[commitments]] tables of one TOML file."""
    lines = [SCENARIO.replace('register = "{register}"\n', "")]
    for i in range(rows):
        lines.append("[[commitments]]")
        for name, value in zip(HEADER, row(i), strict=True):
            if not value:
                continue
            if name == "funders" and "=" in value:
                parts = (part.split("=") for part in value.split(";"))
                lines.append("funders = { " + ", ".join(f'{k} = "{v}"' for k, v in parts) + " }")
            elif name in ("first_year", "last_year", "start", "end"):
                lines.append(f"{name} = {value}")
            else:
                lines.append(f'{name} = "{value}"')
    path = folder / "big.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def median_cpu(run: Callable[[], object], repeats: int) -> float:
    """Median CPU seconds of `run`, with the cycle collector paused as read_scenario pauses
    it while loading."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        with cycle_collector_paused():
            run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def row_by_row(scenario: Path) -> object:
    """The reference: every register row read field by field, as a TOML table would be."""
    original = inherit._merge_rows

    def plain_rows(merged: inherit.Merged, table: object, local_ids: set[str]) -> None:
        original(merged, table, local_ids)  # type: ignore[arg-type]
        for key, entry in list(merged.commitments.items()):
            if isinstance(entry, RowEntry):
                merged.commitments[key] = Entry(entry.raw, entry.origins, entry.file, entry.where)

    inherit._merge_rows = plain_rows  # type: ignore[assignment]
    try:
        return read_scenario(scenario)
    finally:
        inherit._merge_rows = original


MEMORY = """
import json, resource, sys, tracemalloc
import pandas, python_calamine  # imported before measuring: not part of a load
from budget.load import read_scenario
path, floor = sys.argv[1], sys.argv[2]
def rss():
    # The high-water mark of this process's memory (ru_maxrss would carry the parent's).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = rss()
if floor:  # the bare file read only
    if floor.endswith(".csv"):
        pandas.read_csv(floor, dtype=str, keep_default_na=False, na_filter=False)
    else:
        book = python_calamine.CalamineWorkbook.from_path(floor)
        book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    print(json.dumps({"rss_peak": rss() - before}))
    sys.exit()
scenario, problems = read_scenario(path)
assert not problems
grown = rss() - before
count = len(scenario.commitments)
del scenario
tracemalloc.start()
scenario, problems = read_scenario(path)
retained, peak = tracemalloc.get_traced_memory()
print(json.dumps({"count": count, "rss_peak": grown, "retained": retained, "peak": peak}))
"""


def memory(scenario: Path, floor: str = "") -> dict[str, float]:
    """Memory of a load of `scenario` (or, with `floor`, of only reading that file) in a
    fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY, str(scenario), floor],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def bench_register(folder: Path, fmt: str, rows: int, repeats: int, reference: bool) -> None:
    start = time.perf_counter()
    path = write_csv(folder, rows) if fmt == "csv" else write_xlsx(folder, rows)
    written = time.perf_counter() - start
    print(f"\n{fmt.upper()} register, {rows:,} rows (written in {written:.0f} s)")
    scenario = folder / f"{fmt}.toml"
    scenario.write_text(SCENARIO.format(register=path.name), encoding="utf-8")
    loaded, problems = read_scenario(scenario)
    assert loaded is not None and not problems and len(loaded.commitments) == rows
    del loaded

    if fmt == "csv":

        def floor() -> object:
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)

        floor_name = "pandas.read_csv"
    else:
        from python_calamine import CalamineWorkbook

        def floor() -> object:
            book = CalamineWorkbook.from_path(str(path))
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)

        floor_name = "calamine rows"
    shown = str(scenario)
    files = load_files(scenario, shown)
    merged = merge(files)
    register = files.files[0].register
    assert register is not None and register.table is not None
    table = register.table
    base = median_cpu(floor, repeats)
    stages = [
        ("read (file -> columns)", lambda: load_files(scenario, shown)),
        ("merge", lambda: merge(files)),
        ("columns (checked as wholes)", lambda: read_columns(table)),
        ("build (check and build all)", lambda: build_scenario(merge(files), shown)),
        ("whole read_scenario", lambda: read_scenario(scenario)),
    ]
    del merged
    print(f"  median CPU s of {repeats}; floor {floor_name}: {base:6.2f} s")
    for name, run in stages:
        took = median_cpu(run, repeats)
        print(f"  {name:30s} {took:6.2f} s  ({took / base:5.1f}x floor)")
    if reference:
        took = median_cpu(lambda: row_by_row(scenario), 1)
        print(f"  {'row by row (reference, 1 run)':30s} {took:6.2f} s  ({took / base:5.1f}x floor)")
    used = memory(scenario)
    bare = memory(scenario, str(path))
    count = used["count"]
    print(
        f"  memory per commitment: retained {used['retained'] / count:4.0f} B, "
        f"tracemalloc peak {used['peak'] / count:4.0f} B, "
        f"peak RSS growth {used['rss_peak'] / count:4.0f} B "
        f"(floor {floor_name}: {bare['rss_peak'] / count:4.0f} B)"
    )


def bench_toml(folder: Path, rows: int, repeats: int) -> None:
    import tomllib

    path = write_toml(folder, rows)
    text = path.read_text(encoding="utf-8")
    print(f"\nTOML scenario, {rows:,} commitments ({len(text) / 2**20:.0f} MiB)")
    print(f"  median CPU s of {repeats}")
    took = median_cpu(lambda: tomllib.loads(text), repeats)
    print(f"  {'tomllib.loads alone':30s} {took:6.2f} s")
    try:
        import rtoml
    except ImportError:
        print("  rtoml is not installed")
    else:
        took = median_cpu(lambda: rtoml.loads(text), repeats)
        print(f"  {'rtoml.loads alone':30s} {took:6.2f} s")
    took = median_cpu(lambda: read_scenario(path), repeats)
    print(f"  {'whole read_scenario':30s} {took:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--big-repeats", type=int, default=1)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--no-big", action="store_true")
    parser.add_argument("--no-toml", action="store_true")
    args = parser.parse_args()
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt in formats:
            bench_register(folder, fmt, args.rows, args.repeats, reference=True)
        if not args.no_big:
            for fmt in formats:
                bench_register(folder, fmt, args.big, args.big_repeats, reference=False)
        if not args.no_toml:
            bench_toml(folder, args.rows, max(1, args.repeats // 2))
    print("\nload average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
