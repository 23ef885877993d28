"""`cofinanced`: a funder pays a rate of the recipient's eligible costs over a span.

Over first_year .. last_year the commitment pays `rate` (at most 100%) of the eligible
costs of the span (its `eligible` by year, or else the recipient's `costs`, filled in by
the loader: budget.load.cofinanced), at most `max` over the span: total =
min(round(rate x eligible costs of the span), max), rounded once (halves away from zero);
the total is spread over the years in proportion to each year's eligible costs by largest
remainder (ties to the earlier year). `max_per_year` then caps each year; what a yearly
cap cuts off is not paid in another year. Ranked by priority like every commitment, so a
top-up after it makes up the rest.

Worked (issue 23): SIN's eligible costs 67,600.00 in 2015 and 2016, rate 80%, max
100,000.00: min(0.8 x 135,200.00, 100,000.00) = 100,000.00, 50,000.00 a year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from budget.core.fields import FieldReader
from budget.core.inputs import column_of
from budget.core.model import ByYear
from budget.core.money import MoneyError, allocate_rows, parse_share, scale_round
from budget.core.periods import FiscalCalendar
from budget.kinds.base import (
    BoolArray,
    Columns,
    Flows,
    IntArray,
    distinct_codes,
    ints,
    largest,
    read_span,
    year_spans,
)
from budget.kinds.spec_columns import by_year_column, values_of

RATE_HINT = 'give the share of the eligible costs it pays, at most 100%: "80%", "0.8" or "4/5"'


@dataclass(frozen=True, slots=True)
class Cofinanced:
    """first_year, last_year: the span; rate: the share of the eligible costs paid (0 to 1);
    eligible: the eligible costs by year (None until the loader fills in the recipient's
    costs, and from_costs is True); maximum: the most paid over the span (None: no
    maximum); max_per_year: the most paid in any year (None: none)."""

    first_year: int
    last_year: int
    rate: Fraction
    eligible: ByYear | None
    maximum: int | None = None
    max_per_year: int | None = None
    from_costs: bool = False  # eligible: the recipient's costs, filled in by the loader


def parse_rate_share(raw: object) -> Fraction | str:
    """A rate of at most 100%: "80%", "0.8", "4/5"; or what is wrong with it."""
    try:
        if isinstance(raw, str) and raw.strip().endswith("%"):
            text = raw.strip()[:-1].strip()
            try:
                rate = Fraction(text) / 100
            except ValueError:
                return f"{raw!r} is not a rate"
        else:
            rate = parse_share(raw)
    except MoneyError as exc:
        if "between 0 and 1" in exc.message:
            return f"{raw!r} is above 100%"
        return f"{exc.message}"
    if rate < 0:
        return f"{raw!r} is below 0%"
    if rate > 1:
        return f"{raw!r} is above 100%"
    return rate


class CofinancedKind:
    name = "cofinanced"
    summary: str = "pays a rate of the recipient's eligible costs over a span, up to a maximum"
    fields: Mapping[str, str] = {
        "first_year": "the first fiscal year",
        "last_year": "the last fiscal year",
        "rate": 'the share of the eligible costs paid, at most 100%: "80%"',
        "eligible": "the eligible costs per year (default: the recipient's costs)",
        "max": "the most paid over the whole span",
        "max_per_year": "the most paid in any one year",
    }
    year_inputs: tuple[str, ...] = ("eligible",)
    commits_up_front: bool = False
    uncertain: frozenset[str] = frozenset({"eligible"})

    def parse(self, reader: FieldReader) -> Cofinanced | None:
        first, last, span = read_span(reader)
        rate: Fraction | None = None
        if not reader.has("rate"):
            reader.error("rate", "is missing", RATE_HINT)
        else:
            found = parse_rate_share(reader.raw["rate"])
            if isinstance(found, str):
                reader.error("rate", found, RATE_HINT)
            else:
                rate = found
        eligible = reader.by_year("eligible", uncertain=True, span=span)
        maximum = reader.amount("max")
        per_year = reader.amount("max_per_year")
        if span is None or rate is None or first is None or last is None:
            return None
        if (eligible is None and reader.has("eligible")) or (
            (maximum is None and reader.has("max"))
            or (per_year is None and reader.has("max_per_year"))
        ):
            return None
        return Cofinanced(first, last, rate, eligible, maximum, per_year)

    def columns(self, specs: Sequence[Cofinanced]) -> Columns:
        return {
            "first_year": ints(specs, "first_year"),
            "last_year": ints(specs, "last_year"),
            "rate": column_of(values_of(specs, "rate")),
            "eligible": by_year_column(specs, "eligible"),
            "max": ints(specs, "maximum"),
            "max_per_year": ints(specs, "max_per_year"),
        }

    def span_of(self, columns: Columns, calendar: FiscalCalendar) -> IntArray:
        return year_spans(columns)

    def most(self, spec: Cofinanced) -> int:
        years = spec.last_year - spec.first_year + 1
        most = largest(spec.eligible) * years
        if spec.maximum is not None:
            most = min(most, spec.maximum)
        if spec.max_per_year is not None:
            most = min(most, spec.max_per_year * years)
        return most

    def derives_shortfall(self, spec: Cofinanced) -> bool:
        return False

    def derived(self, columns: Columns) -> BoolArray:
        return np.zeros(len(columns["first_year"]), dtype=bool)

    def compute(
        self,
        columns: Columns,
        years: IntArray,
        calendar: FiscalCalendar,
        inputs: Mapping[str, IntArray],
        active: BoolArray,
    ) -> Flows:
        eligible = np.maximum(np.where(active, inputs["eligible"], 0), 0)
        whole = eligible.sum(axis=-1)  # (draws, K)
        rate_of, rates = distinct_codes(columns["rate"])
        total = np.zeros_like(whole)
        for code, rate in enumerate(rates):
            rows = np.flatnonzero(rate_of == code)
            total[:, rows] = scale_round(whole[:, rows], rate)
        maximum = columns["max"]
        total = np.where(maximum[None, :] >= 0, np.minimum(total, maximum[None, :]), total)
        pay = spread(total, eligible)
        per_year = columns["max_per_year"]
        pay = np.where(per_year[None, :, None] >= 0, np.minimum(pay, per_year[None, :, None]), pay)
        return Flows(cash=pay, commitment=pay)


def spread(total: IntArray, weights: IntArray) -> IntArray:
    """total (draws, K) over the years in proportion to weights (draws, K, Y), largest
    remainder, ties to the earlier year; in Python integers where int64 could overflow."""
    out = np.zeros(weights.shape, dtype=np.int64)
    some = weights.sum(axis=-1) > 0
    if not some.any():
        return out
    w, t = weights[some], total[some]
    if int(w.sum(axis=-1).max()) < 3 * 10**9 and int(t.max()) * int(w.max()) < 1 << 62:
        out[some] = allocate_rows(t, w)
        return out
    parts = []
    for whole, row in zip(t.tolist(), w.tolist(), strict=True):
        count = sum(row)
        floors = [whole * x // count for x in row]
        rest = [whole * x - count * f for x, f in zip(row, floors, strict=True)]
        for i in sorted(range(len(row)), key=lambda i: (-rest[i], i))[: whole - sum(floors)]:
            floors[i] += 1
        parts.append(floors)
    out[some] = np.array(parts, dtype=np.int64).reshape(w.shape)
    return out


KIND = CofinancedKind()
