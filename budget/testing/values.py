"""The smallest strategies: amounts in cents and exact shares that add up to 1."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st


def amounts(min_cents: int = 0, max_cents: int = 10**11) -> st.SearchStrategy[int]:
    """Amounts in integer cents (default: up to one billion euros)."""
    return st.integers(min_value=min_cents, max_value=max_cents)


@st.composite
def shares(draw: st.DrawFn, count: int | None = None, max_count: int = 4) -> list[Fraction]:
    """Exact shares that add up to 1, such as [1/2, 1/3, 1/6]."""
    n = count if count is not None else draw(st.integers(1, max_count))
    weights = draw(st.lists(st.integers(1, 12), min_size=n, max_size=n))
    total = sum(weights)
    return [Fraction(w, total) for w in weights]
