"""No double funding (issue 23, item 3): where a recipient's costs are known for a year,
payments to it beyond those costs that year are a warning naming the recipient, the year
and the excess. Costs are taken at their central value, like every projection; income
is not added to the payments (the rule compares payments with costs)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from budget.core.dists import Dist
from budget.core.model import Basis, Scenario
from budget.core.money import format_euros_grouped


@dataclass(frozen=True, slots=True)
class Excess:
    """recipient: its key; year; paid: the cash paid to it that year; costs: its costs."""

    recipient: str
    year: int
    paid: int
    costs: int

    @property
    def excess(self) -> int:
        return self.paid - self.costs


def double_funding(scenario: Scenario, rows: pd.DataFrame) -> list[Excess]:
    """Each recipient-year paid more than its known costs, in scenario and year order."""
    known = {k: r.costs for k, r in scenario.recipients.items() if r.costs is not None}
    if not known:
        return []
    cash = rows[(rows["basis"] == Basis.CASH) & rows["recipient"].isin(list(known))]
    paid = cash.groupby(["recipient", "year"], observed=True)["amount_cents"].sum()
    out = []
    for (recipient, year), cents in zip(paid.index.tolist(), paid.tolist(), strict=True):
        value = known[str(recipient)].at(int(year))
        if value is None:
            continue
        costs = value.central() if isinstance(value, Dist) else int(value)
        if int(cents) > costs:
            out.append(Excess(str(recipient), int(year), int(cents), int(costs)))
    order = {k: i for i, k in enumerate(scenario.recipients)}
    return sorted(out, key=lambda e: (order[e.recipient], e.year))


def double_funding_lines(scenario: Scenario, rows: pd.DataFrame) -> list[str]:
    """One warning line per recipient-year paid beyond its costs."""
    return [
        f"warning: {e.recipient} is paid {format_euros_grouped(e.paid)} in "
        f"{scenario.label(e.year)}, {format_euros_grouped(e.excess)} more than its costs of "
        f"{format_euros_grouped(e.costs)} {scenario.currency} (double funding?)"
        for e in double_funding(scenario, rows)
    ]
