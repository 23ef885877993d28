"""Registers of commitments: CSV files or the first sheet of an XLSX workbook.

One row per commitment, the first row naming the columns like the TOML fields (`id, kind,
recipient, funders, first_year, ..., priority`). `funders` is written `VenJ` (one funder
paying all) or `VenJ=1/2;VWS=1/2`. Empty cells are absent fields.

The reader only turns cells into the raw values a TOML file would hold; `parse.py` then
validates register rows exactly like `[[commitments]]` tables, and every problem names the
file, the row (as the spreadsheet numbers it: the header is row 1) and the column.
Numeric spreadsheet cells are accepted as the decimal they show (67600.1 is "67600.1");
one with more than two decimals is refused by the amount parser, never rounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.errors import Problem, excerpt
from budget.kinds import COMMON_FIELDS, KINDS
from budget.load.read import RegisterError, not_a_file
from budget.load.xlsx import (
    Clean,
    as_read,
    columns_of,
    read_xlsx_columns,
    read_xlsx_columns_openpyxl,
)

Where = Callable[[str | None], str]
Row = tuple[dict[str, Any], Where]

COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys([*COMMON_FIELDS, *(f for kind in KINDS.values() for f in kind.fields)])
)
MAX_BYTES = 500 * 2**20
# The XLSX readers (path -> the first sheet's columns), by these names so that tests can
# swap calamine for openpyxl.
_read_xlsx = read_xlsx_columns
_read_xlsx_openpyxl = read_xlsx_columns_openpyxl
TEXT_COLUMNS = ("id", "recipient", "name", "source")


@dataclass(frozen=True, slots=True)
class RegisterTable:
    """A register's data rows, column by column, as read (no field checked yet).

    shown: the file as the user named it.
    columns: column name -> one cell per data row: stripped text, a number, a date, or None
        for an empty cell; `funders` already split into a key or a {key: share} table.
        Numeric cells with decimals stay floats here; `row_raw` gives their decimal text.
    numbers: the row number of each data row as a spreadsheet shows it (the header is 1).
    filled: column name -> which of its cells hold a value (a bool array), as far as known.
    texts: the columns known to hold only text (or empty cells).
    """

    shown: str
    columns: dict[str, list[Any]]
    numbers: list[int]
    filled: dict[str, Any] = field(default_factory=dict)
    texts: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.numbers)

    def filled_of(self, name: str) -> Any:
        """bool array: which cells of column `name` hold a value."""
        found = self.filled.get(name)
        return filled_cells(self.columns[name]) if found is None else found

    def row_raw(self, index: int) -> dict[str, Any]:
        """Row `index` as the raw table a TOML [[commitments]] entry would be."""
        raw: dict[str, Any] = {}
        for name, cells in self.columns.items():
            value = cells[index]
            if value is None:
                continue
            raw[name] = _decimal_text(value) if type(value) is float else value
        return raw

    def file_of(self, name: str) -> str:
        """The file every field of the register comes from."""
        return self.shown

    def where(self, index: int) -> Where:
        """How row `index` and its columns are named in messages."""
        cid = self.columns["id"][index] if "id" in self.columns else None
        return _where(self.numbers[index], cid)


def read_register(path: Path, shown: str) -> tuple[list[Row], list[Problem]]:
    """The rows of the register at `path` as raw commitment tables, each with its `where`."""
    table, problems = read_table(path, shown)
    if table is None:
        return [], problems
    return [(table.row_raw(i), table.where(i)) for i in range(len(table))], problems


def read_table(path: Path, shown: str) -> tuple[RegisterTable | None, list[Problem]]:
    """The register at `path` as columns, with the problems found while reading it."""

    def fail(message: str, hint: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(shown, "", message, hint)]

    try:
        suffix = _checked(path, "register")
        read = _read_csv if suffix == ".csv" else _read_xlsx
        cleaner = Cleaner(early=True)
        table, problems = table_of_columns(read(path, cleaner), shown, cleaned=cleaner)
    except RegisterError as exc:
        return fail(exc.message, exc.hint)
    if cleaner.stopped and table is not None and table.numbers:
        problems.append(Problem(shown, "", *_stopped_line(cleaner.stopped, table.numbers[-1])))
    if table is not None and suffix == ".csv" and _semicolons(path):
        _read_dutch(table)
    return table, problems


# The amount and date columns of a register (as budget.load.columns reads them).
DUTCH_AMOUNTS = ("amount", "cap", "shortfall", "total", "total_cap")
DUTCH_DATES = ("start", "end")


def _semicolons(path: Path) -> bool:
    try:
        return csv_separator(path) == ";"
    except OSError:  # read a moment ago; gone now: read it as ','
        return False


def _read_dutch(table: RegisterTable) -> None:
    """A `;`-separated register's amounts and dates as Dutch Excel writes them
    ("1.234,56", "15-01-2026") turned into plain ones, column by column; any other cell
    stays as it is for the field reader to accept or word."""
    from budget.load import dutch

    for name in DUTCH_AMOUNTS:
        if name in table.columns:
            plain, _ = dutch.point_amounts(table.columns[name])
            table.columns[name] = plain.tolist()
    for name in DUTCH_DATES:
        if name in table.columns:
            table.columns[name] = dutch.iso_dates(table.columns[name]).tolist()
    if "advance" in table.columns:
        table.columns["advance"] = dutch.point_shares(table.columns["advance"]).tolist()


# How a file that cannot be read is named: (what it is not, its hint, the size phrase, the
# hint for a missing file), for registers and for other tables (actuals).
_WORDS = {
    "register": (
        "is not a register",
        "registers are .csv files or .xlsx workbooks (the first sheet is read)",
        "is too large for a register (over 500 MiB)",
        "the register path is relative to the scenario's folder",
    ),
    "table": (
        "is not a table",
        ".csv files or .xlsx workbooks (the first sheet is read)",
        "is too large (over 500 MiB)",
        "the path is relative to the scenario's folder",
    ),
}


def _checked(path: Path, what: str) -> str:
    """The file's suffix when it may be read as a `what` ("register" or "table"): a CSV or
    XLSX file, regular, at most MAX_BYTES; else RegisterError saying why."""
    not_one, kinds, too_large, missing = _WORDS[what]
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise RegisterError(f"{not_one}: {suffix or 'no extension'}", kinds)
    try:
        refused = not_a_file(path, what)
        if refused:
            raise RegisterError(refused)
        if path.stat().st_size > MAX_BYTES:
            raise RegisterError(too_large)
    except FileNotFoundError:
        raise RegisterError("no such file", missing) from None
    except OSError as exc:
        raise RegisterError(f"cannot be read ({exc.strerror or exc})") from None
    return suffix


def rows_of(table: Iterable[Sequence[Any]], shown: str) -> tuple[list[Row], list[Problem]]:
    """Raw commitment tables from a header row and data rows of cell values."""
    read, problems = table_of(table, shown)
    if read is None:
        return [], problems
    return [(read.row_raw(i), read.where(i)) for i in range(len(read))], problems


def table_of(
    table: Iterable[Sequence[Any]], shown: str
) -> tuple[RegisterTable | None, list[Problem]]:
    """The columns of rows of cell values (the first row with anything in it names the
    columns), and the problems found reading them; see `table_of_columns`."""
    return table_of_columns(columns_of(list(table)), shown)


HEADER_ROWS = 20  # filled rows looked at for the header (title rows may come above it)


def header_row(rows: list[int], row_cells: Any, names: Sequence[str]) -> int:
    """The header among the first filled `rows`: the first whose filled cells (two or
    more) are all known column `names`, so that title rows above it are skipped; the first
    filled row when none is (its cells are then worded as unknown columns)."""
    for row in rows:
        if names_only(row_cells(row), names):
            return int(row)
    return int(rows[0])


def names_only(row: Sequence[Any], names: Sequence[str]) -> bool:
    """Whether the row's filled cells are two or more, and all of them column `names`."""
    cells = [str(c).strip().lower() for c in row if c is not None]
    cells = [c for c in cells if c]
    return len(cells) >= 2 and all(c in names for c in cells)


