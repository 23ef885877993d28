"""The Overview sheets: years across, funders (or recipients) down, cash and commitment basis.

- `add_overview_sheets(workbook, scenario, rows)` adds "Overview" (euros, with a stacked
  column chart of cash per funder per year) and "Overview x EUR 1,000" (the same cells,
  referred to by formula and shown in thousands by number format only).
- `add_recipient_sheet(workbook, scenario, rows)` adds "By recipient": what each recipient
  receives, per commitment and funder.

At register scale (more than `reports.overview.MAX_LISTED` commitments) the sheets are
summarised, which keeps them quick to write and open: the Overview has one line per funder,
By recipient one per recipient and funder, and a note says where every commitment's amounts
are (the Data sheet, or its CSV file).

Both bases use the same columns (the horizon's years, plus "earlier" and "later" when either
basis has amounts outside the horizon), so that one frozen header row serves the sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pandas as pd

from budget.core.model import Basis, Scenario
from budget.core.money import round_half_away
from budget.render.text import THOUSAND_CENTS, column_label, controlled_thousands
from budget.render.workbook import styles
from budget.render.workbook.charts import Chart, ChartKind, Series
from budget.render.workbook.pages import keep_totals_with_lines
from budget.render.workbook.sheet import (
    Book,
    Formula,
    Sheet,
    column_letter,
    euros,
    finish_sheet,
    fit_columns,
    header_row,
    quote_sheetname,
)
from budget.render.workbook.yeartable import YearLine, YearTablePlacement, write_year_table
from budget.reports import overview as listing  # MAX_LISTED read at use: tests set it
from budget.reports.overview import (
    Overview,
    funder_summary,
    overview,
    overview_columns,
    recipient_overview,
    recipient_summary,
)

OVERVIEW = "Overview"
THOUSANDS = "Overview x EUR 1,000"


def thousands_sheet(currency: str) -> str:
    """The name of the thousands sheet: "Overview x GBP 1,000"."""
    return f"Overview {styles.thousands_unit(currency)}"


THOUSANDS_NOTE = (
    "Totals are rounded from the exact amounts, so a total may differ from the sum of the "
    "rounded rows above it (the cells hold the exact amounts; only their format rounds)."
)
BY_RECIPIENT = "By recipient"
WHOLE = '#,##0;-#,##0;"-"'  # whole thousands, a dash for nothing
CHECK_LOOK = styles.Look(styles.BOLD, alignment=styles.RIGHT)

BLOCKS = (
    (Basis.CASH, "Cash basis: payments, in the fiscal year they are made"),
    (Basis.COMMITMENT, "Commitment basis: obligations, in the fiscal year they are entered into"),
)
# issue 18: a third block only where money comes back (a settled grant's recovery)
RECEIPTS_BLOCK = (Basis.RECEIPTS, "Receipts basis: money received back (a settlement's recovery)")
TITLE_OF = dict((*BLOCKS, RECEIPTS_BLOCK))


def blocks_of(rows: pd.DataFrame) -> tuple[tuple[Basis, str], ...]:
    """The blocks the rows fill: cash and commitment, and receipts where any came back."""
    receipts = (rows["basis"] == Basis.RECEIPTS).to_numpy(bool)
    if rows["amount_cents"].to_numpy()[receipts].any():
        return (*BLOCKS, RECEIPTS_BLOCK)
    return BLOCKS


HEADER_ROW = 5

# An item cell's formula (commitment, funder, basis, column) -> "='Calculation'!$C$9",
# or None to keep the amount (see calculation_sheet.Layout.reference).
ItemReference = Callable[[str, str, str, str], str | None]


def table_lines(table: Overview) -> list[YearLine]:
    """An overview's rows as year-table lines, each group headed by its full name; the
    (sub)totals carry their amounts, which their formulas give."""
    lines: list[YearLine] = []
    group = None
    for row in table.rows:
        amounts = row.cents[:-1]  # without the total column, which is a formula
        if row.level == "item" and row.group != group:
            group = row.group
            lines.append(YearLine("heading", table.names.get(group, group), group))
        if row.level == "item":
            lines.append(YearLine("item", row.label, row.item, amounts))
        elif row.level == "subtotal":
            lines.append(YearLine("subtotal", f"Total {row.group}", row.group, amounts))
        else:
            lines.append(YearLine("total", "Total", "", amounts))
    return lines


def summarised(scenario: Scenario) -> bool:
    """Whether the overviews show funders (recipients) without their commitments."""
    return len(scenario.commitments) > listing.MAX_LISTED


def summary_note(scenario: Scenario) -> str:
    return (
        f"This scenario has {len(scenario.commitments):,} commitments, more than the "
        f"{listing.MAX_LISTED:,} listed one by one: the lines here are totals. Every commitment's "
        "amounts are in the Data sheet (or the CSV file it names); `budget explain SCENARIO "
        "COMMITMENT` shows any one."
    )


def summary_lines(table: Overview) -> list[YearLine]:
    """A funder summary's rows as year-table lines: one item per funder, then the total."""
    return [
        YearLine("total", "Total", "", row.cents[:-1])
        if row.level == "total"
        else YearLine("item", row.label, row.item, row.cents[:-1])
        for row in table.rows
    ]


