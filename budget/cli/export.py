"""budget export: the scenario as open data (IATI activities, a Fiscal Data Package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from budget.cli.common import (
    count_pending,
    fail,
    load_or_fail,
    pending_option,
    project_or_fail,
    scenario_argument,
)
from budget.core.errors import InputError


@click.command()
@scenario_argument()
@click.option(
    "--to",
    "target",
    type=click.Choice(["iati", "datapackage"]),
    required=True,
    help="iati: IATI 2.03 activities (XML); datapackage: CSV and datapackage.json.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    required=True,
    help="The .xml file (iati) or the folder (datapackage) to write.",
)
@pending_option()
def export(scenario: str, target: str, output: str, pending: str = "none") -> None:
    """Publish SCENARIO as open data: IATI activities or a Fiscal Data Package.

    \b
        budget export my.toml --to iati -o activities.xml
        budget export my.toml --to datapackage -o my-package

    iati: one iati-activity per commitment, with a budget and planned disbursements per
    fiscal year of cash; needs [scenario] reporting_org = { ref, name, type } and a sector
    and recipient_country (or recipient_region) per commitment or as [scenario] defaults;
    funders and recipients may carry iati_ref and iati_type. SOURCE_DATE_EPOCH sets
    last-updated-datetime. datapackage: projection.csv (a row per commitment, funder and
    year, an amount column per basis), realised.csv with actuals, and datapackage.json
    (Table Schema, FDP column types and phases). Files are written atomically and never
    over an input.
    """
    # imported here: start-up time (only commands with actuals read bookings)
    from budget.engine.realised import actuals_frame

    # imported here: start-up time (the exports import the workbook package)
    from budget.render.export import write_datapackage, write_iati
    from budget.render.export.files import inputs_of

    loaded, pending_notes = count_pending(load_or_fail(scenario), pending)
    rows = project_or_fail(loaded)
    inputs = [str(p) for p in inputs_of(loaded, [scenario])]
    try:
        # Bookings of the actuals files become IATI transactions, or realised.csv.
        bookings = actuals_frame(loaded) if loaded.actuals else None
        if bookings is not None:
            for line in bookings.attrs.get("warnings", ()):
                click.echo(line, err=True)
        if target == "iati":
            done = write_iati(
                loaded,
                rows,
                output,
                inputs,
                actuals=bookings,
                as_of=loaded.as_of,
                original=_original_rows(loaded, scenario),
            )
            click.echo(f"Wrote {output} ({done.activities} IATI activities)", err=True)
        else:
            folder = write_datapackage(loaded, rows, output, inputs, actuals=bookings)
            written = "projection.csv, realised.csv" if bookings is not None else "projection.csv"
            click.echo(f"Wrote {folder} ({written}, datapackage.json)", err=True)
    except InputError as exc:
        fail(exc.problems)
    for note in pending_notes:  # pending commitments left out (issue 23), once written
        click.echo(note, err=True)


def _original_rows(loaded: Any, path: str) -> Any:
    """For a revised version (a supplementary budget, the final accounts), the projection
    of the version it revises: the nearest file it extends whose stage is draft or
    adopted; None for other versions, or when there is no such file (issue 22)."""
    from budget.core.lines import Stage
    from budget.load.budget_round import extends_path
    from budget.render.export.iati import REVISED_STAGES

    if loaded.stage not in REVISED_STAGES or path == "-":
        return None
    seen: set[Path] = set()
    current = extends_path(path)
    while current is not None and current not in seen:
        seen.add(current)
        before = load_or_fail(current)
        if before.stage in (Stage.DRAFT, Stage.ADOPTED):
            return project_or_fail(before)
        current = extends_path(str(current))
    return None
