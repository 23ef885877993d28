"""The report of `budget actuals` as it was built before issue 21 (every line made, one
`np.unique` and a Measures per line): the scalar reference of `budget.reports.realisation`.

The original text follows.

The report of `budget actuals`: plan against actual per basis, funder and commitment.

Built once from the rows of `budget.engine.realised.compare`; the terminal tables and the
"Plan vs actual" sheet lay out the same blocks. Each block carries its titles: the terminal
and the sheet word them differently (`title`, `forecast_title` and `sheet_title`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget.core.inputs import IntArray
from budget.core.model import Scenario
from budget.engine.realised import Status

BLOCKS = (
    ("cash", "cash basis: payments", "Cash basis: payments, in the fiscal year they are made"),
    (
        "commitment",
        "commitment basis: obligations",
        "Commitment basis: obligations, in the fiscal year they are entered into",
    ),
    (
        "receipts",
        "receipts basis: money received back",
        "Receipts basis: money received back, in the fiscal year it is received",
    ),
)


@dataclass(frozen=True, slots=True)
class Measures:
    """One line's cents per year of the report (one per year, in order): planned, actual,
    variance (actual - planned) and forecast (actual in a closed year, the larger of the
    two in the current year, planned in a later year)."""

    planned: tuple[int, ...]
    actual: tuple[int, ...]
    variance: tuple[int, ...]
    forecast: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CommitmentPlan:
    """commitment: its id (or `(unplanned)`); name: its name (the id when it has none);
    measures: its amounts for one funder."""

    commitment: str
    name: str
    measures: Measures


@dataclass(frozen=True, slots=True)
class FunderPlan:
    """funder: its key; name: its declared name (the key when undeclared); commitments: in
    scenario order; total: the sum of the commitments' lines."""

    funder: str
    name: str
    commitments: tuple[CommitmentPlan, ...]
    total: Measures


@dataclass(frozen=True, slots=True)
class BasisPlan:
    """One basis. title: the terminal's plan-against-actual table; forecast_title: the
    terminal's forecast table; sheet_title: the block's title on the sheet; funders: in
    scenario order; total: the sum of the funders'."""

    basis: str
    title: str
    forecast_title: str
    sheet_title: str
    funders: tuple[FunderPlan, ...]
    total: Measures


@dataclass(frozen=True, slots=True)
class PlanVsActual:
    """`budget actuals`'s report.

    scenario: its name; currency: of every amount; year_label: how the scenario names a
    fiscal year; years: every year of the rows;
    statuses: each year's status ("closed", "current", "future"); status: the sentence
    saying which years are which; files: the actuals files read; unplanned_note: how many
    bookings belong to no commitment ("" when none do); sheet_title: the sheet's title;
    bases: the cash, the commitment, then the receipts basis, each only when it has rows.
    """

    scenario: str
    currency: str
    year_label: Callable[[int], str]
    years: tuple[int, ...]
    statuses: tuple[str, ...]
    status: str
    files: tuple[str, ...]
    unplanned_note: str
    sheet_title: str
    bases: tuple[BasisPlan, ...]


def status_line(frame: pd.DataFrame) -> str:
    """Which years are closed, current and future on the as_of date."""
    as_of = frame.attrs.get("as_of")
    if not as_of:
        return "No actuals date: every year is still plan (forecast = planned)."
    parts = []
    for status in Status:
        years = sorted(set(frame.loc[frame["status"] == status, "year"].tolist()))
        if years:
            parts.append(f"{status} {_years(years)}")
    return f"Actuals complete up to {as_of}: " + "; ".join(parts) + "."


