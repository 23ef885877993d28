"""Performance indicators (`budget.reports.indicators`) as terminal tables."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from budget.core.model import Scenario
from budget.core.money import format_euros_grouped
from budget.render.text import text_table
from budget.reports.indicators import exact


def indicators_text(scenario: Scenario, frame: pd.DataFrame) -> str:
    """Per indicator: its base, then target, achieved, change, met and cost per unit by year."""
    if frame.empty:
        return f"{scenario.name} has no [[indicators]]."
    parts = []
    for indicator in scenario.indicators:
        mine = frame[frame["indicator"] == indicator.id]
        changes = {y: (v, c) for y, v, c in indicator.targets}
        lines = []
        for row in mine.to_dict("records"):
            year = int(row["year"])
            goal = "" if row["target"] is None else _grouped(row["target"])
            if year in changes and changes[year][1]:
                goal += f" ({_signed(exact(changes[year][0] * 100))})"
            met, cost = row["met"], row["cost_per_unit_cents"]
            lines.append(
                [
                    scenario.label(year),
                    goal,
                    "" if row["achieved"] is None else _grouped(row["achieved"]),
                    "" if row["change_pct"] is None else _signed(row["change_pct"]),
                    "" if pd.isna(met) else ("yes" if met else "no"),
                    "" if pd.isna(cost) else format_euros_grouped(int(cost)),
                ]
            )
        unit = f" ({indicator.unit})" if indicator.unit else ""
        better = "" if indicator.higher_is_better else "; lower is better"
        title = (
            f"{indicator.name}{unit}: base {_grouped(exact(indicator.base))} in "
            f"{scenario.label(indicator.base_year)}{better}"
        )
        header = [
            "year", "target", "achieved", "change", "met",
            f"cost per unit ({scenario.currency})",
        ]  # fmt: skip
        if not indicator.commitments:
            header, lines = header[:-1], [line[:-1] for line in lines]
        parts.append(text_table(title, header, lines, left=1))
    return (
        "\n\n".join(parts)
        + "\n\n(change = achieved / base - 1; met: achieved at or above the target, or at or"
        " below it where lower is better; cost per unit = the linked commitments' cash that"
        " year / achieved)"
    )


def _grouped(value: Decimal) -> str:
    return f"{value:,}"


def _signed(value: Decimal) -> str:
    return f"{'+' if value > 0 else ''}{value}%"
