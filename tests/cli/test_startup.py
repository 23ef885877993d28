"""Start-up: `budget --help` and the light commands import only what they use, and Ctrl-C
or SIGTERM during start-up end with one line and the documented status (issue 21)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budget.cli import cli
from budget.cli.group import COMMANDS
from tests.helpers import LETTER, child_env

HEAVY = ("pandas", "numpy", "hypothesis", "openpyxl", "budget.engine.plan", "budget.load")

# Runs the console script's main() in a fresh interpreter, then prints (to stderr, as JSON)
# which of HEAVY it imported.
PROBE = """
import json, sys
sys.argv = ["budget", *sys.argv[1:]]
from budget.cli.group import main
try:
    main()
except SystemExit:
    pass
print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""


def imported(*args: str, cwd: Path | None = None) -> list[str]:
    """Which of HEAVY a `budget ARGS` imports (its last line on stderr)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=cwd,
        timeout=120,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_the_summaries_of_budget_help_are_the_commands_own():
    # `budget --help` lists the commands from COMMANDS without importing them: each summary
    # must be the first paragraph of the command's help (edit COMMANDS with the help).
    assert sorted(COMMANDS) == sorted(cli.commands)
    for name, (_, _, summary) in COMMANDS.items():
        command = cli.commands[name]
        assert command.name == name
        assert command.short_help is None, name
        first = (command.help or "").split("\n\n")[0]
        assert " ".join(first.split()) == summary, name


def test_budget_help_lists_every_command_without_importing_them():
    done = subprocess.run(
        [sys.executable, "-m", "budget", "--help"],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert done.returncode == 0
    listed = done.stdout.split("Commands:")[1].split()
    for name in COMMANDS:
        assert name in listed
    assert imported("--help") == []


def test_init_imports_neither_pandas_nor_the_engine(tmp_path):
    assert imported("init", "-") == []
    assert imported("init", str(tmp_path / "new.toml")) == []
    assert (tmp_path / "new.toml").exists()


def test_validate_imports_the_loaders_but_not_the_engine_or_the_search():
    found = imported("validate", str(LETTER))
    assert "budget.load" in found
    assert "budget.engine.plan" not in found and "hypothesis" not in found
    assert "openpyxl" not in found


def test_explain_imports_neither_the_search_nor_the_workbook():
    found = imported("explain", str(LETTER), "sin-top-up")
    assert "hypothesis" not in found and "openpyxl" not in found


def caught_signals(pid: int) -> int:
    """The mask of signals process `pid` handles (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return int(line.split()[1], 16)
    return 0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("later", [0.0, 0.2])
@pytest.mark.parametrize(
    ("signum", "status", "line"),
    [(signal.SIGINT, 130, "budget: interrupted"), (signal.SIGTERM, 143, "budget: terminated")],
)
def test_a_signal_during_start_up_ends_in_one_line(signum, status, line, later):
    # The handlers are installed by the console script's first instructions: as soon as the
    # child handles SIGTERM (Python itself never does), it is still importing click and the
    # command's modules (pandas: about half a second), and the signal arrives then.
    process = subprocess.Popen(
        [sys.executable, "-m", "budget", "run", str(LETTER), "--format", "csv"],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if caught_signals(process.pid) & (1 << (signal.SIGTERM - 1)):
                break
        except OSError:
            break
        time.sleep(0.0005)
    # At once: while click is imported; `later`: while the command's modules are (pandas).
    time.sleep(later)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    # One line; click ends a terminal's "^C" with a newline first when it catches Ctrl-C.
    # A signal that Python dropped where it landed (a finaliser, a C callback) ends the
    # command once it has run: its notes may come first, then the one line.
    lines = [text for text in err.splitlines() if text.startswith("budget:")]
    assert len(lines) == 1 and lines[0].startswith(line), err
    assert err.rstrip().splitlines()[-1].startswith(line), err
    if not later:
        assert "while starting" in err, err  # the start-up handler, not main()'s
    assert "Traceback" not in err


def test_importing_the_command_line_leaves_the_signal_handlers_as_they_were():
    # Imported as a library (as here), the start-up handlers do not stay installed.
    assert signal.getsignal(signal.SIGINT) is not None
    handler = signal.getsignal(signal.SIGTERM)
    assert getattr(handler, "__name__", "") != "_startup_signal"
    assert getattr(signal.getsignal(signal.SIGINT), "__name__", "") != "_startup_signal"


@pytest.mark.parametrize(
    ("signalled", "status", "line"),
    [
        (KeyboardInterrupt, 130, "budget: interrupted"),
        ("terminated", 143, "budget: terminated (SIGTERM)"),
    ],
)
def test_a_signal_wrapped_by_what_it_interrupted_is_still_a_signal(
    monkeypatch, capsys, signalled, status, line
):
    # A signal during a class body's __set_name__ (numpy imported when first used) reaches
    # the group as a RuntimeError whose cause is the signal's exception: not a bug (70).
    import click

    from budget.cli import group
    from budget.render.atomic import Terminated

    cause = Terminated() if signalled == "terminated" else signalled()

    def interrupted(self, ctx):
        try:
            raise cause
        except BaseException as exc:
            raise RuntimeError("Error calling __set_name__ on 'cached_property'") from exc

    monkeypatch.setattr(click.Group, "invoke", interrupted)
    monkeypatch.setattr(sys, "argv", ["budget", "validate", str(LETTER)])
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # main()'s: not in pytest
    with pytest.raises(SystemExit) as ended:
        group.main()
    assert ended.value.code == status
    lines = [text for text in capsys.readouterr().err.splitlines() if text]
    assert len(lines) == 1 and lines[0].startswith(line), lines
