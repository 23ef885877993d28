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
    style wins over a quick cell at the same place).

    Every cell's style is registered with the workbook by this call, in the order of the
    cells (as openpyxl does); the rows themselves are made as they are iterated, so that
    the save can make them while it writes (and compresses) the file."""
    rows = _Rows(cells, dimensions, quick)
    rows.register_styles()
    return rows.xml()


class _Rows:
    """The cells of one sheet by row, merged from openpyxl's cells and the quick cells."""

    def __init__(
        self, cells: dict[tuple[int, int], Any], dimensions: Any, quick: QuickCells | None
    ) -> None:
        self.by_row: dict[int, list[Any]] = {}
        for (row, _column), cell in sorted(cells.items()):
            self.by_row.setdefault(row, []).append(cell)
        self.quick_rows = quick.rows if quick is not None else {}
        self.dimensions = dimensions
        self.order = sorted(self.by_row.keys() | self.quick_rows.keys() | dimensions.keys())
        self.workbook: Any = quick.ws.parent if quick is not None else None
        self.arrays = quick.styles.arrays if quick is not None else []
        self.token_styles: list[str | None] = [None] * len(self.arrays)
        self.style_ids: dict[bytes, int] = {}

    def merged(self, row: int) -> list[tuple[int, Any]]:
        """A row's cells in column order: (column, quick entry or openpyxl cell)."""
        own = self.by_row.get(row, ())
        mine = self.quick_rows.get(row)
        if not mine:
            return [(cell.column, cell) for cell in own]
        placed = {cell.column: cell for cell in own if has_content(cell)}
        out: list[tuple[int, Any]] = [(c, e) for c, e in mine.items() if c not in placed]
        out.extend(placed.items())
        out.sort(key=_first)
        return out

    def register_styles(self) -> None:
        token_styles = self.token_styles
        for row in self.order:
            if row in self.by_row:
                for _column, item in self.merged(row):
                    if type(item) is tuple:
                        if token_styles[item[2]] is None:
                            self.token_style(item[2])
                    else:
                        self.cell_style(item)
                continue
            mine = self.quick_rows.get(row)
            if mine:
                for column in sorted(mine):
                    token = mine[column][2]
                    if token_styles[token] is None:
                        self.token_style(token)

    def token_style(self, token: int) -> str:
        """The ` s="N"` attribute of a quick cell's style ("" for no style), registered."""
        style = self.token_styles[token]
        if style is None:
            array = self.arrays[token]
            style = ""
            if any(array):
                key = array.tobytes()
                number = self.style_ids.get(key)
                if number is None:
                    number = self.style_ids[key] = self.workbook._cell_styles.add(array)
                style = f' s="{number}"'
            self.token_styles[token] = style
        return style

    def cell_style(self, cell: Any) -> str:
        """The ` s="N"` attribute of an openpyxl cell's style, registered."""
        array = cell._style
        if array is None or not any(array):
            return ""
        key = array.tobytes()
        number = self.style_ids.get(key)
        if number is None:
            number = self.style_ids[key] = cell.style_id  # registers the style
        return f' s="{number}"'

    def xml(self) -> Iterator[str]:
        letters: dict[int, str] = {}
        token_styles = self.token_styles
        texts: dict[str, str] = {}  # text -> its escaped XML, for text that repeats
        for row in self.order:
            attributes = "".join(f' {k}="{v}"' for k, v in self.dimensions.get(row, {}))
            parts = [f'<row r="{row}"{attributes}>']
            mine = self.quick_rows.get(row)
            if mine and row not in self.by_row:
                # Only quick cells: the common case, written inline for speed. The XML is
                # the same as _cell_xml's.
                for column in sorted(mine):
                    kind, value, token = mine[column]
                    style = token_styles[token]
                    letter = letters.get(column)
                    if letter is None:
                        letter = letters[column] = get_column_letter(column)
                    if value is None or value == "":
                        if value is None and not style:
                            continue
                        parts.append(f'<c r="{letter}{row}"{style} t="{_t(kind)}"/>')
                    elif kind == "n":
                        text = repr(value) if type(value) is float else str(value)
                        parts.append(f'<c r="{letter}{row}"{style} t="n"><v>{text}</v></c>')
                    elif kind == "s":
                        escaped = texts.get(value)
                        if escaped is None:
                            escaped = texts[value] = escape(value)
                            if len(texts) > 100_000:
                                texts.clear()
                        parts.append(
                            f'<c r="{letter}{row}"{style} t="inlineStr"><is>'
                            f'<t xml:space="preserve">{escaped}</t></is></c>'
                        )
                    else:
                        parts.append(
                            f'<c r="{letter}{row}"{style}><f>{escape(value[1:])}</f><v></v></c>'
                        )
                parts.append("</row>")
                yield "".join(parts)
                continue
            for column, item in self.merged(row):
                letter = letters.get(column)
                if letter is None:
                    letter = letters[column] = get_column_letter(column)
                if type(item) is tuple:
                    kind, value, token = item
                    style = token_styles[token] or ""
                else:
                    kind, value, style = item.data_type, item._value, self.cell_style(item)
                if value is None and not style:
                    continue
                parts.append(_cell_xml(f"{letter}{row}", style, kind, value))
            parts.append("</row>")
            yield "".join(parts)


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


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
