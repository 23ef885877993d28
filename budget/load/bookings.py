"""Actuals files: the amounts a financial system booked, read and checked column by column.

A file is CSV (`,` or `;`) or XLSX (the first sheet), read by the same reader as registers,
with a header row naming the columns: `date` (YYYY-MM-DD) or `year` (a fiscal year),
`commitment` (an id, or empty), `funder`, `basis` (`cash` when absent or empty), `amount`
(exact, at most two decimals, negative for a refund) and optionally `reference` and
`description`. Every cell is checked with array operations; each failing row gets a
Problem naming the file, the row (as a spreadsheet numbers it) and the column.

A booking whose commitment is empty, or an id the scenario does not know, is kept under
`(unplanned)`; an unknown id also gets one warning per file and id.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.errors import Problem
from budget.core.model import Scenario, rows_of
from budget.load import booking_cells as cells
from budget.load.booking_cells import SHOWN, Checker, Text
from budget.load.register import (
    HEADER_ROWS,
    RegisterError,
    csv_separator,
    header_row,
    read_cell_columns,
)

UNPLANNED = "(unplanned)"
COLUMNS = ("date", "year", "commitment", "funder", "basis", "amount", "reference", "description")
REQUIRED = ("commitment", "funder", "amount")
# Every sum of bookings, and its difference from a plan (at most 2**62 cents), stays
# inside int64 cents.
MOST_CENTS = 2**61


def read_bookings(
    scenario: Scenario, paths: Sequence[str]
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Every booking of the files at `paths` (as the user named them), the problems that
    make them unusable, and warning lines (unknown commitment ids).

    The frame has one row per booking, in file and row order: file, row, commitment (a
    scenario id or "(unplanned)"), written (the id as written), funder, basis, date
    (datetime64, NaT when only a year is given), year, amount_cents (int64), reference,
    description. Its columns are plain arrays; `actuals_frame` gives the public shape.
    """
    parts: list[dict[str, Any]] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    seen: set[Path] = set()
    same_file: dict[tuple[int, int], str] = {}
    for shown in paths:
        try:
            resolved = Path(shown).resolve()
        except (OSError, ValueError) as exc:  # a NUL in the name, a name too long
            reason = getattr(exc, "strerror", None) or "not a usable file name"
            problems.append(Problem(str(shown)[:200], "", f"cannot be read ({reason})"))
            continue
        if resolved in seen:
            problems.append(Problem(shown, "", "is named twice", "name each actuals file once"))
            continue
        seen.add(resolved)
        # A hard link is another name for the same file: the same device and inode.
        try:
            info = resolved.stat()
            identity = (info.st_dev, info.st_ino)
        except (OSError, ValueError):  # worded when the file is read
            identity = None
        if identity is not None and identity in same_file:
            problems.append(
                Problem(
                    shown,
                    "",
                    f"is the same file as {same_file[identity]} (a hard link), named twice",
                    "name each actuals file once",
                )
            )
            continue
        if identity is not None:
            same_file[identity] = shown
        part, found, warned = _read_file(scenario, shown)
        problems.extend(found)
        warnings.extend(warned)
        if part is not None:
            parts.append(part)
    if not parts:
        return _frame([]), problems, warnings
    frame = _frame(parts)
    amounts = frame["amount_cents"].to_numpy(np.int64)
    largest = int(np.abs(amounts).max(initial=0))
    # Only when it could matter, add up exactly: no partial sum may leave int64.
    if largest * len(frame) > MOST_CENTS and sum(abs(int(a)) for a in amounts) > MOST_CENTS:
        problems.append(
            Problem(
                ", ".join(paths),
                "",
                "the bookings' amounts add up to more than can be added up exactly",
                "check the amounts for a typing error; amounts are in euros",
            )
        )
    return frame, problems, warnings


