"""The `budget` command line: parse arguments, call the stages, print, set exit codes.

Exit status: 0 success; 1 invalid input (one line per problem on stderr) or a breach
found; 2 wrong usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

import budget
from budget.engine import project
from budget.errors import InputError, Problem
from budget.kinds import KINDS
from budget.model import Scenario
from budget.overview import overview
from budget.render import overview_text, rows_csv, rows_json, with_euros
from budget.scenario import read_scenario
from budget.search import DEFAULT_EXAMPLES

FORMATS = click.Choice(["table", "csv", "json"])


def fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(1)


def load_or_fail(path: str | Path) -> Scenario:
    scenario, problems = read_scenario(path)
    if scenario is None:
        fail(problems)
    return scenario


def scenario_argument(required: bool = True) -> Callable[[Callable[..., Any]], Any]:
    return click.argument("scenario", required=required, type=click.Path(dir_okay=False))


def output_option(help: str) -> Callable[[Callable[..., Any]], Any]:
    """-o/--output FILE.xlsx, the same on every command that writes a workbook."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False), help=help)


def format_option(help: str) -> Callable[[Callable[..., Any]], Any]:
    """--format table|csv|json, the same on every command that prints results."""
    return click.option(
        "--format", "fmt", type=FORMATS, default="table", show_default=True, help=help
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(budget.__version__, prog_name="budget")
def cli() -> None:
    """Project multi-year funding commitments exactly, to the cent.

    A scenario is a TOML file of funders, recipients and commitments (top_up, annual,
    grant). Start with the bundled example, the 2014 letter to parliament:

    \b
        budget run                              overview of the bundled example
        budget run my.toml -o my.xlsx           project a scenario into a workbook
        budget run my.toml --format csv         tidy rows for other tools
        budget compare base.toml what-if.toml   what changes, and which commitment caused it
        budget simulate my.toml --draws 10000   ranges (P5/P50/P95), chance a cap binds
        budget check my.toml                    search the inputs for a ceiling breach
        budget validate scenarios/*.toml        check files only

    Amounts are integer cents; splits use largest remainder, so parts always add up.
    """


@cli.command()
@scenario_argument(required=False)
@output_option("Write an Excel workbook to this .xlsx file as well.")
@format_option("table: overview per basis; csv/json: the tidy rows with euros and cents.")
def run(scenario: str | None, output: str | None, fmt: str) -> None:
    """Project SCENARIO (default: the bundled 2014 example) and print the overview.

    The overview shows fiscal years across and funders with their commitments down, on a
    cash basis (payments) and a commitment basis (obligations entered). Amounts outside
    the horizon are shown as "earlier" and "later", never dropped. Uncertain inputs take
    their central value (uniform: midpoint, triangular: mode, normal: mean, choice: the
    most likely value).

    Below the overview, the table format shows per funder and year the commitments entered,
    the cash paid and the commitments outstanding at year end (opening + entered - paid =
    closing), with the share of each year's cash that settles commitments of earlier years;
    and, for each [[limits]] ceiling, the headroom per year. Every breached ceiling is also
    warned about on stderr, one line each; the run still succeeds (exit 0). The workbook
    has the same view on its "Commitment vs cash" sheet.
    """
    path = Path(scenario) if scenario else budget.example_path()
    loaded = load_or_fail(path)
    rows = project(loaded)
    if output:
        write_workbook_or_fail(loaded, rows, output, path)
    if fmt in ("csv", "json"):
        # The rows are data on stdout; say on stderr which inputs took central values.
        for note in central_value_notes(loaded):
            click.echo(note, err=True)
    if fmt == "csv":
        click.echo(rows_csv(with_euros(rows)), nl=False)
    elif fmt == "json":
        click.echo(rows_json(with_euros(rows)), nl=False)
    else:
        click.echo(run_table(loaded, rows))
    if output:
        click.echo(f"Wrote {output}", err=True)
    warn_breaches(loaded, rows)


def warn_breaches(scenario: Scenario, rows: Any) -> None:
    """One line on stderr per limit breached in a year; the run still succeeds."""
    from budget.ledger import breach_lines
    from budget.limits import check_rows

    for line in breach_lines(check_rows(scenario, rows)):
        click.echo(line, err=True)


def run_table(scenario: Scenario, rows: Any) -> str:
    from budget.ledger import headroom_text, ledger, ledger_text
    from budget.limits import check_rows

    parts = []
    for basis, title in (
        ("cash", "cash basis: payments"),
        ("commitment", "commitment basis: obligations entered"),
    ):
        parts.append(
            overview_text(overview(rows, scenario, basis), f"{scenario.name}, {title} (EUR)")
        )
    parts.append(
        ledger_text(
            ledger(rows, list(scenario.funders)),
            f"{scenario.name}, commitments and cash per funder (EUR)",
        )
    )
    checks = check_rows(scenario, rows)
    if checks:
        parts.append(
            headroom_text(checks, f"{scenario.name}, budget ceilings: headroom per year (EUR)")
        )
    from budget.provenance import provenance_text

    provenance = provenance_text(scenario)
    if provenance:
        parts.append(provenance)
    notes = central_value_notes(scenario)
    return "\n\n".join(parts) + ("\n\n" + "\n".join(notes) if notes else "")


def central_value_notes(scenario: Scenario) -> list[str]:
    """One line per uncertain input, saying which value the projection used."""
    from budget.model import ByYear, Dist
    from budget.money import format_euros_grouped

    def note(owner: str, field: str, value: ByYear) -> str:
        if isinstance(value.every, Dist):
            used = format_euros_grouped(value.every.central())
        else:
            used = "; ".join(
                f"{y}: {format_euros_grouped(v.central() if isinstance(v, Dist) else v)}"
                for y, v in value.table
            )
        return (
            f"Note: {owner} {field} is uncertain ({value.describe()}); "
            f"the projection uses its central value ({used})."
        )

    notes = []
    for c in scenario.commitments:
        for field in KINDS[c.kind].year_inputs:
            value = getattr(c.spec, field, None)
            if value is not None and value.is_uncertain:
                notes.append(note(c.id, field, value))
    for r in scenario.recipients.values():
        for field in ("costs", "income"):
            value = getattr(r, field)
            if value is not None and value.is_uncertain:
                notes.append(note(f"recipient {r.key}", field, value))
    return notes


def write_workbook_or_fail(
    scenario: Scenario, rows: Any, output: str, source: Path, extra: tuple[Any, ...] = ()
) -> None:
    from budget.workbook import write_workbook
    from budget.workbook.ledger_sheet import ledger_sheet

    try:
        written = write_workbook(
            scenario,
            rows,
            output,
            inputs=[source],
            extra_sheets=[ledger_sheet(scenario, rows), *extra],
        )
    except InputError as exc:
        fail(exc.problems)
    for rows_csv_file in written[1:]:
        click.echo(
            f"The rows do not fit on the Data sheet; wrote them to {rows_csv_file}", err=True
        )


@cli.command()
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("others", nargs=-1, required=True, type=click.Path(dir_okay=False))
@output_option("Write a comparison workbook to this .xlsx file as well.")
@format_option(
    "table: side by side per funder and year; csv/json: one row per scenario, "
    "commitment, funder, basis and year with amount and delta."
)
def compare(base: str, others: tuple[str, ...], output: str | None, fmt: str) -> None:
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
    from budget.compare import compare_rows, comparison_text, scenario_labels

    paths = [base, *others]
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
    if output:
        from budget.workbook.compare_sheet import write_comparison

        try:
            write_comparison(loaded, long, labels, output, inputs=[Path(p) for p in paths])
        except InputError as exc:
            fail(exc.problems)
    if fmt == "csv":
        click.echo(rows_csv(with_euros(long, ("amount_cents", "delta_cents"))), nl=False)
    elif fmt == "json":
        click.echo(rows_json(with_euros(long, ("amount_cents", "delta_cents"))), nl=False)
    else:
        click.echo(comparison_text(long, labels))
    if output:
        click.echo(f"Wrote {output}", err=True)


@cli.command()
@scenario_argument()
@click.option("--draws", type=click.IntRange(min=1), required=True, help="How many draws.")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Seed of the random draws; without it one is picked and printed on stderr.",
)
@format_option("table: bands per funder, cap and limit chances; csv/json: every row.")
@output_option("Write the workbook, with an Uncertainty sheet, to this .xlsx file as well.")
def simulate(scenario: str, draws: int, seed: int | None, fmt: str, output: str | None) -> None:
    """Monte Carlo: draw every uncertain input DRAWS times and project each draw.

    Prints the mean, P5, P50 and P95 of each commitment (per funder, basis and year), of
    each funder's total, the probability that each cap binds (the shortfall was above what
    was paid) and that each limit is breached. Percentiles are amounts that occurred in
    the draws (inverted empirical distribution); means are rounded half away to the cent.
    The same seed gives the same output, byte for byte.
    """
    import secrets

    from budget.simulate import simulate as run_simulation
    from budget.uncertainty_text import simulation_csv, simulation_json, simulation_text

    path = Path(scenario)
    loaded = load_or_fail(path)
    if seed is None:
        seed = secrets.randbits(63)
        click.echo(f"budget: seed {seed} (repeat this run with --seed {seed})", err=True)
    cells = draws * max(len(loaded.commitments), 1) * len(loaded.years)
    show = sys.stderr.isatty() or cells > 20_000_000
    with click.progressbar(
        length=len(loaded.commitments),
        label=f"Simulating {draws:,} draws",
        hidden=not show,
        file=sys.stderr,
    ) as bar:
        sim = run_simulation(loaded, draws, seed, progress=bar.update)
    if output:
        from budget.workbook.uncertainty import uncertainty_sheet

        rows = project(loaded)
        write_workbook_or_fail(loaded, rows, output, path, (uncertainty_sheet(sim),))
    if fmt == "csv":
        click.echo(simulation_csv(sim), nl=False)
    elif fmt == "json":
        click.echo(simulation_json(sim), nl=False)
    else:
        click.echo(simulation_text(sim), nl=False)
    if output:
        click.echo(f"Wrote {output}", err=True)