def table_of_columns(
    cells_by_column: Sequence[Sequence[Any]], shown: str, cleaned: bool | Cleaner = False
) -> tuple[RegisterTable | None, list[Problem]]:
    """A register from its columns of cell values, header included: cleaned as they come
    (a list of columns is consumed: emptied as its columns are read), or already `cleaned`
    by a reader (`Cleaner`, or that Cleaner itself: then what it knows of its columns, no
    empty cell or text only, is not found again); the columns' lists become the register's.

    The header is the first row with anything in it; rows keep the numbers a spreadsheet
    shows (the first row is 1), blank rows are skipped. Problems come in row order: the
    header's, then cells outside named columns and funders that cannot be split.
    """
    problems: list[Problem] = []
    columns_read: list[list[Any]]
    known = cleaned if isinstance(cleaned, Cleaner) else Cleaner()
    if cleaned:
        columns_read = [
            list(cells) if type(cells) is not list else cells for cells in cells_by_column
        ]
    else:
        columns_read = [known(i, cells) for i, cells in enumerate(_each_once(cells_by_column))]
    filled_by_column = [known.filled_of(i, cells) for i, cells in enumerate(columns_read)]
    anything = np.zeros(len(columns_read[0]) if columns_read else 0, dtype=bool)
    for filled_here in filled_by_column:
        anything |= filled_here
    if not anything.any():
        return None, [
            Problem(shown, "", "is empty", "the first row names the columns: id, kind, ...")
        ]
    looked = np.flatnonzero(anything)[:HEADER_ROWS].tolist()
    top = header_row(looked, lambda r: [cells[r] for cells in columns_read], COLUMNS)
    # No row's cells are all field names: the messages say where the header was looked for.
    searched = ""
    if len(looked) > 1 and not names_only([c[top] for c in columns_read], COLUMNS):
        searched = (
            f"the header is the first row whose cells are all field names; none of rows "
            f"{looked[0] + 1}-{looked[-1] + 1} is. "
        )
    header = [cells[top] for cells in columns_read]
    first_number = top + 2
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, cell in enumerate(header):
        name = "" if cell is None else str(cell).strip().lower()
        if not name:
            continue
        column = f"row {top + 1}, column {excerpt(name)}"
        if name in seen:
            problems.append(
                Problem(
                    shown, column, f"the column {excerpt(name)} appears twice", "keep one of them"
                )
            )
        elif name not in COLUMNS:
            problems.append(
                Problem(
                    shown,
                    column,
                    f"{excerpt(name)} is not a commitment field",
                    searched + "columns are named like the TOML fields: " + ", ".join(COLUMNS),
                )
            )
        else:
            columns.append((i, name))
        seen.add(name)
    body = slice(top + 1, None)
    count = len(anything) - top - 1
    named: dict[str, list[Any]] = {}
    for i, name in columns:
        del columns_read[i][: top + 1]  # the header and the rows above it, in place
        named[name] = columns_read[i]
    filled = np.zeros(count, dtype=bool)
    for i, _ in columns:
        filled |= filled_by_column[i][body]
    stray_column = np.full(count, -1, dtype=np.int64)
    for i in reversed(range(len(columns_read))):
        if header[i] is None:
            stray_column[filled_by_column[i][body]] = i
    texts: set[str] = set()  # the columns of text (or empty cells) only
    index_of = {name: i for i, name in columns}
    for name in (*TEXT_COLUMNS, "funders"):
        text = named.get(name)
        if text is None:
            continue
        if known.text.get(index_of[name]) or set(map(type, text)) <= {str, type(None)}:
            texts.add(name)
        else:
            # A spreadsheet stores an id such as 1042 as a number; it is still a name.
            named[name] = [_text_cell(v, name != "funders") for v in text]
    # Any other column that cleaning found to be text only (a CSV file's): the column
    # readers need not look at its cells' types again.
    texts.update(
        name for i, name in columns if name not in texts and name != "funders" and known.text.get(i)
    )
    keep = filled.copy()
    ordered: list[tuple[int, int, Problem]] = []
    ids = named.get("id")
    for row in np.flatnonzero(stray_column >= 0).tolist():
        number = first_number + row
        letters = column_letters(int(stray_column[row]))
        hint = f"name the column in row {top + 1}, or clear the cell"
        if not filled[row]:
            message = f"has values only in column {letters}, which has no name"
            ordered.append((row, 0, Problem(shown, f"row {number}", message, hint)))
        else:
            cid = ids[row] if ids is not None else None
            message = f"has a value in column {letters}, which has no name"
            ordered.append((row, 0, Problem(shown, _where(number, cid)(None), message, hint)))
    if "funders" in named:
        named["funders"], bad = _split_funders(named["funders"], filled, "funders" in texts)
        texts.discard("funders")  # now keys and tables of shares
        for row, problem in bad:
            cid = ids[row] if ids is not None else None
            where = _where(first_number + row, cid)("funders")
            hint = "write VenJ (one funder pays all) or VenJ=1/2;VWS=1/2"
            ordered.append((row, 1, Problem(shown, where, problem, hint)))
            # The row cannot be a commitment without its funders; one clear problem.
            keep[row] = False
    ordered.sort(key=lambda item: (item[0], item[1]))
    problems.extend(p for _, _, p in ordered)
    kept = np.flatnonzero(keep)
    filled_named = {name: filled_by_column[i][body] for i, name in columns}
    if len(kept) == count:
        out = named
    else:
        take = kept.tolist()
        out = {name: [cells[i] for i in take] for name, cells in named.items()}
        filled_named = {name: cells[kept] for name, cells in filled_named.items()}
    numbers = (kept + first_number).tolist()
    return RegisterTable(shown, out, numbers, filled_named, frozenset(texts)), problems


