"""The yearly tranches of an index update in a budget round (issue 23, item 4).

A mutation of kind "indexation" changes the rates of index series (or which series a
commitment is indexed by). Its effect splits into yearly tranches: the tranche of year j
is what the version gains when the rate of year j changes from its old value to its new
one, the rates of the years before j already new and those after j still old. The rate of
year j reaches only the years from j on, so a tranche applies from its year on. The old
rate of a year is the one the commitment's series had before the mutation (0 where it
had none: a commitment indexed anew by a series starts from its unindexed amounts).

`levels(before, after)` gives the scenario at every level: all rates old, then year by
year new. The tranches are the differences of consecutive levels, so they telescope to
the indexed minus the unindexed (or old-indexed) amount in every year, to the cent; what
the mutation changes besides the rates (a flat rate dropped, an amount restated) is the
difference between the version before it and the all-old level, shown as other changes.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from budget.core.indices import Indexed
from budget.core.model import Commitment, Scenario
from budget.load.indices import INDEXED_FIELDS

Rates = dict[int, Fraction]


def _old_rates(old: Commitment | None, attribute: str, new: Indexed) -> Rates:
    found = getattr(old.spec, attribute, None) if old is not None else None
    if not isinstance(found, Indexed) or found.base_year != new.base_year:
        return {}
    return dict(found.rates or ())


def changed_years(before: Scenario, after: Scenario) -> list[int]:
    """The years whose rate differs between `before` and `after`, for some commitment."""
    old = {c.id: c for c in before.commitments}
    years: set[int] = set()
    for c in after.commitments:
        for attribute, _ in INDEXED_FIELDS.get(c.kind, ()):
            new = getattr(c.spec, attribute, None)
            if not isinstance(new, Indexed):
                continue
            was = _old_rates(old.get(c.id), attribute, new)
            years |= {y for y, r in new.rates or () if was.get(y, Fraction(0)) != r}
    return sorted(years)


def _at_level(before: Scenario, after: Scenario, new_years: set[int]) -> Scenario:
    """`after` with the rates of `new_years` new and the others as before."""
    old = {c.id: c for c in before.commitments}
    commitments = []
    for c in after.commitments:
        spec = c.spec
        for attribute, _ in INDEXED_FIELDS.get(c.kind, ()):
            new = getattr(spec, attribute, None)
            if not isinstance(new, Indexed):
                continue
            was = _old_rates(old.get(c.id), attribute, new)
            rates = tuple(
                (y, r if y in new_years else was.get(y, Fraction(0))) for y, r in new.rates or ()
            )
            spec = dataclasses.replace(spec, **{attribute: dataclasses.replace(new, rates=rates)})
        commitments.append(c if spec is c.spec else dataclasses.replace(c, spec=spec))
    return dataclasses.replace(after, commitments=tuple(commitments))


def levels(before: Scenario, after: Scenario) -> tuple[Scenario, list[tuple[int, Scenario]]]:
    """The all-old level, then per changed year j the level with the rates up to j new."""
    years = changed_years(before, after)
    steps = [(j, _at_level(before, after, {y for y in years if y <= j})) for j in years]
    return _at_level(before, after, set()), steps
