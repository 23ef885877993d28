"""The Calculation sheet: each commitment's inputs in cells and every projected amount as a
live formula of them, laid out from `budget explain`'s plain data (never recomputed here).

Fiscal years run across (one column each, the same for every commitment), lines down, one
block per commitment in the scenario's order:

    sin-top-up: Stop It Now!: top-up ...        Value   2015   2016   2017   From / rule
      costs of SIN                                      67,600 ...           file: field
      paid to SIN by mki (ranked before)                =ref to mki's cash line
      shortfall                                         =costs-income-paid
      cap for the year                        67,600                          file: field
      amount                                            =MIN(cap,MAX(0,shortfall))
      weight of VenJ                          =ROUND(share x 2, 0)
      Funder parts (cash and commitment basis alike)
      amount in cents, rounded down, remainders, cents left over (helper lines)
      VenJ (share 1/2)                                  =(rounded down + a cent by rank)/100
      difference: amount - sum of parts                 =ROUND(amount-SUM(parts),2)
      check                                   =IF(OR(re-run conditions),"re-run ...",
                                                  IF(SUMSQ(differences)=0,"ok",message))

Input cells are blue, assumptions also highlighted; an input that holds for every year
sits once in the Value column. The formulas: MIN/MAX for a top-up (the payments of the
commitments ranked before it refer to their own cash lines), ROUND(base*(1+rate)^n, 2) for
indexation; every division (a grant over its years by days or months, a year's amount
over the funders, a grant's payments to date over the funders) is the engine's largest
remainder in formulas (`calculation_divide`): a what-if on a total, an amount, a cost or
a share gives the engine's cents. Inputs that shape the lines themselves (dates, the
allocation method, the year of the decision), a share that is no longer a whole number of
the shares' common denominator, shares that no longer add up to 1, and a grant whose
cumulative split needed a cent moved (or would need one after the edit) cannot be followed
live: the check cell then says to re-run budget, never "ok". Every formula caches the
engine's value.

`calculation_layout(scenario, rows)` explains every commitment and places its lines; the
layout's `reference` gives the cell of any funder's part, for the Overview to refer to;
`add_calculation_sheet(book, layout)` adds the sheet. Above MAX_COMMITMENTS commitments
the layout is None and `add_calculation_note` adds a one-cell sheet saying why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd

from budget.core.model import Scenario
from budget.render.workbook import styles
from budget.render.workbook.calculation_kinds import (
    annual_lines,
    cofinanced_lines,
    grant_lines,
    top_up_lines,
)
from budget.render.workbook.calculation_lines import (
    FIRST_YEAR_COLUMN,
    GROUP,
    NOTE,
    VALUE_COLUMN,
    Lines,
    cell_value,
)
from budget.render.workbook.calculation_pending import (
    as_decided,
    counts_decided,
    decided_view,
    expected_lines,
)
from budget.render.workbook.calculation_split import TOLERANCE, split_lines
from budget.render.workbook.sheet import (
    Book,
    Links,
    Sheet,
    column_letter,
    finish_sheet,
    quote_sheetname,
)
from budget.reports.explain import Explanation, Input, explain_all
from budget.reports.indicators import target
from budget.reports.overview import EARLIER, LATER

SHEET = "Calculation"
# Chosen with benchmarks/bench_calculation.py, which prints what the sheet adds to writing
# a workbook (and to opening it in LibreOffice) beside the same workbook without it, per
# number of commitments. Above this many commitments it is left out.
MAX_COMMITMENTS = 2_000

# A kind's lines: they write a commitment's working after its span-wide inputs (the refs by
# input name) and return its cash line and its commitment line (see calculation_kinds).
KindLines = Callable[[Lines, Explanation, dict[str, str]], tuple[int, int]]

# One entry per entry of `budget.kinds.KINDS`, as `EXPLAINERS` has (the lines draw the
# explainer's working); tests/kinds/test_registries.py checks that this table names exactly those.
KIND_LINES: dict[str, KindLines] = {
    "top_up": top_up_lines,
    "annual": annual_lines,
    "cofinanced": cofinanced_lines,  # issue 23
    "grant": grant_lines,
}
# The span-wide inputs that formulas use; the others (dates, the allocation method, the
# settlement lag, the year of the decision) shape the lines themselves: only a re-run
# redoes them.
LIVE = frozenset({"total_cap", "indexation", "total", "advance", "funders"})
LIVE |= {"p", "rate", "max", "max_per_year"}  # issue 23: pending, cofinanced
NOT_SHOWN = frozenset({"first_year", "last_year"})  # the year columns show them


@dataclass(slots=True)
class Layout:
    """The Calculation sheet, laid out: its sheet (not yet in a book) and where each
    funder's part lies. parts: (commitment, funder, basis, year) -> (row, column);
    years: the sheet's fiscal years."""

    scenario: Scenario
    sheet: Sheet
    parts: dict[tuple[str, str, str, int], tuple[int, int]] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    inputs: dict[tuple[str, str, int], tuple[int, int]] = field(default_factory=dict)
    cash_rows: dict[str, int] = field(default_factory=dict)

    def links(self) -> Links:
        """The cells other sheets refer to, as absolute references (see `sheet.Links`)."""
        name = quote_sheetname(SHEET)

        def ref(row: int, column: int) -> str:
            return f"{name}!${column_letter(column)}${row}"

        columns = {y: FIRST_YEAR_COLUMN + i for i, y in enumerate(self.years)}
        cash = {}
        for cid, row in self.cash_rows.items():
            for year, column in columns.items():
                if self.sheet.value(row, column) is not None:
                    cash[(cid, year)] = ref(row, column)
        return Links(
            {key: ref(*at) for key, at in self.parts.items()},
            {key: ref(*at) for key, at in self.inputs.items()},
            cash,
        )

    def reference(self, commitment: str, funder: str, basis: str, column: str) -> str | None:
        """A formula for an Overview cell: the part of `funder` in `commitment` on `basis`
        in `column` (a year, "earlier" or "later"); None when the sheet has no such part."""
        found = [self.parts.get((commitment, funder, basis, y)) for y in self._years(column)]
        cells = [f for f in found if f is not None]
        if not cells:
            return None
        name = quote_sheetname(SHEET)
        refs = [f"{name}!${column_letter(c)}${r}" for r, c in cells]
        if len(refs) == 1:
            return "=" + refs[0]
        (row, first), (_, last) = cells[0], cells[-1]
        if all(r == row for r, _ in cells) and last - first == len(cells) - 1:
            return f"=SUM({name}!${column_letter(first)}${row}:${column_letter(last)}${row})"
        return "=SUM(" + ",".join(refs) + ")"

    def _years(self, column: str) -> Iterable[int]:
        first, last = self.scenario.first_year, self.scenario.last_year
        years = self.years
        if column == EARLIER:
            return [y for y in years if y < first]
        if column == LATER:
            return [y for y in years if y > last]
        return (int(column),)


