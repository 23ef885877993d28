"""Text renderings of a simulation (table, CSV, JSON) and of a search for limit breaches."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pandas as pd

from budget.core.money import format_euros, format_euros_grouped
from budget.engine.limits import LimitYear
from budget.render.csvtext import records_csv
from budget.render.formats import Format, Renderers
from budget.render.text import amount_text, text_table
from budget.reports.simulation import BANDS, BandItem, SimulationReport
from budget.uncertainty.search import Found, Input

TEXT_COLUMNS = ["scenario", "level", "commitment", "recipient", "funder", "basis", "year"]


def simulation_records(report: SimulationReport) -> tuple[list[str], list[list[Any]]]:
    """The rows with euros (two decimals, as text) before each *_cents column; empty cells
    (None) where a value does not apply; probabilities as numbers."""
    columns = [*TEXT_COLUMNS, "year_label", "currency"]
    label, currency = report.scenario.label, report.scenario.currency
    for band in BANDS:
        columns += [band, f"{band}_cents"]
    columns += ["p_cap_binds", "ceiling", "ceiling_cents", "p_limit_breached"]
    frame = report.rows
    records = []
    for r in frame.to_dict("records"):
        record: list[Any] = [r[c] if isinstance(r[c], str) else None for c in TEXT_COLUMNS[:-1]]
        record += [int(r["year"]), label(int(r["year"])), currency]
        for band in BANDS:
            cents = int(r[f"{band}_cents"])
            record += [format_euros(cents), cents]
        record.append(_probability(r["p_cap_binds"]))
        ceiling = r["ceiling_cents"]
        has_ceiling = ceiling is not None and not pd.isna(ceiling)
        record += [format_euros(int(ceiling)), int(ceiling)] if has_ceiling else [None, None]
        record.append(_probability(r["p_limit_breached"]))
        records.append(record)
    return columns, records


def _probability(value: Any) -> float | None:
    """A share of the draws, to six decimals (exact for up to a million draws)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 6)


def simulation_csv(report: SimulationReport, flavour: str = "csv") -> str:
    """The rows as CSV: "csv" (exact, for tools) or "excel-csv" (see budget.render.csvtext)."""
    columns, records = simulation_records(report)
    return records_csv(columns, [[_csv_number(v) for v in r] for r in records], flavour)


def _csv_number(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".") if value else "0"
    return value


def simulation_json(report: SimulationReport) -> str:
    """The rows as a JSON array (`pd.read_json` reads it as rows), each with the run's
    draws, seed and percentile method beside its values."""
    columns, records = simulation_records(report)
    run = {"draws": report.draws, "seed": report.seed, "percentiles": "inverted_cdf"}
    out = [{**dict(zip(columns, record, strict=True)), **run} for record in records]
    return json.dumps(out, indent=1, ensure_ascii=False) + "\n"


def simulation_text(report: SimulationReport) -> str:
    """Funder bands per basis, the uncertain commitments' bands, cap and limit chances."""
    years, label = report.years, report.scenario.label
    parts = [
        f"{report.title}\n"
        "P5, P50 (the median) and P95 are amounts that occurred in the draws (percentiles of "
        "the inverted\nempirical distribution); the mean is rounded half away from zero "
        "to the cent."
    ]
    for section in report.funder_totals:
        lines = [line for item in section.items for line in _band_lines(item.funder, item, years)]
        parts.append(_table(section.title, years, lines, label))
    varying = report.varying
    if varying.items:
        lines = [
            line
            for item in varying.items
            for line in _band_lines(f"{item.commitment} / {item.funder}", item, years)
        ]
        parts.append(_table(varying.title, years, lines, label))
    caps = report.caps
    if caps.items:
        lines = [[c.commitment, *(_percent(c.chances.get(y)) for y in years)] for c in caps.items]
        parts.append(_table(caps.title, years, lines, label))
    limits = report.limits
    if limits.items:
        lines = [
            [f"{c.funder} {c.basis}", *(_percent(c.chances.get(y)) for y in limits.years)]
            for c in limits.items
        ]
        parts.append(_table(limits.title, limits.years, lines, label))
    return "\n\n".join(parts) + "\n"


