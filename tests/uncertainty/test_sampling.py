"""Drawing a plan's inputs: each owner's stream, put in the engine's order of inputs."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.core.dists import draw
from budget.engine.plan import compile_plan
from budget.testing.strategies import scenarios
from budget.uncertainty.sampling import chunks, random_values, stream, tied_groups

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def plain_random_values(plan, seed: int, draws: int) -> np.ndarray:
    """Each owner's inputs drawn from its own stream with `dists.draw`, put in their
    columns one by one."""
    out = np.full((draws, len(plan.inputs)), -(2**63), dtype=np.int64)
    for owner, index, cells in plan.inputs.owners():
        values = draw(stream(seed, owner, index), [plan.inputs.dists[i] for i in cells], draws)
        for j, cell in enumerate(cells.tolist()):
            out[:, cell] = values[:, j]
    return out


@SETTINGS
@given(scenarios(max_commitments=6, uncertain=True), st.integers(1, 5), st.integers(0, 2**32))
def test_every_input_gets_its_own_streams_values(s, draws, seed):
    plan = compile_plan(s)
    assert np.array_equal(random_values(plan, seed, draws), plain_random_values(plan, seed, draws))


@SETTINGS
@given(scenarios(max_commitments=6, uncertain=True), st.integers(1, 4), st.integers(0, 2**32))
def test_a_chunk_draws_what_the_whole_plan_draws_for_its_inputs(s, per_chunk, seed):
    plan = compile_plan(s)
    whole = random_values(plan, seed, 3)
    for rows in chunks(tied_groups(plan), per_chunk):
        sub = plan.subset(rows)
        assert np.array_equal(random_values(sub, seed, 3), whole[:, sub.inputs.origin])


TWO_RECIPIENTS = """
[scenario]
name = "Runs"
first_year = 2015
last_year = 2017

[funders.A]
name = "A"

[recipients.R0]
name = "R0"
costs = { dist = "uniform", low = "100", high = "200" }
income = { dist = "uniform", low = "0", high = "50" }

[recipients.R1]
name = "R1"
costs = { dist = "uniform", low = "300", high = "400" }
[recipients.R1.income]
2015 = { dist = "uniform", low = "0", high = "10" }
2016 = "5"
2017 = { dist = "choice", values = ["0", "7"] }

[[commitments]]
id = "r0"
kind = "top_up"
recipient = "R0"
funders = { A = "1" }
first_year = 2015
last_year = 2017
cap = "1000"

[[commitments]]
id = "r1"
kind = "top_up"
recipient = "R1"
funders = { A = "1" }
first_year = 2015
last_year = 2017
cap = "1000"
"""


def test_an_owners_inputs_in_several_places_each_get_their_values(tmp_path):
    """A recipient's costs and income are two tables, so its inputs are two runs of the
    engine's columns (costs of every recipient, then income), some of one kind."""
    from budget.load import load_scenario

    path = tmp_path / "runs.toml"
    path.write_text(TWO_RECIPIENTS, encoding="utf-8")
    plan = compile_plan(load_scenario(path))
    owners = plan.inputs.owners()
    assert [len(np.flatnonzero(np.diff(np.sort(cells)) != 1)) for _, _, cells in owners] == [1, 1]
    values = random_values(plan, 11, 50)
    assert np.array_equal(values, plain_random_values(plan, 11, 50))
    assert (values != -(2**63)).all()
