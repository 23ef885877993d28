"""The example scenarios through the CLI, with figures worked out by hand from the letter."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import budget
from budget.cli import cli
from budget.load import load_scenario
from tests.helpers import SCENARIOS

# The what-ifs of the letter; uk-april-gbp.toml stands alone (tests/render/test_conventions.py).
STANDALONE = ("letter-2014.toml", "uk-april-gbp.toml")
EXAMPLES = sorted(p for p in SCENARIOS.glob("*.toml") if p.name not in STANDALONE)


def amounts(name: str) -> dict[tuple[str, str, str, int], str]:
    """{(commitment, funder, basis, year): euros} of `budget run NAME --format json`."""
    result = CliRunner().invoke(cli, ["run", str(SCENARIOS / name), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {
        (r["commitment"], r["funder"], r["basis"], r["year"]): r["amount"]
        for r in json.loads(result.stdout)
    }


def series(rows: dict, commitment: str, funder: str, basis: str = "cash") -> dict[int, str]:
    return {y: a for (c, f, b, y), a in rows.items() if (c, f, b) == (commitment, funder, basis)}


def test_eu_grant_to_sin_lowers_the_top_up():
    rows = amounts("sin-eu-grant.toml")
    # EU pays SIN 30,000.00 in 2015 and 2016, before the top-up: the shortfall falls from
    # 67,600.00 to 37,600.00, half each for VenJ and VWS; 2017 is unchanged.
    for funder in ("VenJ", "VWS"):
        assert series(rows, "sin-top-up", funder) == {
            2015: "18800.00",
            2016: "18800.00",
            2017: "33800.00",
        }
    assert series(rows, "eu-sin", "EU") == {2015: "30000.00", 2016: "30000.00"}
    assert series(rows, "eu-sin", "EU", "commitment") == {2015: "60000.00", 2016: "0.00"}
    # The rest of the letter is inherited untouched.
    assert series(rows, "mki-support", "VenJ")[2017] == "100000.00"
    assert series(rows, "bz-tdh-ecpat", "BZ") == {2014: "1206140.35", 2015: "793859.65"}


def test_mki_old_promise_against_the_new_one():
    old = amounts("mki-through-2015.toml")
    new = amounts("../scenarios/letter-2014.toml")
    assert series(old, "mki-support", "VenJ") == {2014: "100000.00", 2015: "100000.00"}
    assert series(new, "mki-support", "VenJ") == {y: "100000.00" for y in range(2014, 2018)}


@pytest.mark.parametrize(
    ("name", "half"),
    [
        # 80,000 is above the cap: min(67,600, 80,000) = 67,600.00, 33,800.00 each.
        ("sin-shortfall-80000.toml", "33800.00"),
        # 50,000 is below it: the top-up pays 50,000.00, 25,000.00 each.
        ("sin-shortfall-50000.toml", "25000.00"),
    ],
)
def test_sin_shortfall_higher_or_lower(name, half):
    rows = amounts(name)
    for funder in ("VenJ", "VWS"):
        assert series(rows, "sin-top-up", funder) == {y: half for y in (2015, 2016, 2017)}


def test_bz_pays_an_80_percent_advance():
    rows = amounts("bz-advance-80.toml")
    # 80% of 2,000,000.00 = 1,600,000.00 in 2014; the period [2014-04-01, 2015-07-01) ends in
    # fiscal 2015, so the remaining 400,000.00 is paid in 2016 with settlement_lag 1.
    assert series(rows, "bz-tdh-ecpat", "BZ") == {
        2014: "1600000.00",
        2015: "0.00",
        2016: "400000.00",
    }
    assert series(rows, "bz-tdh-ecpat", "BZ", "commitment") == {
        2014: "2000000.00",
        2015: "0.00",
        2016: "0.00",
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_extends_the_letter_and_keeps_sources(path):
    scenario = load_scenario(path)
    assert scenario.files[0].endswith("letter-2014.toml")
    assert scenario.name != "Letter 2014"
    assert scenario.description
    for c in scenario.commitments:
        assert c.source, c.id
    letter = load_scenario(SCENARIOS / "letter-2014.toml")
    for c in letter.commitments:
        if c.id in {x.id for x in scenario.commitments}:
            mine = scenario.commitment(c.id)
            assert set(c.assumptions) <= set(mine.assumptions) or mine.raw.get("assumptions")


def test_every_example_validates_and_compares():
    result = CliRunner().invoke(cli, ["validate", *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        cli, ["compare", str(SCENARIOS / "letter-2014.toml"), *map(str, EXAMPLES)]
    )
    assert result.exit_code == 0, result.output
    assert "MKI old promise (through 2015), VenJ 2016: -100,000.00 = mki-support" in (result.output)
    assert "SIN shortfall 50,000, VWS 2017: -8,800.00 = sin-top-up -8,800.00" in result.output


def test_the_bundled_copy_is_the_same_as_the_scenarios_folder():
    bundled = budget.example_path()  # inside the installed package, not the checkout
    assert bundled.read_bytes() == (SCENARIOS / "letter-2014.toml").read_bytes()
