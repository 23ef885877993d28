"""Fiscal years and half-open periods [start, end).

A fiscal year starts on a fixed month and day and is named after the calendar year in
which it ends: with a start of 04-01, fiscal year 2015 runs from 2014-04-01 up to (not
including) 2015-04-01; with the default start of 01-01 it is the calendar year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Every month length (28..31) divides this, so month fractions are exact integers.
MONTH_UNITS = 377_580

_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """When a fiscal year starts.

    month, day: the first day of every fiscal year (1, 1 for calendar years).
    """

    month: int = 1
    day: int = 1

    @classmethod
    def parse(cls, text: object) -> FiscalCalendar:
        """Read "MM-DD"; raise ValueError with a readable message otherwise."""
        if not isinstance(text, str) or not re.fullmatch(r"\d\d-\d\d", text):
            raise ValueError(f'{text!r} is not a month and day like "04-01"')
        month, day = int(text[:2]), int(text[3:])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: month {month} does not exist")
        longest = 28 if month == 2 else calendar.monthrange(2001, month)[1]
        if not 1 <= day <= longest:
            raise ValueError(f"{text!r}: day {day} does not start a fiscal year in every year")
        return cls(month, day)

    @property
    def is_calendar_year(self) -> bool:
        return (self.month, self.day) == (1, 1)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def start_of(self, year: int) -> dt.date:
        """The first day of fiscal year `year`."""
        if self.is_calendar_year:
            return dt.date(year, 1, 1)
        return dt.date(year - 1, self.month, self.day)

    def year_of(self, day: dt.date) -> int:
        """The fiscal year that holds `day`."""
        if self.is_calendar_year:
            return day.year
        return day.year + (1 if (day.month, day.day) >= (self.month, self.day) else 0)

    def years_of(self, days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
        """`year_of` for an array of datetime64[D] days."""
        year = days.astype("datetime64[Y]").astype(np.int64) + 1970
        if self.is_calendar_year:
            return year
        month_start = days.astype("datetime64[M]")
        month = month_start.astype(np.int64) % 12 + 1
        day = (days - month_start.astype("datetime64[D]")).astype(np.int64) + 1
        after = (month > self.month) | ((month == self.month) & (day >= self.day))
        return year + after

    def boundaries(self, first_year: int, last_year: int) -> npt.NDArray[np.datetime64]:
        """Start dates of fiscal years first_year .. last_year + 1 (as datetime64[D])."""
        return np.array(
            [self.start_of(y) for y in range(first_year, last_year + 2)], dtype="datetime64[D]"
        )


YEAR_LABELS: dict[str, str] = {
    "end": 'the year it ends in, "2015" (the default)',
    "span": 'the two calendar years it spans, "2014-15" (a fiscal year not starting 1 January)',
    "fy": 'FY and the year it ends in, "FY2015"',
}


def year_label(year: int, style: str = "end") -> str:
    """How fiscal year `year` (named after the calendar year it ends in) is shown:
    "end" 2015, "span" 2014-15 (the century is written when it changes: 1999-2000),
    "fy" FY2015. The data keep the integer `year`; only tables and headers use this."""
    if style == "end":
        return str(year)
    if style == "span":
        end = f"{year % 100:02d}" if (year - 1) // 100 == year // 100 else str(year)
        return f"{year - 1}-{end}"
    if style == "fy":
        return f"FY{year}"
    raise ValueError(f"unknown year label {style!r}")


def period_last_day(end: dt.date) -> dt.date:
    """The last day of the half-open period that ends (exclusive) at `end`."""
    return end - dt.timedelta(days=1)


def _month_position(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """Months since 1970 in MONTH_UNITS, plus the elapsed fraction of the current month."""
    month = days.astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    # the next month as a timedelta64, not `month + 1`: numpy deprecates int + datetime64
    next_month = month + np.timedelta64(1, "M")
    length = (next_month.astype("datetime64[D]") - first).astype(np.int64)
    elapsed = (days - first).astype(np.int64)
    return month.astype(np.int64) * MONTH_UNITS + elapsed * (MONTH_UNITS // length)


def fiscal_year_weights(
    starts: npt.NDArray[np.datetime64],
    ends: npt.NDArray[np.datetime64],
    bounds: npt.NDArray[np.datetime64],
    by: str,
) -> npt.NDArray[np.int64]:
    """How much of each period [starts[i], ends[i]) falls in each fiscal year.

    `bounds` holds the start dates of consecutive fiscal years and the end of the last one.
    By "days", the weight is the number of days. By "months", every calendar month touched
    counts as (days of the period in it) / (days in that month), in MONTH_UNITS so that the
    weights are exact integers; a month that straddles a fiscal-year boundary is split by
    its days. Returns an int64 array of shape (len(starts), len(bounds) - 1).
    """
    if by == "days":
        start, end, bound = (a.astype(np.int64) for a in (starts, ends, bounds))
    elif by == "months":
        # A date's month position rises with the date, so the position of the later of two
        # dates is the larger position: each date is converted once, not once per year.
        start, end, bound = map(_month_position, (starts, ends, bounds))
    else:
        raise ValueError(f"unknown allocation {by!r}")
    lo = np.maximum(start[:, None], bound[None, :-1])
    hi = np.minimum(end[:, None], bound[None, 1:])
    return np.maximum(hi, lo) - lo
