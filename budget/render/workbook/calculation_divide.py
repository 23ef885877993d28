"""Largest remainder as formulas: the Calculation sheet divides an amount exactly as the
engine does, so that a what-if typed into an input gives the engine's cents.

A whole of T cents is divided in proportion to whole-number weights w (days; months times
the least common multiple of their denominators; a funder's share times the least common
denominator of the shares), W their sum:

- each part rounded down: INT(T x w / W) cents (exact: T x w stays below 2^53, so the
  quotient is exact to the unit for any amount below EUR 10^11 over weights below 10^4);
- its remainder, a whole number (in units of 1/W cent): T x w - W x the part rounded down;
- the cents left over: T - the sum of the parts rounded down;
- each part gets one cent more when its rank is below the cents left over, the rank being
  COUNTIF(remainders, ">" & its remainder) + COUNTIF(the remainders listed before it, its
  remainder): larger remainders first, ties to the earlier year or the funder listed first.

Remainders are whole numbers, so COUNTIF compares them exactly. Parts are shown in euros:
(cents) / 100.
"""

from __future__ import annotations

from collections.abc import Sequence

from budget.render.workbook import styles
from budget.render.workbook.calculation_lines import COUNT, VALUE_COLUMN, Lines, cell
from budget.render.workbook.sheet import Formula
from budget.render.workbook.styles import Font, Look

HELPER = Look(Font(styles.FONT_NAME, italic=True, colour="7F7F7F"), number_format="0")


