"""The public DataFrame API: every function returns frames with one convention.

- text columns are categorical (a column whose values are all text, or missing);
- `year` and every `*_cents` column are int64; a `*_cents` column that can have no value in
  a row (an indicator's cost per unit where nothing was achieved, a simulation row without
  a ceiling) is the nullable Int64 instead, never float;
- dates (`actuals_frame().date`) are datetime64[s], NaT where a file gives only the year;
- measured values (an indicator's base, target, achieved and change_pct) are float64, NaN
  where missing: the exact decimal as the nearest float, which prints back as the decimal
  (`repr`, `round(x, places)`) for up to 15 significant digits; the exact Decimals are in
  `budget.reports.indicators.indicator_rows`, and the CSV prints them as written;
- `df.attrs` holds the scenario's facts: `scenario` (its name), `first_year` and
  `last_year` (the horizon), `fiscal_year_start` ("MM-DD"), `currency` (ISO 4217) and,
  when the scenario names its years another way, `year_label` and `year_labels` (year ->
  label); plus what each function adds (see its docstring).

The frames are the same on every pandas version that pyproject allows: the columns are
built from numpy arrays of fixed dtypes, and categoricals keep the order of the scenario.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from budget.core.model import Scenario


def scenario_facts(scenario: Scenario) -> dict[str, Any]:
    """The scenario's facts as a frame's attrs carry them."""
    calendar = scenario.calendar
    facts: dict[str, Any] = {
        "scenario": scenario.name,
        "first_year": scenario.first_year,
        "last_year": scenario.last_year,
        "fiscal_year_start": f"{calendar.month:02d}-{calendar.day:02d}",
        "currency": getattr(scenario, "currency", "EUR"),
    }
    style = getattr(scenario, "year_label", None)
    label = getattr(scenario, "label", None)
    if style is not None:
        facts["year_label"] = str(style)
        if callable(label):
            facts["year_labels"] = {year: label(year) for year in scenario.years}
    return facts


def conform(frame: pd.DataFrame, scenario: Scenario, **extra: Any) -> pd.DataFrame:
    """`frame` in the convention of the module docstring (a new frame; attrs merged)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if name == "year" or (name.endswith("_cents") and not column.isna().any()):
            if column.dtype != np.int64:
                out[name] = column.astype(np.int64)
        elif name.endswith("_cents"):
            out[name] = column.astype("Int64")
        elif isinstance(column.dtype, pd.CategoricalDtype):
            if column.cat.categories.dtype != object:
                out[name] = pd.Categorical.from_codes(
                    column.cat.codes.to_numpy(), dtype=_text_categories(column.cat.categories)
                )
        elif isinstance(column.dtype, pd.StringDtype) or (
            column.dtype == object and _all_text(column)
        ):
            names = list(dict.fromkeys(column.dropna()))
            out[name] = pd.Categorical(column.astype(object), dtype=_text_categories(names))
    attrs = dict(frame.attrs)
    attrs.update(scenario_facts(scenario))
    attrs.update(extra)
    out.attrs = attrs
    return out


def _text_categories(names: Any) -> pd.CategoricalDtype:
    """Categories held as Python strings (object), as on every pandas version."""
    return pd.CategoricalDtype(pd.Index(list(names), dtype=object))


def _all_text(column: pd.Series) -> bool:
    values = column.dropna()
    return len(values) > 0 and all(isinstance(v, str) for v in values)


def project(scenario: Scenario, pending: str = "none", cash_shifts: bool = True) -> pd.DataFrame:
    """The projection of `scenario` as tidy rows (central values for uncertain inputs).

    One row per commitment, funder, basis and fiscal year of the commitment's span, zero
    amounts included. Columns: scenario, commitment, recipient, funder, kind, basis
    (categorical), year (int64, the year the fiscal year ends in), amount_cents (int64).
    `pending` counts commitments with status = "pending" as `budget run --pending` does:
    "none" (the default, as on the command line) leaves them out, "expected" counts each
    at p times its amounts, "all" as decided. The scenario's [[cash_shifts]] are applied
    to the cash rows, as every command applies them (`cash_shifts=False`: the plan before
    them); a shift that moves more than planned raises InputError with its problems.
    """
    from budget.engine.pending import with_pending
    from budget.engine.projection import project as project_rows

    counted = with_pending(scenario, pending)
    return conform(_shifted(counted, project_rows(counted), cash_shifts), scenario)


def _shifted(scenario: Scenario, rows: pd.DataFrame, cash_shifts: bool) -> pd.DataFrame:
    """`rows` with the scenario's cash shifts applied, when asked."""
    from budget.engine.cash_shifts import shifted

    return shifted(scenario, rows) if cash_shifts else rows


