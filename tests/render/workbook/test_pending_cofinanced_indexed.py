"""The Calculation sheet of co-financing, index series, pending commitments and tranches on
a result (issue 23) recalculates in LibreOffice to the engine's figures.

Four workbooks written by `budget run -o`, one per family: co-financing (a max that binds,
a max_per_year that binds, eligible costs by year so uneven that the largest remainder
moves cents, rates 80% and 33.3%, top-ups making up the rest); amounts and a cap indexed
by a series (the issue's 100,000.00 at 2014 and SIN's 67,600.00); `--pending expected`
with a pending top-up ranked after a decided top-up ranked after a pending co-financing;
tranches whose condition is met, not met and not yet achieved. Every cached value is first
made wrong (999); after LibreOffice recalculates, every formula of every sheet equals the
value the program cached (which the fast tests evaluate exactly), every Overview figure
equals the engine's, and every check cell says "ok". The fast tests evaluate the same
workbooks' formulas exactly (tests/formulas.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

import budget
from budget.render.workbook.calculation_split import ADDS_UP
from tests.helpers import invoke, write_file
from tests.render.workbook.test_cached_values import same
from tests.render.workbook.test_calculation_sheet import block, check_workbook
from tests.render.workbook.test_libreoffice import with_wrong_cached_values
from tests.workbook_helpers import engine_cents, libreoffice_convert, soffice, table_cells

CALCULATION = "Calculation"
CHECK = "check: the parts add up to the amounts"
TABLES = (("Overview", "funder"), ("Overview x EUR 1,000", "funder"), ("By recipient", "recipient"))

COFINANCED = """
[scenario]
name = "Co-financing"
first_year = 2015
last_year = 2017

[funders]
EU = "European Union"
VenJ = "Justice"
VWS = "Health"

[recipients.SIN]
name = "Stop It Now!"
costs = "67600.00"

[recipients.MKI]
name = "Meldpunt"
costs = { 2015 = "100.00", 2016 = "200.01", 2017 = "33.34" }

[recipients.PKN]
name = "Platform"
costs = { 2015 = "12345.67", 2016 = "50000.00", 2017 = "7.01" }

[recipients.B]
name = "Ties"
costs = { 2015 = "45.00", 2016 = "1000.00", 2017 = "0.00" }

# 0.8 x 202,800.00 = 162,240.00, at most 100,000.00: 33,333.34 + 33,333.33 + 33,333.33
[[commitments]]
id = "eu-sin"
kind = "cofinanced"
recipient = "SIN"
funders = "EU"
first_year = 2015
last_year = 2017
rate = "80%"
max = "100000.00"

[[commitments]]
id = "sin-top-up"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2017
cap = "67600.00"
priority = 1

# 0.333 x 333.35 = 111.00555 -> 111.01 over 100.00, 200.01 and 33.34
[[commitments]]
id = "eu-mki"
kind = "cofinanced"
recipient = "MKI"
funders = { EU = "2/3", VenJ = "1/3" }
first_year = 2015
last_year = 2017
rate = "33.3%"

# 0.8 x 62,352.68 = 49,882.14, at most 45,000.00; 2016's part 36,085.06 above 30,000.00
[[commitments]]
id = "eu-pkn"
kind = "cofinanced"
recipient = "PKN"
funders = "EU"
first_year = 2015
last_year = 2017
rate = "80%"
max = "45000.00"
max_per_year = "30000.00"
eligible = { 2015 = "12345.67", 2016 = "50000.00", 2017 = "7.01" }

# ties of half a cent, rounded away from zero: 0.1% x 1,045.00 = 1.045 -> 1.05, and
# 0.7 x 0.05 = 0.035 -> 0.04 in 2015
[[commitments]]
id = "eu-ties"
kind = "cofinanced"
recipient = "B"
funders = "EU"
first_year = 2015
last_year = 2017
rate = "0.1%"

[[commitments]]
id = "eu-tie-2015"
kind = "cofinanced"
recipient = "B"
funders = "EU"
first_year = 2015
last_year = 2017
rate = "0.7"
eligible = { 2015 = "0.05", 2016 = "0.00", 2017 = "0.00" }

[[commitments]]
id = "pkn-top-up"
kind = "top_up"
recipient = "PKN"
funders = { VenJ = "1/3", VWS = "2/3" }
first_year = 2015
last_year = 2017
cap = "20000.00"
priority = 1
"""

INDEXED = """
[scenario]
name = "Indexed"
first_year = 2015
last_year = 2017

