"""Cash shifts in a simulation: the scenario's [[cash_shifts]] applied to every draw.

A shift moves a fixed amount of a funder's part (`budget.engine.cash_shifts.shift_deltas`)
from one year to another, in order. The central projection's check (a shift of more than
its year plans is an error) is made by the command before. A draw may plan less in the
year than the central projection: there only what the draw plans is moved (never below
zero), and a note says in how many draws (`ShiftNotes`). So the shifts are applied draw
by draw, to the parts of the shifted commitments as the simulation drew them
(`simulate.cash_parts`): their bands and their funders' totals per draw are worked out
again from the shifted draws, and the limits' chances from those totals. Where no draw is
short, every band moves by exactly the amount shifted (percentiles and the mean of draws
that all move by the same whole cents). A year that had no band gets one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from budget.core.lines import CashShift
from budget.core.model import BASES, Basis, Scenario
from budget.core.money import allocate, format_euros_grouped, share_weights
from budget.engine.cash_shifts import shift_deltas
from budget.engine.limits import breach_mask
from budget.uncertainty.simulate import BANDS, Simulation, band_stats, cash_parts

CASH = str(Basis.CASH)
# A band to set (mean, p5, p50, p95), or None: only make sure the row exists (zeros).
Bands = tuple[int, int, int, int] | None
# Notes for the user: a line per shift that some draws could not move whole.
ShiftNotes = list[str]


def shift_simulation(sim: Simulation, notes: ShiftNotes | None = None) -> Simulation:
    """The simulation with its scenario's cash shifts applied (the same when it has none);
    a line per shift that some draws could not move whole is added to `notes`."""
    if not shift_deltas(sim.scenario):
        return sim
    scenario = sim.scenario
    shifted = {s.commitment for s in scenario.cash_shifts}
    drawn = cash_parts(scenario, shifted, sim.draws, sim.seed)
    years = _widened(sim, scenario)
    lo = int(years[0])
    offset = int(sim.years[0]) - lo if len(sim.years) else 0
    before: dict[tuple[str, str], np.ndarray] = {}
    for key, parts in drawn.items():
        grown = np.zeros((len(years), sim.draws), dtype=np.int64)
        grown[offset : offset + parts.shape[0]] = parts
        before[key] = grown
    after = {key: parts.copy() for key, parts in before.items()}
    for shift, short in shift_in_draws(after, scenario, lo):
        if notes is not None and short.any():
            notes.append(
                f"cash shift of {shift.commitment!r} from {shift.from_year} to "
                f"{shift.to_year}: in {int(short.sum()):,} of {sim.draws:,} draws "
                f"{shift.from_year} plans less than the {format_euros_grouped(shift.amount)} "
                "moved, so only what the draw plans there is moved"
            )
    # The years (columns) in which some draw of a part changed.
    changed = {
        key: np.flatnonzero((cash != before[key]).any(axis=1)) for key, cash in after.items()
    }
    recipients = {c.id: c.recipient for c in scenario.commitments}
    commitment_sets: dict[tuple[Any, ...], Bands] = {}
    for (cid, funder), cash in after.items():
        columns = changed[(cid, funder)]
        if not len(columns):
            continue
        stats = band_stats(np.ascontiguousarray(cash[columns].T))
        for j, col in enumerate(columns.tolist()):
            commitment_sets[(cid, funder, CASH, lo + col)] = tuple(stats[:, j].tolist())
    commitment_bands = _with_bands(
        sim.commitment_bands,
        commitment_sets,
        ["commitment", "funder", "basis", "year"],
        lambda key: {"recipient": recipients[key[0]]},
    )
    totals = _shifted_totals(sim, years, offset, before, after)
    funder_sets: dict[tuple[Any, ...], Bands] = {}
    index = {f: i for i, f in enumerate(sim.funders)}
    present = set(sim.funder_bands["basis"].astype(str)) | {CASH}
    cells = dict.fromkeys(
        (funder, col)
        for (_, funder), columns in changed.items()
        if funder in index
        for col in columns.tolist()
    )
    for funder, col in cells:
        stats = band_stats(totals[CASH][:, index[funder], col : col + 1])[:, 0]
        funder_sets[(funder, CASH, lo + col)] = tuple(stats.tolist())
        # a new year has a row on every basis the others have (receipts only where recovered)
        for basis in BASES:
            if str(basis) in present:
                funder_sets.setdefault((funder, str(basis), lo + col), None)
    funder_bands = _with_bands(sim.funder_bands, funder_sets, ["funder", "basis", "year"])
    return dataclasses.replace(
        sim,
        commitment_bands=commitment_bands,
        funder_bands=funder_bands,
        limit_chances=_limit_chances(sim, years, totals),
        years=years,
        totals=totals,
    )


def shift_in_draws(
    parts: Mapping[tuple[str, str], np.ndarray], scenario: Scenario, first: int
) -> list[tuple[CashShift, np.ndarray]]:
    """The scenario's cash shifts applied in order, in place, to the funders' parts of
    their commitments in every draw ((commitment, funder) -> int64 (years, draws), the
    years from `first`): each funder moves its share of the amount (largest remainder),
    at most what the draw plans in the year (never below zero). A year the arrays do not
    hold receives nothing. Per shift of a commitment in `parts`: which draws moved less.
    """
    by_id = {c.id: c for c in scenario.commitments}
    present = {cid for cid, _ in parts}
    out = []
    for shift in scenario.cash_shifts:
        commitment = by_id.get(shift.commitment)
        if commitment is None or shift.commitment not in present:
            continue
        weights = share_weights([s for _, s in commitment.funders])
        short: np.ndarray | None = None
        for (funder, _), part in zip(
            commitment.funders, allocate(shift.amount, weights), strict=True
        ):
            cash = parts.get((shift.commitment, funder))
            if not part or cash is None:
                continue
            source = shift.from_year - first
            if not 0 <= source < len(cash):  # a year it plans nothing in: nothing moves
                short = np.ones(cash.shape[1], dtype=bool)
                continue
            moved = np.clip(cash[source], 0, part)  # never more than the draw plans there
            short = (moved < part) if short is None else (short | (moved < part))
            cash[source] -= moved
            if 0 <= shift.to_year - first < len(cash):
                cash[shift.to_year - first] += moved
        if short is not None:
            out.append((shift, short))
    return out


def _widened(sim: Simulation, scenario: Scenario) -> np.ndarray:
    """The simulation's years, widened to hold every year a shift moves cash from or to."""
    wanted = [y for s in scenario.cash_shifts for y in (s.from_year, s.to_year)]
    years = [int(y) for y in sim.years]
    return np.arange(min([*years, *wanted]), max([*years, *wanted]) + 1, dtype=np.int64)