def _titles(sheet: Sheet, scenario: Scenario, title: str, unit: str, note: str = "") -> None:
    sheet.text(1, 1, f"{scenario.name}: {title}", styles.TITLE_LOOK)
    if scenario.description:
        sheet.text(2, 1, scenario.description, styles.SUBTITLE_LOOK)
    sheet.text(
        3,
        1,
        f"{unit}. Subtotals and totals are formulas; amounts outside the horizon "
        f"{scenario.label(scenario.first_year)} to {scenario.label(scenario.last_year)} "
        f"show as 'earlier' and 'later'.",
        styles.NOTE_LOOK,
    )
    if note:  # a line of its own, so that the printed page is not as wide as the note
        sheet.text(4, 1, note, styles.NOTE_LOOK)


def _blocks(
    sheet: Sheet,
    columns: Sequence[str],
    lines_by_basis: Sequence[tuple[str, list[YearLine]]],
    label: str,
    number_format: str = styles.EUROS,
    mirrors: Sequence[YearTablePlacement] = (),
    year_name: Callable[[int], str] = str,
) -> list[YearTablePlacement]:
    shown = [column_label(c, year_name) for c in columns]
    header_row(sheet, HEADER_ROW, [label, "id", *shown, "Total"], right_from=2)
    row = HEADER_ROW + 1
    placements = []
    width = len(columns) + 3
    for index, (title, lines) in enumerate(lines_by_basis):
        cells = sheet.row(row)
        for column in range(2, width + 1):
            cells[column] = (None, styles.BLOCK)
        cells[1] = (title, styles.BLOCK_TITLE)
        placement = write_year_table(
            sheet,
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


def refer_items(
    sheet: Sheet, placement: YearTablePlacement, table: Overview, refer: ItemReference
) -> None:
    """Make the item cells of a drawn table formulas that `refer` gives (same amounts)."""
    items = [r for r in table.rows if r.level == "item"]
    at = [row for line, row in zip(placement.lines, placement.rows, strict=True)
          if line.level == "item"]  # fmt: skip
    for item, row in zip(items, at, strict=True):
        cells = sheet.row(row)
        for column, name, cents in zip(
            placement.value_columns, placement.columns, item.cents, strict=False
        ):
            expression = refer(item.item, item.funder or item.group, table.basis, name)
            if expression is not None:
                cells[column] = (Formula.money(expression, cents), cells[column][1])


def add_overview_sheets(
    book: Book,
    scenario: Scenario,
    rows: pd.DataFrame,
    refer: ItemReference | None = None,
    rounding: str = "plain",
) -> list[YearTablePlacement]:
    """Add "Overview" (with its chart) and "Overview x EUR 1,000"; return the placements of
    the Overview's blocks (cash first, then commitment). refer: formulas for the item
    cells (the Calculation sheet's), else they hold amounts. rounding: "plain" (the
    thousands sheet shows the Overview's cells in a format that rounds) or "controlled"
    (`controlled_thousands`)."""
    columns = overview_columns(rows, scenario)
    summary = summarised(scenario)
    blocks = blocks_of(rows)
    if summary:  # register scale: one line per funder
        tables = [funder_summary(rows, scenario, basis, columns) for basis, _ in blocks]
        lines = [(title, summary_lines(t)) for (_, title), t in zip(blocks, tables, strict=True)]
    else:
        tables = [overview(rows, scenario, basis, columns=columns) for basis, _ in blocks]
        lines = [(title, table_lines(t)) for (_, title), t in zip(blocks, tables, strict=True)]
    label = "Funder" if summary else "Funder / commitment"
    sheet = book.add_sheet(OVERVIEW)
    _titles(
        sheet,
        scenario,
        "overview of commitments by funder",
        f"Amounts in {scenario.currency}",
        summary_note(scenario) if summary else "",
    )
    placements = _blocks(sheet, columns, lines, label, year_name=scenario.label)
    if summary:  # the funders' lines are the chart's series
        for placement in placements:
            placement.subtotal_rows = [
                row
                for line, row in zip(placement.lines, placement.rows, strict=True)
                if line.level == "item"
            ]
    for placement, table in zip(placements, tables, strict=True):
        if refer is not None:
            refer_items(sheet, placement, table, refer)
    _finish(sheet, placements)
    add_chart_sheet(book, scenario, sheet, placements[0])

    if rounding == "controlled":
        add_controlled_thousands(book, scenario, columns, tables, placements)
        return placements
    unit = styles.thousands_unit(scenario.currency)
    thousands = book.add_sheet(thousands_sheet(scenario.currency))
    _titles(
        thousands,
        scenario,
        f"overview by funder ({unit})",
        f"Amounts in thousands of {scenario.currency} ({unit}), the same cells as on the "
        "Overview sheet",
        THOUSANDS_NOTE,
    )
    mirrored = _blocks(
        thousands,
        columns,
        lines,
        label,
        styles.THOUSANDS,
        mirrors=placements,
        year_name=scenario.label,
    )
    _finish(thousands, mirrored, formula_width=10)
    return placements


CONTROLLED_NOTE = (
    "Controlled rounding: every column adds up to its total and every line's years to its "
    "Total column; each figure is within 1 thousand of its exact amount. A cell is "
    "ROUND(Overview cell / 1,000, 0) plus the correction the rounding made (a constant)."
)
RE_RUN = "re-run budget"  # the check of a column whose exact amounts changed


def add_controlled_thousands(
    book: Book,
    scenario: Scenario,
    columns: Sequence[str],
    tables: Sequence[Overview],
    placements: Sequence[YearTablePlacement],
) -> None:
    """The thousands sheet with controlled rounding (`budget run -o --rounding controlled`):
    whole thousands whose subtotals and totals are SUMs that add up both ways. Only plain
    rounding can follow an edit: a check line under each block says "ok" while the
    Overview's subtotals and totals are the amounts the rounding was made for, else
    "re-run budget"."""
    unit = styles.thousands_unit(scenario.currency)
    sheet = book.add_sheet(thousands_sheet(scenario.currency))
    _titles(
        sheet,
        scenario,
        f"overview by funder ({unit})",
        f"Amounts in whole thousands of {scenario.currency} ({unit}), from the Overview sheet",
        CONTROLLED_NOTE,
    )
    lines = []
    shown_tables = []
    for table in tables:
        title = TITLE_OF[Basis(table.basis)]
        shown = controlled_thousands(table)
        shown_tables.append(shown)
        scaled = Overview(
            table.basis,
            table.by,
            table.columns,
            tuple(
                replace(row, cents=tuple(100 * u for u in units))
                for row, units in zip(table.rows, shown, strict=True)
            ),
            table.names,
        )
        summary = summarised(scenario)
        lines.append((title, summary_lines(scaled) if summary else table_lines(scaled)))
    placed = _blocks(
        sheet,
        columns,
        lines,
        "Funder" if summarised(scenario) else "Funder / commitment",
        WHOLE,
        mirrors=placements,
        year_name=scenario.label,
    )
    for mine, source, table, shown in zip(placed, placements, tables, shown_tables, strict=True):
        at = [i for i, line in enumerate(mine.lines) if line.level != "heading"]
        name = quote_sheetname(source.sheet)
        for index, row, units in zip(at, (table.rows), shown, strict=True):
            if row.level != "item":
                continue
            cells = sheet.row(mine.rows[index])
            for k, column in enumerate(mine.value_columns):
                ref = f"{name}!${column_letter(source.value_columns[k])}${source.rows[index]}"
                plain = round_half_away(row.cents[k], THOUSAND_CENTS)
                moved = units[k] - plain
                extra = f"{moved:+d}" if moved else ""
                formula = Formula(f"=ROUND({ref}/1000,0){extra}", units[k])
                cells[column] = (formula, cells[column][1])
        check = mine.last_row + 1
        sheet.put(check, 1, "check: the amounts rounded are the Overview's", styles.BOLD_LOOK)
        totals = [i for i, line in enumerate(source.lines) if line.level in ("subtotal", "total")]
        for k, column in enumerate((*mine.value_columns, mine.total_column)):
            letter = column_letter((*source.value_columns, source.total_column)[k])
            conditions = []
            for i in totals:
                line = source.lines[i]
                cents = sum(line.cents) if k == len(mine.value_columns) else line.cents[k]
                conditions.append(f"ROUND({name}!${letter}${source.rows[i]},2)={euros(cents)!r}")
            formula = Formula(f'=IF(AND({",".join(conditions)}),"ok","{RE_RUN}")', "ok")
            sheet.put(check, column, formula, CHECK_LOOK)
    _finish(sheet, placed, formula_width=10)


def add_recipient_sheet(
    book: Book, scenario: Scenario, rows: pd.DataFrame, refer: ItemReference | None = None
) -> list[YearTablePlacement]:
    """Add "By recipient"; return its blocks' placements (cash first)."""
    columns = overview_columns(rows, scenario)
    summary = summarised(scenario)
    report = recipient_summary if summary else recipient_overview
    blocks = blocks_of(rows)
    tables = [report(rows, scenario, basis, columns) for basis, _ in blocks]
    lines = [(title, table_lines(t)) for (_, title), t in zip(blocks, tables, strict=True)]
    sheet = book.add_sheet(BY_RECIPIENT)
    _titles(
        sheet,
        scenario,
        "what each recipient receives, from whom",
        f"Amounts in {scenario.currency}",
        summary_note(scenario) if summary else "",
    )
    label = "Recipient / funder" if summary else "Recipient / commitment (from funder)"
    placements = _blocks(sheet, columns, lines, label, year_name=scenario.label)
    for placement, table in zip(placements, tables, strict=True):
        if refer is not None:
            refer_items(sheet, placement, table, refer)
    _finish(sheet, placements)
    return placements


def _finish(
    sheet: Sheet, placements: Sequence[YearTablePlacement], formula_width: int = 16
) -> None:
    # Titles and block titles may run over into the empty cells beside them.
    block_titles = [p.rows[0] - 1 for p in placements if p.rows]
    fit_columns(
        sheet,
        maximum=80,
        skip_rows=(1, 2, 3, 4, *block_titles),
        formula_width=formula_width,
        cached=formula_width == 16,  # the thousands sheet shows its formulas in thousands
    )
    sheet.widths[1] = max(sheet.widths.get(1, 0), 30)
    finish_sheet(sheet, freeze=f"C{HEADER_ROW + 1}", title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    totals = {
        row
        for p in placements
        for line, row in zip(p.lines, p.rows, strict=True)
        if line.level in ("subtotal", "total")
    }
    # A check line under a block (controlled rounding) goes with the block's totals.
    totals |= {p.last_row + 1 for p in placements if sheet.value(p.last_row + 1, 1)}
    keep_totals_with_lines(sheet, totals)


CHART_SHEET = "Overview chart"


def add_chart_sheet(
    book: Book, scenario: Scenario, overview_sheet: Sheet, cash: YearTablePlacement
) -> None:
    """ "Overview chart": the Overview's chart of cash per funder per year, on a sheet of its
    own so that, printed, it has its title above it rather than the Overview's repeated
    column headers (and is never cut across pages)."""
    if not cash.subtotal_rows or not cash.value_columns:
        return
    sheet = book.add_sheet(CHART_SHEET)
    sheet.text(1, 1, f"{scenario.name}: cash per funder per year", styles.TITLE_LOOK)
    sheet.text(
        2,
        1,
        f"Amounts in {scenario.currency}, from the cash block of the Overview sheet.",
        styles.NOTE_LOOK,
    )
    add_cash_chart(overview_sheet, cash, 4, unit=scenario.currency, on=sheet)
    sheet.widths[1] = 12
    finish_sheet(sheet, freeze="A4")


def add_cash_chart(
    sheet: Sheet,
    cash: YearTablePlacement,
    anchor_row: int,
    unit: str = "EUR",
    on: Sheet | None = None,
) -> None:
    """A stacked column chart of each funder's cash per year (its subtotal row of
    `sheet`), placed on `on` (default: `sheet`, below the table on a page of its own)."""
    if not cash.subtotal_rows or not cash.value_columns:
        return
    first = column_letter(cash.value_columns[0])
    last = column_letter(cash.value_columns[-1])
    name = quote_sheetname(sheet.title)
    series = tuple(
        Series(
            name=f"{name}!$B${row}",
            values=f"{name}!${first}${row}:${last}${row}",
            colour=styles.SERIES_COLOURS[number % len(styles.SERIES_COLOURS)],
        )
        for number, row in enumerate(cash.subtotal_rows)
    )
    chart = Chart(
        kind=ChartKind.STACKED_COLUMNS,
        title=f"Cash per funder per year ({unit})",
        categories=f"{name}!${first}${HEADER_ROW}:${last}${HEADER_ROW}",
        series=series,
        y_title=unit,
        width=max(18, 3 * len(cash.value_columns) + 8),
        height=10,
    )
    if on is not None:
        on.add_chart(chart, f"A{anchor_row}")
        return
    sheet.add_chart(chart, f"A{anchor_row}")
    # Printed, the chart gets a page of its own rather than being cut at a page's end.
    sheet.row_breaks.append(anchor_row - 2)
