"""A settled grant against its actuals (issue 18, items 4 and 5): with actuals, "paid" is
the forecast; what the forecast pays beyond the settled amount is recovered (receipts)."""

from __future__ import annotations

import datetime as dt

from budget.engine.realised import forecast_rows, realise
from budget.reports.ledger import ledger
from tests.engine.test_forecast_rules import forecast
from tests.helpers import SCENARIOS, invoke, load_text, settled_bz, write_file


def realised(tmp_path, bookings: str, as_of: dt.date, amount: str = "1500000.00"):
    write_file(tmp_path, "date,commitment,funder,basis,amount\n" + bookings, "actuals.csv")
    text = settled_bz('{ BZ = "1" }', f'settled = {{ year = 2016, amount = "{amount}" }}')
    text = text.replace('name = "BZ settled"', 'name = "BZ settled"\nactuals = "actuals.csv"')
    scenario, problems = load_text(tmp_path, text)
    assert scenario is not None, problems
    frame, problems, warnings = realise(scenario, as_of=as_of)
    assert not problems, problems
    return scenario, frame, warnings


def test_paid_beyond_the_settled_amount_is_forecast_as_a_recovery(tmp_path):
    # Paid 1,700,000.00 in 2014 (100,000.00 more than the advance); settled at 1,500,000.00
    # in 2016, the current year: the cash forecast stays at what was paid (owed is
    # 1,600,000.00 - 1,700,000.00 < 0), and 1,700,000.00 - 1,500,000.00 = 200,000.00 is
    # recovered in 2016.
    scenario, frame, warnings = realised(
        tmp_path, "2014-05-01,bz,BZ,cash,1700000.00\n", dt.date(2016, 3, 1)
    )
    assert forecast(frame, "bz", "BZ") == {2014: 1_700_000_00, 2015: 0, 2016: 0}
    assert forecast(frame, "bz", "BZ", "receipts") == {2016: 200_000_00}
    # the obligation is the plan's: the decision and its release
    assert forecast(frame, "bz", "BZ", "commitment") == {
        2014: 2_000_000_00,
        2015: 0,
        2016: -500_000_00,
    }
    closing = {y.year: (y.recovered, y.closing) for y in ledger(forecast_rows(scenario, frame))}
    assert closing[2014] == (0, 300_000_00)
    assert closing[2016] == (200_000_00, 0)
    assert not [w for w in warnings if "more than committed" in w]


def test_a_booked_recovery_counts_and_the_rest_is_still_forecast(tmp_path):
    # 150,000.00 received back in February 2016: the forecast recovers 200,000.00 in all.
    _, frame, _ = realised(
        tmp_path,
        "2014-05-01,bz,BZ,cash,1700000.00\n2016-02-01,bz,BZ,receipts,150000.00\n",
        dt.date(2016, 3, 1),
    )
    row = frame[(frame["basis"] == "receipts") & (frame["year"] == 2016)].iloc[0]
    assert (int(row.planned_cents), int(row.actual_cents), int(row.forecast_cents)) == (
        100_000_00,
        150_000_00,
        200_000_00,
    )


def test_settled_above_what_was_paid_pays_the_rest_in_the_settlement_year(tmp_path):
    # Settled at 1,900,000.00; 1,600,000.00 paid in 2014, as_of mid-2015: 2016 pays 300,000.00.
    _, frame, _ = realised(
        tmp_path, "2014-05-01,bz,BZ,cash,1600000.00\n", dt.date(2015, 6, 30), "1900000.00"
    )
    assert forecast(frame, "bz", "BZ") == {2014: 1_600_000_00, 2015: 0, 2016: 300_000_00}
    assert forecast(frame, "bz", "BZ", "receipts") == {2016: 0}


def test_receipts_on_a_commitment_that_can_have_none_are_refused(tmp_path):
    bookings = tmp_path / "refund.csv"
    bookings.write_text(
        "date,commitment,funder,basis,amount\n2015-03-01,mki-support,VenJ,receipts,100.00\n",
        encoding="utf-8",
    )
    result = invoke(
        "actuals", str(SCENARIOS / "letter-2014-realised.toml"), "--actuals", str(bookings)
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{bookings}: row 2, column 'basis': receipts on commitment 'mki-support' (annual), "
        "which can have none (hint: book a refund as a negative cash amount; receipts are "
        "what a settled grant recovers)"
    ]


def test_explain_works_the_recovery_rule_by_rule(tmp_path):
    from budget.engine.realised import actuals_frame
    from budget.reports.explain.forecast import forecast_steps

    scenario, frame, _ = realised(
        tmp_path,
        "2014-05-01,bz,BZ,cash,1700000.00\n2016-02-01,bz,BZ,receipts,150000.00\n",
        dt.date(2016, 3, 1),
    )
    steps = forecast_steps(scenario, frame, actuals_frame(scenario), "bz")
    (receipts,) = [s for s in steps if s.basis == "receipts"]
    assert receipts.working == (
        "150,000.00 + max(0, 1,700,000.00 - 1,500,000.00 - 150,000.00 received)"
    )
    assert receipts.forecast == 200_000_00


def test_a_booking_after_the_settlement_is_warned(tmp_path):
    _, _, warnings = realised(
        tmp_path,
        "2014-05-01,bz,BZ,cash,1600000.00\n2017-02-01,bz,BZ,cash,10.00\n",
        dt.date(2017, 3, 1),
    )
    assert [w for w in warnings if "fiscal year" in w] == [
        f"warning: {tmp_path / 'actuals.csv'}: row 3: commitment 'bz': booked in 2017, after "
        "its last fiscal year 2016 (its settlement); kept and counted in the year booked"
    ]
