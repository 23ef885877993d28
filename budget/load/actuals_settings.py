"""The realisation keys of a scenario: `actuals`, `as_of` and `[[indicators]]`.

The loader calls `read_settings` with the merged raw tables; it returns typed values and
records a Problem for each bad field, like every other reader of scenario fields.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from budget.core.errors import Problem, excerpt
from budget.core.fields import YEAR_MAX, YEAR_MIN, FieldReader, as_integer
from budget.core.model import Indicator

SCENARIO_FIELDS = {
    "actuals": "a CSV or XLSX file of booked amounts, or a list of them",
    "as_of": "the date up to which the actuals are complete (default: the latest booking)",
}
INDICATOR_FIELDS = {
    "id": "a short name for the indicator",
    "name": "what is measured",
    "unit": "the unit of the measure (e.g. suspects)",
    "base_year": "the year of the base value",
    "base": "the value in the base year (a number, not 0)",
    "targets": 'a table by year: a change from the base ("+7.5%") or a value',
    "achieved": "a table by year of the values achieved",
    "decimals": "the decimals that targets are rounded to (default 0)",
    "higher_is_better": "true (default) when more is better, false when less is",
    "commitments": "ids of the commitments whose cash pays for the result",
    "source": "where the agreement is made",
}
MAX_DECIMALS = 6
LARGEST = 10**15  # the magnitude of an indicator's numbers
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def read_settings(
    raw: Mapping[str, Any],
    origins: Mapping[str, str],
    head: FieldReader,
    indicators: Mapping[str, Any],
    commitment_ids: Iterable[str],
    problems: list[Problem],
) -> tuple[tuple[str, ...], dt.date | None, tuple[Indicator, ...]]:
    """(actuals paths, as_of, indicators) of the merged `[scenario]` table `raw` (with the
    file each key came from) and the merged `[[indicators]]` entries."""
    paths: tuple[str, ...] = ()
    if head.has("actuals"):
        paths = _actuals(raw["actuals"], origins.get("actuals", ""), head)
    as_of = head.date("as_of")
    ids = list(commitment_ids)
    found = tuple(
        indicator
        for key, entry in indicators.items()
        if (indicator := _indicator(key, entry, ids, problems)) is not None
    )
    return paths, as_of, found


def shown_path(origin: str, relative: str) -> str:
    """A path written in the file `origin`, as the user would name it from here."""
    parent = Path(origin).parent
    return str(parent / relative) if str(parent) != "." else relative


def _actuals(value: Any, origin: str, head: FieldReader) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
        head.error(
            "actuals",
            "must be a file name or a list of file names",
            'write actuals = "actuals.csv" or actuals = ["2014.csv", "2015.xlsx"]',
        )
        return ()
    return tuple(shown_path(origin, item.strip()) for item in items)


def _indicator(key: str, entry: Any, ids: list[str], problems: list[Problem]) -> Indicator | None:
    reader = FieldReader(entry.raw, entry.file_of, entry.where, problems)
    before = len(problems)
    for name in reader.raw:
        if name not in INDICATOR_FIELDS:
            reader.error(
                name, "is not a field here", "an indicator takes " + ", ".join(INDICATOR_FIELDS)
            )
    base_year = reader.year("base_year", required=True)
    base = _number(reader, "base", reader.raw.get("base"), required=True)
    if base == 0:
        reader.error("base", "is 0", "changes are measured from the base; give its value")
    decimals = reader.integer("decimals", lo=0, hi=MAX_DECIMALS)
    higher = reader.raw.get("higher_is_better", True)
    if not isinstance(higher, bool):
        reader.error("higher_is_better", f"{higher!r} is not true or false", "write true or false")
    targets = _targets(reader)
    achieved = [
        (year, value)
        for year, item in _table(reader, "achieved")
        if (value := _number(reader, "achieved", item, f" in {year}")) is not None
    ]
    linked = _commitments(reader, ids)
    if len(problems) > before or base is None or base_year is None or targets is None:
        return None
    return Indicator(
        id=key,
        name=reader.text("name") or key,
        unit=reader.text("unit") or "",
        base_year=base_year,
        base=base,
        targets=tuple(targets),
        achieved=tuple(achieved),
        decimals=decimals or 0,
        higher_is_better=bool(higher),
        commitments=linked,
        source=reader.text("source") or "",
        origin=entry.file,
    )


def _table(reader: FieldReader, name: str) -> list[tuple[int, Any]]:
    if not reader.has(name):
        return []
    raw = reader.raw[name]
    if not isinstance(raw, Mapping) or not raw:
        reader.error(name, "must be a table by year", 'write e.g. { 2012 = "+7.5%", 2013 = 546 }')
        return []
    out = []
    for key, item in raw.items():
        year = as_integer(key)
        if year is None or not YEAR_MIN <= year <= YEAR_MAX:
            reader.error(
                name, f"{excerpt(key)} is not a year", "tables by year look like { 2012 = 511 }"
            )
            continue
        out.append((year, item))
    return sorted(out, key=lambda pair: pair[0])


def _targets(reader: FieldReader) -> list[tuple[int, Fraction, bool]] | None:
    if not reader.has("targets"):
        reader.error("targets", "is missing", 'give a table by year, e.g. { 2012 = "+7.5%" }')
        return None
    out = []
    for year, item in _table(reader, "targets"):
        if isinstance(item, str) and item.strip().endswith("%"):
            change = _number(reader, "targets", item.strip()[:-1].strip(), f" in {year}")
            if change is not None:
                out.append((year, change / 100, True))
        elif (value := _number(reader, "targets", item, f" in {year}")) is not None:
            out.append((year, value, False))
    return out


def _number(
    reader: FieldReader, name: str, value: Any, suffix: str = "", required: bool = False
) -> Fraction | None:
    """An exact number: an integer, a decimal text, or a TOML float read as the decimal it
    shows (7.5 is exactly 15/2)."""
    if value is None:
        if required:
            reader.error(name, "is missing", "give a number such as 475")
        return None
    number: Fraction | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = Fraction(value)
    elif isinstance(value, float):
        try:
            number = Fraction(Decimal(repr(value)))
        except (InvalidOperation, ValueError, OverflowError):
            number = None
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        if len(value) > 40:  # digits enough to be out of range, too many to convert
            reader.error(name, f"{excerpt(value)} is too large{suffix}", "use a number below 10^15")
            return None
        number = Fraction(Decimal(value.strip()))
    if number is None:
        reader.error(
            name,
            f"{excerpt(value)} is not a number{suffix}",
            'write a number such as 475 or 7.5, or a change such as "+7.5%"',
        )
    elif abs(number) >= LARGEST:
        # Targets are rounded and printed as decimals: a number of thousands of digits
        # could not be printed (Python refuses more than 4,300 digits).
        reader.error(name, f"{excerpt(value)} is too large{suffix}", "use a number below 10^15")
        return None
    return number


def _commitments(reader: FieldReader, ids: list[str]) -> tuple[str, ...]:
    if not reader.has("commitments"):
        return ()
    raw = reader.raw["commitments"]
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        reader.error("commitments", "must be a list of commitment ids", 'e.g. ["mki-support"]')
        return ()
    for cid in raw:
        if cid not in ids:
            close = difflib.get_close_matches(cid, ids, n=1)
            reader.error(
                "commitments",
                f"{cid!r} is not a commitment of this scenario",
                f"did you mean {close[0]!r}?" if close else "ids are " + ", ".join(ids),
            )
    return tuple(raw)
