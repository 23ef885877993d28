"""The report of `budget actuals`: plan against actual per basis, funder and commitment.

Built once from the rows of `budget.engine.realised.compare`; the terminal tables and the
"Plan vs actual" sheet lay out the same blocks. Each block carries its titles: the terminal
and the sheet word them differently (`title`, `forecast_title` and `sheet_title`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import pandas as pd

from budget.core.inputs import IntArray
from budget.core.model import Scenario
from budget.engine.realised import Status

BLOCKS = (
    ("cash", "cash basis: payments", "Cash basis: payments, in the fiscal year they are made"),
    (
        "commitment",
        "commitment basis: obligations",
        "Commitment basis: obligations, in the fiscal year they are entered into",
    ),
    (
        "receipts",
        "receipts basis: money received back",
        "Receipts basis: money received back, in the fiscal year it is received",
    ),
)


@dataclass(frozen=True, slots=True)
class Measures:
    """One line's cents per year of the report (one per year, in order): planned, actual,
    variance (actual - planned) and forecast (actual in a closed year, the larger of the
    two in the current year, planned in a later year)."""

    planned: tuple[int, ...]
    actual: tuple[int, ...]
    variance: tuple[int, ...]
    forecast: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CommitmentPlan:
    """commitment: its id (or `(unplanned)`); name: its name (the id when it has none);
    measures: its amounts for one funder."""

    commitment: str
    name: str
    measures: Measures


@dataclass(frozen=True, slots=True)
class FunderPlan:
    """funder: its key; name: its declared name (the key when undeclared); commitments: in
    scenario order; total: the sum of the commitments' lines."""

    funder: str
    name: str
    commitments: Sequence[CommitmentPlan]
    total: Measures


@dataclass(frozen=True, slots=True)
class BasisPlan:
    """One basis. title: the terminal's plan-against-actual table; forecast_title: the
    terminal's forecast table; sheet_title: the block's title on the sheet; funders: in
    scenario order; total: the sum of the funders'."""

    basis: str
    title: str
    forecast_title: str
    sheet_title: str
    funders: tuple[FunderPlan, ...]
    total: Measures


@dataclass(frozen=True, slots=True)
class PlanVsActual:
    """`budget actuals`'s report.

    scenario: its name; currency: of every amount; year_label: how the scenario names a
    fiscal year; years: every year of the rows;
    statuses: each year's status ("closed", "current", "future"); status: the sentence
    saying which years are which; files: the actuals files read; unplanned_note: how many
    bookings belong to no commitment ("" when none do); sheet_title: the sheet's title;
    bases: the cash, the commitment, then the receipts basis, each only when it has rows.
    """

    scenario: str
    currency: str
    year_label: Callable[[int], str]
    years: tuple[int, ...]
    statuses: tuple[str, ...]
    status: str
    files: tuple[str, ...]
    unplanned_note: str
    sheet_title: str
    bases: tuple[BasisPlan, ...]


def status_line(frame: pd.DataFrame) -> str:
    """Which years are closed, current and future on the as_of date."""
    as_of = frame.attrs.get("as_of")
    if not as_of:
        return "No actuals date: every year is still plan (forecast = planned)."
    status_column = frame["status"]
    if not isinstance(status_column.dtype, pd.CategoricalDtype):
        status_column = status_column.astype("category")
    codes = status_column.cat.codes.to_numpy(np.int64)
    names = [str(n) for n in status_column.cat.categories]
    pairs = pd.DataFrame({"status": codes, "year": frame["year"].to_numpy(np.int64)})
    pairs = pairs.drop_duplicates()
    parts = []
    for status in Status:
        if status.value not in names:
            continue
        mine = pairs["year"].to_numpy()[pairs["status"].to_numpy() == names.index(status.value)]
        years = sorted(set(mine.tolist()))
        if years:
            parts.append(f"{status} {_years(years)}")
    return f"Actuals complete up to {as_of}: " + "; ".join(parts) + "."


