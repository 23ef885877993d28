"""Reading typed values out of a raw input table, collecting a Problem for each bad one.

A `FieldReader` wraps one table (a commitment, a recipient, a register row) and knows how
to name its fields in messages. Every reader method returns None after recording a problem,
so that one run reports every problem of a file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from budget.core.dists import DISTS
from budget.core.errors import Problem, excerpt
from budget.core.model import ByYear, Dist, Value
from budget.core.money import MoneyError, parse_cents, parse_share

YEAR_MIN, YEAR_MAX = 1900, 2200


class FieldReader:
    """Typed access to one raw table's fields, with problems recorded as values.

    raw: the table as read.
    file_of: the file a field came from (patched fields may come from another file).
    where: how to name a field in a message, e.g. 'commitment "sin", field "cap"'.
    problems: the list that problems are added to.
    """

    def __init__(
        self,
        raw: Mapping[str, Any],
        file_of: Callable[[str], str],
        where: Callable[[str], str],
        problems: list[Problem],
    ) -> None:
        self.raw = raw
        self.file_of = file_of
        self.where = where
        self.problems = problems

    def error(self, name: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file_of(name), self.where(name), message, hint))

    def has(self, name: str) -> bool:
        return name in self.raw and self.raw[name] is not None

    def _missing(self, name: str, required: bool, hint: str = "") -> None:
        if required:
            self.error(name, "is missing", hint)

    def text(self, name: str, required: bool = False) -> str | None:
        if not self.has(name):
            self._missing(name, required)
            return None
        value = self.raw[name]
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error(name, f"{_show(value)} is not text", 'write it in quotes: "..."')
            return None
        text = str(value).strip()
        if required and not text:
            self.error(name, "is empty")
            return None
        return text

    def integer(
        self, name: str, required: bool = False, lo: int = 0, hi: int = 10**6
    ) -> int | None:
        if not self.has(name):
            self._missing(name, required)
            return None
        number = as_integer(self.raw[name])
        if number is None:
            self.error(name, f"{_show(self.raw[name])} is not a whole number")
            return None
        if not lo <= number <= hi:
            self.error(name, f"{_show(number)} is out of range", f"use a number from {lo} to {hi}")
            return None
        return number

    def year(self, name: str, required: bool = False) -> int | None:
        if not self.has(name):
            self._missing(name, required, "give a fiscal year such as 2015")
            return None
        number = as_integer(self.raw[name])
        if number is None or not YEAR_MIN <= number <= YEAR_MAX:
            self.error(
                name,
                f"{_show(self.raw[name])} is not a year",
                f"give a fiscal year from {YEAR_MIN} to {YEAR_MAX}, such as 2015",
            )
            return None
        return number

    def date(self, name: str, required: bool = False) -> dt.date | None:
        if not self.has(name):
            self._missing(name, required, "give a date such as 2014-04-01")
            return None
        value = self.raw[name]
        if isinstance(value, dt.datetime):
            self.error(name, f"{value} has a time of day", "give a date only, such as 2014-04-01")
            return None
        if isinstance(value, dt.date):
            day = value
        else:
            try:
                day = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                self.error(name, f"{_show(value)} is not a date", "write it as 2014-04-01")
                return None
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            self.error(name, f"{day} is out of range", f"use a date from {YEAR_MIN} to {YEAR_MAX}")
            return None
        return day

    def amount(self, name: str, required: bool = False, allow_negative: bool = False) -> int | None:
        if not self.has(name):
            self._missing(name, required, 'give an amount such as "67600.00"')
            return None
        return self._cents(name, self.raw[name], allow_negative)

    def share(self, name: str, required: bool = False) -> Fraction | None:
        if not self.has(name):
            self._missing(name, required)
            return None
        try:
            return parse_share(self.raw[name])
        except MoneyError as exc:
            self.error(name, exc.message, exc.hint)
            return None

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str | None:
        if not self.has(name):
            return default
        value = self.raw[name]
        if not isinstance(value, str) or value not in allowed:
            self.error(name, f"{_show(value)} is not allowed", "use one of " + ", ".join(allowed))
            return None
        return value

    def by_year(
        self,
        name: str,
        *,
        required: bool = False,
        uncertain: bool = False,
        allow_negative: bool = False,
        span: tuple[int, int] | None = None,
    ) -> ByYear | None:
        """An amount for every year, a distribution, or a table by year of either."""
        if not self.has(name):
            self._missing(name, required, 'give an amount such as "67600.00" or a table by year')
            return None
        raw = self.raw[name]
        if isinstance(raw, Mapping) and not raw:
            self.error(
                name,
                "is an empty table",
                'give an amount such as "67600.00" or a table by year '
                'such as { 2015 = "67600.00" }',
            )
            return None
        if isinstance(raw, Mapping) and "dist" not in raw:
            table: list[tuple[int, Value]] = []
            ok = True
            for key, item in raw.items():
                year = as_integer(key)
                if year is None or not YEAR_MIN <= year <= YEAR_MAX:
                    self.error(
                        name,
                        f"{_show(key)} is not a year",
                        'tables by year look like { 2015 = "67600.00", 2016 = "70000.00" }',
                    )
                    ok = False
                    continue
                value = self._value(name, item, uncertain, allow_negative, f" in {year}")
                if value is None:
                    ok = False
                    continue
                table.append((year, value))
            if not ok:
                return None
            table.sort(key=lambda pair: pair[0])
            if span is not None and not self._covers(name, [y for y, _ in table], span):
                return None
            return ByYear(table=tuple(table))
        value = self._value(name, raw, uncertain, allow_negative, "")
        return None if value is None else ByYear(every=value)

    def _covers(self, name: str, years: list[int], span: tuple[int, int]) -> bool:
        first, last = span
        missing, extra = uncovered(years, first, last)
        if missing:
            self.error(
                name,
                "the table has no value for " + _years(missing),
                f"a table by year must cover every year from {first} to {last}",
            )
        if extra:
            self.error(
                name,
                f"{_years(extra)} outside the span {first}-{last}",
                "remove those years or widen the span",
            )
        return not missing and not extra

    def _value(
        self, name: str, raw: object, uncertain: bool, allow_negative: bool, suffix: str
    ) -> Value | None:
        if isinstance(raw, Mapping):
            if not uncertain:
                self.error(
                    name,
                    f"cannot be uncertain{suffix}",
                    "give a fixed amount; distributions are allowed for shortfall, "
                    "costs, income and amount",
                )
                return None
            return self._dist(name, raw, allow_negative, suffix)
        return self._cents(name, raw, allow_negative, suffix)

    def _cents(self, name: str, raw: object, allow_negative: bool, suffix: str = "") -> int | None:
        too_long = _too_long(raw)
        if too_long:
            hint = AMOUNT_HINT if too_long == "is too large" else 'write e.g. "67600.00" or 67600'
            self.error(name, f"{_show(raw)} {too_long}{suffix}", hint)
            return None
        try:
            return parse_cents(raw, allow_negative=allow_negative)
        except MoneyError as exc:
            self.error(name, exc.message + suffix, exc.hint)
            return None

    def _dist(
        self, name: str, raw: Mapping[str, Any], allow_negative: bool, suffix: str
    ) -> Dist | None:
        kind = raw.get("dist")
        entry = DISTS.get(kind) if isinstance(kind, str) else None
        if entry is None:
            self.error(
                name,
                f"distribution {_show(kind)} is unknown{suffix}",
                "use one of " + ", ".join(DISTS),
            )
            return None
        unknown = [k for k in raw if k != "dist" and k not in entry.fields]
        if unknown:
            self.error(
                name,
                f"{entry.name} has no field {unknown[0]!r}{suffix}",
                f"a {entry.name} distribution takes " + ", ".join(entry.fields),
            )
            return None
        return entry.parse(raw, _DistFields(self, name, suffix), allow_negative)


class _DistFields:
    """A DistReader over one field of a FieldReader: problems name the field, the
    distribution's parameter and the year (`suffix`)."""

    def __init__(self, reader: FieldReader, name: str, suffix: str) -> None:
        self.reader, self.name, self.suffix = reader, name, suffix

    def cents(self, key: str, value: object, allow_negative: bool) -> int | None:
        return self.reader._cents(self.name, value, allow_negative, f" ({key}){self.suffix}")

    def error(self, message: str, hint: str = "") -> None:
        self.reader.error(self.name, message + self.suffix, hint)


