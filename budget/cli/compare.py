"""budget compare: scenarios beside a base, and which commitments caused the differences."""

from __future__ import annotations

import functools
from pathlib import Path

import click
import pandas as pd

from budget.cli.common import (
    count_pending,
    fail,
    format_option,
    output_option,
    pending_option,
    project_or_fail,
    refuse_open_target,
    write_rows_or_fail,
)
from budget.cli.outputs import Output, show, table_and_rows
from budget.core.errors import InputError, Problem
from budget.core.model import Scenario
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
@click.option(
    "--by",
    "by",
    type=click.Choice(["commitment", "article"]),
    default="commitment",
    show_default=True,
    help="What caused the differences: per commitment, or per budget article (the rows then "
    "have an article column instead of commitment).",
)
@pending_option()
def compare(
    base: str,
    others: tuple[str, ...],
    output: Output | None,
    fmt: str,
    by: str = "commitment",
    pending: str = "none",
) -> None:
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
    from budget.render.compare_text import compare_text
    from budget.reports.compare import by_article, compare_rows, comparison, scenario_labels
    from budget.reports.compare_summary import compare_summary, convention_warnings

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
    counted = [count_pending(s, pending) for s in loaded]  # issue 23
    loaded = [s for s, _ in counted]
    rows = [project_or_fail(s) for s in loaded]
    long = compare_rows(loaded, rows)
    if by == "article":
        long = by_article(long, loaded)
    labels = scenario_labels(loaded)

    def shown_rows() -> pd.DataFrame:
        currency = long["scenario"].map(
            dict(zip(labels, (s.currency for s in loaded), strict=True))
        )
        amounts = with_euros(long, ("amount_cents", "delta_cents"))
        shown = with_conventions(amounts, currency, loaded[0].label)
        return shown.rename(columns={"commitment": "article"}) if by == "article" else shown

    # The side-by-side report is built once, and only for the outputs that lay it out.
    report = functools.cache(lambda: comparison(loaded, long, labels))
    shown = table_and_rows(
        lambda: compare_text(report(), compare_summary(loaded, rows, long, labels)), shown_rows
    )
    if output and output.kind == "xlsx":
        # imported here: start-up time
        from budget.cli.run import pending_sheets  # as run's (issue 23)
        from budget.render.workbook.compare_sheet import write_comparison

        try:
            write_comparison(
                loaded,
                long,
                report(),
                output.path,
                inputs=[Path(p) for p in paths],
                by=by,
                extra=pending_sheets(list(dict.fromkeys(n for _, ns in counted for n in ns))),
            )
        except InputError as exc:
            fail(exc.problems)
    elif output:
        write_rows_or_fail(output, fmt, shown, loaded)
    for warning in convention_warnings(loaded, labels):
        click.echo(warning, err=True)
    # pending commitments left out (issue 23): a note the scenarios share, once
    for note in dict.fromkeys(n for _, notes in counted for n in notes):
        click.echo(note, err=True)
    show(shown, fmt)
    if output:
        click.echo(f"Wrote {output.path}", err=True)
