"""The `budget` command line: the group, its exit statuses, and the console script.

Exit status: 0 success; 1 invalid input (one line per problem on stderr); 2 wrong usage;
3 a breach found by `check` (or by `run`/`actuals` with --strict); 70 an internal error (a
bug: one line, the traceback with --debug or BUDGET_DEBUG=1); 130 interrupted (Ctrl-C).
Each command is one module of budget/cli/.
"""

from __future__ import annotations

# The console script's first instructions: Ctrl-C and SIGTERM during start-up (importing
# click, and a command's pandas and numpy, takes up to a second) end with one line and
# the documented status, never a traceback. No output file exists yet, so the process
# exits at once. main() then installs the handlers a running command uses.
import os
import signal
import sys

_STARTUP_LINES: dict[int, tuple[bytes, int]] = {
    signal.SIGINT: (b"budget: interrupted while starting; nothing was written\n", 130),
    signal.SIGTERM: (b"budget: terminated (SIGTERM) while starting; nothing was written\n", 143),
}


def _startup_signal(signum: int, frame: object) -> None:
    line, code = _STARTUP_LINES[signum]
    try:
        os.write(2, line)
    finally:
        os._exit(code)


def _startup_handlers() -> dict[int, object]:
    """Install the start-up handlers (main thread only); the handlers they replace."""
    previous: dict[int, object] = {}
    try:
        for signum in _STARTUP_LINES:
            previous[signum] = signal.signal(signum, _startup_signal)
    except ValueError:  # not the main thread (imported by a worker): leave signals alone
        pass
    return previous


_PREVIOUS_HANDLERS = _startup_handlers()

import importlib  # noqa: E402
from collections.abc import Iterator, MutableMapping  # noqa: E402
from typing import Any  # noqa: E402

import click  # noqa: E402

import budget  # noqa: E402  (light: its public names are imported when first used)
from budget.cli.status import INTERNAL_ERROR, INTERRUPTED  # noqa: E402
from budget.core.terminal import escaping_streams, one_line  # noqa: E402
from budget.render.atomic import Terminated, raise_terminated  # noqa: E402


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
            signalled = _signal_within(exc)
            if signalled is not None:  # Ctrl-C or SIGTERM wrapped by what it interrupted
                raise signalled from None
            if ctx.params.get("debug") or os.environ.get("BUDGET_DEBUG"):
                raise
            click.echo(internal_error_line(exc), err=True)
            ctx.exit(INTERNAL_ERROR)


def _signal_within(exc: BaseException) -> BaseException | None:
    """The KeyboardInterrupt or Terminated that caused `exc`, if one did: a signal that
    arrives while Python runs a class body's __set_name__ (numpy's, while it is imported
    when first used) reaches us wrapped in a RuntimeError."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, KeyboardInterrupt | Terminated):
            return found
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None


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


# Each command's module is imported when the command runs (or its help is shown), so that
# `budget --help`, init, validate and explain do not import what they do not use. The
# summaries are the first paragraph of each command's help, for `budget --help` without
# importing every command; tests/cli/test_startup.py checks them against the commands.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "actuals": (
        "budget.cli.actuals",
        "actuals",
        "Plan against actual: what was booked, the variance, and the forecast per year.",
    ),
    "check": (
        "budget.cli.check",
        "check",
        "Check SCENARIO's limits: the projection, then a search of the uncertain inputs.",
    ),
    "compare": (
        "budget.cli.compare",
        "compare",
        "Compare scenarios OTHERS... against BASE: what changes, per year, funder and commitment.",
    ),
    "explain": (
        "budget.cli.explain",
        "explain",
        "Explain how each amount of COMMITMENT in SCENARIO was computed, step by step.",
    ),
    "export": (
        "budget.cli.export",
        "export",
        "Publish SCENARIO as open data: IATI activities or a Fiscal Data Package.",
    ),
    "indicators": (
        "budget.cli.indicators",
        "indicators",
        "Performance indicators: targets against what was achieved, per year.",
    ),
    "init": (
        "budget.cli.init",
        "init",
        "Write a commented starter scenario to FILE (default scenario.toml; - for stdout).",
    ),
    "round": (
        "budget.cli.budget_round",
        "round_command",
        "The budget round of VERSIONS (V0.toml V1.toml ...), each extending the one before: "
        "per chapter and article, each version's stand in year T, the mutations between them "
        "and their effect on T+1 .. T+4, and the list of mutations with their reasons.",
    ),
    "run": (
        "budget.cli.run",
        "run",
        "Project SCENARIO (default: the bundled 2014 example) and print the overview.",
    ),
    "simulate": (
        "budget.cli.simulate",
        "simulate",
        "Monte Carlo: draw every uncertain input DRAWS times and project each draw.",
    ),
    "tables": (
        "budget.cli.tables",
        "tables",
        "The RBV 1.33d tables of SCENARIO: Verplichtingen, Uitgaven by instrument and scheme, "
        "and Ontvangsten for T-1 .. T+4, in thousands, per chapter (funder) and article, with "
        "the part of year T's Uitgaven that is legally committed.",
    ),
    "validate": (
        "budget.cli.validate",
        "validate",
        "Check SCENARIOS without projecting them; list every problem found.",
    ),
}


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name, each imported from its module when first asked for;
    iterating gives the names without importing any."""

    def __init__(self, table: dict[str, tuple[str, str, str]]) -> None:
        self.table = table
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        # A command runs: freed memory is kept for reuse until it ends (fewer page faults:
        # `actuals --format csv` of 100,000 commitments spent a sixth of its time mapping
        # fresh pages). Once per process.
        from budget.core.memory import reuse_freed_memory

        reuse_freed_memory()
        found = self.loaded.get(name)
        if found is None:
            if name not in self.table:
                raise KeyError(name)
            module, attribute, _ = self.table[name]
            found = self.loaded[name] = getattr(importlib.import_module(module), attribute)
        return found

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.loaded.pop(name, None)
        self.table.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.table, *self.loaded]))

    def __len__(self) -> int:
        return len(set(self.table) | set(self.loaded))

    def summary(self, name: str) -> str | None:
        """The command's summary, without importing it when it is not loaded yet."""
        if name in self.loaded or name not in self.table:
            return None
        return self.table[name][2]


