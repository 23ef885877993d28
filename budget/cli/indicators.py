"""budget indicators: performance targets against what was achieved."""

from __future__ import annotations

from pathlib import Path

import click

import budget
from budget.cli.common import format_option, load_or_fail, project_or_fail, scenario_argument
from budget.cli.forecast import forecast_notes, forecast_or_none
from budget.cli.outputs import show, table_and_rows


@click.command()
@scenario_argument(required=False)
@format_option("table: per indicator and year; csv/json: one row per indicator and year.")
def indicators(scenario: str | None, fmt: str) -> None:
    """Performance indicators: targets against what was achieved, per year.

    Per [[indicators]] entry and year: the target (a change from the base such as "+7.5%",
    or a value; rounded half away from zero to its decimals), what was achieved, the
    change from the base in percent, whether the target was met, and the cost per unit
    achieved (the linked commitments' cash that year; with actuals, the forecast).
    Without SCENARIO, the bundled example (the letter's police agreement, figure 1).
    """
    # imported here: start-up time
    from budget.render.indicators_text import indicators_text
    from budget.reports.indicators import indicator_rows, output_rows

    loaded = load_or_fail(Path(scenario) if scenario else budget.example_path())
    cash = None
    if loaded.actuals and any(i.commitments for i in loaded.indicators):
        cash = forecast_or_none(loaded, project_or_fail(loaded))
        for note in forecast_notes(cash):
            click.echo(note, err=True)
    elif loaded.cash_shifts:  # the cash after its [[cash_shifts]]
        cash = project_or_fail(loaded)
    frame = indicator_rows(loaded, cash)
    show(table_and_rows(lambda: indicators_text(loaded, frame), lambda: output_rows(frame)), fmt)
