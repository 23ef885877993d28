"""Tranches on a result (issue 23, item 5): `condition = { indicator, year, p }`.

A commitment with a condition pays when the indicator's target of that year is met:
achieved and met, it is decided (as its own `status` says); achieved and not met, it pays
nothing in every view (a Pending with p = 0, and every output says so); not yet
achieved, it is pending with the condition's `p`. An unknown indicator, a year without a
target, or a missing `p` while nothing is achieved is one problem naming the file, the
commitment and the field.

A register cell writes the condition as text: "police-suspects 2015 p=1/2" (the
indicator, the year, and p while the year is not yet achieved), read to the same table.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from budget.core.errors import Problem, excerpt, listing, where_commitment
from budget.core.fields import FieldReader
from budget.core.model import Commitment, Commitments, Indicator, Pending
from budget.core.money import round_half_away
from budget.load.common import Draft
from budget.load.pending import P_HINT, parse_p

HINT = 'write condition = { indicator = "police-suspects", year = 2015, p = "1/2" }'
CELL_HINT = (
    'write the indicator, the year and p while it is not yet achieved: "police-suspects 2015 '
    'p=1/2" (p as "1/2", "0.5" or "50%"), or "police-suspects 2015"'
)
CELL = re.compile(r"\s*(?P<indicator>[^\s=]+)\s+(?P<year>[0-9]{4})(?:\s+p\s*=\s*(?P<p>\S+))?\s*")


def condition_of_text(text: str) -> dict[str, Any] | str:
    """The condition table of a register cell "police-suspects 2015 p=1/2", or what is
    wrong with it."""
    found = CELL.fullmatch(text)
    if found is None:
        return f"{excerpt(text)} is not a condition"
    table: dict[str, Any] = {"indicator": found["indicator"], "year": int(found["year"])}
    if found["p"] is not None:
        p = parse_p(found["p"])
        if isinstance(p, str):
            return f"p: {p}"
        table["p"] = found["p"]
    return table


def check_condition_cell(reader: FieldReader) -> None:
    """A condition written as text (a register cell) checked where it is written, so that a
    problem names the row and the column; the table itself is resolved later."""
    if reader.has("condition"):
        raw = reader.raw["condition"]
        if isinstance(raw, str):
            found = condition_of_text(raw)
            if isinstance(found, str):
                reader.error("condition", found, CELL_HINT)


def read_conditions(draft: Draft) -> None:
    """Resolve every commitment's `condition` against the scenario's [[indicators]]."""
    if isinstance(draft.commitments, Commitments):
        return  # rows read as columns: a row with a condition is read field by field
    if not any("condition" in c.raw for c in draft.commitments):
        return
    indicators = {i.id: i for i in draft.indicators}
    out = []
    for c in draft.commitments:
        if "condition" in c.raw:
            found = _resolved(draft, c, c.raw["condition"], indicators)
            if found is None:
                continue
            c = found
        out.append(c)
    draft.commitments = out


def _resolved(
    draft: Draft, c: Commitment, raw: object, indicators: dict[str, Indicator]
) -> Commitment | None:
    found = resolve_condition(c, raw, indicators)
    if isinstance(found, tuple):
        file = c.field_origins.get("condition", c.origin)
        # Named where it is written: a register's row and column, a TOML table's field.
        entry = draft.merged.commitments.get(c.id)
        where = entry.where("condition") if entry is not None else ""
        draft.problems.append(Problem(file, where or where_commitment(c.id, "condition"), *found))
        return None
    return found


def resolve_condition(
    c: Commitment, raw: object, indicators: Mapping[str, Indicator]
) -> Commitment | tuple[str, str]:
    """The commitment as its condition `raw` (a table or a register cell's text) makes it,
    against the scenario's indicators by id: unchanged when achieved and met, pending at
    p = 0 when achieved and not met, pending at the condition's p while not yet achieved;
    or the (message, hint) of what is wrong. Pure (budget.testing.strategies uses it)."""
    p_hint = CELL_HINT if isinstance(raw, str) else P_HINT
    if isinstance(raw, str):
        found = condition_of_text(raw)
        if isinstance(found, str):
            return found, CELL_HINT
        raw = found
    if not isinstance(raw, dict) or set(raw) - {"indicator", "year", "p"}:
        return "is not a condition", HINT
    name, year = raw.get("indicator"), raw.get("year")
    if not isinstance(name, str) or not isinstance(year, int) or isinstance(year, bool):
        return "needs an indicator (text) and a year (a number)", HINT
    indicator = indicators.get(name)
    if indicator is None:
        return (
            f"{excerpt(name)} is not an indicator",
            "indicators are " + (listing(indicators) or "none: add [[indicators]]"),
        )
    targets = {y: (v, change) for y, v, change in indicator.targets}
    if year not in targets:
        return (
            f"indicator {name!r} has no target for {year}",
            "its targets are for " + (", ".join(map(str, sorted(targets))) or "no year"),
        )
    label = f"{name} in {year}"
    met = target_met(indicator, year)
    if met is not None:
        if met:
            return c
        return dataclasses.replace(c, pending=Pending(Fraction(0), None, f"{label}: not met"))
    if "p" not in raw:
        return f"p is missing: the result of {year} is not yet achieved", p_hint
    p = parse_p(raw["p"])
    if isinstance(p, str):
        return f"p: {p}", p_hint
    decision = c.pending.decision if c.pending is not None else None
    return dataclasses.replace(c, pending=Pending(p, decision, f"{label}: not yet achieved"))


def target_met(indicator: Indicator, year: int) -> bool | None:
    """Whether the indicator met its target of `year` (one it has): None while that year is
    not yet achieved. The one rule of a condition, for the loader and `explain` alike."""
    achieved = dict(indicator.achieved).get(year)
    if achieved is None:
        return None
    value, is_change = next((v, change) for y, v, change in indicator.targets if y == year)
    goal = _target(indicator, value, is_change)
    return achieved >= goal if indicator.higher_is_better else achieved <= goal


def _target(indicator: Indicator, value: Fraction, is_change: bool) -> Fraction:
    """The target of a year as `budget indicators` shows it: base x (1 + change) or the
    value, rounded half away from zero to the indicator's decimals."""
    raw = indicator.base * (1 + value) if is_change else value
    scale = 10**indicator.decimals
    scaled = raw * scale
    return Fraction(round_half_away(scaled.numerator, scaled.denominator), scale)
