"""budget check (a search of the uncertain inputs for a ceiling breach) and budget validate."""

from __future__ import annotations

import sys

import click

from budget.cli.common import (
    BREACH_FOUND,
    fail,
    load_or_fail,
    project_or_fail,
    scenario_argument,
)
from budget.cli.forecast import forecast_notes, forecast_or_none
from budget.core.errors import Problem
from budget.engine.limits import check_rows
from budget.load import read_scenario
from budget.uncertainty.search import DEFAULT_EXAMPLES


@click.command()
@scenario_argument()
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=DEFAULT_EXAMPLES,
    show_default=True,
    help="How many combinations of uncertain inputs to try.",
)
def check(scenario: str, examples: int) -> None:
    """Check SCENARIO's limits: the projection, then a search of the uncertain inputs.

    First the central projection is checked against every limit. Then hypothesis searches
    the uncertain inputs, each within its range (uniform, triangular: low to high; normal:
    mean +- 6 sd, cut at zero; choice: its values), for a combination that breaches a
    limit, and shrinks it to the smallest one. Exit 3 when a limit is breached, else 0.
    The search is deterministic: the same scenario and --examples give the same answer.
    """
    # imported here: start-up time (the search loads hypothesis)
    from budget.render.uncertainty_text import breach_line, search_text
    from budget.uncertainty.search import central_breaches, search

    loaded = load_or_fail(scenario)
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
    if breaches:
        click.echo("The central projection breaches a limit:")
        for breach in breaches:
            click.echo(f"  {breach_line(breach)}")
        sys.exit(BREACH_FOUND)
    click.echo(
        f"The central projection is within {'its' if count == 1 else 'all'} {count} "
        f"limit{'s' if count != 1 else ''}."
    )
    found = search(loaded, examples)
    click.echo(search_text(found, examples))
    if found.counterexample:
        sys.exit(BREACH_FOUND)


@click.command()
@click.argument(
    "scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True)
)
def validate(scenarios: tuple[str, ...]) -> None:
    """Check SCENARIOS without projecting them; list every problem found."""
    if scenarios.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    problems: list[Problem] = []
    for path in scenarios:
        scenario, found = read_scenario(path)
        problems.extend(found)
        if scenario is not None and scenario.actuals:
            # imported here: start-up time (only scenarios with actuals read bookings)
            from budget.load.bookings import read_bookings

            _, found, warnings = read_bookings(scenario, scenario.actuals)
            problems.extend(found)
            for line in warnings:
                click.echo(line, err=True)
            if found:
                continue
        if scenario is not None:
            click.echo(
                f"{path}: ok ({len(scenario.commitments)} commitments, "
                f"{scenario.first_year}-{scenario.last_year})"
            )
    if problems:
        fail(problems)
