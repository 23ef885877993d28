"""The search for uncertain inputs that breach a limit: found when possible, minimal,
deterministic, within the distributions' ranges."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget.load import load_scenario
from budget.uncertainty import search as search_module
from budget.uncertainty.search import _Space, central_breaches, search

HEADER = """
[scenario]
name = "Search"
first_year = 2015
last_year = 2017

[funders.VenJ]
name = "Security and Justice"
[funders.VWS]
name = "Health"
"""

# VenJ and VWS split Stop It Now!'s top-up half and half; the shortfall is uncertain.
SHARED_TOP_UP = (
    HEADER
    + """
[recipients.SIN]
name = "Stop It Now!"

[[commitments]]
id = "sin"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2017
cap = "67600.00"
shortfall = { dist = "uniform", low = "0", high = "100000" }
"""
)


def scenario(tmp_path: Path, text: str):
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def limit(funder: str, maximum: str, basis: str = "cash") -> str:
    return f'\n[[limits]]\nfunder = "{funder}"\nbasis = "{basis}"\nmax = "{maximum}"\n'


def test_a_limit_that_cannot_be_breached_is_not(tmp_path):
    # VWS pays at most half the cap, 33,800.00: equal to the ceiling is not a breach.
    s = scenario(tmp_path, SHARED_TOP_UP + limit("VWS", "33800.00"))
    found = search(s, examples=200)
    assert found.counterexample == ()
    assert found.inputs == 3  # the shortfall in 2015, 2016 and 2017
    assert found.tried >= 200


def test_a_breach_is_found_and_shrunk_to_the_smallest_shortfall(tmp_path):
    # VWS's half of the top-up is above 30,000.00 once the shortfall is 60,000.02: at
    # 60,000.01 the odd cent goes to VenJ, listed first, and VWS gets exactly 30,000.00.
    s = scenario(tmp_path, SHARED_TOP_UP + limit("VWS", "30000.00"))
    assert central_breaches(s) == []  # the midpoint, 50,000.00, splits into 25,000.00 each
    found = search(s, examples=200)
    values = [i.value for i in found.counterexample]
    assert sorted(values) == [0, 0, 6_000_002]
    (breach,) = found.breaches
    year = next(i.year for i in found.counterexample if i.value)
    assert (breach.limit.funder, breach.year, breach.amount, breach.ceiling) == (
        "VWS",
        year,
        3_000_001,
        3_000_000,
    )
    # Minimal: one cent less in the breaching year, and no limit is breached.
    space = _Space(s)
    lower = [v - 1 if v else v for v in values]
    assert space.evaluate(lower)[0] == []
    assert space.evaluate(values)[0] != []


def test_the_search_is_deterministic(tmp_path):
    s = scenario(tmp_path, SHARED_TOP_UP + limit("VWS", "30000.00"))
    assert search(s, examples=100) == search(s, examples=100)
    unbreakable = scenario(tmp_path, SHARED_TOP_UP + limit("VWS", "33800.00"))
    assert search(unbreakable, examples=100) == search(unbreakable, examples=100)


def test_a_choice_is_searched_over_its_values(tmp_path):
    # If the EU grant (income) is not awarded, the top-up pays 80,000.00: above VWS's
    # ceiling. The projection assumes the likelier award and stays within it.
    text = (
        HEADER
        + """
[recipients.SIN]
name = "Stop It Now!"
costs = "100000"
income = { dist = "choice", values = ["50000", "0"], p = ["0.7", "0.3"] }

[[commitments]]
id = "sin"
kind = "top_up"
recipient = "SIN"
funders = { VWS = "1" }
first_year = 2015
last_year = 2015
cap = "80000.00"
"""
        + limit("VWS", "60000.00")
    )
    s = scenario(tmp_path, text)
    assert central_breaches(s) == []
    found = search(s, examples=50)
    (income,) = found.counterexample
    assert (income.owner, income.key, income.field, income.year) == (
        "recipient",
        "SIN",
        "income",
        2015,
    )
    assert income.value == 0
    assert [b.amount for b in found.breaches] == [8_000_000]


@pytest.mark.parametrize("ceiling, breachable", [("38999.99", True), ("40000.00", False)])
def test_a_normal_is_searched_within_six_standard_deviations(tmp_path, ceiling, breachable):
    # mean 10,000.00 and sd 5,000.00: the search range is 0 to 40,000.00.
    text = (
        HEADER
        + """
[recipients.MKI]
name = "Meldpunt"

[[commitments]]
id = "mki"
kind = "annual"
recipient = "MKI"
funders = { VenJ = "1" }
first_year = 2015
last_year = 2015
amount = { dist = "normal", mean = "10000", sd = "5000" }
"""
        + limit("VenJ", ceiling)
    )
    found = search(scenario(tmp_path, text), examples=300)
    assert bool(found.counterexample) is breachable
    if breachable:
        assert found.counterexample[0].value == 3_900_000  # the smallest amount above it


def many_top_ups(count: int) -> str:
    """`count` top-ups for VWS, each with a shortfall uniform on 0 to 10,000.00."""
    text = HEADER
    for i in range(count):
        text += f"""
[recipients.R{i}]
name = "R{i}"

