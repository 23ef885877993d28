"""Per-year inputs as arrays: fixed cents plus the cells whose value is uncertain.

A projection fills uncertain cells with their central values; a simulation with random
draws. Either way the engine sees int64 arrays of shape (draws, rows, years).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from budget.core.dists import Dist
from budget.core.model import ByYear

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class YearTable:
    """One per-year input for a block of rows.

    fixed: int64 (rows, years), zero where no value applies.
    given: bool (rows,), whether the row has this input at all.
    cell_rows, cell_cols, dists: the uncertain cells and their distributions.
    """

    fixed: IntArray
    given: BoolArray
    cell_rows: IntArray
    cell_cols: IntArray
    dists: tuple[Dist, ...]

    @property
    def is_uncertain(self) -> bool:
        return bool(self.dists)

    def subset(self, rows: IntArray) -> YearTable:
        """The table for some of its rows (in the order given)."""
        position = np.full(len(self.given), -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        keep = position[self.cell_rows] >= 0
        return YearTable(
            self.fixed[rows],
            self.given[rows],
            position[self.cell_rows[keep]],
            self.cell_cols[keep],
            # Only the kept cells in Python: a plan's chunks each take a few of many.
            tuple(map(self.dists.__getitem__, np.flatnonzero(keep).tolist())),
        )


def year_table(values: Sequence[ByYear | None], years: IntArray, active: BoolArray) -> YearTable:
    """Arrays for `values[k]` over `years`, only where `active[k, y]`."""
    k, y0 = len(values), int(years[0])
    every = np.zeros(k, dtype=np.int64)
    has_every = np.zeros(k, dtype=bool)
    given = np.array([v is not None for v in values], dtype=bool)
    rows: list[int] = []
    cols: list[int] = []
    dists: list[Dist] = []
    table_cells: list[tuple[int, int, int]] = []
    for i, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value.every, int):
            every[i] = value.every
            has_every[i] = True
        elif isinstance(value.every, Dist):
            # An uncertain input given for every year is drawn independently each year.
            for active_col in np.flatnonzero(active[i]):
                rows.append(i)
                cols.append(int(active_col))
                dists.append(value.every)
        else:
            for year, item in value.table:
                col = year - y0
                if not 0 <= col < len(years) or not active[i, col]:
                    continue
                if isinstance(item, Dist):
                    rows.append(i)
                    cols.append(col)
                    dists.append(item)
                else:
                    table_cells.append((i, col, item))
    fixed = np.where(has_every[:, None] & active, every[:, None], 0).astype(np.int64)
    for i, col, cents in table_cells:
        fixed[i, col] = cents
    return YearTable(
        fixed,
        given,
        np.array(rows, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        tuple(dists),
    )


def column_of(values: Sequence[object]) -> npt.NDArray[np.object_]:
    """A one-dimensional object array of `values` (numpy would nest tuples as rows)."""
    return np.fromiter(values, dtype=object, count=len(values))


@dataclass(frozen=True, slots=True)
class ByYearColumn:
    """One per-year input (ByYear or None) of many commitments, as columns.

    values: the inputs themselves (an object array); given: whether a row has one; plain:
    rows whose input is one fixed amount for every year (or absent), the common case that
    needs no Python per row; every: that amount (0 elsewhere).
    """

    values: npt.NDArray[np.object_]
    given: BoolArray
    plain: BoolArray
    every: IntArray

    @classmethod
    def of(cls, values: Sequence[ByYear | None]) -> ByYearColumn:
        n = len(values)
        column = column_of(values)
        given = np.array([v is not None for v in values], dtype=bool).reshape(n)
        every = [0 if v is None else v.every for v in values]
        try:
            # One fixed amount in every row (the common case): converted in C.
            amounts = np.array(every, dtype=np.int64).reshape(n)
            plain = np.ones(n, dtype=bool)
        except TypeError:  # a table (every is None) or a distribution somewhere
            plain = np.array([type(e) is int for e in every], dtype=bool).reshape(n)
            amounts = np.array([e if type(e) is int else 0 for e in every], dtype=np.int64)
        return cls(column, given, plain, amounts)

    def __len__(self) -> int:
        return len(self.given)

    def __getitem__(self, rows: IntArray) -> ByYearColumn:
        return ByYearColumn(self.values[rows], self.given[rows], self.plain[rows], self.every[rows])

    def table(self, years: IntArray, active: BoolArray) -> YearTable:
        """`year_table` of these inputs: the plain rows in bulk, the others one by one."""
        fixed = np.where(active & self.given[:, None], self.every[:, None], 0)
        others = np.flatnonzero(~self.plain)
        if not len(others):
            return YearTable(fixed, self.given, _NONE, _NONE, ())
        part = year_table(self.values[others].tolist(), years, active[others])
        fixed[others] = part.fixed
        return YearTable(fixed, self.given, others[part.cell_rows], part.cell_cols, part.dists)


_NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Inputs:
    """The uncertain inputs of a plan: one per uncertain cell (owner, field, year).

    Every way of running the engine fills one int64 array (draws, inputs) in this order:
    central values for a projection, random draws for a simulation, chosen values for a
    search. The order is the order in which the engine reads them (block by block, field
    by field, each table's cells in order), so that a table's values are a slice of the
    array. `in_draw_order` gives the order in which random streams draw them.

    owner: 0 for a commitment, 1 for a recipient; index: its position in the scenario;
    field: "shortfall", "amount", "costs", ...; column: the year's index in the plan's
    years; dists: the distributions; origin: the position in the plan compiled from the
    whole scenario (a subset keeps it, so that values can be carried over).
    """

    owner: IntArray
    index: IntArray
    field: tuple[str, ...]
    column: IntArray
    dists: tuple[Dist, ...]
    origin: IntArray
    field_rank: IntArray

    def __len__(self) -> int:
        return len(self.dists)

    def take(self, positions: IntArray) -> Inputs:
        picked = positions.tolist()
        return Inputs(
            self.owner[positions],
            self.index[positions],
            tuple(self.field[i] for i in picked),
            self.column[positions],
            tuple(self.dists[i] for i in picked),
            self.origin[positions],
            self.field_rank[positions],
        )

    def central(self) -> IntArray:
        """The central value of every input: the values of a projection, int64 (1, inputs)."""
        return np.array([[d.central() for d in self.dists]], dtype=np.int64).reshape(1, -1)

    def in_draw_order(self) -> IntArray:
        """The inputs in the order that random streams draw them: by owner (commitments,
        then recipients, by position), then the owner's fields in order (a kind's fields;
        costs, then income), then years ascending."""
        return np.lexsort((self.column, self.field_rank, self.index, self.owner))

    def owners(self) -> list[tuple[int, int, IntArray]]:
        """(owner, index, its inputs in draw order) for every owner of inputs."""
        if not len(self):
            return []
        order = self.in_draw_order()
        key = (self.owner * (int(self.index.max()) + 1) + self.index)[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        ends = np.r_[starts[1:], len(key)]
        return [
            (int(self.owner[order[a]]), int(self.index[order[a]]), order[a:b])
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
        ]
