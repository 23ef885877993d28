"""The warnings of plan against actual as they were worded before issue 21 made them
column-wise: the scalar reference of `budget.engine.realised_warnings` (kept unchanged but
for `overpaid`, the line-by-line search of the engine's `overpaid` before issue 21).

The original text follows.

Warnings that protect the numbers of plan against actual (issue 18, item 6).

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
from budget.core.model import Basis, Scenario
from budget.core.money import format_euros_grouped

SHOWN = 20


def _rows(numbers: list[int]) -> str:
    listed = ", ".join(map(str, numbers[:10]))
    if len(numbers) > 10:
        listed += f" and {len(numbers) - 10:,} more"
    return f"row{'s' if len(numbers) > 1 else ''} {listed}"


def _grouped(
    bookings: pd.DataFrame, mask: np.ndarray, by: list[str], word: Callable[..., str], rest: str
) -> list[str]:
    """One line per group of the masked bookings (file and row order), SHOWN at most."""
    if not mask.any():
        return []
    chosen = bookings.loc[mask]
    groups = chosen.groupby(by, sort=False)
    lines = []
    for values, rows in list(groups)[:SHOWN]:
        lines.append(word(*values, rows))
    if groups.ngroups > SHOWN:
        lines.append(f"warning: {groups.ngroups - SHOWN:,} more {rest}")
    return lines


def _codes(values: np.ndarray, names: list[str]) -> np.ndarray:
    """Each value's position in `names` (-1 where it is not one), on arrays."""
    index = pd.Index(names, dtype=object)
    return np.asarray(index.get_indexer(pd.Index(values, dtype=object)), dtype=np.int64)


def funder_warnings(scenario: Scenario, bookings: pd.DataFrame) -> list[str]:
    """A booking by a funder the commitment does not name."""
    funds = {c.id: {f for f, _ in c.funders} for c in scenario.commitments}
    ids = {c.id: i for i, c in enumerate(scenario.commitments)}
    keys = {f: i for i, f in enumerate(scenario.funders)}
    allowed = np.array(
        [ids[c] * len(keys) + keys[f] for c, fs in funds.items() for f in fs], dtype=np.int64
    )
    commitment = _codes(bookings["commitment"].to_numpy(object), list(ids))
    funder = _codes(bookings["funder"].to_numpy(object), list(keys))
    mask = (commitment >= 0) & ~np.isin(commitment * len(keys) + funder, allowed)

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
    scenario: Scenario, plan: pd.DataFrame, bookings: pd.DataFrame, last: dict[str, int]
) -> list[str]:
    """A booking before the commitment's first fiscal year or after its last (`last`
    overrides a commitment's last year, e.g. its settlement year)."""
    if plan.empty or bookings.empty:
        return []
    spans = plan.groupby("commitment", observed=True)["year"].agg(["min", "max"])
    first_of = {str(c): int(v) for c, v in spans["min"].items()}
    last_of = {str(c): int(v) for c, v in spans["max"].items()} | last
    commitment = bookings["commitment"].to_numpy(object)
    years = bookings["year"].to_numpy(np.int64)
    ids = [c.id for c in scenario.commitments]
    firsts = np.array([first_of.get(c, 0) for c in ids] + [0], dtype=np.int64)
    lasts = np.array([last_of.get(c, 10**6) for c in ids] + [10**6], dtype=np.int64)
    code = _codes(commitment, ids)
    code = np.where(code < 0, len(ids), code)
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


def unbooked_warnings(scenario: Scenario, rows: pd.DataFrame, files: list[str]) -> list[str]:
    """The realised `rows` of a closed year with a planned amount and no booking at all for
    their commitment, funder and basis: their forecast is now 0 (a closed year's actual)."""
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
    if len(rows) > SHOWN:
        lines.append(
            f"warning: {len(rows) - SHOWN:,} more closed years with a planned amount and "
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
    payments = bookings[bookings["basis"].to_numpy(object) == Basis.CASH]
    commitment = payments["commitment"].to_numpy(object)
    funder = payments["funder"].to_numpy(object)
    years = payments["year"].to_numpy(np.int64)
    for cid, key, year, cents in found[:SHOWN]:
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
    kinds = {c.id: c.kind for c in scenario.commitments}
    receipts = bookings["basis"].to_numpy(object) == Basis.RECEIPTS
    if not receipts.any():
        return []
    kind = pd.Series(bookings["commitment"].to_numpy(object)).map(kinds).fillna("grant")
    mask = receipts & (kind.to_numpy(object) != "grant")
    problems = []
    for (file, cid), rows in list(bookings.loc[mask].groupby(["file", "commitment"], sort=False))[
        :SHOWN
    ]:
        problems.append(
            Problem(
                str(file),
                f"{_rows(rows['row'].tolist())}, column 'basis'",
                f"receipts on commitment {cid!r} ({kinds[cid]}), which can have none",
                "book a refund as a negative cash amount; receipts are what a settled grant "
                "recovers",
            )
        )
    return problems


def overpaid(rows: pd.DataFrame) -> list[tuple[str, str, int, int]]:
    """(commitment, funder, year, cents) as `budget.engine.realised.overpaid` found them
    before issue 21: one line at a time in Python."""
    if rows.empty:
        return []
    commitment = rows["commitment"].cat.codes.to_numpy(np.int64)
    funder = rows["funder"].cat.codes.to_numpy(np.int64)
    basis = rows["basis"].astype(str).to_numpy(object)
    years = rows["year"].to_numpy(np.int64)
    sign = np.where(basis == Basis.CASH, -1, 1)
    first = int(years.min())
    span = int(years.max()) - first + 1
    line = commitment * len(rows["funder"].cat.categories) + funder
    signed = sign * rows["forecast_cents"].to_numpy(np.int64)
    key = line * span + (years - first)
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    heads = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    keys, sums = ordered[heads], np.add.reduceat(signed[order], heads)
    line_of = keys // span
    starts = np.flatnonzero(np.r_[True, line_of[1:] != line_of[:-1]])
    running = np.cumsum(sums)
    before = np.r_[0, running[starts[1:] - 1]]
    running = running - np.repeat(before, np.diff(np.r_[starts, len(keys)]))
    lowest = np.minimum.reduceat(running, starts)
    out = []
    commitments = rows["commitment"].cat.categories
    funders = rows["funder"].cat.categories
    for start, stop, low in zip(starts, [*starts[1:], len(keys)], lowest, strict=True):
        if low >= 0:
            continue
        at = start + int(np.argmax(running[start:stop] == low))
        code = int(line_of[at])
        out.append(
            (
                str(commitments[code // len(funders)]),
                str(funders[code % len(funders)]),
                int(keys[at] % span) + first,
                -int(low),
            )
        )
    return out
