"""Monte Carlo: agreement with analytic values, exact bands, seeds, chunk independence."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.core.dists import draw
from budget.core.model import ByYear, Limit
from budget.core.money import allocate_rows, round_half_away
from budget.engine.compute import compute
from budget.engine.funder_split import split_funders
from budget.engine.limits import breach_mask
from budget.engine.plan import compile_plan
from budget.engine.projection import funder_totals
from budget.load import load_scenario
from budget.testing.strategies import scenarios
from budget.uncertainty.sampling import random_values
from budget.uncertainty.simulate import (
    BASES,  # the simulation's bases (receipts too)
    SIMULATED,  # the bases the engine computes per draw
    percentile_index,
    simulate,
)

HEADER = """
[scenario]
name = "Uncertain"
first_year = 2015
last_year = 2017

[funders.VenJ]
name = "Security and Justice"
[funders.VWS]
name = "Health"
[funders.BZ]
name = "Foreign Affairs"
"""

# Stop It Now!'s shortfall is anywhere from 0 to 100,000.00, topped up to at most 67,600.00.
UNIFORM_TOP_UP = (
    HEADER
    + """
[recipients.SIN]
name = "Stop It Now!"

[[commitments]]
id = "sin"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1" }
first_year = 2015
last_year = 2015
cap = "67600.00"
shortfall = { dist = "uniform", low = "0", high = "100000" }
"""
)

# An EU grant of 50,000.00 is awarded with probability 0.6.
CHOICE = (
    HEADER
    + """
[recipients.MKI]
name = "Meldpunt"

[[commitments]]
id = "eu"
kind = "annual"
recipient = "MKI"
funders = { VenJ = "1" }
first_year = 2015
last_year = 2015
amount = { dist = "choice", values = ["0", "50000"], p = ["0.4", "0.6"] }

[[limits]]
funder = "VenJ"
max = "40000"
"""
)

# Every kind, a waterfall with uncertain costs and income, splits over one, two and three
# funders, uncertain inputs given for every year and in tables by year.
MIXED = (
    HEADER
    + """
[recipients.SIN]
name = "Stop It Now!"
costs = { dist = "triangular", low = "40000", mode = "67600", high = "90000" }
[recipients.SIN.income]
2015 = { dist = "choice", values = ["0", "30000"], p = ["1/2", "1/2"] }
2016 = "0"
2017 = "5000"

[recipients.MKI]
name = "Meldpunt"

[recipients.TdH]
name = "Terre des Hommes"

[[commitments]]
id = "sin-first"
kind = "annual"
recipient = "SIN"
funders = { VWS = "1" }
first_year = 2015
last_year = 2017
amount = { dist = "normal", mean = "10000", sd = "8000" }

[[commitments]]
id = "sin-top-up"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/3", VWS = "1/3", BZ = "1/3" }
priority = 1
first_year = 2015
last_year = 2017
cap = "67600.00"
total_cap = "150000"

[[commitments]]
id = "mki"
kind = "top_up"
recipient = "MKI"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2017
cap = { 2015 = "20000", 2016 = "25000", 2017 = "30000" }
[commitments.shortfall]
2015 = { dist = "uniform", low = "-5000.01", high = "40000.01" }
2016 = "22222.22"
2017 = { dist = "uniform", low = "0", high = "0.05" }

[[commitments]]
id = "mki-annual"
kind = "annual"
recipient = "MKI"
funders = { VenJ = "2/7", BZ = "5/7" }
first_year = 2016
last_year = 2018
amount = { dist = "triangular", low = "1000", mode = "1000", high = "9999.99" }
indexation = "0.03"

[[commitments]]
id = "grant"
kind = "grant"
recipient = "TdH"
funders = { BZ = "1/3", VWS = "2/3" }
total = "2000000.00"
start = 2014-04-01
end = 2015-07-01
advance = "0.8"

[[limits]]
funder = "VWS"
basis = "cash"
max = "60000"

