"""`budget explain` (text and --format json) of issue 23's fields: a pending commitment's
p, decision and how --pending counts it; the co-financing's working; an index series'
rates and factors; a condition met, not met or not yet achieved."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings

from budget.engine.pending import with_pending
from budget.reports.explain import explain_all
from budget.testing.strategies import scenarios
from tests.helpers import invoke, load_text
from tests.load.test_inherit_issue23 import COMMITMENTS, PBO_2014, SERIES, scenario_text

ANNUAL = COMMITMENTS["d"] | {"recipient": '"police"'}
EXTRA = {
    "met": ANNUAL | {"condition": '{ indicator = "police-suspects", year = 2012 }'},
    "unmet": ANNUAL | {"condition": '{ indicator = "police-suspects", year = 2013 }'},
    "capped": COMMITMENTS["eu"]
    | {
        "recipient": '"police"',
        "max_per_year": '"40000.00"',
        "eligible": '{ 2015 = "50000.00", 2016 = "70000.00" }',
    },
}
TOP = COMMITMENTS["top"] | {"cap_indexation": PBO_2014}


@pytest.fixture
def path(tmp_path):
    file = tmp_path / "explained.toml"
    file.write_text(scenario_text({**COMMITMENTS, "top": TOP, **EXTRA}, SERIES), encoding="utf-8")
    return file


def text(path, cid, mode="none", year="2015"):
    result = invoke("explain", path, cid, "--year", year, "--pending", mode)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def rows(path, cid, mode="none"):
    result = invoke("explain", path, cid, "--pending", mode, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def part(found, kind, key, year=None):
    """The one row of `found` of part `kind` and key `key` (in `year`)."""
    match = [r for r in found if r["part"] == kind and r["key"] == key and r["year"] == year]
    assert len(match) == 1, (kind, key, year, match)
    return match[0]


def notes(found):
    return [r["label"] for r in found if r["part"] == "note"]


def test_a_pending_commitment_shows_p_decision_and_the_expected_step(path):
    out, _ = text(path, "eu", "expected")
    assert "probability of the decision         1/2  (" in out
    assert "commitment 'eu', field 'p')" in out
    assert "Pending (p = 1/2, decision expected 2015-06-01): --pending expected counts it" in out
    assert "expected total (cash basis): round(p x total as decided, 2) = round(1/2 x " in out
    assert "Result: 25,000.00 on the commitment basis, 25,000.00 on the cash basis" in out
    found = rows(path, "eu", "expected")
    p = part(found, "input", "p")
    assert (p["fraction"], p["where"]) == ("1/2", "commitment 'eu', field 'p'")
    assert part(found, "step", "expected_total_cash")["amount_cents"] == 5_000_000
    cash = [r for r in found if r["part"] == "result" and r["basis"] == "cash"]
    assert [r["amount_cents"] for r in cash] == [2_500_000, 2_500_000]
    assert any("decision expected 2015-06-01" in n for n in notes(found))


@pytest.mark.parametrize("mode", ["none", "all"])
def test_a_pending_commitment_as_decided(path, mode):
    out, err = text(path, "eu", mode)
    # the p as written stays in view, though it is counted at 1
    assert "Pending (p = 1/2, decision expected 2015-06-01): worked out as decided" in out
    assert "never legally committed" in out
    assert "Result: 50,000.00 on the commitment basis, 50,000.00 on the cash basis" in out
    if mode == "none":
        assert "'eu' is pending: its working is shown as decided" in err
    found = rows(path, "eu", mode)
    cash = [r["amount_cents"] for r in found if r["part"] == "result" and r["basis"] == "cash"]
    assert cash == [5_000_000, 5_000_000]


def test_the_co_financing_working(path):
    found = rows(path, "eu", "all")
    assert part(found, "step", "eligible_total")["amount_cents"] == 13_520_000
    assert part(found, "step", "rated")["amount_cents"] == 10_816_000
    assert part(found, "step", "total")["amount_cents"] == 10_000_000
    assert part(found, "input", "rate")["fraction"] == "4/5"
    assert part(found, "input", "max")["amount_cents"] == 10_000_000
    # max_per_year: 96,000.00 spread 40,000.00 / 56,000.00, each year at most 40,000.00
    out, _ = text(path, "capped", "all", "2016")
    assert next(line.split() for line in out.splitlines() if "most in a year" in line)[4] == (
        "40,000.00"
    )
    assert "min(part, max_per_year) = min(56,000.00, 40,000.00) = 40,000.00" in out
    assert "eligible costs  70,000.00  (" in out and "field 'eligible', 2016)" in out
    found = rows(path, "capped", "all")
    assert part(found, "input", "max_per_year")["amount_cents"] == 4_000_000
    assert part(found, "step", "amount", 2016)["amount_cents"] == 4_000_000


def test_index_rates_and_factors(path):
    out, _ = text(path, "a", year="2017")
    assert "index series   pbo from 2014" in out
    assert "rate of pbo in 2016: [indices.pbo] 2016 = 0.6% = 3/500" in out
    assert "amount x factor = 100,000.00 x " in out
    assert "Result: 102,621.96 on the commitment basis" in out
    found = rows(path, "a")
    assert part(found, "input", "index_series")["value"] == "pbo from 2014"
    assert part(found, "step", "index_rate:2015", 2015)["fraction"] == "9/1000"
    assert part(found, "step", "factor", 2016)["fraction"] == str(
        Fraction(1009, 1000) * Fraction(1006, 1000)
    )
    assert part(found, "step", "amount", 2017)["amount_cents"] == 10_262_196
    found = rows(path, "top")
    assert part(found, "input", "cap_indexation")["value"] == "pbo from 2014"
    assert part(found, "step", "indexed_cap", 2016)["amount_cents"] == 6_861_765


def test_a_condition_met(path):
    out, _ = text(path, "met")
    assert (
        "condition (indicator, year)  police-suspects in 2012: met (achieved 522, target 511)"
        in out
    )
    assert "Pending" not in out
    found = rows(path, "met")
    condition = part(found, "input", "condition")
    assert condition["value"] == "police-suspects in 2012: met (achieved 522, target 511)"
    assert condition["where"] == "commitment 'met', field 'condition'"
    cash = [r["amount_cents"] for r in found if r["part"] == "result" and r["basis"] == "cash"]
    assert cash == [100_000, 100_000, 100_000]


@pytest.mark.parametrize("mode", ["none", "expected", "all"])
def test_a_condition_not_met_pays_nothing_in_every_view(path, mode):
    out, err = text(path, "unmet", mode)
    assert "police-suspects in 2013: not met (achieved 530, target 546)" in out
    assert (
        "Condition police-suspects in 2013 achieved and not met: it pays nothing in every view"
        in out
    )
    assert "Pending (p" not in out and "--pending expected counts it" not in out
    assert "expected total (cash basis): round(p x total as decided, 2) = round(0 x " in out
    assert "Result: 0.00 on the commitment basis, 0.00 on the cash basis" in out
    assert "pays nothing in every view" in err
    found = rows(path, "unmet", mode)
    p = part(found, "input", "p")
    assert (p["label"], p["value"], p["where"]) == (
        "p (the condition was achieved and not met)",
        0,
        "commitment 'unmet', field 'condition'",
    )
    cash = [r["amount_cents"] for r in found if r["part"] == "result" and r["basis"] == "cash"]
    assert cash == [0, 0, 0]


def test_the_calculation_sheet_of_every_standing(tmp_path, path):
    """The workbook's Calculation sheet reproduces the engine for a condition met, not
    met and not yet achieved (p = 0 and the condition's p as blue inputs)."""
    from tests.render.workbook.test_calculation_sheet import check_workbook, written

    loaded, problems = load_text(tmp_path, path.read_text(encoding="utf-8"), "again.toml")
    assert problems == []
    rows, book = written(loaded, tmp_path, "standings")
    assert check_workbook(loaded, rows, book) > 0


def test_a_condition_not_yet_achieved_is_pending_at_its_p(path):
    out, _ = text(path, "t", "expected")
    assert "police-suspects in 2014: not yet achieved (target 594)" in out
    assert "probability the condition is met" in out
    found = rows(path, "t", "expected")
    p = part(found, "input", "p")
    assert (p["fraction"], p["where"]) == ("1/4", "commitment 't', field 'condition'")
    assert part(found, "input", "condition")["value"] == (
        "police-suspects in 2014: not yet achieved (target 594)"
    )
    cash = [r["amount_cents"] for r in found if r["part"] == "result" and r["basis"] == "cash"]
    # 1/4 x 20,000.02 = 5,000.005 -> 5,000.01, by largest remainder 2,500.01 + 2,500.00
    assert cash == [250_001, 250_000]
    out, _ = text(path, "t", "all")
    assert (
        "Pending (p = 1/4, condition police-suspects in 2014: not yet achieved): worked out as "
        "decided (as --pending all counts it)"
    ) in out


@pytest.mark.parametrize("mode", ["none", "expected", "all"])
def test_every_working_is_the_engines(tmp_path, mode):
    """explain_all checks each working against the engine (ExplanationMismatch)."""
    body = scenario_text({**COMMITMENTS, "top": TOP, **EXTRA}, SERIES)
    loaded, problems = load_text(tmp_path, body)
    assert problems == []
    explained = explain_all(with_pending(loaded, mode))
    assert {e.commitment for e in explained} >= {"a", "top", "met"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=4, pending=True, conditions=True))
def test_generated_conditions_are_explained_as_the_engine_counts_them(s):
    for mode in ("none", "expected", "all"):
        counted = with_pending(s, mode)
        for e in explain_all(counted):  # raises ExplanationMismatch where one disagrees
            c = counted.commitment(e.commitment)
            shown = [i.value.value for i in e.inputs if i.name == "condition"]
            if "condition" in c.raw:
                assert len(shown) == 1 and str(shown[0]).startswith(
                    f"{c.raw['condition']['indicator']} in {c.raw['condition']['year']}: "
                )
            else:
                assert shown == []
