"""The workbook with the Plan vs actual sheet, against the same workbook without it.

Prints medians over several repeats of writing (to a temporary file):
- baseline: `write_workbook` with the Commitment vs cash sheet (what `budget run -o`
  writes without actuals), in the same run, so that the figures compare across machines;
- with the forecast's Commitment vs cash and the Plan vs actual sheet (what `budget run
  -o` writes with actuals); the plan-vs-actual rows are computed once, outside the timing.

    PYTHONPATH=. python benchmarks/bench_realisation_workbook.py [--commitments 1000]
        [--rows 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.bench_actuals import median_seconds, write_actuals, write_scenario
from budget.engine.projection import project
from budget.engine.realised import forecast_rows, plan_vs_actual
from budget.load import load_scenario
from budget.render.workbook import write_workbook
from budget.render.workbook.ledger_sheet import ledger_sheet
from budget.render.workbook.plan_actual_sheet import forecast_ledger_sheet, plan_actual_sheet
from budget.reports.realisation import plan_vs_actual_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=1_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        scenario = load_scenario(write_scenario(folder, args.commitments))
        csv_path, _ = write_actuals(folder, args.rows, args.commitments)
        rows = project(scenario)
        realised = plan_vs_actual(scenario, [str(csv_path)])
        forecast = forecast_rows(scenario, realised)
        target = folder / "out.xlsx"
        print(
            f"{args.commitments:,} commitments over 10 years, {args.rows:,} bookings "
            f"({len(realised):,} plan-vs-actual rows), {args.repeats} repeats"
        )

        def plain() -> object:
            return write_workbook(
                scenario, rows, target, extra_sheets=[ledger_sheet(scenario, rows)]
            )

        def realisation() -> object:
            sheets = [
                forecast_ledger_sheet(scenario, forecast),
                plan_actual_sheet(plan_vs_actual_report(scenario, realised)),
            ]
            return write_workbook(scenario, rows, target, extra_sheets=sheets)

        for label, run in (
            ("baseline: the workbook with Commitment vs cash", plain),
            ("with the forecast's ledger and Plan vs actual", realisation),
        ):
            print(f"{label:<50} median {median_seconds(run, args.repeats):6.3f} s")


if __name__ == "__main__":
    main()
