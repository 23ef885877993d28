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

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budget.compare import TITLES, SideRow, side_by_side
from budget.model import Scenario
from budget.workbook import new_workbook, overflow_csv_path, styles
from budget.workbook.cells import (
    finish_sheet,
    fit_columns,
    header_row,
    write_formula,
    write_money,
    write_text,
)
from budget.workbook.data_sheet import add_data_sheet
from budget.workbook.save import check_target, protected_files, save_atomically
from budget.workbook.yeartable import sum_formula

COMPARISON = "Comparison"
CAUSES = "Differences by commitment"


def write_comparison(
    scenarios: Sequence[Scenario],
    long: pd.DataFrame,
    labels: Sequence[str],
    path: str | Path,
    inputs: Sequence[str | Path] = (),
) -> None:
    """Write the comparison workbook atomically; raises InputError when the target is
    refused (an input file, a missing folder)."""
    protected = protected_files(scenarios, inputs)
    check_target(path, protected)
    table = side_by_side(long, list(labels))
    workbook = new_workbook()
    add_comparison_sheet(workbook, table, labels)
    add_causes_sheet(workbook, table, labels)
    add_data_sheet(workbook, long, overflow_path=overflow_csv_path(path), inputs=protected)
    workbook.active = 0
    save_atomically(workbook, path, protected)


def add_comparison_sheet(workbook: Workbook, table: list[SideRow], labels: Sequence[str]) -> None:
    ws = workbook.create_sheet(COMPARISON)
    others = ", ".join(labels[1:])
    write_text(ws, 1, 1, f"Comparison: {others} against {labels[0]}", font=styles.TITLE)
    write_text(
        ws,
        2,
        1,
        "Amounts in EUR. Difference = scenario - base, per funder and fiscal year; the "
        f"sheet '{CAUSES}' shows which commitments caused each difference.",
        font=styles.NOTE,
    )
    header = ["Funder", "Year", labels[0]]
    for label in labels[1:]:
        header += [label, "Difference"]
    row = 4
    header_row(ws, row, header, right_from=2)
    row += 1
    for basis in ("cash", "commitment"):
        rows = [r for r in table if r.basis == basis and (any(r.amounts) or any(r.deltas))]
        for column in range(1, len(header) + 1):
            ws.cell(row=row, column=column).fill = styles.BLOCK_FILL
        write_text(ws, row, 1, TITLES[basis].capitalize(), font=styles.BOLD, fill=styles.BLOCK_FILL)
        row += 1
        first = row
        for r in rows:
            write_text(ws, row, 1, r.funder)
            year = ws.cell(row=row, column=2, value=r.year)
            year.number_format = styles.YEAR
            year.font = styles.PLAIN
            write_money(ws, row, 3, r.amounts[0])
            for i in range(1, len(labels)):
                amount_column = 2 + 2 * i
                write_money(ws, row, amount_column, r.amounts[i])
                scenario_cell = f"{get_column_letter(amount_column)}{row}"
                write_formula(ws, row, amount_column + 1, f"={scenario_cell}-C{row}")
            row += 1
        last = row - 1
        write_text(ws, row, 1, "Total", font=styles.BOLD, border=styles.TOTAL_RULE)
        write_text(ws, row, 2, "", border=styles.TOTAL_RULE)
        for column in range(3, len(header) + 1):
            letter = get_column_letter(column)
            refs = [f"{letter}{first}:{letter}{last}"] if rows else []
            write_formula(
                ws, row, column, sum_formula(refs), font=styles.BOLD, border=styles.TOTAL_RULE
            )
        row += 2
    fit_columns(ws, skip_rows=(1, 2))
    finish_sheet(ws, freeze="C5", title_rows="4:4")


def add_causes_sheet(workbook: Workbook, table: list[SideRow], labels: Sequence[str]) -> None:
    ws: Worksheet = workbook.create_sheet(CAUSES)
    write_text(ws, 1, 1, f"What caused the differences from {labels[0]}", font=styles.TITLE)
    write_text(
        ws,
        2,
        1,
        "Amounts in EUR. Per scenario, basis, funder and year: each commitment's part of the "
        "difference, largest first. The parts add up to the difference on the Comparison sheet.",
        font=styles.NOTE,
    )
    header_row(ws, 4, ["Scenario", "Basis", "Funder", "Year", "Commitment", "Difference"], 1, 5)
    row = 5
    order = sorted(table, key=lambda r: r.basis != "cash")  # cash first, as on Comparison
    for i, label in list(enumerate(labels))[1:]:
        for r in order:
            for commitment, delta in r.causes[i]:
                write_text(ws, row, 1, label)
                write_text(ws, row, 2, r.basis)
                write_text(ws, row, 3, r.funder)
                year = ws.cell(row=row, column=4, value=r.year)
                year.number_format = styles.YEAR
                year.font = styles.PLAIN
                write_text(ws, row, 5, commitment)
                write_money(ws, row, 6, delta)
                row += 1
    if row == 5:
        write_text(ws, row, 1, "No differences.", font=styles.NOTE)
    fit_columns(ws, skip_rows=(1, 2))
    finish_sheet(ws, freeze="A5", title_rows="4:4")
