"""The funder split in both layouts, and funder sums, against plain computations."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.core.model import BASES
from budget.engine.funder_split import (
    draws_first,
    draws_last,
    funder_sums,
    members_of,
    monotone_split,
    split_commitments,
    split_funders,
    sum_by_funder,
)
from budget.engine.plan import compile_plan
from budget.testing.strategies import scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def amounts_for(plan, draws: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (draws, len(plan.active), len(plan.years))
    return rng.integers(0, 10**9, size=shape) * (rng.random(shape) < 0.7)


@given(st.integers(1, 3), st.integers(0, 4), st.integers(1, 3), st.integers(1, 1500), st.data())
def test_the_layouts_are_transpositions(rows, picked, years, draws, data):
    values = np.arange(draws * rows * years, dtype=np.int64).reshape(draws, rows, years)
    last = draws_last(values)
    assert np.array_equal(last, values.transpose(1, 2, 0)) and last.flags.c_contiguous
    assert np.array_equal(draws_first(last), values)
    chosen = np.array(
        sorted(data.draw(st.sets(st.integers(0, rows - 1), max_size=picked))), dtype=np.int64
    )
    assert np.array_equal(draws_last(values, chosen), values[:, chosen, :].transpose(1, 2, 0))


def test_one_draw_changes_layout_without_a_copy():
    values = np.arange(12, dtype=np.int64).reshape(1, 4, 3)
    assert np.shares_memory(draws_last(values), values)
    assert np.shares_memory(draws_first(draws_last(values)), values)


@SETTINGS
@given(scenarios(max_commitments=6), st.integers(1, 4), st.integers(0, 2**32 - 1), st.data())
def test_splitting_some_commitments_gives_their_members_parts(s, draws, seed, data):
    plan = compile_plan(s)
    values = amounts_for(plan, draws, seed)
    n = len(plan.active)
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))), np.int64)
    members = members_of(plan, rows)
    assert np.array_equal(members, np.flatnonzero(np.isin(plan.member_commitment, rows)))
    for basis in BASES:
        whole = split_funders(values, plan, basis)
        some = split_commitments(draws_last(values, rows), plan, basis, rows)
        assert np.array_equal(draws_first(some), whole[:, members, :])
        picked = split_funders(values, plan, basis, rows)
        assert np.array_equal(picked[:, members, :], whole[:, members, :])
        others = np.setdiff1d(np.arange(len(plan.member_commitment)), members)
        assert not picked[:, others, :].any()


@SETTINGS
@given(scenarios(max_commitments=6), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_funder_sums_add_up_each_funders_parts(s, draws, seed):
    plan = compile_plan(s)
    parts = split_funders(amounts_for(plan, draws, seed), plan, "cash")
    sums = funder_sums(parts, plan)
    assert sorted(sums) == sorted(set(plan.member_funder.tolist()))
    for f, total in sums.items():
        expected = np.zeros((draws, len(plan.years)), dtype=np.int64)
        for m in np.flatnonzero(plan.member_funder == f).tolist():
            for d in range(draws):
                expected[d] += parts[d, m]
        assert np.array_equal(total, expected)
    by_member = sum_by_funder(draws_last(parts), plan.member_funder)
    assert all(np.array_equal(by_member[f].T, sums[f]) for f in sums)


@SETTINGS
@given(scenarios(max_commitments=6), st.integers(2, 30), st.integers(0, 2**32 - 1))
def test_a_monotone_split_never_gives_a_larger_amount_a_smaller_part(s, draws, seed):
    """What lets a simulation split the amount's percentiles instead of ranking parts."""
    plan = compile_plan(s)
    values = np.sort(amounts_for(plan, draws, seed), axis=0)  # rising amounts, draw by draw
    for basis in BASES:
        parts = split_funders(values, plan, basis)
        monotone = monotone_split(plan, basis)[plan.member_commitment]
        assert (np.diff(parts[:, monotone, :], axis=0) >= 0).all()
