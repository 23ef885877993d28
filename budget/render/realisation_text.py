"""The plan-vs-actual rows as terminal tables; the rows are computed in `realised.py`."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from budget.core.model import Basis, Scenario
from budget.core.money import format_euros_grouped
from budget.engine.realised import Status
from budget.render.text import amount_text, text_table

BASIS_TITLES = (
    (Basis.CASH, "cash basis: payments"),
    (Basis.COMMITMENT, "commitment basis: obligations"),
)


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


def _variance(cents: int) -> str:
    return f"+{format_euros_grouped(cents)}" if cents > 0 else amount_text(cents)


def realisation_text(frame: pd.DataFrame, scenario: Scenario | None = None) -> str:
    """Per basis: each funder's commitments with planned, actual and variance per year; then
    the forecast per funder and commitment with totals. With `scenario`, in its currency
    and year labels."""
    name = frame.attrs.get("scenario", "")
    unit = scenario.currency if scenario is not None else "EUR"
    label: Callable[[int], str] = scenario.label if scenario is not None else str
    years = sorted(set(frame["year"].tolist()))
    parts = [status_line(frame)]
    ordered = frame.assign(
        _funder=frame["funder"].cat.codes, _commitment=frame["commitment"].cat.codes
    ).sort_values(["_funder", "_commitment", "year"], kind="stable")
    for basis, title in BASIS_TITLES:
        mine = ordered[ordered["basis"] == basis]
        if mine.empty:
            continue
        parts.append(_against(mine, years, f"{name}, {title}: plan against actual ({unit})", label))
    for basis, title in BASIS_TITLES:
        mine = ordered[ordered["basis"] == basis]
        if mine.empty:
            continue
        parts.append(_forecast(mine, years, f"{name}, {title}: forecast ({unit})", label))
    parts.append(
        "(variance = actual - planned; forecast = actual in a closed year, the larger of "
        "planned and actual in the current year, planned in a later year)"
    )
    unplanned = frame.attrs.get("unplanned_bookings", 0)
    if unplanned:
        parts.append(
            f"{unplanned:,} booking{' has' if unplanned == 1 else 's have'} no commitment of "
            "this scenario; counted under (unplanned)."
        )
    return "\n\n".join(parts)


def _grid(rows: pd.DataFrame, years: list[int], column: str) -> list[int]:
    by_year = rows.groupby("year")[column].sum()
    return [int(by_year.get(y, 0)) for y in years]


def _against(
    rows: pd.DataFrame, years: list[int], title: str, label: Callable[[int], str] = str
) -> str:
    header = ["funder", "commitment", "", *map(label, years), "total"]
    lines = []
    for (funder, commitment), mine in rows.groupby(
        ["funder", "commitment"], observed=True, sort=False
    ):
        for line, column, show in (
            ("planned", "planned_cents", amount_text),
            ("actual", "actual_cents", amount_text),
            ("variance", "variance_cents", _variance),
        ):
            cells = _grid(mine, years, column)
            lines.append(
                [
                    str(funder) if line == "planned" else "",
                    str(commitment) if line == "planned" else "",
                    line,
                    *(show(c) for c in cells),
                    show(sum(cells)),
                ]
            )
    return text_table(title, header, lines, left=3)


def _forecast(
    rows: pd.DataFrame, years: list[int], title: str, label: Callable[[int], str] = str
) -> str:
    header = ["funder", "commitment", *map(label, years), "total"]
    lines = []
    for funder, theirs in rows.groupby("funder", observed=True, sort=False):
        for commitment, mine in theirs.groupby("commitment", observed=True, sort=False):
            cells = _grid(mine, years, "forecast_cents")
            lines.append(
                [str(funder), str(commitment), *map(amount_text, cells), amount_text(sum(cells))]
            )
        cells = _grid(theirs, years, "forecast_cents")
        lines.append(["", f"{funder} total", *map(amount_text, cells), amount_text(sum(cells))])
    total = _grid(rows, years, "forecast_cents")
    footer = [["Total", "", *map(amount_text, total), amount_text(sum(total))]]
    return text_table(title, header, lines, left=2, footer=footer)
