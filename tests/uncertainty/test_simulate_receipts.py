"""Receipts in `budget simulate` (issue 18): a settled grant's recovery has bands per
member and per funder, in its settlement year, and a `basis = "receipts"` ceiling has its
chance of breach.

Grants have no uncertain inputs, so a decided grant's receipts are the central figure in
every draw; a pending one recovers in the draws in which it is decided, nothing in the
others. The scenario: 2,000,000.00 granted by BZ (1/3) and VWS (2/3), 80% advance
(1,600,000.00 in 2014), settled in 2016 at 1,500,000.00: BZ recovers 33,333.33 and VWS
66,666.67 (their advance parts 533,333.33 and 1,066,666.67 less their shares of the
settled amount, 500,000.00 and 1,000,000.00).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import project
from budget.reports.simulation import simulation_report
from budget.uncertainty.simulate import simulate
from tests.helpers import load_text, settled_bz

SETTLED = (
    settled_bz(  # placeholders for str.format, braces doubled
        '{{ BZ = "{bz}", VWS = "{vws}" }}',
        'settled = {{ year = 2016, amount = "{amount}" }}\n{pending}',
        total="{total}",
        advance="{advance}",
    )
    + """[[commitments]]
id = "subsidy"
kind = "annual"
recipient = "TdH"
funders = "BZ"
first_year = 2014
last_year = 2016
amount = {{ dist = "uniform", low = "1000.00", high = "2000.00" }}
[[limits]]
funder = "VWS"
basis = "receipts"
max = "50000.00"
[[limits]]
funder = "BZ"
basis = "receipts"
max = "50000.00"
"""
)


def settled(tmp_path, pending: str = "", **given: str):
    values = {"bz": "1/3", "vws": "2/3", "total": "2000000.00", "advance": "0.8"}
    values.update({"amount": "1500000.00", "pending": pending, **given})
    scenario, problems = load_text(tmp_path, SETTLED.format(**values))
    assert scenario is not None, problems
    return scenario


def receipts_of(frame):
    rows = frame[frame["basis"] == "receipts"]
    return {
        (r.funder, int(r.year)): (r.mean_cents, r.p5_cents, r.p50_cents, r.p95_cents)
        for r in rows.itertuples(index=False)
    }


def test_a_decided_settlement_recovers_its_central_figure_in_every_draw(tmp_path):
    sim = simulate(settled(tmp_path), 500, seed=3, workers=1)
    every = lambda cents: (cents, cents, cents, cents)  # noqa: E731
    expected = {("BZ", 2016): every(33_333_33), ("VWS", 2016): every(66_666_67)}
    assert receipts_of(sim.commitment_bands) == expected
    assert receipts_of(sim.funder_bands) == expected
    limits = sim.limit_chances.set_index(["funder", "basis", "year"])["p_limit_breached"]
    assert limits[("VWS", "receipts", 2016)] == 1.0  # 66,666.67 above 50,000.00
    assert limits[("BZ", "receipts", 2016)] == 0.0
    report = simulation_report(sim)
    assert [s.basis for s in report.funder_totals] == ["cash", "commitment", "receipts"]
    # the annual subsidy varies, the grant does not: no receipts band of any other
    assert set(sim.commitment_bands.loc[sim.commitment_bands["basis"] == "receipts",
               "commitment"]) == {"bz"}  # fmt: skip


def test_without_a_settlement_there_is_no_receipts_band(tmp_path):
    values = {"bz": "1/3", "vws": "2/3", "total": "2000000.00", "advance": "0.8"}
    text = SETTLED.format(amount="1500000.00", pending="", **values)
    text = text.replace('settled = { year = 2016, amount = "1500000.00" }', "")
    scenario, problems = load_text(tmp_path, text)
    assert scenario is not None, problems
    sim = simulate(scenario, 50, seed=1, workers=1)
    assert receipts_of(sim.commitment_bands) == receipts_of(sim.funder_bands) == {}
    assert [s.basis for s in simulation_report(sim).funder_totals] == ["cash", "commitment"]
    # a receipts ceiling without receipts: nothing received, never breached
    limits = sim.limit_chances[sim.limit_chances["basis"] == "receipts"]
    assert (limits["p95_cents"] == 0).all() and (limits["p_limit_breached"] == 0).all()


def test_a_pending_settlement_recovers_only_in_the_draws_it_is_decided(tmp_path):
    sim = simulate(
        settled(tmp_path, pending='status = "pending"\np = "1/2"'), 400, seed=7, workers=1
    )
    vws = list(sim.funders).index("VWS")
    column = list(sim.years).index(2014)
    paid = sim.totals["cash"][:, vws, column]  # VWS's advance part in each draw
    received = sim.totals["receipts"][:, vws, list(sim.years).index(2016)]
    assert set(paid.tolist()) == {0, 1_066_666_67}
    # the scalar reference, draw by draw: decided (paid) draws recover 66,666.67
    assert received.tolist() == [66_666_67 if p else 0 for p in paid.tolist()]
    decided = int(np.count_nonzero(paid))
    mean = Fraction(decided * 66_666_67, len(paid))
    bands = receipts_of(sim.funder_bands)[("VWS", 2016)]
    assert bands[1:] == (0, 66_666_67 if decided > 200 else 0, 66_666_67)
    assert abs(bands[0] - mean) <= Fraction(1, 2)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 10**9),
    st.sampled_from(["0.8", "0.5", "0.25", "1"]),
    st.fractions(0, 1),
    st.sampled_from([("1/3", "2/3"), ("1/2", "1/2"), ("0.7", "0.3")]),
)
def test_simulated_receipts_are_the_projections(total, advance, settled_share, shares):
    """Against the central projection's receipts rows (engine.projection), for generated
    totals, advances, settled amounts and shares: every band of every member."""
    import tempfile
    from pathlib import Path

    amount = int(total * settled_share)
    with tempfile.TemporaryDirectory() as folder:
        scenario = settled(
            Path(folder),
            total=f"{total // 100}.{total % 100:02d}",
            amount=f"{amount // 100}.{amount % 100:02d}",
            advance=advance,
            bz=shares[0],
            vws=shares[1],
        )
    rows = project(scenario)
    central = rows[rows["basis"] == "receipts"]
    expected = {
        (r.funder, int(r.year)): (r.amount_cents,) * 4 for r in central.itertuples(index=False)
    }
    sim = simulate(scenario, 20, seed=1, workers=1)
    assert receipts_of(sim.commitment_bands) == expected
    assert receipts_of(sim.funder_bands) == expected
