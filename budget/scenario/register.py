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

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from budget.errors import Problem
from budget.kinds import COMMON_FIELDS, KINDS

Where = Callable[[str | None], str]
Row = tuple[dict[str, Any], Where]

COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys([*COMMON_FIELDS, *(f for kind in KINDS.values() for f in kind.fields)])
)
MAX_BYTES = 500 * 2**20
TEXT_COLUMNS = ("id", "recipient", "name", "source")


def read_register(path: Path, shown: str) -> tuple[list[Row], list[Problem]]:
    """The rows of the register at `path` as raw commitment tables, each with its `where`."""

    def fail(message: str, hint: str = "") -> tuple[list[Row], list[Problem]]:
        return [], [Problem(shown, "", message, hint)]

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        return fail(
            f"is not a register: {suffix or 'no extension'}",
            "registers are .csv files or .xlsx workbooks (the first sheet is read)",
        )
    if not path.exists():
        return fail("no such file", "the register path is relative to the scenario's folder")
    try:
        if path.is_dir():
            return fail("is a folder, not a register")
        if path.stat().st_size > MAX_BYTES:
            return fail("is too large for a register (over 500 MiB)")
    except OSError as exc:
        return fail(f"cannot be read ({exc.strerror or exc})")
    try:
        table = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except RegisterError as exc:
        return fail(exc.message, exc.hint)
    return rows_of(table, shown)


class RegisterError(Exception):
    """A register that cannot be read at all (not a table, bad encoding, corrupt file)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def rows_of(table: Iterable[Sequence[Any]], shown: str) -> tuple[list[Row], list[Problem]]:
    """Raw commitment tables from a header row and data rows of cell values.

    The header is the first row with anything in it; rows keep the numbers a spreadsheet
    shows (the first row is 1), blank rows are skipped.
    """
    problems: list[Problem] = []
    lines = enumerate(table, start=1)
    header: Sequence[Any] | None = None
    top = 0
    for number, cells in lines:
        if any(_cell(c) is not None for c in cells):
            header, top = cells, number
            break
    if header is None:
        return [], [
            Problem(shown, "", "is empty", "the first row names the columns: id, kind, ...")
        ]
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, cell in enumerate(header):
        name = "" if _cell(cell) is None else str(cell).strip().lower()
        if not name:
            continue
        column = f"row {top}, column {name!r}"
        if name in seen:
            problems.append(
                Problem(shown, column, f"the column {name!r} appears twice", "keep one of them")
            )
        elif name not in COLUMNS:
            problems.append(
                Problem(
                    shown,
                    column,
                    f"{name!r} is not a commitment field",
                    "columns are named like the TOML fields: " + ", ".join(COLUMNS),
                )
            )
        else:
            columns.append((i, name))
        seen.add(name)
    width = len(header)
    unnamed = [i for i, c in enumerate(header) if _cell(c) is None]
    rows: list[Row] = []
    for number, cells in lines:
        raw: dict[str, Any] = {}
        size = len(cells)
        for i, name in columns:
            if i >= size:
                continue
            value = cells[i]
            # Text cells are nearly all cells: a fast path for them.
            if type(value) is str:
                value = value.strip()
                if not value:
                    continue
            else:
                value = _cell(value)
                if value is None:
                    continue
            raw[name] = value
        stray = [i for i in unnamed if i < size and _cell(cells[i]) is not None]
        if size > width:
            stray += [i for i in range(width, size) if _cell(cells[i]) is not None]
        if not raw:
            if stray:
                problems.append(
                    Problem(
                        shown,
                        f"row {number}",
                        f"has values only in column {_letters(stray[0])}, which has no name",
                        f"name the column in row {top}, or clear the cell",
                    )
                )
            continue
        for name in TEXT_COLUMNS:
            value = raw.get(name)
            # A spreadsheet stores an id such as 1042 as a number; it is still a name.
            if isinstance(value, int) and not isinstance(value, bool):
                raw[name] = str(value)
        where = _where(number, raw.get("id"))
        if stray:
            problems.append(
                Problem(
                    shown,
                    where(None),
                    f"has a value in column {_letters(stray[0])}, which has no name",
                    f"name the column in row {top}, or clear the cell",
                )
            )
        if "funders" in raw:
            funders, problem = _funders(raw["funders"])
            if problem:
                # The row cannot be a commitment without its funders; one clear problem.
                problems.append(
                    Problem(
                        shown,
                        where("funders"),
                        problem,
                        "write VenJ (one funder pays all) or VenJ=1/2;VWS=1/2",
                    )
                )
                continue
            raw["funders"] = funders
        rows.append((raw, where))
    return rows, problems


def _where(number: int, cid: object) -> Where:
    who = f"row {number} (commitment {cid!r})" if isinstance(cid, str) else f"row {number}"

    def where(name: str | None) -> str:
        return f"{who}, column {name!r}" if name else who

    return where


def _cell(value: Any) -> Any:
    """A cell as the raw value a TOML file would hold; None for an empty cell."""
    if value is None:
        return None
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
        # The shortest text that reads back as this float is the decimal the cell shows;
        # the amount parser refuses it if it has more than two decimals.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date()
        return value
    return value


def _funders(text: Any) -> tuple[Any, str]:
    """`VenJ` -> "VenJ"; `VenJ=1/2;VWS=1/2` -> {"VenJ": "1/2", "VWS": "1/2"}; and a problem."""
    if not isinstance(text, str):
        return None, f"{text!r} is not a list of funders"
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
            return None, f"{part!r} is not funder=share"
        if key in shares:
            return None, f"the funder {key!r} is named twice"
        shares[key] = share
    if not shares:
        return None, f"{text!r} names no funder"
    return shares, ""


def _letters(index: int) -> str:
    """0 -> "A", 26 -> "AA": the spreadsheet name of a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _read_csv(path: Path) -> list[list[Any]]:
    import pandas as pd

    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
        # A file of only a byte-order mark has no first line.
        first = next(iter(head.decode("utf-8-sig", errors="replace").splitlines()), "")
        # Excel in many European locales saves CSV with semicolons; take them when the
        # header has no comma at all.
        sep = ";" if first and "," not in first and ";" in first else ","
        frame = pd.read_csv(
            path,
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            engine="c",
        )
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
    return frame.to_numpy(dtype=object).tolist()


