"""Columns of text as codes and the texts they name, for writers of text a row at a time
(budget.render.csvtext, budget.render.jsontext; issue 21).

A column is coded (`Coded`: an int array of codes, -1 for an empty field, and the list of
texts the codes name) when its values repeat (categories, text, whole numbers), else given
as `Fields` (a function of a row range that gives the texts of those rows). Adjacent coded
columns are merged into one (`merged`) while their distinct combinations stay few, so
that a row is joined from a few pieces, each combination's text built once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

Fields = Callable[[int, int], list[str]]  # a column's texts of rows [start, stop)
Coded = tuple[np.ndarray, list[str]]  # codes (-1: an empty field) and the fields they name
MERGE_SHARE = 0.5  # adjacent columns merge while their distinct pairs are at most this share
BLOCK = 2**16  # combinations whose texts are built at a time
DENSE = 4  # codes below DENSE x rows are told apart with a table, not by hashing


def used_codes(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray | None]:
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


def following(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray | None:
    """When each of `codes` (into a table of `size`, none missing) names one of `values`
    (cents after their euros): the value each code names, else None."""
    if not len(codes) or codes.min() < 0:
        return None
    named = np.zeros(size, dtype=values.dtype)
    named[codes] = values
    return named if np.array_equal(named[codes], values) else None


def factorized(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize of whole numbers or booleans (codes and their distinct values, in any
    order), by a table over their range when it is small (years, counts), else by hashing."""
    if values.dtype.kind == "b":
        codes, used = used_codes(values.astype(np.intp), 2)
        return codes, np.array([False, True]) if used is None else used.astype(bool)
    if len(values) and values.dtype.kind == "i":
        low, high = int(values.min()), int(values.max())
        if high - low < DENSE * len(values) + 64:
            codes, used = used_codes((values - low).astype(np.intp), high - low + 1)
            return codes, (np.arange(high - low + 1) if used is None else used) + low
    return pd.factorize(values)


def merged(
    columns: Iterable[Coded | Fields], delimiter: str, rows: int, end: str = ""
) -> list[Fields]:
    """The columns' texts, adjacent coded columns merged into one (their texts joined by
    `delimiter`, once per distinct combination) while the distinct combinations are at
    most MERGE_SHARE of the rows: a row is then a few pieces, not one per column (the rows
    of a commitment repeat its scenario, id, recipient, funder and kind, and a euro column
    its cents column). Each piece is followed by `delimiter`, the row's last by `end`, so
    that the rows are the pieces joined by "". A group's texts are built once, at its end.

    Memory: the columns are taken one at a time (give a generator), and a merged column
    keeps only its table, not its codes: what stays per row is an int array per group
    (issue 21: 1.6 million rows of 17 columns held 17 code arrays before)."""
    # Per finished piece: (codes, texts each followed by its separator) or Fields
    groups: list[Any] = []
    tables: list[list[str]] = []  # the merged columns' tables
    members: list[np.ndarray] = []  # per merged column, its code in each combination
    paired = np.zeros(0, dtype=np.intp)  # each row's combination
    last = np.zeros(0, dtype=np.intp)  # the codes of the group's last column
    count = 0  # combinations

    def close(after: str) -> None:
        if len(tables) == 1:
            groups.append((last, [text + after for text in tables[0]]))
        elif tables:
            # Each combination's texts joined and followed by `after` in one new text (a
            # million distinct amounts are a million texts, made once: issue 21, memory),
            # a block of combinations at a time (the pieces of a block, not of them all).
            looked_up = [np.array([*table, ""], dtype=object) for table in tables]
            texts: list[str] = []
            for low in range(0, count, BLOCK):
                high = min(low + BLOCK, count)
                between = [delimiter] * (high - low)
                parts: list[list[str]] = []
                for table, member in zip(looked_up, members, strict=True):
                    parts += (table[member[low:high]].tolist(), between)
                parts[-1] = [after] * (high - low)
                texts += map("".join, zip(*parts, strict=True))
            groups.append((paired, texts))
        tables.clear()
        members.clear()

    for column in columns:
        if not isinstance(column, tuple):
            close(delimiter)
            groups.append(column)
            continue
        codes, table = column
        if tables:
            size = len(table) + 1  # code -1 (an empty field) as the last
            if np.array_equal(codes, last) and len(table) == len(tables[-1]):
                # the same codes (a euro column and its cents): a combination per code
                joined, uniques = paired, np.arange(count) * size
                uniques += members[-1]
            else:
                joined, uniques = pairs(paired * size + codes % size, count * size)
            if len(uniques) <= MERGE_SHARE * rows:
                members[:] = [m[uniques // size] for m in members]
                members.append(uniques % size)
                tables.append(table)
                paired, count, last = joined, len(uniques), codes
                continue
            close(delimiter)
        tables.append(table)
        members.append(np.arange(len(table) + 1))
        paired, count, last = codes % (len(table) + 1), len(table) + 1, codes
    close(end)  # (the last group: followed by the row's end)
    out = []
    for number, found in enumerate(groups):
        after = end if number == len(groups) - 1 else delimiter
        if isinstance(found, tuple):  # its texts followed; an empty field by `after` alone
            out.append(spread(found[1], found[0], after))
        else:
            out.append(_followed(found, after) if after else found)
    return out


def _followed(fields: Fields, after: str) -> Fields:
    return lambda start, stop: [text + after for text in fields(start, stop)]


def pairs(pairs: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct values of `pairs` (all in [0, bound)) and those values."""
    if bound <= DENSE * len(pairs) + 64:
        seen = np.zeros(bound, dtype=bool)
        seen[pairs] = True
        uniques = np.flatnonzero(seen)
        renumbered = np.zeros(bound, dtype=np.intp)
        renumbered[uniques] = np.arange(len(uniques))
        return renumbered[pairs], uniques
    return pd.factorize(pairs)


def spread(table: list[str], codes: np.ndarray, missing: str = "") -> Fields:
    """table[code] for each code, `missing` for -1."""
    looked_up = np.array([*table, missing], dtype=object)
    return lambda start, stop: looked_up[codes[start:stop]].tolist()
