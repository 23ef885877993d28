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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.engine import Plan, compile_plan, compute, split_funders
from budget.inputs import IntArray
from budget.limits import breach_mask
from budget.model import BASES, Scenario
from budget.money import allocate_rows
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


def mean_of_sums(sums: IntArray, draws: int) -> IntArray:
    """Sums over draws divided by the draws, rounded half away from zero."""
    magnitude = np.abs(sums)
    quotient, remainder = np.divmod(magnitude, draws)
    quotient = quotient + (2 * remainder >= draws)
    return np.where(sums < 0, -quotient, quotient).astype(np.int64)


def sum_draws(values: IntArray) -> IntArray:
    """The sum over the first axis, exact: Python integers where int64 could overflow."""
    draws = values.shape[0]
    peak = max(int(values.max(initial=0)), -int(values.min(initial=0)))
    if peak > (2**63 - 1) // max(draws, 1):
        flat = values.reshape(draws, -1)
        sums = [sum(int(v) for v in flat[:, j]) for j in range(flat.shape[1])]
        return np.array(sums, dtype=object).reshape(values.shape[1:])
    return values.sum(axis=0)


def band_stats(values: IntArray) -> IntArray:
    """Per column of int64 (draws, columns): mean, p5, p50, p95 as int64 (4, columns)."""
    out = np.empty((4, values.shape[1]), dtype=np.int64)
    out[0] = mean_of_sums(sum_draws(values), values.shape[0])
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
    """What one chunk contributes: bands per (member, year, basis), cap counts, totals."""

    member: IntArray
    year: IntArray
    basis: IntArray
    stats: IntArray
    rows: IntArray
    binds: IntArray
    has_cap: npt.NDArray[np.bool_]
    totals: dict[str, IntArray]


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

    def collect(piece: _Piece) -> None:
        pieces.append(piece)
        binds[piece.rows] = piece.binds
        has_cap[piece.rows] = piece.has_cap
        for b in BASES:
            totals[b] += piece.totals[b]
        if progress:
            progress(len(piece.rows))

    work = chunks(tied_groups(plan), per_chunk)
    if workers > 1 and len(work) > 1:
        # numpy releases the GIL in its loops; results are collected in chunk order.
        with ThreadPoolExecutor(workers) as pool:
            for piece in pool.map(lambda rows: _chunk(plan, rows, streams), work):
                collect(piece)
    else:
        for rows in work:
            collect(_chunk(plan, rows, streams))
    frame = _rows(plan, draws, pieces, binds, has_cap, totals)
    return Simulation(scenario, draws, seed, frame, plan.funders, plan.years, totals)


def _chunk(plan: Plan, rows: IntArray, streams: Streams) -> _Piece:
    sub, members, varying = restrict(plan, rows, streams)
    draws = streams.draws
    result = compute(sub, AlreadyDrawn(draws))
    totals = {b: np.zeros((draws, len(plan.funders), len(plan.years)), np.int64) for b in BASES}
    pieces: list[tuple[IntArray, IntArray, int, IntArray]] = []

    def add(selection: IntArray, bases: tuple[str, ...], amounts: IntArray) -> None:
        split, member = split_rows(amounts, selection, sub, bases[0])
        funder = sub.member_funder[member]
        for f in np.unique(funder):
            total = split[:, funder == f, :].sum(axis=1)
            for b in bases:
                totals[b][:, f, :] += total
        m, y = np.nonzero(sub.active[sub.member_commitment[member]])
        stats = np.empty((4, len(m)), dtype=np.int64)
        if len(amounts) == 1:
            stats[:] = split[0, m, y]
        else:
            stats[0] = mean_of_sums(sum_draws(split)[m, y], draws)
            bands = _member_percentiles(amounts, split, selection, sub, bases[0])
            stats[1:] = bands[:, m, y]
        for b in bases:
            pieces.append((members[member[m]], y, BASES.index(b), stats))

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
    return _Piece(
        np.concatenate([p[0] for p in pieces]),
        np.concatenate([p[1] for p in pieces]),
        np.concatenate([np.full(len(p[0]), p[2]) for p in pieces]),
        np.concatenate([p[3] for p in pieces], axis=1),
        rows,
        result.binds.sum(axis=0),
        result.has_cap,
        totals,
    )


def _take(amounts: IntArray, rows: IntArray) -> IntArray:
    """amounts[:, rows, :], without a copy when rows are all of them in order."""
    if len(rows) == amounts.shape[1] and (rows == np.arange(len(rows))).all():
        return amounts
    return amounts[:, rows, :]