[funders]
VenJ = "Justice"
VWS = "Health"

[recipients.SIN]
name = "Stop It Now!"
costs = "80000.00"

[recipients.R]
name = "Another"

[indices.pbo]
2013 = "2.5%"
2014 = "1.2%"
2015 = "0.9%"
2016 = "0.6%"
2017 = "1.1%"

[[commitments]]
id = "a"
kind = "annual"
recipient = "R"
funders = { VenJ = "1/3", VWS = "2/3" }
first_year = 2015
last_year = 2017
amount = "100000.00"
indexation = { index = "pbo", base_year = 2014 }

# from 2012: the rates of 2013 and 2014 are a constant factor in 2015's formula
[[commitments]]
id = "b"
kind = "annual"
recipient = "R"
funders = "VenJ"
first_year = 2015
last_year = 2017
amount = "12345.67"
indexation = { index = "pbo", base_year = 2012 }

[[commitments]]
id = "sin-top-up"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2017
cap = "67600.00"
cap_indexation = { index = "pbo", base_year = 2014 }
"""

# The EU decides at p = 1/3; VenJ makes up the rest up to 20,000.00 (decided); VWS and
# VenJ would make up what is left up to 25,000.00 (pending, p = 35%). As decided, the VWS
# top-up reads what the others pay with every pending commitment decided: in 2017 VenJ
# pays 13,832.55 then (33,333.33 - 19,500.78), 20,000.00 at p.
PENDING = """
[scenario]
name = "Pending chain"
first_year = 2015
last_year = 2017

[funders]
EU = "European Union"
VenJ = "Justice"
VWS = "Health"

[recipients.SIN]
name = "Stop It Now!"
costs = { 2015 = "67600.00", 2016 = "70000.01", 2017 = "33333.33" }

[[commitments]]
id = "eu"
kind = "cofinanced"
recipient = "SIN"
funders = "EU"
first_year = 2015
last_year = 2017
rate = "80%"
max = "100000.00"
status = "pending"
p = "1/3"
decision = 2015-03-01

[[commitments]]
id = "venj-top-up"
kind = "top_up"
recipient = "SIN"
funders = "VenJ"
first_year = 2015
last_year = 2017
cap = "20000.00"
priority = 1

[[commitments]]
id = "vws-top-up"
kind = "top_up"
recipient = "SIN"
funders = { VWS = "1/3", VenJ = "2/3" }
first_year = 2015
last_year = 2017
cap = "25000.00"
priority = 2
status = "pending"
p = "35%"
"""

# Figure 1 of the letter: targets 511 (2012), 546 (2013), 594 (2014); achieved 522 in
# 2012 (met) and 530 in 2013 (not met); 2014 not yet achieved.
CONDITIONS = """
[scenario]
name = "Tranches"
first_year = 2015
last_year = 2016

[funders]
VenJ = "Justice"
VWS = "Health"

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
id = "met"
kind = "annual"
recipient = "police"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2016
amount = "10000.01"
condition = { indicator = "police-suspects", year = 2012 }

[[commitments]]
id = "not-met"
kind = "annual"
recipient = "police"
funders = "VenJ"
first_year = 2015
last_year = 2016
amount = "20000.00"
condition = { indicator = "police-suspects", year = 2013 }

[[commitments]]
id = "not-yet"
kind = "annual"
recipient = "police"
funders = { VenJ = "1/3", VWS = "2/3" }
first_year = 2015
last_year = 2016
amount = "30000.01"
indexation = "2%"
condition = { indicator = "police-suspects", year = 2014, p = "1/4" }
"""

# name: (scenario text, --pending)
FAMILIES = {
    "cofinanced": (COFINANCED, "none"),
    "indexed": (INDEXED, "none"),
    "pending": (PENDING, "expected"),
    "conditions": (CONDITIONS, "expected"),
}


def run_workbook(folder: Path, name: str) -> tuple[Any, Any, Path]:
    """`budget run SCENARIO --pending MODE -o NAME.xlsx`: the scenario as counted, the
    engine's rows and the workbook."""
    text, mode = FAMILIES[name]
    source = write_file(folder, text, f"{name}.toml")
    path = folder / f"{name}.xlsx"
    result = invoke("run", source, "--pending", mode, "-o", path)
    assert result.exit_code == 0, result.output
    scenario = budget.load_scenario(source)
    return scenario, budget.project(scenario, pending=mode), path


