"""Writing single cells safely, and the page setup that every sheet shares.

- `write_text` is the only way text from input files enters a cell: it is stored as a
  string (never a formula, even when it starts with = + - @), marked with Excel's quote
  prefix so that it stays text when someone edits it, and cleaned of characters that XML
  cannot hold.
- `write_money` writes integer cents as a euro number (cents / 100) with a euro format.
- `write_formula` writes a formula that this program built (never from input text).
- `fit_columns` sets column widths to fit their contents; `finish_sheet` freezes panes and
  sets up landscape printing fitted to one page wide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from budget.workbook import styles

EXCEL_TEXT_LIMIT = 32_767
FORMULA_STARTS = ("=", "+", "-", "@")
FORMULA_WIDTH = 16  # room for a formula's result up to 9,999,999,999.99


def clean_text(value: object) -> str:
    """Text that a cell can hold: characters XML forbids become U+FFFD; overlong text is
    shortened to Excel's limit, visibly."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    if len(text) > EXCEL_TEXT_LIMIT:
        marker = " [shortened: too long for a cell]"
        text = text[: EXCEL_TEXT_LIMIT - len(marker)] + marker
    return text


def write_text(
    ws: Worksheet,
    row: int,
    column: int,
    value: object,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    border: Border | None = None,
) -> Cell:
    """Write `value` as text: never a formula, whatever it starts with."""
    text = clean_text(value)
    cell = _cell(ws, row, column)
    # Set directly: the value setter would take a leading "=" for a formula (and check the
    # text again, which clean_text has done).
    cell._value = text
    cell.data_type = "s"
    _style(cell, font, fill, alignment, border, "General", text.startswith(FORMULA_STARTS))
    return cell


def write_money(
    ws: Worksheet,
    row: int,
    column: int,
    cents: int,
    *,
    number_format: str = styles.EUROS,
    font: Font | None = None,
    fill: PatternFill | None = None,
    border: Border | None = None,
) -> Cell:
    """Write integer cents as euros (a number, exact to the cent in its decimal text)."""
    cell = _cell(ws, row, column)
    cell._value = euros(cents)
    cell.data_type = "n"
    _style(cell, font, fill, None, border, number_format)
    return cell


def write_formula(
    ws: Worksheet,
    row: int,
    column: int,
    formula: str,
    *,
    number_format: str = styles.EUROS,
    font: Font | None = None,
    fill: PatternFill | None = None,
    border: Border | None = None,
) -> Cell:
    """Write a formula built by this program (starting with "=")."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell = _cell(ws, row, column)
    cell._value = formula
    cell.data_type = "f"
    _style(cell, font, fill, None, border, number_format)
    return cell


def _cell(ws: Worksheet, row: int, column: int) -> Any:
    """The cell at (row, column), made if need be. Quicker than `ws.cell`, which matters
    for sheets of many thousands of lines; `_add_cell` keeps `ws.append` working after."""
    sheet: Any = ws  # openpyxl's internals, which its type stubs do not describe
    cell = sheet._cells.get((row, column))
    if cell is None:
        cell = Cell(ws, row=row, column=column)
        sheet._add_cell(cell)
    elif not isinstance(cell, Cell):
        raise ValueError(f"{ws.title}!{cell.coordinate} is part of a merged range")
    return cell


def euros(cents: int) -> int | float:
    """Cents as a euro number; whole euros stay integers, so that no float is involved."""
    cents = int(cents)
    return cents // 100 if cents % 100 == 0 else cents / 100


_StyleKey = tuple[int, int, int, int, str, bool]
_StyleCache = dict[_StyleKey, tuple[StyleArray, tuple[object, ...]]]
STYLE_CACHE = "_budget_styles"  # the attribute of a workbook that holds its cache


def _style(
    cell: Any,
    font: Font | None,
    fill: PatternFill | None,
    alignment: Alignment | None,
    border: Border | None,
    number_format: str = "General",
    quote: bool = False,
) -> None:
    """Style a cell; each combination is built once per workbook and then copied, because
    openpyxl's style setters cost far more than the cell itself."""
    font = font if font is not None else styles.PLAIN
    key = (id(font), id(fill), id(alignment), id(border), number_format, quote)
    workbook = cell.parent.parent
    cache: _StyleCache | None = getattr(workbook, STYLE_CACHE, None)
    if cache is None:
        cache = {}
        setattr(workbook, STYLE_CACHE, cache)
    found = cache.get(key)
    if found is not None:
        cell._style = StyleArray(found[0])
        return
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    cell.number_format = number_format
    if quote:
        cell.quotePrefix = True
    # The objects are kept so that their ids stay theirs while the key is in use.
    cache[key] = (StyleArray(cell._style), (font, fill, alignment, border))


