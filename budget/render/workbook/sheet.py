"""The workbook as plain data: a `Book` of `Sheet`s of cells, and the sheets' settings.

A cell is a value and a look (`styles.Look`), kept per row and column:

- a `str` is text, always: never a formula, whatever it starts with (the serialiser cleans
  it of characters a sheet cannot hold and quote-prefixes text that starts like a formula);
- an `int` or `float` is a number (`euros(cents)` for money: exact to the cent);
- a `Formula` is a formula built by this program together with its cached value, the
  value the engine computed (so that readers that do not recalculate see it);
- `None` is an empty cell that has a look (a fill, say).

Long columnar data (the Data sheet's tidy rows) is a `Block` of numpy columns, which the
serialiser streams row by row. Sheet settings: column widths, row heights, frozen panes,
print titles, manual page breaks, merged ranges, tables and charts. Nothing here writes
files: `save.save_atomically` serialises a Book.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from numbers import Integral
from pathlib import Path

import numpy as np

from budget.render.workbook import styles
from budget.render.workbook.charts import Chart
from budget.render.workbook.styles import Look
from budget.render.workbook.xmltext import ILLEGAL as XML_ILLEGAL

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
EXCEL_TEXT_LIMIT = 32_767
FORMULA_STARTS = ("=", "+", "-", "@")
FORMULA_WIDTH = 16  # room for a formula's result up to 9,999,999,999.99
ILLEGAL = XML_ILLEGAL  # characters XML forbids (budget/render/workbook/xmltext.py)


def clean_text(value: object) -> str:
    """Text that a cell can hold: characters XML forbids become U+FFFD; overlong text is
    shortened to Excel's limit, visibly."""
    text = ILLEGAL.sub("\ufffd", str(value))
    if len(text) > EXCEL_TEXT_LIMIT:
        marker = " [shortened: too long for a cell]"
        text = text[: EXCEL_TEXT_LIMIT - len(marker)] + marker
    return text


def euros(cents: int) -> int | float:
    """Cents as a euro number; whole euros stay integers, so that no float is involved."""
    cents = int(cents)
    return cents // 100 if cents % 100 == 0 else cents / 100


