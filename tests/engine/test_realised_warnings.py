"""The warnings that protect the numbers (issue 18, item 6): one line each, naming the file,
the rows and the commitment; the bookings are kept and counted as booked."""

from __future__ import annotations

import datetime as dt

from budget.engine.realised import realise
from tests.engine.test_forecast_rules import forecast
from tests.helpers import load_text, write_file

SCENARIO = """
[scenario]
name = "Warnings"
first_year = 2025
last_year = 2027
actuals = "actuals.csv"
[funders.VWS]
[funders.BZ]
[recipients.R]
[[commitments]]
id = "subsidy"
kind = "annual"
recipient = "R"
funders = { VWS = "1" }
first_year = 2025
last_year = 2027
amount = "11444.44"
"""


def realised(tmp_path, bookings: str, as_of: dt.date | None = None):
    path = write_file(tmp_path, "date,year,commitment,funder,amount\n" + bookings, "actuals.csv")
    scenario, problems = load_text(tmp_path, SCENARIO)
    assert scenario is not None, problems
    frame, problems, warnings = realise(scenario, as_of=as_of)
    assert not problems
    return frame, warnings, path


def test_a_booking_by_a_funder_that_does_not_fund_the_commitment(tmp_path):
    frame, warnings, path = realised(
        tmp_path,
        "2025-03-01,,subsidy,VWS,11444.44\n2025-04-01,,subsidy,BZ,100.00\n"
        "2025-05-01,,subsidy,BZ,50.00\n",
        dt.date(2025, 12, 31),
    )
    assert [w for w in warnings if "is not funded by" in w] == [
        f"warning: {path}: rows 3, 4: commitment 'subsidy' is not funded by BZ (its funders: "
        "VWS); kept and counted under BZ"
    ]
    # kept: 150.00 under BZ, on the cash basis (and committed when paid)
    assert forecast(frame, "subsidy", "BZ") == {2025: 150_00}
    assert int(frame["actual_cents"].sum()) == 11_444_44 + 150_00


def test_bookings_before_the_first_or_after_the_last_fiscal_year(tmp_path):
    frame, warnings, path = realised(
        tmp_path,
        "2024-12-01,,subsidy,VWS,10.00\n,2028,subsidy,VWS,20.00\n,2029,subsidy,VWS,30.00\n"
        "2025-02-01,,subsidy,VWS,40.00\n",
    )
    assert [w for w in warnings if "fiscal year" in w] == [
        f"warning: {path}: row 2: commitment 'subsidy': booked in 2024, before its first "
        "fiscal year 2025; kept and counted in the year booked",
        f"warning: {path}: rows 3, 4: commitment 'subsidy': booked in 2028, 2029, after its "
        "last fiscal year 2027; kept and counted in the year booked",
    ]
    assert int(frame["actual_cents"].sum()) == 100_00


def test_a_closed_year_planned_and_not_booked_says_it_now_forecasts_zero(tmp_path):
    # A year-only file naming 2026 closes 2025 and 2026; 2025 has no booking at all.
    frame, warnings, path = realised(tmp_path, ",2026,subsidy,VWS,11444.44\n")
    assert forecast(frame, "subsidy", "VWS")[2025] == 0
    assert [w for w in warnings if "nothing booked" in w] == [
        f"warning: {path}: commitment 'subsidy', funder VWS, cash 2025: planned EUR "
        "11,444.44, nothing booked in this closed year, so it now forecasts 0.00 (hint: add "
        "the year's bookings, or give an earlier as_of if the files are not complete)"
    ]


def test_a_year_booked_to_zero_is_booked(tmp_path):
    # a payment and its full refund: booked, so no warning, and 2025 forecasts 0.00
    frame, warnings, _ = realised(
        tmp_path, ",2025,subsidy,VWS,100.00\n,2025,subsidy,VWS,-100.00\n,2026,subsidy,VWS,1.00\n"
    )
    assert forecast(frame, "subsidy", "VWS")[2025] == 0
    assert not [w for w in warnings if "nothing booked" in w]


def test_an_annual_commitment_paid_beyond_its_booked_obligation(tmp_path):
    path = write_file(
        tmp_path,
        "date,commitment,funder,basis,amount\n2025-01-10,subsidy,VWS,commitment,10000.00\n"
        "2025-06-01,subsidy,VWS,cash,10500.00\n",
        "actuals.csv",
    )
    scenario, problems = load_text(tmp_path, SCENARIO)
    assert scenario is not None, problems
    _, problems, warnings = realise(scenario, as_of=dt.date(2025, 12, 31))
    assert [w for w in warnings if "more than committed" in w] == [
        f"warning: {path}: row 3: commitment 'subsidy', funder VWS: paid EUR 500.00 more than "
        "committed by the end of 2025 (its outstanding obligation is -500.00; book the "
        "obligation with basis = commitment, or check the payments)"
    ]
