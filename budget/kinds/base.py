"""What every commitment kind provides, and the result of computing one.

A kind is one module with one object: the fields it reads, how it parses them, which years
it spans and one pure vectorised `compute` over arrays of shape (draws, commitments, years).
The engine materialises the per-year inputs a kind names in `year_inputs`; a projection has
one draw, a simulation many. What a kind needs in the layers above (its explainer,
calculation lines, strategy and reference) is listed in `budget/kinds/__init__.py`.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.fields import FieldReader
from budget.core.money import scale_round
from budget.core.periods import FiscalCalendar
from budget.kinds.spec_columns import values_of

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Flows:
    """What a block of commitments pays, each array of shape (draws, commitments, years).

    cash: payments in the fiscal year they are made.
    commitment: obligations in the fiscal year they are entered into.
    binds: where a cap reduced the payment below the shortfall; None for kinds without a cap.
    """

    cash: IntArray
    commitment: IntArray
    binds: BoolArray | None = None


class Kind(Protocol):
    """A commitment kind: see the module docstring."""

    name: str
    summary: str
    fields: Mapping[str, str]
    year_inputs: tuple[str, ...]
    uncertain: frozenset[str]
    # True: recorded in one year and paid over others (see funder_split.split_commitments). False:
    # the commitment basis equals the cash basis in every year (the engine relies on it).
    commits_up_front: bool

    def parse(self, reader: FieldReader) -> Any | None:
        """The kind's spec from its fields, or None when a problem was recorded."""
        ...

    def columns(self, specs: Sequence[Any]) -> Columns:
        """The specs as columns, one entry per row: what `span_of`, `derived` and `compute`
        read. Built once when a scenario is loaded (see budget/kinds/table.py). `specs` may
        be a `SpecColumns` (a register's rows, kept as columns): read its fields with
        `values_of` and `by_year_column`, not as objects."""
        ...

    def span_of(self, columns: Columns, calendar: FiscalCalendar) -> IntArray:
        """The first and last fiscal year in which each commitment has any amount:
        int64 (K, 2). For specs rather than columns, see `spans`."""
        ...

    def most(self, spec: Any) -> int:
        """The most the commitment can pay over its whole span, in cents (an upper bound,
        with uncertain inputs at the top of their ranges), to refuse amounts that could
        not be added up exactly in int64."""
        ...

    # Optional: `most_of_columns(columns) -> int | None`, the sum of `most` over the rows
    # of the kind's columns, or None when the columns cannot tell (the loader's int64
    # check then makes the specs; see budget.load.checks and budget.kinds.spec_columns).

    def derives_shortfall(self, spec: Any) -> bool:
        """True when the engine must derive the `shortfall` input from the recipient."""
        ...

    def derived(self, columns: Columns) -> BoolArray:
        """`derives_shortfall` of every row, from columns."""
        ...

    def compute(
        self,
        columns: Columns,
        years: IntArray,
        calendar: FiscalCalendar,
        inputs: Mapping[str, IntArray],
        active: BoolArray,
    ) -> Flows:
        """Pure and vectorised: inputs of shape (draws or 1, K, Y), active of shape (K, Y)."""
        ...


_NONE = np.zeros(0, dtype=np.int64)

# A kind's columns: name -> an array (or ByYearColumn) with one entry per commitment.
Columns = dict[str, Any]


def read_span(reader: FieldReader) -> tuple[int | None, int | None, tuple[int, int] | None]:
    """`first_year` and `last_year` (both required), and the span they make, or None when
    either is missing or last_year is before first_year (which is reported)."""
    first = reader.year("first_year", required=True)
    last = reader.year("last_year", required=True)
    if first is None or last is None:
        return first, last, None
    if first > last:
        reader.error("last_year", f"{last} is before first_year {first}")
        return first, last, None
    return first, last, (first, last)


def take(columns: Columns, rows: IntArray) -> Columns:
    """The columns of some rows (in the order given)."""
    return {name: column[rows] for name, column in columns.items()}


def spans(kind: Kind, specs: Sequence[Any], calendar: FiscalCalendar) -> IntArray:
    """`Kind.span_of` for some specs of the kind (not a loaded scenario's columns)."""
    return kind.span_of(kind.columns(specs), calendar)


