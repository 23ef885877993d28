"""The working of an `annual` commitment: base x (1 + rate)^years since the first, rounded
once, half away from zero."""

from __future__ import annotations

import dataclasses

from budget.core.money import format_euros_grouped as eur
from budget.core.money import round_half_away
from budget.kinds.annual import Annual
from budget.reports.explain.data import (
    Input,
    Step,
    Working,
    YearWorking,
    exact_money,
    money,
    number,
    share,
    text,
)
from budget.reports.explain.indexed import indexed_steps, series_text
from budget.reports.explain.sources import Context, commitment_input, commitment_year_input


def explain_annual(ctx: Context) -> Working:
    spec: Annual = ctx.commitment.spec
    origins = ctx.commitment.field_origins
    indexed = "indexation" in origins if origins else spec.indexation != 0
    common = (
        commitment_input(ctx, "first_year", "first year", number(spec.first_year)),
        commitment_input(ctx, "last_year", "last year", number(spec.last_year)),
        commitment_input(ctx, "indexation", "yearly rate", share(spec.indexation), given=indexed),
    )
    rate = spec.indexation
    if spec.index is not None:
        return _explain_indexed(ctx, spec, common[:2])
    years: dict[int, YearWorking] = {}
    for year in range(spec.first_year, spec.last_year + 1):
        base_input, base = commitment_year_input(ctx, "amount", "base amount", spec.amount, year)
        n = year - spec.first_year
        factor = (1 + rate) ** n
        unrounded = base * factor
        amount = round_half_away(unrounded.numerator, unrounded.denominator)
        steps = (
            Step(
                "years_since_first",
                "years since the first year",
                "year - first_year",
                f"{year} - {spec.first_year}",
                number(n),
            ),
            Step(
                "factor",
                "indexation factor",
                "(1 + rate)^years_since_first",
                f"(1 + {rate})^{n}",
                share(factor),
            ),
            Step(
                "unrounded",
                "amount before rounding",
                "base x factor",
                f"{eur(base)} x {factor}",
                exact_money(unrounded),
            ),
            Step(
                "amount",
                "amount, rounded to the cent (halves away from zero)",
                "round(unrounded, 2)",
                f"round({exact_money(unrounded).text()}, 2)",
                money(amount),
            ),
        )
        years[year] = YearWorking((base_input,), steps, amount, amount)
    notes = (
        "Each year is computed from the base and rounded once; rounded amounts are never "
        "compounded.",
    )
    return Working(common, (), years, notes if rate != 0 else ())


def _explain_indexed(ctx: Context, spec: Annual, common: tuple[Input, ...]) -> Working:
    """An annual indexed by a series: each rate of the series, its factor, rounded once."""
    assert spec.index is not None
    series = commitment_input(ctx, "indexation", "index series", text(series_text(spec.index)))
    # Not the flat rate's "indexation": the Calculation sheet shows the series' rates.
    series = dataclasses.replace(series, name="index_series")
    years: dict[int, YearWorking] = {}
    for year in range(spec.first_year, spec.last_year + 1):
        base_input, base = commitment_year_input(ctx, "amount", "base amount", spec.amount, year)
        steps, amount = indexed_steps(spec.index, year, base, "amount")
        years[year] = YearWorking((base_input,), tuple(steps), amount, amount)
    notes = (
        f"The base amount is at the price level of {spec.index.base_year}; each year is "
        "the base times the product of (1 + rate) of the series since then, rounded once.",
    )
    return Working((*common, series), (), years, notes)
