"""Money rules: the one input parser, rounding half away from zero, largest remainder."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.core.money import (
    INT64_MAX,
    MoneyError,
    allocate,
    allocate_rows,
    format_euros,
    mean_half_away,
    parse_cents,
    parse_share,
    round_half_away,
    scale_round,
    share_weights,
    split_in_two,
)
from tests.reference import largest_remainder


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("67600.00", 6_760_000),
        ("67600", 6_760_000),
        (67600, 6_760_000),
        ("0.5", 50),
        (" 12.3 ", 1230),
        (Decimal("2.10"), 210),
        ("0", 0),
    ],
)
def test_parse_cents_accepts(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (67600.0, "floating-point"),
        ("67600.001", "more than two decimals"),
        ("67,600.00", "thousands separators"),
        ("abc", "not an amount"),
        ("", "not an amount"),
        (True, "not an amount"),
        ([1], "not an amount"),
        ("-5", "negative"),
        (str(INT64_MAX), "too large"),
        (Decimal("1.001"), "more than two decimals"),
        # issue 20: only ASCII digits are amounts.
        ("1_000", "not an amount"),
        ("1_000.05", "not an amount"),
        ("\u0663", "not an amount"),  # Arabic-Indic three
        ("\u0661\u0662.\u0663\u0664", "not an amount"),
        ("\uff11\uff10\uff10", "not an amount"),  # full-width 100
        ("\u0967\u0966", "not an amount"),  # Devanagari 10
    ],
)
def test_parse_cents_refuses(value, fragment):
    with pytest.raises(MoneyError, match=fragment):
        parse_cents(value)


def test_negative_only_where_allowed():
    assert parse_cents("-12.50", allow_negative=True) == -1250


@given(st.integers(-(10**15), 10**15), st.integers(0, 99))
def test_parse_cents_round_trips_format(whole, frac):
    cents = whole * 100 + (frac if whole >= 0 else -frac)
    assert parse_cents(format_euros(cents), allow_negative=True) == cents


@given(st.integers(-(10**18), 10**18), st.integers(1, 10**9))
def test_round_half_away_is_excel_round(numerator, denominator):
    expected = (
        (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if abs(numerator) < 10**17
        else None
    )
    got = round_half_away(numerator, denominator)
    exact = Fraction(numerator, denominator)
    assert abs(got - exact) <= Fraction(1, 2)
    if abs(got - exact) == Fraction(1, 2):
        assert abs(got) > abs(exact)  # halves go away from zero
    if expected is not None:
        assert got == int(expected)


@given(st.integers(0, 10**13), st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
def test_allocate_matches_reference_and_adds_up(total, weights):
    if sum(weights) == 0:
        weights[0] = 1
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert parts == largest_remainder(total, [Fraction(w) for w in weights])
    whole = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(part - Fraction(total * w, whole)) < 1


def test_allocate_ties_go_to_the_earlier_part():
    assert allocate(1, [1, 1]) == [1, 0]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]


def test_allocate_the_letter_grant_by_days():
    # 456 days: 275 in 2014, 181 in 2015.
    assert allocate(200_000_000, [275, 181]) == [120_614_035, 79_385_965]


@given(
    st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=5),
    st.lists(st.integers(1, 50), min_size=1, max_size=4),
)
def test_allocate_rows_is_symmetric_and_adds_up(totals, weights):
    parts = allocate_rows(np.array(totals), np.array(weights))
    assert parts.sum(axis=-1).tolist() == totals
    negated = allocate_rows(-np.array(totals), np.array(weights))
    assert (negated == -parts).all()


def test_large_totals_do_not_overflow():
    total = INT64_MAX // 2
    assert sum(allocate(total, [1, 2, 3, 4_000_000])) == total


@settings(max_examples=300)
@given(
    st.lists(st.integers(-(10**13), 10**13), min_size=1, max_size=20),
    st.sampled_from(["0.02", "0.015", "-0.01", "0.1", "1/3"]),
    st.integers(0, 30),
)
def test_scale_round_is_exact(bases, rate, years):
    factor = (
        1 + parse_share(rate) if not rate.startswith("-") else 1 - parse_share(rate[1:])
    ) ** years
    got = scale_round(np.array(bases), factor).tolist()
    for base, g in zip(bases, got, strict=True):
        exact = base * factor
        n = (abs(exact) + Fraction(1, 2)).__floor__()
        assert g == (n if exact >= 0 else -n)


def test_scale_round_half_cases():
    # 250 x 1.01 = 252.5 exactly: rounds away from zero, as Excel's ROUND does.
    assert scale_round(np.array([250, -250]), Fraction(101, 100)).tolist() == [253, -253]


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("1/2", Fraction(1, 2)),
        ("0.25", Fraction(1, 4)),
        ("1", Fraction(1)),
        (1, Fraction(1)),
        ("2/6", Fraction(1, 3)),
    ],
)
def test_parse_share(text, share):
    assert parse_share(text) == share


@pytest.mark.parametrize("bad", [0.5, "1/0", "3/2", "half", "-1/2", None])
def test_parse_share_refuses(bad):
    with pytest.raises(MoneyError):
        parse_share(bad)


@given(st.lists(st.integers(1, 30), min_size=1, max_size=5))
def test_share_weights_keep_proportions(nums):
    shares = [Fraction(n, sum(nums)) for n in nums]
    weights = share_weights(shares)
    assert [Fraction(w, sum(weights)) for w in weights] == shares


def _mean_by_hand(column: list[int]) -> int:
    """The exact mean of Python integers, halves away from zero."""
    return round_half_away(sum(column), len(column))


int64s = st.integers(-(2**63), 2**63 - 1)


@given(st.lists(st.lists(int64s, min_size=3, max_size=3), min_size=1, max_size=40))
def test_the_mean_over_draws_is_exact_for_any_int64_values(rows):
    values = np.array(rows, dtype=np.int64)
    expected = [_mean_by_hand([row[j] for row in rows]) for j in range(3)]
    assert mean_half_away(values).tolist() == expected


@given(st.integers(1, 1000), st.integers(-(10**4), 10**4), st.data())
def test_the_mean_rounds_halves_away_from_zero(draws, total, data):
    # Small values (the fast path): spread `total` over the draws in any way.
    cuts = sorted(data.draw(st.lists(st.integers(0, draws), min_size=1, max_size=1)))
    values = np.zeros((draws, 1), dtype=np.int64)
    values[cuts[0] % draws, 0] = total
    expected = Fraction(total, draws)
    got = int(mean_half_away(values)[0])
    assert abs(got - expected) <= Fraction(1, 2)
    if abs(got - expected) == Fraction(1, 2):
        assert abs(got) > abs(expected)  # a half goes away from zero


def test_the_mean_of_draws_whose_sum_overflows_int64():
    # Three draws of 4 x 10**18 cents: the sum, 1.2 x 10**19, is beyond int64.
    values = np.full((3, 2), 4 * 10**18, dtype=np.int64)
    values[:, 1] = [-(2**63), -(2**63), -(2**63) + 1]
    assert mean_half_away(values).tolist() == [4 * 10**18, -(2**63) + 0]


@given(
    st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=20),
    st.integers(0, 2**31 - 1),
    st.integers(0, 2**31 - 1),
)
def test_the_two_way_split_is_largest_remainder(totals, first, second):
    if first + second == 0:
        second = 1
    values = np.array(totals, dtype=np.int64)
    a, b = split_in_two(values, first, second)
    expected = allocate_rows(values, np.array([first, second], dtype=np.int64))
    assert a.tolist() == expected[:, 0].tolist()
    assert b.tolist() == expected[:, 1].tolist()
