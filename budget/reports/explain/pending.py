"""The working of a pending commitment (issue 23): the kind's working as if decided, then
p times its total over the span, spread over the years by largest remainder
(budget.engine.pending)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np

from budget.core.errors import where_commitment
from budget.core.model import Commitment
from budget.core.money import format_euros_grouped as eur
from budget.core.money import round_half_away
from budget.engine.pending import expected_amounts
from budget.reports.explain.data import Input, Step, Working, exact_money, money, share


def pending_working(c: Commitment, working: Working) -> Working:
    """The working of `c` (pending) as the engine counts it: at p (p = 1 under
    --pending all: as decided, with a note)."""
    assert c.pending is not None
    p = c.pending.p
    decision = f", decision expected {c.pending.decision}" if c.pending.decision else ""
    if c.pending.condition:
        decision += f", condition {c.pending.condition}"
    if p == 1:
        written = c.pending.written_p
        shown = f" (p = {written}{decision})" if written is not None else decision
        note = (
            f"Pending{shown}: worked out as decided (as --pending all counts it); "
            "never legally committed."
        )
        return dataclasses.replace(working, notes=(*working.notes, note))
    years = sorted(working.years)
    steps: list[Step] = []
    scaled: dict[str, dict[int, int]] = {}
    for basis in ("commitment", "cash"):
        decided = [getattr(working.years[y], basis) for y in years]
        total = sum(decided)
        exact = total * p
        parts = expected_amounts(np.array([decided], dtype=np.int64), p)[0].tolist()
        scaled[basis] = dict(zip(years, parts, strict=True))
        steps += [
            Step(
                f"decided_total_{basis}",
                f"total as decided ({basis} basis)",
                "sum of the years' amounts as decided",
                " + ".join(eur(a) for a in decided),
                money(total),
            ),
            Step(
                f"expected_total_{basis}",
                f"expected total ({basis} basis)",
                "round(p x total as decided, 2)",
                f"round({p} x {eur(total)}, 2) = round({exact_money(Fraction(exact)).text()}, 2)",
                money(round_half_away(exact.numerator, exact.denominator)),
            ),
        ]
    out = {}
    for y in years:
        w = working.years[y]
        year_steps = (
            *w.steps,
            Step(
                "decided_commitment",
                "as decided (commitment basis)",
                "the working above",
                eur(w.commitment),
                money(w.commitment),
            ),
            Step(
                "decided_cash",
                "as decided (cash basis)",
                "the working above",
                eur(w.cash),
                money(w.cash),
            ),
            Step(
                "expected",
                "expected amount (cash basis)",
                "expected total spread over the years as decided, by largest remainder",
                f"{eur(w.cash)} as decided",
                money(scaled["cash"][y]),
            ),
        )
        out[y] = dataclasses.replace(
            w, steps=year_steps, commitment=scaled["commitment"][y], cash=scaled["cash"][y]
        )
    note = (
        f"Pending (p = {p}{decision}): --pending expected counts it at p times its amounts, "
        "the total rounded once and spread over the years by largest remainder (ties to the "
        "earlier year); never legally committed."
    )
    label = (
        "probability the condition is met" if c.pending.condition else "probability of the decision"
    )
    if p == 0:  # a condition achieved and not met
        condition = c.pending.condition.removesuffix(": not met")
        note = (
            f"Condition {condition} achieved and not met: it pays nothing in every view "
            "(--pending none, expected and all), counted at p = 0 times its amounts."
        )
        label = "p (the condition was achieved and not met)"
    # A condition not yet achieved gives the p (and no decision of its own).
    field = "condition" if c.pending.condition else "p"
    given = Input(
        "p",
        label,
        share(p),
        c.field_origins.get(field, c.origin),
        where_commitment(c.id, field),
        field in c.assumptions,
    )
    return Working((*working.inputs, given), (*working.steps, *steps), out, (*working.notes, note))