def amounts(path: Path, scenario: Any, commitment: str, label: str) -> list[Any]:
    """A line's cached values in the year columns."""
    ws = openpyxl.load_workbook(path)[CALCULATION]
    row = block(ws, scenario, commitment)[label]
    values = openpyxl.load_workbook(path, data_only=True)[CALCULATION]
    years = [c.column for c in ws[5] if str(c.value).isdigit()]
    return [values.cell(row, c).value for c in years]


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_formula_evaluates_to_the_engine(tmp_path: Path, name: str) -> None:
    scenario, rows, path = run_workbook(tmp_path, name)
    assert check_workbook(scenario, rows, path) > 50


def test_the_worked_figures_are_on_the_sheet(tmp_path: Path) -> None:
    scenario, _, path = run_workbook(tmp_path, "indexed")
    assert amounts(path, scenario, "a", "amount") == [100900, 101505.4, 102621.96]
    assert amounts(path, scenario, "sin-top-up", "cap, indexed") == [68208.4, 68617.65, 69372.44]
    scenario, _, path = run_workbook(tmp_path, "cofinanced")
    assert amounts(path, scenario, "eu-pkn", "amount") == [8909.88, 30000, 5.06]
    assert amounts(path, scenario, "eu-ties", "the total's part for the year") == [0.05, 1, 0]
    assert amounts(path, scenario, "eu-tie-2015", "the total's part for the year") == [0.04, 0, 0]
    scenario, _, path = run_workbook(tmp_path, "pending")
    # as decided, what VenJ pays with every pending commitment decided
    assert amounts(path, scenario, "venj-top-up", "amount (all decided)") == [
        20000,
        20000,
        13832.55,
    ]
    lines = block(openpyxl.load_workbook(path)[CALCULATION], scenario, "vws-top-up")
    assert "paid to SIN by venj-top-up (ranked before)" in lines


def test_explain_reads_the_others_as_decided_under_expected(tmp_path: Path) -> None:
    """A pending top-up's working as decided reads every pending commitment decided, also
    when the scenario was counted with --pending expected (it once read them at p)."""
    source = write_file(tmp_path, PENDING)
    result = invoke("explain", source, "vws-top-up", "--pending", "expected")
    assert result.exit_code == 0, result.output
    paid = "paid to SIN by venj-top-up (ranked before): cash of venj-top-up in the year ="
    assert f"{paid} 13,832.55" in result.stdout  # 2017, with the EU decided
    assert "Result: 2,818.35 on the commitment basis, 2,818.35 on the cash basis" in result.stdout


@pytest.mark.slow
def test_libreoffice_recalculates_every_figure_to_the_engine(tmp_path: Path) -> None:
    soffice()
    cases = [run_workbook(tmp_path, name) for name in FAMILIES]
    doctored = []
    for _, _, path in cases:
        doctored.append(tmp_path / "doctored" / path.name)
        doctored[-1].parent.mkdir(exist_ok=True)
        assert with_wrong_cached_values(path, doctored[-1]) > 50
    converted = libreoffice_convert(doctored, tmp_path / "out", "xlsx", tmp_path / "profile")
    for (scenario, rows, ours), theirs in zip(cases, converted, strict=True):
        formulas = openpyxl.load_workbook(ours)
        cached = openpyxl.load_workbook(ours, data_only=True)
        values = openpyxl.load_workbook(theirs, data_only=True)
        checked = 0
        for ws in formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    mine = cached[ws.title][cell.coordinate].value
                    got = values[ws.title][cell.coordinate].value
                    where = (ours.name, ws.title, cell.coordinate, cell.value, mine, got)
                    if isinstance(mine, str) or mine is None:
                        assert (mine or "") == (got or ""), where
                    elif float(mine).is_integer() or round(mine * 100) == mine * 100:
                        assert isinstance(got, int | float), where
                        assert round(got * 100) == round(mine * 100), where
                    else:  # a share or an index factor
                        assert got == pytest.approx(mine, rel=1e-12), where
                    checked += 1
        assert checked > 100, ours.name
        compared = 0
        for sheet, by in TABLES:
            for cell in table_cells(formulas[sheet]):
                got = values[sheet][cell.coordinate].value
                assert round(got * 100) == engine_cents(rows, scenario, cell, by), (sheet, cell)
                compared += 1
        assert compared > 20, ours.name
        ws = values[CALCULATION]
        checks = [r[1].value for r in ws.iter_rows() if r[0].value == CHECK]
        assert checks == [ADDS_UP] * len(scenario.commitments), (ours.name, checks)


