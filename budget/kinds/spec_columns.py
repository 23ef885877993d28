"""Specs kept as columns: what a register's rows of one kind hold once their fields are
checked a column at a time (budget.load.kind_columns), with no spec object made (issue 21).

A kind's engine columns (`Kind.columns`), the whole-scenario checks and the realisation
read the fields straight from these columns (`values_of`, `by_year_column`, `field_of`,
the kinds' `most_of_columns`); the spec objects are made only when one is read
(`SpecList`), for instance by `explain`, the Assumptions sheet or a Commitment object,
and then all at once, a column at a time. They are the objects the kind's parser would
make: tests/load/test_register_columns.py compares them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from budget.core.inputs import ByYearColumn, by_year_of_amounts
from budget.core.records import by_columns

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class SpecColumns:
    """`count` specs of the frozen dataclass `cls` (of the kind named `kind`), as a list
    per field (`fields`, every field of `cls`). A field named in `amounts` holds cents (or
    None): each the ByYear of one amount for every year, made only when asked for."""

    __slots__ = ("_columns", "_specs", "amounts", "cls", "count", "fields", "kind")

    def __init__(
        self,
        kind: str,
        cls: type,
        count: int,
        fields: dict[str, list[Any]],
        amounts: frozenset[str] = frozenset(),
    ) -> None:
        names = [f.name for f in dataclasses.fields(cls)]
        if sorted(fields) != sorted(names):
            raise TypeError(f"{cls.__name__} has the fields {names}, not {list(fields)}")
        for name, column in fields.items():
            if len(column) != count:
                raise ValueError(f"{name}: {len(column)} values for {count} specs")
        self.kind = kind
        self.cls = cls
        self.count = count
        self.fields = {name: fields[name] for name in names}  # in the fields' order
        self.amounts = amounts
        self._specs: list[Any] | None = None
        self._columns: dict[str, Any] | None = None

    def __len__(self) -> int:
        return self.count

    def values(self, name: str) -> list[Any]:
        """The field of every spec, as the spec objects hold it."""
        column = self.fields[name]
        return by_year_of_amounts(column) if name in self.amounts else column

    def specs(self) -> list[Any]:
        """The spec objects, made on the first call."""
        if self._specs is None:
            self._specs = by_columns(self.cls, self.count, list(map(self.values, self.fields)))
        return self._specs

    def engine_columns(self, columns: Any) -> dict[str, Any]:
        """`columns(self)` (a kind's `columns`), worked out once: the loader's checks and
        the engine's table read the same arrays."""
        if self._columns is None:
            self._columns = columns(self)
        return self._columns


def values_of(specs: Sequence[Any] | SpecColumns, name: str) -> list[Any]:
    """One field of every spec, from the objects or from the columns."""
    if isinstance(specs, SpecColumns):
        return specs.values(name)
    return list(map(attrgetter(name), specs))


def by_year_column(specs: Sequence[Any] | SpecColumns, name: str) -> ByYearColumn:
    """A per-year field (ByYear or None) of every spec as a ByYearColumn; from the cents
    themselves when the columns hold them."""
    if isinstance(specs, SpecColumns) and name in specs.amounts:
        return ByYearColumn.of_amounts(specs.fields[name])
    return ByYearColumn.of(values_of(specs, name))


def field_of(specs: Sequence[Any], name: str, default: Any = None) -> list[Any]:
    """One field of each row's spec, `default` where the spec has no such field (another
    kind's) or none was given: from the columns while a SpecList keeps them."""
    if isinstance(specs, SpecList) and specs.kept():
        out = [default] * len(specs)
        for rows, block in specs.blocks:
            if name in block.fields:
                for i, value in zip(rows.tolist(), block.values(name), strict=True):
                    out[i] = value
        return out
    return [getattr(spec, name, default) for spec in specs]


class SpecList(Sequence[Any]):
    """Each row's spec, None where none was given: the rows of each block (`blocks`: their
    positions, ascending, and their SpecColumns) hold their specs as columns until one is
    read. `given`: which rows a block holds."""

    __slots__ = ("_made", "blocks", "given")

    def __init__(self, count: int, blocks: Sequence[tuple[IntArray, SpecColumns]]) -> None:
        self.blocks = tuple(blocks)
        self.given: BoolArray = np.zeros(count, dtype=bool)
        for rows, block in self.blocks:
            if len(rows) != len(block):
                raise ValueError(f"{len(rows)} rows for {len(block)} specs")
            self.given[rows] = True
        self._made: list[Any] | None = None

    def made(self) -> list[Any]:
        """The specs (None where none was given), made on the first call."""
        if self._made is None:
            made: list[Any] = [None] * len(self.given)
            for rows, block in self.blocks:
                for i, spec in zip(rows.tolist(), block.specs(), strict=True):
                    made[i] = spec
            self._made = made
        return self._made

    def kept(self) -> bool:
        """Whether the specs are still only columns (none made yet)."""
        return self._made is None

    def block_of(self, rows: IntArray) -> SpecColumns | None:
        """The block that holds exactly these rows (in this order), if there is one."""
        for held, block in self.blocks:
            if len(held) == len(rows) and np.array_equal(held, rows):
                return block
        return None

    def __len__(self) -> int:
        return len(self.given)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        return self.made()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpecList):
            return other is self or self.made() == other.made()
        if isinstance(other, list | tuple):
            return self.made() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list of specs, compared by value

    def __repr__(self) -> str:
        return f"SpecList({len(self):,} specs, {len(self.blocks)} blocks as columns)"
