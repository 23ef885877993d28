"""What many tests need: the example scenarios, a scenario text written to a file and
loaded, and the command line run in-process with click's CliRunner.

The fixtures in tests/conftest.py are built on these; a helper that must work outside a
test function (a hypothesis test, a module-scoped fixture) calls them directly.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from click.testing import CliRunner, Result

import budget
from budget.cli import cli
from budget.core.model import Scenario
from budget.load import load_scenario, read_scenario

# The example scenarios are not part of the package: they are read from beside tests/, in
# the checkout or in a copy of tests/ and scenarios/ made to test an installed wheel.
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LETTER = SCENARIOS / "letter-2014.toml"


@functools.cache
def letter() -> Scenario:
    """The 2014 letter, loaded once: a Scenario is immutable, so tests may share it (a
    property that loads it in every example spends its time reading the same file).

    As the commands count it by default (--pending none): without the pending EU
    co-financing of SIN (issue 23), so that the letter's figures are those of the letter;
    `letter_with_pending()` keeps it."""
    from budget.engine.pending import with_pending

    return with_pending(letter_with_pending(), "none")


@functools.cache
def letter_with_pending() -> Scenario:
    """The 2014 letter as loaded, its pending EU co-financing of SIN counted at p."""
    return load_scenario(LETTER)


# The one line every command prints on stderr for the bundled example (--pending none).
PENDING_NOTE = "note: pending commitment 'eu-sin-cofinancing' left out"


def without_pending_note(stderr: str) -> str:
    """stderr without the bundled example's note on its pending co-financing."""
    return "".join(
        line for line in stderr.splitlines(keepends=True) if not line.startswith(PENDING_NOTE)
    )


def invoke(*args: object, input: str | None = None) -> Result:
    """`budget ARGS...` run in-process; paths and numbers may be given as they are."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def write_file(folder: Path, text: str, name: str = "scenario.toml") -> Path:
    """`text` written (UTF-8) to `folder / name`, making the folders `name` names."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_text(
    folder: Path, text: str, name: str = "scenario.toml"
) -> tuple[Scenario | None, list[str]]:
    """The scenario `text` loaded from a file in `folder`: the scenario (None when there
    are problems) and its problems as the command line prints them."""
    scenario, problems = read_scenario(write_file(folder, text, name))
    return scenario, [str(p) for p in problems]


def child_env() -> dict[str, str]:
    """The environment for a child Python (`python -m budget`) that imports the same
    budget as this test does: the checkout's, or the installed wheel's."""
    here = str(Path(budget.__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([here, os.environ.get("PYTHONPATH", "")])}


def settled_bz(funders: str, settled: str, total: str = "2000000.00", advance: str = "0.8") -> str:
    """The README's BZ grant (2,000,000.00 for 2014-04-01 to 2015-07-01, an 80% advance,
    settlement a year after the period) to TdH, with `funders` and `settled` as TOML
    lines' values: the head of the settlement tests' scenarios, more commitments after."""
    return f"""
[scenario]
name = "BZ settled"
first_year = 2014
last_year = 2017
[funders.BZ]
[funders.VWS]
[recipients.TdH]
[[commitments]]
id = "bz"
kind = "grant"
recipient = "TdH"
funders = {funders}
total = "{total}"
start = 2014-04-01
end = 2015-07-01
advance = "{advance}"
settlement_lag = 1
{settled}
"""


def as_run(path: Path | str) -> Scenario:
    """The scenario at `path` as the commands count it by default (--pending none)."""
    from budget.engine.pending import with_pending

    return with_pending(load_scenario(path), "none")
