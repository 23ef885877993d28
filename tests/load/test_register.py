"""Registers of commitments in CSV and XLSX: rows become commitments, bad rows are named."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import project
from budget.cli import cli
from budget.load import load_scenario, register
from budget.load.register import read_register


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_engine(request, monkeypatch):
    """XLSX tests run with both readers: calamine, and openpyxl as the fallback."""
    if request.param == "openpyxl":
        monkeypatch.setattr(register, "_read_xlsx", register._read_xlsx_openpyxl)
    return request.param


SCENARIO = """
[scenario]
name = "Register"
register = "{register}"

[funders.VenJ]
name = "Justice"
[funders.VWS]
name = "Health"
[funders.BZ]
name = "Foreign Affairs"

[recipients.SIN]
name = "Stop It Now!"
[recipients.MKI]
name = "Hotline"
[recipients.TdH]
name = "Terre des Hommes"
"""

HEADER = [
    "id", "kind", "recipient", "funders", "first_year", "last_year", "amount",
    "cap", "shortfall", "total", "start", "end", "advance", "settlement_lag",
]  # fmt: skip

GOOD = [
    ["mki", "annual", "MKI", "VenJ", "2014", "2017", "100000.00", "", "", "", "", "", "", ""],
    ["sin", "top_up", "SIN", "VenJ=1/2;VWS=1/2", "2015", "2017", "", "67600", "80000",
     "", "", "", "", ""],
    ["bz", "grant", "TdH", "BZ", "", "", "", "", "", "2000000.00", "2014-04-01", "2015-07-01",
     "0.8", "1"],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    book.create_sheet("ignored").append(["not", "read"])
    book.save(path)
    return path


def scenario_with(tmp_path: Path, register: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(register=register), encoding="utf-8")
    return path


def cash(path: Path) -> dict[tuple[str, str, int], int]:
    rows = project(load_scenario(path))
    rows = rows[rows["basis"] == "cash"]
    return {
        (c, f, int(y)): int(a)
        for c, f, y, a in rows[["commitment", "funder", "year", "amount_cents"]].itertuples(
            index=False
        )
        if a
    }


# Worked out by hand: MKI 100,000.00 a year; SIN min(80,000, 67,600) = 67,600.00 split in
# halves; BZ 80% of 2,000,000.00 in 2014, the rest in 2016 (the period ends in 2015, lag 1).
EXPECTED = {
    **{("mki", "VenJ", y): 10_000_000 for y in range(2014, 2018)},
    **{("sin", f, y): 3_380_000 for f in ("VenJ", "VWS") for y in range(2015, 2018)},
    ("bz", "BZ", 2014): 160_000_000,
    ("bz", "BZ", 2016): 40_000_000,
}


def test_csv_register(tmp_path):
    write_csv(tmp_path / "c.csv", GOOD)
    assert cash(scenario_with(tmp_path, "c.csv")) == EXPECTED


@pytest.mark.usefixtures("xlsx_engine")
def test_xlsx_register_with_numbers_and_date_cells(tmp_path):
    rows: list[list[object]] = [list(r) for r in GOOD]
    rows[0][4:7] = [2014, 2017.0, 100000]  # numeric cells, an integral float among them
    rows[1][7:9] = [67600.0, 80000]
    rows[2][9:14] = [2000000, dt.date(2014, 4, 1), dt.datetime(2015, 7, 1), "0.8", 1]
    write_xlsx(tmp_path / "c.xlsx", rows)
    assert cash(scenario_with(tmp_path, "c.xlsx")) == EXPECTED


def test_semicolon_separated_csv(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "id;kind;recipient;funders;first_year;last_year;amount\n"
        'mki;annual;MKI;"VenJ=1/2;VWS=1/2";2015;2015;1.01\n',
        encoding="utf-8",
    )
    assert cash(scenario_with(tmp_path, "c.csv")) == {
        ("mki", "VenJ", 2015): 51,
        ("mki", "VWS", 2015): 50,
    }


@pytest.mark.usefixtures("xlsx_engine")
def test_a_cell_with_two_decimals_is_read_exactly(tmp_path):
    rows: list[list[object]] = [list(GOOD[0])]
    rows[0][6] = 100000.1  # a float that is not exactly 100000.10 in binary
    write_xlsx(tmp_path / "c.xlsx", rows)
    assert cash(scenario_with(tmp_path, "c.xlsx"))[("mki", "VenJ", 2015)] == 10_000_010


def test_where_names_row_commitment_and_column(tmp_path):
    rows, problems = read_register(write_csv(tmp_path / "c.csv", GOOD), "c.csv")
    assert problems == []
    raw, where = rows[1]
    assert raw["funders"] == {"VenJ": "1/2", "VWS": "1/2"}
    assert "amount" not in raw  # empty cells are absent fields
    assert where("cap") == "row 3 (commitment 'sin'), column 'cap'"
    assert where(None) == "row 3 (commitment 'sin')"


GOOD_ROW = ["x", "annual", "MKI", "VenJ", "2015", "2015", "1.00"]
ROW_X = "row 2 (commitment 'x'), column"
BAD_CELLS = [
    # (column index, cell, expected fragment of the message)
    (6, "1.005", f"{ROW_X} 'amount': '1.005' has more than two decimals"),
    (5, "20x5", f"{ROW_X} 'last_year'"),
    (3, "VenJ=1/2;VWS", f"{ROW_X} 'funders': 'VWS' is not funder=share"),
    (3, "Nobody", f"{ROW_X} 'funders': 'Nobody' is not a funder"),
    (3, "VenJ=1/2;VWS=1/3", f"{ROW_X} 'funders': the shares add up to 5/6, not 1"),
    (1, "annuall", f"{ROW_X} 'kind'"),
    (0, "", "row 2: has no id"),
    (6, "1,000.00", f"{ROW_X} 'amount': '1,000.00' has thousands separators"),
    (6, "-5", f"{ROW_X} 'amount': '-5' is negative"),
]


def bad_row(column: int, cell: str) -> list[str]:
    row = list(GOOD_ROW)
    row[column] = cell
    return row


@pytest.mark.usefixtures("xlsx_engine")
@pytest.mark.parametrize(("column", "cell", "message"), BAD_CELLS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_rows_exit_1_naming_file_row_and_column(tmp_path, column, cell, message, fmt):
    header = HEADER[:7]
    cells = bad_row(column, cell)
    good = ["ok", *GOOD_ROW[1:]]
    name = f"c.{fmt}"
    if fmt == "csv":
        write_csv(tmp_path / name, [cells, good], header)
    else:
        write_xlsx(tmp_path / name, [cells, good], header)
    result = CliRunner().invoke(cli, ["run", str(scenario_with(tmp_path, name))])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    register = str(tmp_path / name)
    assert all(line.startswith(register + ": ") for line in lines), lines
    assert any(message in line for line in lines), lines
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("xlsx_engine")
def test_an_xlsx_float_with_noise_is_refused_not_rounded(tmp_path):
    path = tmp_path / "c.xlsx"
    write_xlsx(path, [["x", "annual", "MKI", "VenJ", 2015, 2015, 1.0]], HEADER[:7])
    # Rewrite the cell's stored text: a value with more digits than two decimals.
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<v>1</v>", b"<v>0.30000000000000004</v>")
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    result = CliRunner().invoke(cli, ["validate", str(scenario_with(tmp_path, "c.xlsx"))])
    assert result.exit_code == 1
    assert "row 2 (commitment 'x'), column 'amount': '0.30000000000000004' has more than" in (
        result.stderr
    )


@pytest.mark.usefixtures("xlsx_engine")
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "c.csv",
            "id,kind,bogus\nx,annual,1\n",
            "row 1, column 'bogus': 'bogus' is not a commitment field",
        ),
        ("c.csv", "id,id\nx,y\n", "row 1, column 'id': the column 'id' appears twice"),
        ("c.csv", "", "is empty"),
        ("c.csv", 'id,kind\n"x,annual\n', "is not a well-formed CSV file"),
        ("c.csv", b"id,kind\n\xff\xfe,annual\n", "is not UTF-8 text"),
        ("c.xlsx", b"not a zip file", "is not a readable XLSX workbook"),
        ("c.txt", "id\n", "is not a register: .txt"),
        (
            "c.csv",
            "id,kind\nx,annual,extra\n",
            "well-formed CSV file: row 2 has 3 cells, the header 2",
        ),
    ],
    ids=["unknown-column", "twice", "empty", "quote", "encoding", "corrupt", "suffix", "ragged"],
)
def test_unreadable_registers(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(scenario_with(tmp_path, name))])
    assert result.exit_code == 1
    assert f"{path}: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_missing_register(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(scenario_with(tmp_path, "none.csv"))])
    assert result.exit_code == 1
    assert f"{tmp_path / 'none.csv'}: no such file" in result.stderr


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "id,kind,recipient,funders,first_year,last_year,amount\n"
        "\n"
        ",,,,,,\n"
        "x,annual,MKI,VenJ,2015,2015,oops\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(scenario_with(tmp_path, "c.csv"))])
    assert result.exit_code == 1
    assert "row 4 (commitment 'x'), column 'amount'" in result.stderr


@pytest.mark.usefixtures("xlsx_engine")
def test_xlsx_header_below_blank_rows_and_a_stray_cell(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"] = "id"
    for column, name in zip("CDEFGH", HEADER[1:7], strict=True):
        sheet[f"{column}3"] = name
    for column, value in zip("BCDEFGH", GOOD_ROW, strict=True):
        sheet[f"{column}5"] = value
    sheet["H5"] = "1.001"
    sheet["K5"] = "stray"
    book.save(tmp_path / "c.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(scenario_with(tmp_path, "c.xlsx"))])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    path = tmp_path / "c.xlsx"
    assert (
        f"{path}: row 5 (commitment 'x'): has a value in column K, which has no name" in (lines[0])
    )
    assert lines[1].startswith(f"{path}: row 5 (commitment 'x'), column 'amount': '1.001'")


@pytest.mark.usefixtures("xlsx_engine")
def test_numeric_ids_in_a_spreadsheet_are_names(tmp_path):
    write_xlsx(tmp_path / "c.xlsx", [[1042, "annual", "MKI", "VenJ", 2015, 2015, 5]], HEADER[:7])
    assert cash(scenario_with(tmp_path, "c.xlsx")) == {("1042", "VenJ", 2015): 500}


CSV_CHARS = st.sampled_from(
    [*'abc,;=/"\n\r .-0123456789', "id", "kind", "annual", "funders", "VenJ", "amount"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(CSV_CHARS, max_size=80).map("".join))
def test_generated_csv_never_crashes(tmp_path, text):
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8")
    _, problems = read_register(path, "fuzz.csv")
    assert all(p.file == "fuzz.csv" for p in problems)
    result = CliRunner().invoke(cli, ["validate", str(scenario_with(tmp_path, "fuzz.csv"))])
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.usefixtures("xlsx_engine")
@pytest.mark.parametrize("top_left", ["A1", "C4"])
def test_what_cleaning_knows_of_a_column_is_what_its_cells_say(tmp_path, top_left):
    """The cleaner's record of which cells hold a value (found while cleaning, and moved
    with the columns when a sheet's reader pads them with the empty rows above and columns
    left of its data) is what looking at the cleaned cells finds."""
    book = openpyxl.Workbook()
    sheet = book.active
    column = openpyxl.utils.column_index_from_string(top_left[0])
    row = int(top_left[1:])
    table = [["id", "kind", "source", "amount"], *[[f"c{i}", "annual", f"s {i}",
             "" if i % 2 else f"{i}.50"] for i in range(40)]]  # fmt: skip
    for r, cells in enumerate(table):
        for c, value in enumerate(cells):
            if value:
                sheet.cell(row + r, column + c, value)
    book.save(tmp_path / "c.xlsx")
    cleaner = register.Cleaner(early=True)
    columns = register._read_xlsx(tmp_path / "c.xlsx", cleaner)
    assert len(columns) == column + 3
    for i, cells in enumerate(columns):
        np.testing.assert_array_equal(cleaner.filled_of(i, cells), register.filled_cells(cells))
