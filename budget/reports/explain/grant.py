"""The working of a `grant`: the period's days (or month shares, or the schedule) in each
fiscal year, the exact shares, the parts rounded down and the leftover cents; the advance
and the settlement; the year the whole grant is committed."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np

from budget.core.money import allocate, share_weights
from budget.core.money import format_euros_grouped as eur
from budget.core.periods import MONTH_UNITS, fiscal_year_weights
from budget.kinds.grant import Grant
from budget.reports.explain.data import (
    Input,
    Step,
    Working,
    YearWorking,
    date,
    exact_money,
    money,
    number,
    share,
    text,
)
from budget.reports.explain.sources import Context, commitment_input

UNIT_WORDS = {"days": "days", "months": "months", "schedule": "scheduled amount"}


def period_weights(spec: Grant, ctx: Context, first: int, last: int) -> list[int]:
    """Each fiscal year's weight first..last: days, month units or scheduled cents."""
    if isinstance(spec.allocation, tuple):
        scheduled = dict(spec.allocation)
        return [scheduled.get(y, 0) for y in range(first, last + 1)]
    bounds = ctx.scenario.calendar.boundaries(first, last)
    starts = np.array([spec.start], dtype="datetime64[D]")
    ends = np.array([spec.end], dtype="datetime64[D]")
    return [int(w) for w in fiscal_year_weights(starts, ends, bounds, spec.allocation)[0]]


def _weight(method: str, w: int) -> tuple[Fraction | int, str]:
    """A year's weight as shown: days, months (a fraction of months) or cents."""
    if method == "months":
        months = Fraction(w, MONTH_UNITS)
        return months, str(months)
    if method == "schedule":
        return w, eur(w)
    return w, str(w)


