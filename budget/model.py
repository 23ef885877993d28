"""The scenario as data: immutable types that the loader builds and the engine reads.

Amounts are integer cents; shares are exact fractions; years are fiscal-year names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from budget.periods import FiscalCalendar


class Basis(StrEnum):
    """The two ways amounts are counted: when obligations are entered into, and when cash
    is paid. Members compare equal to their plain strings ("cash")."""

    COMMITMENT = "commitment"
    CASH = "cash"


# In this order everywhere (tables list the commitment basis first).
BASES: tuple[str, ...] = tuple(b.value for b in Basis)


@dataclass(frozen=True, slots=True)
class Dist:
    """An uncertain amount: a distribution of cents.

    kind: "uniform" (low, high), "triangular" (low, mode, high), "normal" (mean, sd; drawn
        values below zero count as zero) or "choice" (values with probabilities p).
    params: the cents parameters in the order above (for choice: the values).
    p: the probabilities of a choice (they add up to 1); empty for the other kinds.
    """

    kind: str
    params: tuple[int, ...]
    p: tuple[Fraction, ...] = ()

    def central(self) -> int:
        """The value a projection uses: midpoint, mode, mean (at least 0), most likely."""
        if self.kind == "uniform":
            low, high = self.params
            total = low + high
            # Halves away from zero, as everywhere.
            return (abs(total) + 1) // 2 * (1 if total >= 0 else -1)
        if self.kind == "triangular":
            return self.params[1]
        if self.kind == "normal":
            return max(self.params[0], 0)
        if self.kind == "choice":
            best = max(self.p)
            return self.params[self.p.index(best)]
        raise ValueError(f"unknown distribution {self.kind!r}")

    def bounds(self) -> tuple[int, int]:
        """The range that a search for extreme inputs explores (normal: mean +- 6 sd, >= 0)."""
        if self.kind == "uniform":
            return self.params[0], self.params[1]
        if self.kind == "triangular":
            return self.params[0], self.params[2]
        if self.kind == "normal":
            mean, sd = self.params
            return max(mean - 6 * sd, 0), max(mean + 6 * sd, 0)
        if self.kind == "choice":
            return min(self.params), max(self.params)
        raise ValueError(f"unknown distribution {self.kind!r}")

    def describe(self) -> str:
        """A short text for tables and workbooks."""
        from budget.money import format_euros_grouped as f

        if self.kind == "uniform":
            return f"uniform {f(self.params[0])} to {f(self.params[1])}"
        if self.kind == "triangular":
            low, mode, high = self.params
            return f"triangular {f(low)} / {f(mode)} / {f(high)}"
        if self.kind == "normal":
            return f"normal mean {f(self.params[0])}, sd {f(self.params[1])}"
        options = ", ".join(f"{f(v)} (p {p})" for v, p in zip(self.params, self.p, strict=True))
        return f"choice of {options}"


Value = int | Dist


@dataclass(frozen=True, slots=True)
class ByYear:
    """A per-year input: one value for every year, or a table by fiscal year.

    every: the value for every year, or None when a table is given.
    table: (year, value) pairs in year order; empty when `every` is given.
    """

    every: Value | None = None
    table: tuple[tuple[int, Value], ...] = ()

    def at(self, year: int) -> Value | None:
        if self.every is not None:
            return self.every
        for y, value in self.table:
            if y == year:
                return value
        return None

    def years(self) -> tuple[int, ...]:
        return tuple(y for y, _ in self.table)

    @property
    def is_uncertain(self) -> bool:
        if isinstance(self.every, Dist):
            return True
        return any(isinstance(v, Dist) for _, v in self.table)

    def describe(self) -> str:
        from budget.money import format_euros_grouped as f

        def one(v: Value) -> str:
            return v.describe() if isinstance(v, Dist) else f(v)

        if self.every is not None:
            return f"{one(self.every)} every year"
        return "; ".join(f"{y}: {one(v)}" for y, v in self.table)


@dataclass(frozen=True, slots=True)
class Funder:
    """Who pays: a ministry or fund.

    key: the short name used in the scenario ("VenJ").
    name: the full name for outputs.
    source: where the funder's role is stated.
    """

    key: str
    name: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who receives: an organisation and, optionally, its yearly costs and other income.

    costs, income: per-year inputs that a derived top-up shortfall is computed from.
    assumptions: field names whose values are assumptions rather than facts.
    origin: the file that defined it.
    """

    key: str
    name: str
    costs: ByYear | None = None
    income: ByYear | None = None
    source: str = ""
    assumptions: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Commitment:
    """One funding promise.

    id: unique within the scenario.
    kind: the name of its kind in the registry ("top_up", "annual", "grant").
    recipient: a key of the scenario's recipients.
    funders: (funder key, exact share) pairs in listed order; the shares add up to 1.
    priority: lower pays first among commitments to the same recipient.
    order: position in the scenario (ties of priority go to the lower order).
    spec: the kind's own fields, as the kind parsed them.
    name: a readable title (defaults to the id).
    source: where the promise is made (letter and passage).
    assumptions: field names whose values are assumptions rather than facts.
    origin: the file that defined it; field_origins: the file of each field, after patching.
    """

    id: str
    kind: str
    recipient: str
    funders: tuple[tuple[str, Fraction], ...]
    spec: Any
    priority: int = 0
    order: int = 0
    name: str = ""
    source: str = ""
    assumptions: tuple[str, ...] = ()
    origin: str = ""
    field_origins: Mapping[str, str] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class Limit:
    """A budget ceiling: the most that a funder may spend on one basis per year.

    maximum: per-year ceilings (no distributions).
    first_year, last_year: the years it covers; by default the scenario's horizon.
    """

    funder: str
    basis: Basis
    maximum: ByYear
    first_year: int
    last_year: int
    source: str = ""
    origin: str = ""

    def ceiling(self, year: int) -> int | None:
        if not self.first_year <= year <= self.last_year:
            return None
        value = self.maximum.at(year)
        return value if isinstance(value, int) else None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole scenario, ready to project.

    name: the [scenario] name, shown in the `scenario` column of every output.
    path: the file it was loaded from (the extending file, for a chain).
    files: every file that went into it, the base first.
    calendar: when fiscal years start.
    first_year, last_year: the horizon that overviews show.
    """

    name: str
    path: str
    calendar: FiscalCalendar
    first_year: int
    last_year: int
    funders: Mapping[str, Funder]
    recipients: Mapping[str, Recipient]
    commitments: tuple[Commitment, ...]
    limits: tuple[Limit, ...] = ()
    description: str = ""
    source: str = ""
    files: tuple[str, ...] = ()

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def commitment(self, cid: str) -> Commitment:
        for c in self.commitments:
            if c.id == cid:
                return c
        raise KeyError(cid)
