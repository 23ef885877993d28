"""budget init: a commented starter scenario."""

from __future__ import annotations

from pathlib import Path

import click

from budget.cli.newfile import STARTER, write_new_file
from budget.cli.status import INVALID_INPUT


@click.command()
@click.argument("file", default="scenario.toml", type=click.Path(allow_dash=True))
def init(file: str) -> None:
    """Write a commented starter scenario to FILE (default scenario.toml; - for stdout).

    The starter has two funders, three recipients, one commitment of each kind (top_up,
    annual, grant), a budget ceiling and an assumption, each explained in a comment.
    `budget run FILE` runs it as it is. An existing FILE is never overwritten.

    \b
        budget init
        budget init my.toml && budget run my.toml
    """
    text = STARTER.read_text(encoding="utf-8")
    if file == "-":
        click.echo(text, nl=False)
        return
    problem = write_new_file(Path(file), text)
    if problem is not None:  # as budget.cli.common.fail, without importing the engine
        click.echo(str(problem), err=True)
        raise SystemExit(INVALID_INPUT)
    click.echo(f"Wrote {file}; run it with: budget run {file}", err=True)
