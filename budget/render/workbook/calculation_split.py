"""The Calculation sheet's funder split: each funder's part as ROUND(amount x share, 2),
the cent that the largest remainder moves on a "rounding" line of its own, a difference
line per basis (the amount less the parts) and the commitment's check cell.

A grant's cash is split cumulatively, as the engine does: each funder's part of the
payments to date, less its part of those to the year before, so that over the years each
funder pays exactly its share of the grant.
"""

from __future__ import annotations

from budget.core.model import Basis
from budget.render.workbook import styles
from budget.render.workbook.calculation_lines import (
    CHECK,
    GROUP,
    ROUNDING,
    VALUE_COLUMN,
    Lines,
    cell,
)
from budget.render.workbook.calculation_lines import rounded as round_cents
from budget.render.workbook.sheet import Formula, euros
from budget.reports.explain import Explanation, FunderSplit

ADDS_UP = "ok"  # what the check cell shows while the parts add up (never empty)
RE_RUN = "The parts no longer add up to the amounts: re-run budget run for exact parts"


def split_lines(w: Lines, e: Explanation, shares: list[str], cash: int, committed: int) -> None:
    """The funder parts on both bases (one set when they are the same amounts), where the
    Overview finds them, the differences and the check cell."""
    years = [y.year for y in e.years]
    splits = {
        basis: {y.year: next(s for s in y.splits if s.basis == basis) for y in e.years}
        for basis in Basis
    }
    differences = []
    if cash == committed:
        w.line("Funder parts (cash and commitment basis alike)", GROUP)
        rows = _yearly(w, e, shares, cash, splits[Basis.CASH])
        _remember(w, e, (Basis.CASH, Basis.COMMITMENT), rows)
        differences.append(_difference(w, cash, rows, years))
    else:
        w.line("Funder parts, commitment basis", GROUP)
        rows = _yearly(w, e, shares, committed, splits[Basis.COMMITMENT])
        _remember(w, e, (Basis.COMMITMENT,), rows)
        differences.append(_difference(w, committed, rows, years))
        w.line("Funder parts, cash basis", GROUP)
        if len(e.funders) == 1:
            rows = _yearly(w, e, shares, cash, splits[Basis.CASH])
        else:
            rows = _cumulative(w, e, shares, cash, splits[Basis.CASH])
        _remember(w, e, (Basis.CASH,), rows)
        differences.append(_difference(w, cash, rows, years))
    check = w.line(
        "check: the parts add up to the amounts", GROUP, note=f"{ADDS_UP!r} while they do"
    )
    ranges = ",".join(w.span(row, years) for row in differences)
    formula = Formula(f'=IF(SUMSQ({ranges})=0,"{ADDS_UP}","{RE_RUN}")', ADDS_UP)
    w.sheet.put(check, VALUE_COLUMN, formula, CHECK)


def _remember(w: Lines, e: Explanation, bases: tuple[Basis, ...], rows: list[int]) -> None:
    for (funder, _), row in zip(e.funders, rows, strict=True):
        for y in e.years:
            for basis in bases:
                w.parts[(e.commitment, funder, basis, y.year)] = (row, w.column[y.year])


def _yearly(
    w: Lines, e: Explanation, shares: list[str], amount: int, splits: dict[int, FunderSplit]
) -> list[int]:
    """Each funder's part of each year's amount: ROUND(amount x share, 2) + rounding."""
    rows = []
    for f, ((funder, share), share_ref) in enumerate(zip(e.funders, shares, strict=True)):
        parts = {y: split.parts[f].part for y, split in splits.items()}
        # From the year's amount: a grant's cash split by one funder is the year's cash.
        moved = {y: parts[y] - round_cents(split.amount * share) for y, split in splits.items()}
        rounding = w.rounding(f"rounding {funder} (largest remainder)", moved)
        row = w.line(f"{funder} (share {share})", note="round(amount x share, 2) + rounding")
        for y, cents in parts.items():
            expression = f"=ROUND({w.at(amount, y)}*{share_ref},2){w.plus(rounding, y)}"
            w.put(row, y, Formula.money(expression, cents))
        rows.append(row)
    return rows


def _cumulative(
    w: Lines, e: Explanation, shares: list[str], cash: int, splits: dict[int, FunderSplit]
) -> list[int]:
    """Each funder's part of the payments to date, then its part in the year."""
    years = list(splits)
    to_date = w.line("paid to date", note="the cash up to the year")
    first = cell(w.column[years[0]], cash, absolute=True)
    for y in years:
        expression = f"=SUM({first}:{w.at(cash, y)})"
        w.put(to_date, y, Formula.money(expression, splits[y].parts[0].split))
    rows = []
    for f, ((funder, share), share_ref) in enumerate(zip(e.funders, shares, strict=True)):
        parts = {y: splits[y].parts[f] for y in years}
        so_far = {y: p.rounded_down + p.leftover_cent for y, p in parts.items()}
        moved = {y: so_far[y] - round_cents(p.exact) for y, p in parts.items()}
        rounding = w.rounding(f"rounding {funder} (largest remainder)", moved)
        row = w.line(
            f"{funder}: part of the payments to date",
            note="round(paid to date x share, 2) + rounding",
        )
        for y in years:
            expression = f"=ROUND({w.at(to_date, y)}*{share_ref},2){w.plus(rounding, y)}"
            w.put(row, y, Formula.money(expression, so_far[y]))
        mended = {y: p.mended for y, p in parts.items() if p.mended}
        mend = 0
        if mended:
            mend = w.line(f"cent moved so that no part of {funder} is negative", ROUNDING)
            for y, cents in mended.items():
                w.put(mend, y, euros(cents), ROUNDING)
        part = w.line(
            f"{funder} (share {share}) in the year",
            note="part of the payments to date - that of the year before",
        )
        for i, y in enumerate(years):
            before = f"-{w.at(row, years[i - 1])}" if i else ""
            expression = f"={w.at(row, y)}{before}{w.plus(mend, y)}"
            w.put(part, y, Formula.money(expression, parts[y].part))
        rows.append(part)
    return rows


def _difference(w: Lines, amount: int, rows: list[int], years: list[int]) -> int:
    """amount - the parts, per year: 0.00 while the parts add up."""
    row = w.line("difference: amount - sum of the parts", note="0 while the parts add up")
    for y in years:
        parts = "-".join(w.at(r, y) for r in rows)
        w.put(row, y, Formula.money(f"=ROUND({w.at(amount, y)}-{parts},2)", 0), styles.MONEY)
    return row
