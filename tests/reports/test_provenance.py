"""Sources and assumptions are echoed in the terminal output."""

from __future__ import annotations

from click.testing import CliRunner

import budget
from budget.cli import cli
from budget.reports.provenance import assumptions


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


def test_central_values_are_named_on_stderr_with_csv(tmp_path):
    # Uniform 40,000.00 to 100,000.00: the midpoint 70,000.00 is used.
    path = tmp_path / "u.toml"
    path.write_text(
        '[scenario]\nname = "u"\n[funders.A]\n[recipients.R]\n[[commitments]]\nid = "t"\n'
        'kind = "top_up"\nrecipient = "R"\nfunders = { A = "1" }\nfirst_year = 2015\n'
        'last_year = 2015\ncap = "67600"\n'
        'shortfall = { dist = "uniform", low = "40000", high = "100000" }\n'
    )
    result = CliRunner().invoke(cli, ["run", str(path), "--format", "csv"])
    assert result.exit_code == 0
    assert "central value (70,000.00)" in result.stderr
    assert "67600.00" in result.stdout  # min(cap, 70,000.00)


def test_values_read_the_same_in_the_terminal_and_the_workbook():
    """One formatter serves both: an absent field is "not given", a rate a percentage."""
    from fractions import Fraction

    from budget.reports.provenance import value_text

    assert value_text(None) == "not given"
    assert value_text(Fraction(1, 50), "indexation") == "1/50 (2%)"
    assert value_text(2015, "first_year") == "2015"
    assert value_text(6_760_000, "cap") == "67,600.00"
