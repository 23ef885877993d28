"""Export benchmark: a 100,000-commitment scenario as IATI activities and as a data package.

    PYTHONPATH=. python benchmarks/bench_export.py [--commitments 100000] [--repeats 3]

The scenario is built in memory (annual commitments over ten years, one funder each, and
every third a three-year grant shared by two funders) and projected once. Then, each
`--repeats` times, the median is printed of:

- the baseline: the same tidy rows written as plain CSV (pandas `to_csv`);
- `write_iati`: the IATI 2.03 activities file (checks, then the XML);
- `write_datapackage`: projection.csv (with names, fiscal period and two-decimal amounts)
  and datapackage.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(commitments: int):  # type: ignore[no-untyped-def]
    from budget.core.model import ByYear, Commitment, Funder, Recipient, ReportingOrg, Scenario
    from budget.core.periods import FiscalCalendar
    from budget.kinds.annual import Annual
    from budget.kinds.grant import Grant

    recipients = {
        f"R{r}": Recipient(f"R{r}", f"Recipient {r}", iati_ref=f"NL-KVK-{r}")
        for r in range(max(1, commitments // 20))
    }
    keys = list(recipients)
    half = (("A", Fraction(1, 2)), ("B", Fraction(1, 2)))
    items = []
    for i in range(commitments):
        if i % 3 == 0:
            start = dt.date(2020 + i % 7, 1 + i % 12, 1)
            spec = Grant(
                100_000_00 + i, start, start + dt.timedelta(days=900), "days", None, 1, None
            )
            funders: tuple[tuple[str, Fraction], ...] = half
            kind = "grant"
        else:
            spec = Annual(2020, 2029, ByYear(every=1000_35 + i * 7), Fraction(0))
            funders = (("A", Fraction(1)),) if i % 2 else (("B", Fraction(1)),)
            kind = "annual"
        items.append(
            Commitment(
                id=f"c{i}",
                kind=kind,
                recipient=keys[i % len(keys)],
                funders=funders,
                spec=spec,
                order=i,
                name=f"Commitment number {i}",
                source=f"Register line {i}",
            )
        )
    return Scenario(
        name="bench",
        path="bench.toml",
        calendar=FiscalCalendar(),
        first_year=2020,
        last_year=2029,
        funders={
            "A": Funder("A", "Ministry A", iati_ref="XM-DAC-7"),
            "B": Funder("B", "Ministry B"),
        },
        recipients=recipients,
        commitments=tuple(items),
        reporting_org=ReportingOrg("XM-DAC-7", "Ministry A", "10"),
        export_fields={
            "sector": ("15160", "bench.toml"),
            "recipient_country": ("NL", "bench.toml"),
        },
    )


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from budget.engine.projection import project
    from budget.render.export import write_datapackage, write_iati

    start = time.perf_counter()
    scenario = build(args.commitments)
    rows = project(scenario)
    print(
        f"{args.commitments:,} commitments, {len(rows):,} tidy rows "
        f"(built and projected in {time.perf_counter() - start:.1f} s)"
    )
    folder = Path(tempfile.mkdtemp())
    csv_path, xml_path, package = folder / "rows.csv", folder / "activities.xml", folder / "pkg"
    actions = {
        "plain CSV (baseline)": lambda: rows.to_csv(csv_path, index=False),
        "IATI XML": lambda: write_iati(scenario, rows, str(xml_path), []),
        "data package": lambda: write_datapackage(scenario, rows, str(package), []),
    }
    results: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(args.repeats):
        for name, action in actions.items():
            results[name].append(timed(action))
    sizes = {
        "plain CSV (baseline)": csv_path.stat().st_size,
        "IATI XML": xml_path.stat().st_size,
        "data package": sum(p.stat().st_size for p in package.iterdir()),
    }
    for name, times in results.items():
        print(
            f"{name:22s} median {statistics.median(times):6.2f} s  "
            f"(runs: {', '.join(f'{t:.2f}' for t in times)}; {sizes[name] / 2**20:,.0f} MiB)"
        )


if __name__ == "__main__":
    main()
