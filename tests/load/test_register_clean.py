"""Registers are read and cleaned a batch of rows at a time; the cells must not depend on it.

The reference is `register._cell`, one cell at a time. The reader cleans whole columns of a
batch at once (numpy for the numbers), and shares one object among the equal cells of a
column that repeats itself, deciding per batch; whatever the batches, every cell must come
out equal to the reference and of the same type.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.load import register, xlsx

CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "annual", " annual ", "VenJ", "2015", "1000.50", "\t"]),
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2015.0, 1000.5, -0.0, 0.0, 2.0**53, 2.0**53 - 1, 1e20, 0.1 + 0.2]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.sampled_from(
        [dt.datetime(2015, 4, 1), dt.datetime(2015, 4, 1, 10, 30), dt.date(2016, 7, 1)]
    ),
)


def same(a: object, b: object) -> bool:
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and b != b))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(CELLS, max_size=40), min_size=1, max_size=5),
    st.sampled_from([None, 1, 2, 3]),
)
def test_cleaning_in_batches_gives_each_cell_as_read_alone(batches, repeat):
    # Repeated batches make columns that repeat themselves (the shared path).
    if repeat:
        batches = [batch * repeat * 20 for batch in batches]
    clean = register.Cleaner()
    got = [cell for batch in batches for cell in clean(0, batch)]
    expected = [register._cell(cell) for batch in batches for cell in batch]
    assert len(got) == len(expected)
    assert all(same(a, b) for a, b in zip(got, expected, strict=True)), [
        (a, b) for a, b in zip(got, expected, strict=True) if not same(a, b)
    ][:5]


def test_a_repeating_column_shares_one_object_per_value():
    cells = ["annual", "top_up"] * 5000
    fresh = ["".join(c) for c in cells]  # one object per cell, as a reader makes them
    got = register.Cleaner()(0, fresh)
    assert got == cells
    assert len({id(c) for c in got}) == 2


def test_the_batches_of_a_sheet_do_not_change_the_register(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "kind", "first_year", "amount", "start", "source"])
    for i in range(50):
        sheet.append(
            [
                f" c{i} " if i % 7 == 0 else 1000 + i if i % 11 == 0 else f"c{i}",
                ["annual", "top_up", " grant", "", None][i % 5],
                [2015, 2015.5, "2016", None, True][i % 5],
                [1000.5, 12, 0.1 + 0.2, float(i), "12.50", None][i % 6],
                [dt.datetime(2015, 4, 1), "2015-04-01", None][i % 3],
                "same" if i % 2 else None,
            ]
        )
    sheet["H60"] = "stray"
    book.save(tmp_path / "r.xlsx")
    tables = []
    for batch in (1, 2, 3, 4096):
        monkeypatch.setattr(xlsx, "BATCH", batch)
        table, problems = register.read_table(tmp_path / "r.xlsx", "r.xlsx")
        tables.append((table, problems))
    (first, first_problems), *others = tables
    assert first is not None and len(first) == 50
    for table, problems in others:
        assert problems == first_problems
        assert table.numbers == first.numbers
        assert table.columns.keys() == first.columns.keys()
        for name, cells in first.columns.items():
            assert all(same(a, b) for a, b in zip(table.columns[name], cells, strict=True)), name


def test_the_parts_of_a_csv_file_do_not_change_the_register(tmp_path, monkeypatch):
    lines = ["id,kind,first_year,amount,funders"]
    lines += [
        f" c{i} ,{['annual', 'top_up', ''][i % 3]},2015,{i}.5,VenJ=1/2;VWS=1/2" for i in range(40)
    ]
    lines += ["", "x,annual,,,=", ",,,,"]
    (tmp_path / "r.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables = []
    for rows in (1, 2, 7, 65536):
        monkeypatch.setattr(register, "CSV_ROWS", rows)
        tables.append(register.read_table(tmp_path / "r.csv", "r.csv"))
    (first, first_problems), *others = tables
    # The row with funders "=" cannot be split: a problem, and not a row of the register.
    assert first is not None and len(first) == 40 and first_problems
    for table, problems in others:
        assert problems == first_problems
        assert table.numbers == first.numbers
        assert table.columns == first.columns


def test_leading_empty_rows_and_columns_keep_excel_numbers(tmp_path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"] = "id", "kind"
    sheet["C4"], sheet["D4"] = "a", "annual"
    sheet["E6"] = "stray"
    book.save(tmp_path / "r.xlsx")
    columns = xlsx.read_xlsx_columns(tmp_path / "r.xlsx")
    assert len(columns) == 5 and all(len(c) == 6 for c in columns)
    assert columns[2][2:4] == ["id", "a"] and columns[4][5] == "stray"
    table, problems = register.read_table(tmp_path / "r.xlsx", "r.xlsx")
    assert table is not None and table.numbers == [4]  # row 6 holds only a stray cell
    assert [p.where for p in problems] == ["row 6"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(CELLS, max_size=40), min_size=1, max_size=5),
    st.sampled_from([None, 1, 3]),
)
def test_what_the_cleaner_knows_of_a_column_is_true(batches, repeat):
    """The cleaner's `full` (no empty cell) and `text` (texts or empty cells only), which
    spare table_of_columns a scan of the column, hold for the cells it gave."""
    if repeat:
        batches = [batch * repeat * 20 for batch in batches]
    for texts_only in (False, True):
        if texts_only:  # a CSV file's batches: texts only, and the reader says so
            batches = [[c for c in batch if type(c) is str] for batch in batches]
        clean = register.Cleaner()
        got = [
            cell
            for batch in batches
            for cell in clean(0, batch, register._TEXT if texts_only else None)
        ]
        if clean.full[0]:
            assert None not in got
        if clean.text[0]:
            assert all(cell is None or type(cell) is str for cell in got)
        if texts_only:
            assert clean.text[0]
            assert clean.full[0] == (None not in got)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from("abcdefghij"), st.integers(0, 9)), max_size=60),
    st.lists(st.integers(1, 20), min_size=1, max_size=6),
)
def test_the_early_id_check_stops_at_the_first_id_used_again(ids, sizes):
    """Batch by batch, the early check stops at the first row whose id (a text, or a whole
    number as its text) was used above, as a row-by-row look finds it, and cuts the rows
    after it."""
    seen: set[str] = set()
    first = None
    for row, cell in enumerate(ids):
        key = str(cell) if type(cell) is int else cell
        if key is not None and key in seen:
            first = row
            break
        if key is not None:
            seen.add(key)
    early = register._Early()
    columns: list[list[object]] = [["id"], ["kind"]]
    why = None
    rest = list(ids)
    for size in itertools.cycle(sizes):
        if not rest or why:
            break
        batch, rest = rest[:size], rest[size:]
        columns[0].extend(batch)
        columns[1].extend(["annual"] * len(batch))
        why = early(columns)
    if first is None:
        assert why is None and columns[0][1:] == ids
    else:
        assert why == "id"
        assert columns[0][1:] == ids[: first + 1] and len(columns[1]) == first + 2
