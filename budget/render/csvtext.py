"""CSV text in two flavours: the exact machine format and one for spreadsheet users.

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
quoted (Python's csv writer with `\\n` line ends would leave a bare `\\r` unquoted, which
splits the row in readers that take `\\r` as a line end).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from budget.core.money import format_euros

FLAVOURS = ("csv", "excel-csv")
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def frame_csv(rows: pd.DataFrame, flavour: str = "csv", header: bool = True) -> str:
    """The rows as CSV text of `flavour` (see the module docstring), header first.

    Speed: each column's fields are worked out once per distinct value (text, codes of a
    category, whole numbers; quoting decided there), then joined row by row in one pass,
    which keeps this within about 1.2x of `DataFrame.to_csv` (benchmarks/
    bench_scale_outputs.py). The bytes are those of Python's csv writer (QUOTE_MINIMAL)."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown CSV flavour {flavour!r}")
    excel = flavour == "excel-csv"
    delimiter = ";" if excel else ","
    ending = "\r\n" if excel else "\n"
    names = [_cell(str(n), excel) for n in rows.columns]
    if not len(rows.columns):
        return (BOM + ending) if excel and header else (ending if header else "")
    coded: list[Coded | Fields] = []
    for name in rows.columns:
        previous = coded[-1] if coded and isinstance(coded[-1], tuple) else None
        coded.append(_coded_column(rows[name], excel, delimiter, previous))
    columns = _merged(coded, delimiter, len(rows))
    heading = [_field(str(n), delimiter) for n in names]
    alone = (
        len(columns) == 1
        and not _has_line_break(rows[rows.columns[0]])
        and not any("\r" in str(n) for n in names)
    )  # the csv writer quotes a row's only field when it is empty
    if alone:
        heading = [v or '""' for v in heading]
    parts = [delimiter.join(heading) + ending] if header else []
    for start in range(0, len(rows), BLOCK_ROWS):  # bounded memory: a block at a time
        fields = [column(start, start + BLOCK_ROWS) for column in columns]
        if alone:
            fields = [[v or '""' for v in fields[0]]]
        parts.append(ending.join(map(delimiter.join, zip(*fields, strict=True))) + ending)
    text = "".join(parts)
    return (BOM + text) if excel and header else text


BLOCK_ROWS = 100_000
Fields = Callable[[int, int], list[str]]  # a column's fields of rows [start, stop)


def _field(text: str, delimiter: str) -> str:
    """One field as written: quoted when it holds the separator, a quote or a line break."""
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _text(value: Any) -> str:
    """A value as the csv writer writes it (floats by repr, which str gives too)."""
    return "" if value is None else str(value)


Coded = tuple[np.ndarray, list[str]]  # codes (-1: an empty field) and the fields they name
MERGE_SHARE = 0.5  # adjacent columns merge while their distinct pairs are at most this share
DENSE = 4  # codes below DENSE x rows are told apart with a table, not by hashing


def _coded_column(
    values: pd.Series, excel: bool, delimiter: str, previous: Coded | None = None
) -> Coded | Fields:
    """A column's fields as written (quoted where needed), each distinct value worked out
    once: text of categories and of object columns that hold only text, whole numbers and
    booleans (by str) as codes and the fields they name. Other columns (floats, mixed
    objects) go value by value. Whole numbers that follow from the `previous` column's
    codes (cents after their euros) take those codes."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, used = _used(values.cat.codes.to_numpy(), len(values.cat.categories))
        picked = values.cat.categories.to_numpy(dtype=object)
        if used is not None:
            picked = picked.take(used)
        return codes, _fields([_cell(category, excel) for category in picked.tolist()], delimiter)
    if values.dtype.kind in "iub":  # never quoted, never prefixed
        if previous is not None and values.dtype.kind == "i":
            found = _following(values.to_numpy(), *previous)
            if found is not None:
                return found
        codes, uniques = _factorized(values.to_numpy())
        return codes, list(map(str, uniques.tolist()))
    if values.dtype.kind == "O" and pd.api.types.infer_dtype(values, skipna=True) in _TEXT:
        codes, uniques = pd.factorize(values.to_numpy(), use_na_sentinel=True)
        return codes, _fields([_cell(v, excel) for v in uniques.tolist()], delimiter)
    fields = [_field(_text(v), delimiter) for v in _column(values, excel)]
    return lambda start, stop: fields[start:stop]


def _used(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Codes into `size` categories (-1: missing) renumbered to the categories used, and
    those categories' positions (None: every category is used, the codes stay)."""
    codes = codes.astype(np.intp, copy=False)
    seen = np.zeros(size + 1, dtype=bool)
    seen[codes] = True  # code -1 marks the last
    if seen[:size].all():
        return codes, None
    used = np.flatnonzero(seen[:size])
    renumbered = np.full(size + 1, -1, dtype=np.intp)
    renumbered[used] = np.arange(len(used))
    return renumbered[codes], used


def _following(values: np.ndarray, codes: np.ndarray, table: list[str]) -> Coded | None:
    """`values` coded by `codes` (into `table`) when each code names one value: their
    texts, else None."""
    if not len(codes) or codes.min() < 0:
        return None
    named = np.zeros(len(table), dtype=values.dtype)
    named[codes] = values
    if not np.array_equal(named[codes], values):
        return None
    return codes, list(map(str, named.tolist()))


