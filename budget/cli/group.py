"""The `budget` command line: the group, its exit statuses, and the console script.

Exit status: 0 success; 1 invalid input (one line per problem on stderr); 2 wrong usage;
3 a breach found by `check` (or by `run`/`actuals` with --strict); 70 an internal error (a
bug: one line, the traceback with --debug or BUDGET_DEBUG=1); 130 interrupted (Ctrl-C).
Each command is one module of budget/cli/.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import click

import budget
from budget.cli import actuals, check, compare, explain, export, indicators, init, run
from budget.cli import budget_round as round_command  # the budget round (issue 22)
from budget.cli import simulate as simulate_command
from budget.cli import tables as tables_command  # the budget round (issue 22)
from budget.cli.common import INTERNAL_ERROR, INTERRUPTED
from budget.core.terminal import escaping_streams, one_line
from budget.render.atomic import Terminated, raise_terminated


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


for command in (
    run.run,
    compare.compare,
    simulate_command.simulate,
    check.check,
    check.validate,
    explain.explain,
    export.export,
    actuals.actuals,
    indicators.indicators,
    init.init,
):
    cli.add_command(command)
for command in (tables_command.tables, round_command.round_command):  # the budget round (issue 22)
    cli.add_command(command)


def main() -> None:
    """The console script: exit statuses as documented; never a traceback for the user
    unless --debug or BUDGET_DEBUG is set; Ctrl-C is 130, SIGTERM 143."""
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
