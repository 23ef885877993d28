"""Performance indicators: targets against what was achieved, exactly.

Target = base x (1 + change) (or the value given), rounded half away from zero to the
indicator's decimals. Change achieved = achieved / base - 1, in percent with one decimal,
half away from zero. Met = achieved >= target (<= when lower is better); unknown while
nothing is achieved. Cost per unit = the linked commitments' cash in that year / achieved,
in cents, half away from zero.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from budget.core.model import Basis, Indicator, Scenario
from budget.core.money import format_euros, round_half_away

COLUMNS = [
    "scenario",
    "indicator",
    "unit",
    "year",
    "base",
    "target",
    "achieved",
    "change_pct",
    "met",
    "cost_per_unit_cents",
]
# A given number is shown with as many decimals as it needs, up to this many.
MOST_PLACES = 6


def rounded(value: Fraction, places: int) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, as an exact Decimal."""
    scaled = value * 10**places
    return Decimal(round_half_away(scaled.numerator, scaled.denominator)).scaleb(-places)


def exact(value: Fraction) -> Decimal:
    """A given number as the decimal it was written as (at most MOST_PLACES decimals)."""
    for places in range(MOST_PLACES + 1):
        if (value * 10**places).denominator == 1:
            return rounded(value, places)
    return rounded(value, MOST_PLACES)


def target(indicator: Indicator, value: Fraction, is_change: bool) -> Decimal:
    """The target of one year: base x (1 + change), or the value, rounded to the decimals."""
    raw = indicator.base * (1 + value) if is_change else value
    return rounded(raw, indicator.decimals)


def change_pct(indicator: Indicator, achieved: Fraction) -> Decimal:
    """achieved / base - 1, in percent with one decimal."""
    return rounded((achieved / indicator.base - 1) * 100, 1)


def cost_per_unit(cash_cents: int, achieved: Fraction) -> int | None:
    """Cash per unit achieved, in cents, half away from zero; None for nothing achieved."""
    if achieved == 0:
        return None
    ratio = Fraction(cash_cents) / achieved
    return round_half_away(ratio.numerator, ratio.denominator)


def cash_by_commitment(
    scenario: Scenario, cash: pd.DataFrame | None = None
) -> dict[tuple[str, int], int]:
    """The cash basis cents per (commitment, year) of `cash` (tidy rows; without them the
    projection), for the commitments that indicators name; empty when none do."""
    if not any(i.commitments for i in scenario.indicators):
        return {}
    if cash is None:
        from budget.engine.projection import project

        cash = project(scenario)
    on_cash = cash[cash["basis"] == Basis.CASH]
    sums = (
        on_cash.groupby(["commitment", "year"], observed=True)["amount_cents"].sum().reset_index()
    )
    return {
        (str(c), int(y)): int(v)
        for c, y, v in zip(sums["commitment"], sums["year"], sums["amount_cents"], strict=True)
    }


def linked_cash(indicator: Indicator, paid: dict[tuple[str, int], int], year: int) -> int:
    """What the indicator's commitments paid in `year` (`paid`: `cash_by_commitment`)."""
    return sum(paid.get((c, year), 0) for c in indicator.commitments)


def indicator_rows(scenario: Scenario, cash: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator and year that has a target or an achieved value.

    `cash`: tidy rows (the projection, or the forecast) that the cost per unit is taken
    from; without it, the scenario is projected when an indicator names commitments.
    Columns: scenario, indicator, unit (categorical), year (int64), base, target, achieved
    and change_pct (exact Decimals; achieved and change_pct None where nothing is achieved),
    met (nullable boolean), cost_per_unit_cents (nullable Int64).
    """
    paid = cash_by_commitment(scenario, cash)
    records = []
    for indicator in scenario.indicators:
        targets = {y: (v, change) for y, v, change in indicator.targets}
        achieved = dict(indicator.achieved)
        for year in sorted({*targets, *achieved}):
            goal = target(indicator, *targets[year]) if year in targets else None
            got = achieved.get(year)
            met = None
            if got is not None and goal is not None:
                met = got >= Fraction(goal) if indicator.higher_is_better else got <= Fraction(goal)
            cost = None
            if got is not None and indicator.commitments:
                cost = cost_per_unit(linked_cash(indicator, paid, year), got)
            records.append(
                {
                    "scenario": scenario.name,
                    "indicator": indicator.id,
                    "unit": indicator.unit,
                    "year": year,
                    "base": exact(indicator.base),
                    "target": goal,
                    "achieved": None if got is None else exact(got),
                    "change_pct": None if got is None else change_pct(indicator, got),
                    "met": met,
                    "cost_per_unit_cents": cost,
                }
            )
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for column in ("scenario", "indicator", "unit"):
        frame[column] = frame[column].astype("category")
    frame["year"] = frame["year"].to_numpy(np.int64)
    for column in ("base", "target", "achieved", "change_pct"):
        frame[column] = frame[column].astype(object)
    frame["met"] = frame["met"].astype("boolean")
    frame["cost_per_unit_cents"] = frame["cost_per_unit_cents"].astype("Int64")
    frame.attrs.update(scenario=scenario.name)
    return frame


def output_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows as CSV/JSON print them: numbers as text, met yes/no (empty while nothing
    is achieved), cost_per_unit in euros with two decimals (empty when not known)."""
    out = frame.drop(columns=["cost_per_unit_cents"]).astype(object)
    for column in ("base", "target", "achieved", "change_pct"):
        out[column] = [_text(v) for v in frame[column]]
    out["met"] = ["" if pd.isna(v) else ("yes" if v else "no") for v in frame["met"]]
    out["cost_per_unit"] = [
        "" if pd.isna(v) else format_euros(int(v)) for v in frame["cost_per_unit_cents"]
    ]
    out["year"] = frame["year"].to_numpy(np.int64)
    return out


def json_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows as JSON prints them: base, target, achieved and change_pct as numbers (the
    exact decimals, written as the shortest JSON number that reads back to them), met
    true/false, cost_per_unit in two-decimal text with cost_per_unit_cents beside, and
    None (null) for every value that is missing."""
    out = frame.drop(columns=["cost_per_unit_cents"]).astype(object)
    out["met"] = [None if pd.isna(v) else bool(v) for v in frame["met"]]
    cents = [None if pd.isna(v) else int(v) for v in frame["cost_per_unit_cents"]]
    out["cost_per_unit"] = [None if v is None else format_euros(v) for v in cents]
    out["cost_per_unit_cents"] = cents
    out["year"] = frame["year"].to_numpy(np.int64)
    return out


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)
