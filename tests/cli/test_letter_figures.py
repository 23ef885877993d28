"""The worked figures of the 2014 letter, through the command line.

Expected figures are the ones PRODUCT.md works out by hand:
- BZ grant by days: 2014 has 275 of the period's 456 days, so 2,000,000.00 x 275/456 =
  1,206,140.350877... and 2015 = 793,859.649122...; floors 1,206,140.35 and 793,859.64 leave
  one cent, which goes to 2015 (the larger remainder): 793,859.65.
- By months: 9 and 6 of 15 months: 1,200,000.00 and 800,000.00.
- SIN: min(67,600, shortfall) per year, half each for VenJ and VWS.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

import budget
from budget.cli import cli
from tests.helpers import LETTER


def run_csv(*args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(cli, ["run", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def amounts(rows, commitment, basis, funder=None):
    out: dict[int, str] = {}
    for r in rows:
        if r["commitment"] == commitment and r["basis"] == basis and funder in (None, r["funder"]):
            out[int(r["year"])] = r["amount"]
    return out


def test_bundled_example_is_the_scenario_file():
    assert budget.example_path().read_bytes() == LETTER.read_bytes()


def test_bz_grant_by_days():
    rows = run_csv()  # no SCENARIO: the bundled example
    assert amounts(rows, "bz-tdh-ecpat", "cash") == {2014: "1206140.35", 2015: "793859.65"}
    assert amounts(rows, "bz-tdh-ecpat", "commitment") == {2014: "2000000.00", 2015: "0.00"}


def test_bz_grant_by_months(tmp_path):
    text = LETTER.read_text().replace('allocation = "days"', 'allocation = "months"')
    path = tmp_path / "months.toml"
    path.write_text(text)
    rows = run_csv(str(path))
    assert amounts(rows, "bz-tdh-ecpat", "cash") == {2014: "1200000.00", 2015: "800000.00"}


@pytest.mark.parametrize(
    ("shortfall", "paid", "each"),
    [
        ("67600.00", "67600.00", "33800.00"),
        ("80000.00", "67600.00", "33800.00"),
        ("50000.00", "50000.00", "25000.00"),
    ],
)
def test_sin_top_up(tmp_path, shortfall, paid, each):
    text = re.sub(r"costs = \{[^}]*\}", f'costs = "{shortfall}"', LETTER.read_text())
    path = tmp_path / "sin.toml"
    path.write_text(text)
    rows = run_csv(str(path))
    for funder in ("VenJ", "VWS"):
        assert amounts(rows, "sin-top-up", "cash", funder) == {y: each for y in (2015, 2016, 2017)}
    total = sum(
        int(r["amount_cents"])
        for r in rows
        if r["commitment"] == "sin-top-up" and r["basis"] == "cash"
    )
    assert total == 3 * int(paid.replace(".", ""))


def test_sin_over_the_three_years_is_202800():
    rows = run_csv(str(LETTER))
    total = sum(
        int(r["amount_cents"])
        for r in rows
        if r["commitment"] == "sin-top-up" and r["basis"] == "cash"
    )
    assert total == 20_280_000


def test_json_amounts_are_strings_with_two_decimals():
    result = CliRunner().invoke(cli, ["run", str(LETTER), "--format", "json"])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    grant = [r for r in records if r["commitment"] == "bz-tdh-ecpat" and r["basis"] == "cash"]
    assert [(r["year"], r["amount"], r["amount_cents"]) for r in grant] == [
        (2014, "1206140.35", 120614035),
        (2015, "793859.65", 79385965),
    ]


def test_table_shows_the_letter_figures():
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 0
    out = result.stdout
    for figure in ("1,206,140.35", "793,859.65", "33,800.00", "101,400.00", "2,000,000.00"):
        assert figure in out
    assert "cash basis" in out and "commitment basis" in out


def test_run_works_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 0
    assert "1,206,140.35" in result.stdout


def test_python_api_columns():
    rows = budget.project(budget.load_scenario(LETTER))
    assert list(rows.columns[:8]) == [
        "scenario",
        "commitment",
        "recipient",
        "funder",
        "kind",
        "basis",
        "year",
        "amount_cents",
    ]
    assert str(rows["amount_cents"].dtype) == "int64"
    assert set(rows["scenario"]) == {"Letter 2014"}


def test_csv_in_chunks_is_the_same_text():
    from budget.render.text import rows_csv, rows_csv_chunks, with_euros

    rows = budget.project(budget.load_scenario(LETTER))
    assert "".join(rows_csv_chunks(rows, chunk=5)) == rows_csv(with_euros(rows))