def _years(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def plan_vs_actual_report(scenario: Scenario, realised: pd.DataFrame) -> PlanVsActual:
    """The report of the plan-vs-actual rows of `scenario` (see the module docstring)."""
    name = realised.attrs.get("scenario", "")
    unit = scenario.currency
    years = sorted({int(y) for y in realised["year"].unique()})
    first = realised.drop_duplicates("year")  # a year's status is the same on every row
    status_of = dict(zip(first["year"].tolist(), first["status"].astype(str), strict=True))
    unplanned = int(realised.attrs.get("unplanned_bookings", 0))
    note = (
        f"{unplanned:,} booking{' has' if unplanned == 1 else 's have'} no commitment of "
        "this scenario; counted under (unplanned)."
        if unplanned
        else ""
    )
    bases = []
    for basis, title, sheet_title in BLOCKS:
        mine = realised[realised["basis"] == basis]
        if mine.empty:
            continue
        funders, total = _funders(scenario, mine, years)
        bases.append(
            BasisPlan(
                basis,
                f"{name}, {title}: plan against actual ({unit})",
                f"{name}, {title}: forecast ({unit})",
                sheet_title,
                funders,
                total,
            )
        )
    return PlanVsActual(
        scenario=scenario.name,
        currency=unit,
        year_label=scenario.label,
        years=tuple(years),
        statuses=tuple(status_of[y] for y in years),
        status=status_line(realised),
        files=tuple(str(f) for f in realised.attrs.get("files", ())),
        unplanned_note=note,
        sheet_title=f"{scenario.name}: plan against actual",
        bases=tuple(bases),
    )


def _funders(
    scenario: Scenario, rows: pd.DataFrame, years: list[int]
) -> tuple[tuple[FunderPlan, ...], Measures]:
    """Per funder (category order) and commitment (category order): the lines of one basis,
    placed by arrays, not by a filter per line."""
    funder = rows["funder"].cat.codes.to_numpy(np.int64)
    commitment = rows["commitment"].cat.codes.to_numpy(np.int64)
    commitments = list(rows["commitment"].cat.categories)
    funder_keys = list(rows["funder"].cat.categories)
    pair = funder * len(commitments) + commitment
    pairs, line_of = np.unique(pair, return_inverse=True)  # funder order, then commitment order
    column_of = np.searchsorted(np.asarray(years, dtype=np.int64), rows["year"].to_numpy(np.int64))
    grid = np.zeros((len(pairs), 3, len(years)), dtype=np.int64)  # planned, actual, forecast
    for index, column in enumerate(("planned_cents", "actual_cents", "forecast_cents")):
        # One row per commitment, funder, basis and year (`compare` sums by that key).
        grid[line_of, index, column_of] = rows[column].to_numpy(np.int64)
    names = {c.id: c.name or c.id for c in scenario.commitments}
    pair_funder = pairs // len(commitments)
    # Every line's measures from one conversion of the grid (planned, actual, variance,
    # forecast), not a conversion per line (issue 21: 100,000 commitments).
    full_grid = np.stack([grid[:, 0], grid[:, 1], grid[:, 1] - grid[:, 0], grid[:, 2]], axis=1)
    measures = [Measures(*map(tuple, line)) for line in full_grid.tolist()]
    ids = [str(c) for c in commitments]
    pair_commitment = (pairs % len(commitments)).tolist()
    out = []
    for code in np.unique(pair_funder):
        key = str(funder_keys[code])
        lines = []
        for line in np.flatnonzero(pair_funder == code).tolist():
            cid = ids[pair_commitment[line]]
            lines.append(CommitmentPlan(cid, names.get(cid, cid), measures[line]))
        full = scenario.funders[key].name if key in scenario.funders else key
        total = _measures(grid[pair_funder == code].sum(axis=0))
        out.append(FunderPlan(key, full, tuple(lines), total))
    return tuple(out), _measures(grid.sum(axis=0))


def _measures(amounts: IntArray) -> Measures:
    planned, actual, forecast = (tuple(amounts[i].tolist()) for i in range(3))
    variance = tuple(a - p for p, a in zip(planned, actual, strict=True))
    return Measures(planned, actual, variance, forecast)
