"""Money: integer cents, the one input parser, rounding, and largest-remainder splits.

Every amount in the program is an integer number of cents (int64 in arrays). Amounts enter
through `parse_cents` only; computed amounts are rounded by `round_half_away` (Excel's
ROUND); every division of an amount goes through `allocate`, so the parts add up to the
whole by construction.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from budget.core.errors import excerpt

INT64_MAX = 2**63 - 1
CENTS_MAX = INT64_MAX

# ASCII digits only: "1_000", Arabic-Indic "٣" and full-width "３" are not amounts.
_AMOUNT = re.compile(r"^(?P<sign>[+-]?)(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]*))?$")

IntArray = npt.NDArray[np.int64]


class MoneyError(ValueError):
    """An input amount that cannot be read; carries a hint for the user."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_cents(value: object, *, allow_negative: bool = False) -> int:
    """Turn an input amount ("67600.00", "67600", 67600, Decimal) into integer cents.

    Refuses binary floats (they cannot say "exactly 0.10"), more than two decimals, text,
    thousands separators, negative amounts (unless `allow_negative`) and amounts that do
    not fit in int64 cents.
    """
    if isinstance(value, bool):
        raise MoneyError(f"{value!r} is not an amount", 'write an amount such as "67600.00"')
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MoneyError(f"{value!r} is not an amount", 'write e.g. "67600.00" or 67600')
        raise MoneyError(
            f"{excerpt(value)} is a floating-point number",
            f'quote it, e.g. "{value:.2f}", so that it is read exactly',
        )
    if isinstance(value, int):
        cents = value * 100
    elif isinstance(value, Decimal):
        cents = _decimal_to_cents(value, str(value))
    elif isinstance(value, str):
        text = value.strip()
        match = _AMOUNT.match(text) if len(text) <= LONGEST_TEXT else None
        if match is None and len(text) > LONGEST_TEXT:
            # int() refuses more than 4,300 digits; nothing this long is an amount anyway.
            digits = re.fullmatch(r"[+-]?[0-9]+(\.[0-9]*)?", text[:LONGEST_TEXT])
            raise MoneyError(
                f"{excerpt(value)} is {'too large' if digits else 'not an amount'}",
                TOO_LARGE_HINT if digits else 'write e.g. "67600.00" or 67600',
            )
        if match is None:
            if re.match(r"^[+-]?[0-9]{1,3}([,.][0-9]{3})+([.,][0-9]{1,2})?$", text):
                raise MoneyError(
                    f"{excerpt(value)} has thousands separators",
                    'write the amount without them, with a point for cents: "67600.00"',
                )
            raise MoneyError(f"{excerpt(value)} is not an amount", 'write e.g. "67600.00" or 67600')
        frac = match["frac"] or ""
        if len(frac) > 2:
            raise MoneyError(
                f"{excerpt(value)} has more than two decimals",
                "amounts are exact to the cent; round it yourself to two decimals",
            )
        cents = int(match["whole"]) * 100 + int(frac.ljust(2, "0") or "0")
        if match["sign"] == "-":
            cents = -cents
    else:
        raise MoneyError(f"{_describe(value)} is not an amount", 'write e.g. "67600.00" or 67600')
    if abs(cents) > CENTS_MAX:
        raise MoneyError(f"{excerpt(value)} is too large", TOO_LARGE_HINT)
    if cents < 0 and not allow_negative:
        raise MoneyError(f"{excerpt(value)} is negative", "amounts are never negative here")
    return cents


LONGEST_TEXT = 40  # characters of an amount as text (92 quadrillion euros in cents is 21)
TOO_LARGE_HINT = "amounts must be below 92 quadrillion euros"


