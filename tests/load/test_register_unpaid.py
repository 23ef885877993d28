"""The `unpaid` column of a register: read and checked like the field in a scenario file."""

from __future__ import annotations

from budget.load import read_scenario
from tests.load.test_register import GOOD, HEADER, scenario_with, write_csv


def test_an_unpaid_column_sets_the_policy_and_an_empty_cell_keeps_the_default(tmp_path):
    rows = [[*GOOD[0], "slips"], [*GOOD[1], ""], [*GOOD[2], "lapses"]]
    write_csv(tmp_path / "c.csv", rows, [*HEADER, "unpaid"])
    scenario, problems = read_scenario(scenario_with(tmp_path, "c.csv"))
    assert scenario is not None, problems
    policy = {c.id: c.unpaid_policy for c in scenario.commitments}
    # mki is annual (default lapses) set to slips; sin keeps top_up's lapses; the grant
    # bz (default slips) is set to lapses.
    assert policy == {"mki": "slips", "sin": "lapses", "bz": "lapses"}


def test_an_unpaid_cell_other_than_the_two_values_is_refused(tmp_path):
    rows = [[*GOOD[0], "rolls"], [*GOOD[1], ""], [*GOOD[2], ""]]
    write_csv(tmp_path / "c.csv", rows, [*HEADER, "unpaid"])
    scenario, problems = read_scenario(scenario_with(tmp_path, "c.csv"))
    assert scenario is None
    shown = [str(p) for p in problems]
    assert len(shown) == 1, shown
    assert "c.csv" in shown[0] and "unpaid" in shown[0] and "slips, lapses" in shown[0]
