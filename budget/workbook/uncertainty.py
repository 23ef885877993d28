"""The "Uncertainty" sheet of `budget simulate -o`: the bands of a simulation.

Blocks, fiscal years across: each funder's total (mean, P5, P50, P95) on the cash and the
commitment basis; the same bands of every commitment whose amount varies between draws
(per funder, cash basis); the probability that each cap binds; the probability that each
limit is breached, with its ceiling. Below them, a band chart per funder: P5, P50 and P95
of its cash per year. Every number is the engine's; nothing here is a formula, since the
bands come from the draws, which the workbook does not hold.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from budget.simulate import Simulation
from budget.workbook import styles
from budget.workbook.cells import finish_sheet, fit_columns, header_row, write_money, write_text

SHEET = "Uncertainty"
PERCENT = "0.0%"
BANDS = (("mean", "Mean"), ("p5", "P5"), ("p50", "P50"), ("p95", "P95"))
HEADER_ROW = 4
FIRST_YEAR_COLUMN = 4
MAX_CHARTS = 12


def uncertainty_sheet(sim: Simulation) -> Callable[[Workbook], None]:
    """A sheet writer for `write_workbook(extra_sheets=[...])`."""

    def add(workbook: Workbook) -> None:
        add_uncertainty_sheet(workbook, sim)

    return add


def add_uncertainty_sheet(workbook: Workbook, sim: Simulation) -> None:
    """Add the sheet (see the module docstring)."""
    ws = workbook.create_sheet(SHEET)
    years = sorted(
        set(sim.commitment_bands["year"].tolist())
        | set(sim.funder_bands["year"].tolist())
        | set(sim.limit_chances["year"].tolist())
    )
    write_text(
        ws,
        1,
        1,
        f"{sim.scenario.name}: uncertainty, {sim.draws:,} draws (seed {sim.seed})",
        font=styles.TITLE,
    )
    write_text(
        ws,
        2,
        1,
        "Amounts in EUR. P5, P50 (the median) and P95 are amounts that occurred in the draws "
        "(percentiles of the inverted empirical distribution); the mean is rounded half away "
        "from zero to the cent. Repeat with: budget simulate SCENARIO "
        f"--draws {sim.draws} --seed {sim.seed}",
        font=styles.NOTE,
    )
    header_row(ws, HEADER_ROW, ["Item", "Funder", "Band", *map(str, years)], right_from=3)
    column = {year: FIRST_YEAR_COLUMN + i for i, year in enumerate(years)}
    row = HEADER_ROW + 1
    funder_rows: dict[str, dict[str, int]] = {}
    skip = [1, 2]
    for basis, title in (("cash", "Funder totals, cash basis"), ("commitment", "commitment")):
        skip.append(row)
        label = title if basis == "cash" else "Funder totals, commitment basis"
        write_text(ws, row, 1, label, font=styles.BOLD, fill=styles.BLOCK_FILL)
        row += 1
        data = sim.funder_bands[sim.funder_bands["basis"] == basis]
        for name, group in data.groupby("funder", sort=False):
            key = str(name)
            known = sim.scenario.funders.get(key)
            placed = _bands(ws, row, known.name if known else key, key, group, column)
            if basis == "cash":
                funder_rows[key] = placed
            row += len(BANDS)
        row += 1
    moving = sim.varying("cash")
    if len(moving):
        skip.append(row)
        write_text(
            ws,
            row,
            1,
            "Commitments whose amount varies, cash basis",
            font=styles.BOLD,
            fill=styles.BLOCK_FILL,
        )
        row += 1
        for pair, group in moving.groupby(["commitment", "funder"], sort=False):
            cid, funder = map(str, pair)
            _bands(ws, row, cid, funder, group, column)
            row += len(BANDS)
        row += 1
    caps = sim.cap_chances
    if len(caps):
        skip.append(row)
        write_text(
            ws, row, 1, "Probability that the cap binds", font=styles.BOLD, fill=styles.BLOCK_FILL
        )
        row += 1
        for name, group in caps.groupby("commitment", sort=False):
            write_text(ws, row, 1, str(name))
            write_text(ws, row, 3, "P(cap binds)")
            for year, p in zip(group["year"], group["p_cap_binds"], strict=True):
                _percent(ws, row, column[int(year)], float(p))
            row += 1
        row += 1
    limits = sim.limit_chances
    if len(limits):
        skip.append(row)
        write_text(
            ws,
            row,
            1,
            "Budget ceilings: probability of a breach (amount above the ceiling)",
            font=styles.BOLD,
            fill=styles.BLOCK_FILL,
        )
        row += 1
        for pair, group in limits.groupby(["funder", "basis"], sort=False):
            key, basis = map(str, pair)
            write_text(ws, row, 1, f"Limit, {basis} basis")
            write_text(ws, row, 2, key)
            write_text(ws, row, 3, "Ceiling")
            write_text(ws, row + 1, 3, "P(breached)")
            for year, ceiling, p in zip(
                group["year"], group["ceiling_cents"], group["p_limit_breached"], strict=True
            ):
                write_money(ws, row, column[int(year)], int(ceiling))
                _percent(ws, row + 1, column[int(year)], float(p))
            row += 3
    fit_columns(ws, skip_rows=skip)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 24)
    finish_sheet(ws, freeze=f"D{HEADER_ROW + 1}", title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    anchor = row + 1
    for number, (key, placed) in enumerate(list(funder_rows.items())[:MAX_CHARTS]):
        _band_chart(ws, key, placed, len(years), anchor, number)
        anchor += 18


def _bands(
    ws: Worksheet, row: int, item: str, funder: str, group: pd.DataFrame, column: dict[int, int]
) -> dict[str, int]:
    """Four lines (mean, P5, P50, P95) for one item; returns the row of each band."""
    placed = {}
    for offset, (band, label) in enumerate(BANDS):
        if offset == 0:
            write_text(ws, row, 1, item)
            write_text(ws, row, 2, funder)
        write_text(ws, row + offset, 3, label)
        for year, cents in zip(group["year"], group[f"{band}_cents"], strict=True):
            write_money(ws, row + offset, column[int(year)], int(cents))
        placed[band] = row + offset
    return placed


def _percent(ws: Worksheet, row: int, column: int, value: float) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    cell.number_format = PERCENT
    cell.font = styles.PLAIN


def _band_chart(
    ws: Worksheet, funder: str, placed: dict[str, int], years: int, anchor: int, number: int
) -> None:
    """P5, P50 and P95 of a funder's cash per year: the median solid, the band dashed."""
    chart = LineChart()
    chart.title = f"{funder}: cash per year (EUR)"
    chart.y_axis.title = "EUR"
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if chart.legend is not None:
        chart.legend.position = "b"
    first, last = FIRST_YEAR_COLUMN, FIRST_YEAR_COLUMN + years - 1
    sheet = quote_sheetname(ws.title)
    colour = styles.SERIES_COLOURS[number % len(styles.SERIES_COLOURS)]
    for band in ("p95", "p50", "p5"):
        row = placed[band]
        values = Reference(ws, min_col=first, max_col=last, min_row=row, max_row=row)
        chart.add_data(values, from_rows=True, titles_from_data=False)
        series = chart.series[-1]
        series.tx = SeriesLabel(strRef=StrRef(f"{sheet}!$C${row}"))
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575 if band == "p50" else 15875
        if band != "p50":
            series.graphicalProperties.line.dashStyle = "dash"
        series.smooth = False
    categories = Reference(ws, min_col=first, max_col=last, min_row=HEADER_ROW, max_row=HEADER_ROW)
    chart.set_categories(categories)
    chart.width = max(16, 3 * years + 6)
    chart.height = 8
    ws.add_chart(chart, f"A{anchor}")
