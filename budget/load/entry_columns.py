"""TOML [[commitments]] tables as the columns of a register, so that they are checked and
built column by column too (issue 21): 100,000 tables are read as columns, not with a
reader each.

Only the plain tables are taken: every field a register column (`register.COLUMNS`), every
value a text, a whole number, a boolean, a date or a date-time (for `funders` also a table
of texts), and `name` and `source` without white space around them (they are taken as
they are written). Any other table (one with a table by year, a distribution, a float, a
list, a field that is no field) is left to be read field by field as before, and so is
each table whose values the column checks cannot all read: every problem is worded as it
always was. The columns hold the values as the TOML file gives them; equal `funders` are
one object, as equal register cells are. tests/load/test_toml_columns.py compares both
ways on generated scenarios.
"""

from __future__ import annotations

import datetime as dt
import operator
from itertools import chain, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from budget.load.inherit import Shapes, edge_spaced, shapes_of
from budget.load.register import COLUMNS, RegisterTable, filled_cells, repeats

_NAMES = frozenset(COLUMNS)
BoolArray = npt.NDArray[np.bool_]


# The types of values a column may hold here (any other value keeps its table out):
# floats are left out too, since an amount may not be one (parse_cents) and a column of
# spreadsheet numbers would take it.
_CELLS = frozenset({str, int, bool, dt.date, dt.datetime, type(None)})


def _columns_of_dicts(
    raws: list[dict[str, Any]], names: list[str]
) -> tuple[list[list[Any]], BoolArray]:
    """The value of each name in each table, column by column, None where a table has no
    such field (no TOML value is None); and which tables have each field (names x tables)."""
    try:
        # pandas' own list of dicts -> array, in C: a fifth of the time of dict.get.
        from pandas import isna
        from pandas._libs.lib import dicts_to_array  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover (not in this pandas)
        columns = [[raw.get(name) for raw in raws] for name in names]
        return columns, np.array([filled_cells(c) for c in columns], dtype=bool)
    table = dicts_to_array(raws, names)  # a missing field is the object np.nan
    flat = table.ravel()
    # pd.isna finds the missing fields in C, and any other missing-like value (a float nan
    # of the file): when it finds as many as there are missing fields, it found just them.
    absent = isna(flat)
    if int(np.count_nonzero(absent)) != len(flat) - sum(map(len, raws)):
        absent = np.fromiter(map(operator.is_, flat, repeat(np.nan)), bool, len(flat))
    flat[absent] = None
    out: list[list[Any]] = table.T.tolist()
    return out, ~absent.reshape(table.shape).T


Laid = tuple[list[str], list[list[Any]], list[BoolArray], list[set[type]]]
MAX_SHAPES = 32  # tables with more different sets of fields are laid out name by name


def _by_shape(raws: list[dict[str, Any]], shapes: Shapes | None = None) -> Laid | None:
    """The tables laid out as columns, knowing their sets of fields (a large scenario's
    tables have a few: one per kind): the field names in the order they first appear,
    the cells of each (None where a table has no such field), which tables have it, and
    the types of its cells. None for tables with more than MAX_SHAPES sets. shapes: the
    sets of fields when known (budget.load.inherit.Tables: each set, in order, -> its
    first table; each table's set, as that first table).

    Which tables have a field follows from their sets of fields, so no missing cell is
    searched for (_columns_of_dicts); the cells are read in C (pandas' list of dicts ->
    array: the same time as zipping each set's values and placing them, in less code;
    most of it is the types of the cells). tests/load/test_entry_columns_layout.py
    compares both layouts."""
    count = len(raws)
    first, codes = shapes_of(raws) if shapes is None else shapes
    if len(first) > MAX_SHAPES:
        return None
    names = list(dict.fromkeys(chain.from_iterable(first)))
    if len(first) == 1:  # every table has the same fields: no cell is missing
        (shape,) = first
        cells = [list(column) for column in zip(*map(dict.values, raws), strict=True)]
        given = [np.ones(count, dtype=bool) for _ in shape]
        return names, cells, given, [set(map(type, column)) for column in cells]
    number = np.zeros(count, dtype=np.intp)  # each table's set of fields, numbered
    number[list(first.values())] = np.arange(len(first))
    sets = number[codes]
    has = np.array([[name in shape for shape in first] for name in names], dtype=bool)
    table = _cells(raws, names)
    laid: list[list[Any]] = []
    given = []
    for j in range(len(names)):
        present = has[j][sets]
        column = table[:, j]
        if not present.all():
            column[~present] = None
        laid.append(column.tolist())
        given.append(present)
    return names, laid, given, [set(map(type, column)) for column in laid]


