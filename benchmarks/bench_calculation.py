"""Calculation sheet benchmark: the time to write a `budget run -o` workbook with the
Calculation sheet against the same workbook without it (the baseline, in the same run),
and LibreOffice's time to open and recalculate both, for growing numbers of commitments.

    python benchmarks/bench_calculation.py [--sizes 500,1000,2000,5000] [--repeats 3]
                                           [--libreoffice 1000,2000,5000]

The scenario mixes the three kinds, one in three of each: a top-up with two funders whose
shortfall is derived behind an annual commitment to the same recipient (a waterfall), an
indexed annual commitment, and a grant with two funders allocated by days; spans of three
to five years in a six-year horizon. Times are medians over the repeats; the machine is
shared, so compare the two columns of one run rather than runs with each other.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def scenario_text(commitments: int) -> str:
    out = [
        '[scenario]\nname = "bench"\nfirst_year = 2020\nlast_year = 2025\n',
        '[funders.A]\nname = "Ministry A"\n[funders.B]\nname = "Ministry B"\n',
    ]
    recipients = (commitments + 2) // 3
    for r in range(recipients):
        out.append(
            f'[recipients.R{r}]\nname = "Recipient {r}"\n'
            f'costs = "{90_000 + r * 13}.10"\nincome = "{5_000 + r}.00"\n'
        )
    for i in range(commitments):
        r = i // 3
        first = 2020 + i % 2
        last = first + 2 + i % 3
        head = f'[[commitments]]\nid = "c{i}"\nname = "Commitment {i}"\nrecipient = "R{r}"\n'
        if i % 3 == 0:
            out.append(
                f'{head}kind = "annual"\nfunders = {{ A = "1" }}\nfirst_year = {first}\n'
                f'last_year = {last}\namount = "{10_000 + i * 7}.35"\nindexation = "0.02"\n'
            )
        elif i % 3 == 1:
            out.append(
                f'{head}kind = "top_up"\nfunders = {{ A = "1/3", B = "2/3" }}\npriority = 1\n'
                f'first_year = {first}\nlast_year = {last}\ncap = "60000.00"\n'
                f'total_cap = "150000.00"\n'
            )
        else:
            out.append(
                f'{head}kind = "grant"\nfunders = {{ A = "1/2", B = "1/2" }}\n'
                f'total = "{500_000 + i}.01"\nstart = {first}-04-01\nend = {last}-07-01\n'
            )
    return "".join(out)


def median_time(action, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def libreoffice_seconds(path: Path, folder: Path) -> float:
    """Open, recalculate every formula and save again, in a fresh LibreOffice."""
    user = folder / "profile" / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(folder / "out"), str(path)],
        check=True, capture_output=True, timeout=3600,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    import budget
    from budget.render.workbook import calculation_sheet, write_workbook

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,5000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--libreoffice", default="", help="sizes to open in LibreOffice")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    opened = {int(s) for s in args.libreoffice.split(",") if s}
    limit = calculation_sheet.MAX_COMMITMENTS
    folder = Path(tempfile.mkdtemp())
    print(f"MAX_COMMITMENTS = {limit:,}; medians of {args.repeats} runs")
    # sheet: what the Calculation sheet adds to writing the workbook (with - without), also
    # per commitment (ms each); per commitment: its formulas. The limit is chosen from these.
    print(
        f"{'commitments':>11} {'formulas':>9} {'each':>5} {'without (s)':>12} {'with (s)':>9} "
        f"{'sheet (s)':>9} {'ms each':>8} {'layout (s)':>10} {'LO without':>10} {'LO with':>8}"
    )
    for size in sizes:
        source = folder / f"bench-{size}.toml"
        source.write_text(scenario_text(size), encoding="utf-8")
        scenario = budget.load_scenario(source)
        rows = budget.project(scenario)
        without, with_sheet = folder / f"without-{size}.xlsx", folder / f"with-{size}.xlsx"
        calculation_sheet.MAX_COMMITMENTS = -1  # the baseline: the sheet left out
        base = median_time(partial(write_workbook, scenario, rows, without), args.repeats)
        calculation_sheet.MAX_COMMITMENTS = 10**9
        full = median_time(partial(write_workbook, scenario, rows, with_sheet), args.repeats)
        layout = median_time(
            partial(calculation_sheet.calculation_layout, scenario, rows), args.repeats
        )
        calculation_sheet.MAX_COMMITMENTS = limit
        found = calculation_sheet.calculation_layout(scenario, rows) if size <= limit else None
        formulas = sum(
            1
            for cells in (found.sheet.rows.values() if found else ())
            for value, _ in cells.values()
            if type(value).__name__ == "Formula"
        )
        lo_without = lo_with = ""
        if size in opened:
            lo_without = f"{libreoffice_seconds(without, folder / 'lo-without'):.1f}"
            lo_with = f"{libreoffice_seconds(with_sheet, folder / 'lo-with'):.1f}"
        each = f"{formulas / size:.0f}" if formulas else "-"
        print(
            f"{size:>11,} {formulas or '-':>9} {each:>5} {base:>12.2f} {full:>9.2f} "
            f"{full - base:>9.2f} {(full - base) / size * 1000:>8.2f} {layout:>10.2f} "
            f"{lo_without:>10} {lo_with:>8}"
        )


if __name__ == "__main__":
    main()
