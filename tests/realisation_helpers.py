"""Reading the realisation sheets back, independently of how they were written: the Plan vs
actual sheet by its own labels, and what every formula of both sheets should hold."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pandas as pd

from budget.reports.indicators import indicator_rows
from tests.workbook_helpers import shown

PLAN = "Plan vs actual"
INDICATORS = "Indicators"
MEASURES = {"Planned": "planned_cents", "Actual": "actual_cents", "Forecast": "forecast_cents"}


def sheet_lines(ws: Any) -> list[dict[str, Any]]:
    """The Plan vs actual sheet read from its own labels: per amount line its basis, level
    (item, subtotal, total), funder, commitment, measure and {column header: value cell}."""
    header = next(r for r in ws.iter_rows() if r[0].value == "Funder / commitment")
    columns = {c.column: str(c.value) for c in header[3:] if c.value is not None}
    out: list[dict[str, Any]] = []
    basis = funder = ""
    level = ""
    for row in ws.iter_rows(min_row=header[0].row + 2):
        a, b, c = (cell.value for cell in row[:3])
        if isinstance(a, str) and a.startswith("Cash basis"):
            basis = "cash"
            continue
        if isinstance(a, str) and a.startswith("Commitment basis"):
            basis = "commitment"
            continue
        if c is None:
            if b is not None:
                funder = str(b)  # a funder's heading
            continue
        if c == "Planned":
            if a == "Total" and b is None:
                level = "total"
            elif a == f"Total {funder}" and b == funder:
                level = "subtotal"
            else:
                level = "item"
        cells = {columns[cell.column]: cell for cell in row if cell.column in columns}
        out.append(
            {
                "basis": basis,
                "level": level,
                "funder": funder if level != "total" else "",
                "commitment": str(b) if level == "item" else "",
                "measure": c,
                "cells": cells,
            }
        )
    return out


def plan_expectations(book: Any, frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(sheet, cell) -> cents, from the plan-vs-actual rows grouped here."""
    data = frame.astype({"funder": str, "commitment": str, "basis": str})
    for column in ("funder", "commitment"):  # as a cell shows them
        data[column] = data[column].map(shown)
    sums: dict[tuple[str, ...], dict[str, int]] = {}
    for record in data.to_dict("records"):
        year = str(record["year"])
        for level, funder, commitment in (
            ("item", record["funder"], record["commitment"]),
            ("subtotal", record["funder"], ""),
            ("total", "", ""),
        ):
            for column in (year, "Total"):
                key = (record["basis"], level, funder, commitment, column)
                found = sums.setdefault(key, dict.fromkeys(MEASURES.values(), 0))
                for name in MEASURES.values():
                    found[name] += int(record[name])
    out: dict[tuple[str, str], int] = {}
    for line in sheet_lines(book[PLAN]):
        for column, cell in line["cells"].items():
            key = (line["basis"], line["level"], line["funder"], line["commitment"], column)
            amounts = sums.get(key, dict.fromkeys(MEASURES.values(), 0))
            if line["measure"] == "Variance":
                want = amounts["actual_cents"] - amounts["planned_cents"]
            else:
                want = amounts[MEASURES[line["measure"]]]
            out[(PLAN, cell.coordinate)] = want
    return out


def indicator_expectations(
    book: Any, scenario: Any, cash: pd.DataFrame | None = None
) -> dict[tuple[str, str], Any]:
    """(sheet, cell) -> the realisation's target, change, met and cost per unit (cents)
    for every formula of the Indicators sheet; empty without the sheet."""
    if INDICATORS not in book.sheetnames:
        return {}
    ws = book[INDICATORS]
    frame = indicator_rows(scenario, cash)
    by_title = {f"{i.name} ({i.unit})" if i.unit else i.name: i.id for i in scenario.indicators}
    out: dict[tuple[str, str], Any] = {}
    current = None
    for row in ws.iter_rows(min_row=8):
        first = row[0].value
        if isinstance(first, str) and first in by_title:
            current = by_title[first]
            continue
        if not isinstance(first, int) or current is None:
            continue
        record = frame[(frame["indicator"] == current) & (frame["year"] == first)].iloc[0]
        r = row[0].row
        if record["target"] is not None:
            out[(INDICATORS, f"D{r}")] = Fraction(record["target"])
        if record["change_pct"] is not None:
            out[(INDICATORS, f"F{r}")] = Fraction(record["change_pct"])
        if not pd.isna(record["met"]):
            out[(INDICATORS, f"G{r}")] = "yes" if record["met"] else "no"
        if not pd.isna(record["cost_per_unit_cents"]):
            out[(INDICATORS, f"I{r}")] = int(record["cost_per_unit_cents"])
    return out