def _cells(raws: list[dict[str, Any]], names: list[str]) -> np.ndarray:
    """The value of each name in each table (tables x names, objects), anything where a
    table has no such field."""
    try:
        from pandas._libs.lib import dicts_to_array  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover (not in this pandas)
        table = np.empty((len(raws), len(names)), dtype=object)
        for j, name in enumerate(names):
            table[:, j] = [raw.get(name) for raw in raws]
        return table
    return dicts_to_array(raws, names)


def _by_name(raws: list[dict[str, Any]]) -> Laid:
    """The same as _by_shape, a name at a time (for tables with many sets of fields)."""
    names = list(dict.fromkeys(chain.from_iterable(raws)))
    values, given = _columns_of_dicts(raws, names)
    return names, values, list(given), [set(map(type, cells)) for cells in values]


def _shared_funders(cells: list[Any], kinds: set[type], plain: BoolArray) -> list[Any]:
    """Equal funders cells as one object (a text, or a table of texts by its items);
    a table of other values keeps its row out of `plain`. kinds: the types of the cells."""
    shared: dict[Any, Any] = {}
    if dict not in kinds:
        return list(map(shared.setdefault, cells, cells))
    # A table is found by its items, in the same pass as the texts: equal keys, the same
    # objects as one setdefault per cell in order gives.
    places = np.flatnonzero(
        np.fromiter(map(operator.is_, map(type, cells), repeat(dict)), bool, len(cells))
    ).tolist()
    tables: list[dict[str, Any]] = list(map(cells.__getitem__, places))
    keys = list(cells)
    values = list(cells)
    if set(map(type, chain.from_iterable(map(dict.values, tables)))) <= {str}:
        # Each table's items in its place, a column at a time (numpy puts them in C).
        placed = np.fromiter(keys, dtype=object, count=len(keys))
        placed[places] = np.fromiter(map(tuple, map(dict.items, tables)), object, len(places))
        keys = placed.tolist()
    else:
        for i, value in zip(places, tables, strict=True):
            if all(type(v) is str for v in value.values()):
                keys[i] = tuple(value.items())
            else:
                plain[i] = False
                keys[i] = values[i] = None
    return list(map(shared.setdefault, keys, values))


def entry_table(
    raws: list[dict[str, Any]], shown: str, shapes: Shapes | None = None
) -> tuple[RegisterTable, list[int]]:
    """The plain tables among the entries' raw tables (see the module docstring) as one
    table, a row each, and their places in `raws`. `shown` names the table (the columns'
    file: each commitment keeps its own entry's files); shapes: see `_by_shape`."""
    count = len(raws)
    plain = np.ones(count, dtype=bool)
    columns: dict[str, list[Any]] = {}
    types: dict[str, set[type]] = {}  # of each column's cells
    names, values, given, found = _by_shape(raws, shapes) or _by_name(raws)
    filled: dict[str, BoolArray] = {}
    for name, cells, has, kinds in zip(names, values, given, found, strict=True):
        if name not in _NAMES:  # no field: the tables that have it are read one by one
            plain &= ~has
            continue
        filled[name] = has
        odd = kinds - _CELLS - ({dict} if name == "funders" else set())
        if odd:
            bad = [i for i, v in enumerate(cells) if type(v) in odd]
            plain[bad] = False
            has[bad] = False
            for i in bad:
                cells[i] = None
            kinds = (kinds - odd) | {type(None)}
        if name == "funders":  # equal splits one object, as a register's cells are
            cells = _shared_funders(cells, kinds, plain)
        elif name in ("name", "source"):  # read as they are: with no white space around
            written = cells if kinds == {str} else [v if type(v) is str else "" for v in cells]
            # One pass in C, then the tables with white space around found one by one.
            if edge_spaced(written):
                plain[[i for i, v in enumerate(written) if v.strip() != v]] = False
        elif len(kinds - {type(None)}) == 1 and repeats(cells):
            # Equal values one object, as a register's repeated cells are: the TOML
            # file's values lie scattered in memory, and each later pass over a column
            # of a few values then reads those few (one type: no 1 == 1.0 == True).
            shared: dict[Any, Any] = {}
            cells = list(map(shared.setdefault, cells, cells))
        columns[name] = cells
        types[name] = kinds
    places = np.flatnonzero(plain).tolist()
    if len(places) < count:
        columns = {name: [cells[i] for i in places] for name, cells in columns.items()}
        filled = {name: has[places] for name, has in filled.items()}
    # The columns of text only (as a register's): their cells' types are not looked for
    # again by the column checks (funders: their keys and tables, as a register's).
    texts = frozenset(
        name
        for name in columns
        if name != "funders"
        and (
            types[name] <= _TEXT or (len(places) < count and set(map(type, columns[name])) <= _TEXT)
        )
    )
    return RegisterTable(shown, columns, list(range(len(places))), filled, texts), places


_TEXT = frozenset({str, type(None)})