class Formula(tuple[str, int | float | str]):
    """A formula built by this program ("=SUM(C5:C9)", never from input text) and its cached
    value: what the engine computed for it (a number, or text such as "" or "BREACHED").
    An immutable pair (a tuple, because sheets of thousands of commitments make a hundred
    thousand of them)."""

    __slots__ = ()

    def __new__(cls, expression: str, cached: int | float | str) -> Formula:
        if expression[:1] != "=":
            raise ValueError(f"not a formula: {expression!r}")
        return tuple.__new__(cls, (expression, cached))

    @property
    def expression(self) -> str:
        return self[0]

    @property
    def cached(self) -> int | float | str:
        return self[1]

    @classmethod
    def money(cls, expression: str, cents: int) -> Formula:
        """A formula whose value is an amount: cached as euros, exact to the cent."""
        if expression[:1] != "=":
            raise ValueError(f"not a formula: {expression!r}")
        return tuple.__new__(cls, (expression, cents // 100 if cents % 100 == 0 else cents / 100))

    def __repr__(self) -> str:
        return f"Formula({self[0]!r}, {self[1]!r})"


Value = str | int | float | Formula | None
Cell = tuple[Value, Look]


class ColumnKind(StrEnum):
    """What the values of a Block's column are, and so how they are written."""

    TEXT = "text"  # any values, written as text
    INTEGER = "integer"  # whole numbers
    MONEY = "money"  # integer cents, written as euros


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a Block: its values, their ColumnKind and their look."""

    values: np.ndarray
    kind: ColumnKind
    look: Look


@dataclass(frozen=True, slots=True)
class Block:
    """Columns of equal length from sheet row `first_row` down, column A onwards."""

    first_row: int
    columns: tuple[Column, ...]

    @property
    def rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


@dataclass(frozen=True, slots=True)
class Table:
    """An Excel table (with filter buttons) over `ref` ("A1:I25"), headed by `headers`."""

    name: str
    ref: str
    headers: tuple[str, ...]
    style: str = "TableStyleMedium2"


@dataclass(frozen=True, slots=True)
class Highlight:
    """A conditional format: the cells of `ref` ("F7:G12") take `font` and `fill` while
    `formula` (built by this program, without "=", relative to the first cell of `ref`,
    e.g. "$D7>$E7") is true. Written as a differential format (dxf) of the styles part
    and a `conditionalFormatting` element of the worksheet."""

    ref: str
    formula: str
    font: styles.Font | None = None
    fill: styles.Fill | None = None


@dataclass(slots=True)
class Sheet:
    """One sheet: cells by row and column, blocks, and settings (see the module docstring).

    freeze: the top-left cell that stays scrollable ("C6": rows above and columns left stay
    in view); title_rows: rows printed on every page ("5:5"); row_breaks: rows after which
    a printed page ends; charts: (chart, top-left cell) pairs.
    """

    title: str
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    title_rows: str | None = None
    row_breaks: list[int] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[Chart, str]] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)

    def row(self, row: int) -> dict[int, Cell]:
        """The cells of `row` ({column: (value, look)}), to fill directly."""
        found = self.rows.get(row)
        if found is None:
            if not 0 < row <= MAX_ROWS:
                raise ValueError(f"row {row} is outside a sheet")
            found = self.rows[row] = {}
        return found

    def put(self, row: int, column: int, value: Value, look: Look = styles.TEXT_LOOK) -> None:
        """Any cell: text (a str is never a formula), number, Formula, or None (a blank)."""
        if not 0 < column <= MAX_COLUMNS:
            raise ValueError(f"column {column} is outside a sheet")
        self.row(row)[column] = (value, look)

    def text(self, row: int, column: int, value: object, look: Look = styles.TEXT_LOOK) -> None:
        """Input text: a string cell, whatever it starts with."""
        self.put(row, column, value if type(value) is str else str(value), look)

    def money(self, row: int, column: int, cents: int, look: Look = styles.MONEY) -> None:
        """Integer cents, shown as euros."""
        self.put(row, column, euros(cents), look)

    def number(self, row: int, column: int, value: int | float, look: Look) -> None:
        """A number (numpy's too): a year, a count, a share."""
        number = int(value) if isinstance(value, Integral) else float(value)
        self.put(row, column, number, look)

    def formula(self, row: int, column: int, formula: Formula, look: Look = styles.MONEY) -> None:
        self.put(row, column, formula, look)

    def value(self, row: int, column: int) -> Value:
        """The value at (row, column) among the cells (not the blocks), None when empty."""
        found = self.rows.get(row, {}).get(column)
        return None if found is None else found[0]

    def add_chart(self, chart: Chart, anchor: str) -> None:
        self.charts.append((chart, anchor))


@dataclass(slots=True)
class Links:
    """Cells of the Calculation sheet that other sheets refer to, as absolute references
    ("'Calculation'!$D$12"). parts: (commitment, funder, basis, year) -> a funder's part;
    inputs: (commitment, input name, year) -> a per-year input (costs, income, shortfall);
    cash: (commitment, year) -> the commitment's cash in the year."""

    parts: dict[tuple[str, str, str, int], str] = field(default_factory=dict)
    inputs: dict[tuple[str, str, int], str] = field(default_factory=dict)
    cash: dict[tuple[str, int], str] = field(default_factory=dict)


@dataclass(slots=True, weakref_slot=True)
class Book:
    """A workbook: sheets in order; `creator` and `title` (the scenario's name) go into
    the document's properties; `currency` (ISO 4217) gives the sign of the number formats
    that show one (`styles.for_currency`)."""

    creator: str = ""
    title: str = ""
    currency: str = "EUR"
    sheets: list[Sheet] = field(default_factory=list)
    # Where the Calculation sheet keeps what other sheets refer to (None without it).
    links: Links | None = None
    # The file the book will be saved as (None: not known) and the files never to be
    # written over, so that a sheet can put what it does not list in a file beside it
    # (register scale, issue 21); `beside`: the files so written, in order.
    target: Path | None = None
    protected: tuple[str | Path, ...] = ()
    beside: list[Path] = field(default_factory=list)

    def add_sheet(self, title: str) -> Sheet:
        if any(s.title == title for s in self.sheets):
            raise ValueError(f"a sheet named {title!r} exists already")
        if not 0 < len(title) <= 31 or any(c in title for c in "[]:*?/\\"):
            raise ValueError(f"{title!r} cannot name a sheet")
        sheet = Sheet(title)
        self.sheets.append(sheet)
        return sheet

    def __getitem__(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self.sheets]


def year_cell(year: int, label: Callable[[int], str] = str) -> Cell:
    """A fiscal year in a table's row: the number when `label` (e.g. Scenario.label) names
    it by its number, else the label as right-aligned text ("2014-15", "FY2015")."""
    shown = label(year)
    if shown == str(year):
        return (year, styles.YEAR_LOOK)
    return (shown, styles.YEAR_TEXT_LOOK)


def header_row(
    sheet: Sheet,
    row: int,
    labels: Iterable[str],
    first_column: int = 1,
    right_from: int | None = None,
) -> None:
    """Bold white-on-blue column headers, left-aligned; from the `right_from`-th label
    (0-based) on, right-aligned over columns of amounts."""
    cells = sheet.row(row)
    for offset, label in enumerate(labels):
        right = right_from is not None and offset >= right_from
        cells[first_column + offset] = (
            str(label),
            styles.HEADER_RIGHT_LOOK if right else styles.HEADER_LOOK,
        )


def shown_width(value: object) -> int:
    """Roughly how many characters a value takes on screen (amounts with separators and
    room for a currency sign)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):  # an int may be beyond a float, or beyond str() (4,300 digits)
        digits = int(value.bit_length() * 0.30103) + 1
        return digits + digits // 3 + 5
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 2
    text = str(value)
    return max(len(line) for line in text.splitlines()) if "\n" in text else len(text)


def fit_columns(
    sheet: Sheet,
    minimum: int = 8,
    maximum: int = 60,
    skip_rows: Iterable[int] = (),
    formula_width: int = FORMULA_WIDTH,
    cached: bool = True,
) -> None:
    """Column widths that fit the cells' contents (within minimum and maximum), with room
    for bold text and indents. `skip_rows` are rows whose text may run over into empty
    neighbours (titles, notes). A column of formulas gets room for its numbers and two
    more characters (a total is wider than what it adds up), or `formula_width` when the
    column holds no numbers. A number's width grows with its size, so each column's
    largest and smallest numbers decide; with `cached`, a formula's cached number counts
    as a number (False for sheets whose format shows it otherwise, e.g. in thousands)."""
    skipped = set(skip_rows)
    text: dict[int, int] = {}
    found: dict[int, list[int | float]] = {}  # column -> its numbers
    formulas: set[int] = set()
    for row, cells in sheet.rows.items():
        if row in skipped:
            continue
        for column, (value, _look) in cells.items():
            kind = type(value)
            if kind is int or kind is float:
                numbers_of = found.get(column)
                if numbers_of is None:
                    numbers_of = found[column] = []
                numbers_of.append(value)  # type: ignore[arg-type]
            elif kind is Formula:
                formulas.add(column)
                shows = value[1]  # type: ignore[index]
                if cached and (type(shows) is int or type(shows) is float):
                    # Room for the formula's cached number (a column whose items refer to
                    # another sheet holds few plain numbers).
                    found.setdefault(column, []).append(shows)
            elif kind is str:
                width = shown_width(value)
                if width > text.get(column, 0):
                    text[column] = width
    numbers = {
        column: max(shown_width(max(values)), shown_width(min(values)))
        for column, values in found.items()
    }
    for column in formulas:
        numbers[column] = numbers[column] + 2 if column in numbers else formula_width
    for column in text.keys() | numbers.keys():
        width = max(text.get(column, 0), numbers.get(column, 0))
        sheet.widths[column] = min(max(int(width * 1.1) + 3, minimum), maximum)


def finish_sheet(sheet: Sheet, freeze: str | None, title_rows: str | None = None) -> None:
    """Freeze panes at `freeze` (e.g. "C5": rows above and columns left stay in view) and
    repeat `title_rows` ("4:4") on every printed page. The rest of the print setup is the
    same for every sheet, finished or not, and written by `sheetxml.tail_xml`: landscape
    A4, one page wide, no gridlines, "<sheet name>, page P of N" in the footer."""
    sheet.freeze = freeze
    sheet.title_rows = title_rows


def column_letter(column: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheetname(title: str) -> str:
    """A sheet's name as formulas write it: 'Overview x EUR 1,000'."""
    return "'" + title.replace("'", "''") + "'"


def sum_formula(references: Sequence[str]) -> str:
    """=SUM(...) of references, nested so that no SUM has more than 255 arguments."""
    parts = list(references)
    if not parts:
        return "=0"
    while len(parts) > 255:
        parts = [f"SUM({','.join(parts[i : i + 255])})" for i in range(0, len(parts), 255)]
    return f"=SUM({','.join(parts)})"
