"""Hypothesis strategies for property tests of your own scenarios and rules.

    from hypothesis import given
    from budget import project
    from budget.strategies import scenarios

    @given(scenarios())
    def test_nothing_is_negative(scenario):
        assert (project(scenario)["amount_cents"] >= 0).all()

Every strategy builds valid objects by construction, so `budget.project` accepts them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from budget.core.indices import Indexed
from budget.core.model import (
    ByYear,
    Commitment,
    Dist,
    Funder,
    Indicator,
    Pending,
    Recipient,
    Scenario,
)
from budget.core.money import allocate
from budget.core.periods import FiscalCalendar
from budget.kinds.annual import Annual
from budget.kinds.cofinanced import Cofinanced
from budget.kinds.grant import Grant
from budget.kinds.top_up import TopUp
from budget.load.conditions import resolve_condition
from budget.reports.indicators import target
from budget.testing.dists import DIST_STRATEGIES
from budget.testing.values import amounts, shares

CALENDARS = ("01-01", "04-01", "10-01", "04-06")
RATES = ("0", "0.02", "0.015", "0.1", "-0.01", "0.035")


def dists(min_cents: int = 0, max_cents: int = 10**8) -> st.SearchStrategy[Dist]:
    """Uncertain amounts of every distribution kind in the registry."""
    cents = amounts(min_cents, max_cents)
    return st.one_of(*(strategy(cents, max_cents) for strategy in DIST_STRATEGIES.values()))


@st.composite
def by_year(
    draw: st.DrawFn,
    first: int,
    last: int,
    values: st.SearchStrategy[int] | None = None,
    uncertain: bool = False,
) -> ByYear:
    """A per-year input over first..last: one value for every year or a full table."""
    value: st.SearchStrategy[int | Dist] = values if values is not None else amounts(0, 10**8)
    if uncertain:
        value = st.one_of(value, dists())
    if draw(st.booleans()):
        return ByYear(every=draw(value))
    return ByYear(table=tuple((y, draw(value)) for y in range(first, last + 1)))


@st.composite
def commitments(
    draw: st.DrawFn,
    cid: str = "c0",
    funders: tuple[str, ...] = ("F0",),
    recipients: tuple[str, ...] = ("R0",),
    years: tuple[int, int] = (2014, 2020),
    calendar: FiscalCalendar | None = None,
    uncertain: bool = False,
) -> Commitment:
    """One valid commitment of any kind, funded by some of `funders`."""
    calendar = calendar or FiscalCalendar()
    lo, hi = years
    kind = draw(st.sampled_from(tuple(KIND_STRATEGIES)))
    first = draw(st.integers(lo, hi))
    last = draw(st.integers(first, min(hi, first + 5)))
    spec = draw(KIND_STRATEGIES[kind](SpecContext(first, last, years, calendar, uncertain)))
    chosen = draw(
        st.lists(st.sampled_from(funders), min_size=1, max_size=len(funders), unique=True)
    )
    split = draw(shares(count=len(chosen)))
    return Commitment(
        id=cid,
        kind=kind,
        recipient=draw(st.sampled_from(recipients)),
        funders=tuple(zip(chosen, split, strict=True)),
        spec=spec,
        priority=draw(st.integers(-2, 2)),
    )


@dataclass(frozen=True, slots=True)
class SpecContext:
    """What a kind's strategy may use: first..last, the fiscal years drawn for the
    commitment; years, the scenario's; calendar, its fiscal calendar; uncertain, whether
    per-year inputs may be distributions."""

    first: int
    last: int
    years: tuple[int, int]
    calendar: FiscalCalendar
    uncertain: bool


@st.composite
def _top_up(draw: st.DrawFn, ctx: SpecContext) -> TopUp:
    first, last = ctx.first, ctx.last
    shortfall = draw(
        st.one_of(
            st.none(),
            by_year(first, last, amounts(-(10**7), 10**8), uncertain=ctx.uncertain),
        )
    )
    total_cap = draw(st.one_of(st.none(), amounts(0, 3 * 10**8)))
    cap_index = draw(st.one_of(st.none(), index_series(first, last)))
    return TopUp(first, last, draw(by_year(first, last)), shortfall, total_cap, cap_index)


@st.composite
def _annual(draw: st.DrawFn, ctx: SpecContext) -> Annual:
    rate = Fraction(draw(st.sampled_from(RATES)))
    amount = draw(by_year(ctx.first, ctx.last, uncertain=ctx.uncertain))
    index = draw(st.one_of(st.none(), st.none(), index_series(ctx.first, ctx.last)))
    return Annual(ctx.first, ctx.last, amount, Fraction(0) if index else rate, index)


def pendings() -> st.SearchStrategy[Pending]:
    """A pending commitment's decision (issue 23): p in (0, 1], a decision date or none."""
    p = st.one_of(
        st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(9, 10), Fraction(1)]),
        st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000).filter(
            lambda f: f > 0
        ),
    )
    when = st.one_of(st.none(), st.dates(dt.date(2014, 1, 1), dt.date(2020, 12, 31)))
    return st.builds(Pending, p, when)


