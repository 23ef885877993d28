"""Amounts a workbook cannot hold to the cent are refused for workbooks; below the limit,
LibreOffice recalculates every formula to the engine's cents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import budget
from budget.cli import cli
from budget.core.errors import InputError
from budget.render.workbook import Formula, new_workbook, save_atomically, styles
from budget.render.workbook.exact import WORKBOOK_LIMIT_CENTS, check_exact
from tests.helpers import LETTER, as_run


def letter_with_mki_amount(folder: Path, amount: str) -> Path:
    text = LETTER.read_text(encoding="utf-8").replace(
        'amount = "100000.00"', f'amount = "{amount}"'
    )
    path = folder / "huge.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_limit_is_what_the_readme_says():
    assert WORKBOOK_LIMIT_CENTS == 99_999_999_999_999  # EUR 999,999,999,999.99


def test_totals_beyond_the_limit_are_refused_for_a_workbook_and_exact_in_csv(tmp_path):
    # 4 years of EUR 300 billion: each amount fits, the totals (1.2 trillion) do not.
    scenario = letter_with_mki_amount(tmp_path, "300000000000.01")
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    result = CliRunner().invoke(cli, ["run", str(scenario), "-o", str(target)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 2  # one per basis
    assert lines[0].startswith(f"{target}: the total of the cash basis: the amounts add up to ")
    # 4 x 300,000,000,000.01 + the letter's other cash (SIN 3 x 67,600 + BZ 2,000,000)
    assert "EUR 1,200,002,202,800.04" in lines[0]
    assert "(EUR 999,999,999,999.99)" in lines[0] and "commitment 'mki-support'" in lines[0]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    csv = CliRunner().invoke(cli, ["run", str(scenario), "--format", "csv"])
    assert csv.exit_code == 0
    assert "300000000000.01,30000000000001" in csv.stdout


def test_one_amount_beyond_the_limit_names_its_commitment_and_year(tmp_path):
    scenario = letter_with_mki_amount(tmp_path, "1000000000000.00")
    result = CliRunner().invoke(cli, ["run", str(scenario), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{tmp_path / 'o.xlsx'}: scenario 'Letter 2014', commitment 'mki-support', "
        "funder 'VenJ', basis 'commitment', year 2014: the amount EUR 1,000,000,000,000.00 is "
        "beyond the largest a workbook holds to the cent (EUR 999,999,999,999.99)"
    )


def test_compare_refuses_too_large_amounts_for_its_workbook(tmp_path):
    scenario = letter_with_mki_amount(tmp_path, "300000000000.01")
    result = CliRunner().invoke(
        cli, ["compare", str(LETTER), str(scenario), "-o", str(tmp_path / "c.xlsx")]
    )
    assert result.exit_code == 1 and "beyond the largest" in result.stderr


AMOUNTS = st.integers(-(2**62), 2**62) | st.integers(-(10**14), 10**14)


@given(st.lists(st.tuples(st.sampled_from(["cash", "commitment"]), AMOUNTS), max_size=30))
def test_check_exact_agrees_with_a_plain_reference(entries):
    rows = pd.DataFrame(
        {
            "commitment": [f"c{i}" for i in range(len(entries))],
            "basis": [b for b, _ in entries],
            "year": 2020,
            "amount_cents": np.array([a for _, a in entries], dtype=np.int64),
        }
    )
    too_large = any(abs(a) > WORKBOOK_LIMIT_CENTS for _, a in entries)
    totals = {
        basis: sum(abs(a) for b, a in entries if b == basis) for basis in ("cash", "commitment")
    }
    expected = too_large or any(t > WORKBOOK_LIMIT_CENTS for t in totals.values())
    assert bool(check_exact(rows)) == expected


@pytest.mark.slow
def test_libreoffice_recalculates_amounts_just_below_the_limit_to_the_cent(tmp_path):
    from budget.render.workbook import write_workbook
    from tests.render.workbook.test_libreoffice import SHEETS, with_wrong_cached_values
    from tests.workbook_helpers import engine_cents, libreoffice_convert, soffice, table_cells

    soffice()
    # 4 years of EUR 249,999,449,299.87 and the letter's other amounts: the cash total
    # is EUR 999,999,999,999.48, just under the limit; odd cents everywhere.
    source = letter_with_mki_amount(tmp_path, "249999449299.87")
    scenario = as_run(source)  # as run counts it: no pending commitment
    rows = budget.project(scenario)
    written = tmp_path / "written.xlsx"
    write_workbook(scenario, rows, written, inputs=[source])
    doctored = tmp_path / "doctored.xlsx"
    assert with_wrong_cached_values(written, doctored) > 20
    [result] = libreoffice_convert([doctored], tmp_path / "out", "xlsx", tmp_path / "profile")
    formulas = openpyxl.load_workbook(written)
    values = openpyxl.load_workbook(result, data_only=True)
    checked = 0
    for sheet, by in SHEETS[:1] + SHEETS[2:]:
        cells = {c.coordinate: c for c in table_cells(formulas[sheet])}
        for row in formulas[sheet].iter_rows():
            for cell in row:
                if cell.data_type == "f" and cell.coordinate in cells:
                    got = values[sheet][cell.coordinate].value
                    want = engine_cents(rows, scenario, cells[cell.coordinate], by)
                    assert round(got * 100) == want, (sheet, cell.coordinate, got, want)
                    checked += 1
    assert checked > 50


@pytest.mark.parametrize(
    "put",
    [
        lambda s: s.money(2, 2, 10**14 + 1),  # EUR 1,000,000,000,000.01
        lambda s: s.money(2, 2, -(10**14) - 1),
        lambda s: s.formula(2, 2, Formula.money("=B1*2", 10**14 + 1)),
        lambda s: s.number(2, 2, 2.0**53 + 2, styles.MONEY),
    ],
)
def test_the_writer_refuses_any_number_it_cannot_show_to_the_cent(tmp_path, put):
    book = new_workbook()
    sheet = book.add_sheet("Sheet")
    sheet.money(1, 2, 12345)
    put(sheet)
    target = tmp_path / "b.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(InputError) as caught:
        save_atomically(book, target, [])
    [problem] = caught.value.problems
    assert problem.where == "sheet 'Sheet', cell B2" and "EUR 999,999,999,999.99" in str(problem)
    assert target.read_bytes() == b"old" and len(list(tmp_path.iterdir())) == 1


def test_the_writer_writes_the_largest_amounts_it_can_show(tmp_path):
    book = new_workbook()
    sheet = book.add_sheet("Sheet")
    sheet.money(1, 1, WORKBOOK_LIMIT_CENTS)
    sheet.money(2, 1, -WORKBOOK_LIMIT_CENTS)
    save_atomically(book, tmp_path / "b.xlsx", [])
    values = openpyxl.load_workbook(tmp_path / "b.xlsx")["Sheet"]
    assert [values["A1"].value, values["A2"].value] == [999999999999.99, -999999999999.99]
