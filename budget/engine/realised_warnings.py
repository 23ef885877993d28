"""Warnings that protect the numbers of plan against actual (issue 18, item 6).

Each is one line naming the file, the rows and the commitment; none changes a number:

- a booking by a funder that does not fund its commitment (kept, counted under that funder);
- a booking in a fiscal year before the commitment's first or after its last (its plan's
  years, or its settlement year when it is settled);
- a closed year with a planned amount and no booking at all for that commitment, funder
  and basis, with the amount that now forecasts 0;
- a commitment and funder paid beyond its obligation (`overpaid` of the realised rows).

`receipts_problems` is an error, not a warning: receipts on a commitment that can have none.

Bookings are grouped on arrays; only the lines shown (at most SHOWN of each kind, then one
line counting the rest) are worded in Python.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from budget.core.errors import Problem
from budget.core.model import Basis, Scenario, rows_of
from budget.core.money import format_euros_grouped
from budget.kinds.table import commitment_table

SHOWN = 20


def _rows(numbers: list[int]) -> str:
    listed = ", ".join(map(str, numbers[:10]))
    if len(numbers) > 10:
        listed += f" and {len(numbers) - 10:,} more"
    return f"row{'s' if len(numbers) > 1 else ''} {listed}"


def first_groups(
    frame: pd.DataFrame, mask: np.ndarray, by: list[str], shown: int = SHOWN
) -> tuple[list[tuple[tuple[object, ...], pd.DataFrame]], int]:
    """The first `shown` groups of the masked rows by the columns `by` (in the order of
    their first row, each with its rows in frame order, as `groupby(by, sort=False)` gives
    them) and how many groups there are; only the groups shown are taken out of the frame."""
    where = np.flatnonzero(mask)
    if len(where) == 0:
        return [], 0
    key = np.zeros(len(where), dtype=np.int64)
    for name in by:
        codes, uniques = pd.factorize(frame[name].to_numpy(object)[where])
        key = pd.factorize(key * max(len(uniques), 1) + codes)[0].astype(np.int64)
    group, firsts = pd.factorize(key)
    count = len(firsts)
    chosen = np.flatnonzero(group < shown)
    order = chosen[np.argsort(group[chosen], kind="stable")]
    starts = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]])
    out = []
    for start, stop in zip(starts, [*starts[1:], len(order)], strict=True):
        rows = frame.iloc[where[order[start:stop]]]
        out.append((tuple(rows[name].iloc[0] for name in by), rows))
    return out, count


def _grouped(
    bookings: pd.DataFrame, mask: np.ndarray, by: list[str], word: Callable[..., str], rest: str
) -> list[str]:
    """One line per group of the masked bookings (file and row order), SHOWN at most."""
    groups, count = first_groups(bookings, mask, by)
    lines = [word(*values, rows) for values, rows in groups]
    if count > SHOWN:
        lines.append(f"warning: {count - SHOWN:,} more {rest}")
    return lines


def _codes(values: np.ndarray, names: list[str]) -> np.ndarray:
    """Each value's position in `names` (-1 where it is not one), on arrays."""
    index = pd.Index(names, dtype=object)
    return np.asarray(index.get_indexer(pd.Index(values, dtype=object)), dtype=np.int64)


def booked_positions(scenario: Scenario, bookings: pd.DataFrame) -> np.ndarray:
    """Each booking's commitment as its position in the scenario (-1: none of them), for
    `funder_warnings` and `span_warnings` (a hash of 100,000 ids is made once)."""
    return _codes(bookings["commitment"].to_numpy(object), list(commitment_table(scenario).ids))


