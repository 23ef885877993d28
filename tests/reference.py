"""A scalar reference implementation of the money and date rules, written plainly.

It loops over commitments, years and even single days, uses Fractions for every quotient
and shares no code with the vectorised engine, so that the two can be checked against each
other on generated scenarios. Each commitment kind has its entry in REFERENCES.
"""

from __future__ import annotations

import calendar as cal
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from budget.core.model import ByYear, Commitment, Dist, Scenario

Key = tuple[str, str, str, int]  # commitment, funder, basis, year
# A commitment's flows: (commitment by year, cash by year, first year of span, last year).
Flows = tuple[dict[int, int], dict[int, int], int, int]


def round_half_away(x: Fraction) -> int:
    n = (abs(x) + Fraction(1, 2)).__floor__()
    return n if x >= 0 else -n


def largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    whole = sum(weights)
    if whole == 0:
        assert total == 0
        return [0] * len(weights)
    sign = -1 if total < 0 else 1
    exact = [abs(total) * w / whole for w in weights]
    parts = [e.__floor__() for e in exact]
    left = abs(total) - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p for p in parts]


def fiscal_year(day: dt.date, start: tuple[int, int]) -> int:
    if start == (1, 1):
        return day.year
    return day.year + (1 if (day.month, day.day) >= start else 0)


def central(value: int | Dist) -> int:
    if isinstance(value, int):
        return value
    if value.kind == "uniform":
        return round_half_away(Fraction(value.params[0] + value.params[1], 2))
    if value.kind == "triangular":
        return value.params[1]
    if value.kind == "normal":
        return max(0, value.params[0])
    best = max(value.p)
    return next(v for v, p in zip(value.params, value.p, strict=True) if p == best)


def at(values: ByYear | None, year: int) -> int:
    if values is None:
        return 0
    if values.every is not None:
        return central(values.every)
    return central(dict(values.table)[year])


def grant_flows(spec, start_md: tuple[int, int]) -> Flows:
    """(commitment by year, cash by year, first year of span, last year of span)."""
    first = fiscal_year(spec.start, start_md)
    last = fiscal_year(spec.end - dt.timedelta(days=1), start_md)
    if isinstance(spec.allocation, tuple):
        allocated = dict(spec.allocation)
    else:
        weight: dict[int, Fraction] = {y: Fraction(0) for y in range(first, last + 1)}
        day = spec.start
        while day < spec.end:
            length = cal.monthrange(day.year, day.month)[1]
            unit = Fraction(1) if spec.allocation == "days" else Fraction(1, length)
            weight[fiscal_year(day, start_md)] += unit
            day += dt.timedelta(days=1)
        years = sorted(weight)
        parts = largest_remainder(spec.total, [weight[y] for y in years])
        allocated = dict(zip(years, parts, strict=True))
    if spec.advance is None:
        cash = dict(allocated)
        span_last = last
    else:
        up_front, rest = largest_remainder(spec.total, [spec.advance, 1 - spec.advance])
        settle = last + spec.settlement_lag
        cash = {first: up_front}
        cash[settle] = cash.get(settle, 0) + rest
        span_last = settle
    committed_year = first if spec.committed_in is None else spec.committed_in
    return {committed_year: spec.total}, cash, min(first, committed_year), span_last


def top_up_flows(s: Scenario, c: Commitment, before: list[Flows]) -> Flows:
    """The shortfall (given, or costs - income - what `before` pays), capped per year and
    in all."""
    spec = c.spec
    recipient = s.recipients[c.recipient]
    pay: dict[int, int] = {}
    paid_so_far = 0
    for y in range(spec.first_year, spec.last_year + 1):
        if spec.shortfall is not None:
            shortfall = at(spec.shortfall, y)
        else:
            paid = sum(flows[1].get(y, 0) for flows in before)
            shortfall = at(recipient.costs, y) - at(recipient.income, y) - paid
        cap = at(spec.cap, y)
        if getattr(spec, "cap_index", None) is not None:
            cap = round_half_away(cap * series_factor(spec.cap_index, y))
        amount = min(cap, max(0, shortfall))
        if spec.total_cap is not None:
            amount = min(amount, spec.total_cap - paid_so_far)
        paid_so_far += amount
        pay[y] = amount
    return dict(pay), dict(pay), spec.first_year, spec.last_year


