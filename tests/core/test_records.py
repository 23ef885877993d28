"""budget.core.records.by_columns makes the objects the dataclass's __init__ makes."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from itertools import repeat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget.core.model import ByYear, Commitment
from budget.core.records import by_columns
from budget.kinds.annual import Annual


@given(st.lists(st.tuples(st.integers(1900, 2200), st.integers(0, 10**12)), max_size=20))
def test_the_objects_are_those_init_makes(rows):
    columns = (
        [f"c{i}" for i in range(len(rows))],
        repeat("annual"),
        ["R"] * len(rows),
        repeat((("VenJ", Fraction(1)),)),
        [Annual(y, y + 1, ByYear(every=c), Fraction(0)) for y, c in rows],
        [c % 7 for _, c in rows],
        list(range(len(rows))),
        repeat(""),
        repeat("letter"),
        repeat(()),
        repeat("r.csv"),
        repeat({"id": "r.csv"}),
        repeat({}),
        repeat(""),
        repeat(None),
    )
    made = by_columns(Commitment, len(rows), columns)
    values = [list(c) if isinstance(c, list) else [next(c) for _ in rows] for c in columns]
    expected = [Commitment(*fields) for fields in zip(*values, strict=True)]
    assert made == expected
    assert all(type(c) is Commitment for c in made)
    if made:
        assert hash(made[0].spec) == hash(expected[0].spec)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made[0].id = "x"  # type: ignore[misc]  # still frozen


def test_every_field_is_given_and_every_column_is_long_enough():
    with pytest.raises(TypeError, match="has 5 fields, not 4"):
        by_columns(Annual, 1, ([2015], [2016], [ByYear(every=1)], [Fraction(0)]))
    with pytest.raises(ValueError, match="a column of 1 values for 2 objects"):
        by_columns(Annual, 2, ([2015, 2015], [2016], repeat(None), repeat(0), repeat(None)))


def test_only_frozen_dataclasses_with_slots():
    @dataclasses.dataclass
    class Plain:
        x: int

    with pytest.raises(TypeError, match="not a frozen dataclass with slots"):
        by_columns(Plain, 1, ([1],))
