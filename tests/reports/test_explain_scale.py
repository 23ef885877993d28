"""`explain` projects only the commitments that the explained one reads (issue 21): the
same explanation as from the projection of the whole scenario, for every commitment."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.engine.projection import project
from budget.load import read_scenario
from budget.reports.explain import explain
from budget.reports.explain.build import affecting
from budget.testing.strategies import scenarios
from tests.helpers import SCENARIOS

EXAMPLES = sorted(SCENARIOS.glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_explaining_from_part_of_the_scenario_is_explaining_from_all_of_it(path):
    scenario, problems = read_scenario(path)
    if scenario is None:
        pytest.skip(f"{path.name} does not load alone: {problems[0]}")
    whole = project(scenario)
    for position, commitment in enumerate(scenario.commitments):
        part = affecting(scenario, position)
        assert commitment in part.commitments
        alone, problems = explain(scenario, commitment.id)
        assert not problems
        assert alone == explain(scenario, commitment.id, rows=whole)[0], commitment.id


def test_a_derived_top_up_reads_every_commitment_to_its_recipient():
    scenario, _ = read_scenario(SCENARIOS / "letter-2014.toml")
    assert scenario is not None
    for position, commitment in enumerate(scenario.commitments):
        part = affecting(scenario, position).commitments
        same = [c for c in scenario.commitments if c.recipient == commitment.recipient]
        derived = commitment.kind == "top_up" and commitment.spec.shortfall is None
        assert list(part) == (same if derived else [commitment]), commitment.id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=8), st.data())
def test_any_commitment_is_explained_alike_from_part_or_all(scenario, data):
    # Random scenarios: several commitments to a recipient, derived top-ups among them.
    if not scenario.commitments:
        return
    position = data.draw(st.integers(0, len(scenario.commitments) - 1))
    cid = scenario.commitments[position].id
    part, problems = explain(scenario, cid)
    assert not problems
    assert part == explain(scenario, cid, rows=project(scenario))[0]