def header_row(
    ws: Worksheet,
    row: int,
    labels: Iterable[str],
    first_column: int = 1,
    right_from: int | None = None,
) -> None:
    """Bold white-on-blue column headers, left-aligned; from the `right_from`-th label
    (0-based) on, right-aligned over columns of amounts."""
    for offset, label in enumerate(labels):
        right = right_from is not None and offset >= right_from
        write_text(
            ws,
            row,
            first_column + offset,
            label,
            font=styles.HEADER,
            fill=styles.HEADER_FILL,
            alignment=styles.HEADER_RIGHT if right else styles.HEADER_LEFT,
        )


def shown_width(value: Any) -> int:
    """Roughly how many characters a value takes on screen (amounts with separators and
    room for a currency sign)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | float):
        return len(f"{value:,.2f}") + 2
    text = str(value)
    return max(len(line) for line in text.splitlines()) if "\n" in text else len(text)


def fit_columns(
    ws: Worksheet,
    minimum: int = 8,
    maximum: int = 60,
    skip_rows: Iterable[int] = (),
    formula_width: int = FORMULA_WIDTH,
) -> None:
    """Column widths that fit the cells' contents (within minimum and maximum), with room
    for bold text and indents. `skip_rows` are rows whose text may run over into empty
    neighbours (titles, notes). A column of formulas gets room for its numbers and two
    more characters (a total is wider than what it adds up), or `formula_width` when the
    column holds no numbers."""
    skipped = set(skip_rows)
    text: dict[int, int] = {}
    numbers: dict[int, int] = {}
    formulas: set[int] = set()
    sheet: Any = ws
    cells = sheet._cells
    for (row, column), cell in cells.items():
        value = cell._value
        if value is None or row in skipped:
            continue
        if cell.data_type == "f":
            formulas.add(column)
            continue
        widths = text if isinstance(value, str) else numbers
        width = shown_width(value)
        if width > widths.get(column, 0):
            widths[column] = width
    _quick_widths(ws, skipped, text, numbers, formulas)
    for column in formulas:
        numbers[column] = numbers[column] + 2 if column in numbers else formula_width
    for column in text.keys() | numbers.keys():
        width = max(text.get(column, 0), numbers.get(column, 0))
        ws.column_dimensions[get_column_letter(column)].width = min(
            max(int(width * 1.1) + 3, minimum), maximum
        )


def _quick_widths(
    ws: Worksheet,
    skipped: set[int],
    text: dict[int, int],
    numbers: dict[int, int],
    formulas: set[int],
) -> None:
    """Widen `text` and `numbers` for the sheet's quick cells (see quickcells). A number's
    width grows with its size, so each column's largest and smallest numbers decide."""
    from budget.workbook.quickcells import has_content, quick_cells

    quick = quick_cells(ws)
    if quick is None:
        return
    sheet: Any = ws
    taken = {place for place, cell in sheet._cells.items() if has_content(cell)}
    taken_rows = {row for row, _column in taken}
    highest: dict[int, int | float] = {}
    lowest: dict[int, int | float] = {}
    for row, entries in quick.rows.items():
        if row in skipped:
            continue
        check = row in taken_rows
        for column, (kind, value, _token) in entries.items():
            if value is None or (check and (row, column) in taken):
                continue  # empty, or the openpyxl cell there wins
            if kind == "f":
                formulas.add(column)
            elif kind == "s":
                width = shown_width(value) if "\n" in value else len(value)
                if width > text.get(column, 0):
                    text[column] = width
            else:  # a number (the quick cells hold no booleans)
                if value > highest.get(column, value - 1):
                    highest[column] = value
                if value < lowest.get(column, value + 1):
                    lowest[column] = value
    for column, value in (*highest.items(), *lowest.items()):
        width = shown_width(value)
        if width > numbers.get(column, 0):
            numbers[column] = width


def finish_sheet(ws: Worksheet, freeze: str | None, title_rows: str | None = None) -> None:
    """Freeze panes at `freeze` (e.g. "C5": rows above and columns left stay in view) and
    print landscape on A4, fitted to one page wide, repeating `title_rows` ("4:4")."""
    if freeze:
        ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    footer = ws.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "&A, page &P of &N"
