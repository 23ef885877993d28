"""The comparison workbook of `budget compare BASE OTHER... -o FILE.xlsx`.

- "Comparison": per basis (cash, then commitment), one line per funder and year with the
  base and each other scenario side by side; each difference is a live formula (scenario
  minus base), and the Total line sums every column with SUM formulas.
- "Differences by commitment": which commitments caused each difference, largest first.
- "Data": the long comparison rows as an Excel table (amount and delta, in euros and cents).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from budget.core.model import Scenario
from budget.render.workbook import new_workbook, overflow_csv_path, styles
from budget.render.workbook.data_sheet import add_data_sheet
from budget.render.workbook.exact import raise_if_inexact
from budget.render.workbook.save import (
    check_target,
    cycle_collector_paused,
    protected_files,
    save_atomically,
)
from budget.render.workbook.sheet import (
    Book,
    Formula,
    column_letter,
    finish_sheet,
    fit_columns,
    header_row,
    sum_formula,
    year_cell,
)
from budget.render.workbook.styles import Look
from budget.reports.compare import Comparison

COMPARISON = "Comparison"
CAUSES = "Differences by commitment"
TOTAL_TEXT = Look(styles.BOLD, border=styles.TOTAL_RULE)
TOTAL_BLANK = Look(border=styles.TOTAL_RULE)
TOTAL_MONEY = Look(styles.BOLD, border=styles.TOTAL_RULE, number_format=styles.EUROS)


def write_comparison(
    scenarios: Sequence[Scenario],
    long: pd.DataFrame,
    report: Comparison,
    path: str | Path,
    inputs: Sequence[str | Path] = (),
    by: str = "commitment",
    extra: Sequence[Any] = (),
) -> None:
    """Write the comparison workbook of `report` (with `long`, the rows it was built from,
    on the Data sheet) atomically; raises InputError when the target is refused (an input
    file, a missing folder). by: what the causes are, "commitment" or (`compare --by
    article`) "article": the sheet of causes, its column and the Data sheet's say so."""
    protected = protected_files(scenarios, inputs)
    check_target(path, protected)
    raise_if_inexact(long, ("amount_cents", "delta_cents"), str(path))
    with cycle_collector_paused():
        book = new_workbook()
        book.currency = report.unit
        book.title = "Comparison: " + ", ".join(report.labels)
        add_comparison_sheet(book, report, causes_sheet(by))
        add_causes_sheet(book, report, by)
        if by == "article":
            long = long.rename(columns={"commitment": "article"})
        add_data_sheet(book, long, overflow_path=overflow_csv_path(path), inputs=protected)
        for add_sheet in extra:  # the Pending sheet (issue 23), last
            add_sheet(book)
        save_atomically(book, path, protected)


def causes_sheet(by: str) -> str:
    """The name of the sheet of causes: "Differences by commitment" (or by article)."""
    return CAUSES if by == "commitment" else f"Differences by {by}"


def add_comparison_sheet(book: Book, report: Comparison, causes: str = CAUSES) -> None:
    """The Comparison sheet: the report's sections one below the other."""
    labels, year_name = report.labels, report.year_label
    sheet = book.add_sheet(COMPARISON)
    sheet.text(1, 1, report.sheet_title, styles.TITLE_LOOK)
    sheet.text(
        2,
        1,
        f"Amounts in {book.currency}. Difference = scenario - base, per funder and fiscal "
        "year; the "
        f"sheet '{causes}' shows which {causes.rsplit(' ', 1)[-1]}s caused each difference.",
        styles.NOTE_LOOK,
    )
    header = ["Funder", "Year", labels[0]]
    for label in labels[1:]:
        header += [label, "Difference"]
    row = 4
    header_row(sheet, row, header, right_from=2)
    row += 1
    for section in report.sections:
        for column in range(2, len(header) + 1):
            sheet.put(row, column, None, styles.BLOCK)
        sheet.text(row, 1, section.sheet_title, styles.BLOCK_TITLE)
        row += 1
        first = row
        for r in section.rows:
            sheet.text(row, 1, r.funder)
            sheet.row(row)[2] = year_cell(int(r.year), year_name)
            sheet.money(row, 3, r.amounts[0])
            for i in range(1, len(labels)):
                amount_column = 2 + 2 * i
                sheet.money(row, amount_column, r.amounts[i])
                scenario_cell = f"{column_letter(amount_column)}{row}"
                formula = Formula.money(f"={scenario_cell}-C{row}", r.amounts[i] - r.amounts[0])
                sheet.formula(row, amount_column + 1, formula)
            row += 1
        last = row - 1
        # What each column adds up to: the base, then each scenario and its difference.
        totals = [section.totals[0]]
        for i in range(1, len(labels)):
            totals += [section.totals[i], section.total_deltas[i]]
        sheet.text(row, 1, "Total", TOTAL_TEXT)
        sheet.text(row, 2, "", TOTAL_BLANK)
        for column in range(3, len(header) + 1):
            letter = column_letter(column)
            refs = [f"{letter}{first}:{letter}{last}"] if section.rows else []
            total = Formula.money(sum_formula(refs), totals[column - 3])
            sheet.formula(row, column, total, TOTAL_MONEY)
        row += 2
    fit_columns(sheet, skip_rows=(1, 2))
    finish_sheet(sheet, freeze="C5", title_rows="4:4")


def add_causes_sheet(book: Book, report: Comparison, by: str = "commitment") -> None:
    """The sheet of causes: each scenario's causes of every difference, largest first."""
    sheet = book.add_sheet(causes_sheet(by))
    sheet.text(1, 1, report.causes_sheet_title, styles.TITLE_LOOK)
    sheet.text(
        2,
        1,
        f"Amounts in {book.currency}. Per scenario, basis, funder and year: each "
        f"{by}'s part of the "
        "difference, largest first. The parts add up to the difference on the Comparison sheet.",
        styles.NOTE_LOOK,
    )
    cause = by.capitalize()
    header_row(sheet, 4, ["Scenario", "Basis", "Funder", "Year", cause, "Difference"], 1, 5)
    row = 5
    for i, label in list(enumerate(report.labels))[1:]:
        for r in report.causes:
            for commitment, delta in r.causes[i]:
                sheet.text(row, 1, label)
                sheet.text(row, 2, r.basis)
                sheet.text(row, 3, r.funder)
                sheet.row(row)[4] = year_cell(int(r.year), report.year_label)
                sheet.text(row, 5, commitment)
                sheet.money(row, 6, delta)
                row += 1
    if row == 5:
        sheet.text(row, 1, "No differences.", styles.NOTE_LOOK)
    fit_columns(sheet, skip_rows=(1, 2))
    finish_sheet(sheet, freeze="A5", title_rows="4:4")
