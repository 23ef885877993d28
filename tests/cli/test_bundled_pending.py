"""The bundled example holds the EU co-financing of SIN as a pending commitment (issue 23,
item 6): under `--pending none`, the default, every letter figure is as without it, and
each output gains one line naming it with its amounts; the three views of the README."""

from __future__ import annotations

import json

import pytest

from tests.helpers import SCENARIOS, invoke

LETTER = SCENARIOS / "letter-2014.toml"
NOTE = (
    "note: pending commitment 'eu-sin-cofinancing' left out (--pending none; p = 1/2 (50%)): "
    "cash 2015 50,000.00, 2016 50,000.00, total 100,000.00 EUR; --pending expected or all "
    "counts it"
)


def _cash(*args):
    result = invoke("run", LETTER, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    rows = found if isinstance(found, list) else found["rows"]
    out: dict[tuple[str, str, int], int] = {}
    for r in rows:
        if r["basis"] == "cash":
            key = (r["commitment"], r["funder"], r["year"])
            out[key] = out.get(key, 0) + r["amount_cents"]
    return out


@pytest.mark.parametrize(
    ("view", "eu", "each"),
    [("none", None, 3_380_000), ("expected", 2_500_000, 2_130_000), ("all", 5_000_000, 880_000)],
)
def test_the_three_views_of_the_bundled_example(view, eu, each):
    # SIN's costs 67,600.00; EU 80% of 135,200.00 at most 100,000.00: 50,000.00 a year,
    # p = 1/2: 25,000.00 expected; the top-up makes up the rest, half each.
    cash = _cash("--pending", view)
    for year in (2015, 2016):
        assert cash.get(("eu-sin-cofinancing", "EU", year)) == eu
        assert cash[("sin-top-up", "VenJ", year)] == each
        assert cash[("sin-top-up", "VWS", year)] == each
    assert cash[("sin-top-up", "VenJ", 2017)] == 3_380_000
    assert sum(cash.values()) == 260_280_000


def test_none_is_the_default_and_says_so_in_one_line():
    result = invoke("run", LETTER)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines().count(NOTE) == 1
    assert "eu-sin-cofinancing" not in result.stdout
    assert "EU:" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["explain", LETTER, "sin-top-up", "--year", "2015"],
        ["tables", SCENARIOS / "round-2015-draft.toml"],
        [
            "round",
            SCENARIOS / "round-2015-draft.toml",
            SCENARIOS / "round-2015-adopted.toml",
            SCENARIOS / "round-2015-1st-supplementary.toml",
        ],
        ["actuals", SCENARIOS / "letter-2014-realised.toml"],
        ["compare", LETTER, SCENARIOS / "mki-through-2015.toml"],
    ],
)
def test_every_command_leaves_it_out_by_default_with_one_note(args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines().count(NOTE) == 1
    assert "eu-sin-cofinancing" not in result.stdout


def test_explain_of_the_top_up_is_the_letter_figure_by_default():
    result = invoke("explain", LETTER, "sin-top-up", "--year", "2015")
    assert "amount: capped = 67,600.00" in result.stdout
    result = invoke("explain", LETTER, "sin-top-up", "--year", "2015", "--pending", "expected")
    assert "amount: capped = 42,600.00" in result.stdout


def test_explain_of_the_pending_commitment_itself_shows_it_as_decided():
    result = invoke("explain", LETTER, "eu-sin-cofinancing", "--year", "2015")
    assert result.exit_code == 0, result.output
    assert "Result: 50,000.00 on the commitment basis, 50,000.00 on the cash basis" in (
        result.stdout
    )
    assert "its working is shown as decided" in result.stderr


def test_the_awarded_grant_replaces_the_pending_co_financing():
    result = invoke("run", SCENARIOS / "sin-eu-grant.toml", "--pending", "all")
    assert result.exit_code == 0, result.output
    assert "eu-sin-cofinancing" not in result.output
    assert "eu-sin " in result.stdout
