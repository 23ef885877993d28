"""The report of `budget simulate`: a simulation's four groupings, built once.

The terminal tables and the Uncertainty sheet lay out the same sections: each funder's total
on the cash and the commitment basis, the commitments whose amount varies between draws,
the chance that each cap binds and the chance that each limit is breached. Each section
carries its titles; where the terminal and the sheet word a title differently, both are
here (`title` and `sheet_title`), so that neither renderer writes a heading of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from budget.core.model import Basis, Scenario
from budget.uncertainty.simulate import Simulation

BANDS = ("mean", "p5", "p50", "p95")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BandItem:
    """One funder's total, or one commitment's part for one funder, as bands per year.

    commitment: the commitment's id, or None for a funder's total.
    funder: the funder's key; funder_name: its declared name (the key when undeclared).
    bands: one mapping per band of BANDS (mean, P5, P50, P95), in that order: cents per
        year, for the years the item has, in year order.
    """

    commitment: str | None
    funder: str
    funder_name: str
    bands: tuple[Mapping[int, int], ...]


@dataclass(frozen=True, slots=True)
class BandSection:
    """A block of band items.

    basis: "cash" or "commitment"; title: the terminal table's title (with the unit);
    sheet_title: the block's title on the Uncertainty sheet; items: in the simulation's
    order (funders in scenario order; commitments, then their funders).
    """

    basis: str
    title: str
    sheet_title: str
    items: tuple[BandItem, ...]


@dataclass(frozen=True, slots=True)
class CapChance:
    """commitment: a commitment with a cap; chances: per year of its span, the share of the
    draws in which the cap binds."""

    commitment: str
    chances: Mapping[int, float]


@dataclass(frozen=True, slots=True)
class CapSection:
    """title, sheet_title: as on the terminal and the sheet; items: one per capped
    commitment, in scenario order."""

    title: str
    sheet_title: str
    items: tuple[CapChance, ...]


@dataclass(frozen=True, slots=True)
class LimitChance:
    """One limit: funder and basis; ceilings: its ceiling in cents per year; chances: per
    year, the share of the draws in which the funder's total is above the ceiling."""

    funder: str
    basis: str
    ceilings: Mapping[int, int]
    chances: Mapping[int, float]


@dataclass(frozen=True, slots=True)
class LimitSection:
    """title, sheet_title: as on the terminal and the sheet; years: the years of any limit
    (the terminal table's columns); items: one per limit."""

    title: str
    sheet_title: str
    years: tuple[int, ...]
    items: tuple[LimitChance, ...]


@dataclass(frozen=True, slots=True)
class SimulationReport:
    """`budget simulate`'s report.

    scenario: the scenario simulated; draws, seed: how.
    title: the terminal's first line; sheet_title: the Uncertainty sheet's title.
    years: the years in which a funder funds anything (the terminal tables' columns);
    sheet_years: the years of any table (the sheet's columns).
    funder_totals: the cash, then the commitment basis (then receipts, where a settled
    grant has them); varying: the commitments whose part
    differs between draws, cash basis; caps, limits: the chances.
    rows: the tables one below the other as CSV and JSON print them (`Simulation.rows`).
    """

    scenario: Scenario
    draws: int
    seed: int
    title: str
    sheet_title: str
    years: tuple[int, ...]
    sheet_years: tuple[int, ...]
    funder_totals: tuple[BandSection, ...]
    varying: BandSection
    caps: CapSection
    limits: LimitSection
    rows: pd.DataFrame


def simulation_report(sim: Simulation) -> SimulationReport:
    """The report of a simulation (see the module docstring)."""
    scenario = sim.scenario
    unit = scenario.currency
    funder_totals = []
    for basis, title, sheet_title in (
        ("cash", f"Funder totals, cash basis: payments ({unit})", "Funder totals, cash basis"),
        (
            "commitment",
            f"Funder totals, commitment basis ({unit})",
            "Funder totals, commitment basis",
        ),
        (
            "receipts",  # only where a settled grant recovers (issue 18)
            f"Funder totals, receipts basis: money received back ({unit})",
            "Funder totals, receipts basis",
        ),
    ):
        data = sim.funder_bands[sim.funder_bands["basis"] == basis]
        if basis == "receipts" and data.empty:
            continue
        items = []
        for name, group in data.groupby("funder", sort=False):
            key = str(name)
            known = scenario.funders.get(key)
            items.append(_band_item(None, key, known.name if known else key, group))
        funder_totals.append(BandSection(basis, title, sheet_title, tuple(items)))
    varying = tuple(
        _band_item(str(cid), str(funder), str(funder), group)
        for (cid, funder), group in sim.varying(Basis.CASH).groupby(
            ["commitment", "funder"], sort=False
        )
    )
    caps = tuple(
        CapChance(str(cid), _by_year(group["year"], group["p_cap_binds"], float))
        for cid, group in sim.cap_chances.groupby("commitment", sort=False)
    )
    limits = sim.limit_chances
    limit_items = tuple(
        LimitChance(
            str(funder),
            str(basis),
            _by_year(group["year"], group["ceiling_cents"], int),
            _by_year(group["year"], group["p_limit_breached"], float),
        )
        for (funder, basis), group in limits.groupby(["funder", "basis"], sort=False)
    )
    return SimulationReport(
        scenario=scenario,
        draws=sim.draws,
        seed=sim.seed,
        title=f"{scenario.name}: {sim.draws:,} draws, seed {sim.seed}",
        sheet_title=f"{scenario.name}: uncertainty, {sim.draws:,} draws (seed {sim.seed})",
        years=tuple(sorted(set(sim.funder_bands["year"].tolist()))),
        sheet_years=tuple(
            sorted(
                set(sim.commitment_bands["year"].tolist())
                | set(sim.funder_bands["year"].tolist())
                | set(limits["year"].tolist())
            )
        ),
        funder_totals=tuple(funder_totals),
        varying=BandSection(
            "cash",
            f"Uncertain commitments, cash basis ({unit})",
            "Commitments whose amount varies, cash basis",
            varying,
        ),
        caps=CapSection("Probability that the cap binds", "Probability that the cap binds", caps),
        limits=LimitSection(
            "Probability that a limit is breached",
            "Budget ceilings: probability of a breach (amount above the ceiling)",
            tuple(sorted(set(limits["year"].tolist()))),
            limit_items,
        ),
        rows=sim.rows,
    )


def _band_item(commitment: str | None, funder: str, name: str, group: pd.DataFrame) -> BandItem:
    bands = tuple(_by_year(group["year"], group[f"{band}_cents"], int) for band in BANDS)
    return BandItem(commitment, funder, name, bands)


def _by_year(years: pd.Series, values: pd.Series, kind: Callable[[Any], T]) -> dict[int, T]:
    # In the rows' order (year order within a group): a sheet places the cells in this order.
    return {int(y): kind(v) for y, v in zip(years, values, strict=True)}
