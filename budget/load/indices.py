"""`[indices.NAME]`: index series, a rate by year, and the commitments indexed by them.

A series is a table of years and rates (`2015 = "0.9%"` or `"0.009"`), its years without a
gap. After the commitments are read, each `Indexed(index, base_year)` of a spec (an
annual's `indexation`, a top-up's `cap_indexation`) is resolved into the rates it needs,
base_year + 1 .. the commitment's last year: a series that is not there, a base year after
the commitment's first year or a year without a rate is one problem naming the file, the
commitment and the field.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from budget.core.errors import Problem, excerpt, listing, where_commitment, where_entry
from budget.core.fields import YEAR_MAX, YEAR_MIN, as_integer
from budget.core.indices import Indexed
from budget.core.model import Commitment, Commitments
from budget.core.money import MoneyError
from budget.kinds.annual import parse_rate
from budget.load.common import Draft
from budget.load.inherit import Entry

Series = dict[int, Fraction]

# The spec attribute of each kind that may hold an Indexed, and the field it is written in.
INDEXED_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "annual": (("index", "indexation"),),
    "top_up": (("cap_index", "cap_indexation"),),
}


def read_indices(draft: Draft) -> None:
    """Read `[indices]`, then resolve every commitment's series against it."""
    series, broken = _read_series(draft)
    fields = INDEXED_FIELDS
    if isinstance(draft.commitments, Commitments):
        return  # rows read as columns: a row that names a series is read field by field
    if not any(
        getattr(c.spec, a, None) is not None
        for c in draft.commitments
        if c.kind in fields
        for a, _ in fields[c.kind]
    ):
        return
    resolved: dict[tuple[str, int, int], Indexed] = {}
    commitments = []
    for c in draft.commitments:
        spec = c.spec
        for attribute, name in INDEXED_FIELDS.get(c.kind, ()):
            indexed = getattr(spec, attribute, None)
            if indexed is None or indexed.rates is not None:
                continue
            found = _resolve(draft, c, name, indexed, series, broken, resolved)
            if found is not None:
                spec = dataclasses.replace(spec, **{attribute: found})
        commitments.append(c if spec is c.spec else dataclasses.replace(c, spec=spec))
    draft.commitments = commitments


def _read_series(draft: Draft) -> tuple[dict[str, Series], set[str]]:
    """The series that have no problem, and the names of those that have one."""
    series: dict[str, Series] = {}
    broken: set[str] = set()
    for key, entry in draft.merged.indices.items():
        rates: Series = {}
        ok = True
        for written, value in entry.raw.items():
            year = as_integer(written)
            if year is None or not YEAR_MIN <= year <= YEAR_MAX:
                _problem(
                    draft,
                    entry,
                    key,
                    written,
                    f"{excerpt(written)} is not a year",
                    f'an index series is a rate by year: [indices.{key}] 2015 = "0.9%"',
                )
                ok = False
                continue
            try:
                rates[year] = parse_rate(value)
            except MoneyError as exc:
                _problem(draft, entry, key, written, exc.message, exc.hint)
                ok = False
        if ok and not rates:
            draft.problems.append(
                Problem(
                    entry.file,
                    where_entry("index", key),
                    "has no rates",
                    f'give a rate by year: [indices.{key}] 2015 = "0.9%"',
                )
            )
            ok = False
        if ok:
            gaps = [y for y in range(min(rates), max(rates) + 1) if y not in rates]
            if gaps:
                draft.problems.append(
                    Problem(
                        entry.file,
                        where_entry("index", key),
                        f"has no rate for {_years(gaps)} (a gap in the series)",
                        f"give a rate for every year from {min(rates)} to {max(rates)}, e.g. "
                        f'{gaps[0]} = "0%"',
                    )
                )
                ok = False
        if ok:
            series[key] = dict(sorted(rates.items()))
        else:
            broken.add(key)
    return series, broken


def _problem(draft: Draft, entry: Entry, key: str, field: str, message: str, hint: str) -> None:
    file = entry.file_of(field)
    draft.problems.append(Problem(file, where_entry("index", key, field), message, hint))


def _resolve(
    draft: Draft,
    c: Commitment,
    name: str,
    indexed: Indexed,
    series: dict[str, Series],
    broken: set[str],
    resolved: dict[tuple[str, int, int], Indexed],
) -> Indexed | None:
    cid, spec = c.id, c.spec
    file = c.field_origins.get(name, c.origin)
    first, last = spec.first_year, spec.last_year

    def problem(message: str, hint: str) -> None:
        # Named where it is written: a register's row and column, a TOML table's field.
        entry = draft.merged.commitments.get(cid)
        where = (entry.where(name) if entry is not None else "") or where_commitment(cid, name)
        draft.problems.append(Problem(file, where, message, hint))

    if indexed.index in broken:
        return None  # the series' own problem is reported
    rates = series.get(indexed.index)
    if rates is None:
        known = listing(series) or "none"
        problem(
            f"{excerpt(indexed.index)} is not an index series",
            f"series are {known}; add [indices.{indexed.index}] with a rate by year, e.g. "
            '2015 = "0.9%"',
        )
        return None
    if indexed.base_year > first:
        problem(
            f"base_year {indexed.base_year} is after first_year {first}",
            f"the base year is the price level of the amount as written: {first} or earlier",
        )
        return None
    missing = [y for y in range(indexed.base_year + 1, last + 1) if y not in rates]
    if missing:
        problem(
            f"index series {excerpt(indexed.index)} has no rate for {_years(missing)}",
            f'add {missing[0]} = "..." to [indices.{indexed.index}], or end the commitment earlier',
        )
        return None
    key = (indexed.index, indexed.base_year, last)
    found = resolved.get(key)
    if found is None:
        needed = tuple((y, rates[y]) for y in range(indexed.base_year + 1, last + 1))
        found = resolved[key] = Indexed(indexed.index, indexed.base_year, needed)
    return found


def _years(years: list[int]) -> str:
    return ("year " if len(years) == 1 else "years ") + ", ".join(map(str, years))
