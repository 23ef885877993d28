"""Grouping the tidy rows on arrays: the reports' one pass over 1.5 million rows at
register scale (issue 21) instead of a pandas operation per group.

The text columns of the rows are categoricals (`budget.reports.frames`): a key's codes
stand for its texts, so that rows are grouped by integers and only the groups' texts are
made. `group_numbers` combines several keys' codes into one number per row, numbered in
the order of the groups' first rows (as `groupby(..., sort=False)` numbers them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

# codes (a signed integer type, -1: missing) and the texts they index
Codes = tuple[npt.NDArray[np.integer], list[str]]


def basis_mask(rows: pd.DataFrame, basis: str) -> npt.NDArray[np.bool_]:
    """Which of the rows are of `basis`: on the categorical's codes when it is one (no
    comparison of 1.5 million texts)."""
    return value_mask(rows, "basis", basis)


def value_mask(rows: pd.DataFrame, name: str, value: str) -> npt.NDArray[np.bool_]:
    """Which of the rows hold `value` in column `name`, on a categorical's codes."""
    column = rows[name]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        places = [i for i, c in enumerate(column.cat.categories) if c == value]
        return codes == places[0] if places else np.zeros(len(rows), dtype=bool)
    return (column == value).to_numpy(dtype=bool)


def codes_of(column: pd.Series, mask: npt.NDArray[np.bool_] | None = None) -> Codes:
    """The codes (-1: missing) of `column`'s values (where `mask`, when given) and the
    texts they index: a categorical's own codes (int8 to int32, not copied without a
    mask), else those of one factorization."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        every = column.cat.codes.to_numpy()
        codes = every if mask is None else every[mask]
        return codes, [str(c) for c in column.cat.categories]
    values = column.to_numpy(dtype=object)
    found, uniques = pd.factorize(values if mask is None else values[mask])
    return found, [str(u) for u in uniques]


def group_numbers(
    coded: Sequence[Codes], count: int
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[np.int64]]]:
    """One group number per row of the keys' codes (one key or more, each of `count`
    rows, none missing),
    numbered in the order of the groups' first rows, and each key's code per group.

    The codes are combined one key at a time (number * size + code, factorized again so
    that the numbers stay below the rows' count); a group's codes are found back from its
    number, once per group."""
    group = np.zeros(count, dtype=np.int64)
    stages = []
    for codes, texts in coded:
        size = max(len(texts), 1)
        group *= size  # in place (int64): memory of one number per row, not three
        group += codes
        found, uniques = pd.factorize(group)
        del group
        group = found.astype(np.int64, copy=False)
        stages.append((np.asarray(uniques, dtype=np.int64), size))
    if not stages:
        raise ValueError("no key to group by")
    at = np.arange(len(stages[-1][0]))
    per_group = []
    for uniques, size in reversed(stages):
        number = uniques[at]
        per_group.append(number % size)
        at = number // size
    return group, per_group[::-1]


def group_texts(
    coded: Sequence[Codes], per_group: Sequence[npt.NDArray[np.int64]]
) -> list[tuple[str, ...]]:
    """Each group's texts, from its keys' codes (`group_numbers`)."""
    parts = [
        np.array(texts, dtype=object)[codes]
        for (_, texts), codes in zip(coded, per_group, strict=True)
    ]
    return list(zip(*parts, strict=True))
