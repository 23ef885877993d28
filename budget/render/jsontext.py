"""JSON text of tidy rows at the speed of writing (issue 21).

`records_json(frame)` gives the bytes of

    json.dumps([{column: value, ...} per row], indent=1, ensure_ascii=False) + "\\n"

with each row's values as `json_value` writes them (null for missing and empty text), but
each column's values are encoded once per distinct value (categories, text, booleans;
whole numbers by str), adjacent repeating columns merged into one piece per distinct
combination (budget.render.coded) and every row's pieces joined once, instead of a dict per
row through the pure-Python encoder that `indent` selects: about 0.7x `DataFrame.to_json`
of the same columns (benchmarks/bench_scale_outputs.py). Columns of other kinds (floats,
mixed objects) are encoded value by value, as before.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from budget.render.coded import Coded, Fields, factorized, following, merged, used_codes

BLOCK_ROWS = 100_000


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


def _column(
    values: pd.Series, prefix: str, suffix: str, previous: Coded | None = None
) -> Coded | Fields:
    """A column's parts of each row: prefix (the separator before it and `  "name": `),
    the value, suffix (the object's end after the last column); coded (see
    budget.render.coded) with each distinct value encoded once, where the values repeat."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, used = used_codes(values.cat.codes.to_numpy(), len(values.cat.categories))
        picked = values.cat.categories.to_numpy(dtype=object)
        if used is not None:
            picked = picked.take(used)
        table = [prefix + _encode(c) + suffix for c in picked.tolist()]
        if (codes < 0).any():  # missing: null
            codes = np.where(codes < 0, len(table), codes)
            table.append(prefix + "null" + suffix)
        return codes, table
    if values.dtype.kind in "iu":
        numbers = values.to_numpy()
        if previous is not None and values.dtype.kind == "i":
            named = following(numbers, previous[0], len(previous[1]))
            if named is not None:
                return previous[0], [prefix + str(n) + suffix for n in named.tolist()]
        codes, uniques = factorized(numbers)
        return codes, [prefix + str(n) + suffix for n in uniques.tolist()]
    if values.dtype.kind == "b":
        codes, uniques = factorized(values.to_numpy())
        return codes, [prefix + _encode(v) + suffix for v in uniques.tolist()]
    if values.dtype.kind == "O" and pd.api.types.infer_dtype(values, skipna=False) in (
        "string",
        "empty",
    ):
        codes, uniques = pd.factorize(values.to_numpy(), use_na_sentinel=False)
        return codes, [prefix + _encode(v) + suffix for v in uniques.tolist()]
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

    def coded() -> Iterator[Coded | Fields]:  # one at a time: see `merged`
        previous: Coded | None = None
        for i, name in enumerate(rows.columns):
            prefix = (" {\n" if i == 0 else ",\n") + f"  {json.dumps(name, ensure_ascii=False)}: "
            suffix = "\n },\n" if i == last else ""  # every row's object ends with ",\n"
            column = _column(rows.iloc[:, i], prefix, suffix, previous)
            previous = column if isinstance(column, tuple) else None
            yield column

    columns = merged(coded(), "", len(rows))
    # One join of every row's pieces (most of them shared texts of distinct values): the
    # text is copied once, not once per row, block and whole.
    pieces = ["[\n"]
    for start in range(0, len(rows), BLOCK_ROWS):
        fields = [column(start, start + BLOCK_ROWS) for column in columns]
        pieces.extend(itertools.chain.from_iterable(zip(*fields, strict=True)))
    pieces[-1] = pieces[-1].removesuffix(",\n")  # the last row's object ends the array
    pieces.append("\n]\n")
    return "".join(pieces)