@cli.command()
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
    limit, and shrinks it to the smallest one. Exit 1 when a limit is breached, else 0.
    The search is deterministic: the same scenario and --examples give the same answer.
    """
    from budget.search import central_breaches, search
    from budget.uncertainty_text import breach_line, search_text

    loaded = load_or_fail(scenario)
    if not loaded.limits:
        click.echo(f"{loaded.name} has no limits: nothing to check.")
        return
    count = len(loaded.limits)
    breaches = central_breaches(loaded)
    if breaches:
        click.echo("The central projection breaches a limit:")
        for breach in breaches:
            click.echo(f"  {breach_line(breach)}")
        sys.exit(1)
    click.echo(
        f"The central projection is within {'its' if count == 1 else 'all'} {count} "
        f"limit{'s' if count != 1 else ''}."
    )
    found = search(loaded, examples)
    click.echo(search_text(found, examples))
    if found.counterexample:
        sys.exit(1)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(scenarios: tuple[str, ...]) -> None:
    """Check SCENARIOS without projecting them; list every problem found."""
    problems: list[Problem] = []
    for path in scenarios:
        scenario, found = read_scenario(path)
        problems.extend(found)
        if scenario is not None:
            click.echo(
                f"{path}: ok ({len(scenario.commitments)} commitments, "
                f"{scenario.first_year}-{scenario.last_year})"
            )
    if problems:
        fail(problems)


@cli.command()
@scenario_argument()
@click.argument("commitment")
@click.option(
    "--year", type=int, help="Explain only this fiscal year (named after the year it ends in)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: a worked calculation; json: the same inputs, steps and results as data.",
)
def explain(scenario: str, commitment: str, year: int | None, fmt: str) -> None:
    """Explain how each amount of COMMITMENT in SCENARIO was computed, step by step.

    For every fiscal year of the commitment (or only --year): each input with the file and
    field it came from, marked when it is an assumption or the central value of an
    uncertain input; the working (a top-up's shortfall and caps; an annual amount's
    indexation and rounding; a grant's days or months per year, exact shares and leftover
    cents, advance and settlement); the result on the commitment and cash basis; and how
    it is split over the funders (exact parts, rounded down, the leftover cents).

    \b
        budget explain scenarios/letter-2014.toml bz-tdh-ecpat
        budget explain scenarios/letter-2014.toml sin-top-up --year 2015 --format json
    """
    from budget.explain import explain as explain_commitment
    from budget.explain import explanation_json, explanation_text

    loaded = load_or_fail(scenario)
    explanation, problems = explain_commitment(loaded, commitment, year)
    if explanation is None:
        fail(problems)
    click.echo(
        explanation_json(explanation) if fmt == "json" else explanation_text(explanation),
        nl=False,
    )


def main() -> None:
    """The console script: never a traceback for the user, unless BUDGET_DEBUG is set."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("budget: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not the user's fault: say so in one line
        if os.environ.get("BUDGET_DEBUG"):
            raise
        click.echo(
            f"budget: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug; set BUDGET_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(1)
