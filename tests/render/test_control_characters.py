"""Control characters from input files: escaped on the terminal, cleaned in workbooks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.dom import minidom

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from budget.cli import cli
from budget.core.errors import Problem
from budget.core.terminal import CONTROL, EscapingStream, one_line, terminal_text
from budget.render.workbook.xmltext import xml_attribute, xml_text
from tests.helpers import SCENARIOS

KEY = "Ven\x1b[31mJ\n\r\x07\x9b"
KEY_TOML = "Ven\\u001b[31mJ\\n\\r\\u0007\\u009b"
SCENARIO_NAME = "Letter\x1b[2J 2014\x07"
SCENARIO_TOML = "Letter\\u001b[2J 2014\\u0007"


def hostile_letter(folder: Path, key: str = "VenJ") -> Path:
    """The letter with control characters in a funder's name and the scenario's name (and,
    with `key`, in the funder's key, which the loader refuses); its uncertain variant (with
    a limit on that funder) beside it."""
    text = (SCENARIOS / "letter-2014.toml").read_text(encoding="utf-8")
    text = text.replace(
        '[funders.VenJ]\nname = "Ministry of Security and Justice (VenJ)"',
        f'[funders."{key}"]\nname = "Ministry \\u001b]0;title\\u0007 of\\nJustice\\u202e"',
    )
    text = text.replace('VenJ = "1/2"', f'"{key}" = "1/2"')
    text = text.replace('VenJ = "1"', f'"{key}" = "1"')
    text = text.replace('name = "Letter 2014"', f'name = "{SCENARIO_TOML}"')
    (folder / "ctl.toml").write_text(text, encoding="utf-8")
    uncertain = (SCENARIOS / "letter-2014-uncertain.toml").read_text(encoding="utf-8")
    uncertain = uncertain.replace('extends = "letter-2014.toml"', 'extends = "ctl.toml"')
    uncertain = uncertain.replace('funder = "VenJ"', f'funder = "{key}"')
    (folder / "unc.toml").write_text(uncertain, encoding="utf-8")
    return folder / "ctl.toml"


def assert_parts_parse(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                minidom.parseString(archive.read(name))  # raises on a rejected part


def test_one_line_escapes_every_control_character():
    assert one_line("a\nb\rc\td\x1b[31me\x00\x7f\x9b\u202e") == (
        "a\\nb\\rc\\td\\x1b[31me\\x00\\x7f\\x9b\\u202e"
    )
    assert terminal_text("\rline\none\x1b\r") == "\rline\none\\x1b\\r"


@given(st.text())
def test_escaped_text_has_no_control_character_and_no_newline(text):
    shown = one_line(text)
    assert not CONTROL.search(shown)
    assert "\n" not in shown
    assert all(ch in "\n\t" or not CONTROL.match(ch) for ch in terminal_text(text).lstrip("\r"))


def test_a_problem_is_one_line_whatever_the_input_holds():
    problem = Problem("s.toml", f"funder {KEY!r}", "bad\nsecond line", f"use {KEY}")
    assert "\n" not in str(problem) and "\x1b" not in str(problem) and "\r" not in str(problem)


def test_the_stream_escapes_and_stays_a_text_stream():
    out = io.StringIO()
    stream = EscapingStream(out)
    stream.write("table\n\x1b[2Jname\n")
    assert out.getvalue() == "table\n\\x1b[2Jname\n"
    try:
        stream.write(b"")  # type: ignore[arg-type]
    except TypeError:
        pass
    else:
        raise AssertionError("bytes must be refused, so that click writes text through it")


def test_run_and_simulate_print_no_control_characters_and_write_valid_workbooks(tmp_path):
    scenario = hostile_letter(tmp_path)
    runner = CliRunner()
    sim, cmp = str(tmp_path / "sim.xlsx"), str(tmp_path / "cmp.xlsx")
    for args in (
        ["run", str(scenario), "-o", str(tmp_path / "run.xlsx")],
        ["simulate", str(tmp_path / "unc.toml"), "--draws", "50", "--seed", "1", "-o", sim],
        ["compare", str(SCENARIOS / "letter-2014.toml"), str(scenario), "-o", cmp],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        messages = result.stderr  # always escaped; stdout only on a terminal (below)
        assert "\x1b" not in messages and "\x07" not in messages and "\x9b" not in messages
        assert "\x00" not in messages and "\u202e" not in messages
    for name in ("run.xlsx", "sim.xlsx", "cmp.xlsx"):
        assert_parts_parse(tmp_path / name)  # the chart of sim.xlsx was rejected before


def test_a_problem_naming_a_hostile_key_is_one_line(tmp_path):
    # A key with control characters is refused; each problem about it stays one line.
    scenario = hostile_letter(tmp_path, key=KEY_TOML)
    result = CliRunner().invoke(cli, ["validate", str(scenario)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(str(scenario)) for line in lines), result.stderr
    assert "has a control character" in lines[0]


def test_xml_text_cleans_what_xml_forbids():
    assert xml_text("a\x1b<b>\ufffe\x00") == "a\ufffd&lt;b&gt;\ufffd\ufffd"
    assert xml_attribute('k"\x07') == "'k\"\ufffd'"
    minidom.parseString(f"<a b={xml_attribute(KEY)}>{xml_text(KEY)}</a>")


def test_csv_and_json_on_a_pipe_keep_the_text_exactly(tmp_path):
    import csv
    import json

    scenario = hostile_letter(tmp_path)
    runner = CliRunner()
    rows = list(
        csv.DictReader(
            io.StringIO(runner.invoke(cli, ["run", str(scenario), "--format", "csv"]).stdout)
        )
    )
    assert SCENARIO_NAME in {row["scenario"] for row in rows}
    records = json.loads(runner.invoke(cli, ["run", str(scenario), "--format", "json"]).stdout)
    assert SCENARIO_NAME in {record["scenario"] for record in records}


def on_a_terminal(args: list[str]) -> bytes:
    """What `python -m budget ARGS` prints with its stdout and stderr on a terminal."""
    import os
    import pty
    import subprocess
    import sys

    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "budget", *args],
        cwd=SCENARIOS.parent,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=60)
    os.close(main)
    return out


def test_on_a_terminal_the_table_shows_control_characters_escaped(tmp_path):
    scenario = hostile_letter(tmp_path)
    shown = on_a_terminal(["run", str(scenario)])
    assert b"Ministry \\x1b]0;title\\x07 of" in shown
    assert b"\x1b" not in shown and b"\x07" not in shown and b"\xc2\x9b" not in shown
    assert b"\xe2\x80\xae" not in shown  # U+202E
