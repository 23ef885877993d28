"""Rounding a hierarchical table to thousands so that it adds up as printed.

A row's years are each rounded half away from zero (Excel's ROUND) and its total is the sum
of its printed years. The sub-rows of a row split each of the row's printed years by
largest remainder on their exact amounts (`round_parts_to`), so the printed sub-rows add up
to the printed row in every year, and each sub-row's total is again the sum of its printed
years. Every printed table then adds up, rows and columns, and every printed amount is
within one thousand of its exact amount.
"""

from __future__ import annotations

from collections.abc import Sequence

from budget.core.money import round_half_away, round_parts_to

THOUSAND = 100_000  # cents in one thousand of the currency


def thousands(cents: int) -> int:
    """An amount in whole thousands, half away from zero."""
    return round_half_away(cents, THOUSAND)


def top_row(cents: Sequence[int]) -> list[int]:
    """A row without a parent: each year rounded on its own."""
    return [thousands(c) for c in cents]


def split_shown(shown: int, parts: Sequence[int]) -> list[int]:
    """`parts` (cents) in thousands adding up to `shown`: largest remainder; when `shown`
    is further from the exact sum than that allows (halves rounded away on both sides of
    a difference), each part is rounded on its own and the rest goes to the largest part."""
    if not parts:
        return []
    try:
        return round_parts_to(shown, list(parts), THOUSAND)
    except ValueError:
        each = [thousands(p) for p in parts]
        largest = max(range(len(parts)), key=lambda i: (abs(parts[i]), -i))
        each[largest] += shown - sum(each)
        return each


def sub_rows(parent: Sequence[int], children: Sequence[Sequence[int]]) -> list[list[int]]:
    """The children's years (cents) in thousands, adding up to the parent's printed years."""
    if not children:
        return []
    columns = [
        split_shown(shown, [child[y] for child in children]) for y, shown in enumerate(parent)
    ]
    return [[columns[y][i] for y in range(len(parent))] for i in range(len(children))]
