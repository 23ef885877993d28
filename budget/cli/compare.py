"""budget compare: scenarios beside a base, and which commitments caused the differences."""

from __future__ import annotations

from pathlib import Path

import click

from budget.cli.common import (
    TEXT_FORMATS,
    fail,
    format_option,
    output_option,
    refuse_open_target,
    write_rows_or_fail,
)
from budget.cli.outputs import Output, emit, rows_text
from budget.core.errors import InputError, Problem
from budget.core.model import Scenario
from budget.engine.projection import project
from budget.load import read_scenario
from budget.render.text import with_conventions, with_euros


@click.command()
@click.argument("base", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("others", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@output_option("Write a comparison file as well.")
@format_option(
    "table: side by side per funder and year; csv/json: one row per scenario, "
    "commitment, funder, basis and year with amount and delta."
)
def compare(base: str, others: tuple[str, ...], output: Output | None, fmt: str) -> None:
    """Compare scenarios OTHERS... against BASE: what changes, per year, funder and commitment.

    The table shows, per basis, funder and fiscal year, each scenario beside the base with
    the difference (scenario minus base), then which commitments caused each difference,
    largest first. The csv/json rows carry `delta` (scenario minus base, 0 for the base
    itself; a commitment missing on one side counts as 0 there). Scenarios that share a
    name are told apart by their file names.

    \b
        budget compare scenarios/letter-2014.toml scenarios/sin-eu-grant.toml
        budget compare scenarios/mki-through-2015.toml scenarios/letter-2014.toml --format csv
    """
    # imported here: start-up time
    from budget.reports.compare import compare_rows, comparison, scenario_labels

    paths = [base, *others]
    if paths.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    refuse_open_target(output)
    loaded: list[Scenario] = []
    problems: list[Problem] = []
    for path in paths:
        scenario, found = read_scenario(path)
        problems.extend(found)
        if scenario is not None:
            loaded.append(scenario)
    if problems:
        fail(problems)
    rows = [project(s) for s in loaded]
    long = compare_rows(loaded, rows)
    labels = scenario_labels(loaded)

    def render(chosen: str) -> str:
        currency = long["scenario"].map(
            dict(zip(labels, (s.currency for s in loaded), strict=True))
        )
        shown = with_euros(long, ("amount_cents", "delta_cents"))
        return rows_text(with_conventions(shown, currency, loaded[0].label), chosen)

    # The side-by-side report only for the outputs that lay it out.
    laid_out = fmt not in TEXT_FORMATS or (output is not None and output.kind == "xlsx")
    report = comparison(loaded, long, labels) if laid_out else None
    if output and output.kind == "xlsx" and report is not None:
        # imported here: start-up time
        from budget.render.workbook.compare_sheet import write_comparison

        try:
            write_comparison(loaded, long, report, output.path, inputs=[Path(p) for p in paths])
        except InputError as exc:
            fail(exc.problems)
    elif output:
        write_rows_or_fail(output, fmt, render, loaded)
    # imported here: start-up time
    from budget.render.compare_text import compare_text
    from budget.reports.compare_summary import compare_summary, convention_warnings

    for warning in convention_warnings(loaded, labels):
        click.echo(warning, err=True)
    if fmt in TEXT_FORMATS:
        emit(render(fmt), fmt)
    else:
        assert report is not None  # built above for the table
        click.echo(compare_text(report, compare_summary(loaded, rows, long, labels)))
    if output:
        click.echo(f"Wrote {output.path}", err=True)
