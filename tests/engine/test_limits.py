"""Budget ceilings: parsing, breached or not (equal is not a breach), warnings and headroom."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import project
from budget.engine.limits import check_rows
from budget.load import load_scenario, read_scenario
from tests.helpers import LETTER, invoke, letter

# Letter 2014, cash: VenJ pays 100,000.00 in 2014 and 133,800.00 in 2015-2017 (MKI 100,000.00
# plus half of SIN's 67,600.00); BZ commits 2,000,000.00 in 2014.


def with_limits(tmp_path: Path, limits: str) -> Path:
    path = tmp_path / "limited.toml"
    # remove: the letter as the commands count it, without its pending co-financing
    head = f'[scenario]\nextends = "{LETTER}"\nremove = ["eu-sin-cofinancing"]\n'
    path.write_text(head + limits, encoding="utf-8")
    return path


def test_equal_is_not_a_breach(tmp_path):
    path = with_limits(tmp_path, '[[limits]]\nfunder = "VenJ"\nmax = "133800.00"\n')
    result = invoke("run", path)
    assert result.exit_code == 0
    assert result.stderr == ""
    checks = check_rows(load_scenario(path), project(load_scenario(path)))
    assert [(c.year, c.amount, c.headroom, c.breached) for c in checks] == [
        (2014, 10_000_000, 3_380_000, False),
        (2015, 13_380_000, 0, False),
        (2016, 13_380_000, 0, False),
        (2017, 13_380_000, 0, False),
    ]


def test_one_cent_over_is_a_breach_warned_per_year_and_still_exit_0(tmp_path):
    path = with_limits(tmp_path, '[[limits]]\nfunder = "VenJ"\nmax = "133799.99"\n')
    result = invoke("run", path)
    assert result.exit_code == 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"warning: {path}: limit on VenJ, cash basis, {year}: 133,800.00 is above the ceiling "
        "133,799.99 (by 0.01)"
        for year in (2015, 2016, 2017)
    ]
    assert "BREACHED" in result.output
    assert "headroom" in result.output


def test_years_and_tables(tmp_path):
    path = with_limits(
        tmp_path,
        '[[limits]]\nfunder = "VenJ"\nmax = "100000.00"\nfirst_year = 2016\n'
        '[[limits]]\nfunder = "VWS"\nmax = { 2015 = "40000.00", 2016 = "30000.00" }\n'
        '[[limits]]\nfunder = "BZ"\nbasis = "commitment"\nmax = "1999999.99"\nlast_year = 2014\n',
    )
    scenario = load_scenario(path)
    checks = check_rows(scenario, project(scenario))
    got = [(c.limit.funder, c.limit.basis, c.year, c.breached) for c in checks]
    assert got == [
        ("VenJ", "cash", 2016, True),
        ("VenJ", "cash", 2017, True),
        ("VWS", "cash", 2015, False),
        ("VWS", "cash", 2016, True),
        ("BZ", "commitment", 2014, True),
    ]
    result = invoke("run", path)
    assert result.exit_code == 0
    assert len(result.stderr.strip().splitlines()) == 4
    assert "limit on BZ, commitment basis, 2014: 2,000,000.00 is above the ceiling" in (
        result.stderr
    )


def test_csv_output_is_not_mixed_with_warnings(tmp_path):
    path = with_limits(tmp_path, '[[limits]]\nfunder = "BZ"\nmax = "0"\n')
    result = invoke("run", path, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("scenario,commitment,")
    assert "warning" not in result.stdout
    assert result.stderr.count("warning:") == 2  # 2014 and 2015


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (
            '[[limits]]\nfunder = "Nobody"\nmax = "1.00"\n',
            "field 'funder': 'Nobody' is not a funder",
        ),
        ('[[limits]]\nfunder = "VenJ"\nbasis = "accrual"\nmax = "1.00"\n', "field 'basis'"),
        ('[[limits]]\nfunder = "VenJ"\n', "field 'max': is missing"),
        ('[[limits]]\nfunder = "VenJ"\nmax = 1.5\n', "1.5 is a floating-point number"),
        (
            '[[limits]]\nfunder = "VenJ"\nmax = { 2015 = "1.00" }\nlast_year = 2016\n',
            "the table has no ceiling for 2016",
        ),
        (
            '[[limits]]\nfunder = "VenJ"\nmax = "1.00"\n'
            '[[limits]]\nfunder = "VenJ"\nmax = "2.00"\n',
            "is a second ceiling for the same funder and basis",
        ),
        (
            '[[limits]]\nfunder = "VenJ"\nmax = "1.00"\nfirst_year = 2016\nlast_year = 2015\n',
            "2015 is before first_year 2016",
        ),
        ('[[limits]]\nfunder = "VenJ"\nmax = "1.00"\nceiling = "2"\n', "is not a field here"),
    ],
    ids=["funder", "basis", "max", "float", "table", "twice", "years", "unknown"],
)
def test_bad_limits(tmp_path, limits, message):
    path = with_limits(tmp_path, limits)
    scenario, problems = read_scenario(path)
    assert scenario is None
    lines = [str(p) for p in problems]
    assert any(line.startswith(f"{path}: limit") and message in line for line in lines), lines


@functools.cache
def letter_rows() -> pd.DataFrame:
    return project(letter())  # once: only the limit changes from example to example


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 20_000_000))
def test_breached_exactly_when_the_amount_is_above_the_ceiling(ceiling):
    scenario, rows = letter(), letter_rows()
    from dataclasses import replace

    from budget.core.model import ByYear, Limit

    limit = Limit("VenJ", "cash", ByYear(every=ceiling), 2014, 2017)
    checks = check_rows(replace(scenario, limits=(limit,)), rows)
    paid = {2014: 10_000_000, 2015: 13_380_000, 2016: 13_380_000, 2017: 13_380_000}
    assert [(c.year, c.breached, c.headroom) for c in checks] == [
        (y, paid[y] > ceiling, ceiling - paid[y]) for y in range(2014, 2018)
    ]
