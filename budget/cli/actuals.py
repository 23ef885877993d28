"""budget actuals: plan against actual, the variance and the forecast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from budget.cli.common import (
    BREACH_FOUND,
    count_pending,
    format_option,
    load_or_fail,
    output_option,
    pending_option,
    project_or_fail,
    refuse_open_target,
    scenario_argument,
    strict_option,
    warn_breaches,
    write_rows_or_fail,
    write_workbook_or_fail,
)
from budget.cli.forecast import forecast_from, realise_or_fail
from budget.cli.outputs import Output, show, table_and_rows
from budget.render.text import with_conventions, with_euros


@click.command()
@scenario_argument()
@click.option(
    "--actuals",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An actuals file (CSV or XLSX); repeat for more. Replaces the scenario's actuals.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date up to which the actuals are complete (default: the scenario's as_of, "
    "else the latest booking).",
)
@format_option("table: plan against actual per year, then the forecast; csv/json: every row.")
@output_option("Write the workbook (with a Plan vs actual sheet) or the rows as well.")
@strict_option()
@pending_option()
def actuals(
    scenario: str,
    files: tuple[str, ...],
    as_of: Any,
    fmt: str,
    output: Output | None,
    strict: bool,
    pending: str = "none",
) -> None:
    """Plan against actual: what was booked, the variance, and the forecast per year.

    Actuals files (CSV with , or ;, or the first sheet of an XLSX workbook) have a header
    row with the columns date (YYYY-MM-DD) or year, commitment (empty for a booking that
    belongs to no commitment), funder, basis (cash, commitment or receipts; default cash),
    amount (negative for a refund), and optionally reference and description.

    Per commitment, funder, basis and fiscal year: planned, actual, variance (actual -
    planned) and forecast: actual in a closed year (it ended on or before --as-of); cash
    planned and not paid slips to the next open year (grants; unpaid = "slips") or lapses
    (annual, top-up; unpaid = "lapses"), and a refund lowers its year. Obligations the
    files do not book are a grant's plan, or the cash forecast (annual, top-up: committed
    when paid). Bookings without a commitment of the scenario are counted under
    (unplanned).

    With -o, the workbook of `budget run -o` for these actuals: its Plan vs actual sheet has
    planned, actual, variance and forecast per year as live formulas, with a chart.

    \b
        budget actuals scenarios/letter-2014-realised.toml
        budget actuals my.toml --actuals 2015.csv --actuals 2016.xlsx --as-of 2016-06-30
        budget actuals scenarios/letter-2014-realised.toml -o realised.xlsx
    """
    # imported here: start-up time
    from budget.engine.realised import COLUMNS
    from budget.render.realisation_text import realisation_text
    from budget.reports.realisation import plan_vs_actual_report

    refuse_open_target(output)
    loaded, pending_notes = count_pending(load_or_fail(scenario), pending)
    chosen = list(files) if files else None
    if chosen is None and not loaded.actuals:
        raise click.UsageError(
            f'{scenario} names no actuals: give --actuals FILE, or actuals = "FILE" '
            "in its [scenario]"
        )
    plan = project_or_fail(loaded)
    frame = realise_or_fail(loaded, chosen, as_of.date() if as_of else None, plan)
    cents = tuple(c for c in COLUMNS if c.endswith("_cents"))

    shown = table_and_rows(
        lambda: realisation_text(plan_vs_actual_report(loaded, frame)),
        lambda: with_conventions(
            with_euros(frame, cents, category=True), loaded.currency, loaded.label, category=True
        ),
    )
    if output and output.kind == "xlsx":
        from budget.cli.run import pending_sheets  # the Pending sheet, as run's (issue 23)

        write_workbook_or_fail(
            loaded,
            plan,
            output.path,
            Path(scenario),
            realised=frame,
            indicators=True,
            extra=pending_sheets(pending_notes),
        )
    elif output:
        write_rows_or_fail(output, fmt, shown, [loaded], [*(chosen or []), scenario])
    show(shown, fmt)
    if output:
        click.echo(f"Wrote {output.path}", err=True)
    for note in pending_notes:  # pending commitments left out (issue 23)
        click.echo(note, err=True)
    if strict:
        breached = warn_breaches(loaded, forecast_from(loaded, frame))
        if breached:
            sys.exit(BREACH_FOUND)
