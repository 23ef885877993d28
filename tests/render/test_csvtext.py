"""CSV text in both flavours: every field reads back exactly (properties)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from budget.render.csvtext import FORMULA_STARTS, frame_csv
from budget.render.text import with_euros

CENTS = st.integers(-(2**63) + 1, 2**63 - 1)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def read_back(text: str, flavour: str) -> list[list[str]]:
    if flavour == "excel-csv":
        assert text.startswith("\ufeff")
        text = text.removeprefix("\ufeff")
    separator = ";" if flavour == "excel-csv" else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def plain_number(text: str) -> bool:
    """A number as Excel reads it, which excel-csv leaves unprefixed: -12.50, 7."""
    return re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) is not None


@given(st.lists(st.tuples(TEXT, CENTS), min_size=1, max_size=8))
def test_every_field_reads_back(records):
    names = [name for name, _ in records]
    frame = with_euros(
        pd.DataFrame(
            {
                "name": pd.Categorical(names, categories=list(dict.fromkeys(names))),
                "amount_cents": pd.array([c for _, c in records], dtype="int64"),
            }
        )
    )
    for flavour in ("csv", "excel-csv"):
        rows = read_back(frame_csv(frame, flavour), flavour)
        assert rows[0] == ["name", "amount", "amount_cents"]
        assert len(rows) == len(records) + 1
        for (name, cents), (shown, amount, whole) in zip(records, rows[1:], strict=True):
            assert int(whole) == cents
            if flavour == "csv":
                assert shown == name
                assert Decimal(amount) == Decimal(cents) / 100
                continue
            # excel-csv: a decimal comma, exactly two decimals, no grouping.
            assert Decimal(amount.replace(",", ".")) == Decimal(cents) / 100
            assert amount.split(",")[1].isdigit() and len(amount.split(",")[1]) == 2
            if name.startswith(FORMULA_STARTS) and not plain_number(name):
                assert shown == "'" + name
            elif "." in name and plain_number(name):
                assert shown == name.replace(".", ",")
            else:
                assert shown == name
