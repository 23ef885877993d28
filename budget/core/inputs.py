"""Per-year inputs as arrays: fixed cents plus the cells whose value is uncertain.

A projection fills uncertain cells with their central values; a simulation with random
draws. Either way the engine sees int64 arrays of shape (draws, rows, years).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from budget.core.dists import Dist
from budget.core.model import ByYear
from budget.core.records import by_columns

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
    """Arrays for `values[k]` over `years`, only where `active[k, y]`, cell by cell: the
    plain reference that `ByYearColumn.table` (what the engine uses) is tested against."""
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
class _Cells:
    """The inputs of a column's rows that are not one fixed amount, flattened once (at
    load) into arrays, so that a plan's year tables are made without Python per cell.

    row, year, cents: every cell of the tables by year, rows ascending and each table in
    its order; dist: per cell, its place in `dists` (-1 for a fixed amount; empty when no
    cell is uncertain); every_rows,
    every_dists: the rows whose input is one distribution for every year.
    """

    row: IntArray
    year: IntArray
    cents: IntArray
    dist: IntArray
    dists: tuple[Dist, ...]
    every_rows: IntArray
    every_dists: tuple[Dist, ...]

    @classmethod
    def of(cls, values: Sequence[ByYear], rows: IntArray) -> _Cells:
        """The cells of `values` (inputs that are not one fixed amount) of column `rows`."""
        tables = [v.table for v in values]
        every = [i for i, v in enumerate(values) if v.every is not None]
        flat = list(itertools.chain.from_iterable(tables))
        count = len(flat)
        year = np.fromiter(map(operator.itemgetter(0), flat), np.int64, count)
        items = list(map(operator.itemgetter(1), flat))
        dist = _NONE  # none uncertain: no array of -1 (a million tables hold 20 million cells)
        dists: tuple[Dist, ...] = ()
        try:
            cents = np.array(items, dtype=np.int64).reshape(count)
        except TypeError:  # a distribution among the cells
            dist = np.full(count, -1, dtype=np.int64)
            uncertain = [i for i, item in enumerate(items) if isinstance(item, Dist)]
            dist[uncertain] = np.arange(len(uncertain))
            dists = tuple(items[i] for i in uncertain)
            cents = np.array(
                [0 if isinstance(item, Dist) else item for item in items], dtype=np.int64
            ).reshape(count)
        lengths = np.fromiter(map(len, tables), np.int64, len(tables))
        every_dists = tuple(values[i].every for i in every)
        return cls(
            np.repeat(rows, lengths),
            year,
            cents,
            dist,
            dists,
            rows[np.array(every, dtype=np.int64)] if every else _NONE,
            every_dists,  # type: ignore[arg-type]
        )

    def take(self, rows: IntArray, count: int) -> _Cells:
        """The cells of some of the column's `count` rows, renumbered (in `rows` order)."""
        position = np.full(count, -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        row = position[self.row]
        keep = np.flatnonzero(row >= 0)
        keep = keep[np.argsort(row[keep], kind="stable")]
        dist = renumbered = _NONE
        uncertain = np.zeros(0, dtype=bool)
        if self.dists:
            dist = self.dist[keep]
            uncertain = dist >= 0
            renumbered = np.full(len(keep), -1, dtype=np.int64)
            renumbered[uncertain] = np.arange(int(uncertain.sum()))
        every = position[self.every_rows]
        every_keep = np.flatnonzero(every >= 0)
        every_keep = every_keep[np.argsort(every[every_keep], kind="stable")]
        return _Cells(
            row[keep],
            self.year[keep],
            self.cents[keep],
            renumbered,
            tuple(map(self.dists.__getitem__, dist[uncertain].tolist())),
            every[every_keep],
            tuple(map(self.every_dists.__getitem__, every_keep.tolist())),
        )

    def into(self, fixed: IntArray, years: IntArray, active: BoolArray) -> YearTable:
        """Write the fixed cells that fall in active years into `fixed`; the year table with
        the uncertain cells, in `year_table`'s order (by row, then each table's order, or
        the active years of an every-year distribution)."""
        width = len(years)
        col = self.year - int(years[0])
        flat = self.row * width + col  # positions in the (rows, years) arrays, raveled
        if len(col) and (int(col.min()) < 0 or int(col.max()) >= width):
            inside = np.flatnonzero((col >= 0) & (col < width))
            at = inside[np.take(active, flat[inside])]
        else:
            at = np.flatnonzero(np.take(active, flat))
        if not self.dists:  # fixed amounts only: the common table by year
            fixed.put(flat[at], self.cents[at])  # flat positions, in place
            at = at[:0]
        rows, cols, dist = self.row[at], col[at], self.dist[at]
        plain = dist < 0
        fixed[rows[plain], cols[plain]] = self.cents[at[plain]]
        every_at, every_cols = np.nonzero(active[self.every_rows])
        cell_rows = np.concatenate([rows[~plain], self.every_rows[every_at]])
        cell_cols = np.concatenate([cols[~plain], every_cols])
        # Within a row, the table's order (its cells' places) or the years ascending.
        within = np.concatenate([at[~plain], every_cols])
        order = np.lexsort((within, cell_rows))
        found = [self.dists[i] for i in dist[~plain].tolist()]
        found += [self.every_dists[i] for i in every_at.tolist()]
        return YearTable(
            fixed,
            np.ones(0, dtype=bool),  # set by the caller
            cell_rows[order].astype(np.int64),
            cell_cols[order].astype(np.int64),
            tuple(found[i] for i in order.tolist()),
        )


@dataclass(frozen=True, slots=True)
class ByYearColumn:
    """One per-year input (ByYear or None) of many commitments, as columns.

    given: whether a row has an input; plain: rows whose input is one fixed amount for
    every year (or absent), the common case that needs no Python per row; every: that
    amount (0 elsewhere); cells: the other rows' inputs as flat arrays (tables by year,
    distributions), made once when the column is.
    """

    given: BoolArray
    plain: BoolArray
    every: IntArray
    cells: _Cells | None = None

    @classmethod
    def of(cls, values: Sequence[ByYear | None]) -> ByYearColumn:
        n = len(values)
        given = np.array([v is not None for v in values], dtype=bool).reshape(n)
        every = [0 if v is None else v.every for v in values]
        try:
            # One fixed amount in every row (the common case): converted in C.
            amounts = np.array(every, dtype=np.int64).reshape(n)
            plain = np.ones(n, dtype=bool)
        except TypeError:  # a table (every is None) or a distribution somewhere
            plain = np.array([type(e) is int for e in every], dtype=bool).reshape(n)
            amounts = np.array([e if type(e) is int else 0 for e in every], dtype=np.int64)
        others = np.flatnonzero(~plain)
        cells = None
        if len(others):
            tables = list(map(values.__getitem__, others.tolist()))  # (not plain: no None)
            cells = _Cells.of(tables, others)  # type: ignore[arg-type]
        return cls(given, plain, amounts, cells)

    @classmethod
    def of_amounts(cls, cents: Sequence[int | None]) -> ByYearColumn:
        """The column of inputs that are each one amount for every year (cents), or absent
        (None): what `of` gives for their ByYear objects, without making them."""
        n = len(cents)
        given = np.fromiter(map(operator.is_not, cents, itertools.repeat(None)), bool, n)
        try:
            amounts = np.array(cents, dtype=np.int64).reshape(n)  # none absent: in C
        except TypeError:
            amounts = np.array([0 if c is None else c for c in cents], dtype=np.int64)
        return cls(given, np.ones(n, dtype=bool), amounts.reshape(n), None)

    def __len__(self) -> int:
        return len(self.given)

    def __getitem__(self, rows: IntArray) -> ByYearColumn:
        cells = None if self.cells is None else self.cells.take(rows, len(self))
        if cells is not None and not len(cells.row) and not len(cells.every_rows):
            cells = None
        return ByYearColumn(self.given[rows], self.plain[rows], self.every[rows], cells)

    def table(self, years: IntArray, active: BoolArray) -> YearTable:
        """`year_table` of these inputs, from arrays: the plain rows in bulk, the others'
        cells as flattened when the column was made."""
        fixed = np.where(active & self.given[:, None], self.every[:, None], 0)
        if self.cells is None:
            return YearTable(fixed, self.given, _NONE, _NONE, ())
        part = self.cells.into(fixed, years, active)
        return YearTable(fixed, self.given, part.cell_rows, part.cell_cols, part.dists)


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


_EVERY: dict[int, ByYear] = {}


def every_cents(cents: int) -> ByYear:
    """One ByYear object for equal amounts (registers repeat caps and amounts)."""
    found = _EVERY.get(cents)
    if found is None:
        if len(_EVERY) > 100_000:
            _EVERY.clear()
        found = _EVERY.setdefault(cents, ByYear(every=cents))
    return found


def every_cents_of(amounts: Iterable[int]) -> dict[int, ByYear]:
    """`every_cents` of each distinct amount; the new ones' objects made a column at a time
    (a register of 100,000 rows holds tens of thousands of distinct amounts)."""
    distinct = set(amounts)
    new = [c for c in distinct if c not in _EVERY]
    if len(_EVERY) + len(new) > 100_000:
        _EVERY.clear()
        new = list(distinct)
    _EVERY.update(zip(new, by_columns(ByYear, len(new), (new, itertools.repeat(()))), strict=True))
    return {c: _EVERY[c] for c in distinct}


def by_year_of_amounts(cents: Sequence[int | None]) -> list[ByYear | None]:
    """Each amount as the ByYear a reader gives for it (one object per distinct amount),
    None where there is none."""
    found: dict[Any, Any] = {None: None}
    found.update(every_cents_of({c for c in set(cents) if c is not None}))
    return list(map(found.__getitem__, cents))
