"""The workbooks of `budget tables -o` and `budget round -o`: one sheet per chapter, whose
live totals recalculate to the printed thousands they cache."""

from __future__ import annotations

from fractions import Fraction

import openpyxl
import pytest

from tests.formulas import evaluator
from tests.helpers import SCENARIOS, invoke

ROUND = [SCENARIOS / f"round-2015-{v}.toml" for v in ("draft", "adopted", "1st-supplementary")]


@pytest.mark.parametrize(
    "args",
    [["tables", ROUND[0], "--year", "2015"], ["round", *ROUND, "--year", "2015", "--all"]],
    ids=["tables", "round"],
)
def test_every_formula_comes_to_the_value_it_caches(tmp_path, args):
    target = tmp_path / "out.xlsx"
    result = invoke(*args, "-o", target)
    assert result.exit_code == 0, result.output
    formulas = openpyxl.load_workbook(target)
    cached = openpyxl.load_workbook(target, data_only=True)
    # tables: the Pending sheet names the bundled example's pending EU co-financing
    assert formulas.sheetnames == ["Chapter VI", "Chapter XVI", "Chapter V"] + (
        ["Chapter EU"] if args[0] == "round" else ["Pending"]
    )
    found = evaluator(formulas)
    checked = 0
    for sheet in formulas.sheetnames:
        for row in formulas[sheet].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    value = cached[sheet][cell.coordinate].value
                    assert found.value(sheet, cell.coordinate) == Fraction(value), cell.coordinate
                    checked += 1
    assert checked > 20


def test_the_round_sheet_shows_the_worked_example(tmp_path):
    target = tmp_path / "round.xlsx"
    invoke("round", *ROUND, "--year", "2015", "-o", target)
    sheet = openpyxl.load_workbook(target, data_only=True)["Chapter VI"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True) if r[0]}
    assert rows["Uitgaven"][:6] == (134, 0, 134, -35, 99, 5)
    assert rows["Verplichtingen"][:6] == (134, 0, 134, -15, 119, -15)


@pytest.mark.slow
def test_libreoffice_recalculates_both_workbooks_to_their_cached_values(tmp_path):
    from tests.workbook_helpers import libreoffice_convert

    sources = [tmp_path / "tables.xlsx", tmp_path / "round.xlsx"]
    invoke("tables", ROUND[0], "--year", "2015", "-o", sources[0])
    invoke("round", *ROUND, "--year", "2015", "--all", "-o", sources[1])
    converted = libreoffice_convert(sources, tmp_path / "out", "xlsx", tmp_path / "profile")
    for source, recalculated in zip(sources, converted, strict=True):
        ours = openpyxl.load_workbook(source, data_only=True)
        theirs = openpyxl.load_workbook(recalculated, data_only=True)
        for sheet in ours.sheetnames:
            mine = [[c.value for c in row] for row in ours[sheet].iter_rows()]
            recalc = [[c.value for c in row] for row in theirs[sheet].iter_rows()]
            assert mine == recalc, sheet
