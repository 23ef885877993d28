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

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.errors import Problem
from budget.fields import YEAR_MAX, YEAR_MIN
from budget.model import BASES, Scenario
from budget.money import MoneyError, parse_cents
from budget.periods import FiscalCalendar

UNPLANNED = "(unplanned)"
COLUMNS = ("date", "year", "commitment", "funder", "basis", "amount", "reference", "description")
REQUIRED = ("commitment", "funder", "amount")
# At most this many lines per column and kind of problem; then one line counts the rest.
SHOWN = 20
# Sums of bookings stay well inside int64 cents (as for scenarios).
MOST_CENTS = 2**62

Text = npt.NDArray[np.object_]


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
    for shown in paths:
        part, found, warned = _read_file(scenario, shown)
        problems.extend(found)
        warnings.extend(warned)
        if part is not None:
            parts.append(part)
    if not parts:
        return _frame([]), problems, warnings
    frame = _frame(parts)
    largest = int(np.abs(frame["amount_cents"].to_numpy()).max(initial=0))
    if largest * len(frame) > MOST_CENTS and abs(sum(map(int, frame["amount_cents"]))) > MOST_CENTS:
        problems.append(
            Problem(
                ", ".join(paths),
                "",
                "the bookings add up to more than can be added up exactly",
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


class _File:
    """One file being checked: its name, row numbers and the problems found so far."""

    def __init__(self, shown: str, rows: npt.NDArray[np.int64]) -> None:
        self.shown = shown
        self.rows = rows
        self.problems: list[Problem] = []

    def report(
        self,
        bad: npt.NDArray[np.bool_],
        column: str,
        message: Callable[[int], str],
        hint: str | Callable[[int], str],
    ) -> None:
        """One problem per bad row (the first SHOWN of them, then one line for the rest)."""
        where = np.flatnonzero(bad)
        for i in where[:SHOWN]:
            self.problems.append(
                Problem(
                    self.shown,
                    f"row {self.rows[i]}, column {column!r}",
                    message(int(i)),
                    hint if isinstance(hint, str) else hint(int(i)),
                )
            )
        if len(where) > SHOWN:
            self.problems.append(
                Problem(
                    self.shown,
                    f"column {column!r}",
                    f"{len(where) - SHOWN:,} more rows have the same kind of problem "
                    f"(up to row {self.rows[where[-1]]})",
                )
            )


def _read_file(
    scenario: Scenario, shown: str
) -> tuple[dict[str, Any] | None, list[Problem], list[str]]:
    from budget.scenario.register import RegisterError, read_cells

    try:
        cells = read_cells(Path(shown))
    except RegisterError as exc:
        return None, [Problem(shown, "", exc.message, exc.hint)], []
    top = next((n for n, row in enumerate(cells) if any(_cell_text(c) for c in row)), None)
    if top is None:
        return None, [Problem(shown, "", "is empty", "the first row names the columns")], []
    header = [_cell_text(c).lower() for c in cells[top]]
    problems = _check_header(shown, header, top + 1)
    if problems:
        return None, problems, []
    body = cells[top + 1 :]
    width = max([len(header), *(len(r) for r in body)]) if body else len(header)
    if any(len(r) != width for r in body):
        body = [[*r, *([None] * (width - len(r)))] for r in body]
    text = np.empty((len(body), width), dtype=object)
    for j, cells_of_column in enumerate(zip(*body, strict=True)):
        text[:, j] = _as_text(cells_of_column)
    filled = text != ""
    keep = filled.any(axis=1)
    text, filled = text[keep], filled[keep]
    check = _File(shown, np.flatnonzero(keep).astype(np.int64) + top + 2)
    index = {name: i for i, name in enumerate(header) if name}
    for i in range(width):
        if i not in index.values():
            check.report(
                filled[:, i],
                _letters(i),
                lambda _: "has a value in a column without a name",
                f"name the column in row {top + 1}, or clear the cell",
            )

    def column(name: str) -> Text:
        return text[:, index[name]] if name in index else np.full(len(text), "", dtype=object)

    date_column = "date" if "date" in index else "year"
    days, years = _dates_and_years(
        check, column("date"), column("year"), scenario.calendar, date_column
    )
    cents = _amounts(check, column("amount"))
    funders = _known(check, column("funder"), "funder", list(scenario.funders))
    basis = _basis(check, column("basis"))
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


def _as_text(cells: Sequence[Any]) -> list[str]:
    """A column's cells as stripped text ("" for empty), so that every later check works
    on text alone. CSV cells are all text already (the fast path)."""
    if all(type(c) is str for c in cells):
        return [c.strip() for c in cells]
    return [_cell_text(c) for c in cells]


def _cell_text(cell: Any) -> str:
    """A spreadsheet cell as the text it shows: a date cell as YYYY-MM-DD, a numeric cell
    as the decimal it holds (100.1 is "100.1"; 2015.0 is "2015")."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        if not np.isfinite(cell):
            return repr(cell)
        if cell.is_integer() and abs(cell) < 2**53:
            return str(int(cell))
        return format(Decimal(repr(cell)), "f")
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time(0) else str(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _dates_and_years(
    check: _File, dates: Text, names: Text, calendar: FiscalCalendar, column: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.int64]]:
    """Each booking's date (NaT when only a year is given) and fiscal year."""
    given = dates != ""
    shaped = (_codes(dates) != 0).sum(axis=1) == 10
    wanted = dates.copy()
    wanted[~(given & shaped)] = None
    candidates: Any = pd.Series(wanted, dtype=object)
    days = pd.to_datetime(candidates, format="%Y-%m-%d", errors="coerce").to_numpy("datetime64[D]")
    check.report(
        given & np.isnat(days),
        "date",
        lambda i: f"{dates[i]!r} is not a date",
        "write dates as YYYY-MM-DD, e.g. 2015-03-31",
    )
    calendar_year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    out_of_range = ~np.isnat(days) & ((calendar_year < YEAR_MIN) | (calendar_year > YEAR_MAX))
    check.report(
        out_of_range,
        "date",
        lambda i: f"{days[i]} is out of range",
        f"use a date from {YEAR_MIN} to {YEAR_MAX}",
    )
    days[out_of_range] = np.datetime64("NaT")
    years = np.zeros(len(dates), dtype=np.int64)
    dated = ~np.isnat(days)
    if dated.any():
        years[dated] = calendar.years_of(days[dated])

    named = names != ""
    codes = _codes(names)[:, :4].astype(np.int64)
    digits = ((names != "") & ((_codes(names) != 0).sum(axis=1) == 4)) & (
        (codes >= ord("0")) & (codes <= ord("9"))
    ).all(axis=1)
    if codes.shape[1] < 4:
        digits[:] = False
    number = np.zeros(len(names), dtype=np.int64)
    if digits.any():
        number[digits] = (codes[digits] - ord("0")) @ np.array([1000, 100, 10, 1])
    good = digits & (number >= YEAR_MIN) & (number <= YEAR_MAX)
    check.report(
        named & ~good,
        "year",
        lambda i: f"{names[i]!r} is not a fiscal year",
        "name the fiscal year as a number such as 2015 (the calendar year it ends in)",
    )
    check.report(
        named & good & dated & (number != years),
        "year",
        lambda i: f"is {number[i]}, but the date {days[i]} is in fiscal year {years[i]}",
        "give the date or the year, or make them agree",
    )
    only_year = named & good & ~dated
    years[only_year] = number[only_year]
    check.report(
        ~given & ~named,
        column,
        lambda _: "is empty",
        "every booking needs its date (YYYY-MM-DD) or its fiscal year",
    )
    return days, years


def _amounts(check: _File, amounts: Text) -> npt.NDArray[np.int64]:
    """Exact cents. Plain amounts (digits, an optional sign and point, at most two
    decimals) are read on arrays; anything else goes through parse_cents, the one amount
    parser, which accepts it or says what is wrong."""
    cents, quick = _quick_cents(amounts)
    messages: dict[int, tuple[str, str]] = {}
    for i in map(int, np.flatnonzero(~quick)):
        text = amounts[i]
        if not text:
            messages[i] = ("is empty", 'give the amount booked, e.g. "67600.00" or -250.00')
            continue
        try:
            cents[i] = parse_cents(text, allow_negative=True)
        except MoneyError as exc:
            messages[i] = (exc.message, exc.hint)
    if messages:
        bad = np.zeros(len(amounts), dtype=bool)
        bad[list(messages)] = True
        check.report(bad, "amount", lambda i: messages[i][0], lambda i: messages[i][1])
    return cents


def _codes(values: Text) -> npt.NDArray[np.uint32]:
    """The characters of each text as a (rows, longest) array of code points, 0-padded."""
    wide = np.array(values.tolist() or [""], dtype=str)[: len(values)]
    longest = max(wide.dtype.itemsize // 4, 1)
    return np.ascontiguousarray(wide, dtype=f"<U{longest}").view(np.uint32).reshape(-1, longest)


def _quick_cents(amounts: Text) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """(cents, read): amounts matching [+-]digits[.digits] with 1-15 whole digits and at
    most two decimals, read exactly with integer arithmetic on arrays."""
    codes = _codes(amounts)
    digit = (codes >= ord("0")) & (codes <= ord("9"))
    point = codes == ord(".")
    pad = codes == 0
    signed = (codes[:, 0] == ord("-")) | (codes[:, 0] == ord("+"))
    allowed = digit | point | pad
    allowed[:, 0] |= signed
    length = (~pad).sum(axis=1)
    points = point.sum(axis=1)
    at = np.where(points == 1, point.argmax(axis=1), length)
    whole = at - signed
    decimals = np.where(points == 1, length - at - 1, 0)
    # Padding only at the end: a text never holds a NUL, so this is the text's own length.
    read = allowed.all(axis=1) & (points <= 1) & (whole >= 1) & (whole <= 15) & (decimals <= 2)
    value = np.zeros(len(amounts), dtype=np.int64)
    for column in range(codes.shape[1]):
        is_digit = digit[:, column] & read
        value = np.where(is_digit, value * 10 + (codes[:, column].astype(np.int64) - 48), value)
    value = value * np.array([100, 10, 1], dtype=np.int64)[np.minimum(decimals, 2)]
    negative = codes[:, 0] == ord("-")
    return np.where(read, np.where(negative, -value, value), 0).astype(np.int64), read


def _known(check: _File, values: Text, column: str, allowed: list[str]) -> Text:
    known = pd.Series(values, dtype=object).isin(allowed).to_numpy(bool)

    def hint(i: int) -> str:
        close = difflib.get_close_matches(str(values[i]), allowed, n=1) if values[i] else []
        listed = ", ".join(allowed[:20]) + (", ..." if len(allowed) > 20 else "")
        return (f"did you mean {close[0]!r}? " if close else "") + f"{column}s are {listed}"

    check.report(
        ~known,
        column,
        lambda i: "is empty" if values[i] == "" else f"{values[i]!r} is not a {column}",
        hint,
    )
    return values


def _basis(check: _File, values: Text) -> Text:
    out = np.array([v.lower() or "cash" for v in values.tolist()], dtype=object)
    check.report(
        ~pd.Series(out, dtype=object).isin(BASES).to_numpy(bool),
        "basis",
        lambda i: f"{values[i]!r} is not a basis",
        "use cash (payments) or commitment (obligations entered); empty means cash",
    )
    return out


def _unknown_ids(
    check: _File, written: Text, known: npt.NDArray[np.bool_], ids: list[str]
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


def _letters(index: int) -> str:
    """0 -> "A", 26 -> "AA": the spreadsheet name of a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
