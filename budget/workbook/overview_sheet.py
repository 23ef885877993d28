"""The Overview sheets: years across, funders (or recipients) down, cash and commitment basis.

- `add_overview_sheets(workbook, scenario, rows)` adds "Overview" (euros, with a stacked
  column chart of cash per funder per year) and "Overview x EUR 1,000" (the same cells,
  referred to by formula and shown in thousands by number format only).
- `add_recipient_sheet(workbook, scenario, rows)` adds "By recipient": what each recipient
  receives, per commitment and funder.

Both bases use the same columns (the horizon's years, plus "earlier" and "later" when either
basis has amounts outside the horizon), so that one frozen header row serves the sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from budget.model import Commitment, Scenario
from budget.overview import EARLIER, LATER, Overview, column_of, overview
from budget.workbook import styles
from budget.workbook.cells import finish_sheet, fit_columns, header_row, write_text
from budget.workbook.yeartable import YearLine, YearTablePlacement, write_year_table

OVERVIEW = "Overview"
THOUSANDS = "Overview x EUR 1,000"
BY_RECIPIENT = "By recipient"

BLOCKS = (
    ("cash", "Cash basis: payments, in the fiscal year they are made"),
    ("commitment", "Commitment basis: obligations, in the fiscal year they are entered into"),
)
HEADER_ROW = 5


def overview_columns(scenario: Scenario, rows: pd.DataFrame) -> tuple[str, ...]:
    """The horizon's years, with "earlier"/"later" when any amount falls outside it."""
    outside = {column_of(int(y), scenario) for y in rows["year"].unique()}
    years = [str(y) for y in scenario.years]
    return (
        *([EARLIER] if EARLIER in outside else []),
        *years,
        *([LATER] if LATER in outside else []),
    )


def funder_lines(table: Overview, columns: Sequence[str]) -> list[YearLine]:
    """An overview's rows as year-table lines, each group headed by its full name."""
    own = table.columns[:-1]  # without "total"
    lines: list[YearLine] = []
    group = None
    for row in table.rows:
        if row.level == "item" and row.group != group:
            group = row.group
            lines.append(YearLine("heading", table.names.get(group, group), group))
        if row.level == "item":
            by_column = dict(zip(own, row.cents, strict=False))
            cents = tuple(by_column.get(c, 0) for c in columns)
            lines.append(YearLine("item", row.label, row.item, cents))
        elif row.level == "subtotal":
            lines.append(YearLine("subtotal", f"Total {row.group}", row.group))
        else:
            lines.append(YearLine("total", "Total"))
    return lines


def recipient_lines(
    scenario: Scenario, rows: pd.DataFrame, basis: str, columns: Sequence[str]
) -> list[YearLine]:
    """Per recipient, one line per commitment and funder ("from whom"), then totals."""
    data = rows[rows["basis"] == basis]
    position = {c: i for i, c in enumerate(columns)}
    sums: dict[tuple[str, str, str], list[int]] = {}
    if len(data):
        keys = ["recipient", "commitment", "funder"]
        col_of = {y: position[column_of(int(y), scenario)] for y in pd.unique(data["year"])}
        frame = data.assign(col=data["year"].map(col_of))
        grouped = frame.groupby([*keys, "col"], sort=False, observed=True)["amount_cents"].sum()
        table = grouped.unstack("col", fill_value=0)
        places = [int(col) for col in table.columns]
        for key, amounts in zip(table.index, table.to_numpy().tolist(), strict=True):
            receiver, cid, funder = cast(tuple[str, str, str], key)
            cell = [0] * len(columns)
            for place, cents in zip(places, amounts, strict=True):
                cell[place] = int(cents)
            sums[(str(receiver), str(cid), str(funder))] = cell
    by_recipient: dict[str, list[Commitment]] = {}
    for c in scenario.commitments:
        by_recipient.setdefault(c.recipient, []).append(c)
    lines: list[YearLine] = []
    for rkey, recipient in scenario.recipients.items():
        items = [
            (c, funder)
            for c in by_recipient.get(rkey, [])
            for funder, _share in c.funders
            if (rkey, c.id, funder) in sums
        ]
        if not items:
            continue
        lines.append(YearLine("heading", recipient.name, rkey))
        for c, funder in items:
            label = f"{c.title} (from {funder})"
            lines.append(YearLine("item", label, c.id, tuple(sums[(rkey, c.id, funder)])))
        lines.append(YearLine("subtotal", f"Total {rkey}", rkey))
    lines.append(YearLine("total", "Total"))
    return lines


def _titles(ws: Worksheet, scenario: Scenario, title: str, unit: str) -> None:
    write_text(ws, 1, 1, f"{scenario.name}: {title}", font=styles.TITLE)
    if scenario.description:
        write_text(ws, 2, 1, scenario.description, font=styles.SUBTITLE)
    write_text(
        ws,
        3,
        1,
        f"{unit}. Subtotals and totals are formulas; amounts outside the horizon "
        f"{scenario.first_year}-{scenario.last_year} show as 'earlier' and 'later'.",
        font=styles.NOTE,
    )


