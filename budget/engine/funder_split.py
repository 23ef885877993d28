"""The funder split: each commitment's amounts divided over its funders, and their sums.

One split for every use (projection, simulation, search). Each year's amount is divided
by largest remainder over the funders' exact shares, ties to the funder listed first;
a grant's cash cumulatively (see `split_commitments`). The fast paths live inside: one
funder takes the amount, two divide by rounding (`money.split_in_two`).

Two layouts of the same numbers. The engine works on (draws, commitments, years): one
draw's amounts side by side. The split and the sums work on (commitments, years, draws):
each commitment-year's draws side by side, so that taking some commitments, adding them
up by funder, or putting a commitment-year's draws in order (percentiles) reads memory
in long runs. `draws_last` and `draws_first` turn one into the other; with one draw (a
projection) neither copies anything.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from budget.core.model import Basis
from budget.core.money import allocate_rows, split_in_two
from budget.engine.plan import Plan

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_DRAWS_AT_ONCE = 512  # draws per block of a transposition: a block stays in the cache


# --- the layouts ------------------------------------------------------------------------


def draws_last(amounts: IntArray, rows: IntArray | None = None) -> IntArray:
    """int64 (draws, commitments, years) as (commitments, years, draws), C-ordered, for
    the commitments `rows` (default all). A view when there is one draw and every row."""
    draws, n, years = amounts.shape
    every = rows is None or (len(rows) == n and bool((rows == np.arange(n)).all()))
    if draws == 1 and every and amounts.flags.c_contiguous:
        return amounts.reshape(n, years, 1)
    picked = n if rows is None else len(rows)
    out = np.empty((picked, years, draws), dtype=amounts.dtype)
    flat = out.reshape(picked * years, draws)
    for start in range(0, draws, _DRAWS_AT_ONCE):
        block = amounts[start : start + _DRAWS_AT_ONCE]
        if rows is not None and not every:
            block = np.take(block, rows, axis=1)
        flat[:, start : start + _DRAWS_AT_ONCE] = block.reshape(len(block), -1).T
    return out


def draws_first(values: IntArray) -> IntArray:
    """int64 (rows, years, draws) as (draws, rows, years), C-ordered (the inverse of
    `draws_last`). A view when there is one draw."""
    rows, years, draws = values.shape
    if draws == 1 and values.flags.c_contiguous:
        return values.reshape(1, rows, years)
    out = np.empty((draws, rows, years), dtype=values.dtype)
    flat = values.reshape(rows * years, draws)
    for start in range(0, draws, _DRAWS_AT_ONCE):
        block = flat[:, start : start + _DRAWS_AT_ONCE]
        out[start : start + _DRAWS_AT_ONCE] = block.T.reshape(-1, rows, years)
    return out


# --- the split --------------------------------------------------------------------------


def split_funders(
    amounts: IntArray, plan: Plan, basis: Basis = Basis.COMMITMENT, rows: IntArray | None = None
) -> IntArray:
    """Each commitment's amounts split over its funders: int64 (draws, commitments, years)
    to (draws, members, years), by the rule of `split_commitments`.

    rows: split only these commitments (ascending; the other members' parts stay zero).
    """
    parts = split_commitments(draws_last(amounts, rows), plan, basis, rows)
    if rows is None:
        return draws_first(parts)
    draws, _, years = amounts.shape
    out = np.zeros((draws, len(plan.member_commitment), years), dtype=np.int64)
    out[:, members_of(plan, rows), :] = draws_first(parts)
    return out


def members_of(plan: Plan, rows: IntArray) -> IntArray:
    """The members (commitment, funder) of the commitments `rows` (ascending), in member
    order. Members are listed by commitment, so each commitment's are a run: the work is
    proportional to the rows, not to the plan."""
    first = np.searchsorted(plan.member_commitment, rows)
    count = plan.funder_count[rows]
    return np.repeat(first - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))


def split_commitments(
    amounts: IntArray, plan: Plan, basis: Basis = Basis.COMMITMENT, rows: IntArray | None = None
) -> IntArray:
    """The amounts of some commitments split over their funders: int64 (len(rows), years,
    draws), the amounts of commitments `rows` (ascending; default all) on `basis`, to
    (members, years, draws), the parts of their members (`members_of`) in member order.

    Each year's amount is split by largest remainder, ties to the funder listed first, so
    the parts add up. On the cash basis, the payments of a commitment that is recorded up
    front and paid over years (a grant) are split cumulatively instead: each funder's
    payments to date are its largest-remainder share of the payments to date, so that a
    funder pays in the end exactly its share of the commitment.

    Fast paths, same parts: one funder takes the amount; two funders split by rounding
    (`money.split_in_two`), a pair of weights at a time.
    """
    n, years, draws = amounts.shape
    rows = np.arange(n, dtype=np.int64) if rows is None else rows
    count = plan.funder_count[rows]
    first = np.cumsum(count) - count  # each row's first member, among the rows' members
    weight = plan.member_weight[members_of(plan, rows)]
    cumulative = cumulative_split(plan, basis)[rows]
    # Every member is written below (zeros first where only the non-zero cells are).
    out = np.empty((int(count.sum()), years, draws), dtype=np.int64)
    for funders in np.unique(count).tolist():
        local = np.flatnonzero(count == funders)
        members = first[local][:, None] + np.arange(funders)[None, :]
        if funders == 1:
            # Rows of years x draws at once (as 2-d rows: four times quicker for one draw).
            out.reshape(len(out), -1)[members[:, 0]] = amounts.reshape(n, -1)[local]
            continue
        if funders == 2:
            plain = ~cumulative[local]
            _split_pairs(amounts, weight, local[plain], members[plain], out)
            local, members = local[~plain], members[~plain]
            if not len(local):
                continue
        block = amounts[local]
        spread = cumulative[local]
        if spread.any():
            block[spread] = np.cumsum(block[spread], axis=1)
        # Zero splits into zeros: divide only the non-zero amounts.
        out[members.reshape(-1)] = 0
        row, year, draw = np.nonzero(block)
        parts = allocate_rows(block[row, year, draw], weight[members][row])
        out[members[row], year[:, None], draw[:, None]] = parts
        if spread.any():
            spread_members = members[spread].reshape(-1)
            out[spread_members] = np.diff(out[spread_members], axis=1, prepend=0)
            if basis == Basis.CASH:  # a settlement's release is negative by right
                _lift_negative_parts(out, members[spread])
    return out


def cumulative_split(plan: Plan, basis: Basis) -> BoolArray:
    """Which commitments' amounts on `basis` are split cumulatively over years."""
    if basis == Basis.CASH:
        return plan.paid_over_time & (plan.funder_count > 1)
    if basis == Basis.COMMITMENT and plan.settled is not None:
        # a settled grant's release leaves each funder at its share of the final amount
        return plan.settled & (plan.funder_count > 1)
    return np.zeros(len(plan.active), dtype=bool)


def monotone_split(plan: Plan, basis: Basis) -> BoolArray:
    """Which commitments' parts on `basis` never fall when the amount rises: those of one
    or two funders, split year by year (with three or more, largest remainder can give a
    part one cent less for a larger amount; a cumulative split depends on other years).
    A percentile of such a commitment's parts is the part of the amount's percentile."""
    return (plan.funder_count <= 2) & ~cumulative_split(plan, basis)


def _split_pairs(
    amounts: IntArray, weight: IntArray, local: IntArray, members: IntArray, out: IntArray
) -> None:
    """Two-funder commitments split year by year, grouped by their pair of weights."""
    if not len(local):
        return
    pairs = weight[members]
    # Weights are below 2**31: one integer per pair of them.
    unique, which = np.unique(pairs[:, 0] << 32 | pairs[:, 1], return_inverse=True)
    for u, key in enumerate(unique.tolist()):
        w0, w1 = key >> 32, key & 0xFFFFFFFF
        picked = np.flatnonzero(which == u)
        first, second = split_in_two(amounts[local[picked]], w0, w1)
        out[members[picked, 0]] = first
        out[members[picked, 1]] = second


def _lift_negative_parts(out: IntArray, groups: IntArray) -> None:
    """Mend the rare cent that a cumulative split takes back (largest remainder is not
    monotone: a larger total can give a part one cent less). `out` is (members, years,
    draws); `groups` the members of each commitment split cumulatively.

    A part of -1 cent for funder f in year y becomes 0: f takes a cent from the first listed
    funder g with a positive part that year, and gives it back to g in the nearest earlier
    year in which f was paid (else the nearest later one). Year sums and funder totals stay
    exact; no part is negative. Draws are mended one by one, each on its own.
    """
    flat = groups.reshape(-1)
    negative = np.argwhere(out[flat] < 0)
    if not len(negative):
        return
    group_of = np.repeat(np.arange(len(groups)), groups.shape[1])
    for m, y, d in negative.tolist():
        f = int(flat[m])
        if out[f, y, d] >= 0:
            continue
        g = next(int(x) for x in groups[group_of[m]] if out[x, y, d] > 0)
        paid = np.flatnonzero(out[f, :, d] > 0)
        earlier = paid[paid < y]
        other = int(earlier[-1]) if len(earlier) else int(paid[paid > y][0])
        out[f, y, d] += 1
        out[g, y, d] -= 1
        out[f, other, d] -= 1
        out[g, other, d] += 1


# --- the sums ---------------------------------------------------------------------------


def funder_sums(
    parts: IntArray, plan: Plan, members: IntArray | None = None
) -> dict[int, IntArray]:
    """Each funder's total of members' parts (draws, members, years): funder index ->
    int64 (draws, years), for the funders of `members` (default: all of them)."""
    chosen = np.arange(parts.shape[1]) if members is None else members
    sums = sum_by_funder(draws_last(parts, chosen), plan.member_funder[chosen])
    return {f: draws_first(total[None])[:, 0, :] for f, total in sums.items()}


def sum_by_funder(parts: IntArray, funder: IntArray) -> dict[int, IntArray]:
    """Each funder's total of some members' parts, int64 (members, years, draws), where
    `funder` gives each member's funder: funder index -> int64 (years, draws)."""
    out: dict[int, IntArray] = {}
    for m, f in enumerate(funder.tolist()):
        if f in out:
            out[f] += parts[m]
        else:
            out[f] = parts[m].copy()
    return out
