"""What top-ups leave uncovered (`budget.reports.shortfall`), as a terminal table."""

from __future__ import annotations

from collections.abc import Callable

from budget.core.model import Scenario
from budget.render.text import amount_text, text_table
from budget.reports.shortfall import Uncovered


def uncovered_text(
    scenario: Scenario, found: list[Uncovered], label: Callable[[int], str] = str
) -> str:
    """The uncovered shortfalls as a text table, or "" when there are none."""
    if not found:
        return ""
    lines = [
        [u.recipient, scenario.recipients[u.recipient].name, label(u.year), amount_text(u.cents)]
        for u in found
    ]
    title = f"{scenario.name}, shortfall not covered by top-ups ({scenario.currency})"
    return text_table(title, ["recipient", "name", "year", "uncovered"], lines, left=3) + (
        "\n(the recipient's shortfall above what its top-ups pay, e.g. above a cap)"
    )
