"""Reading and matching an actuals file of 100,000 bookings, from CSV and from XLSX.

Prints medians over several repeats of:
- baseline: the bare file read in the same run (pandas read_csv with dtype=str; for XLSX,
  pandas read_excel with python-calamine), so the figures compare across machines;
- read_bookings: file -> checked bookings (every cell checked, ids matched, fiscal years);
- plan_vs_actual: the whole `budget actuals` computation (bookings, projection, the
  outer join of plan and actual, status and forecast) for a 1,000-commitment scenario.

    PYTHONPATH=. python benchmarks/bench_actuals.py [--rows 100000] [--commitments 1000]
        [--repeats 5]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from budget.engine.realised import plan_vs_actual
from budget.load import load_scenario
from budget.load.bookings import read_bookings

COMMITMENTS = 1_000
HEADER = ["date", "commitment", "funder", "basis", "amount", "reference", "description"]


def write_scenario(folder: Path, commitments: int) -> Path:
    lines = [
        '[scenario]\nname = "Actuals benchmark"\nfiscal_year_start = "04-01"',
        "first_year = 2015\nlast_year = 2024",
        "[funders.VenJ]\n[funders.VWS]\n[funders.BZ]\n[recipients.R]",
    ]
    for i in range(commitments):
        lines.append(
            f'[[commitments]]\nid = "c{i}"\nkind = "annual"\nrecipient = "R"\n'
            'funders = { VenJ = "1/2", VWS = "1/2" }\nfirst_year = 2015\nlast_year = 2024\n'
            f'amount = "{1000 + i}.50"'
        )
    path = folder / "scenario.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def booking(rng: random.Random, n: int, commitments: int) -> list[object]:
    commitment = f"c{rng.randrange(commitments)}" if n % 50 else rng.choice(["", "c-old"])
    day = f"{rng.randrange(2015, 2024)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    cents = rng.randrange(-50_000, 10_000_000)
    amount = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    basis = "cash" if n % 3 else "commitment"
    return [day, commitment, rng.choice(["VenJ", "VWS"]), basis, amount, f"R-{n}", "booking"]


def write_actuals(folder: Path, rows: int, commitments: int) -> tuple[Path, Path]:
    rng = random.Random(2014)
    data = [booking(rng, n, commitments) for n in range(rows)]
    csv_path = folder / "actuals.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)
    xlsx_path = folder / "actuals.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("actuals")
    sheet.append(HEADER)
    for cells in data:
        # Amounts as numeric cells, as a spreadsheet would hold them.
        sheet.append([*cells[:4], float(str(cells[4])), *cells[5:]])
    book.save(xlsx_path)
    return csv_path, xlsx_path


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--commitments", type=int, default=COMMITMENTS)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        scenario = load_scenario(write_scenario(folder, args.commitments))
        csv_path, xlsx_path = write_actuals(folder, args.rows, args.commitments)
        print(
            f"{args.rows:,} bookings, {args.commitments:,} commitments over 10 years "
            f"({40 * args.commitments:,} plan rows), {args.repeats} repeats"
        )

        def checked(path: Path) -> object:
            frame, problems, _ = read_bookings(scenario, [str(path)])
            assert not problems, problems[:3]
            assert len(frame) == args.rows
            return frame

        results = [
            ("CSV  baseline: pandas.read_csv(dtype=str)",
             lambda: pd.read_csv(csv_path, dtype=str, keep_default_na=False)),
            ("CSV  read_bookings (read, check, match)", lambda: checked(csv_path)),
            ("CSV  plan_vs_actual (all of budget actuals)",
             lambda: plan_vs_actual(scenario, [str(csv_path)])),
            ("XLSX baseline: pandas.read_excel(engine=calamine)",
             lambda: pd.read_excel(xlsx_path, engine="calamine", dtype=str)),
            ("XLSX read_bookings (read, check, match)", lambda: checked(xlsx_path)),
        ]  # fmt: skip
        for label, run in results:
            print(f"{label:<52} median {median_seconds(run, args.repeats):6.3f} s")


if __name__ == "__main__":
    main()
