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

from budget.core.model import Scenario
from budget.engine.limits import LimitYear, check_rows
from budget.render.workbook import styles
from budget.render.workbook.sheet import (
    Book,
    Formula,
    Sheet,
    finish_sheet,
    fit_columns,
    header_row,
    year_cell,
)
from budget.render.workbook.styles import Look
from budget.reports.ledger import LedgerYear, ledger
from budget.reports.shortfall import uncovered_shortfalls

SHEET = "Commitment vs cash"
PERCENT = styles.PERCENT
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
SUBTOTAL_TEXT = Look(styles.BOLD, styles.SUBTOTAL_FILL)
SUBTOTAL_BLANK = Look(fill=styles.SUBTOTAL_FILL)
SUBTOTAL_MONEY = Look(styles.BOLD, styles.SUBTOTAL_FILL, number_format=styles.EUROS)
SUBTOTAL_PERCENT = Look(styles.BOLD, styles.SUBTOTAL_FILL, number_format=PERCENT)
FLAG = Look()


def ledger_sheet(scenario: Scenario, rows: pd.DataFrame) -> Callable[[Book], None]:
    """A sheet writer for `write_workbook(extra_sheets=[...])`."""

    def add(book: Book) -> None:
        add_ledger_sheet(book, scenario, rows)

    return add


def add_ledger_sheet(book: Book, scenario: Scenario, rows: pd.DataFrame) -> None:
    """Add the sheet (see the module docstring)."""
    sheet = book.add_sheet(SHEET)
    sheet.text(1, 1, f"{scenario.name}: commitments and cash per funder", styles.TITLE_LOOK)
    sheet.text(
        2,
        1,
        f"Amounts in {scenario.currency}. Closing = opening + entered - paid: commitments "
        "outstanding at year "
        "end. 'Paid on earlier commitments': the part of the year's cash that settles "
        "commitments entered in earlier years.",
        styles.NOTE_LOOK,
    )
    row = write_ledger(sheet, 4, ledger(rows, list(scenario.funders)), scenario.label)
    checks = check_rows(scenario, rows)
    skip = [1, 2]
    if checks:
        sheet.text(row + 1, 1, "Budget ceilings: headroom per year", styles.BOLD_LOOK)
        sheet.text(
            row + 2,
            1,
            "Headroom = ceiling - amount; a limit is breached when the amount is above the "
            "ceiling (equal is not a breach).",
            styles.NOTE_LOOK,
        )
        skip += [row + 1, row + 2]
        row = write_limits(sheet, row + 3, checks, scenario.label)
    uncovered = uncovered_shortfalls(scenario, rows)
    if uncovered:
        sheet.text(row + 1, 1, "Shortfall not covered by top-ups", styles.BOLD_LOOK)
        sheet.text(
            row + 2,
            1,
            "The recipient's shortfall above what its top-ups pay (e.g. above a cap): what "
            "it still lacks after every payment.",
            styles.NOTE_LOOK,
        )
        skip += [row + 1, row + 2]
        header_row(sheet, row + 3, ("Recipient", "Year", "Uncovered"), right_from=1)
        for offset, gap in enumerate(uncovered, row + 4):
            sheet.text(offset, 1, gap.recipient)
            sheet.row(offset)[2] = year_cell(gap.year, scenario.label)
            sheet.money(offset, 3, gap.cents)
    fit_columns(sheet, skip_rows=tuple(skip))
    finish_sheet(sheet, freeze="C5", title_rows="4:4")


NO_CASH = "-"  # the share of a year without cash (a formula cell is never empty)
WITHIN = "ok"  # the flag of a ceiling that holds


def share(committed_earlier: int, paid: int) -> float | str:
    """What =IF(E=0,"-",G/E) gives: the share of the cash committed earlier, "-" without
    cash."""
    return committed_earlier / paid if paid else NO_CASH


def write_ledger(
    sheet: Sheet, top: int, entries: list[LedgerYear], label: Callable[[int], str] = str
) -> int:
    """The ledger table from row `top`; returns the first free row below it."""
    header_row(sheet, top, LEDGER_HEADER, right_from=1)
    row = top + 1
    funders = list(dict.fromkeys(e.funder for e in entries))
    for funder in funders:
        mine = [e for e in entries if e.funder == funder]
        first = row
        for index, e in enumerate(mine):
            sheet.text(row, 1, funder)
            sheet.row(row)[2] = year_cell(int(e.year), label)
            if index == 0:
                sheet.money(row, 3, e.opening)
            else:
                sheet.formula(row, 3, Formula.money(f"=F{row - 1}", e.opening))
            sheet.money(row, 4, e.entered)
            sheet.money(row, 5, e.paid)
            sheet.formula(row, 6, Formula.money(f"=C{row}+D{row}-E{row}", e.closing))
            sheet.money(row, 7, e.paid_committed_earlier)
            ratio = Formula(
                f'=IF(E{row}=0,"{NO_CASH}",G{row}/E{row})', share(e.paid_committed_earlier, e.paid)
            )
            sheet.formula(row, 8, ratio, styles.PERCENT_LOOK)
            row += 1
        last = row - 1
        entered = sum(e.entered for e in mine)
        paid = sum(e.paid for e in mine)
        earlier = sum(e.paid_committed_earlier for e in mine)
        opening = mine[0].opening
        sheet.text(row, 1, f"Total {funder}", SUBTOTAL_TEXT)
        sheet.text(row, 2, "", SUBTOTAL_BLANK)
        sheet.formula(row, 3, Formula.money(f"=C{first}", opening), SUBTOTAL_MONEY)
        for column, cents in ((4, entered), (5, paid), (7, earlier)):
            letter = "ABCDEFGH"[column - 1]
            total = Formula.money(f"=SUM({letter}{first}:{letter}{last})", cents)
            sheet.formula(row, column, total, SUBTOTAL_MONEY)
        closing = Formula.money(f"=C{row}+D{row}-E{row}", opening + entered - paid)
        sheet.formula(row, 6, closing, SUBTOTAL_MONEY)
        ratio = Formula(f'=IF(E{row}=0,"{NO_CASH}",G{row}/E{row})', share(earlier, paid))
        sheet.formula(row, 8, ratio, SUBTOTAL_PERCENT)
        row += 2
    return row


def write_limits(
    sheet: Sheet, top: int, checks: list[LimitYear], label: Callable[[int], str] = str
) -> int:
    """The headroom table from row `top`; returns the first free row below it."""
    header_row(sheet, top, LIMIT_HEADER, right_from=2)
    row = top + 1
    for check in checks:
        sheet.text(row, 1, check.limit.funder)
        sheet.text(row, 2, check.limit.basis)
        sheet.row(row)[3] = year_cell(int(check.year), label)
        sheet.money(row, 4, check.amount)
        sheet.money(row, 5, check.ceiling)
        headroom = Formula.money(f"=E{row}-D{row}", check.headroom)
        sheet.formula(row, 6, headroom, styles.BREACH_MONEY if check.breached else styles.MONEY)
        flag = Formula(
            f'=IF(D{row}>E{row},"BREACHED","{WITHIN}")', "BREACHED" if check.breached else WITHIN
        )
        sheet.formula(row, 7, flag, styles.BREACH_FLAG if check.breached else FLAG)
        row += 1
    return row
