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

from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from budget.workbook import styles
from budget.workbook.cells import header_row, write_formula, write_money, write_text

LEVELS = ("heading", "item", "subtotal", "total")


@dataclass(frozen=True, slots=True)
class YearLine:
    """One line of a year table.

    level: "heading" (a group's name, no amounts), "item", "subtotal" or "total".
    label: the text shown; key: the id shown beside it (may be empty).
    cents: one amount per column (items only; (sub)totals are formulas).
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
        letter = get_column_letter(self.value_columns[column])
        return f"{quote_sheetname(self.sheet)}!${letter}${self.rows[line]}"


def sum_formula(references: Sequence[str]) -> str:
    """=SUM(...) of references, nested so that no SUM has more than 255 arguments."""
    parts = list(references)
    if not parts:
        return "=0"
    while len(parts) > 255:
        parts = [f"SUM({','.join(parts[i : i + 255])})" for i in range(0, len(parts), 255)]
    return f"=SUM({','.join(parts)})"


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


def write_year_table(
    ws: Worksheet,
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
        header_row(ws, row, [labels[0], labels[1], *columns, "Total"], right_from=2)
        header_at = row
        row += 1
    rows: list[int] = []
    group_items: list[int] = []
    item_rows: list[int] = []
    subtotal_rows: list[int] = []
    for index, line in enumerate(lines):
        if line.level not in LEVELS:
            raise ValueError(f"unknown line level {line.level!r}")
        rows.append(row)
        bold = line.level in ("subtotal", "total", "heading")
        fill = styles.SUBTOTAL_FILL if line.level == "subtotal" else None
        border = styles.TOTAL_RULE if line.level == "total" else None
        alignment = styles.INDENT if line.level == "item" else styles.LEFT
        font = styles.BOLD if bold else styles.PLAIN
        write_text(ws, row, 1, line.label, font=font, fill=fill, alignment=alignment, border=border)
        if line.key or fill or border:
            write_text(ws, row, 2, line.key, font=font, fill=fill, border=border)
        if line.level == "heading":
            group_items = []
        elif line.level == "item":
            if len(line.cents) != len(columns):
                raise ValueError(
                    f"line {line.label!r}: {len(line.cents)} amounts, not {len(columns)}"
                )
            for position, column in enumerate(value_columns):
                if mirror is not None:
                    write_formula(
                        ws,
                        row,
                        column,
                        f"={mirror.cell(index, position)}",
                        number_format=number_format,
                        font=styles.PLAIN,
                    )
                else:
                    write_money(
                        ws,
                        row,
                        column,
                        line.cents[position],
                        number_format=number_format,
                        font=styles.PLAIN,
                    )
            group_items.append(row)
            item_rows.append(row)
        else:
            summed = group_items if line.level == "subtotal" else (subtotal_rows or item_rows)
            for column in value_columns:
                letter = get_column_letter(column)
                write_formula(
                    ws,
                    row,
                    column,
                    sum_formula(ranges(letter, summed)),
                    number_format=number_format,
                    font=font,
                    fill=fill,
                    border=border,
                )
            if line.level == "subtotal":
                subtotal_rows.append(row)
                group_items = []
        if line.level != "heading":
            first = get_column_letter(value_columns[0]) if value_columns else None
            last = get_column_letter(value_columns[-1]) if value_columns else None
            formula = f"=SUM({first}{row}:{last}{row})" if first else "=0"
            write_formula(
                ws,
                row,
                total_column,
                formula,
                number_format=number_format,
                font=styles.BOLD,
                fill=fill,
                border=border,
            )
        row += 1
    return YearTablePlacement(
        sheet=ws.title,
        header_row=header_at,
        columns=tuple(columns),
        value_columns=value_columns,
        total_column=total_column,
        lines=tuple(lines),
        rows=tuple(rows),
        last_row=row - 1,
        subtotal_rows=subtotal_rows,
    )
