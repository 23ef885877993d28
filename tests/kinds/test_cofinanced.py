"""The `cofinanced` kind (issue 23, item 2): a rate of the recipient's eligible costs over
a span, at most a maximum, spread by largest remainder; a top-up after it makes up the
rest. The worked SIN example and its three views."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from budget import project
from budget.engine.pending import with_pending
from budget.testing.strategies import scenarios
from tests.helpers import invoke
from tests.reference import reference_project

SCENARIO = """
[scenario]
name = "sin-eu"
first_year = 2015
last_year = 2016

[funders]
EU = "European Union"
VenJ = "Justice"
VWS = "Health"

[recipients.SIN]
name = "Stop It Now!"
costs = "67600.00"

[[commitments]]
id = "eu"
kind = "cofinanced"
recipient = "SIN"
funders = "EU"
first_year = 2015
last_year = 2016
rate = "80%"
max = "100000.00"
{extra}

[[commitments]]
id = "top-up"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2016
cap = "67600.00"
priority = 1
"""


def text(extra: str = "") -> str:
    return SCENARIO.replace("{extra}", extra)


def cash(s) -> dict[tuple[str, str, int], int]:
    rows = project(s, pending="expected")
    rows = rows[rows.basis == "cash"]
    return {(r.commitment, r.funder, int(r.year)): int(r.amount_cents) for r in rows.itertuples()}


def test_the_worked_example(load):
    """min(0.8 x 135,200.00, 100,000.00) = 100,000.00, 50,000.00 a year; with the top-up
    after it VenJ and VWS pay 8,800.00 each a year."""
    loaded, problems = load(text())
    assert problems == []
    found = cash(loaded)
    for year in (2015, 2016):
        assert found[("eu", "EU", year)] == 5_000_000
        assert found[("top-up", "VenJ", year)] == 880_000
        assert found[("top-up", "VWS", year)] == 880_000


def test_the_three_views_with_the_co_financing_pending(load):
    """p = 1/2: --pending none gives the top-up 67,600.00 a year, all 17,600.00, expected
    42,600.00."""
    loaded, problems = load(text('status = "pending"\np = "1/2"'))
    assert problems == []
    for mode, top_up in (("none", 6_760_000), ("all", 1_760_000), ("expected", 4_260_000)):
        found = cash(with_pending(loaded, mode))
        for year in (2015, 2016):
            paid = found[("top-up", "VenJ", year)] + found[("top-up", "VWS", year)]
            assert paid == top_up, (mode, year)


def test_eligible_by_year_spreads_by_largest_remainder(load):
    body = text('eligible = { 2015 = "100.00", 2016 = "200.01" }').replace(
        'rate = "80%"', 'rate = "1/3"'
    )
    loaded, problems = load(body)
    assert problems == []
    found = cash(loaded)
    # 1/3 x 300.01 = 100.0033.. -> 100.00; 100.00 x 10000/30001 = 33.332.., x 20001/30001
    # = 66.667..: rounded down 33.33 and 66.66, the cent left to 2016 (remainder larger)
    assert (found[("eu", "EU", 2015)], found[("eu", "EU", 2016)]) == (3_333, 6_667)


def test_max_per_year_caps_each_year(load):
    loaded, problems = load(text('max_per_year = "40000.00"'))
    assert problems == []
    found = cash(loaded)
    assert found[("eu", "EU", 2015)] == 4_000_000
    # the top-up makes up the rest: 67,600.00 - 40,000.00 = 27,600.00, half each
    assert found[("top-up", "VenJ", 2015)] == 1_380_000


def one_problem(load, body: str) -> str:
    loaded, problems = load(body)
    assert loaded is None
    assert len(problems) == 1, problems
    assert "(hint: " in problems[0]
    return problems[0]


def test_a_rate_above_100_percent_is_refused(load):
    line = one_problem(load, text().replace('"80%"', '"120%"'))
    assert "commitment 'eu', field 'rate': '120%' is above 100%" in line


def test_without_eligible_costs_it_is_refused(load):
    body = text().replace('costs = "67600.00"\n', "").replace("priority = 1", 'shortfall = "0"')
    line = one_problem(load, body)
    assert "commitment 'eu', field 'eligible': is missing, and recipient 'SIN' has no costs" in (
        line
    )


def test_run_exit_1_on_bad_input(scenario_file):
    result = invoke("run", scenario_file(text().replace('"80%"', '"lots"')))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "field 'rate'" in result.stderr


def test_explain_and_the_calculation_sheet(load, scenario_file, tmp_path):
    from tests.render.workbook.test_calculation_sheet import check_workbook, written

    result = invoke("explain", scenario_file(text()), "eu")
    assert result.exit_code == 0, result.output
    assert "min(108,160.00, 100,000.00) = 100,000.00" in result.stdout
    for extra in ("", 'max_per_year = "40000.00"', 'status = "pending"\np = "1/3"'):
        loaded, problems = load(text(extra))
        assert problems == []
        rows, path = written(loaded, tmp_path, "cofinanced")
        assert check_workbook(loaded, rows, path) > 0


def test_a_register_row_and_an_extends_patch(tmp_path, load):
    (tmp_path / "r.csv").write_text(
        "id,kind,recipient,funders,first_year,last_year,rate,max\n"
        "r1,cofinanced,SIN,EU,2015,2016,50%,1000.00\n",
        encoding="utf-8",
    )
    body = text().replace('name = "sin-eu"\n', 'name = "sin-eu"\nregister = "r.csv"\n')
    (tmp_path / "base.toml").write_text(body, encoding="utf-8")
    loaded, problems = load(
        '[scenario]\nextends = "base.toml"\n\n[[commitments]]\nid = "eu"\nrate = "50%"\n'
    )
    assert problems == []
    found = cash(loaded)
    assert found[("r1", "EU", 2015)] == 50_000  # 1,000.00 over two equal years
    # 0.5 x 135,200.00 = 67,600.00, below the max: 33,800.00 a year
    assert found[("eu", "EU", 2015)] == 3_380_000


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=6))
def test_the_engine_agrees_with_the_scalar_reference(s):
    rows = project(s, pending="expected")
    got = {
        (r.commitment, r.funder, r.basis, int(r.year)): int(r.amount_cents)
        for r in rows.itertuples()
    }
    assert got == reference_project(s)
