"""The plan-vs-actual report (`budget.reports.realisation`) as terminal tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from budget.core.money import format_euros_grouped
from budget.render.text import amount_text, text_table
from budget.reports import overview as listing  # MAX_LISTED read at use: tests set it
from budget.reports.explain.forecast import ForecastStep
from budget.reports.realisation import BasisPlan, FunderPlan, Measures, PlanVsActual, line_ids


def _variance(cents: int) -> str:
    return f"+{format_euros_grouped(cents)}" if cents > 0 else amount_text(cents)


def realisation_text(report: PlanVsActual) -> str:
    """Per basis: each funder's commitments with planned, actual and variance per year; then
    the forecast per funder and commitment with totals. At register scale (more than
    `reports.overview.MAX_LISTED` commitments) the funders' lines only, and a note."""
    label = report.year_label
    parts = [report.status]
    listed = {c for b in report.bases for f in b.funders for c in line_ids(f.commitments)}
    summary = len(listed) > listing.MAX_LISTED
    parts += [_against(basis, report.years, label, summary) for basis in report.bases]
    parts += [_forecast(basis, report.years, label, summary) for basis in report.bases]
    if summary:
        parts.append(
            f"({len(listed):,} commitments, more than the {listing.MAX_LISTED:,} listed one "
            "by one: a line per funder. `--format csv` gives every commitment's lines.)"
        )
    parts.append(
        "(variance = actual - planned; forecast = actual in a closed year; cash planned and "
        "not paid slips to the next open year (grants) or lapses (annual, top-up); "
        "obligations as booked, else a grant's plan or, committed when paid, the cash "
        "forecast; see budget explain COMMITMENT --actuals)"
    )
    if report.unplanned_note:
        parts.append(report.unplanned_note)
    return "\n\n".join(parts)


def _against(
    basis: BasisPlan, years: tuple[int, ...], label: Callable[[int], str], summary: bool = False
) -> str:
    """Per commitment planned, actual and variance; per funder a subtotal and at the foot
    the grand total, each with the forecast as well. At register scale (`summary`) the
    funders' subtotals only."""
    header = ["funder", "commitment", "", *map(label, years), "total"]
    lines = []
    for funder in basis.funders:
        if summary:
            name = f"{len(funder.commitments):,} commitments"
            lines += _lines(funder.funder, name, funder.total, forecast=True)
            continue
        for item in funder.commitments:
            lines += _lines(funder.funder, item.commitment, item.measures)
        lines += _lines("", f"{funder.funder} total", funder.total, forecast=True)
    footer = _lines("Total", "", basis.total, forecast=True)
    return text_table(basis.title, header, lines, left=3, footer=footer)


def _lines(first: str, second: str, m: Measures, forecast: bool = False) -> list[list[str]]:
    shown = [
        ("planned", m.planned, amount_text),
        ("actual", m.actual, amount_text),
        ("variance", m.variance, _variance),
    ]
    if forecast:
        shown.append(("forecast", m.forecast, amount_text))
    return [
        [
            first if line == "planned" else "",
            second if line == "planned" else "",
            line,
            *(show(c) for c in cells),
            show(sum(cells)),
        ]
        for line, cells, show in shown
    ]


def _forecast(
    basis: BasisPlan, years: tuple[int, ...], label: Callable[[int], str], summary: bool = False
) -> str:
    header = ["funder", "commitment", *map(label, years), "total"]
    lines = []
    for funder in basis.funders:
        if not summary:
            for item in funder.commitments:
                lines.append([funder.funder, item.commitment, *_cells(item.measures)])
        lines.append(["", f"{funder.funder} total", *_cells(funder.total)])
    footer = [["Total", "", *_cells(basis.total)]]
    return text_table(basis.forecast_title, header, lines, left=2, footer=footer)


def _cells(measures: Measures) -> list[str]:
    return [*map(amount_text, measures.forecast), amount_text(sum(measures.forecast))]


@dataclass(frozen=True, slots=True)
class _Line:
    commitment: str
    measures: Measures


def _funder_line(funder: FunderPlan) -> _Line:
    """A funder's total as the one line of a summary's plan-against-actual table."""
    return _Line(f"{len(funder.commitments):,} commitments", funder.total)


def forecast_working_text(steps: list[ForecastStep], commitment: str, as_of: str | None) -> str:
    """How each forecast figure of one commitment was reached: one line per funder, basis
    and year, with the rule and its working."""
    head = f"Forecast of {commitment} against the actuals (complete up to {as_of or 'no date'})"
    lines = [head]
    for s in steps:
        lines.append(
            f"  {s.funder}, {s.basis} {s.label} ({s.status}): {s.rule}: {s.working} = "
            f"{format_euros_grouped(s.forecast)}"
        )
    return "\n".join(lines)
