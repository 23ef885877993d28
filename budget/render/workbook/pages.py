"""Printed pages that keep a table's totals with its lines.

Every sheet prints landscape on A4, one page wide (`sheetxml.tail_xml`): the spreadsheet
program scales the sheet to the page's width and breaks pages where they fill up, so a
table's last lines ("Total OCW", "Total") could start a page of their own.
`keep_totals_with_lines(sheet, totals)` lays the pages out here instead: it estimates how
many rows a page holds at the scale the sheet will print (from the column widths and row
heights, with room to spare, so that the program never needs a break of its own) and puts
a manual break before every page; where a total line (or a table's last line) would
come within the first `lines` lines of a page, the break moves up so that `lines` lines
above it go with it; a group's title line (a funder's, on a working sheet) that would come
within a page's last lines starts the next page instead.
"""

from __future__ import annotations

from collections.abc import Collection

from budget.render.workbook.sheet import Sheet
from budget.render.workbook.sheetxml import used_range

# A4 landscape, margins 0.5 in left and right, 1 in top and bottom (sheetxml.tail_xml).
PAGE_WIDTH = 842 - 2 * 36  # points
PAGE_HEIGHT = 595 - 2 * 72
POINTS_PER_CHARACTER = 5.25  # a column width of one character of Calibri 11 (7 px)
DEFAULT_WIDTH = 8.43
DEFAULT_HEIGHT = 15.0
# Excel's measures (a LibreOffice row is lower and a character wider, so it fits about a
# third more rows on a page): the breaks must suit the program that fits fewer rows.
SPARE = 0.95  # of a page's height: the estimate stays below what the program fits


def _columns(sheet: Sheet) -> int:
    last = used_range(sheet).split(":")[-1].rstrip("0123456789")
    column = 0
    for letter in last:
        column = column * 26 + ord(letter) - 64
    return column


def scale(sheet: Sheet) -> float:
    """The scale at which the sheet prints one page wide (at most 1)."""
    width = sum(
        sheet.widths.get(c, DEFAULT_WIDTH) * POINTS_PER_CHARACTER
        for c in range(1, _columns(sheet) + 1)
    )
    return min(1.0, PAGE_WIDTH / width) if width else 1.0


def _title_rows(sheet: Sheet) -> list[int]:
    if not sheet.title_rows:
        return []
    first, last = (int(x) for x in sheet.title_rows.split(":"))
    return list(range(first, last + 1))


def keep_totals_with_lines(
    sheet: Sheet, totals: Collection[int], lines: int = 3, headings: Collection[int] = ()
) -> None:
    """Page breaks for the sheet (`sheet.row_breaks`, every page) such that no row of
    `totals` (total lines and tables' last lines) comes within the first `lines` lines of
    a page, and no row of `headings` (a group's title line) within the last `lines - 1`
    lines of a page; see the module docstring."""
    if not sheet.rows:
        return
    factor = scale(sheet)

    def height(row: int) -> float:
        return sheet.heights.get(row, DEFAULT_HEIGHT) * factor

    titles = _title_rows(sheet)
    capacity = PAGE_HEIGHT * SPARE
    repeated = sum(height(r) for r in titles)
    last = max(sheet.rows)
    forced = set(sheet.row_breaks)
    breaks: list[int] = []
    top, used, row = 1, 0.0, 1
    while row <= last:
        h = height(row)
        if used + h > capacity and row > top:
            start = row
            ahead = [t for t in range(row, row + lines) if t in totals]
            if ahead:  # totals within the page's first lines: take `lines` lines along
                start = max(top + 1, ahead[0] - lines)
                while start > top + 1 and (start in totals or _blank(sheet, start, totals)):
                    start -= 1
            else:  # a heading among the page's last lines: it starts the next page
                behind = [h for h in range(row - lines + 1, row) if h in headings and h > top]
                if behind:
                    start = behind[0]
            breaks.append(start - 1)
            top, used, row = start, repeated, start
            continue
        used += h
        if row in forced and row < last:
            breaks.append(row)
            top, used = row + 1, repeated
        row += 1
    sheet.row_breaks = sorted(set(breaks))


def _blank(sheet: Sheet, row: int, totals: Collection[int]) -> bool:
    """An empty row followed (within a row) by totals: part of the table's end."""
    cells = sheet.rows.get(row)
    empty = not cells or all(v is None or v == "" for v, _ in cells.values())
    return empty and (row + 1) in totals


def keep_funders_with_lines(sheet: Sheet, headings: Collection[int], lines: int = 3) -> None:
    """Page breaks for a sheet without totals whose groups have title lines (`headings`):
    no title line within the last `lines - 1` lines of a page."""
    keep_totals_with_lines(sheet, (), lines, headings)
