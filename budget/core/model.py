"""The scenario as data: immutable types that the loader builds and the engine reads.

Amounts are integer cents; shares are exact fractions; years are fiscal-year names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from operator import attrgetter
from typing import Any, overload

from budget.core.dists import Dist
from budget.core.lines import BudgetLine, CashShift, Mutation
from budget.core.money import format_euros_grouped
from budget.core.periods import FiscalCalendar, year_label


class Basis(StrEnum):
    """The ways amounts are counted: when obligations are entered into, when cash is paid,
    and when money is received back. Members compare equal to their plain strings ("cash")."""

    COMMITMENT = "commitment"
    CASH = "cash"
    # money received back: a settled grant's recovery of what was paid beyond its amount
    RECEIPTS = "receipts"


# In this order everywhere (tables list the commitment basis first).
BASES: tuple[str, ...] = tuple(b.value for b in Basis)


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
        def one(v: Value) -> str:
            return v.describe() if isinstance(v, Dist) else format_euros_grouped(v)

        if self.every is not None:
            return f"{one(self.every)} every year"
        return "; ".join(f"{y}: {one(v)}" for y, v in self.table)


@dataclass(frozen=True, slots=True)
class Funder:
    """Who pays: a ministry or fund.

    key: the short name used in the scenario ("VenJ").
    name: the full name for outputs.
    source: where the funder's role is stated.
    iati_ref: its IATI organisation identifier, for open-data exports (may be empty).
    chapter: its budget chapter ("VI"; may be empty).
    """

    key: str
    name: str
    source: str = ""
    iati_ref: str = ""
    iati_type: str = ""  # its IATI OrganisationType code, for open-data exports (may be empty)
    chapter: str = ""


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who receives: an organisation and, optionally, its yearly costs and other income.

    costs, income: per-year inputs that a derived top-up shortfall is computed from.
    assumptions: field names whose values are assumptions rather than facts.
    origin: the file that defined it; field_origins: the file of each field, after merging.
    iati_ref: its IATI organisation identifier, for open-data exports (may be empty).
    """

    key: str
    name: str
    costs: ByYear | None = None
    income: ByYear | None = None
    source: str = ""
    assumptions: tuple[str, ...] = ()
    origin: str = ""
    field_origins: Mapping[str, str] = field(default_factory=dict)
    iati_ref: str = ""
    iati_type: str = ""  # its IATI OrganisationType code, for open-data exports (may be empty)


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
    # unpaid: "slips" or "lapses", or "" for the kind's default (see UNPAID_DEFAULT).
    unpaid: str = ""
    # pending: not yet decided (status = "pending", issue 23); None for a decided one.
    pending: Pending | None = None

    @property
    def title(self) -> str:
        return self.name or self.id

    @property
    def unpaid_policy(self) -> str:
        """What happens to a closed year's unpaid plan: "slips" or "lapses"."""
        return self.unpaid or UNPAID_DEFAULT.get(self.kind, "lapses")


@dataclass(frozen=True, slots=True)
class CommitmentRows:
    """Commitments as columns: each a list with one entry per commitment, in order. What
    the engine's table (budget.kinds.table) and the whole-scenario checks read, so that a
    register's rows need no Commitment object each (issue 21); see `rows_of`."""

    ids: list[str]
    kinds: list[str]
    recipients: list[str]
    funders: list[tuple[tuple[str, Fraction], ...]]
    specs: list[Any]
    priorities: list[int]
    sources: list[str]
    assumptions: list[tuple[str, ...]]
    pending: list[Pending | None]
    unpaid: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def unpaid_policies(self) -> list[str]:
        """Each commitment's `Commitment.unpaid_policy`: "slips" or "lapses"."""
        pairs = zip(self.unpaid, self.kinds, strict=True)
        return [unpaid or UNPAID_DEFAULT.get(kind, "lapses") for unpaid, kind in pairs]


