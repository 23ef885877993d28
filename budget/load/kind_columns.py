"""The kinds' fields of a register read as whole columns: one pass per kind, no reader per row.

For each kind with a column parser here (`PARSERS`), the rows of that kind whose common
fields were read column by column (`commitments._Rows`) get their specs from the
register's columns (`columns.Columns`), kept as columns (budget.kinds.spec_columns: the
engine's columns and the loader's checks read them, no spec object is made until one is
read), when every field of the kind that the row fills
is one the column checks read and the values pass the kind's own rules (the span's years
in order, a grant's end after its start, ...). Any other row (an empty required field, a
cell the column checks could not read, a field only the kind's parser handles, such as an
indexation series or a schedule) gets None, and is read by the kind's parser through a
`ColumnReader`, row by row, as before: so every problem is still worded by the one
`FieldReader` and the kind. tests/load/test_register_columns.py compares the specs and
problems of both paths, and those of reading every row field by field, on generated
registers.

A kind without a parser here is read row by row; a kind whose `parse` or `check` changes
must change its parser here too (the property tests fail until it does).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from fractions import Fraction
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.fields import YEAR_MAX, YEAR_MIN
from budget.kinds.annual import Annual
from budget.kinds.base import distinct_codes
from budget.kinds.grant import MAX_YEARS, Grant
from budget.kinds.spec_columns import SpecColumns, SpecList
from budget.kinds.top_up import TopUp
from budget.load.columns import Columns
from budget.load.register import not_none

BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]
_ZERO = Fraction(0)  # annual's rate when none is given (one object: see distinct_codes)
# What a parser gives: the places (among the rows it was given) of the rows it read, and
# their specs.
Parsed = tuple[list[int], SpecColumns]


class _Fields:
    """The values the column checks read for some rows (`rows`) of a register, as object
    arrays (None where a cell was not read), and which of those rows fill each column."""

    def __init__(self, columns: Columns, rows: list[int]) -> None:
        self.columns = columns
        self.rows = rows
        self.cells = columns.table.columns

    def _take(self, values: list[Any] | None) -> ObjectArray:
        count = len(self.rows)
        if values is None:
            return np.full(count, None, dtype=object)
        return np.fromiter(map(values.__getitem__, self.rows), dtype=object, count=count)

    def filled(self, name: str) -> BoolArray:
        """Which rows fill the column `name`."""
        if name not in self.cells:
            return np.zeros(len(self.rows), dtype=bool)
        filled: BoolArray = np.asarray(self.columns.table.filled_of(name))[self.rows]
        return filled

    def cents(self, name: str) -> ObjectArray:
        return self._take(self.columns.cents.get(name))

    def numbers(self, name: str) -> ObjectArray:
        return self._take(self.columns.numbers.get(name))

    def dates(self, name: str) -> ObjectArray:
        return self._take(self.columns.dates.get(name))

    def shares(self, name: str) -> ObjectArray:
        return self._take(self.columns.shares.get(name))


def _read(values: ObjectArray) -> BoolArray:
    """Which values were read (are not None): whole numbers and dates, compared in C."""
    return not_none(values)


def _read_shares(values: ObjectArray) -> BoolArray:
    """Which shares were read: by identity (`!= None` would call Fraction.__eq__ in
    Python for each)."""
    return np.fromiter(map(operator.is_not, values, repeat(None)), dtype=bool, count=len(values))


def _in(values: ObjectArray, read: BoolArray, lo: int, hi: int) -> BoolArray:
    """Which values were read and lie within lo .. hi."""
    out = read.copy()
    if out.any():
        taken = values[out]  # Python ints, compared as they are (one may exceed int64)
        out[out] = (taken >= lo) & (taken <= hi)
    return out


def _years(fields: _Fields) -> tuple[ObjectArray, ObjectArray, BoolArray]:
    """first_year and last_year, and which rows have both, as years, in order (read_span)."""
    first, last = fields.numbers("first_year"), fields.numbers("last_year")
    ok = _in(first, _read(first), YEAR_MIN, YEAR_MAX) & _in(last, _read(last), YEAR_MIN, YEAR_MAX)
    if ok.any():
        ok[ok] = first[ok] <= last[ok]
    return first, last, ok


def _optional_amount(fields: _Fields, name: str) -> tuple[ObjectArray, BoolArray]:
    """An optional amount column: its cents, and which rows are fine (empty, or read)."""
    cents = fields.cents(name)
    return cents, _read(cents) | ~fields.filled(name)


def _annual(fields: _Fields) -> Parsed:
    first, last, ok = _years(fields)
    amount = fields.cents("amount")
    ok &= _read(amount) & ~fields.filled("indexation")
    at = np.flatnonzero(ok)
    count = len(at)
    columns = {
        "first_year": first[at].tolist(),
        "last_year": last[at].tolist(),
        "amount": amount[at].tolist(),
        "indexation": [_ZERO] * count,
        "index": [None] * count,
    }
    return at.tolist(), SpecColumns("annual", Annual, count, columns, _AMOUNT)


_AMOUNT = frozenset({"amount"})
_CAP_SHORTFALL = frozenset({"cap", "shortfall"})


def _top_up(fields: _Fields) -> Parsed:
    first, last, ok = _years(fields)
    cap = fields.cents("cap")
    shortfall, shortfall_ok = _optional_amount(fields, "shortfall")
    total_cap, total_cap_ok = _optional_amount(fields, "total_cap")
    ok &= _read(cap) & shortfall_ok & total_cap_ok & ~fields.filled("cap_indexation")
    at = np.flatnonzero(ok)
    count = len(at)
    columns = {
        "first_year": first[at].tolist(),
        "last_year": last[at].tolist(),
        "cap": cap[at].tolist(),
        "shortfall": shortfall[at].tolist(),
        "total_cap": total_cap[at].tolist(),
        "cap_index": [None] * count,
    }
    return at.tolist(), SpecColumns("top_up", TopUp, count, columns, _CAP_SHORTFALL)


def _grant(fields: _Fields) -> Parsed:
    total, start, end = fields.cents("total"), fields.dates("start"), fields.dates("end")
    advance = fields.shares("advance")
    has_advance = fields.filled("advance")
    lag = fields.numbers("settlement_lag")
    has_lag = fields.filled("settlement_lag")
    lag_ok = _in(lag, _read(lag), 0, 50) | ~has_lag
    ok = _read(total) & _read(start) & _read(end) & lag_ok
    # An advance that was read, or none; a settlement_lag only with an advance; neither
    # committed_in, allocation nor settled (read by the kind, with the calendar).
    ok &= (_read_shares(advance) | ~has_advance) & (has_advance | ~has_lag)
    for name in ("committed_in", "allocation", "settled"):
        ok &= ~fields.filled(name)
    at = np.flatnonzero(ok)
    if len(at):
        # The period's days: the end after the start, at most MAX_YEARS long.
        days = _ordinals(end[at]) - _ordinals(start[at])
        ok[at] = (days > 0) & (days <= 366 * MAX_YEARS)
        at = np.flatnonzero(ok)
    count = len(at)
    columns = {
        "total": total[at].tolist(),
        "start": start[at].tolist(),
        "end": end[at].tolist(),
        "allocation": ["days"] * count,  # the default
        "advance": advance[at].tolist(),
        "settlement_lag": [1 if v is None else v for v in lag[at].tolist()],
        "committed_in": [None] * count,
        "settled": [None] * count,
    }
    return at.tolist(), SpecColumns("grant", Grant, count, columns)


def _ordinals(dates: ObjectArray) -> npt.NDArray[np.int64]:
    """Each date's day number (date.toordinal), worked out once per distinct date."""
    codes, distinct = distinct_codes(dates.tolist())
    return np.array([d.toordinal() for d in distinct], dtype=np.int64)[codes]


# kind name -> its column parser: the spec of each row given, None where the row is read
# by the kind's own parser.
PARSERS: dict[str, Callable[[_Fields], Parsed]] = {
    "annual": _annual,
    "top_up": _top_up,
    "grant": _grant,
}


def column_specs(columns: Columns, kinds: list[Any]) -> SpecList:
    """Each row's spec given by the columns (kept as columns: see budget.kinds.spec_columns),
    or None where it is read row by row: the rows whose kind is None (their common fields
    need reading field by field), of a kind without a parser here, or whose kind's fields
    the column checks could not all read."""
    blocks: list[tuple[npt.NDArray[np.int64], SpecColumns]] = []
    # The rows of each kind, found in C (the kinds are a few shared objects, or None).
    codes, found = pd.factorize(pd.Series(kinds, dtype=object), sort=False)
    by_name = {kind.name: code for code, kind in enumerate(found.tolist()) if kind is not None}
    for name, parser in PARSERS.items():
        if name not in by_name:
            continue
        rows = np.flatnonzero(codes == by_name[name])
        at, made = parser(_Fields(columns, rows.tolist()))
        blocks.append((rows[np.array(at, dtype=np.int64)], made))
    return SpecList(len(kinds), blocks)
