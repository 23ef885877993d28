"""The public DataFrame API: one convention for every function that returns a frame."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

import budget
from tests.helpers import SCENARIOS

APRIL_GBP = """
[scenario]
name = "April"
first_year = 2025
last_year = 2026
fiscal_year_start = "04-01"
currency = "GBP"
[funders.HMT]
name = "Treasury"
[recipients.R]
name = "R"
[[commitments]]
id = "a"
kind = "annual"
recipient = "R"
funders = { HMT = "1" }
first_year = 2025
last_year = 2026
amount = { dist = "uniform", low = "100.00", high = "200.00" }
[[limits]]
funder = "HMT"
max = "1000.00"
"""
# Columns whose amount can be missing in a row: the nullable Int64, never float.
NULLABLE_CENTS = {"cost_per_unit_cents", "ceiling_cents"}
FACTS = ("scenario", "first_year", "last_year", "fiscal_year_start", "currency")


def frames() -> dict[str, tuple[pd.DataFrame, budget.Scenario]]:
    letter = budget.load_scenario(SCENARIOS / "letter-2014.toml")
    other = budget.load_scenario(SCENARIOS / "sin-eu-grant.toml")
    realised = budget.load_scenario(SCENARIOS / "letter-2014-realised.toml")
    uncertain = budget.load_scenario(SCENARIOS / "letter-2014-uncertain.toml")
    plan = budget.plan_vs_actual(realised)
    return {
        "project": (budget.project(letter), letter),
        "compare": (budget.compare(letter, other), letter),
        "simulate": (budget.simulate(uncertain, 20, 7), uncertain),
        "plan_vs_actual": (plan, realised),
        "actuals_frame": (budget.actuals_frame(realised), realised),
        "forecast_rows": (budget.forecast_rows(realised, plan), realised),
        "indicators": (budget.indicators(realised), realised),
    }


@pytest.fixture(scope="module")
def all_frames() -> dict[str, tuple[pd.DataFrame, budget.Scenario]]:
    return frames()


@pytest.mark.parametrize(
    "name",
    [
        "project",
        "compare",
        "simulate",
        "plan_vs_actual",
        "actuals_frame",
        "forecast_rows",
        "indicators",
    ],
)
def test_every_public_frame_follows_the_convention(all_frames, name):
    frame, scenario = all_frames[name]
    assert len(frame) > 0
    for column in frame.columns:
        values = frame[column]
        if column == "year" or (column.endswith("_cents") and column not in NULLABLE_CENTS):
            assert values.dtype == np.int64, (name, column, values.dtype)
        elif column.endswith("_cents"):
            assert values.dtype == "Int64", (name, column, values.dtype)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            assert values.cat.categories.dtype == object, (name, column)
            assert all(isinstance(v, str) for v in values.cat.categories), (name, column)
        elif column == "date":
            assert values.dtype == "datetime64[s]", (name, column, values.dtype)
        else:
            # Not text, and no object column: numbers and booleans in their numpy dtypes.
            assert values.dtype != object, (name, column, values.dtype)
            assert values.dtype.kind in "iufb", (name, column, values.dtype)
    assert frame.attrs["scenario"] == scenario.name
    assert frame.attrs["first_year"] == scenario.first_year
    assert frame.attrs["last_year"] == scenario.last_year
    assert frame.attrs["fiscal_year_start"] == "01-01"
    assert frame.attrs["currency"] == "EUR"


def test_the_facts_follow_the_scenario(tmp_path):
    path = tmp_path / "april.toml"
    path.write_text(APRIL_GBP, encoding="utf-8")
    scenario = budget.load_scenario(path)
    for frame in (budget.project(scenario), budget.simulate(scenario, 5, 1)):
        assert {k: frame.attrs[k] for k in FACTS} == {
            "scenario": "April",
            "first_year": 2025,
            "last_year": 2026,
            "fiscal_year_start": "04-01",
            "currency": "GBP",
        }
    assert budget.simulate(scenario, 5, 1).attrs["draws"] == 5


def test_compare_is_the_comparison_frame():
    letter = budget.load_scenario(SCENARIOS / "letter-2014.toml")
    other = budget.load_scenario(SCENARIOS / "sin-eu-grant.toml")
    frame = budget.compare(letter, other)
    assert frame.attrs["scenarios"] == [letter.name, other.name]
    base = frame[frame.scenario == letter.name]
    assert (base.delta_cents == 0).all()
    # The other scenario's amounts minus the base's, worked out from the two projections.
    mine = budget.project(other).groupby(["funder", "basis", "year"], observed=True)
    theirs = budget.project(letter).groupby(["funder", "basis", "year"], observed=True)
    expected = mine.amount_cents.sum().sub(theirs.amount_cents.sum(), fill_value=0)
    got = frame[frame.scenario == other.name].groupby(["funder", "basis", "year"], observed=True)
    assert got.delta_cents.sum().to_dict() == {k: int(v) for k, v in expected.items()}


def test_the_public_functions_and_their_modules_have_different_names():
    import types

    import budget.reports.compare as compare_module
    import budget.uncertainty.simulate as simulate_module

    # `import budget.X.Y as m` gives the module; `budget.simulate` is the public function.
    assert isinstance(simulate_module, types.ModuleType)
    assert isinstance(compare_module, types.ModuleType)
    assert callable(budget.simulate) and callable(budget.compare)
    assert not isinstance(budget.simulate, types.ModuleType)
    assert simulate_module.Simulation.__name__ == "Simulation"


def test_the_package_is_typed():
    # In the installed package, so pyproject.toml's package-data ships it.
    assert resources.files("budget").joinpath("py.typed").is_file()


@pytest.mark.parametrize("mode", ["none", "expected", "all"])
def test_project_counts_pending_commitments_as_run_does(mode: str) -> None:
    """budget.project takes run's --pending with run's default, so Python and the command
    line give the same figures for the bundled example (its EU co-financing is pending)."""
    import csv
    import io

    from click.testing import CliRunner

    from budget.cli import cli
    from budget.engine.pending import with_pending

    scenario = budget.load_scenario(budget.example_path())
    rows = budget.project(scenario) if mode == "none" else budget.project(scenario, pending=mode)
    result = CliRunner().invoke(cli, ["run", "--pending", mode, "--format", "csv"])
    assert result.exit_code == 0, result.output
    ran = {
        (r["commitment"], r["funder"], r["basis"], int(r["year"])): int(r["amount_cents"])
        for r in csv.DictReader(io.StringIO(result.stdout))
    }
    got = {
        (r.commitment, r.funder, r.basis, int(r.year)): int(r.amount_cents)
        for r in rows.itertuples()
    }
    assert got == ran
    assert ("eu-sin-cofinancing" in set(rows.commitment)) == (mode != "none")
    # counted once, a scenario stays as counted
    counted = with_pending(scenario, mode)
    assert budget.project(counted).equals(rows)
    assert with_pending(counted, "all") is counted


def test_project_applies_cash_shifts_as_run_does() -> None:
    """budget.project shows the cash shifts of a round version, as `budget run` does; the
    plan before them is `cash_shifts=False`, and both keep each funder's cash total."""
    import csv
    import io

    from click.testing import CliRunner

    from budget.cli import cli

    path = SCENARIOS / "round-2015-1st-supplementary.toml"
    scenario = budget.load_scenario(path)
    assert scenario.cash_shifts
    result = CliRunner().invoke(cli, ["run", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    ran = {
        (r["commitment"], r["funder"], r["basis"], int(r["year"])): int(r["amount_cents"])
        for r in csv.DictReader(io.StringIO(result.stdout))
    }

    def keyed(rows: pd.DataFrame) -> dict[tuple[str, str, str, int], int]:
        return {
            (r.commitment, r.funder, r.basis, int(r.year)): int(r.amount_cents)
            for r in rows.itertuples()
        }

    shifted, planned = (
        keyed(budget.project(scenario)),
        keyed(budget.project(scenario, cash_shifts=False)),
    )
    assert shifted == ran
    assert shifted != planned

    def totals(d: dict[tuple[str, str, str, int], int]) -> dict[tuple[str, str, str], int]:
        out: dict[tuple[str, str, str], int] = {}
        for (c, f, basis, _), v in d.items():
            out[c, f, basis] = out.get((c, f, basis), 0) + v
        return out

    assert totals(shifted) == totals(planned)
    compared = budget.compare(scenario, scenario)
    assert {
        (r.commitment, r.funder, r.basis, int(r.year)): int(r.amount_cents)
        for r in compared.itertuples()
        if r.scenario == compared.attrs["scenarios"][0]
    } == shifted


def test_project_raises_the_problems_of_a_shift_that_moves_too_much() -> None:
    import dataclasses

    path = SCENARIOS / "round-2015-1st-supplementary.toml"
    scenario = budget.load_scenario(path)
    big = dataclasses.replace(scenario.cash_shifts[0], amount=10**12)  # 10 billion euros
    too_much = dataclasses.replace(scenario, cash_shifts=(big,))
    with pytest.raises(budget.InputError) as caught:
        budget.project(too_much)
    assert len(caught.value.problems) == 1
    assert big.commitment in str(caught.value.problems[0])
    # cash_shifts=False is the plan before the shifts: as if the scenario had none
    before = budget.project(too_much, cash_shifts=False)
    assert before.equals(budget.project(dataclasses.replace(scenario, cash_shifts=())))
