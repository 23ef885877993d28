"""The Data sheet: the tidy rows of `budget.project` as an Excel table, ready to pivot.

Columns are the rows' columns, with a euro amount (a number, euro format) before each
`*_cents` column, as in `budget run --format csv`. The sheet holds an Excel table
(ListObject) named "Data" with a header row and filters.

Speed: the rows are a `Block` of numpy columns, which the serialiser streams into the
sheet's XML at save time as inline strings (text, never formulas) and numbers, without a
Python object per cell (see benchmarks/bench_workbook.py).

When the rows would not fit on a sheet (1,048,575 below the header), the sheet says so and
the rows go to a CSV file beside the workbook (`overflow_path`), written atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from budget.render.text import rows_csv_chunks
from budget.render.workbook import styles
from budget.render.workbook.save import write_text_atomically
from budget.render.workbook.sheet import (
    Block,
    Book,
    Column,
    ColumnKind,
    Sheet,
    Table,
    column_letter,
    finish_sheet,
    header_row,
)
from budget.render.workbook.styles import Look

SHEET = "Data"
TABLE = "Data"
MAX_DATA_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header


@dataclass(frozen=True, slots=True)
class DataColumn:
    """One column of the Data sheet: its header, what its values are and the values."""

    header: str
    kind: ColumnKind
    values: np.ndarray


def data_columns(rows: pd.DataFrame) -> list[DataColumn]:
    """The sheet's columns: every column of the rows, a euro column before each *_cents."""
    out = []
    for name in rows.columns:
        series = rows[name]
        if str(name).endswith("_cents"):
            cents = series.to_numpy(dtype=np.int64)
            out.append(DataColumn(str(name).removesuffix("_cents"), ColumnKind.MONEY, cents))
            out.append(DataColumn(str(name), ColumnKind.INTEGER, cents))
        elif pd.api.types.is_integer_dtype(series.dtype):
            out.append(DataColumn(str(name), ColumnKind.INTEGER, series.to_numpy(dtype=np.int64)))
        else:
            out.append(DataColumn(str(name), ColumnKind.TEXT, series.to_numpy(dtype=object)))
    return out


# The looks of the data cells: text (format "@"), whole numbers, euros with their sign.
LOOKS = {
    ColumnKind.TEXT: Look(number_format=styles.TEXT),
    ColumnKind.INTEGER: Look(number_format=styles.CENTS),
    ColumnKind.MONEY: Look(number_format=styles.EUROS_SIGN),
}


def add_data_sheet(
    book: Book,
    rows: pd.DataFrame,
    *,
    overflow_path: Path | None = None,
    inputs: Sequence[str | Path] = (),
    limit: int | None = None,
    year_name: Callable[[int], str] | None = None,
) -> Path | None:
    """Add the Data sheet; returns the CSV file written when the rows did not fit (more
    than `limit` rows, by default MAX_DATA_ROWS). year_name: the scenario's year label; with
    it, the CSV has the columns of `--format csv` (year_label and currency too)."""
    limit = MAX_DATA_ROWS if limit is None else limit
    sheet = book.add_sheet(SHEET)
    if len(rows) > limit:  # (the columns are not made: 70 MB at a million rows)
        if overflow_path is None:
            raise ValueError("the rows do not fit on a sheet and no CSV path was given")
        conventions = None if year_name is None else (book.currency, year_name)
        write_text_atomically(overflow_path, inputs, rows_csv_chunks(rows, conventions=conventions))
        _overflow_note(sheet, len(rows), limit, overflow_path)
        return overflow_path
    columns = data_columns(rows)
    headers = [c.header for c in columns]
    header_row(sheet, 1, headers)
    ref = f"A1:{column_letter(len(columns))}{max(len(rows) + 1, 2)}"
    sheet.tables.append(Table(TABLE, ref, tuple(headers)))
    for index, column in enumerate(columns, 1):
        sheet.widths[index] = _width(column)
    block = tuple(Column(c.values, c.kind, LOOKS[c.kind]) for c in columns)
    sheet.blocks.append(Block(2, block))
    finish_sheet(sheet, freeze="A2", title_rows="1:1")
    return None


def _width(column: DataColumn) -> float:
    longest = len(column.header) + 4  # room for the filter button
    if len(column.values):
        if column.kind == ColumnKind.TEXT:
            longest = max(longest, max(len(str(v)) for v in pd.unique(column.values)))
        else:
            extreme = int(np.abs(column.values).max())
            digits = len(str(extreme))
            longest = max(
                longest, digits + digits // 3 + 5 if column.kind == ColumnKind.MONEY else digits
            )
    return float(min(longest + 2, 60))


def _overflow_note(sheet: Sheet, count: int, limit: int, csv_path: Path) -> None:
    sheet.text(1, 1, "The tidy rows are not on this sheet", styles.TITLE_LOOK)
    sheet.text(
        2,
        1,
        f"There are {count:,} rows; a sheet holds at most {limit:,} below its header. "
        f"All rows are in the CSV file {csv_path.name!r} beside this workbook "
        "(the same columns; amounts in euros with two decimals and in cents).",
        styles.WRAPPED,
    )
    sheet.widths[1] = 100
    finish_sheet(sheet, freeze=None)
