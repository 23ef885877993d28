"""Index series with a base year (issue 23, item 4): `[indices.NAME]` and
`indexation = { index, base_year }` / `cap_indexation`."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import project
from budget.core.indices import Indexed
from budget.testing.strategies import scenarios
from tests.helpers import invoke
from tests.reference import reference_project

SCENARIO = """
[scenario]
name = "pbo"
first_year = 2015
last_year = 2017

[funders]
VenJ = "Justice"

[recipients.SIN]
name = "Stop It Now!"

[indices.pbo]
2015 = "0.9%"
2016 = "0.6%"
2017 = "1.1%"

[[commitments]]
id = "a"
kind = "annual"
recipient = "SIN"
funders = "VenJ"
first_year = 2015
last_year = 2017
amount = "100000.00"
indexation = {indexation}

[[commitments]]
id = "sin"
kind = "top_up"
recipient = "SIN"
funders = "VenJ"
first_year = 2015
last_year = 2017
cap = "67600.00"
shortfall = "1000000.00"
{cap}
"""
SERIES = '{ index = "pbo", base_year = 2014 }'


def scenario(indexation: str = SERIES, cap: str = f"cap_indexation = {SERIES}") -> str:
    return SCENARIO.replace("{indexation}", indexation).replace("{cap}", cap)


def amounts(loaded) -> dict[tuple[str, int], int]:
    rows = project(loaded)
    rows = rows[rows.basis == "cash"]
    return {(r.commitment, int(r.year)): int(r.amount_cents) for r in rows.itertuples()}


def test_worked_figures_of_the_issue(load):
    """100,000.00 at price level 2014 with 0.9%, 0.6%, 1.1%: 100,900.00, 101,505.40,
    102,621.96; SIN's cap of 67,600.00 by the same series: 68,617.65 in 2016
    (67,600 x 1.009 x 1.006 = 68,617.6504)."""
    loaded, problems = load(scenario())
    assert problems == []
    found = amounts(loaded)
    assert [found[("a", y)] for y in (2015, 2016, 2017)] == [10_090_000, 10_150_540, 10_262_196]
    assert found[("sin", 2016)] == 6_861_765
    # 2015: 67,600 x 1.009 = 68,208.40; 2017: x 1.011 = 69,372.4405... -> 69,372.44
    assert found[("sin", 2015)] == 6_820_840
    assert found[("sin", 2017)] == 6_937_244


def test_a_cap_stays_nominal_unless_told(load):
    loaded, problems = load(scenario(cap=""))
    assert problems == []
    found = amounts(loaded)
    assert [found[("sin", y)] for y in (2015, 2016, 2017)] == [6_760_000] * 3
    assert found[("a", 2017)] == 10_262_196


def test_the_flat_rate_still_works_beside_the_series(load):
    loaded, problems = load(scenario(indexation='"2%"', cap=""))
    assert problems == []
    found = amounts(loaded)
    assert [found[("a", y)] for y in (2015, 2016, 2017)] == [10_000_000, 10_200_000, 10_404_000]


def test_base_year_equal_to_the_first_year_starts_at_the_base_amount(load):
    loaded, problems = load(scenario('{ index = "pbo", base_year = 2015 }', cap=""))
    assert problems == []
    found = amounts(loaded)
    # 100,000 x 1.006 = 100,600.00; x 1.011 = 101,706.60
    assert [found[("a", y)] for y in (2015, 2016, 2017)] == [10_000_000, 10_060_000, 10_170_660]


def test_exact_decimal_rates_equal_percentages(load):
    text = scenario().replace('"0.9%"', '"0.009"').replace('"1.1%"', '"0.011"')
    loaded, problems = load(text)
    assert problems == []
    assert amounts(loaded)[("a", 2017)] == 10_262_196


def problem_of(load, text: str) -> str:
    loaded, problems = load(text)
    assert loaded is None
    assert len(problems) == 1, problems
    return problems[0]


def test_an_unknown_series_names_the_commitment_and_field(load):
    line = problem_of(load, scenario('{ index = "cpb", base_year = 2014 }', cap=""))
    assert "scenario.toml" in line
    assert "commitment 'a', field 'indexation'" in line
    assert "'cpb' is not an index series" in line
    assert "series are pbo" in line


def test_a_base_year_after_the_first_year_is_refused(load):
    line = problem_of(load, scenario('{ index = "pbo", base_year = 2016 }', cap=""))
    assert "commitment 'a', field 'indexation'" in line
    assert "base_year 2016 is after first_year 2015" in line


def test_a_year_the_series_does_not_reach_names_series_and_year(load):
    text = scenario(cap="").replace('2017 = "1.1%"\n', "")
    line = problem_of(load, text)
    assert "commitment 'a', field 'indexation'" in line
    assert "index series 'pbo' has no rate for year 2017" in line


def test_a_gap_in_the_series_names_series_and_year(load):
    text = scenario(cap="").replace('2016 = "0.6%"\n', "")
    line = problem_of(load, text)
    assert "index 'pbo'" in line
    assert "has no rate for year 2016 (a gap in the series)" in line


def test_a_gap_needed_by_a_cap_names_the_cap_field(load):
    text = scenario(indexation='"0"').replace('2015 = "0.9%"\n', "")
    line = problem_of(load, text)
    assert "commitment 'sin', field 'cap_indexation'" in line
    assert "has no rate for year 2015" in line


def test_a_bad_rate_in_a_series_names_the_year(load):
    line = problem_of(load, scenario().replace('"0.6%"', '"lots"'))
    assert "index 'pbo', field '2016'" in line
    assert "is not a rate" in line


def test_a_badly_written_series_is_one_line(load):
    line = problem_of(load, scenario('{ index = "pbo" }', cap=""))
    assert "commitment 'a', field 'indexation': is not an index series" in line
    assert "base_year = 2014" in line


def test_exit_1_one_line_per_problem(scenario_file):
    path = scenario_file(scenario('{ index = "cpb", base_year = 2014 }', cap=""))
    result = invoke("run", path)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_extends_patches_one_year_of_a_series(tmp_path, load):
    (tmp_path / "base.toml").write_text(scenario(cap=""), encoding="utf-8")
    loaded, problems = load('[scenario]\nextends = "base.toml"\n\n[indices.pbo]\n2016 = "1%"\n')
    assert problems == []
    # 100,000 x 1.009 x 1.01 = 101,909.00; x 1.011 = 103,030.00 (103,029.999 -> .00)
    found = amounts(loaded)
    assert found[("a", 2016)] == 10_190_900
    assert found[("a", 2017)] == 10_303_000


def test_a_register_cell_names_the_series_as_text(tmp_path, load):
    (tmp_path / "r.csv").write_text(
        "id,kind,recipient,funders,first_year,last_year,amount,indexation\n"
        "r1,annual,SIN,VenJ,2015,2017,100000.00,pbo from 2014\n"
        "r2,annual,SIN,VenJ,2015,2017,100000.00,2%\n",
        encoding="utf-8",
    )
    text = scenario(cap="").replace('name = "pbo"\n', 'name = "pbo"\nregister = "r.csv"\n')
    loaded, problems = load(text)
    assert problems == []
    found = amounts(loaded)
    assert [found[("r1", y)] for y in (2015, 2016, 2017)] == [10_090_000, 10_150_540, 10_262_196]
    assert found[("r2", 2016)] == 10_200_000


def test_outputs_without_indices_do_not_change(scenario_file):
    """A scenario whose commitments use no series runs as before (the golden tests check
    whole outputs); here: the same run with and without an unused [indices] table."""
    text = scenario(indexation='"2%"', cap="")
    without = text.replace('[indices.pbo]\n2015 = "0.9%"\n2016 = "0.6%"\n2017 = "1.1%"\n', "")
    assert (
        invoke("run", scenario_file(text)).stdout
        == invoke("run", scenario_file(without, "b.toml")).stdout
    )


# --- properties against the scalar reference (tests/reference.py) ---------------------

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RATES = st.fractions(min_value=Fraction(-1, 10), max_value=Fraction(1, 5), max_denominator=10_000)


def engine_amounts(s) -> dict:
    rows = project(s)
    return {
        (r.commitment, r.funder, r.basis, int(r.year)): int(r.amount_cents)
        for r in rows.itertuples()
    }


def indexed(s, data, rates=RATES):
    """The scenario with each annual and top-up indexed by a random series (or not)."""
    out = []
    for c in s.commitments:
        spec = c.spec
        attribute = {"annual": "index", "top_up": "cap_index"}.get(c.kind)
        if attribute is not None and data.draw(st.booleans()):
            base = spec.first_year - data.draw(st.integers(0, 2))
            years = range(base + 1, spec.last_year + 1)
            series = tuple((y, data.draw(rates)) for y in years)
            replaced = {attribute: Indexed("s", base, series)}
            if c.kind == "annual":
                replaced["indexation"] = Fraction(0)
            spec = dataclasses.replace(spec, **replaced)
        out.append(dataclasses.replace(c, spec=spec))
    return dataclasses.replace(s, commitments=tuple(out))


@SETTINGS
@given(scenarios(max_commitments=6), st.data())
def test_indexed_amounts_equal_the_scalar_fraction_computation(s, data):
    t = indexed(s, data)
    assert engine_amounts(t) == reference_project(t)


@SETTINGS
@given(scenarios(max_commitments=6), st.data())
def test_an_all_zero_series_gives_the_unindexed_amounts(s, data):
    unindexed = {
        "annual": {"indexation": Fraction(0), "index": None},
        "top_up": {"cap_index": None},
    }
    flat = dataclasses.replace(
        s,
        commitments=tuple(
            dataclasses.replace(c, spec=dataclasses.replace(c.spec, **unindexed[c.kind]))
            if c.kind in unindexed
            else c
            for c in s.commitments
        ),
    )
    zero = indexed(flat, data, st.just(Fraction(0)))
    assert engine_amounts(zero) == engine_amounts(flat)


# --- explain and the Calculation sheet ------------------------------------------------


def test_explain_shows_each_factor(scenario_file):
    result = invoke("explain", scenario_file(scenario()), "a")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "index series   pbo from 2014" in text
    assert "rate of pbo in 2015: [indices.pbo] 2015 = 0.9%" in text
    assert "rate of pbo in 2017: [indices.pbo] 2017 = 1.1%" in text
    assert "(1 + 0.9%) x (1 + 0.6%) x (1 + 1.1%) = 513109797/500000000" in text
    assert "round(102,621.9594, 2) = 102,621.96" in text


def test_explain_shows_the_indexed_cap(scenario_file):
    result = invoke("explain", scenario_file(scenario()), "sin")
    assert result.exit_code == 0, result.output
    assert "cap indexed by  pbo from 2014" in result.stdout
    assert "67,600.00 x 507527/500000 = 68,617.6504" in result.stdout
    assert "round(68,617.6504, 2) = 68,617.65" in result.stdout


def test_the_calculation_sheet_computes_the_factors_live(load, tmp_path):
    from tests.render.workbook.test_calculation_sheet import block, check_workbook, written

    loaded, problems = load(scenario())
    assert problems == []
    rows, path = written(loaded, tmp_path, "indexed")
    assert check_workbook(loaded, rows, path) > 0
    import openpyxl

    ws = openpyxl.load_workbook(path)["Calculation"]
    lines = block(ws, loaded, "a")
    assert "rate of pbo" in lines and "index factor" in lines
    assert "cap, indexed" in block(ws, loaded, "sin")
