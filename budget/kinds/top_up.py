"""`top_up`: each year, make up the recipient's shortfall, up to a cap.

Pays min(cap, max(0, shortfall)) in every year of its span. The shortfall is given, or
derived by the engine from the recipient's costs minus its income minus what commitments
ranked before this one pay the recipient that year. An optional total cap over the whole
span stops payments once reached, year by year in time order. The yearly cap stays nominal
unless `cap_indexation = { index = "pbo", base_year = 2014 }` indexes it by a series of the
scenario's `[indices]` (budget.core.indices); the total cap always stays nominal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from budget.core.fields import FieldReader
from budget.core.indices import Indexed, index_of
from budget.core.inputs import column_of
from budget.core.model import ByYear
from budget.core.periods import FiscalCalendar
from budget.kinds.base import (
    BoolArray,
    Columns,
    Flows,
    IntArray,
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
class TopUp:
    """first_year, last_year: the span; cap: the most paid per year; shortfall: given per
    year, or None to derive it from the recipient; total_cap: the most paid over the span."""

    first_year: int
    last_year: int
    cap: ByYear
    shortfall: ByYear | None
    total_cap: int | None
    cap_index: Indexed | None = None


class TopUpKind:
    name: str = "top_up"
    summary: str = "makes up a yearly shortfall, up to a cap per year (and optionally in total)"
    fields: Mapping[str, str] = {
        "first_year": "the first fiscal year",
        "last_year": "the last fiscal year",
        "cap": "the most paid per year (an amount, or a table by year)",
        "shortfall": "the shortfall per year; without it, the recipient's costs - income",
        "total_cap": "the most paid over the whole span",
        "cap_indexation": 'the series the yearly cap is indexed by: { index = "pbo", '
        "base_year = 2014 } (default: nominal)",
    }
    year_inputs: tuple[str, ...] = ("cap", "shortfall")
    commits_up_front: bool = False
    uncertain: frozenset[str] = frozenset({"shortfall"})

    def parse(self, reader: FieldReader) -> TopUp | None:
        first, last, span = read_span(reader)
        cap = reader.by_year("cap", required=True, span=span)
        shortfall = reader.by_year("shortfall", uncertain=True, allow_negative=True, span=span)
        total_cap = reader.amount("total_cap")
        if span is None or cap is None or first is None or last is None:
            return None
        if shortfall is None and reader.has("shortfall"):
            return None
        if total_cap is None and reader.has("total_cap"):
            return None
        if reader.has("cap_indexation"):
            found = index_of(reader.raw["cap_indexation"])
            if isinstance(found, str):
                reader.error("cap_indexation", "is not an index series", found)
                return None
            return TopUp(first, last, cap, shortfall, total_cap, Indexed(*found))
        return TopUp(first, last, cap, shortfall, total_cap)

    def columns(self, specs: Sequence[TopUp]) -> Columns:
        return {
            "first_year": ints(specs, "first_year"),
            "last_year": ints(specs, "last_year"),
            "cap": by_year_column(specs, "cap"),
            "shortfall": by_year_column(specs, "shortfall"),
            "total_cap": ints(specs, "total_cap"),
            "cap_index": column_of(values_of(specs, "cap_index")),
        }

    def span_of(self, columns: Columns, calendar: FiscalCalendar) -> IntArray:
        return year_spans(columns)

    def most(self, spec: TopUp) -> int:
        years = spec.last_year - spec.first_year + 1
        most = largest(spec.cap) * years
        if spec.cap_index is not None:
            most = -(-most * spec.cap_index.growth() // 1)
        return most if spec.total_cap is None else min(most, spec.total_cap)

    def most_of_columns(self, columns: Columns) -> int | None:
        """The sum of `most` over the rows of `columns`, when no cap is indexed and every
        cap is one amount for every year (a register's rows); None otherwise."""
        cap = columns["cap"]
        if not cap.plain.all() or has_series(columns.get("cap_index")):
            return None
        most = products(cap.every, columns["last_year"] - columns["first_year"] + 1)
        limits = columns["total_cap"]  # -1: none
        if isinstance(most, np.ndarray):
            return int(np.where(limits < 0, most, np.minimum(most, limits)).sum())
        limited = zip(most, limits.tolist(), strict=True)
        return sum(m if t < 0 else min(m, t) for m, t in limited)

    def derives_shortfall(self, spec: TopUp) -> bool:
        return spec.shortfall is None

    def derived(self, columns: Columns) -> BoolArray:
        return ~columns["shortfall"].given

    def compute(
        self,
        columns: Columns,
        years: IntArray,
        calendar: FiscalCalendar,
        inputs: Mapping[str, IntArray],
        active: BoolArray,
    ) -> Flows:
        shortfall = inputs["shortfall"]
        due = np.maximum(shortfall, 0)
        cap = inputs["cap"]
        if has_series(columns.get("cap_index")):
            cap = np.array(np.broadcast_to(cap, np.broadcast_shapes(cap.shape, due.shape)))
            index_by_series(cap, columns["cap_index"], years, active)
        pay = np.where(active, np.minimum(cap, due), 0)
        limits = columns["total_cap"]
        capped = limits >= 0
        if capped.any():
            # Years are in time order, so a cumulative minimum stops payments once reached.
            running = np.cumsum(pay[:, capped, :], axis=-1)
            running = np.minimum(running, limits[capped][None, :, None])
            pay[:, capped, :] = np.diff(running, axis=-1, prepend=0)
        binds = active & (shortfall > pay)
        return Flows(cash=pay, commitment=pay, binds=binds)


KIND = TopUpKind()