def _clean(cells: Sequence[Any], kinds: set[type] | None = None) -> list[Any]:
    """A column's cells as the raw values a TOML file would hold (see `_cell`), worked out
    for many cells at once: texts stripped, whole numbers as int. `kinds`: the types of
    the cells, when known."""
    kinds = set(map(type, cells)) if kinds is None else kinds
    if kinds == _TEXT:  # (a CSV file's): stripped in C; a text unchanged stays one object
        out: list[Any] = list(map(str.strip, cells))
        return [v or None for v in out] if "" in out else out
    if str in kinds:
        out = [(v.strip() or None) if type(v) is str else v for v in cells]
    else:
        out = list(cells)
    if float in kinds:
        _whole_numbers(out)
    odd = kinds - _PLAIN
    if odd:
        return [_cell(v) if type(v) in odd else v for v in out]
    return out


class _Cleaned(dict[Any, Any]):
    """A column's cells as read -> as cleaned (`_cell`), each distinct cell cleaned once;
    equal cleaned values are one object (a million rows of "annual" hold one string).

    Only for cells of the _SHAREABLE types."""

    def __init__(self) -> None:
        super().__init__()
        self.cleaned: dict[Any, Any] = {}

    def __missing__(self, cell: Any) -> Any:
        value = _cell(cell)
        value = self[cell] = self.cleaned.setdefault(value, value)
        return value


