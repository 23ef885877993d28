"""The reference for budget.render.csvtext: the value-by-value writer it replaced (issue 21),
kept as it was so that the per-distinct-value writer is checked to give the same bytes.

CSV text in two flavours: the exact machine format and one for spreadsheet users.

- `csv`: comma-separated, `\\n` line ends, amounts with a decimal point ("1234.50"). The
  format other tools read; what `--format csv` prints.
- `excel-csv`: what Excel in a Dutch or other European locale opens directly by a double
  click: UTF-8 with a byte-order mark (so that accents survive), `;` between fields (the
  list separator of those locales), `\\r\\n` line ends, and decimal numbers with a decimal
  comma ("1234,50"): Dutch Excel reads "1234,50" as the number 1234.5 but "1234.50" as text
  (or, worse, with "." as the thousands separator). Amounts stay exact: no thousands
  separators, always two decimals. Every other text field that starts with `=`, `+`,
  `-`, `@`, a tab or a carriage return gets a `'` in front (the OWASP advice against CSV
  injection), so that text from input files never becomes a formula.

In both, a field holding a line break (`\\n` or a bare `\\r`), the separator or a quote is
quoted. Python's csv writer with `\\n` line ends leaves a bare `\\r` unquoted, which splits
the row in readers that take `\\r` as a line end; such frames are quoted here by hand.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

FLAVOURS = ("csv", "excel-csv")
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def frame_csv(rows: pd.DataFrame, flavour: str = "csv", header: bool = True) -> str:
    """The rows as CSV text of `flavour` (see the module docstring), header first."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown CSV flavour {flavour!r}")
    excel = flavour == "excel-csv"
    columns = [_column(rows[name], excel) for name in rows.columns]
    names = [_cell(str(n), excel) for n in rows.columns]
    delimiter = ";" if excel else ","
    ending = "\r\n" if excel else "\n"
    records = zip(*columns, strict=True) if columns else iter(())
    if any(_has_line_break(rows[name]) for name in rows.columns) or _has_line_break(names):
        out = [names] if header else []
        text = "".join(
            delimiter.join(_quoted(v, delimiter) for v in r) + ending for r in [*out, *records]
        )
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending)
        if header:
            writer.writerow(names)
        writer.writerows(records)
        text = buffer.getvalue()
    return (BOM + text) if excel and header else text


def records_csv(header: Sequence[str], records: Sequence[Sequence[Any]], flavour: str) -> str:
    """Records (lists of values; None for an empty field) as CSV text of `flavour`."""
    frame = pd.DataFrame(
        [["" if v is None else v for v in r] for r in records], columns=list(header), dtype=object
    )
    return frame_csv(frame, flavour)


def _column(values: pd.Series, excel: bool) -> list[Any]:
    """A column's values as the csv writer should see them."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = [_cell(c, excel) for c in values.cat.categories]
        codes = values.cat.codes.to_numpy()
        table = np.array([*categories, ""], dtype=object)  # code -1 (missing) is empty
        return list(table[codes])
    if values.dtype.kind in "iub":
        return values.tolist()
    if values.dtype.kind == "f":
        return [_cell(repr(v), excel) if v == v else "" for v in values.tolist()]
    if not excel:
        return ["" if _missing(v) else v for v in values.tolist()]
    seen: dict[Any, Any] = {}
    out = []
    for v in values.tolist():
        if v not in seen:
            seen[v] = _cell(v, excel)
        out.append(seen[v])
    return out


def _cell(value: Any, excel: bool) -> Any:
    """One field: for excel-csv, a decimal comma in numbers and a ' before a text that a
    spreadsheet would take for a formula."""
    if _missing(value):
        return ""
    if excel and isinstance(value, Decimal):
        value = str(value)
    if not excel or not isinstance(value, str):
        return value
    if _DECIMAL.fullmatch(value):
        return value.replace(".", ",")
    if _NUMBER.fullmatch(value):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _missing(value: Any) -> bool:
    """None, or a missing value as pandas gives it (NaN, NA, NaT)."""
    return value is None or (not isinstance(value, str | int) and bool(pd.isna(value)))


def _has_line_break(values: pd.Series | list[str]) -> bool:
    """Whether a text value of the column holds a carriage return."""
    found: Any = values
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        found = values.cat.categories
    elif isinstance(values, pd.Series) and values.dtype.kind != "O":
        return False
    return any(isinstance(v, str) and "\r" in v for v in found)


def _quoted(value: Any, delimiter: str) -> str:
    text = str(value)
    if any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text
