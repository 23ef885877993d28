"""The generic table of years across and lines down, with live SUM totals.

`write_year_table(ws, top, columns, lines)` draws one block:

    label        id      2014     2015   ...   Total
    VenJ name                                          <- "heading" line (no amounts)
      item       sin-..  0.00  33,800.00 ...   =SUM(row)
      item       mki-..  ...
    Total VenJ           =SUM(items above)      =SUM(row)   <- "subtotal"
    ...
    Total                =SUM(subtotals)        =SUM(row)   <- "total"

Item amounts are numbers; every subtotal, total and the Total column are formulas, so the
workbook stays right when someone edits an amount. A subtotal sums the items since the last
heading; the total sums the subtotals (or, without subtotals, every item). With `mirror`,
the items refer to the cells of an earlier placement (on any sheet) instead of holding
numbers: the thousands view uses that, so it always shows the same amounts.

The placement returned tells callers (charts, tests, other sheets) where everything went.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from budget.render.workbook import styles
from budget.render.workbook.sheet import (
    Cell,
    Formula,
    Sheet,
    column_letter,
    header_row,
    quote_sheetname,
    sum_formula,
)
from budget.render.workbook.styles import Look

LEVELS = ("heading", "item", "subtotal", "total")


@dataclass(frozen=True, slots=True)
class YearLine:
    """One line of a year table.

    level: "heading" (a group's name, no amounts), "item", "subtotal" or "total".
    label: the text shown; key: the id shown beside it (may be empty).
    cents: one amount per column: an item's amounts, or what a (sub)total's formulas give
    (their cached values); empty for a heading.
    """

    level: str
    label: str
    key: str = ""
    cents: tuple[int, ...] = ()


@dataclass(slots=True)
class YearTablePlacement:
    """Where a year table went on its sheet.

    sheet: the sheet's title; header_row: the row of column headers (None without header);
    rows: the sheet row of each line, in order; value_columns: the sheet column of each of
    `columns`; total_column: the column of the row totals; last_row: the table's last row.
    """

    sheet: str
    header_row: int | None
    columns: tuple[str, ...]
    value_columns: tuple[int, ...]
    total_column: int
    lines: tuple[YearLine, ...]
    rows: tuple[int, ...]
    last_row: int
    subtotal_rows: list[int] = field(default_factory=list)

    def cell(self, line: int, column: int) -> str:
        """An absolute reference to a value cell, with the sheet's name."""
        letter = column_letter(self.value_columns[column])
        return f"{quote_sheetname(self.sheet)}!${letter}${self.rows[line]}"


def ranges(column: str, rows: Sequence[int]) -> list[str]:
    """Cell references for `rows` of one column, contiguous runs merged: C5:C7,C9."""
    ordered = sorted(rows)
    out: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        first, last = ordered[i], ordered[j]
        out.append(f"{column}{first}" if i == j else f"{column}{first}:{column}{last}")
        i = j + 1
    return out


def _looks(number_format: str) -> dict[tuple[str, str], Look]:
    """The look of each (level, role) of a table's cells."""
    out: dict[tuple[str, str], Look] = {}
    for level in LEVELS:
        fill = styles.SUBTOTAL_FILL if level == "subtotal" else None
        border = styles.TOTAL_RULE if level == "total" else None
        font = styles.BOLD if level != "item" else styles.PLAIN
        alignment = styles.INDENT if level == "item" else styles.LEFT
        out[(level, "label")] = Look(font, fill, border, alignment)
        out[(level, "key")] = Look(font, fill, border)
        value_font = styles.PLAIN if level == "item" else font
        out[(level, "value")] = Look(value_font, fill, border, number_format=number_format)
        out[(level, "total")] = Look(styles.BOLD, fill, border, number_format=number_format)
    return out


def write_year_table(
    sheet: Sheet,
    top: int,
    columns: Sequence[str],
    lines: Sequence[YearLine],
    *,
    labels: tuple[str, str] = ("", "id"),
    header: bool = True,
    number_format: str = styles.EUROS,
    mirror: YearTablePlacement | None = None,
) -> YearTablePlacement:
    """Draw `lines` from row `top` down (columns A and B: label and key; then one column
    per entry of `columns`; then "Total"). See the module docstring."""
    first_value = 3
    value_columns = tuple(range(first_value, first_value + len(columns)))
    total_column = first_value + len(columns)
    row = top
    header_at = None
    if header:
        header_row(sheet, row, [labels[0], labels[1], *columns, "Total"], right_from=2)
        header_at = row
        row += 1
    rows: list[int] = []
    group_items: list[int] = []
    item_rows: list[int] = []
    subtotal_rows: list[int] = []
    looks = _looks(number_format)
    letters = [column_letter(column) for column in value_columns]
    row_total = f"=SUM({letters[0]}{{row}}:{letters[-1]}{{row}})" if letters else "=0"
    if mirror is not None:
        source = f"{quote_sheetname(mirror.sheet)}!$"
        mirrored = [column_letter(column) for column in mirror.value_columns]
    for index, line in enumerate(lines):
        level = line.level
        if level not in LEVELS:
            raise ValueError(f"unknown line level {level!r}")
        if level != "heading" and len(line.cents) != len(columns):
            raise ValueError(f"line {line.label!r}: {len(line.cents)} amounts, not {len(columns)}")
        rows.append(row)
        cells: dict[int, Cell] = sheet.row(row)
        cells[1] = (line.label, looks[(level, "label")])
        if line.key or level in ("subtotal", "total"):
            cells[2] = (line.key, looks[(level, "key")])
        value = looks[(level, "value")]
        if level == "heading":
            group_items = []
        elif level == "item":
            if mirror is not None:
                at = mirror.rows[index]
                for column, letter, cents in zip(value_columns, mirrored, line.cents, strict=True):
                    cells[column] = (Formula.money(f"={source}{letter}${at}", cents), value)
            else:
                amounts = [c // 100 if c % 100 == 0 else c / 100 for c in line.cents]
                cells.update(zip(value_columns, [(a, value) for a in amounts], strict=True))
            group_items.append(row)
            item_rows.append(row)
        else:
            summed = group_items if level == "subtotal" else (subtotal_rows or item_rows)
            for column, letter, cents in zip(value_columns, letters, line.cents, strict=True):
                cells[column] = (Formula.money(sum_formula(ranges(letter, summed)), cents), value)
            if level == "subtotal":
                subtotal_rows.append(row)
                group_items = []
        if level != "heading":
            total = Formula.money(row_total.format(row=row), sum(line.cents))
            cells[total_column] = (total, looks[(level, "total")])
        row += 1
    return YearTablePlacement(
        sheet=sheet.title,
        header_row=header_at,
        columns=tuple(columns),
        value_columns=value_columns,
        total_column=total_column,
        lines=tuple(lines),
        rows=tuple(rows),
        last_row=row - 1,
        subtotal_rows=subtotal_rows,
    )
