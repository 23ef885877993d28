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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from budget.money import format_euros_grouped
from budget.workbook import styles

EXCEL_TEXT_LIMIT = 32_767
FORMULA_STARTS = ("=", "+", "-", "@")


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
    cell.value = text
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    _style(cell, font, fill, alignment, border)
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
    cell.value = euros(cents)
    cell.number_format = number_format
    _style(cell, font, fill, None, border)
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
    cell.value = formula
    cell.number_format = number_format
    _style(cell, font, fill, None, border)
    return cell


def _cell(ws: Worksheet, row: int, column: int) -> Cell:
    cell = ws.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise ValueError(f"{ws.title}!{cell.coordinate} is part of a merged range")
    return cell


def euros(cents: int) -> int | float:
    """Cents as a euro number; whole euros stay integers, so that no float is involved."""
    cents = int(cents)
    return cents // 100 if cents % 100 == 0 else cents / 100


def _style(
    cell: Cell,
    font: Font | None,
    fill: PatternFill | None,
    alignment: Alignment | None,
    border: Border | None,
) -> None:
    cell.font = font if font is not None else styles.PLAIN
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border


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


def shown_width(value: Any, number_format: str) -> int:
    """Roughly how many characters a value takes on screen."""
    if value is None:
        return 0
    if isinstance(value, str) and value.startswith("=") and number_format != "@":
        return 14  # a formula's result: an amount of up to a few millions
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | float) and number_format not in ("General", "0"):
        text = format_euros_grouped(round(value * 100))
        return len(text) + (2 if "€" in number_format else 0)
    return max((len(line) for line in str(value).splitlines()), default=0)


def fit_columns(
    ws: Worksheet, minimum: int = 8, maximum: int = 60, skip_rows: Iterable[int] = ()
) -> None:
    """Column widths that fit the cells' contents (within minimum and maximum).

    `skip_rows` are rows whose text may run over into empty neighbours (titles, notes).
    """
    skipped = set(skip_rows)
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.row in skipped or cell.value is None:
                continue
            width = shown_width(cell.value, cell.number_format)
            if cell.alignment is not None and cell.alignment.indent:
                width += int(cell.alignment.indent) * 2
            if cell.font is not None and cell.font.bold:
                width = int(width * 1.1) + 1
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, minimum), maximum
        )


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
