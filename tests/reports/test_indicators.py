"""Performance indicators: the letter's figure 1 by hand, exact rounding, bad fields."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import budget
from budget.core.model import Indicator
from budget.reports.indicators import change_pct, cost_per_unit, rounded, target
from tests.helpers import SCENARIOS, invoke

HEADER = "scenario,indicator,unit,year,base,target,achieved,change_pct,met,cost_per_unit"


def test_the_letters_police_agreement():
    # Base 475 suspects (2010). Targets: 475 x 1.075 = 510.625 -> 511; 475 x 1.15 = 546.25
    # -> 546; 475 x 1.25 = 593.75 -> 594. Achieved 522: 522 / 475 - 1 = 9.8947...% -> 9.9;
    # 568 / 475 - 1 = 19.5789...% -> 19.6; both at or above their targets: met.
    result = invoke("indicators", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        HEADER,
        "Letter 2014,police-suspects,suspects,2012,475,511,522,9.9,yes,",
        "Letter 2014,police-suspects,suspects,2013,475,546,568,19.6,yes,",
        "Letter 2014,police-suspects,suspects,2014,475,594,,,,",
    ]


def test_the_table_reads_like_the_letters_figure():
    result = invoke("indicators")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("(suspects): base 475 in 2010")
    assert lines[3].split() == ["2012", "511", "(+7.5%)", "522", "+9.9%", "yes"]
    assert lines[4].split() == ["2013", "546", "(+15%)", "568", "+19.6%", "yes"]
    assert lines[5].split() == ["2014", "594", "(+25%)"]


def test_json_has_numbers_as_numbers_met_as_booleans_and_null_for_missing():
    result = invoke("indicators", str(SCENARIOS / "letter-2014.toml"), "--format", "json")
    rows = json.loads(result.stdout)
    # Figure 1 of the letter: base 475; 2012 target +7.5% = 510.625 -> 511, achieved 522
    # (522 / 475 - 1 = 9.89...% -> 9.9); 2014 has a target (+25% -> 593.75 -> 594) only.
    assert (rows[0]["base"], rows[0]["target"], rows[0]["achieved"]) == (475, 511, 522)
    assert rows[0]["change_pct"] == 9.9
    assert [r["met"] for r in rows] == [True, True, None]
    assert (rows[2]["target"], rows[2]["achieved"], rows[2]["change_pct"]) == (594, None, None)
    assert {r["cost_per_unit"] for r in rows} == {None}


def test_csv_keeps_numbers_as_text_and_met_as_yes_or_no():
    result = invoke("indicators", str(SCENARIOS / "letter-2014.toml"), "--format", "csv")
    lines = result.stdout.splitlines()
    head = lines[0].split(",")
    rows = [dict(zip(head, line.split(","), strict=True)) for line in lines[1:]]
    assert rows[0]["target"] == "511" and rows[0]["change_pct"] == "9.9"
    assert [r["met"] for r in rows] == ["yes", "yes", ""]


def test_adding_indicators_leaves_the_projection_alone():
    scenario = budget.load_scenario(budget.example_path())
    assert [i.id for i in scenario.indicators] == ["police-suspects"]
    assert int(budget.project(scenario)["amount_cents"].sum()) == 2 * 260_280_000


def indicator(**fields) -> Indicator:
    values = {
        "id": "i",
        "name": "i",
        "unit": "",
        "base_year": 2010,
        "base": Fraction(475),
        "targets": (),
    }
    values.update(fields)
    return Indicator(**values)


def test_rounding_is_half_away_from_zero():
    # 0.5 x 1.05 = 0.525 exactly: 0.53 at two decimals (binary floats would give 0.52).
    assert target(indicator(base=Fraction(1, 2), decimals=2), Fraction(5, 100), True) == Decimal(
        "0.53"
    )
    # 10 x (1 - 0.125) = 8.75 -> 8.8; a cut of 105% gives -0.5 -> -1 (away from zero).
    assert target(indicator(base=Fraction(10), decimals=1), Fraction(-1, 8), True) == Decimal("8.8")
    assert target(indicator(base=Fraction(10)), Fraction(-105, 100), True) == Decimal("-1")
    assert rounded(Fraction(-5, 2), 0) == Decimal("-3")
    # A change of exactly x.x5%: 1000 -> 1000.5 is +0.05% -> 0.1.
    assert change_pct(indicator(base=Fraction(1000)), Fraction(2001, 2)) == Decimal("0.1")
    # Cost per unit: 100.00 for 3 units = 33.333... -> 33.33; 200.00 / 3 = 66.67.
    assert cost_per_unit(10_000, Fraction(3)) == 3_333
    assert cost_per_unit(20_000, Fraction(3)) == 6_667
    assert cost_per_unit(1, Fraction(2)) == 1  # half a cent rounds away from zero
    assert cost_per_unit(10_000, Fraction(0)) is None


@given(
    st.integers(1, 10**6),
    st.integers(-(10**4), 10**4),
    st.integers(0, 4),
)
def test_targets_match_a_decimal_reference(base, change_tenths, decimals):
    """Against Python's Decimal with ROUND_HALF_UP (which rounds halves away from zero)."""
    from decimal import ROUND_HALF_UP, localcontext

    got = target(
        indicator(base=Fraction(base), decimals=decimals), Fraction(change_tenths, 1000), True
    )
    with localcontext() as ctx:
        ctx.prec = 50
        exact = Decimal(base) * (1 + Decimal(change_tenths) / 1000)
        expected = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert got == expected


