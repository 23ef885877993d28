"""The working of a `cofinanced` commitment: rate x the eligible costs of the span, at most
the maximum, spread over the years by largest remainder, each year at most max_per_year."""

from __future__ import annotations

import dataclasses

from budget.core.money import format_euros_grouped as eur
from budget.core.money import round_half_away
from budget.kinds.cofinanced import Cofinanced
from budget.reports.explain.data import Input, Step, Working, YearWorking, money, number, share
from budget.reports.explain.sources import (
    Context,
    commitment_input,
    commitment_year_input,
    recipient_input,
)


def explain_cofinanced(ctx: Context) -> Working:
    spec: Cofinanced = ctx.commitment.spec
    years = list(range(spec.first_year, spec.last_year + 1))
    common = [
        commitment_input(ctx, "first_year", "first year", number(spec.first_year)),
        commitment_input(ctx, "last_year", "last year", number(spec.last_year)),
        commitment_input(ctx, "rate", "rate of the eligible costs", share(spec.rate)),
    ]
    if spec.maximum is not None:
        common.append(commitment_input(ctx, "max", "most over the span", money(spec.maximum)))
    if spec.max_per_year is not None:
        common.append(
            commitment_input(ctx, "max_per_year", "most in a year", money(spec.max_per_year))
        )
    own = not spec.from_costs
    inputs: dict[int, Input] = {}
    eligible: dict[int, int] = {}
    for y in years:
        if own:
            item, cents = commitment_year_input(ctx, "eligible", "eligible costs", spec.eligible, y)  # type: ignore[arg-type]
        else:
            item, cents = recipient_input(
                ctx, "costs", f"eligible costs (costs of {ctx.recipient.key})", y
            )
            item = dataclasses.replace(item, name="eligible")
        inputs[y], eligible[y] = item, max(cents, 0)
    whole = sum(eligible.values())
    exact = whole * spec.rate
    rated = round_half_away(exact.numerator, exact.denominator)
    total = rated if spec.maximum is None else min(rated, spec.maximum)
    steps = [
        Step(
            "eligible_total",
            "eligible costs of the span",
            "sum of the eligible costs",
            " + ".join(eur(eligible[y]) for y in years),
            money(whole),
        ),
        Step(
            "rated",
            "rate x eligible costs, rounded to the cent",
            "round(rate x eligible_total, 2)",
            f"round({spec.rate} x {eur(whole)}, 2)",
            money(rated),
        ),
        Step(
            "total",
            "total over the span",
            "min(rated, max)" if spec.maximum is not None else "rated",
            f"min({eur(rated)}, {eur(spec.maximum)})" if spec.maximum is not None else eur(rated),
            money(total),
        ),
    ]
    parts = _spread(total, [eligible[y] for y in years])
    out: dict[int, YearWorking] = {}
    for y, part in zip(years, parts, strict=True):
        year_steps = [
            Step(
                "part",
                "the total's part for the year (largest remainder)",
                "total x eligible / eligible_total, a cent more to the largest remainders",
                f"{eur(total)} x {eur(eligible[y])} / {eur(whole)}",
                money(part),
            ),
        ]
        amount = part
        if spec.max_per_year is not None:
            amount = min(part, spec.max_per_year)
            year_steps.append(
                Step(
                    "amount",
                    "amount, at most max_per_year",
                    "min(part, max_per_year)",
                    f"min({eur(part)}, {eur(spec.max_per_year)})",
                    money(amount),
                )
            )
        out[y] = YearWorking((inputs[y],), tuple(year_steps), amount, amount)
    notes = (
        "The total is spread over the years in proportion to the eligible costs (ties to "
        "the earlier year); a commitment ranked after it (a top-up) makes up the rest.",
    )
    return Working(tuple(common), tuple(steps), out, notes)


def _spread(total: int, weights: list[int]) -> list[int]:
    count = sum(weights)
    if count == 0:
        return [0] * len(weights)
    floors = [total * w // count for w in weights]
    rest = [total * w - count * f for w, f in zip(weights, floors, strict=True)]
    for i in sorted(range(len(weights)), key=lambda i: (-rest[i], i))[: total - sum(floors)]:
        floors[i] += 1
    return floors