# Cells of these types are never equal to one of another type (a float is never equal to
# a text, and no True == 1.0 can meet here): a table by cell may clean them.
_SHAREABLE = frozenset({str, float, type(None)})
# A column is cleaned distinct cell by distinct cell while at most this share of its
# cells is new: a column of few values ("annual", "top_up", 2015); not ids or amounts.
NEW_SHARE = 0.1
SAMPLE = 4096  # cells that decide whether a column repeats itself


def repeats(cells: Sequence[Any]) -> bool:
    """Whether a column's first cells repeat themselves (then cleaning each distinct cell
    once pays)."""
    sample = list(itertools.islice(cells, SAMPLE))
    try:
        return len(set(sample)) <= NEW_SHARE * len(sample)
    except TypeError:  # an unhashable cell
        return False


class Cleaner:
    """Cleans a register's columns as their rows arrive, a batch at a time: column `index`
    of each batch by `cleaner(index, cells)`, so that a large sheet's raw cells are never
    all held at once. A column that repeats itself (as its first batch shows) has each
    distinct cell cleaned once, and equal cells share one object.

    `early`: the reader asks `enough(columns)` after each batch, which stops the reading
    (see `_Early`) where the rows read already hold a problem that needs no more of the
    file; `stopped` then says why: "id" (an id used again) or the column the header lacks."""

    def __init__(self, early: bool = False) -> None:
        self.shared: dict[int, _Cleaned | None] = {}
        self.early = _Early() if early else None
        self.stopped: str | None = None
        # Column index -> whether it is known that none of its cells cleaned so far is
        # empty (None), and that all are texts or empty (False: not known).
        self.full: dict[int, bool] = {}
        self.text: dict[int, bool] = {}
        # Column index -> which cells of each batch so far are filled, while known for
        # every batch (found as a text column's empty cells become None).
        self.masks: dict[int, list[npt.NDArray[np.bool_]] | None] = {}

    def enough(self, columns: list[list[Any]]) -> bool:
        """Whether to stop reading after the rows in `columns` (cut after the row that
        decided it)."""
        if self.early is None or self.stopped is not None:
            return self.stopped is not None
        self.stopped = self.early(columns)
        return self.stopped is not None

    def __call__(
        self, index: int, cells: Sequence[Any], kinds: frozenset[type] | None = None
    ) -> list[Any]:
        """Column `index` of a batch cleaned; `kinds`: the types of its cells, when the
        reader knows them (a CSV file's are text)."""
        if index not in self.shared:
            self.shared[index] = _Cleaned() if repeats(cells) else None
        shared = self.shared[index]
        found = set(map(type, cells)) if kinds is None else set(kinds)
        text = found <= {str, type(None)}  # cleaned, texts stay texts or become None
        if shared is None and found == _TEXT:  # (a CSV file's): stripped in C
            out: list[Any] = list(map(str.strip, cells))  # a text unchanged: one object
            full = "" not in out
            if full:
                self._mask(index, np.ones(len(out), dtype=bool))
            else:  # the empty texts None, found in C (and so which cells are filled)
                array = np.fromiter(out, dtype=object, count=len(out))
                empty = np.equal(array, "")
                array[empty] = None
                out = array.tolist()
                self._mask(index, ~empty)
        elif shared is None or not found <= _SHAREABLE:
            out = _clean(cells, found)
            full = False  # (not looked for)
            self.masks[index] = None
        else:
            known = len(shared)
            out = list(map(shared.__getitem__, cells))
            if len(shared) - known > NEW_SHARE * len(cells):
                self.shared[index] = None  # the column has become one of many values
            full = None not in shared.cleaned  # (no cell so far has cleaned to None)
            self.masks[index] = None
        self.full[index] = self.full.get(index, True) and full
        self.text[index] = self.text.get(index, True) and text
        return out

    def padded(self, above: int, left: int) -> None:
        """The columns were given `above` empty cells on top and `left` empty columns
        before them (a sheet's reader, after cleaning): what is known of each column
        moves with it."""
        self.full = {i + left: full and not above for i, full in self.full.items()}
        self.text = {i + left: text for i, text in self.text.items()}
        self.shared = {i + left: shared for i, shared in self.shared.items()}
        blank = np.zeros(above, dtype=bool)
        self.masks = {
            i + left: None if masks is None else [blank, *masks] for i, masks in self.masks.items()
        }

    def _mask(self, index: int, filled: npt.NDArray[np.bool_]) -> None:
        masks = self.masks.setdefault(index, [])
        if masks is not None:
            masks.append(filled)

    def filled_of(self, index: int, cells: list[Any]) -> npt.NDArray[np.bool_]:
        """Which of column `index`'s cells (as cleaned, header rows included) hold a value:
        from what cleaning found where it knows, else looked for."""
        if self.full.get(index):
            return np.ones(len(cells), dtype=bool)
        masks = self.masks.get(index)
        if masks and sum(map(len, masks)) == len(cells):  # (not cut by `enough`)
            found: npt.NDArray[np.bool_] = np.concatenate(masks)
            return found
        return filled_cells(cells)


