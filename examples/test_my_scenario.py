"""Property tests of your own scenario: copy this file next to your scenarios and adapt it.

Run it with pytest:

    pytest examples/test_my_scenario.py

Hypothesis tries many inputs for each test and, when a property fails, shrinks the input to
the smallest one that still fails and prints it. `budget.strategies` makes the inputs:
`amounts()` (cents), `shares()` (exact shares adding up to 1), `dists()` (uncertain amounts),
`commitments()` and `scenarios()` (valid objects that `budget.project` accepts).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import budget
from budget.core.model import ByYear
from budget.engine.pending import with_pending
from budget.strategies import amounts, scenarios, shares
from budget.uncertainty.simulate import simulate

# Your scenario file; here the bundled example, the 2014 letter to parliament.
MY_SCENARIO = Path(budget.example_path())
CAP = 6_760_000  # cents: the letter tops up Stop It Now!'s shortfall to at most 67,600.00


def with_sin_costs(costs_per_year: list[int]) -> budget.Scenario:
    """My scenario with other yearly costs for Stop It Now! (2015, 2016, 2017)."""
    # As `budget run` counts it (--pending none): without the pending EU co-financing.
    scenario = with_pending(budget.load_scenario(MY_SCENARIO), "none")
    sin = scenario.recipients["SIN"]
    costs = ByYear(table=tuple(zip((2015, 2016, 2017), costs_per_year, strict=True)))
    recipients = {**scenario.recipients, "SIN": replace(sin, costs=costs)}
    return replace(scenario, recipients=recipients)


@given(st.lists(amounts(0, 20_000_000), min_size=3, max_size=3))
def test_the_top_up_makes_up_the_shortfall_up_to_the_cap(costs):
    rows = budget.project(with_sin_costs(costs))
    cash = rows[(rows["commitment"] == "sin-top-up") & (rows["basis"] == "cash")]
    paid = cash.groupby("year")["amount_cents"].sum()
    for year, shortfall in zip((2015, 2016, 2017), costs, strict=True):
        assert paid[year] == min(CAP, shortfall)


@given(st.lists(amounts(0, 20_000_000), min_size=3, max_size=3))
def test_venj_and_vws_share_the_top_up_to_the_cent(costs):
    rows = budget.project(with_sin_costs(costs))
    cash = rows[(rows["commitment"] == "sin-top-up") & (rows["basis"] == "cash")]
    by_funder = cash.pivot_table(index="year", columns="funder", values="amount_cents")
    # Half each; an odd cent goes to VenJ, the funder listed first.
    assert ((by_funder["VenJ"] - by_funder["VWS"]).isin([0, 1])).all()


@given(shares())
def test_shares_add_up_to_one(parts):
    assert sum(parts) == 1


@settings(max_examples=50, deadline=None)
@given(scenarios(max_commitments=5))
def test_any_scenario_projects_to_whole_non_negative_cents(scenario):
    rows = budget.project(scenario)
    assert (rows["amount_cents"] >= 0).all()
    assert str(rows["amount_cents"].dtype) == "int64"


@settings(max_examples=20, deadline=None)
@given(scenarios(max_commitments=4, uncertain=True), st.integers(0, 2**32))
def test_simulated_bands_are_ordered_and_repeatable(scenario, seed):
    first = simulate(scenario, draws=200, seed=seed).rows
    assert (first["p5_cents"] <= first["p50_cents"]).all()
    assert (first["p50_cents"] <= first["p95_cents"]).all()
    assert first.equals(simulate(scenario, draws=200, seed=seed).rows)
