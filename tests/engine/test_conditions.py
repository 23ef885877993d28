"""Tranches on a result (issue 23, item 5): `condition = { indicator, year, p }`."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budget import project
from budget.engine.pending import with_pending
from tests.helpers import invoke

# Figure 1 of the letter: targets 511, 546 and 594 suspects (475 x 1.075, 1.15, 1.25,
# rounded half up); achieved 522 in 2012 (met) and 530 in 2013 (not met: 546).
SCENARIO = """
[scenario]
name = "tranches"
first_year = 2015
last_year = 2015

[funders]
VenJ = "Justice"

[recipients.police]
name = "Police"

[[indicators]]
id = "police-suspects"
name = "Suspects brought to the OM"
unit = "suspects"
base_year = 2010
base = 475
targets = { 2012 = "+7.5%", 2013 = "+15%", 2014 = "+25%" }
achieved = { 2012 = 522, 2013 = 530 }

[[commitments]]
id = "tranche"
kind = "annual"
recipient = "police"
funders = "VenJ"
first_year = 2015
last_year = 2015
amount = "10000.00"
condition = {condition}
"""


def text(condition: str) -> str:
    return SCENARIO.replace("{condition}", condition)


def paid(s) -> int:
    rows = project(s, pending="expected")
    return int(rows[(rows.basis == "cash") & (rows.commitment == "tranche")].amount_cents.sum())


def test_achieved_and_met_is_decided(load):
    loaded, problems = load(text('{ indicator = "police-suspects", year = 2012 }'))
    assert problems == []
    assert loaded.commitment("tranche").pending is None
    assert paid(with_pending(loaded, "none")) == 1_000_000


def test_achieved_and_not_met_pays_nothing_and_says_so(load, scenario_file):
    body = text('{ indicator = "police-suspects", year = 2013 }')
    loaded, problems = load(body)
    assert problems == []
    for mode in ("none", "expected", "all"):
        assert paid(with_pending(loaded, mode)) == 0, mode
    result = invoke("run", scenario_file(body), "--pending", "all")
    assert result.exit_code == 0, result.output
    assert (
        "note: commitment 'tranche' pays nothing in every view: its condition "
        "(police-suspects in 2013: not met) was achieved and not met"
    ) in result.stderr


def test_not_yet_achieved_is_pending_with_the_conditions_p(load):
    loaded, problems = load(text('{ indicator = "police-suspects", year = 2014, p = "1/4" }'))
    assert problems == []
    assert loaded.commitment("tranche").pending.p == Fraction(1, 4)
    assert paid(with_pending(loaded, "none")) == 0
    assert paid(loaded) == 250_000
    assert paid(with_pending(loaded, "all")) == 1_000_000


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ('{ indicator = "arrests", year = 2014 }', "'arrests' is not an indicator"),
        ('{ indicator = "police-suspects", year = 2016 }', "has no target for 2016"),
        ('{ indicator = "police-suspects", year = 2014 }', "p is missing"),
        ('{ indicator = "police-suspects", year = 2014, p = "2" }', "outside (0, 1]"),
    ],
)
def test_bad_conditions_are_one_line(load, condition, message):
    loaded, problems = load(text(condition))
    assert loaded is None
    assert len(problems) == 1, problems
    assert "commitment 'tranche', field 'condition'" in problems[0]
    assert message in problems[0]
    assert "(hint: " in problems[0]
