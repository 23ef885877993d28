"""Workbook benchmark: the Data sheet of 100,000 tidy rows, three ways, and a whole workbook.

    python benchmarks/bench_workbook.py [--rows 100000] [--repeats 3]

Each method runs in a fresh process (so that peak memory is its own) and prints the median
wall and CPU time over the repeats and the growth of peak memory (max RSS) while writing
(on a shared machine the CPU time is the steadier figure):

- openpyxl, normal mode (the baseline: a cell object per cell, all held in memory);
- openpyxl, write-only mode (rows streamed to a temporary file, styled cells);
- streamed (what `budget.render.workbook` does): the rows are a block of numpy columns that the
  one serialiser streams into the sheet's XML at save time, the package around it written
  by our own code;
- for scale, pandas `to_csv` of the same rows.

Then the whole `write_workbook` (all sheets) for a scenario with that many rows, at half
and at the full size, to show that time and memory grow linearly.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scenario_text(commitments: int, years: int = 10) -> str:
    """Annual commitments over `years` years, one funder each, twenty per recipient:
    rows = commitments x years x 2 bases."""
    out = [
        f'[scenario]\nname = "bench"\nfirst_year = 2020\nlast_year = {2019 + years}\n',
        '[funders.A]\nname = "Ministry A"\n[funders.B]\nname = "Ministry B"\n',
    ]
    recipients = max(1, commitments // 20)
    for r in range(recipients):
        out.append(f'[recipients.R{r}]\nname = "Recipient {r}"\n')
    for i in range(commitments):
        funder = "A" if i % 2 else "B"
        out.append(
            f'[[commitments]]\nid = "c{i}"\nname = "Commitment number {i}"\nkind = "annual"\n'
            f'recipient = "R{i % recipients}"\nfunders = {{ {funder} = "1" }}\n'
            f'first_year = 2020\nlast_year = {2019 + years}\namount = "{1000 + i * 7}.35"\n'
        )
    return "".join(out)


def load(rows: int):  # type: ignore[no-untyped-def]
    import budget

    commitments = max(1, rows // 20)
    folder = Path(tempfile.mkdtemp())
    path = folder / "bench.toml"
    path.write_text(scenario_text(commitments), encoding="utf-8")
    scenario = budget.load_scenario(path)
    return scenario, budget.project(scenario), folder


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def data_normal(frame, target: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.append([*frame.columns[:-1], "amount", "amount_cents"])
    for values in frame.itertuples(index=False, name=None):
        cents = int(values[-1])
        ws.append([*values[:-1], cents / 100, cents])
    for (cell,) in ws.iter_rows(min_row=2, min_col=8, max_col=8):  # amount (euros)
        cell.number_format = '"€" #,##0.00'
    workbook.save(target)


def data_write_only(frame, target: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Data")
    ws.append([*frame.columns[:-1], "amount", "amount_cents"])
    for values in frame.itertuples(index=False, name=None):
        cents = int(values[-1])
        euros = WriteOnlyCell(ws, value=cents / 100)
        euros.number_format = '"€" #,##0.00'
        ws.append([*values[:-1], euros, cents])
    workbook.save(target)


def data_streamed(frame, target: Path) -> None:  # type: ignore[no-untyped-def]
    from budget.render.workbook import new_workbook, save_atomically
    from budget.render.workbook.data_sheet import add_data_sheet

    workbook = new_workbook()
    add_data_sheet(workbook, frame)
    save_atomically(workbook, target, [])


def data_csv(frame, target: Path) -> None:  # type: ignore[no-untyped-def]
    frame.to_csv(target.with_suffix(".csv"), index=False)


def whole_workbook(scenario, frame, target: Path) -> None:  # type: ignore[no-untyped-def]
    from budget.render.workbook import write_workbook

    write_workbook(scenario, frame, target, inputs=[])


METHODS = {
    "openpyxl normal (baseline)": data_normal,
    "openpyxl write-only": data_write_only,
    "streamed rows (chosen)": data_streamed,
    "pandas to_csv (for scale)": data_csv,
}


def run_one(method: str, rows: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    scenario, frame, folder = load(rows)
    before = peak_mb()
    target = folder / "out.xlsx"
    start, cpu = time.perf_counter(), time.process_time()
    if method == "whole":
        whole_workbook(scenario, frame, target)
    else:
        METHODS[method](frame, target)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    queue.put((elapsed, cpu, peak_mb() - before, len(frame)))


def measure(method: str, rows: int, repeats: int) -> tuple[float, float, float, int]:
    context = multiprocessing.get_context("spawn")
    times, cpus, memory, count = [], [], [], 0
    for _ in range(repeats):
        queue = context.Queue()
        process = context.Process(target=run_one, args=(method, rows, queue))
        process.start()
        elapsed, cpu, grown, count = queue.get()
        process.join()
        times.append(elapsed)
        cpus.append(cpu)
        memory.append(grown)
    return (
        statistics.median(times),
        statistics.median(cpus),
        statistics.median(memory),
        count,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"Data sheet of about {args.rows:,} rows, median of {args.repeats} runs each")
    header = f"{'method':34} {'rows':>9} {'seconds':>8} {'CPU s':>6} {'peak RSS growth MB':>19}"
    print(header)
    for method in METHODS:
        seconds, cpu, grown, count = measure(method, args.rows, args.repeats)
        print(f"{method:34} {count:9,} {seconds:8.2f} {cpu:6.2f} {grown:19.0f}")
    print()
    print("Whole workbook (all sheets) with write_workbook")
    for rows in (args.rows // 2, args.rows):
        seconds, cpu, grown, count = measure("whole", rows, args.repeats)
        print(f"{'write_workbook':34} {count:9,} {seconds:8.2f} {cpu:6.2f} {grown:19.0f}")


if __name__ == "__main__":
    main()
