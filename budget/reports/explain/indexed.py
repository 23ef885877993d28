"""The working of an amount indexed by a series (`indexation = { index, base_year }`):
each year's rate of the series from base_year + 1, their product, the amount rounded once."""

from __future__ import annotations

from fractions import Fraction

from budget.core.indices import Indexed
from budget.core.money import format_euros_grouped as eur
from budget.core.money import round_half_away
from budget.reports.explain.data import Step, exact_money, money, share


def series_text(indexed: Indexed) -> str:
    """How the series is written: "pbo from 2014" (price level of 2014)."""
    return f"{indexed.index} from {indexed.base_year}"


def indexed_steps(
    indexed: Indexed, year: int, base: int, what: str, name: str = "amount"
) -> tuple[list[Step], int]:
    """One step per rate of the series (base_year + 1 .. year), the factor, the amount
    before and after rounding; returns the steps and the rounded amount in cents."""
    steps: list[Step] = []
    factor = Fraction(1)
    for y, rate in indexed.steps(year):
        factor *= 1 + rate
        steps.append(
            Step(
                f"index_rate:{y}",
                f"rate of {indexed.index} in {y}",
                f"[indices.{indexed.index}] {y}",
                percent(rate),
                share(rate),
            )
        )
    written = " x ".join(f"(1 + {percent(r)})" for _, r in indexed.steps(year)) or "1"
    steps.append(
        Step(
            "factor" if name == "amount" else f"{name}_factor",
            f"index factor since {indexed.base_year}",
            f"product of (1 + rate) from {indexed.base_year + 1} to {year}",
            written,
            share(factor),
        )
    )
    unrounded = base * factor
    amount = round_half_away(unrounded.numerator, unrounded.denominator)
    steps.append(
        Step(
            "unrounded" if name == "amount" else f"{name}_unrounded",
            f"{what} before rounding",
            f"{what} x factor",
            f"{eur(base)} x {factor}",
            exact_money(unrounded),
        )
    )
    steps.append(
        Step(
            name,
            f"{what}, rounded to the cent (halves away from zero)",
            "round(unrounded, 2)",
            f"round({exact_money(unrounded).text()}, 2)",
            money(amount),
        )
    )
    return steps, amount


def percent(rate: Fraction) -> str:
    """A rate as written in a series: 0.9%, -0.25%; an exact fraction when not decimal."""
    hundred = rate * 100
    for digits in range(7):
        scaled = hundred * 10**digits
        if scaled.denominator == 1:
            whole = abs(scaled.numerator)
            sign = "-" if hundred < 0 else ""
            head, tail = divmod(whole, 10**digits)
            return f"{sign}{head}" + (f".{tail:0{digits}d}" if digits else "") + "%"
    return str(rate)