[[limits]]
funder = "BZ"
basis = "commitment"
max = { 2015 = "20000", 2016 = "30000" }
"""
)


def scenario(tmp_path: Path, text: str):
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def rows_of(sim, level: str) -> pd.DataFrame:
    rows = sim.rows
    return rows[rows["level"] == level].reset_index(drop=True)


def test_uniform_shortfall_under_a_cap_agrees_with_the_analytic_values(tmp_path):
    draws = 40_000
    sim = simulate(scenario(tmp_path, UNIFORM_TOP_UP), draws, seed=2014)
    row = rows_of(sim, "commitment").query("basis == 'cash'").iloc[0]
    n, cap = 10_000_000, 6_760_000  # cents; the shortfall is uniform on 0..n whole cents
    # E[min(U, cap)] for U uniform on {0, ..., n}: sum of u below the cap plus cap above it.
    mean = Fraction(cap * (cap - 1) // 2 + cap * (n + 1 - cap), n + 1)
    second = Fraction((cap - 1) * cap * (2 * cap - 1) // 6 + cap**2 * (n + 1 - cap), n + 1)
    sd = math.sqrt(second - mean**2)
    assert float(mean) == pytest.approx(4_475_120, abs=1)  # 44,751.20, the continuous value
    assert abs(row["mean_cents"] - float(mean)) < 4 * sd / math.sqrt(draws)
    # The median of U is 50,000.00; the sample median's standard error is n / (2 sqrt(draws)).
    assert abs(row["p50_cents"] - 5_000_000) < 4 * n / (2 * math.sqrt(draws))
    p_binds = (n - cap) / (n + 1)  # the cap binds when the shortfall is above it: 0.324
    assert abs(row["p_cap_binds"] - p_binds) < 4 * math.sqrt(p_binds * (1 - p_binds) / draws)
    assert abs(row["p5_cents"] - 500_000) < 4 * n / (2 * math.sqrt(draws)) * 2
    # The cap binds in 32% of the draws, so the 95th percentile is the cap itself.
    assert row["p95_cents"] == cap
    assert 0 <= row["p5_cents"] <= row["p50_cents"] <= row["p95_cents"] <= cap


def test_a_choice_behaves_like_its_probabilities(tmp_path):
    draws = 20_000
    sim = simulate(scenario(tmp_path, CHOICE), draws, seed=7)
    row = rows_of(sim, "commitment").query("basis == 'cash'").iloc[0]
    share = row["mean_cents"] / 5_000_000
    assert abs(share - 0.6) < 4 * math.sqrt(0.6 * 0.4 / draws)
    assert (row["p5_cents"], row["p50_cents"], row["p95_cents"]) == (0, 5_000_000, 5_000_000)
    assert math.isnan(row["p_cap_binds"])  # an annual payment has no cap
    limit = rows_of(sim, "limit")
    assert list(limit["year"]) == [2015, 2016, 2017]
    # Awarded (50,000.00 > 40,000.00) breaches the ceiling; not awarded pays nothing.
    assert limit["p_limit_breached"].iloc[0] == pytest.approx(share, abs=1e-12)
    assert list(limit["p_limit_breached"].iloc[1:]) == [0.0, 0.0]
    assert limit["ceiling_cents"].tolist() == [4_000_000] * 3


def test_bands_are_ordered_and_within_the_caps(tmp_path):
    sim = simulate(scenario(tmp_path, MIXED), 3_000, seed=1)
    rows = sim.rows
    rows = rows[rows["level"] != "limit"]
    assert (rows["p5_cents"] <= rows["p50_cents"]).all()
    assert (rows["p50_cents"] <= rows["p95_cents"]).all()
    assert (rows["p5_cents"] >= 0).all()
    mki = rows_of(sim, "commitment").query("commitment == 'mki' and basis == 'cash'")
    caps = {2015: 2_000_000, 2016: 2_500_000, 2017: 3_000_000}
    for _, row in mki.groupby("year").sum(numeric_only=True).iterrows():
        assert row["p95_cents"] <= caps[int(row.name)]  # the two halves of the cap


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(tmp_path):
    s = scenario(tmp_path, MIXED)
    first = simulate(s, 2_000, seed=99).rows
    assert first.equals(simulate(s, 2_000, seed=99).rows)
    assert not first.equals(simulate(s, 2_000, seed=100).rows)


@pytest.mark.parametrize("chunk, workers", [(1, 1), (2, 2), (3, 1), (1000, 1)])
def test_chunks_and_workers_change_no_number(tmp_path, chunk, workers):
    s = scenario(tmp_path, MIXED)
    whole = simulate(s, 1_500, seed=5, chunk=1000, workers=1)
    parts = simulate(s, 1_500, seed=5, chunk=chunk, workers=workers)
    assert whole.rows.equals(parts.rows)
    for basis in BASES:
        assert np.array_equal(whole.totals[basis], parts.totals[basis])


def reference(scenario_, draws: int, seed: int) -> pd.DataFrame:
    """The plain computation: every commitment at once, the engine's own funder split,
    numpy's inverted-CDF percentiles and the mean as an exact fraction."""
    plan = compile_plan(scenario_)
    everything = np.arange(len(plan.commitments))
    full = plan.subset(everything)
    result = compute(full, random_values(full, seed, draws))
    records = []
    ids = [c.id for c in plan.commitments]
    for basis in SIMULATED:
        parts = split_funders(getattr(result, basis), full, basis)
        for m, (c, f) in enumerate(zip(full.member_commitment, full.member_funder, strict=True)):
            for y in np.flatnonzero(full.active[c]):
                values = parts[:, m, y]
                binds = result.binds[:, c, y].sum() / draws if result.has_cap[c] else np.nan
                records.append(
                    (
                        ids[c],
                        plan.funders[f],
                        basis,
                        int(plan.years[y]),
                        round_half_away(int(sum(int(v) for v in values)), draws),
                        *(
                            int(np.percentile(values, q, method="inverted_cdf"))
                            for q in (5, 50, 95)
                        ),
                        binds,
                    )
                )
    totals = funder_totals(full, result)
    limits = [
        (limit.funder, limit.basis, year, ceiling, breached.sum() / draws)
        for limit, year, ceiling, breached, _ in breach_mask(
            scenario_, plan.funders, plan.years, totals
        )
    ]
    return records, limits


