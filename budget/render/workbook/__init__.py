"""The Excel workbook: `budget run SCENARIO -o FILE.xlsx`.

`write_workbook(scenario, rows, path, inputs, extra_sheets=())` writes, in this order:

- "Overview": fiscal years across, funders with their commitments down, one block for the
  cash basis and one for the commitment basis; subtotals, totals and the Total column are
  live SUM formulas; a stacked column chart of cash per funder per year.
- "Overview x EUR 1,000" (the scenario's currency in its name): the same cells (formulas
  referring to the Overview) shown in thousands by number format, with a note that totals
  are rounded from the exact amounts. With `budget run --rounding controlled` (rounding=
  "controlled") it shows whole thousands by controlled rounding instead, which add up
  both ways (`overview_sheet.add_controlled_thousands`), with a check line per block.
- "By recipient": what each recipient receives, per commitment and funder
  (`budget.reports.overview.recipient_overview`; the sheet only lays it out).
- "By article" (only when commitments name their budget `article`): the Overview's
  amounts grouped by funder (chapter) and article (`article_sheet`).
- "Data": the tidy rows as an Excel table (or, beyond a sheet's rows, a note and a CSV file
  beside the workbook).
- "Assumptions": every input, with assumed values highlighted (above
  `assumptions_sheet.MAX_LISTED` commitments, their lines in NAME.assumptions.csv).
- "Calculation": each commitment's inputs in cells and its amounts as formulas of them
  (`calculation_sheet`); the Overview's and By recipient's commitment cells refer to it.
  Above `calculation_sheet.MAX_COMMITMENTS` commitments, a note instead.
- then each of `extra_sheets`: callables `(book) -> None` that add sheets of their own;
  `budget run -o` passes "Commitment vs cash" (`ledger_sheet`; with actuals, of the
  forecast: `plan_actual_sheet.forecast_ledger_sheet`), with actuals "Plan vs actual"
  (`plan_actual_sheet.plan_actual_sheet`) and with indicators "Indicators"
  (`indicators_sheet.indicators_sheet`).

How a sheet is made
-------------------
A sheet is plain data (`budget.render.workbook.sheet`): a `Book` holds `Sheet`s; a sheet holds
cells by row and column, each a value and a look, and its settings. Nothing touches a file
until `save.save_atomically(book, path, inputs)`, whose one serialiser (`sheetxml`) writes
every sheet and whose `package` writes the rest of the file. A sheet function:

    from budget.render.workbook import styles
    from budget.render.workbook.sheet import Book, Formula, finish_sheet, fit_columns, header_row

    def add_plan_sheet(book: Book, ...) -> None:
        sheet = book.add_sheet("Plan vs actual")
        sheet.text(1, 1, f"{scenario.name}: plan against actual", styles.TITLE_LOOK)
        header_row(sheet, 4, ["Funder", "Year", "Planned", "Actual", "Variance"], right_from=2)
        sheet.text(5, 1, funder_key)                  # input text: always a text cell
        sheet.number(5, 2, 2015, styles.YEAR_LOOK)
        sheet.money(5, 3, planned_cents)              # cents, shown as euros (styles.MONEY)
        sheet.money(5, 4, actual_cents)
        sheet.formula(5, 5, Formula.money("=D5-C5", actual_cents - planned_cents))
        fit_columns(sheet, skip_rows=(1, 2))
        finish_sheet(sheet, freeze="C5", title_rows="4:4")

Rules:
- Text: any `str` value is written as text, never as a formula, whatever it starts with;
  the serialiser cleans it of characters a sheet cannot hold and gives text that starts
  like a formula (= + - @) Excel's quote prefix. Values that are not text (ids that are
  numbers, enums) go through `sheet.text`, which makes them `str`.
- Money: integer cents through `sheet.money` (or `euros(cents)` as a cell value), exact to
  the cent; never floats of euros computed elsewhere.
- Formulas: only as `Formula(expression, cached)`, built by this program (never from input
  text), with `cached` the value the engine computed for that cell (`Formula.money` for
  amounts in cents; text such as "" or "BREACHED" for text results), so that readers that
  do not recalculate see numbers. The workbook asks spreadsheet programs to recalculate
  on load.
- Looks: the named looks of `styles` (TITLE_LOOK, NOTE_LOOK, MONEY, BLOCK_TITLE, ...) or a
  `styles.Look(font, fill, border, alignment, number_format)` made of its parts, made
  once per sheet rather than per cell.
- Many cells: fill a row at once with `sheet.row(r)[column] = (value, look)`; long
  columnar data as a `Block` of numpy columns (`sheet.blocks`), streamed at save time
  (see `data_sheet`).
- Settings: `sheet.widths[column]`, `sheet.heights[row]`, `finish_sheet` (frozen panes,
  print titles; every sheet prints landscape on A4, one page wide), `sheet.merged`
  ("A1:C1"), `sheet.row_breaks` (or `pages.keep_totals_with_lines(sheet, total_rows)`),
  `sheet.tables.append(Table(...))`, conditional formats
  `sheet.highlights.append(Highlight("F7:G12", "$D7>$E7", font, fill))`.
- Charts: `sheet.add_chart(Chart(kind, title, categories, series, ...), "A30")` (kind: a
  `charts.ChartKind`), with
  `charts.Series(name, values, colour)` whose name and values are references to cells
  ("'Overview'!$B$10", "'Overview'!$C$10:$F$10"); see `overview_sheet.add_cash_chart`.

Building blocks: `yeartable.write_year_table` (years x lines with SUM subtotals and
totals, their cached values from the lines' amounts) and the `YearTablePlacement` it
returns (for charts and references); `save.write_text_atomically` for files beside the
workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import budget
from budget.core.model import Scenario
from budget.engine.cash_shifts import shift_deltas
from budget.engine.projection import project
from budget.render.workbook.article_sheet import add_article_sheet
from budget.render.workbook.assumptions_sheet import add_assumptions_sheet, assumptions_csv_path
from budget.render.workbook.calculation_sheet import (
    MAX_COMMITMENTS,
    add_calculation_note,
    add_calculation_sheet,
    calculation_layout,
)
from budget.render.workbook.charts import Chart, ChartKind, Series
from budget.render.workbook.data_sheet import MAX_DATA_ROWS, add_data_sheet
from budget.render.workbook.exact import raise_if_inexact
from budget.render.workbook.overview_sheet import (
    ItemReference,
    add_overview_sheets,
    add_recipient_sheet,
)
from budget.render.workbook.save import (
    check_target,
    cycle_collector_paused,
    protected_files,
    save_atomically,
)
from budget.render.workbook.sheet import (
    Block,
    Book,
    Column,
    ColumnKind,
    Formula,
    Sheet,
    Table,
    euros,
    finish_sheet,
    fit_columns,
    header_row,
)
from budget.render.workbook.shifted_links import shifted_links, shifted_reference
from budget.render.workbook.yeartable import YearLine, YearTablePlacement, write_year_table

SheetWriter = Callable[[Book], None]


def new_workbook() -> Book:
    """An empty workbook (no sheet) whose document properties name this tool."""
    return Book(creator=f"budget {budget.__version__}")


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
    progress: Callable[[int, int], Any] | None = None,
    rounding: str = "plain",
) -> list[Path]:
    """Write the workbook of one projection (see the module docstring) atomically to `path`;
    return the files written: the workbook, then the CSV of the rows if they did not fit,
    then the CSV of the commitments' inputs at register scale (`assumptions_sheet`), then
    those of `extra_sheets` (`Book.beside`: the uncovered shortfall's at register scale,
    `ledger_sheet`).

    inputs: files that must never be written over; the scenario's own files are added.
    Raises InputError when the target is refused (an input file, a missing folder).
    progress(done, total): called after each sheet is written (for a progress bar).
    rounding: the thousands sheet's, "plain" (a number format on the exact amounts) or
    "controlled" (whole thousands that add up both ways; see overview_sheet).
    """
    protected = protected_files([scenario], inputs)
    check_target(path, protected)  # refuse before any work, and before the CSV
    raise_if_inexact(rows, ("amount_cents",), str(path))  # amounts beyond EUR 10^12
    with cycle_collector_paused():
        book = new_workbook()
        book.title, book.currency = scenario.name, scenario.currency
        book.target, book.protected = Path(path), tuple(protected)
        layout = calculation_layout(scenario, _before_cash_shifts(scenario, rows))
        refer: ItemReference | None = layout.reference if layout is not None else None
        book.links = layout.links() if layout is not None else None
        if scenario.cash_shifts and layout is not None:  # the budget round (issue 22)
            deltas = shift_deltas(scenario)
            refer = shifted_reference(scenario, layout.reference, deltas)
            book.links = shifted_links(layout.links(), deltas)
        add_overview_sheets(book, scenario, rows, refer, rounding)
        add_recipient_sheet(book, scenario, rows, refer)
        add_article_sheet(book, scenario, rows, refer)  # with articles only (issue 22)
        csv_path = overflow_csv_path(path)
        overflow = add_data_sheet(
            book, rows, overflow_path=csv_path, inputs=protected, year_name=scenario.label
        )
        listed = add_assumptions_sheet(
            book, scenario, overflow_path=assumptions_csv_path(path), inputs=protected
        )
        if layout is not None:
            add_calculation_sheet(book, layout)
        else:
            add_calculation_note(book, scenario)
        for add_sheet in extra_sheets:
            add_sheet(book)
        save_atomically(book, path, protected, progress)
    beside = [*([overflow] if overflow else []), *([listed] if listed else []), *book.beside]
    return [Path(path), *beside]


def _before_cash_shifts(scenario: Scenario, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows that the Calculation sheet works out: the projection before the scenario's
    cash shifts (`rows` are after them; see `shifted_links`)."""
    if not scenario.cash_shifts or len(scenario.commitments) > MAX_COMMITMENTS:
        return rows  # (above MAX_COMMITMENTS there is no Calculation sheet to lay out)
    return project(scenario)


__all__ = [
    "MAX_DATA_ROWS",
    "Block",
    "Book",
    "Chart",
    "ChartKind",
    "Column",
    "ColumnKind",
    "Formula",
    "Series",
    "Sheet",
    "SheetWriter",
    "Table",
    "YearLine",
    "YearTablePlacement",
    "euros",
    "finish_sheet",
    "fit_columns",
    "header_row",
    "new_workbook",
    "overflow_csv_path",
    "save_atomically",
    "write_workbook",
    "write_year_table",
]
