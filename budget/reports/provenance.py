"""Where the numbers come from: the sources and assumptions that a scenario declares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from budget.core.model import ByYear, Commitment, Dist, Recipient, Scenario
from budget.core.money import format_euros_grouped


@dataclass(frozen=True, slots=True)
class Assumed:
    """A value that the scenario marks as an assumption rather than a fact.

    owner: 'commitment' or 'recipient'; key: its id; field: the field; value: readable text.
    """

    owner: str
    key: str
    field: str
    value: str


# Whole-number fields that are not amounts (years, lags, ranks).
NOT_AMOUNTS = ("year", "lag", "committed_in", "priority", "order")


def value_text(value: Any, name: str = "") -> str:
    """A field's value as a finance officer reads it (amounts in grouped euros); `name` is
    the field, which tells amounts from other whole numbers."""
    if value is None:
        return "not given"
    if isinstance(value, ByYear | Dist):
        return value.describe()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return (
            str(value)
            if any(part in name for part in NOT_AMOUNTS)
            else (format_euros_grouped(value))
        )
    if isinstance(value, Fraction):
        return f"{value} ({float(value) * 100:.4g}%)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple) and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return "; ".join(f"{k}: {value_text(v, name)}" for k, v in value)
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def funders_text(funders: tuple[tuple[str, Fraction], ...]) -> str:
    """Funders and their shares: "VenJ 1/2, VWS 1/2"."""
    return ", ".join(f"{funder} {share}" for funder, share in funders)


def commitment_value(c: Commitment, field: str) -> str:
    if field == "funders":
        return funders_text(c.funders)
    if field in ("recipient", "priority", "name", "source"):
        return str(getattr(c, field))
    # The fields of a pending commitment (issue 23) are on c.pending, not on its spec.
    if field == "status":
        return "pending" if c.pending is not None else "decided"
    if field in ("p", "decision"):
        return value_text(getattr(c.pending, field, None), field)
    if field == "max":  # a cofinanced's maximum
        return value_text(getattr(c.spec, "maximum", None), field)
    return value_text(getattr(c.spec, field, None), field)


def recipient_value(r: Recipient, field: str) -> str:
    return value_text(getattr(r, field, None), field)


def assumptions(scenario: Scenario) -> list[Assumed]:
    """Every assumed value, commitments first, in the order of the scenario."""
    out = [
        Assumed("commitment", c.id, field, commitment_value(c, field))
        for c in scenario.commitments
        for field in c.assumptions
    ]
    out += [
        Assumed("recipient", r.key, field, recipient_value(r, field))
        for r in scenario.recipients.values()
        for field in r.assumptions
    ]
    return out
