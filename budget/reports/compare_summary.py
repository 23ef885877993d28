"""What a reader of a comparison needs beside the side-by-side tables: each scenario's
totals per year and per funder with their differences from the base, every scenario's
limits checked (breaches marked), and warnings when the scenarios are not in the same
fiscal years or currency."""

from __future__ import annotations

from collections.abc import Sequence

from budget.core.model import Scenario


def convention_warnings(scenarios: Sequence[Scenario], labels: Sequence[str]) -> list[str]:
    """One line per convention on which the scenarios differ from the base (the first)."""
    base = scenarios[0]
    out = []
    for scenario, label in zip(scenarios[1:], labels[1:], strict=True):
        if scenario.calendar != base.calendar:
            out.append(
                f"warning: {label} has fiscal years starting {scenario.calendar}, the base "
                f"{labels[0]} {base.calendar}: the same year number covers different months"
            )
        if scenario.currency != base.currency:
            out.append(
                f"warning: {label} is in {scenario.currency}, the base {labels[0]} in "
                f"{base.currency}: the differences subtract amounts in different currencies"
            )
    return out


def unit_of(scenarios: Sequence[Scenario]) -> str:
    """The currencies of the scenarios, as titles name them ("EUR", or "EUR/GBP")."""
    currencies = list(dict.fromkeys(s.currency for s in scenarios))
    return "/".join(currencies)