@st.composite
def indicators(
    draw: st.DrawFn, key: str = "I0", years: tuple[int, int] = (2014, 2020)
) -> Indicator:
    """A performance indicator (issue 23's figure 1) with a target for every year of
    `years`, as a change of the base or a value, and results achieved for some of them:
    each near its target (the target itself, a unit of its last decimal either side, or
    further), so that met and not met are both drawn."""
    lo, hi = years
    base = Fraction(draw(st.integers(1, 1000)))
    decimals = draw(st.integers(0, 2))
    unit = Fraction(1, 10**decimals)
    targets = []
    for y in range(lo, hi + 1):
        if draw(st.booleans()):
            change = draw(st.fractions(Fraction(-1, 2), Fraction(1), max_denominator=1000))
            targets.append((y, change, True))
        else:
            targets.append((y, Fraction(draw(st.integers(0, 2000))), False))
    indicator = Indicator(key, f"Indicator {key}", "units", lo - 1, base, tuple(targets))
    higher = draw(st.booleans())
    achieved = []
    for y, value, is_change in targets:
        if draw(st.booleans()):
            goal = Fraction(target(indicator, value, is_change))
            delta = draw(st.sampled_from([0, 1, -1, 50, -50])) * unit
            achieved.append((y, max(Fraction(0), goal + delta)))
    return dataclasses.replace(
        indicator, achieved=tuple(achieved), decimals=decimals, higher_is_better=higher
    )


# A condition's p as a scenario writes it: a fraction, a decimal or a percentage.
CONDITION_PS = ("1/2", "1/3", "25%", "0.3", "90%", "1")


@st.composite
def conditioned(draw: st.DrawFn, c: Commitment, among: tuple[Indicator, ...]) -> Commitment:
    """`c` with a `condition` on one of `among` (issue 23's tranches on a result), resolved
    as the loader resolves it: achieved and met (as it was), achieved and not met (pays
    nothing), or not yet achieved (pending at the condition's p)."""
    indicator = draw(st.sampled_from(among))
    year = draw(st.sampled_from([y for y, _, _ in indicator.targets]))
    raw: dict[str, Any] = {"indicator": indicator.id, "year": year}
    achieved = dict(indicator.achieved)
    if year not in achieved or draw(st.booleans()):  # a p beside a result is allowed
        raw["p"] = draw(st.sampled_from(CONDITION_PS))
    c = dataclasses.replace(c, raw={**c.raw, "condition": raw})
    found = resolve_condition(c, raw, {i.id: i for i in among})
    assert isinstance(found, Commitment), found  # valid by construction
    return found


@st.composite
def index_series(draw: st.DrawFn, first: int, last: int) -> Indexed:
    """An amount indexed by a series `s` (issue 23), resolved: a base year up to two years
    before `first`, a published rate for every year from the one after it to `last`."""
    base = first - draw(st.integers(0, 2))
    rates = tuple((y, Fraction(draw(st.sampled_from(RATES)))) for y in range(base + 1, last + 1))
    return Indexed("s", base, rates)


@st.composite
def _cofinanced(draw: st.DrawFn, ctx: SpecContext) -> Cofinanced:
    """A co-financing (issue 23): its own eligible costs, or (None) the recipient's,
    which `scenarios` fills in as the loader does."""
    rate = draw(st.sampled_from([Fraction(4, 5), Fraction(1, 2), Fraction(1), Fraction(1, 3)]))
    eligible = draw(
        st.one_of(
            st.none(), by_year(ctx.first, ctx.last, amounts(0, 10**8), uncertain=ctx.uncertain)
        )
    )
    maximum = draw(st.one_of(st.none(), amounts(0, 3 * 10**8)))
    per_year = draw(st.one_of(st.none(), amounts(0, 10**8)))
    return Cofinanced(ctx.first, ctx.last, rate, eligible, maximum, per_year)


def _grant(ctx: SpecContext) -> st.SearchStrategy[Grant]:
    # A grant's years follow from its period, drawn within the scenario's years.
    return grants(ctx.calendar, ctx.years)


# A kind's strategy: valid specs of the kind for a commitment drawn in the context.
KindStrategy = Callable[[SpecContext], st.SearchStrategy[Any]]

