"""XLSX registers: the first sheet's rows, read by python-calamine (openpyxl as the
fallback), after checking that the workbook does not lie about its size."""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from budget.load.read import RegisterError

MAX_UNZIPPED = 2 * 2**30  # bytes of XML in a register workbook, all parts together
MAX_RATIO = 100  # how much larger than stored a large part may unpack to
MAX_CELLS = 30_000_000  # rows x columns of the first sheet's area
SCANNED = 2**20  # a first sheet up to this size has every cell's position checked
_EXTENT = re.compile(rb'<dimension ref="[A-Z]*[0-9]*:?([A-Z]+)([0-9]+)"')
_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"')
# For a larger sheet, only the references far from A1: columns past Z or rows past 999,999
# (the letters and the digits of each, in one pass). XML allows white space around "=" and
# single quotes; the reader accepts both.
_FAR = re.compile(rb'r\s*=\s*["\'](?=[A-Z]{2}|[A-Z]{0,3}[0-9]{7})([A-Z]{0,3})([0-9]+)["\']')
_ROW = re.compile(rb'r\s*=\s*["\'][A-Z]{0,3}([0-9]+)["\']')
CHUNK = 4 * 2**20  # bytes of a large sheet scanned at a time


def check_xlsx(path: Path) -> None:
    """Refuse a workbook that would take far more memory than its size suggests, before
    a reader allocates it: parts that unpack to huge text, or a first sheet whose area
    (the declared dimension, or for a small sheet every cell's position) is vast."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
            total = sum(part.file_size for part in parts)
            if total > MAX_UNZIPPED:
                raise RegisterError(
                    f"unpacks to {total / 2**30:.1f} GiB, more than a register may "
                    f"({MAX_UNZIPPED // 2**30} GiB)",
                    "split it, or export it as CSV",
                )
            for part in parts:
                if part.file_size > 10 * 2**20 and part.file_size > MAX_RATIO * max(
                    part.compress_size, 1
                ):
                    raise RegisterError(
                        f"has a part that unpacks {part.file_size // max(part.compress_size, 1)} "
                        "times larger than it is stored, which a register never does",
                        "save it again from Excel or LibreOffice, or export it as CSV",
                    )
            sheet = _first_sheet(book)
            if sheet is None:
                return
            info = book.getinfo(sheet)
            with book.open(info) as stream:
                head = stream.read(SCANNED if info.file_size <= SCANNED else 65536)
            far = _far_cells(book, info) if info.file_size > SCANNED else []
    except RegisterError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise RegisterError(
            f"is not a readable XLSX workbook ({type(exc).__name__})",
            "save it from Excel or LibreOffice as .xlsx, or export it as CSV",
        ) from None
    extents = [m.groups() for m in _EXTENT.finditer(head)] + far
    if info.file_size <= SCANNED:
        extents += [m.groups() for m in _CELL.finditer(head)]
    rows = max((_row_number(r) for _, r in extents), default=0)
    columns = max((_column_number(c) for c, _ in extents), default=0)
    if rows * columns > MAX_CELLS:
        raise RegisterError(
            f"has a first sheet that spans {rows:,} rows and {columns:,} columns, more than "
            f"a register may ({MAX_CELLS:,} cells)",
            "clear the cells far outside the table, or export it as CSV",
        )


def _far_cells(book: Any, info: Any) -> list[tuple[bytes, bytes]]:
    """The sheet's farthest extent (column letters, row digits) read from every cell
    reference, in chunks: without it, a large sheet with no dimension and one cell at
    XFD1048576 would make the reader allocate 17 billion cells.

    Cheap for the usual register: only references past column Z or row 999,999 match. A
    sheet no wider than Z spans at most 26 x 999,999 cells below row 1,000,000; a wider
    one is scanned again for its last row."""
    widest, highest = b"A", 0
    for chunk in _chunks(book, info):
        for letters, digits in _FAR.findall(chunk):
            if (len(letters), letters) > (len(widest), widest):
                widest = letters
            if len(digits) >= 7:
                highest = max(highest, _row_number(digits))
    if len(widest) > 1:
        for chunk in _chunks(book, info):
            highest = max([highest, *map(_row_number, _ROW.findall(chunk))])
    else:
        widest, highest = b"Z", max(highest, 999_999)
    return [(widest, str(highest).encode())]


def _row_number(digits: bytes) -> int:
    # int() refuses more than 4,300 digits; any row past 10^12 is as far as it matters.
    return int(digits) if len(digits) <= 12 else 10**12


def _chunks(book: Any, info: Any) -> Iterable[bytes]:
    """The part in pieces of CHUNK bytes, each starting with the last few bytes of the one
    before, so that no reference is cut in two."""
    tail = b""
    with book.open(info) as stream:
        while piece := stream.read(CHUNK):
            yield tail + piece
            tail = piece[-40:]


def _first_sheet(book: Any) -> str | None:
    """The path inside the workbook of its first sheet (as Excel orders them)."""
    try:
        workbook = book.read("xl/workbook.xml")[:1_000_000]
        rels = book.read("xl/_rels/workbook.xml.rels")[:1_000_000]
    except KeyError:
        return None
    first = re.search(rb'<sheet [^>]*?r:id="([^"]+)"', workbook)
    if first is None:
        return None
    for rel in re.finditer(rb"<Relationship [^>]*>", rels):
        if b'Id="' + first[1] + b'"' in rel[0]:
            target = re.search(rb'Target="([^"]+)"', rel[0])
            if target is not None:
                name = target[1].decode("utf-8", "replace").lstrip("/")
                return name if name.startswith("xl/") else "xl/" + name
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


# Cleans column `index` of a batch of rows: (index, cells) -> the cells to keep.
Clean = Callable[[int, Sequence[Any]], Sequence[Any]]


def as_read(index: int, cells: Sequence[Any]) -> Sequence[Any]:
    return cells


def read_xlsx_columns(path: Path, clean: Clean = as_read) -> list[list[Any]]:
    """The first sheet's cells, column by column, from A1 (so that row and column numbers
    are Excel's), read by python-calamine; an empty cell is "" or None (`clean` may make it
    anything).

    The sheet's rows are turned into columns and cleaned a batch at a time, so that only
    calamine's copy of the sheet and the cleaned columns are held, never a Python list per
    row or every raw cell as well."""
    check_xlsx(path)
    try:  # imported here: only XLSX registers need it, and openpyxl stands in without it
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl still works
        return read_xlsx_columns_openpyxl(path, clean)
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            if not book.sheet_names:
                raise RegisterError("has no sheets")
            sheet = book.get_sheet_by_index(0)
            end = sheet.end
            rows = sheet.iter_rows()
            del sheet  # the rows' iterator holds the sheet; freed with it
            columns, yielded = _columns_of_rows(rows, clean)
            del rows
    except RegisterError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise RegisterError(
            f"is not a readable XLSX workbook ({type(exc).__name__})",
            "save it from Excel or LibreOffice as .xlsx, or export it as CSV",
        ) from None
    if end is None or not columns:
        return []
    # calamine's rows may leave out the empty rows above and columns left of the data.
    height, width = end[0] + 1, end[1] + 1
    above, left = height - yielded, width - len(columns)
    if above > 0:
        columns = [[None] * above + column for column in columns]
    if left > 0:
        # As many rows as were read (a register's reader may stop early: register._Early).
        columns = [[None] * len(columns[0]) for _ in range(left)] + columns
    padded = getattr(clean, "padded", None)
    if padded is not None and (above > 0 or left > 0):
        padded(above, left)  # what a register's cleaner knows of each column, moved too
    return columns


BATCH = 2048  # rows of a sheet turned into columns and cleaned at a time


def _columns_of_rows(rows: Iterator[Sequence[Any]], clean: Clean) -> tuple[list[list[Any]], int]:
    """Rows of cells (all as wide as the first) as cleaned columns, a batch at a time; and
    how many rows there were. A register's reader (`clean.enough`) may stop early: the
    rows after are then counted, not read."""
    columns: list[list[Any]] = []
    enough = getattr(clean, "enough", None)
    yielded = 0
    while batch := list(itertools.islice(rows, BATCH)):
        yielded += len(batch)
        if not columns:
            columns = [[] for _ in batch[0]]
        for index, cells in enumerate(zip(*batch, strict=True)):
            columns[index].extend(clean(index, cells))
        if enough is not None and enough(columns):
            return columns, yielded + sum(1 for _ in rows)
    return columns, yielded


def read_xlsx_columns_openpyxl(path: Path, clean: Clean = as_read) -> list[list[Any]]:
    """The first sheet's cells column by column, read by openpyxl (the fallback)."""
    check_xlsx(path)
    from openpyxl import load_workbook  # imported here: start-up time (openpyxl is large)

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
    return [list(clean(index, cells)) for index, cells in enumerate(columns_of(rows))]


def columns_of(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rows of cells as columns, the shorter rows padded with None."""
    width = max((len(cells) for cells in rows), default=0)
    return (
        [list(column) for column in itertools.zip_longest(*rows, fillvalue=None)] if width else []
    )
