"""Every formula cell of every workbook carries the value the engine computed (its cached
value), so that readers that do not recalculate (pandas with openpyxl or calamine, file
previews) see the numbers.

Each kind of workbook (run -o with the Commitment vs cash sheet and limits, compare -o,
simulate -o) is read with `pd.read_excel(path, sheet_name=None)` by both engines; every
cell where a formula stands must hold the engine's value: the overview tables' amounts
from the tidy rows (tests/workbook_helpers.engine_cents), the ledger's and the limits'
from `budget.reports.ledger` and `budget.engine.limits`, the comparison's from
`budget.reports.compare`. The only
formula cell reads as empty: the breach flag of a limit that holds shows "ok", and the
share of cash in a year without cash shows "-".
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import budget
from budget.cli import cli
from budget.engine.limits import check_rows
from budget.render.workbook.ledger_sheet import (
    LIMITS_HEADER_ROW,
    LIMITS_SHEET,
    NO_CASH,
    UNCOVERED_HEADER_ROW,
    UNCOVERED_SHEET,
    WITHIN,
    WORK_SHEET,
)
from budget.reports.compare import TITLES, compare_rows, scenario_labels, side_by_side
from budget.reports.ledger import ledger
from budget.reports.shortfall import uncovered_shortfalls
from tests.formulas import sheet_expectations
from tests.helpers import SCENARIOS, as_run
from tests.realisation_helpers import indicator_expectations
from tests.render.workbook.test_workbook import HOSTILE, scenario_file
from tests.workbook_helpers import engine_cents, table_cells

OVERVIEWS = (
    ("Overview", "funder"),
    ("Overview x EUR 1,000", "funder"),
    ("By recipient", "recipient"),
)
LIMITS = """
[[limits]]
funder = "VenJ"
max = "133799.99"
[[limits]]
funder = "BZ"
basis = "commitment"
max = "2000000.00"
"""


def overview_expectations(
    book: Any, scenario: Any, rows: pd.DataFrame
) -> dict[tuple[str, str], Any]:
    """(sheet, cell) -> the engine's amount in cents, for every value cell of the tables."""
    out: dict[tuple[str, str], Any] = {}
    for sheet, by in OVERVIEWS:
        for cell in table_cells(book[sheet]):
            out[(sheet, cell.coordinate)] = engine_cents(rows, scenario, cell, by)
    # The Overview's items refer to the Calculation sheet: its formulas, evaluated.
    return out | sheet_expectations(book, "Calculation")


def ledger_expectations(book: Any, scenario: Any, rows: pd.DataFrame) -> dict[tuple[str, str], Any]:
    """The ledger's opening, entered, paid, closing, paid on earlier commitments and share
    per funder and year, its totals per funder, each limit's amount, headroom and breach
    flag, and the uncovered shortfall, by cell, from the engine; the working on its own
    sheet (which those refer to) evaluated."""
    sheet = "Commitment vs cash"
    ws = book[sheet]
    gaps = {(g.recipient, g.year): g.cents for g in uncovered_shortfalls(scenario, rows)}
    entries = ledger(rows, list(scenario.funders))
    by_year = {(e.funder, e.year): e for e in entries}
    limits = {(c.limit.funder, str(c.limit.basis), c.year): c for c in check_rows(scenario, rows)}
    out: dict[tuple[str, str], Any] = {}
    for row in ws.iter_rows(min_row=5):
        a, b = (cell.value for cell in row[:2])
        r = row[0].row
        if (a, b) in by_year:
            e = by_year[(a, b)]
            share = Fraction(e.paid_committed_earlier, e.paid) if e.paid else NO_CASH
            out |= {(sheet, f"C{r}"): e.opening, (sheet, f"F{r}"): e.closing}
            out |= {(sheet, f"D{r}"): e.entered, (sheet, f"E{r}"): e.paid}
            out[(sheet, f"G{r}")] = e.paid_committed_earlier
            out[(sheet, f"H{r}")] = share
        elif isinstance(a, str) and a.startswith("Total "):
            mine = [e for e in entries if e.funder == a.removeprefix("Total ")]
            entered, paid = sum(e.entered for e in mine), sum(e.paid for e in mine)
            earlier = sum(e.paid_committed_earlier for e in mine)
            out |= {
                (sheet, f"C{r}"): mine[0].opening,
                (sheet, f"D{r}"): entered,
                (sheet, f"E{r}"): paid,
                (sheet, f"F{r}"): mine[0].opening + entered - paid,
                (sheet, f"G{r}"): earlier,
                (sheet, f"H{r}"): Fraction(earlier, paid) if paid else NO_CASH,
            }
    if LIMITS_SHEET in book.sheetnames:
        for row in book[LIMITS_SHEET].iter_rows(min_row=LIMITS_HEADER_ROW + 1):
            key, r = tuple(cell.value for cell in row[:3]), row[0].row
            if key in limits:
                check = limits[key]
                out[(LIMITS_SHEET, f"D{r}")] = check.amount
                out[(LIMITS_SHEET, f"F{r}")] = check.ceiling - check.amount
                flag = "BREACHED" if check.amount > check.ceiling else WITHIN
                out[(LIMITS_SHEET, f"G{r}")] = flag
    if UNCOVERED_SHEET in book.sheetnames:
        for row in book[UNCOVERED_SHEET].iter_rows(min_row=UNCOVERED_HEADER_ROW + 1):
            a, b = row[0].value, row[1].value
            if isinstance(a, str) and a in scenario.recipients:
                out[(UNCOVERED_SHEET, f"C{row[0].row}")] = gaps.get((a, b), 0)
    found = sheet_expectations(book, sheet) | sheet_expectations(book, WORK_SHEET)
    found |= sheet_expectations(book, LIMITS_SHEET)
    return found | sheet_expectations(book, UNCOVERED_SHEET) | out


