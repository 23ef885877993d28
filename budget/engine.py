"""Projection: every commitment kind over arrays, the recipient waterfall, funder splits.

`compile_plan` turns a Scenario into arrays once; `compute` runs the kinds over
(draws, commitments, years) arrays for any sampler (central values for a projection,
random draws for a simulation); `project` gives the tidy DataFrame of one projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.inputs import CentralValues, Sampler, YearTable, year_table
from budget.kinds import KINDS, Kind
from budget.kinds.base import year_span_mask
from budget.model import BASES, Commitment, Scenario
from budget.money import allocate_rows, share_weights

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

COLUMNS = ["scenario", "commitment", "recipient", "funder", "kind", "basis", "year", "amount_cents"]


@dataclass(frozen=True, slots=True)
class Block:
    """Commitments of one kind that are computed together.

    rows: their indices in the scenario; level: 0 when they depend on nothing, d + 1 for
    top-ups whose shortfall is derived after d earlier derived top-ups of their recipient.
    """

    kind: Kind
    rows: IntArray
    specs: tuple[Any, ...]
    inputs: dict[str, YearTable]
    level: int


@dataclass(frozen=True, slots=True)
class Plan:
    """A scenario as arrays.

    years: the fiscal years of every commitment's span and of the horizon, in order.
    active: (commitments, years), the years of each commitment's span.
    recipient: (commitments,) index into `recipients`; rank: commitments in payment order
    (recipient, priority, appearance); costs, income: per-recipient YearTables.
    member_*: one entry per (commitment, funder), in listed order.
    """

    scenario: Scenario
    years: IntArray
    active: BoolArray
    recipients: tuple[str, ...]
    recipient: IntArray
    rank: IntArray
    blocks: tuple[Block, ...]
    costs: YearTable
    income: YearTable
    funders: tuple[str, ...]
    member_commitment: IntArray
    member_funder: IntArray
    member_weight: IntArray
    member_slot: IntArray
    funder_count: IntArray

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        return self.scenario.commitments


@dataclass(frozen=True, slots=True)
class Result:
    """What each commitment pays: int64 (draws, commitments, years) per basis, and where a
    cap bound (bool, same shape; False for kinds without a cap)."""

    cash: IntArray
    commitment: IntArray
    binds: BoolArray
    has_cap: BoolArray


def compile_plan(scenario: Scenario) -> Plan:
    commitments = scenario.commitments
    n = len(commitments)
    spans = np.array(
        [KINDS[c.kind].span(c.spec, scenario.calendar) for c in commitments], dtype=np.int64
    ).reshape(n, 2)
    lo = min(int(spans[:, 0].min()) if n else scenario.first_year, scenario.first_year)
    hi = max(int(spans[:, 1].max()) if n else scenario.last_year, scenario.last_year)
    years = np.arange(lo, hi + 1, dtype=np.int64)
    active = year_span_mask(spans[:, 0], spans[:, 1], years)

    recipients = tuple(scenario.recipients)
    rec_index = {key: i for i, key in enumerate(recipients)}
    recipient = np.array([rec_index[c.recipient] for c in commitments], dtype=np.int64)
    priority = np.array([c.priority for c in commitments], dtype=np.int64)
    rank = np.lexsort((np.arange(n), priority, recipient)).astype(np.int64)

    # Derived top-ups depend on what is paid before them; number them within recipients.
    level = np.zeros(n, dtype=np.int64)
    depth: dict[int, int] = {}
    for i in rank:
        c = commitments[i]
        if KINDS[c.kind].derives_shortfall(c.spec):
            d = depth.get(int(recipient[i]), 0)
            level[i] = d + 1
            depth[int(recipient[i])] = d + 1

    blocks = []
    for name, kind in KINDS.items():
        for lv in sorted({int(level[i]) for i, c in enumerate(commitments) if c.kind == name}):
            rows = np.array(
                [i for i, c in enumerate(commitments) if c.kind == name and level[i] == lv],
                dtype=np.int64,
            )
            specs = tuple(commitments[i].spec for i in rows)
            inputs = {
                field: year_table([getattr(s, field) for s in specs], years, active[rows])
                for field in kind.year_inputs
            }
            blocks.append(Block(kind, rows, specs, inputs, lv))
    blocks.sort(key=lambda b: b.level)

    everywhere = np.ones((len(recipients), len(years)), dtype=bool)
    costs = year_table([scenario.recipients[r].costs for r in recipients], years, everywhere)
    income = year_table([scenario.recipients[r].income for r in recipients], years, everywhere)

    funders = tuple(scenario.funders)
    fun_index = {key: i for i, key in enumerate(funders)}
    m_commitment, m_funder, m_weight, m_slot, count = [], [], [], [], []
    for i, c in enumerate(commitments):
        weights = share_weights([share for _, share in c.funders])
        count.append(len(c.funders))
        for slot, ((key, _), weight) in enumerate(zip(c.funders, weights, strict=True)):
            m_commitment.append(i)
            m_funder.append(fun_index[key])
            m_weight.append(weight)
            m_slot.append(slot)
    as_int = lambda xs: np.array(xs, dtype=np.int64)  # noqa: E731
    return Plan(
        scenario,
        years,
        active,
        recipients,
        recipient,
        rank,
        tuple(blocks),
        costs,
        income,
        funders,
        as_int(m_commitment),
        as_int(m_funder),
        as_int(m_weight),
        as_int(m_slot),
        as_int(count),
    )


def compute(plan: Plan, sampler: Sampler | None = None) -> Result:
    """What every commitment pays, per draw. Pure: the same plan and draws, the same result."""
    sampler = sampler or CentralValues()
    n, y = plan.active.shape
    draws = sampler.draws
    cash = np.zeros((draws, n, y), dtype=np.int64)
    committed = np.zeros((draws, n, y), dtype=np.int64)
    binds = np.zeros((draws, n, y), dtype=bool)
    has_cap = np.zeros(n, dtype=bool)
    net_need: IntArray | None = None
    for block in plan.blocks:
        inputs = {field: table.values(sampler) for field, table in block.inputs.items()}
        if block.level > 0:
            if net_need is None:
                net_need = plan.costs.values(sampler) - plan.income.values(sampler)
            prior = _paid_before(cash, plan)[:, block.rows, :]
            inputs["shortfall"] = net_need[:, plan.recipient[block.rows], :] - prior
        flows = block.kind.compute(
            block.specs, plan.years, plan.scenario.calendar, inputs, plan.active[block.rows]
        )
        cash[:, block.rows, :] = flows.cash
        committed[:, block.rows, :] = flows.commitment
        if flows.binds is not None:
            binds[:, block.rows, :] = flows.binds
            has_cap[block.rows] = True
    return Result(cash, committed, binds, has_cap)


def _paid_before(cash: IntArray, plan: Plan) -> IntArray:
    """For each commitment, the cash that commitments ranked before it pay its recipient."""
    ranked = cash[:, plan.rank, :]
    running = np.cumsum(ranked, axis=1) - ranked
    group = plan.recipient[plan.rank]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    first_of = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    running -= running[:, first_of, :]
    out = np.empty_like(running)
    out[:, plan.rank, :] = running
    return out


def split_funders(amounts: IntArray, plan: Plan) -> IntArray:
    """Each commitment's amounts split over its funders: (draws, members, years).

    Largest remainder per year, ties to the funder listed first, so the parts add up.
    """
    draws, _, y = amounts.shape
    out = np.zeros((draws, len(plan.member_commitment), y), dtype=np.int64)
    first_member = np.flatnonzero(plan.member_slot == 0)
    for count in np.unique(plan.funder_count):
        rows = np.flatnonzero(plan.funder_count == count)
        members = first_member[rows][:, None] + np.arange(count)[None, :]
        if count == 1:
            out[:, members[:, 0], :] = amounts[:, rows, :]
            continue
        weights = plan.member_weight[members]
        parts = allocate_rows(amounts[:, rows, :], weights[None, :, None, :])
        out[:, members, :] = np.moveaxis(parts, -1, 2)
    return out


def project(scenario: Scenario) -> pd.DataFrame:
    """The tidy rows of one projection (central values for uncertain inputs).

    One row per commitment, funder, basis and fiscal year of the commitment's span, zero
    amounts included, with the columns of COLUMNS (`amount_cents` is int64).
    """
    plan = compile_plan(scenario)
    return tidy(plan, compute(plan))


def tidy(plan: Plan, result: Result, draw: int = 0) -> pd.DataFrame:
    """One draw of a result as tidy rows."""
    by_basis = {
        "commitment": split_funders(result.commitment[draw : draw + 1], plan)[0],
        "cash": split_funders(result.cash[draw : draw + 1], plan)[0],
    }
    active = plan.active[plan.member_commitment]
    member, year = np.nonzero(active)
    count = len(member)
    commitments = plan.commitments
    ids = np.array([c.id for c in commitments], dtype=object)
    kinds = np.array([c.kind for c in commitments], dtype=object)
    recipients = np.array([c.recipient for c in commitments], dtype=object)
    funders = np.array(plan.funders, dtype=object)
    which = plan.member_commitment[member]
    frames = []
    for basis in BASES:
        frames.append(
            {
                "commitment": ids[which],
                "recipient": recipients[which],
                "funder": funders[plan.member_funder[member]],
                "kind": kinds[which],
                "basis": np.full(count, basis, dtype=object),
                "year": plan.years[year],
                "amount_cents": by_basis[basis][member, year],
                "_member": member,
                "_basis": np.full(count, BASES.index(basis)),
            }
        )
    columns = {key: np.concatenate([f[key] for f in frames]) for key in frames[0]}
    order = np.lexsort((columns["year"], columns["_basis"], columns["_member"]))
    data = {"scenario": np.full(len(order), plan.scenario.name, dtype=object)}
    for key in COLUMNS[1:]:
        data[key] = columns[key][order]
    frame = pd.DataFrame(data)
    frame["year"] = frame["year"].astype(np.int64)
    frame["amount_cents"] = frame["amount_cents"].astype(np.int64)
    return frame


def funder_totals(plan: Plan, result: Result) -> dict[str, IntArray]:
    """Per basis, each funder's total per draw and year: int64 (draws, funders, years)."""
    totals = {}
    for basis, amounts in (("commitment", result.commitment), ("cash", result.cash)):
        parts = split_funders(amounts, plan)
        out = np.zeros((parts.shape[0], len(plan.funders), parts.shape[2]), dtype=np.int64)
        for f in range(len(plan.funders)):
            out[:, f, :] = parts[:, plan.member_funder == f, :].sum(axis=1)
        totals[basis] = out
    return totals
