"""Actuals files read column by column give the bookings, problems and warnings of the
row-wise reader they replaced (issue 21; tests/load/bookings_reference.py)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from pathlib import Path
from unittest.mock import patch

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.load import bookings
from budget.load.bookings import read_bookings
from tests.helpers import letter
from tests.load import bookings_reference as reference

NAMES = ["date", "year", "commitment", "funder", "basis", "amount", "reference", "description"]
HEADERS = st.lists(
    st.sampled_from([*NAMES, "DATE", " Amount ", "", "colour"]), min_size=1, max_size=8
)
TEXT_CELLS = st.one_of(
    st.sampled_from(["", " ", "mki-support", " VenJ ", "BZ", "cash", "Commitment", "2015"]),
    st.sampled_from(["2014-12-31", "-0.01", "1.234,56", "12,5", "1e5", "2015-02-29", "x"]),
    st.sampled_from(["31-12-2015", "+7", "unknown-id", "mki-suport", "=1+1", "a\nb"]),
    st.text(max_size=8),
)
# What a spreadsheet's cells hold: text it can store (no control characters but line
# breaks and tabs), numbers, dates, empty cells.
SHEET_TEXT = TEXT_CELLS.filter(lambda t: not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", t))
SHEET_CELLS = (
    SHEET_TEXT
    | st.none()
    | st.sampled_from([2015, 12.5, 100.1, -3.0, True])
    | st.dates(dt.date(2013, 1, 1), dt.date(2019, 12, 31))
)


# Cells a column usually holds, so that most files read (and a few cells go wrong).
USUAL = {
    "date": ["2015-03-31", " 2015-01-05 ", "2015-12-31"],
    "year": ["2015", "", ""],
    "commitment": ["mki-support", "sin-top-up", "", "unknown-id", " bz-tdh-ecpat "],
    "funder": ["VenJ", " BZ ", "VWS"],
    "basis": ["cash", "", "commitment", "Cash", "receipts"],
    "amount": ["10.00", "-0.01", "7", "1234.5"],
    "reference": ["R-1", "", "=cmd"],
    "description": ["first payment", "", "a\nb"],
}
SHEET_USUAL = {"date": [dt.date(2015, 3, 31)], "year": [2015], "amount": [12.5, 100, -3.0]}
SEMICOLON_USUAL = {"date": ["31-12-2015", "1-4-2015"], "amount": ["1.234,56", "12,5", "-7"]}


def _often(draw: st.DrawFn, times: int) -> bool:
    """True but one time in `times` (hypothesis draws small integers far more often)."""
    return draw(st.sampled_from([True] * (times - 1) + [False]))


@st.composite
def tables(draw: st.DrawFn, sheet: bool = False, semicolon: bool = False) -> list[list[object]]:
    """A header (usually the usual columns, in any order) and rows of mostly usual cells."""
    if _often(draw, 5):
        names = draw(st.permutations(NAMES))
        header = [n for n in names if n in ("date", "commitment", "funder", "amount")
                  or draw(st.booleans())]  # fmt: skip
        if not _often(draw, 6):
            header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(["", "colour"])))
    else:
        header = draw(HEADERS)
    noise = SHEET_CELLS if sheet else TEXT_CELLS
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = []
        for name in header:
            name = name.strip().lower()
            usual = (SEMICOLON_USUAL.get(name) if semicolon else None) or USUAL.get(name, [])
            usual = [*usual, *(SHEET_USUAL.get(name, []) if sheet else [])]
            row.append(draw(st.sampled_from(usual)) if usual and _often(draw, 40) else draw(noise))
        if not _often(draw, 7):
            row = [""] * len(row)  # an empty row, skipped
        rows.append(row)
    return [header, *rows]


def _same(path: Path) -> None:
    scenario = letter()
    got = read_bookings(scenario, [str(path)])
    with patch.object(bookings, "_read_file", reference.read_file):
        want = read_bookings(scenario, [str(path)])
    pd.testing.assert_frame_equal(got[0], want[0])
    assert got[1] == want[1]
    assert got[2] == want[2]


@settings(max_examples=200, deadline=None)
@given(st.data(), st.sampled_from([",", ";"]), st.booleans())
def test_a_csv_file_reads_as_the_row_wise_reader_read_it(data, separator, title):
    table = data.draw(tables(semicolon=separator == ";"))
    header = table[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "actuals.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=separator)
            width = len(header)
            if title:  # a title row above the header, then an empty row
                writer.writerow((["Bookings 2015"] + [""] * width)[:width])
                writer.writerow([""] * width)
            writer.writerows(table)
        _same(path)


@settings(max_examples=50, deadline=None)
@given(tables(sheet=True), st.booleans())
def test_an_xlsx_file_reads_as_the_row_wise_reader_read_it(table, title):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["Bookings 2015", None, "export"])
    sheet.append([name or None for name in table[0]])
    for row in table[1:]:
        sheet.append([None if cell == "" else cell for cell in row])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "actuals.xlsx"
        book.save(path)
        _same(path)


def test_an_empty_file_and_a_file_of_empty_rows_say_so_as_before(tmp_path):
    for name, text in (("a.csv", ""), ("b.csv", ",,\n,,\n"), ("c.csv", "\ufeff")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        _same(path)
        assert read_bookings(letter(), [str(path)])[1]
