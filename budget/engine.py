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
from budget.kinds.base import distinct_codes, year_span_mask
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
    paid_over_time: commitments recorded up front and paid over years (their cash is split
    over funders cumulatively, see `split_funders`).
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
    paid_over_time: BoolArray

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
    """The scenario as arrays, ready for `compute` (any number of times)."""
    commitments = scenario.commitments
    n = len(commitments)
    kinds = list(KINDS.values())
    kind_code = {name: k for k, name in enumerate(KINDS)}
    rec_code = {key: i for i, key in enumerate(scenario.recipients)}
    kind_of = np.fromiter((kind_code[c.kind] for c in commitments), np.int64, n)
    recipient = np.fromiter((rec_code[c.recipient] for c in commitments), np.int64, n)
    priority = np.fromiter((c.priority for c in commitments), np.int64, n)
    spans = np.zeros((n, 2), dtype=np.int64)
    derived = np.zeros(n, dtype=bool)
    kind_rows = [np.flatnonzero(kind_of == k) for k in range(len(kinds))]
    kind_specs = [[commitments[i].spec for i in rows] for rows in kind_rows]
    for kind, rows, specs in zip(kinds, kind_rows, kind_specs, strict=True):
        if len(rows):
            spans[rows] = kind.spans(specs, scenario.calendar)
            derived[rows] = [kind.derives_shortfall(spec) for spec in specs]
    lo = min(int(spans[:, 0].min()) if n else scenario.first_year, scenario.first_year)
    hi = max(int(spans[:, 1].max()) if n else scenario.last_year, scenario.last_year)
    years = np.arange(lo, hi + 1, dtype=np.int64)
    active = year_span_mask(spans[:, 0], spans[:, 1], years)

    recipients = tuple(scenario.recipients)
    rank = np.lexsort((np.arange(n), priority, recipient)).astype(np.int64)

    # Derived top-ups depend on what is paid before them: number them within recipients.
    level = np.zeros(n, dtype=np.int64)
    depth: dict[int, int] = {}
    for i in rank[derived[rank]]:
        d = depth.get(int(recipient[i]), 0) + 1
        level[i] = depth[int(recipient[i])] = d

    blocks = []
    for kind, rows_k, specs_k in zip(kinds, kind_rows, kind_specs, strict=True):
        levels = level[rows_k]
        for lv in np.unique(levels):
            picked = np.flatnonzero(levels == lv)
            rows = rows_k[picked]
            block_specs = tuple(specs_k[j] for j in picked)
            inputs = {
                field: year_table([getattr(s, field) for s in block_specs], years, active[rows])
                for field in kind.year_inputs
            }
            blocks.append(Block(kind, rows, block_specs, inputs, int(lv)))
    blocks.sort(key=lambda block: block.level)

    everywhere = np.ones((len(recipients), len(years)), dtype=bool)
    costs = year_table([scenario.recipients[r].costs for r in recipients], years, everywhere)
    income = year_table([scenario.recipients[r].income for r in recipients], years, everywhere)
    funders = tuple(scenario.funders)
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
        *_members(commitments, funders),
        np.array([KINDS[c.kind].commits_up_front for c in commitments], dtype=bool).reshape(n),
    )


