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


# --- explain loads only what it explains (budget.cli.explain.load_for) ----------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_explain_from_the_commitments_it_reads_is_explain_from_the_whole_load(path):
    from budget.cli.explain import load_for

    scenario, problems = read_scenario(path)
    if scenario is None:
        pytest.skip(f"{path.name} does not load alone: {problems[0]}")
    for commitment in scenario.commitments:
        part = load_for(str(path), commitment.id)
        assert len(part.commitments) <= len(scenario.commitments)
        for year in (None, *range(scenario.first_year, scenario.last_year + 1)):
            whole = explain(scenario, commitment.id, year)
            alone = explain(part, commitment.id, year)
            assert alone == whole, (commitment.id, year)


REGISTER_SCENARIO = """
[scenario]
name = "Register"
register = "r.csv"
first_year = 2015
last_year = 2017
[funders.A]
[recipients.R]
costs = "100000.00"
[recipients.S]
"""


def test_explain_reads_the_row_and_for_a_derived_top_up_its_recipients_rows(tmp_path):
    from budget.cli.explain import load_for

    (tmp_path / "s.toml").write_text(REGISTER_SCENARIO, encoding="utf-8")
    (tmp_path / "r.csv").write_text(
        "id,kind,recipient,funders,first_year,last_year,amount,cap,shortfall\n"
        "a1,annual,R,A,2015,2017,30000.00,,\n"
        "t1,top_up,R,A,2015,2017,,90000.00,\n"  # derives its shortfall: reads a1
        "a2,annual,S,A,2015,2017,10.00,,\n"
        "bad,annual,S,A,2015,20x7,10.00,,\n",  # a problem: validate reports it, explain not
        encoding="utf-8",
    )
    path = str(tmp_path / "s.toml")
    assert [c.id for c in load_for(path, "a2").commitments] == ["a2"]
    part = load_for(path, "t1")
    assert [c.id for c in part.commitments] == ["a1", "t1"]
    explanation, problems = explain(part, "t1", 2016)
    assert not problems and explanation is not None
    # Costs 100,000.00 less a1's 30,000.00: a shortfall of 70,000.00, under the cap.
    assert [y.cash for y in explanation.years] == [7_000_000]
    _, problems = read_scenario(path)
    assert [p.where for p in problems] == ["row 5 (commitment 'bad'), column 'last_year'"]
