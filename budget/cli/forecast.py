"""Plan against actual for the commands that use it: realised rows, the forecast, its note."""

from __future__ import annotations

from typing import Any

import click

from budget.cli.common import fail
from budget.core.model import Scenario


def realise_or_fail(
    scenario: Scenario,
    files: list[str] | None = None,
    as_of: Any = None,
    plan: Any = None,
) -> Any:
    """Plan against actual for the scenario's actuals (or `files`); warnings on stderr,
    exit 1 on a bad actuals file."""
    # imported here: start-up time (only commands with actuals read bookings)
    from budget.engine.realised import realise

    frame, problems, warnings = realise(scenario, files, as_of, plan)
    for line in warnings:
        click.echo(line, err=True)
    if frame is None:
        fail(problems)
    for line in frame.attrs.get("notes", []):
        click.echo(line, err=True)
    return frame


def forecast_or_none(scenario: Scenario, rows: Any) -> Any:
    """With actuals in the scenario: the forecast as tidy rows (for the ledger, the limits
    and check); without: None."""
    if not scenario.actuals:
        return None
    return forecast_from(scenario, realise_or_fail(scenario, plan=rows))


def forecast_from(scenario: Scenario, realised: Any) -> Any:
    """The forecast of plan-against-actual rows, as tidy rows."""
    # imported here: start-up time (only commands with actuals read bookings)
    from budget.engine.realised import forecast_rows

    return forecast_rows(scenario, realised)


def forecast_notes(forecast: Any) -> list[str]:
    """The line that says the ledger and the limits use the forecast, not the plan."""
    if forecast is None:
        return []
    files = ", ".join(forecast.attrs.get("files", []))
    as_of = forecast.attrs.get("as_of") or "no date"
    return [
        f"Note: with the actuals in {files} (complete up to {as_of}), commitments and cash "
        "and the budget ceilings use the forecast: actual in closed years; cash planned and "
        "not paid slips to the next open year (grants) or lapses (annual, top-up); a refund "
        "lowers its year (see budget actuals)."
    ]