def calculation_layout(scenario: Scenario, rows: pd.DataFrame) -> Layout | None:
    """Explain every commitment and lay out the sheet; None above MAX_COMMITMENTS."""
    if len(scenario.commitments) > MAX_COMMITMENTS:
        return None
    explained = explain_all(scenario, rows)
    years = sorted({y.year for e in explained for y in e.years})
    w = Lines(scenario, Sheet(SHEET), years)
    w.decided_view = decided_view(scenario, explained)
    _titles(w.sheet, scenario, w.source_column)
    w.header()
    for e in explained:
        _block(w, e)
    w.resolve_payments()
    w.finish()
    return Layout(scenario, w.sheet, w.parts, years, w.inputs, w.cash_rows)


def add_calculation_sheet(book: Book, layout: Layout) -> None:
    """Add the laid-out sheet to the book, after the sheets already there."""
    if SHEET in book.sheetnames:
        raise ValueError(f"a sheet named {SHEET!r} exists already")
    book.sheets.append(layout.sheet)


def add_calculation_note(book: Book, scenario: Scenario) -> None:
    """Where the sheet would be: why it is left out, and where to look instead."""
    sheet = book.add_sheet(SHEET)
    sheet.text(
        1,
        1,
        f"This scenario has {len(scenario.commitments):,} commitments, more than the "
        f"{MAX_COMMITMENTS:,} for which this sheet stays quick to write, open and "
        "recalculate: it is left out, and the Overview holds amounts instead of formulas. "
        "`budget explain SCENARIO COMMITMENT` shows how any amount is calculated.",
        styles.NOTE_LOOK,
    )
    finish_sheet(sheet, freeze=None)


def _titles(sheet: Sheet, scenario: Scenario, last_column: int) -> None:
    sheet.text(1, 1, f"{scenario.name}: how each amount is calculated", styles.TITLE_LOOK)
    notes = (
        "Blue cells are inputs (highlighted: assumptions). Every amount is a formula of them, "
        "and the Overview refers to the funders' parts: a what-if typed into an input flows "
        f"to every total. Amounts in {scenario.currency}.",
        "Every division is the largest remainder in formulas (grey helper lines). An edit the "
        "formulas cannot follow (a date, the allocation method, a share of a new denominator) "
        "makes the commitment's check cell say to re-run budget.",
    )
    for row, note in enumerate(notes, 2):
        sheet.text(row, 1, note, NOTE)
        sheet.merged.append(f"A{row}:{column_letter(last_column)}{row}")
        sheet.heights[row] = 26


SAFE_TEXT = re.compile(r"[0-9A-Za-z_. -]{0,40}")


def _changed(ref: str, item: Input) -> str | None:
    """A condition that is true once an input that the formulas do not use (a date, the
    allocation method, the year of the decision) differs from the value the lines were
    laid out for; None for a value that cannot be written into a formula safely (text
    from an input file never becomes a formula unless it is plainly a word or a date)."""
    value = cell_value(item.value)[0]
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return f"{ref}<>{value!r}"
    text = str(value)
    if not SAFE_TEXT.fullmatch(text):
        return None
    return f'{ref}<>"{text}"'


