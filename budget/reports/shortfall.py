"""What top-ups leave uncovered: the part of a recipient's shortfall above what is paid.

A top-up pays min(cap, shortfall); when the shortfall is above the cap, the recipient keeps
a gap that no output showed (SIN's 12,400 a year when its shortfall is 80,000 and the cap
67,600). Per recipient and fiscal year in which one of its top-ups runs:

- a top-up whose shortfall is derived: the recipient's costs - income - all the cash it
  receives that year (from every commitment), when positive; counted once per recipient
  and year however many derived top-ups it has;
- a top-up with a given shortfall: max(0, shortfall) - what that top-up pays.

Uncertain inputs take their central value, as in `budget run`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from budget.core.model import Basis, ByYear, Dist, Scenario


@dataclass(frozen=True, slots=True)
class Uncovered:
    """recipient, year: where; cents: the shortfall left after every payment (> 0)."""

    recipient: str
    year: int
    cents: int


def _value(by_year: ByYear | None, year: int) -> int:
    value = None if by_year is None else by_year.at(year)
    if value is None:
        return 0
    return value.central() if isinstance(value, Dist) else int(value)


def uncovered_shortfalls(scenario: Scenario, rows: pd.DataFrame) -> list[Uncovered]:
    """Per recipient (in the scenario's order) and year: the shortfall top-ups leave.

    Computed afresh on each call (0.3 s at 100,000 commitments): a command that shows it
    in several places (`run -o`: the table and the workbook's Commitment vs cash sheet)
    computes it once and passes it on (their `uncovered` parameters)."""
    cash = rows[rows["basis"] == Basis.CASH]
    received = cash.groupby(["recipient", "year"], observed=True)["amount_cents"].sum().to_dict()
    # Looked up per top-up and year: plain dicts (a Series lookup costs some 15 us each), of
    # the top-ups' rows only.
    top_ups = cash[cash["kind"] == "top_up"] if "kind" in cash.columns else cash
    by_commitment = (
        top_ups.groupby(["commitment", "year"], observed=True)["amount_cents"].sum().to_dict()
    )
    gaps: dict[tuple[str, int], int] = {}
    derived: set[tuple[str, int]] = set()
    for c in scenario.commitments:
        if c.kind != "top_up":
            continue
        spec = c.spec
        for year in range(spec.first_year, spec.last_year + 1):
            key = (c.recipient, year)
            if spec.shortfall is None:
                if key in derived:
                    continue
                derived.add(key)
                recipient = scenario.recipients[c.recipient]
                need = _value(recipient.costs, year) - _value(recipient.income, year)
                gap = need - int(received.get(key, 0))
            else:
                paid = int(by_commitment.get((c.id, year), 0))
                gap = max(0, _value(spec.shortfall, year)) - paid
            if gap > 0:
                gaps[key] = gaps.get(key, 0) + gap
    order = {key: i for i, key in enumerate(scenario.recipients)}
    return [
        Uncovered(r, y, cents)
        for (r, y), cents in sorted(gaps.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
