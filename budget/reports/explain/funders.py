"""The funder split, step by step: each funder's share, exact part, part rounded down and
the cent it got by largest remainder, on the commitment and the cash basis.

The split rules are the engine's (`funder_split.split_commitments`): each year's amount is divided
by `money.allocate`; a grant's cash (recorded up front, paid over years) is divided
cumulatively, so that each funder ends up paying exactly its share of the grant.
"""

from __future__ import annotations

from fractions import Fraction

from budget.core.model import Basis
from budget.core.money import allocate, share_weights
from budget.reports.explain.data import FunderPart, FunderSplit, Input, share
from budget.reports.explain.sources import Context, commitment_input


def funder_inputs(ctx: Context) -> tuple[Input, ...]:
    """Each funder's share, as read from the commitment's `funders` field."""
    return tuple(
        commitment_input(ctx, "funders", f"share of {funder}", share(s))
        for funder, s in ctx.commitment.funders
    )


def yearly_split(
    basis: Basis, amount: int, funders: tuple[tuple[str, Fraction], ...]
) -> FunderSplit:
    """One year's amount divided over the funders by largest remainder."""
    weights = share_weights([s for _, s in funders])
    whole = sum(weights)
    parts = allocate(amount, weights)
    rows = []
    for (funder, s), w, part in zip(funders, weights, parts, strict=True):
        floor = amount * w // whole
        rows.append(FunderPart(funder, s, amount, amount * s, floor, part - floor, 0, 0, part))
    return FunderSplit(
        basis, "yearly", amount, amount - sum(r.rounded_down for r in rows), tuple(rows)
    )


def cumulative_splits(
    cash: list[int], funders: tuple[tuple[str, Fraction], ...], basis: Basis = Basis.CASH
) -> list[FunderSplit]:
    """A grant's payments per year (in year order) divided cumulatively: each funder's part
    in a year is its share of the payments to date minus its share of those to the year
    before; a cent that would make a part negative is moved (see `_mend`)."""
    weights = share_weights([s for _, s in funders])
    whole = sum(weights)
    to_date = 0
    previous = [0] * len(funders)
    floors_by_year, cumulative_by_year, parts_by_year, before_by_year = [], [], [], []
    for amount in cash:
        to_date += amount
        cumulative = allocate(to_date, weights)
        floors_by_year.append([to_date * w // whole for w in weights])
        cumulative_by_year.append(cumulative)
        before_by_year.append(previous)
        parts_by_year.append([c - p for c, p in zip(cumulative, previous, strict=True)])
        previous = cumulative
    # a settlement's release is negative by right: only payments are mended
    mended = (
        _mend(parts_by_year, len(funders))
        if basis == Basis.CASH
        else [[0] * len(funders) for _ in cash]
    )
    out = []
    to_date = 0
    for y, amount in enumerate(cash):
        to_date += amount
        rows = []
        for f, (funder, s) in enumerate(funders):
            floor = floors_by_year[y][f]
            rows.append(
                FunderPart(
                    funder,
                    s,
                    to_date,
                    to_date * s,
                    floor,
                    cumulative_by_year[y][f] - floor,
                    before_by_year[y][f],
                    mended[y][f],
                    parts_by_year[y][f],
                )
            )
        leftover = to_date - sum(floors_by_year[y])
        out.append(FunderSplit(basis, "cumulative", amount, leftover, tuple(rows)))
    return out


def _mend(parts: list[list[int]], funders: int) -> list[list[int]]:
    """Lift each part of -1 cent to 0, in place, as the engine does: funder f takes a cent
    from the first listed funder g paid that year and gives it back to g in the nearest
    earlier year in which f was paid (else the nearest later one). Returns the cents
    moved per year and funder."""
    years = len(parts)
    moved = [[0] * funders for _ in range(years)]
    negative = [(f, y) for f in range(funders) for y in range(years) if parts[y][f] < 0]
    for f, y in negative:
        if parts[y][f] >= 0:
            continue
        g = next(x for x in range(funders) if parts[y][x] > 0)
        paid = [t for t in range(years) if parts[t][f] > 0]
        earlier = [t for t in paid if t < y]
        other = earlier[-1] if earlier else next(t for t in paid if t > y)
        for year, funder, cents in ((y, f, 1), (y, g, -1), (other, f, -1), (other, g, 1)):
            parts[year][funder] += cents
            moved[year][funder] += cents
    return moved
