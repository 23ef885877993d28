"""Cash shifts in `budget simulate` (issue 22): a shift moves the same amount in every
draw, so every band of the shifted part, and of its funder's total, moves by exactly that
amount; a year without a band gets one; the limits' chances follow the shifted totals."""

from __future__ import annotations

import pandas as pd

from budget.load import load_scenario
from budget.uncertainty.cash_shifts import shift_simulation
from budget.uncertainty.simulate import BANDS, simulate
from tests.helpers import SCENARIOS, invoke, write_file

SUPPLEMENTARY = SCENARIOS / "round-2015-1st-supplementary.toml"
BANDED = BANDS


def _scenario(tmp_path, limit: str = ""):
    """MKI's amount uncertain (90,000 to 110,000 a year) and two shifts: 20,000.00 from
    2015 to 2016 (the supplementary budget's) and 30,000.00 from 2017 to 2018."""
    return load_scenario(
        write_file(
            tmp_path,
            f'[scenario]\nextends = "{SUPPLEMENTARY.as_posix()}"\n'
            '[[mutations]]\nid = "m"\nreason = "r"\ntype = "technical"\n'
            'changes = ["mki-support"]\n'
            '[[commitments]]\nid = "mki-support"\n'
            'amount = { dist = "uniform", low = "90000", high = "110000" }\n'
            '[[cash_shifts]]\ncommitment = "mki-support"\nfrom = 2017\nto = 2018\n'
            'amount = "30000.00"\nmutation = "m"\n' + limit,
        )
    )


def _by_key(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, tuple[int, ...]]:
    return {
        tuple(row[: len(keys)]): tuple(int(v) for v in row[len(keys) :])
        for row in frame[[*keys, *BANDED]].itertuples(index=False, name=None)
    }


def test_every_band_of_the_shifted_part_and_its_funder_moves_by_the_amount(tmp_path):
    scenario = _scenario(tmp_path)
    before = simulate(scenario, 200, seed=7)
    after = shift_simulation(before)
    moved = {2015: -2_000_000, 2016: 2_000_000, 2017: -3_000_000, 2018: 3_000_000}
    keys = ["commitment", "funder", "basis", "year"]
    old, new = _by_key(before.commitment_bands, keys), _by_key(after.commitment_bands, keys)
    assert set(new) == set(old) | {("mki-support", "VenJ", "cash", 2018)}
    for key, bands in new.items():
        cents = moved.get(key[3], 0) if key[:3] == ("mki-support", "VenJ", "cash") else 0
        assert bands == tuple(b + cents for b in old.get(key, (0, 0, 0, 0))), key
    spread = old[("mki-support", "VenJ", "cash", 2015)]
    assert spread[1] < spread[3]  # the part really varies between draws
    keys = ["funder", "basis", "year"]
    old, new = _by_key(before.funder_bands, keys), _by_key(after.funder_bands, keys)
    assert set(new) == set(old) | {("VenJ", "cash", 2018), ("VenJ", "commitment", 2018)}
    for key, bands in new.items():
        cents = moved.get(key[2], 0) if key[:2] == ("VenJ", "cash") else 0
        assert bands == tuple(b + cents for b in old.get(key, (0, 0, 0, 0))), key
    mki = after.commitment_bands[after.commitment_bands["commitment"] == "mki-support"]
    assert mki["year"].tolist() == [2014, 2015, 2016, 2017, 2014, 2015, 2016, 2017, 2018]


def test_the_limits_follow_the_shifted_totals(tmp_path):
    limit = (
        '[[limits]]\nfunder = "VenJ"\nbasis = "cash"\nmax = "140000.00"\n'
        "first_year = 2016\nlast_year = 2016\n"
    )
    scenario = _scenario(tmp_path, limit)
    before = simulate(scenario, 100, seed=3)
    after = shift_simulation(before)
    # VenJ's 2016 cash is SIN's 18,800.00 plus MKI's 90,000-110,000: never above the
    # ceiling; with the 20,000.00 shifted in, above it in the draws where MKI's is above
    # 101,200.00, counted from the unshifted totals per draw.
    venj = before.funders.index("VenJ")
    column = 2016 - int(before.years[0])
    totals = before.totals["cash"][:, venj, column]
    assert (totals <= 14_000_000).all()
    expected = float(((totals + 2_000_000) > 14_000_000).mean())
    assert 0 < expected < 1
    assert before.limit_chances["p_limit_breached"].tolist() == [0.0]
    assert after.limit_chances["year"].tolist() == [2016]
    assert after.limit_chances["p_limit_breached"].tolist() == [expected]
    assert after.limit_chances["p50_cents"].tolist() == [
        before.limit_chances["p50_cents"].iloc[0] + 2_000_000
    ]


def test_simulate_applies_the_shifts_and_refuses_one_too_large(tmp_path):
    result = invoke("simulate", SUPPLEMENTARY, "--draws", "5", "--seed", "1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert ",commitment,mki-support,MKI,VenJ,cash,2015,2015,EUR,80000.00,8000000," in result.stdout
    path = write_file(
        tmp_path,
        f'[scenario]\nextends = "{SUPPLEMENTARY.as_posix()}"\n'
        '[[mutations]]\nid = "m"\nreason = "r"\ntype = "technical"\n'
        '[[cash_shifts]]\ncommitment = "mki-support"\nfrom = 2015\nto = 2016\n'
        'amount = "90000.00"\nmutation = "m"\n',
        "too-large.toml",
    )
    bad = invoke("simulate", path, "--draws", "5", "--seed", "1")
    assert bad.exit_code == 1
    assert "which plans only 80,000.00 (hint: shift at most 80,000.00" in bad.stderr
