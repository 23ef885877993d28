"""How each forecast figure of one commitment was reached against its actuals, rule by rule
(`budget explain COMMITMENT --actuals`).

The rules are those of `budget.engine.realised`, worked again here on one commitment in
plain integers, and checked against the engine's forecast to the cent (a difference is a
bug: ExplanationMismatch).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from budget.core.model import Basis, Scenario
from budget.core.money import format_euros_grouped as eur
from budget.reports.explain.build import ExplanationMismatch


@dataclass(frozen=True, slots=True)
class ForecastStep:
    """One forecast figure: funder, basis, fiscal year (and its label), the year's status,
    the rule that applied (in words), its working with the figures, and the forecast in
    cents."""

    funder: str
    basis: str
    year: int
    label: str
    status: str
    rule: str
    working: str
    forecast: int


def forecast_steps(
    scenario: Scenario, realised: pd.DataFrame, bookings: pd.DataFrame, commitment: str
) -> list[ForecastStep]:
    """The forecast steps of `commitment` from the plan-vs-actual rows (`realised`) and the
    bookings (`actuals_frame`), per funder, basis and year in the rows' order."""
    mine = realised[realised["commitment"] == commitment]
    as_of_text = realised.attrs.get("as_of")
    as_of = dt.date.fromisoformat(as_of_text) if as_of_text else None
    c = scenario.commitment(commitment)
    slips = c.unpaid_policy == "slips"
    rule_year = None if as_of is None else scenario.calendar.year_of(as_of + dt.timedelta(days=1))
    booked = bookings[bookings["commitment"] == commitment]
    obligations = set(booked.loc[booked["basis"] == Basis.COMMITMENT, "funder"].astype(str))
    settled = getattr(c.spec, "settled", None)
    out: list[ForecastStep] = []
    lines = mine.groupby(["funder", "basis"], observed=True, sort=False)
    cash_of: dict[str, dict[int, int]] = {}
    plan_of: dict[tuple[str, str], dict[int, int]] = {}
    for (funder, basis), line in lines:
        plan_of[(str(funder), str(basis))] = dict(
            zip(line["year"].tolist(), line["planned_cents"].tolist(), strict=True)
        )
        if basis == Basis.CASH:
            cash_of[str(funder)] = dict(
                zip(line["year"].tolist(), line["forecast_cents"].tolist(), strict=True)
            )
    for (funder, basis), line in lines:
        key = str(funder)
        rows: list[Any] = list(line.itertuples(index=False))
        for r in rows:
            year, status = int(r.year), str(r.status)
            known = r.actual_cents if status != "future" else 0
            if rule_year is None:
                rule, working, value = "no actuals date: the plan", eur(r.planned_cents), None
            elif basis == Basis.CASH:
                paid = 0 if status == "future" else _payments(booked, key, year)
                rule, working, value = _cash(
                    line, year, rule_year, slips, paid, int(r.planned_cents), int(known)
                )
            elif basis == Basis.COMMITMENT:
                rule, working, value = _commitment(
                    c.kind, key in obligations, status, r, cash_of.get(key, {}).get(year, 0)
                )
            else:
                rule, working, value = _receipts(
                    status, r, settled, year, cash_of.get(key, {}), plan_of, key, line
                )
            if value is None:
                value = int(r.planned_cents)
            if value != int(r.forecast_cents):
                raise ExplanationMismatch(
                    f"{commitment}, {funder}, {basis} {year}: the working gives {value} cents, "
                    f"the engine {int(r.forecast_cents)} (this is a bug)"
                )
            out.append(
                ForecastStep(
                    key, str(basis), year, scenario.label(year), status, rule, working, value
                )
            )
    return out


def _payments(booked: pd.DataFrame, funder: str, year: int) -> int:
    """The payments (positive cash bookings) of one funder and year."""
    payments = booked[
        (booked["funder"] == funder)
        & (booked["basis"] == Basis.CASH)
        & (booked["year"] == year)
        & (booked["amount_cents"] > 0)
    ]
    return int(payments["amount_cents"].sum())


def _cash(
    line: pd.DataFrame,
    year: int,
    c: int,
    slips: bool,
    paid: int,
    planned: int,
    actual: int,
) -> tuple[str, str, int]:
    if year < c:
        return "closed: the actual", eur(actual), actual
    known = line[line["status"] != "future"]
    if year == c and not slips:
        value = actual + max(0, planned - paid)
        return (
            "current, unpaid plan lapses: A + max(0, P - payments)",
            f"{eur(actual)} + max(0, {eur(planned)} - {eur(paid)})",
            value,
        )
    upto = line[line["year"] <= c]
    plan_to_c = int(upto["planned_cents"].sum())
    paid_to_c = int(known.loc[known["year"] <= c, "actual_cents"].sum())
    owed = plan_to_c - paid_to_c
    if year == c:
        return (
            "current, unpaid plan slips: A + max(0, owed), owed = plan up to now - actual",
            f"{eur(actual)} + max(0, {eur(plan_to_c)} - {eur(paid_to_c)})",
            actual + max(0, owed),
        )
    if not slips:
        return "future: the plan", eur(planned), planned
    ahead = max(0, -owed)
    later = line[(line["year"] > c) & (line["year"] < year)]
    used = min(ahead, int(later["planned_cents"].sum()))
    left = ahead - used
    lowered = planned - min(planned, left)
    if not ahead:
        return "future: the plan", eur(planned), planned
    return (
        "future: the plan, lowered by what was paid ahead",
        f"{eur(planned)} - min({eur(planned)}, {eur(left)} still ahead)",
        lowered,
    )


def _commitment(kind: str, booked: bool, status: str, r: Any, cash: int) -> tuple[str, str, int]:
    planned, actual = int(r.planned_cents), int(r.actual_cents)
    if not booked and kind == "grant":
        return "no obligations booked: the grant's decision, as planned", eur(planned), planned
    if not booked:
        return "no obligations booked: committed when paid (the cash forecast)", eur(cash), cash
    if status == "closed":
        return "closed: the obligations booked", eur(actual), actual
    if status == "current":
        return (
            "current: the larger of planned and booked",
            f"max({eur(planned)}, {eur(actual)})",
            max(planned, actual),
        )
    return "future: the plan", eur(planned), planned


def _receipts(
    status: str,
    r: Any,
    settled: tuple[int, int] | None,
    year: int,
    cash: dict[int, int],
    plan_of: dict[tuple[str, str], dict[int, int]],
    funder: str,
    line: pd.DataFrame,
) -> tuple[str, str, int]:
    actual = int(r.actual_cents)
    if status == "closed":
        return "closed: the receipts booked", eur(actual), actual
    known = actual if status != "future" else 0
    if settled is None or year != settled[0]:
        return "open: the receipts booked so far", eur(known), known
    planned_cash = sum(plan_of.get((funder, Basis.CASH), {}).values())
    share = planned_cash - sum(plan_of.get((funder, Basis.RECEIPTS), {}).values())
    paid = sum(cash.values())
    received = int(line.loc[line["status"] != "future", "actual_cents"].sum())
    value = known + max(0, paid - share - received)
    return (
        "settlement: the cash forecast beyond the funder's share of the settled amount",
        f"{eur(known)} + max(0, {eur(paid)} - {eur(share)} - {eur(received)} received)",
        value,
    )
