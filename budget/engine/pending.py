"""Undecided money (issue 23): how outputs count pending commitments.

`--pending none` leaves every pending commitment out (the default: undecided money is not
budget); `all` counts each as decided; `expected` counts each at p times its amounts: the
engine (`budget.engine.compute`) scales the commitment's total over its span to
round(p x total) (halves away from zero) and spreads it over its years in proportion to
what it would pay as decided, by largest remainder (ties to the earlier year), so its
years add up; the funder split then divides each year as for any commitment. Commitments
ranked after it (a top-up making up the rest) see the expected amounts. `simulate` draws
each pending commitment as decided (1) or not (0) with probability p, from its own seeded
stream, so its bands and cap chances include the decision.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from budget.core.model import Commitment, Scenario, any_pending
from budget.core.money import allocate_rows, round_half_away, scale_round

if TYPE_CHECKING:
    from budget.engine.plan import Plan

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MODES = ("none", "expected", "all")


def pending_of(scenario: Scenario) -> list[Commitment]:
    """The scenario's pending commitments, in order."""
    if not any_pending(scenario.commitments):
        return []
    return [c for c in scenario.commitments if c.pending is not None]


def with_pending(scenario: Scenario, mode: str) -> Scenario:
    """The scenario as `--pending mode` counts it: none drops its pending commitments;
    all counts them as decided (they stay pending, at p = 1: never legally committed);
    expected keeps them as they are (the engine counts each at its p). A scenario counted
    once stays as counted: with_pending(with_pending(s, "all"), "none") counts as all."""
    if mode not in MODES:
        raise ValueError(f"not a pending mode: {mode!r}")
    if scenario.pending_counted or not any_pending(scenario.commitments):
        return scenario
    if mode == "expected":
        return dataclasses.replace(scenario, pending_counted=mode)
    # A condition achieved and not met (p = 0) pays nothing in every view: kept as is.
    if mode == "none":
        kept = tuple(c for c in scenario.commitments if c.pending is None or not c.pending.p)
    else:
        # Still pending (never legally committed), counted at p = 1: as decided.
        kept = tuple(
            c
            if c.pending is None or not c.pending.p
            else dataclasses.replace(
                c, pending=dataclasses.replace(c.pending, p=Fraction(1), written_p=c.pending.p)
            )
            for c in scenario.commitments
        )
    return dataclasses.replace(scenario, commitments=kept, pending_counted=mode)


def expected_amounts(amounts: IntArray, p: Fraction) -> IntArray:
    """p times each row's amounts (..., years): the row's total is round(p x total), spread
    over the years in proportion to the amounts by largest remainder. A row with amounts
    of both signs is scaled cell by cell (rounded once each) instead."""
    totals = amounts.sum(axis=-1)
    target = np.array(
        [round_half_away(int(t) * p.numerator, p.denominator) for t in totals.ravel().tolist()],
        dtype=np.int64,
    ).reshape(totals.shape)
    signs = (amounts > 0).any(axis=-1) & (amounts < 0).any(axis=-1)
    out = np.zeros_like(amounts)
    nonzero = totals != 0
    same = nonzero & ~signs
    if same.any():
        weights = np.abs(amounts[same])
        if int(np.abs(target[same]).max()) * int(weights.max()) < 1 << 62:
            out[same] = allocate_rows(target[same], weights)
        else:  # products beyond int64: the same rule in Python integers
            out[same] = [
                _largest_remainder(t, w)
                for t, w in zip(target[same].tolist(), weights.tolist(), strict=True)
            ]
    if signs.any():
        out[signs] = scale_round(amounts[signs], p)
    return out


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` (not all 0): rounded down, a cent more to
    the largest remainders, ties to the earlier part; a negative total as its mirror."""
    sign, whole, magnitude = (-1 if total < 0 else 1), sum(weights), abs(total)
    floors = [magnitude * w // whole for w in weights]
    remainders = [magnitude * w - whole * f for w, f in zip(weights, floors, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: magnitude - sum(floors)]:
        floors[i] += 1
    return [sign * f for f in floors]


def decisions(seed: int, positions: list[int], ps: list[Fraction], draws: int) -> BoolArray:
    """(draws, len(positions)): whether each pending commitment is decided in each draw,
    with probability p exactly (a 53-bit integer against p), from the commitment's own
    stream (owner 2 in `budget.uncertainty.sampling.stream`'s numbering): the same draws
    however the work is split."""
    out = np.zeros((draws, len(positions)), dtype=bool)
    scale = 1 << 53
    for j, (position, p) in enumerate(zip(positions, ps, strict=True)):
        sequence = np.random.SeedSequence(seed, spawn_key=(2, position))
        rng = np.random.Generator(np.random.PCG64(sequence))
        u = rng.integers(0, scale, size=draws, dtype=np.int64)
        # decided when u / 2^53 < p, exactly: u x denominator < numerator x 2^53
        out[:, j] = [x * p.denominator < p.numerator * scale for x in u.tolist()]
    return out


def pending_varying(plan: Plan) -> BoolArray:
    """Which commitments of the plan a simulation's decisions make vary between draws:
    the pending ones, and the derived top-ups of their recipients."""
    out = np.zeros(len(plan.recipient), dtype=bool)
    if not plan.pending:
        return out
    rows = np.array([r for r, _ in plan.pending], dtype=np.int64)
    out[rows] = True
    touched = np.zeros(len(plan.recipients), dtype=bool)
    touched[plan.recipient[rows]] = True
    return out | (plan.derived & touched[plan.recipient])


def plan_decisions(plan: Plan, seed: int, draws: int) -> BoolArray | None:
    """The decisions of the plan's pending commitments in each draw (None without any)."""
    if not plan.pending:
        return None
    positions = [int(plan.position[r]) for r, _ in plan.pending]
    return decisions(seed, positions, [p for _, p in plan.pending], draws)
