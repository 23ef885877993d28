"""Plan against actual, and the forecast that follows from them.

Per commitment (or `(unplanned)`), funder, basis and fiscal year: `planned` (the
projection), `actual` (the sum of the bookings), `variance` = actual - planned, and
`forecast`: the actual in a closed year (its last day is on or before `as_of`), the larger
of planned and actual in the current year (it holds `as_of`), the plan in a later year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.engine import COLUMNS as TIDY_COLUMNS
from budget.engine import project
from budget.errors import InputError, Problem
from budget.model import BASES, Scenario
from budget.periods import FiscalCalendar
from budget.realisation.bookings import UNPLANNED, read_bookings

KEYS = ["commitment", "funder", "basis", "year"]
COLUMNS = [
    "scenario",
    "commitment",
    "recipient",
    "funder",
    "basis",
    "year",
    "status",
    "planned_cents",
    "actual_cents",
    "variance_cents",
    "forecast_cents",
]


class Status(StrEnum):
    """Where a fiscal year stands on the `as_of` date."""

    CLOSED = "closed"
    CURRENT = "current"
    FUTURE = "future"


def year_status(
    calendar: FiscalCalendar, years: npt.NDArray[np.int64], as_of: dt.date | None
) -> npt.NDArray[np.int8]:
    """Per year, the position of its Status (0 closed, 1 current, 2 future).

    Closed: the year's last day is on or before `as_of`; current: it holds `as_of` and is
    not closed; future: it starts after `as_of` (all years when there is no `as_of`).
    """
    out = np.full(len(years), 2, dtype=np.int8)
    if as_of is None:
        return out
    for year in np.unique(years):
        if calendar.start_of(int(year) + 1) <= as_of + dt.timedelta(days=1):
            out[years == year] = 0
        elif calendar.start_of(int(year)) <= as_of:
            out[years == year] = 1
    return out


def default_as_of(calendar: FiscalCalendar, bookings: pd.DataFrame) -> dt.date | None:
    """The latest booking date; a booking with only a year counts as that year's last day."""
    dates = bookings["date"].to_numpy("datetime64[D]")
    latest: list[dt.date] = []
    if (~np.isnat(dates)).any():
        latest.append(dates[~np.isnat(dates)].max().astype(dt.date))
    years = bookings["year"].to_numpy()[np.isnat(dates)]
    if len(years):
        latest.append(calendar.start_of(int(years.max()) + 1) - dt.timedelta(days=1))
    return max(latest, default=None)


def realise(
    scenario: Scenario,
    files: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    plan: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame | None, list[Problem], list[str]]:
    """(plan-vs-actual rows, problems, warnings) for the scenario's actuals, or for `files`
    (paths as the user names them) and `as_of` when given. `plan` is the projection, when
    the caller has it already."""
    paths = list(scenario.actuals if files is None else files)
    bookings, problems, warnings = read_bookings(scenario, paths)
    if problems:
        return None, problems, warnings
    as_of = as_of or scenario.as_of or default_as_of(scenario.calendar, bookings)
    frame = compare(scenario, project(scenario) if plan is None else plan, bookings, as_of)
    frame.attrs.update(
        files=paths,
        bookings=len(bookings),
        unplanned_bookings=int((bookings["commitment"] == UNPLANNED).sum()),
        total_cents=int(bookings["amount_cents"].sum()),
        warnings=warnings,
    )
    return frame, [], warnings


def compare(
    scenario: Scenario, plan: pd.DataFrame, bookings: pd.DataFrame, as_of: dt.date | None
) -> pd.DataFrame:
    """The plan-vs-actual rows of a projection and the bookings (see the module text)."""
    planned = pd.DataFrame(
        {
            "commitment": plan["commitment"].astype(object),
            "funder": plan["funder"].astype(object),
            "basis": plan["basis"].astype(object),
            "year": plan["year"].to_numpy(np.int64),
            "planned_cents": plan["amount_cents"].astype("Int64"),
        }
    )
    actual = (
        pd.DataFrame(
            {
                "commitment": bookings["commitment"].astype(object),
                "funder": bookings["funder"].astype(object),
                "basis": bookings["basis"].astype(object),
                "year": bookings["year"].to_numpy(np.int64),
                "actual_cents": bookings["amount_cents"].to_numpy(np.int64),
            }
        )
        .groupby(KEYS, sort=False)["actual_cents"]
        .sum()
        .astype("Int64")
        .reset_index()
    )
    both = planned.merge(actual, how="outer", on=KEYS, sort=False)
    planned_cents = both["planned_cents"].fillna(0).to_numpy(np.int64)
    actual_cents = both["actual_cents"].fillna(0).to_numpy(np.int64)
    years = both["year"].to_numpy(np.int64)
    status = year_status(scenario.calendar, years, as_of)
    forecast = np.where(
        status == 0,
        actual_cents,
        np.where(status == 1, np.maximum(planned_cents, actual_cents), planned_cents),
    )

    ids = [c.id for c in scenario.commitments]
    commitment = _categories(both["commitment"], [*ids, UNPLANNED])
    funder = _categories(both["funder"], list(scenario.funders))
    basis = _categories(both["basis"], list(BASES))
    order = np.lexsort((years, basis.codes, funder.codes, commitment.codes))
    recipients = {c.id: c.recipient for c in scenario.commitments}
    recipient_names = [*dict.fromkeys(recipients.values()), ""]
    recipient = pd.Categorical(
        [recipients.get(c, "") for c in commitment[order]], categories=recipient_names
    )
    out = pd.DataFrame(
        {
            "scenario": pd.Categorical([scenario.name] * len(order)),
            "commitment": commitment[order],
            "recipient": recipient,
            "funder": funder[order],
            "basis": basis[order],
            "year": years[order],
            "status": pd.Categorical.from_codes(
                status[order], categories=pd.Index([s.value for s in Status])
            ),
            "planned_cents": planned_cents[order],
            "actual_cents": actual_cents[order],
            "variance_cents": (actual_cents - planned_cents)[order],
            "forecast_cents": forecast[order],
        }
    )
    out.attrs.update(
        scenario=scenario.name,
        as_of=as_of.isoformat() if as_of else None,
        fiscal_year_start=str(scenario.calendar),
    )
    return out