def _decimal_to_cents(value: Decimal, shown: str) -> int:
    if not value.is_finite() or value.adjusted() > 18:
        # int() of Decimal("1e999999999") would build a billion-digit number.
        raise MoneyError(f"{excerpt(shown)} is not a finite amount below 92 quadrillion euros")
    try:
        scaled = value * 100
        if scaled != scaled.to_integral_value():
            raise MoneyError(
                f"{excerpt(shown)} has more than two decimals",
                "amounts are exact to the cent; round it yourself to two decimals",
            )
        return int(scaled)
    except (InvalidOperation, OverflowError) as exc:
        raise MoneyError(f"{excerpt(shown)} is not a finite amount") from exc


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def format_euros(cents: int) -> str:
    """Cents as euros with exactly two decimals: -123456 -> "-1234.56"."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{frac:02d}"


def format_euros_grouped(cents: int) -> str:
    """Cents as euros for people: 120614035 -> "1,206,140.35"."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}.{frac:02d}"


# --- rounding -------------------------------------------------------------------------


def round_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to an integer, halves away from zero (Excel ROUND)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def scale_round(amounts: npt.ArrayLike, factor: Fraction) -> IntArray:
    """amounts x factor, each rounded half away from zero, exactly, on int64 arrays.

    A float64 estimate is exact except within a hair of a half-cent boundary or for huge
    values; those few elements are recomputed with Python integers.
    """
    base = np.asarray(amounts, dtype=np.int64)
    if factor == 1:
        return base.copy()
    estimate = base.astype(np.float64) * (factor.numerator / factor.denominator)
    if not np.all(np.isfinite(estimate)) or np.any(np.abs(estimate) > 2.0**62):
        raise OverflowError("an indexed amount does not fit in int64 cents")
    result = np.where(estimate >= 0, np.floor(estimate + 0.5), np.ceil(estimate - 0.5))
    fraction = np.abs(estimate - np.trunc(estimate))
    slack = np.abs(estimate) * 2.0**-40 + 1e-6
    doubtful = (np.abs(fraction - 0.5) <= slack) | (np.abs(estimate) >= 2.0**52)
    out = result.astype(np.int64)
    if doubtful.any():
        # Exact: |b| x num / den rounded half up is floor((2 |b| num + den) / (2 den)),
        # in Python integers (object arrays), which cannot overflow.
        exact = base[doubtful].astype(object)
        num, den = factor.numerator, factor.denominator
        magnitude = (2 * abs(exact) * num + den) // (2 * den)
        out[doubtful] = np.where(exact < 0, -magnitude, magnitude).astype(np.int64)
    return out


def round_float_cents(values: npt.NDArray[np.float64], nonnegative: bool = False) -> IntArray:
    """Float cents (e.g. random draws) to integer cents, halves away from zero.

    nonnegative: the caller knows no value is below zero (then halves go up, in place:
    `values` is overwritten, which spares a copy of large draws).
    """
    if nonnegative:
        values += 0.5
        return np.floor(values, out=values).astype(np.int64)
    x = np.asarray(values, dtype=np.float64)
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5)).astype(np.int64)


_HALF_BITS = 32


def mean_half_away(values: IntArray, bound: int | None = None) -> IntArray:
    """The mean over the first axis of int64 (draws, ...), rounded half away from zero.

    Exact for any int64 values and up to 2**30 draws: the sum over draws may not fit in
    int64 (a hundred draws of 10**17 cents), so each value is split into a high and a low
    half (v = high x 2**32 + low, 0 <= low < 2**32) whose sums do fit, and the quotient is
    put together from them.

    bound: a known bound on the values' magnitude, which spares looking for it.
    """
    draws = values.shape[0]
    if draws == 0:
        raise ValueError("a mean needs at least one draw")
    peak = bound
    if peak is None:
        peak = max(int(values.max(initial=0)), -int(values.min(initial=0)))
    if peak <= INT64_MAX // draws:
        floor, remainder = np.divmod(values.sum(axis=0), draws)
        return _rounded_quotient(floor, remainder, draws)
    high = np.right_shift(values, _HALF_BITS).sum(axis=0)  # floor(v / 2**32), summed
    low = np.bitwise_and(values, (1 << _HALF_BITS) - 1).sum(axis=0)
    # sum = high x 2**32 + low = draws x (q_high x 2**32 + q_low) + r_low
    q_high, r_high = np.divmod(high, draws)
    q_low, r_low = np.divmod(np.left_shift(r_high, _HALF_BITS) + low, draws)
    return _rounded_quotient(np.left_shift(q_high, _HALF_BITS) + q_low, r_low, draws)


