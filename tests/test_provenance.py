"""Sources and assumptions are echoed in the terminal output."""

from __future__ import annotations

from click.testing import CliRunner

import budget
from budget.cli import cli
from budget.provenance import assumptions


def test_the_example_declares_its_assumptions():
    scenario = budget.load_scenario(budget.example_path())
    assumed = {(a.owner, a.key, a.field): a.value for a in assumptions(scenario)}
    assert assumed[("commitment", "mki-support", "amount")] == "100,000.00 every year"
    assert assumed[("commitment", "sin-top-up", "funders")] == "VenJ 1/2, VWS 1/2"
    assert ("recipient", "SIN", "costs") in assumed


def test_run_prints_assumptions_and_sources():
    out = CliRunner().invoke(cli, ["run"]).stdout
    assert "Assumptions (values the sources do not give):" in out
    assert "commitment mki-support, amount: 100,000.00 every year" in out
    assert "bz-tdh-ecpat: Letter 2014" in out
