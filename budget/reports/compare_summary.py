"""What a reader of a comparison needs beside the side-by-side tables: each scenario's
totals per year and per funder with their differences from the base, every scenario's
limits checked (breaches marked), and warnings when the scenarios are not in the same
fiscal years or currency."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from budget.core.model import BASES, Scenario
from budget.core.money import format_euros_grouped
from budget.engine.limits import check_rows
from budget.render.text import amount_text, text_table
from budget.reports.compare import TITLES, _signed, comparison_text


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


def _unit(scenarios: Sequence[Scenario]) -> str:
    currencies = list(dict.fromkeys(s.currency for s in scenarios))
    return "/".join(currencies)


def totals_text(long: pd.DataFrame, scenarios: Sequence[Scenario], labels: Sequence[str]) -> str:
    """Per basis: every scenario's total per year, then per funder (all years), each other
    scenario with its difference from the base."""
    base = scenarios[0]
    unit = _unit(scenarios)
    header_amounts = [labels[0]]
    for label in labels[1:]:
        header_amounts += [label, "difference"]
    parts = []
    for basis in reversed(BASES):
        mine = long[long["basis"] == basis]
        for by, title in (("year", "per year"), ("funder", "per funder")):
            sums = mine.groupby([by, "scenario"], observed=True, sort=False)["amount_cents"].sum()
            keys = sorted(set(mine[by])) if by == "year" else list(dict.fromkeys(mine[by]))
            lines = []
            for key in keys:
                amounts = [int(sums.get((key, label), 0)) for label in labels]
                cells = [base.label(int(key)) if by == "year" else str(key)]
                cells.append(amount_text(amounts[0]))
                for amount in amounts[1:]:
                    cells += [amount_text(amount), _signed(amount - amounts[0])]
                lines.append(cells)
            grand = [
                int(mine.loc[mine["scenario"] == label, "amount_cents"].sum()) for label in labels
            ]
            footer = ["Total", amount_text(grand[0])]
            for amount in grand[1:]:
                footer += [amount_text(amount), _signed(amount - grand[0])]
            parts.append(
                text_table(
                    f"Totals {title}, {TITLES[basis]} ({unit})",
                    [by, *header_amounts],
                    lines,
                    1,
                    footer=[footer],
                )
            )
    return "\n\n".join(parts)


def limits_text(
    scenarios: Sequence[Scenario], rows: Sequence[pd.DataFrame], labels: Sequence[str]
) -> str:
    """Every scenario's limits, each year checked against its own projection; breaches
    marked BREACHED. "" when no scenario has limits."""
    lines = []
    for scenario, frame, label in zip(scenarios, rows, labels, strict=True):
        for c in check_rows(scenario, frame):
            lines.append(
                [
                    label,
                    c.limit.funder,
                    c.limit.basis,
                    scenario.label(c.year),
                    format_euros_grouped(c.amount),
                    format_euros_grouped(c.ceiling),
                    format_euros_grouped(c.headroom),
                    "BREACHED" if c.breached else "",
                ]
            )
    if not lines:
        return ""
    breached = sum(1 for line in lines if line[-1])
    header = ["scenario", "funder", "basis", "year", "amount", "ceiling", "headroom", ""]
    verdict = (
        f"{breached} limit-year{'s' if breached != 1 else ''} breached."
        if breached
        else "Every scenario is within its limits."
    )
    title = f"Limits of every scenario: headroom per year ({_unit(scenarios)})"
    return text_table(title, header, lines, left=4) + f"\n{verdict}"


def compare_report(
    scenarios: Sequence[Scenario],
    rows: Sequence[pd.DataFrame],
    long: pd.DataFrame,
    labels: Sequence[str],
) -> str:
    """`budget compare`'s table output: side by side with causes, totals, limits."""
    base = scenarios[0]
    parts = [
        comparison_text(long, list(labels), _unit(scenarios), base.label),
        totals_text(long, scenarios, labels),
    ]
    limits = limits_text(scenarios, rows, labels)
    if limits:
        parts.append(limits)
    return "\n\n".join(parts)
