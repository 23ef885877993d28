"""`grant`: a total for a period [start, end), allocated over the fiscal years it touches.

Allocation by days (the default) or by months, or an explicit schedule by year that adds up
to the total. Cash follows the allocation, unless an `advance` share is paid in the first
fiscal year and the rest at settlement, `settlement_lag` years after the fiscal year in which
the period ends. The whole total is committed in `committed_in` (default: the first year).

A grant may be settled: `settled = { year = 2016, amount = "1900000.00" }`, the final
amount (at most the total) decided in that fiscal year. There the commitment basis gets
a release of `amount - total` (never positive) and the cash basis a final payment of what
remains to pay up to `amount` (what was planned to be paid before that year), replacing
the planned payments from that year on; what was paid beyond `amount` is recovered on the
receipts basis (`budget.engine.projection` adds those rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from budget.core.fields import YEAR_MAX, YEAR_MIN, FieldReader, as_integer
from budget.core.inputs import column_of
from budget.core.money import allocate_rows, format_euros_grouped, share_weights
from budget.core.periods import FiscalCalendar, fiscal_year_weights, period_last_day
from budget.kinds.base import BoolArray, Columns, Flows, IntArray, distinct_codes, ints
from budget.kinds.spec_columns import values_of

ALLOCATIONS = ("days", "months")
MAX_YEARS = 100


@dataclass(frozen=True, slots=True)
class Grant:
    """total: the amount granted; start, end: the period [start, end); allocation: "days",
    "months" or a schedule ((year, cents) pairs); advance: the share paid up front, or None;
    settlement_lag: years from the period's last fiscal year to settlement; committed_in:
    the fiscal year of the grant decision."""

    total: int
    start: dt.date
    end: dt.date
    allocation: str | tuple[tuple[int, int], ...]
    advance: Fraction | None
    settlement_lag: int
    committed_in: int | None
    # settled: (fiscal year, final amount in cents) of the settlement, or None.
    settled: tuple[int, int] | None = None

    def years(self, calendar: FiscalCalendar) -> tuple[int, int]:
        """The fiscal years of the period: the first, and the one holding its last day."""
        return calendar.year_of(self.start), calendar.year_of(period_last_day(self.end))

    def first_payment(self, calendar: FiscalCalendar) -> int:
        first, last = self.years(calendar)
        if self.advance is not None:
            return first if self.advance > 0 else last + self.settlement_lag
        if isinstance(self.allocation, tuple):
            return next((y for y, c in self.allocation if c > 0), first)
        return first


class GrantKind:
    name: str = "grant"
    summary: str = "a total for a period, allocated over fiscal years by days, months or schedule"
    fields: Mapping[str, str] = {
        "total": "the amount granted for the whole period",
        "start": "the first day of the period (a date)",
        "end": "the day after the last day of the period (the end is exclusive)",
        "allocation": '"days" (default), "months", or a table by year adding up to the total',
        "advance": 'the share paid in the first fiscal year, e.g. "0.8"',
        "settlement_lag": "years after the period's last fiscal year when the rest is paid (1)",
        "committed_in": "the fiscal year of the grant decision (default: the first year)",
        "settled": 'the settlement: { year = 2016, amount = "1900000.00" } (at most the total)',
    }
    year_inputs: tuple[str, ...] = ()
    commits_up_front: bool = True
    uncertain: frozenset[str] = frozenset()

    def parse(self, reader: FieldReader) -> Grant | None:
        total = reader.amount("total", required=True)
        start = reader.date("start", required=True)
        end = reader.date("end", required=True)
        advance = reader.share("advance")
        lag = reader.integer("settlement_lag", lo=0, hi=50)
        committed_in = reader.year("committed_in")
        has_advance = reader.has("advance")
        lag_alone = not has_advance and reader.has("settlement_lag")
        if lag_alone:
            reader.error(
                "settlement_lag",
                "is set without advance, so it would do nothing",
                "add advance (the share paid up front) or remove settlement_lag",
            )
        # Both in one file: the allocation would be ignored. A scenario that extends another
        # may add an advance to an inherited grant: it then replaces the allocation's cash.
        if (
            has_advance
            and reader.has("allocation")
            and reader.file_of("allocation") == reader.file_of("advance")
        ):
            reader.error(
                "allocation",
                "is set together with advance, which decides the cash instead: the advance "
                "share is paid in the first fiscal year and the rest at settlement",
                "remove allocation (the whole total is committed in committed_in either "
                "way), or remove advance to pay the cash by the allocation",
            )
            return None
        if start is not None and end is not None and end <= start:
            reader.error(
                "end",
                f"{end} is not after start {start}",
                "the end is exclusive: a grant for 2015 ends on 2016-01-01",
            )
            return None
        if start is not None and end is not None and (end - start).days > 366 * MAX_YEARS:
            reader.error("end", f"the period is longer than {MAX_YEARS} years")
            return None
        if total is None or start is None or end is None:
            return None
        if lag_alone:
            return None
        # A field that is given but could not be read (its problem is recorded).
        if (
            (advance is None and has_advance)
            or (lag is None and reader.has("settlement_lag"))
            or (committed_in is None and reader.has("committed_in"))
        ):
            return None
        settled = _settled(reader, total)
        if settled is None and reader.has("settled"):
            return None
        allocation = self._allocation(reader, total, start, end)
        if allocation is None:
            return None
        grant = Grant(
            total,
            start,
            end,
            allocation,
            advance,
            1 if lag is None else lag,
            committed_in,
            settled,
        )
        return grant

    def _allocation(
        self, reader: FieldReader, total: int, start: dt.date, end: dt.date
    ) -> str | tuple[tuple[int, int], ...] | None:
        if not reader.has("allocation") or isinstance(reader.raw["allocation"], str):
            return reader.choice("allocation", ALLOCATIONS, "days")
        if not isinstance(reader.raw["allocation"], Mapping) or not reader.raw["allocation"]:
            reader.error(
                "allocation",
                "is neither a method nor a schedule",
                'use "days", "months" or a table by year such as '
                '{ 2014 = "1200000.00", 2015 = "800000.00" }',
            )
            return None
        # The fiscal calendar is not known while parsing; the years of a schedule are checked
        # against the period by `check` below, once it is.
        schedule = reader.by_year("allocation")
        if schedule is None:
            return None
        pairs = tuple((y, v) for y, v in schedule.table if isinstance(v, int))
        if sum(c for _, c in pairs) != total:
            added = format_euros_grouped(sum(c for _, c in pairs))
            reader.error(
                "allocation",
                f"the schedule adds up to {added}, not the total {format_euros_grouped(total)}",
                "make the years add up to the total",
            )
            return None
        return pairs

    def check(self, spec: Grant, calendar: FiscalCalendar) -> list[tuple[str, str, str]]:
        """Rules that need the fiscal calendar: (field, message, hint) for each problem."""
        problems: list[tuple[str, str, str]] = []
        if spec.settled is not None and spec.settled[0] < spec.years(calendar)[0]:
            problems.append(
                (
                    "settled",
                    f"the settlement year {spec.settled[0]} is before the grant's first "
                    f"fiscal year {spec.years(calendar)[0]}",
                    "a grant is settled in or after the fiscal year its period starts",
                )
            )
        if spec.committed_in is None and not isinstance(spec.allocation, tuple):
            return problems  # nothing here depends on the calendar
        first, last = spec.years(calendar)
        if isinstance(spec.allocation, tuple):
            years = [y for y, _ in spec.allocation]
            missing = [y for y in range(first, last + 1) if y not in years]
            extra = [y for y in years if not first <= y <= last]
            if missing:
                problems.append(
                    (
                        "allocation",
                        "the schedule has no amount for " + ", ".join(map(str, missing)),
                        f"the period covers fiscal years {first} to {last}",
                    )
                )
            if extra:
                problems.append(
                    (
                        "allocation",
                        "the schedule has years outside the period: " + ", ".join(map(str, extra)),
                        f"the period covers fiscal years {first} to {last}",
                    )
                )
        if spec.committed_in is not None and spec.committed_in > spec.first_payment(calendar):
            problems.append(
                (
                    "committed_in",
                    f"{spec.committed_in} is after the first payment "
                    f"in {spec.first_payment(calendar)}",
                    "a grant is committed before or when it first pays",
                )
            )
        return problems

    def columns(self, specs: Sequence[Grant]) -> Columns:
        count = len(specs)
        allocations = values_of(specs, "allocation")
        by_days = allocations.count("days") == count  # every one the default (a register's)
        settled = values_of(specs, "settled")
        unsettled = settled.count(None) == count
        return {
            "total": ints(specs, "total"),
            "start": _days(values_of(specs, "start"), count),
            "end": _days(values_of(specs, "end"), count),  # exclusive
            # A schedule's method is -1; its (year, cents) pairs are in `schedule`.
            "method": (
                np.full(count, ALLOCATIONS.index("days"), dtype=np.int64)
                if by_days
                else np.fromiter(map(_method, allocations), np.int64, count)
            ),
            "schedule": (
                column_of([None] * count)
                if by_days
                else column_of([None if isinstance(a, str) else a for a in allocations])
            ),
            "advance": column_of(values_of(specs, "advance")),
            "settlement_lag": ints(specs, "settlement_lag"),
            "committed_in": ints(specs, "committed_in"),
            # -1: not settled
            "settled_year": (
                np.full(count, -1, dtype=np.int64)
                if unsettled
                else np.fromiter((-1 if s is None else s[0] for s in settled), np.int64, count)
            ),
            "settled_amount": (
                np.zeros(count, dtype=np.int64)
                if unsettled
                else np.fromiter((0 if s is None else s[1] for s in settled), np.int64, count)
            ),
        }

    def span_of(self, columns: Columns, calendar: FiscalCalendar) -> IntArray:
        first, last = _fiscal_years(columns, calendar)
        lag = np.where(_with_advance(columns), columns["settlement_lag"], 0)
        end = np.maximum(last + lag, columns["settled_year"])
        return np.stack([np.minimum(first, _committed_in(columns, first)), end], axis=1)

    def most(self, spec: Grant) -> int:
        return spec.total

    def most_of_columns(self, columns: Columns) -> int | None:
        """The sum of `most` over the rows of `columns`."""
        return sum(columns["total"].tolist())

    def derives_shortfall(self, spec: Grant) -> bool:
        return False

    def derived(self, columns: Columns) -> BoolArray:
        return np.zeros(len(columns["total"]), dtype=bool)

    def compute(
        self,
        columns: Columns,
        years: IntArray,
        calendar: FiscalCalendar,
        inputs: Mapping[str, IntArray],
        active: BoolArray,
    ) -> Flows:
        totals, y0 = columns["total"], int(years[0])
        k = len(totals)
        bounds = calendar.boundaries(y0, int(years[-1]))
        weights = np.zeros((k, len(years)), dtype=np.int64)
        starts, ends = columns["start"], columns["end"]
        first, last = _fiscal_years(columns, calendar)
        for code, method in enumerate(ALLOCATIONS):
            rows = columns["method"] == code
            if rows.any():
                weights[rows] = fiscal_year_weights(starts[rows], ends[rows], bounds, method)
        scheduled = np.flatnonzero(columns["method"] < 0)
        for i, schedule in zip(scheduled.tolist(), columns["schedule"][scheduled], strict=True):
            for year, cents in schedule:
                weights[i, year - y0] = cents
        allocated = allocate_rows(totals, weights)

        cash = allocated
        rows = np.flatnonzero(_with_advance(columns))
        if len(rows):
            # Each distinct advance's weights worked out once (a register repeats a few).
            code_of, advances = distinct_codes(columns["advance"][rows].tolist())
            weights_of = np.array([share_weights([a, 1 - a]) for a in advances], dtype=np.int64)
            up_front = allocate_rows(totals[rows], weights_of.reshape(-1, 2)[code_of])
            lag = columns["settlement_lag"][rows]
            cash = allocated.copy()
            cash[rows] = 0
            cash[rows, first[rows] - y0] += up_front[:, 0]
            cash[rows, last[rows] + lag - y0] += up_front[:, 1]
        commitment = np.zeros_like(cash)
        commitment[np.arange(k), _committed_in(columns, first) - y0] = totals
        settle(cash, commitment, totals, columns["settled_year"] - y0, columns["settled_amount"])
        return Flows(cash=cash[None], commitment=commitment[None])


def settle(
    cash: IntArray, commitment: IntArray, totals: IntArray, at: IntArray, amount: IntArray
) -> None:
    """Settle the grants whose settlement column `at` is not negative, in place: a release
    of amount - total there (commitment basis), and a final payment of what remains up to
    the amount (cash), replacing the payments planned from that column on. What was paid
    before beyond the amount is the recovery (`recovery`)."""
    rows = np.flatnonzero(at >= 0)
    if not len(rows):
        return
    columns = np.arange(cash.shape[1])[None, :]
    year = at[rows][:, None]
    before = np.where(columns < year, cash[rows], 0)
    paid = before.sum(axis=1)
    cash[rows] = before
    cash[rows, at[rows]] = np.maximum(0, amount[rows] - paid)
    commitment[rows, at[rows]] += amount[rows] - totals[rows]


def _settled(reader: FieldReader, total: int | None) -> tuple[int, int] | None:
    """`settled = { year, amount }`: (year, cents), or None (a problem when it is given)."""
    if not reader.has("settled"):
        return None
    raw = reader.raw["settled"]
    hint = 'write settled = { year = 2016, amount = "1900000.00" }'
    if not isinstance(raw, Mapping) or set(raw) != {"year", "amount"}:
        shown = ", ".join(map(str, raw)) if isinstance(raw, Mapping) else "not a table"
        reader.error("settled", f"needs exactly year and amount (it has: {shown})", hint)
        return None
    year = as_integer(raw["year"])
    if isinstance(raw["year"], bool) or year is None or not YEAR_MIN <= year <= YEAR_MAX:
        reader.error("settled", f"year {raw['year']!r} is not a fiscal year", hint)
        return None
    amount = reader._cents("settled", raw["amount"], False, " (settled.amount)")
    if amount is None:
        return None
    if total is not None and amount > total:
        reader.error(
            "settled",
            f"amount {format_euros_grouped(amount)} is above the grant's total "
            f"{format_euros_grouped(total)}",
            "a grant is settled at most at the amount granted; raise total for more",
        )
        return None
    return year, amount


def _method(allocation: Any) -> int:
    """A grant's allocation method as its place in ALLOCATIONS; -1 for a schedule."""
    return _METHODS.get(allocation, -1) if isinstance(allocation, str) else -1


_METHODS = {m: i for i, m in enumerate(ALLOCATIONS)}


def _days(dates: Iterable[dt.date], count: int) -> np.ndarray:
    """Dates as datetime64[D]."""
    days = np.fromiter(map(dt.date.toordinal, dates), np.int64, count) - _ORDINAL_1970
    return days.astype("datetime64[D]")


def _fiscal_years(columns: Columns, calendar: FiscalCalendar) -> tuple[IntArray, IntArray]:
    """The fiscal years of each period's first and last day (the end is exclusive)."""
    last_days = columns["end"] - np.timedelta64(1, "D")
    return calendar.years_of(columns["start"]), calendar.years_of(last_days)


def _with_advance(columns: Columns) -> BoolArray:
    """Which grants pay an advance share up front."""
    return columns["advance"] != None  # noqa: E711 (elementwise over the object column)


def _committed_in(columns: Columns, first: IntArray) -> IntArray:
    """The fiscal year each grant is committed in: as given, else its first year."""
    given = columns["committed_in"]
    return np.where(given < 0, first, given)


_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()

KIND = GrantKind()
