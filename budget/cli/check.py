"""budget check: a search of the uncertain inputs for a ceiling breach (budget validate is
in budget.cli.validate)."""

from __future__ import annotations

import sys

import click

from budget.cli.common import (
    BREACH_FOUND,
    count_pending,
    load_or_fail,
    pending_option,
    project_or_fail,
    scenario_argument,
)
from budget.cli.forecast import forecast_notes, forecast_or_none
from budget.engine.limits import check_rows
from budget.uncertainty.search import DEFAULT_EXAMPLES, DEFAULT_MAX_TIME, MAX_EXAMPLES


def _a_number(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """--max-time's value, which click's FloatRange lets through as NaN."""
    if value != value:
        raise click.BadParameter("nan is not a number of seconds", ctx, param)
    return value


@click.command()
@scenario_argument()
@click.option(
    "--examples",
    type=click.IntRange(min=1, max=MAX_EXAMPLES),
    default=DEFAULT_EXAMPLES,
    show_default=True,
    help="How many combinations of uncertain inputs to try.",
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=0, min_open=True, max=24 * 3600),
    default=DEFAULT_MAX_TIME,
    show_default=True,
    metavar="SECONDS",
    callback=_a_number,
    help="Stop the search after this many seconds (wall clock), and say so.",
)
@pending_option()
def check(scenario: str, examples: int, max_time: float, pending: str = "none") -> None:
    """Check SCENARIO's limits: the projection, then a search of the uncertain inputs.

    First the central projection is checked against every limit. Then hypothesis searches
    the uncertain inputs, each within its range (uniform, triangular: low to high; normal:
    mean +- 6 sd, cut at zero; choice: its values), for a combination that breaches a
    limit, and shrinks it to the smallest one. Exit 3 when a limit is breached, else 0.
    The search is deterministic: the same scenario and --examples give the same answer,
    unless --max-time stops it first (the line then says so, with the best found so far).

    \b
        budget check scenarios/letter-2014-uncertain.toml
        budget check my.toml --examples 2000 --max-time 30
    """
    # imported here: start-up time (the search loads hypothesis)
    from budget.render.uncertainty_text import breach_line, search_text
    from budget.uncertainty.search import central_breaches, search

    loaded, pending_notes = count_pending(load_or_fail(scenario), pending)
    if not loaded.limits:
        click.echo(f"{loaded.name} has no limits: nothing to check.")
        return
    count = len(loaded.limits)
    if loaded.actuals:
        forecast = forecast_or_none(loaded, project_or_fail(loaded))
        breaches = [c for c in check_rows(loaded, forecast) if c.breached]
        for note in forecast_notes(forecast):
            click.echo(note)
    elif loaded.cash_shifts:  # the central projection after its cash shifts
        breaches = [c for c in check_rows(loaded, project_or_fail(loaded)) if c.breached]
    else:
        breaches = central_breaches(loaded)
    for note in pending_notes:  # pending commitments left out (issue 23), on stderr
        click.echo(note, err=True)
    if breaches:
        click.echo("The central projection breaches a limit:")
        for breach in breaches:
            click.echo(f"  {breach_line(breach)}")
        sys.exit(BREACH_FOUND)
    click.echo(
        f"The central projection is within {'its' if count == 1 else 'all'} {count} "
        f"limit{'s' if count != 1 else ''}."
    )
    found = search(loaded, examples, max_time)
    click.echo(search_text(found, examples))
    if found.counterexample:
        sys.exit(BREACH_FOUND)
