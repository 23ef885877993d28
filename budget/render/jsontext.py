"""JSON text of tidy rows at the speed of writing (issue 21).

`records_json(frame)` gives the bytes of

    json.dumps([{column: value, ...} per row], indent=1, ensure_ascii=False) + "\\n"

with each row's values as `json_value` writes them (null for missing and empty text), but
each column's values are encoded once per distinct value (categories, text, booleans;
whole numbers by str) and the rows joined in one pass, instead of a dict per row through
the pure-Python encoder that `indent` selects. Columns of other kinds (floats, mixed
objects) are encoded value by value, as before.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

BLOCK_ROWS = 100_000
Fields = Callable[[int, int], list[str]]


def json_value(value: Any) -> Any:
    """One cell as JSON writes it (see `rows_json`)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, Decimal):
        # A whole number as an integer, else the shortest float that prints as the decimal
        # (exact up to 15 significant digits).
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_value = json_value


def _encode(v: Any) -> str:
    return json.dumps(json_value(v), ensure_ascii=False)


def _spread(table: list[str], codes: np.ndarray) -> Fields:
    looked_up = np.array(table, dtype=object)
    return lambda start, stop: looked_up[codes[start:stop]].tolist()


def _column(values: pd.Series, prefix: str, suffix: str) -> Fields:
    """A column's parts of rows [start, stop): prefix (the separator before it and
    `  "name": `), the value, suffix (the object's end after the last column)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = [*values.cat.categories, float("nan")]  # code -1 (missing): NaN
        return _spread([prefix + _encode(c) + suffix for c in categories], codes)
    if values.dtype.kind in "iu":
        numbers = values.to_numpy()
        if suffix:
            return lambda start, stop: [
                prefix + str(n) + suffix for n in numbers[start:stop].tolist()
            ]
        return lambda start, stop: [prefix + str(n) for n in numbers[start:stop].tolist()]
    if values.dtype.kind == "b" or (
        values.dtype.kind == "O"
        and pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty")
    ):
        codes, uniques = pd.factorize(values.to_numpy(), use_na_sentinel=False)
        return _spread([prefix + _encode(v) + suffix for v in uniques.tolist()], codes)
    fields = [prefix + _encode(v) + suffix for v in values]
    return lambda start, stop: fields[start:stop]


def records_json(rows: pd.DataFrame) -> str:
    """The rows as a JSON array of objects (see the module docstring)."""
    if not len(rows):
        return "[]\n"
    if not all(isinstance(name, str) for name in rows.columns) or rows.columns.has_duplicates:
        records = [
            {k: _value(v) for k, v in zip(rows.columns, values, strict=True)}
            for values in rows.itertuples(index=False, name=None)
        ]
        return json.dumps(records, indent=1, ensure_ascii=False) + "\n"
    if not len(rows.columns):
        return "[\n" + ",\n".join([" {}"] * len(rows)) + "\n]\n"
    last = len(rows.columns) - 1
    columns = [
        _column(
            rows.iloc[:, i],
            (" {\n" if i == 0 else ",\n") + f"  {json.dumps(name, ensure_ascii=False)}: ",
            "\n }" if i == last else "",
        )
        for i, name in enumerate(rows.columns)
    ]
    parts = []
    for start in range(0, len(rows), BLOCK_ROWS):
        fields = [column(start, start + BLOCK_ROWS) for column in columns]
        parts.append(",\n".join(map("".join, zip(*fields, strict=True))))
    return "[\n" + ",\n".join(parts) + "\n]\n"
