"""Undecided money (issue 23): what each pending commitment would pay, and the one-line
note of every output that leaves it out (`--pending none`, the default).

A pending commitment's amounts are what it pays counted as decided (`--pending all`),
on the cash basis, per fiscal year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from budget.core.model import Basis, Scenario
from budget.core.money import format_euros_grouped
from budget.engine.pending import pending_of, with_pending
from budget.engine.projection import project


@dataclass(frozen=True, slots=True)
class PendingAmounts:
    """commitment: its id; title; p: the probability of the decision; decision: its
    expected date (or None); cash: (year, cents) it pays when decided, in year order."""

    commitment: str
    title: str
    p: Fraction
    decision: dt.date | None
    cash: tuple[tuple[int, int], ...]
    condition: str = ""

    @property
    def total(self) -> int:
        return sum(c for _, c in self.cash)


def pending_amounts(scenario: Scenario, rows: pd.DataFrame | None = None) -> list[PendingAmounts]:
    """Each pending commitment of the scenario with what it pays as decided. rows: the
    projection with every pending commitment counted as decided, when already made."""
    pending = pending_of(scenario)
    if not pending:
        return []
    if rows is None:
        rows = project(with_pending(scenario, "all"))
    cash = rows[(rows["basis"] == Basis.CASH) & rows["commitment"].isin([c.id for c in pending])]
    by = cash.groupby(["commitment", "year"], observed=True)["amount_cents"].sum()
    out = []
    for c in pending:
        assert c.pending is not None
        mine = by.loc[c.id] if c.id in by.index.get_level_values(0) else pd.Series(dtype=int)
        years = tuple(
            (int(y), int(v)) for y, v in zip(mine.index.tolist(), mine.tolist(), strict=True)
        )
        state = c.pending
        out.append(PendingAmounts(c.id, c.title, state.p, state.decision, years, state.condition))
    return out


def p_text(p: Fraction) -> str:
    """p as written for a reader: 1/2 (50%)."""
    percent = p * 100
    shown = str(percent.numerator) if percent.denominator == 1 else f"{float(percent):.4g}"
    return f"{p} ({shown}%)"


def left_out_notes(scenario: Scenario, mode: str) -> list[str]:
    """One line per pending commitment an output leaves out (mode "none"), with its
    amounts; and in every mode one per commitment whose condition was not met."""
    lines = [
        f"note: commitment {c.id!r} pays nothing in every view: its condition "
        f"({c.pending.condition}) was achieved and not met"
        for c in pending_of(scenario)
        if c.pending is not None and not c.pending.p
    ]
    if mode != "none":
        return lines
    for item in pending_amounts(scenario):
        if not item.p:
            continue
        amounts = ", ".join(
            f"{scenario.label(y)} {format_euros_grouped(c)}" for y, c in item.cash if c
        )
        decision = f", decision expected {item.decision.isoformat()}" if item.decision else ""
        if item.condition:
            decision += f", condition {item.condition}"
        lines.append(
            f"note: pending commitment {item.commitment!r} left out (--pending none; p = "
            f"{p_text(item.p)}{decision}): cash {amounts or 'none'}, total "
            f"{format_euros_grouped(item.total)} {scenario.currency}; --pending expected or "
            "all counts it"
        )
    return lines
