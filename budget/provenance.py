"""Where the numbers come from: the sources and assumptions that a scenario declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from budget.model import ByYear, Commitment, Dist, Recipient, Scenario
from budget.money import format_euros_grouped


@dataclass(frozen=True, slots=True)
class Assumed:
    """A value that the scenario marks as an assumption rather than a fact.

    owner: 'commitment' or 'recipient'; key: its id; field: the field; value: readable text.
    """

    owner: str
    key: str
    field: str
    value: str


def value_text(value: Any) -> str:
    """A field's value as a person reads it."""
    if isinstance(value, ByYear | Dist):
        return value.describe()
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return format_euros_grouped(value)
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return ", ".join(f"{k} {v}" for k, v in value)
    return str(value)


def commitment_value(c: Commitment, field: str) -> str:
    if field == "funders":
        return value_text(c.funders)
    if field in ("recipient", "priority", "name", "source"):
        return str(getattr(c, field))
    if field in ("first_year", "last_year", "committed_in", "settlement_lag", "start", "end"):
        return str(getattr(c.spec, field, ""))
    return value_text(getattr(c.spec, field, None))


def recipient_value(r: Recipient, field: str) -> str:
    return value_text(getattr(r, field, None))


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


def provenance_text(scenario: Scenario) -> str:
    """Assumptions and sources, for the end of `budget run`'s table."""
    lines = []
    assumed = assumptions(scenario)
    if assumed:
        lines.append("Assumptions (values the sources do not give):")
        lines += [f"  {a.owner} {a.key}, {a.field}: {a.value}" for a in assumed]
    sourced = [c for c in scenario.commitments if c.source]
    if sourced:
        lines.append("Sources:")
        lines += [f"  {c.id}: {c.source}" for c in sourced]
    return "\n".join(lines)
