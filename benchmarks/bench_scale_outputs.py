"""Outputs at register scale (issue 21): each command end to end against its floor.

    PYTHONPATH=. python benchmarks/bench_scale_outputs.py [--sizes 10000,100000]
        [--big] [--repeats 3] [--only workbook,csv,actuals,export,text]

For each size (commitments; a CSV register of bench_register.py's rows over 10 years, as
many bookings as commitments for `actuals`), every measure runs in a fresh process and
prints the median over the repeats of its CPU seconds (user + system of that process,
start-up, loading and writing included) and its peak memory (the process's high-water
mark, VmHWM), beside its floor measured in the same run:

- workbook: `budget run REG -o out.xlsx`; floors: the loaded plan alone (load + project:
  the memory "beyond the loaded plan" is the workbook's peak less this one's), and the
  Data sheet alone (load + project + the Data sheet, or its CSV, as write_workbook writes
  it);
- csv: `budget run REG --format csv -o out.csv`; floor: load + project + `DataFrame.to_csv`
  of the same columns (the rows with euros, year_label and currency);
- actuals: `budget actuals REG --actuals B.csv` as the table and with `--format csv`;
  floor: load + project + reading the bookings with pandas;
- export: `budget export REG --to iati` (IATI activities) and `--to datapackage` (the
  Fiscal Data Package); floors: load + project + the same rows as XML elements written
  with the standard library (`xml.sax.saxutils.quoteattr`, one element per row), and load
  + project + `DataFrame.to_csv` of the rows with euros (as for csv);
- text: in one process, `frame_csv` of `run --format csv`'s rows against `to_csv` of the
  same frame, and `rows_json` against `to_json(orient="records")`, medians of the repeats.

--big adds 1,000,000 commitments (one repeat: several minutes). The load average is
printed at the start and the end: the machine may be shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_register  # noqa: E402  (the register rows of the loading benchmarks)

EXPORT_FIELDS = """reporting_org = { ref = "XM-DAC-7", name = "Ministry", type = "10" }
sector = "15160"
recipient_country = "NL"
"""
BOOKINGS_HEADER = ["date", "commitment", "funder", "basis", "amount", "reference"]
FUNDERS = {0: ["VenJ"], 1: ["VenJ", "VWS"], 2: ["BZ"]}  # bench_register.row's, by i % 3


def register_row(i: int) -> list[str]:
    """bench_register.row(i) with the amounts of row i % 48,000 (of the same kind: 48,000
    is a multiple of 3): amounts that grow with i would add up, at a million commitments,
    beyond the EUR 10^12 a workbook holds to the cent (it then refuses, exit 1, rightly)."""
    row, amounts = bench_register.row(i), bench_register.row(i % 48_000)
    return [*row[:6], *amounts[6:10], *row[10:]]


def write_inputs(folder: Path, commitments: int) -> tuple[Path, Path]:
    """A scenario with a register of `commitments` rows, and as many bookings."""
    register = folder / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(bench_register.HEADER)
        writer.writerows(register_row(i) for i in range(commitments))
    scenario = folder / "scenario.toml"
    scenario.write_text(bench_register.SCENARIO.format(register=register.name), encoding="utf-8")
    # For `budget export --to iati`: who publishes, and every activity's sector and country.
    exported = bench_register.SCENARIO.format(register=register.name).replace(
        "last_year = 2024\n", "last_year = 2024\n" + EXPORT_FIELDS, 1
    )
    (folder / "export.toml").write_text(exported, encoding="utf-8")
    rng = random.Random(21)
    bookings = folder / "bookings.csv"
    with bookings.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(BOOKINGS_HEADER)
        for n in range(commitments):
            i = rng.randrange(commitments)
            cid = bench_register.row(i)[0]
            cents = rng.randrange(-50_000, 5_000_000)
            amount = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
            day = (
                f"{rng.randrange(2015, 2019)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            )
            writer.writerow(
                [day, cid, rng.choice(FUNDERS[i % 3]), "cash" if n % 3 else "commitment",
                 amount, f"R-{n}"]
            )  # fmt: skip
    return scenario, bookings


# Floors and in-process measures, run as `python -c FLOOR kind scenario target [bookings]`.
FLOOR = r"""
import sys, time
import pandas as pd
from budget.load import read_scenario
from budget.engine.projection import project
kind, scenario, target = sys.argv[1:4]
loaded, problems = read_scenario(scenario)
assert loaded is not None and not problems, problems[:3]
rows = project(loaded)
if kind == "data":
    from budget.render.workbook import new_workbook, save_atomically
    from budget.render.workbook.data_sheet import add_data_sheet
    book = new_workbook()
    book.currency = loaded.currency
    add_data_sheet(book, rows, overflow_path=__import__("pathlib").Path(target + ".csv"),
                   year_name=loaded.label)
    save_atomically(book, target, [])
