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
