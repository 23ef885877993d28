"""Projection: one computed draw as tidy rows, and each funder's totals.

`project` compiles and computes a scenario at its central values and gives the tidy
DataFrame (`tidy`, one row per commitment, funder, basis and year); `funder_totals` adds
the funder split up per funder, for any number of draws.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.memory import reuse_freed_memory
from budget.core.model import BASES, Basis, Scenario
from budget.core.money import allocate_rows
from budget.engine.compute import Result, compute
from budget.engine.funder_split import funder_sums, members_of, split_commitments, split_funders
from budget.engine.plan import Plan, compile_plan
from budget.kinds import KINDS

IntArray = npt.NDArray[np.int64]

COLUMNS = ["scenario", "commitment", "recipient", "funder", "kind", "basis", "year", "amount_cents"]


def project(scenario: Scenario) -> pd.DataFrame:
    """The tidy rows of one projection (central values for uncertain inputs).

    One row per commitment, funder, basis and fiscal year of the commitment's span, zero
    amounts included, with the columns of COLUMNS (`amount_cents` is int64).
    """
    reuse_freed_memory()
    plan = compile_plan(scenario)
    return tidy(plan, compute(plan))


def tidy(plan: Plan, result: Result, draw: int = 0) -> pd.DataFrame:
    """One draw of a result as tidy rows, ordered by commitment, funder, basis and year.

    Text columns are categoricals: a million rows name only a few commitments and funders.
    """
    # One draw: (commitments, years, 1), the layout of the split (see funder_split).
    cash = split_commitments(result.cash[draw][..., None], plan, Basis.CASH)[..., 0]
    # Kinds that do not commit up front commit each year what they pay that year, so their
    # split is the same on both bases; only the others are split again.
    committed = cash.copy()
    recorded = np.flatnonzero(plan.paid_over_time)
    if len(recorded):
        own = result.commitment[draw, recorded][..., None]
        parts = split_commitments(own, plan, Basis.COMMITMENT, recorded)
        committed[members_of(plan, recorded)] = parts[..., 0]
    # Rows run by member (commitment, funder), then basis (as BASES), then year: each
    # member's active years once on the commitment basis, then once on the cash basis.
    # A member's n active cells, the a-th to (a+n-1)-th of all, are rows a + s .. a + s + n - 1
    # on the commitment basis and n rows later on the cash basis, where s is the number of
    # active cells of the members before it. The labels of a member are the same on each
    # of its rows, so they are repeated, in small integers.
    active = plan.active[plan.member_commitment]
    cells = np.flatnonzero(active)
    per_member = np.count_nonzero(active, axis=1)
    before = np.cumsum(per_member) - per_member
    at = np.arange(len(cells)) + np.repeat(before, per_member)
    rows = 2 * len(cells)
    amounts = np.empty(rows, dtype=np.int64)
    years = np.empty(rows, dtype=np.int64)
    year = plan.years[cells % len(plan.years)]
    basis = np.zeros(rows, dtype=np.int8)
    amounts[at] = committed.reshape(-1)[cells]
    years[at] = year
    at += np.repeat(per_member, per_member)  # now the rows on the cash basis
    amounts[at] = cash.reshape(-1)[cells]
    years[at] = year
    basis[at] = 1
    commitment = plan.member_commitment
    repeat = 2 * per_member
    if plan.settled is not None and plan.settled.any():
        amounts, years, basis, commitment, repeat = _with_receipts(
            plan, cash, amounts, years, basis, per_member
        )
        rows = len(amounts)

    def labels(
        codes: npt.NDArray[np.integer[Any]], names: tuple[str, ...], repeated: bool = True
    ) -> Any:
        small: Any = codes.astype(_code_type(len(names)), copy=False)
        if repeated:
            small = np.repeat(small, repeat)
        return pd.Categorical.from_codes(small, dtype=_categories(names), validate=False)

    # The arrays are this function's own, so the frame may take them without copying.
    return pd.DataFrame(
        {
            "scenario": labels(np.zeros(rows, dtype=np.int64), (plan.scenario.name,), False),
            "commitment": labels(commitment, plan.ids),
            "recipient": labels(plan.recipient[commitment], plan.recipients),
            "funder": labels(plan.member_funder, plan.funders),
            "kind": labels(plan.kind_of[commitment], tuple(KINDS)),
            "basis": labels(basis, tuple(BASES), False),
            "year": years,
            "amount_cents": amounts,
        },
        copy=False,
    )


def _with_receipts(
    plan: Plan,
    cash: IntArray,
    amounts: IntArray,
    years: IntArray,
    basis: npt.NDArray[np.int8],
    per_member: IntArray,
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8], IntArray, IntArray]:
    """The rows with a receipts row per member of every settled grant, in its settlement
    year, after the member's cash rows: what the member paid beyond its share of the final
    amount (largest remainder, ties to the funder listed first), so that its cash less its
    receipts is exactly that share. Returns amounts, years, basis codes, the members'
    commitments and the rows per member."""
    assert plan.settled is not None
    settled = np.flatnonzero(plan.settled)
    member_rows = np.repeat(np.arange(len(per_member)), 2 * per_member)
    extra_member, extra_year, extra_amount = [], [], []
    for i in settled.tolist():
        year, final = plan.commitments[int(plan.position[i])].spec.settled
        members = np.flatnonzero(plan.member_commitment == i)
        shares = allocate_rows(
            np.array([final], dtype=np.int64), plan.member_weight[members][None, :]
        )[0]
        extra_member.append(members)
        extra_year.append(np.full(len(members), year, dtype=np.int64))
        extra_amount.append(cash[members].sum(axis=1) - shares)
    new_member = np.concatenate(extra_member)
    every_member = np.r_[member_rows, new_member]
    every_basis = np.r_[basis, np.full(len(new_member), BASES.index(Basis.RECEIPTS), np.int8)]
    order = np.argsort(every_member * len(BASES) + every_basis, kind="stable")
    repeat = 2 * per_member
    np.add.at(repeat, new_member, 1)
    return (
        np.r_[amounts, np.concatenate(extra_amount)][order],
        np.r_[years, np.concatenate(extra_year)][order],
        every_basis[order].astype(np.int8),
        plan.member_commitment,
        repeat,
    )


def _code_type(names: int) -> type[np.signedinteger[Any]]:
    """The integer type pandas keeps a categorical's codes in (so it makes no copy)."""
    return np.int8 if names < 127 else np.int16 if names < 32_767 else np.int32


@functools.lru_cache(maxsize=16)
def _categories(names: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical dtype of some names, made once per set of names: checking that a
    hundred thousand commitment ids are distinct takes longer than the rest of a column."""
    return pd.CategoricalDtype(pd.Index(names, dtype=object))


def funder_totals(plan: Plan, result: Result) -> dict[str, IntArray]:
    """Per basis, each funder's total per draw and year: int64 (draws, funders, years)."""
    totals: dict[str, IntArray] = {}
    for basis, amounts in ((Basis.COMMITMENT, result.commitment), (Basis.CASH, result.cash)):
        out = np.zeros((amounts.shape[0], len(plan.funders), amounts.shape[2]), dtype=np.int64)
        for f, total in funder_sums(split_funders(amounts, plan, basis), plan).items():
            out[:, f, :] = total
        totals[basis] = out
    return totals
