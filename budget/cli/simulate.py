"""budget simulate: Monte Carlo bands of every uncertain input."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from budget.cli.common import (
    central_value_notes,
    format_option,
    load_or_fail,
    output_option,
    project_or_fail,
    refuse_open_target,
    scenario_argument,
    write_rows_or_fail,
    write_workbook_or_fail,
)
from budget.cli.outputs import Output, show
from budget.render.formats import laid_out


@click.command()
@scenario_argument()
@click.option("--draws", type=click.IntRange(min=1), required=True, help="How many draws.")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Seed of the random draws; without it one is picked and printed on stderr.",
)
@format_option("table: bands per funder, cap and limit chances; csv/json: every row.")
@output_option("Write the workbook (with an Uncertainty sheet) or the rows as well.")
def simulate(scenario: str, draws: int, seed: int | None, fmt: str, output: Output | None) -> None:
    """Monte Carlo: draw every uncertain input DRAWS times and project each draw.

    Prints the mean, P5, P50 and P95 of each commitment (per funder, basis and year), of
    each funder's total, the probability that each cap binds (the shortfall was above what
    was paid) and that each limit is breached. Percentiles are amounts that occurred in
    the draws (inverted empirical distribution); means are rounded half away to the cent.
    The same seed gives the same output, byte for byte.

    \b
        budget simulate scenarios/letter-2014-uncertain.toml --draws 10000 --seed 2014
        budget simulate scenarios/letter-2014-uncertain.toml --draws 1000 -o bands.xlsx
    """
    # imported here: start-up time (the simulation loads the workers and the sampler)
    import secrets

    from budget.render.uncertainty_text import SIMULATION
    from budget.reports.simulation import simulation_report
    from budget.uncertainty.cash_shifts import shift_simulation
    from budget.uncertainty.simulate import simulate as run_simulation

    refuse_open_target(output)
    path = Path(scenario)
    loaded = load_or_fail(path)
    if not central_value_notes(loaded):
        click.echo(
            f"Note: {loaded.name} has no uncertain inputs: every draw is the same projection "
            '(give a range, e.g. shortfall = { dist = "uniform", low = "0", high = "100000" }).',
            err=True,
        )
    if loaded.cash_shifts:  # the budget round (issue 22): a shift too large is exit 1
        project_or_fail(loaded)
    if seed is None:
        seed = secrets.randbits(63)
        click.echo(f"budget: seed {seed} (repeat this run with --seed {seed})", err=True)
    cells = draws * max(len(loaded.commitments), 1) * len(loaded.years)
    visible = sys.stderr.isatty() or cells > 20_000_000
    with click.progressbar(
        length=len(loaded.commitments),
        label=f"Simulating {draws:,} draws",
        hidden=not visible,
        file=sys.stderr,
    ) as bar:
        notes: list[str] = []
        sim = shift_simulation(run_simulation(loaded, draws, seed, progress=bar.update), notes)
    for note in notes:
        click.echo(f"Note: {note}.", err=True)

    report = simulation_report(sim)
    shown = laid_out(SIMULATION, lambda: report)
    if output and output.kind == "xlsx":
        # imported here: start-up time
        from budget.render.workbook.uncertainty import uncertainty_sheet

        rows = project_or_fail(loaded)
        write_workbook_or_fail(loaded, rows, output.path, path, (uncertainty_sheet(report),))
    elif output:
        write_rows_or_fail(output, fmt, shown, [loaded])
    show(shown, fmt)
    if output:
        click.echo(f"Wrote {output.path}", err=True)
