"""`budget explain`: the letter's worked figures step by step, and the working always
reproduces the engine.

Expected figures are worked out by hand (PRODUCT.md, "The source case"):
- BZ grant by days: 2014 has 275 of the period's 456 days (1 April to 31 December 2014:
  30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 275; 1 January to 30 June 2015: 181).
  200,000,000 cents x 275 = 55,000,000,000 = 456 x 120,614,035 + 40, so 2014 is
  1,206,140.35 with a remainder of 40/456 of a cent; 200,000,000 x 181 = 36,200,000,000 =
  456 x 79,385,964 + 416, so 2015 is 793,859.64 with a remainder of 416/456. The floors add
  up to 1,999,999.99: the one cent left goes to 2015 (416 > 40): 793,859.65.
- SIN: shortfall 67,600.00 = cap 67,600.00, so 67,600.00 and the cap does not bind; with a
  shortfall of 80,000.00 the cap binds and 12,400.00 stays uncovered; with 50,000.00 it
  pays 50,000.00. Half each: 33,800.00 for VenJ and for VWS.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import budget
from budget.cli import cli
from budget.engine.compute import compute
from budget.engine.plan import compile_plan
from budget.render.explain import explanation_data, explanation_text
from budget.reports.explain import Explanation, Unit, explain
from budget.testing.strategies import scenarios
from tests.helpers import LETTER, SCENARIOS, as_run


def explained(path: Path | str, cid: str, year: int | None = None) -> Explanation:
    e, problems = explain(as_run(path), cid, year)
    assert e is not None, problems
    return e


def step(e: Explanation, year: int, name: str) -> object:
    (y,) = [y for y in e.years if y.year == year]
    (s,) = [s for s in y.steps if s.name == name]
    return s.value.value


def parts(e: Explanation, year: int, basis: str) -> dict[str, tuple[int, int, int]]:
    """funder -> (rounded down, leftover cent, part) in cents."""
    (y,) = [y for y in e.years if y.year == year]
    (split,) = [s for s in y.splits if s.basis == basis]
    return {p.funder: (p.rounded_down, p.leftover_cent, p.part) for p in split.parts}


# --- the letter ---------------------------------------------------------------------------


def test_bz_grant_275_of_456_days():
    e = explained(LETTER, "bz-tdh-ecpat")
    assert [y.year for y in e.years] == [2014, 2015]
    assert step(e, 2014, "days_in_year") == 275
    assert step(e, 2015, "days_in_year") == 181
    assert step(e, 2014, "share") == Fraction(275, 456)
    assert step(e, 2014, "exact") == Fraction(200_000_000 * 275, 456)
    assert step(e, 2014, "rounded_down") == 120_614_035
    assert step(e, 2014, "leftover_cent") == 0
    assert step(e, 2015, "rounded_down") == 79_385_964
    assert step(e, 2015, "leftover_cent") == 1
    assert step(e, 2015, "allocated") == 79_385_965
    (whole,) = [s for s in e.steps if s.name == "days_in_all"]
    assert whole.value.value == 456
    (to,) = [s for s in e.steps if s.name == "leftover_to"]
    assert to.value.value == "2015"
    assert [(y.commitment, y.cash) for y in e.years] == [
        (200_000_000, 120_614_035),
        (0, 79_385_965),
    ]
    text = explanation_text(e)
    assert "275/456 of 2,000,000.00 = 1,206,140.350877…" in text
    assert "= 1,206,140.35" in text
    assert "793,859.65 - 793,859.64 = 0.01" in text


def test_bz_grant_by_months_9_and_6(scenario_file):
    text = LETTER.read_text().replace('allocation = "days"', 'allocation = "months"')
    e = explained(scenario_file(text), "bz-tdh-ecpat")
    assert step(e, 2014, "months_in_year") == 9
    assert step(e, 2015, "months_in_year") == 6
    assert step(e, 2014, "share") == Fraction(3, 5)
    assert [y.cash for y in e.years] == [120_000_000, 80_000_000]


@pytest.mark.parametrize(
    ("file", "shortfall", "amount", "binds"),
    [
        ("letter-2014.toml", 6_760_000, 6_760_000, False),
        ("sin-shortfall-80000.toml", 8_000_000, 6_760_000, True),
        ("sin-shortfall-50000.toml", 5_000_000, 5_000_000, False),
    ],
)
def test_sin_top_up(file, shortfall, amount, binds):
    e = explained(SCENARIOS / file, "sin-top-up")
    assert [y.year for y in e.years] == [2015, 2016, 2017]
    for year in (2015, 2016, 2017):
        assert step(e, year, "shortfall") == shortfall
        assert step(e, year, "capped") == amount
        assert step(e, year, "amount") == amount
        assert step(e, year, "cap_binds") is binds
        half = amount // 2
        for basis in ("commitment", "cash"):
            assert parts(e, year, basis) == {"VenJ": (half, 0, half), "VWS": (half, 0, half)}
    (y2015, *_) = e.years
    costs = next(i for i in y2015.inputs if i.name == "costs")
    assert costs.assumption and costs.file.endswith(file)
    assert costs.where == "recipient 'SIN', field 'costs', 2015"
    shares = [i for i in e.inputs if i.name == "funders"]
    assert [(i.label, i.value.value, i.assumption) for i in shares] == [
        ("share of VenJ", Fraction(1, 2), True),
        ("share of VWS", Fraction(1, 2), True),
    ]
    text = explanation_text(e)
    if amount == 6_760_000:
        assert "VenJ    1/2     33,800.00     33,800.00           0.00  33,800.00" in text
    if binds:
        assert "the yearly cap binds, 12,400.00 stays uncovered" in text


def test_mki_annual_is_an_assumption():
    e = explained(LETTER, "mki-support")
    assert [y.cash for y in e.years] == [10_000_000] * 4
    (base,) = e.years[0].inputs
    assert base.assumption and base.value.value == 10_000_000


# --- the rules, worked by hand ------------------------------------------------------------

HEAD = """
[scenario]
name = "t"
first_year = 2014
last_year = 2018
[funders.A]
name = "A"
[funders.B]
name = "B"
[funders.C]
name = "C"
"""


def test_annual_indexation_rounded_once(scenario_file):
    # 100.01 x 1.015^2 = 100.01 x 1.030225 = 103.0328...: 103.03; 1.015^3 = 1.045678375,
    # 100.01 x that = 104.5782...: 104.58 (not 103.03 x 1.015 = 104.575... compounded).
    path = scenario_file(
        HEAD
        + """
