"""Properties of the money rules on generated scenarios, checked on the engine's arrays."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from budget.engine.compute import compute
from budget.engine.funder_split import split_funders
from budget.engine.plan import compile_plan
from budget.testing.strategies import scenarios
from tests.reference import round_half_away

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def central(values, year):
    from tests.reference import at

    return at(values, year)


@SETTINGS
@given(scenarios(max_commitments=8))
def test_top_ups_respect_cap_total_cap_and_shortfall(scenario):
    plan = compile_plan(scenario)
    result = compute(plan)
    years = [int(y) for y in plan.years]
    for i, c in enumerate(scenario.commitments):
        cash = result.cash[0, i]
        assert (cash >= 0).all()
        if c.kind != "top_up":
            continue
        spec = c.spec
        for col, year in enumerate(years):
            if not spec.first_year <= year <= spec.last_year:
                assert cash[col] == 0
                continue
            cap = central(spec.cap, year)
            if spec.cap_index is not None:  # a cap indexed by a series (issue 23)
                cap = round_half_away(cap * spec.cap_index.factor(year))
            assert cash[col] <= cap
            if spec.shortfall is not None:
                assert cash[col] <= max(0, central(spec.shortfall, year))
        if spec.total_cap is not None:
            assert cash.sum() <= spec.total_cap


@SETTINGS
@given(scenarios(max_commitments=8))
def test_funder_parts_add_up_and_follow_shares(scenario):
    plan = compile_plan(scenario)
    result = compute(plan)
    for amounts in (result.cash, result.commitment):
        parts = split_funders(amounts, plan)[0]
        for i, c in enumerate(scenario.commitments):
            members = plan.member_commitment == i
            mine = parts[members]
            assert (mine.sum(axis=0) == amounts[0, i]).all()
            for (_, share), row in zip(c.funders, mine, strict=True):
                # Each part is within one cent of its exact share.
                assert (abs(row - amounts[0, i] * float(share)) < 1.0001).all()


@SETTINGS
@given(scenarios(max_commitments=8))
def test_cash_and_commitment_totals_agree(scenario):
    """Over its whole span, a commitment pays exactly what it commits."""
    result = compute(compile_plan(scenario))
    assert (result.cash[0].sum(axis=1) == result.commitment[0].sum(axis=1)).all()


@SETTINGS
@given(scenarios(max_commitments=8))
def test_each_funder_pays_exactly_what_it_commits(scenario):
    """Over a commitment's span, each funder's cash equals its part of the commitment, so
    outstanding commitments per funder close at zero; no part is ever negative."""
    plan = compile_plan(scenario)
    result = compute(plan)
    cash = split_funders(result.cash, plan, "cash")[0]
    committed = split_funders(result.commitment, plan, "commitment")[0]
    assert (cash >= 0).all() and (committed >= 0).all()
    assert (cash.sum(axis=1) == committed.sum(axis=1)).all()


def test_a_cent_taken_back_by_a_cumulative_split_is_mended(tmp_path):
    """Shares 1/34, 20/34, 13/34 of payments 0.82 then 0.04: to date, the largest-remainder
    splits are [3, 48, 31] cents and then [2, 51, 33], so the first funder's 2015 part would
    be -1. It becomes 0: the first funder takes the cent from the second (the first listed
    with a positive part in 2015) and gives it back in 2014, the nearest earlier year in which
    it was paid: 2014 = [2, 49, 31], 2015 = [0, 2, 2]."""
    from budget import load_scenario, project

    path = tmp_path / "thirds.toml"
    path.write_text(
        '[scenario]\nname = "t"\n[funders.A]\n[funders.B]\n[funders.C]\n[recipients.R]\n'
        '[[commitments]]\nid = "g"\nkind = "grant"\nrecipient = "R"\n'
        'funders = { A = "1/34", B = "20/34", C = "13/34" }\ntotal = "0.86"\n'
        'start = 2014-01-01\nend = 2016-01-01\nallocation = { 2014 = "0.82", 2015 = "0.04" }\n'
    )
    rows = project(load_scenario(path))
    cash = rows[rows["basis"] == "cash"]
    got = {(r.funder, int(r.year)): int(r.amount_cents) for r in cash.itertuples()}
    assert got == {
        ("A", 2014): 2,
        ("B", 2014): 49,
        ("C", 2014): 31,
        ("A", 2015): 0,
        ("B", 2015): 2,
        ("C", 2015): 2,
    }


@SETTINGS
@given(scenarios(max_commitments=8))
def test_kinds_that_do_not_commit_up_front_commit_what_they_pay(scenario):
    """The engine splits such kinds once for both bases; that is only right if it holds."""
    plan = compile_plan(scenario)
    result = compute(plan)
    same = ~plan.paid_over_time
    assert (result.commitment[:, same, :] == result.cash[:, same, :]).all()