def _settled_reruns(w: Lines, e: Explanation, refs: dict[str, str], shares: list[str]) -> None:
    """A settled grant's recovery is the engine's (the sheet has no receipts lines), so an
    edit that would move it (the total, the advance, a funder's share) says to re-run."""
    for item in e.inputs:
        if item.name in ("total", "advance"):
            changed = _changed(refs[item.name], item)
            if changed:
                w.reruns.append(changed)
    given = [i for i in e.inputs if i.name == "funders"]
    for ref, item in zip(shares, given, strict=True):
        value = cell_value(item.value)[0]
        if isinstance(value, int | float) and not isinstance(value, bool):
            w.reruns.append(f"ABS({ref}-{float(value)!r})>{TOLERANCE}")


def _condition(w: Lines, e: Explanation) -> None:
    """A tranche on a result (issue 23): the indicator and year it waits for, and where it
    stands (met, not met, not yet achieved), as text: the indicator's id is input text,
    never a formula. A change of the result needs a re-run (the loader decides it)."""
    c = w.scenario.commitment(e.commitment)
    raw = c.raw.get("condition")
    if not isinstance(raw, dict):
        return
    name, year = raw.get("indicator"), raw.get("year")
    indicator = next((i for i in w.scenario.indicators if i.id == name), None)
    goals = {y: (v, change) for y, v, change in indicator.targets} if indicator else {}
    if indicator is None or not isinstance(year, int) or year not in goals:
        return
    if c.pending is None:
        state, then = "met", "it pays as decided"
    elif not c.pending.p:
        state, then = "not met", "it pays nothing in every view"
    else:
        state = "not yet achieved"
        then = "pending (--pending expected counts it at p, none leaves it out)"
    achieved = dict(indicator.achieved).get(year)
    got = f", achieved {_number(achieved)}" if achieved is not None else ""
    goal = target(indicator, *goals[year])
    note = (
        f"[[indicators]] {name}, {year}: target {goal} {indicator.unit}{got}; {state}: "
        f"{then} (a new result: change the scenario, then re-run)"
    )
    row = w.line(f"condition: {name} in {year}", note=note)
    w.sheet.text(row, VALUE_COLUMN, state, styles.TEXT_LOOK)


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def _block(w: Lines, e: Explanation) -> None:
    """One commitment: its title, its inputs, its working, its funder parts."""
    funders = ", ".join(f"{f} {share}" for f, share in e.funders)
    about = f"{e.kind} to {e.recipient} ({e.recipient_name}); funders {funders}"
    w.title(f"{e.commitment}: {e.title}", about + (f". Source: {e.source}" if e.source else ""))
    _condition(w, e)
    w.reruns, w.differences = [], []
    refs = {
        i.name: w.common_input(i, i.name in LIVE)
        for i in e.inputs
        if i.name not in NOT_SHOWN and i.name != "funders"
    }
    for i in e.inputs:
        if i.name in refs and i.name not in LIVE:
            changed = _changed(refs[i.name], i)
            if changed:
                w.reruns.append(changed)
    shares = [w.common_input(i) for i in e.inputs if i.name == "funders"]
    decided = as_decided(e)  # a pending commitment counted at p (issue 23)
    first_payment = len(w.payments)
    cash, committed = KIND_LINES[e.kind](w, decided or e, refs)
    if "settled" in refs:
        _settled_reruns(w, e, refs, shares)
    view = w.decided_view.get(e.commitment)
    if view is not None:  # as a pending commitment ranked after it reads it (issue 23)
        w.line(
            "As if every pending commitment were decided",
            GROUP,
            note="what a pending commitment ranked after this one reads as decided",
        )
        w.suffix = " (all decided)"
        first_read = len(w.payments)
        w.decided_rows[e.commitment] = KIND_LINES[e.kind](w, view, refs)[0]
        w.decided_payments.update(range(first_read, len(w.payments)))
        w.suffix = ""
    if decided is not None:
        if counts_decided(e):  # (a condition not met pays nothing in that view either)
            w.decided_rows[e.commitment] = cash
        w.decided_payments.update(range(first_payment, len(w.payments)))
        cash, committed = expected_lines(w, e, refs["p"], cash, committed)
    elif e.pending:  # at p = 1 it reads the others as decided too, as the engine does
        w.decided_payments.update(range(first_payment, len(w.payments)))
    w.cash_rows[e.commitment] = cash
    split_lines(w, e, shares, cash, committed)
    for note in e.notes:
        w.line("", note=note)
    for shift in e.cash_shifts:  # the budget round (issue 22): see shifted_links
        w.line("", note=f"cash shift: {shift}; the other sheets add it to the cash above")
    w.row += 1
