"""Hypothesis examples of every distribution kind: one strategy per entry of `DISTS`.

A strategy takes a strategy of amounts (cents) and the largest amount, and gives `Dist`
values of its kind. `tests/kinds/test_registries.py` checks that this table names exactly the
kinds of `budget.core.dists.DISTS`.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from budget.core.dists import Dist
from budget.testing.values import shares

DistStrategy = Callable[[st.SearchStrategy[int], int], st.SearchStrategy[Dist]]


def _uniform(cents: st.SearchStrategy[int], _: int) -> st.SearchStrategy[Dist]:
    return st.tuples(cents, cents).map(lambda pair: Dist("uniform", (min(pair), max(pair))))


def _triangular(cents: st.SearchStrategy[int], _: int) -> st.SearchStrategy[Dist]:
    triples = st.lists(cents, min_size=3, max_size=3)
    return triples.map(lambda triple: Dist("triangular", tuple(sorted(triple))))


def _normal(cents: st.SearchStrategy[int], most: int) -> st.SearchStrategy[Dist]:
    return st.tuples(cents, st.integers(0, most // 4)).map(lambda pair: Dist("normal", pair))


def _choice(cents: st.SearchStrategy[int], _: int) -> st.SearchStrategy[Dist]:
    @st.composite
    def choice(draw: st.DrawFn) -> Dist:
        values = draw(st.lists(cents, min_size=1, max_size=4))
        return Dist("choice", tuple(values), tuple(draw(shares(count=len(values)))))

    return choice()


DIST_STRATEGIES: dict[str, DistStrategy] = {
    "uniform": _uniform,
    "triangular": _triangular,
    "normal": _normal,
    "choice": _choice,
}
