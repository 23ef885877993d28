"""What every command shares: exit statuses, options, loading, writing outputs, notes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from budget.cli.outputs import (
    Output,
    Shown,
    open_elsewhere,
    parse_output,
    text_for_file,
    write_text_output,
)
from budget.cli.status import BREACH_FOUND as BREACH_FOUND
from budget.cli.status import INTERNAL_ERROR as INTERNAL_ERROR
from budget.cli.status import INTERRUPTED as INTERRUPTED
from budget.cli.status import INVALID_INPUT as INVALID_INPUT
from budget.cli.status import WRONG_USAGE as WRONG_USAGE
from budget.core.errors import InputError, Problem
from budget.core.model import ByYear, Dist, Scenario, any_pending, column_of_field
from budget.core.money import format_euros_grouped
from budget.engine.limits import check_rows
from budget.kinds import KINDS
from budget.load import read_scenario
from budget.render.formats import Format
from budget.render.ledger_text import breach_lines
from budget.render.present import workbook_progress
from budget.render.text import with_conventions, with_euros

FORMATS = click.Choice([f.value for f in Format])


def fail(problems: list[Problem]) -> NoReturn:
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(INVALID_INPUT)


def load_or_fail(path: str | Path) -> Scenario:
    scenario, problems = read_scenario(path)
    if scenario is None:
        fail(problems)
    return scenario


def project_or_fail(scenario: Scenario) -> Any:
    """The scenario's projection with its [[cash_shifts]] applied (the figures every command
    shows); exit 1 naming each shift that moves more cash than its year plans."""
    from budget.engine.projection import project

    return shifted_or_fail(scenario, project(scenario))


def shifted_or_fail(scenario: Scenario, rows: Any) -> Any:
    """`rows` (the scenario's projection) with its [[cash_shifts]] applied, or exit 1."""
    if not scenario.cash_shifts:
        return rows
    from budget.core.errors import InputError
    from budget.engine.cash_shifts import shifted

    try:
        return shifted(scenario, rows)
    except InputError as error:
        fail(error.problems)


def scenario_argument(required: bool = True) -> Callable[[Callable[..., Any]], Any]:
    return click.argument(
        "scenario", required=required, type=click.Path(dir_okay=False, allow_dash=True)
    )


def output_option(help: str) -> Callable[[Callable[..., Any]], Any]:
    """-o/--output FILE, the same on every command that writes a file: by the extension a
    workbook (.xlsx), the CSV rows (.csv) or the JSON rows (.json); see budget.cli.outputs."""
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
    shown: Shown,
    scenarios: list[Scenario],
    extra_inputs: list[str] | None = None,
) -> None:
    """Write a .csv or .json target: `shown` in its format, atomically, never over an input
    (the scenarios' files and `extra_inputs`, e.g. actuals files named on the command line)."""
    # imported here: start-up time (the workbook package is large)
    from budget.render.workbook.save import protected_files

    try:
        inputs = protected_files(scenarios, extra_inputs or [])
        write_text_output(output, text_for_file(output, fmt, shown), inputs)
    except InputError as exc:
        fail(exc.problems)


def warn_breaches(scenario: Scenario, rows: Any) -> int:
    """One line on stderr per limit breached in a year; the number of such lines."""
    lines = breach_lines(check_rows(scenario, rows), scenario.label)
    for line in lines:
        click.echo(line, err=True)
    return len(lines)


def data_rows(scenario: Scenario, rows: Any) -> Any:
    """The tidy rows as csv/json print them: euros beside cents, year_label, currency."""
    return with_conventions(with_euros(rows), scenario.currency, scenario.label)


