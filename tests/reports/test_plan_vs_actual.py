"""Plan against actual: bookings read from files, variances and forecasts worked out by hand.

The letter's plan (PRODUCT.md): MKI 100,000.00 a year 2014-2017 (VenJ); the SIN top-up
33,800.00 a year 2015-2017 for each of VenJ and VWS; the BZ grant committed in full
(2,000,000.00) in 2014 and paid 1,206,140.35 in 2014 and 793,859.65 in 2015.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

import budget
from budget.core.periods import FiscalCalendar
from budget.engine.realised import year_status
from budget.load import load_scenario
from tests.helpers import SCENARIOS, invoke, without_pending_note

REALISED = SCENARIOS / "letter-2014-realised.toml"
COLUMNS = (
    "scenario,commitment,recipient,funder,basis,year,year_label,status,currency,planned,"
    "planned_cents,actual,"
    "actual_cents,variance,variance_cents,forecast,forecast_cents"
)


def table(text: str) -> dict[tuple[str, str, str, int], tuple[str, str, str, str, str]]:
    """Expected rows written as a table: commitment funder basis year status planned
    actual variance forecast."""
    out = {}
    for line in text.strip().splitlines():
        c, f, b, y, status, *amounts = line.split()
        out[(c, f, b, int(y))] = (status, *amounts)
    return out


def rows_of(result) -> dict[tuple[str, str, str, int], tuple[str, str, str, str, str]]:
    assert result.exit_code == 0, result.output
    return {
        (r["commitment"], r["funder"], r["basis"], r["year"]): (
            r["status"],
            r["planned"],
            r["actual"],
            r["variance"],
            r["forecast"],
        )
        for r in json.loads(result.stdout)
    }


# The example's bookings (scenarios/letter-2014-actuals.csv), complete up to the latest
# booking, 2015-09-01: 2014 is closed, 2015 current, 2016 and 2017 future.
#   MKI cash 2014: 50,000.00 + 45,000.00 = 95,000.00 against 100,000.00 -> -5,000.00;
#     closed, so the forecast is the actual 95,000.00.
#   MKI cash 2015: 60,000.00 - 2,500.00 (refund) = 57,500.00 -> -42,500.00; current, so
#     annual lapses: 57,500.00 + max(0, 100,000.00 - 60,000.00 paid) = 97,500.00 (the
#     refund lowers its year).
#   BZ cash 2014: 1,000,000.00 against 1,206,140.35 -> -206,140.35; closed: 1,000,000.00.
#   BZ cash 2015: 206,140.35 (the late rest of 2014) + 500,000.00 = 706,140.35 against
#     793,859.65 -> -87,719.30; a grant slips: owed = 2,000,000.00 - 1,706,140.35 =
#     293,859.65, so 2015 forecasts 706,140.35 + 293,859.65 = 1,000,000.00.
#   SIN: VenJ paid its 33,800.00 in 2015; VWS nothing yet (-33,800.00, forecast the plan).
#   The expert meeting: 12,500.00 ordered and paid without a commitment -> (unplanned).
# commitment  funder basis    year status     planned     actual   variance   forecast
LETTER_BY_HAND = table("""
sin-top-up    VenJ  commitment 2015 current   33800.00   33800.00       0.00   33800.00
sin-top-up    VenJ  commitment 2016 future    33800.00       0.00  -33800.00   33800.00
sin-top-up    VenJ  commitment 2017 future    33800.00       0.00  -33800.00   33800.00
sin-top-up    VenJ  cash       2015 current   33800.00   33800.00       0.00   33800.00
sin-top-up    VenJ  cash       2016 future    33800.00       0.00  -33800.00   33800.00
sin-top-up    VenJ  cash       2017 future    33800.00       0.00  -33800.00   33800.00
sin-top-up    VWS   commitment 2015 current   33800.00   33800.00       0.00   33800.00
sin-top-up    VWS   commitment 2016 future    33800.00       0.00  -33800.00   33800.00
sin-top-up    VWS   commitment 2017 future    33800.00       0.00  -33800.00   33800.00
sin-top-up    VWS   cash       2015 current   33800.00       0.00  -33800.00   33800.00
sin-top-up    VWS   cash       2016 future    33800.00       0.00  -33800.00   33800.00
sin-top-up    VWS   cash       2017 future    33800.00       0.00  -33800.00   33800.00
mki-support   VenJ  commitment 2014 closed   100000.00  100000.00       0.00  100000.00
mki-support   VenJ  commitment 2015 current  100000.00  100000.00       0.00  100000.00
mki-support   VenJ  commitment 2016 future   100000.00       0.00 -100000.00  100000.00
mki-support   VenJ  commitment 2017 future   100000.00       0.00 -100000.00  100000.00
mki-support   VenJ  cash       2014 closed   100000.00   95000.00   -5000.00   95000.00
mki-support   VenJ  cash       2015 current  100000.00   57500.00  -42500.00   97500.00
mki-support   VenJ  cash       2016 future   100000.00       0.00 -100000.00  100000.00
mki-support   VenJ  cash       2017 future   100000.00       0.00 -100000.00  100000.00
bz-tdh-ecpat  BZ    commitment 2014 closed  2000000.00 2000000.00       0.00 2000000.00
bz-tdh-ecpat  BZ    commitment 2015 current       0.00       0.00       0.00       0.00
bz-tdh-ecpat  BZ    cash       2014 closed  1206140.35 1000000.00 -206140.35 1000000.00
bz-tdh-ecpat  BZ    cash       2015 current  793859.65  706140.35  -87719.30 1000000.00
(unplanned)   VenJ  commitment 2015 current       0.00   12500.00   12500.00   12500.00
(unplanned)   VenJ  cash       2015 current       0.00   12500.00   12500.00   12500.00
""")


def test_the_letter_against_its_actuals_by_hand():
    assert rows_of(invoke("actuals", str(REALISED), "--format", "json")) == LETTER_BY_HAND


def test_csv_columns_and_the_actual_total_is_the_files_total():
    result = invoke("actuals", str(REALISED), "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == COLUMNS
    table = list(csv.DictReader(lines))
    # The file's amounts, added by hand: 100,000 + 50,000 + 2,000,000 + 1,000,000 + 45,000
    # + 100,000 + 206,140.35 + 60,000 + 33,800 + 33,800 - 2,500 + 33,800 + 500,000
    # + 12,500 + 12,500 = 4,185,040.35.
    assert sum(int(r["actual_cents"]) for r in table) == 418_504_035
    assert all(r["recipient"] == "" for r in table if r["commitment"] == "(unplanned)")


def test_the_table_shows_variances_and_the_forecast_totals():
    result = invoke("actuals", str(REALISED))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Actuals complete up to 2015-09-01: closed 2014; current 2015; future 2016-2017." in out
    assert "variance     -5,000.00    -42,500.00" in out
    # per funder a subtotal with the forecast, and a grand total (worked below)
    assert "        VenJ total    planned     100,000.00    133,800.00" in out
    assert (
        "Total                 planned   1,306,140.35    961,459.65   167,600.00   167,600.00"
        "  2,602,800.00\n" in out
    )
    assert (
        "                      forecast  1,095,000.00  1,177,600.00   167,600.00   167,600.00"
        "  2,607,800.00\n" in out
    )
    # Cash forecast: VenJ 95,000.00 in 2014; BZ 1,000,000.00 + 1,000,000.00 (the grant's
    # unpaid 2014 rest slips into 2015); in all 2014: 95,000 + 1,000,000 = 1,095,000.00;
    # 2015: 33,800 + 97,500 (MKI: 57,500 + 40,000 still to pay) + 12,500 + 33,800
    # + 1,000,000 = 1,177,600.00; 2016 and 2017: 167,600.00 each; 2,607,800.00 in all.
    assert "Total  " in out
    assert "1,095,000.00  1,177,600.00  167,600.00  167,600.00  2,607,800.00" in out
    assert "2 bookings have no commitment of this scenario" in out


def test_as_of_on_the_last_day_of_a_year_leaves_no_current_year():
    result = invoke("actuals", str(REALISED), "--as-of", "2014-12-31", "--format", "json")
    rows = rows_of(result)
    assert {s for s, *_ in rows.values()} == {"closed", "future"}
    # 2015 is future now, and the first open year: the grant's unpaid 2014 rest
    # (1,206,140.35 - 1,000,000.00 = 206,140.35) slips into it, on top of its plan of
    # 793,859.65: 1,000,000.00; bookings after as_of do not count.
    assert rows[("bz-tdh-ecpat", "BZ", "cash", 2015)][4] == "1000000.00"
    assert rows[("(unplanned)", "VenJ", "cash", 2015)] == (
        "future",
        "0.00",
        "12500.00",
        "12500.00",
        "0.00",
    )


def test_year_status_by_hand_for_april_years():
    april = FiscalCalendar(4, 1)
    years = np.array([2015, 2016, 2017])
    # FY2015 = 2014-04-01..2015-03-31, FY2016 = 2015-04-01..2016-03-31.
    assert year_status(april, years, dt.date(2015, 3, 30)).tolist() == [1, 2, 2]
    assert year_status(april, years, dt.date(2015, 3, 31)).tolist() == [0, 2, 2]
    assert year_status(april, years, dt.date(2015, 4, 1)).tolist() == [0, 1, 2]
    assert year_status(april, years, None).tolist() == [2, 2, 2]


APRIL = """[scenario]
name = "April"
fiscal_year_start = "04-01"
{extra}
[funders.HMT]
name = "Treasury"
[funders.DfE]
name = "Education"
[recipients.R]
name = "R"
[[commitments]]
id = "grant-a"
kind = "annual"
recipient = "R"
funders = {{ HMT = "1" }}
first_year = 2015
last_year = 2017
amount = "1200.00"
"""


def write_april(folder: Path, extra: str = "") -> Path:
    path = folder / "april.toml"
    path.write_text(APRIL.format(extra=extra), encoding="utf-8")
    return path


def test_april_fiscal_years_by_hand(tmp_path):
    scenario = write_april(tmp_path)
    bookings = tmp_path / "hmt.csv"
    # Semicolons and a byte-order mark, as Excel saves CSV in many European locales.
    bookings.write_text(
        "\ufeffdate;commitment;funder;amount;reference\n"
        "2015-03-31;grant-a;HMT;1000.00;last day of FY2015\n"
        "2015-04-01;grant-a;HMT;700.00;first day of FY2016\n"
        "2015-06-30;grant-a;HMT;-50.00;refund\n",
        encoding="utf-8",
    )
    result = invoke(
        "actuals", str(scenario), "--actuals", str(bookings), "--as-of", "2015-06-30",
        "--format", "json",
    )  # fmt: skip
    # FY2015 ended on 2015-03-31: closed, forecast = actual 1,000.00 (variance -200.00).
    # FY2016 holds 2015-06-30: current; actual 700.00 - 50.00 = 650.00, variance -550.00,
    # an annual commitment lapses: 650.00 + max(0, 1,200.00 - 700.00 paid) = 1,150.00
    # (the refund lowers its year). FY2017: future, the plan.
    # Nothing was booked on the commitment basis: an annual commitment is committed when
    # paid, so its obligations equal the cash forecast (1,000.00, 1,150.00, 1,200.00).
    assert rows_of(result) == table(
        """
        grant-a  HMT  commitment 2015 closed   1200.00     0.00 -1200.00  1000.00
        grant-a  HMT  commitment 2016 current  1200.00     0.00 -1200.00  1150.00
        grant-a  HMT  commitment 2017 future   1200.00     0.00 -1200.00  1200.00
        grant-a  HMT  cash       2015 closed   1200.00  1000.00  -200.00  1000.00
        grant-a  HMT  cash       2016 current  1200.00   650.00  -550.00  1150.00
        grant-a  HMT  cash       2017 future   1200.00     0.00 -1200.00  1200.00
        """
    )


def test_year_only_files_are_complete_to_the_end_of_the_latest_year(tmp_path):
    scenario = write_april(tmp_path)
    bookings = tmp_path / "years.csv"
    bookings.write_text(
        "year,commitment,funder,basis,amount\n"
        "2015,grant-a,HMT,cash,1200\n"
        "2016,grant-a,HMT,cash,1300.50\n"
        "2016,grant-a,DfE,cash,10\n",
        encoding="utf-8",
    )
    rows = rows_of(invoke("actuals", str(scenario), "--actuals", str(bookings), "--format", "json"))
    # The latest year named is FY2016, which ends on 2016-03-31: FY2015 and FY2016 are
    # closed (forecast = actual, even above the plan), FY2017 is future.
    assert rows[("grant-a", "HMT", "cash", 2016)] == (
        "closed",
        "1200.00",
        "1300.50",
        "100.50",
        "1300.50",
    )
    assert rows[("grant-a", "HMT", "cash", 2017)][0] == "future"
    # DfE does not fund grant-a: the booking gets a row of its own, planned 0.00.
    assert rows[("grant-a", "DfE", "cash", 2016)] == ("closed", "0.00", "10.00", "10.00", "10.00")


def test_scenario_actuals_are_relative_to_their_file_and_inherited(tmp_path):
    (tmp_path / "data").mkdir()
    base = write_april(tmp_path / "data", 'actuals = ["hmt.csv"]\nas_of = 2015-06-30')
    (tmp_path / "data" / "hmt.csv").write_text(
        "date,commitment,funder,amount\n2015-04-01,grant-a,HMT,700.00\n", encoding="utf-8"
    )
    child = tmp_path / "child.toml"
    child.write_text('[scenario]\nextends = "data/april.toml"\nname = "child"\n', encoding="utf-8")
    scenario = load_scenario(child)
    assert scenario.actuals == (str(Path(str(tmp_path / "data")) / "hmt.csv"),)
    assert scenario.as_of == dt.date(2015, 6, 30)
    frame = budget.plan_vs_actual(scenario)
    assert frame.attrs["as_of"] == "2015-06-30"
    assert int(frame["actual_cents"].sum()) == 70_000
    assert base.exists()


def test_the_actuals_option_replaces_the_scenarios_list(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text(
        "year,commitment,funder,amount\n2014,mki-support,VenJ,1.00\n", encoding="utf-8"
    )
    rows = rows_of(invoke("actuals", str(REALISED), "--actuals", str(other), "--format", "json"))
    assert {v[2] for v in rows.values()} == {"0.00", "1.00"}
    assert rows[("mki-support", "VenJ", "cash", 2014)] == (
        "closed",
        "100000.00",
        "1.00",
        "-99999.00",
        "1.00",
    )


def test_without_actuals_it_is_a_usage_error():
    result = invoke("actuals", str(SCENARIOS / "letter-2014.toml"))
    assert result.exit_code == 2
    assert "names no actuals" in result.output


def test_an_unknown_id_is_kept_with_one_warning_naming_file_rows_and_the_closest_id(tmp_path):
    bookings = tmp_path / "typo.csv"
    bookings.write_text(
        "date,commitment,funder,amount\n"
        "2014-02-01,mki-suport,VenJ,10.00\n"
        "2014-03-01,mki-support,VenJ,20.00\n"
        "\n"
        "2014-04-01,mki-suport,VenJ,30.00\n"
        "2014-05-01,,VenJ,40.00\n",
        encoding="utf-8",
    )
    result = invoke("actuals", str(REALISED), "--actuals", str(bookings), "--format", "json")
    rows = rows_of(result)
    # Rows 2 and 5 (the blank row 4 is skipped but keeps its number) and the empty id.
    assert without_pending_note(result.stderr).splitlines() == [
        f"warning: {bookings}: rows 2, 5, column 'commitment': 'mki-suport' is not a "
        "commitment of this scenario; kept as (unplanned) (did you mean 'mki-support'?)",
        # said once: no obligations are booked, so they come from the plan or the cash
        "note: the actuals hold no commitment-basis bookings for some commitments; their "
        "obligations are taken from the plan for bz-tdh-ecpat; equal to the cash forecast "
        "(committed when paid) for sin-top-up, mki-support",
    ]
    assert rows[("(unplanned)", "VenJ", "cash", 2014)][2] == "80.00"  # 10 + 30 + 40
    assert rows[("mki-support", "VenJ", "cash", 2014)][2] == "20.00"


def test_xlsx_actuals_with_date_and_number_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Commitment", "Funder", "Amount", "Description"])
    sheet.append([dt.date(2014, 6, 30), "mki-support", "VenJ", 100.1, "=not a formula"])
    sheet.append([dt.datetime(2015, 1, 2), "mki-support", "VenJ", -20, "refund"])
    path = tmp_path / "actuals.xlsx"
    book.save(path)
    scenario = load_scenario(REALISED)
    frame = budget.actuals_frame(scenario, [str(path)])
    assert frame["amount_cents"].tolist() == [10_010, -2_000]
    assert str(frame["date"].dtype) == "datetime64[s]"
    assert frame["date"].dt.date.tolist() == [dt.date(2014, 6, 30), dt.date(2015, 1, 2)]
    assert frame["year"].tolist() == [2014, 2015]
    assert frame["row"].tolist() == [2, 3]


def test_the_bookings_frame_for_exports():
    frame = budget.actuals_frame(load_scenario(REALISED))
    assert list(frame.columns[:7]) == [
        "commitment", "funder", "basis", "date", "year", "amount_cents", "reference",
    ]  # fmt: skip
    assert str(frame["amount_cents"].dtype) == "int64"
    assert str(frame["year"].dtype) == "int64"
    assert str(frame["commitment"].dtype) == "category"
    assert str(frame["date"].dtype) == "datetime64[s]"
    assert frame.loc[0, "date"].date() == dt.date(2014, 1, 10)
    assert frame.loc[0, "reference"] == "VJ-2014-001"
    assert len(frame) == 15
    assert frame.attrs["scenario"] == "Letter 2014, realised"


def test_the_plan_vs_actual_frame_follows_the_conventions():
    frame = budget.plan_vs_actual(load_scenario(REALISED))
    for column in ("scenario", "commitment", "recipient", "funder", "basis", "status"):
        assert str(frame[column].dtype) == "category", column
    for column in ("year", "planned_cents", "actual_cents", "variance_cents", "forecast_cents"):
        assert str(frame[column].dtype) == "int64", column
    assert frame.attrs["as_of"] == "2015-09-01"
    assert frame.attrs["bookings"] == 15
    assert frame.attrs["unplanned_bookings"] == 2
    assert frame.attrs["total_cents"] == 418_504_035
    scenario = load_scenario(REALISED)
    forecast = budget.forecast_rows(scenario, frame)
    assert list(forecast.columns) == list(budget.project(scenario).columns)
    assert forecast["amount_cents"].tolist() == frame["forecast_cents"].tolist()
    unplanned = forecast[forecast["commitment"] == "(unplanned)"]
    assert set(unplanned["kind"]) == {"(unplanned)"}
    assert set(forecast.loc[forecast["commitment"] == "bz-tdh-ecpat", "kind"]) == {"grant"}


def test_run_uses_the_forecast_for_the_ledger_and_says_so():
    result = invoke("run", str(REALISED))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "commitments and cash and the budget ceilings use the forecast" in out
    # BZ: committed 2,000,000.00 in 2014, paid 1,000,000.00 (actual, closed); the unpaid
    # 206,140.35 of 2014 slips into 2015: 793,859.65 + 206,140.35 = 1,000,000.00 paid in
    # 2015 and nothing left open.
    assert "BZ      2015  1,000,000.00             -  1,000,000.00             -" in out
    # The overview itself stays the plan.
    assert "bz-tdh-ecpat  1,206,140.35  793,859.65" in out


def test_limits_and_check_use_the_forecast(tmp_path):
    # VenJ's cash forecast for 2015: SIN 33,800.00 + MKI 97,500.00 (57,500.00 booked, the
    # refund included, + 40,000.00 still to pay) + unplanned 12,500.00 = 143,800.00; the
    # plan is 133,800.00. A ceiling of 140,000.00 holds for the plan and is breached by
    # the forecast (by 3,800.00).
    path = tmp_path / "limited.toml"
    path.write_text(
        f'[scenario]\nextends = "{REALISED}"\n'
        '[[limits]]\nfunder = "VenJ"\nmax = "140000.00"\nfirst_year = 2015\nlast_year = 2015\n',
        encoding="utf-8",
    )
    result = invoke("run", str(path))
    assert result.exit_code == 0
    assert "VenJ, cash basis, 2015: 143,800.00 is above the ceiling 140,000.00 (by 3,800.00)" in (
        result.stderr
    )
    checked = invoke("check", str(path))
    assert checked.exit_code == 3
    assert "use the forecast" in checked.stdout
    assert "143,800.00" in checked.stdout


def test_validate_reads_the_actuals(tmp_path):
    base = write_april(tmp_path, 'actuals = "bad.csv"')
    (tmp_path / "bad.csv").write_text("date,commitment,funder,amount\n2015-04-01,grant-a,XX,1\n")
    result = invoke("validate", str(base))
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.csv'}: row 2, column 'funder': 'XX' is not a funder" in result.stderr


# One bad file per error kind: (content, row and column, message).
BAD = {
    "unknown-funder": (
        "date,commitment,funder,amount\n2014-01-01,mki-support,VenJ,1\n2014-01-01,mki-support,Venj,1\n",
        "row 3, column 'funder'",
        "'Venj' is not a funder (hint: did you mean 'VenJ'?",
    ),
    "bad-date": (
        "date,commitment,funder,amount\n2014-02-30,mki-support,VenJ,1\n",
        "row 2, column 'date'",
        "'2014-02-30' is not a date",
    ),
    "date-format": (
        "date,commitment,funder,amount\n30-01-2014,mki-support,VenJ,1\n",
        "row 2, column 'date'",
        "'30-01-2014' is not a date (hint: write dates as YYYY-MM-DD",
    ),
    "three-decimals": (
        "date,commitment,funder,amount\n2014-01-01,mki-support,VenJ,1.005\n",
        "row 2, column 'amount'",
        "'1.005' has more than two decimals",
    ),
    "text-amount": (
        "date;commitment;funder;amount\n2014-01-01;mki-support;VenJ;EUR 12\n",
        "row 2, column 'amount'",
        "'EUR 12' is not an amount",
    ),
    "thousands": (
        'date,commitment,funder,amount\n2014-01-01,mki-support,VenJ,"1,000.00"\n',
        "row 2, column 'amount'",
        "'1,000.00' has thousands separators",
    ),
    "empty-amount": (
        "date,commitment,funder,amount\n2014-01-01,mki-support,VenJ,\n",
        "row 2, column 'amount'",
        "is empty",
    ),
    "no-date": (
        "date,commitment,funder,amount\n,mki-support,VenJ,5\n",
        "row 2, column 'date'",
        "is empty",
    ),
    "bad-year": (
        "year,commitment,funder,amount\n14,mki-support,VenJ,5\n",
        "row 2, column 'year'",
        "'14' is not a fiscal year",
    ),
    "date-and-year-disagree": (
        "date,year,commitment,funder,amount\n2014-12-31,2015,mki-support,VenJ,5\n",
        "row 2, column 'year'",
        "is 2015, but the date 2014-12-31 is in fiscal year 2014",
    ),
    "bad-basis": (
        "date,commitment,funder,basis,amount\n2014-01-01,mki-support,VenJ,accrual,5\n",
        "row 2, column 'basis'",
        "'accrual' is not a basis",
    ),
    "unknown-column": (
        "date,commitment,funder,amount,vat\n2014-01-01,mki-support,VenJ,5,1\n",
        "row 1, column 'vat'",
        "'vat' is not a column of actuals (hint: columns are date, year, commitment, funder, "
        "basis, amount, reference, description)",
    ),
    "missing-column": (
        "date,commitment,amount\n2014-01-01,mki-support,5\n",
        "row 1",
        "has no column 'funder'",
    ),
    "duplicate-column": (
        "date,commitment,funder,amount,Amount\n2014-01-01,mki-support,VenJ,5,6\n",
        "row 1, column 'amount'",
        "the column 'amount' appears twice",
    ),
    "unnamed-column": (
        "date,commitment,funder,amount,\n2014-01-01,mki-support,VenJ,5,oops\n",
        "row 2, column 'E'",
        "has a value in a column without a name",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_actuals(name, tmp_path):
    content, where, message = BAD[name]
    path = tmp_path / f"{name}.csv"
    path.write_text(content, encoding="utf-8")
    result = invoke("actuals", str(REALISED), "--actuals", str(path))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert lines, "no message"
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    assert any(line.startswith(f"{path}: {where}: {message}") for line in lines), lines
    assert "Traceback" not in result.output


def test_every_bad_row_is_named_up_to_a_limit_then_counted(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(
        "date,commitment,funder,amount\n" + "2014-01-01,mki-support,VenJ,x\n" * 25,
        encoding="utf-8",
    )
    result = invoke("actuals", str(REALISED), "--actuals", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 21
    assert lines[0].startswith(f"{path}: row 2, column 'amount': 'x' is not an amount")
    assert lines[19].startswith(f"{path}: row 21, column 'amount'")
    assert lines[20] == (
        f"{path}: column 'amount': 5 more rows have the same kind of problem (up to row 26)"
    )


def test_missing_and_unreadable_files(tmp_path):
    result = invoke("actuals", str(REALISED), "--actuals", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{tmp_path / 'nope.csv'}: no such file "
        "(hint: the path is relative to the scenario's folder)"
    )
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    result = invoke("actuals", str(REALISED), "--actuals", str(text))
    assert result.exit_code == 1
    assert "is not a table: .txt" in result.stderr
    result = invoke("actuals", str(REALISED), "--as-of", "2015-13-01")
    assert result.exit_code == 2


def test_a_file_named_twice_would_count_twice_and_is_refused():
    csv_file = str(SCENARIOS / "letter-2014-actuals.csv")
    result = invoke("actuals", str(REALISED), "--actuals", csv_file, "--actuals", csv_file)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{csv_file}: is named twice (hint: name each actuals file once)"
    )


def test_bad_spreadsheets(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = invoke("actuals", str(REALISED), "--actuals", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken}: is not a readable XLSX workbook")

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["date", "commitment", "funder", "amount"])
    book.active.append([dt.datetime(2015, 1, 2, 10, 30), "mki-support", "VenJ", 1.005])
    timed = tmp_path / "timed.xlsx"
    book.save(timed)
    result = invoke("actuals", str(REALISED), "--actuals", str(timed))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{timed}: row 2, column 'date': '2015-01-02 10:30:00' is not a date "
        "(hint: write dates as YYYY-MM-DD, e.g. 2015-03-31)",
        f"{timed}: row 2, column 'amount': '1.005' has more than two decimals "
        "(hint: amounts are exact to the cent; round it yourself to two decimals)",
    ]


def test_bad_scenario_keys(tmp_path):
    path = write_april(tmp_path, 'actuals = 5\nas_of = "soon"')
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert any("[scenario] field 'actuals': must be a file name or a list" in x for x in lines)
    assert any("[scenario] field 'as_of': 'soon' is not a date" in x for x in lines)