def parts_of(whole: int, weights: Sequence[int]) -> tuple[list[int], list[int], int, list[int]]:
    """The division the formulas make: (rounded down, remainders, cents left, parts)."""
    total = sum(weights)
    if total <= 0:
        return [0] * len(weights), [0] * len(weights), whole, [0] * len(weights)
    floors = [whole * w // total for w in weights]
    remainders = [whole * w - total * f for w, f in zip(weights, floors, strict=True)]
    left = whole - sum(floors)
    ranks = [
        sum(r > x for r in remainders) + sum(r == x for r in remainders[:i])
        for i, x in enumerate(remainders)
    ]
    return floors, remainders, left, [f + (k < left) for f, k in zip(floors, ranks, strict=True)]


def _bump(floor: str, remainder: str, all_remainders: str, before: str | None, left: str) -> str:
    """The formula of one part in euros: rounded down plus a cent by rank."""
    rank = f'COUNTIF({all_remainders},">"&{remainder})'
    if before:
        rank += f"+COUNTIF({before},{remainder})"
    return f"=({floor}+IF({rank}<{left},1,0))/100"


def across_years(
    w: Lines,
    whole: str,
    whole_cents: int,
    weights_row: int,
    weights: dict[int, int],
    parts: dict[int, int],
    label: str,
) -> int:
    """Divide the amount in cell `whole` (euros; `whole_cents` its value) over the years of
    `weights` (whole numbers on line `weights_row`); returns the line of the parts (the
    engine's `parts` cached)."""
    years = list(weights)
    cents = w.line("total in cents", note="round(total x 100, 0)")
    w.sheet.put(cents, VALUE_COLUMN, Formula(f"=ROUND({whole}*100,0)", whole_cents), HELPER)
    cents_ref = cell(VALUE_COLUMN, cents, absolute=True)
    # At least 1: weights that are all 0 (a co-financing of no eligible costs) divide a
    # whole of 0, and the parts stay 0 instead of a #DIV/0!.
    sum_row = w.line("sum of the weights", note="the whole the weights make (at least 1)")
    w.sheet.put(
        sum_row,
        VALUE_COLUMN,
        Formula(f"=MAX(1,SUM({w.span(weights_row, years)}))", max(1, sum(weights.values()))),
        COUNT,
    )
    sum_ref = cell(VALUE_COLUMN, sum_row, absolute=True)
    floors, remainders, left, _ = parts_of(whole_cents, list(weights.values()))
    floor_row = w.line("rounded down (cents)", note="int(total cents x weight / sum of weights)")
    rem_row = w.line(
        "remainder (in 1/sum of weights of a cent)",
        note="total cents x weight - sum of weights x rounded down",
    )
    for i, y in enumerate(years):
        weight = w.at(weights_row, y)
        floor = Formula(f"=INT({cents_ref}*{weight}/{sum_ref})", floors[i])
        w.put(floor_row, y, floor, HELPER)
        remainder = f"={cents_ref}*{weight}-{sum_ref}*{w.at(floor_row, y)}"
        w.put(rem_row, y, Formula(remainder, remainders[i]), HELPER)
    left_row = w.line(
        "cents left over (one each to the largest remainders)",
        note="ties to the earlier year",
    )
    formula = Formula(f"={cents_ref}-SUM({w.span(floor_row, years)})", left)
    w.sheet.put(left_row, VALUE_COLUMN, formula, HELPER)
    left_ref = cell(VALUE_COLUMN, left_row, absolute=True)
    row = w.line(label, note="rounded down + a cent by largest remainder")
    span = f"${w.letter[years[0]]}{rem_row}:${w.letter[years[-1]]}{rem_row}"
    for i, y in enumerate(years):
        before = f"${w.letter[years[0]]}{rem_row}:{w.at(rem_row, years[i - 1])}" if i else None
        expression = _bump(w.at(floor_row, y), w.at(rem_row, y), span, before, left_ref)
        w.put(row, y, Formula.money(expression, parts[y]))
    return row


def over_funders(
    w: Lines,
    funders: Sequence[str],
    weight_refs: Sequence[str],
    weight_sum: str,
    weights: Sequence[int],
    amount_row: int,
    amounts: dict[int, int],
    parts: Sequence[dict[int, int]],
    labels: Sequence[str],
) -> list[int]:
    """Divide each year's amount (line `amount_row`, `amounts` its cents) over the funders
    by their weights (cells `weight_refs`, sum in `weight_sum`); returns each funder's line
    of parts (the engine's `parts` cached)."""
    years = list(amounts)
    division = {y: parts_of(amounts[y], weights) for y in years}
    cents = w.line("amount in cents", note="round(amount x 100, 0)")
    for y in years:
        w.put(cents, y, Formula(f"=ROUND({w.at(amount_row, y)}*100,0)", amounts[y]), HELPER)
    floor_rows = []
    for f, (funder, ref) in enumerate(zip(funders, weight_refs, strict=True)):
        row = w.line(f"{funder}: rounded down (cents)", note="int(cents x weight / sum)")
        for y in years:
            formula = f"=INT({w.at(cents, y)}*{ref}/{weight_sum})"
            w.put(row, y, Formula(formula, division[y][0][f]), HELPER)
        floor_rows.append(row)
    rem_rows = []
    for f, (funder, ref) in enumerate(zip(funders, weight_refs, strict=True)):
        row = w.line(f"{funder}: remainder", note="cents x weight - sum x rounded down")
        for y in years:
            formula = f"={w.at(cents, y)}*{ref}-{weight_sum}*{w.at(floor_rows[f], y)}"
            w.put(row, y, Formula(formula, division[y][1][f]), HELPER)
        rem_rows.append(row)
    left = w.line(
        "cents left over (one each to the largest remainders)",
        note="ties to the funder listed first",
    )
    for y in years:
        span = f"{w.at(floor_rows[0], y)}:{w.at(floor_rows[-1], y)}"
        w.put(left, y, Formula(f"={w.at(cents, y)}-SUM({span})", division[y][2]), HELPER)
    rows = []
    for f, label in enumerate(labels):
        row = w.line(label, note="rounded down + a cent by largest remainder")
        for y in years:
            letter = w.letter[y]
            span = f"{letter}${rem_rows[0]}:{letter}${rem_rows[-1]}"
            before = f"{letter}${rem_rows[0]}:{letter}${rem_rows[f - 1]}" if f else None
            expression = _bump(
                w.at(floor_rows[f], y), w.at(rem_rows[f], y), span, before, w.at(left, y)
            )
            w.put(row, y, Formula.money(expression, parts[f][y]))
        rows.append(row)
    return rows
