"""Cash shifts in a simulation: the scenario's [[cash_shifts]] applied to every draw.

A shift moves a fixed amount of a funder's part (`budget.engine.cash_shifts.shift_deltas`),
the same in every draw, so each band of the shifted part (the mean and every percentile)
moves by exactly that amount, and so do the funder's totals per draw, from which the
limits' chances are taken again. A year that had no band gets one (every band the amount
moved in). The central projection's check (a shift of more than its year plans) is made
by the command before; a draw that plans less cash in the year than is moved out goes
below zero there.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from budget.core.model import BASES, Basis
from budget.engine.cash_shifts import Deltas, shift_deltas
from budget.engine.limits import breach_mask
from budget.uncertainty.simulate import BANDS, Simulation, band_stats

CASH = str(Basis.CASH)


def shift_simulation(sim: Simulation) -> Simulation:
    """The simulation with its scenario's cash shifts applied (the same when it has none)."""
    deltas = shift_deltas(sim.scenario)
    if not deltas:
        return sim
    recipients = {c.id: c.recipient for c in sim.scenario.commitments}
    commitment_bands = _shifted(
        sim.commitment_bands,
        {(cid, funder, CASH, year): cents for (cid, funder, year), cents in deltas.items()},
        ["commitment", "funder", "basis", "year"],
        lambda key: {"recipient": recipients[key[0]]},
    )
    by_funder: dict[tuple[str, int], int] = defaultdict(int)
    for (_, funder, year), cents in deltas.items():
        by_funder[(funder, year)] += cents
    funder_deltas: dict[tuple[Any, ...], int] = {}
    # a new year has a row on every basis the others have (receipts only where recovered)
    present = set(sim.funder_bands["basis"].astype(str)) | {CASH}
    for (funder, year), cents in by_funder.items():
        funder_deltas[(funder, CASH, year)] = cents
        for basis in BASES:
            if str(basis) in present:
                funder_deltas.setdefault((funder, str(basis), year), 0)
    funder_bands = _shifted(sim.funder_bands, funder_deltas, ["funder", "basis", "year"])
    years, totals = _shifted_totals(sim, deltas)
    return dataclasses.replace(
        sim,
        commitment_bands=commitment_bands,
        funder_bands=funder_bands,
        limit_chances=_limit_chances(sim, years, totals),
        years=years,
        totals=totals,
    )


def _shifted(
    frame: pd.DataFrame,
    deltas: Mapping[tuple[Any, ...], int],
    keys: list[str],
    extra: Callable[[tuple[Any, ...]], dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """`frame` with `deltas` (by the values of `keys`) added to every band of its row; a
    key without a row gets one (in its place by the order of the others); a zero delta
    adds only a missing row."""
    out = frame.copy()
    at: dict[tuple[Any, ...], int] = {
        tuple(str(v) if k != "year" else int(v) for k, v in zip(keys, row, strict=True)): i
        for i, row in enumerate(out[keys].itertuples(index=False, name=None))
    }
    bands = out[list(BANDS)].to_numpy(dtype=np.int64, copy=True)
    added = []
    for key, cents in deltas.items():
        if key in at:
            bands[at[key]] += cents
        elif not _owner_present(at, key):
            continue
        else:
            record: dict[str, Any] = dict(zip(keys, key, strict=True))
            if extra is not None:
                record.update(extra(key))
            record.update({band: cents for band in BANDS})
            added.append(record)
    for j, band in enumerate(BANDS):
        out[band] = bands[:, j]
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


def _shifted_totals(sim: Simulation, deltas: Deltas) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The funder totals per draw with the deltas added, over years widened to hold every
    year a shift moves cash into."""
    years = [int(y) for y in sim.years]
    wanted = {y for _, _, y in deltas}
    lo, hi = min([*years, *wanted]), max([*years, *wanted])
    widened = np.arange(lo, hi + 1, dtype=np.int64)
    offset = years[0] - lo if years else 0
    index = {f: i for i, f in enumerate(sim.funders)}
    totals = {}
    for basis, amounts in sim.totals.items():
        grown = np.zeros((amounts.shape[0], amounts.shape[1], len(widened)), dtype=np.int64)
        grown[:, :, offset : offset + amounts.shape[2]] = amounts
        totals[basis] = grown
    for (_, funder, year), cents in deltas.items():
        if funder in index:
            totals[CASH][:, index[funder], year - lo] += cents
    return widened, totals


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