def _years(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def plan_vs_actual_report(scenario: Scenario, realised: pd.DataFrame) -> PlanVsActual:
    """The report of the plan-vs-actual rows of `scenario` (see the module docstring)."""
    name = realised.attrs.get("scenario", "")
    unit = scenario.currency
    years = sorted({int(y) for y in realised["year"].unique()})
    first = realised.drop_duplicates("year")  # a year's status is the same on every row
    status_of = dict(zip(first["year"].tolist(), first["status"].astype(str), strict=True))
    unplanned = int(realised.attrs.get("unplanned_bookings", 0))
    note = (
        f"{unplanned:,} booking{' has' if unplanned == 1 else 's have'} no commitment of "
        "this scenario; counted under (unplanned)."
        if unplanned
        else ""
    )
    bases = []
    names = _names(scenario)
    for basis, title, sheet_title in BLOCKS:
        mine = realised[realised["basis"] == basis]
        if mine.empty:
            continue
        funders, total = _funders(scenario, mine, years, names)
        bases.append(
            BasisPlan(
                basis,
                f"{name}, {title}: plan against actual ({unit})",
                f"{name}, {title}: forecast ({unit})",
                sheet_title,
                funders,
                total,
            )
        )
    return PlanVsActual(
        scenario=scenario.name,
        currency=unit,
        year_label=scenario.label,
        years=tuple(years),
        statuses=tuple(status_of[y] for y in years),
        status=status_line(realised),
        files=tuple(str(f) for f in realised.attrs.get("files", ())),
        unplanned_note=note,
        sheet_title=f"{scenario.name}: plan against actual",
        bases=tuple(bases),
    )


class CommitmentLines(Sequence[CommitmentPlan]):
    """One funder's commitment lines, made when read: at register scale the terminal shows
    only the funders' totals, so that 100,000 commitments' lines are never made for it.
    Reads as a tuple of CommitmentPlan (equal to the tuple of the same lines)."""

    __slots__ = ("_grid", "_ids", "_names")

    def __init__(self, grid: IntArray, ids: list[str], names: Mapping[str, str]) -> None:
        self._grid = grid  # (lines, 4 measures, years): planned, actual, variance, forecast
        self._ids = ids
        self._names = names  # a commitment's name by id (the id when it has none)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        """The lines' commitment ids, in order, without making the lines."""
        return self._ids

    @overload
    def __getitem__(self, index: int) -> CommitmentPlan: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[CommitmentPlan, ...]: ...
    def __getitem__(self, index: int | slice) -> CommitmentPlan | tuple[CommitmentPlan, ...]:
        if isinstance(index, slice):
            return tuple(self._made(range(len(self))[index]))
        position = range(len(self))[index]  # IndexError as a tuple's
        return next(iter(self._made([position])))

    def __iter__(self) -> Iterator[CommitmentPlan]:
        for start in range(0, len(self), BLOCK):
            yield from self._made(range(start, min(start + BLOCK, len(self))))

    def _made(self, positions: Sequence[int]) -> Iterator[CommitmentPlan]:
        at = np.asarray(positions, dtype=np.int64)
        for position, line in zip(positions, self._grid[at].tolist(), strict=True):
            measures = Measures(*map(tuple, line))
            cid = self._ids[position]
            yield CommitmentPlan(cid, self._names.get(cid, cid), measures)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CommitmentLines | tuple):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


# Lines made at a time when they are read one after another.
BLOCK = 10_000


def _funders(
    scenario: Scenario, rows: pd.DataFrame, years: list[int], names: Mapping[str, str]
) -> tuple[tuple[FunderPlan, ...], Measures]:
    """Per funder (category order) and commitment (category order): the lines of one basis,
    placed by arrays (one pivot of the basis' rows), not by a filter per line."""
    funder = rows["funder"].cat.codes.to_numpy(np.int64)
    commitment = rows["commitment"].cat.codes.to_numpy(np.int64)
    commitments = rows["commitment"].cat.categories
    funder_keys = list(rows["funder"].cat.categories)
    pair = funder * len(commitments) + commitment
    # The distinct pairs in funder order, then commitment order, and each row's line: by
    # sorting (numpy 2.4's np.unique hashes first, several times slower).
    order = np.argsort(pair, kind="stable")
    ordered = pair[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.zeros(0, bool)
    pairs = ordered[new]
    line_of = np.empty(len(pair), dtype=np.int64)
    line_of[order] = np.cumsum(new) - 1
    column_of = np.searchsorted(np.asarray(years, dtype=np.int64), rows["year"].to_numpy(np.int64))
    # planned, actual, variance, forecast; one row per commitment, funder, basis and year
    # (`compare` sums by that key)
    grid = np.zeros((len(pairs), 4, len(years)), dtype=np.int64)
    for index, column in enumerate(("planned_cents", "actual_cents", "forecast_cents")):
        grid[line_of, (0, 1, 3)[index], column_of] = rows[column].to_numpy(np.int64)
    grid[:, 2] = grid[:, 1] - grid[:, 0]
    pair_funder = pairs // len(commitments)
    pair_commitment = pairs % len(commitments)
    ids = commitments.to_numpy(object).astype(str)[pair_commitment].tolist()
    starts = np.flatnonzero(np.r_[True, pair_funder[1:] != pair_funder[:-1]][: len(pairs)])
    ends = [*starts[1:], len(pairs)]
    sums = np.add.reduceat(grid, starts, axis=0) if len(pairs) else grid[:0]
    out = []
    for number, (start, stop) in enumerate(zip(starts, ends, strict=True)):
        key = str(funder_keys[pair_funder[start]])
        lines = CommitmentLines(grid[start:stop], ids[start:stop], names)
        full = scenario.funders[key].name if key in scenario.funders else key
        out.append(FunderPlan(key, full, lines, _measures(sums[number])))
    return tuple(out), _measures(grid.sum(axis=0))


def _names(scenario: Scenario) -> dict[str, str]:
    """The commitments' names by id, where a commitment has one."""
    return {c.id: c.name for c in scenario.commitments if c.name}


def _measures(amounts: IntArray) -> Measures:
    planned, actual, variance, forecast = (tuple(amounts[i].tolist()) for i in range(4))
    return Measures(planned, actual, variance, forecast)


def line_ids(lines: Sequence[CommitmentPlan]) -> list[str]:
    """The commitment ids of a funder's lines (without making them when they are lazy)."""
    if isinstance(lines, CommitmentLines):
        return lines.ids
    return [line.commitment for line in lines]
