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

import itertools
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from budget.core.money import format_euros
from budget.render.coded import Coded, Fields, factorized, following, merged, spread, used_codes

FLAVOURS = ("csv", "excel-csv")
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def frame_csv(rows: pd.DataFrame, flavour: str = "csv", header: bool = True) -> str:
    """The rows as CSV text of `flavour` (see `frame_csv_blocks`), as one text."""
    return "".join(frame_csv_blocks(rows, flavour, header))


def frame_csv_blocks(
    rows: pd.DataFrame, flavour: str = "csv", header: bool = True
) -> Iterator[str]:
    """The rows as CSV text of `flavour` (see the module docstring), header first, in
    blocks of BLOCK_ROWS rows that join to it: a million-row output is never held whole
    (each block is made only when the one before has been taken).

    Speed: each column's fields are worked out once per distinct value (text, codes of a
    category, whole numbers; quoting decided there), adjacent repeating columns merged
    (budget.render.coded), then every row's pieces joined once: about 0.2-0.3x
    `DataFrame.to_csv` of the same columns (benchmarks/bench_scale_outputs.py). The bytes
    are those of Python's csv writer (QUOTE_MINIMAL)."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown CSV flavour {flavour!r}")
    return _blocks(rows, flavour, header)


def _blocks(rows: pd.DataFrame, flavour: str, header: bool) -> Iterator[str]:
    excel = flavour == "excel-csv"
    delimiter = ";" if excel else ","
    ending = "\r\n" if excel else "\n"
    names = [_cell(str(n), excel) for n in rows.columns]
    if not len(rows.columns):
        yield (BOM + ending) if excel and header else (ending if header else "")
        return
    coded = _coded_columns(rows, excel, delimiter)
    heading = [_field(str(n), delimiter) for n in names]
    alone = (
        len(rows.columns) == 1
        and not _has_line_break(rows[rows.columns[0]])
        and not any("\r" in str(n) for n in names)
    )  # the csv writer quotes a row's only field when it is empty
    if alone:
        heading = [v or '""' for v in heading]
        coded = iter([_empty_quoted(next(coded))])
    columns = merged(coded, delimiter, len(rows), ending)
    # One join per block of its rows' pieces (most of them shared texts of distinct
    # values); the header (and an excel-csv byte-order mark) starts the first block.
    first = ((BOM if excel else "") + delimiter.join(heading) + ending) if header else ""
    if not len(rows):
        yield first
        return
    for start in range(0, len(rows), BLOCK_ROWS):
        fields = [column(start, start + BLOCK_ROWS) for column in columns]
        yield first + "".join(itertools.chain.from_iterable(zip(*fields, strict=True)))
        first = ""


BLOCK_ROWS = 100_000


def _coded_columns(rows: pd.DataFrame, excel: bool, delimiter: str) -> Iterator[Coded | Fields]:
    """Each column's fields (`_coded_column`), one at a time: `merged` keeps of a column
    only what it needs, so that the codes of all the columns are never held at once."""
    previous: Coded | None = None
    for name in rows.columns:
        column = _coded_column(rows[name], excel, delimiter, previous)
        previous = column if isinstance(column, tuple) else None
        yield column


def _empty_quoted(column: Coded | Fields) -> Coded | Fields:
    """A row's only field, '""' where it is empty (as the csv writer writes it)."""
    if isinstance(column, tuple):
        codes, table = column
        return np.where(codes < 0, len(table), codes), [v or '""' for v in [*table, ""]]
    return lambda start, stop: [v or '""' for v in column(start, stop)]


def _field(text: str, delimiter: str) -> str:
    """One field as written: quoted when it holds the separator, a quote or a line break."""
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _text(value: Any) -> str:
    """A value as the csv writer writes it (floats by repr, which str gives too)."""
    return "" if value is None else str(value)


def _coded_column(
    values: pd.Series, excel: bool, delimiter: str, previous: Coded | None = None
) -> Coded | Fields:
    """A column's fields as written (quoted where needed), each distinct value worked out
    once: text of categories and of object columns that hold only text, whole numbers and
    booleans (by str) as codes and the fields they name. Other columns (floats, mixed
    objects) go value by value. Whole numbers that follow from the `previous` column's
    codes (cents after their euros) take those codes."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, used = used_codes(values.cat.codes.to_numpy(), len(values.cat.categories))
        picked = values.cat.categories.to_numpy(dtype=object)
        if used is not None:
            picked = picked.take(used)
        # (csv: a category is written as it is, as `_cell` gives it: never missing)
        texts = [_cell(c, excel) for c in picked.tolist()] if excel else picked.tolist()
        return codes, _fields(texts, delimiter)
    if values.dtype.kind in "iub":  # never quoted, never prefixed
        if previous is not None and values.dtype.kind == "i":
            named = following(values.to_numpy(), previous[0], len(previous[1]))
            if named is not None:
                return previous[0], list(map(str, named.tolist()))
        codes, uniques = factorized(values.to_numpy())
        return codes, list(map(str, uniques.tolist()))
    if values.dtype.kind == "O" and pd.api.types.infer_dtype(values, skipna=True) in _TEXT:
        codes, uniques = pd.factorize(values.to_numpy(), use_na_sentinel=True)
        return codes, _fields([_cell(v, excel) for v in uniques.tolist()], delimiter)
    fields = [_field(_text(v), delimiter) for v in _column(values, excel)]
    return lambda start, stop: fields[start:stop]


def _fields(texts: list[Any], delimiter: str) -> list[str]:
    """Each value's field as written: `_field(_text(v))`, with one scan of them all when
    they are all text (the usual case: nothing to quote)."""
    if set(map(type, texts)) <= {str}:
        joined = "".join(texts)
        if not any(c in joined for c in (delimiter, '"', "\n", "\r")):
            return texts
    return [_field(_text(v), delimiter) for v in texts]


_TEXT = ("string", "empty")


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
    return spread(euros_texts(uniques), codes)(0, len(values))


_HUNDREDTHS = np.array([f".{n:02d}" for n in range(100)])


def euros_texts(cents: np.ndarray) -> list[str]:
    """`format_euros` of each of the int64 cents, on arrays."""
    if len(cents) and cents.min() == np.iinfo(np.int64).min:  # its magnitude is no int64
        return [format_euros(v) for v in cents.tolist()]
    magnitude = np.abs(cents)
    whole = np.strings.add(np.where(cents < 0, "-", ""), (magnitude // 100).astype(str))
    return np.strings.add(whole, _HUNDREDTHS[magnitude % 100]).tolist()
