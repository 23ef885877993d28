"""TOML tables laid out as columns group by group (`entry_columns._by_shape`) give what
laying them out a field name at a time gives (`_by_name`, used beyond MAX_SHAPES sets of
fields): the same names in the same order, the same cells (the same objects), the same
tables having each field and the same types; and so the same register table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.load import entry_columns

NAN = float("nan")  # a value a file may hold (`end = nan`), not a missing field
VALUES: list[Any] = ["annual", " SIN", "", 7, True, 2015, 1.5, NAN, dt.date(2015, 4, 1),
                     dt.datetime(2015, 4, 1, 10), {"VenJ": "1/2", "VWS": "1/2"},
                     {"VenJ": 1}, {}, ["amount"]]  # fmt: skip
NAMES = ["id", "kind", "recipient", "funders", "amount", "start", "name", "source", "bogus"]

raws = st.lists(
    st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES), max_size=6), max_size=12
)


def laid_out(laid: Any) -> Any:
    names, cells, given, kinds = laid
    return names, cells, [has.tolist() for has in given], kinds


@settings(max_examples=300, deadline=None)
@given(raws)
def test_both_layouts_give_the_same_columns(tables):
    by_shape = entry_columns._by_shape(tables)
    assert by_shape is not None  # at most 12 sets of fields
    expected = laid_out(entry_columns._by_name(tables))
    assert laid_out(by_shape) == expected
    for got, want in zip(by_shape[1], expected[1], strict=True):
        assert all(map(lambda a, b: a is b or (a is None and b is None), got, want))


@settings(max_examples=200, deadline=None)
@given(raws)
def test_the_register_table_is_the_same_either_way(tables):
    table, places = entry_columns.entry_table(tables, "s.toml")
    # With the sets of fields found by the merge (inherit.Tables), as a file's tables are.
    shapes: dict[tuple[str, ...], int] = {}
    codes = np.array([shapes.setdefault(tuple(raw), i) for i, raw in enumerate(tables)], np.intp)
    known, known_places = entry_columns.entry_table(tables, "s.toml", (shapes, codes))
    original = entry_columns.MAX_SHAPES
    entry_columns.MAX_SHAPES = 0
    try:
        expected, expected_places = entry_columns.entry_table(tables, "s.toml")
    finally:
        entry_columns.MAX_SHAPES = original
    assert known_places == places and known.columns == table.columns
    assert places == expected_places
    assert table.columns == expected.columns
    assert table.numbers == expected.numbers
    assert table.texts == expected.texts
    assert table.filled.keys() == expected.filled.keys()
    assert all(np.array_equal(table.filled[n], expected.filled[n]) for n in table.filled)


def shared_one_by_one(cells: list[Any], plain: Any) -> list[Any]:
    """The reference: each funders cell in turn, a table by its items."""
    shared: dict[Any, Any] = {}
    out: list[Any] = []
    for i, value in enumerate(cells):
        if type(value) is dict:
            if not all(type(v) is str for v in value.values()):
                plain[i] = False
                out.append(None)
                continue
            out.append(shared.setdefault(tuple(value.items()), value))
        else:
            out.append(value if value is None else shared.setdefault(value, value))
    return out


FUNDERS = ["VenJ", "VWS", 1, True, None, {"VenJ": "1/2", "VWS": "1/2"}, {"VenJ": 1}, {}]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(range(len(FUNDERS))), max_size=12))
def test_funders_cells_are_shared_as_one_by_one(picked):
    # Each cell a new object, as each table of a file holds its own.
    cells = [dict(FUNDERS[i]) if isinstance(FUNDERS[i], dict) else FUNDERS[i] for i in picked]
    plain = np.ones(len(cells), dtype=bool)
    expected_plain = plain.copy()
    expected = shared_one_by_one(cells, expected_plain)
    got = entry_columns._shared_funders(cells, set(map(type, cells)), plain)
    assert len(got) == len(expected)
    assert all(map(lambda a, b: a is b, got, expected))
    assert plain.tolist() == expected_plain.tolist()