elif kind == "to_csv":
    from budget.cli.common import data_rows
    data_rows(loaded, rows).to_csv(target, index=False, lineterminator="\n")
elif kind == "bookings":
    pd.read_csv(sys.argv[4], dtype=str, keep_default_na=False)
elif kind == "xml":  # the same rows as XML elements, with the standard library
    from xml.sax.saxutils import quoteattr
    columns = [rows[n].astype(str).tolist() for n in ("commitment", "funder", "basis")]
    years, cents = rows["year"].tolist(), rows["amount_cents"].tolist()
    with open(target, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rows>\n')
        out.writelines(
            f'<row commitment={quoteattr(c)} funder={quoteattr(f)} basis="{b}" '
            f'year="{y}" amount="{a // 100}.{a % 100:02d}"/>\n'
            for c, f, b, y, a in zip(*columns, years, cents)
        )
        out.write("</rows>\n")
"""

TEXT = r"""
import json, statistics, sys, time
from budget.load import read_scenario
from budget.engine.projection import project
from budget.cli.common import data_rows
from budget.render.text import rows_csv, rows_json
scenario, repeats = sys.argv[1], int(sys.argv[2])
loaded, _ = read_scenario(scenario)
frame = data_rows(loaded, project(loaded))
def median(run):
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)
assert rows_csv(frame) == frame.to_csv(index=False, lineterminator="\n")
out = {
    "frame_csv": median(lambda: rows_csv(frame)),
    "to_csv": median(lambda: frame.to_csv(index=False, lineterminator="\n")),
    "rows_json": median(lambda: rows_json(frame)),
    "to_json": median(lambda: frame.to_json(orient="records", force_ascii=False, indent=1)),
}
print(json.dumps(out))
"""


def child(args: list[str]) -> tuple[float, float, str]:
    """Run a process; its CPU seconds (user + system), peak memory in bytes, stdout."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr = process.stderr.read().decode() if process.stderr else ""
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(args)}: exit {process.returncode}\n{stderr[-2000:]}")
        out.seek(0)
        text = out.read().decode()
    # ru_maxrss is the child's own peak (KB on Linux).
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, text


