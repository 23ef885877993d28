"""Cash shifts (kasschuiven): planned cash of a commitment moved between years.

A shift moves `amount` of a commitment's cash from one fiscal year to another, split among
its funders by their shares (largest remainder, ties to the funder listed first). The
commitment basis is left as it was, and the cash total is unchanged. Moving more than a
funder's planned cash of the year is an error.
"""

from __future__ import annotations

import pandas as pd

from budget.core.errors import Problem
from budget.core.lines import CashShift
from budget.core.model import Basis, Scenario
from budget.core.money import allocate, format_euros_grouped, share_weights


def shift_cash(
    rows: pd.DataFrame, scenario: Scenario, shifts: tuple[CashShift, ...] = ()
) -> tuple[pd.DataFrame, list[Problem]]:
    """The tidy rows with the scenario's cash shifts (or `shifts`) applied, in order, and
    the problems of shifts that move more than was planned. Text columns become str."""
    todo = shifts or scenario.cash_shifts
    out = rows.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype(str)
    if not todo:
        return out, []
    problems: list[Problem] = []
    by_id = {c.id: c for c in scenario.commitments}
    for shift in todo:
        commitment = by_id.get(shift.commitment)
        if commitment is None:
            continue
        keys = [k for k, _ in commitment.funders]
        parts = allocate(shift.amount, share_weights([s for _, s in commitment.funders]))
        cash = (out["commitment"] == shift.commitment) & (out["basis"] == Basis.CASH)
        for funder, part in zip(keys, parts, strict=True):
            mine = cash & (out["funder"] == funder)
            source = mine & (out["year"] == shift.from_year)
            planned = int(out.loc[source, "amount_cents"].sum())
            if part > planned:
                problems.append(
                    Problem(
                        shift.file,
                        f"cash shift of {shift.commitment!r}, field 'amount'",
                        f"moves {format_euros_grouped(part)} of {funder}'s cash from "
                        f"{shift.from_year}, which plans only {format_euros_grouped(planned)}",
                        f"shift at most {format_euros_grouped(planned)} from that year",
                    )
                )
                continue
            if not part:
                continue
            out.loc[source, "amount_cents"] -= part
            target = mine & (out["year"] == shift.to_year)
            if target.any():
                out.loc[target, "amount_cents"] += part
            else:
                template = out.loc[source].iloc[0].to_dict()
                template.update(year=shift.to_year, amount_cents=part)
                out = pd.concat([out, pd.DataFrame([template])], ignore_index=True)
                cash = (out["commitment"] == shift.commitment) & (out["basis"] == Basis.CASH)
    out["amount_cents"] = out["amount_cents"].astype("int64")
    return out, problems