def _frame(parts: list[dict[str, Any]]) -> pd.DataFrame:
    names = ("file", "row", "commitment", "written", "funder", "basis", "date", "year")
    if not parts:
        empty: dict[str, Any] = {n: np.array([], dtype=object) for n in names}
        empty.update(
            row=np.array([], np.int64),
            date=np.array([], "datetime64[D]"),
            year=np.array([], np.int64),
            amount_cents=np.array([], np.int64),
            reference=np.array([], dtype=object),
            description=np.array([], dtype=object),
        )
        return pd.DataFrame(empty)
    columns = {
        name: np.concatenate([p[name] for p in parts])
        for name in (*names, "amount_cents", "reference", "description")
    }
    return pd.DataFrame(columns)


def _read_file(
    scenario: Scenario, shown: str
) -> tuple[dict[str, Any] | None, list[Problem], list[str]]:
    try:
        table = read_cell_columns(Path(shown))
    except RegisterError as exc:
        return None, [Problem(shown, "", exc.message, exc.hint)], []
    height = len(table[0]) if table else 0
    anything = np.zeros(min(height, 5000), dtype=bool)
    for cells_of_column in table:  # the filled rows among the first 5000
        anything |= np.array([bool(cells.cell_text(c)) for c in cells_of_column[:5000]], bool)
    filled = np.flatnonzero(anything).tolist()
    if not filled:
        return None, [Problem(shown, "", "is empty", "the first row names the columns")], []
    top = header_row(
        filled[:HEADER_ROWS], lambda n: [cells.cell_text(c[n]) or None for c in table], COLUMNS
    )
    header = [cells.cell_text(c[top]).lower() for c in table]
    problems = _check_header(shown, header, top + 1)
    if problems:
        return None, problems, []
    width = len(header)
    text = np.empty((height - top - 1, width), dtype=object)
    for j, cells_of_column in enumerate(table):
        text[:, j] = cells.as_text(cells_of_column[top + 1 :])
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
    ids = rows_of(scenario.commitments).ids
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


def _separator(path: Path) -> str:
    """The field separator of a CSV file ("" for a spreadsheet)."""
    if path.suffix.lower() != ".csv":
        return ""
    try:
        return csv_separator(path)
    except OSError:  # read a moment ago; if it is gone now, read it as ','
        return ","


def _check_header(shown: str, header: list[str], row: int) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    allowed = "columns are " + ", ".join(COLUMNS)
    for name in header:
        where = f"row {row}, column {name!r}"
        if not name:
            continue
        if name in seen:
            problems.append(Problem(shown, where, f"the column {name!r} appears twice"))
        elif name not in COLUMNS:
            problems.append(Problem(shown, where, f"{name!r} is not a column of actuals", allowed))
        seen.add(name)
    missing = [name for name in REQUIRED if name not in seen]
    if "date" not in seen and "year" not in seen:
        missing.insert(0, "date (or year)")
    for name in missing:
        problems.append(Problem(shown, f"row {row}", f"has no column {name!r}", allowed))
    return problems


def _unknown_ids(
    check: Checker, written: Text, known: npt.NDArray[np.bool_], ids: list[str]
) -> list[str]:
    """One warning line per unknown id: the file, its rows and the id it probably meant."""
    unknown = ~known & (written != "")
    if not unknown.any():
        return []
    groups = pd.Series(check.rows[unknown]).groupby(written[unknown], sort=False)
    lines = []
    for value, rows in list(groups)[:SHOWN]:
        numbers = rows.to_numpy()
        listed = ", ".join(map(str, numbers[:10]))
        if len(numbers) > 10:
            listed += f" and {len(numbers) - 10:,} more"
        close = difflib.get_close_matches(str(value), ids, n=1)
        lines.append(
            f"warning: {check.shown}: row{'s' if len(numbers) > 1 else ''} {listed}, column "
            f"'commitment': {value!r} is not a commitment of this scenario; kept as "
            f"{UNPLANNED}" + (f" (did you mean {close[0]!r}?)" if close else "")
        )
    if groups.ngroups > SHOWN:
        lines.append(
            f"warning: {check.shown}: {groups.ngroups - SHOWN:,} more unknown commitment ids; "
            f"their bookings are kept as {UNPLANNED}"
        )
    return lines
