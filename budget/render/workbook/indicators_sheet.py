"""The "Indicators" sheet: per performance indicator and year, the base, the target, what
was achieved, the change from the base, whether the target was met, and the cost per unit.

The numbers are `budget.reports.indicators`' (the sheet only lays them out). Where a
value follows from others on the sheet it is a live formula carrying the value computed
there: a target set as a change is =ROUND(base x (1 + change), decimals) (Excel's ROUND
is half away from zero, as the rule is); the change achieved =ROUND((achieved / base - 1)
x 100, 1); met =IF(achieved >= target, "yes", "no") (<= when lower is better); the cost
per unit =ROUND(cash / achieved, 2). Where nothing is achieved yet, those cells stay empty
(no formula). Below each indicator: a column chart of its target against what was achieved.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pandas as pd

from budget.core.model import Indicator, Scenario
from budget.render.workbook import styles
from budget.render.workbook.charts import Chart, ChartKind, Series
from budget.render.workbook.sheet import (
    Book,
    Cell,
    Formula,
    Sheet,
    euros,
    finish_sheet,
    fit_columns,
    header_row,
    quote_sheetname,
    year_cell,
)
from budget.render.workbook.styles import Look
from budget.reports.indicators import cash_by_commitment, exact, indicator_rows, linked_cash

SHEET = "Indicators"
HEADER_ROW = 7
HEADER = (
    "Year",
    "Base",
    "Target change",
    "Target",
    "Achieved",
    "Change from base",
    "Met",
    "Cash of linked commitments",
    "Cost per unit",
)
CHANGE_GIVEN = "+0.0##%;-0.0##%;0.0%"
CHANGE_ACHIEVED = '+0.0"%";-0.0"%";0.0"%"'
CHART_HEIGHT = 7.5  # cm
CHART_ROWS = 17  # rows the chart covers, with a row to spare
RULES = (  # short lines, so that the printed page is as wide as the table, not the notes
    "Target = base x (1 + change), rounded half away from zero to the indicator's decimals.",
    "Change from base = achieved / base - 1, in percent with one decimal. Met: achieved at or",
    "above the target (at or below where lower is better). Cost per unit = the linked",
    "commitments' cash that year / achieved. Targets, changes, met and costs are formulas.",
)
MET = Look(alignment=styles.RIGHT)  # "yes"/"no" under the right-aligned header


def indicators_sheet(
    scenario: Scenario, cash: pd.DataFrame | None, forecast: bool = False
) -> Callable[[Book], None]:
    """A sheet writer for `write_workbook(extra_sheets=[...])`. cash: the tidy rows the cost
    per unit is taken from (the projection, or with actuals the forecast: `forecast`)."""

    def add(book: Book) -> None:
        add_indicators_sheet(book, scenario, cash, forecast)

    return add


def number_format(places: int) -> str:
    return "#,##0" if places <= 0 else "#,##0." + "0" * places


def places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def number(value: Decimal) -> int | float:
    """A Decimal as a cell's number: whole numbers stay integers."""
    return int(value) if value == value.to_integral_value() else float(value)