def _members(
    commitments: tuple[Commitment, ...], funders: tuple[str, ...]
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """One entry per (commitment, funder): commitment, funder, weight, slot; and counts.

    Many commitments share a split, so each distinct split is worked out once.
    """
    fun_index = {key: i for i, key in enumerate(funders)}
    split_of, splits = distinct_codes([c.funders for c in commitments])
    widest = max((len(split) for split in splits), default=1)
    funder_table = np.zeros((len(splits), widest), dtype=np.int64)
    weight_table = np.zeros((len(splits), widest), dtype=np.int64)
    sizes = np.zeros(len(splits), dtype=np.int64)
    for d, split in enumerate(splits):
        sizes[d] = len(split)
        funder_table[d, : len(split)] = [fun_index[key] for key, _ in split]
        weight_table[d, : len(split)] = share_weights([share for _, share in split])
    count = sizes[split_of]
    member_commitment = np.repeat(np.arange(len(commitments), dtype=np.int64), count)
    starts = np.cumsum(count) - count
    slot = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(starts, count)
    which = split_of[member_commitment]
    return (member_commitment, funder_table[which, slot], weight_table[which, slot], slot, count)


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
            prior = _paid_before(cash, plan, block.rows)
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


def _paid_before(cash: IntArray, plan: Plan, rows: IntArray) -> IntArray:
    """For commitments `rows`, the cash that commitments ranked before them pay their
    recipients: int64 (draws, len(rows), years). Only those recipients are summed."""
    involved = np.zeros(len(plan.recipients), dtype=bool)
    involved[plan.recipient[rows]] = True
    order = plan.rank[involved[plan.recipient[plan.rank]]]
    ranked = cash[:, order, :]
    running = np.cumsum(ranked, axis=1) - ranked
    group = plan.recipient[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    first_of = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    running -= running[:, first_of, :]
    position = np.empty(len(plan.recipient), dtype=np.int64)
    position[order] = np.arange(len(order))
    return running[:, position[rows], :]


def split_funders(
    amounts: IntArray, plan: Plan, basis: str = "commitment", rows: IntArray | None = None
) -> IntArray:
    """Each commitment's amounts split over its funders: (draws, members, years).

    Each year's amount is split by largest remainder, ties to the funder listed first, so
    the parts add up. On the cash basis, the payments of a commitment that is recorded up
    front and paid over years (a grant) are split cumulatively instead: each funder's
    payments to date are its largest-remainder share of the payments to date, so that a
    funder pays in the end exactly its share of the commitment.

    rows: split only these commitments (the other members' parts stay zero).
    """
    draws, _, y = amounts.shape
    out = np.zeros((draws, len(plan.member_commitment), y), dtype=np.int64)
    first_member = np.flatnonzero(plan.member_slot == 0)
    cumulative = plan.paid_over_time if basis == "cash" else np.zeros(len(plan.active), bool)
    wanted = np.ones(len(plan.funder_count), dtype=bool)
    if rows is not None:
        wanted = np.zeros(len(plan.funder_count), dtype=bool)
        wanted[rows] = True
    for count in np.unique(plan.funder_count[wanted]):
        rows = np.flatnonzero((plan.funder_count == count) & wanted)
        members = first_member[rows][:, None] + np.arange(count)[None, :]
        if count == 1:
            out[:, members[:, 0], :] = amounts[:, rows, :]
            continue
        block = amounts[:, rows, :]
        spread = cumulative[rows]
        if spread.any():
            block = block.copy()
            block[:, spread, :] = np.cumsum(block[:, spread, :], axis=-1)
        # Zero splits into zeros: divide only the non-zero amounts.
        draw, row, year = np.nonzero(block)
        parts = allocate_rows(block[draw, row, year], plan.member_weight[members][row])
        out[draw[:, None], members[row], year[:, None]] = parts
        if spread.any():
            spread_members = members[spread].reshape(-1)
            out[:, spread_members, :] = np.diff(out[:, spread_members, :], axis=-1, prepend=0)
            _lift_negative_parts(out, members[spread])
    return out


def _lift_negative_parts(out: IntArray, groups: IntArray) -> None:
    """Mend the rare cent that a cumulative split takes back (largest remainder is not
    monotone: a larger total can give a part one cent less).

    A part of -1 cent for funder f in year y becomes 0: f takes a cent from the first listed
    funder g with a positive part that year, and gives it back to g in the nearest earlier
    year in which f was paid (else the nearest later one). Year sums and funder totals stay
    exact; no part is negative.
    """
    flat = groups.reshape(-1)
    negative = np.argwhere(out[:, flat, :] < 0)
    if not len(negative):
        return
    group_of = np.repeat(np.arange(len(groups)), groups.shape[1])
    for d, m, y in negative.tolist():
        f = int(flat[m])
        if out[d, f, y] >= 0:
            continue
        g = next(int(x) for x in groups[group_of[m]] if out[d, x, y] > 0)
        paid = np.flatnonzero(out[d, f] > 0)
        earlier = paid[paid < y]
        other = int(earlier[-1]) if len(earlier) else int(paid[paid > y][0])
        out[d, f, y] += 1
        out[d, g, y] -= 1
        out[d, f, other] -= 1
        out[d, g, other] += 1


def project(scenario: Scenario) -> pd.DataFrame:
    """The tidy rows of one projection (central values for uncertain inputs).

    One row per commitment, funder, basis and fiscal year of the commitment's span, zero
    amounts included, with the columns of COLUMNS (`amount_cents` is int64).
    """
    plan = compile_plan(scenario)
    return tidy(plan, compute(plan))


def tidy(plan: Plan, result: Result, draw: int = 0) -> pd.DataFrame:
    """One draw of a result as tidy rows, ordered by commitment, funder, basis and year.

    Text columns are categoricals: a million rows name only a few commitments and funders.
    """
    cash = split_funders(result.cash[draw : draw + 1], plan, "cash")[0]
    # Kinds that do not commit up front commit each year what they pay that year, so their
    # split is the same on both bases; only the others are split again.
    committed = cash.copy()
    up_front = plan.paid_over_time
    if up_front.any():
        own = np.where(up_front[None, :, None], result.commitment[draw : draw + 1], 0)
        members = up_front[plan.member_commitment]
        committed[members] = split_funders(own, plan, "commitment")[0][members]
    # Rows run by member (commitment, funder), then basis (as BASES), then year: each
    # member's active years once on the commitment basis, then once on the cash basis.
    member, year = np.nonzero(plan.active[plan.member_commitment])
    per_member = np.bincount(member, minlength=len(plan.member_commitment))
    first_row = 2 * (np.cumsum(per_member) - per_member)
    nth = np.arange(len(member)) - (np.cumsum(per_member) - per_member)[member]
    at_commitment = first_row[member] + nth
    at_cash = at_commitment + per_member[member]
    rows = 2 * len(member)

    def spread(commitment_values: npt.NDArray[Any], cash_values: npt.NDArray[Any]) -> Any:
        out = np.empty(rows, dtype=np.result_type(commitment_values, cash_values))
        out[at_commitment] = commitment_values
        out[at_cash] = cash_values
        return out

    row_member = spread(member, member)
    which = plan.member_commitment[row_member]
    commitments = plan.commitments

    def labels(codes: IntArray, names: list[str]) -> Any:
        dtype: Any = pd.CategoricalDtype(pd.Index(names, dtype=object))
        small: Any = codes.astype(np.int32 if len(names) > 32_000 else np.int16)
        return pd.Categorical.from_codes(small, dtype=dtype, validate=False)

    kinds = list(KINDS)
    kind_code = np.fromiter((kinds.index(c.kind) for c in commitments), np.int64, len(commitments))
    basis_code = spread(np.zeros(len(member), np.int64), np.ones(len(member), np.int64))
    # The arrays are this function's own, so the frame may take them without copying.
    return pd.DataFrame(
        {
            "scenario": labels(np.zeros(rows, dtype=np.int64), [plan.scenario.name]),
            "commitment": labels(which, [c.id for c in commitments]),
            "recipient": labels(plan.recipient[which], list(plan.recipients)),
            "funder": labels(plan.member_funder[row_member], list(plan.funders)),
            "kind": labels(kind_code[which], kinds),
            "basis": labels(basis_code, list(BASES)),
            "year": spread(plan.years[year], plan.years[year]),
            "amount_cents": spread(committed[member, year], cash[member, year]),
        },
        copy=False,
    )


def funder_totals(plan: Plan, result: Result) -> dict[str, IntArray]:
    """Per basis, each funder's total per draw and year: int64 (draws, funders, years)."""
    totals = {}
    for basis, amounts in (("commitment", result.commitment), ("cash", result.cash)):
        parts = split_funders(amounts, plan, basis)
        out = np.zeros((parts.shape[0], len(plan.funders), parts.shape[2]), dtype=np.int64)
        for f in range(len(plan.funders)):
            out[:, f, :] = parts[:, plan.member_funder == f, :].sum(axis=1)
        totals[basis] = out
    return totals