[recipients.R]
name = "R"
[[commitments]]
id = "idx"
kind = "annual"
recipient = "R"
funders = { A = "1" }
first_year = 2014
last_year = 2017
amount = "100.01"
indexation = "0.015"
"""
    )
    e = explained(path, "idx", 2016)
    assert [y.year for y in e.years] == [2016]
    assert step(e, 2016, "years_since_first") == 2
    assert step(e, 2016, "factor") == Fraction(1030225, 1000000)
    assert step(e, 2016, "unrounded") == Fraction(10001 * 1030225, 1000000)
    assert step(e, 2016, "amount") == 10303
    assert step(explained(path, "idx", 2017), 2017, "amount") == 10458


def test_waterfall_and_total_cap(scenario_file):
    # Costs 100,000 a year. The annual (priority -1) pays 30,000 first; top-up "first"
    # (cap 50,000) sees 70,000 and pays 50,000 (the cap binds); top-up "second" sees
    # 100,000 - 30,000 - 50,000 = 20,000, pays 20,000 in 2015 and then only the 10,000
    # that its total cap of 30,000 has left in 2016.
    path = scenario_file(
        HEAD
        + """
[recipients.R]
name = "R"
costs = "100000.00"
[[commitments]]
id = "second"
kind = "top_up"
recipient = "R"
funders = { A = "1/3", B = "1/3", C = "1/3" }
priority = 1
first_year = 2015
last_year = 2016
cap = "50000.00"
total_cap = "30000.00"
[[commitments]]
id = "first"
kind = "top_up"
recipient = "R"
funders = { A = "1" }
first_year = 2015
last_year = 2016
cap = "50000.00"
[[commitments]]
id = "base"
kind = "annual"
recipient = "R"
funders = { B = "1" }
priority = -1
first_year = 2015
last_year = 2016
amount = "30000.00"
"""
    )
    first = explained(path, "first")
    assert step(first, 2015, "paid_by:base") == 3_000_000
    assert step(first, 2015, "shortfall") == 7_000_000
    assert step(first, 2015, "amount") == 5_000_000
    assert step(first, 2015, "cap_binds") is True
    second = explained(path, "second")
    assert step(second, 2015, "paid_by:base") == 3_000_000
    assert step(second, 2015, "paid_by:first") == 5_000_000
    assert step(second, 2015, "paid_before") == 8_000_000
    assert step(second, 2015, "shortfall") == 2_000_000
    assert step(second, 2015, "amount") == 2_000_000
    assert step(second, 2015, "cap_binds") is False
    assert step(second, 2016, "paid_earlier_years") == 2_000_000
    assert step(second, 2016, "total_cap_left") == 1_000_000
    assert step(second, 2016, "amount") == 1_000_000
    assert step(second, 2016, "cap_binds") is True
    # 20,000.00 in thirds: 6,666.666...; floors 6,666.66 x 3 leave 2 cents, to A and B.
    assert parts(second, 2015, "cash") == {
        "A": (666_666, 1, 666_667),
        "B": (666_666, 1, 666_667),
        "C": (666_666, 0, 666_666),
    }
    assert "total cap binds" in explanation_text(second)


def test_grant_cash_split_cumulatively_moves_a_cent(scenario_file):
    # Shares 1/17, 11/17, 5/17; payments 0.32, 0.44, 0.01, 0.36 (to date 32, 76, 77, 113
    # cents). Largest remainder of the payments to date: 32 -> 2, 21, 9; 76 -> 5, 49, 22;
    # 77 -> 4, 50, 23; 113 -> 7, 73, 33. Differences in 2016: -1, 1, 1: A's -1 becomes 0,
    # A takes the cent from B (the first funder paid that year) and gives it back to B in
    # 2015 (A's nearest earlier paid year): A pays 2, 2, 0, 3 and B 21, 29, 0, 23.
    path = scenario_file(
        HEAD
        + """
