"""What a reader of a comparison needs beside the side-by-side tables: each scenario's
totals per year and per funder with their differences from the base, every scenario's
limits checked (breaches marked), and warnings when the scenarios are not in the same
fiscal years or currency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from budget.core.model import BASES, Basis, Scenario
from budget.engine.limits import LimitYear, check_rows
from budget.reports.compare import TITLES


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


@dataclass(frozen=True, slots=True)
class TotalLine:
    """One line of totals. key: a fiscal year (int) or a funder's key (str), None for the
    grand total; amounts: per scenario, the base first; differences: each amount minus the
    base's (0 for the base)."""

    key: int | str | None
    amounts: tuple[int, ...]
    differences: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TotalsTable:
    """Every scenario's totals on one basis. basis; by: "year" or "funder"; title: the
    table's title (with the unit); lines: per year (in order) or per funder (in order of
    first appearance); total: the grand total of every line."""

    basis: str
    by: str
    title: str
    lines: tuple[TotalLine, ...]
    total: TotalLine


@dataclass(frozen=True, slots=True)
class ScenarioLimit:
    """scenario: the scenario's label; year_label: the year as that scenario names it;
    check: the limit in that year against the scenario's own projection."""

    scenario: str
    year_label: str
    check: LimitYear


@dataclass(frozen=True, slots=True)
class LimitsTable:
    """title: with the unit; lines: every scenario's limits per year, in scenario order;
    breached: how many of the lines are breached."""

    title: str
    lines: tuple[ScenarioLimit, ...]
    breached: int


@dataclass(frozen=True, slots=True)
class CompareSummary:
    """Beside the side-by-side tables: totals (per basis, cash first: per year, then per
    funder) and every scenario's limits."""

    totals: tuple[TotalsTable, ...]
    limits: LimitsTable


def compare_summary(
    scenarios: Sequence[Scenario],
    rows: Sequence[pd.DataFrame],
    long: pd.DataFrame,
    labels: Sequence[str],
) -> CompareSummary:
    """The totals of the long rows (`compare_rows`) and the limits of each scenario checked
    against its own tidy rows (`rows`, in the order of `scenarios`)."""
    unit = unit_of(scenarios)
    totals = []
    for basis in reversed(BASES):
        mine = long[long["basis"] == basis]
        if basis == Basis.RECEIPTS and mine.empty:  # only where a settlement recovers
            continue
        for by, title in (("year", "per year"), ("funder", "per funder")):
            sums = mine.groupby([by, "scenario"], observed=True, sort=False)["amount_cents"].sum()
            keys = sorted(set(mine[by])) if by == "year" else list(dict.fromkeys(mine[by]))
            lines = tuple(
                _line(
                    int(key) if by == "year" else str(key),
                    [int(sums.get((key, label), 0)) for label in labels],
                )
                for key in keys
            )
            grand = [
                int(mine.loc[mine["scenario"] == label, "amount_cents"].sum()) for label in labels
            ]
            totals.append(
                TotalsTable(
                    basis,
                    by,
                    f"Totals {title}, {TITLES[basis]} ({unit})",
                    lines,
                    _line(None, grand),
                )
            )
    checked = tuple(
        ScenarioLimit(label, scenario.label(c.year), c)
        for scenario, frame, label in zip(scenarios, rows, labels, strict=True)
        for c in check_rows(scenario, frame)
    )
    limits = LimitsTable(
        f"Limits of every scenario: headroom per year ({unit})",
        checked,
        sum(1 for line in checked if line.check.breached),
    )
    return CompareSummary(tuple(totals), limits)


def _line(key: int | str | None, amounts: list[int]) -> TotalLine:
    return TotalLine(key, tuple(amounts), tuple(a - amounts[0] for a in amounts))
