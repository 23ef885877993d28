"""Golden output: whole command outputs pinned, so that any change to them is seen in review.

The pinned files were read line by line against the letter's worked figures (PRODUCT.md):
BZ 1,206,140.35 / 793,859.65 by days, SIN 33,800.00 a year for each of VenJ and VWS, MKI's
assumed 100,000.00 a year, and the BZ commitment of 2,000,000.00 in 2014 paid off in 2015.
To update after an intended change: BUDGET_UPDATE_GOLDEN=1 pytest tests/cli/test_golden.py, then
read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from budget.cli import cli
from tests.helpers import SCENARIOS

GOLDEN = Path(__file__).parent / "golden"
ROOT = SCENARIOS.parent  # the commands name scenarios/... from here


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("run-letter.txt", ["run"]),
        ("run-letter-csv.txt", ["run", "--format", "csv"]),
        (
            "compare-eu-grant.txt",
            ["compare", "scenarios/letter-2014.toml", "scenarios/sin-eu-grant.toml"],
        ),
        ("tables-round-2015-draft.txt", ["tables", "scenarios/round-2015-draft.toml"]),
        (
            "round-2015.txt",
            [
                "round",
                "scenarios/round-2015-draft.toml",
                "scenarios/round-2015-adopted.toml",
                "scenarios/round-2015-1st-supplementary.toml",
                "--year",
                "2015",
            ],
        ),
    ],
)
def test_golden(name, args, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    path = GOLDEN / name
    if os.environ.get("BUDGET_UPDATE_GOLDEN"):
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8")