[recipients.R]
name = "R"
[[commitments]]
id = "g"
kind = "grant"
recipient = "R"
funders = { A = "1/17", B = "11/17", C = "5/17" }
total = "1.13"
start = 2014-01-01
end = 2018-01-01
allocation = { 2014 = "0.32", 2015 = "0.44", 2016 = "0.01", 2017 = "0.36" }
"""
    )
    e = explained(path, "g")
    cash = {y.year: {p.funder: (p.part, p.mended) for p in y.splits[1].parts} for y in e.years}
    assert cash == {
        2014: {"A": (2, 0), "B": (21, 0), "C": (9, 0)},
        2015: {"A": (2, -1), "B": (29, 1), "C": (13, 0)},
        2016: {"A": (0, 1), "B": (0, -1), "C": (1, 0)},
        2017: {"A": (3, 0), "B": (23, 0), "C": (10, 0)},
    }
    assert e.years[0].splits[0].parts[0].part == 7  # the commitment basis: 113 in 2014


# --- the command --------------------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(cli, ["explain", *args])


def test_cli_table_prints_the_working():
    result = invoke(str(LETTER), "bz-tdh-ecpat", "--year", "2015")
    assert result.exit_code == 0, result.output
    assert "Fiscal year 2015" in result.stdout and "Fiscal year 2014" not in result.stdout
    assert "181/456 of 2,000,000.00 = 793,859.649122…" in result.stdout


def test_cli_json_is_rows():
    result = invoke(str(LETTER), "sin-top-up", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    assert {(r["scenario"], r["commitment"], r["kind"]) for r in rows} == {
        ("Letter 2014", "sin-top-up", "top_up")
    }
    assert [(r["funder"], r["share"]) for r in rows if r["part"] == "funder"] == [
        ("VenJ", "1/2"),
        ("VWS", "1/2"),
    ]
    y2015 = [r for r in rows if r["year"] == 2015]
    cash = next(r for r in y2015 if r["part"] == "result" and r["basis"] == "cash")
    assert (cash["amount"], cash["amount_cents"]) == ("67600.00", 6760000)
    part = next(r for r in y2015 if r["part"] == "split_part" and r["basis"] == "cash")
    assert (part["funder"], part["amount"], part["amount_cents"]) == ("VenJ", "33800.00", 3380000)
    costs = next(r for r in y2015 if r["part"] == "input")
    assert costs["key"] == "costs" and costs["assumption"] is True
    assert (costs["unit"], costs["amount"], costs["amount_cents"]) == ("money", "67600.00", 6760000)
    whole = [r for r in rows if r["year"] is None and r["part"] == "input"]
    assert [(r["key"], r["value"]) for r in whole[:2]] == [
        ("first_year", 2015),
        ("last_year", 2017),
    ]


def test_cli_unknown_commitment_names_the_close_ids():
    result = invoke(str(LETTER), "sin-topup")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{LETTER}: commitment 'sin-topup': no such commitment (hint: did you mean 'sin-top-up'?)\n"
    )
    assert "Traceback" not in result.output


def test_cli_year_outside_the_span_is_an_error():
    result = invoke(str(LETTER), "sin-top-up", "--year", "2014")
    assert result.exit_code == 1
    assert "has no amounts in fiscal year 2014" in result.stderr
    assert "its years are 2015 to 2017" in result.stderr


def test_uncertain_input_is_marked_central(scenario_file):
    text = LETTER.read_text().replace(
        'amount = "100000.00"',
        'amount = { dist = "triangular", low = "90000.00", mode = "100000.00", '
        'high = "130000.00" }',
    )
    e = explained(scenario_file(text), "mki-support", 2015)
    (base,) = e.years[0].inputs
    assert base.value.value == 10_000_000
    assert base.central_of.startswith("triangular")
    assert "central value of triangular" in explanation_text(e)


# --- the working always agrees with the engine ----------------------------------------------


def features(scenario) -> list[str]:
    """What a generated scenario exercises (see --hypothesis-show-statistics)."""
    out = [f"fiscal year starts {scenario.calendar}"]
    derived: dict[str, int] = {}
    for c in scenario.commitments:
        out += [c.kind, f"{len(c.funders)} funders"]
        if c.kind == "top_up" and c.spec.shortfall is None:
            derived[c.recipient] = derived.get(c.recipient, 0) + 1
        if c.kind == "top_up" and c.spec.total_cap is not None:
            out.append("total cap")
        if c.kind == "grant":
            alloc = c.spec.allocation
            out.append(f"grant by {alloc if isinstance(alloc, str) else 'schedule'}")
            if c.spec.advance is not None:
                out.append("grant with advance and settlement")
    if any(n >= 2 for n in derived.values()):
        out.append("waterfall of derived top-ups")
    return sorted(set(out))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=6, uncertain=True), st.data())
def test_working_reproduces_the_engine(scenario, data):
    """Every amount, funder part and cap flag of the working is the engine's (explain
    raises ExplanationMismatch otherwise), for every commitment of generated scenarios:
    all kinds, waterfalls of top-ups, total caps, 1-3 funders, April and October fiscal
    years, grants by days, months and schedule with advance and settlement."""
    for label in features(scenario):
        event(label)
    rows = budget.project(scenario)
    plan = compile_plan(scenario)
    result = compute(plan)
    for i, c in enumerate(scenario.commitments):
        e, problems = explain(scenario, c.id, rows=rows)
        assert e is not None and not problems
        assert explanation_data(e)  # lays out without error
        explanation_text(e)
        year0 = int(plan.years[0])
        for y in e.years:
            assert y.cash == int(result.cash[0, i, y.year - year0])
            assert y.commitment == int(result.commitment[0, i, y.year - year0])
            for split in y.splits:
                assert sum(p.part for p in split.parts) == (
                    y.cash if split.basis == "cash" else y.commitment
                )
                assert all(p.part >= 0 for p in split.parts)
            if c.kind == "top_up":
                binds = next(s for s in y.steps if s.name == "cap_binds")
                assert binds.value.value == bool(result.binds[0, i, y.year - year0])
                assert binds.value.unit is Unit.FLAG
        years = [y.year for y in e.years]
        if years:
            one = data.draw(st.sampled_from(years))
            single, _ = explain(scenario, c.id, one, rows=rows)
            assert single is not None
            assert single.years == tuple(y for y in e.years if y.year == one)
