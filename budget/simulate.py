"""Monte Carlo: every uncertain input drawn many times, every draw projected by the engine.

How draws are made and the work is chunked: see `budget.sampling`. Per chunk the engine
works on arrays of (draws, commitments, years); across chunks only each funder's total per
draw, basis and year is kept, for the funder bands and the limits. So memory is bounded by
the chunk size (and the largest recipient with a derived top-up, which is never split).

Statistics, all exact in cents: the mean is the sum over draws divided by the number of
draws, rounded half away from zero; percentiles use the inverted empirical distribution
(numpy's "inverted_cdf"): P is the smallest drawn value with at least P% of the draws at or
below it, so every band is an amount that occurred in some draw. The chunk size changes
memory and speed, never a number.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.engine import Plan, compile_plan, compute, split_funders
from budget.inputs import IntArray
from budget.limits import breach_mask
from budget.model import BASES, Scenario
from budget.money import mean_half_away
from budget.sampling import AlreadyDrawn, Streams, chunks, restrict, tied_groups

PERCENTILES = (5, 50, 95)
CHUNK_CELLS = 2_000_000  # draws x commitments x years per chunk: 16 MB per int64 array
COLUMNS = [
    "scenario",
    "level",
    "commitment",
    "recipient",
    "funder",
    "basis",
    "year",
    "mean_cents",
    "p5_cents",
    "p50_cents",
    "p95_cents",
    "p_cap_binds",
    "ceiling_cents",
    "p_limit_breached",
]


# --- statistics -------------------------------------------------------------------------


def percentile_index(draws: int, percent: int) -> int:
    """The sorted position of the inverted-CDF percentile: ceil(draws x percent / 100) - 1."""
    return max(-(-draws * percent // 100) - 1, 0)


def percentiles(columns: IntArray) -> IntArray:
    """P5, P50, P95 of each row of int64 (columns, draws): int64 (3, columns)."""
    draws = columns.shape[1]
    ks = [percentile_index(draws, p) for p in PERCENTILES]
    if not len(columns):
        return np.zeros((3, 0), dtype=np.int64)
    part = np.partition(columns, sorted(set(ks)), axis=1)
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
    """The result of a simulation.

    rows: the columns of COLUMNS. `commitment` rows per commitment, funder, basis and year
        of its span; `funder` rows per funder, basis and year in which it funds anything;
        `limit` rows per limit and year, with the bands of the funder's total on the
        limit's basis. Bands in cents; p_cap_binds (NaN for kinds without a cap) and
        p_limit_breached are shares of the draws.
    totals: per basis, each funder's total per draw and year, int64 (draws, funders, years).
    """

    scenario: Scenario
    draws: int
    seed: int
    rows: pd.DataFrame
    funders: tuple[str, ...]
    years: IntArray
    totals: dict[str, IntArray]


@dataclass(frozen=True, slots=True)
class _Piece:
    """What one chunk contributes: bands per (member, year, basis) and cap counts."""

    member: IntArray
    year: IntArray
    basis: IntArray
    stats: IntArray
    rows: IntArray
    binds: IntArray
    has_cap: npt.NDArray[np.bool_]


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
    plan = compile_plan(scenario)
    n, years = plan.active.shape
    per_chunk = chunk or max(1, CHUNK_CELLS // (draws * years))
    streams = Streams(plan, seed, draws)
    totals = {b: np.zeros((draws, len(plan.funders), years), dtype=np.int64) for b in BASES}
    binds = np.zeros((n, years), dtype=np.int64)
    has_cap = np.zeros(n, dtype=bool)
    pieces: list[_Piece] = []
    workers = workers or min(os.cpu_count() or 1, 2)

    def collect(done: tuple[_Piece, dict[str, IntArray]]) -> None:
        piece, chunk_totals = done
        pieces.append(piece)
        binds[piece.rows] = piece.binds
        has_cap[piece.rows] = piece.has_cap
        for b in BASES:
            totals[b] += chunk_totals[b]
        if progress:
            progress(len(piece.rows))

    work = chunks(tied_groups(plan), per_chunk)
    if workers > 1 and len(work) > 1:
        # numpy releases the GIL in its loops. At most `workers` chunks are in flight, so
        # memory stays bounded; results are collected in chunk order.
        with ThreadPoolExecutor(workers) as pool:
            pending: deque[Future[tuple[_Piece, dict[str, IntArray]]]] = deque()
            for rows in work:
                pending.append(pool.submit(_chunk, plan, rows, streams))
                if len(pending) >= workers:
                    collect(pending.popleft().result())
            while pending:
                collect(pending.popleft().result())
    else:
        for rows in work:
            collect(_chunk(plan, rows, streams))
    frame = _rows(plan, draws, pieces, binds, has_cap, totals)
    return Simulation(scenario, draws, seed, frame, plan.funders, plan.years, totals)


def _chunk(plan: Plan, rows: IntArray, streams: Streams) -> tuple[_Piece, dict[str, IntArray]]:
    sub, members, varying = restrict(plan, rows, streams)
    draws = streams.draws
    result = compute(sub, AlreadyDrawn(draws))
    totals = {b: np.zeros((draws, len(plan.funders), len(plan.years)), np.int64) for b in BASES}
    pieces: list[tuple[IntArray, IntArray, int, IntArray]] = []

    def add(selection: IntArray, bases: tuple[str, ...], amounts: IntArray) -> None:
        for block in funder_blocks(amounts, selection, sub, bases[0]):
            funder = sub.member_funder[block.member]
            present = np.unique(funder)
            for f in present:
                parts = block.parts if len(present) == 1 else block.parts[:, funder == f, :]
                total = parts.sum(axis=1)
                for b in bases:
                    totals[b][:, f, :] += total
            m, y = np.nonzero(sub.active[sub.member_commitment[block.member]])
            stats = np.empty((4, len(m)), dtype=np.int64)
            if len(amounts) == 1:
                stats[:] = block.parts[0, m, y]
            else:
                stats[0] = mean_half_away(block.parts)[m, y]
                stats[1:] = block.percentiles(amounts, sub.active)[:, m, y]
            for b in bases:
                pieces.append((members[block.member[m]], y, BASES.index(b), stats))

    fixed = np.flatnonzero(~varying)
    if len(fixed):
        # The same amounts in every draw: split one draw.
        for basis in BASES:
            add(fixed, (basis,), getattr(result, basis)[:1])
    moving = np.flatnonzero(varying)
    if len(moving):
        same = (result.cash == result.commitment).all(axis=(0, 2))[moving]
        # A cash split can differ from a commitment split of the same amounts.
        if same.all() and not sub.paid_over_time[moving].any():
            add(moving, BASES, result.cash)
        else:
            add(moving, ("cash",), result.cash)
            add(moving, ("commitment",), result.commitment)
    piece = _Piece(
        np.concatenate([p[0] for p in pieces]),
        np.concatenate([p[1] for p in pieces]),
        np.concatenate([np.full(len(p[0]), p[2]) for p in pieces]),
        np.concatenate([p[3] for p in pieces], axis=1),
        rows,
        result.binds.sum(axis=0),
        result.has_cap,
    )
    return piece, totals


def _take(amounts: IntArray, rows: IntArray) -> IntArray:
    """amounts[:, rows, :], without a copy when rows are all of them in order."""
    if len(rows) == amounts.shape[1] and (rows == np.arange(len(rows))).all():
        return amounts
    return amounts[:, rows, :]


@dataclass(frozen=True, slots=True)
class FunderBlock:
    """Funders' parts of some commitments: parts (draws, members, years) of `member`.

    rows: the commitments; how: "one" (a single funder: the parts are the amounts),
    "two" (two funders with weights w0 and w0 + w1 = whole; the first funder's parts come
    first, then the second's) or "engine" (the engine's own split).
    """

    parts: IntArray
    member: IntArray
    rows: IntArray
    how: str
    w0: int = 0
    whole: int = 0

    def percentiles(self, amounts: IntArray, active: npt.NDArray[np.bool_]) -> IntArray:
        """P5, P50, P95 of every part in the active years: int64 (3, members, years).

        amounts: (draws, commitments, years); active: (commitments, years). With one or two
        funders, a part is a non-decreasing function of the amount (a two-way largest
        remainder split is the amount x share rounded half up), so the percentiles of the
        parts are the parts of the amount's percentiles: one partition per commitment.
        Otherwise (three or more funders, where largest remainder is not monotone, or a
        cumulative split) one per part.
        """
        if self.how == "engine":
            width = len(self.member) // len(self.rows)
            return _percentiles_by_cell(self.parts, np.tile(active[self.rows], (width, 1)))
        if self.how == "one":
            return _percentiles_by_cell(self.parts, active[self.rows])
        bands = _percentiles_by_cell(_take(amounts, self.rows), active[self.rows])
        return _two_way(bands, self.w0, self.whole)


def _percentiles_by_cell(values: IntArray, active: npt.NDArray[np.bool_]) -> IntArray:
    """P5, P50, P95 over the draws of int64 (draws, rows, years), where `active` (rows,
    years): int64 (3, rows, years), zero elsewhere."""
    draws, rows, years = values.shape
    out = np.zeros((3, rows, years), dtype=np.int64)
    r, y = np.nonzero(active)
    out[:, r, y] = percentiles(values.reshape(draws, -1).T[r * years + y])
    return out


def _two_way(total: IntArray, w0: int, whole: int) -> IntArray:
    """Split (d, r, y) amounts in two by largest remainder: (d, 2r, y), the first funder's
    parts then the second's. The leftover cent (at most one) goes to the first funder when
    its remainder is at least half of `whole`: the first part is total x w0 / whole rounded
    half up. In place where it can be: this runs over every draw."""
    d, r, y = total.shape
    out = np.empty((d, 2 * r, y), dtype=np.int64)
    first, second = out[:, :r, :], out[:, r:, :]
    if 2 * w0 == whole:
        np.right_shift(total, 1, out=second)
        np.subtract(total, second, out=first)
        return out
    # Scalar divisors: numpy divides by a scalar many times faster than by an array.
    quotient, scaled = np.divmod(total, whole)
    scaled *= w0
    floor, remainder = np.divmod(scaled, whole)
    np.multiply(quotient, w0, out=first)
    first += floor
    first += 2 * remainder >= whole
    np.subtract(total, first, out=second)
    return out


def funder_blocks(amounts: IntArray, rows: IntArray, plan: Plan, basis: str) -> list[FunderBlock]:
    """The funders' parts of some commitments' amounts on `basis`, exactly as
    `engine.split_funders` splits them, in blocks of commitments split alike.

    amounts: (draws, commitments of the plan, years); rows: the commitments to split.
    """
    counts = plan.funder_count[rows]
    first = np.flatnonzero(plan.member_slot == 0)
    cumulative = plan.paid_over_time[rows] & (basis == "cash") & (counts > 1)
    blocks = []
    single = counts == 1
    if single.any():
        one = rows[single]
        blocks.append(FunderBlock(_take(amounts, one), first[one], one, "one"))
    done = single.copy()
    pairs = (counts == 2) & ~cumulative
    if pairs.any():
        # The quick two-way split assumes amounts of at least zero (a given shortfall may
        # be negative only before the top-up applies it, so this is a guard, per row).
        pairs &= (amounts[:, rows, :] >= 0).all(axis=(0, 2))
    if pairs.any():
        weights = plan.member_weight
        lead = first[rows[pairs]]
        table = np.stack([weights[lead], weights[lead + 1]], axis=1)
        unique, which = np.unique(table, axis=0, return_inverse=True)
        for u, (w0, w1) in enumerate(unique.tolist()):
            picked = rows[pairs][which.reshape(-1) == u]
            members = np.concatenate([first[picked], first[picked] + 1])
            parts = _two_way(amounts[:, picked, :], w0, w0 + w1)
            blocks.append(FunderBlock(parts, members, picked, "two", w0, w0 + w1))
        done |= pairs
    rest = rows[~done]
    if len(rest):
        split = split_funders(amounts, plan, basis, rows=rest)
        # Slot by slot, so that every slot's parts line up with the block's rows.
        for count in np.unique(plan.funder_count[rest]).tolist():
            alike = rest[plan.funder_count[rest] == count]
            members = np.concatenate([first[alike] + k for k in range(count)])
            blocks.append(FunderBlock(split[:, members, :], members, alike, "engine"))
    return blocks


def _rows(
    plan: Plan,
    draws: int,
    pieces: list[_Piece],
    binds: IntArray,
    has_cap: npt.NDArray[np.bool_],
    totals: dict[str, IntArray],
) -> pd.DataFrame:
    scenario = plan.scenario
    empty = np.zeros(0, dtype=np.int64)
    member = np.concatenate([empty, *(p.member for p in pieces)])
    year = np.concatenate([empty, *(p.year for p in pieces)])
    basis = np.concatenate([empty, *(p.basis for p in pieces)])
    stats = np.concatenate([np.zeros((4, 0), np.int64), *(p.stats for p in pieces)], axis=1)
    order = np.lexsort((year, basis, member))
    member, year, basis, stats = member[order], year[order], basis[order], stats[:, order]
    which = plan.member_commitment[member]
    p_binds = np.where(has_cap[which], binds[which, year] / draws, np.nan)
    ids = np.array([c.id for c in plan.commitments], dtype=object)
    recipients = np.array([c.recipient for c in plan.commitments], dtype=object)
    funder_names = np.array(plan.funders, dtype=object)
    bases = np.array(BASES, dtype=object)
    commitment_rows = pd.DataFrame(
        {
            "level": "commitment",
            "commitment": ids[which],
            "recipient": recipients[which],
            "funder": funder_names[plan.member_funder[member]],
            "basis": bases[basis],
            "year": plan.years[year],
            "mean_cents": stats[0],
            "p5_cents": stats[1],
            "p50_cents": stats[2],
            "p95_cents": stats[3],
            "p_cap_binds": p_binds,
        }
    )
    funds = np.zeros((len(plan.funders), len(plan.years)), dtype=bool)
    np.logical_or.at(funds, plan.member_funder, plan.active[plan.member_commitment])
    records = []
    for f, name in enumerate(plan.funders):
        cols = np.flatnonzero(funds[f])
        for b in BASES:
            s = band_stats(totals[b][:, f, cols])
            for j, col in enumerate(cols):
                records.append((name, b, int(plan.years[col]), *s[:, j]))
    bands = ["mean_cents", "p5_cents", "p50_cents", "p95_cents"]
    funder_rows = pd.DataFrame(records, columns=["funder", "basis", "year", *bands])
    funder_rows.insert(0, "level", "funder")
    limit_records = []
    limits = breach_mask(scenario, plan.funders, plan.years, totals)
    for limit, y, ceiling, breached, amount in limits:
        s = band_stats(amount[:, None])[:, 0]
        limit_records.append(
            (limit.funder, limit.basis, y, *s, ceiling, int(breached.sum()) / draws)
        )
    limit_rows = pd.DataFrame(
        limit_records,
        columns=["funder", "basis", "year", *bands, "ceiling_cents", "p_limit_breached"],
    )
    limit_rows.insert(0, "level", "limit")
    frame = pd.concat([commitment_rows, funder_rows, limit_rows], ignore_index=True)
    frame.insert(0, "scenario", scenario.name)
    for column in COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame = frame[COLUMNS]
    for column in ("year", "mean_cents", "p5_cents", "p50_cents", "p95_cents"):
        frame[column] = frame[column].astype(np.int64)
    frame["ceiling_cents"] = frame["ceiling_cents"].astype("Int64")
    for column in ("commitment", "recipient"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame
