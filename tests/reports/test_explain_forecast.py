"""`budget explain COMMITMENT --actuals`: each forecast figure, rule by rule, worked again
and checked against the engine's forecast to the cent."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from budget.engine.realised import actuals_frame, realise
from budget.reports.explain.forecast import forecast_steps
from budget.testing.strategies import scenarios
from tests.engine.test_realised import bookings_for, write
from tests.helpers import SCENARIOS, invoke


def test_the_bz_grant_slips_and_the_mki_subsidy_lapses_rule_by_rule():
    result = invoke("explain", str(SCENARIOS / "letter-2014-realised.toml"), "bz-tdh-ecpat")
    assert result.exit_code == 0, result.output
    assert (
        "  BZ, cash 2015 (current): current, unpaid plan slips: A + max(0, owed), owed = plan "
        "up to now - actual: 706,140.35 + max(0, 2,000,000.00 - 1,706,140.35) = 1,000,000.00"
    ) in result.stdout.splitlines()
    result = invoke(
        "explain", str(SCENARIOS / "letter-2014-realised.toml"), "mki-support", "--year", "2015"
    )
    assert result.exit_code == 0, result.output
    working = result.stdout.split("Forecast of mki-support")[1].splitlines()[1:]
    # MKI 2015: 60,000.00 paid, a refund of 2,500.00: 57,500.00 + (100,000 - 60,000).
    assert working == [
        "  VenJ, commitment 2015 (current): current: the larger of planned and booked: "
        "max(100,000.00, 100,000.00) = 100,000.00",
        "  VenJ, cash 2015 (current): current, unpaid plan lapses: A + max(0, P - payments): "
        "57,500.00 + max(0, 100,000.00 - 60,000.00) = 97,500.00",
    ]


def test_without_actuals_there_is_no_forecast_working():
    result = invoke("explain", str(SCENARIOS / "letter-2014.toml"), "bz-tdh-ecpat")
    assert result.exit_code == 0
    assert "Forecast of" not in result.stdout


@settings(max_examples=40, deadline=None)
@given(data=st.data(), scenario=scenarios(max_commitments=3))
def test_the_working_agrees_with_the_engine_for_generated_actuals(data, scenario):
    bookings = data.draw(bookings_for(scenario))
    as_of = data.draw(
        st.none()
        | st.dates(
            scenario.calendar.start_of(scenario.first_year - 1),
            scenario.calendar.start_of(scenario.last_year + 2),
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), bookings)
        frame, problems, _ = realise(scenario, [str(path)], as_of)
        assert frame is not None, problems
        booked = actuals_frame(scenario, [str(path)])
    for c in scenario.commitments:
        steps = forecast_steps(scenario, frame, booked, c.id)  # raises on a mismatch
        mine = frame[frame["commitment"] == c.id]
        assert len(steps) == len(mine)
        assert sum(s.forecast for s in steps) == int(mine["forecast_cents"].sum())


def test_the_json_has_the_forecast_working_and_it_is_the_engines():
    """`explain --format json` with actuals: after the explanation's rows, a
    "forecast_as_of" row and one "forecast" row per funder, basis and year, the same
    rules and workings as the text, each amount the engine's forecast."""
    import json

    from budget import load_scenario

    path = SCENARIOS / "letter-2014-realised.toml"
    result = invoke("explain", str(path), "bz-tdh-ecpat", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    (head,) = [r for r in rows if r["part"] == "forecast_as_of"]
    assert (head["unit"], head["value"]) == ("date", "2015-09-01")
    forecast = [r for r in rows if r["part"] == "forecast"]
    assert rows[-len(forecast) :] == forecast  # after everything else
    scenario = load_scenario(path)
    realised, problems, _ = realise(scenario, None, None)
    assert realised is not None, problems
    mine = realised[realised["commitment"] == "bz-tdh-ecpat"]
    engine = {
        (str(r.funder), str(r.basis), int(r.year)): (str(r.status), int(r.forecast_cents))
        for r in mine.itertuples(index=False)
    }
    assert {
        (r["funder"], r["basis"], r["year"]): (r["key"], r["amount_cents"]) for r in forecast
    } == engine
    assert len(forecast) == len(engine)
    # the worked BZ 2015 cash figure of the issue: 1,000,000.00, the rule as the text has it
    (cash_2015,) = [r for r in forecast if (r["basis"], r["year"]) == ("cash", 2015)]
    assert cash_2015["rule"] == (
        "current, unpaid plan slips: A + max(0, owed), owed = plan up to now - actual"
    )
    assert cash_2015["worked"] == "706,140.35 + max(0, 2,000,000.00 - 1,706,140.35)"
    assert (cash_2015["amount"], cash_2015["amount_cents"]) == ("1000000.00", 100_000_000)
    # every row has the explanation's columns, forecast rows too
    assert {tuple(r) for r in rows} == {tuple(rows[0])}
    text = invoke("explain", str(path), "bz-tdh-ecpat").stdout.split("Forecast of")[1]
    for r in forecast:
        assert f"{r['rule']}: {r['worked']} = " in text


def test_the_json_without_actuals_has_no_forecast_rows():
    import json

    path = str(SCENARIOS / "letter-2014.toml")
    result = invoke("explain", path, "bz-tdh-ecpat", "--format", "json")
    assert result.exit_code == 0, result.output
    assert not [r for r in json.loads(result.stdout) if r["part"].startswith("forecast")]