def ints(specs: Sequence[Any], name: str, missing: int = -1) -> IntArray:
    """An int64 column of one attribute of the specs, `missing` where it is None."""
    values = values_of(specs, name)
    try:
        return np.array(values, dtype=np.int64).reshape(len(values))  # no None: in C
    except TypeError:
        return np.array([missing if v is None else v for v in values], dtype=np.int64)


def year_span_mask(first: IntArray, last: IntArray, years: IntArray) -> BoolArray:
    """active[k, y]: year y lies within first[k] .. last[k]."""
    return (years[None, :] >= first[:, None]) & (years[None, :] <= last[:, None])


def largest(values: Any) -> int:
    """The largest value a per-year input (ByYear) can take, 0 when absent."""
    if values is None:
        return 0
    if type(values.every) is int:
        return values.every
    items = [values.every] if values.every is not None else [v for _, v in values.table]
    return max((v if isinstance(v, int) else v.bounds()[1] for v in items), default=0)


def products(amounts: IntArray, years: IntArray) -> IntArray | list[int]:
    """Each amount times its years, exactly: int64 when every product and their sum fit
    (the usual case), else Python ints."""
    if not len(amounts):
        return amounts
    largest_product = int(np.abs(amounts).max()) * int(np.abs(years).max())
    if largest_product * len(amounts) < 2**62:
        found: IntArray = amounts * years
        return found
    return list(map(operator.mul, amounts.tolist(), years.tolist()))


def year_spans(columns: Columns) -> IntArray:
    """(first_year, last_year) of kinds that carry them, as int64 (K, 2)."""
    return np.stack([columns["first_year"], columns["last_year"]], axis=1)


def object_codes(values: Sequence[Any]) -> tuple[IntArray, IntArray]:
    """A code per value by its object (its address, hashed in C), codes in order of first
    appearance, and the place of each code's first value."""
    if not len(values):
        return _NONE, _NONE
    addresses = np.fromiter(map(id, values), np.int64, len(values))
    by_object, _ = pd.factorize(addresses, sort=False)
    # Codes are numbered as objects first appear: a code is new where it exceeds all before.
    seen = np.maximum.accumulate(by_object)
    return by_object, np.flatnonzero(np.r_[True, by_object[1:] > seen[:-1]])


def distinct_codes(values: Sequence[Any]) -> tuple[IntArray, list[Any]]:
    """A code per value and the distinct values, equal values sharing a code, codes in
    order of first appearance.

    Codes values by identity first (hashing object addresses in C): parsed scenarios share
    objects for equal inputs, and hashing exact fractions one by one is slow. Only the
    distinct objects are then compared by value.
    """
    by_object, firsts = object_codes(values)
    by_value: dict[Any, int] = {}
    distinct: list[Any] = []
    code_of_object = np.empty(len(firsts), dtype=np.int64)
    for k, i in enumerate(firsts.tolist()):
        value = values[i]
        code = by_value.setdefault(value, len(distinct))
        if code == len(distinct):
            distinct.append(value)
        code_of_object[k] = code
    return code_of_object[by_object].astype(np.int64, copy=False), distinct


def index_by_series(
    amount: IntArray, index: npt.NDArray[np.object_] | None, years: IntArray, active: BoolArray
) -> None:
    """Scale in place the cells of rows indexed by a series (`index` not None): amount of
    shape (draws, K, Y) times each year's factor, rounded once per cell."""
    if not has_series(index):
        return
    assert index is not None
    code_of, series = distinct_codes(index.tolist())
    for code, indexed in enumerate(series):
        if indexed is None:
            continue
        rows = np.flatnonzero(code_of == code)
        for j, year in enumerate(years.tolist()):
            cells = rows[active[rows, j]]  # within the span, so the rates reach the year
            factor = indexed.factor(year) if len(cells) else Fraction(1)
            if factor != 1:
                amount[:, cells, j] = scale_round(amount[:, cells, j], factor)


def has_series(index: npt.NDArray[np.object_] | None) -> bool:
    """Whether any row of an index column (budget.core.indices.Indexed or None) is indexed."""
    if index is None:
        return False
    values = index.tolist()
    return values.count(None) != len(values)
