"""The Data sheet: the tidy rows of `budget.project` as an Excel table, ready to pivot.

Columns are the rows' columns, with a euro amount (a number, euro format) before each
`*_cents` column, as in `budget run --format csv`. The sheet holds an Excel table
(ListObject) named "Data" with a header row and filters.

Speed: openpyxl builds a Python object per cell, which for 100,000 rows takes seconds even
in write-only mode (see benchmarks/bench_workbook.py). So openpyxl writes the header, the
table definition and the sheet's settings, and the data rows are streamed into the sheet's
XML at save time (`save.stream_rows`), as inline strings (text, never formulas) and numbers.

When the rows would not fit on a sheet (1,048,575 below the header), the sheet says so and
the rows go to a CSV file beside the workbook (`overflow_path`), written atomically.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from budget.money import format_euros
from budget.render import rows_csv_chunks
from budget.workbook import styles
from budget.workbook.cells import FORMULA_STARTS, clean_text, finish_sheet, header_row, write_text
from budget.workbook.save import stream_rows, write_text_atomically

SHEET = "Data"
TABLE = "Data"
MAX_DATA_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header


@dataclass(frozen=True, slots=True)
class DataColumn:
    """One column of the Data sheet: its header, values and how they are shown.

    kind: "text", "number" (integers) or "euros" (cents shown as euros).
    """

    header: str
    kind: str
    values: np.ndarray


def data_columns(rows: pd.DataFrame) -> list[DataColumn]:
    """The sheet's columns: every column of the rows, a euro column before each *_cents."""
    out = []
    for name in rows.columns:
        series = rows[name]
        if str(name).endswith("_cents"):
            cents = series.to_numpy(dtype=np.int64)
            out.append(DataColumn(str(name).removesuffix("_cents"), "euros", cents))
            out.append(DataColumn(str(name), "number", cents))
        elif pd.api.types.is_integer_dtype(series.dtype):
            out.append(DataColumn(str(name), "number", series.to_numpy(dtype=np.int64)))
        else:
            out.append(DataColumn(str(name), "text", series.to_numpy(dtype=object)))
    return out


def add_data_sheet(
    workbook: Workbook,
    rows: pd.DataFrame,
    *,
    overflow_path: Path | None = None,
    inputs: Sequence[str | Path] = (),
    limit: int | None = None,
) -> Path | None:
    """Add the Data sheet; returns the CSV file written when the rows did not fit (more
    than `limit` rows, by default MAX_DATA_ROWS)."""
    limit = MAX_DATA_ROWS if limit is None else limit
    ws = workbook.create_sheet(SHEET)
    columns = data_columns(rows)
    if len(rows) > limit:
        if overflow_path is None:
            raise ValueError("the rows do not fit on a sheet and no CSV path was given")
        write_text_atomically(overflow_path, inputs, rows_csv_chunks(rows))
        _overflow_note(ws, len(rows), limit, overflow_path)
        return overflow_path
    header_row(ws, 1, [c.header for c in columns])
    count = len(rows)
    last = get_column_letter(len(columns))
    ref = f"A1:{last}{max(count + 1, 2)}"
    table = Table(
        displayName=TABLE,
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableColumns=[TableColumn(id=i, name=c.header) for i, c in enumerate(columns, 1)],
        tableStyleInfo=TableStyleInfo(name="TableStyleMedium2", showRowStripes=True),
    )
    ws.add_table(table)
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = _width(column)
    finish_sheet(ws, freeze="A2", title_rows="1:1")
    stream_rows(ws, row_xml(_style_ids(ws), columns, count), f"A1:{last}{max(count + 1, 1)}")
    return None


def _width(column: DataColumn) -> float:
    longest = len(column.header) + 4  # room for the filter button
    if len(column.values):
        if column.kind == "text":
            longest = max(longest, max(len(str(v)) for v in pd.unique(column.values)))
        else:
            extreme = int(np.abs(column.values).max())
            digits = len(str(extreme))
            longest = max(longest, digits + digits // 3 + 5 if column.kind == "euros" else digits)
    return float(min(longest + 2, 60))


def _style_ids(ws: Worksheet) -> dict[str, int]:
    """The workbook's style index for each kind of data cell (registered, no cell made)."""
    ids = {}
    for kind, number_format, quoted in (
        ("text", "@", False),
        ("quoted", "@", True),
        ("number", styles.CENTS, False),
        ("euros", styles.EUROS_SIGN, False),
    ):
        probe = Cell(ws, row=1, column=1)  # never placed on the sheet
        probe.font = styles.PLAIN
        probe.number_format = number_format
        if quoted:
            probe.quotePrefix = True
        ids[kind] = probe.style_id
    return ids


def row_xml(
    ids: dict[str, int], columns: Sequence[DataColumn], count: int, chunk: int = 10_000
) -> Iterator[str]:
    """The data rows as sheet XML, rows 2 onwards, made `chunk` rows at a time so that
    memory stays flat; `ids` from `_style_ids` (registered before the save writes the
    styles, so not inside this generator)."""
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    caches: list[dict[object, str]] = [{} for _ in columns]

    def text(value: object, cache: dict[object, str]) -> str:
        found = cache.get(value)
        if found is None:
            shown = clean_text("" if value is None else value)
            style = ids["quoted"] if shown.startswith(FORMULA_STARTS) else ids["text"]
            found = cache[value] = (
                f'" t="inlineStr" s="{style}"><is><t xml:space="preserve">'
                f"{escape(shown)}</t></is></c>"
            )
        return found

    euros, number = ids["euros"], ids["number"]
    amounts: dict[int, str] = {}  # cents -> their cell's XML, for amounts that repeat

    def amount(cents: int) -> str:
        found = amounts.get(cents)
        if found is None:
            if len(amounts) >= 100_000:
                amounts.clear()
            found = amounts[cents] = f'" s="{euros}"><v>{format_euros(cents)}</v></c>'
        return found

    # One row: <row r="N"><c r="AN" ...><c r="BN" ...>...</row>, filled by str.format.
    row = (
        '<row r="{0}">'
        + "".join(f'<c r="{letter}{{0}}{{{i}}}' for i, letter in enumerate(letters, 1))
        + "</row>"
    ).format
    for start in range(0, count, chunk):
        stop = min(start + chunk, count)
        cells: list[list[str]] = []
        for column, cache in zip(columns, caches, strict=True):
            values = column.values[start:stop]
            if column.kind == "text":
                cells.append([text(v, cache) for v in values])
            elif column.kind == "euros":
                cells.append([amount(v) for v in values.tolist()])
            else:
                cells.append([f'" s="{number}"><v>{v}</v></c>' for v in values.tolist()])
        for r, parts in enumerate(zip(*cells, strict=True), start + 2):
            yield row(r, *parts)


def _overflow_note(ws: Worksheet, count: int, limit: int, csv_path: Path) -> None:
    write_text(ws, 1, 1, "The tidy rows are not on this sheet", font=styles.TITLE)
    write_text(
        ws,
        2,
        1,
        f"There are {count:,} rows; a sheet holds at most {limit:,} below its header. "
        f"All rows are in the CSV file {csv_path.name!r} beside this workbook "
        "(the same columns; amounts in euros with two decimals and in cents).",
        alignment=styles.WRAP,
    )
    ws.column_dimensions["A"].width = 100
    finish_sheet(ws, freeze=None)
