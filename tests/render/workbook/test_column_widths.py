"""Columns are wide enough for what the formulas in them show (no "###" on paper)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import budget
from budget.render.workbook import write_workbook
from tests.helpers import as_run


def test_a_column_of_formulas_fits_its_largest_cached_total(tmp_path: Path) -> None:
    # The letter's Overview items refer to the Calculation sheet, so the 2014 column holds
    # only formulas; its cash total is 1,306,140.35 (100,000.00 + 1,206,140.35), shown bold
    # as "1,306,140.35" (12 characters): the column must be wider than that.
    scenario = as_run(budget.example_path())  # as run counts it: no pending commitment
    out = tmp_path / "letter.xlsx"
    write_workbook(scenario, budget.project(scenario), out)
    sheet = openpyxl.load_workbook(out)["Overview"]
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "Funder / commitment")
    year_columns = [c for c in header_row if c.value is not None and str(c.value).isdigit()]
    assert year_columns, "the Overview names its years in its header row"
    for header in year_columns:
        cells = sheet[header.column_letter][header.row :]
        assert any(str(c.value).startswith("=") for c in cells if c.value is not None)
        width = sheet.column_dimensions[header.column_letter].width
        assert width is not None and width >= len("1,306,140.35") + 2, header.value
