"""Amounts a workbook can hold to the cent, and a clear refusal for larger ones.

Excel and LibreOffice keep numbers as binary doubles and show at most 15 significant
digits; a euro amount with cents near EUR 10^13 already needs 15, and the sums the sheets
recalculate pick up rounding in the last digit, so that such workbooks show wrong cents
(the engine itself stays exact: integer cents of any size). We refuse to write a workbook
in which any amount, or the sum of all amounts of one basis (which bounds every total a
sheet computes), exceeds WORKBOOK_LIMIT_CENTS: EUR 999,999,999,999.99, 14 significant
digits, one digit of room for the rounding of sums. The text outputs (table, CSV, JSON)
have no such limit.

`check_exact(rows, columns)` gives the problems of a projection's tidy rows;
`exact_number(value, where)` is the serialiser's last check of every number it writes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from budget.core.errors import InputError, Problem
from budget.core.money import format_euros_grouped

WORKBOOK_LIMIT_CENTS = 10**14 - 1  # EUR 999,999,999,999.99
LIMIT_TEXT = format_euros_grouped(WORKBOOK_LIMIT_CENTS)
HINT = (
    "a workbook cannot show such amounts to the cent (Excel computes in binary doubles); "
    "use --format csv or json, which are exact, or check the amounts"
)
FLOAT_LIMIT = WORKBOOK_LIMIT_CENTS / 100  # in euros, as the sheets hold money
INT_LIMIT = 2**53  # whole numbers beyond this are not held exactly at all


def check_exact(
    rows: pd.DataFrame, columns: Sequence[str] = ("amount_cents",), file: str = "workbook"
) -> list[Problem]:
    """One problem per column whose largest amount, or whose sum per basis of absolute
    amounts, is beyond WORKBOOK_LIMIT_CENTS; names the commitment, funder and year."""
    problems = []
    for column in columns:
        if column not in rows or not len(rows):
            continue
        cents = rows[column].to_numpy()
        magnitude = np.abs(cents.astype(np.float64))  # a float screen: no int64 overflow
        largest = int(np.argmax(magnitude))
        if magnitude[largest] > WORKBOOK_LIMIT_CENTS:
            problems.append(
                Problem(
                    file,
                    _where(rows.iloc[largest]),
                    f"the amount EUR {format_euros_grouped(int(cents[largest]))} is beyond "
                    f"the largest a workbook holds to the cent (EUR {LIMIT_TEXT})",
                    HINT,
                )
            )
            continue
        groups = rows["basis"].astype(str).to_numpy() if "basis" in rows else np.full(len(rows), "")
        for basis in sorted(set(groups.tolist())):
            positions = np.flatnonzero(groups == basis)
            if magnitude[positions].sum() <= WORKBOOK_LIMIT_CENTS * 0.999:
                continue
            total = sum(abs(int(c)) for c in cents[positions].tolist())
            if total <= WORKBOOK_LIMIT_CENTS:
                continue
            part = int(positions[int(np.argmax(magnitude[positions]))])
            what = f"{basis} basis" if basis else "all rows"
            problems.append(
                Problem(
                    file,
                    f"the total of the {what}",
                    f"the amounts add up to EUR {format_euros_grouped(total)}, beyond "
                    f"the largest total a workbook holds to the cent (EUR {LIMIT_TEXT}); "
                    f"the largest part is {_where(rows.iloc[part])}",
                    HINT,
                )
            )
    return problems


def _where(row: pd.Series) -> str:
    parts = []
    for field in ("scenario", "commitment", "funder", "basis", "year"):
        if field in row.index and str(row[field]) not in ("", "nan"):
            parts.append(
                f"{field} {str(row[field])!r}" if field != "year" else f"year {row[field]}"
            )
    return ", ".join(parts)


def raise_if_inexact(rows: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    problems = check_exact(rows, columns, file)
    if problems:
        raise InputError(problems)


def exact_number(value: float | int, where: str, file: str) -> None:
    """InputError when a number about to be written cannot be shown to the cent."""
    if (type(value) is float and abs(value) > FLOAT_LIMIT) or (
        type(value) is not float and abs(value) > INT_LIMIT
    ):
        raise InputError(
            [
                Problem(
                    file,
                    where,
                    f"the number {_shown(value)} is beyond the largest a workbook holds "
                    "to the cent "
                    f"(EUR {LIMIT_TEXT})",
                    HINT,
                )
            ]
        )


def _shown(value: float | int) -> str:
    if isinstance(value, int) and value.bit_length() > 200:  # str() stops at 4,300 digits
        return f"of about {int(value.bit_length() * 0.30103)} digits"
    return repr(value)
