"""The commitment-cash ledger: roll-forward per funder and year, and cash committed earlier."""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from budget import project
from budget.cli import cli
from budget.load import load_scenario
from budget.render.ledger_text import share_text
from budget.reports.ledger import ledger
from budget.testing.strategies import scenarios
from tests.helpers import SCENARIOS, as_run


def single_funded(scenario):
    """The scenario with every commitment paid by its first funder alone."""
    first = scenario.funders and next(iter(scenario.funders))
    items = tuple(replace(c, funders=((c.funders[0][0] or first, Fraction(1)),)) for c in
                  scenario.commitments)  # fmt: skip
    return replace(scenario, commitments=items)


@settings(max_examples=60, deadline=None)
@given(scenarios(max_commitments=5))
def test_outstanding_rolls_forward_never_negative_and_ends_at_zero(scenario):
    scenario = single_funded(scenario)
    rows = project(scenario)
    entries = ledger(rows, list(scenario.funders))
    by_funder: dict[str, list] = {}
    for e in entries:
        by_funder.setdefault(e.funder, []).append(e)
    for funder, years in by_funder.items():
        assert years[0].opening == 0
        for before, after in itertools.pairwise(years):
            assert after.year == before.year + 1
            assert after.opening == before.closing
        for e in years:
            assert e.opening + e.entered - e.paid == e.closing
            assert e.closing >= 0, (funder, e)
            assert 0 <= e.paid_committed_earlier <= e.paid
            assert e.paid_committed_earlier <= e.opening
        assert years[-1].closing == 0, "everything committed is paid in the end"
        mine = rows[rows["funder"] == funder]
        assert sum(e.entered for e in years) == mine[mine.basis == "commitment"].amount_cents.sum()
        assert sum(e.paid for e in years) == mine[mine.basis == "cash"].amount_cents.sum()


@settings(max_examples=60, deadline=None)
@given(scenarios(max_commitments=5))
def test_over_all_funders_the_ledger_always_balances(scenario):
    rows = project(scenario)
    entries = ledger(rows, list(scenario.funders))
    years = sorted({e.year for e in entries})
    closing = [sum(e.closing for e in entries if e.year == y) for y in years]
    assert all(c >= 0 for c in closing)
    assert closing[-1] == 0


def test_a_funder_pays_exactly_its_share_of_a_grant(tmp_path):
    # Split year by year, cash of 50.00 + 50.00 would give B 16.67 + 16.67 = 33.34 against
    # a commitment of 33.33; the engine splits a grant's cash cumulatively so it does not.
    path = tmp_path / "s.toml"
    path.write_text(
        '[scenario]\nname = "Thirds"\n[funders.A]\n[funders.B]\n[funders.C]\n[recipients.R]\n'
        '[[commitments]]\nid = "g"\nkind = "grant"\nrecipient = "R"\n'
        'funders = { A = "1/3", B = "1/3", C = "1/3" }\ntotal = "100.00"\n'
        "start = 2014-01-01\nend = 2016-01-01\n"
        'allocation = { 2014 = "50.00", 2015 = "50.00" }\n',
        encoding="utf-8",
    )
    entries = ledger(project(load_scenario(path)), ["A", "B", "C"])
    assert [e.closing for e in entries if e.year == 2015] == [0, 0, 0]


def test_the_80_percent_advance_by_hand():
    scenario = load_scenario(SCENARIOS / "bz-advance-80.toml")
    entries = {(e.funder, e.year): e for e in ledger(project(scenario), list(scenario.funders))}
    # Committed: 2,000,000.00 in 2014. Paid: 80% = 1,600,000.00 in 2014; the period ends in
    # fiscal 2015, so the remaining 400,000.00 is paid in 2016 (settlement_lag 1).
    bz = [entries[("BZ", y)] for y in (2014, 2015, 2016)]
    assert [(e.opening, e.entered, e.paid, e.closing) for e in bz] == [
        (0, 200_000_000, 160_000_000, 40_000_000),
        (40_000_000, 0, 0, 40_000_000),
        (40_000_000, 0, 40_000_000, 0),
    ]
    assert [e.committed_share for e in bz] == [Fraction(0), None, Fraction(1)]