[[commitments]]
id = "t{i}"
kind = "top_up"
recipient = "R{i}"
funders = {{ VWS = "1" }}
first_year = 2015
last_year = 2015
cap = "10000.00"
shortfall = {{ dist = "uniform", low = "0", high = "10000" }}
"""
    return text


def test_many_inputs_are_searched_by_levels(tmp_path, monkeypatch):
    # Ten top-ups of at most 10,000.00: above 95,000.00 only if nearly all are high.
    monkeypatch.setattr(search_module, "DIRECT_LIMIT", 5)
    s = scenario(tmp_path, many_top_ups(10) + limit("VWS", "95000.00"))
    found = search(s, examples=300)
    assert found.inputs == 10
    (breach,) = found.breaches
    assert breach.amount == sum(i.value for i in found.counterexample)
    assert breach.amount > 9_500_000
    assert _Space(s).evaluate([i.value for i in found.counterexample])[0] != []


def test_inputs_that_must_all_be_high_are_found_after_the_input_by_input_round(tmp_path):
    s = scenario(tmp_path, many_top_ups(10) + limit("VWS", "97000.00"))
    found = search(s, examples=400)
    (breach,) = found.breaches
    assert breach.amount > 9_700_000
    assert found.tried > 200  # the first round, input by input, did not find it


def test_no_limits_or_no_uncertain_input_means_nothing_to_search(tmp_path):
    assert search(scenario(tmp_path, SHARED_TOP_UP), examples=10).tried == 0
    fixed = SHARED_TOP_UP.replace(
        'shortfall = { dist = "uniform", low = "0", high = "100000" }', 'shortfall = "1000"'
    )
    found = search(scenario(tmp_path, fixed + limit("VWS", "100")), examples=10)
    assert (found.inputs, found.tried, found.counterexample) == (0, 0, ())


def test_inputs_of_unlimited_funders_are_not_searched(tmp_path):
    text = SHARED_TOP_UP.replace('{ VenJ = "1/2", VWS = "1/2" }', '{ VenJ = "1" }')
    found = search(scenario(tmp_path, text + limit("VWS", "100")), examples=10)
    assert found.inputs == 0


# VWS's own 10,000.00 a year, of which 10,000.00 of 2015's cash is paid in 2016.
SHIFTED_ANNUAL = """
[recipients.GGD]
name = "Public health service"

[[commitments]]
id = "ggd"
kind = "annual"
recipient = "GGD"
funders = { VWS = "1" }
first_year = 2015
last_year = 2017
amount = "10000.00"

[[cash_shifts]]
commitment = "ggd"
from = 2015
to = 2016
amount = "10000.00"
"""


def test_the_search_counts_the_cash_shifts_as_run_does(tmp_path):
    """VWS pays at most 33,800.00 of the top-up and 10,000.00 of its own a year: 43,800.00
    before the shift, 53,800.00 in 2016 after it. A ceiling of 50,000.00 is breached only
    with the shift, which every command shows; central 2016: 25,000.00 + 20,000.00."""
    s = scenario(tmp_path, SHARED_TOP_UP + SHIFTED_ANNUAL + limit("VWS", "50000.00"))
    assert s.cash_shifts
    assert central_breaches(s) == []
    found = search(s, examples=300)
    assert found.counterexample, found
    assert {(b.limit.funder, b.year) for b in found.breaches} == {("VWS", 2016)}
    # the smallest shortfall that breaches: VWS's half over 30,000.00, the 2016 one only
    (only,) = [i for i in found.counterexample if i.value > 0 and i.year == 2016]
    assert only.field == "shortfall"
    assert 60_000_00 < only.value <= 60_000_02
    assert all(b.amount > 50_000_00 for b in found.breaches)
    # without the shift the same ceiling cannot be breached
    unshifted = SHARED_TOP_UP + SHIFTED_ANNUAL.split("[[cash_shifts]]")[0]
    s = scenario(tmp_path, unshifted + limit("VWS", "50000.00"))
    assert not s.cash_shifts
    assert search(s, examples=300).counterexample == ()


def test_a_shift_of_a_searched_commitment_moves_at_most_what_the_combination_plans(tmp_path):
    """20,000.00 of the shared top-up's cash moves from 2015 to 2016 (VWS's half:
    10,000.00). Central: 50,000.00 a year, so the shift is allowed. A combination with a
    shortfall of 4,000.00 a year pays VWS 2,000.00 a year: only that moves, so VWS's 2016
    is 4,000.00 (was counted as 12,000.00, and its 2015 as -8,000.00)."""
    shift = '\n[[cash_shifts]]\ncommitment = "sin"\nfrom = 2015\nto = 2016\namount = "20000.00"\n'
    s = scenario(tmp_path, SHARED_TOP_UP + shift + limit("VWS", "3000.00"))
    assert central_breaches(s) != []  # the central 2016: 25,000.00 + 10,000.00
    space = _Space(s)
    breaches, _ = space.evaluate([4_000_00, 4_000_00, 4_000_00])
    assert {(b.year, b.amount) for b in breaches} == {(2016, 4_000_00)}
    breaches, _ = space.evaluate([100_000_00, 0, 0])  # all of 2015's VWS 33,800.00 is there
    assert {(b.year, b.amount) for b in breaches} == {(2015, 23_800_00), (2016, 10_000_00)}