def annual_flows(s: Scenario, c: Commitment, before: list[Flows]) -> Flows:
    """The amount indexed from the first year, rounded each year."""
    spec = c.spec
    pay: dict[int, int] = {}
    for y in range(spec.first_year, spec.last_year + 1):
        factor = (1 + spec.indexation) ** (y - spec.first_year)
        if getattr(spec, "index", None) is not None:
            factor = series_factor(spec.index, y)
        pay[y] = round_half_away(at(spec.amount, y) * factor)
    return dict(pay), dict(pay), spec.first_year, spec.last_year


def series_factor(indexed: Any, year: int) -> Fraction:
    """The product of (1 + rate) over base_year + 1 .. year of an index series, one year at
    a time from its (year, rate) pairs."""
    factor = Fraction(1)
    for y, rate in indexed.rates:
        if indexed.base_year < y <= year:
            factor *= 1 + rate
    return factor


def grant_reference(s: Scenario, c: Commitment, before: list[Flows]) -> Flows:
    return grant_flows(c.spec, (s.calendar.month, s.calendar.day))


@dataclass(frozen=True, slots=True)
class Reference:
    """A kind's reference: flows(scenario, commitment, flows of the commitments to the same
    recipient ranked before it); cumulative: whether the funders' cash parts are split on
    the payments to date (a grant paid over years after one commitment)."""

    flows: Callable[[Scenario, Commitment, list[Flows]], Flows]
    cumulative: bool = False


# One reference per entry of `budget.kinds.KINDS`; tests/test_registries.py checks it.
def cofinanced_flows(s: Scenario, c: Commitment, before: list[Flows]) -> Flows:
    """min(round(rate x eligible costs of the span), max) by largest remainder over the
    years in proportion to the eligible costs, each year at most max_per_year."""
    spec = c.spec
    years = list(range(spec.first_year, spec.last_year + 1))
    eligible = [max(0, at(spec.eligible, y)) for y in years]
    total = round_half_away(sum(eligible) * spec.rate)
    if spec.maximum is not None:
        total = min(total, spec.maximum)
    if sum(eligible):
        parts = largest_remainder(total, [Fraction(e) for e in eligible])
    else:
        parts = [0] * len(years)
    if spec.max_per_year is not None:
        parts = [min(part, spec.max_per_year) for part in parts]
    pay = dict(zip(years, parts, strict=True))
    return dict(pay), dict(pay), spec.first_year, spec.last_year


REFERENCES: dict[str, Reference] = {
    "top_up": Reference(top_up_flows),
    "annual": Reference(annual_flows),
    "grant": Reference(grant_reference, cumulative=True),
    "cofinanced": Reference(cofinanced_flows),
}


def reference_project(s: Scenario, pending: str = "expected") -> dict[Key, int]:
    """Every (commitment, funder, basis, year) amount of a projection, computed plainly,
    with pending commitments counted as `--pending` counts them (issue 23): none leaves out
    each one that may still be decided, all counts it as decided, expected at its p; a
    condition achieved and not met pays nothing in every view. A commitment's p is worked
    out here from its status and its condition (`reference_p`), not taken from the
    loader's resolution."""
    ps = {c.id: reference_p(s, c) for c in s.commitments}
    if pending == "none":
        s = dataclasses.replace(
            s,
            commitments=tuple(c for c in s.commitments if not ps[c.id]),  # None or 0
        )
    elif pending == "all":
        ps = {cid: p if not p else Fraction(1) for cid, p in ps.items()}
    flows = _all_flows(s, {})
    never = {c.id for c in s.commitments if ps[c.id] == 0}
    if never:
        # A condition achieved and not met is never decided: what ranks after it sees
        # nothing from it, also as decided.
        flows = _all_flows(s, {cid: expected_flows(flows[cid], Fraction(0)) for cid in never})
    if any(ps[c.id] is not None for c in s.commitments):
        # A pending commitment counts at p times what it pays with every pending one that
        # may still be decided decided (issue 23, --pending expected); the others see
        # those amounts.
        expected = {
            c.id: expected_flows(flows[c.id], p)
            for c in s.commitments
            if (p := ps[c.id]) is not None
        }
        flows = _all_flows(s, expected)

    out: dict[Key, int] = {}
    for c in s.commitments:
        committed, cash, first, last = flows[c.id]
        keys = [key for key, _ in c.funders]
        shares = [share for _, share in c.funders]
        years = list(range(first, last + 1))
        for basis, amounts in (("commitment", committed), ("cash", cash)):
            if basis == "cash" and REFERENCES[c.kind].cumulative:
                parts = cumulative_split([amounts.get(y, 0) for y in years], shares)
            else:
                parts = [largest_remainder(amounts.get(y, 0), shares) for y in years]
            for y, year_parts in zip(years, parts, strict=True):
                for key, part in zip(keys, year_parts, strict=True):
                    out[(c.id, key, basis, y)] = part
    return out


