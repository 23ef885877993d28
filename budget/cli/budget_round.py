"""budget round: the versions of a budget and the mutations between them (RBV 2.15)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from budget.cli.common import (
    count_pending,
    fail,
    format_option,
    output_option,
    pending_option,
    refuse_open_target,
    write_rows_or_fail,
)
from budget.cli.outputs import Output, show, table_and_rows
from budget.core.errors import InputError, Problem
from budget.core.model import Scenario


@click.command(name="round")
@click.argument(
    "versions", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=False)
)
@click.option(
    "--year",
    "year",
    type=int,
    help="The budget year T (default: [scenario] budget_year, else the first year).",
)
@click.option(
    "--all", "every", is_flag=True, help="Show each mutation, also below the staffel threshold."
)
@output_option("Write the rows to a file as well.")
@format_option(
    "table: the RBV 2.15 table per chapter and article and the mutations; csv/json: one "
    "row per version's stand and per mutation's effect, funder, article, basis and year."
)
@pending_option()
def round_command(
    versions: tuple[str, ...],
    year: int | None,
    every: bool,
    output: Output | None,
    fmt: str,
    pending: str = "none",
) -> None:
    """The budget round of VERSIONS (V0.toml V1.toml ...), each extending the one before:
    per chapter and article, each version's stand in year T, the mutations between them
    and their effect on T+1 .. T+4, and the list of mutations with their reasons.

    \b
        budget round scenarios/round-2015-draft.toml scenarios/round-2015-adopted.toml \\
            scenarios/round-2015-1st-supplementary.toml --year 2015
    """
    # imported here: start-up time
    from budget.engine.cash_shifts import shift_cash
    from budget.engine.projection import project
    from budget.load import read_scenario
    from budget.load.budget_round import extends_path, stepwise
    from budget.load.inherit import merge
    from budget.load.parse import build_scenario
    from budget.render.round_text import round_rows, round_text
    from budget.reports.budget_round import budget_round

    refuse_open_target(output)
    problems: list[Problem] = []
    loaded: list[Scenario] = []
    notes: dict[str, None] = {}
    left_out: set[str] = set()  # pending commitments --pending none leaves out

    def counted(scenario: Scenario) -> Scenario:
        """The scenario as --pending counts it (issue 23); its notes, each once."""
        found, lines = count_pending(scenario, pending)
        notes.update(dict.fromkeys(lines))
        kept = {c.id for c in found.commitments}
        left_out.update(c.id for c in scenario.commitments if c.id not in kept)
        return found

    for i, path in enumerate(versions):
        scenario, found = read_scenario(path)
        problems.extend(found)
        if scenario is not None:
            loaded.append(counted(scenario))
        if i and not found and extends_path(path) != Path(versions[i - 1]).resolve():
            problems.append(
                Problem(
                    path,
                    "[scenario] field 'extends'",
                    f"does not extend {versions[i - 1]}, the version before it",
                    f'write extends = "{os.path.relpath(versions[i - 1], Path(path).parent)}"',
                )
            )
    if problems:
        fail(problems)
    rows = []
    for scenario in loaded:
        shifted, found = shift_cash(project(scenario), scenario)
        problems.extend(found)
        rows.append(shifted)
    steps = []
    for path, scenario in zip(versions[1:], loaded[1:], strict=True):
        found_steps = []
        for k, files in enumerate(stepwise(path, scenario.mutations), 1):
            step, found = build_scenario(merge(files), path)
            step = counted(step) if step is not None else None
            if found:
                # A mutation that needs what a later one adds (a recipient, a funder).
                problems.append(
                    Problem(
                        path,
                        f"mutation {scenario.mutations[k - 1].id!r}",
                        "cannot be applied before the mutations after it: "
                        f"{found[0].where}: {found[0].message}",
                        "order the [[mutations]] so that each needs only those before it, "
                        "or make them one mutation",
                    )
                )
            if step is not None:
                shifted, found = shift_cash(project(step), step)
                problems.extend(found)
                found_steps.append((step, shifted))
        steps.append(found_steps)
    if problems:
        fail(list(dict.fromkeys(problems)))
    for scenario in loaded[1:]:  # a mutation of a pending commitment left out (issue 23)
        for mutation in scenario.mutations:
            named = [c for c in mutation.changes if c in left_out]
            if named:
                notes[
                    f"note: mutation {mutation.id or '(unnamed)'!r} changes pending "
                    f"commitment{'s' if len(named) > 1 else ''} "
                    + ", ".join(repr(c) for c in named)
                    + ", left out (--pending none): that change applies to nothing"
                ] = None
    tranches = _tranche_rows(loaded, steps)
    report = budget_round(loaded, rows, steps, year, every, tranches)
    shown = table_and_rows(lambda: round_text(report), lambda: round_rows(report))
    if output and output.kind == "xlsx":
        # imported here: start-up time (the workbook writer)
        from budget.render.budget_workbook import write_round_workbook

        try:
            inputs = [Path(p) for s in loaded for p in s.files]
            write_round_workbook(report, output.path, inputs)
        except InputError as exc:
            fail(exc.problems)
    elif output:
        write_rows_or_fail(output, fmt, shown, loaded)
    show(shown, fmt)
    if output:
        click.echo(f"Wrote {output.path}", err=True)
    for note in notes:  # pending commitments left out (issue 23)
        click.echo(note, err=True)


def _tranche_rows(loaded: list[Scenario], steps: list[list[tuple[Scenario, Any]]]) -> dict:
    """Per (version, mutation index) of an indexation mutation: its levels as rows
    (budget.reports.round_tranches), cash shifts applied as for every version."""
    from budget.engine.cash_shifts import shift_cash
    from budget.engine.projection import project
    from budget.load.budget_round import INDEXATION
    from budget.reports.round_tranches import levels

    def rows_of(scenario: Scenario) -> Any:
        return shift_cash(project(scenario), scenario)[0]

    out = {}
    for i in range(1, len(loaded)):
        chain = [loaded[i - 1], *(s for s, _ in steps[i - 1]), loaded[i]]
        for k, mutation in enumerate(loaded[i].mutations):
            if mutation.kind != INDEXATION or k + 1 >= len(chain):
                continue
            old, found = levels(chain[k], chain[k + 1])
            out[(i, k)] = (rows_of(old), [(j, rows_of(s)) for j, s in found])
    return out
