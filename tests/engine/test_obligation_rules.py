"""The commitment basis of the forecast (issue 18, item 3), on worked examples.

Where the files book obligations for a commitment and funder, they count; where they hold
none, a grant's obligation is its plan (its decision stands) and an annual or top-up
commitment's equals its cash forecast (committed when paid). The outstanding obligation
is then never negative unless a commitment was paid more than committed, which is warned.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from budget.engine.realised import forecast_rows, overpaid, realise
from budget.load import read_scenario
from budget.reports.ledger import ledger
from tests.engine.test_forecast_rules import ANNUAL, forecast
from tests.helpers import SCENARIOS, invoke, load_text, without_pending_note, write_file


def cash_only_letter(folder: Path) -> Path:
    """The bundled realised letter with its commitment-basis bookings left out, as a
    financial system that exports payments only would give it."""
    lines = (SCENARIOS / "letter-2014-actuals.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.split(",")[3] != "commitment"]
    assert len(kept) == len(lines) - 6  # the header stays; six obligations go
    (folder / "cash.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    scenario = folder / "cash.toml"
    scenario.write_text(
        f'[scenario]\nextends = "{(SCENARIOS / "letter-2014-realised.toml").as_posix()}"\n'
        'actuals = "cash.csv"\n',
        encoding="utf-8",
    )
    return scenario


def test_cash_only_actuals_leave_no_negative_outstanding_obligation(tmp_path):
    path = cash_only_letter(tmp_path)
    scenario, problems = read_scenario(path)
    assert scenario is not None, problems
    frame, problems, warnings = realise(scenario)
    assert not problems
    assert not [w for w in warnings if "more than committed" in w]
    # BZ's grant: its decision of 2,000,000.00 in 2014 stands, as planned.
    assert forecast(frame, "bz-tdh-ecpat", "BZ", "commitment") == {2014: 2_000_000_00, 2015: 0}
    # MKI (annual) is committed when paid: 95,000.00 in 2014, 97,500.00 in 2015 (as cash).
    mki = forecast(frame, "mki-support", "VenJ", "commitment")
    assert mki == forecast(frame, "mki-support", "VenJ")
    assert mki[2014] == 95_000_00 and mki[2015] == 97_500_00
    years = ledger(forecast_rows(scenario, frame))
    assert all(y.closing >= 0 for y in years)
    # BZ: 1,000,000.00 outstanding at the end of 2014, 0 from the end of 2015 on.
    bz = {y.year: y.closing for y in years if y.funder == "BZ"}
    assert bz == {2014: 1_000_000_00, 2015: 0, 2016: 0, 2017: 0}


def test_budget_run_says_once_which_obligations_come_from_the_plan(tmp_path):
    result = invoke("run", str(cash_only_letter(tmp_path)))
    assert result.exit_code == 0, result.output
    notes = [
        line
        for line in without_pending_note(result.stderr).splitlines()
        if line.startswith("note:")
    ]
    assert notes == [
        "note: the actuals hold no commitment-basis bookings for some commitments; their "
        "obligations are taken from the plan for bz-tdh-ecpat; equal to the cash forecast "
        "(committed when paid) for sin-top-up, mki-support"
    ]
    ledger_lines = result.stdout.split("commitments and cash per funder")[1].split("(opening")[0]
    closing = [line.split()[5] for line in ledger_lines.splitlines()[3:] if line.strip()]
    # a zero shows as "-"; a negative amount would start with one
    assert closing and not [c for c in closing if c.startswith("-") and c != "-"]


def test_the_bundled_example_books_every_obligation_and_says_nothing(tmp_path):
    result = invoke("run", str(SCENARIOS / "letter-2014-realised.toml"))
    assert result.exit_code == 0, result.output
    assert "note:" not in without_pending_note(
        result.stderr
    ) and "warning:" not in without_pending_note(result.stderr)


def test_a_grant_paid_beyond_its_total_is_warned_with_the_amount(tmp_path):
    # plan 1,000.00 in 2025; paid 1,250.00 by 2026: 250.00 more than the decision.
    text = ANNUAL.replace('kind = "annual"', 'kind = "grant"').replace(
        'first_year = 2025\nlast_year = 2027\namount = "11444.44"',
        'total = "1000.00"\nstart = 2025-01-01\nend = 2026-01-01',
    )
    write_file(
        tmp_path,
        "date,commitment,funder,amount\n2025-06-01,subsidy,VWS,600.00\n"
        "2026-02-01,subsidy,VWS,650.00\n",
        "actuals.csv",
    )
    scenario, problems = load_text(tmp_path, text.replace("{unpaid}", ""))
    assert scenario is not None, problems
    frame, problems, warnings = realise(scenario, as_of=dt.date(2026, 3, 1))
    assert not problems
    assert overpaid(frame) == [("subsidy", "VWS", 2026, 250_00)]
    assert [w for w in warnings if "more than committed" in w] == [
        f"warning: {tmp_path / 'actuals.csv'}: row 3: commitment 'subsidy', funder VWS: paid "
        "EUR 250.00 more than committed by the end of 2026 (its outstanding obligation is "
        "-250.00; book the obligation with basis = commitment, or check the payments)"
    ]


def test_booked_obligations_count_where_the_files_hold_them(tmp_path):
    # 2025: 11,444.44 committed, 10,000.00 paid; 2026 current, nothing booked this year
    # on either basis: the commitment basis takes max(plan, actual) = 11,444.44.
    write_file(
        tmp_path,
        "date,commitment,funder,basis,amount\n2025-01-10,subsidy,VWS,commitment,11444.44\n"
        "2025-06-01,subsidy,VWS,cash,10000.00\n",
        "actuals.csv",
    )
    scenario, problems = load_text(tmp_path, ANNUAL.replace("{unpaid}", ""))
    assert scenario is not None, problems
    frame, problems, warnings = realise(scenario, as_of=dt.date(2026, 2, 1))
    assert not problems and not warnings
    assert forecast(frame, "subsidy", "VWS", "commitment") == {
        2025: 11_444_44,
        2026: 11_444_44,
        2027: 11_444_44,
    }
    assert frame.attrs["obligations_from_plan"] == []
    assert frame.attrs["obligations_when_paid"] == []
