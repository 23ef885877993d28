"""budget run: project a scenario and print the overview, or write it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

import budget
from budget.cli.common import (
    BREACH_FOUND,
    central_value_notes,
    count_pending,
    data_rows,
    format_option,
    load_or_fail,
    output_option,
    pending_option,
    refuse_open_target,
    scenario_argument,
    shifted_or_fail,
    strict_option,
    warn_breaches,
    warn_double_funding,
    write_rows_or_fail,
    write_workbook_or_fail,
)
from budget.cli.forecast import forecast_from, forecast_notes, realise_or_fail
from budget.cli.outputs import Output, show, table_and_rows
from budget.core.model import Scenario
from budget.engine.projection import project
from budget.render.formats import FORMATS, Format
from budget.reports.shortfall import Uncovered, uncovered_shortfalls


@click.command()
@scenario_argument(required=False)
@output_option("Write a file as well.")
@format_option("table: overview per basis; csv/json: the tidy rows with euros and cents.")
@click.option("--thousands", is_flag=True, help="Show the overview tables in thousands.")
@click.option(
    "--rounding",
    type=click.Choice(["plain", "controlled"]),
    default="plain",
    show_default=True,
    help="With --thousands: plain rounds each amount by itself; controlled (which implies "
    "--thousands) rounds so that every row and every column adds up to its rounded total.",
)
@strict_option()
@pending_option()
def run(
    scenario: str | None,
    output: Output | None,
    fmt: str,
    thousands: bool,
    rounding: str,
    strict: bool,
    pending: str = "none",
) -> None:
    """Project SCENARIO (default: the bundled 2014 example) and print the overview.

    The overview shows fiscal years across and funders with their commitments down, on a
    cash basis (payments) and a commitment basis (obligations entered). Amounts outside
    the horizon are shown as "earlier" and "later", never dropped. Uncertain inputs take
    their central value (uniform: midpoint, triangular: mode, normal: mean, choice: the
    most likely value).

    Below the overview, the table format shows per funder and year the commitments entered,
    the cash paid and the commitments outstanding at year end (opening + entered - paid =
    closing), with the share of each year's cash that settles commitments of earlier years;
    and, for each [[limits]] ceiling, the headroom per year. Every breached ceiling is also
    warned about on stderr, one line each; the run still succeeds (exit 0), unless
    --strict is given (exit 3). The workbook has the ledger on its "Commitment vs cash"
    sheet and the ceilings' headroom on its "Budget ceilings" sheet.

    A recipient paid more in a year than its known costs is warned about on stderr too
    (double funding), one line each, naming the recipient, the year and the excess;
    --strict exits 3 for it as well.

    With --thousands the overview tables show whole thousands, with a note that totals are
    rounded from exact amounts; --rounding controlled makes each column add up on paper.

    \b
        budget run
        budget run scenarios/letter-2014.toml -o letter.xlsx
        budget run scenarios/letter-2014.toml --format csv --thousands
    """
    refuse_open_target(output)
    path = Path(scenario) if scenario else budget.example_path()
    loaded, pending_notes = count_pending(load_or_fail(path), pending)
    rows = shifted_or_fail(loaded, project(loaded))
    realised = realise_or_fail(loaded, plan=rows) if loaded.actuals else None
    forecast = None if realised is None else forecast_from(loaded, realised)
    shown_in_thousands = thousands or rounding == "controlled"  # controlled implies it
    workbook = output is not None and output.kind == "xlsx"
    # What top-ups leave uncovered, for the table and the workbook's Commitment vs cash
    # sheet: worked out once (0.3 s at 100,000 commitments), only when one shows it.
    # (A forecast's sheet works out its own, from the forecast.)
    wanted = fmt == Format.TABLE.value or (workbook and realised is None)
    uncovered = uncovered_shortfalls(loaded, rows) if wanted else None
    shown = table_and_rows(
        lambda: run_table(
            loaded, rows, forecast, rounding if shown_in_thousands else None, uncovered
        ),
        lambda: data_rows(loaded, rows),
    )
    if output and workbook:
        write_workbook_or_fail(
            loaded,
            rows,
            output.path,
            path,
            realised=realised,
            indicators=True,
            rounding=rounding if shown_in_thousands else "plain",
            extra=pending_sheets(pending_notes),
            uncovered=uncovered,
        )
    elif output:
        write_rows_or_fail(output, fmt, shown, [loaded])
    if FORMATS[Format(fmt)].rows:
        # The rows are data on stdout; say on stderr which inputs took central values.
        for note in [*central_value_notes(loaded), *forecast_notes(forecast)]:
            click.echo(note, err=True)
    show(shown, fmt)
    if output:
        click.echo(f"Wrote {output.path}", err=True)
    for note in pending_notes:  # pending commitments left out (issue 23)
        click.echo(note, err=True)
    breached = warn_breaches(loaded, rows if forecast is None else forecast)
    breached += warn_double_funding(loaded, rows)  # no double funding (issue 23)
    if strict and breached:
        sys.exit(BREACH_FOUND)


def run_table(
    scenario: Scenario,
    rows: Any,
    forecast: Any = None,
    thousands: str | None = None,
    uncovered: list[Uncovered] | None = None,
) -> str:
    from budget.render.present import run_tables

    parts = run_tables(scenario, rows, forecast, thousands, uncovered)
    # imported here: start-up time
    from budget.render.provenance_text import provenance_text

    provenance = provenance_text(scenario)
    if provenance:
        parts.append(provenance)
    from budget.render.round_text import cash_shift_text  # the budget round (issue 22)

    shifts = cash_shift_text(scenario)
    if shifts:
        parts.append(shifts)
    notes = [*central_value_notes(scenario), *forecast_notes(forecast)]
    return "\n\n".join(parts) + ("\n\n" + "\n".join(notes) if notes else "")


def pending_sheets(notes: list[str]) -> tuple[Any, ...]:
    """The Pending sheet when the workbook leaves a pending commitment out (issue 23)."""
    if not notes:
        return ()
    # imported here: start-up time (openpyxl)
    from budget.render.workbook.pending_sheet import pending_sheet

    return (pending_sheet(notes),)
