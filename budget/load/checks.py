"""Checks of a whole scenario, once its parts are read: each a pure function of the draft
that returns the problems it finds (Beancount's plugins, without the rewriting)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from budget.core.errors import Problem, excerpt
from budget.core.fields import uncovered
from budget.core.model import Commitment, column_of_field
from budget.core.money import format_euros_grouped
from budget.kinds import KINDS
from budget.kinds.base import largest
from budget.kinds.spec_columns import SpecColumns, SpecList
from budget.load.common import Draft, specs_by_kind

# Sums of amounts are int64 cents; keep every sum the engine forms well inside that range.
MOST_CENTS = 2**62


def derived_shortfalls_have_costs(draft: Draft) -> list[Problem]:
    """A derived top-up needs the recipient's costs (and income, if any) in each year."""
    problems: list[Problem] = []
    ids, tos = (column_of_field(draft.commitments, f) for f in ("id", "recipient"))
    for i, first, last in _deriving(draft.commitments):
        cid, to = ids[i], tos[i]
        recipient = draft.recipients[to]
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


def _deriving(commitments: Sequence[Commitment]) -> list[tuple[int, int, int]]:
    """The place, first year and last year of each commitment whose shortfall the engine
    derives, in order: from the kinds' columns where the specs are kept as columns."""
    blocks = _blocks(commitments)
    if blocks is None:
        specs = column_of_field(commitments, "spec")
        kinds = column_of_field(commitments, "kind")
        return [
            (i, spec.first_year, spec.last_year)
            for i, (kind, spec) in enumerate(zip(kinds, specs, strict=True))
            if KINDS[kind].derives_shortfall(spec)
        ]
    found: list[tuple[int, int, int]] = []
    for rows, block in blocks:
        kind = KINDS[block.kind]
        at = np.flatnonzero(kind.derived(block.engine_columns(kind.columns))).tolist()
        if at:
            first, last = block.values("first_year"), block.values("last_year")
            found += [(int(rows[j]), first[j], last[j]) for j in at]
    return sorted(found)


def amounts_add_up_exactly(draft: Draft) -> list[Problem]:
    """Every sum the engine forms stays inside int64 cents."""
    total = _most(draft.commitments)
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


def _most(commitments: Sequence[Commitment]) -> int:
    """The sum of every commitment's `most`: from the kinds' columns where the specs are
    kept as columns and the kind can tell (`most_of_columns`)."""
    blocks = _blocks(commitments)
    if blocks is None:
        by_kind = specs_by_kind(commitments)
        return sum(sum(map(KINDS[name].most, of_kind)) for name, of_kind in by_kind.items())
    total = 0
    for _, block in blocks:
        kind = KINDS[block.kind]
        of_columns = getattr(kind, "most_of_columns", None)
        most = None if of_columns is None else of_columns(block.engine_columns(kind.columns))
        total += sum(map(kind.most, block.specs())) if most is None else most
    return total


def _blocks(commitments: Sequence[Commitment]) -> tuple[tuple[Any, SpecColumns], ...] | None:
    """The commitments' specs as blocks of columns (their rows, their SpecColumns), when
    every spec is kept so (a register alone, a file of plain tables); None otherwise."""
    specs = column_of_field(commitments, "spec")
    if isinstance(specs, SpecList) and specs.given.all():
        return specs.blocks
    return None


# Run in order after the section readers; a new whole-scenario rule is one function here.
CHECKS: tuple[Callable[[Draft], list[Problem]], ...] = (
    derived_shortfalls_have_costs,
    amounts_add_up_exactly,
)