def compare(
    base: Scenario, *others: Scenario, pending: str = "none", cash_shifts: bool = True
) -> pd.DataFrame:
    """Every scenario against `base`, per commitment, funder, basis and year.

    Columns: scenario (a label: the name, or the name and file where names repeat),
    commitment, funder, basis (categorical), year, amount_cents and delta_cents (int64;
    delta = scenario minus base, 0 for the base itself, a commitment missing on one side
    counting as 0 there). attrs: the base's facts, and `scenarios`: the labels in order.
    `pending` and `cash_shifts`: as for `project` (as `budget compare` counts).
    """
    from budget.engine.pending import with_pending
    from budget.engine.projection import project as project_rows
    from budget.reports.compare import compare_rows, scenario_labels

    scenarios = [with_pending(s, pending) for s in (base, *others)]
    rows = [_shifted(s, project_rows(s), cash_shifts) for s in scenarios]
    long = compare_rows(scenarios, rows)
    return conform(long, base, scenarios=scenario_labels(scenarios))


def simulate(scenario: Scenario, draws: int, seed: int) -> pd.DataFrame:
    """Monte Carlo: every uncertain input drawn `draws` times (from `seed`), each draw
    projected; the bands and chances per commitment, funder and limit.

    Columns: scenario, level ("commitment", "funder" or "limit"), commitment, recipient,
    funder, basis (categorical), year, mean_cents, p5_cents, p50_cents, p95_cents (int64),
    p_cap_binds (float; NaN for kinds without a cap), ceiling_cents (Int64; missing
    outside limit rows), p_limit_breached (float). attrs: draws, seed. The typed report
    (with every draw's funder totals) is `budget.uncertainty.simulate.simulate` in the module of
    that name: `from budget.uncertainty.simulate import simulate`.
    """
    from budget.uncertainty.simulate import simulate as run_simulation

    report = run_simulation(scenario, draws, seed)
    return conform(report.rows, scenario, draws=draws, seed=seed)


def plan_vs_actual(
    scenario: Scenario, files: Sequence[str] | None = None, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Plan against actual and the forecast, per commitment, funder, basis and year.

    `files`: actuals files (default: the scenario's `actuals`); `as_of`: the date up to
    which they are complete (default: the scenario's, else the latest booking). Columns:
    scenario, commitment, recipient, funder, basis, status (categorical), year,
    planned_cents, actual_cents, variance_cents, forecast_cents (int64). attrs also hold
    as_of, files, bookings, unplanned_bookings, total_cents and warnings. Raises
    InputError on a bad file.
    """
    from budget.engine.realised import plan_vs_actual as realised

    return conform(realised(scenario, files, as_of), scenario)


def actuals_frame(scenario: Scenario, files: Sequence[str] | None = None) -> pd.DataFrame:
    """The bookings of the actuals files, one row each, in file and row order.

    Columns: commitment (a scenario id or "(unplanned)"), funder, basis, reference,
    description, written (the id as the file wrote it), file (categorical), date
    (datetime64[s], NaT when the file gives only the year), year (int64, the fiscal
    year), amount_cents (int64, negative for a refund), row (where the booking is).
    attrs also hold files and warnings. Raises InputError on a bad file.
    """
    from budget.engine.realised import actuals_frame as bookings

    frame = bookings(scenario, files)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
    return conform(frame, scenario)


def forecast_rows(scenario: Scenario, realised: pd.DataFrame) -> pd.DataFrame:
    """The forecast of plan-against-actual rows (`plan_vs_actual`) as tidy rows, the
    columns of `project`: actual in closed years, then (cash) what was planned and not
    paid slips on or lapses by the commitment's `unpaid` (see `budget actuals`)."""
    from budget.engine.realised import forecast_rows as forecast

    return conform(forecast(scenario, realised), scenario)


def indicators(scenario: Scenario, cash: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per [[indicators]] entry and year with a target or an achieved value.

    `cash`: tidy rows (the projection, or the forecast) the cost per unit is taken from;
    without it the scenario is projected when an indicator names commitments. Columns:
    scenario, indicator, unit (categorical), year (int64), base, target, achieved and
    change_pct (float64, the exact decimals as the nearest floats; achieved and change_pct
    NaN where nothing is achieved), met (nullable boolean), cost_per_unit_cents (Int64,
    missing where nothing is achieved).
    """
    from budget.reports.indicators import indicator_rows

    frame = indicator_rows(scenario, cash)
    for name in ("base", "target", "achieved", "change_pct"):
        frame[name] = np.array(
            [np.nan if v is None else float(v) for v in frame[name]], dtype=np.float64
        )
    return conform(frame, scenario)
