"""The "Plan vs actual" sheet: per basis, funder and commitment (and `(unplanned)`), the
planned, actual, variance and forecast of every fiscal year, with the year's status.

The rows are `budget.engine.realised.compare`'s (the sheet only lays them out):

    Funder / commitment     id           2014       2015  ...  Total
    Status of the year                   closed     current      <- the formulas read it
    Cash basis ...
    Ministerie van VenJ     VenJ
      MKI support           mki-support  Planned    100,000.00 ...  =SUM(row)
                            mki-support  Actual      95,000.00 ...
                            mki-support  Variance   =actual-planned
                            mki-support  Forecast   =IF(status="closed",actual,IF(..MAX..),planned)
    Total VenJ              VenJ         Planned    =SUM(the items' planned) ...
    ...
    Total                                Planned    =SUM(the funders' planned) ...

Planned and actual are numbers; variance, forecast, the subtotals, totals and the Total
column are live formulas carrying the values `compare` computed. Below: a clustered column
chart of planned, actual and forecast cash per year. `forecast_ledger_sheet` adds the
"Commitment vs cash" sheet computed from the forecast, saying so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from budget.core.model import Basis, Scenario
from budget.engine.realised import Status
from budget.load.bookings import UNPLANNED
from budget.render.workbook import styles
from budget.render.workbook.charts import Chart, ChartKind, Series
from budget.render.workbook.ledger_sheet import SHEET as LEDGER_SHEET
from budget.render.workbook.ledger_sheet import add_ledger_sheet
from budget.render.workbook.sheet import (
    MAX_ROWS,
    Book,
    Cell,
    Formula,
    Sheet,
    column_letter,
    finish_sheet,
    fit_columns,
    header_row,
    quote_sheetname,
    sum_formula,
)
from budget.render.workbook.styles import Look
from budget.render.workbook.yeartable import ranges
from budget.reports import overview
from budget.reports.realisation import BasisPlan, CommitmentPlan, Measures, PlanVsActual

SHEET = "Plan vs actual"
HEADER_ROW = 7
STATUS_ROW = 8
FIRST_YEAR_COLUMN = 4
MEASURES = ("Planned", "Actual", "Variance", "Forecast")
RULE = (  # two short lines, so that the printed page is as wide as the table, not the note
    "Amounts in EUR. Variance = actual - planned. Forecast = actual in a closed year (it ended "
    "on or before the actuals date),",
    "obligations: the larger of planned and actual in the current year, planned in a later year; "
    "cash: unpaid plan slips or lapses (see budget explain). Variances, forecasts, subtotals "
    "and totals are formulas.",
)
CHART_ROWS = 22  # rows a chart of 10 cm covers, with room below

ITEM = Look(alignment=styles.INDENT)
ITEM_MONEY = styles.MONEY
HEADING = styles.BOLD_LOOK
SUBTOTAL = Look(styles.BOLD, styles.SUBTOTAL_FILL)
SUBTOTAL_MONEY = Look(styles.BOLD, styles.SUBTOTAL_FILL, number_format=styles.EUROS)
TOTAL = Look(styles.BOLD, border=styles.TOP_RULE)
TOTAL_MONEY = Look(styles.BOLD, border=styles.TOP_RULE, number_format=styles.EUROS)
STATUS = Look(styles.NOTE, alignment=styles.RIGHT)
STATUS_LABEL = Look(styles.NOTE)


@dataclass(frozen=True, slots=True)
class CashRules:
    """What the cash forecast's formulas need beyond the report: the rule year c (the
    current year, or the first future year when the actuals date ends a year; None
    without an actuals date: every year is its plan) and the commitments whose unpaid plan
    slips (the others lapse), as `budget.engine.realised.compare` has them."""

    rule_year: int | None
    slipping: frozenset[str] = frozenset()


def cash_rules(scenario: Scenario, realised: pd.DataFrame) -> CashRules:
    """The CashRules of plan-vs-actual rows (`realise`'s frame, whose attrs hold as_of)."""
    as_of = realised.attrs.get("as_of")
    rule_year = None
    if as_of:
        day = dt.date.fromisoformat(str(as_of)) + dt.timedelta(days=1)
        rule_year = scenario.calendar.year_of(day)
    slipping = frozenset(c.id for c in scenario.commitments if c.unpaid_policy == "slips")
    return CashRules(rule_year, slipping)


def plan_actual_sheet(
    report: PlanVsActual, rules: CashRules | None = None
) -> Callable[[Book], None]:
    """A sheet writer for `write_workbook(extra_sheets=[...])`. With `rules`, the cash
    forecast of each line is a formula of its planned and actual cells (`cash_forecast`
    below); without, the engine's amounts."""

    def add(book: Book) -> None:
        add_plan_actual_sheet(book, report, rules)

    return add


def forecast_ledger_sheet(scenario: Scenario, forecast: pd.DataFrame) -> Callable[[Book], None]:
    """The "Commitment vs cash" sheet of the forecast (`forecast_rows`), which says so."""

    def add(book: Book) -> None:
        add_ledger_sheet(book, scenario, forecast)
        as_of = forecast.attrs.get("as_of") or "no date"
        # Row 3 is free on that sheet; the note may run over into the empty cells beside it.
        book[LEDGER_SHEET].text(
            3,
            1,
            f"With the actuals (complete up to {as_of}), these are the forecast's amounts: "
            "actual in closed years; in the current year cash that was planned and not paid "
            "slips on (grants) or lapses (annual, top-up) (see the Plan vs actual sheet).",
            styles.NOTE_LOOK,
        )

    return add


def add_plan_actual_sheet(book: Book, report: PlanVsActual, rules: CashRules | None = None) -> None:
    """Add the sheet (see the module docstring)."""
    sheet = book.add_sheet(SHEET)
    sheet.text(1, 1, report.sheet_title, styles.TITLE_LOOK)
    files = ", ".join(report.files)
    sheet.text(2, 1, report.status + (f" Actuals: {files}." if files else ""))
    sheet.text(3, 1, RULE[0].replace("EUR", report.currency, 1), styles.NOTE_LOOK)
    sheet.text(4, 1, RULE[1], styles.NOTE_LOOK)
    if report.unplanned_note:
        sheet.text(5, 1, report.unplanned_note, styles.NOTE_LOOK)
    years = report.years
    if not years:
        sheet.text(HEADER_ROW, 1, "Nothing is planned or booked.")
        finish_sheet(sheet, freeze=None)
        return
    header_row(
        sheet,
        HEADER_ROW,
        ["Funder / commitment", "id", "", *map(report.year_label, years), "Total"],
        right_from=3,
    )
    cells = sheet.row(STATUS_ROW)
    cells[1] = ("Status of the year", STATUS_LABEL)
    for offset, status in enumerate(report.statuses):
        cells[FIRST_YEAR_COLUMN + offset] = (status, STATUS)
    row = STATUS_ROW + 1
    block_titles: list[int] = []
    cash_totals: list[int] = []
    summary = _summary_note(report)
    if summary:  # register scale (issue 21): a line per funder
        sheet.text(6, 1, summary, styles.NOTE_LOOK)
    for basis in report.bases:
        if summary:
            basis = _per_funder(basis)
        lines = 4 * sum(len(f.commitments) for f in basis.funders) + 5 * len(basis.funders) + 6
        if row + lines > MAX_ROWS:
            sheet.text(
                row,
                1,
                f"{basis.sheet_title}: too many lines for a sheet; see budget actuals --format csv",
            )
            row += 2
            continue
        if block_titles:  # printed, each basis starts a page
            sheet.row_breaks.append(row - 1)
        block_titles.append(row)
        block = sheet.row(row)
        block[1] = (basis.sheet_title, styles.BLOCK_TITLE)
        for column in range(2, FIRST_YEAR_COLUMN + len(years) + 1):
            block[column] = (None, styles.BLOCK)
        cash = rules if basis.basis == Basis.CASH and not summary else None
        totals, row = write_block(sheet, row + 1, basis, len(years), cash, report)
        if basis.basis == Basis.CASH:
            cash_totals = totals
        row += 1
    fit_columns(sheet, maximum=60, skip_rows=(1, 2, 3, 4, 5, 6, *block_titles))
    sheet.widths[1] = max(sheet.widths.get(1, 0), 30)
    finish_sheet(sheet, freeze=f"D{STATUS_ROW + 1}", title_rows=f"{HEADER_ROW}:{STATUS_ROW}")
    if cash_totals:
        add_chart(sheet, cash_totals, len(years), row + 1, report.currency)


def _summary_note(report: PlanVsActual) -> str:
    """Above `reports.overview.MAX_LISTED` commitments (issue 21), the sentence that says
    the sheet has a line per funder; else ""."""
    listed = {
        item.commitment
        for basis in report.bases
        for funder in basis.funders
        for item in funder.commitments
        if item.commitment != UNPLANNED
    }
    if len(listed) <= overview.MAX_LISTED:
        return ""
    return (
        f"{len(listed):,} commitments, more than the {overview.MAX_LISTED:,} listed one by "
        "one: a line per funder (its commitments and bookings together); per commitment see "
        "budget actuals --format csv."
    )


def _per_funder(basis: BasisPlan) -> BasisPlan:
    """The basis with each funder's commitments as one line of the funder's total."""
    funders = tuple(
        dataclasses.replace(
            f, commitments=(CommitmentPlan(f.funder, f"All of {f.funder}", f.total),)
        )
        for f in basis.funders
    )
    return dataclasses.replace(basis, funders=funders)


def write_block(
    sheet: Sheet,
    top: int,
    basis: BasisPlan,
    years: int,
    rules: CashRules | None = None,
    report: PlanVsActual | None = None,
) -> tuple[list[int], int]:
    """One basis' lines from row `top`: per funder a heading, four lines per commitment and
    four subtotal lines; then four total lines. Returns the total lines' rows (planned,
    actual, forecast) and the first free row. `rules` (the cash block's): the items'
    forecasts are `cash_forecast` formulas."""
    letters = [column_letter(FIRST_YEAR_COLUMN + i) for i in range(years)]
    total_column = FIRST_YEAR_COLUMN + years
    row = top
    subtotal_rows: list[int] = []  # the Planned line of each funder's subtotal
    for funder in basis.funders:
        heading = sheet.row(row)
        heading[1] = (funder.name, HEADING)
        heading[2] = (funder.funder, HEADING)
        row += 1
        item_rows: list[int] = []
        for item in funder.commitments:
            names = (item.name, item.commitment)
            _measures(
                sheet,
                row,
                names,
                letters,
                total_column,
                item.measures,
                None,
                by_status=basis.basis != Basis.CASH
                and _by_status(item.measures, report.statuses if report else ()),
            )
            if rules is not None and report is not None:
                slips = item.commitment in rules.slipping
                for index, formula in enumerate(
                    cash_forecast(row, letters, report, rules.rule_year, slips, item.measures)
                ):
                    cells = sheet.row(row + 3)
                    cells[FIRST_YEAR_COLUMN + index] = (
                        formula,
                        cells[FIRST_YEAR_COLUMN + index][1],
                    )
            item_rows.append(row)
            row += 4
        names = (f"Total {funder.funder}", funder.funder)
        _measures(sheet, row, names, letters, total_column, funder.total, item_rows, SUBTOTAL)
        subtotal_rows.append(row)
        row += 5
    _measures(sheet, row, ("Total", ""), letters, total_column, basis.total, subtotal_rows, TOTAL)
    return [row, row + 1, row + 3], row + 4


def cash_forecast(
    top: int,
    letters: Sequence[str],
    report: PlanVsActual,
    rule_year: int | None,
    slips: bool,
    amounts: Measures,
) -> list[Formula]:
    """The cash forecast of one item's years as formulas of its planned (row `top`) and
    actual (row `top` + 1) cells, by the rules of `budget.engine.realised.cash_forecast`,
    with c the rule year:

    - a year before c (closed): the actual A;
    - lapses: c is A + MAX(0, P - A - refunds); a later year its plan P;
    - slips: owed = the plan up to c - the actuals up to c; c is A + MAX(0, owed); a
      negative owed (paid ahead) lowers the later years' plan in year order: year y
      MAX(0, plan after c up to y - ahead) - MAX(0, plan after c before y - ahead);
    - without an actuals date (no c): the plan.

    The actual of a future year counts as 0 (only what was booked up to the actuals date
    is known). The sheet holds net actuals, not payments apart from refunds: the current
    year's refunds of a lapsing line are the engine's, a number in the formula (P - the
    engine's forecast when that is above A, else what keeps the formula at its value).
    Each formula caches the engine's forecast."""
    p, a = top, top + 1
    years = report.years
    cached = amounts.forecast
    if rule_year is None:
        return [Formula.money(f"={x}{p}", c) for x, c in zip(letters, cached, strict=True)]
    known = [status != Status.FUTURE for status in report.statuses]
    before = sum(1 for y in years if y < rule_year)  # columns of closed years
    here = before if before < len(years) and years[before] == rule_year else None
    upto = before + (1 if here is not None else 0)  # columns up to c

    def total(row: int, first: int, last: int, known_only: bool = False) -> str:
        """SUM of the row's cells in columns first..last (inclusive), or "0"."""
        if known_only:
            while last >= first and not known[last]:
                last -= 1
        if last < first:
            return "0"
        if first == last:
            return f"{letters[first]}{row}"
        return f"SUM({letters[first]}{row}:{letters[last]}{row})"

    planned_upto = total(p, 0, upto - 1)
    actual_upto = total(a, 0, upto - 1, known_only=True)
    ahead = f"MAX(0,{actual_upto}-{planned_upto})"
    out = []
    for index, (letter, cents) in enumerate(zip(letters, cached, strict=True)):
        actual = f"{letter}{a}" if known[index] else "0"
        if index < before:
            expression = f"={letter}{a}"
        elif index == here and slips:
            expression = f"={actual}+MAX(0,{planned_upto}-{actual_upto})"
        elif index == here:
            planned, got = amounts.planned[index], amounts.actual[index] if known[index] else 0
            refunds = planned - cents if cents > got else max(0, planned - got)
            rest = f"{letter}{p}" if actual == "0" else f"{letter}{p}-{actual}"
            rest += f"-{euros_text(refunds)}" if refunds else ""
            expression = f"=MAX(0,{rest})" if actual == "0" else f"={actual}+MAX(0,{rest})"
        elif slips:
            running = total(p, upto, index)
            previous = total(p, upto, index - 1)
            expression = f"=MAX(0,{running}-{ahead})-MAX(0,{previous}-{ahead})"
        else:
            expression = f"={letter}{p}"
        out.append(Formula.money(expression, cents))
    return out


def euros_text(cents: int) -> str:
    """Cents as a number in a formula: 2500.5 for 250,050 cents (exact in decimal)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}" + (f".{rest:02d}" if rest else "")


def _by_status(amounts: Measures, statuses: Sequence[str]) -> bool:
    """Whether the forecast is what the status formula gives: actual in a closed year, the
    larger of planned and actual in the current year, planned in a later year."""

    def rule(status: str, planned: int, actual: int) -> int:
        if status == Status.CLOSED:
            return actual
        return max(planned, actual) if status == Status.CURRENT else planned

    return len(statuses) == len(amounts.forecast) and all(
        rule(s, p, a) == f
        for s, p, a, f in zip(
            statuses, amounts.planned, amounts.actual, amounts.forecast, strict=True
        )
    )


def _measures(
    sheet: Sheet,
    top: int,
    names: tuple[str, str],
    letters: Sequence[str],
    total_column: int,
    amounts: Measures,
    summed: list[int] | None,
    look: Look | None = None,
    by_status: bool = True,
) -> None:
    """Four lines from row `top`: planned, actual, variance, forecast of one commitment
    (`summed` None: planned and actual are numbers, the forecast follows the year's status)
    or of a (sub)total, whose lines sum the same line of each of the `summed` blocks.
    `by_status` False: the forecast is the engine's number (the cash rules of issue 18 look
    at earlier years and at payments apart from refunds, which the sheet does not hold)."""
    planned, actual = amounts.planned, amounts.actual
    variance, forecast = amounts.variance, amounts.forecast
    if look is None:
        first_label, label, money, row_total = ITEM, styles.TEXT_LOOK, ITEM_MONEY, styles.MONEY_BOLD
    else:
        first_label = label = look
        money = row_total = SUBTOTAL_MONEY if look is SUBTOTAL else TOTAL_MONEY
    p, a = top, top + 1
    for offset, (measure, values) in enumerate(
        zip(MEASURES, (planned, actual, variance, forecast), strict=True)
    ):
        r = top + offset
        cells: dict[int, Cell] = sheet.row(r)
        if offset == 0:
            cells[1] = (names[0], first_label)
        elif look is not None:
            cells[1] = (None, label)  # the fill of a subtotal runs across
        if names[1] or look is not None:
            cells[2] = (names[1] or None, label)
        cells[3] = (measure, label)
        for index, (letter, cents) in enumerate(zip(letters, values, strict=True)):
            if measure == "Variance":
                value: Formula | int | float = Formula.money(f"={letter}{a}-{letter}{p}", cents)
            elif summed is not None:
                parts = ranges(letter, [s + offset for s in summed])
                value = Formula.money(sum_formula(parts), cents)
            elif measure == "Forecast" and not by_status:
                value = cents // 100 if cents % 100 == 0 else cents / 100
            elif measure == "Forecast":
                status = f"{letter}${STATUS_ROW}"
                value = Formula.money(
                    f'=IF({status}="{Status.CLOSED}",{letter}{a},'
                    f'IF({status}="{Status.CURRENT}",MAX({letter}{p},{letter}{a}),{letter}{p}))',
                    cents,
                )
            else:
                value = cents // 100 if cents % 100 == 0 else cents / 100
            cells[FIRST_YEAR_COLUMN + index] = (value, money)
        row_sum = f"=SUM({letters[0]}{r}:{letters[-1]}{r})"
        cells[total_column] = (Formula.money(row_sum, sum(values)), row_total)


def add_chart(
    sheet: Sheet, total_rows: list[int], years: int, anchor_row: int, unit: str = "EUR"
) -> None:
    """Clustered columns of planned, actual and forecast cash per year (the cash block's
    total lines)."""
    name = quote_sheetname(sheet.title)
    first = column_letter(FIRST_YEAR_COLUMN)
    last = column_letter(FIRST_YEAR_COLUMN + years - 1)
    series = tuple(
        Series(
            name=f"{name}!$C${row}",
            values=f"{name}!${first}${row}:${last}${row}",
            colour=styles.SERIES_COLOURS[number],
        )
        for number, row in enumerate(total_rows)
    )
    chart = Chart(
        kind=ChartKind.COLUMNS,
        title=f"Cash: planned, actual and forecast per year ({unit})",
        categories=f"{name}!${first}${HEADER_ROW}:${last}${HEADER_ROW}",
        series=series,
        y_title=unit,
        width=max(18, 3 * years + 8),
        height=10,
    )
    sheet.add_chart(chart, f"A{anchor_row}")
    sheet.row_breaks.append(anchor_row - 1)