def test_share_of_cash_committed_in_earlier_years():
    scenario = load_scenario(SCENARIOS / "letter-2014.toml")
    entries = {(e.funder, e.year): e for e in ledger(project(scenario), list(scenario.funders))}
    # The BZ grant is committed in 2014 in full; its 2015 cash (793,859.65) settles that.
    assert entries[("BZ", 2015)].paid_committed_earlier == 79_385_965
    assert entries[("BZ", 2015)].committed_share == 1
    assert entries[("BZ", 2014)].committed_share == 0
    # Top-ups and annual payments are committed in the year they are paid.
    assert entries[("VenJ", 2016)].committed_share == 0


def test_a_mixed_year(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[scenario]\nname = "Mixed"\n[funders.A]\n[recipients.R]\n'
        '[[commitments]]\nid = "g"\nkind = "grant"\nrecipient = "R"\nfunders = "A"\n'
        'total = "300.00"\nstart = 2014-01-01\nend = 2016-01-01\n'
        'allocation = { 2014 = "100.00", 2015 = "200.00" }\n'
        '[[commitments]]\nid = "a"\nkind = "annual"\nrecipient = "R"\nfunders = "A"\n'
        'first_year = 2015\nlast_year = 2015\namount = "600.00"\n',
        encoding="utf-8",
    )
    (e2014, e2015) = ledger(project(load_scenario(path)), ["A"])
    assert (e2014.entered, e2014.paid, e2014.closing) == (30_000, 10_000, 20_000)
    # 2015: 800.00 paid, of which 200.00 settles the grant committed in 2014: 25%.
    assert (e2015.opening, e2015.entered, e2015.paid, e2015.closing) == (20_000, 60_000, 80_000, 0)
    assert e2015.committed_share == Fraction(1, 4)
    assert share_text(e2015.committed_share) == "25.0%"


@pytest.mark.parametrize(
    ("share", "text"),
    [(None, "-"), (Fraction(0), "0.0%"), (Fraction(1), "100.0%"), (Fraction(1, 3), "33.3%"),
     (Fraction(2, 3), "66.7%"), (Fraction(1, 2000), "0.1%"), (Fraction(1999, 2000), "100.0%")],
)  # fmt: skip
def test_share_text(share, text):
    assert share_text(share) == text


