"""budget tables: the RBV 1.33d tables of a scenario (budgettaire gevolgen van beleid)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from budget.cli.common import (
    count_pending,
    fail,
    format_option,
    load_or_fail,
    output_option,
    pending_option,
    refuse_open_target,
    scenario_argument,
    write_rows_or_fail,
)
from budget.cli.outputs import Output, show, table_and_rows
from budget.core.errors import InputError


@click.command()
@scenario_argument()
@click.option(
    "--year",
    "year",
    type=int,
    help="The budget year T (default: [scenario] budget_year, else the first year).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The reference date of 'legally committed' (default: the first day of year T).",
)
@output_option("Write the tables to a file as well.")
@format_option(
    "table: one table per chapter and article; csv/json: the open-data rows, one per "
    "chapter, article, article part, instrument, scheme, V/U/O and year."
)
@pending_option()
def tables(
    scenario: str,
    year: int | None,
    as_of: dt.datetime | None,
    output: Output | None,
    fmt: str,
    pending: str = "none",
) -> None:
    """The RBV 1.33d tables of SCENARIO: Verplichtingen, Uitgaven by instrument and scheme,
    and Ontvangsten for T-1 .. T+4, in thousands, per chapter (funder) and article, with
    the part of year T's Uitgaven that is legally committed.

    \b
        budget tables scenarios/round-2015-draft.toml --year 2015
        budget tables scenarios/round-2015-draft.toml --format csv
    """
    # imported here: start-up time
    from budget.engine.cash_shifts import shift_cash
    from budget.engine.projection import project
    from budget.render.budget_tables_text import open_data_rows, tables_text
    from budget.reports.budget_tables import budget_tables

    refuse_open_target(output)
    loaded, pending_notes = count_pending(load_or_fail(scenario), pending)
    rows, problems = shift_cash(project(loaded), loaded)
    if problems:
        fail(problems)
    report = budget_tables(loaded, rows, year, as_of.date() if as_of else None)
    shown = table_and_rows(lambda: tables_text(report), lambda: open_data_rows(report))
    if output and output.kind == "xlsx":
        # imported here: start-up time (openpyxl)
        from budget.render.budget_workbook import write_tables_workbook

        try:
            from budget.cli.run import pending_sheets  # as run's (issue 23)

            inputs = [Path(p) for p in loaded.files]
            write_tables_workbook(report, output.path, inputs, pending_sheets(pending_notes))
        except InputError as exc:
            fail(exc.problems)
    elif output:
        write_rows_or_fail(output, fmt, shown, [loaded])
    for warning in report.warnings:
        click.echo(warning, err=True)
    for note in pending_notes:  # pending commitments left out (issue 23)
        click.echo(note, err=True)
    show(shown, fmt)
    if output:
        click.echo(f"Wrote {output.path}", err=True)
