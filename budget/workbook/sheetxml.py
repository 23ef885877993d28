"""Fast serialisation of a sheet's cells, used by `save.save_atomically`.

openpyxl's own writer costs about ten microseconds a cell, which for the overview sheets of
a scenario with thousands of commitments adds up to many seconds. A sheet whose cells are
all plain (text, numbers, formulas; no dates, booleans, rich text, hyperlinks, comments
or merged cells) is written here instead, with the same XML that openpyxl would write:
openpyxl then writes the rest of the sheet (columns, panes, print setup, tables, charts)
around an empty `<sheetData/>`, and the save splices these rows in. Any other sheet is left
to openpyxl entirely, so nothing that openpyxl supports is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import DimensionHolder
from openpyxl.worksheet.worksheet import Worksheet

PLAIN_TYPES = {("s", str), ("n", int), ("n", float), ("f", str)}


def is_plain(ws: Worksheet) -> bool:
    """True when every cell and row of the sheet can be written by `rows_xml`."""
    sheet: Any = ws  # openpyxl's internals, which its type stubs do not describe
    for found in sheet._cells.values():
        if type(found) is not Cell:  # merged cells and the like
            return False
        cell: Any = found
        if cell._hyperlink is not None or cell._comment is not None:
            return False
        value = cell._value
        if value is not None and (cell.data_type, type(value)) not in PLAIN_TYPES:
            return False
    if any(dims.outlineLevel for dims in ws.row_dimensions.values()):
        return False
    return all(table.tableColumns for table in ws.tables.values())


def rows_xml(cells: dict[tuple[int, int], Any], dimensions: Any) -> Iterator[str]:
    """The `<row>` elements of the cells, with the rows' own attributes (height...)."""
    by_row: dict[int, list[Any]] = {}
    for (row, _column), cell in sorted(cells.items()):
        by_row.setdefault(row, []).append(cell)
    for row in dimensions.keys() - by_row.keys():
        by_row[row] = []
    letters: dict[int, str] = {}
    style_ids: dict[bytes, int] = {}
    for row in sorted(by_row):
        attributes = "".join(f' {k}="{v}"' for k, v in dimensions.get(row, {}))
        parts = [f'<row r="{row}"{attributes}>']
        for cell in by_row[row]:
            value = cell._value
            array = cell._style
            styled = array is not None and any(array)
            if value is None and not styled:
                continue
            column = cell.column
            letter = letters.get(column) or letters.setdefault(column, get_column_letter(column))
            style = ""
            if styled:
                key = array.tobytes()
                number = style_ids.get(key)
                if number is None:
                    number = style_ids[key] = cell.style_id  # registers the style
                style = f' s="{number}"'
            kind = cell.data_type
            if value is None or value == "":
                parts.append(f'<c r="{letter}{row}"{style} t="{_t(kind)}"/>')
            elif kind == "s":
                parts.append(
                    f'<c r="{letter}{row}"{style} t="inlineStr"><is><t xml:space="preserve">'
                    f"{escape(value)}</t></is></c>"
                )
            elif kind == "f":
                parts.append(f'<c r="{letter}{row}"{style}><f>{escape(value[1:])}</f><v></v></c>')
            else:
                text = repr(value) if type(value) is float else str(value)
                parts.append(f'<c r="{letter}{row}"{style} t="n"><v>{text}</v></c>')
        parts.append("</row>")
        yield "".join(parts)


def _t(kind: str) -> str:
    return "inlineStr" if kind == "s" else "n"


@contextmanager
def cells_taken_out(ws: Worksheet) -> Iterator[tuple[dict[tuple[int, int], Any], Any]]:
    """Empty the sheet's cells and row settings while openpyxl writes it; restore after."""
    sheet: Any = ws
    cells, dimensions = sheet._cells, sheet.row_dimensions
    sheet._cells = {}
    sheet.row_dimensions = DimensionHolder(worksheet=ws, default_factory=sheet._add_row)
    try:
        yield cells, dimensions
    finally:
        sheet._cells = cells
        sheet.row_dimensions = dimensions
