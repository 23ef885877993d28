"""One bad file per error kind: exit 1 and one clear line naming file, commitment and field.

Each file under tests/load/bad/ states the message it must produce on its first line
(`# expect: ...`); files that cannot hold a comment are listed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from budget.cli import cli

BAD = Path(__file__).parent / "bad"
SPECIAL = {"empty.toml": "is empty", "binary.toml": "is not a text file"}


def expected(path: Path) -> str:
    if path.name in SPECIAL:
        return SPECIAL[path.name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", sorted(BAD.glob("*.toml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_file(path, command):
    result = CliRunner().invoke(cli, [command, str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert lines, "no message"
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    assert any(expected(path) in line for line in lines), lines
    assert "Traceback" not in result.output


def test_all_problems_of_a_file_are_reported_together(tmp_path):
    path = tmp_path / "many.toml"
    path.write_text(
        '[scenario]\nname = "x"\n[funders.A]\nname = "A"\n[recipients.R]\nname = "R"\n'
        '[[commitments]]\nid = "a"\nkind = "annual"\nrecipient = "R"\nfunders = { A = "1" }\n'
        "first_year = 2015\nlast_year = 2016\namount = 1.5\n"
        '[[commitments]]\nid = "b"\nkind = "grant"\nrecipient = "Q"\nfunders = { A = "1" }\n'
        'total = "1.001"\nstart = 2015-01-01\nend = 2016-01-01\n'
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert any("'a', field 'amount'" in x for x in lines)
    assert any("'b', field 'recipient'" in x for x in lines)
    assert any("'b', field 'total'" in x for x in lines)


def test_missing_file_and_folder(tmp_path):
    for target in (tmp_path / "nope.toml", tmp_path):
        result = CliRunner().invoke(cli, ["run", str(target)])
        assert result.exit_code in (1, 2)
        assert "Traceback" not in result.output


def test_wrong_usage_is_exit_2():
    assert CliRunner().invoke(cli, ["run", "--format", "xml"]).exit_code == 2
    assert CliRunner().invoke(cli, ["frobnicate"]).exit_code == 2