def reference_p(s: Scenario, c: Commitment) -> Fraction | None:
    """The p a commitment counts at (None: decided): its own status, unless it has a
    condition: achieved and met, its own status; achieved and not met, 0; not yet
    achieved, the condition's p. The target is base x (1 + change) or the value, rounded
    half away from zero to the indicator's decimals; met is achieved >= target (<= when
    lower is better)."""
    own = None if c.pending is None else c.pending.p
    raw = c.raw.get("condition")
    if raw is None:
        return own
    if isinstance(raw, str):  # a register cell: "police-suspects 2015 p=1/2"
        words = raw.replace(" = ", "=").split()
        raw = {"indicator": words[0], "year": int(words[1])}
        if len(words) > 2:
            raw["p"] = words[2].removeprefix("p=")
    indicator = next(i for i in s.indicators if i.id == raw["indicator"])
    year = raw["year"]
    value, is_change = next((v, change) for y, v, change in indicator.targets if y == year)
    goal = indicator.base * (1 + value) if is_change else value
    scale = 10**indicator.decimals
    goal = Fraction(round_half_away(goal * scale), scale)
    achieved = dict(indicator.achieved)
    if year in achieved:
        met = achieved[year] >= goal if indicator.higher_is_better else achieved[year] <= goal
        return own if met else Fraction(0)
    written = str(raw["p"]).strip()
    if written.endswith("%"):
        return Fraction(written[:-1]) / 100
    return Fraction(written)


def _all_flows(s: Scenario, given: dict[str, Flows]) -> dict[str, Flows]:
    """Every commitment's flows in ranked order; those in `given` as given."""
    flows: dict[str, Flows] = {}
    ranked = sorted(s.commitments, key=lambda c: (c.recipient, c.priority, c.order))
    for c in ranked:
        before = [flows[d.id] for d in ranked if d.recipient == c.recipient and d.id in flows]
        flows[c.id] = given[c.id] if c.id in given else REFERENCES[c.kind].flows(s, c, before)
    return flows


def expected_flows(flows: Flows, p: Fraction) -> Flows:
    """A pending commitment at p: on each basis the total over the span is round(p x
    total), spread over the years in proportion to the amounts by largest remainder (ties
    to the earlier year); amounts of both signs are scaled year by year instead."""
    committed, cash, first, last = flows
    years = list(range(first, last + 1))

    def scaled(amounts: dict[int, int]) -> dict[int, int]:
        values = [amounts.get(y, 0) for y in years]
        if any(v > 0 for v in values) and any(v < 0 for v in values):
            return {y: round_half_away(v * p) for y, v in zip(years, values, strict=True)}
        total = round_half_away(sum(values) * p)
        if total == 0:
            return dict.fromkeys(years, 0)
        weights = [Fraction(abs(v)) for v in values]
        return dict(zip(years, largest_remainder(total, weights), strict=True))

    return scaled(committed), scaled(cash), first, last


def cumulative_split(amounts: list[int], shares: list[Fraction]) -> list[list[int]]:
    """Split payments so that each funder's payments to date are its largest-remainder
    share of the payments to date; mend a -1 cent as the engine documents."""
    running = 0
    before = [0] * len(shares)
    parts: list[list[int]] = []
    for amount in amounts:
        running += amount
        now = largest_remainder(running, shares)
        parts.append([a - b for a, b in zip(now, before, strict=True)])
        before = now
    for f in range(len(shares)):
        for y in range(len(amounts)):
            if parts[y][f] >= 0:
                continue
            g = next(i for i in range(len(shares)) if parts[y][i] > 0)
            paid = [t for t in range(len(amounts)) if parts[t][f] > 0]
            earlier = [t for t in paid if t < y]
            other = earlier[-1] if earlier else next(t for t in paid if t > y)
            parts[y][f] += 1
            parts[y][g] -= 1
            parts[other][f] -= 1
            parts[other][g] += 1
    return parts
