"""The commitment-cash view, as the Dutch state (and the EU budget) keep it.

Per funder and fiscal year: the commitments (obligations) entered, the cash paid, and the
commitments still outstanding at year end, rolled forward as
opening + entered - paid = closing. And how much of each year's cash was already legally
committed in earlier years: per commitment and funder, a year's payment first settles what
was committed before that year, so the part covered is min(paid, outstanding at opening).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.model import Basis
from budget.reports.grouping import basis_mask, codes_of, group_numbers


@dataclass(frozen=True, slots=True)
class LedgerYear:
    """One funder in one fiscal year (amounts in cents).

    opening: outstanding commitments at the start of the year (the previous closing).
    entered: commitments entered into this year (commitment basis).
    paid: cash paid this year (cash basis).
    closing: opening + entered - paid + recovered, outstanding at year end.
    paid_committed_earlier: the part of `paid` that settles commitments of earlier years.
    recovered: money received back this year (receipts basis: a settlement's recovery).
    """

    funder: str
    year: int
    opening: int
    entered: int
    paid: int
    closing: int
    paid_committed_earlier: int
    recovered: int = 0

    @property
    def committed_share(self) -> Fraction | None:
        """The share of this year's cash already committed in earlier years (None: no cash)."""
        return Fraction(self.paid_committed_earlier, self.paid) if self.paid else None


def ledger(rows: pd.DataFrame, funders: list[str] | None = None) -> list[LedgerYear]:
    """The ledger of the tidy rows, per funder (in `funders` order) and every year from the
    first to the last year that holds any row."""
    if rows.empty:
        return []
    years, pairs, grids = ledger_grids(rows)
    entered, paid = grids["entered"], grids["paid"]
    opening, closing, covered = grids["opening"], grids["closing"], grids["covered"]

    order = funders if funders is not None else list(dict.fromkeys(f for _, f in pairs))
    pair_funder = np.array([f for _, f in pairs], dtype=object)
    out = []
    for funder in order:
        mine = pair_funder == funder
        if not mine.any():
            continue
        sums = {
            name: grid[mine].sum(axis=0)
            for name, grid in (
                ("opening", opening),
                ("entered", entered),
                ("paid", paid),
                ("closing", closing),
                ("covered", covered),
                ("recovered", grids["recovered"]),
            )
        }
        for j, year in enumerate(years):
            out.append(
                LedgerYear(
                    funder,
                    int(year),
                    int(sums["opening"][j]),
                    int(sums["entered"][j]),
                    int(sums["paid"][j]),
                    int(sums["closing"][j]),
                    int(sums["covered"][j]),
                    int(sums["recovered"][j]),
                )
            )
    return out


def ledger_grids(
    rows: pd.DataFrame,
) -> tuple[npt.NDArray[np.int64], list[tuple[str, str]], dict[str, npt.NDArray[np.int64]]]:
    """The ledger per (commitment, funder) pair: the years (first to last year with a row),
    the pairs in order of first appearance, and int64 grids (pairs x years) named entered,
    paid, recovered, opening, closing and covered (the part of the cash that settles commitments of
    earlier years: min(paid, max(opening, 0)))."""
    year = rows["year"].to_numpy(dtype=np.int64)
    years = np.arange(int(year.min()), int(year.max()) + 1)
    # The pairs on the categoricals' codes, numbered in the order of their first rows.
    coded = [codes_of(rows["commitment"]), codes_of(rows["funder"])]
    keep = (coded[0][0] >= 0) & (coded[1][0] >= 0)
    if not keep.all():  # a row without a commitment or funder belongs to no pair
        coded = [(codes[keep], texts) for codes, texts in coded]
    pair_of, pairs = group_numbers(coded, int(keep.sum()))
    width = len(years)
    cell = pair_of * width + (year[keep] - int(years[0]))
    amounts = rows["amount_cents"].to_numpy(dtype=np.int64)[keep]
    grids = {}
    for basis in Basis:
        mask = basis_mask(rows, basis)[keep]
        grid = np.zeros(len(pairs) * width, dtype=np.int64)
        np.add.at(grid, cell[mask], amounts[mask])
        grids[basis] = grid.reshape(len(pairs), width)
    entered, paid = grids[Basis.COMMITMENT], grids[Basis.CASH]
    recovered = grids[Basis.RECEIPTS]
    closing = np.cumsum(entered - paid + recovered, axis=1)
    opening = closing - entered + paid - recovered
    covered = np.minimum(paid, np.maximum(opening, 0))
    named = {
        "entered": entered,
        "paid": paid,
        "opening": opening,
        "closing": closing,
        "covered": covered,
        "recovered": recovered,
    }
    return years, [(c, f) for c, f in pairs], named
