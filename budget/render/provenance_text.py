"""Where the numbers come from, as the end of `budget run`'s table: the assumptions and
sources of `budget.reports.provenance`."""

from __future__ import annotations

from budget.core.model import Scenario
from budget.reports.provenance import assumptions


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
