"""The vectorised engine agrees with the plain scalar reference on generated scenarios."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import project
from budget.testing.strategies import scenarios
from tests.reference import reference_project

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def engine_amounts(scenario):
    rows = project(scenario)
    return {
        (r.commitment, r.funder, r.basis, int(r.year)): int(r.amount_cents)
        for r in rows.itertuples()
    }


@SETTINGS
@given(scenarios(uncertain=True))
def test_engine_matches_reference(scenario):
    assert engine_amounts(scenario) == reference_project(scenario)


@SETTINGS
@given(scenarios(max_commitments=8), st.data())
def test_other_recipients_do_not_change_a_commitment(scenario, data):
    """Adding or removing commitments to other recipients leaves a commitment's amounts alone."""
    target = data.draw(st.sampled_from(scenario.commitments))
    kept = tuple(
        c
        for c in scenario.commitments
        if c.recipient == target.recipient or data.draw(st.booleans())
    )
    smaller = dataclasses.replace(scenario, commitments=kept)
    full = {k: v for k, v in engine_amounts(scenario).items() if k[0] == target.id}
    part = {k: v for k, v in engine_amounts(smaller).items() if k[0] == target.id}
    assert full == part
