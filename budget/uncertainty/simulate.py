"""Monte Carlo: every uncertain input drawn many times, every draw projected by the engine.

How draws are made and the work is chunked: see `budget.uncertainty.sampling`. Per chunk the engine
works on arrays of (draws, commitments, years); the split, the funder totals and the
statistics on (commitments, years, draws), each commitment-year's draws side by side (see
`budget.engine.funder_split`). Across chunks only each funder's total per draw, basis and year is
kept, for the funder bands and the limits. So memory is bounded by the chunk size (and the
largest recipient with a derived top-up, which is never split). Commitments without any
uncertainty are projected once, not once per draw. Chunks run a few at a time in worker
processes (see `budget.uncertainty.workers`).

Receipts (a settled grant's recovery, issue 18): per member and draw, what the draw paid
in all less the member's largest-remainder share of the settled amount (as
`budget.engine.projection` computes it), in the settlement year; nothing in a draw in which
a pending grant is not decided. Grants have no uncertain inputs, so the band is the central
figure in every draw unless the grant is pending. Receipts bands and funder totals exist
only for settled grants and their funders, as the tidy rows have them.

Statistics, all exact in cents: the mean is the sum over draws divided by the number of
draws, rounded half away from zero; percentiles use the inverted empirical distribution
(numpy's "inverted_cdf"): P is the smallest drawn value with at least P% of the draws at or
below it, so every band is an amount that occurred in some draw. The chunk size changes
memory and speed, never a number.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.dists import DISTS
from budget.core.inputs import IntArray
from budget.core.memory import reuse_freed_memory
from budget.core.model import Basis, Scenario
from budget.core.money import allocate_rows, mean_half_away
from budget.engine.compute import compute
from budget.engine.funder_split import (
    draws_last,
    members_of,
    monotone_split,
    split_commitments,
    sum_by_funder,
)
from budget.engine.limits import breach_mask
from budget.engine.pending import pending_varying, plan_decisions
from budget.engine.plan import Plan, compile_plan
from budget.kinds import KINDS
from budget.uncertainty.sampling import chunks, random_values, tied_groups
from budget.uncertainty.workers import Additions, run_chunks

PERCENTILES = (5, 50, 95)
CHUNK_CELLS = 2_000_000  # draws x commitments x years per chunk: 16 MB per int64 array
BANDS = ("mean_cents", "p5_cents", "p50_cents", "p95_cents")
ROW_COLUMNS = [
    "scenario",
    "level",
    "commitment",
    "recipient",
    "funder",
    "basis",
    "year",
    *BANDS,
    "p_cap_binds",
    "ceiling_cents",
    "p_limit_breached",
]

# The bases the engine computes per draw; receipts follow from a settled grant's cash.
SIMULATED = (Basis.COMMITMENT, Basis.CASH)
BASES: tuple[str, ...] = tuple(b.value for b in (*SIMULATED, Basis.RECEIPTS))
RECEIPTS = BASES.index(Basis.RECEIPTS)


# --- statistics -------------------------------------------------------------------------


def percentile_index(draws: int, percent: int) -> int:
    """The sorted position of the inverted-CDF percentile: ceil(draws x percent / 100) - 1."""
    return max(-(-draws * percent // 100) - 1, 0)


def percentiles(columns: IntArray, in_place: bool = False) -> IntArray:
    """P5, P50, P95 of each row of int64 (columns, draws): int64 (3, columns).

    in_place: put the rows of `columns` (C-ordered) out of order instead of a copy."""
    draws = columns.shape[1]
    ks = [percentile_index(draws, p) for p in PERCENTILES]
    if not len(columns):
        return np.zeros((3, 0), dtype=np.int64)
    part = columns if in_place else columns.copy()
    part.partition(sorted(set(ks)), axis=1)
    return part[:, ks].T.copy()


def band_stats(values: IntArray) -> IntArray:
    """Per column of int64 (draws, columns): mean, p5, p50, p95 as int64 (4, columns)."""
    out = np.empty((4, values.shape[1]), dtype=np.int64)
    out[0] = mean_half_away(values)
    out[1:] = percentiles(np.ascontiguousarray(values.T))
    return out


# --- the simulation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Simulation:
    """The result of a simulation: typed tables, for renderers to lay out.

    Bands are int64 cents: the mean and the inverted-CDF P5, P50 and P95 over the draws
    (columns BANDS); chances are shares of the draws (float).

    commitment_bands: per commitment, funder, basis and year of its span (in that order):
        commitment, recipient, funder, basis, year and the bands of the funder's part.
    funder_bands: per funder (in scenario order), basis and year in which it funds
        anything: funder, basis, year and the bands of its total.
    cap_chances: per commitment with a cap and year of its span: commitment, year and
        p_cap_binds, the chance that the cap binds (the shortfall is above the payment).
    limit_chances: per limit and year: funder, basis, year, the bands of the funder's
        total on that basis, ceiling_cents and p_limit_breached.
    totals: per basis, each funder's total per draw and year, int64 (draws, funders, years).
    """

    scenario: Scenario
    draws: int
    seed: int
    commitment_bands: pd.DataFrame
    funder_bands: pd.DataFrame
    cap_chances: pd.DataFrame
    limit_chances: pd.DataFrame
    funders: tuple[str, ...]
    years: IntArray
    totals: dict[str, IntArray]

    @property
    def rows(self) -> pd.DataFrame:
        """The tables one below the other, as the CSV and JSON lay them out: a `level`
        column ("commitment", "funder", "limit") and the columns of ROW_COLUMNS, empty
        (None or NaN) where a column does not apply to a level; commitment rows carry
        p_cap_binds (NaN for kinds without a cap)."""
        commitments = self.commitment_bands
        caps = self.cap_chances.set_index(["commitment", "year"])["p_cap_binds"]
        where = pd.MultiIndex.from_frame(commitments[["commitment", "year"]])
        commitment_rows = commitments.assign(
            level="commitment", p_cap_binds=caps.reindex(where).to_numpy(dtype=np.float64)
        )
        limits = self.limit_chances
        frame = pd.concat(
            [
                commitment_rows,
                self.funder_bands.assign(level="funder"),
                limits.drop(columns="ceiling_cents").assign(level="limit"),
            ],
            ignore_index=True,
        )
        frame.insert(0, "scenario", self.scenario.name)
        for column in ROW_COLUMNS:
            if column not in frame:
                frame[column] = np.nan
        frame = frame[ROW_COLUMNS]
        for column in ("year", *BANDS):
            frame[column] = frame[column].astype(np.int64)
        # Set apart, not through a float column: ceilings near the int64 edge stay exact.
        ceilings = [None] * (len(frame) - len(limits)) + limits["ceiling_cents"].tolist()
        frame["ceiling_cents"] = pd.array(ceilings, dtype="Int64")
        for column in ("commitment", "recipient"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        return frame

    def varying(self, basis: Basis = Basis.CASH) -> pd.DataFrame:
        """The commitment bands on `basis` of the (commitment, funder) pairs whose part
        differs between draws in some year (P5 below P95)."""
        rows = self.commitment_bands[self.commitment_bands["basis"] == basis]
        spread = rows["p5_cents"] != rows["p95_cents"]
        pairs = rows.loc[spread, ["commitment", "funder"]].drop_duplicates()
        keep = pd.MultiIndex.from_frame(rows[["commitment", "funder"]]).isin(
            pd.MultiIndex.from_frame(pairs)
        )
        return rows[keep].reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class _Piece:
    """What one chunk contributes besides the funder totals per draw: bands per (member,
    year, basis), cap counts, and per basis the funder totals of its commitments whose
    amounts are the same in every draw, int64 (bases, funders, years)."""

    member: IntArray
    year: IntArray
    basis: IntArray
    stats: IntArray
    rows: IntArray
    binds: IntArray
    has_cap: npt.NDArray[np.bool_]
    fixed_totals: IntArray


def simulate(
    scenario: Scenario,
    draws: int,
    seed: int,
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> Simulation:
    """Draw every uncertain input `draws` times and project each draw (see the module doc).

    chunk: commitments per chunk (default: about CHUNK_CELLS cells). progress: called with
    the number of commitments done. workers: chunks computed at once (default: the CPUs,
    at most 2); neither changes any number.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    reuse_freed_memory()
    plan = compile_plan(scenario)
    n, years = plan.active.shape
    per_chunk = chunk or max(1, CHUNK_CELLS // (draws * years))
    # Funder totals with each funder-year's draws side by side (see funder_split): a
    # chunk's totals are added in whole rows.
    totals = np.zeros((len(BASES), len(plan.funders), years, draws), dtype=np.int64)
    fixed_totals = np.zeros((len(BASES), len(plan.funders), years), dtype=np.int64)
    binds = np.zeros((n, years), dtype=np.int64)
    has_cap = np.zeros(n, dtype=bool)
    pieces: list[_Piece] = []
    workers = workers or min(os.cpu_count() or 1, 2)

    def collect(_: int, piece: _Piece) -> None:
        fixed_totals[...] += piece.fixed_totals
        pieces.append(piece)
        binds[piece.rows] = piece.binds
        has_cap[piece.rows] = piece.has_cap
        if progress:
            progress(len(piece.rows))

    # Commitments whose amounts are the same in every draw are projected once, in chunks
    # of as many cells as the others.
    varying = plan.varying() | pending_varying(plan)  # decisions drawn (issue 23)
    groups = tied_groups(plan)
    steady = [g for g in groups if not varying[g].any()]
    moving = [g for g in groups if varying[g].any()]
    work = chunks(steady, per_chunk * draws) + chunks(moving, per_chunk)
    # Each chunk's funders' totals per draw are added in (see budget.uncertainty.workers): the work
    # stays proportional to the chunk, so the whole simulation grows linearly with the
    # draws. At most `workers` chunks are in memory at once.
    run_chunks(len(work), lambda i: _chunk(plan, work[i], seed, draws), totals, workers, collect)
    totals += fixed_totals[..., None]
    by_draw = {b: np.ascontiguousarray(totals[i].transpose(2, 0, 1)) for i, b in enumerate(BASES)}
    tables = _tables(plan, draws, pieces, binds, has_cap, by_draw)
    return Simulation(scenario, draws, seed, *tables, plan.funders, plan.years, by_draw)


def cash_parts(
    scenario: Scenario, ids: set[str], draws: int, seed: int
) -> dict[tuple[str, str], IntArray]:
    """Each funder's part of the cash of the commitments `ids` in every draw that
    `simulate(scenario, draws, seed)` makes: (commitment, funder) -> int64 (years, draws),
    over the plan's years. The same draws, since every input is drawn from its own
    stream and each pending decision by its position (the chunks change no number); the
    commitments tied to one of them (a recipient's waterfall) are computed with it."""
    plan = compile_plan(scenario)
    wanted = np.zeros(len(plan.ids), dtype=bool)
    wanted[[i for i, cid in enumerate(plan.ids) if cid in ids]] = True
    if not wanted.any():
        return {}
    # With them, every commitment to a recipient of theirs whose top-up derives its
    # shortfall (the groups of `tied_groups`), found without listing every group.
    derived = np.unique(plan.recipient[plan.derived])
    theirs = np.intersect1d(plan.recipient[wanted], derived)
    rows = np.flatnonzero(wanted | np.isin(plan.recipient, theirs))
    sub = plan.subset(rows)
    varying = sub.varying() | pending_varying(sub)
    computed = draws if varying.any() else 1
    decided = plan_decisions(sub, seed, computed)
    result = compute(sub, random_values(sub, seed, computed), decided)
    parts = cash_by_member(sub, rows, np.flatnonzero(wanted[rows]), result.cash)
    return {key: np.repeat(cash, draws // computed, axis=1) for key, cash in parts.items()}


def cash_by_member(
    sub: Plan, rows: IntArray, selection: IntArray, cash: IntArray
) -> dict[tuple[str, str], IntArray]:
    """The cash parts of the commitments `selection` of `sub` (a plan's subset of its
    commitments `rows`), from their cash (draws, commitments, years): (commitment id,
    funder) -> int64 (years, draws)."""
    parts = split_commitments(draws_last(cash, selection), sub, Basis.CASH, selection)
    return {
        (sub.ids[int(rows[sub.member_commitment[m]])], sub.funders[int(sub.member_funder[m])]): (
            parts[j]
        )
        for j, m in enumerate(members_of(sub, selection).tolist())
    }


def _chunk(plan: Plan, rows: IntArray, seed: int, draws: int) -> tuple[_Piece, Additions]:
    """Draw, project, split and summarise the commitments `rows` (see `tied_groups`): the
    piece, and the totals per draw of their funders, to be added at (basis, funder) of
    the simulation's totals (bases, funders, years, draws)."""
    sub = plan.subset(rows)
    varying = sub.varying() | pending_varying(sub)
    # The same amounts in every draw: one projection stands for all of them.
    computed = draws if varying.any() else 1
    decided = plan_decisions(sub, seed, computed)  # pending commitments (issue 23)
    result = compute(sub, random_values(sub, seed, computed), decided)
    members = members_of(plan, rows)  # the chunk's members, as the scenario numbers them
    fixed_totals = np.zeros((len(BASES), len(plan.funders), len(plan.years)), dtype=np.int64)
    totals: Additions = []
    pieces: list[tuple[IntArray, IntArray, int, IntArray]] = []
    if sub.settled is not None and sub.settled.any():
        pieces.append(_receipts(sub, result.cash, decided, members, fixed_totals, totals))
    # Amounts are at least 0 and at most what a commitment can pay in all, when no draw
    # can leave its distribution's bounds: then the means need not look for the largest.
    bound = None
    if all(DISTS[d.kind].bounded for d in sub.inputs.dists):
        bound = max(KINDS[c.kind].most(c.spec) for c in (plan.commitments[i] for i in rows))

    def add(selection: IntArray, bases: tuple[Basis, ...], amounts: IntArray) -> None:
        """Bands and funder totals of the commitments `selection` (of the chunk) on
        `bases`, from their amounts (len(selection), years, draws)."""
        parts = split_commitments(amounts, sub, bases[0], selection)
        chosen = members_of(sub, selection)
        funder = sub.member_funder[chosen]
        m, y = np.nonzero(sub.active[sub.member_commitment[chosen]])
        stats = np.empty((4, len(m)), dtype=np.int64)
        if amounts.shape[2] == 1:
            # The same amounts in every draw.
            stats[:] = parts[m, y, 0]
            for f, total in sum_by_funder(parts, funder).items():
                for b in bases:
                    fixed_totals[BASES.index(b), f] += total[:, 0]
        else:
            for f, total in sum_by_funder(parts, funder).items():
                totals.extend(((BASES.index(b), f), total) for b in bases)
            stats[0] = mean_half_away(parts.transpose(2, 0, 1), bound=bound)[m, y]
            stats[1:] = _bands(amounts, parts, sub, bases[0], selection)[:, m, y]
        for b in bases:
            pieces.append((members[chosen[m]], y, BASES.index(b), stats))

    fixed = np.flatnonzero(~varying)
    if len(fixed):
        # The same amounts in every draw: split one draw.
        for basis in SIMULATED:
            add(fixed, (basis,), draws_last(getattr(result, basis)[:1], fixed))
    moving = np.flatnonzero(varying)
    if len(moving):
        # Kinds that do not commit up front have the same amounts on both bases.
        if not sub.paid_over_time[moving].any():
            add(moving, SIMULATED, draws_last(result.cash, moving))
        else:
            add(moving, (Basis.CASH,), draws_last(result.cash, moving))
            add(moving, (Basis.COMMITMENT,), draws_last(result.commitment, moving))
    piece = _Piece(
        np.concatenate([p[0] for p in pieces]),
        np.concatenate([p[1] for p in pieces]),
        np.concatenate([np.full(len(p[0]), p[2]) for p in pieces]),
        np.concatenate([p[3] for p in pieces], axis=1),
        rows,
        result.binds.sum(axis=0) * (draws // computed),
        result.has_cap,
        fixed_totals,
    )
    return piece, totals


def _receipts(
    sub: Plan,
    cash: IntArray,
    decided: npt.NDArray[np.bool_] | None,
    members: IntArray,
    fixed_totals: IntArray,
    totals: Additions,
) -> tuple[IntArray, IntArray, int, IntArray]:
    """The receipts of the settled grants of a chunk (`sub`), from its cash (draws,
    commitments, years): per member, what the draw paid in all less its share of the
    settled amount, in the settlement year (nothing where a pending grant is undecided).
    Adds the funder totals (to `fixed_totals` with one draw, else to `totals`); returns
    the piece of bands (scenario member, year column, basis, stats)."""
    assert sub.settled is not None
    settled = np.flatnonzero(sub.settled)
    parts = split_commitments(draws_last(cash, settled), sub, Basis.CASH, settled)
    chosen = members_of(sub, settled)
    pending = {row: k for k, (row, _) in enumerate(sub.pending)}
    computed = parts.shape[2]
    received = parts.sum(axis=1)  # (members, draws): paid in all
    column = np.empty(len(chosen), dtype=np.int64)
    for i in settled.tolist():
        year, final = sub.commitments[int(sub.position[i])].spec.settled
        mine = np.flatnonzero(sub.member_commitment[chosen] == i)
        shares = allocate_rows(
            np.array([final], dtype=np.int64), sub.member_weight[chosen[mine]][None, :]
        )[0]
        counts = np.ones(computed, dtype=bool)
        if i in pending and decided is not None:
            counts = decided[:, pending[i]]
        received[mine] -= shares[:, None] * counts[None, :]
        received[mine] *= counts[None, :]
        column[mine] = year - int(sub.years[0])
    stats = np.empty((4, len(chosen)), dtype=np.int64)
    if computed == 1:
        stats[:] = received[:, 0]
    else:
        stats[0] = mean_half_away(np.ascontiguousarray(received.T))
        stats[1:] = percentiles(received.copy(), in_place=True)
    funder = sub.member_funder[chosen]
    for f in np.unique(funder).tolist():
        by_year = np.zeros((len(sub.years), computed), dtype=np.int64)
        np.add.at(by_year, column[funder == f], received[funder == f])
        if computed == 1:
            fixed_totals[RECEIPTS, f] += by_year[:, 0]
        else:
            totals.append(((RECEIPTS, f), by_year))
    return members[chosen], column, RECEIPTS, stats


def _bands(
    amounts: IntArray, parts: IntArray, plan: Plan, basis: Basis, rows: IntArray
) -> IntArray:
    """P5, P50, P95 of the parts (members, years, draws) of the commitments `rows`, whose
    amounts are (len(rows), years, draws): int64 (3, members, years), zero outside the
    commitments' active years. Puts the amounts' and the parts' draws out of order.

    Where the split is monotone (`monotone_split`) the percentiles of the parts are the
    split of the amount's percentiles: one partition per commitment-year instead of one
    per part. Otherwise one per part.
    """
    members = members_of(plan, rows)
    active = plan.active[rows]
    monotone = monotone_split(plan, basis)[rows]
    bands = _percentiles_by_cell(amounts, active & monotone[:, None])
    out = split_commitments(bands, plan, basis, rows)
    owner = np.searchsorted(rows, plan.member_commitment[members])  # its place in rows
    slow = ~monotone[owner]
    if slow.any():
        out += _percentiles_by_cell(parts, active[owner] & slow[:, None])
    return out.transpose(2, 0, 1)


def _percentiles_by_cell(values: IntArray, active: npt.NDArray[np.bool_]) -> IntArray:
    """P5, P50, P95 over the draws of int64 (rows, years, draws), where `active` (rows,
    years): int64 (rows, years, 3), zero elsewhere. Partitions `values` in place."""
    rows, years, draws = values.shape
    out = np.zeros((rows, years, 3), dtype=np.int64)
    flat = values.reshape(rows * years, draws)
    cells = np.flatnonzero(active)
    if len(cells) == len(flat):
        out.reshape(-1, 3)[:] = percentiles(flat, in_place=True).T
    elif len(cells):
        out.reshape(-1, 3)[cells] = percentiles(flat[cells], in_place=True).T
    return out


def _tables(
    plan: Plan,
    draws: int,
    pieces: list[_Piece],
    binds: IntArray,
    has_cap: npt.NDArray[np.bool_],
    totals: dict[str, IntArray],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The commitment bands, funder bands, cap chances and limit chances."""
    empty = np.zeros(0, dtype=np.int64)
    member = np.concatenate([empty, *(p.member for p in pieces)])
    year = np.concatenate([empty, *(p.year for p in pieces)])
    basis = np.concatenate([empty, *(p.basis for p in pieces)])
    stats = np.concatenate([np.zeros((4, 0), np.int64), *(p.stats for p in pieces)], axis=1)
    order = np.lexsort((year, basis, member))
    member, year, basis, stats = member[order], year[order], basis[order], stats[:, order]
    which = plan.member_commitment[member]
    ids = np.array([c.id for c in plan.commitments], dtype=object)
    recipients = np.array([c.recipient for c in plan.commitments], dtype=object)
    funder_names = np.array(plan.funders, dtype=object)
    commitment_bands = pd.DataFrame(
        {
            "commitment": ids[which],
            "recipient": recipients[which],
            "funder": funder_names[plan.member_funder[member]],
            "basis": np.array(BASES, dtype=object)[basis],
            "year": plan.years[year],
            **dict(zip(BANDS, stats, strict=True)),
        }
    )
    capped, cap_year = np.nonzero(plan.active & has_cap[:, None])
    cap_chances = pd.DataFrame(
        {
            "commitment": ids[capped],
            "year": plan.years[cap_year],
            "p_cap_binds": binds[capped, cap_year] / draws,
        }
    )
    funds = np.zeros((len(plan.funders), len(plan.years)), dtype=bool)
    np.logical_or.at(funds, plan.member_funder, plan.active[plan.member_commitment])
    # receipts: the funders of settled grants, in their settlement years
    recovers = np.zeros_like(funds)
    receipts = basis == RECEIPTS
    recovers[plan.member_funder[member[receipts]], year[receipts]] = True
    records = []
    for f, name in enumerate(plan.funders):
        for b in BASES:
            cols = np.flatnonzero(recovers[f] if b == Basis.RECEIPTS else funds[f])
            s = band_stats(totals[b][:, f, cols])
            for j, col in enumerate(cols):
                records.append((name, b, int(plan.years[col]), *s[:, j].tolist()))
    funder_bands = pd.DataFrame(records, columns=["funder", "basis", "year", *BANDS])
    limit_records = []
    for limit, y, ceiling, breached, amount in breach_mask(
        plan.scenario, plan.funders, plan.years, totals
    ):
        s = band_stats(amount[:, None])[:, 0]
        limit_records.append(
            (limit.funder, limit.basis, y, *s.tolist(), ceiling, int(breached.sum()) / draws)
        )
    limit_chances = pd.DataFrame(
        limit_records,
        columns=["funder", "basis", "year", *BANDS, "ceiling_cents", "p_limit_breached"],
    )
    for frame in (funder_bands, limit_chances):
        for column in ("year", *BANDS):
            frame[column] = frame[column].astype(np.int64)
    limit_chances["ceiling_cents"] = limit_chances["ceiling_cents"].astype(np.int64)
    limit_chances["p_limit_breached"] = limit_chances["p_limit_breached"].astype(np.float64)
    return commitment_bands, funder_bands, cap_chances, limit_chances
