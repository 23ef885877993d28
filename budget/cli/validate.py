"""budget validate: check scenario files without projecting them (a module of its own, so
that it imports the loaders only, not the engine or the search)."""

from __future__ import annotations

import sys

import click

from budget.cli.status import INVALID_INPUT
from budget.core.errors import Problem


@click.command()
@click.argument(
    "scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True)
)
def validate(scenarios: tuple[str, ...]) -> None:
    """Check SCENARIOS without projecting them; list every problem found.

    \b
        budget validate scenarios/*.toml
        budget validate - < my.toml
    """
    if scenarios.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    from budget.load import read_scenario  # imported here: `validate --help` stays light

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
    if problems:  # as budget.cli.common.fail, without importing the engine
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(INVALID_INPUT)
