"""The workbook's references to the Calculation sheet, with the scenario's cash shifts.

The Calculation sheet works out each commitment as the engine computes it, before its
[[cash_shifts]] (a kasschuif moves cash after the projection; see
`budget.engine.cash_shifts`). The Overview, By recipient and Commitment vs cash sheets show
the cash after the shifts: where a funder's part of a commitment has a shift in a year, the
cell refers to the Calculation sheet's part plus the amount shifted into that year (or
minus the amount shifted out), as a constant written by this program: a what-if on an
input still flows through, and the shift stays as it was decided.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from budget.core.model import Basis, Scenario
from budget.engine.cash_shifts import Deltas
from budget.render.workbook.sheet import Links
from budget.reports.overview import EARLIER, LATER

Reference = Callable[[str, str, str, str], str | None]


def signed_euros(cents: int) -> str:
    """`cents` as a signed term of a formula in euros: "+20000.00", "-0.05"."""
    text = str(Decimal(abs(cents)).scaleb(-2))
    return ("-" if cents < 0 else "+") + text


def shifted_reference(scenario: Scenario, refer: Reference, deltas: Deltas) -> Reference:
    """`refer` (calculation_sheet.Layout.reference) with each shifted part's delta added.

    A column ("earlier", "later" or a year) takes the deltas of all its years; a part that
    the Calculation sheet does not hold (a year outside the commitment's span) keeps its
    amount (None)."""
    if not deltas:
        return refer
    first, last = scenario.first_year, scenario.last_year

    def in_column(year: int, column: str) -> bool:
        if column == EARLIER:
            return year < first
        if column == LATER:
            return year > last
        return str(year) == column

    def reference(commitment: str, funder: str, basis: str, column: str) -> str | None:
        found = refer(commitment, funder, basis, column)
        if found is None or basis != Basis.CASH:
            return found
        delta = sum(
            cents
            for (cid, key, year), cents in deltas.items()
            if cid == commitment and key == funder and in_column(year, column)
        )
        return found + signed_euros(delta) if delta else found

    return reference


def shifted_links(links: Links, deltas: Deltas) -> Links:
    """The links with each shifted cash part as (its cell plus the delta); the commitments'
    cash lines (which a top-up ranked after them uses) stay the computed cash."""
    if not deltas:
        return links
    parts = dict(links.parts)
    for (cid, funder, year), cents in deltas.items():
        key = (cid, funder, str(Basis.CASH), year)
        if key in parts:
            parts[key] = f"({parts[key]}{signed_euros(cents)})"
    return Links(parts, links.inputs, links.cash)
