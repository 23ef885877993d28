"""Distributions of uncertain amounts: the `Dist` value and the registry of its kinds.

A distribution kind is one entry of DISTS: how it is read from a scenario (its fields and
their checks), its central value (what a projection uses), its bounds (what a search for
breaches explores), how it is drawn (whole cents from a numpy Generator) and how it is
described. Adding a distribution is one entry here; nothing else names the kinds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from budget.core.money import (
    MoneyError,
    format_euros_grouped,
    parse_share,
    round_float_cents,
    round_half_away,
)

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Dist:
    """An uncertain amount: a distribution of cents.

    kind: the name of its entry in DISTS ("uniform", "triangular", "normal", "choice").
    params: the cents parameters in the order of the entry's fields (choice: the values).
    p: the probabilities of a choice (they add up to 1); empty for the other kinds.
    """

    kind: str
    params: tuple[int, ...]
    p: tuple[Fraction, ...] = ()

    def central(self) -> int:
        """The value a projection uses (uniform: the midpoint; triangular: the mode;
        normal: the mean, at least 0; choice: the most likely value)."""
        return DISTS[self.kind].central(self)

    def bounds(self) -> tuple[int, int]:
        """The range that a search for extreme inputs explores."""
        return DISTS[self.kind].bounds(self)

    def options(self) -> tuple[int, ...] | None:
        """The values a search tries, ascending, for a distribution of a few values;
        None when it takes any whole cent within its bounds."""
        return DISTS[self.kind].options(self)

    def describe(self) -> str:
        """A short text for tables and workbooks."""
        return DISTS[self.kind].describe(self)


class DistReader(Protocol):
    """What parsing a distribution needs from the reader of its table."""

    def cents(self, key: str, value: object, allow_negative: bool) -> int | None:
        """An amount in cents, or None after recording a problem (naming `key`)."""
        ...

    def error(self, message: str, hint: str = "") -> None:
        """Record a problem with the distribution."""
        ...


@dataclass(frozen=True, slots=True)
class DistKind:
    """One kind of distribution.

    name: as written in scenarios (`dist = "uniform"`); fields: its parameters in order.
    parse: the Dist from a table, or None after recording a problem.
    central, bounds, options, describe: see `Dist`.
    draw: `draws` values of each of some distributions of this kind, int64
        (draws, len(dists)), from one generator.
    bounded: no draw falls outside `bounds` (a normal's can, rarely).
    """

    name: str
    fields: tuple[str, ...]
    parse: Callable[[Mapping[str, Any], DistReader, bool], Dist | None]
    central: Callable[[Dist], int]
    bounds: Callable[[Dist], tuple[int, int]]
    draw: Callable[[np.random.Generator, Sequence[Dist], int], IntArray]
    describe: Callable[[Dist], str]
    options: Callable[[Dist], tuple[int, ...] | None] = lambda dist: None
    bounded: bool = True


Parser = Callable[[Mapping[str, Any], DistReader, bool], "Dist | None"]


def _parse_amounts(
    name: str, fields: tuple[str, ...], nonnegative: frozenset[str] = frozenset()
) -> Parser:
    """A parser of a distribution whose fields are all amounts."""

    def parse(raw: Mapping[str, Any], reader: DistReader, allow_negative: bool) -> Dist | None:
        params: list[int] = []
        for key in fields:
            if key not in raw:
                reader.error(
                    f"{name} needs {key!r}", f"a {name} distribution takes " + ", ".join(fields)
                )
                return None
            cents = reader.cents(key, raw[key], allow_negative and key not in nonnegative)
            if cents is None:
                return None
            params.append(cents)
        return Dist(name, tuple(params))

    return parse


def _same_parameters(dists: Sequence[Dist]) -> IntArray:
    """The parameters of several distributions, (len(dists), fields)."""
    return np.array([d.params for d in dists], dtype=np.int64).reshape(len(dists), -1)


# --- uniform: whole cents from low to high, inclusive -------------------------------------


def _parse_uniform(raw: Mapping[str, Any], reader: DistReader, allow_negative: bool) -> Dist | None:
    dist = _parse_amounts("uniform", ("low", "high"))(raw, reader, allow_negative)
    if dist is not None and dist.params[0] > dist.params[1]:
        reader.error("uniform low is above high", "swap them")
        return None
    return dist


def _draw_uniform(rng: np.random.Generator, dists: Sequence[Dist], draws: int) -> IntArray:
    params = _same_parameters(dists)
    size = (draws, len(dists))
    if (params == params[:1]).all():
        # numpy draws many times faster with scalar parameters than with arrays.
        low, high = dists[0].params
        return rng.integers(low, high, size=size, endpoint=True)
    return rng.integers(params[:, 0], params[:, 1], size=size, endpoint=True)


UNIFORM = DistKind(
    name="uniform",
    fields=("low", "high"),
    parse=_parse_uniform,
    central=lambda d: round_half_away(d.params[0] + d.params[1], 2),
    bounds=lambda d: (d.params[0], d.params[1]),
    draw=_draw_uniform,
    describe=lambda d: (
        f"uniform {format_euros_grouped(d.params[0])} to {format_euros_grouped(d.params[1])}"
    ),
)


# --- triangular: floats rounded half away to the cent ---------------------------------------


def _parse_triangular(
    raw: Mapping[str, Any], reader: DistReader, allow_negative: bool
) -> Dist | None:
    dist = _parse_amounts("triangular", ("low", "mode", "high"))(raw, reader, allow_negative)
    if dist is not None and not dist.params[0] <= dist.params[1] <= dist.params[2]:
        reader.error("triangular needs low <= mode <= high")
        return None
    return dist


def _draw_triangular(rng: np.random.Generator, dists: Sequence[Dist], draws: int) -> IntArray:
    params = _same_parameters(dists)
    size = (draws, len(dists))
    if (params == params[:1]).all():
        a, mode, b = dists[0].params
        if a == b:
            return np.full(size, a, dtype=np.int64)
        return round_float_cents(rng.triangular(a, mode, b, size=size), nonnegative=a >= 0)
    low, high = params[:, 0], params[:, 2]
    out = np.broadcast_to(low, size).copy()
    spread = low < high
    if spread.any():
        f = params[spread].astype(np.float64).T
        drawn = rng.triangular(f[0], f[1], f[2], size=(draws, int(spread.sum())))
        out[:, spread] = round_float_cents(drawn, nonnegative=bool(low[spread].min() >= 0))
    return out


def _triangular_text(d: Dist) -> str:
    low, mode, high = (format_euros_grouped(v) for v in d.params)
    return f"triangular {low} / {mode} / {high}"


TRIANGULAR = DistKind(
    name="triangular",
    fields=("low", "mode", "high"),
    parse=_parse_triangular,
    central=lambda d: d.params[1],
    bounds=lambda d: (d.params[0], d.params[2]),
    draw=_draw_triangular,
    describe=_triangular_text,
)


# --- normal: drawn values below zero count as zero ----------------------------------------


def _draw_normal(rng: np.random.Generator, dists: Sequence[Dist], draws: int) -> IntArray:
    params = _same_parameters(dists)
    size = (draws, len(dists))
    if (params == params[:1]).all():
        mean, sd = dists[0].params
        drawn = rng.normal(mean, sd, size=size)
    else:
        means, sds = params.T.astype(np.float64)
        drawn = rng.normal(means, sds, size=size)
    # Values below zero become zero, however they round.
    return np.maximum(round_float_cents(drawn, nonnegative=True), 0)


NORMAL = DistKind(
    name="normal",
    fields=("mean", "sd"),
    parse=_parse_amounts("normal", ("mean", "sd"), frozenset({"sd"})),
    central=lambda d: max(d.params[0], 0),
    # mean +- 6 sd, cut at zero
    bounds=lambda d: (max(d.params[0] - 6 * d.params[1], 0), max(d.params[0] + 6 * d.params[1], 0)),
    draw=_draw_normal,
    bounded=False,
    describe=lambda d: (
        f"normal mean {format_euros_grouped(d.params[0])}, sd {format_euros_grouped(d.params[1])}"
    ),
)


# --- choice: one of a few values, with exact probabilities --------------------------------


def _parse_choice(raw: Mapping[str, Any], reader: DistReader, allow_negative: bool) -> Dist | None:
    values = raw.get("values")
    if not isinstance(values, list) or not values:
        reader.error(
            "choice needs a list of values", 'write values = ["0", "50000.00"], p = ["0.4", "0.6"]'
        )
        return None
    cents: list[int] = []
    for item in values:
        c = reader.cents("values", item, allow_negative)
        if c is None:
            return None
        cents.append(c)
    probs = raw.get("p")
    if probs is None:
        return Dist("choice", tuple(cents), tuple(Fraction(1, len(cents)) for _ in cents))
    if not isinstance(probs, list) or len(probs) != len(cents):
        reader.error(
            "choice needs one probability per value",
            f"give p as a list of {len(cents)} probabilities",
        )
        return None

    parsed = [probability(x) for x in probs]
    if any(x is None for x in parsed):
        reader.error(
            "choice probabilities must be numbers from 0 to 1", 'write e.g. p = ["0.4", "0.6"]'
        )
        return None
    p = tuple(x for x in parsed if x is not None)
    if sum(p) != 1:
        reader.error(f"choice probabilities add up to {float(sum(p)):g}, not 1")
        return None
    return Dist("choice", tuple(cents), p)


def probability(value: object) -> Fraction | None:
    """A probability as an exact fraction; a float is taken as the decimal it shows."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, float):
            result = Fraction(Decimal(repr(value)))
        elif isinstance(value, int):
            result = Fraction(value)
        elif isinstance(value, str):
            result = parse_share(value)
        else:
            return None
    except (MoneyError, InvalidOperation, ValueError, OverflowError):
        # inf is an OverflowError, nan a ValueError: neither is a probability.
        return None
    return result if 0 <= result <= 1 else None


def _draw_choice(rng: np.random.Generator, dists: Sequence[Dist], draws: int) -> IntArray:
    return np.stack([_draw_one_choice(rng, d, draws) for d in dists], axis=1)


def _draw_one_choice(rng: np.random.Generator, dist: Dist, draws: int) -> IntArray:
    values, thresholds, common = _choice_table(dist)
    if thresholds is not None:
        # Exact probabilities: a whole number below the common denominator picks the value.
        pick = rng.integers(0, common, size=draws)
        return values[np.searchsorted(thresholds, pick, side="right")]
    return values[rng.choice(len(values), size=draws, p=[float(p) for p in dist.p])]


@functools.lru_cache(maxsize=4096)
def _choice_table(dist: Dist) -> tuple[IntArray, IntArray | None, int]:
    """A choice's values, the running sums of its probabilities over their common
    denominator (None when that is 2**62 or more) and the denominator. Worked out once
    per distribution: a recipient's income is often the same choice every year."""
    values = np.array(dist.params, dtype=np.int64)
    common = int(np.lcm.reduce([p.denominator for p in dist.p]))
    if common >= 2**62:
        return values, None, common
    return values, np.cumsum([int(p * common) for p in dist.p]), common


def _choice_text(d: Dist) -> str:
    options = ", ".join(
        f"{format_euros_grouped(v)} (p {p})" for v, p in zip(d.params, d.p, strict=True)
    )
    return f"choice of {options}"


CHOICE = DistKind(
    name="choice",
    fields=("values", "p"),
    parse=_parse_choice,
    central=lambda d: d.params[d.p.index(max(d.p))],
    bounds=lambda d: (min(d.params), max(d.params)),
    draw=_draw_choice,
    describe=_choice_text,
    options=lambda d: tuple(sorted(set(d.params))),
)


# The order is the order in which a stream draws its cells' kinds: changing it changes draws.
DISTS: dict[str, DistKind] = {k.name: k for k in (UNIFORM, TRIANGULAR, NORMAL, CHOICE)}


def draw(rng: np.random.Generator, dists: Sequence[Dist], draws: int) -> IntArray:
    """`draws` values of every distribution, int64 (draws, len(dists)), from one stream.

    The kinds are drawn in the order of DISTS, each kind's distributions together, so
    the stream is used the same way every time.
    """
    pieces = draw_by_kind(rng, dists, draws)
    if len(pieces) == 1 and len(pieces[0][0]) == len(dists):
        return pieces[0][1]
    out = np.empty((draws, len(dists)), dtype=np.int64)
    for positions, values in pieces:
        out[:, positions] = values
    return out


def draw_by_kind(
    rng: np.random.Generator, dists: Sequence[Dist], draws: int
) -> list[tuple[list[int], IntArray]]:
    """`draw` kind by kind: (the positions in `dists` of a kind's distributions, their
    values int64 (draws, len(positions))), in the order in which they are drawn. For a
    caller that puts the values straight where it wants them."""
    by_kind: dict[str, list[int]] = {}
    for i, d in enumerate(dists):
        by_kind.setdefault(d.kind, []).append(i)
    return [
        (positions, kind.draw(rng, [dists[i] for i in positions], draws))
        for name, kind in DISTS.items()
        if (positions := by_kind.get(name))
    ]
