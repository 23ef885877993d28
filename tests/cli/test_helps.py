"""Every command's --help shows at least one example, and the examples that name only
the bundled scenarios run as written; `budget explain s.toml -1` explains commitment -1."""

from __future__ import annotations

import shlex

import click
import pytest

from budget.cli import cli
from tests.helpers import SCENARIOS, invoke, write_file

assert isinstance(cli, click.Group)
COMMANDS = sorted(cli.commands)


def examples(name: str) -> list[str]:
    """The lines of `budget NAME --help` that are an example call of the command."""
    text = invoke(name, "--help").stdout
    return [line.strip() for line in text.splitlines() if line.strip().startswith(f"budget {name}")]


def test_every_command_is_here():
    assert len(COMMANDS) == 12  # the 11 commands of issue 20, and validate
    assert "validate" in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_every_help_has_an_example(name):
    assert examples(name), f"budget {name} --help shows no example"


RUNNABLE = [
    (name, line)
    for name in COMMANDS
    for line in examples(name)
    if "my.toml" not in line
    and not set(line) & set("<>|&\\*")
    and " -o " not in line
    and name not in ("init", "simulate", "check")  # write files, or take a while
]


@pytest.mark.parametrize(("name", "line"), RUNNABLE)
def test_the_examples_on_the_bundled_scenarios_run(name, line, monkeypatch):
    monkeypatch.chdir(SCENARIOS.parent)
    words = shlex.split(line)[1:]
    result = invoke(*words)
    assert result.exit_code == 0, (line, result.output)


def test_there_are_runnable_examples():
    assert {n for n, _ in RUNNABLE} >= {"run", "explain", "tables", "compare", "indicators"}


NEGATIVE_ID = """
[scenario]
extends = "{letter}"
[[commitments]]
id = "-1"
kind = "annual"
recipient = "SIN"
funders = {{ VenJ = "1" }}
first_year = 2015
last_year = 2015
amount = "100.00"
"""


@pytest.fixture
def negative(tmp_path):
    return write_file(
        tmp_path, NEGATIVE_ID.format(letter=(SCENARIOS / "letter-2014.toml").as_posix())
    )


def test_explain_takes_a_dashed_commitment_id(negative):
    result = invoke("explain", negative, "-1", "--year", "2015")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("-1, kind annual\n")
    assert (
        invoke("explain", negative, "--", "-1").stdout == invoke("explain", negative, "-1").stdout
    )


def test_explain_an_unknown_dashed_id_is_no_such_commitment(negative):
    result = invoke("explain", negative, "-2")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{negative}: commitment '-2': no such commitment (hint: did you mean '-1'?)\n"
    )


@pytest.mark.parametrize("typo", ["--yaer", "--yaer=2015"])
def test_explain_a_mistyped_long_option_is_still_an_error(negative, typo):
    result = invoke("explain", negative, "-1", typo, "2015")
    assert result.exit_code == 2
    assert "No such option '--yaer'. Did you mean '--year'?" in result.stderr
