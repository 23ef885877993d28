"""Budget ceilings: each funder's total per basis and year against its limits.

A limit is breached when the amount is above the ceiling; equal is not a breach.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.model import Limit, Scenario

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class LimitYear:
    """One limit in one year: the funder's amount on the limit's basis and the ceiling."""

    limit: Limit
    year: int
    amount: int
    ceiling: int

    @property
    def headroom(self) -> int:
        return self.ceiling - self.amount

    @property
    def breached(self) -> bool:
        return self.amount > self.ceiling


def limit_cells(scenario: Scenario) -> list[tuple[Limit, int, int]]:
    """Every (limit, year, ceiling) that applies, in the order the limits are listed."""
    return [
        (limit, year, ceiling)
        for limit in scenario.limits
        for year in range(limit.first_year, limit.last_year + 1)
        if (ceiling := limit.ceiling(year)) is not None
    ]


def check_rows(scenario: Scenario, rows: pd.DataFrame) -> list[LimitYear]:
    """Each limit and year against the projection's tidy rows."""
    if not scenario.limits:
        return []  # (no grouping of the rows for nothing: 80 MB at register scale)
    totals = rows.groupby(["funder", "basis", "year"])["amount_cents"].sum()
    out = []
    for limit, year, ceiling in limit_cells(scenario):
        amount = int(totals.get((limit.funder, limit.basis, year), 0))
        out.append(LimitYear(limit, year, amount, ceiling))
    return out


def breach_mask(
    scenario: Scenario, funders: tuple[str, ...], years: IntArray, totals: dict[str, IntArray]
) -> list[tuple[Limit, int, int, npt.NDArray[np.bool_], IntArray]]:
    """Per limit and year: (limit, year, ceiling, breached per draw, amount per draw).

    `totals[basis]` is int64 (draws, funders, years), as `projection.funder_totals` gives it.
    """
    index = {f: i for i, f in enumerate(funders)}
    out = []
    for limit, year, ceiling in limit_cells(scenario):
        if limit.basis not in totals:
            continue  # a basis without totals (a search totals commitment and cash only)
        column = year - int(years[0])
        if 0 <= column < len(years):
            amount = totals[limit.basis][:, index[limit.funder], column]
        else:
            amount = np.zeros(next(iter(totals.values())).shape[0], dtype=np.int64)
        out.append((limit, year, ceiling, amount > ceiling, amount))
    return out