def median_of(args: list[str], repeats: int) -> tuple[float, float]:
    runs = [child(args)[:2] for _ in range(repeats)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def show(name: str, cpu: float, peak: float, count: int, floor: float | None = None) -> None:
    ratio = f"{cpu / floor:5.2f}x floor" if floor else ""
    print(f"  {name:46s} {cpu:7.2f} s CPU  peak {peak / 2**20:7.0f} MiB "
          f"({peak / count:6.0f} B/commitment)  {ratio}")  # fmt: skip


def bench(size: int, repeats: int, only: set[str]) -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        scenario, bookings = write_inputs(folder, size)
        print(f"\n{size:,} commitments x 10 years ({size:,} bookings; inputs written in "
              f"{time.perf_counter() - start:.0f} s), median of {repeats}")  # fmt: skip
        budget = [python, "-m", "budget"]
        out = str(folder / "out")
        if "workbook" in only:
            plan_cpu, plan_peak = median_of([python, "-c", FLOOR, "plan", str(scenario), out],
                                            repeats)  # fmt: skip
            show("floor: load + project (the loaded plan)", plan_cpu, plan_peak, size)
            data_cpu, data_peak = median_of(
                [python, "-c", FLOOR, "data", str(scenario), out + ".data.xlsx"], repeats
            )
            show("floor: load + project + Data sheet alone", data_cpu, data_peak, size)
            cpu, peak = median_of([*budget, "run", str(scenario), "-o", out + ".xlsx"], repeats)
            show("budget run -o out.xlsx", cpu, peak, size, data_cpu)
            beyond = (peak - plan_peak) / size
            print(f"  {'':46s} {cpu - plan_cpu:7.2f} s CPU and {beyond:6.0f} B/commitment "
                  "beyond the loaded plan")  # fmt: skip
        if "csv" in only:
            floor_cpu, floor_peak = median_of(
                [python, "-c", FLOOR, "to_csv", str(scenario), out + ".floor.csv"], repeats
            )
            show("floor: load + project + to_csv", floor_cpu, floor_peak, size)
            cpu, peak = median_of(
                [*budget, "run", str(scenario), "--format", "csv", "-o", out + ".csv"], repeats
            )
            show("budget run --format csv -o out.csv", cpu, peak, size, floor_cpu)
        if "actuals" in only:
            floor_cpu, floor_peak = median_of(
                [python, "-c", FLOOR, "bookings", str(scenario), out, str(bookings)], repeats
            )
            show("floor: load + project + read_csv bookings", floor_cpu, floor_peak, size)
            for fmt in ("table", "csv"):
                cpu, peak = median_of(
                    [*budget, "actuals", str(scenario), "--actuals", str(bookings),
                     "--format", fmt], repeats
                )  # fmt: skip
                show(f"budget actuals --format {fmt}", cpu, peak, size, floor_cpu)
        if "export" in only:
            export = str(folder / "export.toml")
            floor_cpu, floor_peak = median_of(
                [python, "-c", FLOOR, "xml", export, out + ".floor.xml"], repeats
            )
            show("floor: load + project + rows as XML (stdlib)", floor_cpu, floor_peak, size)
            cpu, peak = median_of(
                [*budget, "export", export, "--to", "iati", "-o", out + ".iati.xml"], repeats
            )
            show("budget export --to iati", cpu, peak, size, floor_cpu)
            floor_cpu, floor_peak = median_of(
                [python, "-c", FLOOR, "to_csv", export, out + ".floor.csv"], repeats
            )
            show("floor: load + project + to_csv", floor_cpu, floor_peak, size)
            cpu, peak = median_of(
                [*budget, "export", export, "--to", "datapackage", "-o", out + ".package"],
                repeats,
            )
            show("budget export --to datapackage", cpu, peak, size, floor_cpu)
        if "text" in only:
            _, _, text = child([python, "-c", TEXT, str(scenario), str(repeats)])
            found = json.loads(text)
            print(f"  in one process, CPU s: frame_csv {found['frame_csv']:.2f} against "
                  f"to_csv {found['to_csv']:.2f} ({found['frame_csv'] / found['to_csv']:.2f}x); "
                  f"rows_json {found['rows_json']:.2f} against to_json {found['to_json']:.2f} "
                  f"({found['rows_json'] / found['to_json']:.2f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--big", action="store_true", help="add 1,000,000 (one repeat)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="workbook,csv,actuals,export,text")
    args = parser.parse_args()
    only = {part.strip() for part in args.only.split(",")}
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for size in [int(s) for s in args.sizes.split(",") if s]:
        bench(size, args.repeats, only)
    if args.big:
        bench(1_000_000, 1, only)
    print("\nload average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
