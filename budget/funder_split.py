"""The funder split: each commitment's amounts divided over its funders, and their sums.

One split for every use (projection, simulation, search). Each year's amount is divided
by largest remainder over the funders' exact shares, ties to the funder listed first;
a grant's cash cumulatively (see `split_funders`). The fast paths live inside: one
funder takes the amount, two divide by rounding (`money.split_in_two`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from budget.money import allocate_rows, split_in_two

if TYPE_CHECKING:
    from budget.engine import Plan

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def split_funders(
    amounts: IntArray, plan: Plan, basis: str = "commitment", rows: IntArray | None = None
) -> IntArray:
    """Each commitment's amounts split over its funders: (draws, members, years).

    Each year's amount is split by largest remainder, ties to the funder listed first, so
    the parts add up. On the cash basis, the payments of a commitment that is recorded up
    front and paid over years (a grant) are split cumulatively instead: each funder's
    payments to date are its largest-remainder share of the payments to date, so that a
    funder pays in the end exactly its share of the commitment.

    rows: split only these commitments (the other members' parts stay zero).
    Fast paths, same parts: one funder takes the amount; two funders split by rounding
    (`money.split_in_two`), a pair of weights at a time.
    """
    draws, _, y = amounts.shape
    out = np.zeros((draws, len(plan.member_commitment), y), dtype=np.int64)
    first_member = np.flatnonzero(plan.member_slot == 0)
    cumulative = cumulative_split(plan, basis)
    wanted = np.ones(len(plan.funder_count), dtype=bool)
    if rows is not None:
        wanted = np.zeros(len(plan.funder_count), dtype=bool)
        wanted[rows] = True
    for count in np.unique(plan.funder_count[wanted]).tolist():
        rows = np.flatnonzero((plan.funder_count == count) & wanted)
        members = first_member[rows][:, None] + np.arange(count)[None, :]
        if count == 1:
            out[:, members[:, 0], :] = amounts[:, rows, :]
            continue
        if count == 2:
            plain = ~cumulative[rows]
            _split_pairs(amounts, plan, rows[plain], members[plain], out)
            rows, members = rows[~plain], members[~plain]
            if not len(rows):
                continue
        block = amounts[:, rows, :]
        spread = cumulative[rows]
        if spread.any():
            block = block.copy()
            block[:, spread, :] = np.cumsum(block[:, spread, :], axis=-1)
        # Zero splits into zeros: divide only the non-zero amounts.
        draw, row, year = np.nonzero(block)
        parts = allocate_rows(block[draw, row, year], plan.member_weight[members][row])
        out[draw[:, None], members[row], year[:, None]] = parts
        if spread.any():
            spread_members = members[spread].reshape(-1)
            out[:, spread_members, :] = np.diff(out[:, spread_members, :], axis=-1, prepend=0)
            _lift_negative_parts(out, members[spread])
    return out


def cumulative_split(plan: Plan, basis: str) -> BoolArray:
    """Which commitments' amounts on `basis` are split cumulatively over years."""
    if basis == "cash":
        return plan.paid_over_time & (plan.funder_count > 1)
    return np.zeros(len(plan.active), dtype=bool)


def _split_pairs(
    amounts: IntArray, plan: Plan, rows: IntArray, members: IntArray, out: IntArray
) -> None:
    """Two-funder commitments split year by year, grouped by their pair of weights."""
    if not len(rows):
        return
    pairs = plan.member_weight[members]
    # Weights are below 2**31: one integer per pair of them.
    unique, which = np.unique(pairs[:, 0] << 32 | pairs[:, 1], return_inverse=True)
    for u, key in enumerate(unique.tolist()):
        w0, w1 = key >> 32, key & 0xFFFFFFFF
        picked = np.flatnonzero(which == u)
        first, second = split_in_two(amounts[:, rows[picked], :], w0, w1)
        out[:, members[picked, 0], :] = first
        out[:, members[picked, 1], :] = second


def funder_sums(
    parts: IntArray, plan: Plan, members: IntArray | None = None
) -> dict[int, IntArray]:
    """Each funder's total of members' parts (draws, members, years): funder index ->
    int64 (draws, years), for the funders of `members` (default: all of them)."""
    chosen = np.arange(parts.shape[1]) if members is None else members
    funder = plan.member_funder[chosen]
    present = np.unique(funder)
    if len(present) == 1:
        picked = parts if members is None else parts[:, chosen, :]
        return {int(present[0]): picked.sum(axis=1)}
    # Member by member into each funder's total: no copy of the parts.
    out = {int(f): np.zeros((parts.shape[0], parts.shape[2]), np.int64) for f in present}
    for m, f in zip(chosen.tolist(), funder.tolist(), strict=True):
        out[f] += parts[:, m, :]
    return out


def _lift_negative_parts(out: IntArray, groups: IntArray) -> None:
    """Mend the rare cent that a cumulative split takes back (largest remainder is not
    monotone: a larger total can give a part one cent less).

    A part of -1 cent for funder f in year y becomes 0: f takes a cent from the first listed
    funder g with a positive part that year, and gives it back to g in the nearest earlier
    year in which f was paid (else the nearest later one). Year sums and funder totals stay
    exact; no part is negative.
    """
    flat = groups.reshape(-1)
    negative = np.argwhere(out[:, flat, :] < 0)
    if not len(negative):
        return
    group_of = np.repeat(np.arange(len(groups)), groups.shape[1])
    for d, m, y in negative.tolist():
        f = int(flat[m])
        if out[d, f, y] >= 0:
            continue
        g = next(int(x) for x in groups[group_of[m]] if out[d, x, y] > 0)
        paid = np.flatnonzero(out[d, f] > 0)
        earlier = paid[paid < y]
        other = int(earlier[-1]) if len(earlier) else int(paid[paid > y][0])
        out[d, f, y] += 1
        out[d, g, y] -= 1
        out[d, f, other] -= 1
        out[d, g, other] += 1