def _blocks(
    ws: Worksheet,
    columns: Sequence[str],
    lines_by_basis: Sequence[tuple[str, list[YearLine]]],
    label: str,
    number_format: str = styles.EUROS,
    mirrors: Sequence[YearTablePlacement] = (),
) -> list[YearTablePlacement]:

    header_row(ws, HEADER_ROW, [label, "id", *columns, "Total"], right_from=2)
    row = HEADER_ROW + 1
    placements = []
    width = len(columns) + 3
    for index, (title, lines) in enumerate(lines_by_basis):
        for column in range(1, width + 1):
            ws.cell(row=row, column=column).fill = styles.BLOCK_FILL
        write_text(ws, row, 1, title, font=styles.BOLD, fill=styles.BLOCK_FILL)
        placement = write_year_table(
            ws,
            row + 1,
            columns,
            lines,
            header=False,
            number_format=number_format,
            mirror=mirrors[index] if mirrors else None,
        )
        placements.append(placement)
        row = placement.last_row + 2
    return placements


def add_overview_sheets(
    workbook: Workbook, scenario: Scenario, rows: pd.DataFrame
) -> list[YearTablePlacement]:
    """Add "Overview" (with its chart) and "Overview x EUR 1,000"; return the placements of
    the Overview's blocks (cash first, then commitment)."""
    columns = overview_columns(scenario, rows)
    lines = [
        (title, funder_lines(overview(rows, scenario, basis), columns)) for basis, title in BLOCKS
    ]
    ws = workbook.create_sheet(OVERVIEW)
    _titles(ws, scenario, "overview of commitments by funder", "Amounts in EUR")
    placements = _blocks(ws, columns, lines, "Funder / commitment")
    _finish(ws, placements)
    add_cash_chart(ws, placements[0], placements[-1].last_row + 3)

    thousands = workbook.create_sheet(THOUSANDS)
    _titles(
        thousands,
        scenario,
        "overview by funder (x EUR 1,000)",
        "Amounts in thousands of EUR (x EUR 1,000), the same cells as on the Overview sheet",
    )
    mirrored = _blocks(
        thousands, columns, lines, "Funder / commitment", styles.THOUSANDS, mirrors=placements
    )
    _finish(thousands, mirrored, formula_width=10)
    return placements


def add_recipient_sheet(
    workbook: Workbook, scenario: Scenario, rows: pd.DataFrame
) -> list[YearTablePlacement]:
    """Add "By recipient"; return its blocks' placements (cash first)."""
    columns = overview_columns(scenario, rows)
    lines = [(title, recipient_lines(scenario, rows, basis, columns)) for basis, title in BLOCKS]
    ws = workbook.create_sheet(BY_RECIPIENT)
    _titles(ws, scenario, "what each recipient receives, from whom", "Amounts in EUR")
    placements = _blocks(ws, columns, lines, "Recipient / commitment (from funder)")
    _finish(ws, placements)
    return placements


def _finish(
    ws: Worksheet, placements: Sequence[YearTablePlacement], formula_width: int = 16
) -> None:
    # Titles and block titles may run over into the empty cells beside them.
    block_titles = [p.rows[0] - 1 for p in placements if p.rows]
    fit_columns(ws, maximum=80, skip_rows=(1, 2, 3, *block_titles), formula_width=formula_width)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 30)
    finish_sheet(ws, freeze=f"C{HEADER_ROW + 1}", title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def add_cash_chart(ws: Worksheet, cash: YearTablePlacement, anchor_row: int) -> None:
    """A stacked column chart of each funder's cash per year (its subtotal row)."""
    if not cash.subtotal_rows or not cash.value_columns:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Cash per funder per year (EUR)"
    chart.y_axis.title = "EUR"
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    first, last = cash.value_columns[0], cash.value_columns[-1]
    sheet = quote_sheetname(ws.title)
    for number, row in enumerate(cash.subtotal_rows):
        values = Reference(ws, min_col=first, max_col=last, min_row=row, max_row=row)
        chart.add_data(values, from_rows=True, titles_from_data=False)
        series = chart.series[-1]
        series.tx = SeriesLabel(strRef=StrRef(f"{sheet}!$B${row}"))
        colour = styles.SERIES_COLOURS[number % len(styles.SERIES_COLOURS)]
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    assert cash.header_row is None
    categories = Reference(ws, min_col=first, max_col=last, min_row=HEADER_ROW, max_row=HEADER_ROW)
    chart.set_categories(categories)
    chart.width = max(18, 3 * len(cash.value_columns) + 8)
    chart.height = 10
    ws.add_chart(chart, f"A{anchor_row}")
    # Printed, the chart gets a page of its own rather than being cut at a page's end.
    ws.row_breaks.append(Break(id=anchor_row - 2))