LINKED = """[scenario]
name = "Linked"
[funders.A]
name = "A"
[recipients.R]
name = "R"
[[commitments]]
id = "pay"
kind = "annual"
recipient = "R"
funders = {{ A = "1" }}
first_year = 2015
last_year = 2016
amount = "1000.00"
[[indicators]]
id = "waiting"
name = "Waiting time"
unit = "days"
base_year = 2014
base = "40"
targets = {{ 2015 = "-10%", 2016 = 30.5 }}
achieved = {{ 2015 = 37, 2016 = 31 }}
decimals = 1
higher_is_better = false
commitments = ["pay"]
{extra}
"""


def test_lower_is_better_absolute_targets_and_cost_per_unit(tmp_path):
    path = tmp_path / "linked.toml"
    path.write_text(LINKED.format(extra=""), encoding="utf-8")
    rows = list(
        csv.DictReader(invoke("indicators", str(path), "--format", "csv").stdout.splitlines())
    )
    # 2015: target 40 x 0.9 = 36.0; achieved 37 is above it: not met (lower is better);
    # change 37 / 40 - 1 = -7.5%; cost 1,000.00 / 37 = 27.027... -> 27.03.
    # 2016: target 30.5 as given; 31 > 30.5: not met; change -22.5%; 1,000.00 / 31 =
    # 32.258... -> 32.26.
    fields = ("year", "target", "achieved", "change_pct", "met", "cost_per_unit")
    assert [tuple(r[f] for f in fields) for r in rows] == [
        ("2015", "36.0", "37", "-7.5", "no", "27.03"),
        ("2016", "30.5", "31", "-22.5", "no", "32.26"),
    ]


def test_cost_per_unit_uses_the_forecast_with_actuals(tmp_path):
    (tmp_path / "paid.csv").write_text(
        "year,commitment,funder,amount\n2015,pay,A,740.00\n", encoding="utf-8"
    )
    path = tmp_path / "linked.toml"
    path.write_text(
        LINKED.format(extra="").replace('name = "Linked"', 'name = "Linked"\nactuals = "paid.csv"'),
        encoding="utf-8",
    )
    result = invoke("indicators", str(path), "--format", "csv")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    # 2015 is closed (the file names only 2015): the forecast is the actual 740.00; / 37
    # = 20.00. 2016 is future: the plan, 1,000.00 / 31 = 32.26.
    assert [r["cost_per_unit"] for r in rows] == ["20.00", "32.26"]
    assert "use the forecast" in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('base_year = "soon"', "indicator 'waiting', field 'base_year': 'soon' is not a year"),
        ("decimals = 9", "indicator 'waiting', field 'decimals': 9 is out of range"),
        ("higher_is_better = 1", "field 'higher_is_better': 1 is not true or false"),
        ('commitments = ["pai"]', "'pai' is not a commitment of this scenario (hint: did you"),
        ('targets = { 2015 = "ten%" }', "field 'targets': 'ten' is not a number in 2015"),
        ('targets = { soon = 5 }', "field 'targets': 'soon' is not a year"),
        ('achieved = { 2015 = "many" }', "field 'achieved': 'many' is not a number in 2015"),
        ("base = 0", "field 'base': is 0"),
        ('colour = "red"', "field 'colour': is not a field here"),
    ],
)  # fmt: skip
def test_bad_indicator_fields(tmp_path, extra, message):
    path = tmp_path / "bad.toml"
    text = LINKED.format(extra="")
    key = extra.split(" =")[0]
    text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{key} ="))
    path.write_text(text + "\n" + extra + "\n", encoding="utf-8")
    result = invoke("validate", str(path))
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    assert any(message in line for line in lines), lines


def test_an_extending_scenario_patches_indicators_by_id(tmp_path):
    path = tmp_path / "later.toml"
    path.write_text(
        f'[scenario]\nextends = "{SCENARIOS / "letter-2014.toml"}"\nname = "Later"\n'
        '[[indicators]]\nid = "police-suspects"\n'
        "achieved = { 2012 = 522, 2013 = 568, 2014 = 590 }\n",
        encoding="utf-8",
    )
    rows = list(
        csv.DictReader(invoke("indicators", str(path), "--format", "csv").stdout.splitlines())
    )
    # 590 / 475 - 1 = 24.21...% -> 24.2; 590 < 594: not met.
    assert (rows[2]["achieved"], rows[2]["change_pct"], rows[2]["met"]) == ("590", "24.2", "no")
    assert rows[0]["target"] == "511"  # the inherited targets


def test_indicator_years_follow_the_scenarios_year_label(tmp_path):
    """With year_label = "fy" every year of the indicators is named FY..., in the terminal
    table and on the Indicators sheet, as on every other table."""
    import openpyxl

    text = (SCENARIOS / "letter-2014.toml").read_text(encoding="utf-8")
    assert "year_label" not in text
    path = tmp_path / "fy.toml"
    path.write_text(text.replace("[scenario]\n", '[scenario]\nyear_label = "fy"\n', 1))
    result = invoke("indicators", str(path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("(suspects): base 475 in FY2010")
    assert lines[3].split()[:2] == ["FY2012", "511"]
    book = tmp_path / "fy.xlsx"
    assert invoke("run", str(path), "-o", str(book)).exit_code == 0
    sheet = openpyxl.load_workbook(book)["Indicators"]
    column_a = [c.value for c in sheet["A"] if c.value is not None]
    assert [v for v in column_a if str(v).startswith("FY")] == ["FY2012", "FY2013", "FY2014"]
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str) and "base 475" in c.value]
    assert notes and all("in FY2010" in n for n in notes)