def test_run_table_shows_the_ledger():
    result = CliRunner().invoke(cli, ["run", str(SCENARIOS / "bz-advance-80.toml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("BZ pays an 80% advance, commitments and cash per funder (EUR)")
    table = lines[start + 1 :]
    bz = [line.split() for line in table if line.startswith("BZ ")]
    assert bz == [
        ["BZ", "2014", "-", "2,000,000.00", "1,600,000.00", "400,000.00", "0.0%"],
        ["BZ", "2015", "400,000.00", "-", "-", "400,000.00", "-"],
        ["BZ", "2016", "400,000.00", "-", "400,000.00", "-", "100.0%"],
    ]


@pytest.mark.slow
def test_ledger_sheet_recalculates_in_libreoffice(tmp_path):
    import openpyxl

    from budget.engine.limits import check_rows
    from budget.render.workbook.ledger_sheet import LIMITS_SHEET, SHEET
    from tests.workbook_helpers import libreoffice_convert, soffice

    soffice()
    path = tmp_path / "limited.toml"
    path.write_text(
        f'[scenario]\nextends = "{SCENARIOS / "bz-advance-80.toml"}"\n'
        '[[limits]]\nfunder = "VenJ"\nmax = "133799.99"\n'
        '[[limits]]\nfunder = "BZ"\nbasis = "commitment"\nmax = "2000000.00"\n',
        encoding="utf-8",
    )
    written = tmp_path / "run.xlsx"
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(written)])
    assert result.exit_code == 0, result.output
    (out,) = libreoffice_convert([written], tmp_path / "out", "xlsx", tmp_path / "profile")
    recalculated = openpyxl.load_workbook(out, data_only=True)
    ws = recalculated[SHEET]
    scenario = as_run(path)  # run counts no pending commitment by default
    rows = project(scenario)
    cents = lambda v: round(v * 100)  # noqa: E731
    sheet = list(ws.iter_rows(min_row=5, values_only=True))
    lines = [r for r in sheet if isinstance(r[1], int) and r[1] > 1900 and len(r) >= 8]
    ledger_lines = [r for r in lines if r[0] in scenario.funders and not isinstance(r[2], str)]
    entries = ledger(rows, list(scenario.funders))
    got = [
        (r[0], r[1], cents(r[2]), cents(r[3]), cents(r[4]), cents(r[5]), cents(r[6]))
        for r in ledger_lines[: len(entries)]
    ]
    assert got == [
        (e.funder, e.year, e.opening, e.entered, e.paid, e.closing, e.paid_committed_earlier)
        for e in entries
    ]
    shares = [r[7] for r in ledger_lines[: len(entries)]]
    for e, share in zip(entries, shares, strict=True):
        if e.paid:
            assert share == pytest.approx(float(e.committed_share))
        else:
            assert share == "-"  # no cash that year: the formula shows "-", never empty
    ceilings = recalculated[LIMITS_SHEET].iter_rows(min_row=5, values_only=True)
    limit_lines = [r for r in ceilings if r[1] in ("cash", "commitment")]
    checks = check_rows(scenario, rows)
    assert [(r[0], r[1], r[2], cents(r[5]), r[6]) for r in limit_lines] == [
        (c.limit.funder, c.limit.basis, c.year, c.headroom, "BREACHED" if c.breached else "ok")
        for c in checks
    ]


GRANT = """
[scenario]
name = "Grant"
{head}
[funders.A]
[recipients.R]
[[commitments]]
id = "g"
kind = "grant"
recipient = "R"
funders = "A"
total = "{total}"
start = {start}
end = {end}
{extra}
"""


def grant_flows(tmp_path, total="1000.00", start="2015-01-01", end="2017-01-01", extra="",
                head=""):  # fmt: skip
    path = tmp_path / "grant.toml"
    path.write_text(
        GRANT.format(total=total, start=start, end=end, extra=extra, head=head), encoding="utf-8"
    )
    rows = project(load_scenario(path))
    out: dict[str, dict[int, int]] = {"cash": {}, "commitment": {}}
    for basis, year, cents in rows[["basis", "year", "amount_cents"]].itertuples(index=False):
        if cents:
            out[basis][int(year)] = int(cents)
    return out


def test_advance_settlement_lag_and_committed_in(tmp_path):
    # The period ends in 2016; the rest is settled 2 years later, in 2018.
    flows = grant_flows(tmp_path, extra='advance = "0.25"\nsettlement_lag = 2\ncommitted_in = 2014')
    assert flows == {"commitment": {2014: 100_000}, "cash": {2015: 25_000, 2018: 75_000}}


def test_settlement_in_the_last_year(tmp_path):
    flows = grant_flows(tmp_path, end="2016-01-01", extra='advance = "0.5"\nsettlement_lag = 0')
    assert flows == {"commitment": {2015: 100_000}, "cash": {2015: 100_000}}


def test_advance_in_a_uk_fiscal_year(tmp_path):
    # Fiscal years start on 1 April and are named after the year they end in: the period
    # [2014-04-01, 2015-07-01) runs from fiscal 2015 into fiscal 2016.
    flows = grant_flows(
        tmp_path,
        total="2000000.00",
        start="2014-04-01",
        end="2015-07-01",
        extra='advance = "0.8"',
        head='fiscal_year_start = "04-01"',
    )
    assert flows == {
        "commitment": {2015: 200_000_000},
        "cash": {2015: 160_000_000, 2017: 40_000_000},
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("settlement_lag = 1", "field 'settlement_lag': is set without advance"),
        ('advance = "0.5"\ncommitted_in = 2016', "field 'committed_in': 2016 is after the first"),
        ('advance = "1.5"', "field 'advance'"),
        ('advance = 0.8', "field 'advance': 0.8 is not an exact share"),
    ],
)  # fmt: skip
def test_bad_grant_payment_fields(tmp_path, extra, message):
    path = tmp_path / "grant.toml"
    path.write_text(
        GRANT.format(total="1.00", start="2015-01-01", end="2016-01-01", extra=extra, head=""),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}: commitment 'g', {message}" in result.stderr, result.stderr
