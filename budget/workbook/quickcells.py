"""Quick cells: a sheet's cells kept as plain tuples instead of openpyxl Cell objects.

openpyxl makes a Python object per cell and looks its style up cell by cell, which for the
summary sheets of a scenario with thousands of commitments (hundreds of thousands of cells)
takes seconds. `QuickCells.of(ws)` holds cells as `(kind, value, style token)` per row and
column; `save.save_atomically` writes them straight into the sheet's XML (the same XML that
openpyxl would write for the same cells, see `sheetxml.rows_xml`).

    quick = QuickCells.of(ws)
    label = quick.text_style(font=styles.BOLD, alignment=styles.LEFT)  # once, not per cell
    quick.text(row, 1, name, label)           # input text: never a formula (quote prefix)
    quick.money(row, 3, cents, quick.style(number_format=styles.EUROS))
    quick.formula(row, 4, "=SUM(C5:C9)", total)

Rules: a style is built once, when first asked for (so the workbook's fonts, fills and
formats are registered in the order the sheet uses them), and its style id is given at save
time in the order of the cells, as openpyxl does. Quick cells are not openpyxl cells:
`ws["C5"]` does not see them. `materialise(ws)` turns them into openpyxl cells, which the
save does by itself for a sheet that its quick writer cannot write (merged cells, dates...).
Where an openpyxl cell with a value or a style sits at the same place as a quick cell, the
openpyxl cell wins; a quick write removes an openpyxl cell already at its place.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from budget.workbook.cells import FORMULA_STARTS, _style, clean_text, euros

# One cell: (data type "s" | "n" | "f", value (None for a styled blank), style token).
Entry = tuple[str, Any, int]
TextStyle = tuple[int, int]  # the tokens of a text style: without and with quote prefix


class QuickStyles:
    """The styles of a workbook's quick cells: token -> StyleArray, in order of first use."""

    __slots__ = ("arrays", "by_bytes")

    def __init__(self) -> None:
        self.arrays: list[StyleArray] = []
        self.by_bytes: dict[bytes, int] = {}

    def token(self, array: StyleArray) -> int:
        key = array.tobytes()
        found = self.by_bytes.get(key)
        if found is None:
            found = self.by_bytes[key] = len(self.arrays)
            self.arrays.append(StyleArray(array))
        return found


# Where a workbook keeps its QuickStyles and a sheet its QuickCells (attributes, so that
# they live and go with the workbook and the sheet).
STYLES = "_budget_quick_styles"
CELLS = "_budget_quick_cells"


