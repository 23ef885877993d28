"""Checking a register column by column, so that a million rows load in seconds.

Each column is checked as a whole: amounts with numpy, years, dates, shares and texts once
per distinct value. The result holds, for every cell that passed, the value the
`FieldReader` would have read from it; `ColumnReader` serves those values to the kinds'
parsers and hands every other cell to the `FieldReader` itself. So per-row Python only
reads the cells that fail, and a problem is worded by the one `FieldReader` whether it is
found here or row by row (tests/load/test_register_columns.py checks that on generated
registers).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from budget.core.errors import Problem
from budget.core.fields import YEAR_MAX, YEAR_MIN, FieldReader, as_integer
from budget.core.inputs import every_cents
from budget.core.model import ByYear
from budget.kinds import COMMON_FIELDS, KINDS
from budget.load.register import RegisterTable, filled_cells

AMOUNTS = ("amount", "cap", "shortfall", "total", "total_cap")
WHOLE_NUMBERS = ("first_year", "last_year", "committed_in", "settlement_lag", "priority")
DATES = ("start", "end")
SHARES = ("advance",)
TEXTS = ("id", "kind", "recipient", "name", "source")
BoolArray = npt.NDArray[np.bool_]
# Amounts below this many cents are exact in a binary double, with room for the cents.
EXACT_CENTS = 2**45


@dataclass(frozen=True, slots=True)
class Columns:
    """The values read from a register's columns; None where a cell was not read here.

    cents: amount columns -> cents; numbers: whole-number columns -> int; dates; shares;
    texts: text columns -> the text; unknown: per row, True when a filled column is not a
    field of the row's kind (those rows are checked field by field).
    """

    table: RegisterTable
    cents: dict[str, list[int | None]]
    numbers: dict[str, list[int | None]]
    dates: dict[str, list[dt.date | None]]
    shares: dict[str, list[Fraction | None]]
    texts: dict[str, list[str | None]]
    unknown: BoolArray


def read_columns(table: RegisterTable) -> Columns:
    """Every column of `table` read as a whole (pure)."""
    columns = table.columns
    known = table.texts  # columns known to hold text only: their types are not looked for
    cents = {
        name: _cents(columns[name], table.filled_of(name), name in known)
        for name in AMOUNTS
        if name in columns
    }

    def each(names: Iterable[str], read: Callable[[Any], Any]) -> dict[str, list[Any]]:
        return {n: _each_distinct(columns[n], read, n in known) for n in names if n in columns}

    numbers = each(WHOLE_NUMBERS, as_integer)
    dates = each(DATES, _date)
    shares = each(SHARES, _share)
    texts = {
        name: columns[name] if name in table.texts else _texts(columns[name])
        for name in TEXTS
        if name in columns
    }
    return Columns(table, cents, numbers, dates, shares, texts, _unknown_fields(table))


def _texts(cells: list[Any]) -> list[Any]:
    """The text cells (None for any other): the column itself when it holds only text."""
    if set(map(type, cells)) <= {str, type(None)}:
        return cells
    return [v if type(v) is str else None for v in cells]


def _unknown_fields(table: RegisterTable) -> BoolArray:
    """Rows with a filled cell in a column that is not a field of their kind."""
    count = len(table)
    kinds = table.columns.get("kind") or [None] * count
    # Each row's kind as a number: its place in KINDS, or len(KINDS) for any other cell.
    places = {name: i for i, name in enumerate(KINDS)}
    other = len(KINDS)
    try:
        # One lookup per distinct cell (a text is never equal to a cell of another type).
        place_of = {k: places.get(k, other) if type(k) is str else other for k in set(kinds)}
        kind_of = np.fromiter(map(place_of.__getitem__, kinds), np.intp, count)
    except TypeError:  # an unhashable cell
        kind_of = np.fromiter(
            (places.get(k, other) if type(k) is str else other for k in kinds), np.intp, count
        )
    # Every row of a register has a filled cell in some column, which a row of no known
    # kind does not have.
    unknown = kind_of == other
    for name in table.columns:
        if name in COMMON_FIELDS:
            continue
        filled = table.filled_of(name)
        if not filled.any():
            continue
        # Which kinds have the field (the last place: no known kind).
        allowed = np.array([name in kind.fields for kind in KINDS.values()] + [False])
        unknown |= filled & ~allowed[kind_of]
    return unknown


def _cents(cells: list[Any], filled: Any = None, text: bool = False) -> list[int | None]:
    """Cents of the cells that are plain non-negative amounts: digits with at most two
    decimals, whole numbers, or spreadsheet numbers that are exactly such a decimal.
    `text`: the cells are known to be texts or None."""
    count = len(cells)
    out = np.full(count, None, dtype=object)
    kinds = {str, type(None)} if text else set(map(type, cells))
    if str in kinds:
        if kinds <= {str, type(None)}:  # text only (as a CSV file's cells are)
            filled = filled_cells(cells) if filled is None else filled
            _text_cents(list(itertools.compress(cells, filled)), np.flatnonzero(filled), out)
        else:
            where = [i for i, v in enumerate(cells) if type(v) is str]
            _text_cents([cells[i] for i in where], np.array(where, dtype=np.intp), out)
    if not kinds & {int, float}:
        numbers = []  # text only (as a CSV file's cells are)
    elif kinds <= {int, float, type(None)}:
        filled = filled_cells(cells) if filled is None else filled
        at = np.flatnonzero(filled)
        numbers = list(itertools.compress(cells, filled))
    else:
        at = np.array([i for i, v in enumerate(cells) if type(v) is float or type(v) is int])
        numbers = [cells[i] for i in at.tolist()]
    if numbers:
        # Whole numbers below 2**45 are exact as doubles, so one rule serves both types: a
        # number is taken when it is exactly a decimal with at most two places.
        try:
            value = np.array(numbers, dtype=np.float64)
        except OverflowError:  # an int too large for a double: not an amount here
            value = np.array(
                [float(v) if abs(v) < EXACT_CENTS else -1.0 for v in numbers], dtype=np.float64
            )
        scaled = np.round(value * 100)
        ok = (value >= 0) & (scaled < EXACT_CENTS) & (scaled / 100 == value)
        out[at[ok]] = scaled[ok].astype(np.int64).tolist()
    cents: list[int | None] = out.tolist()
    return cents


def text_cents(texts: list[str]) -> tuple[Any, Any]:
    """(ok, cents): which of the texts are plain amounts, and their cents (an int64 array,
    meaningful where ok): ASCII digits, 1 to 12 of them, then optionally a point and at
    most two more; as `money.parse_cents` reads them. Every text is read at once, as one
    matrix of bytes (a row per text), without a Python step per text."""
    count = len(texts)
    ok = np.zeros(count, dtype=bool)
    cents = np.zeros(count, dtype=np.int64)
    if not count:
        return ok, cents
    try:
        bytes_ = np.array(texts, dtype=f"S{_WIDTH}")  # cut to _WIDTH, ending NULs dropped
        length = np.strings.str_len(bytes_)
        whole_texts = int(length.sum()) == len("".join(texts))
    except UnicodeEncodeError:  # other scripts' digits are not plain amounts
        whole_texts = False
    if not whole_texts:
        # Longer texts are not plain amounts, nor are other scripts' digits or a text
        # ending in a NUL (read and worded field by field); the others are read so.
        fits = np.fromiter(map(_plain_bytes, texts), dtype=bool, count=count)
        at = np.flatnonzero(fits)
        if len(at):
            ok[at], cents[at] = text_cents(list(itertools.compress(texts, fits)))
        return ok, cents
    chars = bytes_.view(np.uint8).reshape(count, _WIDTH)
    digits = chars - np.uint8(48)
    digit = digits < 10
    point = chars == 46
    # Every character of the text (the columns before its length) is a digit or a point.
    bad = (length[:, None] > _COLUMNS) & ~(digit | point)
    halves = bad.view(np.uint64)  # 8 columns a word: a row is bad when either is not 0
    points = point.sum(axis=1, dtype=np.int8)
    at = np.where(points == 1, point.argmax(axis=1), length)  # the point, or the end
    decimals = length - at - 1  # -1 without a point
    ok = ((halves[:, 0] | halves[:, 1]) == 0) & (points <= 1) & (decimals <= 2)
    ok &= (at >= 1) & (at <= 12)  # 1 to 12 whole digits
    # The digits as one number (the point a 0 digit): exact in int64 (below 10**16).
    number = (digits * digit) @ _TENS // _TENS[length - 1]
    places = np.clip(decimals, 0, 2)  # (only rows with at most two are kept)
    units = np.where(decimals < 0, number, number // _TENS[_WIDTH - 2 - places])
    cents = units * 100 + number % _TENS[_WIDTH - 1 - places] * _TENS[_WIDTH - 3 + places]
    return ok, cents


def _plain_bytes(text: str) -> bool:
    """Whether a text may be a plain amount as far as `text_cents`' matrix of bytes goes."""
    return len(text) <= _WIDTH and text.isascii() and not text.endswith("\0")