def same(got: Any, want: Any) -> bool:
    """A cell's value as read against the engine's: cents, a share, or text."""
    if isinstance(want, Fraction):
        return isinstance(got, int | float) and math.isclose(got, float(want), rel_tol=1e-12)
    if isinstance(want, str):
        return got == want
    return isinstance(got, int | float) and not pd.isna(got) and round(got * 100) == want


def check_cached(path: Path, expected: dict[tuple[str, str], Any]) -> int:
    """Every formula cell of the workbook is expected, and both pandas engines read the
    expected value there; returns the number of formula cells."""
    formulas = openpyxl.load_workbook(path)
    places = [
        (ws.title, cell.coordinate, cell.row, cell.column)
        for ws in formulas.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    missing = [(s, c) for s, c, _, _ in places if (s, c) not in expected]
    assert not missing, f"formulas without an expected value: {missing[:5]}"
    for engine in ("openpyxl", "calamine"):
        frames = pd.read_excel(path, sheet_name=None, header=None, engine=engine)
        for sheet, coordinate, row, column in places:
            frame = frames[sheet]
            assert frame.iat[0, 0] == formulas[sheet]["A1"].value  # no leading rows skipped
            got = frame.iat[row - 1, column - 1]
            want = expected[(sheet, coordinate)]
            assert same(got, want), (engine, sheet, coordinate, got, want)
            assert not pd.isna(got), (engine, sheet, coordinate)  # no formula reads empty
    return len(places)


@pytest.mark.parametrize("case", ["letter", "limits", "hostile"])
def test_run_workbooks_carry_the_engine_values(tmp_path: Path, case: str) -> None:
    if case == "letter":
        source = budget.example_path()
    elif case == "limits":
        source = tmp_path / "limited.toml"
        base = (SCENARIOS / "bz-advance-80.toml").as_posix()
        source.write_text(f'[scenario]\nextends = "{base}"\n{LIMITS}', encoding="utf-8")
    else:
        source = scenario_file(tmp_path, HOSTILE)
    path = tmp_path / "run.xlsx"
    result = CliRunner().invoke(cli, ["run", str(source), "-o", str(path)])
    assert result.exit_code == 0, result.output
    scenario = as_run(source)
    rows = budget.project(scenario)
    book = openpyxl.load_workbook(path)
    expected = overview_expectations(book, scenario, rows)
    expected |= ledger_expectations(book, scenario, rows)
    expected |= indicator_expectations(book, scenario, rows)  # the letter's police agreement
    assert check_cached(path, expected) > 60
    if case == "limits":  # both flags occur: one limit breached, one held
        flags = {
            v
            for (s, c), v in expected.items()
            if s == LIMITS_SHEET and c.startswith("G") and isinstance(v, str)
        }
        assert flags == {"BREACHED", WITHIN}


def test_comparison_workbook_carries_the_engine_values(tmp_path: Path) -> None:
    names = ["letter-2014.toml", "sin-eu-grant.toml", "bz-advance-80.toml"]
    paths = [SCENARIOS / n for n in names]
    path = tmp_path / "compare.xlsx"
    result = CliRunner().invoke(cli, ["compare", *map(str, paths), "-o", str(path)])
    assert result.exit_code == 0, result.output
    items = [as_run(p) for p in paths]
    long = compare_rows(items, [budget.project(s) for s in items])
    labels = scenario_labels(items)
    table = side_by_side(long, labels)
    ws = openpyxl.load_workbook(path)["Comparison"]
    letters = "ABCDEFGHIJ"
    expected: dict[tuple[str, str], Any] = {}
    seen: dict[str, list[Any]] = {"cash": [], "commitment": []}
    basis = ""
    for row in ws.iter_rows(min_row=5):
        label, year = row[0].value, row[1].value
        r = row[0].row
        for name, title in TITLES.items():
            if label == title.capitalize():
                basis = name
        if isinstance(year, int):  # a funder and year: the next such line of the table
            side = next(
                t
                for t in table
                if (t.basis, t.funder, t.year) == (basis, label, year) and t not in seen[basis]
            )
            seen[basis].append(side)
            for i in range(1, len(labels)):
                expected[("Comparison", f"{letters[3 + 2 * i - 1]}{r}")] = side.deltas[i]
        elif label == "Total":
            mine = seen[basis]
            columns = [sum(t.amounts[0] for t in mine)]
            for i in range(1, len(labels)):
                columns += [sum(t.amounts[i] for t in mine), sum(t.deltas[i] for t in mine)]
            for offset, cents in enumerate(columns):
                expected[("Comparison", f"{letters[2 + offset]}{r}")] = cents
    assert all(seen.values())
    assert check_cached(path, expected) > 20


def test_simulation_workbook_carries_the_engine_values(tmp_path: Path) -> None:
    source = SCENARIOS / "letter-2014-uncertain.toml"
    path = tmp_path / "simulate.xlsx"
    arguments = ["simulate", str(source), "--draws", "50", "--seed", "3", "-o", str(path)]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    scenario = budget.load_scenario(source)  # simulate counts a pending commitment at p
    rows = budget.project(scenario, pending="expected")
    book = openpyxl.load_workbook(path)
    assert "Uncertainty" in book.sheetnames
    expected = overview_expectations(book, scenario, rows)
    expected |= ledger_expectations(book, scenario, rows)
    assert check_cached(path, expected) > 60
