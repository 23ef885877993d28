"""Plan against actual at register scale (issue 21) gives what it gave line by line.

The warnings, `overpaid` and the report were rewritten to work on whole columns (only the
groups and lines shown are worded; the report's lines are made when read). The code they
replace is kept as the scalar reference (`tests/engine/realised_warnings_reference.py`,
`tests/reports/realisation_reference.py`); these properties compare both on generated
scenarios (grants that slip or lapse and are settled, annual and top-up commitments) and
bookings (payments, refunds, obligations, receipts, unknown ids, wrong funders, years
outside a commitment's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import project
from budget.core.model import Scenario
from budget.engine import realised as engine
from budget.engine import realised_warnings as checks
from budget.load.bookings import read_bookings
from budget.render.realisation_text import realisation_text
from budget.reports import realisation
from budget.testing.strategies import scenarios
from tests.engine import realised_warnings_reference as reference
from tests.engine.test_realised import bookings_for, write
from tests.reports import realisation_reference as old_report


@st.composite
def lives(draw, scenario: Scenario) -> Scenario:
    """The scenario with each commitment's `unpaid` drawn, and some grants settled (in a
    year of their plan or later, at most at their total)."""
    changed = []
    for c in scenario.commitments:
        unpaid = draw(st.sampled_from(["", "slips", "lapses"]))
        spec = c.spec
        if c.kind == "grant" and draw(st.booleans()):
            first = spec.years(scenario.calendar)[0]
            year = draw(st.integers(first, scenario.last_year + 1))
            amount = draw(st.integers(0, spec.total))
            spec = dataclasses.replace(spec, settled=(year, amount))
        changed.append(dataclasses.replace(c, unpaid=unpaid, spec=spec))
    return dataclasses.replace(scenario, commitments=tuple(changed))


def as_of_for(draw, scenario: Scenario) -> dt.date | None:
    return draw(
        st.none()
        | st.dates(
            scenario.calendar.start_of(scenario.first_year - 1),
            scenario.calendar.start_of(scenario.last_year + 2),
        )
    )


def plain(report) -> tuple:
    """A report (old or new classes) as plain tuples, lines read one by one."""

    def measures(m) -> tuple:
        return (m.planned, m.actual, m.variance, m.forecast)

    return (
        report.scenario,
        report.currency,
        report.years,
        report.statuses,
        report.status,
        report.files,
        report.unplanned_note,
        report.sheet_title,
        tuple(
            (
                b.basis,
                b.title,
                b.forecast_title,
                b.sheet_title,
                tuple(
                    (
                        f.funder,
                        f.name,
                        len(f.commitments),
                        tuple((c.commitment, c.name, measures(c.measures)) for c in f.commitments),
                        measures(f.total),
                    )
                    for f in b.funders
                ),
                measures(b.total),
            )
            for b in report.bases
        ),
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data(), scenario=scenarios(max_commitments=5))
def test_warnings_overpaid_and_report_match_the_line_by_line_reference(data, scenario):
    scenario = data.draw(lives(scenario))
    bookings = data.draw(bookings_for(scenario))
    as_of = as_of_for(data.draw, scenario)
    with tempfile.TemporaryDirectory() as folder:
        path = str(write(Path(folder), bookings))
        frame, problems, warnings = engine.realise(scenario, [path], as_of)
        assert not problems, problems
        assert frame is not None
        read, _, read_warnings = read_bookings(scenario, [path])
    plan = project(scenario)
    as_of = as_of or engine.default_as_of(scenario.calendar, read)
    rows = engine.compare(scenario, plan, read, as_of)
    unbooked = rows.attrs.pop("unbooked_closed")
    assert engine.overpaid(rows) == reference.overpaid(rows)
    expected = [
        *read_warnings,
        *reference.funder_warnings(scenario, read),
        *reference.span_warnings(scenario, plan, read, engine._settled_years(scenario)),
        *reference.unbooked_warnings(scenario, rows[unbooked], [path]),
        *reference.overpaid_warnings(scenario, read, reference.overpaid(rows)),
    ]
    assert warnings == expected
    new = realisation.plan_vs_actual_report(scenario, frame)
    old = old_report.plan_vs_actual_report(scenario, frame)
    assert plain(new) == plain(old)
    # the terminal takes the same text from lazy lines as from a tuple of them
    as_tuples = dataclasses.replace(
        new,
        bases=tuple(
            dataclasses.replace(
                b,
                funders=tuple(
                    dataclasses.replace(f, commitments=tuple(f.commitments)) for f in b.funders
                ),
            )
            for b in new.bases
        ),
    )
    assert realisation_text(new) == realisation_text(as_tuples)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.csv", "b.csv"]),
            st.sampled_from(["c1", "c2", "c3", "(unplanned)"]),
            st.sampled_from(["VenJ", "BZ"]),
            st.booleans(),
        ),
        max_size=60,
    ),
    st.integers(1, 6),
)
def test_the_first_groups_are_pandas_groups_in_order(rows, shown):
    frame = pd.DataFrame(
        {
            "file": [r[0] for r in rows],
            "commitment": [r[1] for r in rows],
            "funder": [r[2] for r in rows],
            "row": np.arange(len(rows), dtype=np.int64) + 2,
        }
    )
    mask = np.array([r[3] for r in rows], dtype=bool)
    by = ["file", "commitment", "funder"]
    groups, count = checks.first_groups(frame, mask, by, shown)
    expected = list(frame.loc[mask].groupby(by, sort=False)) if mask.any() else []
    assert count == len(expected)
    assert [values for values, _ in groups] == [values for values, _ in expected[:shown]]
    for (_, got), (_, want) in zip(groups, expected[:shown], strict=True):
        assert got["row"].tolist() == want["row"].tolist()


def test_lazy_lines_read_as_the_tuple_of_their_lines():
    grid = np.arange(2 * 4 * 3, dtype=np.int64).reshape(2, 4, 3)
    lines = realisation.CommitmentLines(grid, ["a", "b"], {"a": "A"})
    made = tuple(lines)
    assert len(lines) == 2 and lines.ids == ["a", "b"]
    assert made[0] == realisation.CommitmentPlan(
        "a", "A", realisation.Measures((0, 1, 2), (3, 4, 5), (6, 7, 8), (9, 10, 11))
    )
    assert lines[-1] == made[1] and lines[0:1] == made[:1]
    assert lines == made and made == tuple(lines)
    assert realisation.line_ids(made) == ["a", "b"]


@settings(max_examples=40, deadline=None)
@given(data=st.data(), scenario=scenarios(max_commitments=5), block=st.integers(1, 3))
def test_commitments_compared_a_block_at_a_time_give_the_same_rows(data, scenario, block):
    scenario = data.draw(lives(scenario))
    bookings = data.draw(bookings_for(scenario))
    as_of = as_of_for(data.draw, scenario)
    with tempfile.TemporaryDirectory() as folder:
        read, problems, _ = read_bookings(scenario, [str(write(Path(folder), bookings))])
    assert not problems, problems
    plan = project(scenario)
    as_of = as_of or engine.default_as_of(scenario.calendar, read)
    whole = engine.compare(scenario, plan, read, as_of)
    saved = engine.BLOCK
    engine.BLOCK = block
    try:
        blocks = engine.compare(scenario, plan, read, as_of)
    finally:
        engine.BLOCK = saved
    assert np.array_equal(whole.attrs.pop("unbooked_closed"), blocks.attrs.pop("unbooked_closed"))
    pd.testing.assert_frame_equal(whole, blocks)
    assert whole.attrs == blocks.attrs
