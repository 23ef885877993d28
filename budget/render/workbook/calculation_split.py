"""The Calculation sheet's funder split: each funder's part by largest remainder in
formulas (`calculation_divide.over_funders`, on whole-number weights that are formulas of
the shares), a difference line per basis (the amount less the parts) and the commitment's
check cell, which says to re-run when an edit cannot be followed (`Lines.reruns`).

A grant's cash is split cumulatively, as the engine does: each funder's part of the
payments to date, less its part of those to the year before, so that over the years each
funder pays exactly its share of the grant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from budget.core.model import Basis
from budget.render.workbook import styles
from budget.render.workbook.calculation_divide import over_funders
from budget.render.workbook.calculation_lines import (
    CHECK,
    COUNT,
    GROUP,
    ROUNDING,
    VALUE_COLUMN,
    Lines,
    cell,
)
from budget.render.workbook.sheet import Formula, euros
from budget.reports.explain import Explanation, FunderSplit

ADDS_UP = "ok"  # what the check cell shows while the parts add up (never empty)
RE_RUN = "The parts no longer add up to the amounts: re-run budget run for exact parts"
RE_RUN_EDIT = (
    "An input changed that the formulas cannot follow (see the notes): re-run budget for "
    "exact amounts"
)
TOLERANCE = "0.000001"  # a share x the common denominator is a whole number within this


def split_lines(w: Lines, e: Explanation, shares: list[str], cash: int, committed: int) -> None:
    """The funder parts on both bases (one set when they are the same amounts), where the
    Overview finds them, the differences and the check cell."""
    years = [y.year for y in e.years]
    splits = {
        basis: {y.year: next(s for s in y.splits if s.basis == basis) for y in e.years}
        for basis in (Basis.COMMITMENT, Basis.CASH)
    }
    weights = _weights(w, e, shares)
    differences = []
    if cash == committed:
        w.line("Funder parts (cash and commitment basis alike)", GROUP)
        rows = _yearly(w, e, weights, cash, splits[Basis.CASH])
        _remember(w, e, (Basis.CASH, Basis.COMMITMENT), rows)
        differences.append(_difference(w, cash, rows, years))
    else:
        w.line("Funder parts, commitment basis", GROUP)
        rows = _yearly(w, e, weights, committed, splits[Basis.COMMITMENT])
        _remember(w, e, (Basis.COMMITMENT,), rows)
        differences.append(_difference(w, committed, rows, years))
        w.line("Funder parts, cash basis", GROUP)
        if len(e.funders) == 1:
            rows = _yearly(w, e, weights, cash, splits[Basis.CASH])
        else:
            rows = _cumulative(w, e, weights, cash, splits[Basis.CASH])
        _remember(w, e, (Basis.CASH,), rows)
        differences.append(_difference(w, cash, rows, years))
    check = w.line(
        "check: the parts add up to the amounts", GROUP, note=f"{ADDS_UP!r} while they do"
    )
    ranges = ",".join([*(w.span(row, years) for row in differences), *w.differences])
    formula = f'IF(SUMSQ({ranges})=0,"{ADDS_UP}","{RE_RUN}")'
    if w.reruns:
        formula = f'IF(OR({",".join(w.reruns)}),"{RE_RUN_EDIT}",{formula})'
    w.sheet.put(check, VALUE_COLUMN, Formula("=" + formula, ADDS_UP), CHECK)


@dataclass(frozen=True, slots=True)
class Weights:
    """The funders' whole-number weights (share x the shares' least common denominator):
    their cells, their sum's cell and their values; empty for one funder."""

    refs: list[str]
    total: str
    values: list[int]


def _weights(w: Lines, e: Explanation, shares: list[str]) -> Weights:
    """With two or more funders, a weight per funder (a formula of its share) and their
    sum; the check re-runs when a share is no longer a whole number of 1/D or the shares
    no longer add up to 1. With one funder, the check re-runs when its share is not 1."""
    if len(e.funders) == 1:
        w.reruns.append(f"{shares[0]}<>1")
        return Weights([], "", [])
    denominator = math.lcm(*(Fraction(share).denominator for _, share in e.funders))
    refs, values = [], []
    for (funder, share), share_ref in zip(e.funders, shares, strict=True):
        value = int(Fraction(share) * denominator)
        row = w.line(f"weight of {funder}", note=f"share x {denominator}, a whole number")
        formula = Formula(f"=ROUND({share_ref}*{denominator},0)", value)
        w.sheet.put(row, VALUE_COLUMN, formula, COUNT)
        ref = cell(VALUE_COLUMN, row, absolute=True)
        w.reruns.append(f"ABS({share_ref}*{denominator}-{ref})>{TOLERANCE}")
        refs.append(ref)
        values.append(value)
    row = w.line("sum of the weights", note=f"{denominator} while the shares add up to 1")
    first, last = refs[0], refs[-1]
    w.sheet.put(row, VALUE_COLUMN, Formula(f"=SUM({first}:{last})", denominator), COUNT)
    total = cell(VALUE_COLUMN, row, absolute=True)
    w.reruns.append(f"{total}<>{denominator}")
    return Weights(refs, total, values)


