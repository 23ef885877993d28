"""Fast serialisation of a sheet's cells, used by `save.save_atomically`.

openpyxl's own writer costs about ten microseconds a cell, which for the overview sheets of
a scenario with thousands of commitments adds up to many seconds. A sheet whose cells are
all plain (text, numbers, formulas; no dates, booleans, rich text, hyperlinks, comments
or merged cells) is written here instead, with the same XML that openpyxl would write:
openpyxl then writes the rest of the sheet (columns, panes, print setup, tables, charts)
around an empty `<sheetData/>`, and the save splices these rows in. The sheet's quick cells
(`quickcells.QuickCells`, plain tuples rather than Cell objects) are written with them, in
the same row and column order. Any other sheet is left to openpyxl entirely (its quick
cells made openpyxl cells first), so nothing that openpyxl supports is lost.
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

from budget.workbook.quickcells import QuickCells, has_content

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


def rows_xml(
    cells: dict[tuple[int, int], Any],
    dimensions: Any,
    quick: QuickCells | None = None,
) -> Iterator[str]:
    """The `<row>` elements of the cells, with the rows' own attributes (height...): the
    openpyxl `cells` and the sheet's `quick` cells (an openpyxl cell with a value or a
    style wins over a quick cell at the same place)."""
    by_row: dict[int, list[Any]] = {}
    for (row, _column), cell in sorted(cells.items()):
        by_row.setdefault(row, []).append(cell)
    quick_rows = quick.rows if quick is not None else {}
    rows = by_row.keys() | quick_rows.keys() | dimensions.keys()
    letters: dict[int, str] = {}
    style_ids: dict[bytes, int] = {}
    workbook: Any = quick.ws.parent if quick is not None else None
    arrays = quick.styles.arrays if quick is not None else []
    token_styles: list[str | None] = [None] * len(arrays)
    for row in sorted(rows):
        attributes = "".join(f' {k}="{v}"' for k, v in dimensions.get(row, {}))
        parts = [f'<row r="{row}"{attributes}>']
        own = by_row.get(row, ())
        mine = quick_rows.get(row)
        if mine:
            placed = {cell.column: cell for cell in own if has_content(cell)}
            merged: list[tuple[int, Any]] = [(c, e) for c, e in mine.items() if c not in placed]
            merged.extend(placed.items())
            merged.sort(key=_first)
            for column, item in merged:
                letter = letters.get(column) or letters.setdefault(
                    column, get_column_letter(column)
                )
                if type(item) is tuple:
                    kind, value, token = item
                    style = token_styles[token]
                    if style is None:
                        array = arrays[token]
                        if any(array):
                            key = array.tobytes()
                            number = style_ids.get(key)
                            if number is None:
                                number = style_ids[key] = workbook._cell_styles.add(array)
                            style = f' s="{number}"'
                        else:
                            style = ""
                        token_styles[token] = style
                    if value is None and not style:
                        continue
                    parts.append(_cell_xml(f"{letter}{row}", style, kind, value))
                else:
                    xml = _openpyxl_cell_xml(item, letter, row, style_ids)
                    if xml:
                        parts.append(xml)
        else:
            for cell in own:
                column = cell.column
                letter = letters.get(column) or letters.setdefault(
                    column, get_column_letter(column)
                )
                xml = _openpyxl_cell_xml(cell, letter, row, style_ids)
                if xml:
                    parts.append(xml)
        parts.append("</row>")
        yield "".join(parts)


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _openpyxl_cell_xml(cell: Any, letter: str, row: int, style_ids: dict[bytes, int]) -> str:
    value = cell._value
    array = cell._style
    styled = array is not None and any(array)
    if value is None and not styled:
        return ""
    style = ""
    if styled:
        key = array.tobytes()
        number = style_ids.get(key)
        if number is None:
            number = style_ids[key] = cell.style_id  # registers the style
        style = f' s="{number}"'
    return _cell_xml(f"{letter}{row}", style, cell.data_type, value)


def _cell_xml(ref: str, style: str, kind: str, value: Any) -> str:
    if value is None or value == "":
        return f'<c r="{ref}"{style} t="{_t(kind)}"/>'
    if kind == "s":
        return (
            f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
            f"{escape(value)}</t></is></c>"
        )
    if kind == "f":
        return f'<c r="{ref}"{style}><f>{escape(value[1:])}</f><v></v></c>'
    text = repr(value) if type(value) is float else str(value)
    return f'<c r="{ref}"{style} t="n"><v>{text}</v></c>'


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
