"""Every JSON output is rows: `pd.read_json` reads each command's `--format json` as a
frame with one row per JSON object, every value flat (no object or array around or in
the rows), counts and cents as numbers, each amount as two-decimal text beside its cents,
and null (never "") for what is missing."""

from __future__ import annotations

import io
import json
import re

import click
import pandas as pd
import pytest

from budget.cli import cli
from tests.helpers import SCENARIOS, invoke

LETTER = SCENARIOS / "letter-2014.toml"
# One call per command that offers --format json, on the example scenarios.
CALLS: dict[str, list[object]] = {
    "run": [LETTER],
    "compare": [LETTER, SCENARIOS / "sin-eu-grant.toml"],
    "simulate": [SCENARIOS / "letter-2014-uncertain.toml", "--draws", "50", "--seed", "1"],
    "actuals": [SCENARIOS / "letter-2014-realised.toml"],
    "indicators": [LETTER],
    "tables": [SCENARIOS / "round-2015-draft.toml"],
    "round": [SCENARIOS / "round-2015-draft.toml", SCENARIOS / "round-2015-adopted.toml"],
    "explain": [LETTER, "bz-tdh-ecpat"],
}
TWO_DECIMALS = re.compile(r"-?\d+\.\d\d")


def offers_json(command: click.Command) -> bool:
    return any(
        isinstance(p.type, click.Choice) and "json" in p.type.choices for p in command.params
    )


def test_every_command_that_offers_json_is_checked_here():
    assert isinstance(cli, click.Group)
    assert {n for n, c in cli.commands.items() if offers_json(c)} == set(CALLS)


@pytest.mark.parametrize("command", sorted(CALLS))
def test_json_is_rows(command):
    result = invoke(command, *CALLS[command], "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert isinstance(records, list) and records, command
    frame = pd.read_json(io.StringIO(result.stdout))
    assert len(frame) == len(records)
    assert list(frame.columns) == list(records[0])
    for record in records:
        assert list(record) == list(records[0]), "every row has the same columns"
        for key, value in record.items():
            assert not isinstance(value, dict | list), (command, key)
            assert value != "", (command, key, "missing is null")
            if key.endswith("_cents"):
                assert value is None or type(value) is int, (command, key, value)
                amount = key.removesuffix("_cents")
                if amount in record and command != "tables":
                    shown = record[amount]
                    if value is None:
                        assert shown is None, (command, key)
                    else:
                        assert isinstance(shown, str) and TWO_DECIMALS.fullmatch(shown)
                        sign, whole = "-" if value < 0 else "", abs(value)
                        assert shown == f"{sign}{whole // 100}.{whole % 100:02d}"
            if key == "year":
                assert value is None or type(value) is int, (command, key)


def test_tables_amounts_are_whole_thousands_beside_their_cents():
    """tables: amount_thousands is the published figure (a count of thousands, rounded
    from the cents beside it), so a number."""
    rows = json.loads(invoke("tables", *CALLS["tables"], "--format", "json").stdout)
    assert all(type(r["amount_thousands"]) is int for r in rows)
    assert all(abs(r["amount_thousands"] * 100_000 - r["amount_cents"]) <= 50_000 for r in rows)


def test_a_json_file_is_the_same_rows(tmp_path):
    out = tmp_path / "rows.json"
    result = invoke("run", LETTER, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == invoke("run", LETTER, "--format", "json").stdout
