"""Fiscal years and the allocation of periods over them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget.core.money import allocate
from budget.core.periods import MONTH_UNITS, FiscalCalendar, fiscal_year_weights
from tests.reference import fiscal_year, grant_flows


@pytest.mark.parametrize(
    ("start", "day", "year"),
    [
        ("01-01", dt.date(2015, 1, 1), 2015),
        ("01-01", dt.date(2015, 12, 31), 2015),
        ("04-01", dt.date(2015, 3, 31), 2015),
        ("04-01", dt.date(2015, 4, 1), 2016),
        ("10-01", dt.date(2014, 10, 1), 2015),
        ("10-01", dt.date(2015, 9, 30), 2015),
    ],
)
def test_fiscal_year_is_named_after_the_year_it_ends_in(start, day, year):
    assert FiscalCalendar.parse(start).year_of(day) == year


def test_fiscal_year_start_dates():
    uk = FiscalCalendar.parse("04-01")
    assert uk.start_of(2015) == dt.date(2014, 4, 1)
    assert FiscalCalendar().start_of(2015) == dt.date(2015, 1, 1)


@pytest.mark.parametrize("bad", ["4-1", "13-01", "02-29", "02-30", "04-31", 401, None])
def test_bad_fiscal_year_starts(bad):
    with pytest.raises(ValueError):
        FiscalCalendar.parse(bad)


def test_letter_grant_days_and_months():
    cal = FiscalCalendar()
    bounds = cal.boundaries(2014, 2015)
    start = np.array(["2014-04-01"], dtype="datetime64[D]")
    end = np.array(["2015-07-01"], dtype="datetime64[D]")
    days = fiscal_year_weights(start, end, bounds, "days")
    assert days.tolist() == [[275, 181]]
    months = fiscal_year_weights(start, end, bounds, "months")
    assert months.tolist() == [[9 * MONTH_UNITS, 6 * MONTH_UNITS]]
    assert allocate(200_000_000, months[0].tolist()) == [120_000_000, 80_000_000]


@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.integers(1, 1500),
    st.sampled_from(["01-01", "04-01", "10-01", "04-06", "07-15"]),
    st.sampled_from(["days", "months"]),
    st.integers(0, 10**10),
)
def test_weights_match_a_day_by_day_count(start, length, fy_start, method, total):
    from budget.kinds.grant import Grant

    cal = FiscalCalendar.parse(fy_start)
    end = start + dt.timedelta(days=length)
    first = cal.year_of(start)
    last = cal.year_of(end - dt.timedelta(days=1))
    weights = fiscal_year_weights(
        np.array([start], dtype="datetime64[D]"),
        np.array([end], dtype="datetime64[D]"),
        cal.boundaries(first, last),
        method,
    )[0]
    if method == "days":
        assert weights.sum() == length
    # The allocation by these weights equals the reference's day-by-day allocation.
    grant = Grant(total, start, end, method, None, 1, None)
    _, cash, _, _ = grant_flows(grant, (cal.month, cal.day))
    assert allocate(total, weights.tolist()) == [cash[y] for y in range(first, last + 1)]
    assert fiscal_year(start, (cal.month, cal.day)) == first
