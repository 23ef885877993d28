"""Hypothesis strategies for property tests of your own scenarios: the public name of
`budget.testing.strategies` (see there)."""

from budget.testing.strategies import (
    amounts,
    by_year,
    commitments,
    conditioned,
    dists,
    grants,
    index_series,
    indicators,
    pendings,
    scenarios,
    shares,
)

__all__ = ["amounts", "by_year", "commitments", "dists", "grants", "scenarios", "shares"]
__all__ += ["index_series", "pendings"]  # issue 23: indexed amounts, pending commitments
__all__ += ["conditioned", "indicators"]  # issue 23: tranches on a result