def add_indicators_sheet(
    book: Book, scenario: Scenario, cash: pd.DataFrame | None, forecast: bool = False
) -> None:
    """Add the sheet (see the module docstring)."""
    frame = indicator_rows(scenario, cash)
    paid = cash_by_commitment(scenario, cash)
    sheet = book.add_sheet(SHEET)
    sheet.text(1, 1, f"{scenario.name}: performance indicators", styles.TITLE_LOOK)
    for offset, line in enumerate(RULES):
        sheet.text(2 + offset, 1, line, styles.NOTE_LOOK)
    if any(i.commitments for i in scenario.indicators):
        source = "the forecast (plan and actuals)" if forecast else "the projection"
        sheet.text(
            6, 1, f"Cash: {scenario.currency} on the cash basis, from {source}.", styles.NOTE_LOOK
        )
    header_row(sheet, HEADER_ROW, HEADER, right_from=1)
    row = HEADER_ROW + 1
    skipped = list(range(1, HEADER_ROW))
    for indicator in scenario.indicators:
        mine = frame[frame["indicator"] == indicator.id]
        skipped += [row, row + 1]  # the title and the note may run over
        row = write_indicator(sheet, row, indicator, mine, paid, scenario.label)
        row = add_chart(sheet, indicator, row - len(mine), row - 1, row + 1)
    fit_columns(sheet, skip_rows=skipped)
    sheet.widths[1] = max(sheet.widths.get(1, 0), 10)
    finish_sheet(sheet, freeze=f"B{HEADER_ROW + 1}", title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def write_indicator(
    sheet: Sheet,
    top: int,
    indicator: Indicator,
    rows: pd.DataFrame,
    paid: dict[tuple[str, int], int],
    label: Callable[[int], str] = str,
) -> int:
    """The indicator's title line and one line per year from row `top`, years named by
    `label` (the scenario's year_label); returns the row after the last year."""
    unit = f" ({indicator.unit})" if indicator.unit else ""
    better = "higher is better" if indicator.higher_is_better else "lower is better"
    title = sheet.row(top)
    title[1] = (f"{indicator.name}{unit}", styles.BLOCK_TITLE)
    for column in range(2, len(HEADER) + 1):
        title[column] = (None, styles.BLOCK)
    base = exact(indicator.base)
    sheet.text(
        top + 1,
        1,
        f"{indicator.id}: base {base:,} in {label(indicator.base_year)}; {better}"
        + ("" if indicator.commitments else "; no commitments linked, so no cost per unit"),
        styles.NOTE_LOOK,
    )
    changes = {y: (v, change) for y, v, change in indicator.targets}
    base_look = Look(number_format=number_format(places_of(base)))
    target_look = Look(number_format=number_format(indicator.decimals))
    compare = ">=" if indicator.higher_is_better else "<="
    row = top + 2
    for record in rows.to_dict("records"):
        year = int(record["year"])
        cells: dict[int, Cell] = sheet.row(row)
        cells[1] = year_cell(year, label)
        cells[2] = (number(base), base_look)
        target, achieved = record["target"], record["achieved"]
        if target is not None:
            value, is_change = changes[year]
            if is_change:
                cells[3] = (float(value), Look(number_format=CHANGE_GIVEN))
                expression = f"=ROUND(B{row}*(1+C{row}),{indicator.decimals})"
                cells[4] = (Formula(expression, number(target)), target_look)
            else:
                cells[4] = (number(target), target_look)
        if achieved is not None:
            cells[5] = (number(achieved), Look(number_format=number_format(places_of(achieved))))
            change = Formula(f"=ROUND((E{row}/B{row}-1)*100,1)", number(record["change_pct"]))
            cells[6] = (change, Look(number_format=CHANGE_ACHIEVED))
            if target is not None:
                met = "yes" if record["met"] else "no"
                cells[7] = (Formula(f'=IF(E{row}{compare}D{row},"yes","no")', met), MET)
        if indicator.commitments:
            cells[8] = (euros(linked_cash(indicator, paid, year)), styles.MONEY)
            cost = record["cost_per_unit_cents"]
            if not pd.isna(cost):
                cells[9] = (Formula.money(f"=ROUND(H{row}/E{row},2)", int(cost)), styles.MONEY)
        row += 1
    return row


def add_chart(sheet: Sheet, indicator: Indicator, first: int, last: int, anchor: int) -> int:
    """A column chart of the target against what was achieved per year (rows first..last);
    returns the first row below it."""
    if last < first:
        return anchor
    name = quote_sheetname(sheet.title)
    series = tuple(
        Series(
            name=f"{name}!${column}${HEADER_ROW}",
            values=f"{name}!${column}${first}:${column}${last}",
            colour=colour,
        )
        for column, colour in (("D", styles.SERIES_COLOURS[0]), ("E", styles.SERIES_COLOURS[1]))
    )
    unit = indicator.unit or "units"
    chart = Chart(
        kind=ChartKind.COLUMNS,
        title=f"{indicator.id}: target and achieved",
        categories=f"{name}!$A${first}:$A${last}",
        series=series,
        y_title=unit,
        width=18,
        height=CHART_HEIGHT,
        # Columns measured from zero: an axis starting at 460 would make 522 look like
        # twice 511.
        y_minimum=0,
    )
    sheet.add_chart(chart, f"A{anchor}")
    return anchor + CHART_ROWS