# --- what-ifs typed into the workbook ----------------------------------------------------
#
# Per family, edits typed into the Calculation sheet's input cells with openpyxl and the
# same edits made in the scenario text; after LibreOffice recalculates, every figure of the
# Overview-like tables and of Commitment vs cash equals `budget run` of the edited
# scenario. An edit the formulas cannot follow (which series, from which base year, a
# commitment is indexed by) makes its check cell say to re-run, while the others say "ok".

# family: ([(commitment, line, year or None for the Value column, value)],
#          [(scenario text, edited text)], commitments whose check must say to re-run)
EDITS: dict[str, tuple[list[tuple[str, str, int | None, Any]], list[tuple[str, str]], set[str]]]
EDITS = {
    "cofinanced": (
        [
            ("eu-sin", "rate of the eligible costs", None, 0.6),
            ("eu-sin", "most over the span", None, 150000),
            ("eu-mki", "rate of the eligible costs", None, 0.125),
            ("eu-pkn", "eligible costs", 2016, 1234.56),
            ("eu-pkn", "most in a year", None, 5000),
        ],
        [
            ('rate = "80%"\nmax = "100000.00"', 'rate = "60%"\nmax = "150000.00"'),
            ('rate = "33.3%"', 'rate = "12.5%"'),
            (
                'eligible = { 2015 = "12345.67", 2016 = "50000.00"',
                'eligible = { 2015 = "12345.67", 2016 = "1234.56"',
            ),
            ('max_per_year = "30000.00"', 'max_per_year = "5000.00"'),
        ],
        set(),
    ),
    "indexed": (
        [
            ("a", "rate of pbo", 2016, 0.025),
            ("b", "rate of pbo", 2016, 0.025),
            ("sin-top-up", "rate of pbo", 2016, 0.025),
            ("b", "index series", None, "pbo from 2013"),  # not followed: re-run
        ],
        [('2016 = "0.6%"', '2016 = "2.5%"')],
        {"b"},
    ),
    "pending": (
        [
            ("eu", "probability of the decision", None, 0.6),
            ("vws-top-up", "probability of the decision", None, 0.8),
            # what the VWS top-up reads as decided: VenJ's as if every pending one were
            ("eu", "rate of the eligible costs", None, 0.7),
            ("venj-top-up", "cap for the year", None, 15000),
        ],
        [
            ('p = "1/3"', 'p = "60%"'),
            ('p = "35%"', 'p = "0.8"'),
            ('rate = "80%"', 'rate = "70%"'),
            ('cap = "20000.00"', 'cap = "15000.00"'),
        ],
        set(),
    ),
    "conditions": (
        [("not-yet", "probability the condition is met", None, 0.75)],
        [('p = "1/4"', 'p = "3/4"')],
        set(),
    ),
}


def edit_book(path: Path, scenario: Any, name: str, target: Path) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[CALCULATION]
    years = {int(c.value): c.column for c in ws[5] if str(c.value).isdigit()}
    for commitment, label, year, value in EDITS[name][0]:
        cell = ws.cell(block(ws, scenario, commitment)[label], years[year] if year else 2)
        assert cell.value is not None and cell.data_type != "f", (commitment, label)
        cell.value = value
    target.parent.mkdir(exist_ok=True)
    book.save(target)


def edited_scenario(folder: Path, name: str) -> Any:
    text, mode = FAMILIES[name]
    for old, new in EDITS[name][1]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return budget.load_scenario(write_file(folder, text, f"{name}-edited.toml")), mode