# One strategy per entry of `budget.kinds.KINDS`, in its order; tests/kinds/test_registries.py
# checks that this table names exactly those kinds.
KIND_STRATEGIES: dict[str, KindStrategy] = {
    "top_up": _top_up,
    "annual": _annual,
    "grant": _grant,
    "cofinanced": _cofinanced,
}


@st.composite
def grants(draw: st.DrawFn, calendar: FiscalCalendar, years: tuple[int, int]) -> Grant:
    """A valid grant whose period starts within `years`."""
    lo, hi = years
    start = dt.date(lo, 1, 1) + dt.timedelta(days=draw(st.integers(0, (hi - lo) * 365)))
    end = start + dt.timedelta(days=draw(st.integers(1, 1200)))
    total = draw(amounts(0, 10**10))
    first = calendar.year_of(start)
    last = calendar.year_of(end - dt.timedelta(days=1))
    method = draw(st.sampled_from(("days", "months", "schedule")))
    allocation: str | tuple[tuple[int, int], ...] = method
    if method == "schedule":
        weights = draw(
            st.lists(st.integers(0, 5), min_size=last - first + 1, max_size=last - first + 1)
        )
        if sum(weights) == 0:
            weights[0] = 1
        parts = allocate(total, weights)
        allocation = tuple(zip(range(first, last + 1), parts, strict=True))
    advance = draw(
        st.one_of(
            st.none(),
            st.sampled_from(
                [Fraction(0), Fraction(1, 2), Fraction(4, 5), Fraction(1), Fraction(1, 3)]
            ),
        )
    )
    lag = draw(st.integers(0, 2)) if advance is not None else 1
    grant = Grant(total, start, end, allocation, advance, lag, None)
    committed = draw(st.integers(first - 2, grant.first_payment(calendar)))
    return Grant(total, start, end, allocation, advance, lag, committed)


@st.composite
def scenarios(
    draw: st.DrawFn,
    max_commitments: int = 6,
    uncertain: bool = False,
    years: tuple[int, int] = (2014, 2020),
    pending: bool = False,
    conditions: bool = False,
) -> Scenario:
    """A valid scenario: 1-3 funders, 1-3 recipients, up to `max_commitments` commitments.
    pending: some commitments are pending (status = "pending", see `pendings`).
    conditions: the scenario has 1-2 [[indicators]] and some commitments a condition on
    one of them, met, not met or not yet achieved (see `conditioned`)."""
    calendar = FiscalCalendar.parse(draw(st.sampled_from(CALENDARS)))
    funder_keys = tuple(f"F{i}" for i in range(draw(st.integers(1, 3))))
    recipient_keys = tuple(f"R{i}" for i in range(draw(st.integers(1, 3))))
    recipients = {}
    for key in recipient_keys:
        # Costs and income for every year, so that any top-up may derive its shortfall.
        cost: st.SearchStrategy[int | Dist] = amounts(0, 10**8)
        if uncertain:
            cost = st.one_of(cost, dists())
        costs = ByYear(every=draw(cost))
        income = draw(st.one_of(st.none(), amounts(0, 5 * 10**7).map(lambda c: ByYear(every=c))))
        recipients[key] = Recipient(key, f"Recipient {key}", costs, income)
    measured: tuple[Indicator, ...] = ()
    if conditions:
        count = draw(st.integers(1, 2))
        measured = tuple(draw(indicators(f"I{i}", years)) for i in range(count))
    n = draw(st.integers(1, max_commitments))
    items = []
    for i in range(n):
        c = draw(commitments(f"c{i}", funder_keys, recipient_keys, years, calendar, uncertain))
        if c.kind == "cofinanced" and c.spec.eligible is None:  # the recipient's costs
            own = recipients[c.recipient].costs
            c = dataclasses.replace(
                c, spec=dataclasses.replace(c.spec, eligible=own, from_costs=True)
            )
        c = Commitment(
            id=c.id,
            kind=c.kind,
            recipient=c.recipient,
            funders=c.funders,
            spec=c.spec,
            priority=c.priority,
            order=i,
            pending=draw(st.one_of(st.none(), pendings())) if pending else None,
        )
        if len(measured) > 0 and draw(st.booleans()):
            c = draw(conditioned(c, measured))
        items.append(c)
    return Scenario(
        name=draw(st.sampled_from(("Base", "Scenario A", "what-if"))),
        path="generated.toml",
        calendar=calendar,
        first_year=years[0],
        last_year=years[1],
        funders={k: Funder(k, f"Funder {k}") for k in funder_keys},
        recipients=recipients,
        commitments=tuple(items),
        indicators=measured,
    )