def compare_with_reference(s, draws: int, seed: int) -> None:
    sim = simulate(s, draws, seed, chunk=2)
    records, limits = reference(s, draws, seed)
    got = rows_of(sim, "commitment")
    expected = pd.DataFrame(
        records,
        columns=[
            "commitment",
            "funder",
            "basis",
            "year",
            "mean_cents",
            "p5_cents",
            "p50_cents",
            "p95_cents",
            "p_cap_binds",
        ],
    )
    key = ["commitment", "funder", "basis", "year"]
    got = got[expected.columns].sort_values(key).reset_index(drop=True)
    expected = expected.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    limit_rows = rows_of(sim, "limit")
    assert [
        (r.funder, r.basis, r.year, r.ceiling_cents, r.p_limit_breached)
        for r in limit_rows.itertuples()
    ] == limits


def test_the_mixed_scenario_agrees_with_the_plain_computation(tmp_path):
    compare_with_reference(scenario(tmp_path, MIXED), 400, seed=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=5, uncertain=True), st.integers(0, 2**32), st.data())
def test_generated_scenarios_agree_with_the_plain_computation(s, seed, data):
    funder = data.draw(st.sampled_from(sorted(s.funders)))
    ceiling = data.draw(st.integers(0, 10**8))
    limit = Limit(funder, "cash", ByYear(every=ceiling), s.first_year, s.last_year)
    compare_with_reference(replace(s, limits=(limit,)), 60, seed)


def split_rows(amounts, rows, plan, basis):
    """The plain split, without the engine's fast paths: every commitment's amounts split
    by `allocate_rows` (cumulatively for grants on the cash basis, then differenced):
    (draws, members, years), each row's funders in order."""
    draws, _, years = amounts.shape
    parts = np.zeros((draws, len(plan.member_commitment), years), dtype=np.int64)
    for i in rows.tolist():
        members = np.flatnonzero(plan.member_commitment == i)
        values = amounts[:, i, :]
        spread = basis == "cash" and plan.paid_over_time[i] and len(members) > 1
        if spread:
            values = np.cumsum(values, axis=-1)
        split = allocate_rows(values, plan.member_weight[members])  # (draws, years, funders)
        split = np.moveaxis(split, -1, 1)
        if spread:
            split = np.diff(split, axis=-1, prepend=0)
        parts[:, members, :] = split
    return parts, np.flatnonzero(np.isin(plan.member_commitment, rows))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=5), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_the_engines_fast_funder_split_is_the_plain_split(s, draws, seed):
    """Generated scenarios mix one, two and three funders with all kinds of shares, and
    grants (split cumulatively on the cash basis); the amounts include zeros."""
    plan = compile_plan(s)
    rng = np.random.default_rng(seed)
    shape = (draws, len(s.commitments), len(plan.years))
    values = rng.integers(0, 10**9, size=shape) * (rng.random(shape) < 0.7)
    for basis in SIMULATED:
        plain, member = split_rows(values, np.arange(len(s.commitments)), plan, basis)
        assert np.array_equal(member, np.arange(len(plan.member_commitment)))
        engine = split_funders(values, plan, basis)
        # Where a cumulative split takes back a cent, the engine mends it (see
        # engine._lift_negative_parts); everywhere else the parts are the plain ones.
        mended = (plain < 0).any(axis=(0, 2))
        assert np.array_equal(engine[:, ~mended], plain[:, ~mended])