def _text_cents(texts: list[str], at: Any, out: Any) -> None:
    """The cents of the texts (the cells at `at`) that are plain amounts, into `out` (an
    object array); see `text_cents`."""
    ok, cents = text_cents(texts)
    if ok.any():
        out[at[ok]] = cents[ok].tolist()


_WIDTH = 16  # the longest text read as a plain amount (12 digits, the point, 2 decimals)
_COLUMNS = np.arange(_WIDTH)
_TENS = 10 ** np.arange(_WIDTH - 1, -1, -1, dtype=np.int64)  # 10**15 ... 10, 1


def _each_distinct(cells: list[Any], read: Callable[[Any], Any], text: bool = False) -> list[Any]:
    """`read` applied once per distinct cell (None where it gives None). `text`: the cells
    are known to be texts or None."""
    kinds = {str} if text else set(map(type, cells))
    kinds.discard(type(None))
    if len(kinds) <= 1:
        # One type of cell: equal cells are the same value (no 1 == 1.0 == True to tell
        # apart), so a table by cell serves the whole column.
        found: dict[Any, Any] = {None: None}
        for v in dict.fromkeys(cells):
            if v is not None:
                found[v] = read(v)
        return list(map(found.__getitem__, cells))
    seen: dict[Any, Any] = {}
    out: list[Any] = []
    for v in cells:
        if v is None:
            out.append(None)
            continue
        key = (type(v), v)
        if key not in seen:
            seen[key] = read(v)
        out.append(seen[key])
    return out


