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
from budget.reports.grouping import basis_mask, codes_of, group_numbers, group_texts


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
    """The ledger of the tidy rows, per funder (in `funders` order, else in the order of
    their first rows) and every year from the first to the last year that holds any row.

    Entered, paid, recovered, opening and closing add up per funder and year straight
    from the rows (opening and closing are sums of them); only the part paid on earlier
    commitments needs each (commitment, funder) pair's own opening, worked out BLOCK pairs
    at a time so that memory stays bounded (two int64 grids of pairs x years besides)."""
    if rows.empty:
        return []
    year = rows["year"].to_numpy(dtype=np.int64)
    years = np.arange(int(year.min()), int(year.max()) + 1)
    width = len(years)
    coded = [codes_of(rows["commitment"]), codes_of(rows["funder"])]
    keep = (coded[0][0] >= 0) & (coded[1][0] >= 0)
    if not keep.all():  # a row without a commitment or funder belongs to no pair
        coded = [(codes[keep], texts) for codes, texts in coded]
    everywhere = bool(keep.all())
    pair_of, (_, pair_funder) = group_numbers(coded, int(keep.sum()))
    funder_of_row, texts = coded[1]
    amounts = rows["amount_cents"].to_numpy(dtype=np.int64)
    if not everywhere:
        year, amounts = year[keep], amounts[keep]
    pair_cell = pair_of  # a pair's row and its year's column in a pairs x years grid
    pair_cell *= width
    pair_cell += year
    pair_cell -= int(years[0])
    by_funder = {}  # per basis: funders x years
    by_pair = {}  # per basis with rows: pairs x years
    for basis in Basis:
        mask = basis_mask(rows, basis)
        if not everywhere:
            mask = mask[keep]
        grid = np.zeros(len(texts) * width, dtype=np.int64)
        # (int64 before the product: a categorical's codes may be int8)
        cells = funder_of_row[mask].astype(np.int64) * width + (year[mask] - int(years[0]))
        np.add.at(grid, cells, amounts[mask])
        by_funder[basis] = grid.reshape(len(texts), width)
        if mask.any():
            grid = np.zeros(len(pair_funder) * width, dtype=np.int64)
            np.add.at(grid, pair_cell[mask], amounts[mask])
            by_pair[basis] = grid.reshape(len(pair_funder), width)
    entered, paid = by_funder[Basis.COMMITMENT], by_funder[Basis.CASH]
    recovered = by_funder[Basis.RECEIPTS]
    closing = np.cumsum(entered - paid + recovered, axis=1)
    opening = closing - entered + paid - recovered
    covered = _covered(by_pair, pair_funder, len(texts), width)

    position = {text: i for i, text in enumerate(texts)}
    present = pd.unique(pair_funder)
    order = (
        [position[f] for f in funders if f in position]
        if funders is not None
        else [int(f) for f in present]
    )
    present_set = {int(f) for f in present}
    out = []
    for f in order:
        if f not in present_set:
            continue
        funder = texts[f]
        for j, y in enumerate(years.tolist()):
            out.append(
                LedgerYear(
                    funder,
                    int(y),
                    int(opening[f, j]),
                    int(entered[f, j]),
                    int(paid[f, j]),
                    int(closing[f, j]),
                    int(covered[f, j]),
                    int(recovered[f, j]),
                )
            )
    return out


BLOCK = 50_000  # (commitment, funder) pairs whose opening is worked out at a time


def _covered(
    by_pair: dict[Basis, npt.NDArray[np.int64]],
    pair_funder: npt.NDArray[np.int64],
    funders: int,
    width: int,
) -> npt.NDArray[np.int64]:
    """Per funder and year: the cash that settles commitments of earlier years, the sum
    over its pairs of min(paid, max(opening, 0))."""
    out = np.zeros((funders, width), dtype=np.int64)
    paid = by_pair.get(Basis.CASH)
    if paid is None:
        return out
    for start in range(0, len(pair_funder), BLOCK):
        stop = start + BLOCK
        cash = paid[start:stop]
        net = -cash
        for basis in (Basis.COMMITMENT, Basis.RECEIPTS):
            if basis in by_pair:
                net = net + by_pair[basis][start:stop]
        opening = np.cumsum(net, axis=1) - net
        np.add.at(out, pair_funder[start:stop], np.minimum(cash, np.maximum(opening, 0)))
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
    pair_of, per_pair = group_numbers(coded, int(keep.sum()))
    pairs = group_texts(coded, per_pair)
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
