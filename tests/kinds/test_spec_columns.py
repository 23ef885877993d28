"""Specs kept as columns (budget/kinds/spec_columns.py): the same spec objects, engine
columns and bounds as the specs they stand for."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.core.inputs import ByYearColumn
from budget.core.model import ByYear
from budget.core.periods import FiscalCalendar
from budget.kinds import KINDS
from budget.kinds.annual import Annual
from budget.kinds.grant import Grant
from budget.kinds.spec_columns import SpecColumns, SpecList
from budget.kinds.top_up import TopUp
from budget.testing.strategies import KIND_STRATEGIES, SpecContext

CALENDAR = FiscalCalendar()
PLAIN_AMOUNTS = st.integers(0, 10**13)


def as_columns(kind: str, specs: list) -> SpecColumns:
    """The specs as columns: a per-year field as cents where every spec has one amount
    for every year (or none), as the loader keeps a register's; else the objects."""
    cls = type(specs[0])
    fields = {f.name: [getattr(s, f.name) for s in specs] for f in dataclasses.fields(cls)}
    amounts = set()
    for name, values in fields.items():
        plain = all(v is None or (isinstance(v, ByYear) and type(v.every) is int) for v in values)
        if plain and any(isinstance(v, ByYear) for v in values):
            fields[name] = [None if v is None else v.every for v in values]
            amounts.add(name)
    return SpecColumns(kind, cls, len(specs), fields, frozenset(amounts))


def same_columns(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for name, column in want.items():
        if isinstance(column, ByYearColumn):
            other = got[name]
            assert isinstance(other, ByYearColumn), name
            np.testing.assert_array_equal(other.given, column.given)
            np.testing.assert_array_equal(other.plain, column.plain)
            np.testing.assert_array_equal(other.every, column.every)
            assert (other.cells is None) == (column.cells is None), name
            if column.cells is not None:
                for part in ("row", "year", "cents", "dist", "every_rows"):
                    np.testing.assert_array_equal(
                        getattr(other.cells, part), getattr(column.cells, part)
                    )
        else:
            assert got[name].dtype == column.dtype, name
            assert got[name].tolist() == column.tolist(), name


@st.composite
def kind_specs(draw, kinds=("annual", "top_up", "grant")):
    """Specs of one kind, drawn by the kind's strategy (tables by year, distributions,
    indexation and all)."""
    kind = draw(st.sampled_from(kinds))
    count = draw(st.integers(1, 6))
    uncertain = draw(st.booleans())
    specs = []
    for _ in range(count):
        first = draw(st.integers(2014, 2020))
        last = draw(st.integers(first, 2022))
        ctx = SpecContext(first, last, (2014, 2022), CALENDAR, uncertain)
        specs.append(draw(KIND_STRATEGIES[kind](ctx)))
    return kind, specs


@st.composite
def plain_specs(draw):
    """Specs as a register's rows give them: one amount for every year, no indexation,
    no schedule (what budget.load.kind_columns keeps as columns)."""
    kind = draw(st.sampled_from(("annual", "top_up", "grant")))
    specs = []
    for _ in range(draw(st.integers(1, 8))):
        first = draw(st.integers(2014, 2020))
        last = draw(st.integers(first, 2024))
        if kind == "annual":
            specs.append(Annual(first, last, ByYear(every=draw(PLAIN_AMOUNTS)), Fraction(0)))
        elif kind == "top_up":
            shortfall = draw(st.one_of(st.none(), PLAIN_AMOUNTS.map(lambda c: ByYear(every=c))))
            total_cap = draw(st.one_of(st.none(), PLAIN_AMOUNTS))
            specs.append(
                TopUp(first, last, ByYear(every=draw(PLAIN_AMOUNTS)), shortfall, total_cap)
            )
        else:
            start = dt.date(first, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
            end = start + dt.timedelta(days=draw(st.integers(1, 2000)))
            advance = draw(st.sampled_from([None, None, Fraction(0), Fraction(1), Fraction(1, 2)]))
            lag = draw(st.integers(0, 3)) if advance is not None else 1
            specs.append(Grant(draw(PLAIN_AMOUNTS), start, end, "days", advance, lag, None))
    return kind, specs


@settings(max_examples=150, deadline=None)
@given(st.one_of(kind_specs(), plain_specs()))
def test_the_columns_give_the_specs_and_their_engine_columns(case):
    kind_name, specs = case
    kind = KINDS[kind_name]
    block = as_columns(kind_name, specs)
    assert block.specs() == specs
    same_columns(kind.columns(block), kind.columns(specs))


@settings(max_examples=150, deadline=None)
@given(st.one_of(kind_specs(), plain_specs()))
def test_the_bound_from_columns_is_the_sum_of_the_specs_bounds(case):
    kind_name, specs = case
    kind = KINDS[kind_name]
    most = kind.most_of_columns(kind.columns(specs))
    if most is not None:  # None: the columns cannot tell (the checks then sum the specs)
        assert most == sum(map(kind.most, specs))


@settings(max_examples=100, deadline=None)
@given(plain_specs())
def test_plain_specs_always_give_their_bound_from_columns(case):
    kind_name, specs = case
    kind = KINDS[kind_name]
    assert kind.most_of_columns(kind.columns(as_columns(kind_name, specs))) == sum(
        map(kind.most, specs)
    )


def test_a_spec_list_puts_each_block_at_its_rows():
    annual = as_columns("annual", [Annual(2015, 2016, ByYear(every=100), Fraction(0))] * 2)
    grant = Grant(500, dt.date(2015, 1, 1), dt.date(2016, 1, 1), "days", None, 1, None)
    grant = as_columns("grant", [grant])
    specs = SpecList(5, [(np.array([0, 3]), annual), (np.array([4]), grant)])
    assert specs.given.tolist() == [True, False, False, True, True]
    assert annual._specs is None  # nothing made until a spec is read
    assert specs.block_of(np.array([0, 3])) is annual
    assert specs.block_of(np.array([0])) is None
    assert list(specs) == [annual.specs()[0], None, None, annual.specs()[1], grant.specs()[0]]
    assert specs == list(specs)


def test_columns_must_give_every_field_and_one_value_per_spec():
    with pytest.raises(TypeError, match="fields"):
        SpecColumns("annual", Annual, 1, {"first_year": [2015]})
    fields = {"first_year": [2015], "last_year": [2015, 2016], "amount": [1],
              "indexation": [0], "index": [None]}  # fmt: skip
    with pytest.raises(ValueError, match="last_year"):
        SpecColumns("annual", Annual, 1, fields, frozenset({"amount"}))


def test_bounds_beyond_int64_are_summed_exactly():
    """Amounts whose products with their years (or whose sum) exceed int64 are multiplied
    and added as Python ints: the bound is the one that must refuse them."""
    big = 2**62 // 3
    annual = [Annual(2015, 2019, ByYear(every=big), Fraction(0))] * 3
    top_up = [TopUp(2015, 2024, ByYear(every=big), None, None, None)] * 2
    top_up.append(TopUp(2015, 2024, ByYear(every=big), None, 7, None))
    for name, specs in (("annual", annual), ("top_up", top_up)):
        kind = KINDS[name]
        want = sum(map(kind.most, specs))
        assert want > 2**63
        assert kind.most_of_columns(kind.columns(as_columns(name, specs))) == want
