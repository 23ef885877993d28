"""Checks of a whole scenario, once its parts are read: each a pure function of the draft
that returns the problems it finds (Beancount's plugins, without the rewriting)."""

from __future__ import annotations

from collections.abc import Callable

from budget.core.errors import Problem, excerpt
from budget.core.fields import uncovered
from budget.core.model import column_of_field
from budget.core.money import format_euros_grouped
from budget.kinds import KINDS
from budget.kinds.base import largest
from budget.load.common import Draft, specs_by_kind

# Sums of amounts are int64 cents; keep every sum the engine forms well inside that range.
MOST_CENTS = 2**62


def derived_shortfalls_have_costs(draft: Draft) -> list[Problem]:
    """A derived top-up needs the recipient's costs (and income, if any) in each year."""
    problems: list[Problem] = []
    for cid, kind_name, to, spec in zip(
        *(column_of_field(draft.commitments, f) for f in ("id", "kind", "recipient", "spec")),
        strict=True,
    ):
        if not KINDS[kind_name].derives_shortfall(spec):
            continue
        recipient = draft.recipients[to]
        first, last = spec.first_year, spec.last_year
        entry = draft.merged.commitments[cid]
        for label, values in (("costs", recipient.costs), ("income", recipient.income)):
            if values is None and label == "income":
                continue
            missing, _ = uncovered(values, first, last)
            if missing:
                problems.append(
                    Problem(
                        entry.file_of("shortfall"),
                        entry.where("shortfall"),
                        f"is not given, and recipient {excerpt(to)} has no {label} for "
                        + ", ".join(map(str, missing)),
                        f"give shortfall, or {label} for every year from {first} to {last} "
                        f"on [recipients.{to}]",
                    )
                )
    return problems


def amounts_add_up_exactly(draft: Draft) -> list[Problem]:
    """Every sum the engine forms stays inside int64 cents."""
    specs = specs_by_kind(draft.commitments)
    total = sum(sum(map(KINDS[name].most, of_kind)) for name, of_kind in specs.items())
    total += sum(largest(r.costs) + largest(r.income) for r in draft.recipients.values())
    if total <= MOST_CENTS:
        return []
    return [
        Problem(
            draft.main,
            "",
            f"its amounts could add up to {format_euros_grouped(total)}, more than can be "
            f"added up exactly (at most {format_euros_grouped(MOST_CENTS)})",
            "check the amounts for a typing error; amounts are in euros",
        )
    ]


# Run in order after the section readers; a new whole-scenario rule is one function here.
CHECKS: tuple[Callable[[Draft], list[Problem]], ...] = (
    derived_shortfalls_have_costs,
    amounts_add_up_exactly,
)