def _band_lines(name: str, item: BandItem, years: Sequence[int]) -> list[list[str]]:
    lines = []
    for band, by_year in zip(BANDS, item.bands, strict=True):
        cells = [_euros(by_year.get(y)) for y in years]
        lines.append([name if band == "mean" else "", band.upper() if band != "mean" else band])
        lines[-1] += cells
    return lines


def _euros(cents: Any) -> str:
    if cents is None:
        return ""
    return amount_text(int(cents))


def _percent(p: Any) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return f"{100 * float(p):.1f}%"


def _table(
    title: str,
    years: Sequence[int],
    lines: list[list[str]],
    label: Callable[[int], str] = str,
) -> str:
    extra = len(lines[0]) - len(years) if lines else 1
    return text_table(title, [""] * extra + [label(y) for y in years], lines, left=extra)


SIMULATION: Renderers[SimulationReport] = {
    Format.TABLE: simulation_text,
    Format.CSV: simulation_csv,
    Format.EXCEL_CSV: partial(simulation_csv, flavour="excel-csv"),
    Format.JSON: simulation_json,
}


# --- budget check -------------------------------------------------------------------------


def breach_line(breach: LimitYear) -> str:
    limit = breach.limit
    return (
        f"{limit.funder} {limit.basis} {breach.year}: {format_euros_grouped(breach.amount)} "
        f"above the ceiling of {format_euros_grouped(breach.ceiling)}"
    )


def counterexample_lines(inputs: Sequence[Input]) -> list[str]:
    """Each input's value; consecutive years with the same value of one field on one line."""
    lines: list[str] = []
    groups: list[list[Input]] = []
    for item in inputs:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and (last.owner, last.key, last.field, last.dist, last.value)
            == (item.owner, item.key, item.field, item.dist, item.value)
            and item.year == last.year + 1
        ):
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        first, last = group[0], group[-1]
        years = str(first.year) if len(group) == 1 else f"{first.year}-{last.year}"
        lines.append(
            f"  {first.owner} {first.key} {first.field} {years}: "
            f"{format_euros_grouped(first.value)}  ({first.dist.describe()})"
        )
    return lines


def search_text(found: Found, examples: int) -> str:
    if found.stopped:
        return _stopped_text(found, examples)
    if found.counterexample:
        return "\n".join(
            [
                f"Found inputs that breach a limit after searching {_count(found.searched)} "
                f"(of at most {examples:,}; --examples), then shrunk them to the smallest "
                f"in {found.shrink_steps:,} step{'' if found.shrink_steps == 1 else 's'}:",
                *counterexample_lines(found.counterexample),
                "With these inputs:",
                *(f"  {breach_line(b)}" for b in found.breaches),
            ]
        )
    if not found.inputs:
        return "No uncertain input moves a funder that has a limit: nothing to search."
    return (
        f"Searched {found.inputs:,} uncertain inputs within their ranges: "
        f"{_count(found.searched)} tried (--examples {examples}), none breaches a limit."
    )


def _stopped_text(found: Found, examples: int) -> str:
    """A search that --max-time stopped: what it did in the time, and the last breach."""
    stopped = f"stopped after {found.stopped:g} seconds (--max-time)"
    if found.counterexample:
        return "\n".join(
            [
                f"Found inputs that breach a limit after searching {_count(found.searched)} "
                f"(of at most {examples:,}; --examples); the search {stopped} before "
                "shrinking them to the smallest:",
                *counterexample_lines(found.counterexample),
                "With these inputs:",
                *(f"  {breach_line(b)}" for b in found.breaches),
            ]
        )
    return (
        f"Searched {found.inputs:,} uncertain inputs within their ranges: "
        f"{_count(found.tried)} tried of {examples:,} (--examples), none breaches a limit; "
        f"the search {stopped}, so this is not the whole search: allow more time to finish it."
    )


def _count(examples: int) -> str:
    return f"{examples:,} example{'' if examples == 1 else 's'}"