def funder_warnings(scenario: Scenario, bookings: pd.DataFrame, positions: np.ndarray) -> list[str]:
    """A booking by a funder the commitment does not name. positions: `booked_positions`."""
    table = commitment_table(scenario)
    ids = list(table.ids)
    funder_keys = list(scenario.funders)
    # per distinct funder split, the funders it names (splits x funders)
    names = np.zeros((max(len(table.splits), 1), len(funder_keys)), dtype=bool)
    for number, split in enumerate(table.splits):
        names[number, _codes(np.array([f for f, _ in split], dtype=object), funder_keys)] = True
    funder = _codes(bookings["funder"].to_numpy(object), funder_keys)
    known = positions >= 0
    mask = np.zeros(len(positions), dtype=bool)
    mask[known] = ~names[table.split[positions[known]], funder[known]]
    position = {cid: i for i, cid in enumerate(ids)} if mask.any() else {}
    funds = {
        cid: {f for f, _ in table.splits[table.split[position[cid]]]}
        for cid in pd.unique(bookings["commitment"].to_numpy(object)[mask]).tolist()
    }

    def word(file: str, cid: str, key: str, rows: pd.DataFrame) -> str:
        named = ", ".join(sorted(funds[cid], key=list(scenario.funders).index))
        return (
            f"warning: {file}: {_rows(rows['row'].tolist())}: commitment {cid!r} is not "
            f"funded by {key} (its funders: {named}); kept and counted under {key}"
        )

    return _grouped(
        bookings,
        mask,
        ["file", "commitment", "funder"],
        word,
        "files, commitments and funders have bookings by a funder that does not fund them",
    )


def span_warnings(
    scenario: Scenario,
    plan: pd.DataFrame,
    bookings: pd.DataFrame,
    last: dict[str, int],
    positions: np.ndarray,
) -> list[str]:
    """A booking before the commitment's first fiscal year or after its last (`last`
    overrides a commitment's last year, e.g. its settlement year). positions: see
    `booked_positions`."""
    if plan.empty or bookings.empty:
        return []
    ids = rows_of(scenario.commitments).ids
    # Each commitment's first and last planned year, on arrays (position in `ids`; the
    # last entry stands for a booking of no commitment: never outside).
    plan_commitment = plan["commitment"]
    if isinstance(plan_commitment.dtype, pd.CategoricalDtype):
        category = plan_commitment.cat.codes.to_numpy(np.int64)
        categories = plan_commitment.cat.categories
        if (
            len(categories) <= len(ids)
            and (
                categories.to_numpy(object) == np.asarray(ids[: len(categories)], dtype=object)
            ).all()
        ):
            position = category  # the projection's categories are the scenario's ids
        else:
            of_category = _codes(categories.to_numpy(object), ids)
            position = np.where(category < 0, -1, of_category[category])
    else:
        position = _codes(plan_commitment.to_numpy(object), ids)
    planned = position >= 0
    plan_years = plan["year"].to_numpy(np.int64)
    if not planned.all():
        position, plan_years = position[planned], plan_years[planned]
    if len(position) and not (position[1:] >= position[:-1]).all():
        order = np.argsort(position, kind="stable")
        position, plan_years = position[order], plan_years[order]
    # the plan's rows by commitment: each commitment's run of rows gives its span
    starts = np.flatnonzero(np.r_[True, position[1:] != position[:-1]][: len(position)])
    firsts = np.zeros(len(ids) + 1, dtype=np.int64)
    lasts = np.full(len(ids) + 1, 10**6, dtype=np.int64)
    if len(starts):
        at = position[starts]
        firsts[at] = np.minimum.reduceat(plan_years, starts)
        lasts[at] = np.maximum.reduceat(plan_years, starts)
    if last:
        settled = _codes(np.array(list(last), dtype=object), ids)
        lasts[settled[settled >= 0]] = np.array(list(last.values()), dtype=np.int64)[settled >= 0]
    first_of = dict(zip(ids, firsts.tolist(), strict=False))
    last_of = dict(zip(ids, lasts.tolist(), strict=False))
    years = bookings["year"].to_numpy(np.int64)
    code = np.where(positions < 0, len(ids), positions)
    before = years < firsts[code]
    after = years > lasts[code]
    side = np.where(before, "before", "after")

    def word(file: str, cid: str, where: str, rows: pd.DataFrame) -> str:
        booked = sorted(set(rows["year"].tolist()))
        named = ", ".join(scenario.label(y) for y in booked[:5])
        if where == "before":
            limit = f"before its first fiscal year {scenario.label(first_of[cid])}"
        else:
            settled = " (its settlement)" if cid in last else ""
            limit = f"after its last fiscal year {scenario.label(last_of[cid])}{settled}"
        return (
            f"warning: {file}: {_rows(rows['row'].tolist())}: commitment {cid!r}: booked in "
            f"{named}, {limit}; kept and counted in the year booked"
        )

    chosen = bookings.assign(side=side)
    return _grouped(
        chosen,
        before | after,
        ["file", "commitment", "side"],
        word,
        "files and commitments have bookings outside the commitment's years",
    )


