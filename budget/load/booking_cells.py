"""Columns of cells checked on arrays: text, dates and fiscal years, amounts, names.

Every function takes a whole column of stripped text cells and a `Column` checker that
records one Problem per bad row (file, row as a spreadsheet numbers it, column). Amounts
are exact: plain ones are read with integer arithmetic on code-point arrays, anything else
goes through `money.parse_cents`, the one amount parser.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.errors import Problem
from budget.core.fields import YEAR_MAX, YEAR_MIN
from budget.core.model import BASES, Basis
from budget.core.money import MoneyError, parse_cents
from budget.core.periods import FiscalCalendar
from budget.load import dutch
from budget.load.register import column_letters

# At most this many lines per column and kind of problem; then one line counts the rest.
SHOWN = 20

Text = npt.NDArray[np.object_]


class Checker:
    """One file being checked: its name, row numbers and the problems found so far."""

    def __init__(self, shown: str, rows: npt.NDArray[np.int64]) -> None:
        self.shown = shown
        self.rows = rows
        self.problems: list[Problem] = []

    def report(
        self,
        bad: npt.NDArray[np.bool_],
        column: str,
        message: Callable[[int], str],
        hint: str | Callable[[int], str],
    ) -> None:
        """One problem per bad row (the first SHOWN of them, then one line for the rest)."""
        where = np.flatnonzero(bad)
        for i in where[:SHOWN]:
            self.problems.append(
                Problem(
                    self.shown,
                    f"row {self.rows[i]}, column {column!r}",
                    message(int(i)),
                    hint if isinstance(hint, str) else hint(int(i)),
                )
            )
        if len(where) > SHOWN:
            self.problems.append(
                Problem(
                    self.shown,
                    f"column {column!r}",
                    f"{len(where) - SHOWN:,} more rows have the same kind of problem "
                    f"(up to row {self.rows[where[-1]]})",
                )
            )


def as_text(cells: Sequence[Any]) -> list[str]:
    """A column's cells as stripped text ("" for empty), so that every later check works
    on text alone. CSV cells are all text already (the fast path)."""
    if set(map(type, cells)) <= {str}:
        return list(map(str.strip, cells))
    return [cell_text(c) for c in cells]


def cell_text(cell: Any) -> str:
    """A spreadsheet cell as the text it shows: a date cell as YYYY-MM-DD, a numeric cell
    as the decimal it holds (100.1 is "100.1"; 2015.0 is "2015")."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        if not np.isfinite(cell):
            return repr(cell)
        if cell.is_integer() and abs(cell) < 2**53:
            return str(int(cell))
        return format(Decimal(repr(cell)), "f")
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time(0) else str(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


COMMA_HINT = "write amounts as 1234,56 or 1.234,56"


def comma_amounts(check: Checker, amounts: Text) -> Text:
    """A `;`-separated file's amount column as plain amounts ("1.234,56" -> "1234.56"),
    on whole columns; a filled cell of any other form is reported, naming the separator."""
    plain, fits = dutch.point_amounts(amounts)
    check.report(
        ~fits & (amounts != ""),
        "amount",
        lambda i: f"{amounts[i]!r} is not an amount: in a ';'-separated file write 1234,56",
        f"{COMMA_HINT} (a decimal comma; points only between thousands)",
    )
    # A reported cell reads as 0 here, so that it is not reported again.
    return np.where(fits, plain, np.where(amounts == "", "", "0")).astype(object)


def dates_and_years(
    check: Checker,
    dates: Text,
    names: Text,
    calendar: FiscalCalendar,
    column: str,
    day_first: bool = False,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.int64]]:
    """Each booking's date (NaT when only a year is given) and fiscal year; with
    `day_first` (a `;`-separated file), DD-MM-YYYY dates too."""
    written = dates
    if day_first:
        dates = dutch.iso_dates(dates)
    given = dates != ""
    shaped = (code_points(dates) != 0).sum(axis=1) == 10
    wanted = dates.copy()
    wanted[~(given & shaped)] = None
    candidates: Any = pd.Series(wanted, dtype=object)
    days = pd.to_datetime(candidates, format="%Y-%m-%d", errors="coerce").to_numpy("datetime64[D]")
    check.report(
        given & np.isnat(days),
        "date",
        lambda i: f"{written[i]!r} is not a date",
        "write dates as YYYY-MM-DD (or DD-MM-YYYY in a ';'-separated file), a real day, "
        "e.g. 2015-03-31"
        if day_first
        else "write dates as YYYY-MM-DD, e.g. 2015-03-31",
    )
    calendar_year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    out_of_range = ~np.isnat(days) & ((calendar_year < YEAR_MIN) | (calendar_year > YEAR_MAX))
    check.report(
        out_of_range,
        "date",
        lambda i: f"{days[i]} is out of range",
        f"use a date from {YEAR_MIN} to {YEAR_MAX}",
    )
    days[out_of_range] = np.datetime64("NaT")
    years = np.zeros(len(dates), dtype=np.int64)
    dated = ~np.isnat(days)
    if dated.any():
        years[dated] = calendar.years_of(days[dated])

    named = names != ""
    codes = code_points(names)[:, :4].astype(np.int64)
    digits = ((names != "") & ((code_points(names) != 0).sum(axis=1) == 4)) & (
        (codes >= ord("0")) & (codes <= ord("9"))
    ).all(axis=1)
    if codes.shape[1] < 4:
        digits[:] = False
    number = np.zeros(len(names), dtype=np.int64)
    if digits.any():
        number[digits] = (codes[digits] - ord("0")) @ np.array([1000, 100, 10, 1])
    good = digits & (number >= YEAR_MIN) & (number <= YEAR_MAX)
    check.report(
        named & ~good,
        "year",
        lambda i: f"{names[i]!r} is not a fiscal year",
        "name the fiscal year as a number such as 2015 (the calendar year it ends in)",
    )
    check.report(
        named & good & dated & (number != years),
        "year",
        lambda i: f"is {number[i]}, but the date {days[i]} is in fiscal year {years[i]}",
        "give the date or the year, or make them agree",
    )
    only_year = named & good & ~dated
    years[only_year] = number[only_year]
    check.report(
        ~given & ~named,
        column,
        lambda _: "is empty",
        "every booking needs its date (YYYY-MM-DD) or its fiscal year",
    )
    return days, years