def _remember(w: Lines, e: Explanation, bases: tuple[Basis, ...], rows: list[int]) -> None:
    for (funder, _), row in zip(e.funders, rows, strict=True):
        for y in e.years:
            for basis in bases:
                w.parts[(e.commitment, funder, basis, y.year)] = (row, w.column[y.year])


def _yearly(
    w: Lines, e: Explanation, weights: Weights, amount: int, splits: dict[int, FunderSplit]
) -> list[int]:
    """Each funder's part of each year's amount by largest remainder (one funder: the
    amount)."""
    if not weights.refs:
        ((funder, share),) = e.funders
        row = w.line(f"{funder} (share {share})", note="the amount")
        for y, split in splits.items():
            w.put(row, y, Formula.money(f"={w.at(amount, y)}", split.parts[0].part))
        return [row]
    funders = [f for f, _ in e.funders]
    return over_funders(
        w,
        funders,
        weights.refs,
        weights.total,
        weights.values,
        amount,
        {y: split.amount for y, split in splits.items()},
        [{y: split.parts[f].part for y, split in splits.items()} for f in range(len(funders))],
        [f"{funder} (share {share})" for funder, share in e.funders],
    )


def _cumulative(
    w: Lines, e: Explanation, weights: Weights, cash: int, splits: dict[int, FunderSplit]
) -> list[int]:
    """Each funder's part of the payments to date by largest remainder, then its part in
    the year: the difference (and a cent the engine moved so that no part is negative)."""
    years = list(splits)
    to_date = w.line("paid to date", note="the cash up to the year")
    first = cell(w.column[years[0]], cash, absolute=True)
    for y in years:
        expression = f"=SUM({first}:{w.at(cash, y)})"
        w.put(to_date, y, Formula.money(expression, splits[y].parts[0].split))
    funders = [f for f, _ in e.funders]
    so_far = [
        {y: splits[y].parts[f].rounded_down + splits[y].parts[f].leftover_cent for y in years}
        for f in range(len(funders))
    ]
    cumulative = over_funders(
        w,
        funders,
        weights.refs,
        weights.total,
        weights.values,
        to_date,
        {y: splits[y].parts[0].split for y in years},
        so_far,
        [f"{funder}: part of the payments to date" for funder in funders],
    )
    rows = []
    mended_any = False
    for f, (funder, share) in enumerate(e.funders):
        parts = {y: splits[y].parts[f] for y in years}
        mended = {y: p.mended for y, p in parts.items() if p.mended}
        mend = 0
        if mended:
            mended_any = True
            mend = w.line(f"cent moved so that no part of {funder} is negative", ROUNDING)
            for y, cents in mended.items():
                w.put(mend, y, euros(cents), ROUNDING)
        part = w.line(
            f"{funder} (share {share}) in the year",
            note="part of the payments to date - that of the year before",
        )
        for i, y in enumerate(years):
            before = f"-{w.at(cumulative[f], years[i - 1])}" if i else ""
            expression = f"={w.at(cumulative[f], y)}{before}{w.plus(mend, y)}"
            w.put(part, y, Formula.money(expression, parts[y].part))
        rows.append(part)
    # A part below zero is mended by the engine (a cent moved between years): re-run.
    w.reruns.append(f"MIN({','.join(w.span(r, years) for r in rows)})<0")
    if mended_any:  # the moved cents are constants: they hold only for this cash
        w.reruns += [f"{w.at(cash, y)}<>{euros(splits[y].amount)}" for y in years]
    return rows


def _difference(w: Lines, amount: int, rows: list[int], years: list[int]) -> int:
    """amount - the parts, per year: 0.00 while the parts add up."""
    row = w.line("difference: amount - sum of the parts", note="0 while the parts add up")
    for y in years:
        parts = "-".join(w.at(r, y) for r in rows)
        w.put(row, y, Formula.money(f"=ROUND({w.at(amount, y)}-{parts},2)", 0), styles.MONEY)
    return row
