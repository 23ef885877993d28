"""The Excel workbook: `budget run SCENARIO -o FILE.xlsx`.

`write_workbook(scenario, rows, path, inputs, extra_sheets=())` writes, in this order:

- "Overview": fiscal years across, funders with their commitments down, one block for the
  cash basis and one for the commitment basis; subtotals, totals and the Total column are
  live SUM formulas; a stacked column chart of cash per funder per year.
- "Overview x EUR 1,000": the same cells (formulas referring to the Overview) shown in
  thousands of euros by number format.
- "By recipient": what each recipient receives, per commitment and funder.
- "Data": the tidy rows as an Excel table (or, beyond a sheet's rows, a note and a CSV file
  beside the workbook).
- "Assumptions": every input, with assumed values highlighted.
- then each of `extra_sheets`: callables `(workbook) -> None` that add sheets of their own.

Building blocks for other sheets (comparisons, limits, simulations):

- `budget.workbook.styles`: fonts, fills, borders and number formats (EUROS, THOUSANDS...).
- `budget.workbook.cells`: `write_text` (input text, never a formula), `write_money` (cents
  as euros), `write_formula`, `header_row`, `fit_columns`, `finish_sheet` (freeze, print).
- `budget.workbook.yeartable`: `YearLine`, `write_year_table` (years x lines with SUM
  subtotals and totals) and the `YearTablePlacement` it returns (for charts and references).
- `budget.workbook.save`: `save_atomically(workbook, path, inputs)` (refusals, temporary
  file and rename, byte-stable output), `stream_rows` for very long sheets (consumed by the
  save), `write_text_atomically` for files beside the workbook.
- `budget.workbook.quickcells`: `QuickCells.of(ws)` for sheets of many thousands of cells:
  cells kept as plain tuples with styles made once (no openpyxl Cell per cell), written
  straight into the sheet's XML by the save; `materialise(ws)` makes openpyxl cells of them.
- `budget.workbook.sheetxml`: the quick writer of plain sheets' cells that the save uses
  (nothing to call; sheets with dates, hyperlinks, comments or merged cells are left to
  openpyxl).

A sheet function should take the workbook and add its sheet with `workbook.create_sheet`,
writing input text only through `write_text` or `QuickCells.text` (never
`cell.value = text`, which turns a leading "=" into a formula), amounts through
`write_money` and totals through `write_formula` or `write_year_table`, then call
`fit_columns` and `finish_sheet`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

import budget
from budget.model import Scenario
from budget.workbook.assumptions_sheet import add_assumptions_sheet
from budget.workbook.cells import (
    finish_sheet,
    fit_columns,
    header_row,
    write_formula,
    write_money,
    write_text,
)
from budget.workbook.data_sheet import MAX_DATA_ROWS, add_data_sheet
from budget.workbook.overview_sheet import add_overview_sheets, add_recipient_sheet
from budget.workbook.save import check_target, protected_files, save_atomically
from budget.workbook.yeartable import YearLine, YearTablePlacement, write_year_table

SheetWriter = Callable[[Workbook], None]


def new_workbook() -> Workbook:
    """An empty workbook (no default sheet) with the document properties set."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    workbook.properties.creator = f"budget {budget.__version__}"
    workbook.properties.lastModifiedBy = f"budget {budget.__version__}"
    return workbook


def overflow_csv_path(path: str | Path) -> Path:
    """Where the tidy rows go when they do not fit on the Data sheet: NAME.data.csv."""
    target = Path(path)
    return target.with_name(f"{target.stem}.data.csv")


def write_workbook(
    scenario: Scenario,
    rows: pd.DataFrame,
    path: str | Path,
    inputs: Sequence[str | Path] = (),
    extra_sheets: Sequence[SheetWriter] = (),
) -> list[Path]:
    """Write the workbook of one projection (see the module docstring) atomically to `path`;
    return the files written: the workbook, then the CSV of the rows if they did not fit.

    inputs: files that must never be written over; the scenario's own files are added.
    Raises InputError when the target is refused (an input file, a missing folder).
    """
    protected = protected_files([scenario], inputs)
    check_target(path, protected)  # refuse before any work, and before the CSV
    workbook = new_workbook()
    add_overview_sheets(workbook, scenario, rows)
    add_recipient_sheet(workbook, scenario, rows)
    overflow = add_data_sheet(
        workbook, rows, overflow_path=overflow_csv_path(path), inputs=protected
    )
    add_assumptions_sheet(workbook, scenario)
    for add_sheet in extra_sheets:
        add_sheet(workbook)
    workbook.active = 0
    save_atomically(workbook, path, protected)
    return [Path(path), *([overflow] if overflow else [])]


__all__ = [
    "MAX_DATA_ROWS",
    "SheetWriter",
    "YearLine",
    "YearTablePlacement",
    "finish_sheet",
    "fit_columns",
    "header_row",
    "new_workbook",
    "overflow_csv_path",
    "save_atomically",
    "write_formula",
    "write_money",
    "write_text",
    "write_workbook",
    "write_year_table",
]
