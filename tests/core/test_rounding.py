"""Controlled rounding of two-way tables (budget.core.rounding): every row adds up to its
rounded total, every column to its total, both to the grand total, and every figure is
within one unit of its exact amount; checked by a property over generated tables and
against a brute-force search of every rounding of small tables (the scalar reference)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.core.rounding import controlled_round

THOUSAND = 100_000  # cents


def within_one_unit(shown: int, exact: int, unit: int) -> bool:
    """Rounded down or up: less than one unit away, and exact when it is whole."""
    return shown in {exact // unit, -((-exact) // unit)}


def assert_controlled(table: list[list[int]], unit: int, groups: list[list[int]] | None) -> None:
    found = controlled_round(table, unit, groups)
    cells = found.cells.tolist()
    n, m = len(table), len(table[0])
    for i in range(n):
        assert sum(cells[i]) == found.rows[i]
        assert within_one_unit(int(found.rows[i]), sum(table[i]), unit)
        for j in range(m):
            assert within_one_unit(cells[i][j], table[i][j], unit), (i, j)
    for j in range(m):
        assert sum(cells[i][j] for i in range(n)) == found.columns[j]
        assert within_one_unit(int(found.columns[j]), sum(r[j] for r in table), unit)
    assert sum(found.rows.tolist()) == found.total == sum(found.columns.tolist())
    assert within_one_unit(found.total, sum(map(sum, table)), unit)
    for k, group in enumerate(groups or []):
        for j in range(m):
            assert sum(cells[i][j] for i in group) == found.groups[k][j]
            assert within_one_unit(int(found.groups[k][j]), sum(table[i][j] for i in group), unit)
        assert sum(found.groups[k].tolist()) == found.group_totals[k]
        assert sum(int(found.rows[i]) for i in group) == found.group_totals[k]
    if groups:
        assert sum(found.group_totals.tolist()) == found.total


amounts = st.integers(min_value=-(10**13), max_value=10**13)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[int]], int, list[list[int]] | None]:
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 7))
    cents = st.one_of(amounts, st.integers(0, 3 * THOUSAND))  # small ones make ties
    table = [[draw(cents) for _ in range(m)] for _ in range(n)]
    unit = draw(st.sampled_from([THOUSAND, 100, 7, 1_000_000]))
    groups = None
    if draw(st.booleans()):
        labels = [draw(st.integers(0, 2)) for _ in range(n)]
        groups = [[i for i in range(n) if labels[i] == g] for g in sorted(set(labels))]
    return table, unit, groups


@settings(max_examples=300, deadline=None)
@given(tables())
def test_controlled_rounding_adds_up_both_ways_within_one_unit(
    case: tuple[list[list[int]], int, list[list[int]] | None],
) -> None:
    assert_controlled(*case)


def brute_force(table: list[list[int]], unit: int) -> set[tuple[int, ...]]:
    """Every controlled rounding of a small table, by trying every down/up choice of its
    cells and keeping those whose rounded margins are roundings of the exact margins."""
    n, m = len(table), len(table[0])
    choices = [(c // unit, -((-c) // unit)) for row in table for c in row]
    found = set()
    for picked in itertools.product(*(sorted(set(c)) for c in choices)):
        cells = [list(picked[i * m : (i + 1) * m]) for i in range(n)]
        rows_ok = all(within_one_unit(sum(cells[i]), sum(table[i]), unit) for i in range(n))
        columns_ok = all(
            within_one_unit(sum(cells[i][j] for i in range(n)), sum(r[j] for r in table), unit)
            for j in range(m)
        )
        if rows_ok and columns_ok and within_one_unit(sum(picked), sum(map(sum, table)), unit):
            found.add(picked)
    return found


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda n: st.integers(1, 3).flatmap(
            lambda m: st.lists(
                st.lists(st.integers(-350, 350), min_size=m, max_size=m), min_size=n, max_size=n
            )
        )
    )
)
def test_the_rounding_is_one_that_a_search_of_all_roundings_finds(table: list[list[int]]) -> None:
    # The scalar reference: a brute-force search finds at least one controlled rounding
    # (one always exists) and the function's is among them.
    every = brute_force(table, 100)
    assert every
    found = controlled_round(table, 100)
    assert tuple(found.cells.reshape(-1).tolist()) in every


def test_jenv_adds_up_across() -> None:
    # The case: JenV's years 162.4 + 272.6 + 64.6 + 63.6 = 563.2 thousand. Rounded
    # by themselves: 162 + 273 + 65 + 64 = 564 against a total of 563. Controlled: the
    # years add up to the total, each within one thousand.
    jenv = [16_240_000, 27_260_000, 6_460_000, 6_360_000]
    assert [round(c / THOUSAND) for c in jenv] == [162, 273, 65, 64]
    found = controlled_round([jenv], THOUSAND)
    assert sum(found.cells[0].tolist()) == found.rows[0] == found.total
    assert found.total in (563, 564)
    assert_controlled([jenv], THOUSAND, None)


def test_plain_rounding_stays_where_it_adds_up() -> None:
    # 1.2 + 2.3 = 3.5 -> 4 across, but 1.2 -> 1 and 2.3 -> 2 add up to 3: a figure moves.
    # A table whose plain rounding adds up comes back as it is.
    table = [[120_000, 230_000], [100_000, 200_000]]
    assert_controlled(table, THOUSAND, None)
    whole = [[100_000, 200_000], [300_000, 400_000]]
    assert controlled_round(whole, THOUSAND).cells.tolist() == [[1, 2], [3, 4]]


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError):
        controlled_round([1, 2, 3], THOUSAND)
    with pytest.raises(ValueError):
        controlled_round([[1]], 0)
    with pytest.raises(ValueError):
        controlled_round([[1], [2]], THOUSAND, [[0]])


def test_a_large_table_is_quick() -> None:
    rng = np.random.default_rng(7)
    table = rng.integers(0, 10**9, size=(300, 12))
    found = controlled_round(table, THOUSAND, [list(range(0, 150)), list(range(150, 300))])
    assert int(found.cells.sum()) == found.total
