"""The distribution registry: every kind parses, centres, bounds, draws and describes."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.core.dists import DISTS, Dist, draw
from budget.testing.dists import DIST_STRATEGIES
from budget.testing.strategies import amounts


class Recorder:
    """A DistReader that records problems."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def cents(self, key: str, value: object, allow_negative: bool) -> int | None:
        if isinstance(value, int) and (allow_negative or value >= 0):
            return value * 100
        self.problems.append(f"{key}: {value!r}")
        return None

    def error(self, message: str, hint: str = "") -> None:
        self.problems.append(message)


@pytest.mark.parametrize("kind", list(DISTS.values()), ids=list(DISTS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_kind_keeps_its_central_value_and_draws_within_its_bounds(kind, data):
    dist = data.draw(DIST_STRATEGIES[kind.name](amounts(0, 10**8), 10**8))
    assert dist.kind == kind.name
    low, high = dist.bounds()
    assert low <= dist.central() <= high
    assert dist.describe().startswith(kind.name)
    values = draw(np.random.default_rng(data.draw(st.integers(0, 2**32))), [dist], 200)
    assert values.dtype == np.int64 and values.shape == (200, 1)
    if kind.bounded:
        assert low <= values.min() and values.max() <= high
    options = dist.options()
    if options is not None:
        assert set(values[:, 0].tolist()) <= set(options)


def test_parsing_follows_the_fields_of_each_kind():
    reader = Recorder()
    assert DISTS["uniform"].parse({"low": 1, "high": 2}, reader, False) == Dist(
        "uniform", (100, 200)
    )
    assert DISTS["triangular"].parse({"low": 1, "mode": 1, "high": 3}, reader, False) == Dist(
        "triangular", (100, 100, 300)
    )
    assert DISTS["normal"].parse({"mean": -5, "sd": 1}, reader, True) == Dist("normal", (-500, 100))
    assert reader.problems == []
    assert DISTS["uniform"].parse({"low": 3, "high": 2}, reader, False) is None
    assert DISTS["triangular"].parse({"low": 1, "high": 3}, reader, False) is None
    assert DISTS["normal"].parse({"mean": 5, "sd": -1}, reader, True) is None  # sd >= 0
    assert DISTS["choice"].parse({"values": [1, 2], "p": ["1/2"]}, reader, False) is None
    assert reader.problems == [
        "uniform low is above high",
        "triangular needs 'mode'",
        "sd: -1",
        "choice needs one probability per value",
    ]


def test_the_central_value_of_each_kind():
    assert Dist("uniform", (1, 4)).central() == 3  # 2.5 rounds away from zero
    assert Dist("uniform", (-4, -1)).central() == -3
    assert Dist("triangular", (1, 2, 9)).central() == 2
    assert Dist("normal", (-7, 3)).central() == 0
    assert Dist("choice", (5, 9), (Fraction(1, 4), Fraction(3, 4))).central() == 9