def explain_grant(ctx: Context) -> Working:
    spec: Grant = ctx.commitment.spec
    method = spec.allocation if isinstance(spec.allocation, str) else "schedule"
    first, last = spec.years(ctx.scenario.calendar)
    committed_year = first if spec.committed_in is None else spec.committed_in
    common: list[Input] = [
        commitment_input(ctx, "total", "total granted", money(spec.total)),
        commitment_input(ctx, "start", "first day of the period", date(spec.start)),
        commitment_input(ctx, "end", "day after the period (exclusive)", date(spec.end)),
        commitment_input(
            ctx,
            "allocation",
            "allocation over fiscal years",
            text(method),
            given=_given(ctx, "allocation", method != "days"),
        ),
    ]
    if spec.advance is not None:
        common += [
            commitment_input(ctx, "advance", "share paid in advance", share(spec.advance)),
            commitment_input(
                ctx,
                "settlement_lag",
                "years from the period's last year to settlement",
                number(spec.settlement_lag),
                given=_given(ctx, "settlement_lag", True),
            ),
        ]
    common.append(
        commitment_input(
            ctx,
            "committed_in",
            "fiscal year of the grant decision",
            number(committed_year),
            given=spec.committed_in is not None,
        )
    )
    weights = period_weights(spec, ctx, first, last)
    whole = sum(weights)
    allocated = allocate(spec.total, weights)
    # A schedule may be all zeros (a grant of 0.00): nothing to divide.
    floors = [spec.total * w // whole if whole else 0 for w in weights]
    leftover = spec.total - sum(floors)
    got = [
        ctx.label(first + i)
        for i, (a, f) in enumerate(zip(allocated, floors, strict=True))
        if a > f
    ]
    unit = UNIT_WORDS[method]
    _, whole_text = _weight(method, whole)
    steps = [
        Step(
            "first_year",
            "fiscal year of the first day",
            "year of start",
            f"year of {spec.start}",
            number(first),
        ),
        Step(
            "last_year",
            "fiscal year of the last day",
            "year of (end - 1 day)",
            f"year of {spec.end - dt.timedelta(days=1)}",
            number(last),
        ),
        Step(
            f"{method}_in_all",
            f"{unit} of the period in all",
            f"sum of {unit} per year",
            whole_text,
            number(_weight(method, whole)[0]) if method != "schedule" else money(whole),
        ),
    ]
    if method != "schedule":
        steps += [
            Step(
                "leftover_cents",
                "cents left over after rounding each year down",
                "total - sum of rounded_down",
                f"{eur(spec.total)} - {eur(sum(floors))}",
                number(leftover),
            ),
            Step(
                "leftover_to",
                "years that got a leftover cent (largest remainder, ties to the earlier year)",
                "largest remainders",
                ", ".join(got) or "none",
                text(", ".join(got)),
            ),
        ]
    advance_part = settlement = 0
    settlement_year = last
    if spec.advance is not None:
        advance_part, settlement = allocate(
            spec.total, share_weights([spec.advance, 1 - spec.advance])
        )
        settlement_year = last + spec.settlement_lag
        steps += _advance_steps(spec.total, spec.advance, advance_part, settlement)
        steps += [
            Step(
                "settlement_year",
                "fiscal year of settlement",
                "last_year + settlement_lag",
                f"{last} + {spec.settlement_lag}",
                number(settlement_year),
            ),
        ]
    if spec.settled is not None:
        common.append(
            commitment_input(
                ctx,
                "settled",
                f"settled in {ctx.label(spec.settled[0])} at",
                money(spec.settled[1]),
            )
        )
    lo, hi = ctx.span
    years: dict[int, YearWorking] = {}
    paid_before = 0
    for year in range(lo, hi + 1):
        inputs: list[Input] = []
        year_steps: list[Step] = []
        part = 0
        if first <= year <= last:
            i = year - first
            part = allocated[i]
            if method == "schedule":
                inputs.append(
                    commitment_input(
                        ctx, "allocation", "scheduled for the year", money(part), year=year
                    )
                )
            else:
                year_steps += _allocation_steps(
                    spec.total, method, weights[i], whole, floors[i], part
                )
        if spec.advance is None:
            cash = part
            year_steps.append(Step("cash", "paid in the year", "allocated", eur(part), money(cash)))
        else:
            cash = (advance_part if year == first else 0) + (
                settlement if year == settlement_year else 0
            )
            year_steps.append(
                _advance_cash_step(year, first, settlement_year, advance_part, settlement, cash)
            )
        committed = spec.total if year == committed_year else 0
        year_steps.append(
            Step(
                "committed",
                "committed in the year",
                "total in the year of the grant decision, else 0",
                f"the grant of {eur(spec.total)} is committed in {ctx.label(committed_year)}",
                money(committed),
            )
        )
        if spec.settled is not None and year >= spec.settled[0]:
            cash, committed = _settlement_steps(
                spec, year, paid_before, cash, committed, year_steps
            )
        paid_before += cash
        years[year] = YearWorking(tuple(inputs), tuple(year_steps), committed, cash)
    notes: tuple[str, ...] = ()
    if spec.advance is not None:
        notes = (
            "With an advance, the allocation over the period's years shows how the grant "
            "spreads over the period; the cash follows the advance and the settlement.",
        )
    return Working(tuple(common), tuple(steps), years, notes)


def _settlement_steps(
    spec: Grant, year: int, paid_before: int, cash: int, committed: int, steps: list[Step]
) -> tuple[int, int]:
    """A settled grant from its settlement year on: the final payment replaces the planned
    cash, the release joins the commitment, the recovery is what was paid beyond the
    amount. Returns the year's cash and commitment."""
    assert spec.settled is not None
    settled_year, amount = spec.settled
    if year > settled_year:
        steps.append(
            Step("settled_cash", "paid after the settlement", "nothing", "settled", money(0))
        )
        return 0, committed
    final = max(0, amount - paid_before)
    steps += [
        Step(
            "final_payment",
            "final payment at settlement (replaces the planned cash from this year on)",
            "max(0, settled amount - paid before)",
            f"max(0, {eur(amount)} - {eur(paid_before)})",
            money(final),
        ),
        Step(
            "release",
            "commitment released at settlement",
            "settled amount - total",
            f"{eur(amount)} - {eur(spec.total)}",
            money(amount - spec.total),
        ),
        Step(
            "recovery",
            "recovered on the receipts basis (paid beyond the settled amount)",
            "max(0, paid before - settled amount)",
            f"max(0, {eur(paid_before)} - {eur(amount)})",
            money(max(0, paid_before - amount)),
        ),
    ]
    return final, committed + amount - spec.total


def _given(ctx: Context, field: str, otherwise: bool) -> bool:
    origins = ctx.commitment.field_origins
    return field in origins if origins else otherwise


def _allocation_steps(
    total: int, method: str, w: int, whole: int, floor: int, part: int
) -> list[Step]:
    unit = UNIT_WORDS[method]
    w_value, w_text = _weight(method, w)
    _, whole_text = _weight(method, whole)
    fraction = Fraction(w, whole)
    exact = total * fraction
    return [
        Step(
            f"{method}_in_year",
            f"{unit} of the period in the year",
            f"{unit} in the year",
            w_text,
            number(w_value),
        ),
        Step(
            "share",
            "share of the period",
            f"{unit}_in_year / {unit}_in_all",
            f"{w_text}/{whole_text}",
            share(fraction),
        ),
        Step(
            "exact",
            "exact part",
            "total x share",
            f"{fraction} of {eur(total)}",
            exact_money(exact),
        ),
        Step(
            "rounded_down",
            "rounded down to the cent",
            "floor(exact)",
            exact_money(exact).text(),
            money(floor),
        ),
        Step(
            "leftover_cent",
            "leftover cent it got (largest remainder)",
            "allocated - rounded_down",
            f"{eur(part)} - {eur(floor)}",
            money(part - floor),
        ),
        Step(
            "allocated",
            "allocated to the year",
            "rounded_down + leftover_cent",
            eur(part),
            money(part),
        ),
    ]


def _advance_cash_step(
    year: int, first: int, settle: int, advance: int, settlement: int, cash: int
) -> Step:
    said = []
    if year == first:
        said.append(f"advance {eur(advance)}")
    if year == settle:
        said.append(f"settlement {eur(settlement)}")
    return Step(
        "cash",
        "paid in the year",
        "advance_part in the first year + settlement in the settlement year",
        " + ".join(said) or "nothing (between advance and settlement)",
        money(cash),
    )


def _advance_steps(total: int, advance: Fraction, advance_part: int, settlement: int) -> list[Step]:
    """The total split into the advance and the settlement by largest remainder."""
    exact = total * advance
    exact_rest = total - exact
    floor = exact.numerator // exact.denominator
    floor_rest = exact_rest.numerator // exact_rest.denominator
    leftover = total - floor - floor_rest
    to = "the advance" if advance_part > floor else "the settlement" if leftover else "neither"
    return [
        Step(
            "advance_exact",
            "advance, exact",
            "total x advance",
            f"{eur(total)} x {advance}",
            exact_money(exact),
        ),
        Step(
            "advance_rounded_down",
            "advance rounded down",
            "floor(advance_exact)",
            exact_money(exact).text(),
            money(floor),
        ),
        Step(
            "settlement_exact",
            "settlement, exact",
            "total x (1 - advance)",
            f"{eur(total)} x {1 - advance}",
            exact_money(exact_rest),
        ),
        Step(
            "settlement_rounded_down",
            "settlement rounded down",
            "floor(settlement_exact)",
            exact_money(exact_rest).text(),
            money(floor_rest),
        ),
        Step(
            "advance_leftover_to",
            "the leftover cent goes to (largest remainder, ties to the advance)",
            "larger remainder",
            f"{leftover} cent(s) to {to}",
            text(to),
        ),
        Step(
            "advance_part",
            "advance paid in the first year",
            "advance_rounded_down + its cent",
            f"{eur(floor)} + {eur(advance_part - floor)}",
            money(advance_part),
        ),
        Step(
            "settlement",
            "paid at settlement",
            "settlement_rounded_down + its cent",
            f"{eur(floor_rest)} + {eur(settlement - floor_rest)}",
            money(settlement),
        ),
    ]
