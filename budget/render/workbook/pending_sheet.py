"""The Pending sheet (issue 23): in a workbook that leaves pending commitments out
(`--pending none`), or has a tranche whose condition was not met, one line per such
commitment saying so, with its amounts: the same lines `budget run` prints on stderr."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from budget.render.workbook import styles
from budget.render.workbook.sheet import Book, finish_sheet

TITLE = "Pending"


def pending_sheet(lines: Sequence[str]) -> Callable[[Book], None]:
    """A writer of the Pending sheet holding `lines` (text, never formulas)."""

    def add(book: Book) -> None:
        sheet = book.add_sheet(TITLE)
        sheet.put(1, 1, "Pending commitments not counted in this workbook", styles.TITLE_LOOK)
        for row, line in enumerate(lines, start=3):
            sheet.text(row, 1, line)
        sheet.widths[1] = 120
        finish_sheet(sheet, None)

    return add
