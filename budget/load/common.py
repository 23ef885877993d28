"""Helpers that every reader of a scenario's tables uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from budget.core.errors import Problem, excerpt
from budget.core.fields import FieldReader
from budget.core.model import (
    Commitment,
    Funder,
    Indicator,
    Limit,
    Recipient,
    ReportingOrg,
    column_of_field,
)
from budget.core.periods import FiscalCalendar
from budget.kinds import KINDS
from budget.load.inherit import Entry, Merged, TableEntry


def reader_of(entry: Entry | TableEntry, problems: list[Problem]) -> FieldReader:
    """A FieldReader over a merged entry, naming each field's own file."""
    return FieldReader(entry.raw, entry.file_of, entry.where, problems)


def unknown_fields(reader: FieldReader, allowed: Mapping[str, str], what: str) -> None:
    for key in reader.raw:
        if key not in allowed:
            reader.error(key, "is not a field here", unknown_hint(key, allowed, what))


def unknown_hint(key: str, allowed: Iterable[str], what: str) -> str:
    """The hint for a name that is not one of `allowed`: white space around a known name
    is pointed out, as it is invisible in most editors."""
    names = list(allowed)
    if key != key.strip() and key.strip() in names:
        return f"remove the white space around {excerpt(key.strip())}"
    return f"{what} takes " + ", ".join(names)


def assumptions(reader: FieldReader, allowed: dict[str, str]) -> tuple[str, ...]:
    if not reader.has("assumptions"):
        return ()
    raw = reader.raw["assumptions"]
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(";") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        reader.error("assumptions", "must be a list of field names", 'e.g. ["amount"]')
        return ()
    for name in raw:
        if name not in allowed or name in ("assumptions", "id", "kind"):
            reader.error(
                "assumptions",
                f"{excerpt(name)} is not a field that can be assumed",
                "name fields such as "
                + ", ".join(k for k in allowed if k not in ("assumptions", "id", "kind")),
            )
    return tuple(raw)


def specs_by_kind(commitments: Sequence[Commitment]) -> dict[str, list[Any]]:
    """The commitments' specs per kind name (every kind, in KINDS order), in order, without
    making Commitment objects that are not made yet (budget.core.model.Commitments)."""
    specs: dict[str, list[Any]] = {name: [] for name in KINDS}
    kinds = column_of_field(commitments, "kind")
    for kind, spec in zip(kinds, column_of_field(commitments, "spec"), strict=True):
        specs[kind].append(spec)
    return specs


@dataclass
class Draft:
    """A scenario while it is being read: what the section readers found so far.

    merged: the merged tables; path: the path the user gave; main: the file that names the
    scenario (the last of the chain); problems: every problem found so far. The other
    fields are filled by the readers in parse.READERS, in order.
    """

    merged: Merged
    path: str
    main: str
    problems: list[Problem]
    head: FieldReader
    name: str = ""
    description: str = ""
    source: str = ""
    calendar: FiscalCalendar = field(default_factory=FiscalCalendar)
    first_year: int | None = None
    last_year: int | None = None
    funders: dict[str, Funder] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    # A list, or the Commitments of one table read as columns (budget.load.commitments).
    commitments: Sequence[Commitment] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    currency: str = "EUR"
    year_label: str = "end"
    reporting_org: ReportingOrg | None = None
    actuals: tuple[str, ...] = ()
    as_of: dt.date | None = None
    indicators: tuple[Indicator, ...] = ()
    export_fields: dict[str, tuple[Any, str]] = field(default_factory=dict)
    # The Scenario fields of the budget round, by name (budget.load.budget_round).
    budget_round: dict[str, object] = field(default_factory=dict)
    # Which commitments to read, by (id, recipient as written); None: all (see
    # budget.load.read_scenario's `only`: explain reads the commitments it explains).
    only: Callable[[str, object], bool] | None = None
