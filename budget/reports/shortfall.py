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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.model import Basis, ByYear, Dist, Scenario, rows_of
from budget.reports.grouping import basis_mask, codes_of, value_mask


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


def _per_year(
    rows: pd.DataFrame, name: str, mask: npt.NDArray[np.bool_]
) -> Callable[[str, int], int]:
    """The cents of the rows where `mask` per value of column `name` and year, as a
    function (value, year) -> cents (0 where there are none)."""
    codes, texts = codes_of(rows[name], mask)
    year = rows["year"].to_numpy(dtype=np.int64)[mask]
    cents = rows["amount_cents"].to_numpy(dtype=np.int64)[mask]
    known = codes >= 0
    if not known.all():
        codes, year, cents = codes[known], year[known], cents[known]
    if not len(year):
        return lambda value, when: 0
    first, width = int(year.min()), int(year.max() - year.min()) + 1
    grid = np.zeros(len(texts) * width, dtype=np.int64)
    np.add.at(grid, codes.astype(np.int64) * width + (year - first), cents)
    table = grid.reshape(len(texts), width)
    place = {text: i for i, text in enumerate(texts)}

    def cents_of(value: str, when: int) -> int:
        at = place.get(value)
        if at is None or not first <= when < first + width:
            return 0
        return int(table[at, when - first])

    return cents_of


def uncovered_shortfalls(scenario: Scenario, rows: pd.DataFrame) -> list[Uncovered]:
    """Per recipient (in the scenario's order) and year: the shortfall top-ups leave.

    Computed afresh on each call (0.1 s at 100,000 commitments): a command that shows it
    in several places (`run -o`: the table and the workbook's Commitment vs cash sheet)
    computes it once and passes it on (their `uncovered` parameters)."""
    # What each recipient receives and each top-up pays, per year: summed on the rows'
    # codes (budget.reports.grouping) into grids, looked up per top-up and year.
    cash = basis_mask(rows, Basis.CASH)
    received = _per_year(rows, "recipient", cash)
    if "kind" in rows.columns:
        cash &= value_mask(rows, "kind", "top_up")
    by_commitment = _per_year(rows, "commitment", cash)
    gaps: dict[tuple[str, int], int] = {}
    derived: set[tuple[str, int]] = set()
    plans = rows_of(scenario.commitments)  # no Commitment objects made (issue 21)
    for cid, kind, to, spec in zip(
        plans.ids, plans.kinds, plans.recipients, plans.specs, strict=True
    ):
        if kind != "top_up":
            continue
        for year in range(spec.first_year, spec.last_year + 1):
            key = (to, year)
            if spec.shortfall is None:
                if key in derived:
                    continue
                derived.add(key)
                recipient = scenario.recipients[to]
                need = _value(recipient.costs, year) - _value(recipient.income, year)
                gap = need - received(to, year)
            else:
                paid = by_commitment(cid, year)
                gap = max(0, _value(spec.shortfall, year)) - paid
            if gap > 0:
                gaps[key] = gaps.get(key, 0) + gap
    order = {key: i for i, key in enumerate(scenario.recipients)}
    return [
        Uncovered(r, y, cents)
        for (r, y), cents in sorted(gaps.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
