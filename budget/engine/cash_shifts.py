"""Cash shifts (kasschuiven): planned cash of a commitment moved between years.

A shift moves `amount` of a commitment's cash from one fiscal year to another, split among
its funders by their shares (largest remainder, ties to the funder listed first). The
commitment basis is left as it was, and the cash total is unchanged. Moving more than a
funder's planned cash of the year (after the shifts listed before it) is an error.

Shifts apply after the projection: a top-up ranked after a shifted commitment is computed
from the cash as planned before the shift, so a kasschuif moves only the cash it names.
`projected(scenario)` is the projection with the scenario's shifts applied, as every
command shows it (`budget run`, `compare`, `check`, the exports, the workbook's figures).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from budget.core.errors import InputError, Problem
from budget.core.lines import CashShift
from budget.core.model import BASES, Basis, Scenario
from budget.core.money import allocate, format_euros_grouped, share_weights
from budget.engine.projection import project

# (commitment, funder, year) -> cents added to the cash of that funder's part (or taken).
Deltas = dict[tuple[str, str, int], int]


def shift_deltas(scenario: Scenario, shifts: tuple[CashShift, ...] = ()) -> Deltas:
    """What the scenario's cash shifts (or `shifts`) add to each funder's cash per year; the
    deltas of each commitment and funder add up to zero. Independent of the projection."""
    out: Deltas = defaultdict(int)
    by_id = {c.id: c for c in scenario.commitments}
    for shift in shifts or scenario.cash_shifts:
        commitment = by_id.get(shift.commitment)
        if commitment is None:
            continue
        keys = [k for k, _ in commitment.funders]
        parts = allocate(shift.amount, share_weights([s for _, s in commitment.funders]))
        for funder, part in zip(keys, parts, strict=True):
            if part:
                out[(shift.commitment, funder, shift.from_year)] -= part
                out[(shift.commitment, funder, shift.to_year)] += part
    return {key: cents for key, cents in out.items() if cents}


def shift_problems(
    rows: pd.DataFrame, scenario: Scenario, shifts: tuple[CashShift, ...] = ()
) -> list[Problem]:
    """One problem per shift that moves more of a funder's cash out of a year than that year
    plans, counting the shifts listed before it."""
    todo = shifts or scenario.cash_shifts
    if not todo:
        return []
    ids = {s.commitment for s in todo}
    mine = rows[(rows["commitment"].isin(ids) & (rows["basis"] == Basis.CASH)).to_numpy()]
    planned: dict[tuple[str, str, int], int] = defaultdict(int)
    for cid, funder, year, cents in zip(
        mine["commitment"].astype(str),
        mine["funder"].astype(str),
        mine["year"].tolist(),
        mine["amount_cents"].tolist(),
        strict=True,
    ):
        planned[(cid, funder, int(year))] += int(cents)
    problems: list[Problem] = []
    for shift in todo:
        for (cid, funder, year), cents in shift_deltas(scenario, (shift,)).items():
            if cents < 0 and planned[(cid, funder, year)] < -cents:
                have = planned[(cid, funder, year)]
                problems.append(
                    Problem(
                        shift.file,
                        f"cash shift of {shift.commitment!r}, field 'amount'",
                        f"moves {format_euros_grouped(-cents)} of {funder}'s cash from "
                        f"{shift.from_year}, which plans only {format_euros_grouped(have)}",
                        f"shift at most {format_euros_grouped(have)} from that year",
                    )
                )
                break
        else:
            for key, cents in shift_deltas(scenario, (shift,)).items():
                planned[key] += cents
    return problems


def apply_deltas(rows: pd.DataFrame, deltas: Deltas) -> pd.DataFrame:
    """The tidy rows with `deltas` added to the cash rows, in the same columns, types and
    order (a year a funder's part had no row for gets one, in its place)."""
    if not deltas:
        return rows
    out = rows.copy()
    amounts = out["amount_cents"].to_numpy(dtype=np.int64, copy=True)
    ids = {cid for cid, _, _ in deltas}
    at: dict[tuple[str, str, int], int] = {}
    template: dict[tuple[str, str], int] = {}
    where = np.flatnonzero((out["commitment"].isin(ids) & (out["basis"] == Basis.CASH)).to_numpy())
    for i, cid, funder, year in zip(
        where.tolist(),
        out["commitment"].to_numpy()[where].astype(str),
        out["funder"].to_numpy()[where].astype(str),
        out["year"].to_numpy()[where].tolist(),
        strict=True,
    ):
        at[(cid, funder, int(year))] = i
        template.setdefault((cid, funder), i)
    added = []
    for key, cents in deltas.items():
        if key in at:
            amounts[at[key]] += cents
        elif (key[0], key[1]) in template:
            added.append((template[(key[0], key[1])], key[2], cents))
    out["amount_cents"] = amounts
    if not added:
        return out
    new = out.iloc[[i for i, _, _ in added]].copy()
    new["year"] = np.array([y for _, y, _ in added], dtype=out["year"].to_numpy().dtype)
    new["amount_cents"] = np.array([c for _, _, c in added], dtype=np.int64)
    out = pd.concat([out, new], ignore_index=True)
    # Back into tidy order: by member (commitment, funder) as first met, basis, year.
    member = pd.MultiIndex.from_arrays([out["commitment"], out["funder"]])
    first = pd.factorize(member)[0]
    basis = out["basis"].astype(str).map({b: i for i, b in enumerate(BASES)}).to_numpy()
    order = np.lexsort((out["year"].to_numpy(), basis, first))
    return out.iloc[order].reset_index(drop=True)


def apply_cash_shifts(
    rows: pd.DataFrame, scenario: Scenario, shifts: tuple[CashShift, ...] = ()
) -> tuple[pd.DataFrame, list[Problem]]:
    """The tidy rows with the scenario's cash shifts (or `shifts`) applied, in order, in
    the same columns and types; and the problems of shifts that move more than planned
    (the rows are then returned as they were)."""
    problems = shift_problems(rows, scenario, shifts)
    if problems:
        return rows, problems
    return apply_deltas(rows, shift_deltas(scenario, shifts)), []


def shifted(scenario: Scenario, rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` (the scenario's projection) with its cash shifts applied, the same object
    without shifts; raises InputError with the problems of a shift that moves too much."""
    if not scenario.cash_shifts:
        return rows
    out, problems = apply_cash_shifts(rows, scenario)
    if problems:
        raise InputError(problems)
    return out


def projected(scenario: Scenario) -> tuple[pd.DataFrame, list[Problem]]:
    """The projection (`project`) with the scenario's cash shifts applied, and the problems
    of the shifts."""
    return apply_cash_shifts(project(scenario), scenario)


def shift_cash(
    rows: pd.DataFrame, scenario: Scenario, shifts: tuple[CashShift, ...] = ()
) -> tuple[pd.DataFrame, list[Problem]]:
    """As `apply_cash_shifts`, with the text columns as str (for the budget round's tables,
    which add rows of several versions)."""
    problems = shift_problems(rows, scenario, shifts)
    out = apply_deltas(rows, {} if problems else shift_deltas(scenario, shifts))
    out = out.copy() if out is rows else out
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype(str)
    out["amount_cents"] = out["amount_cents"].astype("int64")
    return out, problems
