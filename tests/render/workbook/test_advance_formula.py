"""The advance of an advance grant on the Calculation sheet is the engine's: the total split
by largest remainder over the weights (advance, 1 - advance) (`budget.kinds.grant`), which
for two parts is the magnitude x share rounded half up in cents, a tie to the advance (the
part listed first), the sign put back (half away from zero for a negative total, never
half to even). The formula works in whole cents; the check cell says to re-run when the
typed share is not a whole number of 1/D or crosses 0."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import budget
from budget.core.money import allocate, share_weights
from budget.render.workbook import write_workbook
from budget.render.workbook.calculation_split import ADDS_UP
from tests.formulas import evaluator
from tests.render.workbook.test_calculation_sheet import block

CALCULATION = "Calculation"
CHECK = "check: the parts add up to the amounts"
SCENARIO = """
[scenario]
name = "Advance"
first_year = 2025
last_year = 2027

[funders]
BZ = { name = "Foreign Affairs" }

[recipients]
R = { name = "A recipient" }

[[commitments]]
id = "grant"
kind = "grant"
recipient = "R"
funders = { BZ = "1" }
start = "2025-01-01"
end = "2026-07-01"
total = "1000.00"
advance = "0.8"
"""


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("advance")
    source = folder / "advance.toml"
    source.write_text(SCENARIO, encoding="utf-8")
    scenario = budget.load_scenario(source)
    path = folder / "advance.xlsx"
    write_workbook(scenario, budget.project(scenario), path)
    lines = block(openpyxl.load_workbook(path)[CALCULATION], scenario, "grant")
    return scenario, path, lines


def advance_on_sheet(
    sheet: tuple[Any, Path, dict[str, int]], total: int, share: float | str
) -> tuple[Fraction, Any]:
    """The advance cell (euros, exact) and the check cell after typing the total and share."""
    _, path, lines = sheet
    book = openpyxl.load_workbook(path)
    ws = book[CALCULATION]
    ws.cell(lines["total granted"], 2).value = total / 100
    ws.cell(lines["share paid in advance"], 2).value = share
    found = evaluator(book)
    advance = found.value(CALCULATION, f"B{lines['advance paid in the first year']}")
    return advance, found.value(CALCULATION, f"B{lines[CHECK]}")


def engine_advance(total: int, share: Fraction) -> int:
    """The engine's rule (kinds/grant.py): allocate over share_weights([a, 1 - a])."""
    return allocate(total, share_weights([share, 1 - share]))[0]


def test_ties_go_to_the_advance_half_away_from_zero(sheet: Any) -> None:
    # By hand: 0.05 x 1/2 = 2.5 cents, a tie: the advance (listed first) takes 3 cents,
    # the settlement 2; -0.05: -3 and -2 (half away from zero; half to even gives 2).
    # 1,000.01 x 0.8 = 80,000.8 cents: 800.01; 0.15 x 0.9 = 13.5 cents: 0.14.
    for total, share, cents in (
        (5, "0.5", 3),
        (-5, "0.5", -3),
        (7, "0.5", 4),
        (-7, "0.5", -4),
        (100_001, "0.8", 80_001),
        (15, "0.9", 14),
        (-15, "0.9", -14),
    ):
        assert engine_advance(total, Fraction(share)) == cents
        got, check = advance_on_sheet(sheet, total, float(share))
        assert got * 100 == cents, (total, share)
        assert check == ADDS_UP


@settings(max_examples=25, deadline=None)
@given(
    total=st.one_of(st.integers(-(10**6), 10**6), st.integers(-(10**12), 10**12)),
    numerator=st.integers(1, 10_000),
)
def test_the_advance_formula_is_the_engines_rule(sheet: Any, total: int, numerator: int) -> None:
    share = Fraction(numerator, 10_000)  # up to four decimals, as a user types it
    got, check = advance_on_sheet(sheet, total, float(share))
    assert got * 100 == engine_advance(total, share)
    assert check == ADDS_UP


def test_a_share_the_formula_cannot_follow_makes_the_check_say_re_run(sheet: Any) -> None:
    for share in (0.123456, 0, -0.1, 1.5):
        _, check = advance_on_sheet(sheet, 100_000, share)
        assert check != ADDS_UP and "re-run budget" in check, share


def test_the_engine_pays_that_advance(sheet: Any) -> None:
    # The projection's first-year cash of the grant is the advance: 1,000.00 x 0.8.
    scenario, _, _ = sheet
    rows = budget.project(scenario)
    cash = rows[rows["basis"] == "cash"].groupby("year")["amount_cents"].sum().to_dict()
    assert cash[2025] == engine_advance(100_000, Fraction(4, 5)) == 80_000
