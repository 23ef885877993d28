"""`budget simulate` and `budget check` through the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tests.helpers import SCENARIOS, invoke

SCENARIO = """
[scenario]
name = "Check"
first_year = 2015
last_year = 2017

[funders.VenJ]
name = "Security and Justice"
[funders.VWS]
name = "Health"

[recipients.SIN]
name = "Stop It Now!"

[recipients.MKI]
name = "Meldpunt"

[[commitments]]
id = "sin"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2017
cap = "67600.00"
shortfall = { dist = "uniform", low = "0", high = "100000" }

[[commitments]]
id = "mki"
kind = "annual"
recipient = "MKI"
funders = { VenJ = "1" }
first_year = 2015
last_year = 2016
amount = "100000.00"
"""


def limit(funder: str, maximum: str) -> str:
    return f'\n[[limits]]\nfunder = "{funder}"\nmax = "{maximum}"\n'


# --- budget check -----------------------------------------------------------------------


def test_check_without_limits_says_so(scenario_file):
    result = invoke("check", scenario_file(SCENARIO))
    assert result.exit_code == 0
    assert result.stdout == "Check has no limits: nothing to check.\n"


def test_check_reports_a_breach_of_the_central_projection(scenario_file):
    # VenJ pays 100,000.00 to MKI plus half the top-up at the midpoint (25,000.00) in 2015.
    result = invoke("check", scenario_file(SCENARIO + limit("VenJ", "120000.00")))
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        "The central projection breaches a limit:",
        "  VenJ cash 2015: 125,000.00 above the ceiling of 120,000.00",
        "  VenJ cash 2016: 125,000.00 above the ceiling of 120,000.00",
    ]


def test_check_finds_and_prints_the_smallest_counterexample(scenario_file):
    path = scenario_file(SCENARIO + limit("VWS", "30000.00"))
    result = invoke("check", path, "--examples", "200")
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[0] == "The central projection is within its 1 limit."
    assert lines[1].startswith("Found inputs that breach a limit after searching ")
    assert "(of at most 200; --examples), then shrunk them to the smallest in " in lines[1]
    uniform = "(uniform 0.00 to 100,000.00)"
    shortfalls = [line for line in lines if line.startswith("  commitment sin shortfall")]
    assert any(line.endswith(f": 60,000.02  {uniform}") for line in shortfalls)
    assert lines[-2] == "With these inputs:"
    assert lines[-1].startswith("  VWS cash 20")
    assert lines[-1].endswith(": 30,000.01 above the ceiling of 30,000.00")
    assert invoke("check", path, "--examples", "200").stdout == result.stdout


def test_check_says_how_many_combinations_were_tried(scenario_file):
    path = scenario_file(SCENARIO + limit("VWS", "33800.00"))
    result = invoke("check", path, "--examples", "150")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("Searched 3 uncertain inputs")
    assert "150 examples tried (--examples 150), none breaches a limit." in result.stdout


def test_check_of_a_bad_file_names_the_problem(scenario_file):
    bad = SCENARIO.replace('cap = "67600.00"', "cap = 67600.5")
    result = invoke("check", scenario_file(bad))
    assert result.exit_code == 1
    assert "sin" in result.stderr and "cap" in result.stderr
    assert "Traceback" not in result.output


def test_check_refuses_a_bad_number_of_examples(scenario_file):
    assert invoke("check", scenario_file(SCENARIO), "--examples", "0").exit_code == 2


# --- budget simulate --------------------------------------------------------------------


def test_simulate_csv_is_the_same_for_the_same_seed(scenario_file):
    path = scenario_file(SCENARIO + limit("VWS", "30000.00"))
    first = invoke("simulate", path, "--draws", "500", "--seed", "11", "--format", "csv")
    second = invoke("simulate", path, "--draws", "500", "--seed", "11", "--format", "csv")
    other = invoke("simulate", path, "--draws", "500", "--seed", "12", "--format", "csv")
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    assert first.stdout != other.stdout
    assert first.stderr == ""
    rows = list(csv.DictReader(io.StringIO(first.stdout)))
    assert list(rows[0]) == [
        "scenario",
        "level",
        "commitment",
        "recipient",
        "funder",
        "basis",
        "year",
        "year_label",
        "currency",
        "mean",
        "mean_cents",
        "p5",
        "p5_cents",
        "p50",
        "p50_cents",
        "p95",
        "p95_cents",
        "p_cap_binds",
        "ceiling",
        "ceiling_cents",
        "p_limit_breached",
    ]
    levels = [r["level"] for r in rows]
    # sin: 2 funders x 2 bases x 3 years; mki: 1 x 2 x 2; VenJ 2 x 3, VWS 2 x 3; the limit 3.
    assert levels == ["commitment"] * 16 + ["funder"] * 12 + ["limit"] * 3
    mki = [r for r in rows if r["commitment"] == "mki"]
    assert {(r["mean"], r["p5"], r["p95"], r["p_cap_binds"]) for r in mki} == {
        ("100000.00", "100000.00", "100000.00", "")
    }
    sin = [r for r in rows if r["commitment"] == "sin"]
    assert all(0 <= float(r["p_cap_binds"]) <= 1 for r in sin)
    for r in rows:
        for band in ("mean", "p5", "p50", "p95"):
            assert r[band] == f"{int(r[band + '_cents']) / 100:.2f}"
    limit_rows = [r for r in rows if r["level"] == "limit"]
    assert {r["ceiling"] for r in limit_rows} == {"30000.00"}
    assert all(r["commitment"] == "" for r in limit_rows)


def test_simulate_json_has_euros_as_strings(scenario_file):
    path = scenario_file(SCENARIO)
    result = invoke("simulate", path, "--draws", "200", "--seed", "3", "--format", "json")
    rows = json.loads(result.stdout)
    assert {(r["draws"], r["seed"], r["percentiles"]) for r in rows} == {(200, 3, "inverted_cdf")}
    row = rows[0]
    assert isinstance(row["mean"], str) and isinstance(row["mean_cents"], int)
    assert row["mean"] == f"{row['mean_cents'] / 100:.2f}"
    assert row["ceiling"] is None and row["p_limit_breached"] is None


def test_simulate_without_a_seed_prints_the_one_it_picked(scenario_file):
    path = scenario_file(SCENARIO)
    result = invoke("simulate", path, "--draws", "100", "--format", "csv")
    assert result.exit_code == 0
    seed = result.stderr.split()[2]
    assert result.stderr == f"budget: seed {seed} (repeat this run with --seed {seed})\n"
    again = invoke("simulate", path, "--draws", "100", "--format", "csv", "--seed", seed)
    assert again.stdout == result.stdout


def test_simulate_table(scenario_file):
    path = scenario_file(SCENARIO + limit("VWS", "30000.00"))
    result = invoke("simulate", path, "--draws", "1000", "--seed", "1")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("Check: 1,000 draws, seed 1\n")
    for title in (
        "Funder totals, cash basis: payments (EUR)",
        "Uncertain commitments, cash basis (EUR)",
        "Probability that the cap binds",
        "Probability that a limit is breached",
    ):
        assert title in text
    assert "mki" not in text.split("Uncertain commitments")[1]  # a fixed amount


def test_simulate_workbook_has_the_uncertainty_sheet(tmp_path, scenario_file):
    path = scenario_file(SCENARIO + limit("VWS", "30000.00"))
    target = tmp_path / "out.xlsx"
    result = invoke("simulate", path, "--draws", "300", "--seed", "8", "-o", target)
    assert result.exit_code == 0, result.output
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                invoke("simulate", path, "--draws", "300", "--seed", "8", "--format", "csv").stdout
            )
        )
    )
    ws = load_workbook(target)["Uncertainty"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[3][:6] == ["Item", "Funder", "Band", "2015", "2016", "2017"]
    # The VWS cash mean per year on the sheet is the CSV's.
    at = next(i for i, r in enumerate(cells) if r[1] == "VWS")
    assert cells[at][2] == "Mean"
    expected = [
        float(r["mean"])
        for r in csv_rows
        if (r["level"], r["funder"], r["basis"]) == ("funder", "VWS", "cash")
    ]
    assert cells[at][3:6] == expected
    assert any(r[2] == "P(breached)" for r in cells)
    assert not ws._charts  # on a sheet of their own, one to a printed page
    assert len(load_workbook(target)["Uncertainty charts"]._charts) == 2  # one per funder


@pytest.mark.parametrize(
    "args", [("--draws", "0"), ("--draws", "10", "--seed", "-1"), ("--format", "xml")]
)
def test_simulate_refuses_wrong_usage(scenario_file, args):
    path = scenario_file(SCENARIO)
    extra = () if "--draws" in args else ("--draws", "10")
    assert invoke("simulate", path, *extra, *args).exit_code == 2


# --- the bundled example with ranges and ceilings -----------------------------------------

UNCERTAIN = SCENARIOS / "letter-2014-uncertain.toml"


def test_the_uncertain_letter_breaches_venj_but_never_vws():
    result = invoke("check", UNCERTAIN, "--examples", "300")
    assert result.exit_code == 3
    assert "The central projection is within all 2 limits." in result.stdout
    (breach,) = [line for line in result.stdout.splitlines() if "above the ceiling" in line]
    assert breach.startswith("  VenJ cash 201")
    assert breach.endswith("above the ceiling of 150,000.00")
    simulated = invoke("simulate", UNCERTAIN, "--draws", "2000", "--seed", "1", "--format", "csv")
    limits = [r for r in csv.DictReader(io.StringIO(simulated.stdout)) if r["level"] == "limit"]
    # VWS's ceiling is exactly its half of the SIN cap: reached, never exceeded.
    assert {r["p_limit_breached"] for r in limits if r["funder"] == "VWS"} == {"0"}
    venj = [float(r["p_limit_breached"]) for r in limits if r["funder"] == "VenJ"]
    assert venj[0] == 0 and all(0 < p < 0.5 for p in venj[1:])


@pytest.mark.slow
def test_libreoffice_reads_the_uncertainty_sheet_and_its_charts(tmp_path):
    from tests.workbook_helpers import libreoffice_convert, soffice

    soffice()
    target = tmp_path / "uncertain.xlsx"
    args = ("simulate", UNCERTAIN, "--draws", "500", "--seed", "4")
    assert invoke(*args, "-o", target).exit_code == 0
    (converted,) = libreoffice_convert([target], tmp_path / "out", "xlsx", tmp_path / "profile")
    ours = [[c.value for c in r] for r in load_workbook(target)["Uncertainty"].iter_rows()]
    theirs = load_workbook(converted)["Uncertainty"]
    assert [[c.value for c in r] for r in theirs.iter_rows()][: len(ours)] == ours
    charts = load_workbook(converted)["Uncertainty charts"]._charts
    assert len(charts) == 4  # VenJ, VWS, BZ and EU (the pending co-financing, drawn)


# --- check's bounds (issue 21) ----------------------------------------------------------


def test_check_stops_at_max_time_and_says_so():
    # Time is up before the first example (the plan's compilation counts): nothing searched,
    # no breach claimed, and the line says that the search is not whole.
    result = invoke("check", str(UNCERTAIN), "--examples", "100000", "--max-time", "0.000001")
    assert result.exit_code == 0, result.output
    last = result.stdout.splitlines()[-1]
    assert "0 examples tried of 100,000 (--examples), none breaches a limit" in last
    assert "stopped after 1e-06 seconds (--max-time)" in last


def test_check_bounds_examples_and_max_time():
    too_many = invoke("check", str(UNCERTAIN), "--examples", "1000001")
    assert too_many.exit_code == 2
    assert "1000001 is not in the range 1<=x<=1000000" in too_many.stderr
    assert "Traceback" not in too_many.output
    for bad in ("0", "-1", "nan", "100000"):
        result = invoke("check", str(UNCERTAIN), "--max-time", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert "--max-time" in result.stderr and "Traceback" not in result.output
