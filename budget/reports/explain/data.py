"""An explanation as plain data: inputs, steps and results per fiscal year and basis.

Renderers (the terminal table, JSON, the Calculation sheet) only lay these out. Every
amount is exact: integer cents, or a Fraction of cents before rounding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from budget.core.model import Basis
from budget.core.money import format_euros_grouped


class Unit(StrEnum):
    """What a quantity measures, which decides how it is shown."""

    MONEY = "money"  # integer cents
    EXACT_MONEY = "exact_money"  # a Fraction of cents, before rounding
    SHARE = "share"  # an exact fraction (a funder's share, a rate, a part of a period)
    NUMBER = "number"  # a whole or fractional count (days, months, years)
    DATE = "date"
    FLAG = "flag"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value with its unit: cents (int), exact cents or a share (Fraction), a count (int
    or Fraction), a date, a yes/no or text."""

    unit: Unit
    value: int | Fraction | dt.date | bool | str

    def text(self) -> str:
        """As a finance officer writes it: 1,206,140.35; 1,206,140.350877…; 275/456; 9."""
        v = self.value
        if self.unit is Unit.MONEY:
            return format_euros_grouped(int(v))  # type: ignore[arg-type]
        if self.unit is Unit.EXACT_MONEY:
            return exact_euros(Fraction(v))  # type: ignore[arg-type]
        if self.unit is Unit.FLAG:
            return "yes" if v else "no"
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v)


def exact_euros(cents: Fraction, digits: int = 4) -> str:
    """Exact cents as euros: the cents, then up to `digits` more decimals, and "…" when
    the value does not end there (1,206,140.350877…)."""
    sign = "-" if cents < 0 else ""
    magnitude = abs(cents)
    whole = magnitude.numerator // magnitude.denominator
    text = format_euros_grouped(whole)
    rest = magnitude - whole
    if rest == 0:
        return sign + text
    scaled = rest * 10**digits
    shown = scaled.numerator // scaled.denominator
    more = f"{shown:0{digits}d}"
    if scaled.denominator == 1:
        return sign + text + more.rstrip("0")
    return sign + text + more + "\u2026"


def money(cents: int) -> Quantity:
    return Quantity(Unit.MONEY, int(cents))


def exact_money(cents: Fraction) -> Quantity:
    return Quantity(Unit.EXACT_MONEY, Fraction(cents))


def share(value: Fraction) -> Quantity:
    return Quantity(Unit.SHARE, Fraction(value))


def number(value: int | Fraction) -> Quantity:
    return Quantity(Unit.NUMBER, value)


def flag(value: bool) -> Quantity:
    return Quantity(Unit.FLAG, bool(value))


def text(value: str) -> Quantity:
    return Quantity(Unit.TEXT, value)


def date(value: dt.date) -> Quantity:
    return Quantity(Unit.DATE, value)


@dataclass(frozen=True, slots=True)
class Input:
    """A value read from the scenario.

    name: a stable key ("cap", "costs"); label: the finance officer's words.
    file: the file it came from ("" when it is not given and a default applies).
    where: the entry and field in that file ('recipient 'SIN', field 'costs', 2015').
    assumption: the scenario marks the field as an assumption.
    central_of: for an uncertain input, the distribution whose central value is used.
    """

    name: str
    label: str
    value: Quantity
    file: str
    where: str
    assumption: bool = False
    central_of: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the working.

    name: a stable key; label: the finance officer's words; rule: the rule in terms of
    the names of inputs and earlier steps ("min(cap, due)"); worked: the same with the
    numbers filled in; value: the outcome.
    """

    name: str
    label: str
    rule: str
    worked: str
    value: Quantity


@dataclass(frozen=True, slots=True)
class FunderPart:
    """One funder's part of one year's amount on one basis.

    share: the funder's exact share; split: the amount divided (for a grant's cash, the
    payments to date); exact: split x share; rounded_down: exact rounded down to the
    cent; leftover_cent: the cent it got by largest remainder (0 or 1); before: for a
    cumulative split, the funder's part of the payments up to the year before (else 0);
    mended: a cent moved so that no part is negative (see funder_split.split_commitments);
    part: what the funder pays that year = rounded_down + leftover_cent - before + mended.
    """

    funder: str
    share: Fraction
    split: int
    exact: Fraction
    rounded_down: int
    leftover_cent: int
    before: int
    mended: int
    part: int


@dataclass(frozen=True, slots=True)
class FunderSplit:
    """How one year's amount on one basis is divided over the funders.

    basis: the basis; method: "yearly" (the year's amount is split) or "cumulative" (a
    grant's payments to date are split, and the year's part is the difference); amount:
    the year's amount; leftover: cents left after rounding down.
    """

    basis: Basis
    method: str
    amount: int
    leftover: int
    parts: tuple[FunderPart, ...]


@dataclass(frozen=True, slots=True)
class YearExplanation:
    """One fiscal year of a commitment.

    inputs, steps: the working, in order; commitment, cash: the amounts on each basis,
    from the engine's projection; splits: the funder split on each basis.
    """

    year: int
    label: str
    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    commitment: int
    cash: int
    splits: tuple[FunderSplit, ...]


@dataclass(frozen=True, slots=True)
class YearWorking:
    """What a kind's explainer works out for one year: the inputs and steps, and the
    amounts they come to on each basis (checked against the engine's)."""

    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    commitment: int
    cash: int


@dataclass(frozen=True, slots=True)
class Working:
    """What a kind's explainer works out: inputs and steps that hold for every year, and
    each year's working."""

    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    years: dict[int, YearWorking]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    """How a commitment's amounts were computed.

    scenario: the scenario's name; file: the scenario file; inputs: the inputs that hold
    for every year (the commitment's own fields); steps: working that spans the years (a
    grant's allocation); years: the fiscal years explained; notes: remarks in words;
    currency: the scenario's currency; budget_line: its chapter, article, instrument and
    scheme in words (budget.core.lines), "" when it has none.
    """

    scenario: str
    file: str
    commitment: str
    title: str
    kind: str
    recipient: str
    recipient_name: str
    funders: tuple[tuple[str, Fraction], ...]
    source: str
    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    years: tuple[YearExplanation, ...]
    notes: tuple[str, ...] = ()
    currency: str = "EUR"
    # Where it sits in the budget (chapter, article, ...); "" without a budget line.
    budget_line: str = ""
    # The scenario's cash shifts of this commitment in words (the years below are before
    # them, as the engine computes them; budget run shows the cash after them).
    cash_shifts: tuple[str, ...] = ()
    # A pending commitment (issue 23): its working reads the others as every pending one
    # decided pays, whatever its p (p = 1 included).
    pending: bool = False