def _member_percentiles(
    amounts: IntArray, split: IntArray, rows: IntArray, plan: Plan, basis: str
) -> IntArray:
    """P5, P50, P95 per member of `rows` and year: int64 (3, members, years).

    amounts: (draws, commitments of the plan, years); split: its parts for `rows`. With one
    or two funders, a funder's part is a non-decreasing function of the amount (two-way
    largest remainder is rounding half up of amount x share), so the percentiles of the
    parts are the parts of the commitment's percentiles: one partition per commitment.
    With three or more (largest remainder is then not monotone) or a cumulative cash
    split, one per member.
    """
    draws, _, years = amounts.shape
    out = np.zeros((3, split.shape[1], years), dtype=np.int64)
    counts = plan.funder_count[rows]
    direct = (counts > 2) | (plan.paid_over_time[rows] & (basis == "cash"))
    few = np.flatnonzero(~direct)
    if len(few):
        c, y = np.nonzero(plan.active[rows[few]])
        flat = amounts.reshape(draws, -1).T[rows[few][c] * years + y]
        bands = np.zeros((3, len(plan.active), years), dtype=np.int64)
        bands[:, rows[few][c], y] = percentiles(flat)
        parts, _ = split_rows(bands, rows[few], plan, basis)
        out[:, _positions(counts, few)] = parts
    many = np.flatnonzero(direct)
    if len(many):
        at = _positions(counts, many)
        m, y = np.nonzero(plan.active[plan.member_commitment[_members(rows, plan)[at]]])
        flat = split.reshape(draws, -1).T[at[m] * years + y]
        out[:, at[m], y] = percentiles(flat)
    return out


def _positions(counts: IntArray, picked: IntArray) -> IntArray:
    """Where the members of the picked rows sit among all rows' members."""
    starts = np.cumsum(counts) - counts
    return np.concatenate(
        [np.zeros(0, np.int64), *(starts[i] + np.arange(counts[i]) for i in picked)]
    )


def _members(rows: IntArray, plan: Plan) -> IntArray:
    """The members of some commitments, each commitment's funders in listed order."""
    first = np.flatnonzero(plan.member_slot == 0)
    counts = plan.funder_count[rows]
    starts = np.cumsum(counts) - counts
    slot = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    return np.repeat(first[rows], counts) + slot


def split_rows(
    amounts: IntArray, rows: IntArray, plan: Plan, basis: str
) -> tuple[IntArray, IntArray]:
    """The funders' parts of some commitments' amounts on `basis`, exactly as
    `engine.split_funders` splits them, and the members they are.

    amounts: (draws, commitments of the plan, years); rows: the commitments to split.
    Returns (draws, members, years) and the member indices, for each row its funders in
    listed order. Each year's amount is split by largest remainder; two funders take a
    fast path: the leftover cent (at most one) goes to the first funder when its remainder
    is at least half the common denominator. Cumulative cash splits (grants paid over
    years) are left to the engine.
    """
    counts = plan.funder_count[rows]
    starts = np.cumsum(counts) - counts
    member = _members(rows, plan)
    cumulative = plan.paid_over_time[rows] & (basis == "cash") & (counts > 1)
    if (counts == 1).all():
        return _take(amounts, rows), member
    out = np.empty((amounts.shape[0], len(member), amounts.shape[2]), dtype=np.int64)
    if cumulative.any():
        parts = split_funders(amounts, plan, basis)
        at = _positions(counts, np.flatnonzero(cumulative))
        out[:, at, :] = parts[:, member[at], :]
    weights = plan.member_weight
    for count in np.unique(counts):
        picked = np.flatnonzero((counts == count) & ~cumulative)
        if not len(picked):
            continue
        at = starts[picked]
        if count == 1:
            out[:, at, :] = amounts[:, rows[picked], :]
            continue
        if count == 2 and amounts.min(initial=0) >= 0:
            pairs = np.stack([weights[member[at]], weights[member[at + 1]]], axis=1)
            unique, which = np.unique(pairs, axis=0, return_inverse=True)
            for u, (w0, w1) in enumerate(unique):
                sel = np.flatnonzero(which.reshape(-1) == u)
                total = amounts[:, rows[picked[sel]], :]
                whole, share = int(w0 + w1), int(w0)
                # Scalar divisors (numpy divides by a scalar many times faster), in place.
                quotient, scaled = np.divmod(total, whole)
                scaled *= share
                floor, remainder = np.divmod(scaled, whole)
                quotient *= share
                quotient += floor
                quotient += 2 * remainder >= whole
                out[:, at[sel], :] = quotient
                np.subtract(total, quotient, out=quotient)
                out[:, at[sel] + 1, :] = quotient
            continue
        w = np.stack([weights[member[at + k]] for k in range(count)], axis=1)
        split = allocate_rows(amounts[:, rows[picked], :], w[None, :, None, :])
        for k in range(count):
            out[:, at + k, :] = split[..., k]
    return out, member


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