# --- what-ifs on the Plan vs actual sheet's cash lines ------------------------------------

# (commitment, funder, measure, year, cents): an edit of an item's planned or actual cash.
CASH_EDITS = (
    # BZ's grant slips. 2014's plan up to 1,500,000.00: owed 2,000,000 + 293,859.65 -
    # 1,706,140.35 = 587,719.30 at 2015, forecast 706,140.35 + 587,719.30 = 1,293,859.65.
    ("bz-tdh-ecpat", "BZ", "Planned", 2014, 150_000_000),
    # 300,000.00 more paid in 2014: 2,006,140.35 paid against 2,000,000.00 planned up to
    # 2015, nothing owed: 2015's forecast is what was paid, 706,140.35.
    ("bz-tdh-ecpat", "BZ", "Actual", 2014, 130_000_000),
    # MKI lapses, 60,000.00 paid and 2,500.00 refunded in 2015: a plan of 120,000.00 gives
    # 57,500.00 + (120,000.00 - 60,000.00) = 117,500.00.
    ("mki-support", "VenJ", "Planned", 2015, 12_000_000),
    # a 2016 plan (future) of 80,000.00 is its forecast.
    ("mki-support", "VenJ", "Planned", 2016, 8_000_000),
)
CASH_EDIT_FORECASTS = {
    0: {2015: 129_385_965},
    1: {2015: 70_614_035},
    2: {2015: 11_750_000},
    3: {2016: 8_000_000},
}


def edited_engine_forecast(
    scenario: Any, edit: tuple[str, str, str, int, int], as_of: Any
) -> dict[int, int]:
    """The engine's cash forecast per year of the edited line: the plan's cash row changed
    (Planned) or a booking of the difference added (Actual), then `compare`."""
    import datetime as dt

    import budget
    from budget.engine.realised import compare
    from budget.load.bookings import read_bookings

    commitment, funder, measure, year, cents = edit
    plan = budget.project(scenario)
    bookings, problems, _ = read_bookings(scenario, list(scenario.actuals))
    assert not problems
    key = (
        (plan["commitment"].astype(str) == commitment)
        & (plan["funder"].astype(str) == funder)
        & (plan["basis"].astype(str) == "cash")
    )
    if measure == "Planned":
        at = key & (plan["year"] == year)
        if at.any():
            plan.loc[at, "amount_cents"] = cents
        else:
            extra = plan[key].iloc[:1].copy()
            extra["year"], extra["amount_cents"] = year, cents
            plan = pd.concat([plan, extra], ignore_index=True)
    else:
        mine = (
            (bookings["commitment"].astype(str) == commitment)
            & (bookings["funder"].astype(str) == funder)
            & (bookings["basis"].astype(str) == "cash")
        )
        had = int(bookings.loc[mine & (bookings["year"] == year), "amount_cents"].sum())
        extra = bookings[mine].iloc[:1].copy()
        extra["year"], extra["amount_cents"] = year, cents - had
        bookings = pd.concat([bookings, extra], ignore_index=True)
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    frame = compare(scenario, plan, bookings, day)
    line = frame[
        (frame["commitment"].astype(str) == commitment)
        & (frame["funder"].astype(str) == funder)
        & (frame["basis"].astype(str) == "cash")
    ]
    return {int(y): int(f) for y, f in zip(line["year"], line["forecast_cents"], strict=True)}