_PLAIN = frozenset({str, float, int, type(None)})


class _Early:
    """The checks a register's reader makes on each batch of cleaned rows, so that a
    million-row file with a problem in row 5 is not read to its end first (issue 21):

    - an id used a second time: the rows after it are left unread (the duplicate itself is
      worded by the merge, as in any file);
    - a header without an `id` column (every row is then a problem, "has no id"): the
      rows after the first batch are left unread.

    The rows read are checked as usual, so the problems listed are those of a file ending
    at the row where reading stopped, and one line saying so."""

    def __init__(self) -> None:
        self.header: int | None = None  # the header's row, once known
        self.id_column = -1  # the id column (-1: none, or not checked)
        self.checked = 0  # the rows whose id was checked
        self.ids: set[str] = set()

    def __call__(self, columns: list[list[Any]]) -> str | None:
        if not columns:
            return None
        count = len(columns[0])
        if self.header is None:
            self.header = self._header(columns, count)
            if self.header is None:
                return None
            names = [_name(cells[self.header]) for cells in columns]
            if "id" not in names:  # (a row without a kind may patch an inherited one)
                if count <= self.header + 1:
                    self.header = None  # no data row yet: decided with the next batch
                    return None
                return "id column"
            if names.count("id") == 1:
                self.id_column = names.index("id")
            self.checked = self.header + 1
        if self.id_column < 0:
            return None
        cells = columns[self.id_column]
        ids = self.ids
        if self._all_new(cells[self.checked : count]):
            self.checked = count
            return None
        for row in range(self.checked, count):
            cell = cells[row]
            if type(cell) is int:
                cell = str(cell)  # a spreadsheet's id 1042 is the text "1042"
            elif type(cell) is not str:
                continue
            if cell in ids:
                for column in columns:
                    del column[row + 1 :]
                return "id"
            ids.add(cell)
        self.checked = count
        return None

    def _all_new(self, cells: list[Any]) -> bool:
        """Whether the id cells, all texts or empty, are distinct and none was seen
        before (the ids are then known); else the row-by-row check finds the first again."""
        if not set(map(type, cells)) <= {str, type(None)}:
            return False
        found = set(cells)
        found.discard(None)
        if len(found) != len(cells) - cells.count(None) or not self.ids.isdisjoint(found):
            return False
        self.ids |= found
        return True

    @staticmethod
    def _header(columns: list[list[Any]], count: int) -> int | None:
        """The header's row as `table_of_columns` finds it, or None while the rows read
        cannot decide it yet."""
        filled: list[int] = []
        for row in range(count):  # the first HEADER_ROWS filled rows
            if any(cells[row] is not None for cells in columns):
                filled.append(row)
                if len(filled) == HEADER_ROWS:
                    break
        if not filled:
            return None
        for row in filled:
            if names_only([cells[row] for cells in columns], COLUMNS):
                return row
        return filled[0] if len(filled) == HEADER_ROWS else None


