"""Saving a workbook safely: refuse bad targets, write atomically, byte for byte the same.

`save_atomically(workbook, path, inputs)`:
- refuses (InputError, one Problem) a target in a folder that does not exist, a target that
  is a folder, and a target that is one of `inputs` (the scenario and every file it read);
- lets openpyxl serialise the workbook in memory (the cells of plain sheets are written
  by the quicker `sheetxml` instead, to the same XML, made row by row while the zip is
  written), then rewrites the zip with fixed entry timestamps, a fixed order (openpyxl's,
  which depends only on the workbook), fixed document times and one compression level
  for every entry, so that the same inputs give the same bytes;
- writes to a temporary file beside the target and renames it over the target
  (`os.replace`), so a failure never leaves a half-written workbook or a stray temporary.

`stream_rows(ws, rows)` registers rows that are too many for openpyxl's cell objects: an
iterable of ready `<row>` XML strings that the save appends to the sheet's `<sheetData>`,
streamed into the zip without holding them in memory. `write_text_atomically` gives other
files (the overflow CSV) the same atomic treatment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from budget.errors import InputError, Problem
from budget.model import Scenario
from budget.workbook.quickcells import QuickCells, materialise, quick_cells
from budget.workbook.sheetxml import cells_taken_out, is_plain, rows_xml

# The document's created/modified time and every zip entry's time: a fixed moment, so that
# the bytes depend on the inputs only (zip cannot store times before 1980).
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
COMPRESSION = 1  # fastest deflate: a quarter larger files, four times quicker
CHUNK = 2_000_000  # characters of rows compressed at a time

# Rows to stream are kept on their sheet (not in a module-level map keyed by workbook, which
# the rows would keep alive): a workbook that is never saved is freed with its rows.
STREAM = "_budget_stream"


def stream_rows(ws: Worksheet, rows: Iterable[str], dimension: str) -> None:
    """Append `rows` (each a complete `<row r="N">...</row>` XML string, numbered after the
    rows that openpyxl holds) to `ws` when it is next saved by `save_atomically`, which
    consumes them; `dimension` is the sheet's used range ("A1:I100001"). Style ids in the
    rows must be registered beforehand (see data_sheet._style_ids)."""
    setattr(ws, STREAM, (rows, dimension))


def protected_files(
    scenarios: Sequence[Scenario], inputs: Sequence[str | Path] = ()
) -> list[str | Path]:
    """Every file that went into the scenarios (and `inputs`): never to be written over."""
    protected: list[str | Path] = [*inputs]
    for scenario in scenarios:
        protected += [*scenario.files, *([scenario.path] if scenario.path else [])]
    return protected


def check_target(path: str | Path, inputs: Sequence[str | Path]) -> Path:
    """The target as a Path, or InputError when it may not be written."""
    target = Path(path)
    shown = str(path)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    f"the folder {str(folder)!r} does not exist",
                    "create it first, or choose another output file",
                )
            ]
        )
    if target.is_dir():
        raise InputError([Problem(shown, "", "is a folder", "name an .xlsx file to write")])
    for source in inputs:
        if _same_file(target, Path(source)):
            raise InputError(
                [
                    Problem(
                        shown,
                        "",
                        f"is an input of this scenario ({source}); refusing to write over it",
                        "choose another output file, e.g. one ending in .xlsx",
                    )
                ]
            )
    return target


def _same_file(target: Path, source: Path) -> bool:
    try:
        if target.exists() and source.exists():
            return os.path.samefile(target, source)
        return target.resolve() == source.resolve()
    except OSError:
        return False


def save_atomically(workbook: Workbook, path: str | Path, inputs: Sequence[str | Path]) -> None:
    """Save `workbook` at `path` (see the module docstring); raises InputError when refused."""
    target = check_target(path, inputs)
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    streamed: dict[Worksheet, tuple[Iterable[str], str]] = {}
    for ws in workbook.worksheets:
        if (stream := getattr(ws, STREAM, None)) is not None:
            streamed[ws] = stream
            setattr(ws, STREAM, None)
    buffer = io.BytesIO()
    sheets: dict[Worksheet, tuple[Iterable[str], str | None]] = {}
    with contextlib.ExitStack() as stack:
        for ws in workbook.worksheets:
            rows, dimension = streamed.get(ws, ((), None))
            if not isinstance(ws, Worksheet) or not is_plain(ws):
                if isinstance(ws, Worksheet):
                    materialise(ws)  # openpyxl writes the whole sheet
                if ws in streamed:
                    sheets[ws] = (rows, dimension)
                continue
            quick = quick_cells(ws)
            cells, row_settings = stack.enter_context(cells_taken_out(ws))
            # Called now (it registers each cell's style before openpyxl writes the
            # workbook's styles); the rows are made while the file is written.
            own = rows_xml(cells, row_settings, quick)
            sheets[ws] = (itertools.chain(own, rows), dimension or used_range(cells, quick))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            ExcelWriter(workbook, archive).save()
    streams = {ws.path.lstrip("/"): value for ws, value in sheets.items()}
    buffer.seek(0)

    def write(out: IO[bytes]) -> None:
        _rewrite(buffer, out, streams)

    write_atomically(target, write)


def used_range(cells: Mapping[tuple[int, int], Any], quick: QuickCells | None = None) -> str:
    """The sheet's used range ("A1:G30") from its cells' positions (openpyxl's and quick)."""
    rows = [r for r, _ in cells]
    columns = [c for _, c in cells]
    if quick is not None:
        for row, entries in quick.rows.items():
            if entries:
                rows.append(row)
                columns.append(min(entries))
                columns.append(max(entries))
    if not rows:
        return "A1"
    first = f"{get_column_letter(min(columns))}{min(rows)}"
    return f"{first}:{get_column_letter(max(columns))}{max(rows)}"


def write_text_atomically(
    path: str | Path, inputs: Sequence[str | Path], lines: Iterable[str]
) -> None:
    """Write text lines (UTF-8) to `path` atomically, with the same refusals."""
    target = check_target(path, inputs)

    def write(out: IO[bytes]) -> None:
        for line in lines:
            out.write(line.encode("utf-8"))

    write_atomically(target, write)


def write_atomically(target: Path, write: Callable[[IO[bytes]], Any]) -> None:
    """Call `write` on a temporary file beside `target`, then rename it to `target`."""
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with open(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise InputError([Problem(str(target), "", f"cannot be written ({reason})")]) from exc
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


def _rewrite(
    source: IO[bytes], out: IO[bytes], streams: dict[str, tuple[Iterable[str], str | None]]
) -> None:
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESSION
        ) as new,
    ):
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_times(data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o600 << 16
            if info.filename in streams:
                rows, dimension = streams[info.filename]
                entry_: Any = entry  # open() takes the level from the entry, not the zip
                entry_._compresslevel = COMPRESSION
                with new.open(entry, "w", force_zip64=True) as stream:
                    for chunk in _streamed(data, rows, dimension):
                        stream.write(chunk)
            else:
                new.writestr(entry, data, compresslevel=COMPRESSION)


def _streamed(sheet: bytes, rows: Iterable[str], dimension: str | None) -> Iterator[bytes]:
    """A sheet's XML in chunks, with `rows` spliced into its `<sheetData>`."""
    if dimension:
        sheet = _DIMENSION.sub(f'<dimension ref="{dimension}"/>'.encode(), sheet, count=1)
    if b"</sheetData>" in sheet:
        head, tail = sheet.split(b"</sheetData>", 1)
        tail = b"</sheetData>" + tail
    else:  # openpyxl writes an empty <sheetData/> for a sheet without cells
        head, tail = sheet.split(b"<sheetData/>", 1)
        head += b"<sheetData>"
        tail = b"</sheetData>" + tail
    yield head
    batch: list[str] = []
    size = 0
    for row in rows:
        batch.append(row)
        size += len(row)
        if size >= CHUNK:
            yield "".join(batch).encode()
            batch = []
            size = 0
    yield "".join(batch).encode()
    yield tail


_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _fixed_times(core: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), core)