def _factorized(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize of whole numbers or booleans (codes and their distinct values, in any
    order), by a table over their range when it is small (years, counts), else by hashing."""
    if values.dtype.kind == "b":
        codes, used = _used(values.astype(np.intp), 2)
        return codes, np.array([False, True]) if used is None else used.astype(bool)
    if len(values) and values.dtype.kind == "i":
        low, high = int(values.min()), int(values.max())
        if high - low < DENSE * len(values) + 64:
            codes, used = _used((values - low).astype(np.intp), high - low + 1)
            return codes, (np.arange(high - low + 1) if used is None else used) + low
    return pd.factorize(values)


def _fields(texts: list[Any], delimiter: str) -> list[str]:
    """Each value's field as written: `_field(_text(v))`, with one scan of them all when
    they are all text (the usual case: nothing to quote)."""
    if all(type(t) is str for t in texts):
        joined = "".join(texts)
        if not any(c in joined for c in (delimiter, '"', "\n", "\r")):
            return texts
    return [_field(_text(v), delimiter) for v in texts]


def _merged(columns: list[Coded | Fields], delimiter: str, rows: int) -> list[Fields]:
    """The columns' fields, adjacent coded columns merged into one (their fields joined by
    the separator, once per distinct combination) while the distinct combinations are at
    most MERGE_SHARE of the rows: a row is then joined from a few pieces, not one per
    column (the rows of a commitment repeat its scenario, id, recipient, funder and kind,
    and a euro column its cents column). A group's texts are built once, at its end."""
    out: list[Fields] = []
    group: list[Coded] = []  # the merged columns
    members: list[np.ndarray] = []  # per merged column, its code in each combination
    paired = np.zeros(0, dtype=np.intp)  # each row's combination
    count = 0  # combinations

    def close() -> None:
        if not group:
            return
        if len(group) == 1:
            out.append(_spread(group[0][1], group[0][0]))
        else:
            pieces = [
                np.array([*table, ""], dtype=object)[member].tolist()
                for (_, table), member in zip(group, members, strict=True)
            ]
            out.append(_spread(list(map(delimiter.join, zip(*pieces, strict=True))), paired))
        group.clear()
        members.clear()

    for column in columns:
        if not isinstance(column, tuple):
            close()
            out.append(column)
            continue
        codes, table = column
        if group:
            size = len(table) + 1  # code -1 (an empty field) as the last
            other = codes % size
            if np.array_equal(codes, group[-1][0]) and len(table) == len(group[-1][1]):
                # the same codes (a euro column and its cents): a combination per code
                joined, uniques = paired, np.arange(count) * size
                uniques += members[-1]
            else:
                joined, uniques = _pairs(paired * size + other, count * size)
            if len(uniques) <= MERGE_SHARE * rows:
                members[:] = [m[uniques // size] for m in members]
                members.append(uniques % size)
                group.append(column)
                paired, count = joined, len(uniques)
                continue
            close()
        group.append(column)
        members.append(np.arange(len(table) + 1))
        paired, count = codes % (len(table) + 1), len(table) + 1
    close()
    return out


def _pairs(pairs: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct values of `pairs` (all in [0, bound)) and those values."""
    if bound <= DENSE * len(pairs) + 64:
        seen = np.zeros(bound, dtype=bool)
        seen[pairs] = True
        uniques = np.flatnonzero(seen)
        renumbered = np.zeros(bound, dtype=np.intp)
        renumbered[uniques] = np.arange(len(uniques))
        return renumbered[pairs], uniques
    return pd.factorize(pairs)


_TEXT = ("string", "empty")


def _spread(table: list[str], codes: np.ndarray) -> Fields:
    """table[code] for each code, "" for -1 (missing)."""
    looked_up = np.array([*table, ""], dtype=object)
    return lambda start, stop: looked_up[codes[start:stop]].tolist()


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


def euros_category(cents: Any, index: pd.Index | None = None) -> pd.Series:
    """`euros_column` as a categorical (the codes of the distinct amounts): the CSV writer
    then works a field out once per amount without hashing the texts again."""
    values = np.asarray(cents, dtype=np.int64)
    codes, uniques = pd.factorize(values)
    texts = euros_texts(uniques)  # distinct cents: distinct texts
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(texts)), index=index)


def euros_column(cents: Any) -> list[str]:
    """Whole cents as euro text with two decimals (`format_euros`), each distinct amount
    formatted once: a projection's rows repeat an amount across years and bases."""
    values = np.asarray(cents, dtype=np.int64)
    codes, uniques = pd.factorize(values)
    return _spread(euros_texts(uniques), codes)(0, len(values))


_HUNDREDTHS = np.array([f".{n:02d}" for n in range(100)])


def euros_texts(cents: np.ndarray) -> list[str]:
    """`format_euros` of each of the int64 cents, on arrays."""
    if len(cents) and cents.min() == np.iinfo(np.int64).min:  # its magnitude is no int64
        return [format_euros(v) for v in cents.tolist()]
    magnitude = np.abs(cents)
    whole = np.strings.add(np.where(cents < 0, "-", ""), (magnitude // 100).astype(str))
    return np.strings.add(whole, _HUNDREDTHS[magnitude % 100]).tolist()
