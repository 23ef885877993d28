"""The working of an `annual` commitment: base x (1 + rate)^years since the first, rounded
once, half away from zero."""

from __future__ import annotations

from budget.core.money import format_euros_grouped as eur
from budget.core.money import round_half_away
from budget.kinds.annual import Annual
from budget.reports.explain.data import (
    Step,
    Working,
    YearWorking,
    exact_money,
    money,
    number,
    share,
)
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