def uncovered(
    values: ByYear | Iterable[int] | None, first: int, last: int
) -> tuple[list[int], list[int]]:
    """Whether a table by year covers every year from `first` to `last`: the years it has
    no value for, and its years outside the span. A value for every year covers them all;
    None (no values at all) covers none. The one place this rule is written."""
    if isinstance(values, ByYear):
        if values.every is not None:
            return [], []
        values = values.years()
    years = set(values) if values is not None else set()
    missing = [y for y in range(first, last + 1) if y not in years]
    extra = sorted(y for y in years if not first <= y <= last)
    return missing, extra


def as_integer(value: object) -> int | None:
    """A whole number from an int or a string of digits (registers hold text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        return int(value)
    return None


def _years(years: list[int]) -> str:
    return ("year " if len(years) == 1 else "years ") + ", ".join(map(str, years))


AMOUNT_HINT = 'amounts must be below 92 quadrillion euros; write e.g. "67600.00"'
LONGEST_AMOUNT = 40  # characters; 92 quadrillion euros in cents is 21


def _too_long(raw: object) -> str:
    """Why an amount is refused before it is converted ("" if it is not): a number with
    more digits than Python converts (4,300) must give a message, not an exception."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 80:
        return "is too large"
    if isinstance(raw, str) and len(raw.strip()) > LONGEST_AMOUNT:
        digits = re.fullmatch(r"\s*[+-]?[\d_]+(\.\d*)?\s*", raw)
        return "is too large" if digits else "is not an amount"
    return ""


def _show(value: object) -> str:
    """A short, escaped excerpt of a value for a message (at most 40 characters)."""
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return excerpt(value)
