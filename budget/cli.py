"""The `budget` command line: parse arguments, call the stages, print, set exit codes.

Exit status: 0 success; 1 invalid input (one line per problem on stderr); 2 wrong usage;
3 a breach found by `check` (or by `run`/`actuals` with --strict); 70 an internal error (a
bug: one line, the traceback with --debug or BUDGET_DEBUG=1); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import signal
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
from budget.outputs import FORMATS as FORMAT_NAMES
from budget.outputs import Output, emit, open_elsewhere, parse_output, rows_text, text_for_file
from budget.render import with_conventions, with_euros
from budget.scenario import read_scenario
from budget.search import DEFAULT_EXAMPLES
from budget.terminal import escaping_streams, one_line

FORMATS = click.Choice(list(FORMAT_NAMES))
TEXT_FORMATS = ("csv", "excel-csv", "json")
INVALID_INPUT, WRONG_USAGE, BREACH_FOUND, INTERNAL_ERROR, INTERRUPTED = 1, 2, 3, 70, 130


def fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(INVALID_INPUT)


def load_or_fail(path: str | Path) -> Scenario:
    scenario, problems = read_scenario(path)
    if scenario is None:
        fail(problems)
    return scenario


def scenario_argument(required: bool = True) -> Callable[[Callable[..., Any]], Any]:
    return click.argument(
        "scenario", required=required, type=click.Path(dir_okay=False, allow_dash=True)
    )


def output_option(help: str) -> Callable[[Callable[..., Any]], Any]:
    """-o/--output FILE, the same on every command that writes a file: by the extension a
    workbook (.xlsx), the CSV rows (.csv) or the JSON rows (.json); see budget.outputs."""
    return click.option(
        "-o",
        "--output",
        callback=parse_output,
        metavar="FILE",
        help=help + " By extension: .xlsx a workbook, .csv the CSV rows, .json the JSON rows.",
    )


def format_option(help: str) -> Callable[[Callable[..., Any]], Any]:
    """--format table|csv|excel-csv|json, the same on every command that prints results."""
    return click.option(
        "--format",
        "fmt",
        type=FORMATS,
        default="table",
        show_default=True,
        help=help + " excel-csv: the csv rows for Excel in a European locale (; and 1234,50).",
    )


def strict_option() -> Callable[[Callable[..., Any]], Any]:
    return click.option(
        "--strict",
        is_flag=True,
        help="Exit with status 3 when a [[limits]] ceiling is breached (after all output).",
    )


def refuse_open_target(output: Output | None) -> None:
    """Exit 1 before any work when a spreadsheet program holds the -o target open."""
    if output is not None:
        problem = open_elsewhere(output.path)
        if problem is not None:
            fail([problem])


def write_rows_or_fail(
    output: Output,
    fmt: str,
    render: Callable[[str], str],
    scenarios: list[Scenario],
    extra_inputs: list[str] | None = None,
) -> None:
    """Write a .csv or .json target: `render(format)`, atomically, never over an input
    (the scenarios' files and `extra_inputs`, e.g. actuals files named on the command line)."""
    from budget.outputs import write_text_output
    from budget.workbook.save import protected_files

    try:
        inputs = protected_files(scenarios, extra_inputs or [])
        write_text_output(output, text_for_file(output, fmt, render), inputs)
    except InputError as exc:
        fail(exc.problems)


class BudgetGroup(click.Group):
    """Turns a bug into exit status 70 and one line, unless --debug or BUDGET_DEBUG."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            raise  # click ends quietly when the reader of the output went away
        except Exception as exc:  # a bug, not the user's fault: say so in one line
            if ctx.params.get("debug") or os.environ.get("BUDGET_DEBUG"):
                raise
            click.echo(internal_error_line(exc), err=True)
            ctx.exit(INTERNAL_ERROR)


def internal_error_line(exc: BaseException) -> str:
    return (
        f"budget: internal error: {type(exc).__name__}: {one_line(str(exc))[:300]} "
        "(this is a bug; please "
        "report it with the command you ran; run it again with --debug for details)"
    )


@click.group(
    cls=BudgetGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(budget.__version__, prog_name="budget")
@click.option(
    "--debug",
    is_flag=True,
    help="Show the traceback of an internal error (as BUDGET_DEBUG=1 does).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
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
        budget init                             write a commented starter scenario.toml

    SCENARIO may be - to read the scenario from standard input (paths in it are then
    relative to the working folder). -o FILE writes by the extension: .xlsx a workbook,
    .csv the CSV rows, .json the JSON rows.

    \b
    Exit status:
        0   success
        1   invalid input (one line per problem on stderr)
        2   wrong usage
        3   a breach found by check (or by run/actuals with --strict)
        70  an internal error (a bug; --debug shows the traceback)
        130 interrupted

    Amounts are integer cents; splits use largest remainder, so parts always add up.
    """
    # Names and keys from input files may hold control characters: shown, never obeyed.
    ctx.with_resource(escaping_streams())
    ctx.color = True  # click would strip ESC sequences from data on a pipe (CSV, JSON)


@cli.command()
@scenario_argument(required=False)
@output_option("Write a file as well.")
@format_option("table: overview per basis; csv/json: the tidy rows with euros and cents.")
@click.option("--thousands", is_flag=True, help="Show the overview tables in thousands.")
@click.option(
    "--rounding",
    type=click.Choice(["plain", "controlled"]),
    default="plain",
    show_default=True,
    help="With --thousands: plain rounds each amount by itself; controlled (which implies "
    "--thousands) rounds each column so that the rows add up to the rounded total.",
)
@strict_option()
def run(
    scenario: str | None,
    output: Output | None,
    fmt: str,
    thousands: bool,
    rounding: str,
    strict: bool,
) -> None:
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
    warned about on stderr, one line each; the run still succeeds (exit 0), unless
    --strict is given (exit 3). The workbook has the same view on its "Commitment vs cash"
    sheet.

    With --thousands the overview tables show whole thousands, with a note that totals are
    rounded from exact amounts; --rounding controlled makes each column add up on paper.
    """
    refuse_open_target(output)
    path = Path(scenario) if scenario else budget.example_path()
    loaded = load_or_fail(path)
    rows = project(loaded)
    realised = realise_or_fail(loaded, plan=rows) if loaded.actuals else None
    forecast = None if realised is None else forecast_from(loaded, realised)
    if output and output.kind == "xlsx":
        write_workbook_or_fail(loaded, rows, output.path, path, realised=realised, indicators=True)
    elif output:
        write_rows_or_fail(output, fmt, lambda f: rows_text(data_rows(loaded, rows), f), [loaded])
    if fmt in TEXT_FORMATS:
        # The rows are data on stdout; say on stderr which inputs took central values.
        for note in [*central_value_notes(loaded), *forecast_notes(forecast)]:
            click.echo(note, err=True)
        emit(rows_text(data_rows(loaded, rows), fmt), fmt)
    else:
        shown_in_thousands = thousands or rounding == "controlled"  # controlled implies it
        click.echo(run_table(loaded, rows, forecast, rounding if shown_in_thousands else None))
    if output:
        click.echo(f"Wrote {output.path}", err=True)
    breached = warn_breaches(loaded, rows if forecast is None else forecast)
    if strict and breached:
        sys.exit(BREACH_FOUND)


def warn_breaches(scenario: Scenario, rows: Any) -> int:
    """One line on stderr per limit breached in a year; the number of such lines."""
    from budget.ledger import breach_lines
    from budget.limits import check_rows

    lines = breach_lines(check_rows(scenario, rows), scenario.label)
    for line in lines:
        click.echo(line, err=True)
    return len(lines)


def data_rows(scenario: Scenario, rows: Any) -> Any:
    """The tidy rows as csv/json print them: euros beside cents, year_label, currency."""
    return with_conventions(with_euros(rows), scenario.currency, scenario.label)


def run_table(
    scenario: Scenario, rows: Any, forecast: Any = None, thousands: str | None = None
) -> str:
    from budget.present import run_tables

    parts = run_tables(scenario, rows, forecast, thousands)
    from budget.provenance import provenance_text

    provenance = provenance_text(scenario)
    if provenance:
        parts.append(provenance)
    notes = [*central_value_notes(scenario), *forecast_notes(forecast)]
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
    scenario: Scenario,
    rows: Any,
    output: str,
    source: Path,
    extra: tuple[Any, ...] = (),
    realised: Any = None,
    indicators: bool = False,
) -> None:
    """The workbook of `rows`, with the Commitment vs cash sheet; with `realised` (plan
    against actual), that sheet from the forecast and a Plan vs actual sheet; with
    `indicators` and [[indicators]] in the scenario, an Indicators sheet."""
    from budget.workbook import write_workbook
    from budget.workbook.indicators_sheet import indicators_sheet
    from budget.workbook.ledger_sheet import ledger_sheet
    from budget.workbook.plan_actual_sheet import forecast_ledger_sheet, plan_actual_sheet

    sheets = [ledger_sheet(scenario, rows)]
    inputs = [source]
    forecast = None
    if realised is not None:
        forecast = forecast_from(scenario, realised)
        sheets = [forecast_ledger_sheet(scenario, forecast), plan_actual_sheet(scenario, realised)]
        inputs += realised.attrs.get("files", [])
    if indicators and scenario.indicators:
        sheets.append(
            indicators_sheet(
                scenario, rows if forecast is None else forecast, bool(realised is not None)
            )
        )
    from budget.present import workbook_progress

    try:
        with workbook_progress(output, len(rows)) as progress:
            written = write_workbook(
                scenario,
                rows,
                output,
                inputs=inputs,
                extra_sheets=[*sheets, *extra],
                progress=progress,
            )
    except InputError as exc:
        fail(exc.problems)
    for rows_csv_file in written[1:]:
        click.echo(
            f"The rows do not fit on the Data sheet; wrote them to {rows_csv_file}", err=True
        )


@cli.command()
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
    from budget.compare import compare_rows, scenario_labels

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

    if output and output.kind == "xlsx":
        from budget.workbook.compare_sheet import write_comparison

        try:
            write_comparison(loaded, long, labels, output.path, inputs=[Path(p) for p in paths])
        except InputError as exc:
            fail(exc.problems)
    elif output:
        write_rows_or_fail(output, fmt, render, loaded)
    from budget.compare_summary import compare_report, convention_warnings

    for warning in convention_warnings(loaded, labels):
        click.echo(warning, err=True)
    if fmt in TEXT_FORMATS:
        emit(render(fmt), fmt)
    else:
        click.echo(compare_report(loaded, rows, long, labels))
    if output:
        click.echo(f"Wrote {output.path}", err=True)


@cli.command()
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
    """
    import secrets

    from budget.simulate import simulate as run_simulation
    from budget.uncertainty_text import simulation_csv, simulation_json, simulation_text

    refuse_open_target(output)
    path = Path(scenario)
    loaded = load_or_fail(path)
    if not central_value_notes(loaded):
        click.echo(
            f"Note: {loaded.name} has no uncertain inputs: every draw is the same projection "
            '(give a range, e.g. shortfall = { dist = "uniform", low = "0", high = "100000" }).',
            err=True,
        )
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

    def render(chosen: str) -> str:
        return simulation_json(sim) if chosen == "json" else simulation_csv(sim, chosen)

    if output and output.kind == "xlsx":
        from budget.workbook.uncertainty import uncertainty_sheet

        rows = project(loaded)
        write_workbook_or_fail(loaded, rows, output.path, path, (uncertainty_sheet(sim),))
    elif output:
        write_rows_or_fail(output, fmt, render, [loaded])
    if fmt in TEXT_FORMATS:
        emit(render(fmt), fmt)
    else:
        click.echo(simulation_text(sim), nl=False)
    if output:
        click.echo(f"Wrote {output.path}", err=True)


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
    limit, and shrinks it to the smallest one. Exit 3 when a limit is breached, else 0.
    The search is deterministic: the same scenario and --examples give the same answer.
    """
    from budget.search import central_breaches, search
    from budget.uncertainty_text import breach_line, search_text

    loaded = load_or_fail(scenario)
    if not loaded.limits:
        click.echo(f"{loaded.name} has no limits: nothing to check.")
        return
    count = len(loaded.limits)
    if loaded.actuals:
        from budget.limits import check_rows

        forecast = forecast_or_none(loaded, project(loaded))
        breaches = [c for c in check_rows(loaded, forecast) if c.breached]
        for note in forecast_notes(forecast):
            click.echo(note)
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


@cli.command()
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
            from budget.realisation.bookings import read_bookings

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


@cli.command()
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
def export(scenario: str, target: str, output: str) -> None:
    """Publish SCENARIO as open data: IATI activities or a Fiscal Data Package.

    \b
        budget export my.toml --to iati -o activities.xml
        budget export my.toml --to datapackage -o my-package

    iati: one iati-activity per commitment, with a budget and planned disbursements per
    fiscal year of cash; needs [scenario] reporting_org = { ref, name, type }; funders and
    recipients may carry iati_ref. datapackage: projection.csv (the tidy rows, amounts
    with two decimals) and datapackage.json (Table Schema and Fiscal Data Package model).
    Files are written atomically and never over an input.
    """
    from budget.export import write_datapackage, write_iati
    from budget.export.files import inputs_of
    from budget.realisation.realised import actuals_frame

    loaded = load_or_fail(scenario)
    rows = project(loaded)
    inputs = [str(p) for p in inputs_of(loaded, [scenario])]
    try:
        # Bookings of the actuals files become IATI transactions.
        bookings = actuals_frame(loaded) if target == "iati" and loaded.actuals else None
        if bookings is not None:
            for line in bookings.attrs.get("warnings", ()):
                click.echo(line, err=True)
        if target == "iati":
            done = write_iati(loaded, rows, output, inputs, actuals=bookings, as_of=loaded.as_of)
            click.echo(f"Wrote {output} ({done.activities} IATI activities)", err=True)
        else:
            folder = write_datapackage(loaded, rows, output, inputs)
            click.echo(f"Wrote {folder} (projection.csv, datapackage.json)", err=True)
    except InputError as exc:
        fail(exc.problems)


def realise_or_fail(
    scenario: Scenario,
    files: list[str] | None = None,
    as_of: Any = None,
    plan: Any = None,
) -> Any:
    """Plan against actual for the scenario's actuals (or `files`); warnings on stderr,
    exit 1 on a bad actuals file."""
    from budget.realisation.realised import realise

    frame, problems, warnings = realise(scenario, files, as_of, plan)
    for line in warnings:
        click.echo(line, err=True)
    if frame is None:
        fail(problems)
    return frame


def forecast_or_none(scenario: Scenario, rows: Any) -> Any:
    """With actuals in the scenario: the forecast as tidy rows (for the ledger, the limits
    and check); without: None."""
    if not scenario.actuals:
        return None
    return forecast_from(scenario, realise_or_fail(scenario, plan=rows))


def forecast_from(scenario: Scenario, realised: Any) -> Any:
    """The forecast of plan-against-actual rows, as tidy rows."""
    from budget.realisation.realised import forecast_rows

    return forecast_rows(scenario, realised)


def forecast_notes(forecast: Any) -> list[str]:
    """The line that says the ledger and the limits use the forecast, not the plan."""
    if forecast is None:
        return []
    files = ", ".join(forecast.attrs.get("files", []))
    as_of = forecast.attrs.get("as_of") or "no date"
    return [
        f"Note: with the actuals in {files} (complete up to {as_of}), commitments and cash "
        "and the budget ceilings use the forecast: actual in closed years, the larger of "
        "plan and actual in the current year, plan in later years (see budget actuals)."
    ]


@cli.command()
@scenario_argument()
@click.option(
    "--actuals",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An actuals file (CSV or XLSX); repeat for more. Replaces the scenario's actuals.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date up to which the actuals are complete (default: the scenario's as_of, "
    "else the latest booking).",
)
@format_option("table: plan against actual per year, then the forecast; csv/json: every row.")
@output_option("Write the workbook (with a Plan vs actual sheet) or the rows as well.")
@strict_option()
def actuals(
    scenario: str,
    files: tuple[str, ...],
    as_of: Any,
    fmt: str,
    output: Output | None,
    strict: bool,
) -> None:
    """Plan against actual: what was booked, the variance, and the forecast per year.

    Actuals files (CSV with , or ;, or the first sheet of an XLSX workbook) have a header
    row with the columns date (YYYY-MM-DD) or year, commitment (empty for a booking that
    belongs to no commitment), funder, basis (cash or commitment; default cash), amount
    (negative for a refund), and optionally reference and description.

    Per commitment, funder, basis and fiscal year: planned, actual, variance (actual -
    planned) and forecast: actual in a closed year (it ended on or before --as-of), the
    larger of planned and actual in the current year, planned in later years. Bookings
    without a commitment of the scenario are counted under (unplanned).

    With -o, the workbook of `budget run -o` for these actuals: its Plan vs actual sheet has
    planned, actual, variance and forecast per year as live formulas, with a chart.

    \b
        budget actuals scenarios/letter-2014-realised.toml
        budget actuals my.toml --actuals 2015.csv --actuals 2016.xlsx --as-of 2016-06-30
        budget actuals scenarios/letter-2014-realised.toml -o realised.xlsx
    """
    from budget.realisation.realised import COLUMNS
    from budget.realisation.text import realisation_text

    refuse_open_target(output)
    loaded = load_or_fail(scenario)
    chosen = list(files) if files else None
    if chosen is None and not loaded.actuals:
        raise click.UsageError(
            f'{scenario} names no actuals: give --actuals FILE, or actuals = "FILE" '
            "in its [scenario]"
        )
    plan = project(loaded)
    frame = realise_or_fail(loaded, chosen, as_of.date() if as_of else None, plan)
    cents = tuple(c for c in COLUMNS if c.endswith("_cents"))

    def render(chosen: str) -> str:
        return rows_text(
            with_conventions(with_euros(frame, cents), loaded.currency, loaded.label), chosen
        )

    if output and output.kind == "xlsx":
        write_workbook_or_fail(
            loaded, plan, output.path, Path(scenario), realised=frame, indicators=True
        )
    elif output:
        write_rows_or_fail(output, fmt, render, [loaded], [*(chosen or []), scenario])
    if fmt in TEXT_FORMATS:
        emit(render(fmt), fmt)
    else:
        click.echo(realisation_text(frame, loaded))
    if output:
        click.echo(f"Wrote {output.path}", err=True)
    if strict:
        breached = warn_breaches(loaded, forecast_from(loaded, frame))
        if breached:
            sys.exit(BREACH_FOUND)


@cli.command()
@scenario_argument(required=False)
@format_option("table: per indicator and year; csv/json: one row per indicator and year.")
def indicators(scenario: str | None, fmt: str) -> None:
    """Performance indicators: targets against what was achieved, per year.

    Per [[indicators]] entry and year: the target (a change from the base such as "+7.5%",
    or a value; rounded half away from zero to its decimals), what was achieved, the
    change from the base in percent, whether the target was met, and the cost per unit
    achieved (the linked commitments' cash that year; with actuals, the forecast).
    Without SCENARIO, the bundled example (the letter's police agreement, figure 1).
    """
    from budget.realisation.indicators import indicator_rows, indicators_text, output_rows

    loaded = load_or_fail(Path(scenario) if scenario else budget.example_path())
    cash = None
    if loaded.actuals and any(i.commitments for i in loaded.indicators):
        cash = forecast_or_none(loaded, project(loaded))
        for note in forecast_notes(cash):
            click.echo(note, err=True)
    frame = indicator_rows(loaded, cash)
    if fmt in TEXT_FORMATS:
        emit(rows_text(output_rows(frame), fmt), fmt)
    else:
        click.echo(indicators_text(loaded, frame))


@cli.command()
@click.argument("file", default="scenario.toml", type=click.Path(allow_dash=True))
def init(file: str) -> None:
    """Write a commented starter scenario to FILE (default scenario.toml; - for stdout).

    The starter has two funders, three recipients, one commitment of each kind (top_up,
    annual, grant), a budget ceiling and an assumption, each explained in a comment.
    `budget run FILE` runs it as it is. An existing FILE is never overwritten.
    """
    from budget.outputs import STARTER, write_new_file

    text = STARTER.read_text(encoding="utf-8")
    if file == "-":
        click.echo(text, nl=False)
        return
    problem = write_new_file(Path(file), text)
    if problem is not None:
        fail([problem])
    click.echo(f"Wrote {file}; run it with: budget run {file}", err=True)


def main() -> None:
    """The console script: exit statuses as documented; never a traceback for the user
    unless --debug or BUDGET_DEBUG is set; Ctrl-C is 130, SIGTERM 143."""
    from budget.atomic import Terminated, raise_terminated

    signal.signal(signal.SIGTERM, raise_terminated)  # like Ctrl-C: temporary files removed
    try:
        code = cli.main(standalone_mode=False)
    except click.Abort:  # click turns Ctrl-C (KeyboardInterrupt) into Abort
        click.echo("budget: interrupted", err=True)
        sys.exit(INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("budget: interrupted", err=True)
        sys.exit(INTERRUPTED)
    except Terminated:
        click.echo("budget: terminated (SIGTERM); no output file was left half-written", err=True)
        sys.exit(143)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # outside a command (the group's own options)
        if "--debug" in sys.argv[1:] or os.environ.get("BUDGET_DEBUG"):
            raise
        click.echo(internal_error_line(exc), err=True)
        sys.exit(INTERNAL_ERROR)
    sys.exit(code if isinstance(code, int) else 0)