class QuickCells:
    """The quick cells of one sheet (see the module docstring).

    rows: sheet row -> {column: (data type, value, style token)}; styles: the workbook's
    QuickStyles, whose `arrays[token]` is a cell's style.
    """

    __slots__ = ("_cells", "rows", "styles", "ws")

    def __init__(self, ws: Worksheet) -> None:
        workbook = ws.parent
        assert workbook is not None
        self.ws = ws
        self.rows: dict[int, dict[int, Entry]] = {}
        found: QuickStyles | None = getattr(workbook, STYLES, None)
        if found is None:
            found = QuickStyles()
            setattr(workbook, STYLES, found)
        self.styles = found
        sheet: Any = ws  # openpyxl's internals, which its type stubs do not describe
        self._cells: dict[tuple[int, int], Any] = sheet._cells

    @classmethod
    def of(cls, ws: Worksheet) -> QuickCells:
        """The sheet's quick cells, made on first use."""
        found: QuickCells | None = getattr(ws, CELLS, None)
        if found is None:
            found = cls(ws)
            setattr(ws, CELLS, found)
        return found

    def style(
        self,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        border: Border | None = None,
        number_format: str = "General",
        quote: bool = False,
    ) -> int:
        """The token of a style (font None: the workbook's plain font, as in `write_text`)."""
        probe: Any = Cell(self.ws, row=1, column=1)  # never placed on the sheet
        _style(probe, font, fill, alignment, border, number_format, quote)
        return self.styles.token(probe._style)

    def text_style(
        self,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        border: Border | None = None,
    ) -> TextStyle:
        """The tokens of a text style, without and with Excel's quote prefix."""
        return (
            self.style(font=font, fill=fill, alignment=alignment, border=border),
            self.style(font=font, fill=fill, alignment=alignment, border=border, quote=True),
        )

    def fill_style(self, fill: PatternFill) -> int:
        """The token of a cell that only has a fill (as `ws.cell(...).fill = fill` gives)."""
        probe: Any = Cell(self.ws, row=1, column=1)
        probe.fill = fill
        return self.styles.token(probe._style)

    def row(self, row: int) -> dict[int, Entry]:
        """The cells of `row` ({column: entry}), to fill directly with `entry_*` values."""
        found = self.rows.get(row)
        if found is None:
            if not 0 < row < 1048577:
                raise ValueError(f"row {row} is outside a sheet")
            found = self.rows[row] = {}
            sheet: Any = self.ws
            if row > sheet._current_row:
                sheet._current_row = row
        return found

    def put_row(self, row: int, entries: dict[int, Entry]) -> None:
        """Write the cells of one row at once ({column: entry}, see `text_entry`)."""
        cells = self.rows.get(row)
        if cells is None:
            cells = self.row(row)
        cells.update(entries)
        if self._cells:
            for column in entries:
                self._cells.pop((row, column), None)

    def _place(self, row: int, column: int, entry: Entry) -> None:
        cells = self.rows.get(row)
        if cells is None:
            cells = self.row(row)
        cells[column] = entry
        if self._cells:
            self._cells.pop((row, column), None)

    def text(self, row: int, column: int, value: object, style: TextStyle) -> None:
        """Write `value` as text: never a formula, whatever it starts with."""
        self._place(row, column, text_entry(value, style))

    def money(self, row: int, column: int, cents: int, token: int) -> None:
        """Write integer cents as euros (a number)."""
        self._place(row, column, ("n", euros(cents), token))

    def formula(self, row: int, column: int, formula: str, token: int) -> None:
        """Write a formula built by this program (starting with "=")."""
        if not formula.startswith("="):
            raise ValueError(f"not a formula: {formula!r}")
        self._place(row, column, ("f", formula, token))

    def blank(self, row: int, column: int, token: int) -> None:
        """An empty cell with a style (a fill, say)."""
        self._place(row, column, ("n", None, token))


# Text that repeats (ids, field names, meanings): its entry depends only on the text and
# the style's two tokens, so one cache serves every workbook; cleared when it grows large.
_entries: dict[tuple[str, TextStyle], Entry] = {}


def text_entry(value: object, style: TextStyle) -> Entry:
    """A text cell's entry: cleaned text, quote prefix when it starts like a formula."""
    if type(value) is str:
        key = (value, style)
        found = _entries.get(key)
        if found is None:
            if len(_entries) >= 50_000:
                _entries.clear()
            found = _entries[key] = _text_entry(value, style)
        return found
    return _text_entry(value, style)


def _text_entry(value: object, style: TextStyle) -> Entry:
    text = clean_text(value)
    return ("s", text, style[1] if text.startswith(FORMULA_STARTS) else style[0])


def quick_cells(ws: Worksheet) -> QuickCells | None:
    """The sheet's quick cells, or None when it has none."""
    found: QuickCells | None = getattr(ws, CELLS, None)
    return found if found is not None and found.rows else None


def materialise(ws: Worksheet) -> None:
    """Turn the sheet's quick cells into openpyxl cells (for openpyxl's own writer, or to
    read them back before saving); an openpyxl cell with a value or style stays."""
    quick: QuickCells | None = getattr(ws, CELLS, None)
    if quick is None:
        return
    setattr(ws, CELLS, None)
    sheet: Any = ws
    cells = sheet._cells
    arrays = quick.styles.arrays
    for row, columns in quick.rows.items():
        for column, (kind, value, token) in columns.items():
            existing = cells.get((row, column))
            if existing is not None:
                if not isinstance(existing, Cell):
                    raise ValueError(f"{ws.title}!{existing.coordinate} is part of a merged range")
                if has_content(existing):
                    continue
            cell: Any = Cell(ws, row=row, column=column)
            cell._value = value
            cell.data_type = kind
            cell._style = StyleArray(arrays[token])
            cells[(row, column)] = cell


def has_content(cell: Any) -> bool:
    """True when an openpyxl cell has a value or a style (and so wins over a quick cell)."""
    array = cell._style
    return cell._value is not None or (array is not None and any(array))
