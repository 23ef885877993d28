"""Index series: a published rate by year (`[indices.NAME]`), and an amount indexed by one.

An amount at the price level of `base_year`, indexed by a series, is in year y the amount
x the product of (1 + rate of t) for t = base_year + 1 .. y, computed exactly (fractions)
and rounded once to the cent, halves away from zero. In the base year itself and before
the series' first rate is needed the factor is 1. The scenario's reader resolves a
commitment's `Indexed(index, base_year)` against its `[indices]` into the rates it needs
(budget.load.indices); the kinds only multiply.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Indexed:
    """An amount indexed by a series: `index` names the series, `base_year` the price
    level of the amount as written. rates: the series' rates for base_year + 1 onwards,
    as (year, rate) in year order; None until the scenario resolved them."""

    index: str
    base_year: int
    rates: tuple[tuple[int, Fraction], ...] | None = None

    def factor(self, year: int) -> Fraction:
        """The product of (1 + rate) over base_year + 1 .. year (1 up to the base year)."""
        return self.factors()[year] if year > self.base_year else Fraction(1)

    def factors(self) -> dict[int, Fraction]:
        """The cumulative factor of every year the resolved rates reach."""
        return _cumulative(self.base_year, self.rates or ())

    def steps(self, year: int) -> list[tuple[int, Fraction]]:
        """The (year, rate) pairs whose factors make up `factor(year)`."""
        return [(y, r) for y, r in self.rates or () if self.base_year < y <= year]

    def growth(self) -> Fraction:
        """The largest factor of any year (at least 1): for upper bounds."""
        return max((Fraction(1), *self.factors().values()))


@functools.lru_cache(maxsize=256)
def _cumulative(base_year: int, rates: tuple[tuple[int, Fraction], ...]) -> dict[int, Fraction]:
    found: dict[int, Fraction] = {}
    factor = Fraction(1)
    for year, rate in rates:
        if year <= base_year:
            continue
        factor *= 1 + rate
        found[year] = factor
    return found


def index_of(raw: object) -> tuple[str, int] | str:
    """The (series, base_year) of an `indexation = { index, base_year }` cell, or why it is
    not one. A register cell writes it as text: "pbo from 2014"."""
    if isinstance(raw, str):
        written, sep, when = raw.strip().partition(" from ")
        if not sep:
            return (
                'write it as { index = "pbo", base_year = 2014 } (in a register: "pbo from 2014")'
            )
        raw = {"index": written.strip(), "base_year": when.strip()}
    if not isinstance(raw, dict):
        return 'write { index = "pbo", base_year = 2014 }'
    unknown = [k for k in raw if k not in ("index", "base_year")]
    if unknown:
        return (
            f'{unknown[0]!r} is not part of an index: write {{ index = "pbo", base_year = 2014 }}'
        )
    name: object = raw.get("index")
    year: object = raw.get("base_year")
    if not isinstance(name, str) or not name.strip():
        return 'name the series: { index = "pbo", base_year = 2014 }'
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        return "give the price level's year: base_year = 2014"
    return name.strip(), year