class Commitments(Sequence[Commitment]):
    """A scenario's commitments, in order, whose Commitment objects are made only when one
    is first read: the rows of a register (or of a large TOML file) read as columns keep
    their fields as `rows` until then (issue 21). Compares equal to the tuple of them, and
    pickles as that tuple.

    make: gives the Commitment objects of `rows`, in order (called at most once)."""

    __slots__ = ("_made", "_make", "rows")

    def __init__(self, rows: CommitmentRows, make: Callable[[], Sequence[Commitment]]) -> None:
        self.rows = rows
        self._make: Callable[[], Sequence[Commitment]] | None = make
        self._made: tuple[Commitment, ...] | None = None

    def made(self) -> tuple[Commitment, ...]:
        """The Commitment objects, made on the first call."""
        if self._made is None:
            assert self._make is not None
            self._made = tuple(self._make())
            self._make = None
            if len(self._made) != len(self.rows):
                raise AssertionError("the commitments made are not the rows")
        return self._made

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Commitment: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Commitment, ...]: ...

    def __getitem__(self, index: int | slice) -> Commitment | tuple[Commitment, ...]:
        return self.made()[index]

    def __iter__(self) -> Iterator[Commitment]:
        return iter(self.made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Commitments):
            return other is self or self.made() == other.made()
        if isinstance(other, tuple):
            return self.made() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.made())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self.made(),))

    def __repr__(self) -> str:
        return f"Commitments({len(self):,} commitments)"


# Commitment's fields that CommitmentRows holds -> its column there.
_ROW_FIELDS = {
    "id": "ids",
    "kind": "kinds",
    "recipient": "recipients",
    "funders": "funders",
    "spec": "specs",
    "priority": "priorities",
    "source": "sources",
    "assumptions": "assumptions",
    "pending": "pending",
    "unpaid": "unpaid",
}


def rows_of(commitments: Sequence[Commitment]) -> CommitmentRows:
    """The commitments as columns: their own `rows` when they keep them (`Commitments`),
    else read from the objects."""
    if isinstance(commitments, Commitments):
        return commitments.rows
    return CommitmentRows(*(column_of_field(commitments, name) for name in _ROW_FIELDS))


def column_of_field(commitments: Sequence[Commitment], name: str) -> list[Any]:
    """One field (of those CommitmentRows holds) of every commitment, in order, without
    making Commitment objects that are not made yet."""
    if isinstance(commitments, Commitments):
        found: list[Any] = getattr(commitments.rows, _ROW_FIELDS[name])
        return found
    return list(map(attrgetter(name), commitments))


def any_pending(commitments: Sequence[Commitment]) -> bool:
    """Whether any of the commitments is pending (issue 23)."""
    pending = column_of_field(commitments, "pending")
    return pending.count(None) != len(pending)


@dataclass(frozen=True, slots=True)
class Pending:
    """A commitment not yet decided (`status = "pending"`): p, the probability that it
    will be decided (0 < p <= 1, exact); decision, the date the decision is expected
    (None when not given). A pending commitment is never legally committed: outputs
    count it only as `--pending` says (budget.engine.pending)."""

    p: Fraction
    decision: dt.date | None = None
    # A tranche on a result (`condition`, budget.load.conditions): the indicator and year,
    # and why it is not decided ("police-suspects in 2015: not yet achieved"); p = 0 when
    # it was achieved and not met (it pays nothing in every view).
    condition: str = ""
    # The p as written, once `--pending all` counts it as decided at p = 1 (what explain
    # shows); None otherwise.
    written_p: Fraction | None = None


