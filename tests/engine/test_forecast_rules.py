"""The cash forecast of issue 18 ("The life of a commitment") on its worked examples.

A grant's unpaid plan slips to the next open year (its obligation stands); an annual or
top-up commitment's unpaid plan lapses at the year's end, and a refund lowers its year.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from budget.engine.realised import realise
from budget.load import read_scenario
from tests.helpers import SCENARIOS, load_text, write_file

ANNUAL = """
[scenario]
name = "Refund"
first_year = 2025
last_year = 2027
actuals = "actuals.csv"
[funders.VWS]
[recipients.R]
[[commitments]]
id = "subsidy"
kind = "annual"
recipient = "R"
funders = { VWS = "1" }
first_year = 2025
last_year = 2027
amount = "11444.44"
{unpaid}
"""


def forecast(frame, commitment: str, funder: str, basis: str = "cash") -> dict[int, int]:
    rows = frame[
        (frame["commitment"] == commitment)
        & (frame["funder"] == funder)
        & (frame["basis"] == basis)
    ]
    return {int(r.year): int(r.forecast_cents) for r in rows.itertuples(index=False)}


def test_the_readme_bz_grant_slips_its_unpaid_2014_instalment_into_2015():
    # plan 1,206,140.35 (2014) and 793,859.65 (2015); paid 1,000,000.00 in 2014 and
    # 706,140.35 up to 1 September 2015: owed = 2,000,000.00 - 1,706,140.35 = 293,859.65,
    # so 2015 forecasts 706,140.35 + 293,859.65 = 1,000,000.00.
    scenario, problems = read_scenario(SCENARIOS / "letter-2014-realised.toml")
    assert scenario is not None, problems
    frame, problems, _ = realise(scenario)
    assert not problems
    bz = forecast(frame, "bz-tdh-ecpat", "BZ")
    assert bz[2015] == 1_000_000_00
    assert sum(bz.values()) == 2_000_000_00


def test_an_annual_refund_lowers_its_year(tmp_path: Path):
    # plan 11,444.44 for 2026; a refund of -1,111.11 in March and no payment yet:
    # -1,111.11 + max(0, 11,444.44 - 0) = 10,333.33.
    write_file(
        tmp_path,
        "date,commitment,funder,amount\n"
        "2025-05-01,subsidy,VWS,11444.44\n"
        "2026-03-10,subsidy,VWS,-1111.11\n",
        "actuals.csv",
    )
    scenario, problems = load_text(tmp_path, ANNUAL.replace("{unpaid}", ""))
    assert scenario is not None, problems
    frame, problems, _ = realise(scenario)
    assert not problems
    assert forecast(frame, "subsidy", "VWS") == {2025: 11_444_44, 2026: 10_333_33, 2027: 11_444_44}


@pytest.mark.parametrize(
    ("unpaid", "expected"),
    [
        # 2025 paid 10,000.00 of 11,444.44: the 1,444.44 lapses (annual's default) ...
        ("", {2025: 10_000_00, 2026: 11_444_44, 2027: 11_444_44}),
        ('unpaid = "lapses"', {2025: 10_000_00, 2026: 11_444_44, 2027: 11_444_44}),
        # ... or slips into 2026 when asked: 11,444.44 + 1,444.44 = 12,888.88.
        ('unpaid = "slips"', {2025: 10_000_00, 2026: 12_888_88, 2027: 11_444_44}),
    ],
)
def test_the_policy_decides_where_a_closed_year_unpaid_plan_goes(tmp_path, unpaid, expected):
    write_file(
        tmp_path, "date,commitment,funder,amount\n2025-06-01,subsidy,VWS,10000.00\n", "actuals.csv"
    )
    scenario, problems = load_text(tmp_path, ANNUAL.replace("{unpaid}", unpaid))
    assert scenario is not None, problems
    frame, problems, _ = realise(scenario, as_of=dt.date(2026, 2, 1))
    assert not problems
    assert forecast(frame, "subsidy", "VWS") == expected


def test_a_slipping_line_paid_ahead_lowers_the_later_years(tmp_path):
    # paid 30,000.00 by 2026 against a plan of 22,888.88 up to 2026: 7,111.12 ahead,
    # taken off 2027's 11,444.44: 4,333.32; the total is the larger of plan and paid.
    write_file(
        tmp_path, "date,commitment,funder,amount\n2025-06-01,subsidy,VWS,30000.00\n", "actuals.csv"
    )
    scenario, problems = load_text(tmp_path, ANNUAL.replace("{unpaid}", 'unpaid = "slips"'))
    assert scenario is not None, problems
    frame, problems, _ = realise(scenario, as_of=dt.date(2026, 2, 1))
    assert not problems
    assert forecast(frame, "subsidy", "VWS") == {2025: 30_000_00, 2026: 0, 2027: 4_333_32}


def test_a_grant_owed_after_its_last_year_slips_into_the_current_year(tmp_path):
    # plan 1,000.00 in 2025 only, 600.00 paid; as_of in 2026: the 400.00 still owed is
    # forecast in 2026, a year the plan does not have.
    text = ANNUAL.replace('kind = "annual"', 'kind = "grant"').replace(
        'first_year = 2025\nlast_year = 2027\namount = "11444.44"',
        'total = "1000.00"\nstart = 2025-01-01\nend = 2026-01-01',
    )
    write_file(
        tmp_path, "date,commitment,funder,amount\n2025-06-01,subsidy,VWS,600.00\n", "actuals.csv"
    )
    scenario, problems = load_text(tmp_path, text.replace("{unpaid}", ""))
    assert scenario is not None, problems
    frame, problems, _ = realise(scenario, as_of=dt.date(2026, 3, 1))
    assert not problems
    assert forecast(frame, "subsidy", "VWS") == {2025: 600_00, 2026: 400_00}


def test_unpaid_other_than_the_two_values_is_refused(tmp_path):
    scenario, problems = load_text(tmp_path, ANNUAL.replace("{unpaid}", 'unpaid = "rolls"'))
    assert scenario is None
    assert len(problems) == 1
    assert "commitments[0].unpaid" in problems[0] or "subsidy" in problems[0]
    assert "slips, lapses" in problems[0]


def test_unpaid_is_inherited_and_patched_like_any_field(tmp_path):
    write_file(tmp_path, "date,commitment,funder,amount\n", "actuals.csv")
    write_file(tmp_path, ANNUAL.replace("{unpaid}", 'unpaid = "slips"'), "base.toml")
    child = '[scenario]\nextends = "base.toml"\n'
    patched = child + '[[commitments]]\nid = "subsidy"\nunpaid = "lapses"\n'
    inherited, problems = load_text(tmp_path, child, "child.toml")
    assert inherited is not None, problems
    assert inherited.commitments[0].unpaid_policy == "slips"
    changed, problems = load_text(tmp_path, patched, "patched.toml")
    assert changed is not None, problems
    assert changed.commitments[0].unpaid_policy == "lapses"
