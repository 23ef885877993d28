"""The "Commitment vs cash" sheet: per funder and year, commitments entered, cash paid and
commitments outstanding at year end; then each budget ceiling's headroom per year.

Entered, paid and the part of the cash that settles earlier commitments are numbers from
the engine; opening (the previous closing), closing (opening + entered - paid), the share of
cash already committed, the totals, the headroom (ceiling - amount) and the breach flag are
live formulas, so the sheet stays consistent when someone edits an amount.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from budget.ledger import LedgerYear, ledger
from budget.limits import LimitYear, check_rows
from budget.model import Scenario
from budget.workbook import styles
from budget.workbook.cells import (
    finish_sheet,
    fit_columns,
    header_row,
    write_formula,
    write_money,
    write_text,
)

SHEET = "Commitment vs cash"
PERCENT = "0.0%"
LEDGER_HEADER = (
    "Funder",
    "Year",
    "Opening",
    "Entered",
    "Paid",
    "Closing",
    "Paid on earlier commitments",
    "Share of cash committed earlier",
)
LIMIT_HEADER = ("Funder", "Basis", "Year", "Amount", "Ceiling", "Headroom", "Breached")


def ledger_sheet(scenario: Scenario, rows: pd.DataFrame) -> Callable[[Workbook], None]:
    """A sheet writer for `write_workbook(extra_sheets=[...])`."""

    def add(workbook: Workbook) -> None:
        add_ledger_sheet(workbook, scenario, rows)

    return add


def add_ledger_sheet(workbook: Workbook, scenario: Scenario, rows: pd.DataFrame) -> None:
    """Add the sheet (see the module docstring)."""
    ws = workbook.create_sheet(SHEET)
    write_text(ws, 1, 1, f"{scenario.name}: commitments and cash per funder", font=styles.TITLE)
    write_text(
        ws,
        2,
        1,
        "Amounts in EUR. Closing = opening + entered - paid: commitments outstanding at year "
        "end. 'Paid on earlier commitments': the part of the year's cash that settles "
        "commitments entered in earlier years.",
        font=styles.NOTE,
    )
    row = write_ledger(ws, 4, ledger(rows, list(scenario.funders)))
    checks = check_rows(scenario, rows)
    if checks:
        write_text(ws, row + 1, 1, "Budget ceilings: headroom per year", font=styles.BOLD)
        write_text(
            ws,
            row + 2,
            1,
            "Headroom = ceiling - amount; a limit is breached when the amount is above the "
            "ceiling (equal is not a breach).",
            font=styles.NOTE,
        )
        write_limits(ws, row + 3, checks)
    fit_columns(ws, skip_rows=(1, 2, row + 1, row + 2))
    finish_sheet(ws, freeze="C5", title_rows="4:4")


def write_ledger(ws: Worksheet, top: int, entries: list[LedgerYear]) -> int:
    """The ledger table from row `top`; returns the first free row below it."""
    header_row(ws, top, LEDGER_HEADER, right_from=2)
    row = top + 1
    funders = list(dict.fromkeys(e.funder for e in entries))
    for funder in funders:
        mine = [e for e in entries if e.funder == funder]
        first = row
        for index, e in enumerate(mine):
            write_text(ws, row, 1, funder)
            write_year(ws, row, 2, e.year)
            if index == 0:
                write_money(ws, row, 3, e.opening)
            else:
                write_formula(ws, row, 3, f"=F{row - 1}")
            write_money(ws, row, 4, e.entered)
            write_money(ws, row, 5, e.paid)
            write_formula(ws, row, 6, f"=C{row}+D{row}-E{row}")
            write_money(ws, row, 7, e.paid_committed_earlier)
            write_formula(ws, row, 8, f'=IF(E{row}=0,"",G{row}/E{row})', number_format=PERCENT)
            row += 1
        last = row - 1
        write_text(ws, row, 1, f"Total {funder}", font=styles.BOLD, fill=styles.SUBTOTAL_FILL)
        write_text(ws, row, 2, "", fill=styles.SUBTOTAL_FILL)
        write_formula(ws, row, 3, f"=C{first}", font=styles.BOLD, fill=styles.SUBTOTAL_FILL)
        for column in ("D", "E", "G"):
            write_formula(
                ws,
                row,
                ord(column) - 64,
                f"=SUM({column}{first}:{column}{last})",
                font=styles.BOLD,
                fill=styles.SUBTOTAL_FILL,
            )
        write_formula(
            ws, row, 6, f"=C{row}+D{row}-E{row}", font=styles.BOLD, fill=styles.SUBTOTAL_FILL
        )
        write_formula(
            ws,
            row,
            8,
            f'=IF(E{row}=0,"",G{row}/E{row})',
            number_format=PERCENT,
            font=styles.BOLD,
            fill=styles.SUBTOTAL_FILL,
        )
        row += 2
    return row


def write_limits(ws: Worksheet, top: int, checks: list[LimitYear]) -> int:
    """The headroom table from row `top`; returns the first free row below it."""
    header_row(ws, top, LIMIT_HEADER, right_from=3)
    row = top + 1
    for check in checks:
        write_text(ws, row, 1, check.limit.funder)
        write_text(ws, row, 2, check.limit.basis)
        write_year(ws, row, 3, check.year)
        write_money(ws, row, 4, check.amount)
        write_money(ws, row, 5, check.ceiling)
        write_formula(ws, row, 6, f"=E{row}-D{row}")
        write_formula(ws, row, 7, f'=IF(D{row}>E{row},"BREACHED","")', number_format="General")
        row += 1
    return row


def write_year(ws: Worksheet, row: int, column: int, year: int) -> None:
    cell = ws.cell(row=row, column=column, value=int(year))
    cell.number_format = styles.YEAR
    cell.font = styles.PLAIN
