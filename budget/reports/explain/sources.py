"""Inputs with their provenance: which file and field a value came from, whether the
scenario marks it as an assumption, and whether it is the central value of a distribution.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from budget.core.errors import where_commitment, where_entry
from budget.core.model import ByYear, Commitment, Dist, Recipient, Scenario
from budget.reports.explain.data import Input, Quantity, money


@dataclass(frozen=True, slots=True)
class Context:
    """What a kind's explainer may read.

    scenario, commitment: the commitment explained; position: its place in the scenario
    (ties of priority go to the earlier place); span: its first and last fiscal year;
    paid: the engine's cash of any commitment to any year, summed over funders.
    """

    scenario: Scenario
    commitment: Commitment
    position: int
    span: tuple[int, int]
    paid: Callable[[str, int], int]

    @property
    def recipient(self) -> Recipient:
        return self.scenario.recipients[self.commitment.recipient]

    def label(self, year: int) -> str:
        return self.scenario.label(year)


def _file(origins: Mapping[str, str], origin: str, fallback: str, field: str, given: bool) -> str:
    if not given:
        return ""
    if origins:
        return origins.get(field, origin or fallback)
    return origin or fallback


def commitment_input(
    ctx: Context,
    field: str,
    label: str,
    value: Quantity,
    *,
    given: bool = True,
    year: int | None = None,
    central_of: str = "",
) -> Input:
    """An input read from a field of the commitment explained (`year`: a table's row)."""
    c = ctx.commitment
    where = where_commitment(c.id, field) + (f", {year}" if year is not None else "")
    return Input(
        field,
        label,
        value,
        _file(c.field_origins, c.origin, ctx.scenario.path, field, given),
        where if given else f"{where}: not given, the default applies",
        field in c.assumptions,
        central_of,
    )


def recipient_input(ctx: Context, field: str, label: str, year: int) -> tuple[Input, int]:
    """A recipient's per-year input (costs, income) in `year`, and its cents (0 if absent)."""
    r = ctx.recipient
    values: ByYear | None = getattr(r, field)
    cents, central_of, in_table = year_value(values, year)
    where = where_entry("recipient", r.key, field) + (f", {year}" if in_table else "")
    given = values is not None and (not in_table or values.at(year) is not None)
    item = Input(
        field,
        label,
        money(cents),
        _file(r.field_origins, r.origin, ctx.scenario.path, field, given),
        where if given else f"{where}: not given, counts as 0.00",
        field in r.assumptions,
        central_of,
    )
    return item, cents


def year_value(values: ByYear | None, year: int) -> tuple[int, str, bool]:
    """The cents a projection uses in `year` (0 when absent), the distribution described
    when it is a central value, and whether the value comes from a table by year."""
    if values is None:
        return 0, "", False
    value = values.at(year)
    in_table = values.every is None
    if value is None:
        return 0, "", in_table
    if isinstance(value, Dist):
        return value.central(), value.describe(), in_table
    return value, "", in_table


def commitment_year_input(
    ctx: Context, field: str, label: str, values: ByYear, year: int
) -> tuple[Input, int]:
    """A commitment's per-year input (cap, amount, shortfall) in `year`, and its cents."""
    cents, central_of, in_table = year_value(values, year)
    item = commitment_input(
        ctx,
        field,
        label,
        money(cents),
        year=year if in_table else None,
        central_of=central_of,
    )
    return item, cents