def _read_xlsx(path: Path) -> Iterable[Sequence[Any]]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl still works
        return _read_xlsx_openpyxl(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        if not book.sheet_names:
            raise RegisterError("has no sheets")
        # Keep leading empty rows and columns, so that row and column numbers are Excel's.
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except RegisterError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise RegisterError(
            f"is not a readable XLSX workbook ({type(exc).__name__})",
            "save it from Excel or LibreOffice as .xlsx, or export it as CSV",
        ) from None


def _read_xlsx_openpyxl(path: Path) -> Iterable[Sequence[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RegisterError(
            f"is not a readable XLSX workbook ({type(exc).__name__})",
            "save it from Excel or LibreOffice as .xlsx, or export it as CSV",
        ) from None
    if not book.worksheets:
        book.close()
        raise RegisterError("has no sheets")
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise RegisterError(
            f"has a first sheet that cannot be read ({type(exc).__name__})",
            "save it again from Excel or LibreOffice, or export it as CSV",
        ) from None
    finally:
        book.close()
    return rows


def read_cells(path: Path) -> Sequence[Sequence[Any]]:
    """The cells of a CSV file (`,` or `;`, UTF-8 with or without a byte-order mark) or of
    an XLSX workbook's first sheet, row by row, as the register reader sees them (CSV cells
    are text; spreadsheet cells keep their type). Raises RegisterError when the file cannot
    be read as a table. Other tables (actuals) are read through this."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise RegisterError(
            f"is not a table: {suffix or 'no extension'}",
            ".csv files or .xlsx workbooks (the first sheet is read)",
        )
    try:
        if not path.exists():
            raise RegisterError("no such file", "the path is relative to the scenario's folder")
        if path.is_dir():
            raise RegisterError("is a folder, not a table")
        if path.stat().st_size > MAX_BYTES:
            raise RegisterError("is too large (over 500 MiB)")
    except OSError as exc:
        raise RegisterError(f"cannot be read ({exc.strerror or exc})") from None
    return _read_csv(path) if suffix == ".csv" else list(_read_xlsx(path))