def _stopped_line(why: str, last: int) -> tuple[str, str]:
    """The closing problem of a register whose reading `_Early` stopped (why), after the
    row numbered `last` as a spreadsheet numbers it."""
    if why == "id":
        return (
            f"reading stopped after row {last:,}, where an id is used a second time; the rows "
            "below it were not read",
            "fix the problems above, then check the file again",
        )
    return (
        f"reading stopped after row {last:,}: the header has no {why}, so every row is a problem",
        "the first row names the columns: id, kind, recipient, funders, ...",
    )


def _name(cell: Any) -> str:
    return "" if cell is None else str(cell).strip().lower()


def _whole_numbers(cells: list[Any]) -> None:
    """Numeric cells (floats) in place: whole ones below 2**53 as int, NaN and infinities as
    their text, the rest as they are; what `_cell` does, for a column at once."""
    at = [i for i, v in enumerate(cells) if type(v) is float]
    values = np.array([cells[i] for i in at], dtype=np.float64)
    where = np.array(at, dtype=np.intp)
    finite = np.isfinite(values)
    whole = finite & (np.abs(values) < 2**53) & (np.trunc(values) == values)
    for i, number in zip(
        where[whole].tolist(), values[whole].astype(np.int64).tolist(), strict=True
    ):
        cells[i] = number
    for i in where[~finite].tolist():
        cells[i] = str(cells[i])