def central_value_notes(scenario: Scenario) -> list[str]:
    """One line per uncertain input, saying which value the projection used."""

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
    commitments = scenario.commitments
    for cid, kind, spec in zip(
        *(column_of_field(commitments, name) for name in ("id", "kind", "spec")), strict=True
    ):
        for field in KINDS[kind].year_inputs:
            value = getattr(spec, field, None)
            if value is not None and value.is_uncertain:
                notes.append(note(cid, field, value))
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
    rounding: str = "plain",
    uncovered: Any = None,
) -> None:
    """The workbook of `rows`, with the Commitment vs cash sheet; with `realised` (plan
    against actual), that sheet from the forecast and a Plan vs actual sheet; with
    `indicators` and [[indicators]] in the scenario, an Indicators sheet. uncovered: the
    plan's `uncovered_shortfalls(scenario, rows)` when worked out already (a forecast's
    sheet works out its own)."""
    # imported here: start-up time (only commands with actuals read bookings)
    from budget.engine.realised import forecast_rows

    # imported here: start-up time (the workbook package is large)
    from budget.render.workbook import write_workbook
    from budget.render.workbook.indicators_sheet import indicators_sheet
    from budget.render.workbook.ledger_sheet import ledger_sheet
    from budget.render.workbook.plan_actual_sheet import (
        cash_rules,
        forecast_ledger_sheet,
        plan_actual_sheet,
    )
    from budget.reports.realisation import plan_vs_actual_report

    sheets = [ledger_sheet(scenario, rows, uncovered)]
    inputs = [source]
    forecast = None
    if realised is not None:
        forecast = forecast_rows(scenario, realised)
        sheets = [
            forecast_ledger_sheet(scenario, forecast),
            plan_actual_sheet(
                plan_vs_actual_report(scenario, realised), cash_rules(scenario, realised)
            ),
        ]
        inputs += realised.attrs.get("files", [])
    if indicators and scenario.indicators:
        sheets.append(
            indicators_sheet(
                scenario, rows if forecast is None else forecast, bool(realised is not None)
            )
        )

    try:
        with workbook_progress(output, len(rows)) as progress:
            written = write_workbook(
                scenario,
                rows,
                output,
                inputs=inputs,
                extra_sheets=[*sheets, *extra],
                progress=progress,
                rounding=rounding,
            )
    except InputError as exc:
        fail(exc.problems)
    for rows_csv_file in written[1:]:
        if rows_csv_file.name.endswith(".assumptions.csv"):  # register scale (issue 21)
            click.echo(
                f"The commitments' inputs are not listed on the Assumptions sheet; wrote "
                f"them to {rows_csv_file}",
                err=True,
            )
            continue
        if rows_csv_file.name.endswith(".uncovered.csv"):  # register scale (issue 21)
            click.echo(
                f"The uncovered shortfall per recipient is not listed on its sheet; wrote it "
                f"to {rows_csv_file}",
                err=True,
            )
            continue
        click.echo(
            f"The rows do not fit on the Data sheet; wrote them to {rows_csv_file}", err=True
        )


# --- undecided money (issue 23): --pending none|expected|all ------------------------------

PENDING_MODES = ("none", "expected", "all")


def pending_option() -> Callable[[Callable[..., Any]], Any]:
    return click.option(
        "--pending",
        type=click.Choice(PENDING_MODES),
        default="none",
        show_default=True,
        help='How to count commitments with status = "pending": none leaves them out (a note '
        "on stderr names each, with its amounts); expected counts each at p times its "
        "amounts; all counts each as decided (never as legally committed).",
    )


def count_pending(scenario: Scenario, mode: str) -> tuple[Scenario, list[str]]:
    """The scenario as --pending counts it, and the notes to print (on stderr) for each
    pending commitment it leaves out."""
    # imported here: start-up time (the notes project the scenario once more)
    from budget.engine.pending import with_pending
    from budget.reports.pending import left_out_notes

    if not any_pending(scenario.commitments):
        return scenario, []
    counted, notes = with_pending(scenario, mode), left_out_notes(scenario, mode)
    return without_left_out_shifts(scenario, counted, notes)


def without_left_out_shifts(
    scenario: Scenario, counted: Scenario, notes: list[str]
) -> tuple[Scenario, list[str]]:
    """A cash shift of a pending commitment that --pending none leaves out applies to
    nothing: it is dropped, and one note says so (issue 23)."""
    import dataclasses

    from budget.core.money import format_euros_grouped

    kept = {c.id for c in counted.commitments}
    gone = [s for s in counted.cash_shifts if s.commitment not in kept]
    if not gone:
        return counted, notes
    for shift in gone:
        notes.append(
            f"note: cash shift of {shift.commitment!r} ({format_euros_grouped(shift.amount)} "
            f"from {scenario.label(shift.from_year)} to {scenario.label(shift.to_year)}) applies "
            "to nothing: the pending commitment is left out (--pending none)"
        )
    shifts = tuple(s for s in counted.cash_shifts if s.commitment in kept)
    return dataclasses.replace(counted, cash_shifts=shifts), notes


def warn_double_funding(scenario: Scenario, rows: Any) -> int:
    """One warning on stderr per recipient-year paid beyond its known costs (issue 23);
    the number of such lines."""
    # imported here: start-up time
    from budget.reports.double_funding import double_funding_lines

    lines = double_funding_lines(scenario, rows)
    for line in lines:
        click.echo(line, err=True)
    return len(lines)
