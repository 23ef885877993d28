"""The output formats, as one registry: each format's name, the `-o` file extension that
writes it, and per report the function that lays the report out in it.

A new format is one `Format` member, its `FormatInfo` and a renderer in each report's
table (`ROWS` for the tidy rows, `budget.render.uncertainty_text.SIMULATION`,
`budget.render.explain.EXPLANATION`); the commands offer it from the registry and call the
renderers through it (`budget.cli.outputs`). tests/render/test_formats.py fails while a format
that a command offers has no renderer for that command's report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TypeVar

import pandas as pd

from budget.render.text import rows_csv, rows_csv_blocks, rows_json

T = TypeVar("T")


class Format(StrEnum):
    """What `--format` names (in the order `--help` lists them)."""

    TABLE = "table"
    CSV = "csv"
    EXCEL_CSV = "excel-csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """How a format is written.

    extension: the `-o` file extension that writes it ("" for none: the terminal only);
    rows: whether it prints the report's rows for tools (else the tables for people);
    as_bytes: printed as UTF-8 bytes whatever the terminal's encoding (a byte-order mark
    tells Excel so).
    """

    extension: str
    rows: bool
    as_bytes: bool = False


FORMATS: dict[Format, FormatInfo] = {
    Format.TABLE: FormatInfo("", rows=False),
    Format.CSV: FormatInfo(".csv", rows=True),
    Format.EXCEL_CSV: FormatInfo(".csv", rows=True, as_bytes=True),
    Format.JSON: FormatInfo(".json", rows=True),
}

# A report's renderers: one function per format that lays the report out as text.
Renderers = Mapping[Format, Callable[[T], str]]

ROWS: Renderers[pd.DataFrame] = {
    Format.CSV: rows_csv,
    Format.EXCEL_CSV: partial(rows_csv, flavour="excel-csv"),
    Format.JSON: rows_json,
}
# The formats of ROWS whose text is also made block by block (joined: the same text), which
# is how it is printed and written (budget.cli.outputs.Blocks).
ROWS_BLOCKS: dict[Format, Callable[[pd.DataFrame], Iterator[str]]] = {
    Format.CSV: rows_csv_blocks,
    Format.EXCEL_CSV: partial(rows_csv_blocks, flavour="excel-csv"),
}


def file_format(extension: str, chosen: Format) -> Format:
    """The format an `-o` file with `extension` gets: the chosen one when it writes that
    extension (excel-csv on a .csv file), else the first format registered for it."""
    if FORMATS[chosen].extension == extension:
        return chosen
    return next(f for f, info in FORMATS.items() if info.extension == extension)


def file_extensions() -> dict[str, str]:
    """Each `-o` extension that a format writes, and the name of what it writes there."""
    return {info.extension: info.extension[1:] for info in FORMATS.values() if info.extension}


def laid_out(renderers: Renderers[T], report: Callable[[], T]) -> dict[Format, Callable[[], str]]:
    """Per format, the text of `report()` (built only when that format is asked for)."""
    return {f: partial(_render, render, report) for f, render in renderers.items()}


def _render(render: Callable[[T], str], report: Callable[[], T]) -> str:
    return render(report())