def _each_once(columns: Sequence[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The columns in order; a list of them is emptied on the way, so that each column's
    raw cells are freed once cleaned (a million-row register holds one copy at a time)."""
    if not isinstance(columns, list):
        yield from columns
        return
    columns.reverse()
    while columns:
        yield columns.pop()


def filled_cells(cells: list[Any]) -> Any:
    """bool array: which cells hold a value (None is an empty cell)."""
    count = len(cells)
    empty = cells.count(None)
    if empty in (0, count):
        return np.full(count, not empty, dtype=bool)
    return not_none(np.fromiter(cells, dtype=object, count=count))


def not_none(values: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """bool array: which of the cells are not None. `!= None` in C is `is not None` for
    every type a cell holds (texts, numbers, dates, booleans, tables: none compares equal
    to None, each in C), and twice as fast as a map of is_not. (Not for objects whose
    `__eq__` is Python's, such as Fraction: each would be a Python call.)"""
    found: npt.NDArray[np.bool_] = np.not_equal(values, None)  # type: ignore[call-overload]
    return found


def _split_funders(
    cells: list[Any], filled: Any, text_only: bool = False
) -> tuple[list[Any], list[tuple[int, str]]]:
    """Each distinct funders cell split once; the rows whose cell cannot be split.
    `text_only`: the cells are known to be text or None."""
    if text_only or set(map(type, cells)) <= {str, type(None)}:
        split = {text: _funders(text) for text in dict.fromkeys(cells) if text is not None}
        values = {text: value for text, (value, _) in split.items()}
        values[None] = None
        wrong = {text: problem for text, (_, problem) in split.items() if problem}
        rows = enumerate(cells) if wrong else iter(())
        return list(map(values.__getitem__, cells)), [
            (row, wrong[text]) for row, text in rows if text in wrong and filled[row]
        ]
    cache: dict[Any, tuple[Any, str]] = {}
    out: list[Any] = []
    bad: list[tuple[int, str]] = []
    for row, text in enumerate(cells):
        if text is None:
            out.append(None)
            continue
        try:
            found = cache.get(text)
        except TypeError:  # an unhashable cell
            found = None
        if found is None:
            found = _funders(text)
            if len(cache) < 100_000:
                cache[text] = found
        value, problem = found
        if problem and filled[row]:
            bad.append((row, problem))
        out.append(value)
    return out, bad


def _text_cell(value: Any, whole_numbers: bool = True) -> Any:
    if type(value) is int and whole_numbers:
        return str(value)
    return _decimal_text(value) if type(value) is float else value


def _decimal_text(value: float) -> str:
    """The decimal a spreadsheet shows for a numeric cell with decimals."""
    # The shortest text that reads back as this float is the decimal the cell shows; the
    # amount parser refuses it if it has more than two decimals.
    return format(Decimal(repr(value)), "f")


def _where(number: int, cid: object) -> Where:
    who = f"row {number} (commitment {excerpt(cid)})" if isinstance(cid, str) else f"row {number}"

    def where(name: str | None) -> str:
        return f"{who}, column {excerpt(name)}" if name else who

    return where


def _cell(value: Any) -> Any:
    """A cell as the raw value a TOML file would hold; None for an empty cell."""
    if value is None:
        return None
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value  # its decimal text is made when the row is read (`row_raw`)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date()
        return value
    return value


def _funders(text: Any) -> tuple[Any, str]:
    """`VenJ` -> "VenJ"; `VenJ=1/2;VWS=1/2` -> {"VenJ": "1/2", "VWS": "1/2"}; and a problem."""
    if not isinstance(text, str):
        return None, f"{excerpt(text)} is not a list of funders"
    if "=" not in text and ";" not in text:
        return text, ""
    shares: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, share = part.partition("=")
        key, share = key.strip(), share.strip()
        if not sep or not key or not share:
            return None, f"{excerpt(part)} is not funder=share"
        if key in shares:
            return None, f"the funder {excerpt(key)} is named twice"
        shares[key] = share
    if not shares:
        return None, f"{excerpt(text)} names no funder"
    return shares, ""


def column_letters(index: int) -> str:
    """0 -> "A", 26 -> "AA": the spreadsheet name of a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


CSV_ROWS = 65_536  # rows of a CSV file read (and cleaned) at a time
_TEXT = frozenset({str})


def csv_separator(path: Path) -> str:
    """The CSV file's field separator: `;` when its first line has a semicolon and no
    comma (Excel in many European locales saves CSV so), else `,`. Raises OSError."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    # A file of only a byte-order mark has no first line.
    first = next(iter(head.decode("utf-8-sig", errors="replace").splitlines()), "")
    return ";" if first and "," not in first and ";" in first else ","


# Bounds on a CSV table's first line, checked before the file is parsed (issue 21): a
# header line of 200 MB or 700,000 columns would otherwise take gigabytes to refuse.
MAX_LINE = 2**20  # bytes of the first line (a register's header is a few hundred)
MAX_COLUMNS = 1000  # cells of the first line (a register has one column per field)


def _first_line_bounds(path: Path, sep: str) -> None:
    """RegisterError when the file's first line is longer than MAX_LINE bytes or has more
    than MAX_COLUMNS cells; reads at most MAX_LINE + 1 bytes. Raises OSError."""
    with path.open("rb") as handle:
        head = handle.read(MAX_LINE + 1)
    end = head.find(b"\n")
    if end < 0 and len(head) > MAX_LINE:
        raise RegisterError(
            f"has a first line longer than {MAX_LINE // 2**20} MiB, more than a header may be",
            "the first row names the columns (id, kind, ...), one row per line",
        )
    line = head[: end if end >= 0 else len(head)]
    if line.count(sep.encode()) < MAX_COLUMNS:
        return  # fewer separators than the bound: fewer cells, quoted or not
    text = line.decode("utf-8-sig", errors="replace")
    cells = len(next(csv.reader([text], delimiter=sep), []))
    if cells > MAX_COLUMNS:
        raise RegisterError(
            f"has {cells:,} columns in its first row, more than a table may have ({MAX_COLUMNS:,})",
            "a register has one column per field: id, kind, recipient, funders, ...",
        )


def _read_csv(path: Path, clean: Clean = as_read) -> list[list[Any]]:
    """The CSV file's cells, column by column, each part of its rows cleaned by `clean` as
    it is read (so that a large file's raw cells are never all held at once)."""
    try:
        sep = csv_separator(path)
        _first_line_bounds(path, sep)
        columns: list[list[Any]] = []
        with pd.read_csv(
            path,
            sep=sep,
            header=None,
            # Every cell as the Python text it is (na_filter off); object columns, not
            # pandas' string arrays, which cost time to build and to turn into lists.
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            engine="c",
            chunksize=CSV_ROWS,
        ) as frames:
            enough = getattr(clean, "enough", None)
            # A Cleaner is told the cells are text (no other type is read).
            texts = isinstance(clean, Cleaner)
            for frame in frames:
                if not columns:
                    columns = [[] for _ in frame.columns]
                for index, name in enumerate(frame.columns):
                    cells = frame[name].tolist()
                    columns[index].extend(
                        clean(index, cells, _TEXT) if texts else clean(index, cells)  # type: ignore[call-arg]
                    )
                if enough is not None and enough(columns):
                    break
    except pd.errors.EmptyDataError:
        raise RegisterError("is empty", "the first row names the columns: id, kind, ...") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        detail = (
            f"row {found[2]} has {found[3]} cells, the header {found[1]}"
            if found
            else str(exc).strip()
        )
        raise RegisterError(
            f"is not a well-formed CSV file: {detail}",
            "every row needs as many cells as the header; quote cells that hold commas",
        ) from None
    except UnicodeDecodeError as exc:
        raise RegisterError(f"is not UTF-8 text (byte {exc.start})", "save it as UTF-8") from None
    except OSError as exc:
        raise RegisterError(f"cannot be read ({exc.strerror or exc})") from None
    return columns


def read_cells(path: Path) -> Sequence[Sequence[Any]]:
    """The cells of a CSV file (`,` or `;`, UTF-8 with or without a byte-order mark) or of
    an XLSX workbook's first sheet, row by row, as the register reader sees them (CSV cells
    are text; spreadsheet cells keep their type), with the same checks of the file as a
    register. Raises RegisterError when the file cannot be read as a table. Other tables
    (actuals) are read through this."""
    suffix = _checked(path, "table")
    columns = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    return [list(row) for row in zip(*columns, strict=True)]


def read_cell_columns(path: Path) -> list[list[Any]]:
    """The cells of `read_cells`, column by column (each column as long as the table),
    without making a list per row: what a reader that checks columns wants (actuals)."""
    suffix = _checked(path, "table")
    columns = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    height = max(map(len, columns), default=0)
    return [c if len(c) == height else [*c, *([None] * (height - len(c)))] for c in columns]
