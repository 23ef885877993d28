"""The Calculation sheet's lines for a pending commitment counted at p (issue 23,
`--pending expected`): the kind's lines as decided, then p x their total over the span,
spread over the years by largest remainder in formulas (`calculation_divide`).

A pending commitment's working as decided reads what the others pay with every pending
commitment decided (as the engine counts it). Most pay the same in both views; a decided
top-up ranked after a pending commitment does not, so when a pending commitment ranked
after it reads it, its lines are written a second time as if every pending one were
decided (`decided_view`), and the pending one refers to those.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from budget.core.model import Scenario
from budget.engine.pending import with_pending
from budget.render.workbook import styles
from budget.render.workbook.calculation_divide import HELPER, across_years
from budget.render.workbook.calculation_lines import VALUE_COLUMN, Lines, cell, step_cents
from budget.render.workbook.sheet import Formula
from budget.reports.explain import Explanation, explain


def as_decided(e: Explanation) -> Explanation | None:
    """The explanation with each year's amounts as decided, for the kind's lines; None
    when `e` is not a pending commitment counted at p."""
    cash, committed = step_cents(e, "decided_cash"), step_cents(e, "decided_commitment")
    if not cash:
        return None
    years = tuple(
        dataclasses.replace(y, cash=cash[y.year], commitment=committed[y.year]) for y in e.years
    )
    return dataclasses.replace(e, years=years)


def expected_lines(w: Lines, e: Explanation, p: str, cash: int, committed: int) -> tuple[int, int]:
    """Lines of p x the kind's cash line (and commitment line, when it is another) over
    the span; returns the new cash and commitment lines."""
    cash_row = _expected(w, e, p, cash, "cash")
    if committed == cash:
        return cash_row, cash_row
    return cash_row, _expected(w, e, p, committed, "commitment")


def _expected(w: Lines, e: Explanation, p: str, row: int, basis: str) -> int:
    years = [y.year for y in e.years]
    decided = step_cents(e, f"decided_{basis}")
    expected = {y.year: getattr(y, basis) for y in e.years}
    values = list(decided.values())
    if not any(values) or (min(values) < 0 < max(values)):
        # Nothing to spread, or amounts of both signs: the engine scales each year.
        line = w.line(f"expected ({basis} basis)", note="round(p x amount, 2), year by year")
        formulas = {y: (f"=ROUND({p}*{w.at(row, y)},2)", expected[y]) for y in years}
        w.amounts(line, formulas, styles.MONEY)
        return line
    cents = w.line(f"as decided, in cents ({basis})", note="round(amount x 100, 0)")
    for y in years:
        w.put(cents, y, Formula(f"=ROUND({w.at(row, y)}*100,0)", decided[y]), HELPER)
    total = w.line(f"expected total ({basis})", note="round(p x the total as decided, 2)")
    whole = sum(expected.values())
    formula = Formula.money(f"=ROUND({p}*SUM({w.span(row, years)}),2)", whole)
    w.sheet.put(total, VALUE_COLUMN, formula, styles.MONEY)
    return across_years(
        w,
        cell(VALUE_COLUMN, total, absolute=True),
        whole,
        cents,
        decided,
        expected,
        f"expected ({basis} basis)",
    )


def counts_decided(e: Explanation) -> bool:
    """Whether the view with every pending commitment decided counts `e` as decided: a
    pending one at p above 0 (a condition achieved and not met pays nothing there too)."""
    p = next((i.value.value for i in e.inputs if i.name == "p"), None)
    return p is None or p != 0


def reads(e: Explanation) -> list[str]:
    """The commitments whose cash `e` reads (a top-up: those ranked before it)."""
    if not e.years:
        return []
    return [s.name.split(":", 1)[1] for s in e.years[0].steps if s.name.startswith("paid_by:")]


def decided_view(scenario: Scenario, explained: Sequence[Explanation]) -> dict[str, Explanation]:
    """The decided commitments that pay otherwise with every pending one decided (they
    read a pending one, or another such) and that a pending commitment reads (or one of
    these), each explained in that view, by id."""
    pending = {e.commitment for e in explained if as_decided(e) is not None}
    if not pending:
        return {}
    # A pending one at p = 1 pays the same in both views, and reads the all-decided one.
    whole = {e.commitment for e in explained if e.pending} - pending
    read = {e.commitment: reads(e) for e in explained}
    moved: set[str] = set()
    while True:
        more = {
            cid
            for cid, found in read.items()
            if cid not in pending | whole | moved and any(r in pending | moved for r in found)
        }
        if not more:
            break
        moved |= more
    needed: set[str] = set()
    while True:
        readers = pending | whole | needed
        more = {c for c in moved - needed if any(c in read[r] for r in readers)}
        if not more:
            break
        needed |= more
    if not needed:
        return {}
    decided = with_pending(dataclasses.replace(scenario, pending_counted=""), "all")
    out = {}
    for cid in sorted(needed):
        found, problems = explain(decided, cid)
        assert found is not None, problems
        out[cid] = found
    return out
