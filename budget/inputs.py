"""Per-year inputs as arrays: fixed cents plus the cells whose value is uncertain.

A projection fills uncertain cells with their central values; a simulation with random
draws. Either way the engine sees int64 arrays of shape (draws, rows, years).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from budget.model import ByYear, Dist

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Sampler(Protocol):
    """Gives values for uncertain cells: an array of shape (draws, len(dists))."""

    draws: int

    def sample(self, dists: Sequence[Dist]) -> IntArray: ...


class CentralValues:
    """The sampler of a projection: one draw, each distribution's central value."""

    draws = 1

    def sample(self, dists: Sequence[Dist]) -> IntArray:
        return np.array([[d.central() for d in dists]], dtype=np.int64).reshape(1, len(dists))


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

    def values(self, sampler: Sampler) -> IntArray:
        """int64 (draws or 1, rows, years): fixed values with the uncertain cells filled."""
        if not self.dists:
            return self.fixed[None]
        draws = sampler.sample(self.dists)
        out = np.repeat(self.fixed[None], draws.shape[0], axis=0)
        out[:, self.cell_rows, self.cell_cols] = draws
        return out

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
            tuple(d for d, k in zip(self.dists, keep, strict=True) if k),
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
        column = np.fromiter(values, dtype=object, count=n)
        given = np.fromiter((v is not None for v in values), bool, n)
        every = [v.every if v is not None else 0 for v in values]
        plain = np.fromiter((type(e) is int for e in every), bool, n)
        amounts = np.fromiter((e if type(e) is int else 0 for e in every), np.int64, n)
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