@pytest.mark.slow
def test_what_ifs_follow_the_engine(tmp_path: Path) -> None:
    from tests.render.workbook.test_live_edits import engine_expectations

    soffice()
    originals, targets = {}, []
    for name in EDITS:
        scenario, _, path = run_workbook(tmp_path, name)
        originals[name] = (scenario, path)
        targets.append(tmp_path / "edited" / path.name)
        edit_book(path, scenario, name, targets[-1])
    converted = libreoffice_convert(targets, tmp_path / "out", "xlsx", tmp_path / "profile")
    for name, result in zip(EDITS, converted, strict=True):
        scenario, path = originals[name]
        edited, mode = edited_scenario(tmp_path, name)
        rows = budget.project(edited, pending=mode)
        values = openpyxl.load_workbook(result, data_only=True)
        expected = engine_expectations(openpyxl.load_workbook(result), edited, rows)
        assert len(expected) > 50, name
        before = openpyxl.load_workbook(path, data_only=True)
        moved = 0
        for (sheet, coordinate), want in expected.items():
            got = values[sheet][coordinate].value
            assert same(got, want), (name, sheet, coordinate, got, want)
            moved += not same(before[sheet][coordinate].value, want)
        assert moved > 10, (name, moved)  # the what-if moved the figures
        ws = openpyxl.load_workbook(path)[CALCULATION]
        for c in scenario.commitments:
            check = values[CALCULATION].cell(block(ws, scenario, c.id)[CHECK], 2).value
            if c.id in EDITS[name][2]:
                assert "re-run budget" in check, (name, c.id, check)
            else:
                assert check == ADDS_UP, (name, c.id, check)


# --- tranches on a result: the condition named on the sheet --------------------------------


def test_the_sheet_names_each_condition_as_text(tmp_path: Path) -> None:
    # An indicator id that looks like a formula: text from input files stays text.
    text = CONDITIONS.replace("police-suspects", "=SUM(1,2)")
    FAMILIES["hostile"] = (text, "expected")
    try:
        scenario, _, path = run_workbook(tmp_path, "hostile")
    finally:
        del FAMILIES["hostile"]
    ws = openpyxl.load_workbook(path)[CALCULATION]
    found = {}
    for c in scenario.commitments:
        lines = block(ws, scenario, c.id)
        labels = [label for label in lines if label.startswith("condition: ")]
        assert len(labels) == 1, (c.id, labels)
        row = lines[labels[0]]
        rule = next(c.column for c in ws[5] if c.value == "From / rule")
        cells = [ws.cell(row, 1), ws.cell(row, 2), ws.cell(row, rule)]
        assert all(cell.data_type == "s" for cell in cells), c.id
        found[c.id] = [cell.value for cell in cells]
    assert found["met"][:2] == ["condition: =SUM(1,2) in 2012", "met"]
    assert "2012: target 511 suspects, achieved 522; met: it pays as decided" in found["met"][2]
    assert found["not-met"][:2] == ["condition: =SUM(1,2) in 2013", "not met"]
    assert "target 546 suspects, achieved 530; not met: it pays nothing" in found["not-met"][2]
    assert found["not-yet"][:2] == ["condition: =SUM(1,2) in 2014", "not yet achieved"]
    assert "2014: target 594 suspects; not yet achieved: pending" in found["not-yet"][2]


def test_a_commitment_without_a_condition_has_no_condition_line(tmp_path: Path) -> None:
    _, _, path = run_workbook(tmp_path, "pending")
    labels = {c.value for c in openpyxl.load_workbook(path)[CALCULATION]["A"]}
    assert not any(str(label).startswith("condition: ") for label in labels)


def test_a_pending_top_up_after_a_condition_not_met(tmp_path: Path) -> None:
    from budget.core.money import round_half_away

    text = CONDITIONS.replace('name = "Police"', 'name = "Police"\ncosts = "50000.00"')
    text += """
[[commitments]]
id = "top"
kind = "top_up"
recipient = "police"
funders = "VWS"
first_year = 2015
last_year = 2016
cap = "40000.00"
priority = 1
status = "pending"
p = "1/2"
"""
    scenario = budget.load_scenario(write_file(tmp_path, text))

    def top(mode: str) -> int:
        rows = budget.project(scenario, pending=mode)
        mine = rows[(rows.basis == "cash") & (rows.commitment == "top")]
        return int(mine.amount_cents.sum())

    # as decided: 50,000.00 - 10,000.01 (met) - 0 (not met) - 30,000.01 (not yet, decided)
    # = 9,999.98 in 2015; 50,000.00 - 10,000.01 - 30,600.01 = 9,399.98 in 2016
    assert top("all") == 999_998 + 939_998
    assert top("expected") == round_half_away(top("all"), 2)
