"""What Dutch (and other European) Excel writes in a `;`-separated CSV, read on columns.

Amounts have a decimal comma and may group thousands with points ("1.234,56", "1234,56",
"-1.111,11"); a point before one or two digits cannot group thousands and stays a decimal
point ("1000.50"). Dates may be day-first ("15-01-2026", "1-4-2025"). ASCII digits only.
Both functions work on whole columns with pandas string methods (no per-row Python).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

COMMA_AMOUNT = r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]{1,2})?"
POINT_AMOUNT = r"[+-]?[0-9]+\.[0-9]{1,2}"
DAY_FIRST = r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})"


def point_amounts(
    cells: Sequence[Any] | npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """(cells, fits): each text cell that is a `;`-file amount as a plain one ("1.234,56"
    -> "1234.56"), every other cell as it is; fits says which cells were such amounts."""
    series = pd.Series(list(cells), dtype=object)
    text = series.where(series.map(type).isin([str]), "")
    fits = text.str.fullmatch(COMMA_AMOUNT).fillna(False).to_numpy(bool)
    point = text.str.fullmatch(POINT_AMOUNT).fillna(False).to_numpy(bool)
    plain = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    out = np.where(fits & ~point, plain.to_numpy(object), series.to_numpy(object))
    return out.astype(object), fits | point


def iso_dates(cells: Sequence[Any] | npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Each day-first text cell ("1-4-2025") as YYYY-MM-DD ("2025-04-01"); every other
    cell as it is (checked as a date where it is read)."""
    series = pd.Series(list(cells), dtype=object)
    text = series.where(series.map(type).isin([str]), "")
    parts = text.str.extract(f"^{DAY_FIRST}$")
    found = parts[2].notna().to_numpy(bool)
    if not found.any():
        return series.to_numpy(object)
    iso = (parts[2] + "-" + parts[1].str.zfill(2) + "-" + parts[0].str.zfill(2)).to_numpy(object)
    return np.where(found, iso, series.to_numpy(object)).astype(object)


def point_shares(cells: Sequence[Any] | npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Each share written with a decimal comma ("0,8") with a point ("0.8"); every other
    cell as it is."""
    series = pd.Series(list(cells), dtype=object)
    text = series.where(series.map(type).isin([str]), "")
    found = text.str.fullmatch(r"[0-9]+,[0-9]+").fillna(False).to_numpy(bool)
    plain = text.str.replace(",", ".", regex=False).to_numpy(object)
    return np.where(found, plain, series.to_numpy(object)).astype(object)
