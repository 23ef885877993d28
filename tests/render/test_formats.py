"""The output formats are one registry: every format a command offers has a renderer for
that command's report, and every -o extension is written by a registered format."""

from __future__ import annotations

import click
import pytest

from budget.cli import cli
from budget.cli.outputs import EXTENSIONS
from budget.render.explain import EXPLANATION
from budget.render.formats import FORMATS, ROWS, Format, file_format
from budget.render.uncertainty_text import SIMULATION
from tests.helpers import SCENARIOS, invoke

LETTER = str(SCENARIOS / "letter-2014.toml")
# One invocation per command that takes --format (the format is added).
COMMANDS = {
    "run": ["run", LETTER],
    "compare": ["compare", LETTER, str(SCENARIOS / "sin-eu-grant.toml")],
    "simulate": ["simulate", str(SCENARIOS / "letter-2014-uncertain.toml"), "--draws", "20",
                 "--seed", "1"],
    "actuals": ["actuals", str(SCENARIOS / "letter-2014-realised.toml")],
    "indicators": ["indicators"],
    "explain": ["explain", LETTER, "sin-top-up"],
    "tables": ["tables", str(SCENARIOS / "round-2015-draft.toml")],
    "round": ["round", str(SCENARIOS / "round-2015-draft.toml"),
              str(SCENARIOS / "round-2015-adopted.toml")],
}  # fmt: skip


def offered(command: str) -> list[str]:
    """The choices of a command's --format, as click shows them."""
    (option,) = [p for p in cli.commands[command].params if p.name == "fmt"]
    assert isinstance(option.type, click.Choice)
    return [str(c) for c in option.type.choices]


def test_every_command_with_a_format_is_checked_here():
    with_format = {n for n, c in cli.commands.items() if any(p.name == "fmt" for p in c.params)}
    assert with_format == set(COMMANDS)


def test_every_format_has_its_info_and_the_rows_formats_a_rows_renderer():
    assert set(FORMATS) == set(Format)
    assert set(ROWS) == {f for f, info in FORMATS.items() if info.rows}


@pytest.mark.parametrize(
    ("renderers", "command"), [(SIMULATION, "simulate"), (EXPLANATION, "explain")]
)
def test_reports_with_their_own_renderers_have_one_for_every_offered_format(renderers, command):
    assert set(offered(command)) <= {f.value for f in renderers}


def test_the_commands_on_rows_offer_every_format():
    for command in ("run", "compare", "simulate", "actuals", "indicators", "tables", "round"):
        assert offered(command) == [f.value for f in Format]


@pytest.mark.parametrize(
    ("command", "fmt"), [(c, f) for c in COMMANDS for f in offered(c)], ids=str
)
def test_every_offered_format_prints(command, fmt):
    result = invoke(*COMMANDS[command], "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.strip()


def test_every_file_extension_is_written_by_a_format():
    for extension, kind in EXTENSIONS.items():
        if kind != "xlsx":  # the workbook is written by the workbook writer, not a format
            assert FORMATS[file_format(extension, Format.TABLE)].extension == extension
    assert file_format(".csv", Format.EXCEL_CSV) is Format.EXCEL_CSV
    assert file_format(".csv", Format.JSON) is Format.CSV