def _format_commands(self: click.Group, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """click.Group.format_commands, with the summaries of commands not imported yet."""
    commands = self.commands
    names = self.list_commands(ctx)
    if not names:
        return
    limit = formatter.width - 6 - max(len(name) for name in names)
    rows = []
    for name in names:
        summary = commands.summary(name) if isinstance(commands, LazyCommands) else None
        if summary is not None:
            # click's own shortening (make_default_short_help is deprecated in click 8.5)
            short = click.Command(name, help=summary).get_short_help_str(limit)
            rows.append((name, short))
            continue
        command = self.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        rows.append((name, command.get_short_help_str(limit)))
    if rows:
        with formatter.section("Commands"):
            formatter.write_dl(rows)


BudgetGroup.format_commands = _format_commands  # type: ignore[method-assign]
cli.commands = LazyCommands(dict(COMMANDS))


_SIGNALLED: list[int] = []  # the signals main()'s handlers have raised


def _on_signal(signum: int, frame: Any) -> None:
    """Ctrl-C raises KeyboardInterrupt and SIGTERM Terminated where the program is, and
    each is remembered (see `_signal_swallowed`)."""
    _SIGNALLED.append(signum)
    if signum == signal.SIGTERM:
        raise_terminated(signum, frame)
    raise KeyboardInterrupt


def _signal_swallowed() -> None:
    """A signal whose exception was raised where Python drops it (a finaliser, a callback
    of C code) still ends the command as that signal does, once it has run (its output,
    written atomically, is whole)."""
    if _SIGNALLED:
        raise Terminated if _SIGNALLED[0] == signal.SIGTERM else KeyboardInterrupt


def main() -> None:
    """The console script: exit statuses as documented; never a traceback for the user
    unless --debug or BUDGET_DEBUG is set; Ctrl-C is 130, SIGTERM 143."""
    signal.signal(signal.SIGTERM, _on_signal)  # like Ctrl-C: temporary files removed
    signal.signal(signal.SIGINT, _on_signal)  # KeyboardInterrupt from now
    try:
        try:
            code = cli.main(standalone_mode=False)
            _signal_swallowed()
        except Exception as exc:  # a signal wrapped by what it interrupted is the signal
            signalled = _signal_within(exc)
            if signalled is None:
                raise
            raise signalled from None
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


def _as_program() -> bool:
    """Whether this module is imported to run the command line (the console script, or
    `python -m budget`), whose main() replaces the start-up handlers itself."""
    program = sys.modules.get("__main__")
    spec = getattr(program, "__spec__", None)
    if spec is not None and spec.name == "budget.__main__":
        return True
    return os.path.basename(sys.argv[0] if sys.argv else "").lower() in PROGRAM_NAMES


PROGRAM_NAMES = ("budget", "budget.exe", "budget-script.py")

# Imported as a library (tests, another program): the start-up handlers go again. Run as
# the program they stay until main() installs its own: a signal in between (importing the
# rest of the package takes a moment) would otherwise find the handler restored to the
# default (SIGTERM: killed without a word; SIGINT: ignored where the shell ignores it).
if not _as_program():
    for _signum, _handler in _PREVIOUS_HANDLERS.items():
        signal.signal(_signum, _handler)  # type: ignore[arg-type]