def _date(value: Any) -> dt.date | None:
    """The date FieldReader.date reads from a cell, or None when it would complain."""
    problems: list[Problem] = []
    reader = FieldReader({"d": value}, lambda _: "", lambda _: "", problems)
    day = reader.date("d")
    return None if problems else day


def _share(value: Any) -> Fraction | None:
    problems: list[Problem] = []
    reader = FieldReader({"s": value}, lambda _: "", lambda _: "", problems)
    share = reader.share("s")
    return None if problems else share


class RowView(Mapping[str, Any]):
    """One register row as a read-only raw table (the cells a TOML table would hold)."""

    __slots__ = ("index", "table")

    def __init__(self, table: RegisterTable, index: int) -> None:
        self.table = table
        self.index = index

    def __getitem__(self, name: str) -> Any:
        cells = self.table.columns.get(name)
        if cells is None or cells[self.index] is None:
            raise KeyError(name)
        value = cells[self.index]
        return self.table.row_raw(self.index)[name] if type(value) is float else value

    def __iter__(self) -> Iterator[str]:
        i = self.index
        return iter([n for n, cells in self.table.columns.items() if cells[i] is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class ColumnReader(FieldReader):
    """A FieldReader for one register row that takes the values read column by column and
    reads any other cell field by field, so that both give the same values and problems.

    Made once per row of a large register: it keeps two references and builds the row's
    raw table and its names for messages only when asked.
    """

    def __init__(self, columns: Columns, index: int, problems: list[Problem]) -> None:
        # FieldReader.__init__'s fields, set here without the bound methods it would make.
        table = columns.table
        self.view = RowView(table, index)
        self.raw = self.view
        self.file_of = table.file_of
        self.problems = problems
        self.columns = columns
        self.cells = table.columns
        self.index = index
        # The values read column-wise, by kind (one lookup per field read).
        self.cents, self.numbers = columns.cents, columns.numbers
        self.dates, self.shares, self.texts = columns.dates, columns.shares, columns.texts

    def at(self, index: int) -> ColumnReader:
        """This reader moved to row `index` (one reader serves a whole register, row by
        row; what it read for the row before is not kept)."""
        self.index = index
        self.view.index = index
        return self

    def where(self, name: str) -> str:
        return self.columns.table.where(self.index)(name)

    def has(self, name: str) -> bool:
        cells = self.cells.get(name)
        return cells is not None and cells[self.index] is not None

    def text(self, name: str, required: bool = False) -> str | None:
        read = self.texts.get(name)
        value = None if read is None else read[self.index]
        if value is not None:
            return value
        return super().text(name, required) if required or self.has(name) else None

    def year(self, name: str, required: bool = False) -> int | None:
        read = self.numbers.get(name)
        value = None if read is None else read[self.index]
        if value is not None and YEAR_MIN <= value <= YEAR_MAX:
            return value
        return super().year(name, required) if required or self.has(name) else None

    def integer(
        self, name: str, required: bool = False, lo: int = 0, hi: int = 10**6
    ) -> int | None:
        read = self.numbers.get(name)
        value = None if read is None else read[self.index]
        if value is not None and lo <= value <= hi:
            return value
        return super().integer(name, required, lo, hi) if required or self.has(name) else None

    def date(self, name: str, required: bool = False) -> dt.date | None:
        read = self.dates.get(name)
        value = None if read is None else read[self.index]
        if value is not None:
            return value
        return super().date(name, required) if required or self.has(name) else None

    def share(self, name: str, required: bool = False) -> Fraction | None:
        read = self.shares.get(name)
        value = None if read is None else read[self.index]
        if value is not None:
            return value
        return super().share(name, required) if required or self.has(name) else None

    def amount(self, name: str, required: bool = False, allow_negative: bool = False) -> int | None:
        read = self.cents.get(name)
        value = None if read is None else read[self.index]
        if value is not None:
            return value
        if required or self.has(name):
            return super().amount(name, required, allow_negative)
        return None

    def by_year(
        self,
        name: str,
        *,
        required: bool = False,
        uncertain: bool = False,
        allow_negative: bool = False,
        span: tuple[int, int] | None = None,
    ) -> ByYear | None:
        read = self.cents.get(name)
        value = None if read is None else read[self.index]
        if value is not None:
            return every_cents(value)
        if not required and not self.has(name):
            return None
        return super().by_year(
            name,
            required=required,
            uncertain=uncertain,
            allow_negative=allow_negative,
            span=span,
        )