def test_percentile_positions_are_numpys_inverted_cdf():
    rng = np.random.default_rng(0)
    for draws in (1, 2, 3, 19, 20, 21, 100, 999, 10_000):
        values = rng.integers(0, 1000, draws)
        ordered = np.sort(values)
        for q in (5, 50, 95):
            expected = np.percentile(values, q, method="inverted_cdf")
            assert ordered[percentile_index(draws, q)] == expected


def test_draws_stay_within_their_distributions():
    from budget.core.model import Dist

    dists = [
        Dist("uniform", (100, 200)),
        Dist("triangular", (-500, 0, 700)),
        Dist("triangular", (300, 300, 300)),
        Dist("normal", (1_000, 2_000)),
        Dist("choice", (5, 7, 9), (Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))),
    ]
    values = draw(np.random.default_rng(3), dists, 5_000)
    assert values.dtype == np.int64
    assert values[:, 0].min() >= 100 and values[:, 0].max() <= 200
    assert {100, 200} <= set(values[:, 0].tolist())  # both ends are whole cents that occur
    assert values[:, 1].min() >= -500 and values[:, 1].max() <= 700
    assert set(values[:, 2].tolist()) == {300}
    assert values[:, 3].min() == 0  # a normal is cut at zero: P(below 0) is 31%
    assert (values[:, 3] == 0).mean() == pytest.approx(0.31, abs=0.03)
    assert set(values[:, 4].tolist()) == {5, 7, 9}


def test_bad_draw_counts_are_refused(tmp_path):
    with pytest.raises(ValueError):
        simulate(scenario(tmp_path, CHOICE), 0, seed=1)


# A quadrillion euros a year, for certain: a thousand draws add up beyond int64 cents.
HUGE = (
    HEADER
    + """
[recipients.X]
name = "X"

[[commitments]]
id = "huge"
kind = "annual"
recipient = "X"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2016
amount = { dist = "choice", values = ["1000000000000000.01"] }
"""
)


def test_sums_over_many_draws_of_huge_amounts_stay_exact(tmp_path):
    sim = simulate(scenario(tmp_path, HUGE), 1000, seed=1)
    cents = 100_000_000_000_000_001
    half = {"VenJ": cents // 2 + 1, "VWS": cents // 2}  # the odd cent to the first funder
    for level in ("commitment", "funder"):
        rows = rows_of(sim, level)
        assert len(rows) == 2 * 2 * 2  # funders x bases x years
        for _, row in rows.iterrows():
            expected = half[row["funder"]]
            assert row["mean_cents"] == expected
            assert row["p5_cents"] == row["p50_cents"] == row["p95_cents"] == expected


# Two top-ups with a fixed shortfall beside an uncertain one: the same in every draw.
STEADY = (
    UNIFORM_TOP_UP
    + """
[[commitments]]
id = "binds"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/3", VWS = "2/3" }
first_year = 2015
last_year = 2016
cap = "67600.00"
shortfall = "100000"

[[commitments]]
id = "free"
kind = "top_up"
recipient = "SIN"
funders = { BZ = "1" }
first_year = 2016
last_year = 2017
cap = "67600.00"
shortfall = "100"
"""
)


@pytest.mark.parametrize("chunk, workers", [(None, 1), (1, 2)])
def test_commitments_without_uncertainty_have_one_value_in_every_draw(tmp_path, chunk, workers):
    sim = simulate(scenario(tmp_path, STEADY), 7, seed=3, chunk=chunk, workers=workers)
    rows = rows_of(sim, "commitment").query("basis == 'cash'")
    parts = {("binds", "VenJ"): 2_253_333, ("binds", "VWS"): 4_506_667, ("free", "BZ"): 10_000}
    for (commitment, funder), cents in parts.items():
        mine = rows.query(f"commitment == '{commitment}' and funder == '{funder}'")
        assert len(mine) == 2
        for band in ("mean_cents", "p5_cents", "p50_cents", "p95_cents"):
            assert mine[band].tolist() == [cents, cents]
        assert mine["p_cap_binds"].tolist() == ([1.0, 1.0] if commitment == "binds" else [0, 0])
    vws = sim.totals["cash"][:, sim.funders.index("VWS"), :]
    assert (vws == [4_506_667, 4_506_667, 0]).all()  # every draw, 2015-2017
