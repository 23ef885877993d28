"""`annual`: a fixed amount every year of a span, optionally indexed by a yearly rate.

Year y pays amount x (1 + rate)^(y - first_year), computed from the base each year and
rounded once, half away from zero, so that rounded amounts are never compounded. Instead of
a flat rate, `indexation = { index = "pbo", base_year = 2014 }` indexes the amount by a
series of the scenario's `[indices]`: year y pays amount x the product of (1 + rate) over
base_year + 1 .. y, rounded once (budget.core.indices).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np

from budget.core.errors import excerpt
from budget.core.fields import FieldReader
from budget.core.indices import Indexed, index_of
from budget.core.inputs import column_of
from budget.core.model import ByYear
from budget.core.money import MoneyError, scale_round
from budget.core.periods import FiscalCalendar
from budget.kinds.base import (
    BoolArray,
    Columns,
    Flows,
    IntArray,
    distinct_codes,
    has_series,
    index_by_series,
    ints,
    largest,
    products,
    read_span,
    year_spans,
)
from budget.kinds.spec_columns import by_year_column, values_of


@dataclass(frozen=True, slots=True)
class Annual:
    """first_year, last_year: the span; amount: the base amount per year; indexation: the
    yearly rate (0 for none); index: the series it is indexed by instead (then the rate
    is 0)."""

    first_year: int
    last_year: int
    amount: ByYear
    indexation: Fraction
    index: Indexed | None = None


class AnnualKind:
    name: str = "annual"
    summary: str = "pays a fixed amount every year, optionally indexed by a yearly rate"
    fields: Mapping[str, str] = {
        "first_year": "the first fiscal year",
        "last_year": "the last fiscal year",
        "amount": "the amount per year (before indexation)",
        "indexation": 'the yearly rate, e.g. "2%" or "0.02"; above 1 only with %; or a '
        'series: { index = "pbo", base_year = 2014 }',
    }
    year_inputs: tuple[str, ...] = ("amount",)
    commits_up_front: bool = False
    uncertain: frozenset[str] = frozenset({"amount"})

    def parse(self, reader: FieldReader) -> Annual | None:
        first, last, span = read_span(reader)
        amount = reader.by_year("amount", required=True, uncertain=True, span=span)
        rate = Fraction(0)
        index = None
        if reader.has("indexation") and is_series(reader.raw["indexation"]):
            found = index_of(reader.raw["indexation"])
            if isinstance(found, str):
                reader.error("indexation", "is not an index series", found)
                return None
            index = Indexed(*found)
        elif reader.has("indexation"):
            raw = reader.raw["indexation"]
            try:
                # Cached, so equal rates are one object (see kinds.base.distinct_codes).
                rate = _parse_rate(raw)
            except MoneyError as exc:
                reader.error("indexation", exc.message, exc.hint)
                return None
        if span is None or amount is None or first is None or last is None:
            return None
        if index is not None:
            return Annual(first, last, amount, rate, index)
        return Annual(first, last, amount, rate)

    def columns(self, specs: Sequence[Annual]) -> Columns:
        return {
            "first_year": ints(specs, "first_year"),
            "last_year": ints(specs, "last_year"),
            "amount": by_year_column(specs, "amount"),
            "indexation": column_of(values_of(specs, "indexation")),
            "index": column_of(values_of(specs, "index")),
        }

    def span_of(self, columns: Columns, calendar: FiscalCalendar) -> IntArray:
        return year_spans(columns)

    def most(self, spec: Annual) -> int:
        years = spec.last_year - spec.first_year + 1
        if spec.index is not None:
            return -(-largest(spec.amount) * spec.index.growth() // 1) * years
        if not spec.indexation:  # no growth: each year at most the largest amount
            return largest(spec.amount) * years
        growth = max(Fraction(1), (1 + spec.indexation) ** (years - 1))
        return -(-largest(spec.amount) * growth // 1) * years  # each year at most the ceiling

    def most_of_columns(self, columns: Columns) -> int | None:
        """The sum of `most` over the rows of `columns`, when no row is indexed and every
        amount is one amount for every year (a register's rows); None otherwise."""
        amount = columns["amount"]
        _, rates = distinct_codes(columns["indexation"].tolist())
        if not amount.plain.all() or any(rates) or has_series(columns.get("index")):
            return None
        most = products(amount.every, columns["last_year"] - columns["first_year"] + 1)
        return int(most.sum()) if isinstance(most, np.ndarray) else sum(most)

    def derives_shortfall(self, spec: Annual) -> bool:
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
        amount = np.where(active, inputs["amount"], 0)
        index_by_series(amount, columns.get("index"), years, active)
        rate_of, rates = distinct_codes(columns["indexation"])
        first = columns["first_year"]
        offset = years[None, :] - first[:, None]
        # The indexed cells grouped by (rate, years since the first): one sort, then one
        # scaling per group.
        indexed = np.array([rate != 0 for rate in rates], dtype=bool).reshape(len(rates))
        cells = np.flatnonzero(active & indexed[rate_of][:, None])
        if not len(cells):
            return Flows(cash=amount, commitment=amount)
        row, year = np.divmod(cells, len(years))
        span = len(years)  # an active cell is at most len(years) - 1 years after the first
        key = rate_of[row] * span + offset[row, year]
        order = np.argsort(key, kind="stable")
        cells, key = cells[order], key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        flat = amount.reshape(amount.shape[0], -1)
        for a, b in zip(starts.tolist(), np.r_[starts[1:], len(key)].tolist(), strict=True):
            code, k = divmod(int(key[a]), span)
            group = cells[a:b]
            flat[:, group] = scale_round(flat[:, group], (1 + rates[code]) ** k)
        return Flows(cash=amount, commitment=amount)


def is_series(raw: object) -> bool:
    """An `indexation` written as a series (a table, or "pbo from 2014") not a flat rate."""
    return isinstance(raw, Mapping) or (isinstance(raw, str) and " from " in raw)


def parse_rate(raw: object) -> Fraction:
    """A yearly rate (see `_parse_rate`), for other readers of rates (`[indices]`)."""
    return _parse_rate(raw)


def _parse_rate(raw: object) -> Fraction:
    """A yearly rate: "0.02" or "2%"; a negative rate (a cut) must stay above -100%."""
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        return _parse_rate_text(str(raw))
    raise MoneyError(
        f"{excerpt(raw)} is not a rate", 'write it in quotes, e.g. "0.02" for 2% a year'
    )


@functools.lru_cache(maxsize=1024)
def _parse_rate_text(raw: str) -> Fraction:
    # Cached, so equal rates are one object (see kinds.base.distinct_codes).
    text = raw.strip()
    percent = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip()) if len(text) <= 40 else Decimal("NaN")
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"{excerpt(raw)} is not a rate", 'write e.g. "0.02" or "2%"') from exc
    # An exponent such as 1e999999999 would make a billion-digit fraction: no sensible
    # rate is that large or that small.
    if not number.is_finite() or not -40 <= number.adjusted() <= 40:
        raise MoneyError(f"{excerpt(raw)} is not a rate", 'write e.g. "0.02" or "2%"')
    rate = Fraction(number)
    if percent:
        rate /= 100
    elif rate > 1:
        # "2" would be 200% a year: almost always a percentage without its sign.
        raise MoneyError(
            f"{raw!r} is a rate above 100% a year",
            f'did you mean {text}%? a rate above 1 must be written with %, e.g. "150%"',
        )
    if not -1 < rate <= 10 or rate.denominator > 10**9:
        raise MoneyError(
            f"{excerpt(raw)} is not a sensible yearly rate", 'write e.g. "0.02" for 2%'
        )
    return rate


KIND = AnnualKind()
