"""Where the command line writes: `-o FILE` by its extension, and the text formats.

`-o FILE` writes by the extension: `.xlsx` a workbook, `.csv` the CSV rows (the flavour of
`--format excel-csv` when that is chosen, else the exact machine CSV), `.json` the JSON
rows. Anything else, `-o -`, an empty name or a name ending in a slash is wrong usage
(exit 2). A target that a spreadsheet program holds open (Excel's `~$NAME` or
LibreOffice's `.~lock.NAME#` beside it) is refused (exit 1): replacing it would either fail
or be lost when the program saves its copy. Every file is written atomically and never over
an input of the scenario (budget.render.workbook.save).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import click
import pandas as pd

from budget.cli.newfile import STARTER as STARTER
from budget.cli.newfile import write_new_file as write_new_file
from budget.core.errors import Problem
from budget.render.formats import (
    FORMATS,
    ROWS,
    ROWS_BLOCKS,
    Format,
    file_extensions,
    file_format,
    laid_out,
)

EXTENSIONS = {".xlsx": "xlsx", **file_extensions()}
# What a command prints or writes: per format, a function that gives the text.
Shown = Mapping[Format, Callable[[], str]]


class Blocks:
    """A format's text: whole when called, or block by block (`blocks`), which is how
    standard output and files are written, so that the text of a million rows is never
    held whole (issue 21: the CSV rows)."""

    __slots__ = ("blocks",)

    def __init__(self, blocks: Callable[[], Iterator[str]]) -> None:
        self.blocks = blocks

    def __call__(self) -> str:
        return "".join(self.blocks())


def texts_of(rendered: Callable[[], str]) -> Iterable[str]:
    """The text of a format, in the blocks it is made in (one text when it is one)."""
    return rendered.blocks() if isinstance(rendered, Blocks) else (rendered(),)


@dataclass(frozen=True, slots=True)
class Output:
    """An `-o` target. path: the file as typed; kind: "xlsx", "csv" or "json"."""

    path: str
    kind: str


def parse_output(ctx: click.Context, param: click.Parameter, value: str | None) -> Output | None:
    """The click callback of `-o`: the target and what to write there, or wrong usage."""
    if value is None:
        return None
    if value == "-":
        raise click.BadParameter(
            "'-' (standard output) is not a file: the rows go to standard output with "
            "--format csv, excel-csv or json",
            ctx,
            param,
        )
    if not value.strip():
        raise click.BadParameter("the file name is empty", ctx, param)
    if value.endswith(("/", "\\")) or Path(value).name in ("", ".", ".."):
        raise click.BadParameter(f"{value!r} names a folder, not a file", ctx, param)
    kind = EXTENSIONS.get(Path(value).suffix.lower())
    if kind is None:
        raise click.BadParameter(
            f"{value!r} has no known extension: write a workbook (.xlsx), the CSV rows "
            "(.csv) or the JSON rows (.json)",
            ctx,
            param,
        )
    return Output(value, kind)


def lock_files(path: str | Path) -> list[Path]:
    """The lock files that Excel and LibreOffice keep beside a file they have open."""
    target = Path(path)
    name = target.name
    # Excel writes ~$NAME, or for long names replaces the first two characters.
    candidates = [f"~${name}", f"~${name[2:]}", f".~lock.{name}#"]
    return [target.with_name(c) for c in dict.fromkeys(candidates)]


def open_elsewhere(path: str | Path) -> Problem | None:
    """A problem when a spreadsheet program holds `path` open, else None."""
    for lock in lock_files(path):
        try:
            present = lock.exists()
        except OSError:  # e.g. a name too long: the write itself says what is wrong
            present = False
        if present:
            return Problem(
                str(path),
                "",
                f"is it open in a spreadsheet program? ({lock.name} is beside it)",
                "close it there and try again, or choose another output file",
            )
    return None


def rows_text(frame: pd.DataFrame, fmt: str) -> str:
    """Tidy rows (with their euro columns) in a format that prints rows (see ROWS)."""
    return ROWS[Format(fmt)](frame)


def table_and_rows(table: Callable[[], str], rows: Callable[[], pd.DataFrame]) -> Shown:
    """What a command shows whose table is `table()` (one line is added after it) and whose
    rows are `rows()` in every format of ROWS; each is built only when asked for."""
    blocks = {f: Blocks(partial(_blocks_of, render, rows)) for f, render in ROWS_BLOCKS.items()}
    return {Format.TABLE: lambda: table() + "\n", **laid_out(ROWS, rows), **blocks}


def _blocks_of(
    render: Callable[[pd.DataFrame], Iterator[str]], rows: Callable[[], pd.DataFrame]
) -> Iterator[str]:
    return render(rows())


def show(shown: Shown, fmt: str) -> None:
    """The text of format `fmt` on standard output."""
    for text in texts_of(shown[Format(fmt)]):
        emit(text, fmt)


def emit(text: str, fmt: str) -> None:
    """Text on standard output; a format `as_bytes` (excel-csv) as UTF-8 bytes whatever the
    terminal's encoding (its byte-order mark tells Excel so)."""
    # A terminal's stream may be a text-only wrapper (budget.core.terminal escapes control
    # characters there): then the text goes as text.
    as_bytes = FORMATS[Format(fmt)].as_bytes and hasattr(sys.stdout, "buffer")
    for piece in pieces(text, PIECE):  # a large text is not encoded (copied) whole at once
        click.echo(piece.encode("utf-8") if as_bytes else piece, nl=False)


PIECE = 2**24  # characters of a text written at a time


def pieces(text: str, size: int = PIECE) -> Iterator[str]:
    """The text in pieces of about `size` characters that join to it, each (but the first)
    starting a line that does not start with a carriage return: what is done to a piece
    (click's removal of terminal colour codes, the terminal's escapes of control
    characters, which keep a leading carriage return) is what was done to the whole."""
    start = 0
    while len(text) - start > size:
        end = text.rfind("\n", start, start + size) + 1 or text.find("\n", start + size) + 1
        while 0 < end < len(text) and text[end] == "\r":
            end = text.find("\n", end) + 1
        if end <= 0:
            break
        yield text[start:end]
        start = end
    yield text[start:]


def write_text_output(
    output: Output, text: str | Iterable[str], inputs: Sequence[str | Path]
) -> None:
    """Write `text` (UTF-8; or its blocks) to the target atomically; raises InputError when
    refused."""
    # imported here: start-up time (the workbook package is large)
    from budget.render.workbook.save import write_text_atomically

    write_text_atomically(output.path, inputs, [text] if isinstance(text, str) else text)


def text_for_file(output: Output, fmt: str, shown: Shown) -> Iterable[str]:
    """The text a .csv or .json target gets, in blocks: the format written to its
    extension (the chosen one when it writes there, as excel-csv on a .csv target; see
    `file_format`)."""
    return texts_of(shown[file_format("." + output.kind, Format(fmt))])
