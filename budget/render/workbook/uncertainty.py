"""The "Uncertainty" sheet of `budget simulate -o`: the bands of a simulation.

Blocks, fiscal years across: each funder's total (mean, P5, P50, P95) on the cash and the
commitment basis; the same bands of every commitment whose amount varies between draws
(per funder, cash basis); the probability that each cap binds; the probability that each
limit is breached, with its ceiling. On the sheet "Uncertainty charts", a band chart per
funder (P5, P50 and P95 of its cash per year), one to a printed page, so that no chart is
cut across pages nor printed under the Uncertainty sheet's repeated column headers. Every
number is the engine's; nothing here is a formula, since the bands come from the draws,
which the workbook does not hold.
"""

from __future__ import annotations

from collections.abc import Callable

from budget.core.model import Basis
from budget.render.workbook import styles
from budget.render.workbook.charts import Chart, ChartKind, Series
from budget.render.workbook.sheet import (
    Book,
    Sheet,
    column_letter,
    finish_sheet,
    fit_columns,
    header_row,
    quote_sheetname,
)
from budget.reports.simulation import BandItem, SimulationReport

SHEET = "Uncertainty"
CHARTS_SHEET = "Uncertainty charts"
CHART_ROWS = 20  # a chart of 8 cm and the gap below it
PERCENT = "0.0%"
BANDS = (("mean", "Mean"), ("p5", "P5"), ("p50", "P50"), ("p95", "P95"))
HEADER_ROW = 4
FIRST_YEAR_COLUMN = 4
MAX_CHARTS = 12


def uncertainty_sheet(report: SimulationReport) -> Callable[[Book], None]:
    """A sheet writer for `write_workbook(extra_sheets=[...])`."""

    def add(book: Book) -> None:
        add_uncertainty_sheet(book, report)

    return add


def add_uncertainty_sheet(book: Book, report: SimulationReport) -> None:
    """Add the sheet (see the module docstring)."""
    ws = book.add_sheet(SHEET)
    scenario, years = report.scenario, report.sheet_years
    ws.text(1, 1, report.sheet_title, styles.TITLE_LOOK)
    ws.text(
        2,
        1,
        f"Amounts in {scenario.currency}. P5, P50 (the median) and P95 are amounts that "
        "occurred in the draws "
        "(percentiles of the inverted empirical distribution); the mean is rounded half away "
        "from zero to the cent. Repeat with: budget simulate SCENARIO "
        f"--draws {report.draws} --seed {report.seed}",
        styles.NOTE_LOOK,
    )
    header_row(
        ws, HEADER_ROW, ["Item", "Funder", "Band", *map(scenario.label, years)], right_from=3
    )
    column = {year: FIRST_YEAR_COLUMN + i for i, year in enumerate(years)}
    row = HEADER_ROW + 1
    funder_rows: dict[str, dict[str, int]] = {}
    skip = [1, 2]
    for section in report.funder_totals:
        row = _block_title(ws, row, section.sheet_title, skip)
        for item in section.items:
            placed = _bands(ws, row, item.funder_name, item, column)
            if section.basis == Basis.CASH:
                funder_rows[item.funder] = placed
            row += len(BANDS)
        row += 1
    varying = report.varying
    if varying.items:
        row = _block_title(ws, row, varying.sheet_title, skip)
        for item in varying.items:
            _bands(ws, row, str(item.commitment), item, column)
            row += len(BANDS)
        row += 1
    caps = report.caps
    if caps.items:
        row = _block_title(ws, row, caps.sheet_title, skip)
        for cap in caps.items:
            ws.text(row, 1, cap.commitment)
            ws.text(row, 3, "P(cap binds)")
            for year, p in cap.chances.items():
                _percent(ws, row, column[year], p)
            row += 1
        row += 1
    limits = report.limits
    if limits.items:
        row = _block_title(ws, row, limits.sheet_title, skip)
        for limit in limits.items:
            ws.text(row, 1, f"Limit, {limit.basis} basis")
            ws.text(row, 2, limit.funder)
            ws.text(row, 3, "Ceiling")
            ws.text(row + 1, 3, "P(breached)")
            for year, ceiling in limit.ceilings.items():
                ws.money(row, column[year], ceiling)
                _percent(ws, row + 1, column[year], limit.chances[year])
            row += 3
    fit_columns(ws, skip_rows=skip)
    ws.widths[1] = max(ws.widths.get(1, 0), 24)
    finish_sheet(ws, freeze=f"D{HEADER_ROW + 1}", title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    charted = list(funder_rows.items())[:MAX_CHARTS]
    if not charted:
        return
    on = book.add_sheet(CHARTS_SHEET)
    on.text(1, 1, f"{scenario.name}: cash per funder per year, P5 to P95", styles.TITLE_LOOK)
    on.text(
        2,
        1,
        f"Amounts in {scenario.currency}, from the sheet '{SHEET}'; the median (P50) "
        "solid, P5 and P95 dashed. One chart to a printed page.",
        styles.NOTE_LOOK,
    )
    anchor = 4
    for number, (key, placed) in enumerate(charted):
        if number:
            on.row_breaks.append(anchor - 1)
        _band_chart(ws, key, placed, len(years), anchor, number, scenario.currency, on)
        anchor += CHART_ROWS
    on.widths[1] = 12
    finish_sheet(on, freeze="A4")


def _bands(
    ws: Sheet, row: int, name: str, item: BandItem, column: dict[int, int]
) -> dict[str, int]:
    """Four lines (mean, P5, P50, P95) for one item; returns the row of each band."""
    placed = {}
    for offset, ((band, label), by_year) in enumerate(zip(BANDS, item.bands, strict=True)):
        if offset == 0:
            ws.text(row, 1, name)
            ws.text(row, 2, item.funder)
        ws.text(row + offset, 3, label)
        for year, cents in by_year.items():
            ws.money(row + offset, column[year], cents)
        placed[band] = row + offset
    return placed


def _block_title(ws: Sheet, row: int, title: str, skip: list[int]) -> int:
    """A block's title at `row`, left out when columns are fitted; the block's first row."""
    skip.append(row)
    ws.text(row, 1, title, styles.BLOCK_TITLE)
    return row + 1


def _percent(ws: Sheet, row: int, column: int, value: float) -> None:
    ws.number(row, column, value, styles.PERCENT_LOOK)


def _band_chart(
    ws: Sheet,
    funder: str,
    placed: dict[str, int],
    years: int,
    anchor: int,
    number: int,
    unit: str = "EUR",
    on: Sheet | None = None,
) -> None:
    """P5, P50 and P95 of a funder's cash per year: the median solid, the band dashed."""
    first = column_letter(FIRST_YEAR_COLUMN)
    last = column_letter(FIRST_YEAR_COLUMN + years - 1)
    sheet = quote_sheetname(ws.title)
    colour = styles.SERIES_COLOURS[number % len(styles.SERIES_COLOURS)]
    series = tuple(
        Series(
            name=f"{sheet}!$C${placed[band]}",
            values=f"{sheet}!${first}${placed[band]}:${last}${placed[band]}",
            colour=colour,
            line_width=28575 if band == "p50" else 15875,
            dashed=band != "p50",
        )
        for band in ("p95", "p50", "p5")
    )
    chart = Chart(
        kind=ChartKind.LINES,
        title=f"{funder}: cash per year ({unit})",
        categories=f"{sheet}!${first}${HEADER_ROW}:${last}${HEADER_ROW}",
        series=series,
        y_title=unit,
        width=max(16, 3 * years + 6),
        height=8,
    )
    (on or ws).add_chart(chart, f"A{anchor}")