def unbooked_warnings(
    scenario: Scenario, rows: pd.DataFrame, files: list[str], count: int | None = None
) -> list[str]:
    """The realised `rows` of a closed year with a planned amount and no booking at all for
    their commitment, funder and basis: their forecast is now 0 (a closed year's actual).
    `count`: how many such rows there are, when `rows` holds only the first SHOWN."""
    count = len(rows) if count is None else count
    where = ", ".join(files)
    lines = []
    for cid, key, basis, year, cents in zip(
        *(rows[c].head(SHOWN).tolist() for c in ("commitment", "funder", "basis", "year")),
        rows["planned_cents"].head(SHOWN).tolist(),
        strict=True,
    ):
        planned = f"{scenario.currency} {format_euros_grouped(cents)}"
        lines.append(
            f"warning: {where}: commitment {cid!r}, funder {key}, {basis} "
            f"{scenario.label(year)}: planned {planned}, nothing booked in this closed "
            "year, so it now forecasts 0.00 (hint: add the year's bookings, or give an "
            "earlier as_of if the files are not complete)"
        )
    if count > SHOWN:
        lines.append(
            f"warning: {count - SHOWN:,} more closed years with a planned amount and "
            "nothing booked now forecast 0.00"
        )
    return lines


def overpaid_warnings(
    scenario: Scenario, bookings: pd.DataFrame, found: list[tuple[str, str, int, int]]
) -> list[str]:
    """One warning per commitment and funder paid beyond its obligation, naming the last
    payment booked up to the year end where the outstanding obligation is lowest."""
    lines: list[str] = []
    if not found:
        return lines
    shown = found[:SHOWN]
    # The payments of the commitments named, picked once (not 3 comparisons of every
    # payment per line: 100,000 bookings).
    cash = bookings["basis"].to_numpy(object) == Basis.CASH
    named = pd.Index(bookings["commitment"].to_numpy(object)).isin([c for c, *_ in shown])
    payments = bookings[cash & named]
    commitment = payments["commitment"].to_numpy(object)
    funder = payments["funder"].to_numpy(object)
    years = payments["year"].to_numpy(np.int64)
    for cid, key, year, cents in shown:
        mine = payments[(commitment == cid) & (funder == key) & (years <= year)]
        where = f"{mine['file'].iloc[-1]}: row {int(mine['row'].iloc[-1])}: " if len(mine) else ""
        amount = f"{scenario.currency} {format_euros_grouped(cents)}"
        lines.append(
            f"warning: {where}commitment {cid!r}, funder {key}: paid {amount} more "
            f"than committed by the end of {scenario.label(year)} (its outstanding obligation "
            f"is -{format_euros_grouped(cents)}; book the obligation with basis = commitment, "
            "or check the payments)"
        )
    if len(found) > SHOWN:
        lines.append(
            f"warning: {len(found) - SHOWN:,} more commitments and funders are paid "
            "beyond their obligations"
        )
    return lines


def receipts_problems(scenario: Scenario, bookings: pd.DataFrame) -> list[Problem]:
    """Receipts booked on a commitment that can have none (not a grant): one problem per
    file and commitment, naming its rows."""
    held = rows_of(scenario.commitments)
    kinds = dict(zip(held.ids, held.kinds, strict=True))
    receipts = bookings["basis"].to_numpy(object) == Basis.RECEIPTS
    if not receipts.any():
        return []
    kind = pd.Series(bookings["commitment"].to_numpy(object)).map(kinds).fillna("grant")
    mask = receipts & (kind.to_numpy(object) != "grant")
    problems = []
    for (file, cid), rows in first_groups(bookings, mask, ["file", "commitment"])[0]:
        problems.append(
            Problem(
                str(file),
                f"{_rows(rows['row'].tolist())}, column 'basis'",
                f"receipts on commitment {cid!r} ({kinds[str(cid)]}), which can have none",
                "book a refund as a negative cash amount; receipts are what a settled grant "
                "recovers",
            )
        )
    return problems