def _rounded_quotient(floor: IntArray, remainder: IntArray, draws: int) -> IntArray:
    """floor + remainder / draws (0 <= remainder < draws) rounded half away from zero."""
    # Non-negative: a half goes up. Negative: a half goes down, so only more than half up.
    up = np.where(floor >= 0, 2 * remainder >= draws, 2 * remainder > draws)
    return (floor + up).astype(np.int64)


# --- splitting ------------------------------------------------------------------------


def _floor_parts(total: IntArray, weight: IntArray, whole: IntArray) -> tuple[IntArray, IntArray]:
    """floor(total * weight / whole) and its remainder, without int64 overflow.

    Needs 0 <= total, 0 <= weight <= whole and whole below about 3e9.
    """
    biggest = int(np.max(weight, initial=0))
    if biggest == 0 or int(np.max(total, initial=0)) <= INT64_MAX // biggest:
        product = total * weight  # the common case: no overflow, one division
        parts = product // whole
        return parts, product - parts * whole
    q, r = np.divmod(total, whole)
    product = r * weight
    parts = product // whole
    return q * weight + parts, product - parts * whole


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` cents in proportion to integer `weights` by largest remainder.

    Parts are rounded down; the cents left over go one each to the parts with the largest
    remainders, ties to the earlier part. The parts add up to `total` exactly. A total of
    zero weight is refused: there is nothing to split over.
    """
    parts = allocate_rows(
        np.array([total], dtype=np.int64), np.array([list(weights)], dtype=np.int64)
    )
    return [int(p) for p in parts[0]]


def allocate_rows(totals: npt.ArrayLike, weights: npt.ArrayLike) -> IntArray:
    """Row-wise `allocate`: totals[..., ] split over weights[..., k] (non-negative ints).

    `weights` may broadcast against `totals[..., None]`. Negative totals are split as
    the negation of the split of their absolute value, so the rule is symmetric.
    """
    t = np.asarray(totals, dtype=np.int64)
    w = np.asarray(weights, dtype=np.int64)
    w = np.broadcast_to(w, (*t.shape, w.shape[-1]))
    whole = w.sum(axis=-1)
    if np.any((whole <= 0) & (t != 0)):
        raise ValueError("cannot split an amount over weights that add up to zero")
    whole = np.maximum(whole, 1)
    sign = np.where(t < 0, -1, 1)
    magnitude = np.abs(t)[..., None]
    parts, rem = _floor_parts(magnitude, w, whole[..., None])
    leftover = magnitude[..., 0] - parts.sum(axis=-1)
    rank = _remainder_rank(rem)
    parts = parts + (rank < leftover[..., None])
    return (parts * sign[..., None]).astype(np.int64)


def split_in_two(totals: IntArray, first: int, second: int) -> tuple[IntArray, IntArray]:
    """`allocate_rows` over the two weights (first, second), elementwise, quickly: with
    two parts, largest remainder gives the first part total x first / whole rounded half
    up (the leftover cent goes to it when its remainder is at least half of the whole), so
    no sorting is needed. Negative totals are split as their magnitude, negated."""
    whole = first + second
    if whole <= 0:
        raise ValueError("cannot split an amount over weights that add up to zero")
    negative = bool((totals < 0).any())
    magnitude = np.abs(totals) if negative else totals
    if 2 * first == whole:
        second_part = np.right_shift(magnitude, 1)
        first_part = magnitude - second_part
    else:
        # Scalar divisors: numpy divides by a scalar many times faster than by an array;
        # (q x whole + r) x first / whole = q x first + r x first / whole, without overflow.
        quotient, scaled = np.divmod(magnitude, whole)
        scaled *= first
        floor, remainder = np.divmod(scaled, whole)
        first_part = quotient * first
        first_part += floor
        first_part += 2 * remainder >= whole
        second_part = magnitude - first_part
    if negative:
        sign = np.where(totals < 0, -1, 1)
        return first_part * sign, second_part * sign
    return first_part, second_part


def _remainder_rank(rem: IntArray) -> IntArray:
    """Each part's place when parts are ordered by remainder, largest first, ties to the
    earlier part."""
    n = rem.shape[-1]
    if n <= 6:
        # Few parts (funders): count the parts that go before each one, without sorting.
        rank = np.zeros(rem.shape, dtype=np.int64)
        for j in range(n):
            other = rem[..., j : j + 1]
            before = other > rem
            before[..., j + 1 :] |= other == rem[..., j + 1 :]
            rank += before
        return rank
    order = np.argsort(-rem, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(n), axis=-1)
    return rank


# --- shares ---------------------------------------------------------------------------

_SHARE = re.compile(r"^\s*(?P<num>[0-9]+(?:\.[0-9]+)?)\s*(?:/\s*(?P<den>[0-9]+(?:\.[0-9]+)?)\s*)?$")


def parse_share(value: object) -> Fraction:
    """An exact share: "1/2", "0.25", "1", 1. Floats are refused like amounts are; so is
    a text longer than 40 characters (no share needs more than nine decimals)."""
    if isinstance(value, str):
        if len(value) > LONGEST_TEXT:
            raise MoneyError(f"{excerpt(value)} is not a share", 'write e.g. "1/2" or "0.25"')
        return _parse_share_text(value)
    return _parse_share(value)


@functools.lru_cache(maxsize=4096)
def _parse_share_text(value: str) -> Fraction:
    # Registers repeat the same few shares many times; the cache also makes equal shares
    # one object.
    return _parse_share(value)


def _parse_share(value: object) -> Fraction:
    if isinstance(value, bool | float):
        raise MoneyError(
            f"{excerpt(value)} is not an exact share",
            'quote it as a fraction or decimal: "1/2", "0.25"',
        )
    if isinstance(value, int):
        share = Fraction(value)
    elif isinstance(value, str):
        match = _SHARE.match(value)
        if match is None:
            raise MoneyError(
                f"{excerpt(value)} is not a share", 'write e.g. "1/2", "1/3" or "0.25"'
            )
        num = Fraction(Decimal(match["num"]))
        den = Fraction(Decimal(match["den"])) if match["den"] else Fraction(1)
        if den == 0:
            raise MoneyError(f"{excerpt(value)} divides by zero", 'write e.g. "1/2"')
        share = num / den
    else:
        raise MoneyError(f"{_describe(value)} is not a share", 'write e.g. "1/2" or "0.25"')
    if share < 0 or share > 1:
        raise MoneyError(
            f"{excerpt(value)} is not between 0 and 1", 'a share is e.g. "1/2" or "0.25"'
        )
    if share.denominator > 10**9:
        raise MoneyError(f"{excerpt(value)} is too fine a share", "use at most nine decimals")
    return share


def share_weights(shares: Sequence[Fraction]) -> list[int]:
    """Exact shares as integer weights over their common denominator."""
    common = 1
    for share in shares:
        common = common * share.denominator // _gcd(common, share.denominator)
    if common > 2**31:
        raise MoneyError("the shares have too large a common denominator", "use simpler shares")
    return [int(share * common) for share in shares]


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def round_parts_to(shown_total: int, parts: Sequence[int], unit: int) -> list[int]:
    """Controlled rounding: `parts` (exact amounts, e.g. cents) shown in whole `unit`s (e.g.
    100_000 cents = 1,000) so that the shown parts add up to `shown_total` (in units).

    Largest remainder on the exact quotas: every part is rounded down to whole units, and
    the units still missing go one each to the parts with the largest remainders, ties to
    the earlier part. When `shown_total` is the total of `parts` rounded down or up (as
    `round_half_away` gives it), each shown part differs from its exact amount by less than
    one unit. A shown total that needs more (or fewer) units than the parts can give is
    refused.
    """
    floors = [p // unit for p in parts]
    remainders = [p - f * unit for p, f in zip(parts, floors, strict=True)]
    missing = shown_total - sum(floors)
    if not 0 <= missing <= len(parts):
        raise ValueError(f"cannot show parts adding up to {shown_total} units")
    ranked = sorted(range(len(parts)), key=lambda i: (-remainders[i], i))
    for i in ranked[:missing]:
        floors[i] += 1
    return floors