# What a closed year's unpaid plan does by default: a grant's obligation stands until it is
# settled or released; annual and top-up amounts are decided year by year.
UNPAID = ("slips", "lapses")
UNPAID_DEFAULT = {"grant": "slips", "annual": "lapses", "top_up": "lapses"}


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
class ReportingOrg:
    """The organisation that publishes the scenario's commitments as open data (IATI).

    ref: its IATI organisation identifier ("XM-DAC-7"); name: its name;
    type: an IATI OrganisationType code ("10" government).
    """

    ref: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """A performance agreement: a result measured per year against targets.

    base_year, base: the starting point that changes are measured from (base is not 0).
    targets: (year, value, is_change) in year order; a change is a fraction of the base
        ("+7.5%" is 3/40), otherwise the value is the target itself.
    achieved: (year, value) in year order, the results measured so far.
    decimals: targets are rounded half away from zero to this many decimals.
    higher_is_better: met means achieved >= target (else achieved <= target).
    commitments: ids of the commitments whose cash pays for the result.
    origin: the file that defined it.
    """

    id: str
    name: str
    unit: str
    base_year: int
    base: Fraction
    targets: tuple[tuple[int, Fraction, bool], ...]
    achieved: tuple[tuple[int, Fraction], ...] = ()
    decimals: int = 0
    higher_is_better: bool = True
    commitments: tuple[str, ...] = ()
    source: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole scenario, ready to project.

    name: the [scenario] name, shown in the `scenario` column of every output.
    path: the file it was loaded from (the extending file, for a chain).
    files: every file that went into it, the base first.
    actuals: the actuals files (paths as the scenario names them, relative to the folder
        the program runs in); as_of: the date up to which actuals are complete, or None.
    indicators: the performance agreements ([[indicators]]).
    calendar: when fiscal years start.
    first_year, last_year: the horizon that overviews show.
    currency: the ISO 4217 code of every amount (default "EUR").
    year_label: how years are named in tables and headers: "end" (2015), "span" (2014-15)
        or "fy" (FY2015); see `budget.core.periods.year_label`. The data keep the integer year.
    reporting_org: who publishes it as open data; None when not given.
    """

    name: str
    path: str
    calendar: FiscalCalendar
    first_year: int
    last_year: int
    funders: Mapping[str, Funder]
    recipients: Mapping[str, Recipient]
    commitments: Sequence[Commitment]
    limits: tuple[Limit, ...] = ()
    description: str = ""
    source: str = ""
    files: tuple[str, ...] = ()
    currency: str = "EUR"
    reporting_org: ReportingOrg | None = None
    actuals: tuple[str, ...] = ()
    as_of: dt.date | None = None
    indicators: tuple[Indicator, ...] = ()
    year_label: str = "end"
    # The [scenario] fields only the open-data exports read (budget.load.publishing
    # EXPORT_FIELDS), as written, each with the file it came from.
    export_fields: Mapping[str, tuple[Any, str]] = field(default_factory=dict)
    # The budget round (budget.core.lines): the version's name and stage, each
    # commitment's budget line by id, the mutations of the version's own file and the
    # cash shifts of every file of the chain.
    version: str = ""
    stage: str = ""
    budget_lines: Mapping[str, BudgetLine] = field(default_factory=dict)
    mutations: tuple[Mutation, ...] = ()
    cash_shifts: tuple[CashShift, ...] = ()
    budget_year: int | None = None  # T of budget tables and round (default: first_year)
    # How its pending commitments are counted (issue 23): "" as loaded; "none", "expected"
    # or "all" once `budget.engine.pending.with_pending` has counted them, which it then
    # does not do again (budget.project(with_pending(s, "all")) counts them as decided).
    pending_counted: str = ""
    # Where `budget.kinds.table.commitment_table` keeps the commitments as columns, made
    # once. Not an argument, so that `dataclasses.replace` with other commitments starts
    # without one and makes its own.
    table_cache: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def label(self, year: int) -> str:
        """Fiscal year `year` as tables and headers name it (the scenario's year_label)."""
        return year_label(year, self.year_label)

    def commitment(self, cid: str) -> Commitment:
        for c in self.commitments:
            if c.id == cid:
                return c
        raise KeyError(cid)
