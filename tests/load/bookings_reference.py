"""The reference for budget.load.bookings' reading of a file: the row-wise reader it
replaced (issue 21: the cells read as rows through `register.read_cells`, then turned back
into columns), kept as it was so that the column-wise reader is checked to give the same
bookings and the same problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from budget.core.errors import Problem
from budget.core.model import Scenario
from budget.load import booking_cells as cells
from budget.load.booking_cells import Checker, Text
from budget.load.bookings import COLUMNS, UNPLANNED, _check_header, _separator, _unknown_ids
from budget.load.register import HEADER_ROWS, RegisterError, header_row, read_cells


def read_file(
    scenario: Scenario, shown: str
) -> tuple[dict[str, Any] | None, list[Problem], list[str]]:
    try:
        table = read_cells(Path(shown))
    except RegisterError as exc:
        return None, [Problem(shown, "", exc.message, exc.hint)], []
    filled = [n for n, row in enumerate(table[:5000]) if any(cells.cell_text(c) for c in row)]
    if not filled:
        return None, [Problem(shown, "", "is empty", "the first row names the columns")], []
    top = header_row(
        filled[:HEADER_ROWS], lambda n: [cells.cell_text(c) or None for c in table[n]], COLUMNS
    )
    header = [cells.cell_text(c).lower() for c in table[top]]
    problems = _check_header(shown, header, top + 1)
    if problems:
        return None, problems, []
    body = table[top + 1 :]
    width = max([len(header), *(len(r) for r in body)]) if body else len(header)
    if any(len(r) != width for r in body):
        body = [[*r, *([None] * (width - len(r)))] for r in body]
    text = np.empty((len(body), width), dtype=object)
    for j, cells_of_column in enumerate(zip(*body, strict=True)):
        text[:, j] = cells.as_text(cells_of_column)
    filled = text != ""
    keep = filled.any(axis=1)
    text, filled = text[keep], filled[keep]
    check = Checker(shown, np.flatnonzero(keep).astype(np.int64) + top + 2)
    index = {name: i for i, name in enumerate(header) if name}
    for i in range(width):
        if i not in index.values():
            check.report(
                filled[:, i],
                cells.letters(i),
                lambda _: "has a value in a column without a name",
                f"name the column in row {top + 1}, or clear the cell",
            )

    def column(name: str) -> Text:
        return text[:, index[name]] if name in index else np.full(len(text), "", dtype=object)

    date_column = "date" if "date" in index else "year"
    separator = _separator(Path(shown))
    days, years = cells.dates_and_years(
        check,
        column("date"),
        column("year"),
        scenario.calendar,
        date_column,
        day_first=separator == ";",
    )
    written_amounts = column("amount")
    if separator == ";":
        written_amounts = cells.comma_amounts(check, written_amounts)
    cents = cells.amounts(check, written_amounts, separator or ",")
    funders = cells.known(check, column("funder"), "funder", list(scenario.funders))
    basis = cells.basis_of(check, column("basis"))
    written = column("commitment")
    if check.problems:
        return None, check.problems, []
    ids = [c.id for c in scenario.commitments]
    known = pd.Series(written, dtype=object).isin(ids).to_numpy(bool)
    commitment = np.where(known, written, UNPLANNED).astype(object)
    warnings = _unknown_ids(check, written, known, ids)
    part = {
        "file": np.full(len(text), shown, dtype=object),
        "row": check.rows,
        "commitment": commitment,
        "written": written,
        "funder": funders,
        "basis": basis,
        "date": days,
        "year": years,
        "amount_cents": cents,
        "reference": column("reference"),
        "description": column("description"),
    }
    return part, [], warnings
