"""The commitments as columns (budget/kinds/table.py): the same inputs as the objects they
came from."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import project
from budget.core.inputs import ByYearColumn, year_table
from budget.kinds import KINDS
from budget.kinds.base import spans
from budget.kinds.table import commitment_table
from budget.testing.strategies import by_year, scenarios

FIRST, LAST = 2014, 2020


@st.composite
def inputs_and_spans(draw):
    """Per-year inputs (or none) of some rows, and which years each row is active."""
    rows = draw(st.integers(0, 8))
    values = [
        draw(st.one_of(st.none(), by_year(FIRST, LAST, uncertain=draw(st.booleans()))))
        for _ in range(rows)
    ]
    active = np.array(
        [[draw(st.booleans()) for _ in range(LAST - FIRST + 1)] for _ in range(rows)], dtype=bool
    ).reshape(rows, LAST - FIRST + 1)
    return values, active


@settings(max_examples=200, deadline=None)
@given(inputs_and_spans())
def test_a_column_gives_the_same_year_table_as_the_inputs_one_by_one(case):
    values, active = case
    years = np.arange(FIRST, LAST + 1, dtype=np.int64)
    expected = year_table(values, years, active)
    got = ByYearColumn.of(values).table(years, active)
    assert got.fixed.tolist() == expected.fixed.tolist()
    assert got.given.tolist() == expected.given.tolist() == [v is not None for v in values]
    # The uncertain cells in the same order: the engine's inputs are numbered by it.
    assert got.cell_rows.tolist() == expected.cell_rows.tolist()
    assert got.cell_cols.tolist() == expected.cell_cols.tolist()
    assert got.dists == expected.dists


@settings(max_examples=60, deadline=None)
@given(scenarios(max_commitments=8, uncertain=True))
def test_the_table_holds_each_commitment_in_its_kind(scenario):
    table = commitment_table(scenario)
    assert table.ids == tuple(c.id for c in scenario.commitments)
    recipients = list(scenario.recipients)
    for i, c in enumerate(scenario.commitments):
        assert list(KINDS)[table.kind[i]] == c.kind
        assert recipients[table.recipient[i]] == c.recipient
        assert table.priority[i] == c.priority
        assert table.splits[table.split[i]] == c.funders
    for r, key in enumerate(recipients):
        mine = [i for i, c in enumerate(scenario.commitments) if c.recipient == key]
        assert table.of_recipient(r).tolist() == mine
    for kind, rows, columns in zip(KINDS.values(), table.rows, table.columns, strict=True):
        specs = [scenario.commitments[r].spec for r in rows.tolist()]
        assert all(len(column) == len(rows) for column in columns.values())
        # The span read from columns is the span of each spec on its own.
        found = kind.span_of(columns, scenario.calendar).tolist() if len(rows) else []
        assert found == [spans(kind, [s], scenario.calendar)[0].tolist() for s in specs]
        derived = kind.derived(columns).tolist() if len(rows) else []
        assert derived == [kind.derives_shortfall(s) for s in specs]


@settings(max_examples=30, deadline=None)
@given(scenarios(max_commitments=6), st.data())
def test_other_commitments_make_a_new_table(scenario, data):
    """The table is made from the commitments it is read with: a scenario changed with
    dataclasses.replace never reads the columns of the one it was made from."""
    assert len(commitment_table(scenario)) == len(scenario.commitments)
    kept = tuple(c for c in scenario.commitments if data.draw(st.booleans()))
    other = dataclasses.replace(scenario, commitments=kept)
    assert commitment_table(other).ids == tuple(c.id for c in kept)
    assert set(project(other)["commitment"].astype(str)) == {c.id for c in kept}


@settings(max_examples=200, deadline=None)
@given(inputs_and_spans(), st.data())
def test_part_of_a_column_gives_the_year_table_of_those_inputs(case, data):
    # A plan's blocks take some rows of a column (ByYearColumn[rows]): its cells, flattened
    # once when the column was made, are renumbered, and give the same table.
    values, active = case
    years = np.arange(FIRST, LAST + 1, dtype=np.int64)
    rows = np.array(
        sorted(data.draw(st.sets(st.integers(0, max(len(values) - 1, 0)))) if values else []),
        dtype=np.int64,
    )
    picked = [values[i] for i in rows.tolist()]
    expected = year_table(picked, years, active[rows])
    got = ByYearColumn.of(values)[rows].table(years, active[rows])
    assert got.fixed.tolist() == expected.fixed.tolist()
    assert got.cell_rows.tolist() == expected.cell_rows.tolist()
    assert got.cell_cols.tolist() == expected.cell_cols.tolist()
    assert got.dists == expected.dists


def test_table_years_outside_the_plan_or_the_span_are_left_out():
    # Row 0: 2010 and 2030 lie outside the plan's years 2014-2020; 2015 is in it and active,
    # 2016 is not active. Row 1 has one amount every year, active in 2014 only.
    from budget.core.model import ByYear

    values = [ByYear(table=((2010, 1), (2015, 2), (2016, 3), (2030, 4))), ByYear(every=7)]
    years = np.arange(FIRST, LAST + 1, dtype=np.int64)
    active = np.zeros((2, len(years)), dtype=bool)
    active[0, [1]] = True  # 2015
    active[1, [0]] = True  # 2014
    got = ByYearColumn.of(values).table(years, active)
    assert got.fixed.tolist() == [[0, 2, 0, 0, 0, 0, 0], [7, 0, 0, 0, 0, 0, 0]]
    assert got.fixed.tolist() == year_table(values, years, active).fixed.tolist()
    assert not got.dists and not len(got.cell_rows)
