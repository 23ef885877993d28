"""Pending commitments in every output (issue 23): the Pending sheet of the compare and
tables workbooks, `explain --pending`, and mutations and cash shifts that name a pending
commitment which `--pending none` leaves out: they apply to nothing and say so."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests.helpers import SCENARIOS, invoke, write_file

LETTER = SCENARIOS / "letter-2014.toml"
NOTE = "note: pending commitment 'eu-sin-cofinancing' left out (--pending none"


def _pending_sheet(path):
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-1] == "Pending"
    return [r[0] for r in book["Pending"].iter_rows(min_row=3, values_only=True) if r[0]]


def test_the_compare_workbook_has_the_pending_sheet(tmp_path):
    target = tmp_path / "compare.xlsx"
    result = invoke("compare", LETTER, SCENARIOS / "mki-through-2015.toml", "-o", target)
    assert result.exit_code == 0, result.output
    lines = _pending_sheet(target)
    assert len(lines) == 1 and lines[0].startswith(NOTE)  # both sides share it: once
    assert lines[0] in result.stderr.splitlines()


def test_the_tables_workbook_has_the_pending_sheet(tmp_path):
    target = tmp_path / "tables.xlsx"
    result = invoke("tables", SCENARIOS / "round-2015-draft.toml", "-o", target)
    assert result.exit_code == 0, result.output
    lines = _pending_sheet(target)
    assert len(lines) == 1 and lines[0].startswith(NOTE)


@pytest.mark.parametrize("command", ["compare", "tables"])
def test_no_pending_sheet_when_nothing_is_left_out(tmp_path, command):
    target = tmp_path / "out.xlsx"
    args = [LETTER, SCENARIOS / "mki-through-2015.toml"] if command == "compare" else [LETTER]
    result = invoke(command, *args, "--pending", "all", "-o", target)
    assert result.exit_code == 0, result.output
    assert "Pending" not in openpyxl.load_workbook(target).sheetnames


@pytest.mark.parametrize(
    ("view", "amount"), [("none", "67,600.00"), ("expected", "42,600.00"), ("all", "17,600.00")]
)
def test_explain_takes_pending(view, amount):
    result = invoke("explain", LETTER, "sin-top-up", "--year", "2015", "--pending", view)
    assert result.exit_code == 0, result.output
    assert f"amount: capped = {amount}" in result.stdout
    assert (NOTE in result.stderr) == (view == "none")


SHIFTED = """
[scenario]
extends = "{letter}"
name = "shifted pending"

[[cash_shifts]]
commitment = "eu-sin-cofinancing"
from = 2015
to = 2016
amount = "10000.00"
"""
SHIFT_NOTE = (
    "note: cash shift of 'eu-sin-cofinancing' (10,000.00 from 2015 to 2016) applies to "
    "nothing: the pending commitment is left out (--pending none)"
)


@pytest.mark.parametrize(
    "command", [["run"], ["tables"], ["explain", "sin-top-up"], ["export", "--to", "datapackage"]]
)
def test_a_cash_shift_of_a_left_out_commitment_applies_to_nothing(tmp_path, command):
    path = write_file(tmp_path, SHIFTED.format(letter=LETTER.as_posix()))
    args = [command[0], path, *command[1:]]
    if command[0] == "export":
        args += ["-o", tmp_path / "package"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines().count(SHIFT_NOTE) == 1
    assert "eu-sin-cofinancing" not in result.stdout


def test_a_cash_shift_of_a_counted_pending_commitment_moves_its_cash(tmp_path):
    path = write_file(tmp_path, SHIFTED.format(letter=LETTER.as_posix()))
    result = invoke("run", path, "--pending", "all")
    assert result.exit_code == 0, result.output
    assert SHIFT_NOTE not in result.stderr
    # 50,000.00 a year, 10,000.00 of 2015 moved to 2016
    row = next(x for x in result.stdout.splitlines() if x.strip().startswith("eu-sin-cof"))
    assert row.split()[1:5] == ["-", "40,000.00", "60,000.00", "-"]


def test_a_mutation_of_a_left_out_commitment_applies_to_nothing(tmp_path):
    draft = write_file(
        tmp_path,
        f'[scenario]\nextends = "{LETTER.as_posix()}"\nversion = "draft"\nstage = "draft"\n'
        "budget_year = 2015\n",
        "draft.toml",
    )
    update = write_file(
        tmp_path,
        '[scenario]\nextends = "draft.toml"\nversion = "supplementary"\n'
        'stage = "supplementary"\n\n[[mutations]]\nid = "eu-rate"\nreason = "a lower rate"\n'
        'type = "policy"\nchanges = ["eu-sin-cofinancing"]\n\n[[commitments]]\n'
        'id = "eu-sin-cofinancing"\nrate = "50%"\n',
        "update.toml",
    )
    result = invoke("round", draft, update, "--year", "2015")
    assert result.exit_code == 0, result.output
    assert (
        "note: mutation 'eu-rate' changes pending commitment 'eu-sin-cofinancing', left out "
        "(--pending none): that change applies to nothing"
    ) in result.stderr.splitlines()
    assert "eu-rate (policy): a lower rate" in result.stdout
    counted = invoke(
        "round", draft, update, "--year", "2015", "--pending", "all", "--format", "json"
    )
    rows = [r for r in json.loads(counted.stdout) if r["mutation"] == "eu-rate" and r["vuo"] == "U"]
    by_funder = {(r["funder"], r["year"]): r["amount_cents"] for r in rows}
    # 50% of 135,200.00 = 67,600.00 instead of 100,000.00: EU -16,200.00 a year, and the
    # top-up after it makes that up, 8,100.00 each
    assert [by_funder[("EU", y)] for y in (2015, 2016)] == [-1_620_000, -1_620_000]
    assert [by_funder[("VenJ", y)] for y in (2015, 2016)] == [810_000, 810_000]
