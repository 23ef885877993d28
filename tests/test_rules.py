"""Properties of the money rules on generated scenarios, checked on the engine's arrays."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from budget.engine import compile_plan, compute, split_funders
from budget.strategies import scenarios

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
            assert cash[col] <= central(spec.cap, year)
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
