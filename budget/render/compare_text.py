"""`budget compare` as terminal text: the side-by-side tables with what caused each
difference, the totals per year and per funder, and every scenario's limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from budget.core.model import BASES, Scenario
from budget.core.money import format_euros_grouped
from budget.engine.limits import check_rows
from budget.render.text import amount_text, text_table
from budget.reports.compare import TITLES, side_by_side
from budget.reports.compare_summary import unit_of


def comparison_text(
    long: pd.DataFrame,
    labels: list[str],
    unit: str = "EUR",
    label: Callable[[int], str] = str,
) -> str:
    """Side-by-side tables per basis, then what caused each difference, largest first.
    unit: the currency named in the titles; label: how a year is named."""
    table = side_by_side(long, labels)
    parts = []
    for basis in ("cash", "commitment"):
        rows = [r for r in table if r.basis == basis and (any(r.amounts) or any(r.deltas))]
        header = ["funder", "year", labels[0]]
        for other in labels[1:]:
            header += [other, "difference"]
        lines = []
        for r in rows:
            cells = [r.funder, label(r.year), amount_text(r.amounts[0])]
            for amount, delta in zip(r.amounts[1:], r.deltas[1:], strict=True):
                cells += [amount_text(amount), _signed(delta)]
            lines.append(cells)
        totals = ["Total", ""]
        totals.append(amount_text(sum(r.amounts[0] for r in rows)))
        for i in range(1, len(labels)):
            totals += [
                amount_text(sum(r.amounts[i] for r in rows)),
                _signed(sum(r.deltas[i] for r in rows)),
            ]
        text = [
            text_table(f"Comparison, {TITLES[basis]} ({unit})", header, lines, 2, footer=[totals])
        ]
        why = [
            f"  {name}, {r.funder} {label(r.year)}: {_signed(r.deltas[i])} = "
            + ", ".join(f"{c} {_signed(d)}" for c, d in r.causes[i])
            for i, name in enumerate(labels)
            for r in rows
            if i and (r.deltas[i] or r.causes[i])
        ]
        if why:
            text += ["", f"What caused the differences ({basis} basis), largest first:", *why]
        else:
            text += ["", f"No differences on the {basis} basis."]
        parts.append("\n".join(text))
    return "\n\n".join(parts)


def _signed(cents: int) -> str:
    if cents == 0:
        return "-"
    return ("+" if cents > 0 else "") + format_euros_grouped(cents)


def totals_text(long: pd.DataFrame, scenarios: Sequence[Scenario], labels: Sequence[str]) -> str:
    """Per basis: every scenario's total per year, then per funder (all years), each other
    scenario with its difference from the base."""
    base = scenarios[0]
    unit = unit_of(scenarios)
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
    title = f"Limits of every scenario: headroom per year ({unit_of(scenarios)})"
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
        comparison_text(long, list(labels), unit_of(scenarios), base.label),
        totals_text(long, scenarios, labels),
    ]
    limits = limits_text(scenarios, rows, labels)
    if limits:
        parts.append(limits)
    return "\n\n".join(parts)