def _with_bands(
    frame: pd.DataFrame,
    bands: Mapping[tuple[Any, ...], Bands],
    keys: list[str],
    extra: Callable[[tuple[Any, ...]], dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """`frame` with the bands of the rows named by `bands` (by the values of `keys`) set;
    a key without a row gets one (in its place by the order of the others), when its
    owner has rows; None sets nothing, and gives a missing row zeros."""
    out = frame.copy()
    at: dict[tuple[Any, ...], int] = {
        tuple(str(v) if k != "year" else int(v) for k, v in zip(keys, row, strict=True)): i
        for i, row in enumerate(out[keys].itertuples(index=False, name=None))
    }
    values = out[list(BANDS)].to_numpy(dtype=np.int64, copy=True)
    added = []
    for key, set_to in bands.items():
        if key in at:
            if set_to is not None:
                values[at[key]] = set_to
        elif not _owner_present(at, key):
            continue
        else:
            record: dict[str, Any] = dict(zip(keys, key, strict=True))
            if extra is not None:
                record.update(extra(key))
            record.update(dict(zip(BANDS, set_to or (0, 0, 0, 0), strict=True)))
            added.append(record)
    for j, band in enumerate(BANDS):
        out[band] = values[:, j]
    if not added:
        return out
    out = pd.concat([out, pd.DataFrame(added, columns=out.columns)], ignore_index=True)
    group = pd.MultiIndex.from_arrays([out[k] for k in keys[:-2]])  # the owner's key
    first = pd.factorize(group)[0]
    basis = out["basis"].map({str(b): i for i, b in enumerate(BASES)}).to_numpy()
    order = np.lexsort((out["year"].to_numpy(np.int64), basis, first))
    out = out.iloc[order].reset_index(drop=True)
    for band in ("year", *BANDS):
        out[band] = out[band].astype(np.int64)
    return out


def _owner_present(at: Mapping[tuple[Any, ...], int], key: tuple[Any, ...]) -> bool:
    """Whether the frame has a row of the key's owner (all but basis and year)."""
    owner = key[:-2]
    return any(k[:-2] == owner for k in at)


def _shifted_totals(
    sim: Simulation,
    years: np.ndarray,
    offset: int,
    before: Mapping[tuple[str, str], np.ndarray],
    after: Mapping[tuple[str, str], np.ndarray],
) -> dict[str, np.ndarray]:
    """The funder totals per draw over the widened `years`, with each shifted part's
    change in every draw added to its funder's cash."""
    totals = {}
    for basis, amounts in sim.totals.items():
        grown = np.zeros((amounts.shape[0], amounts.shape[1], len(years)), dtype=np.int64)
        grown[:, :, offset : offset + amounts.shape[2]] = amounts
        totals[basis] = grown
    draws = totals[CASH].shape[0]
    totals[CASH] += funder_changes(before, after, sim.funders, len(years), draws)
    return totals


def funder_changes(
    before: Mapping[tuple[str, str], np.ndarray],
    after: Mapping[tuple[str, str], np.ndarray],
    funders: Sequence[str],
    years: int,
    draws: int,
) -> np.ndarray:
    """What the shifts changed in each funder's cash: the parts after less before
    ((commitment, funder) -> int64 (years, draws)) added up per funder, as int64 (draws,
    funders, years); a funder not in `funders` is left out."""
    index = {f: i for i, f in enumerate(funders)}
    out = np.zeros((draws, len(funders), years), dtype=np.int64)
    for (cid, funder), cash in after.items():
        if funder in index:
            out[:, index[funder], :] += (cash - before[(cid, funder)]).T
    return out


def _limit_chances(
    sim: Simulation, years: np.ndarray, totals: dict[str, np.ndarray]
) -> pd.DataFrame:
    """The limits' bands and chances of breach from the shifted totals (as the simulation
    takes them from its own)."""
    records = []
    for limit, year, ceiling, breached, amount in breach_mask(
        sim.scenario, sim.funders, years, totals
    ):
        stats = band_stats(amount[:, None])[:, 0]
        records.append(
            (
                limit.funder,
                limit.basis,
                year,
                *stats.tolist(),
                ceiling,
                int(breached.sum()) / sim.draws,
            )
        )
    frame = pd.DataFrame(
        records, columns=["funder", "basis", "year", *BANDS, "ceiling_cents", "p_limit_breached"]
    )
    for column in ("year", *BANDS, "ceiling_cents"):
        frame[column] = frame[column].astype(np.int64)
    frame["p_limit_breached"] = frame["p_limit_breached"].astype(np.float64)
    return frame
