"""The working of a `top_up`: shortfall, cap, what the total cap had left, the amount."""

from __future__ import annotations

from budget.core.money import format_euros_grouped as eur
from budget.kinds.table import commitment_table
from budget.kinds.top_up import TopUp
from budget.reports.explain.data import (
    Input,
    Step,
    Working,
    YearWorking,
    flag,
    money,
    number,
    text,
)
from budget.reports.explain.indexed import indexed_steps, series_text
from budget.reports.explain.sources import (
    Context,
    commitment_input,
    commitment_year_input,
    recipient_input,
)


def ranked_before(ctx: Context) -> list[str]:
    """Ids of the commitments to the same recipient that pay before this one: lower
    priority, or the same priority and earlier in the scenario (in scenario order)."""
    table = commitment_table(ctx.scenario)
    mine = table.of_recipient(int(table.recipient[ctx.position]))
    priority, own = table.priority[mine], int(table.priority[ctx.position])
    before = (priority < own) | ((priority == own) & (mine < ctx.position))
    return [table.ids[i] for i in mine[before].tolist()]


def explain_top_up(ctx: Context) -> Working:
    spec: TopUp = ctx.commitment.spec
    common = [
        commitment_input(ctx, "first_year", "first year", number(spec.first_year)),
        commitment_input(ctx, "last_year", "last year", number(spec.last_year)),
    ]
    if spec.cap_index is not None:
        series = text(series_text(spec.cap_index))
        common.append(commitment_input(ctx, "cap_indexation", "cap indexed by", series))
    if spec.total_cap is not None:
        common.append(
            commitment_input(ctx, "total_cap", "total cap over the span", money(spec.total_cap))
        )
    notes = []
    earlier = ranked_before(ctx) if spec.shortfall is None else []
    if spec.shortfall is None:
        notes.append(
            f"The shortfall is derived: {ctx.recipient.key}'s costs minus its income minus "
            "what commitments ranked before this one pay it that year"
            + (f" ({', '.join(earlier)})." if earlier else " (none rank before it).")
        )
    years: dict[int, YearWorking] = {}
    paid_so_far = 0
    for year in range(spec.first_year, spec.last_year + 1):
        inputs: list[Input] = []
        steps: list[Step] = []
        if spec.shortfall is not None:
            item, shortfall = commitment_year_input(
                ctx, "shortfall", "shortfall", spec.shortfall, year
            )
            inputs.append(item)
        else:
            shortfall = _derived_shortfall(ctx, year, earlier, inputs, steps)
        cap_input, cap = commitment_year_input(ctx, "cap", "cap for the year", spec.cap, year)
        inputs.append(cap_input)
        if spec.cap_index is not None:  # the yearly cap indexed by a series (issue 23)
            cap_steps, cap = indexed_steps(spec.cap_index, year, cap, "cap", "indexed_cap")
            steps += cap_steps
        due = max(0, shortfall)
        steps.append(
            Step(
                "due",
                "shortfall to make up",
                "max(0, shortfall)",
                f"max(0, {eur(shortfall)})",
                money(due),
            )
        )
        capped = min(cap, due)
        steps.append(
            Step(
                "capped",
                "after the yearly cap",
                "min(cap, due)",
                f"min({eur(cap)}, {eur(due)})",
                money(capped),
            )
        )
        amount = capped
        total_binds = False
        if spec.total_cap is not None:
            left = spec.total_cap - paid_so_far
            steps.append(
                Step(
                    "paid_earlier_years",
                    "paid in earlier years of the span",
                    "sum of the amounts of earlier years",
                    eur(paid_so_far),
                    money(paid_so_far),
                )
            )
            steps.append(
                Step(
                    "total_cap_left",
                    "what the total cap had left",
                    "total_cap - paid_earlier_years",
                    f"{eur(spec.total_cap)} - {eur(paid_so_far)}",
                    money(left),
                )
            )
            amount = min(capped, left)
            total_binds = left < capped
            steps.append(
                Step(
                    "amount",
                    "amount",
                    "min(capped, total_cap_left)",
                    f"min({eur(capped)}, {eur(left)})",
                    money(amount),
                )
            )
        else:
            steps.append(Step("amount", "amount", "capped", eur(capped), money(amount)))
        paid_so_far += amount
        steps.append(_binds_step(shortfall, amount, cap < due, total_binds))
        years[year] = YearWorking(tuple(inputs), tuple(steps), amount, amount)
    return Working(tuple(common), (), years, tuple(notes))


def _derived_shortfall(
    ctx: Context, year: int, earlier: list[str], inputs: list[Input], steps: list[Step]
) -> int:
    """costs - income - paid before, appending the inputs and steps; returns the shortfall."""
    costs_input, costs = recipient_input(ctx, "costs", f"costs of {ctx.recipient.key}", year)
    income_input, income = recipient_input(ctx, "income", f"income of {ctx.recipient.key}", year)
    inputs += [costs_input, income_input]
    before = 0
    for cid in earlier:
        paid = ctx.paid(cid, year)
        before += paid
        steps.append(
            Step(
                f"paid_by:{cid}",
                f"paid to {ctx.recipient.key} by {cid} (ranked before)",
                f"cash of {cid} in the year",
                eur(paid),
                money(paid),
            )
        )
    steps.append(
        Step(
            "paid_before",
            "paid by commitments ranked before",
            " + ".join(f"paid_by:{cid}" for cid in earlier) or "0 (none rank before)",
            " + ".join(eur(ctx.paid(cid, year)) for cid in earlier) or "0.00",
            money(before),
        )
    )
    shortfall = costs - income - before
    steps.append(
        Step(
            "shortfall",
            "shortfall",
            "costs - income - paid_before",
            f"{eur(costs)} - {eur(income)} - {eur(before)}",
            money(shortfall),
        )
    )
    return shortfall


def _binds_step(shortfall: int, amount: int, yearly: bool, total: bool) -> Step:
    """Whether a cap bound: the shortfall was more than what was paid."""
    binds = shortfall > amount
    which = " and ".join(
        name for name, on in (("the yearly cap", yearly), ("the total cap", total)) if on
    )
    if binds:
        worked = f"yes: {eur(shortfall)} short, {eur(amount)} paid; {which} binds"
        worked += f", {eur(shortfall - amount)} stays uncovered"
    else:
        worked = "no: the whole shortfall is paid" if shortfall > 0 else "no: there is no shortfall"
    return Step("cap_binds", "a cap binds", "shortfall > amount", worked, flag(binds))