def amounts(check: Checker, amounts: Text, separator: str = ",") -> npt.NDArray[np.int64]:
    """Exact cents. Plain amounts (digits, an optional sign and point, at most two
    decimals) are read on arrays; anything else goes through parse_cents, the one amount
    parser, which accepts it or says what is wrong."""
    cents, quick = quick_cents(amounts)
    messages: dict[int, tuple[str, str]] = {}
    for i in map(int, np.flatnonzero(~quick)):
        text = amounts[i]
        if not text:
            messages[i] = ("is empty", 'give the amount booked, e.g. "67600.00" or -250.00')
            continue
        try:
            cents[i] = parse_cents(text, allow_negative=True)
        except MoneyError as exc:
            messages[i] = (exc.message, exc.hint)
            if separator == "," and re.fullmatch(dutch.COMMA_AMOUNT, text) and "," in text:
                point = text.replace(".", "").replace(",", ".")
                messages[i] = (
                    f"{text!r} is not an amount: in a ','-separated file write {point}",
                    "a decimal point and no thousands separators; or save the file with ';'",
                )
    if messages:
        bad = np.zeros(len(amounts), dtype=bool)
        bad[list(messages)] = True
        check.report(bad, "amount", lambda i: messages[i][0], lambda i: messages[i][1])
    return cents


def code_points(values: Text) -> npt.NDArray[np.uint32]:
    """The characters of each text as a (rows, longest) array of code points, 0-padded."""
    wide = np.array(values.tolist() or [""], dtype=str)[: len(values)]
    longest = max(wide.dtype.itemsize // 4, 1)
    return np.ascontiguousarray(wide, dtype=f"<U{longest}").view(np.uint32).reshape(-1, longest)


def quick_cents(amounts: Text) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """(cents, read): amounts matching [+-]digits[.digits] with 1-15 whole digits and at
    most two decimals, read exactly with integer arithmetic on arrays."""
    codes = code_points(amounts)
    digit = (codes >= ord("0")) & (codes <= ord("9"))
    point = codes == ord(".")
    pad = codes == 0
    signed = (codes[:, 0] == ord("-")) | (codes[:, 0] == ord("+"))
    allowed = digit | point | pad
    allowed[:, 0] |= signed
    length = (~pad).sum(axis=1)
    points = point.sum(axis=1)
    at = np.where(points == 1, point.argmax(axis=1), length)
    whole = at - signed
    decimals = np.where(points == 1, length - at - 1, 0)
    # Padding only at the end: a text never holds a NUL, so this is the text's own length.
    read = allowed.all(axis=1) & (points <= 1) & (whole >= 1) & (whole <= 15) & (decimals <= 2)
    value = np.zeros(len(amounts), dtype=np.int64)
    for column in range(codes.shape[1]):
        is_digit = digit[:, column] & read
        value = np.where(is_digit, value * 10 + (codes[:, column].astype(np.int64) - 48), value)
    value = value * np.array([100, 10, 1], dtype=np.int64)[np.minimum(decimals, 2)]
    negative = codes[:, 0] == ord("-")
    return np.where(read, np.where(negative, -value, value), 0).astype(np.int64), read


def known(check: Checker, values: Text, column: str, allowed: list[str]) -> Text:
    known = pd.Series(values, dtype=object).isin(allowed).to_numpy(bool)

    def hint(i: int) -> str:
        close = difflib.get_close_matches(str(values[i]), allowed, n=1) if values[i] else []
        listed = ", ".join(allowed[:20]) + (", ..." if len(allowed) > 20 else "")
        return (f"did you mean {close[0]!r}? " if close else "") + f"{column}s are {listed}"

    check.report(
        ~known,
        column,
        lambda i: "is empty" if values[i] == "" else f"{values[i]!r} is not a {column}",
        hint,
    )
    return values


def basis_of(check: Checker, values: Text) -> Text:
    # The plain value, not the member: these become the bookings' basis column.
    out = np.array([v.lower() or Basis.CASH.value for v in values.tolist()], dtype=object)
    check.report(
        ~pd.Series(out, dtype=object).isin(BASES).to_numpy(bool),
        "basis",
        lambda i: f"{values[i]!r} is not a basis",
        "use cash (payments), commitment (obligations entered) or receipts (money received "
        "back); empty means cash",
    )
    return out


def letters(index: int) -> str:
    """0 -> "A", 26 -> "AA": the spreadsheet name of a column (as registers name them)."""
    return column_letters(index)
