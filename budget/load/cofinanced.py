"""Co-financed commitments (issue 23): the eligible costs a `cofinanced` commitment pays a
rate of are its own `eligible` by year, or else its recipient's `costs`, filled in here
once the recipients and commitments are read. Neither is one problem naming the file,
the commitment and the field."""

from __future__ import annotations

import dataclasses

from budget.core.errors import Problem, where_commitment
from budget.core.model import column_of_field
from budget.load.common import Draft


def read_cofinanced(draft: Draft) -> None:
    """Fill in each cofinanced commitment's eligible costs from its recipient's costs."""
    if "cofinanced" not in column_of_field(draft.commitments, "kind"):
        return
    commitments = []
    for c in draft.commitments:
        if c.kind == "cofinanced" and c.spec.eligible is None:
            costs = draft.recipients[c.recipient].costs
            if costs is None:
                draft.problems.append(
                    Problem(
                        c.origin,
                        where_commitment(c.id, "eligible"),
                        f"is missing, and recipient {c.recipient!r} has no costs",
                        'give the eligible costs by year (eligible = { 2015 = "67600.00" }) '
                        f"or costs on [recipients.{c.recipient}]",
                    )
                )
                continue
            c = dataclasses.replace(
                c, spec=dataclasses.replace(c.spec, eligible=costs, from_costs=True)
            )
        commitments.append(c)
    draft.commitments = commitments