def _categories(values: pd.Series, names: list[str]) -> pd.Categorical:
    return pd.Categorical(values.to_numpy(object), categories=names)


def forecast_rows(scenario: Scenario, realised: pd.DataFrame) -> pd.DataFrame:
    """The forecast as tidy projection rows (the columns of `budget.project`, with
    `amount_cents` the forecast), for the ledger, the limits and `check`."""
    kinds = {c.id: c.kind for c in scenario.commitments}
    kind = [kinds.get(c, UNPLANNED) for c in realised["commitment"]]
    out = pd.DataFrame(
        {
            "scenario": realised["scenario"],
            "commitment": realised["commitment"],
            "recipient": realised["recipient"],
            "funder": realised["funder"],
            "kind": pd.Categorical(kind),
            "basis": realised["basis"],
            "year": realised["year"].to_numpy(np.int64),
            "amount_cents": realised["forecast_cents"].to_numpy(np.int64),
        }
    )
    out.attrs.update(realised.attrs)
    return out[TIDY_COLUMNS]


def plan_vs_actual(
    scenario: Scenario, files: Sequence[str] | None = None, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Plan against actual and the forecast, per commitment, funder, basis and year.

    `files`: actuals files (default: the scenario's `actuals`); `as_of`: the date up to
    which they are complete (default: the scenario's, else the latest booking). Columns:
    scenario, commitment, recipient, funder, basis, year, status, planned_cents,
    actual_cents, variance_cents, forecast_cents (int64). Text columns are categorical;
    `attrs` holds scenario, as_of, files, bookings, unplanned_bookings, total_cents and the
    warnings. Raises InputError on a bad file.
    """
    frame, problems, _ = realise(scenario, files, as_of)
    if frame is None:
        raise InputError(problems)
    return frame


def actuals_frame(scenario: Scenario, files: Sequence[str] | None = None) -> pd.DataFrame:
    """The bookings of the actuals files, one row each, in file and row order.

    Columns: commitment (a scenario id or "(unplanned)"), funder, basis (categorical),
    date (a datetime.date, or None when the file gives only the year), year (int64,
    the fiscal year), amount_cents (int64, negative for a refund), reference,
    description, written (the commitment id as the file wrote it), file and row (where
    the booking is). `attrs`: scenario, files, warnings. Raises InputError on a bad file.
    """
    paths = list(scenario.actuals if files is None else files)
    bookings, problems, warnings = read_bookings(scenario, paths)
    if problems:
        raise InputError(problems)
    dates = bookings["date"].to_numpy("datetime64[D]")
    out = pd.DataFrame(
        {
            "commitment": _categories(
                bookings["commitment"], [*(c.id for c in scenario.commitments), UNPLANNED]
            ),
            "funder": _categories(bookings["funder"], list(scenario.funders)),
            "basis": _categories(bookings["basis"], list(BASES)),
            "date": dates.astype(object),  # datetime.date, None where NaT
            "year": bookings["year"].to_numpy(np.int64),
            "amount_cents": bookings["amount_cents"].to_numpy(np.int64),
            "reference": bookings["reference"].astype(object),
            "description": bookings["description"].astype(object),
            "written": bookings["written"].astype(object),
            "file": pd.Categorical(bookings["file"].to_numpy(object), categories=paths),
            "row": bookings["row"].to_numpy(np.int64),
        }
    )
    out.attrs.update(scenario=scenario.name, files=paths, warnings=warnings)
    return out
